package logscan

import (
	"cmp"
	"fmt"
	"slices"
	"sync"

	"github.com/klauspost/compress/s2"
)

// Sample lines are most of what symptom groups cost. A big incident has
// tens of thousands of groups (every pod and upstream pair with a stray
// failure is one), each keeping up to MaxSamples raw lines of a few hundred
// bytes: medium-x10 of `make bench` keeps 48,833 lines, 17 MB, for 26,308
// groups, and they stay in memory for the whole walk over the logs, when
// the heap is at its largest. Access log lines compress well (3.6x with
// S2 in blocks of 64 KiB, against 5.8x for zstd at three times the CPU
// and an encoder to keep), so they are kept in compressed blocks until
// the very end: Symptoms decompresses them for its copies, TakeGroups
// hands them over still compressed in a SampleSet, and the loader fills
// them in (SampleSet.Fill) once the objects are garbage.

// sampleBlockBytes is the size of a block before it is compressed.
const sampleBlockBytes = 64 << 10

// sampleRef locates one kept line in a sampleStore.
type sampleRef struct {
	block uint32 // index of the block in the store
	off   uint32 // offset of the line in the block, uncompressed
	n     uint32 // length of the line
}

// SampleRefs are where a group's sample lines are in its store (while it
// is aggregated, and in the SampleSet TakeGroups returns), first seen
// first.
type SampleRefs struct {
	refs [MaxSamples]sampleRef
	n    uint8
}

func (k *SampleRefs) add(r sampleRef) {
	if int(k.n) < MaxSamples {
		k.refs[k.n] = r
		k.n++
	}
}

// bytes is the length of the kept lines.
func (k *SampleRefs) bytes() int64 {
	var n int64
	for _, r := range k.refs[:k.n] {
		n += int64(r.n)
	}
	return n
}

// merged returns first's samples then second's, cut to MaxSamples.
func merged(first, second SampleRefs) SampleRefs {
	out := first
	for _, r := range second.refs[:second.n] {
		out.add(r)
	}
	return out
}

// rebase moves the refs to blocks appended to another store after base
// blocks.
func (k *SampleRefs) rebase(base uint32) {
	for i := range k.refs[:k.n] {
		k.refs[i].block += base
	}
}

// sampleStore holds sample lines in S2-compressed blocks, plus the block
// being filled. One store belongs to one fileScan (no lock); the
// Aggregator takes its blocks over when the file is merged.
type sampleStore struct {
	open   *[]byte  // the block being filled, uncompressed; from blockBufs
	blocks [][]byte // sealed blocks, compressed
}

// blockBufs recycles the open blocks and the encoder's output buffers: a
// cluster-info dump tree has a log per container, 150,000 of them, and a
// buffer of 64 KiB each would be garbage the collector paces itself on.
var blockBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, s2.MaxEncodedLen(sampleBlockBytes+maxSampleBytes))
	return &b
}}

// add keeps a copy of line and returns where it is.
func (st *sampleStore) add(line []byte) sampleRef {
	if st.open == nil {
		st.open = blockBufs.Get().(*[]byte)
	} else if len(*st.open) > 0 && len(*st.open)+len(line) > sampleBlockBytes {
		st.seal()
	}
	open := *st.open
	r := sampleRef{block: uint32(len(st.blocks)), off: uint32(len(open)), n: uint32(len(line))}
	*st.open = append(open, line...)
	return r
}

// seal compresses the open block into its own exactly sized slice and
// empties the open block for the next lines.
func (st *sampleStore) seal() {
	if st.open == nil || len(*st.open) == 0 {
		return
	}
	sp := blockBufs.Get().(*[]byte)
	scratch := *sp
	if need := s2.MaxEncodedLen(len(*st.open)); cap(scratch) < need {
		scratch = make([]byte, need)
	}
	enc := s2.Encode(scratch[:cap(scratch)], *st.open)
	st.blocks = append(st.blocks, append([]byte(nil), enc...))
	*sp = scratch[:0]
	blockBufs.Put(sp)
	*st.open = (*st.open)[:0]
}

