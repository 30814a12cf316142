package logscan

import "math"

// RateBuckets is how many buckets a symptom's Rate has.
const RateBuckets = 60

// rateSteps are the bucket widths a Rate uses, in seconds. Each divides
// the next, and a Rate's Start is a multiple of its step, so when the
// step grows every old bucket falls whole into one new bucket.
var rateSteps = [...]int64{1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400, 604800}

// Rate counts a symptom's timed lines over time in RateBuckets buckets:
// Counts[i] lines in [Start + i*Step(), Start + (i+1)*Step()), Unix
// seconds. It starts at one second per bucket and widens its step (1 s,
// 5 s, 10 s, 30 s, 1 min, ... 1 week) when a line falls outside, so the
// buckets cover the lines' span whatever it is, at a fixed size: counting
// a line is a compare, a division and an increment.
type Rate struct {
	Start  int64
	step   uint8 // index in rateSteps
	set    bool
	Counts [RateBuckets]uint32
}

// Step is the width of a bucket, in seconds.
func (r *Rate) Step() int64 { return rateSteps[r.step] }

// add counts n lines at Unix time t.
func (r *Rate) add(t int64, n uint32) {
	if !r.set {
		r.set, r.Start = true, t
	}
	step := rateSteps[r.step]
	if t < r.Start || t >= r.Start+RateBuckets*step {
		r.refit(t, r.step)
		step = rateSteps[r.step]
	}
	i := min(max((t-r.Start)/step, 0), RateBuckets-1)
	r.Counts[i] = satAdd(r.Counts[i], n)
}

// merge adds o's counts to r.
func (r *Rate) merge(o *Rate) {
	if o == nil || !o.set {
		return
	}
	if !r.set {
		*r = *o
		return
	}
	if o.step > r.step {
		// o's buckets must each fall in one of r's.
		r.refit(r.Start, o.step)
	}
	for i, c := range o.Counts {
		if c != 0 {
			r.add(o.Start+int64(i)*o.Step(), c)
		}
	}
}

// refit widens the step (to at least minStep) until the lines counted so
// far and time t fit in the buckets, and moves the counts over.
func (r *Rate) refit(t int64, minStep uint8) {
	lo, hi := t, t
	old := r.Step()
	for i, c := range r.Counts {
		if c != 0 {
			b := r.Start + int64(i)*old
			lo, hi = min(lo, b), max(hi, b+old-1)
		}
	}
	k := max(r.step, minStep)
	for int(k) < len(rateSteps)-1 && floorDiv(hi, rateSteps[k])-floorDiv(lo, rateSteps[k]) >= RateBuckets {
		k++
	}
	step := rateSteps[k]
	start := floorDiv(lo, step) * step
	var counts [RateBuckets]uint32
	for i, c := range r.Counts {
		if c != 0 {
			// Beyond a year of span the widest step cannot hold every
			// line (a clock gone wrong): the edges take the rest.
			j := min(max((r.Start+int64(i)*old-start)/step, 0), RateBuckets-1)
			counts[j] = satAdd(counts[j], c)
		}
	}
	r.Start, r.step, r.Counts = start, k, counts
}

// Span returns the counts from the first bucket with a line to the last,
// and the Unix time the first of them starts at; nil when nothing was
// counted.
func (r *Rate) Span() (start int64, counts []uint32) {
	if r == nil || !r.set {
		return 0, nil
	}
	first, last := -1, -1
	for i, c := range r.Counts {
		if c != 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0, nil
	}
	return r.Start + int64(first)*r.Step(), r.Counts[first : last+1]
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}

func satAdd(a, b uint32) uint32 {
	if a > math.MaxUint32-b {
		return math.MaxUint32
	}
	return a + b
}
