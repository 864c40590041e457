package timeline_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/scenario"
	"github.com/tenancykit/tenancy/timeline"
)

// story is a scenario with every kind of lane: a network whose branch
// dropped to free and will be blocked (NET-07), an idle free account
// counting down to its suspension and deletion (LIFE-01, LIFE-02,
// LIFE-05), and one deleted on request (LIFE-07).
var story = []string{
	"world zone=Europe/Berlin",
	"account hq owner=ada at=2026-03-02T09:00",
	"buy hq enterprise annual",
	"account lyon owner=ada",
	"buy lyon basic monthly",
	"create-network hq",
	"connect hq lyon",
	"account bistro owner=bo at=2026-03-05T10:00",
	"account gone owner=cy",
	"delete gone confirm=gone at=2026-03-06T10:00",
	"cancel lyon now at=2026-03-10T10:00",
	"advance 2026-03-20T10:00",
}

// mark is what the test reads back of one mark of the SVG.
type mark struct {
	lane, rule, label string
	at                time.Time
	projected         bool
	cx                float64
}

// read parses the SVG as XML (it must be well-formed) and returns its
// marks, lane by lane, and the today line's instant.
func read(t *testing.T, svg []byte) ([]mark, time.Time) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var marks []mark
	var today time.Time
	lane := ""
	var cur *mark
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := func(name string) string {
			for _, a := range se.Attr {
				if a.Name.Local == name {
					return a.Value
				}
			}
			return ""
		}
		switch {
		case se.Name.Local == "g" && attr("data-lane") != "":
			lane = attr("data-lane")
		case se.Name.Local == "g" && strings.HasPrefix(attr("class"), "mark ") && attr("data-at") != "":
			at, err := time.Parse(time.RFC3339, attr("data-at"))
			if err != nil {
				t.Fatal(err)
			}
			marks = append(marks, mark{lane: lane, rule: attr("data-rule"), label: attr("data-label"), at: at,
				projected: strings.Contains(attr("class"), "projected")})
			cur = &marks[len(marks)-1]
		case se.Name.Local == "circle" && cur != nil:
			cur.cx, _ = strconv.ParseFloat(attr("cx"), 64)
			cur = nil
		case se.Name.Local == "g" && attr("class") == "today":
			today, _ = time.Parse(time.RFC3339, attr("data-at"))
		}
	}
	return marks, today
}

// TestBuildAndWrite: the SVG is well-formed, has a mark for every effect
// that happened and every effect the driver projects (fleet.Engine.Project
// and ProjectNetwork: the warnings of LIFE-02 before the suspension of
// LIFE-01 and the deletion of LIFE-05, the NET-07 block), each with its
// rule, on its lane, hollow when projected, placed left to right in time
// order between the margins, and today at the scenario's clock.
func TestBuildAndWrite(t *testing.T) {
	s, err := scenario.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var history []fleet.Effect
	for _, l := range story {
		out, err := s.Do(l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if strings.HasPrefix(out[0], "refused") {
			t.Fatalf("%s: %s", l, out[0])
		}
		history = append(history, s.Effects()...)
	}
	m := s.Store()
	tl := timeline.Build("story", m.Engine(), m.States(), history, s.Now(), s.Zone())
	var buf bytes.Buffer
	if err := timeline.Write(&buf, tl); err != nil {
		t.Fatal(err)
	}
	got, today := read(t, buf.Bytes())
	if !today.Equal(s.Now()) {
		t.Errorf("today is drawn at %v, want %v", today, s.Now())
	}

	// What the picture must hold: every effect, happened or projected.
	var want []mark
	add := func(lane string, effs []fleet.Effect, projected bool) {
		for _, e := range effs {
			want = append(want, mark{lane: lane, rule: string(e.Rule), at: e.At, projected: projected})
		}
	}
	for _, id := range []string{"bistro", "gone", "hq", "lyon"} {
		var mine []fleet.Effect
		for _, e := range history {
			if e.Source == fleet.KindAccount && string(e.Account) == id {
				mine = append(mine, e)
			}
		}
		add(id, mine, false)
		if a, _ := m.Account(tenancy.AccountID(id)); id != "gone" {
			add(id, m.Engine().Project(a), true)
		}
	}
	var netHist []fleet.Effect
	for _, e := range history {
		if e.Source == fleet.KindNetwork {
			netHist = append(netHist, e)
		}
	}
	add("network hq", netHist, false)
	n, _ := m.Network("hq")
	add("network hq", m.Engine().ProjectNetwork(n), true)

	key := func(x mark) string {
		return x.lane + " " + x.rule + " " + x.at.UTC().Format(time.RFC3339) + " " + strconv.FormatBool(x.projected)
	}
	var gk, wk []string
	for _, x := range got {
		gk = append(gk, key(x))
	}
	for _, x := range want {
		wk = append(wk, key(x))
	}
	slices.Sort(gk)
	slices.Sort(wk)
	if !slices.Equal(gk, wk) {
		t.Errorf("the marks are\n%s\nwant\n%s", strings.Join(gk, "\n"), strings.Join(wk, "\n"))
	}
	for _, k := range []string{"LIFE-02", "LIFE-01", "LIFE-05", "LIFE-07", "NET-07"} {
		if !slices.ContainsFunc(got, func(x mark) bool { return x.rule == k }) {
			t.Errorf("no mark for %s", k)
		}
	}
	// Left to right in time, within the plot.
	for i, a := range got {
		if a.cx < 150 || a.cx > 1070 {
			t.Errorf("%s at x=%.1f, outside the plot", key(a), a.cx)
		}
		for _, b := range got[i+1:] {
			if a.at.Before(b.at) && a.cx > b.cx {
				t.Errorf("%s is drawn right of the later %s", key(a), key(b))
			}
		}
	}
}

// TestWriteEscapes: names and labels are escaped, so that any account ID
// gives well-formed XML.
func TestWriteEscapes(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tl := timeline.Timeline{Title: `<b>&"quotes"`, Today: at, Lanes: []timeline.Lane{{Name: `a<&>"b`, Note: "x&y",
		Marks: []timeline.Mark{{At: at, Rule: "LIFE-01", Label: `<script>`, Class: timeline.ClassSuspension}}}}}
	var buf bytes.Buffer
	if err := timeline.Write(&buf, tl); err != nil {
		t.Fatal(err)
	}
	got, _ := read(t, buf.Bytes())
	if len(got) != 1 || got[0].lane != `a<&>"b` || got[0].label != "<script>" {
		t.Errorf("read back %+v", got)
	}
	if bytes.Contains(buf.Bytes(), []byte("<script>")) {
		t.Error("a label went into the SVG unescaped")
	}
}
