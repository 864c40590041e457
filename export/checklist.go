package export

import (
	"fmt"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// Category is a kind of data an account holds that an administrator may want
// to take away (EXP-01). Its value is the name used in manifests.
type Category string

// The categories, in checklist order.
const (
	Contacts    Category = "contacts"
	Deals       Category = "deals"
	Leads       Category = "leads"
	Tasks       Category = "tasks"
	Events      Category = "events"
	Documents   Category = "documents"
	Workflows   Category = "workflows"
	Automations Category = "automations"
)

// Categories lists every category in checklist order.
func Categories() []Category {
	out := make([]Category, len(specs))
	for i, s := range specs {
		out[i] = s.cat
	}
	return out
}

// Method says how a category is exported.
type Method uint8

// The export methods.
const (
	// MethodCSV: one RFC 4180 CSV file with a header row.
	MethodCSV Method = iota + 1
	// MethodICalendar: one RFC 5545 iCalendar file.
	MethodICalendar
	// MethodFiles: every document as a file of its own.
	MethodFiles
	// MethodManual: no bulk export exists; an administrator saves the
	// configuration by hand, following the item's instructions.
	MethodManual
)

// String names the method: "csv", "icalendar", "files" or "manual".
func (m Method) String() string {
	switch m {
	case MethodCSV:
		return "csv"
	case MethodICalendar:
		return "icalendar"
	case MethodFiles:
		return "files"
	case MethodManual:
		return "manual"
	}
	return fmt.Sprintf("Method(%d)", uint8(m))
}

// spec is what the package knows about a category: how it is exported,
// where it goes in an archive and which plan feature gives access to it.
type spec struct {
	cat     Category
	method  Method
	path    string // the file, or the folder for MethodFiles; "" for manual
	feature plan.Feature
	label   string
	how     string
}

var specs = [...]spec{
	{Contacts, MethodCSV, "crm/contacts.csv", plan.FeatureCRM, "CRM contacts",
		"Written to crm/contacts.csv, one row per contact, with a header row."},
	{Deals, MethodCSV, "crm/deals.csv", plan.FeatureCRM, "CRM deals",
		"Written to crm/deals.csv, one row per deal, with a header row."},
	{Leads, MethodCSV, "crm/leads.csv", plan.FeatureCRM, "CRM leads",
		"Written to crm/leads.csv, one row per lead, with a header row."},
	{Tasks, MethodCSV, "tasks/tasks.csv", plan.FeatureTasks, "tasks",
		"Written to tasks/tasks.csv, one row per task, with a header row."},
	{Events, MethodICalendar, "calendar/events.ics", plan.FeatureCalendar, "calendar events",
		"Written to calendar/events.ics, which any calendar application imports."},
	{Documents, MethodFiles, "drive/", plan.FeatureDrive, "Drive documents",
		"Written under drive/, one file per document; names are made safe and unique, and the manifest keeps each original name."},
	{Workflows, MethodManual, "", plan.FeatureWorkflows, "workflow configurations",
		"No bulk export exists: open each workflow, and save its template, steps, conditions and assignees by hand (copy them into a document or take screenshots)."},
	{Automations, MethodManual, "", plan.FeatureAutomation, "automation rules",
		"No bulk export exists: open each automation rule, and record its trigger, conditions and actions by hand."},
}

func lookup(c Category) (spec, bool) {
	for _, s := range specs {
		if s.cat == c {
			return s, true
		}
	}
	return spec{}, false
}

// Method returns how c is exported, or 0 for an unknown category.
func (c Category) Method() Method {
	s, _ := lookup(c)
	return s.method
}

// Path returns where c goes in an archive: a file for CSV and iCalendar
// categories, a folder ending in "/" for documents, "" for manual items.
func (c Category) Path() string {
	s, _ := lookup(c)
	return s.path
}

// Feature returns the plan feature that gives access to c (package plan's
// default feature names). A plan without it restricts the category.
func (c Category) Feature() plan.Feature {
	s, _ := lookup(c)
	return s.feature
}

// Valid reports whether c is one of the package's categories.
func (c Category) Valid() bool {
	_, ok := lookup(c)
	return ok
}

// Holdings is what an account holds, as the service counts it: the number
// of records in each category, and the storage it uses.
type Holdings struct {
	Contacts, Deals, Leads int64
	Tasks                  int64
	Events                 int64
	Documents              int64
	// Workflows and Automations count the configured workflows and
	// automation rules.
	Workflows, Automations int64
	// StorageBytes is the storage the account uses, as plan.Usage measures
	// it. It decides whether a smaller plan restricts the documents
	// (PLAN-08).
	StorageBytes int64
}

// Count returns the number of records h holds in category c.
func (h Holdings) Count(c Category) int64 {
	switch c {
	case Contacts:
		return h.Contacts
	case Deals:
		return h.Deals
	case Leads:
		return h.Leads
	case Tasks:
		return h.Tasks
	case Events:
		return h.Events
	case Documents:
		return h.Documents
	case Workflows:
		return h.Workflows
	case Automations:
		return h.Automations
	}
	return 0
}

// Validate refuses negative counts and storage.
func (h Holdings) Validate() error {
	for _, s := range specs {
		if n := h.Count(s.cat); n < 0 {
			return tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "%s: count %d is negative", s.cat, n)
		}
	}
	if h.StorageBytes < 0 {
		return tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "storage %d bytes is negative", h.StorageBytes)
	}
	return nil
}

// Item is one line of the export checklist (EXP-01).
type Item struct {
	Category Category
	// Label names the data in words, for example "CRM contacts".
	Label string
	// Count is how many records the account holds.
	Count  int64
	Method Method
	// Path is where the data goes in an archive, "" for manual items.
	Path string
	// Instructions say how the item is exported, in words for an
	// administrator.
	Instructions string
}

// Manual reports whether an administrator must save the item by hand.
func (it Item) Manual() bool { return it.Method == MethodManual }

// String returns the item as one checklist line.
func (it Item) String() string {
	return fmt.Sprintf("%s (%d, %s): %s", it.Label, it.Count, it.Method, it.Instructions)
}

// Checklist returns what to export from an account holding h, and how
// (EXP-01): CRM contacts, deals and leads and tasks as CSV, calendar events
// as iCalendar, Drive documents as files, and workflow and automation
// configurations as manual items, since they have no bulk export. A
// category the account holds nothing of is left out. The items come in
// the order of Categories.
func Checklist(h Holdings) ([]Item, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	var items []Item
	for _, s := range specs {
		n := h.Count(s.cat)
		if n == 0 {
			continue
		}
		items = append(items, Item{Category: s.cat, Label: s.label, Count: n, Method: s.method, Path: s.path, Instructions: s.how})
	}
	return items, nil
}
