// Package scenario replays scenario files: plain-text stories of accounts
// and networks, with dates, and the effects the rules must produce, in a
// form a product manager can read and an integrator can write. It works
// like the data-driven tests of go.etcd.io/raft: a runner replays a file
// against the library and compares the transcript with what the file
// expects; a test flag writes the actual output back.
//
// The runner is a client of the driver, package fleet, as a service is:
// every command is a [fleet.Command] run on a [fleet.Memory] store, which
// delivers each message to its network in the step that sends it, and the
// queries read the states the store holds. The runner coordinates nothing
// itself.
//
// # The format
//
// A file is a sequence of blocks. A block is a command line, optional
// input lines, a separator line "----", then the expected output, ended by
// a blank line (or the end of the file). Lines starting with "#" between
// blocks are comments. A command line is a verb followed by arguments,
// positional or key=value; a value with spaces is double-quoted.
//
//	# LIFE-01: a free account nobody logs in to for 30 days is suspended.
//	world zone=Europe/Berlin
//	----
//	zone Europe/Berlin, default catalog in USD: free, trial, basic, standard, professional, enterprise
//	PLAN policy: trial-days=15 grace-days=15 renewal-days=30 refund=whole-months refund-fee=0 over-limit=read-delete
//	PLAN billing: proration=days change-day=unused rounding=down upgrade=reset bounds=purchase-time
//	LIFE policy: inactivity-days=30 warning-days=7,3,1 purge-days=30 deletion=never-paid-alone
//	NET policy: branch-trial-days=15 network-grace-days=15 max-branches=unlimited
//
//	account bistro owner=bo at=2026-03-02T09:00
//	----
//	ok
//
//	login bistro at=2026-03-05T09:00
//	----
//	2026-03-05 09:00 LIFE-01 bistro: activity to=bo deadline=2026-04-04
//
//	advance 2026-04-04T09:00
//	----
//	2026-03-28 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-04-04
//	2026-04-01 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-04-04
//	2026-04-03 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-04-04
//	2026-04-04 09:00 LIFE-01 bistro: suspend deadline=2026-05-04
//
// Every effect of the driver (a [fleet.Effect]) is one line: its date and
// time in the scenario's zone, the rule it serves, whom it concerns
// ("bistro:" for an account's or its subscription's, "network hq:" for a
// network's, "user bo:" for a user's identity), then its kind without the
// package ("purchased", not "plan.purchased") and the fields the kind
// fills. A command that produces nothing prints "ok". A command the rules
// refuse prints "refused " and the error, which names the rule:
//
//	refused PLAN-02: only an account administrator may cancel the subscription; bob (employee) is not one
//
// The world has one clock. It starts at the first at= and only moves
// forward: a command with at=TIME, and "advance TIME", first fire every
// account's deadlines up to TIME, in time order (at one instant by account
// ID), as the store's sweeper does, and print their effects. Networks have
// no deadlines: the blocks of the plan compatibility check are the
// members' own (NET-07, NET-09), and the driver tells a network of every
// change of a member's standing, carries network effects out on the
// accounts (joining, leaving, the branch trial) and checks a head's plan
// commands against its network (NET-10). With world sweeper=off, at= fires
// nothing: each command catches up the accounts it names, one instant at
// a time, as in a store whose sweeper lags, and only advance fires every
// deadline. Times are written 2026-03-20T10:00 (or with seconds, or a bare
// date for midnight) in the scenario's zone.
//
// # Commands
//
// Setting up (before the first account):
//
//	world [zone=Europe/Berlin] [catalog=default] [trial-days=15] [grace-days=15] [renewal-days=30]
//	      [refund=none|whole-months|days] [refund-fee=0] [over-limit=read-delete|read-only|none] [offer=TEXT]
//	      [proration=days|elapsed|thirty-day-month] [change-day=unused|used] [rounding=down|half-up|half-even]
//	      [upgrade=reset|keep] [bounds=purchase-time|midnight]
//	      [inactivity-days=30] [warning-days=7,3,1] [purge-days=30]
//	      [deletion=never-paid-alone|any-administrator|support-only]
//	      [branch-trial-days=15] [network-grace-days=15] [max-branches=0]
//	      [sweeper=on|off]
//	plans
//
// world starts from the default policies every time and prints the world
// it sets up. Its input lines, when given, are a catalog in JSON (see
// plan.Catalog), validated as the library validates any catalog (PLAN-01).
// plans lists the catalog.
//
// Accounts and users (by=USER acts as that user with the role they hold in
// the account, by=service as the embedding service; by default the owner
// acts):
//
//	account ID owner=USER [domain=eu] [tz=ZONE]
//	add-user ACCOUNT USER [role=employee|administrator]
//	dismiss-user ACCOUNT USER
//	login ACCOUNT [USER]
//	restore ACCOUNT
//	delete ACCOUNT [confirm=ACCOUNT]
//	block ACCOUNT cause=TEXT        (by the service unless by= says otherwise)
//	unblock ACCOUNT cause=TEXT
//	forget-identity USER [by=USER]  (by the user, who has an identity from an account or add-user)
//
// Plans (the driver checks a head's against its network, NET-10, and
// tells the network of the change):
//
//	trial ACCOUNT [days=N]
//	buy ACCOUNT PLAN monthly|annual
//	change ACCOUNT PLAN [monthly|annual]
//	cancel ACCOUNT [now] [reason=TEXT]
//	undo ACCOUNT
//	auto-renew ACCOUNT on|off
//	renew ACCOUNT
//	pay ACCOUNT [amount=N]          (the amount due by default)
//	payment-failed ACCOUNT [reason=TEXT]
//	buy-credits ACCOUNT amount=N
//	use-credits ACCOUNT amount=N
//	buy-storage ACCOUNT size=10GB price=N
//
// Networks (by the head's owner, or by=USER with the role the user holds
// in the head):
//
//	create-network HEAD
//	connect HEAD BRANCH
//	disconnect HEAD BRANCH
//	dissolve HEAD
//	observe ACCOUNT                 what a sweeper runs for the account
//	widget HEAD [viewer=ACCOUNT]
//	visible USER
//
// Time and queries (queries change nothing):
//
//	advance TIME
//	project ACCOUNT                 every effect of the account's own deadlines if nobody acts
//	project-network HEAD            the blocks the network knows are coming if nobody acts
//	state ACCOUNT                   the account as key=value fields (block-at: a scheduled block)
//	quote-refund ACCOUNT
//	impact ACCOUNT [PLAN] [users=N] [storage=SIZE] [features=a,b]
//	restrictions ACCOUNT [plan=ID] [users=N] [storage=SIZE] [features=a,b]
//	entitlements ACCOUNT
//	export-checklist [contacts=N] [deals=N] [leads=N] [tasks=N] [events=N] [documents=N] [workflows=N] [automations=N]
//	export-deadlines ACCOUNT [the counts] [storage=SIZE]
//	export-archive ACCOUNT [the counts] [store] [corrupt=PATH]
//
// Every command but world, plans, visible, export-checklist and advance
// takes at=TIME. Sizes are bytes with an optional decimal unit: 500MB,
// 5GB, 3TB.
//
// # Running files
//
// [Run] replays a file and returns a [Result]: [Result.Transcript] is the
// file with the actual outputs, [Result.Expected] the file as given, and
// [Result.Mismatches] the blocks that differ. A malformed file, or a
// command that cannot run (an unknown account, a time before the clock),
// is an *[Error] naming the file and the line. The program
// examples/scenario prints any file's transcript.
//
// # Writing files as you go
//
// A [Session] runs one command line at a time and keeps what it ran: its
// [Session.Transcript] is a file that Run replays to the same output.
// [Setup.Block] writes a zone, a catalog and policies as the world command
// that sets them up. Package tenancytest builds its random scenarios this
// way, so that a failure is a file.
package scenario
