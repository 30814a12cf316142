package render

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nohealthy/nohealthy/report"
)

// A timeline is the geometry of the inline <svg> drawn for a root cause in
// the HTML report: the rate of each symptom it explains (lines per minute,
// a step line over the symptom's Rate buckets) above two lanes of
// markers, the changes of related objects and the pods' readiness
// transitions and restarts, on one time axis. Everything is computed here
// in numbers and strings; the template only places them, escaped.

// Layout of the drawing, in SVG user units (the viewBox; the page scales
// it to the column's width).
const (
	tlWidth      = 960.0
	tlLeft       = 96.0 // room for the lane labels
	tlRight      = 18.0
	tlChartTop   = 16.0
	tlChartH     = 150.0
	tlLaneH      = 36.0
	tlAxisH      = 26.0
	tlMaxSeries  = 5 // colours c0..c4 in the stylesheet
	tlMarkerNear = 18.0
)

// laneOf sorts a change into the lane it is drawn in: what happened to
// pods (readiness, restarts, creation, their events) is the "pods" lane,
// everything else the "changes" lane.
func laneOf(c report.Change) int {
	if c.Object.Kind == "Pod" {
		return 1
	}
	return 0
}

type timeline struct {
	Width, Height float64
	Left, Right   float64 // x of the chart's edges
	ChartTop      float64
	ChartBottom   float64
	YMax          string // label of the top gridline ("120/min")
	YMid          string
	YMidY         float64
	Series        []tlSeries
	Lanes         []tlLane
	Ticks         []tlTick
	Day           string // the date of the left edge (UTC)
	// Earlier labels the left edge when changes older than the window
	// are pinned there.
	Earlier  string
	EarlierX float64
	First    *tlFirst
}

type tlSeries struct {
	ID    string // the symptom ID (data-symptom)
	Class string // colour class c0..c4
	Label string // legend text
	Area  string // path of the filled area
	Line  string // path of the top line
	// Average: no per-bucket counts, drawn as the mean rate between first
	// and last (dashed).
	Average bool
}

type tlLane struct {
	Label   string
	Y       float64 // the lane's centre line
	Markers []tlMarker
}

type tlMarker struct {
	X, Y  float64
	Num   int    // the change's number in the list beside the timeline
	Class string // t-<type>
	Title string // hover text: time, object, what
}

type tlTick struct {
	X     float64
	Label string
}

type tlFirst struct {
	X     float64
	Label string
}

// tlInput is what one root cause's timeline draws.
type tlInput struct {
	symptoms []*report.Symptom // explained, most lines first
	changes  []report.Change   // closest first, numbered 1.. in this order
	first    *report.Symptom   // the first seen, or nil
}

