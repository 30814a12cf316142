// Package bytesize reads and writes byte counts the way Kubernetes writes
// resource quantities (k8s.io/apimachinery's resource.Quantity): a plain
// number of bytes (1048576), a decimal suffix k, M, G, T, P, E (10G = 10·1000³)
// or a binary suffix Ki, Mi, Gi, Ti, Pi, Ei (512Mi = 512·1024²). Both
// commands' size flags use it, so they accept the same forms. It imports
// only apimachinery's resource package: analyze links no client-go.
package bytesize

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// errForms says which forms a size takes; every unreadable size gets it.
var errForms = errors.New("want a byte count such as 10G (10·1000³), 512Mi (512·1024²) or 1048576")

// Parse reads a non-negative whole number of bytes written as a quantity.
// Surrounding spaces are ignored. Fractions of a byte (0.5, 100m), negative
// sizes and sizes beyond int64 are errors that name s and say why.
func Parse(s string) (int64, error) {
	n, err := parse(s)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: %w", s, err)
	}
	return n, nil
}

// parse is Parse with errors that say why but not what: pflag names the
// flag and the value in front of a Set error already.
func parse(s string) (int64, error) {
	in := strings.TrimSpace(s)
	// ParseQuantity reads a lone suffix ("G") as zero; a size needs digits.
	if !strings.ContainsAny(in, "0123456789") {
		return 0, errForms
	}
	q, err := resource.ParseQuantity(in)
	if err != nil {
		return 0, errForms
	}
	if q.Sign() < 0 {
		return 0, errors.New("negative")
	}
	if q.CmpInt64(math.MaxInt64) > 0 {
		return 0, fmt.Errorf("larger than %d bytes", int64(math.MaxInt64))
	}
	// Value rounds up; equal only when q is a whole number of bytes.
	n := q.Value()
	if q.CmpInt64(n) != 0 {
		return 0, errors.New("not a whole number of bytes")
	}
	return n, nil
}

// Format writes n as a quantity that Parse reads back: with the largest
// binary suffix that divides it (64Gi, 5Mi), else as Kubernetes
// canonicalizes it (1k, 1500).
func Format(n int64) string { return resource.NewQuantity(n, resource.BinarySI).String() }

// Size is a flag value (pflag.Value) holding a positive byte count.
type Size int64

func (b *Size) String() string { return Format(int64(*b)) }

// Type names the value in --help.
func (b *Size) Type() string { return "size" }

// Set parses s; 0 is refused.
func (b *Size) Set(s string) error {
	n, err := parse(s)
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("must be more than 0 bytes")
	}
	*b = Size(n)
	return nil
}

// Limit is a flag value (pflag.Value) holding a byte count where 0 means
// no limit.
type Limit int64

func (b *Limit) String() string { return Format(int64(*b)) }

// Type names the value in --help.
func (b *Limit) Type() string { return "size" }

// Set parses s; 0 is accepted.
func (b *Limit) Set(s string) error {
	n, err := parse(s)
	if err != nil {
		return err
	}
	*b = Limit(n)
	return nil
}
