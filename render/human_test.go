package render

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/report"
)

// manifestsOnlyReport is what analyze makes of Services and Deployments
// without their pods or logs: findings of critical severity whose rules
// name no root cause, so no root cause is ranked, and --fail-on critical
// exits 1.
func manifestsOnlyReport() *report.Report {
	f := func(id, name string) report.Finding {
		return report.Finding{ID: id, Rule: "service-no-ready-backends", Severity: "critical",
			Object:      report.Ref{Kind: "Service", Namespace: "shop", Name: name},
			Summary:     "Service shop/" + name + " has no ready backend: selector app=" + name + " matches 0 pod(s).",
			Evidence:    []report.Evidence{{Kind: "Object", Ref: "Service shop/" + name, Text: "endpoints: not collected (unknown)"}},
			Remediation: "kubectl get pods -n shop -l app=" + name}
	}
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "nohealthy", Version: "test"},
		Input:         report.Input{Sources: []string{"objs/"}, Objects: 10},
		Findings: []report.Finding{f("F1", "productpage"), f("F2", "ratings"),
			{ID: "F3", Rule: "node.pressure", Severity: "info", Object: report.Ref{Kind: "Node", Name: "n1"}, Summary: "low disk"}},
	}
}

// TestHeadlineAgreesWithFailOn: a finding that fails the run is shown in
// full whether or not a chain holds it, and the first line never reads as
// healthy when the run fails.
func TestHeadlineAgreesWithFailOn(t *testing.T) {
	for _, format := range []string{"table", "markdown"} {
		rd, _ := Lookup(format)
		render := func(r *report.Report, opts Options) string {
			var b bytes.Buffer
			if err := rd.Render(&b, r, opts); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
		firstLine := func(out string) string {
			lines := strings.Split(out, "\n")
			if format == "markdown" {
				return lines[2] // after the title and a blank line
			}
			return lines[0]
		}

		for _, failOn := range []string{"", "critical", "warning", "info"} {
			r := manifestsOnlyReport()
			out := render(r, Options{FailOn: failOn})
			if !r.Reaches(Options{FailOn: failOn}.failLevel()) {
				t.Fatalf("the test report must fail the run at %q", failOn)
			}
			first := firstLine(out)
			if strings.Contains(first, "No root cause found") || !strings.Contains(first, "2 findings reach") && failOn != "info" {
				t.Errorf("%s --fail-on %q: first line %q", format, failOn, first)
			}
			for _, want := range []string{"Service shop/productpage has no ready backend", "Service shop/ratings has no ready backend",
				"kubectl get pods -n shop -l app=ratings", "endpoints: not collected (unknown)"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s --fail-on %q: %q not shown", format, failOn, want)
				}
			}
			if strings.Contains(out, "more findings not shown") {
				t.Errorf("%s --fail-on %q: failing findings hidden behind a count:\n%s", format, failOn, out)
			}
			if failOn == "info" && !strings.Contains(out, "low disk") {
				t.Errorf("%s --fail-on info: the info finding is not shown", format)
			}
		}

		out := render(manifestsOnlyReport(), Options{FailOn: "none"})
		if first := firstLine(out); !strings.Contains(first, "No root cause found") {
			t.Errorf("%s --fail-on none: first line %q", format, first)
		}

		// With root causes, a failing finding outside their chains still
		// gets its own section.
		r := sampleReport()
		r.Findings = append(r.Findings, manifestsOnlyReport().Findings[0])
		out = render(r, Options{})
		if !strings.Contains(out, "Service shop/productpage has no ready backend") {
			t.Errorf("%s: a critical finding outside the chains is hidden", format)
		}
		if !strings.HasPrefix(firstLine(out), "ROOT CAUSE #1") && !strings.HasPrefix(firstLine(out), "**Root cause #1") {
			t.Errorf("%s: first line %q", format, firstLine(out))
		}
	}
}

