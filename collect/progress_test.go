package collect

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
)

func TestProgressPlain(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	p.Phase("resources", 2)
	p.Done(bundle.CollectorStatus{Name: "pods", Status: bundle.StatusOK, Count: 3})
	p.Done(bundle.CollectorStatus{Name: "endpointslices.discovery.k8s.io", Status: bundle.StatusForbidden, Message: "endpointslices is forbidden"})
	p.Finish()
	out := b.String()
	for _, want := range []string{"gather: resources: 2 to collect\n", "gather: pods: 3\n", "forbidden: endpointslices is forbidden\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "\r") || strings.Contains(out, "\x1b") {
		t.Errorf("plain output has terminal controls: %q", out)
	}
}

func TestProgressLive(t *testing.T) {
	var b syncBuffer
	p := NewProgress(&b, true)
	p.Phase("logs", 1)
	p.Add(5)
	p.Done(bundle.CollectorStatus{Name: "logs", Status: bundle.StatusFailed, Message: "boom"})
	p.Finish()
	p.Finish() // idempotent
	out := b.String()
	if !strings.Contains(out, "\r\x1b[K") || !strings.Contains(out, "logs: failed: boom") {
		t.Errorf("live output: %q", out)
	}
	var nilP *Progress
	nilP.Phase("x", 1)
	nilP.Done(bundle.CollectorStatus{})
	nilP.Finish()
}

type syncBuffer struct{ lockedBuffer }
