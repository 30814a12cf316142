package collect

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// forward is one port-forward session to a port of a pod, through the API
// server and the pod's kubelet (the portforward.k8s.io protocol that
// kubectl port-forward speaks). Each HTTP request runs over its own pair
// of streams, an error stream and a data stream sharing a request ID: the
// kubelet opens one connection to the pod's port per data stream and, if
// that fails, writes why on the error stream.
//
// gather speaks the protocol itself instead of running client-go's
// PortForwarder: that one listens on a local port and reports a failed
// connection only through the process-wide error handler (a log line on
// stderr), never to the caller; here the kubelet's reason comes back as
// the request's error, so the collector can classify it.
type forward struct {
	conn   httpstream.Connection
	port   int
	nextID int
}

// openForward dials the port-forward session, WebSockets first and SPDY
// when the server cannot upgrade to them, as kubectl does. The dial itself
// takes no context, so a dial that outlives ctx is closed when it ends.
func openForward(ctx context.Context, cfg *rest.Config, u *url.URL, port int) (*forward, error) {
	transport, upgrader, err := spdy.RoundTripperFor(cfg)
	if err != nil {
		return nil, err
	}
	var dialer httpstream.Dialer = spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
	if ws, err := portforward.NewSPDYOverWebsocketDialer(u, cfg); err == nil {
		dialer = portforward.NewFallbackDialer(ws, dialer, func(err error) bool {
			return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
		})
	}
	type dialed struct {
		conn httpstream.Connection
		err  error
	}
	ch := make(chan dialed, 1)
	go func() {
		c, _, err := dialer.Dial(portforward.PortForwardProtocolV1Name)
		ch <- dialed{c, err}
	}()
	select {
	case d := <-ch:
		if d.err != nil {
			return nil, d.err
		}
		return &forward{conn: d.conn, port: port}, nil
	case <-ctx.Done():
		go func() {
			if d := <-ch; d.conn != nil {
				d.conn.Close()
			}
		}()
		return nil, fmt.Errorf("port-forward: %w", context.Cause(ctx))
	}
}

// Close ends the session and every stream in it.
func (f *forward) Close() error { return f.conn.Close() }

// maxForwardErrorBytes bounds what is read from an error stream.
const maxForwardErrorBytes = 4 << 10

// get sends GET path to the forwarded port and returns the body of a 200
// answer, at most limit bytes of it.
func (f *forward) get(ctx context.Context, path string, limit int64) ([]byte, error) {
	id := strconv.Itoa(f.nextID)
	f.nextID++
	h := http.Header{}
	h.Set(corev1.StreamType, corev1.StreamTypeError)
	h.Set(corev1.PortHeader, strconv.Itoa(f.port))
	h.Set(corev1.PortForwardRequestIDHeader, id)
	errStream, err := f.conn.CreateStream(h)
	if err != nil {
		return nil, fmt.Errorf("port-forward: error stream: %w", err)
	}
	errStream.Close() // only the kubelet writes on it
	defer f.conn.RemoveStreams(errStream)
	reason := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(errStream, maxForwardErrorBytes))
		reason <- strings.TrimSpace(string(b))
	}()

	h.Set(corev1.StreamType, corev1.StreamTypeData)
	data, err := f.conn.CreateStream(h)
	if err != nil {
		return nil, fmt.Errorf("port-forward: data stream: %w", err)
	}
	defer f.conn.RemoveStreams(data)
	stop := context.AfterFunc(ctx, func() {
		data.Reset()
		errStream.Reset()
	})
	defer stop()

	body, err := roundTrip(data, f.port, path, limit)
	// Resetting the data stream ends the kubelet's copy, which then closes
	// the error stream; before that, the error stream may still be blocked.
	data.Reset()
	if err == nil {
		return body, nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s: %w", path, context.Cause(ctx))
	}
	select {
	case msg := <-reason:
		if msg != "" {
			return nil, &forwardError{msg: msg}
		}
	case <-ctx.Done():
	}
	return nil, fmt.Errorf("%s: %w", path, err)
}

// roundTrip writes one HTTP/1.1 request on conn and reads the answer. The
// request asks the server to close the connection after answering, so
// the body ends with the stream even without a Content-Length. The write
// side stays open until the answer is read: Envoy's admin closes a
// connection whose client half-closed, answer or not.
func roundTrip(conn io.ReadWriter, port int, path string, limit int64) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(port)+path, nil)
	if err != nil {
		return nil, err
	}
	req.Close = true
	req.Header.Set("User-Agent", "nohealthy-gather")
	bw := bufio.NewWriter(conn)
	if err := req.Write(bw); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return body, nil
}
