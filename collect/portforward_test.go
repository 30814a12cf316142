package collect

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
)

// halfStream is one side of a stream: Close ends only its writes, as an
// SPDY stream's does; Reset ends both directions.
type halfStream struct {
	r       *io.PipeReader
	w       *io.PipeWriter
	headers http.Header
}

func (s *halfStream) Read(p []byte) (int, error)  { return s.r.Read(p) }
func (s *halfStream) Write(p []byte) (int, error) { return s.w.Write(p) }
func (s *halfStream) Close() error                { return s.w.Close() }
func (s *halfStream) Reset() error {
	s.r.CloseWithError(errors.New("stream reset"))
	return s.w.CloseWithError(errors.New("stream reset"))
}
func (s *halfStream) Headers() http.Header { return s.headers }
func (s *halfStream) Identifier() uint32   { return 0 }

func streamPair(h http.Header) (client, server *halfStream) {
	ar, aw := io.Pipe() // server -> client
	br, bw := io.Pipe() // client -> server
	return &halfStream{r: ar, w: bw, headers: h}, &halfStream{r: br, w: aw, headers: h}
}

// fakeKubelet is the far end of a port-forward: for each request ID it
// gets an error stream and a data stream, and serve decides what the pod
// does with them.
type fakeKubelet struct {
	mu      sync.Mutex
	pending map[string]*halfStream // request ID -> server side of the error stream
	serve   func(errStream, data *halfStream)
	closed  chan bool
}

func (k *fakeKubelet) CreateStream(h http.Header) (httpstream.Stream, error) {
	c, s := streamPair(h.Clone())
	id := h.Get(corev1.PortForwardRequestIDHeader)
	k.mu.Lock()
	defer k.mu.Unlock()
	switch h.Get(corev1.StreamType) {
	case corev1.StreamTypeError:
		k.pending[id] = s
	case corev1.StreamTypeData:
		go k.serve(k.pending[id], s)
	}
	return c, nil
}
func (k *fakeKubelet) Close() error                       { return nil }
func (k *fakeKubelet) CloseChan() <-chan bool             { return k.closed }
func (k *fakeKubelet) SetIdleTimeout(time.Duration)       {}
func (k *fakeKubelet) RemoveStreams(...httpstream.Stream) {}
func newFake(serve func(errStream, data *halfStream)) *forward {
	return &forward{conn: &fakeKubelet{pending: map[string]*halfStream{}, serve: serve, closed: make(chan bool)}, port: 15000}
}

// The answer is read in full while gather's side stays open (Envoy's admin
// drops a connection whose client half-closed before it answered).
func TestForwardGet(t *testing.T) {
	early := make(chan string, 1)
	f := newFake(func(errStream, data *halfStream) {
		defer errStream.w.Close()
		req, err := http.ReadRequest(bufio.NewReader(data))
		if err != nil {
			early <- "no request: " + err.Error()
			return
		}
		if req.URL.String() != "/clusters?format=json" || !req.Close {
			early <- "request " + req.URL.String()
		}
		eof := make(chan struct{})
		go func() { io.Copy(io.Discard, data); close(eof) }()
		select {
		case <-eof:
			early <- "gather half-closed before the answer"
		case <-time.After(50 * time.Millisecond):
		}
		io.WriteString(data, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"cluster_statuses\":[]}")
		data.w.Close()
	})
	body, err := f.get(context.Background(), "/clusters?format=json", 1<<20)
	if err != nil || string(body) != `{"cluster_statuses":[]}` {
		t.Fatalf("get: %q, %v", body, err)
	}
	select {
	case msg := <-early:
		t.Fatal(msg)
	default:
	}
}

// The kubelet's reason for a failed connection is the request's error.
func TestForwardRefused(t *testing.T) {
	const why = `error forwarding port 15000 to pod abc, uid : failed to connect to localhost:15000 inside namespace "x": connect: connection refused`
	f := newFake(func(errStream, data *halfStream) {
		io.WriteString(errStream.w, why)
		errStream.w.Close()
		data.Reset() // the kubelet ends the data stream it could not connect

	})
	_, err := f.get(context.Background(), "/clusters", 1<<20)
	var fe *forwardError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "connection refused") || classify(err) != failRefused {
		t.Fatalf("err %v (%T), want the kubelet's reason as a forwardError", err, err)
	}
	// Another answer than 200 is an error too.
	f = newFake(func(errStream, data *halfStream) {
		defer errStream.w.Close()
		http.ReadRequest(bufio.NewReader(data))
		io.WriteString(data, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
		data.w.Close()
	})
	if _, err := f.get(context.Background(), "/nope", 1<<20); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
}

// A pod that never answers costs the call's deadline, no more.
func TestForwardDeadline(t *testing.T) {
	f := newFake(func(errStream, data *halfStream) {}) // silence
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	_, err := f.get(ctx, "/clusters", 1<<20)
	if err == nil || classify(err) != failTimeout {
		t.Fatalf("err %v, want a timeout", err)
	}
	if el := time.Since(t0); el > 2*time.Second {
		t.Errorf("took %s", el)
	}
}
