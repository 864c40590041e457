package export

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestShortfall checks a manifest against the checklist (EXP-03): a
// category with fewer records than the account held is returned, a full
// one and the manual items are not.
func TestShortfall(t *testing.T) {
	data := smallArchive(t, Options{})
	rep, err := Verify(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	items, err := Checklist(Holdings{Contacts: 2, Deals: 5, Events: 1, Documents: 2, Workflows: 3})
	if err != nil {
		t.Fatal(err)
	}
	var got []Category
	for _, it := range rep.Manifest.Shortfall(items) {
		got = append(got, it.Category)
	}
	if diff := cmp.Diff([]Category{Deals}, got); diff != "" {
		t.Errorf("shortfall (-want +got):\n%s", diff)
	}
	items[0].Count = 3
	if got := rep.Manifest.Shortfall(items); len(got) != 2 || got[0].Category != Contacts {
		t.Errorf("3 contacts held, 2 exported: shortfall %v", got)
	}
}
