package fleet

import (
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// The kinds of the envelope, spelled out so that wrapping an effect
// builds no string; a test checks them against the packages' own names.
var (
	planKinds = [...]string{
		"", "plan.trial-started", "plan.trial-ended", "plan.purchased", "plan.upgraded",
		"plan.change-scheduled", "plan.change-undone", "plan.change-applied",
		"plan.cancellation-scheduled", "plan.cancellation-confirmed", "plan.retention-offered",
		"plan.renewal-bought", "plan.renewed", "plan.rolled-back", "plan.grace-started",
		"plan.payment-received", "plan.payment-failed", "plan.grace-ended", "plan.cancelled-now",
		"plan.refunded", "plan.add-on-bought", "plan.add-ons-deactivated", "plan.limits-reduced",
		"plan.telephony-used", "plan.ended",
	}
	lifeKinds = [...]string{
		"", "life.plan", "life.warn-suspension", "life.suspend", "life.warn-deletion", "life.restore",
		"life.purge", "life.block", "life.unblock", "life.forget-identity", "life.activity",
		"life.user-added", "life.user-dismissed", "life.joined-network", "life.left-network",
	}
	netKinds = [...]string{
		"", "net.created", "net.connected", "net.start-trial", "net.notify", "net.disconnected",
		"net.incompatible", "net.reconnected", "net.blocked", "net.disabled", "net.resumed",
		"net.dissolved",
	}
)

// planKind returns "plan." and the event kind's name.
func planKind(k plan.EventKind) string {
	if int(k) < len(planKinds) && k > 0 {
		return planKinds[k]
	}
	return "plan." + k.String()
}

// lifeKind returns "life." and the effect kind's name.
func lifeKind(k lifecycle.EffectKind) string {
	if int(k) < len(lifeKinds) && k > 0 {
		return lifeKinds[k]
	}
	return "life." + k.String()
}

// netKind returns "net." and the effect kind's name.
func netKind(k network.EffectKind) string {
	if int(k) < len(netKinds) && k > 0 {
		return netKinds[k]
	}
	return "net." + k.String()
}
