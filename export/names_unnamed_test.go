package export

import "testing"

// TestWriteFiles_EXP03_EmptyNameKeepsItsOriginal: a document of the empty
// name gets drive/unnamed, numbered when taken, and its entry is marked
// Unnamed with no Original, while a document really called "unnamed" is
// neither (EXP-03); the archive verifies and its manifest decodes.
func TestWriteFiles_EXP03_EmptyNameKeepsItsOriginal(t *testing.T) {
	names := []string{"", "unnamed", "", "/", ""}
	want := []struct {
		path     string
		unnamed  bool
		original string
	}{
		{"drive/unnamed", true, ""}, {"drive/unnamed (2)", false, "unnamed"}, {"drive/unnamed (3)", true, ""},
		{"drive/unnamed (4)", false, "/"}, {"drive/unnamed (5)", true, ""},
	}
	_, m := nfcWrite(t, names...)
	for i, fe := range m.Files {
		if w := want[i]; fe.Path != w.path || fe.Unnamed != w.unnamed || fe.Original != w.original {
			t.Errorf("%q: path %q, unnamed %v, original %q; want %q, %v, %q", names[i], fe.Path, fe.Unnamed, fe.Original, w.path, w.unnamed, w.original)
		}
	}
}
