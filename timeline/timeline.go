// Package timeline draws what has happened to accounts and networks, and
// what will happen if nobody acts, as a picture: an SVG timeline with the
// dates on an axis, one lane per account or network, every effect a mark
// labelled with its date, its kind and the rule behind it, the warnings
// leading to a suspension and a deletion, the blocks a network's
// compatibility check will set, and today marked. Support staff and
// product managers read it at a glance; it prints on one page.
//
// Build a Timeline from effects (the driver's history, and its projection
// from fleet.Engine.Project and ProjectNetwork) with Lane, then Write it.
// The SVG is written with the standard library only, in the account's
// zone, and is the same for the same timeline.
package timeline

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
)

// Timeline is one picture.
type Timeline struct {
	// Title is printed above the lanes.
	Title string
	// Today is drawn as a vertical line; marks after it are projected.
	Today time.Time
	// Zone is the zone the dates are written in; nil means UTC.
	Zone  *time.Location
	Lanes []Lane
}

// Lane is one row: an account's or a network's marks.
type Lane struct {
	// Name labels the row, for example "acme" or "network hq".
	Name string
	// Note is a line under the name, for example "deleted on 2026-04-13".
	Note  string
	Marks []Mark
}

// Mark is one effect on a lane.
type Mark struct {
	At   time.Time
	Rule tenancy.RuleID
	// Label is what happens, for example "warn-suspension" or
	// "purchased standard".
	Label string
	Class Class
	// Projected says the effect has not happened: it will if nobody acts.
	Projected bool
}

// Class sorts marks by what they mean to the account, and colours them.
type Class uint8

// The classes.
const (
	// ClassOther is any other effect.
	ClassOther Class = iota
	// ClassActivity is a login, a restore, a member added or dismissed.
	ClassActivity
	// ClassPlan is a subscription's event.
	ClassPlan
	// ClassWarning is a warning before a suspension or a deletion (LIFE-02).
	ClassWarning
	// ClassSuspension is a suspension or a block (LIFE-01, LIFE-08).
	ClassSuspension
	// ClassDeletion is a deletion (LIFE-05, LIFE-07).
	ClassDeletion
	// ClassNetwork is a network's event (NET rules).
	ClassNetwork
)

var classNames = [...]string{"other", "activity", "plan", "warning", "suspension", "deletion", "network"}

// String returns the class's name, which is also its CSS class in the SVG.
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "other"
}

// FromEffects returns the lane named name with a mark for each effect,
// marked projected when projected is true. The effects keep their order
// at one instant.
func FromEffects(name string, effs []fleet.Effect, projected bool) Lane {
	l := Lane{Name: name}
	l.Add(effs, projected)
	return l
}

// Add appends a mark for each effect to the lane.
func (l *Lane) Add(effs []fleet.Effect, projected bool) {
	for _, e := range effs {
		l.Marks = append(l.Marks, Mark{At: e.At, Rule: e.Rule, Label: label(e), Class: classOf(e.Kind), Projected: projected})
	}
}

// label is a mark's text: the kind without its package, and the plan for
// a plan event that names one.
func label(e fleet.Effect) string {
	_, kind, _ := strings.Cut(e.Kind, ".")
	switch {
	case strings.HasPrefix(e.Kind, "plan.") && e.Plan != "" && kind != "limits-reduced":
		return kind + " " + string(e.Plan)
	case strings.HasPrefix(e.Kind, "net.") && e.Account != "":
		return kind + " " + string(e.Account)
	}
	return kind
}

// classOf sorts an effect kind.
func classOf(kind string) Class {
	switch kind {
	case "life.warn-suspension", "life.warn-deletion":
		return ClassWarning
	case "life.suspend", "life.block":
		return ClassSuspension
	case "life.purge":
		return ClassDeletion
	case "life.activity", "life.restore", "life.user-added", "life.user-dismissed", "life.unblock":
		return ClassActivity
	}
	switch {
	case strings.HasPrefix(kind, "plan."):
		return ClassPlan
	case strings.HasPrefix(kind, "net."), strings.HasPrefix(kind, "life.") && strings.Contains(kind, "network"):
		return ClassNetwork
	}
	return ClassOther
}

// span returns the first and last instant the timeline must show: every
// mark and today.
func (t Timeline) span() (time.Time, time.Time, bool) {
	var lo, hi time.Time
	first := true
	see := func(x time.Time) {
		if x.IsZero() {
			return
		}
		if first || x.Before(lo) {
			lo = x
		}
		if first || x.After(hi) {
			hi = x
		}
		first = false
	}
	see(t.Today)
	for _, l := range t.Lanes {
		for _, m := range l.Marks {
			see(m.At)
		}
	}
	return lo, hi, !first
}

// sorted returns the lane's marks in time order, stable at one instant.
func (l Lane) sorted() []Mark {
	ms := slices.Clone(l.Marks)
	slices.SortStableFunc(ms, func(a, b Mark) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	return ms
}
