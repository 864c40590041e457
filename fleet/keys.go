package fleet

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/tenancykit/tenancy"
)

// Kind says what kind of state a Key names.
type Kind uint8

// The kinds of state, in the order a store locks them.
const (
	// KindAccount: a lifecycle.Account.
	KindAccount Kind = iota + 1
	// KindNetwork: a *network.Network, named by its head.
	KindNetwork
	// KindIdentity: a user's network Identity (LIFE-06).
	KindIdentity
)

var kindNames = [...]string{"", "account", "network", "identity"}

// String returns "account", "network" or "identity".
func (k Kind) String() string {
	if k >= KindAccount && k <= KindIdentity {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Key names one state the driver reads or writes: an account, a network
// (by its head) or a user's identity. A store keeps one row per key.
type Key struct {
	Kind Kind
	ID   string
}

// AccountKey names the account id.
func AccountKey(id tenancy.AccountID) Key { return Key{KindAccount, string(id)} }

// NetworkKey names the network headed by head.
func NetworkKey(head tenancy.AccountID) Key { return Key{KindNetwork, string(head)} }

// IdentityKey names the network identity of user.
func IdentityKey(user tenancy.UserID) Key { return Key{KindIdentity, string(user)} }

// String returns "kind:id", for example "network:hq".
func (k Key) String() string { return k.Kind.String() + ":" + k.ID }

// Compare orders keys as a store locks them: accounts first, then
// networks, then identities, each by ID. Locking in this one order keeps
// two steps from waiting on each other.
func (k Key) Compare(o Key) int {
	return cmp.Or(cmp.Compare(k.Kind, o.Kind), strings.Compare(k.ID, o.ID))
}

// ParseKey reads a key as String writes it.
func ParseKey(s string) (Key, error) {
	kind, id, ok := strings.Cut(s, ":")
	for k := KindAccount; k <= KindIdentity; k++ {
		if ok && id != "" && kindNames[k] == kind {
			return Key{k, id}, nil
		}
	}
	return Key{}, tenancy.Refuse("", tenancy.ErrInvalid, "%q is not a key such as account:ID, network:HEAD or identity:USER", s)
}
