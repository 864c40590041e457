package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
)

// Outcome is what a request came to, kept by the store under the
// request's ID so that a replay returns it instead of running again: the
// command, the time, the IDs of the effects it produced, or the refusal.
type Outcome struct {
	Request string
	// Command is the command as fmt prints it with %T%+v: a replay of the
	// same ID with another command is refused.
	Command string
	At      time.Time
	Effects []string
	// Rule, Kind and Text describe a refusal; Kind is the name of the
	// tenancy sentinel it matches ("refused", "unauthorized", ...), Text
	// the error's text.
	Rule   tenancy.RuleID
	Kind   string
	Reason string
	Text   string
	// KindText is the text of the refusal's kind, for a *tenancy.RuleError.
	KindText string
}

// Refused reports whether the request was refused.
func (o Outcome) Refused() bool { return o.Kind != "" }

var sentinels = []struct {
	name string
	err  error
}{
	{"unauthorized", tenancy.ErrUnauthorized}, {"invalid", tenancy.ErrInvalid}, {"not-found", tenancy.ErrNotFound},
	{"refused", tenancy.ErrRefused}, {"time-went-back", tenancy.ErrTimeWentBack},
}

// replayed is the kind of a refusal read back from an Outcome: the text
// of the original kind, matching the sentinel it matched.
type replayed struct {
	text string
	kind error
}

func (r replayed) Error() string { return r.text }
func (r replayed) Unwrap() error { return r.kind }

// Err returns the refusal as an error that reads as the first one did and
// matches the same rule (tenancy.RuleOf) and sentinel (errors.Is); nil
// when the request was not refused.
func (o Outcome) Err() error {
	if !o.Refused() {
		return nil
	}
	kind := tenancy.ErrRefused
	for _, s := range sentinels {
		if s.name == o.Kind {
			kind = s.err
		}
	}
	if o.KindText == "" {
		return replayed{text: o.Text, kind: kind}
	}
	return &tenancy.RuleError{Rule: o.Rule, Err: replayed{text: o.KindText, kind: kind}, Reason: o.Reason}
}

// outcome records err, a refusal, or the effects of a step.
func outcome(request, command string, at time.Time, effs []Effect, err error) Outcome {
	o := Outcome{Request: request, Command: command, At: at}
	if err != nil {
		o.Text, o.Kind = err.Error(), "refused"
		for _, s := range sentinels {
			if errors.Is(err, s.err) {
				o.Kind = s.name
				break
			}
		}
		var re *tenancy.RuleError
		if errors.As(err, &re) {
			o.Rule, o.Reason, o.KindText = re.Rule, re.Reason, re.Err.Error()
		}
		return o
	}
	o.Effects = make([]string, len(effs))
	for i, e := range effs {
		o.Effects[i] = e.ID()
	}
	return o
}

// fingerprint is how an Outcome names a command.
func fingerprint(c Command) string { return fmt.Sprintf("%T%+v", c, c) }

type outcomeJSON struct {
	V       int            `json:"v"`
	Request string         `json:"request"`
	Command string         `json:"command"`
	At      time.Time      `json:"at"`
	Effects []string       `json:"effects,omitzero"`
	Rule    tenancy.RuleID `json:"rule,omitzero"`
	Kind    string         `json:"kind,omitzero"`
	Reason  string         `json:"reason,omitzero"`
	Text    string         `json:"text,omitzero"`
	KindTxt string         `json:"kind_text,omitzero"`
}

// MarshalJSON encodes the outcome with its schema version.
func (o Outcome) MarshalJSON() ([]byte, error) {
	return json.Marshal(outcomeJSON{V: SchemaVersion, Request: o.Request, Command: o.Command, At: o.At,
		Effects: o.Effects, Rule: o.Rule, Kind: o.Kind, Reason: o.Reason, Text: o.Text, KindTxt: o.KindText})
}

// UnmarshalJSON decodes an outcome and refuses another schema version,
// unknown fields, or a time outside [tenancy.MinTime, tenancy.MaxTime).
func (o *Outcome) UnmarshalJSON(b []byte) error {
	var j outcomeJSON
	if err := strict.Decode(b, &j); err != nil {
		return tenancy.Invalid("", ErrCorrupt, "outcome: %v", err)
	}
	if j.V != SchemaVersion || j.Request == "" {
		return tenancy.Invalid("", ErrCorrupt, "outcome: schema version %d with request %q", j.V, j.Request)
	}
	if !kept(j.At) {
		return tenancy.Invalid("", ErrCorrupt, "outcome: at %v, outside the times the library keeps", j.At)
	}
	*o = Outcome{Request: j.Request, Command: j.Command, At: j.At, Effects: j.Effects, Rule: j.Rule, Kind: j.Kind, Reason: j.Reason, Text: j.Text, KindText: j.KindTxt}
	return nil
}
