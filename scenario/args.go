package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy/plan"
)

// args are a command's arguments as a handler reads them: named ones
// (key=value) and positional ones, in order. Every argument must be read:
// done reports the first one nobody asked for.
type args struct {
	verb  string
	toks  []token
	input []string
	used  []bool
}

// key returns the value of key=value, if given.
func (a *args) key(name string) (string, bool) {
	for i, t := range a.toks {
		if t.kv && t.key == name {
			a.used[i] = true
			return t.val, true
		}
	}
	return "", false
}

// get returns the value named name: name=value, or else the next unread
// positional argument.
func (a *args) get(name string) (string, bool) {
	if v, ok := a.key(name); ok {
		return v, true
	}
	for i, t := range a.toks {
		if !t.kv && !a.used[i] {
			a.used[i] = true
			return t.val, true
		}
	}
	return "", false
}

// need is get for a required argument.
func (a *args) need(name string) (string, error) {
	v, ok := a.get(name)
	if !ok || v == "" {
		return "", fmt.Errorf("%s needs %s (usage: %s)", a.verb, name, commands[a.verb].usage)
	}
	return v, nil
}

// flag reports whether the bare word name (or name=true) is given.
func (a *args) flag(name string) (bool, error) {
	for i, t := range a.toks {
		if !t.kv && t.val == name {
			a.used[i] = true
			return true, nil
		}
	}
	if v, ok := a.key(name); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("%s=%q: want true or false", name, v)
		}
		return b, nil
	}
	return false, nil
}

// done reports an argument nobody read, and refuses input lines for a
// command that takes none.
func (a *args) done(takesInput bool) error {
	for i, t := range a.toks {
		if a.used[i] {
			continue
		}
		if t.kv {
			return fmt.Errorf("%s takes no argument %s= (usage: %s)", a.verb, t.key, commands[a.verb].usage)
		}
		return fmt.Errorf("%s: unexpected argument %q (usage: %s)", a.verb, t.val, commands[a.verb].usage)
	}
	if !takesInput && len(a.input) > 0 {
		return fmt.Errorf("%s takes no input lines", a.verb)
	}
	return nil
}

// intArg reads an optional integer.
func (a *args) intArg(name string, def int) (int, error) {
	v, ok := a.key(name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: want a whole number", name, v)
	}
	return n, nil
}

// money reads an optional amount of money.
func (a *args) money(name string) (decimal.Decimal, bool, error) {
	v, ok := a.key(name)
	if !ok {
		return decimal.Zero, false, nil
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		return decimal.Zero, false, fmt.Errorf("%s=%q: want an amount such as 12.50", name, v)
	}
	return d, true, nil
}

// size reads an optional number of bytes: 5GB, 500MB, 12000.
func (a *args) size(name string) (int64, bool, error) {
	v, ok := a.key(name)
	if !ok {
		return 0, false, nil
	}
	n, err := parseSize(v)
	if err != nil {
		return 0, false, fmt.Errorf("%s=%q: %v", name, v, err)
	}
	return n, true, nil
}

var units = []struct {
	suffix string
	n      int64
}{{"TB", 1000 * plan.GB}, {"GB", plan.GB}, {"MB", 1_000_000}, {"kB", 1000}, {"KB", 1000}, {"B", 1}}

// parseSize reads a byte count with an optional decimal unit.
func parseSize(s string) (int64, error) {
	mul := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mul = strings.TrimSuffix(s, u.suffix), u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mul {
		return 0, fmt.Errorf("want a size such as 5GB, 500MB or 1200")
	}
	return n * mul, nil
}

// formatSize writes a byte count with the largest unit that divides it.
func formatSize(n int64) string {
	if n == plan.Unlimited {
		return "unlimited"
	}
	for _, u := range units {
		if u.n > 1 && n != 0 && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// timeLayouts are the ways a scenario writes a moment, in its zone.
var timeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"}

// parseTime reads a moment in loc.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as 2026-03-20T10:00", s)
}

// period reads a billing period.
func period(s string) (plan.Period, error) {
	var p plan.Period
	if err := p.UnmarshalText([]byte(s)); err != nil || p == 0 {
		return 0, fmt.Errorf("period %q: want monthly or annual", s)
	}
	return p, nil
}

// list splits a comma-separated value.
func list(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
