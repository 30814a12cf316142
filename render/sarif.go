package render

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"

	"github.com/nohealthy/nohealthy/causes"
	"github.com/nohealthy/nohealthy/internal/sarif"
	"github.com/nohealthy/nohealthy/report"
)

// renderSARIF writes the report as a SARIF 2.1.0 log for code-scanning and
// CI tools: one run of nohealthy whose rules are the rules that ran
// (opts.Rules, each described by its title and by the cause catalog) and
// whose results are the findings, each at the object it names as a
// logical location. A root cause's finding carries its rank, cause and
// chain as properties. Input warnings are the invocation's
// notifications. Symptoms are not results (they are what the proxies saw,
// not a problem to fix); the root causes list the ones they explain.
func renderSARIF(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		r = &report.Report{}
	}
	log := sarif.New(cmp.Or(r.Tool.Name, report.ToolName), r.Tool.Version)
	run := &log.Runs[0]

	index := map[string]int{}
	addRule := func(ri RuleInfo) {
		if _, ok := index[ri.ID]; ok || ri.ID == "" {
			return
		}
		index[ri.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(ri))
	}
	for _, ri := range opts.Rules {
		addRule(ri)
	}
	// A finding of a rule the caller did not list is described from the
	// report alone.
	for _, f := range r.Findings {
		addRule(RuleInfo{ID: f.Rule, Cause: f.Cause, Severity: f.Severity})
	}

	rootOf := map[report.Ref]map[string]report.RootCause{}
	for _, rc := range r.RootCauses {
		if rootOf[rc.Object] == nil {
			rootOf[rc.Object] = map[string]report.RootCause{}
		}
		rootOf[rc.Object][rc.Cause+"\x00"+rc.Detail] = rc
	}
	for _, f := range r.Findings {
		res := sarif.Result{
			RuleID:  f.Rule,
			Kind:    "fail",
			Level:   sarif.SeverityLevel(f.Severity),
			Message: sarif.Message{Text: cmp.Or(f.Summary, f.Rule+": "+refString(f.Object))},
			Locations: []sarif.Location{{LogicalLocations: []sarif.LogicalLocation{{
				Name: f.Object.Name, FullyQualifiedName: refString(f.Object), Kind: "resource",
			}}}},
			PartialFingerprints: map[string]string{"nohealthyFinding/v1": fingerprint(f)},
			Properties: map[string]any{
				"findingId": f.ID,
				"severity":  f.Severity,
				"object":    f.Object,
			},
		}
		if i, ok := index[f.Rule]; ok {
			res.RuleIndex = &i
		}
		props := res.Properties
		setNonEmpty(props, "detail", f.Detail)
		setNonEmpty(props, "remediation", f.Remediation)
		if len(f.Evidence) > 0 {
			props["evidence"] = f.Evidence
		}
		if len(f.ExplainedBy) > 0 {
			props["explainedBy"] = f.ExplainedBy
		}
		if f.Cause != "" {
			props["cause"] = f.Cause
			if rc, ok := rootOf[f.Object][f.Cause+"\x00"+f.Detail]; ok {
				props["rootCause"] = rc.ID
				props["rank"] = rc.Rank
				props["explains"] = nonNil(rc.Explains)
				props["chain"] = nonNil(rc.Chain)
			}
		}
		run.Results = append(run.Results, res)
	}

	inv := sarif.Invocation{ExecutionSuccessful: true}
	for _, wn := range r.Input.Warnings {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.Notification{Level: sarif.LevelWarning, Message: sarif.Message{Text: wn}})
	}
	run.Invocations = []sarif.Invocation{inv}
	in := map[string]any{
		"sources":  nonNil(r.Input.Sources),
		"objects":  r.Input.Objects,
		"logLines": r.Input.LogLines,
		"symptoms": len(r.Symptoms),
	}
	if r.Input.CollectedAt != nil {
		in["collectedAt"] = *r.Input.CollectedAt
	}
	run.Properties = map[string]any{"input": in, "failOn": opts.failOn()}
	return sarif.Write(w, log)
}

// sarifRule describes a rule: its title, its description or else its
// cause's meaning, and its cause's remediation hint as help, from the
// cause catalog.
func sarifRule(ri RuleInfo) sarif.ReportingDescriptor {
	d := sarif.ReportingDescriptor{ID: ri.ID, Properties: map[string]any{}}
	if ri.Title != "" {
		d.ShortDescription = &sarif.Message{Text: ri.Title}
	}
	if ri.Severity != "" {
		d.DefaultConfiguration = &sarif.ReportingConfiguration{Level: sarif.SeverityLevel(ri.Severity)}
		d.Properties["severity"] = ri.Severity
	}
	if ri.Description != "" {
		d.FullDescription = &sarif.Message{Text: ri.Description}
	}
	setNonEmpty(d.Properties, "file", ri.File)
	if ri.Cause != "" {
		d.Properties["cause"] = ri.Cause
		d.Properties["tags"] = []string{"root-cause", ri.Cause}
		if c, ok := causes.Lookup(ri.Cause); ok {
			if d.FullDescription == nil {
				d.FullDescription = &sarif.Message{Text: plainMarkdown(c.Meaning), Markdown: c.Meaning}
			}
			d.Help = &sarif.Message{Text: plainMarkdown(c.Remediation), Markdown: c.Remediation}
			d.Properties["names"] = c.Names
		}
	} else {
		d.Properties["tags"] = []string{"intermediate-fact"}
	}
	return d
}

// plainMarkdown is catalog Markdown as plain text: on one line, without
// code quotes.
func plainMarkdown(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "`", "")
}

func setNonEmpty(m map[string]any, key, value string) {
	if value != "" {
		m[key] = value
	}
}

// fingerprint identifies a finding across runs, whatever its F-number: the
// rule, the object and the detail.
func fingerprint(f report.Finding) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{f.Rule, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Detail}, "\x00")))
	return hex.EncodeToString(sum[:16])
}
