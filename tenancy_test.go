package tenancy_test

import (
	"errors"
	"fmt"
	"testing"

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
	if got, want := err.Error(), "handler: PLAN-02: not authorized: only administrators may"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if tenancy.RuleOf(err) != "PLAN-02" || tenancy.RuleOf(errors.New("x")) != "" {
		t.Fatal("RuleOf")
	}
	bare := tenancy.Refuse("", tenancy.ErrInvalid, "bad")
	if bare.Error() != "invalid input: bad" || tenancy.RuleOf(bare) != "" {
		t.Fatalf("a refusal without a rule: %q", bare.Error())
	}
}
