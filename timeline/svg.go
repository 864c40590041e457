package timeline

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The picture's geometry, in SVG user units (pixels at 100%).
const (
	width     = 1100.0
	gutter    = 160.0 // the lane names
	padRight  = 40.0
	top       = 78.0 // the first lane's top, under the title and the axis
	axisY     = 62.0
	tierStep  = 14.0
	laneBase  = 26.0 // from a lane's top to its line, with no label tier
	laneExtra = 22.0 // under the line: the note and a gap
	charWidth = 5.7  // an estimate of one character of a label at 10px
	maxTiers  = 30
)

// Write draws t as an SVG document on w.
func Write(w io.Writer, t Timeline) error {
	var b bytes.Buffer
	t.draw(&b)
	_, err := w.Write(b.Bytes())
	return err
}

// scale maps instants to x between the gutter and the right edge.
type scale struct{ lo, hi time.Time }

func (s scale) x(t time.Time) float64 {
	span := s.hi.Sub(s.lo).Seconds()
	return gutter + (width-gutter-padRight)*t.Sub(s.lo).Seconds()/span
}

// placed is a mark with its label's tier and side.
type placed struct {
	Mark
	x    float64
	tier int
	text string
	left bool // the label ends at the mark, near the right edge
}

// layout assigns each label of a lane the lowest tier where it does not
// run into the label before it, and returns the number of tiers used.
func layout(marks []Mark, s scale, zone *time.Location) ([]placed, int) {
	var ends []float64 // the right end of the last label in each tier
	out := make([]placed, 0, len(marks))
	date := "Jan 2"
	if s.hi.Sub(s.lo) > 300*24*time.Hour {
		date = "2006-01-02"
	}
	for _, m := range marks {
		p := placed{Mark: m, x: s.x(m.At)}
		p.text = fmt.Sprintf("%s %s", m.At.In(zone).Format(date), m.Label)
		if m.Rule != "" {
			p.text += " · " + string(m.Rule)
		}
		w := float64(len([]rune(p.text)))*charWidth + 8
		start := p.x
		if p.x+w > width-4 {
			p.left, start = true, p.x-w
		}
		p.tier = -1
		for k, end := range ends {
			if end < start-2 {
				p.tier = k
				break
			}
		}
		if p.tier < 0 {
			if len(ends) < maxTiers {
				ends = append(ends, 0)
				p.tier = len(ends) - 1
			} else {
				// Every tier is taken here: the one that ends first.
				p.tier = 0
				for k := range ends {
					if ends[k] < ends[p.tier] {
						p.tier = k
					}
				}
			}
		}
		ends[p.tier] = start + w
		out = append(out, p)
	}
	return out, len(ends)
}

