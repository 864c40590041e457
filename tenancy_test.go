package tenancy_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
)

func TestRoleText(t *testing.T) {
	for _, r := range []tenancy.Role{tenancy.RoleEmployee, tenancy.RoleAdministrator, tenancy.RoleService} {
		b, err := r.MarshalText()
		if err != nil {
			t.Fatalf("%v: %v", r, err)
		}
		var back tenancy.Role
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Fatalf("%q decoded to %v, %v", b, back, err)
		}
		if !r.Valid() {
			t.Fatalf("%v is not valid", r)
		}
	}
	var zero tenancy.Role
	if zero.Valid() || zero.String() != "Role(0)" {
		t.Fatalf("the zero role: valid=%v name=%q", zero.Valid(), zero.String())
	}
	if _, err := zero.MarshalText(); err == nil {
		t.Fatal("the zero role encoded")
	}
	var r tenancy.Role
	if err := r.UnmarshalText([]byte("owner")); err == nil {
		t.Fatal("an unknown role decoded")
	}
	if got := tenancy.Admin("ada").String(); got != "ada (administrator)" {
		t.Fatalf("Admin(ada) = %q", got)
	}
	if a := tenancy.Service(); a.Role != tenancy.RoleService || tenancy.Employee("bo").Role != tenancy.RoleEmployee {
		t.Fatal("actor constructors give the wrong roles")
	}
}

// A refusal names its rule for errors.As and its kind for errors.Is, also
// when wrapped further by the service (PLAN-02 as the example).
func TestRuleError(t *testing.T) {
	err := fmt.Errorf("handler: %w", tenancy.Refuse("PLAN-02", tenancy.ErrUnauthorized, "only %s may", "administrators"))
	if !errors.Is(err, tenancy.ErrUnauthorized) || errors.Is(err, tenancy.ErrRefused) {
		t.Fatalf("errors.Is does not see the right sentinel in %v", err)
	}
	var re *tenancy.RuleError
	if !errors.As(err, &re) || re.Rule != "PLAN-02" || re.Reason != "only administrators may" {
		t.Fatalf("errors.As: %+v", re)
	}
	// The rule and the reason, once: the kind is found with errors.Is.
	if got, want := err.Error(), "handler: PLAN-02: only administrators may"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if tenancy.RuleOf(err) != "PLAN-02" || tenancy.RuleOf(errors.New("x")) != "" {
		t.Fatal("RuleOf")
	}
	bare := tenancy.Refuse("", tenancy.ErrInvalid, "bad")
	if bare.Error() != "invalid input: bad" || tenancy.RuleOf(bare) != "" {
		t.Fatalf("a refusal without a rule: %q", bare.Error())
	}
	if tenancy.ReasonOf(err) != "only administrators may" || tenancy.ReasonOf(errors.New("x")) != "" {
		t.Fatal("ReasonOf")
	}
}

// A package's kind reads as itself and matches its parent.
func TestKind(t *testing.T) {
	blocked := tenancy.Kind("account blocked", tenancy.ErrRefused)
	err := tenancy.Refuse("LIFE-08", blocked, "account %s is blocked", "lyon")
	if !errors.Is(err, blocked) || !errors.Is(err, tenancy.ErrRefused) || errors.Is(err, tenancy.ErrInvalid) {
		t.Errorf("errors.Is does not see the kind and its parent in %v", err)
	}
	if got, want := err.Error(), "LIFE-08: account lyon is blocked"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := tenancy.Refuse("", blocked, "lyon").Error(), "account blocked: lyon"; got != want {
		t.Errorf("without a rule: %q, want %q", got, want)
	}
}

// Invalid data names its kind and reason once, and its rule when one
// owns it; it is not a refusal.
func TestInvalidError(t *testing.T) {
	corrupt := tenancy.Kind("account state", tenancy.ErrInvalid)
	err := fmt.Errorf("load: %w", tenancy.Invalid("", corrupt, "updated %s is before since", "2026-01-01"))
	var ie *tenancy.InvalidError
	if !errors.As(err, &ie) || !errors.Is(err, corrupt) || !errors.Is(err, tenancy.ErrInvalid) {
		t.Fatalf("errors.As/Is do not see the invalid data in %v", err)
	}
	var re *tenancy.RuleError
	if errors.As(err, &re) {
		t.Errorf("invalid data reads as a refusal: %v", err)
	}
	if got, want := err.Error(), "load: account state: updated 2026-01-01 is before since"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	policy := tenancy.Invalid("LIFE-02", tenancy.Kind("lifecycle policy", tenancy.ErrInvalid), "warning %d days before is listed twice", 7)
	if got, want := policy.Error(), "lifecycle policy: LIFE-02: warning 7 days before is listed twice"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if tenancy.RuleOf(policy) != "LIFE-02" || tenancy.ReasonOf(policy) != "warning 7 days before is listed twice" {
		t.Errorf("RuleOf %q, ReasonOf %q", tenancy.RuleOf(policy), tenancy.ReasonOf(policy))
	}
}

func TestCheckTime(t *testing.T) {
	monrovia, err := time.LoadLocation("Africa/Monrovia")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		t    time.Time
		loc  *time.Location
		ok   bool
	}{
		{"tenancy.MinTime", tenancy.MinTime, nil, true},
		{"just before tenancy.MinTime", tenancy.MinTime.Add(-time.Nanosecond), nil, false},
		{"just before tenancy.MaxTime", tenancy.MaxTime.Add(-time.Nanosecond), nil, true},
		{"tenancy.MaxTime", tenancy.MaxTime, nil, false},
		{"year 9999", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), nil, false},
		{"year 0", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), nil, false},
		{"Monrovia at -0:44:30", time.Date(1972, 1, 3, 12, 0, 0, 0, time.UTC), monrovia, false},
		{"Monrovia at GMT", time.Date(1972, 1, 8, 12, 0, 0, 0, time.UTC), monrovia, true},
		{"an offset of seconds in t's own location", time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("odd", 3601)), nil, false},
	} {
		err := tenancy.CheckTime(tc.t, tc.loc)
		if (err == nil) != tc.ok {
			t.Errorf("%s: tenancy.CheckTime(%v) = %v, want ok %v", tc.name, tc.t, err, tc.ok)
		}
		if err != nil && !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("%s: %v is not tenancy.ErrInvalid", tc.name, err)
		}
	}
}