func TestTableFitsWidth(t *testing.T) {
	r := bigReport(30)
	r.Symptoms[3].Kind = "nginx-no-live-upstreams"
	r.RootCauses[0].Explains = []string{"S1", "S2", "S3"}
	r.Findings = append(r.Findings, manifestsOnlyReport().Findings...)
	wholeUpstream := r.Symptoms[0].Upstream
	for _, width := range []int{40, 60, 80, 100, 110, 120, 160, 200} {
		var b bytes.Buffer
		if err := renderTable(&b, r, Options{Width: width, MaxSymptoms: 10, MaxSamples: 3}); err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(b.String(), "\n") {
			if w := textWidth(line); w > width {
				t.Errorf("width %d: line %d is %d wide: %q", width, i+1, w, line)
			}
		}
		if width >= 110 && !strings.Contains(b.String(), "┌") {
			t.Errorf("width %d: the symptoms are not a table", width)
		}
	}
	for _, opts := range []Options{{}, {Width: 80}} {
		var b bytes.Buffer
		rd, _ := Lookup("wide")
		if opts.Width == 0 {
			rd, _ = Lookup("table")
		}
		if err := rd.Render(&b, r, opts); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "│ "+wholeUpstream+" ") {
			t.Errorf("%+v: the upstream is not whole in its cell", opts)
		}
		if !strings.Contains(b.String(), "sample: "+r.Symptoms[0].Samples[0]+"\n") {
			t.Errorf("%+v: the sample line is not whole", opts)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"one two three four", 9, []string{"one two", "three", "four"}},
		{"outbound|9080|v1|reviews.shop.svc.cluster.local", 18, []string{"outbound|9080|v1|", "reviews.shop.svc.", "cluster.local"}},
		{"2025-03-01T10:00:01Z", 10, []string{"2025-03-01", "T10:00:01Z"}},
		{"abcdefghijklmnop", 5, []string{"abcde", "fghij", "klmno", "p"}},
		{"Pod istio-system/istio-ingressgateway-7c9d8-abcde", 22, []string{"Pod istio-system/", "istio-ingressgateway-", "7c9d8-abcde"}},
		{"日本語のテキスト", 6, []string{"日本語", "のテキ", "スト"}},
		{"keep whole", 0, []string{"keep whole"}},
	} {
		got := wrap(tc.in, tc.width)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
		if joined := strings.ReplaceAll(strings.Join(got, ""), " ", ""); joined != strings.ReplaceAll(tc.in, " ", "") {
			t.Errorf("wrap(%q, %d) lost characters: %q", tc.in, tc.width, got)
		}
	}
}

// hostile is input that tries to drive a terminal or forge a report.
var hostile = []string{
	"\x1b]0;owned\x07\x1b[2J\x1b[H",
	"ok\rROOT CAUSE #1: forged",
	"x\x1b[31mred\x1b[0m\u009b2J\u202egnp.exe\x08\x7f\xff",
	"line\nROOT CAUSE #1: forged — on its own line",
	"| a | b |`code` <script>alert(1)</script> [x](javascript:alert(1)) **b** _i_ ~~s~~ &amp; ![i](x)",
	"# heading\n- item\n> quote\n```\nfence",
}

// everyString sets every string of v, at any depth, to the next of vals
// in turn, and gives every slice of structs and every pointer an element:
// a field added to the model later is filled too.
func everyString(v reflect.Value, vals []string, next *int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(vals[*next%len(vals)])
		*next++
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		everyString(v.Elem(), vals, next)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				everyString(v.Field(i), vals, next)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		}
		for i := range v.Len() {
			everyString(v.Index(i), vals, next)
		}
	case reflect.Map:
		if v.IsNil() && v.Type().Key().Kind() == reflect.String {
			v.Set(reflect.MakeMap(v.Type()))
			k := reflect.New(v.Type().Key()).Elem()
			everyString(k, vals, next)
			e := reflect.New(v.Type().Elem()).Elem()
			everyString(e, vals, next)
			v.SetMapIndex(k, e)
		}
	}
}

