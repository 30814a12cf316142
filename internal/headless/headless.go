// Package headless drives a headless Chromium over the DevTools protocol
// for tests that must see a page as a browser renders it (the HTML report).
// It speaks the protocol over --remote-debugging-pipe: the browser reads
// commands from its file descriptor 3 and writes replies and events to its
// descriptor 4, each message one JSON object followed by a NUL byte. No
// port is opened and no WebSocket is needed, so the few commands a test
// sends need nothing beyond the standard library.
//
// Nothing in analyze or gather imports it.
package headless

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Flags are the switches Start runs Chromium with: headless, no sandbox
// (tests run as root in CI), and every background service that would open
// a connection off, since on a closed network those are refused and the
// browser logs errors a test would mistake for the page's.
var Flags = []string{
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--no-default-browser-check",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--disable-default-apps",
	"--disable-extensions",
	"--disable-dev-shm-usage",
	"--hide-scrollbars",
	"--mute-audio",
	"--remote-debugging-pipe",
}

// Browser is a running Chromium.
type Browser struct {
	cmd    *exec.Cmd
	toB    *os.File // our end of the browser's fd 3
	fromB  *os.File // our end of the browser's fd 4
	stderr *tailBuffer

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan reply
	events  []Event
	notify  chan struct{} // closed and replaced when an event arrives
	readErr error         // set once the reader stops
	stopped chan struct{} // closed when the reader stops
}

// Event is a protocol event: its method, the session it belongs to ("" for
// the browser) and its parameters.
type Event struct {
	Method    string         `json:"method"`
	SessionID string         `json:"sessionId"`
	Params    jsontext.Value `json:"params"`
}

type reply struct {
	Result jsontext.Value
	Err    error
}

// message is any message the browser sends.
type message struct {
	ID        int64          `json:"id"`
	Method    string         `json:"method"`
	SessionID string         `json:"sessionId"`
	Params    jsontext.Value `json:"params"`
	Result    jsontext.Value `json:"result"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data"`
	} `json:"error"`
}

// Start runs the Chromium binary at path with Flags and a profile in
// userDataDir (a fresh, empty directory: a used profile brings its state
// and its background work). It returns once the browser answers a first
// command, or an error carrying the end of its standard error.
func Start(ctx context.Context, path, userDataDir string) (*Browser, error) {
	ourR, theirW, err := os.Pipe() // the browser writes fd 4
	if err != nil {
		return nil, err
	}
	theirR, ourW, err := os.Pipe() // the browser reads fd 3
	if err != nil {
		ourR.Close()
		theirW.Close()
		return nil, err
	}
	args := append(append([]string{}, Flags...), "--user-data-dir="+userDataDir, "about:blank")
	cmd := exec.Command(path, args...)
	cmd.ExtraFiles = []*os.File{theirR, theirW} // fds 3 and 4
	b := &Browser{
		cmd: cmd, toB: ourW, fromB: ourR, stderr: &tailBuffer{max: 16 << 10},
		pending: map[int64]chan reply{}, notify: make(chan struct{}), stopped: make(chan struct{}),
	}
	cmd.Stderr = b.stderr
	cmd.Stdout = b.stderr
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{ourR, theirW, theirR, ourW} {
			f.Close()
		}
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	// The browser holds its ends now; ours must close so that its exit
	// ends our reads with EOF.
	theirR.Close()
	theirW.Close()
	go b.read()
	go func() { _ = cmd.Wait() }()

	var v struct {
		Product string `json:"product"`
	}
	startCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := b.Call(startCtx, "", "Browser.getVersion", nil, &v); err != nil {
		b.Close()
		return nil, fmt.Errorf("%s did not answer on the DevTools pipe: %w; its output ends:\n%s", path, err, b.stderr.String())
	}
	return b, nil
}

// read dispatches the browser's messages until its pipe closes.
func (b *Browser) read() {
	r := bufio.NewReaderSize(b.fromB, 1<<20)
	var err error
	for {
		var raw []byte
		raw, err = r.ReadBytes(0)
		if err != nil {
			break
		}
		var m message
		if jerr := jsonv2.Unmarshal(raw[:len(raw)-1], &m); jerr != nil {
			err = fmt.Errorf("undecodable DevTools message: %w", jerr)
			break
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.pending[m.ID]; ok {
				delete(b.pending, m.ID)
				rp := reply{Result: m.Result}
				if m.Error != nil {
					rp.Err = fmt.Errorf("%s (%d) %s", m.Error.Message, m.Error.Code, m.Error.Data)
				}
				ch <- rp
			}
		} else if m.Method != "" {
			b.events = append(b.events, Event{Method: m.Method, SessionID: m.SessionID, Params: m.Params})
			close(b.notify)
			b.notify = make(chan struct{})
		}
		b.mu.Unlock()
	}
	if errors.Is(err, io.EOF) {
		err = errors.New("the browser closed the DevTools pipe")
	}
	b.mu.Lock()
	b.readErr = err
	for id, ch := range b.pending {
		ch <- reply{Err: err}
		delete(b.pending, id)
	}
	b.mu.Unlock()
	close(b.stopped)
}

// Call sends a command (to session, or to the browser when session is "")
// and decodes its result into result (which may be nil).
func (b *Browser) Call(ctx context.Context, session, method string, params, result any) error {
	ch := make(chan reply, 1)
	b.mu.Lock()
	if b.readErr != nil {
		err := b.readErr
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, err)
	}
	b.nextID++
	id := b.nextID
	b.pending[id] = ch
	b.mu.Unlock()

	msg := map[string]any{"id": id, "method": method}
	if session != "" {
		msg["sessionId"] = session
	}
	if params != nil {
		msg["params"] = params
	}
	data, err := jsonv2.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := b.toB.Write(append(data, 0)); err != nil {
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case rp := <-ch:
		if rp.Err != nil {
			return fmt.Errorf("%s: %w", method, rp.Err)
		}
		if result != nil {
			return jsonv2.Unmarshal(rp.Result, result)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Events returns the events received so far, in order.
func (b *Browser) Events() []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Event(nil), b.events...)
}

// WaitEvent waits for an event of method in session, received at or after
// position from of Events, and returns it with its position.
func (b *Browser) WaitEvent(ctx context.Context, session, method string, from int) (Event, int, error) {
	for {
		b.mu.Lock()
		for i := from; i < len(b.events); i++ {
			if e := b.events[i]; e.Method == method && e.SessionID == session {
				b.mu.Unlock()
				return e, i, nil
			}
		}
		from = len(b.events)
		wait, readErr := b.notify, b.readErr
		b.mu.Unlock()
		if readErr != nil {
			return Event{}, 0, fmt.Errorf("waiting for %s: %w", method, readErr)
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return Event{}, 0, fmt.Errorf("waiting for %s: %w", method, ctx.Err())
		}
	}
}

// Close asks the browser to quit, then kills it if it has not within a few
// seconds, and releases the pipes.
func (b *Browser) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = b.Call(ctx, "", "Browser.close", nil, nil)
	select {
	case <-b.stopped:
	case <-ctx.Done():
		_ = b.cmd.Process.Kill()
		<-b.stopped
	}
	b.toB.Close()
	return b.fromB.Close()
}

// Output is the end of what the browser printed (its standard output and
// error), for a failure message.
func (b *Browser) Output() string { return b.stderr.String() }

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(t.buf.String())
}
