package network_test

// The network decoder: whatever it accepts re-encodes to the same bytes and
// keeps what the engine relies on (Active counts the connected and trial
// branches, a head deadline shows only on a disabled network); whatever it
// refuses is refused with network.ErrCorrupt and leaves the receiver as it
// was. The invariants it guards serve the NET rules that read a stored
// network: NET-01 (one head, never also a branch; an operating network has
// an active head, so no head deadline), NET-07 (an incompatible or blocked
// branch has the deadline that is its cause; a connected one has none; a
// block falls no earlier than its deadline), NET-09 (a head is blocked no
// earlier than its deadline), NET-11 (a dissolved network lists no branch
// and has no head deadline). A network has no deadline of its own: a
// deadline in the past without its block is a state a network may be in
// until the member's standing reaches it, and is accepted.

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// nrSeedNetworks returns networks in every status and shape a stored state
// can have, built by commands so that each is genuine.
func nrSeedNetworks(t testing.TB) map[string]*network.Network {
	t.Helper()
	out := map[string]*network.Network{}

	w := nrNew(t)
	n, _ := w.create(w.head(plan.Annual), nrCreated)
	out["new"] = n

	// Every branch status: b1 connected, b2 on its branch trial, b4
	// dropped to free on 5 March and blocked on 20 March 09:00, b3
	// dropped on 20 March 10:00 and incompatible until 4 April 10:00.
	w = nrNew(t)
	n, head := w.create(w.head(plan.Annual), nrCreated)
	w.connect(n, head, w.branch("b1", plan.Professional, plan.Annual), nrT1)
	w.connect(n, head, w.branch("b2", "", 0), nrT1)
	b3, _ := w.connect(n, head, w.branch("b3", plan.Basic, plan.Annual), nrT1)
	b4, _ := w.connect(n, head, w.branch("b4", plan.Standard, plan.Annual), nrT1)
	drop4 := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	b4, _ = w.sync(n, w.plan(b4, drop4, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), drop4)
	w.follow(n, b4, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	drop3 := time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)
	w.sync(n, w.plan(b3, drop3, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), drop3)
	out["operating, every branch status"] = n

	// A branch in Berlin, incompatible since a time with nanoseconds.
	w = nrNew(t)
	n, head = w.create(w.head(plan.Annual), nrCreated)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	bb, err := w.lives.New("bb", nrBea, "eu", berlin, nrT0)
	if err != nil {
		t.Fatal(err)
	}
	bb = w.apply(bb, nrT0, nrAddAda)
	bb, _ = w.connect(n, head, w.buy(bb, nrT0, plan.Basic, plan.Monthly), nrT1)
	drop := time.Date(2026, 3, 28, 23, 59, 59, 123456789, berlin)
	w.sync(n, w.plan(bb, drop, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), drop)
	out["incompatible in Berlin"] = n

	_, n, _, _ = nrDisabled(t)
	out["disabled"] = n
	w, n, hq, _ := nrDisabled(t)
	w.follow(n, hq, time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC))
	out["disabled, head blocked"] = n
	w, n, hq, b1 := nrDisabled(t)
	paid := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	w.disconnect(n, hq, b1, paid)
	w.applyPlan(n, hq, paid, plan.Purchase{By: tenancy.Admin(nrAda), Plan: plan.Professional, Period: plan.Monthly})
	out["disabled, the head paying for Professional"] = n

	w = nrNew(t)
	n, head = w.create(w.head(plan.Annual), nrCreated)
	b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
	w.disconnect(n, head, b, nrT1)
	if _, err := w.net.Dissolve(n, head, nrAda, nrT1); err != nil {
		t.Fatal(err)
	}
	out["dissolved"] = n

	for name, n := range out {
		nrCheck(t, n)
		if name == "operating, every branch status" {
			for id, st := range map[string]network.BranchStatus{"b1": network.Connected, "b2": network.OnTrial, "b3": network.Incompatible, "b4": network.Blocked} {
				nrStatus(t, n, tenancy.AccountID(id), st)
			}
		}
	}
	if !out["disabled, head blocked"].HeadBlocked() || out["disabled"].Status() != network.Disabled || out["dissolved"].Status() != network.Dissolved ||
		!out["disabled, the head paying for Professional"].HeadDeadline().IsZero() {
		t.Fatalf("the seeds are not in the states they are named after")
	}
	return out
}

