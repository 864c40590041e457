package fleet_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy/fleet"
)

// fuzzJSON checks what must hold of any input to the decoder of T: it
// never panics; what it accepts encodes, decodes again to an equal
// value, and encodes to the same bytes the second time.
func fuzzJSON[T any](t *testing.T, b []byte) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return
	}
	enc, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("accepted %q but cannot encode it: %v", b, err)
	}
	var again T
	if err := json.Unmarshal(enc, &again); err != nil {
		t.Fatalf("accepted %q, encoded it as %s, refused that: %v", b, enc, err)
	}
	if d := cmp.Diff(v, again); d != "" {
		t.Fatalf("%s decodes to another value (-first +second):\n%s", enc, d)
	}
	enc2, err := json.Marshal(again)
	if err != nil || !bytes.Equal(enc, enc2) {
		t.Fatalf("unstable encoding:\n%s\n%s (%v)", enc, enc2, err)
	}
}

// seeds adds the JSON of each value, and a few broken forms, to f.
func seeds[T any](f *testing.F, vs []T) {
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(bytes.Replace(b, []byte(`"v":1`), []byte(`"v":2`), 1))
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"v":1,"x":1}`))
}

func FuzzEffectJSON(f *testing.F) {
	seeds(f, sampleLog(f).Log)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzJSON[fleet.Effect](t, b) })
}

func FuzzMessageJSON(f *testing.F) {
	seeds(f, sampleLog(f).Pending())
	f.Fuzz(func(t *testing.T, b []byte) { fuzzJSON[fleet.Message](t, b) })
}

func FuzzOutcomeJSON(f *testing.F) {
	m := sampleLog(f)
	now := at(time.February, 21, 9, 0)
	var outs []fleet.Outcome
	for i, cmd := range []fleet.Command{
		fleet.Advance{Key: fleet.NetworkKey("hq")},
		fleet.CreateNetwork{Head: "hq", By: ada},
		fleet.ForgetIdentity{User: "bo", By: ada},
	} {
		r, _ := m.Do(now, cmd, "req-"+string(rune('a'+i)))
		outs = append(outs, r.Outcome)
	}
	seeds(f, outs)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzJSON[fleet.Outcome](t, b) })
}

func FuzzIdentityJSON(f *testing.F) {
	idents := sampleLog(f).States().Identities
	var vs []fleet.Identity
	for _, u := range slices.Sorted(maps.Keys(idents)) {
		vs = append(vs, idents[u])
	}
	seeds(f, vs)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzJSON[fleet.Identity](t, b) })
}
