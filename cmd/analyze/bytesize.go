package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// byteSize is a flag value in bytes that accepts Kubernetes-style
// suffixes: decimal k/K, M, G, T, P (10G = 10*1000^3) and binary Ki, Mi,
// Gi, Ti, Pi (512Mi = 512*1024^2), with an optional trailing B.
type byteSize int64

var sizeSuffixes = []struct {
	s string
	m float64
}{
	{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"Pi", 1 << 50},
	{"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15},
}

func parseByteSize(s string) (int64, error) {
	in := strings.TrimSpace(s)
	num := strings.TrimSuffix(in, "B")
	mult := 1.0
	for _, suf := range sizeSuffixes {
		if strings.HasSuffix(num, suf.s) {
			num, mult = strings.TrimSuffix(num, suf.s), suf.m
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsNaN(v) || v <= 0 {
		return 0, fmt.Errorf("invalid size %q (want a positive number with an optional suffix: 10G, 512Mi, 64Gi)", s)
	}
	b := v * mult
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q too large", s)
	}
	if b < 1 {
		return 0, fmt.Errorf("size %q is less than one byte", s)
	}
	return int64(b), nil
}

func formatByteSize(n int64) string {
	for _, suf := range []struct {
		s string
		m int64
	}{{"Pi", 1 << 50}, {"Ti", 1 << 40}, {"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}} {
		if n >= suf.m && n%suf.m == 0 {
			return strconv.FormatInt(n/suf.m, 10) + suf.s
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) String() string { return formatByteSize(int64(*b)) }
func (b *byteSize) Type() string   { return "size" }
func (b *byteSize) Set(s string) error {
	v, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(v)
	return nil
}