// nrDecodeState is what a decode must leave alone or produce: the encoding
// and what the engine reads besides.
func nrDecodeState(t testing.TB, n *network.Network) string {
	t.Helper()
	return nrSnap(t, n) + " " + n.Updated().String()
}

func FuzzNetworkJSON(f *testing.F) {
	seeds := nrSeedNetworks(f)
	for _, n := range seeds {
		b, err := n.MarshalJSON()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		// The same, indented: another spelling of the same state.
		var buf bytes.Buffer
		if err := json.Indent(&buf, b, "", "  "); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	for _, g := range []string{
		"", "null", "{}", "[]", `"hq"`, "0", "\xff\xfe", "\x00", `{"v":1}`, `{"v":1,"v":2}`, `{"V":1,"Head":"hq"}`,
		`{"v":1,"head":"hq","zone":"eu","status":"operating","branches":null,"updated":"2026-03-02T09:30:00Z"}`,
		`{"v":1,"head":"hq","zone":"eu","status":"operating","branches":[],"updated":"2026-03-02T09:30:00Z"} {}`,
		`{"v":1,"head":"hq","zone":"","status":"disabled","head_deadline":"2026-03-02T09:30:00+05:00","branches":[],"updated":"2026-03-02T09:30:00Z","seq":18446744073709551615}`,
		`{"v":1,"head":"hq","zone":"eu","status":"operating","branches":[{"account":"hq","status":"connected","since":"2026-03-02T09:30:00Z"}],"updated":"2026-03-02T09:30:00Z"}`,
		`{"v":1,"head":"hq","zone":"eu","status":"operating","branches":[{"account":"b","status":"blocked","since":"2026-03-02T09:30:00Z"}],"updated":"2026-03-02T09:30:00Z"}`,
		`{"v":1,"head":"hq","zone":"eu","status":"dissolved","head_blocked":true,"branches":[],"updated":"2026-03-02T09:30:00Z"}`,
		`{"v":1,"head":"h\u00e9","zone":"\u003c","status":"operating","branches":[{"account":"b","status":"incompatible","since":"2026-03-02T09:30:00.5Z","deadline":"9999-12-31T23:59:59.999999999-23:59"}],"updated":"2026-03-02T09:30:00.500Z"}`,
	} {
		f.Add([]byte(g))
	}
	sentinel := seeds["operating, every branch status"]
	f.Fuzz(func(t *testing.T, b []byte) {
		got := sentinel.Clone()
		before := nrDecodeState(t, got)
		if err := got.UnmarshalJSON(b); err != nil {
			if !errors.Is(err, network.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
				t.Fatalf("error %v does not match network.ErrCorrupt", err)
			}
			var ie *tenancy.InvalidError
			if !errors.As(err, &ie) || ie.Reason == "" {
				t.Fatalf("error %v is not a *tenancy.InvalidError with a reason", err)
			}
			if after := nrDecodeState(t, got); after != before {
				t.Fatalf("a refused decode changed the receiver:\nbefore %s\nafter  %s", before, after)
			}
			return
		}
		// Accepted: it re-encodes, decodes again to the same bytes, and
		// holds what the engine relies on.
		b1, err := got.MarshalJSON()
		if err != nil {
			t.Fatalf("an accepted network does not encode: %v", err)
		}
		var again network.Network
		if err := again.UnmarshalJSON(b1); err != nil {
			t.Fatalf("re-decoding %s: %v", b1, err)
		}
		if b2, err := again.MarshalJSON(); err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("encoding is not stable (err %v):\n%s\n%s", err, b1, b2)
		}
		if b3, _ := got.Clone().MarshalJSON(); !bytes.Equal(b1, b3) {
			t.Fatalf("a clone encodes differently:\n%s\n%s", b1, b3)
		}
		nrCheck(t, got)
		if got.Head() == "" || got.Updated().IsZero() {
			t.Fatalf("accepted a network without a head or a time: %s", b1)
		}
		for _, br := range got.Branches() {
			if br.Account == got.Head() {
				t.Fatalf("accepted the head as its own branch: %s", b1)
			}
			if (br.Status == network.Incompatible || br.Status == network.Blocked) && br.Deadline.IsZero() {
				t.Fatalf("accepted a %v branch without its deadline: %s", br.Status, b1)
			}
		}
		if got.Status() == network.Dissolved && got.Len() > 0 {
			t.Fatalf("accepted a dissolved network with branches: %s", b1)
		}
	})
}

