package load

import (
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// TestNormalEventsCountedNotKept: a Normal event no rule cites is read only
// far enough to be counted (coverage, versions), a Warning in full.
func TestNormalEventsCountedNotKept(t *testing.T) {
	list := []byte(`{"apiVersion":"v1","kind":"EventList","items":[
	 {"metadata":{"name":"a.1","namespace":"shop","resourceVersion":"7"},"type":"Normal","reason":"Pulled","message":"ok","involvedObject":{"kind":"Pod","name":"a"}},
	 {"metadata":{"name":"b.1","namespace":"shop","resourceVersion":"8"},"type":"Warning","reason":"Unhealthy","message":"Readiness probe failed: 503","involvedObject":{"kind":"Pod","name":"b"},"lastTimestamp":"2026-03-02T09:00:00Z"},
	 {"metadata":{"name":"c.1","namespace":"shop","resourceVersion":"9"},"type":"Normal","reason":"BackOff","message":"Back-off restarting failed container","involvedObject":{"kind":"Pod","name":"c"}}]}`)
	s := NewObjects()
	err := bundle.StreamObjectsBytes("events.json", list, bundle.Limits{}, func(o bundle.Object) error {
		_, err := s.Add(o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	events := kinds.Events.In(s.kept)
	if s.kept.Count() != 3 || !s.kept.Has("Event") || s.versions["/Event/shop/a.1"] != "7" || !s.nsKinds["Event@shop"] {
		t.Fatalf("dropped event not counted: %d objects, versions %v", s.kept.Count(), s.versions)
	}
	if len(events) != 2 || events["shop/a.1"] != nil {
		t.Fatalf("kept %d events: %v", len(events), events)
	}
	b := events["shop/b.1"]
	if b == nil || b.Message != "Readiness probe failed: 503" || b.InvolvedObject.Name != "b" || b.LastTimestamp.IsZero() {
		t.Fatalf("warning event not decoded in full: %+v", b)
	}
	if c := events["shop/c.1"]; c == nil || c.Message == "" {
		t.Fatalf("cited Normal event (BackOff) not kept in full: %+v", c)
	}
}
