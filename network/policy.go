package network

import (
	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
)

// The bounds of the policy's day counts, so that no date the rules derive
// overflows or leaves the dates the library can write.
const (
	// MaxTrialDays is the longest branch trial: a year.
	MaxTrialDays = 366
	// MaxGraceDays is the longest grace before the plan compatibility
	// check blocks: lifecycle.MaxDays, ten years.
	MaxGraceDays = lifecycle.MaxDays
)

// Policy holds every number of the NET rules that an integrator may change.
type Policy struct {
	// TrialDays is the trial a free account gets when it joins as a branch
	// (NET-06). Default 15.
	TrialDays int
	// GraceDays is how long an incompatible branch, or a head that lapsed
	// from Enterprise, has before the plan compatibility check blocks it
	// (NET-07, NET-09). Default 15.
	GraceDays int
	// MaxBranches caps the branches of one network; 0 means unlimited, the
	// default (NET-14).
	MaxBranches int
}

// DefaultPolicy returns the policy of RULES.md: a 15-day branch trial, 15
// days to become compatible again, no cap on branches.
func DefaultPolicy() Policy { return Policy{TrialDays: 15, GraceDays: 15} }

// ErrPolicy is matched by every error of Policy.Validate; it wraps
// tenancy.ErrInvalid.
var ErrPolicy = tenancy.Kind("network policy", tenancy.ErrInvalid)

// Validate reports the first field of p that is out of range: TrialDays
// from 1 to MaxTrialDays, GraceDays from 0 to MaxGraceDays, MaxBranches
// not negative.
func (p Policy) Validate() error {
	switch {
	case p.TrialDays < 1 || p.TrialDays > MaxTrialDays:
		return tenancy.Invalid("NET-06", ErrPolicy, "TrialDays is %d, want 1 to %d", p.TrialDays, MaxTrialDays)
	case p.GraceDays < 0 || p.GraceDays > MaxGraceDays:
		return tenancy.Invalid("NET-07", ErrPolicy, "GraceDays is %d, want 0 to %d", p.GraceDays, MaxGraceDays)
	case p.MaxBranches < 0:
		return tenancy.Invalid("NET-14", ErrPolicy, "MaxBranches is %d, want 0 (unlimited) or more", p.MaxBranches)
	}
	return nil
}
