package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// command is a verb of the format: what runs it, and its arguments for the
// list of known verbs.
type command struct {
	run   handler
	usage string
}

// commands are the verbs of the format. doc.go describes each. They are
// set in init because the handlers read the table back (for their usage).
var commands map[string]command

func init() {
	commands = map[string]command{
		"world":            {cmdWorld, "world [zone=ZONE] [policy-name=VALUE ...], then optional catalog JSON lines"},
		"plans":            {cmdPlans, "plans"},
		"account":          {cmdAccount, "account ID owner=USER [domain=eu] [tz=ZONE]"},
		"add-user":         {cmdAddUser, "add-user ACCOUNT USER [role=employee|administrator]"},
		"dismiss-user":     {cmdDismissUser, "dismiss-user ACCOUNT USER"},
		"login":            {cmdLogin, "login ACCOUNT [USER]"},
		"restore":          {cmdRestore, "restore ACCOUNT"},
		"delete":           {cmdDelete, "delete ACCOUNT [confirm=ID]"},
		"block":            {cmdBlock, "block ACCOUNT cause=TEXT"},
		"unblock":          {cmdUnblock, "unblock ACCOUNT cause=TEXT"},
		"forget-identity":  {cmdForget, "forget-identity USER [by=USER]"},
		"trial":            {planCmd(buildTrial), "trial ACCOUNT [days=N]"},
		"buy":              {planCmd(buildBuy), "buy ACCOUNT PLAN PERIOD"},
		"change":           {planCmd(buildChange), "change ACCOUNT PLAN [PERIOD]"},
		"cancel":           {planCmd(buildCancel), "cancel ACCOUNT [now] [reason=TEXT]"},
		"undo":             {planCmd(buildUndo), "undo ACCOUNT"},
		"auto-renew":       {planCmd(buildAutoRenew), "auto-renew ACCOUNT on|off"},
		"renew":            {planCmd(buildRenew), "renew ACCOUNT"},
		"pay":              {planCmd(buildPay), "pay ACCOUNT [amount=DUE]"},
		"payment-failed":   {planCmd(buildPaymentFailed), "payment-failed ACCOUNT [reason=TEXT]"},
		"buy-credits":      {planCmd(buildBuyCredits), "buy-credits ACCOUNT amount=N"},
		"use-credits":      {planCmd(buildUseCredits), "use-credits ACCOUNT amount=N"},
		"buy-storage":      {planCmd(buildBuyStorage), "buy-storage ACCOUNT size=10GB price=N"},
		"create-network":   {cmdCreateNetwork, "create-network HEAD"},
		"connect":          {cmdConnect, "connect HEAD BRANCH"},
		"disconnect":       {cmdDisconnect, "disconnect HEAD BRANCH"},
		"dissolve":         {cmdDissolve, "dissolve HEAD"},
		"observe":          {cmdObserve, "observe ACCOUNT"},
		"widget":           {cmdWidget, "widget HEAD [viewer=ACCOUNT]"},
		"visible":          {cmdVisible, "visible USER"},
		"advance":          {cmdAdvance, "advance TIME"},
		"project":          {cmdProject, "project ACCOUNT"},
		"project-network":  {cmdProjectNetwork, "project-network HEAD"},
		"state":            {cmdState, "state ACCOUNT"},
		"quote-refund":     {cmdQuote, "quote-refund ACCOUNT"},
		"impact":           {cmdImpact, "impact ACCOUNT [PLAN] [users=N storage=SIZE features=a,b]"},
		"restrictions":     {cmdRestrictions, "restrictions ACCOUNT [plan=ID] [users=N storage=SIZE features=a,b]"},
		"entitlements":     {cmdEntitlements, "entitlements ACCOUNT"},
		"export-checklist": {cmdChecklist, "export-checklist [contacts=N ...]"},
		"export-deadlines": {cmdDeadlines, "export-deadlines ACCOUNT [contacts=N ...] [storage=SIZE]"},
		"export-archive":   {cmdArchive, "export-archive ACCOUNT [contacts=N ...] [store] [corrupt=PATH]"},
	}
}

