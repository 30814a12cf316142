package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// RetryPolicy bounds every request gather makes: each attempt has a
// timeout, transient failures are retried with exponential backoff and
// jitter, and the number of attempts is capped.
type RetryPolicy struct {
	Attempts int           // total attempts, >= 1
	Base     time.Duration // first backoff
	Max      time.Duration // backoff cap
	Timeout  time.Duration // per attempt; 0 = none
}

// DefaultRetryPolicy is used when Config.Retry is zero.
var DefaultRetryPolicy = RetryPolicy{Attempts: 4, Base: 250 * time.Millisecond, Max: 4 * time.Second, Timeout: 60 * time.Second}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = DefaultRetryPolicy.Attempts
	}
	if p.Base <= 0 {
		p.Base = DefaultRetryPolicy.Base
	}
	if p.Max <= 0 {
		p.Max = DefaultRetryPolicy.Max
	}
	return p
}

// Do runs fn until it succeeds, fails permanently, or runs out of attempts.
func (p RetryPolicy) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	return p.DoIf(ctx, Retryable, fn)
}

// DoIf is Do with its own test of which errors are worth another attempt.
func (p RetryPolicy) DoIf(ctx context.Context, retryable func(error) bool, fn func(ctx context.Context) error) error {
	p = p.withDefaults()
	var err error
	for attempt := 0; attempt < p.Attempts; attempt++ {
		if attempt > 0 {
			d := p.Base << (attempt - 1)
			if d > p.Max || d <= 0 {
				d = p.Max
			}
			d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
			if ra, ok := apierrors.SuggestsClientDelay(err); ok && ra > 0 {
				d = max(d, time.Duration(ra)*time.Second)
			}
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return errors.Join(err, context.Cause(ctx))
			case <-t.C:
			}
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if p.Timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, p.Timeout)
		}
		err = fn(actx)
		cancel()
		if err == nil || ctx.Err() != nil || !retryable(err) {
			return err
		}
	}
	return fmt.Errorf("after %d attempts: %w", p.Attempts, err)
}

// retryPodCall is DoIf's test for a request about one pod (its log, its
// admin port): retried when the API server asks for it (throttled,
// overloaded) or a connection blinked, never when the pod's side failed
// (kubelet unreachable, port refused, forbidden, a per-call deadline):
// that fails again, and costs a deadline per attempt.
func retryPodCall(err error) bool {
	switch classify(err) {
	case failThrottled:
		return true
	case failOther:
		return Retryable(err) && !errors.Is(err, context.DeadlineExceeded)
	}
	return false
}

// Retryable reports whether err is worth another attempt: throttling,
// server-side errors and timeouts, and connection-level failures.
func Retryable(err error) bool {
	switch {
	case err == nil:
		return false
	case apierrors.IsTooManyRequests(err), apierrors.IsServerTimeout(err), apierrors.IsTimeout(err),
		apierrors.IsInternalError(err), apierrors.IsServiceUnavailable(err), apierrors.IsUnexpectedServerError(err):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true
	}
	var se apierrors.APIStatus
	if errors.As(err, &se) {
		c := se.Status().Code
		return c == 502 || c == 503 || c == 504
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return true
	}
	return ConnectionError(err)
}

// ConnectionError reports whether err means the API server itself could not
// be reached (refused, reset, closed, DNS, TLS dial failure): as opposed to
// an answer from the server. A deadline that passed is not one: the
// request may have waited on a slow kubelet behind a live API server.
func ConnectionError(err error) bool {
	if err == nil {
		return false
	}
	var se apierrors.APIStatus
	if errors.As(err, &se) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, net.ErrClosed) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	var ue *url.Error
	if errors.As(err, &ue) && !errors.Is(err, context.Canceled) {
		return true
	}
	return false
}

// statusOf maps a collector's error to a manifest status.
func statusOf(err error) string {
	switch {
	case err == nil:
		return "ok"
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		return "forbidden"
	case apierrors.IsNotFound(err), apierrors.IsMethodNotSupported(err):
		return "skipped"
	}
	return "failed"
}
