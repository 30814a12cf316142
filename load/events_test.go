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

// TestEventsV1Times: an events.k8s.io/v1 Event keeps its times where a
// core Event has them: the deprecated first and last timestamps, the
// event time and the series' count and last observation.
func TestEventsV1Times(t *testing.T) {
	list := []byte(`{"apiVersion":"events.k8s.io/v1","kind":"EventList","items":[
	 {"metadata":{"name":"a.1","namespace":"shop","resourceVersion":"7"},"type":"Warning","reason":"Unhealthy","note":"Readiness probe failed",
	  "regarding":{"kind":"Pod","namespace":"shop","name":"a"},"eventTime":"2026-03-02T09:00:00.123456Z",
	  "series":{"count":12,"lastObservedTime":"2026-03-02T09:05:00.000000Z"}},
	 {"metadata":{"name":"b.1","namespace":"shop","resourceVersion":"8"},"type":"Warning","reason":"BackOff","note":"Back-off",
	  "regarding":{"kind":"Pod","namespace":"shop","name":"b"},"deprecatedFirstTimestamp":"2026-03-02T08:00:00Z",
	  "deprecatedLastTimestamp":"2026-03-02T08:30:00Z","deprecatedCount":4}]}`)
	s := NewObjects()
	err := bundle.StreamObjectsBytes("events.json", list, bundle.Limits{}, func(o bundle.Object) error {
		_, err := s.Add(o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	events := kinds.Events.In(s.kept)
	a, b := events["shop/a.1"], events["shop/b.1"]
	if a == nil || b == nil {
		t.Fatalf("events not kept: %v", events)
	}
	if a.EventTime.IsZero() || a.Series == nil || a.Series.Count != 12 || a.Count != 12 || a.Series.LastObservedTime.Minute() != 5 {
		t.Errorf("event time or series lost: %+v", a)
	}
	if b.FirstTimestamp.Hour() != 8 || b.LastTimestamp.Minute() != 30 || b.Count != 4 {
		t.Errorf("deprecated timestamps lost: first %v last %v count %d", b.FirstTimestamp, b.LastTimestamp, b.Count)
	}
}