// buildTimeline lays out in; nil when nothing in it carries a time.
func buildTimeline(in tlInput) *timeline {
	type span struct {
		s          *report.Symptom
		start      time.Time
		step       time.Duration
		counts     []int64
		first, end time.Time
	}
	var spans []span
	var lo, hi time.Time
	widen := func(t time.Time) {
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if hi.IsZero() || t.After(hi) {
			hi = t
		}
	}
	for _, s := range in.symptoms {
		if len(spans) == tlMaxSeries {
			break
		}
		sp := span{s: s}
		if r := s.Rate; r != nil && r.StepSeconds > 0 && len(r.Counts) > 0 {
			t, err := time.Parse(time.RFC3339, r.Start)
			if err != nil {
				continue
			}
			sp.start, sp.step, sp.counts = t, time.Duration(r.StepSeconds)*time.Second, r.Counts
			sp.first, sp.end = t, t.Add(time.Duration(len(r.Counts))*sp.step)
		} else if s.First != nil && s.Last != nil {
			f, err1 := time.Parse(time.RFC3339, *s.First)
			l, err2 := time.Parse(time.RFC3339, *s.Last)
			if err1 != nil || err2 != nil || l.Before(f) {
				continue
			}
			sp.first, sp.end = f, l
		} else {
			continue
		}
		widen(sp.first)
		widen(sp.end)
		spans = append(spans, sp)
	}
	type when struct {
		c   report.Change
		num int
		t   time.Time
	}
	var marks []when
	for i, c := range in.changes {
		t, err := time.Parse(time.RFC3339, c.Time)
		if err != nil {
			continue
		}
		widen(t)
		marks = append(marks, when{c, i + 1, t})
	}
	if len(spans) == 0 && len(marks) == 0 {
		return nil
	}
	// A change long before the symptoms (a Deployment created last month)
	// would squeeze them into a sliver: the window reaches back at most
	// the symptoms' own span (five minutes at least) before the first,
	// and older changes are pinned to its left edge, marked as earlier.
	var pinned bool
	if len(spans) > 0 {
		sLo, sHi := spans[0].first, spans[0].end
		for _, sp := range spans[1:] {
			if sp.first.Before(sLo) {
				sLo = sp.first
			}
			if sp.end.After(sHi) {
				sHi = sp.end
			}
		}
		if floor := sLo.Add(-max(sHi.Sub(sLo), 5*time.Minute)); lo.Before(floor) {
			lo, pinned = floor, true
		}
	}
	if !hi.After(lo) {
		lo, hi = lo.Add(-30*time.Second), hi.Add(30*time.Second)
	}
	pad := hi.Sub(lo) / 40
	edge := lo
	lo, hi = lo.Add(-pad), hi.Add(pad)

	tl := &timeline{
		Width: tlWidth, Left: tlLeft, Right: tlWidth - tlRight,
		ChartTop: tlChartTop, ChartBottom: tlChartTop + tlChartH,
	}
	x := func(t time.Time) float64 {
		return tl.Left + (tl.Right-tl.Left)*float64(t.Sub(lo))/float64(hi.Sub(lo))
	}

	// Rates in lines per minute, on one scale for every series.
	perMin := func(n int64, d time.Duration) float64 {
		if d <= 0 {
			return 0
		}
		return float64(n) * float64(time.Minute) / float64(d)
	}
	var top float64
	for _, sp := range spans {
		if sp.counts != nil {
			for _, n := range sp.counts {
				top = max(top, perMin(n, sp.step))
			}
		} else {
			top = max(top, perMin(sp.s.Count, max(sp.end.Sub(sp.first), time.Second)))
		}
	}
	top = niceCeil(top)
	y := func(v float64) float64 {
		if top <= 0 {
			return tl.ChartBottom
		}
		return tl.ChartBottom - tlChartH*v/top
	}
	tl.YMax = rateLabel(top)
	tl.YMid, tl.YMidY = rateLabel(top/2), y(top/2)

	for i, sp := range spans {
		se := tlSeries{ID: sp.s.ID, Class: "c" + strconv.Itoa(i), Label: sp.s.ID + " " + symptomText(sp.s)}
		var line strings.Builder
		if sp.counts != nil {
			// A step line: flat over each bucket, vertical between them.
			line.WriteString("M" + xy(x(sp.start), tl.ChartBottom))
			for k, n := range sp.counts {
				b0 := sp.start.Add(time.Duration(k) * sp.step)
				yy := y(perMin(n, sp.step))
				line.WriteString(" L" + xy(x(b0), yy) + " L" + xy(x(b0.Add(sp.step)), yy))
			}
			line.WriteString(" L" + xy(x(sp.end), tl.ChartBottom))
		} else {
			se.Average = true
			se.Label += " (average: the lines carry no per-minute counts)"
			yy := y(perMin(sp.s.Count, max(sp.end.Sub(sp.first), time.Second)))
			line.WriteString("M" + xy(x(sp.first), tl.ChartBottom) + " L" + xy(x(sp.first), yy) +
				" L" + xy(x(sp.end), yy) + " L" + xy(x(sp.end), tl.ChartBottom))
		}
		se.Line = line.String()
		se.Area = se.Line + " Z"
		tl.Series = append(tl.Series, se)
	}

	// The lanes, markers close in time staggered on two rows.
	laneY := tl.ChartBottom + 10
	lanes := []tlLane{{Label: "changes"}, {Label: "pods"}}
	for i := range lanes {
		laneY += tlLaneH / 2
		lanes[i].Y = laneY
		laneY += tlLaneH / 2
	}
	slices.SortStableFunc(marks, func(a, b when) int { return a.t.Compare(b.t) })
	lastX := []float64{math.Inf(-1), math.Inf(-1)}
	row := []int{0, 0}
	for _, m := range marks {
		l := laneOf(m.c)
		mx := x(m.t)
		if m.t.Before(edge) {
			mx = x(edge)
		}
		if mx-lastX[l] < tlMarkerNear {
			row[l] ^= 1
		} else {
			row[l] = 0
		}
		lastX[l] = mx
		lanes[l].Markers = append(lanes[l].Markers, tlMarker{
			X: mx, Y: lanes[l].Y - 13*float64(row[l]),
			Num: m.num, Class: "t-" + cssWord(m.c.Type),
			Title: fmt.Sprintf("%d. %s %s: %s (%s before the first symptom)", m.num, m.c.Time, refString(m.c.Object), m.c.What, ago(m.c.SecondsBefore)),
		})
	}
	tl.Lanes = lanes
	tl.Height = laneY + tlAxisH

	tl.Ticks = timeTicks(lo, hi, x)
	tl.Day = "times UTC, " + lo.UTC().Format("2006-01-02")
	if pinned {
		tl.Earlier = "◂ earlier changes"
		tl.EarlierX = x(edge)
	}
	if in.first != nil && in.first.First != nil {
		if t, err := time.Parse(time.RFC3339, *in.first.First); err == nil {
			tl.First = &tlFirst{X: x(t), Label: "first " + in.first.ID}
		}
	}
	return tl
}

// xy formats a point with one decimal: enough for a 960-unit drawing.
func xy(x, y float64) string {
	return strconv.FormatFloat(x, 'f', 1, 64) + "," + strconv.FormatFloat(y, 'f', 1, 64)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (0 stays 0).
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

func rateLabel(v float64) string {
	if v == 0 {
		return "0/min"
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + "/min"
}

// tickSteps are the spacings the axis picks from: the smallest that puts
// at most eight ticks on the span.
var tickSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
	2 * 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour,
}

// timeTicks places ticks at round UTC times between lo and hi.
func timeTicks(lo, hi time.Time, x func(time.Time) float64) []tlTick {
	span := hi.Sub(lo)
	step := tickSteps[len(tickSteps)-1]
	for _, s := range tickSteps {
		if (span+s-1)/s <= 8 {
			step = s
			break
		}
	}
	layout := "15:04"
	if step < time.Minute {
		layout = "15:04:05"
	} else if step >= 24*time.Hour {
		layout = "01-02"
	}
	var ticks []tlTick
	for t := lo.UTC().Truncate(step); !t.After(hi); t = t.Add(step) {
		if t.Before(lo) {
			continue
		}
		ticks = append(ticks, tlTick{X: x(t), Label: t.Format(layout)})
	}
	return ticks
}

// cssWord keeps the letters, digits and dashes of s, for a class name.
func cssWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, s)
}
