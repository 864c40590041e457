// Package network encodes the NET rules: a branch network of accounts
// around one head, with its plan compatibility check, its widget and who may
// see what.
//
// A [Network] lists its branches and their standing; the accounts
// themselves (package lifecycle) stay separate, each with its own users,
// data and subscription (NET-12), and each records the one network it is in
// (NET-04). The [Engine] reads accounts, never changes them: it changes the
// network and returns [Effect] values, and the service carries the effects
// addressed to an account out on it with [Engine.Carry] (join or leave the
// network, start the branch trial, set or lift a block).
//
//	n, effects, err := eng.Create(head, "ada", now)          // NET-01
//	effects, err = eng.Connect(n, head, branch, "ada", now)  // NET-02 to NET-06, NET-13
//	branch, _, err = eng.Carry(branch, effects[0], now)      // the branch joins
//
// After any plan change of a member, call [Engine.Observe] (or run the change
// through [Engine.ApplyPlan], which also enforces NET-10): a branch that
// dropped to free turns incompatible, with a deadline after which
// [Engine.Advance] blocks it (NET-07); one that is commercial again
// reconnects and is unblocked (NET-08); a head that lapsed from Enterprise
// disables the network, hides the widget at every branch and is blocked
// after its own deadline (NET-09).
//
// Every command runs in time independent of the number of branches: a
// network of ten thousand branches is changed in place rather than copied,
// and every command checks everything before it changes anything, so a
// refusal leaves the network exactly as it was. Commands refuse to run while
// a deadline of the network is due (advance it first), so that no effect is
// ever lost. [Network.NextDeadline] is the one timestamp to index per network,
// [Engine.Project] lists the blocks that will fall if nobody acts, and
// [Engine.PreviewPlan] shows a plan change's consequences without committing
// them.
package network