// hostileReport is a report whose every string is one of vals, linked so
// that every section renders: root causes with chains, failing findings,
// symptoms with samples, warnings.
func hostileReport(vals []string) *report.Report {
	r := &report.Report{}
	n := 0
	everyString(reflect.ValueOf(r).Elem(), vals, &n)
	r.Symptoms[0].ID, r.Symptoms[1].ID = "S1", "S2"
	r.Findings[0].ID, r.Findings[1].ID = "F1", "F2"
	r.Findings[1].Severity = "critical"
	r.RootCauses[0].Chain = []string{"S1", "F1", vals[0]}
	r.RootCauses[0].Explains = []string{"S1"}
	return r
}

// ownSequences are the escape sequences the table writes itself.
var ownSequences = strings.NewReplacer(ansiReset, "", ansiBold, "", ansiDim, "", ansiRed, "", ansiYellow, "", ansiCyan, "", ansiGreen, "")

// checkTerminalSafe fails when out holds a character visible.Line would
// escape other than a line feed, once the table's own colour sequences
// are taken out when color is on; with color off, there must be none.
func checkTerminalSafe(t *testing.T, what string, out string, color bool) {
	t.Helper()
	if color {
		out = ownSequences.Replace(out)
	}
	for i, line := range strings.Split(out, "\n") {
		if !visible.Safe(line, false) {
			t.Fatalf("%s: line %d carries a control character: %q", what, i+1, line)
		}
	}
}

// humanFormats are the registered formats written for people (every one
// but those for tools, which escape as their encoding does).
func humanFormats() []string {
	var out []string
	for _, name := range Names() {
		if name != "json" && name != "sarif" {
			out = append(out, name)
		}
	}
	return out
}

func renderAll(t *testing.T, r *report.Report, each func(what, out string, color bool)) {
	for _, name := range humanFormats() {
		rd, _ := Lookup(name)
		for _, opts := range []Options{{}, {Color: true}, {Width: 60, Color: true, MaxSamples: 5}, {FailOn: "info", Width: 130}} {
			var b bytes.Buffer
			if err := rd.Render(&b, r, opts); err != nil {
				t.Fatal(err)
			}
			each(name, b.String(), opts.Color)
		}
	}
}

func TestHostileInputIsMadeVisible(t *testing.T) {
	r := hostileReport(hostile)
	before := wholeEncoding(t, r)
	renderAll(t, r, func(what, out string, color bool) {
		checkTerminalSafe(t, what, out, color)
		if !color && strings.Contains(out, "\x1b") {
			t.Errorf("%s without color writes ESC", what)
		}
		if !strings.Contains(out, `\x1b]0;owned\x07`) || !strings.Contains(out, `\u202egnp.exe`) {
			t.Errorf("%s: the hostile text is not shown escaped", what)
		}
		for _, line := range strings.Split(out, "\n") {
			// A browser lays out HTML text itself: a newline in it is a
			// space, so a page has no lines to forge.
			if what == "html" {
				break
			}
			if strings.HasPrefix(ownSequences.Replace(line), "ROOT CAUSE #1: forged") {
				t.Errorf("%s: input forged a line: %q", what, line)
			}
		}
	})
	if wholeEncoding(t, r) != before {
		t.Error("rendering modified the report")
	}
}

