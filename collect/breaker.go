package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// failClass says why a request about one pod (its log, its admin port)
// failed, as far as that tells whether the same request about the next
// pod would fail too.
type failClass int

const (
	// failOther says nothing about the next pod: the pod is gone, a
	// container has no log yet, one stream was reset.
	failOther failClass = iota
	// failForbidden: RBAC refused; it refuses every pod of the namespace.
	failForbidden
	// failKubelet: the API server could not reach the node's kubelet; it
	// cannot reach it for any pod of that node.
	failKubelet
	// failRefused: the port-forward reached the pod but nothing answered
	// on the port (no proxy listening, a NetworkPolicy, not started).
	failRefused
	// failTimeout: the per-call deadline passed.
	failTimeout
	// failThrottled: the API server still answered 429 after the retries.
	failThrottled
)

func (c failClass) String() string {
	switch c {
	case failForbidden:
		return "forbidden"
	case failKubelet:
		return "kubelet unreachable"
	case failRefused:
		return "port-forward refused"
	case failTimeout:
		return "timed out"
	case failThrottled:
		return "throttled by the API server"
	}
	return "failed"
}

// scope is the set of pods a failure of class c on pod p predicts for:
// RBAC is granted per namespace, a kubelet serves one node, the rest
// hold for the whole collector ("").
func (c failClass) scope(p podInfo) string {
	switch c {
	case failForbidden:
		return "namespace " + p.Namespace
	case failKubelet:
		if p.Node == "" {
			return "node of " + p.Namespace + "/" + p.Name
		}
		return "node " + p.Node
	}
	return ""
}

// forwardError is what the kubelet wrote on a port-forward's error stream:
// the connection to the pod's port failed inside the pod's network.
type forwardError struct{ msg string }

func (e *forwardError) Error() string { return "port-forward: " + e.msg }

// kubeletErrorMarks are substrings of the API server's message when it
// could not talk to a kubelet (proxying logs or a port-forward): its dial
// to the node failed, timed out or was reset.
var kubeletErrorMarks = []string{
	"error dialing backend", "dial tcp", "connect: connection refused", "no route to host",
	"i/o timeout", "connection reset by peer", "tls: ", "x509: ",
}

func classify(err error) failClass {
	var fe *forwardError
	switch {
	case err == nil:
		return failOther
	case errors.As(err, &fe):
		return failRefused
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		return failForbidden
	case apierrors.IsTooManyRequests(err):
		return failThrottled
	case errors.Is(err, context.DeadlineExceeded), apierrors.IsTimeout(err), apierrors.IsServerTimeout(err):
		return failTimeout
	}
	var se apierrors.APIStatus
	if errors.As(err, &se) && se.Status().Code >= 500 {
		msg := se.Status().Message
		for _, m := range kubeletErrorMarks {
			if strings.Contains(msg, m) {
				return failKubelet
			}
		}
	}
	return failOther
}

// giveUpAfter is how many requests in a row must fail the same way in the
// same scope before a collector stops trying that scope: enough that one
// odd pod does not stop it, few enough that a cluster where no admin port
// answers costs three round trips rather than one per pod.
const giveUpAfter = 3

// breaker lets a collector give up the rest of its targets once
// giveUpAfter requests in a row (in the order they finished) failed with
// the same class in the same scope. A success on a pod resets the streaks
// of that pod's scopes. Targets already in flight finish; targets not yet
// started in a tripped scope are not tried.
type breaker struct {
	after int

	mu      sync.Mutex
	streak  map[tripKey]int
	tripped map[tripKey]trip
	order   []tripKey // tripped keys in the order they tripped
	skipped int
}

type tripKey struct {
	class failClass
	scope string
}

// trip is why a scope was given up: the last failure of the streak.
type trip struct {
	class failClass
	scope string
	pod   string // ns/name
	err   error
}

func newBreaker(after int) *breaker {
	return &breaker{after: after, streak: map[tripKey]int{}, tripped: map[tripKey]trip{}}
}

// keys are the scopes pod p belongs to, one per class that trips.
func (b *breaker) keys(p podInfo) []tripKey {
	cs := []failClass{failForbidden, failKubelet, failRefused, failTimeout, failThrottled}
	out := make([]tripKey, len(cs))
	for i, c := range cs {
		out[i] = tripKey{c, c.scope(p)}
	}
	return out
}

// allow reports whether p should be tried; when not, it counts p as
// skipped and returns the trip that closed its scope.
func (b *breaker) allow(p podInfo) (trip, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range b.keys(p) {
		if t, ok := b.tripped[k]; ok {
			b.skipped++
			return t, false
		}
	}
	return trip{}, true
}

// done records the outcome of one request about p.
func (b *breaker) done(p podInfo, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		for _, k := range b.keys(p) {
			delete(b.streak, k)
		}
		return
	}
	c := classify(err)
	if c == failOther {
		return
	}
	k := tripKey{c, c.scope(p)}
	b.streak[k]++
	if _, ok := b.tripped[k]; !ok && b.streak[k] >= b.after {
		b.tripped[k] = trip{class: c, scope: k.scope, pod: p.Namespace + "/" + p.Name, err: err}
		b.order = append(b.order, k)
	}
}

// trips returns the scopes given up, in the order they were, and how many
// targets were not tried because of them.
func (b *breaker) trips() ([]trip, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]trip, len(b.order))
	for i, k := range b.order {
		out[i] = b.tripped[k]
	}
	return out, b.skipped
}

// describe says in one sentence what was given up and why.
func (t trip) describe(after int) string {
	where := ""
	if t.scope != "" {
		where = " in " + t.scope
	}
	return fmt.Sprintf("gave up%s after %d in a row %s (%s: %v)", where, after, phrase(t.class), t.pod, t.err)
}

func phrase(c failClass) string {
	switch c {
	case failForbidden:
		return "were forbidden"
	case failKubelet:
		return "could not reach the kubelet"
	case failRefused:
		return "were refused by the pod"
	case failTimeout:
		return "timed out"
	case failThrottled:
		return "were throttled"
	}
	return "failed"
}
