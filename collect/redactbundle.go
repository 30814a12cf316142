package collect

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
)

// RedactBundle rewrites the bundle in with red's rules (nil: the default
// ones) and writes it to out, which may be in itself: the new file replaces
// the old only once it is complete. The manifest lists red's rules and
// records now as options.redactedAgainAt; the index's collector statuses
// are carried over. warn hears of entries the reader skips (over a limit,
// unreadable); with a nil warn the first such entry is an error instead.
// It returns the number of entries written besides the manifest and index.
func RedactBundle(in, out string, red *Redactor, now time.Time, warn func(entry string, err error)) (int, error) {
	if red == nil {
		red = DefaultRedactor()
	}
	var (
		index   bundle.Index
		w       *bundle.Writer
		entries int
	)
	type pending struct {
		name string
		data []byte
	}
	// The manifest is the first entry of a bundle; anything before it
	// waits until the writer, which needs the manifest, exists.
	var early []pending
	err := bundle.Walk(in, bundle.Limits{}, warn, func(e *bundle.Entry) error {
		data, err := io.ReadAll(e.Body)
		if err != nil {
			return err
		}
		switch e.Type {
		case bundle.EntryManifest:
			var manifest bundle.Manifest
			if err := json.Unmarshal(data, &manifest); err != nil {
				return fmt.Errorf("manifest: %w", err)
			}
			manifest.Redactions = red.Manifest()
			if manifest.Options == nil {
				manifest.Options = map[string]string{}
			}
			manifest.Options["redactedAgainAt"] = now.UTC().Format(time.RFC3339)
			if w, err = bundle.Create(out, manifest); err != nil {
				return err
			}
			for _, p := range early {
				if err := w.WriteFile(p.name, p.data); err != nil {
					return err
				}
			}
			early = nil
			return nil
		case bundle.EntryIndex:
			return json.Unmarshal(data, &index)
		case bundle.EntryObjects, bundle.EntryProxyAdmin:
			if strings.HasSuffix(e.Path, ".json") {
				data = red.JSON(data)
			} else {
				data = red.Bytes(data)
			}
		default:
			data = red.Bytes(data)
		}
		entries++
		if w == nil {
			early = append(early, pending{e.Path, data})
			return nil
		}
		return w.WriteFile(e.Path, data)
	})
	if err == nil && w == nil {
		err = fmt.Errorf("%s: no manifest.json: not a gather bundle", in)
	}
	if err != nil {
		if w != nil {
			w.Abort()
		}
		return 0, err
	}
	for _, c := range index.Collectors {
		w.AddCollector(c)
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return entries, nil
}
