package export

// Shortfall returns the checklist items an archive with manifest m does not
// hold in full: every item exported by a method other than MethodManual
// whose record count in m (Manifest.Records) is below the item's Count. The
// manifest proves the archive matches itself; Shortfall checks it against
// what the account held (EXP-03). Manual items are never in an archive and
// are not returned.
func (m Manifest) Shortfall(items []Item) []Item {
	var out []Item
	for _, it := range items {
		if it.Manual() {
			continue
		}
		if m.Records(it.Category) < it.Count {
			out = append(out, it)
		}
	}
	return out
}