// TestMarkdownLetsNoInputMarkup: text from the input stays text in
// Markdown: it opens no block, adds no table cell, no HTML, link,
// emphasis or code span.
func TestMarkdownLetsNoInputMarkup(t *testing.T) {
	var b bytes.Buffer
	if err := renderMarkdown(&b, hostileReport(hostile), Options{FailOn: "info"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	inFence := ""
	ownPrefix := regexp.MustCompile("^(#{1,3} (#\\d+ )?|- |\\d+\\. |> |\\*\\*|_)")
	blockStart := regexp.MustCompile("^(#|>|-|\\+|=|\\d+[.)]| {4}|<|\\[|!\\[|```|~~~)")
	for i, line := range strings.Split(out, "\n") {
		if inFence != "" {
			if line == inFence {
				inFence = ""
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			inFence = strings.TrimSuffix(line, "text")
			continue
		}
		// After the renderer's own line start, if any, input text must
		// not open a block.
		rest := ownPrefix.ReplaceAllString(line, "")
		// (A table cell holds inline content only.)
		if blockStart.MatchString(rest) && !strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "|---") {
			t.Errorf("line %d starts with input markup: %q", i+1, line)
		}
		// Table rows keep their cell count.
		if strings.HasPrefix(line, "| ") {
			cells := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1)) - 1
			// evidence 3, changes 4, input 5, symptoms 8
			if cells != 3 && cells != 4 && cells != 5 && cells != 8 {
				t.Errorf("line %d: %d cells: %q", i+1, cells, line)
			}
		}
		// Outside code spans, where Markdown reads nothing, the input's
		// markup appears only escaped.
		for _, raw := range []string{"<script", "</script", "[x](", "**b**", "_i_", "~~s~~", "&amp;", "![i]", "`code`"} {
			if strings.Contains(withoutCodeSpans(line), raw) {
				t.Errorf("line %d: %q unescaped: %q", i+1, raw, line)
			}
		}
	}
	if inFence != "" {
		t.Error("a fence is left open")
	}
}

// withoutCodeSpans is a Markdown line less what it holds literally: its
// code spans (a run of backticks not escaped, to the next run of the same
// length) are dropped and each escaped character becomes '·'.
func withoutCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] == '\\' && i+1 < len(line) {
			b.WriteString("·")
			i += 2
			continue
		}
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		ticks := line[i : i+n]
		end := -1
		for j := i + n; j < len(line); {
			k := strings.Index(line[j:], ticks)
			if k < 0 {
				break
			}
			k += j
			if k+n == len(line) || line[k+n] != '`' {
				end = k
				break
			}
			j = k + n
			for j < len(line) && line[j] == '`' {
				j++
			}
		}
		if end < 0 { // no closing run: the backticks are literal
			b.WriteString(ticks)
			i += n
			continue
		}
		i = end + n
	}
	return b.String()
}

// FuzzHumanRenderers: whatever the strings of a report hold, no format for
// people writes a control character or escape sequence but the table's
// own colours, and those only with Color on.
func FuzzHumanRenderers(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, "plain")
	}
	f.Add("\u009b31m", "\xe2\x80")
	f.Fuzz(func(t *testing.T, a, b string) {
		r := hostileReport([]string{a, b, "S1", "critical"})
		renderAll(t, r, func(what, out string, color bool) {
			checkTerminalSafe(t, what, out, color)
		})
	})
}

func TestMarkdownEscapes(t *testing.T) {
	for _, tc := range []struct{ in, text, line string }{
		{"upstream_rq_pending_overflow LEDGER_DB_DSN", "upstream_rq_pending_overflow LEDGER_DB_DSN", ""},
		{"_emph_ __strong__ a_ _b", `\_emph\_ \_\_strong\_\_ a\_ \_b`, ""},
		{"a*b*c `x` [l](u) ![i](u) <b> ~~s~~ | \\", "a\\*b\\*c \\`x\\` \\[l\\](u) !\\[i\\](u) \\<b> \\~\\~s\\~\\~ \\| \\\\", ""},
		{"?scope=a&service=b &amp; &#60; &#x3c;", `?scope=a&service=b \&amp; \&#60; \&#x3c;`, ""},
		{"-> kept > inline", "-> kept > inline", `\-> kept > inline`},
		{"# not a heading", "# not a heading", `\# not a heading`},
		{"12. not a list", "12. not a list", `12\. not a list`},
		{"one\nline  feeds\r\n", "one line feeds", ""},
	} {
		if got := mdText(tc.in); got != tc.text {
			t.Errorf("mdText(%q) = %q, want %q", tc.in, got, tc.text)
		}
		want := tc.line
		if want == "" {
			want = tc.text
		}
		if got := mdLine(tc.in); got != want {
			t.Errorf("mdLine(%q) = %q, want %q", tc.in, got, want)
		}
	}
	if got := mdCode("a|b`c"); got != "``a\\|b`c``" {
		t.Errorf("mdCode = %q", got)
	}
}
