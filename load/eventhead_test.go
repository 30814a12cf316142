package load

import (
	"testing"
)

// headByDecoder is what eventHead reads, read by the store's decoder.
func headByDecoder(raw []byte) (kind, apiVersion, typ, reason, name, ns, rv string, err error) {
	var h struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
		Metadata   struct {
			Name            string `json:"name"`
			Namespace       string `json:"namespace"`
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}
	err = unmarshal(raw, &h)
	return h.Kind, h.APIVersion, h.Type, h.Reason, h.Metadata.Name, h.Metadata.Namespace, h.Metadata.ResourceVersion, err
}

var eventHeadSeeds = []string{
	`{"apiVersion":"v1","kind":"Event","metadata":{"name":"a.1","namespace":"shop","resourceVersion":"7"},"type":"Normal","reason":"Pulled","message":"ok","involvedObject":{"kind":"Pod","name":"a"},"count":3}`,
	` { "metadata" : { "name" : "b" } , "type" : "Warning" , "reason" : "Unhealthy" } `,
	`{"Type":"Normal","REASON":"Started","Metadata":{"Name":"c","resourceversion":"9"}}`,
	`{"type":"Normal","type":"Warning"}`,
	`{"type":null,"reason":"Created","metadata":null}`,
	`{"type":"Nor\u006dal","reason":"Created"}`,
	`{"type":"Normal","metadata":{"name":"x","labels":{"a":"b"}},"series":[1,2,{"c":"d"}]}`,
	"{\"type\":\"Normal\",\"reason\":\"Pul\xffled\"}",
	`{}`, `[]`, `{"type":1}`, `{"type":"Normal",}`, `{"metadata":{"name":"a\"b"}}`,
}

// TestEventHeadMatchesDecoder: on well-formed events the in-place reader
// and the decoder agree on every field.
func TestEventHeadMatchesDecoder(t *testing.T) {
	for _, s := range eventHeadSeeds {
		checkEventHead(t, []byte(s))
	}
	k, av, typ, reason, name, ns, rv, ok := eventHead([]byte(eventHeadSeeds[0]))
	if !ok || k != "Event" || av != "v1" || typ != "Normal" || reason != "Pulled" || name != "a.1" || ns != "shop" || rv != "7" {
		t.Errorf("eventHead(first seed) = %q %q %q %q %q %q %q %v", k, av, typ, reason, name, ns, rv, ok)
	}
	if _, _, _, _, _, _, _, ok := eventHead([]byte(`{"type":"Normal","type":"Warning"}`)); ok {
		t.Error("a repeated key must send the event to the decoder")
	}
}

func checkEventHead(t *testing.T, raw []byte) {
	k, av, typ, reason, name, ns, rv, ok := eventHead(raw)
	if !ok {
		return // the caller decodes it in full: always right
	}
	k2, av2, typ2, reason2, name2, ns2, rv2, err := headByDecoder(raw)
	if err != nil {
		// Malformed somewhere the in-place reader does not look (a
		// number in a field no rule reads): the event still only counts.
		return
	}
	if k != k2 || av != av2 || typ != typ2 || reason != reason2 || name != name2 || ns != ns2 || rv != rv2 {
		t.Fatalf("%q:\n in place %q %q %q %q %q %q %q\n decoder  %q %q %q %q %q %q %q", raw, k, av, typ, reason, name, ns, rv, k2, av2, typ2, reason2, name2, ns2, rv2)
	}
}

func FuzzEventHead(f *testing.F) {
	for _, s := range eventHeadSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkEventHead(t, raw)
	})
}
