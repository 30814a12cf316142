package load

import (
	"bufio"
	"bytes"
	"io"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/docker"
)

// Docker inputs are files users paste from the Docker CLI (package
// docker): JSON that carries no kind, and `docker service ps` tables. They
// come as objects entries (.json), logs of unknown origin (.txt, .log) or
// other files, and are told apart by their content here, before the
// Kubernetes decoder or the log scanner would read them as something
// they are not.

// dockerSniffBytes is how much of a streamed entry is looked at to
// recognise Docker output (the first object of a docker inspect array is
// a few KB), and maxOtherBytes the largest file of no known type read to
// look for it.
const (
	dockerSniffBytes = 1 << 20
	maxOtherBytes    = 4 << 20
	// otherSniffBytes is the head of a file of no known type the sniffs
	// see: a docker inspect object's first key, a table's header line.
	otherSniffBytes = 64 << 10
)

// dockerJSON reads data as Docker JSON when it is; false when it is not.
func (l *loader) dockerJSON(where string, data []byte) bool {
	if !docker.Sniff(data) {
		return false
	}
	if err := docker.Read(where, bytes.NewReader(data), l.docker); err != nil {
		l.warn("%v", err)
	}
	return true
}

// dockerTasks reads data as a `docker service ps` table when it is one.
func (l *loader) dockerTasks(where string, data []byte) bool {
	if !docker.SniffTasks(data) {
		return false
	}
	if err := docker.ReadTasks(where, bytes.NewReader(data), l.docker); err != nil {
		l.warn("%v", err)
	}
	return true
}

// dockerJSONStream is dockerJSON for an objects entry too big to buffer:
// body is replaced by one that still starts at the first byte.
func (l *loader) dockerJSONStream(where string, body *io.Reader) bool {
	br := bufio.NewReaderSize(*body, 64<<10)
	*body = br
	head, _ := br.Peek(dockerSniffBytes)
	if !docker.Sniff(head) {
		return false
	}
	if err := docker.Read(where, br, l.docker); err != nil {
		l.warn("%v", err)
	}
	return true
}

// otherEntry reports whether a small file of no known type is Docker CLI
// output, and reads it if so.
func (l *loader) otherEntry(e *bundle.Entry, where string) bool {
	if e.Size < 0 || e.Size > maxOtherBytes || e.Body == nil {
		return false
	}
	// Both sniffs read the first key or line only: a file that is neither
	// (most files of no known type) is not read further.
	br := bufio.NewReaderSize(e.Body, otherSniffBytes)
	head, _ := br.Peek(otherSniffBytes)
	if !docker.Sniff(head) && !docker.SniffTasks(head) {
		return false
	}
	data, err := io.ReadAll(io.LimitReader(br, maxOtherBytes))
	if err != nil {
		return false // not ours to judge: an unreadable file of no known type
	}
	return l.dockerJSON(where, data) || l.dockerTasks(where, data)
}
