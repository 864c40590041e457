package scenario

import (
	"archive/zip"
	"bytes"
	"fmt"
	"iter"
	"reflect"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
)

// holdings reads the counts of an export command: contacts=, deals=, …,
// automations= and storage=.
func holdings(a *args) (export.Holdings, error) {
	var h export.Holdings
	for _, f := range []struct {
		c   export.Category
		dst *int64
	}{
		{export.Contacts, &h.Contacts}, {export.Deals, &h.Deals}, {export.Leads, &h.Leads},
		{export.Tasks, &h.Tasks}, {export.Events, &h.Events}, {export.Documents, &h.Documents},
		{export.Workflows, &h.Workflows}, {export.Automations, &h.Automations},
	} {
		n, err := a.intArg(string(f.c), 0)
		if err != nil {
			return h, err
		}
		*f.dst = int64(n)
	}
	var err error
	h.StorageBytes, _, err = a.size("storage")
	return h, err
}

// cmdChecklist prints what to export and how (EXP-01).
func cmdChecklist(w *world, a *args) error {
	h, err := holdings(a)
	if err != nil {
		return err
	}
	if err := a.done(false); err != nil {
		return err
	}
	items, err := export.Checklist(h)
	if err != nil {
		return err
	}
	for _, it := range items {
		w.printf("EXP-01 %s", it)
	}
	if len(items) == 0 {
		w.printf("EXP-01 nothing to export")
	}
	return nil
}

// unchanged prints the EXP-04 check: the account is the same value after
// an export as before.
func (w *world) unchanged(id tenancy.AccountID, before any) {
	if reflect.DeepEqual(before, w.acc(id)) {
		w.printf("EXP-04 %s unchanged by the export", id)
	} else {
		w.printf("EXP-04 %s CHANGED by the export", id)
	}
}

// cmdDeadlines prints, per category, by when to export (EXP-02).
func cmdDeadlines(w *world, a *args) error {
	id, _, err := w.target(a)
	if err != nil {
		return err
	}
	h, err := holdings(a)
	if err != nil {
		return err
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	before := w.acc(id)
	ds, err := export.Deadlines(w.lives, before, w.now, h)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if !d.Due() {
			w.printf("EXP-02 %s: no deadline", d.Category)
			continue
		}
		then := d.Access.String()
		if !d.Lost.IsZero() && !d.Lost.Equal(d.At) {
			then += ", unreadable from " + w.stamp(d.Lost)
		}
		w.printf("EXP-02 %s: before %s (%s, then %s): %s", d.Category, w.stamp(d.At), d.Rule, then, d.Reason)
	}
	if len(ds) == 0 {
		w.printf("EXP-02 nothing to export")
	}
	w.unchanged(id, before)
	return nil
}

// cmdArchive writes an export archive of made-up records in the counts
// given (EXP-03), prints its manifest, optionally damages one file
// (corrupt=PATH) and verifies it, and checks that the account is unchanged
// (EXP-04). An account that cannot be used now cannot be exported.
func cmdArchive(w *world, a *args) error {
	id, _, err := w.target(a)
	if err != nil {
		return err
	}
	h, err := holdings(a)
	if err != nil {
		return err
	}
	store, err := a.flag("store")
	if err != nil {
		return err
	}
	corrupt, _ := a.key("corrupt")
	if err := w.begin(a, false); err != nil {
		return err
	}
	before := w.acc(id)
	if err := before.Usable(); err != nil {
		return err
	}
	var buf bytes.Buffer
	m, err := writeArchive(&buf, id, w, h, store)
	if err != nil {
		return err
	}
	for _, f := range m.Files {
		w.printf("EXP-03 %s: category=%s records=%d bytes=%d sha256=%s…", f.Path, f.Category, f.Records, f.Bytes, f.SHA256[:12])
	}
	items, err := export.Checklist(h)
	if err != nil {
		return err
	}
	var manual []string
	for _, it := range items {
		if it.Manual() {
			manual = append(manual, fmt.Sprintf("%s (%d)", it.Label, it.Count))
		}
	}
	if len(manual) > 0 {
		w.printf("EXP-01 not in the archive, to save by hand: %s", strings.Join(manual, ", "))
	}
	data := buf.Bytes()
	if corrupt != "" {
		if err := flipByte(data, corrupt); err != nil {
			return err
		}
		w.printf("EXP-03 one byte of %s changed after writing", corrupt)
	}
	rep, _ := export.Verify(bytes.NewReader(data), int64(len(data)))
	for _, p := range rep.Problems {
		w.printf("EXP-03 verify: %s", p)
	}
	if rep.OK() {
		w.printf("EXP-03 verified: %d files match the manifest", rep.Verified)
	}
	if short := m.Shortfall(items); len(short) > 0 {
		for _, it := range short {
			w.printf("EXP-03 short: %s", it.Label)
		}
	} else {
		w.printf("EXP-03 complete: the archive holds every record of the checklist")
	}
	w.unchanged(id, before)
	return nil
}

// writeArchive writes made-up records in the counts of h: for each CSV
// category rows "category-i", for the calendar one event a day from the
// clock's date, for Drive one small text file each.
func writeArchive(buf *bytes.Buffer, id tenancy.AccountID, w *world, h export.Holdings, store bool) (export.Manifest, error) {
	ew, err := export.NewWriter(buf, id, w.now, export.Options{Store: store})
	if err != nil {
		return export.Manifest{}, err
	}
	for _, c := range export.Categories() {
		n := h.Count(c)
		if n == 0 {
			continue
		}
		switch c.Method() {
		case export.MethodCSV:
			err = ew.WriteTable(c, []string{"id", "name"}, func(yield func([]string, error) bool) {
				for i := int64(1); i <= n; i++ {
					if !yield([]string{fmt.Sprintf("%s-%d", c, i), fmt.Sprintf("%s %d of %s", c, i, id)}, nil) {
						return
					}
				}
			})
		case export.MethodICalendar:
			err = ew.WriteCalendar(func(yield func(export.Event, error) bool) {
				for i := int64(1); i <= n; i++ {
					start := w.now.AddDate(0, 0, int(i))
					ev := export.Event{UID: fmt.Sprintf("event-%d@%s", i, id), Summary: fmt.Sprintf("event %d", i), Start: start, End: start.Add(time.Hour)}
					if !yield(ev, nil) {
						return
					}
				}
			})
		case export.MethodFiles:
			err = ew.WriteFiles(docs(id, n))
		}
		if err != nil {
			return export.Manifest{}, err
		}
	}
	return ew.Close()
}

// docs yields n small text documents.
func docs(id tenancy.AccountID, n int64) iter.Seq2[export.File, error] {
	return func(yield func(export.File, error) bool) {
		for i := int64(1); i <= n; i++ {
			body := fmt.Sprintf("document %d of %s\n", i, id)
			if !yield(export.File{Name: fmt.Sprintf("doc-%d.txt", i), Body: strings.NewReader(body)}, nil) {
				return
			}
		}
	}
}

// flipByte changes the first stored byte of entry path in a ZIP archive.
func flipByte(data []byte, path string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if f.Name != path {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			return err
		}
		if f.CompressedSize64 == 0 || off >= int64(len(data)) {
			return fmt.Errorf("corrupt=%s: the entry is empty", path)
		}
		data[off] ^= 0x20
		return nil
	}
	return fmt.Errorf("corrupt=%s: no such file in the archive", path)
}