// takeBlocks seals the open block of from, appends all its blocks to st
// and returns the index the first of them got. from is empty after it.
func (st *sampleStore) takeBlocks(from *sampleStore) uint32 {
	from.seal()
	if from.open != nil {
		blockBufs.Put(from.open)
		from.open = nil
	}
	base := uint32(len(st.blocks))
	st.blocks = append(st.blocks, from.blocks...)
	from.blocks = nil
	return base
}

// lines returns the lines of each kept, in order, as slices sharing one
// backing array. Each block is decompressed once, into one reused buffer.
func (st *sampleStore) lines(kept []SampleRefs) [][]string {
	type want struct {
		ref  sampleRef
		slot int // index into all
	}
	total := 0
	for _, k := range kept {
		total += int(k.n)
	}
	all := make([]string, total)
	out := make([][]string, len(kept))
	wants := make([]want, 0, total)
	slot := 0
	for i, k := range kept {
		n := int(k.n)
		for j, r := range k.refs[:n] {
			wants = append(wants, want{r, slot + j})
		}
		if n > 0 {
			out[i] = all[slot : slot+n : slot+n]
		}
		slot += n
	}
	slices.SortFunc(wants, func(x, y want) int { return cmp.Compare(x.ref.block, y.ref.block) })
	var buf []byte
	var lost error
	cur := -1
	for _, w := range wants {
		if b := int(w.ref.block); b != cur {
			cur = b
			buf, lost = st.decode(b, buf)
		}
		end := uint64(w.ref.off) + uint64(w.ref.n)
		switch {
		case lost != nil:
			all[w.slot] = "[sample lost: " + lost.Error() + "]"
		case end > uint64(len(buf)):
			all[w.slot] = fmt.Sprintf("[sample lost: %d+%d beyond block %d of %d bytes]", w.ref.off, w.ref.n, cur, len(buf))
		default:
			all[w.slot] = string(buf[w.ref.off:end])
		}
	}
	return out
}

// materialize sets the Samples of every group from its kept refs and
// forgets the refs.
func (st *sampleStore) materialize(groups []*Symptom) {
	kept := make([]SampleRefs, len(groups))
	for i, g := range groups {
		kept[i], g.kept = g.kept, SampleRefs{}
	}
	for i, l := range st.lines(kept) {
		groups[i].Samples = l
	}
}

// SampleSet holds the sample lines of the groups TakeGroups handed out,
// still compressed: a caller that builds much from tens of thousands of
// groups turns them into strings last, once the rest is garbage.
type SampleSet struct {
	store sampleStore
}

// SampleRefs returns where g's sample lines are in the SampleSet
// TakeGroups returned with g.
func (g *Symptom) SampleRefs() SampleRefs { return g.kept }

// Lines returns the lines of one group (nil when it kept none).
func (s *SampleSet) Lines(r SampleRefs) []string {
	return s.Fill([]SampleRefs{r})[0]
}

// Fill returns the lines of each group, in the order of refs, decompressing
// each block once. Slices of groups without lines are nil.
func (s *SampleSet) Fill(refs []SampleRefs) [][]string {
	return s.store.lines(refs)
}

// decode decompresses block b into buf (grown when too small). The blocks
// are the store's own output, so an error means a bug in this file; it is
// shown in place of the lines rather than stopping the analysis.
func (st *sampleStore) decode(b int, buf []byte) ([]byte, error) {
	if b >= len(st.blocks) {
		return buf, fmt.Errorf("no sample block %d of %d", b, len(st.blocks))
	}
	n, err := s2.DecodedLen(st.blocks[b])
	if err != nil {
		return buf, fmt.Errorf("sample block %d: %w", b, err)
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	out, err := s2.Decode(buf[:cap(buf)], st.blocks[b])
	if err != nil {
		return buf, fmt.Errorf("sample block %d: %w", b, err)
	}
	return out, nil
}
