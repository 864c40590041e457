// Package network encodes the NET rules: a branch network of accounts
// around one head, with its plan compatibility check, its widget and who may
// see what.
//
// Use package fleet, which drives this package, package lifecycle and
// package plan together in one step per command, unless you drive the
// engines yourself. This page says what doing so takes.
//
// A [Network] lists its branches and their status; the accounts themselves
// (package lifecycle) stay separate, each with its own users, data and
// subscription (NET-12), and each records the one network it is in
// (NET-04). The [Engine] reads accounts, never changes them: its commands
// change the network and return [Effect] values, and the service carries
// the effects addressed to an account out on it with [Engine.Carry] (join
// or leave the network, start the branch trial). Carrying an effect twice
// changes nothing the second time.
//
//	n, effects, err := eng.Create(head, "ada", now)          // NET-01
//	effects, err = eng.Connect(n, head, branch, "ada", now)  // NET-02 to NET-06, NET-13
//	branch, _, err = eng.Carry(branch, effects[0], now)      // the branch joins
//
// A network has no deadline of its own. The blocks of the plan
// compatibility check are the members' own deadlines: after any change of
// a member account, [Engine.Align] schedules the account's block (a branch
// below a trial is blocked 15 days after it came onto the free plan,
// NET-07; a head below a commercial plan likewise, NET-09) or lifts it
// (commercial again, NET-08, or out of the network), and the block falls
// when lifecycle.Engine.Advance reaches it, whenever the network hears of
// it. A head that pays for a plan other than Enterprise disables its
// network (the widget is hidden at every branch) but is never blocked.
//
// What a member tells its network is its [Standing]: its plan level,
// whether it is blocked or when it will be, whether it was deleted, as of
// its last change. [Engine.Deliver] applies one, as of its own time: a
// branch that dropped to free turns incompatible with the account's
// deadline, a blocked one is shown blocked, one commercial or on a trial
// again reconnects, a deleted one is unlisted; the head off Enterprise
// disables the network, back on it resumes it. Standings of different
// members may come in any order, late, or twice: each applies once, in
// its account's order, and an older or repeated one changes nothing.
// [Engine.Observe] delivers an account's standing; it refuses, as
// [ErrCorrupt] (NET-02), a branch listed as connected that has been free
// since before it was listed. The loop of a service that drives the
// engines itself:
//
//	acc, lifeEffects, err = lives.Apply(acc, now, cmd)  // or lives.Advance, one deadline at a time
//	acc, moreEffects, err = eng.Align(acc, now)         // schedule or lift the block
//	effects, err = eng.Observe(n, acc, now)             // tell the network
//
// Plan commands on a member go through [Engine.ApplyPlan], which also
// enforces NET-10 on the head (its plan is locked while branches are
// connected) and does Align and Observe; [Engine.PreviewPlan] shows a plan
// change's consequences without committing them.
//
// Every command, Carry, Align, Observe and Deliver refuses, with
// tenancy.ErrInvalid, a time the library does not keep
// (tenancy.CheckTime): whatever it would make could not be stored.
//
// Every command and every delivery runs in time independent of the number
// of branches: a network of ten thousand branches is changed in place
// rather than copied, and every command checks everything before it
// changes anything, so a refusal leaves the network exactly as it was.
// [Network.Begin] starts a unit of work of several steps that
// [Network.Rollback] undoes in time proportional to what changed, and
// [Network.Commit] keeps. [Engine.Project] lists the blocks the members'
// deadlines will set if nobody acts.
package network