// verbList names every verb, sorted.
func verbList() string {
	var vs []string
	for v := range commands {
		vs = append(vs, v)
	}
	return strings.Join(sorted(vs), ", ")
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

// begin finishes reading a command's arguments, then moves the clock to
// at= when given, firing every deadline on the way (with world
// sweeper=off, none: the command's step catches up the states it names).
// A command that acts on the world needs a time: at= on it or on an
// earlier command.
func (w *world) begin(a *args, takesInput bool) error {
	at, hasAt := a.key("at")
	if err := a.done(takesInput); err != nil {
		return err
	}
	if hasAt {
		t, err := parseTime(at, w.zone)
		if err != nil {
			return err
		}
		if err := w.moveTo(t, w.sweep); err != nil {
			return err
		}
	}
	if w.now.IsZero() {
		return fmt.Errorf("%s needs a time: give at=2026-03-02T09:00 on it or on an earlier command", a.verb)
	}
	return nil
}

// target reads the account a command is about, and who issues it (by=).
func (w *world) target(a *args) (tenancy.AccountID, string, error) {
	id, err := a.need("account")
	if err != nil {
		return "", "", err
	}
	if _, err := w.account(id); err != nil {
		return "", "", err
	}
	by, _ := a.key("by")
	return tenancy.AccountID(id), by, nil
}

func cmdAccount(w *world, a *args) error {
	id, err := a.need("id")
	if err != nil {
		return err
	}
	owner, err := a.need("owner")
	if err != nil {
		return err
	}
	domain, ok := a.key("domain")
	if !ok {
		domain = "eu"
	}
	loc := w.zone
	if tz, ok := a.key("tz"); ok {
		if loc, err = loadZone(tz); err != nil {
			return err
		}
	}
	if _, dup := w.mem.Account(tenancy.AccountID(id)); dup {
		return fmt.Errorf("account %q exists already", id)
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	return w.do(fleet.NewAccount{ID: tenancy.AccountID(id), Owner: tenancy.UserID(owner), DomainZone: domain, Location: loc})
}

func cmdAddUser(w *world, a *args) error {
	id, by, err := w.target(a)
	if err != nil {
		return err
	}
	user, err := a.need("user")
	if err != nil {
		return err
	}
	role, err := pick(a, "role", roles, tenancy.RoleEmployee)
	if err != nil {
		return err
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	return w.onAccount(id, lifecycle.AddUser{By: actor(by, w.acc(id)), User: tenancy.UserID(user), Role: role})
}

var roles = map[string]tenancy.Role{"employee": tenancy.RoleEmployee, "administrator": tenancy.RoleAdministrator}

func cmdDismissUser(w *world, a *args) error {
	id, by, err := w.target(a)
	if err != nil {
		return err
	}
	user, err := a.need("user")
	if err != nil {
		return err
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	return w.onAccount(id, lifecycle.DismissUser{By: actor(by, w.acc(id)), User: tenancy.UserID(user)})
}

func cmdLogin(w *world, a *args) error {
	id, _, err := w.target(a)
	if err != nil {
		return err
	}
	user, ok := a.get("user")
	if err := w.begin(a, false); err != nil {
		return err
	}
	if !ok {
		user = string(w.acc(id).Owner)
	}
	return w.onAccount(id, lifecycle.Login{User: tenancy.UserID(user)})
}

func cmdRestore(w *world, a *args) error {
	id, by, err := w.target(a)
	if err != nil {
		return err
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	return w.onAccount(id, lifecycle.Restore{By: actor(by, w.acc(id))})
}

func cmdDelete(w *world, a *args) error {
	id, by, err := w.target(a)
	if err != nil {
		return err
	}
	confirm, _ := a.key("confirm")
	if err := w.begin(a, false); err != nil {
		return err
	}
	return w.onAccount(id, lifecycle.Delete{By: actor(by, w.acc(id)), Confirm: tenancy.AccountID(confirm)})
}

// blockArgs reads block and unblock: the account, the cause, and who (the
// service unless by= says otherwise).
func (w *world) blockArgs(a *args) (tenancy.AccountID, tenancy.Actor, lifecycle.Cause, error) {
	id, by, err := w.target(a)
	if err != nil {
		return "", tenancy.Actor{}, "", err
	}
	cause, err := a.need("cause")
	if err != nil {
		return "", tenancy.Actor{}, "", err
	}
	if err := w.begin(a, false); err != nil {
		return "", tenancy.Actor{}, "", err
	}
	if by == "" {
		by = "service"
	}
	return id, actor(by, w.acc(id)), lifecycle.Cause(cause), nil
}

func cmdBlock(w *world, a *args) error {
	id, by, cause, err := w.blockArgs(a)
	if err != nil {
		return err
	}
	return w.onAccount(id, lifecycle.SetBlock{By: by, Cause: cause})
}

func cmdUnblock(w *world, a *args) error {
	id, by, cause, err := w.blockArgs(a)
	if err != nil {
		return err
	}
	return w.onAccount(id, lifecycle.LiftBlock{By: by, Cause: cause})
}

// cmdForget deletes a user's network identity at their own request
// (LIFE-06); by= names who asks, the user by default.
func cmdForget(w *world, a *args) error {
	user, err := a.need("user")
	if err != nil {
		return err
	}
	by, ok := a.key("by")
	if !ok {
		by = user
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	if _, ok := w.mem.States().Identities[tenancy.UserID(user)]; !ok {
		return fmt.Errorf("no network identity of %q: a user gets one with an account or with add-user", user)
	}
	// The user asks for themselves, with no role in any account; anyone
	// else asks as a person, an employee somewhere, and is refused.
	who := tenancy.Actor{User: tenancy.UserID(user)}
	switch {
	case by == "service":
		who = tenancy.Service()
	case by != user:
		who = tenancy.Employee(tenancy.UserID(by))
	}
	return w.do(fleet.ForgetIdentity{User: tenancy.UserID(user), By: who})
}

// makePlan builds a plan command for an account, by an actor, once the
// clock has moved (pay reads the amount due then).
type makePlan func(acc lifecycle.Account, by tenancy.Actor) plan.Command

// planBuilder reads a plan command's own arguments.
type planBuilder func(a *args) (makePlan, error)

// planCmd runs a plan command on an account; the driver checks a head's
// against its network (NET-10).
func planCmd(build planBuilder) handler {
	return func(w *world, a *args) error {
		id, by, err := w.target(a)
		if err != nil {
			return err
		}
		mk, err := build(a)
		if err != nil {
			return err
		}
		if err := w.begin(a, false); err != nil {
			return err
		}
		acc := w.acc(id)
		return w.onAccount(id, lifecycle.Plan{Cmd: mk(acc, actor(by, acc))})
	}
}

func buildTrial(a *args) (makePlan, error) {
	days, err := a.intArg("days", 0)
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.StartTrial{By: by, Days: days}
	}, err
}

func buildBuy(a *args) (makePlan, error) {
	id, err := a.need("plan")
	if err != nil {
		return nil, err
	}
	ps, err := a.need("period")
	if err != nil {
		return nil, err
	}
	p, err := period(ps)
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.Purchase{By: by, Plan: plan.PlanID(id), Period: p}
	}, err
}

func buildChange(a *args) (makePlan, error) {
	id, err := a.need("plan")
	if err != nil {
		return nil, err
	}
	ps, given := a.get("period")
	var p plan.Period
	if given {
		if p, err = period(ps); err != nil {
			return nil, err
		}
	}
	return func(acc lifecycle.Account, by tenancy.Actor) plan.Command {
		if !given {
			p = acc.Sub.Period
		}
		if p == 0 {
			p = plan.Monthly
		}
		return plan.ChangePlan{By: by, Plan: plan.PlanID(id), Period: p}
	}, nil
}

func buildCancel(a *args) (makePlan, error) {
	now, err := a.flag("now")
	reason, _ := a.key("reason")
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.Cancel{By: by, Reason: reason, Now: now}
	}, err
}

func buildUndo(*args) (makePlan, error) {
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.UndoChange{By: by}
	}, nil
}

func buildAutoRenew(a *args) (makePlan, error) {
	v, err := a.need("on|off")
	if err != nil {
		return nil, err
	}
	if v != "on" && v != "off" {
		return nil, fmt.Errorf("auto-renew %q: want on or off", v)
	}
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.SetAutoRenew{By: by, On: v == "on"}
	}, nil
}

func buildRenew(*args) (makePlan, error) {
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.Renew{By: by}
	}, nil
}

