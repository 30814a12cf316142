// Package readerpool recycles bufio.Readers. A cluster-info dump tree has
// one logs.txt per pod and a container section per container, 150,000 of
// them for 50,000 pods; a read buffer allocated for each was most of what
// analyzing such a tree allocated.
package readerpool

import (
	"bufio"
	"io"
	"sync"
)

// pools holds one pool per buffer size, so readers of different sizes
// used in turn (the dump splitter's and the log scanner's) do not evict
// each other.
var pools sync.Map // int -> *sync.Pool

// Get returns a reader over r with a buffer of exactly size bytes.
func Get(r io.Reader, size int) *bufio.Reader {
	if p, ok := pools.Load(size); ok {
		if br, ok := p.(*sync.Pool).Get().(*bufio.Reader); ok {
			br.Reset(r)
			return br
		}
	}
	return bufio.NewReaderSize(r, size)
}

// Put recycles br; it must not be used afterwards.
func Put(br *bufio.Reader) {
	br.Reset(nil) // do not keep the last input reachable
	p, _ := pools.LoadOrStore(br.Size(), &sync.Pool{})
	p.(*sync.Pool).Put(br)
}