// TestNetworkJSON_BrokenStatesRefused lists the broken states the decoder
// refuses, each with network.ErrCorrupt and the receiver unchanged, after
// checking that the state they break is itself accepted.
func TestNetworkJSON_BrokenStatesRefused(t *testing.T) {
	// A valid state: b1 connected, b2 on trial, b3 incompatible until
	// 25 April, b4 blocked on 17 April; last change 20 April.
	valid := `{"v":1,"head":"hq","zone":"eu","status":"operating","branches":[` +
		`{"account":"b1","status":"connected","since":"2026-03-02T10:00:00Z"},` +
		`{"account":"b2","status":"trial","since":"2026-03-02T10:00:00Z"},` +
		`{"account":"b3","status":"incompatible","since":"2026-04-10T09:00:00Z","deadline":"2026-04-25T09:00:00Z"},` +
		`{"account":"b4","status":"blocked","since":"2026-04-17T09:00:00Z","deadline":"2026-04-17T09:00:00Z"}],` +
		`"updated":"2026-04-20T09:00:00Z","seq":12}`
	// A valid disabled network, its head blocked on 2 May.
	disabled := `{"v":1,"head":"hq","zone":"eu","status":"disabled","head_deadline":"2026-05-02T09:00:00Z","head_blocked":true,"branches":[],"updated":"2026-05-02T09:00:00Z"}`
	for name, s := range map[string]string{"valid": valid, "disabled": disabled} {
		var n network.Network
		if err := n.UnmarshalJSON([]byte(s)); err != nil {
			t.Fatalf("the %s base is refused: %v", name, err)
		}
		if b, _ := n.MarshalJSON(); string(b) != s {
			t.Fatalf("the %s base does not re-encode to itself:\n%s\n%s", name, s, b)
		}
	}
	var n network.Network
	if err := n.UnmarshalJSON([]byte(valid)); err != nil {
		t.Fatal(err)
	}
	if n.Active() != 2 || n.Len() != 4 {
		t.Errorf("decoded: Active %d Len %d, want 2 and 4", n.Active(), n.Len())
	}
	if b, _ := n.Branch("b3"); !b.Deadline.Equal(time.Date(2026, 4, 25, 9, 0, 0, 0, time.UTC)) || n.HeadDeadline() != (time.Time{}) {
		t.Errorf("decoded: b3's deadline %v, head deadline %v; want 25 April 09:00 and none", b.Deadline, n.HeadDeadline())
	}

	// edit replaces old with new in base, which must contain old once.
	edit := func(base, old, new string) string {
		if strings.Count(base, old) != 1 {
			t.Fatalf("%q is not in the base once", old)
		}
		return strings.Replace(base, old, new, 1)
	}
	cases := []struct {
		name string
		json string
		says string
	}{
		{"two heads: the head listed as a branch (NET-01)", edit(valid, `"account":"b1"`, `"account":"hq"`), "one head"},
		{"a branch listed twice", edit(valid, `"account":"b2"`, `"account":"b1"`), "listed twice"},
		{"a blocked branch without its deadline, its cause (NET-07)", edit(valid, `"status":"blocked","since":"2026-04-17T09:00:00Z","deadline":"2026-04-17T09:00:00Z"`, `"status":"blocked","since":"2026-04-17T09:00:00Z"`), "deadline that is its cause"},
		{"an incompatible branch without its deadline (NET-07)", edit(valid, `,"deadline":"2026-04-25T09:00:00Z"`, ``), "deadline that is its cause"},
		{"an unknown branch status", edit(valid, `"status":"trial"`, `"status":"paused"`), "unknown status"},
		{"a branch status in capitals", edit(valid, `"status":"trial"`, `"status":"Trial"`), "unknown status"},
		{"an unknown network status", edit(valid, `"status":"operating"`, `"status":"sleeping"`), "unknown network status"},
		{"a connected branch with a deadline (NET-02)", edit(valid, `"account":"b1","status":"connected","since":"2026-03-02T10:00:00Z"`, `"account":"b1","status":"connected","since":"2026-03-02T10:00:00Z","deadline":"2026-05-01T00:00:00Z"`), "with a deadline"},
		{"a branch on trial with a deadline (NET-06)", edit(valid, `"account":"b2","status":"trial","since":"2026-03-02T10:00:00Z"`, `"account":"b2","status":"trial","since":"2026-03-02T10:00:00Z","deadline":"2026-05-01T00:00:00Z"`), "with a deadline"},
		{"an operating network with a head deadline (NET-01)", edit(valid, `"status":"operating",`, `"status":"operating","head_deadline":"2026-05-01T00:00:00Z",`), "operating network"},
		{"an operating network with a blocked head (NET-01)", edit(valid, `"status":"operating",`, `"status":"operating","head_blocked":true,`), "operating network"},
		{"a branch blocked before its deadline (NET-07)", edit(valid, `"since":"2026-04-17T09:00:00Z","deadline":"2026-04-17T09:00:00Z"`, `"since":"2026-04-17T09:00:00Z","deadline":"2026-04-18T09:00:00Z"`), "before its deadline"},
		{"a branch status dated after the last change", edit(valid, `"since":"2026-04-10T09:00:00Z"`, `"since":"2026-04-20T09:00:00.000000001Z"`), "last change"},
		{"a branch without a status time", edit(valid, `"account":"b1","status":"connected","since":"2026-03-02T10:00:00Z"`, `"account":"b1","status":"connected"`), "since"},
		{"a branch without an account", edit(valid, `"account":"b1",`, ``), "without an account"},
		{"a dissolved network with branches (NET-11)", edit(valid, `"status":"operating"`, `"status":"dissolved"`), "dissolved"},
		{"a dissolved network with a blocked head (NET-11)", edit(disabled, `"status":"disabled","head_deadline":"2026-05-02T09:00:00Z",`, `"status":"dissolved",`), "dissolved"},
		{"a dissolved network with a head deadline (NET-11)", edit(disabled, `"status":"disabled","head_deadline":"2026-05-02T09:00:00Z","head_blocked":true,`, `"status":"dissolved","head_deadline":"2026-05-09T09:00:00Z",`), "dissolved"},
		{"a head blocked before its deadline (NET-09)", edit(disabled, `"head_deadline":"2026-05-02T09:00:00Z"`, `"head_deadline":"2026-05-03T09:00:00Z"`), "before its deadline"},
		{"no head", edit(valid, `"head":"hq",`, ``), "head"},
		{"no time of last change", edit(valid, `,"updated":"2026-04-20T09:00:00Z"`, ``), "last change"},
		{"wrong version 2", edit(valid, `"v":1`, `"v":2`), "schema version 2"},
		{"wrong version 0", edit(valid, `"v":1,`, ``), "schema version 0"},
		{"an unknown field", edit(valid, `"seq":12`, `"seq":12,"owner":"ada"`), "unknown field"},
		{"trailing data: another object", valid + `{}`, "data after"},
		{"trailing data: garbage", valid + ` x`, ""},
		{"a branch list that is not a list", edit(valid, `"branches":[`, `"branches":{"b":[`) + "}", ""},
		{"a negative number", edit(valid, `"seq":12`, `"seq":-1`), ""},
		{"a negative watermark", edit(valid, `"account":"b1","status":"connected","since":"2026-03-02T10:00:00Z"`, `"account":"b1","status":"connected","since":"2026-03-02T10:00:00Z","seen":-3`), ""},
		{"a time that is not one", edit(valid, `"updated":"2026-04-20T09:00:00Z"`, `"updated":"20 April 2026"`), ""},
		{"not an object", `[]`, ""},
		{"null", `null`, "schema version 0"},
		{"empty", ``, ""},
	}
	seeds := nrSeedNetworks(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for name, recv := range seeds {
				recv = recv.Clone()
				before := nrDecodeState(t, recv)
				err := recv.UnmarshalJSON([]byte(c.json))
				if err == nil {
					t.Fatalf("accepted:\n%s", c.json)
				}
				if !errors.Is(err, network.ErrCorrupt) {
					t.Errorf("error %v does not match network.ErrCorrupt", err)
				}
				if !strings.Contains(err.Error(), c.says) {
					t.Errorf("error %q does not say %q", err, c.says)
				}
				if after := nrDecodeState(t, recv); after != before {
					t.Errorf("refused, yet the %s receiver changed:\nbefore %s\nafter  %s", name, before, after)
				}
			}
		})
	}
}