func buildPay(a *args) (makePlan, error) {
	amount, given, err := a.money("amount")
	return func(acc lifecycle.Account, by tenancy.Actor) plan.Command {
		if !given {
			amount = acc.Sub.Due
		}
		return plan.RecordPayment{By: by, Amount: amount}
	}, err
}

func buildPaymentFailed(a *args) (makePlan, error) {
	reason, _ := a.key("reason")
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.RecordPaymentFailure{By: by, Reason: reason}
	}, nil
}

// needMoney reads a required amount.
func needMoney(a *args, name string) (decimal.Decimal, error) {
	d, ok, err := a.money(name)
	if err == nil && !ok {
		err = fmt.Errorf("%s needs %s=", a.verb, name)
	}
	return d, err
}

func buildBuyCredits(a *args) (makePlan, error) {
	amount, err := needMoney(a, "amount")
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.BuyTelephonyCredits{By: by, Amount: amount}
	}, err
}

func buildUseCredits(a *args) (makePlan, error) {
	amount, err := needMoney(a, "amount")
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.UseTelephonyCredits{By: by, Amount: amount}
	}, err
}

func buildBuyStorage(a *args) (makePlan, error) {
	size, ok, err := a.size("size")
	if err == nil && !ok {
		err = fmt.Errorf("buy-storage needs size=")
	}
	if err != nil {
		return nil, err
	}
	price, err := needMoney(a, "price")
	return func(_ lifecycle.Account, by tenancy.Actor) plan.Command {
		return plan.BuyExtraStorage{By: by, Bytes: size, Price: price}
	}, err
}

func cmdAdvance(w *world, a *args) error {
	s, err := a.need("time")
	if err != nil {
		return err
	}
	if err := a.done(false); err != nil {
		return err
	}
	t, err := parseTime(s, w.zone)
	if err != nil {
		return err
	}
	return w.moveTo(t, true)
}

// onAccount runs a lifecycle command on account id through the driver.
func (w *world) onAccount(id tenancy.AccountID, cmd lifecycle.Command) error {
	return w.do(fleet.OnAccount{Account: id, Cmd: cmd})
}
