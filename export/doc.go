// Package export encodes the EXP rules: what an administrator should take
// away before leaving, by when, and an archive whose completeness anyone
// can check.
//
// # What to take, and how
//
// Checklist turns what an account holds (Holdings, counts per category)
// into checklist items (EXP-01): CRM contacts, deals and leads and tasks as
// CSV, calendar events as iCalendar, Drive documents as files, and workflow
// and automation configurations as manual items with instructions, since
// no bulk export exists for them.
//
// # By when
//
// Deadlines gives, per category, the last moment the data stays fully
// accessible if nobody acts (EXP-02): before a smaller plan restricts it
// (a scheduled downgrade or cancellation, the end of a trial or of grace,
// PLAN-08), before the suspension of an inactive free account (LIFE-01),
// before the purge (LIFE-04). The moments are read from
// lifecycle.Engine.Project, so a notice built from them agrees with every
// other notice to the nanosecond.
//
// # The archive
//
// A Writer streams a ZIP archive to any io.Writer (EXP-03). The service
// hands it each category as an iterator (iter.Seq2 of rows, events or
// files, with an error); rows are encoded and written as they come, so
// memory stays flat however many there are:
//
//	w, _ := export.NewWriter(dst, "acme", now, export.Options{})
//	_ = w.WriteTable(export.Contacts, header, contacts)
//	_ = w.WriteCalendar(events)
//	_ = w.WriteFiles(documents)
//	manifest, err := w.Close()
//
// The last entry, manifest.json, records the schema version, the account,
// the moment, and per file its path, record count, byte size and SHA-256,
// of the content and of the stored (compressed) form. Verify reads an
// archive back and reports every missing, extra, truncated, altered or
// unsafe entry; an archive whose writing failed has no manifest and never
// passes. ReadTable and ReadCalendar read the CSV and iCalendar files back
// exactly as the sources gave them. Verify's memory does not grow with what
// a hostile archive claims or inflates to: the manifest is stored and at
// most MaxManifestBytes, a calendar line at most MaxCalendarLine, and the
// writer keeps to both.
//
// CSV cells that a spreadsheet would run as formulas are neutralised with a
// leading apostrophe, counted in the manifest; Drive names are made into
// safe, unique relative paths, and the manifest keeps the originals.
//
// # Read-only
//
// Export never changes the account (EXP-04): Deadlines works on a copy of
// the account value, and the writer only reads its sources: it takes
// iterators and io.Readers, never changes a row it is given, and nothing
// in the package can write to a source.
//
// The rule code (Checklist, Deadlines) is pure: no clock, no I/O. The
// writer and the verifier do I/O only on the io.Writer and io.ReaderAt the
// caller passes.
package export
