package render

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/nohealthy/nohealthy/report"
)

// The HTML report is one self-contained file meant to be attached to a
// ticket and opened anywhere, an air-gapped laptop included: the
// stylesheet, the script and the timelines (inline <svg>) are inside it,
// it names no font, image or script to fetch, and its Content-Security-
// Policy forbids every fetch, so a browser would refuse one even if a
// string from the input smuggled a URL in. Every string from the input
// reaches the page through html/template, which escapes it for where it
// lands (text, attribute, URL).

//go:embed html/report.tmpl
var htmlTemplateText string

//go:embed html/style.css
var htmlStyle string

//go:embed html/filter.js
var htmlScript string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"ref":   refString,
	"ago":   ago,
	"dash":  dashIfEmpty,
	"deref": orDash,
	"f1":    func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"add":   func(a, b float64) float64 { return a + b },
	"lower": strings.ToLower,
	"lines": func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") },
}).Parse(htmlTemplateText))

// htmlCSP allows the page's own stylesheet and script, each by its hash;
// nothing else, and no fetch of any kind.
var htmlCSP = "default-src 'none'; style-src 'sha256-" + cspHash(htmlStyle) + "'; script-src 'sha256-" + cspHash(htmlScript) + "'"

// cspHash is the source expression hash of an inline element's text.
func cspHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// htmlPage is what the template fills.
type htmlPage struct {
	Title      string
	Tool       report.Tool
	Input      report.Input
	Namespaces []string
	Verdict    string
	VerdictSev string // the severity class of the verdict banner; "ok" when healthy
	Summary    string
	RootCauses []htmlRootCause
	Symptoms   []htmlSymptom
	Hidden     string // the note on symptoms left out, or ""
	Others     []htmlFinding

	Style  template.CSS
	Script template.JS
	CSP    string
}

type htmlRootCause struct {
	report.RootCause
	Rank      int
	NS        string // the namespaces involved, space-separated (data-ns)
	Steps     []chainStep
	NoSymptom bool
	// Measured: a symptom with a time exists to measure changes from.
	Measured bool
	Heading  string // "Changed just before S1 (first seen ...)"
	Changes  []htmlChange
	Timeline *timeline
}

type htmlChange struct {
	report.Change
	Num   int
	Class string
}

type htmlSymptom struct {
	report.Symptom
	NS          string
	ExplainedBy []string // "R1"
}

type htmlFinding struct {
	report.Finding
	NS string
}

// renderHTML writes r as one HTML document.
func renderHTML(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		r = &report.Report{}
	}
	// Browsers draw control characters of hostile input as they are;
	// the page shows them escaped, like every format for people.
	page := buildHTMLPage(visibleReport(r), opts)
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplate.Execute(bw, page); err != nil {
		return err
	}
	return bw.Flush()
}

func buildHTMLPage(r *report.Report, opts Options) *htmlPage {
	ix := newIndex(r)
	p := &htmlPage{
		Title: "503 no healthy upstream: root-cause report",
		Tool:  r.Tool, Input: r.Input,
		Style: template.CSS(htmlStyle), Script: template.JS(htmlScript), CSP: htmlCSP,
	}
	allNS := map[string]bool{}
	nsOf := func(set map[string]bool) string {
		list := make([]string, 0, len(set))
		for ns := range set {
			if ns != "" {
				list = append(list, ns)
				allNS[ns] = true
			}
		}
		slices.Sort(list)
		return strings.Join(list, " ")
	}

	failing, _ := splitOtherFindings(r, opts.failLevel())
	switch {
	case len(r.RootCauses) == 0 && len(failing) > 0:
		p.Verdict, p.VerdictSev = failingHeadline(len(failing), opts.failOn()), cssWord(failing[0].Severity)
	case len(r.RootCauses) == 0:
		p.Verdict, p.VerdictSev = noRootCauseLine(r, len(r.Symptoms)), "ok"
	default:
		rc := r.RootCauses[0]
		p.Verdict = "Root cause #1: " + headline(rc)
		p.VerdictSev = cssWord(rc.Severity)
		p.Summary = rc.Summary
	}

	rcNS := map[string]map[string]bool{} // root cause ID → its namespaces
	for i, rc := range r.RootCauses {
		rank := rc.Rank
		if rank == 0 {
			rank = i + 1
		}
		ns := map[string]bool{rc.Object.Namespace: true}
		var explained []*report.Symptom
		for _, id := range rc.Explains {
			if s := ix.symptoms[id]; s != nil {
				explained = append(explained, s)
				ns[s.Where.Namespace] = true
			}
		}
		for _, id := range rc.Chain {
			if f := ix.findings[id]; f != nil {
				ns[f.Object.Namespace] = true
			}
		}
		for _, c := range rc.Changes {
			ns[c.Object.Namespace] = true
		}
		rcNS[rc.ID] = ns
		slices.SortStableFunc(explained, func(a, b *report.Symptom) int { return int(min(max(b.Count-a.Count, -1), 1)) })
		h := htmlRootCause{
			RootCause: rc, Rank: rank, NS: nsOf(ns),
			Steps: ix.chainSteps(rc), NoSymptom: !ix.hasSymptom(rc),
			Heading: ix.changesHeading(rc), Measured: ix.firstSymptom(rc) != nil,
		}
		for k, c := range rc.Changes {
			h.Changes = append(h.Changes, htmlChange{Change: c, Num: k + 1, Class: "t-" + cssWord(c.Type)})
		}
		h.Timeline = buildTimeline(tlInput{symptoms: explained, changes: rc.Changes, first: ix.firstSymptom(rc)})
		p.RootCauses = append(p.RootCauses, h)
	}

	syms, hidden := shownSymptoms(r, opts.MaxSymptoms)
	if hidden > 0 {
		p.Hidden = hiddenSymptomsNote(hidden)
	}
	byRank := map[int]string{}
	for _, rc := range p.RootCauses {
		byRank[rc.Rank] = rc.ID
	}
	for _, s := range syms {
		ns := map[string]bool{s.Where.Namespace: true}
		hs := htmlSymptom{Symptom: s}
		for _, rank := range ix.rootOf[s.ID] {
			id := byRank[rank]
			hs.ExplainedBy = append(hs.ExplainedBy, id)
			for n := range rcNS[id] {
				ns[n] = true
			}
		}
		hs.NS = nsOf(ns)
		p.Symptoms = append(p.Symptoms, hs)
	}
	shown := map[string]bool{}
	for _, rc := range r.RootCauses {
		for _, id := range rc.Chain {
			shown[id] = true
		}
	}
	for _, f := range r.Findings {
		if !shown[f.ID] && !isRootCauseFinding(r, f) {
			p.Others = append(p.Others, htmlFinding{Finding: f, NS: nsOf(map[string]bool{f.Object.Namespace: true})})
		}
	}
	for ns := range allNS {
		p.Namespaces = append(p.Namespaces, ns)
	}
	slices.Sort(p.Namespaces)
	return p
}
