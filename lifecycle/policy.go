package lifecycle

import (
	"fmt"
	"slices"

	"github.com/tenancykit/tenancy"
)

// Deletion says who may delete an account at once, self-service (LIFE-07).
type Deletion uint8

// The self-service deletion policies.
const (
	// DeleteNeverPaidAlone: an administrator may delete an account that never
	// had a paid plan and whose other users are all dismissed. The default.
	DeleteNeverPaidAlone Deletion = iota + 1
	// DeleteAnyAdministrator: any administrator may delete the account.
	DeleteAnyAdministrator
	// DeleteSupportOnly: only the service (support) deletes accounts.
	DeleteSupportOnly
)

// String names the policy.
func (d Deletion) String() string {
	switch d {
	case DeleteNeverPaidAlone:
		return "never-paid-alone"
	case DeleteAnyAdministrator:
		return "any-administrator"
	case DeleteSupportOnly:
		return "support-only"
	}
	return fmt.Sprintf("Deletion(%d)", uint8(d))
}

// Policy holds every number of the LIFE rules that an integrator may
// change. DefaultPolicy returns the documented defaults.
type Policy struct {
	// InactivityDays is how many calendar days without a login suspend a
	// free account (LIFE-01). Default 30.
	InactivityDays int
	// WarningDays are the days before a suspension and before a deletion on
	// which the owner is warned (LIFE-02). Default 7, 3 and 1. Each is
	// positive and shorter than both InactivityDays and PurgeDays.
	WarningDays []int
	// PurgeDays is how many calendar days a suspended account waits before
	// it is deleted (LIFE-04). Default 30.
	PurgeDays int
	// Deletion is who may delete an account at once (LIFE-07). Default
	// DeleteNeverPaidAlone.
	Deletion Deletion
}

// DefaultPolicy returns the policy of RULES.md: suspension after 30 days
// without a login, warnings 7, 3 and 1 days before suspension and before
// deletion, deletion 30 days after suspension, and self-service deletion
// only for accounts that never paid and have no other users.
func DefaultPolicy() Policy {
	return Policy{InactivityDays: 30, WarningDays: []int{7, 3, 1}, PurgeDays: 30, Deletion: DeleteNeverPaidAlone}
}

// ErrPolicy is matched by every error of Policy.Validate; it wraps
// tenancy.ErrInvalid.
var ErrPolicy = tenancy.Kind("lifecycle policy", tenancy.ErrInvalid)

// MaxDays bounds every day count of a policy: ten years. A command's time
// is before tenancy.MaxTime (9000-01-01), so every date the rules derive
// from it lies before MaxTime plus MaxDays days and can be written with a
// four-digit year.
const MaxDays = 3660

// Validate reports the first field of p that is out of range, naming the
// field and the rule it serves.
func (p Policy) Validate() error {
	bad := func(rule tenancy.RuleID, format string, args ...any) error {
		return tenancy.Invalid(rule, ErrPolicy, format, args...)
	}
	switch {
	case p.InactivityDays < 1 || p.InactivityDays > MaxDays:
		return bad("LIFE-01", "InactivityDays is %d, want 1 to %d", p.InactivityDays, MaxDays)
	case p.PurgeDays < 1 || p.PurgeDays > MaxDays:
		return bad("LIFE-04", "PurgeDays is %d, want 1 to %d", p.PurgeDays, MaxDays)
	case p.Deletion < DeleteNeverPaidAlone || p.Deletion > DeleteSupportOnly:
		return bad("LIFE-07", "Deletion is %v, want one of the Delete constants", p.Deletion)
	}
	seen := map[int]bool{}
	for _, d := range p.WarningDays {
		switch {
		case d < 1 || d >= p.InactivityDays || d >= p.PurgeDays:
			return bad("LIFE-02", "warning %d days before is outside 1 to %d", d, min(p.InactivityDays, p.PurgeDays)-1)
		case seen[d]:
			return bad("LIFE-02", "warning %d days before is listed twice", d)
		}
		seen[d] = true
	}
	return nil
}

// warnings returns the warning days, longest first.
func (p Policy) warnings() []int {
	w := slices.Clone(p.WarningDays)
	slices.Sort(w)
	slices.Reverse(w)
	return w
}
