package headless

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Page is one tab, attached with its own session. It records what a test
// asserts on: console messages, uncaught exceptions, log entries and
// network requests.
type Page struct {
	b       *Browser
	session string
	// since is the position in the browser's events from which this
	// page's records start.
	since int
}

// NewPage opens a blank tab of width × height CSS pixels (scale 1) and
// enables the domains whose events Problems and Requests read.
func (b *Browser) NewPage(ctx context.Context, width, height int) (*Page, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.Call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	p := &Page{b: b, session: att.SessionID, since: len(b.Events())}
	for _, domain := range []string{"Page", "Runtime", "Log", "Network"} {
		if err := p.call(ctx, domain+".enable", nil, nil); err != nil {
			return nil, err
		}
	}
	if err := p.Resize(ctx, width, height); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Page) call(ctx context.Context, method string, params, result any) error {
	return p.b.Call(ctx, p.session, method, params, result)
}

// Resize sets the viewport to width × height CSS pixels at scale 1.
func (p *Page) Resize(ctx context.Context, width, height int) error {
	return p.call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false,
	}, nil)
}

// Navigate loads url and waits for its load event.
func (p *Page) Navigate(ctx context.Context, url string) error {
	from := len(p.b.Events())
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.call(ctx, "Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("navigating to %s: %s", url, nav.ErrorText)
	}
	_, _, err := p.b.WaitEvent(ctx, p.session, "Page.loadEventFired", from)
	return err
}

// Eval evaluates a JavaScript expression in the page (awaiting it when it
// is a promise) and decodes its value, which must be JSON-serialisable,
// into result. A thrown exception is an error carrying its text.
func (p *Page) Eval(ctx context.Context, expr string, result any) error {
	var res struct {
		Result struct {
			Value jsontext.Value `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	err := p.call(ctx, "Runtime.evaluate", map[string]any{
		"expression": expr, "returnByValue": true, "awaitPromise": true,
	}, &res)
	if err != nil {
		return err
	}
	if ex := res.ExceptionDetails; ex != nil {
		return fmt.Errorf("%s: %s %s", expr, ex.Text, ex.Exception.Description)
	}
	if result == nil {
		return nil
	}
	if len(res.Result.Value) == 0 {
		return fmt.Errorf("%s: no value", expr)
	}
	return jsonv2.Unmarshal(res.Result.Value, result)
}

// Screenshot returns a PNG of the whole page: the viewport is stretched
// to the document's height first (then set back to width × height).
func (p *Page) Screenshot(ctx context.Context, width, height int) ([]byte, error) {
	var full float64
	if err := p.Eval(ctx, "Math.ceil(document.documentElement.scrollHeight)", &full); err != nil {
		return nil, err
	}
	h := max(height, int(full))
	if err := p.Resize(ctx, width, h); err != nil {
		return nil, err
	}
	defer p.Resize(ctx, width, height)
	var shot struct {
		Data string `json:"data"`
	}
	if err := p.call(ctx, "Page.captureScreenshot", map[string]any{"format": "png"}, &shot); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(shot.Data)
}

// Problems lists what the page reported as wrong so far: console messages
// of type error or assert, uncaught exceptions, and browser log entries of
// level error (a blocked or failed load, a security violation), each as
// "source: text".
func (p *Page) Problems() []string {
	var out []string
	for _, e := range p.events() {
		switch e.Method {
		case "Runtime.consoleAPICalled":
			var c struct {
				Type string `json:"type"`
				Args []struct {
					Value       any    `json:"value"`
					Description string `json:"description"`
				} `json:"args"`
			}
			if jsonv2.Unmarshal(e.Params, &c) == nil && (c.Type == "error" || c.Type == "assert") {
				var parts []string
				for _, a := range c.Args {
					if a.Description != "" {
						parts = append(parts, a.Description)
					} else {
						parts = append(parts, fmt.Sprint(a.Value))
					}
				}
				out = append(out, "console."+c.Type+": "+strings.Join(parts, " "))
			}
		case "Runtime.exceptionThrown":
			var x struct {
				ExceptionDetails struct {
					Text      string `json:"text"`
					Exception struct {
						Description string `json:"description"`
					} `json:"exception"`
				} `json:"exceptionDetails"`
			}
			if jsonv2.Unmarshal(e.Params, &x) == nil {
				out = append(out, "exception: "+x.ExceptionDetails.Text+" "+x.ExceptionDetails.Exception.Description)
			}
		case "Log.entryAdded":
			var l struct {
				Entry struct {
					Source string `json:"source"`
					Level  string `json:"level"`
					Text   string `json:"text"`
					URL    string `json:"url"`
				} `json:"entry"`
			}
			if jsonv2.Unmarshal(e.Params, &l) == nil && l.Entry.Level == "error" {
				out = append(out, "log("+l.Entry.Source+"): "+l.Entry.Text+" "+l.Entry.URL)
			}
		}
	}
	return out
}

// Requests lists the URLs of every network request the page sent so far,
// the documents it navigated to included.
func (p *Page) Requests() []string {
	var out []string
	for _, e := range p.events() {
		if e.Method != "Network.requestWillBeSent" {
			continue
		}
		var r struct {
			Request struct {
				URL string `json:"url"`
			} `json:"request"`
		}
		if jsonv2.Unmarshal(e.Params, &r) == nil {
			out = append(out, r.Request.URL)
		}
	}
	return out
}

func (p *Page) events() []Event {
	var out []Event
	for _, e := range p.b.Events()[p.since:] {
		if e.SessionID == p.session {
			out = append(out, e)
		}
	}
	return out
}
