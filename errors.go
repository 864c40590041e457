package tenancy

import (
	"errors"
	"fmt"
)

// The sentinel errors every refusal matches with errors.Is. Each refusal is a
// *RuleError that wraps exactly one of them.
var (
	// ErrUnauthorized: the actor's role does not allow the command.
	ErrUnauthorized = errors.New("not authorized")
	// ErrInvalid: the command or the data is malformed (an amount below zero,
	// an unknown enum value, a catalog that breaks a rule).
	ErrInvalid = errors.New("invalid input")
	// ErrNotFound: the command names something that does not exist (an
	// unknown plan, an unknown branch).
	ErrNotFound = errors.New("not found")
	// ErrRefused: the command is well formed but the state forbids it (a
	// second trial, a second pending change, a renewal bought too early).
	ErrRefused = errors.New("refused")
	// ErrTimeWentBack: the command's time is earlier than the state's last
	// change. Rules never run backwards in time.
	ErrTimeWentBack = errors.New("time went back")
)

// RuleID names a rule of docs/rules.md, for example "PLAN-03". The empty
// RuleID marks a refusal that no single business rule owns (malformed input).
type RuleID string

// RuleError is the error every refused command returns. It says which rule
// refused, which kind of refusal it is (Err, one of the sentinels), and why,
// in words meant for the person who issued the command.
type RuleError struct {
	Rule   RuleID
	Err    error
	Reason string
}

// Error returns "RULE: reason", or "kind: reason" when no rule owns it.
// The kind is left out of a rule's text, since the rule and the reason
// say it already; errors.Is still finds it.
func (e *RuleError) Error() string {
	if e.Rule == "" {
		return fmt.Sprintf("%v: %s", e.Err, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Rule, e.Reason)
}

// Unwrap returns the sentinel, so that errors.Is(err, ErrRefused) works.
func (e *RuleError) Unwrap() error { return e.Err }

// Refuse builds a *RuleError. kind should be one of the package's sentinels;
// the reason is formatted with fmt.Sprintf.
func Refuse(rule RuleID, kind error, format string, args ...any) error {
	return &RuleError{Rule: rule, Err: kind, Reason: fmt.Sprintf(format, args...)}
}

// RuleOf returns the rule that refused err (a *RuleError) or that the
// data breaks (an *InvalidError), or "" when err is neither or no rule
// owns it.
func RuleOf(err error) RuleID {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Rule
	}
	var ie *InvalidError
	if errors.As(err, &ie) {
		return ie.Rule
	}
	return ""
}

// ReasonOf returns the reason of err, a *RuleError or an *InvalidError,
// in words meant for the person who issued the command; "" when err is
// neither.
func ReasonOf(err error) string {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Reason
	}
	var ie *InvalidError
	if errors.As(err, &ie) {
		return ie.Reason
	}
	return ""
}

// Kind returns a sentinel error whose text is text and which matches
// parent with errors.Is: a package's own kind of refusal, such as "account
// blocked" under ErrRefused, that does not repeat its parent's words.
func Kind(text string, parent error) error { return &kindError{text: text, parent: parent} }

type kindError struct {
	text   string
	parent error
}

func (k *kindError) Error() string { return k.text }
func (k *kindError) Unwrap() error { return k.parent }

// InvalidError reports data the library cannot use: a stored state that
// fails to decode or contradicts itself, a policy or a catalog that breaks
// a rule. It is not a refusal of a command, so it is not a *RuleError;
// like fs.PathError it names what is wrong and why, tersely.
type InvalidError struct {
	// Rule is the rule the data breaks, "" when none owns it.
	Rule RuleID
	// Err is the package's sentinel for the kind of data ("subscription
	// state", "lifecycle policy"), which matches ErrInvalid.
	Err error
	// Reason says what is wrong.
	Reason string
}

// Error returns "kind: reason", or "kind: RULE: reason" when a rule owns
// it.
func (e *InvalidError) Error() string {
	if e.Rule == "" {
		return fmt.Sprintf("%v: %s", e.Err, e.Reason)
	}
	return fmt.Sprintf("%v: %s: %s", e.Err, e.Rule, e.Reason)
}

// Unwrap returns the sentinel, so that errors.Is(err, ErrInvalid) works.
func (e *InvalidError) Unwrap() error { return e.Err }

// Invalid builds an *InvalidError. kind should be the package's sentinel
// for the data (its ErrCorrupt, ErrPolicy or ErrCatalog); the reason is
// formatted with fmt.Sprintf.
func Invalid(rule RuleID, kind error, format string, args ...any) error {
	return &InvalidError{Rule: rule, Err: kind, Reason: fmt.Sprintf(format, args...)}
}
