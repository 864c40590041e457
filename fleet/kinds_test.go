package fleet

import (
	"strings"
	"testing"

	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// TestKindNames checks the spelled-out envelope kinds against each
// package's own names, so that a kind added there is named here too.
func TestKindNames(t *testing.T) {
	for k := plan.EventKind(1); k.Rule() != ""; k++ {
		if int(k) >= len(planKinds) || planKinds[k] != "plan."+k.String() {
			t.Errorf("plan kind %d: table has no %q", k, "plan."+k.String())
		}
	}
	for k := lifecycle.EffectPlan; !strings.HasPrefix(k.String(), "EffectKind("); k++ {
		if int(k) >= len(lifeKinds) || lifeKinds[k] != "life."+k.String() {
			t.Errorf("life kind %d: table has no %q", k, "life."+k.String())
		}
	}
	for k := network.EffectCreated; ; k++ {
		name := k.String()
		if _, ok := network.ParseEffectKind(name); !ok {
			break
		}
		if int(k) >= len(netKinds) || netKinds[k] != "net."+name {
			t.Errorf("net kind %d: table has no %q", k, "net."+name)
		}
	}
}
