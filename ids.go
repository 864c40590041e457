package tenancy

import "fmt"

// AccountID identifies one account (a tenant with its own users, data and
// subscription). The library treats it as opaque.
type AccountID string

// UserID identifies one user. The library treats it as opaque.
type UserID string

// Role is what an actor may do in an account.
type Role uint8

// The roles. The zero Role is not a role: an actor without one is refused
// everything that needs authorization.
const (
	// RoleEmployee is an ordinary user of an account.
	RoleEmployee Role = iota + 1
	// RoleAdministrator administers an account: only an administrator may
	// change its plan, its auto-renewal, cancel it or delete it (PLAN-02).
	RoleAdministrator
	// RoleService is the embedding service acting on its own behalf: a
	// billing webhook recording a payment, a scheduler. It never stands for a
	// person, and a service cannot do what only an administrator may.
	RoleService
)

var roleNames = [...]string{"", "employee", "administrator", "service"}

// String returns the role's name ("employee", "administrator", "service").
func (r Role) String() string {
	if int(r) < len(roleNames) && r != 0 {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool { return r >= RoleEmployee && r <= RoleService }

// MarshalText encodes the role as its name.
func (r Role) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("tenancy: cannot encode %v", r)
	}
	return []byte(r.String()), nil
}

// UnmarshalText decodes a role from its name and refuses unknown names.
func (r *Role) UnmarshalText(b []byte) error {
	for i := RoleEmployee; i <= RoleService; i++ {
		if roleNames[i] == string(b) {
			*r = i
			return nil
		}
	}
	return fmt.Errorf("tenancy: unknown role %q", b)
}

// Actor is who issues a command: a user and the role they hold in the account
// the command is about. The service vouches for both; the library decides
// what the role allows.
type Actor struct {
	User UserID
	Role Role
}

// Admin returns an actor who administers the account.
func Admin(u UserID) Actor { return Actor{User: u, Role: RoleAdministrator} }

// Employee returns an actor who is an ordinary user of the account.
func Employee(u UserID) Actor { return Actor{User: u, Role: RoleEmployee} }

// Service returns the embedding service as an actor (billing, schedulers).
func Service() Actor { return Actor{User: "service", Role: RoleService} }

// String returns "user (role)".
func (a Actor) String() string { return fmt.Sprintf("%s (%s)", a.User, a.Role) }