// draw writes the document.
func (t Timeline) draw(b *bytes.Buffer) {
	zone := zoneOr(t.Zone)
	lo, hi, ok := t.span()
	if !ok {
		lo = time.Date(2026, 1, 1, 0, 0, 0, 0, zone)
		hi = lo
	}
	// A little room on both sides, and at least two weeks.
	lo, hi = lo.Add(-48*time.Hour), hi.Add(48*time.Hour)
	if hi.Sub(lo) < 14*24*time.Hour {
		hi = lo.Add(14 * 24 * time.Hour)
	}
	s := scale{lo, hi}

	type lane struct {
		marks []placed
		top   float64
		line  float64
		h     float64
	}
	lanes := make([]lane, len(t.Lanes))
	y := top
	for i, l := range t.Lanes {
		ms, tiers := layout(l.sorted(), s, zone)
		h := laneBase + tierStep*float64(tiers) + laneExtra
		lanes[i] = lane{marks: ms, top: y, line: y + laneBase - 10 + tierStep*float64(tiers), h: h}
		y += h
	}
	legendY := y + 18
	height := legendY + 30

	fmt.Fprintf(b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="DejaVu Sans, Verdana, sans-serif">`+"\n", width, height, width, height)
	b.WriteString(style)
	fmt.Fprintf(b, `<rect class="page" x="0" y="0" width="%.0f" height="%.0f"/>`+"\n", width, height)
	title := t.Title
	if title == "" {
		title = "Timeline"
	}
	fmt.Fprintf(b, `<text class="title" x="12" y="26">%s</text>`+"\n", esc(title))
	fmt.Fprintf(b, `<text class="zone" x="12" y="44">dates in %s; hollow marks will happen if nobody acts</text>`+"\n", esc(zone.String()))

	// The axis: a tick at each step, labelled.
	fmt.Fprintf(b, `<g class="axis"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", gutter, axisY, width-padRight, axisY)
	for _, tk := range ticks(lo, hi, zone) {
		x := s.x(tk.at)
		fmt.Fprintf(b, `<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x, axisY, x, y)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x, axisY-4, x, axisY+4)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x, axisY-8, esc(tk.label))
	}
	b.WriteString("</g>\n")

	for i, l := range t.Lanes {
		ln := lanes[i]
		fmt.Fprintf(b, `<g class="lane" data-lane="%s">`+"\n", esc(l.Name))
		if i%2 == 1 {
			fmt.Fprintf(b, `<rect class="band" x="0" y="%.1f" width="%.0f" height="%.1f"/>`+"\n", ln.top, width, ln.h)
		}
		fmt.Fprintf(b, `<text class="name" x="12" y="%.1f">%s</text>`+"\n", ln.line+4, esc(l.Name))
		if l.Note != "" {
			fmt.Fprintf(b, `<text class="note" x="12" y="%.1f">%s</text>`+"\n", ln.line+18, esc(l.Note))
		}
		fmt.Fprintf(b, `<line class="track" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", gutter, ln.line, width-padRight, ln.line)
		for _, m := range ln.marks {
			cls := m.Class.String()
			if m.Projected {
				cls += " projected"
			}
			ty := ln.line - 12 - tierStep*float64(m.tier)
			fmt.Fprintf(b, `<g class="mark %s" data-at="%s" data-rule="%s" data-label="%s">`, cls, m.At.Format(time.RFC3339), esc(string(m.Rule)), esc(m.Label))
			fmt.Fprintf(b, `<title>%s %s %s</title>`, esc(m.At.In(zone).Format("2006-01-02 15:04")), esc(string(m.Rule)), esc(m.Label))
			fmt.Fprintf(b, `<line class="stem" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, m.x, ty+3, m.x, ln.line)
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4.5"/>`, m.x, ln.line)
			if m.left {
				fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text></g>`+"\n", m.x-2, ty, esc(m.text))
			} else {
				fmt.Fprintf(b, `<text x="%.1f" y="%.1f">%s</text></g>`+"\n", m.x+2, ty, esc(m.text))
			}
		}
		b.WriteString("</g>\n")
	}

	if !t.Today.IsZero() {
		x := s.x(t.Today)
		fmt.Fprintf(b, `<g class="today" data-at="%s"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, t.Today.Format(time.RFC3339), x, axisY-2, x, y)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f">today %s</text></g>`+"\n", x+3, y+12, esc(t.Today.In(zone).Format("2006-01-02")))
	}

	// The legend.
	x := 12.0
	b.WriteString(`<g class="legend">`)
	for c := ClassActivity; c <= ClassNetwork; c++ {
		fmt.Fprintf(b, `<g class="mark %s"><circle cx="%.1f" cy="%.1f" r="4.5"/><text x="%.1f" y="%.1f">%s</text></g>`, c, x+5, legendY, x+13, legendY+4, c)
		x += 20 + float64(len(c.String()))*charWidth + 14
	}
	fmt.Fprintf(b, `<g class="mark warning projected"><circle cx="%.1f" cy="%.1f" r="4.5"/><text x="%.1f" y="%.1f">projected</text></g>`, x+5, legendY, x+13, legendY+4)
	b.WriteString("</g>\n</svg>\n")
}

// style is the picture's stylesheet: one colour per class, printable on
// white.
const style = `<style>
.page { fill: #ffffff; }
.title { font-size: 17px; font-weight: bold; fill: #1a1a1a; }
.zone { font-size: 11px; fill: #666666; }
.axis line { stroke: #888888; stroke-width: 1; }
.axis .grid { stroke: #e4e4e4; }
.axis text { font-size: 10px; fill: #444444; text-anchor: middle; }
.band { fill: #f6f7f9; }
.name { font-size: 13px; font-weight: bold; fill: #1a1a1a; }
.note { font-size: 10px; fill: #666666; }
.track { stroke: #bbbbbb; stroke-width: 1.5; }
.mark text { font-size: 10px; fill: #222222; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
.mark .stem { stroke: #cccccc; stroke-width: 0.8; }
.mark circle { stroke-width: 2; }
.mark.projected circle { fill: #ffffff; }
.mark.projected text { font-style: italic; fill: #555555; }
.activity circle { fill: #2e7d32; stroke: #2e7d32; }
.plan circle { fill: #1565c0; stroke: #1565c0; }
.warning circle { fill: #f9a825; stroke: #f9a825; }
.suspension circle { fill: #e65100; stroke: #e65100; }
.deletion circle { fill: #c62828; stroke: #c62828; }
.network circle { fill: #6a1b9a; stroke: #6a1b9a; }
.other circle { fill: #757575; stroke: #757575; }
.today line { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 5 3; }
.today text { font-size: 11px; font-weight: bold; fill: #c62828; }
.legend text { font-size: 11px; fill: #333333; }
</style>
`

// tick is one labelled instant of the axis.
type tick struct {
	at    time.Time
	label string
}

// ticks returns the axis's ticks between lo and hi: days, weeks, months,
// quarters or years, whichever gives at most fourteen.
func ticks(lo, hi time.Time, zone *time.Location) []tick {
	lo, hi = lo.In(zone), hi.In(zone)
	days := hi.Sub(lo).Hours() / 24
	var out []tick
	add := func(t time.Time, layout string) {
		if !t.Before(lo) && !t.After(hi) {
			out = append(out, tick{t, t.Format(layout)})
		}
	}
	switch {
	case days <= 14:
		for d := time.Date(lo.Year(), lo.Month(), lo.Day(), 0, 0, 0, 0, zone); !d.After(hi); d = d.AddDate(0, 0, 1) {
			add(d, "Jan 2")
		}
	case days <= 98:
		d := time.Date(lo.Year(), lo.Month(), lo.Day(), 0, 0, 0, 0, zone)
		for d.Weekday() != time.Monday {
			d = d.AddDate(0, 0, 1)
		}
		for ; !d.After(hi); d = d.AddDate(0, 0, 7) {
			add(d, "Jan 2")
		}
	default:
		step := 1
		switch {
		case days > 14*365:
			step = 60
		case days > 14*91:
			step = 12
		case days > 14*30:
			step = 3
		}
		m := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, zone)
		for (int(m.Month())-1)%min(step, 12) != 0 {
			m = m.AddDate(0, 1, 0)
		}
		layout := "Jan 2006"
		if step >= 12 {
			layout = "2006"
		}
		for ; !m.After(hi); m = m.AddDate(0, step, 0) {
			add(m, layout)
		}
	}
	return out
}

// esc escapes s for XML text and attributes.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