// TestNetworkJSON_LateStatesAccepted lists states a network may be in while
// a member's standing is on its way to it, which the decoder accepts: a
// deadline of an incompatible branch or of the head passed without its
// block (the block is the account's, NET-07, NET-09), and a disabled
// network without a head deadline (its head pays for a plan other than
// Enterprise, NET-09). Each re-encodes to itself, with its watermarks.
func TestNetworkJSON_LateStatesAccepted(t *testing.T) {
	for name, s := range map[string]string{
		"an incompatible branch past its deadline": `{"v":1,"head":"hq","origin":3,"zone":"eu","status":"operating","head_seen":5,"branches":[` +
			`{"account":"b3","status":"incompatible","since":"2026-04-02T09:00:00Z","deadline":"2026-04-17T09:00:00Z","seen":9}],` +
			`"updated":"2026-04-20T09:00:00Z","seq":4}`,
		"a head past its deadline": `{"v":1,"head":"hq","zone":"eu","status":"disabled","head_deadline":"2026-05-02T09:00:00Z","branches":[],` +
			`"updated":"2026-05-09T09:00:00Z"}`,
		"a disabled network whose head pays": `{"v":1,"head":"hq","zone":"eu","status":"disabled","branches":[],"updated":"2026-04-20T09:00:00Z"}`,
	} {
		t.Run(name, func(t *testing.T) {
			var n network.Network
			if err := n.UnmarshalJSON([]byte(s)); err != nil {
				t.Fatalf("refused: %v", err)
			}
			if b, _ := n.MarshalJSON(); string(b) != s {
				t.Fatalf("does not re-encode to itself:\n%s\n%s", s, b)
			}
			nrCheck(t, &n)
		})
	}
	var n network.Network
	s := `{"v":1,"head":"hq","origin":3,"zone":"eu","status":"operating","head_seen":5,"branches":[` +
		`{"account":"b3","status":"incompatible","since":"2026-04-02T09:00:00Z","deadline":"2026-04-17T09:00:00Z","seen":9}],` +
		`"updated":"2026-04-20T09:00:00Z","seq":4}`
	if err := n.UnmarshalJSON([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if b, _ := n.Branch("b3"); n.ID() != "hq@3" || n.Origin() != 3 || b.Seen != 9 {
		t.Errorf("decoded: ID %s, b3 seen %d; want hq@3 and 9", n.ID(), b.Seen)
	}
}
