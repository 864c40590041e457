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

// Error returns "RULE: kind: reason", or "kind: reason" when no rule owns it.
func (e *RuleError) Error() string {
	if e.Rule == "" {
		return fmt.Sprintf("%v: %s", e.Err, e.Reason)
	}
	return fmt.Sprintf("%s: %v: %s", e.Rule, e.Err, e.Reason)
}

// Unwrap returns the sentinel, so that errors.Is(err, ErrRefused) works.
func (e *RuleError) Unwrap() error { return e.Err }

// Refuse builds a *RuleError. kind should be one of the package's sentinels;
// the reason is formatted with fmt.Sprintf.
func Refuse(rule RuleID, kind error, format string, args ...any) error {
	return &RuleError{Rule: rule, Err: kind, Reason: fmt.Sprintf(format, args...)}
}

// RuleOf returns the rule that refused err, or "" when err is not a
// *RuleError or no rule owns it.
func RuleOf(err error) RuleID {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Rule
	}
	return ""
}
