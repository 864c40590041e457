package strict_test

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/tenancykit/tenancy/internal/strict"
)

type user struct {
	ID        string `json:"id"`
	Role      string `json:"role"`
	Dismissed bool   `json:"dismissed,omitzero"`
}

type change struct {
	Kind string `json:"kind,omitzero"`
	Plan string `json:"plan,omitzero"`
}

// doc has every shape the scan tells apart: tagged and untagged fields,
// a left-out field, a nested struct through a pointer, a slice of structs,
// maps with string and integer keys, an interface, and a type with its
// own UnmarshalJSON.
type doc struct {
	Owner   string            `json:"owner"`
	Plan    string            `json:"plan,omitzero"`
	Users   []user            `json:"users,omitzero"`
	Pending *change           `json:"pending,omitzero"`
	Tags    map[string]int    `json:"tags,omitzero"`
	Counts  map[int]string    `json:"counts,omitzero"`
	Extra   any               `json:"extra,omitzero"`
	Raw     json.RawMessage   `json:"raw,omitzero"`
	Nested  map[string][]user `json:"nested,omitzero"`
	Big     int
	Hidden  string `json:"-"`
}

// TestDecodeKeys: Decode refuses, at every depth, a key that repeats
// another exactly or under case folding and a key spelled otherwise than
// its field; map, interface and Unmarshaler keys only may not repeat
// exactly. Each refusal names the key and the path of its object.
func TestDecodeKeys(t *testing.T) {
	cases := []struct {
		name, in string
		// want is the refusal's text; empty when the input is accepted.
		want string
	}{
		{"plain", `{"owner":"ada","plan":"pro","Big":1}`, ""},
		{"exact duplicate", `{"owner":"mallory","owner":"ada"}`, `duplicate key "owner" at $`},
		{"escaped duplicate", `{"owner":"mallory","own\u0065r":"ada"}`, `duplicate key "owner" at $`},
		{"case-variant duplicate", `{"plan":"free","PLAN":"enterprise"}`, `duplicate key "PLAN" at $: the same as "plan" under case folding`},
		{"case-variant duplicate first", `{"PLAN":"enterprise","plan":"free"}`, `key "PLAN" at $ differs only in case from the field "plan"`},
		{"case-variant key", `{"PLAN":"enterprise"}`, `key "PLAN" at $ differs only in case from the field "plan"`},
		{"case-variant untagged", `{"big":1}`, `key "big" at $ differs only in case from the field "Big"`},
		{"Kelvin sign folds to k", `{"owner":"ada","Big":1,"pending":{"\u212aind":"x"}}`, "key \"\u212aind\" at $.pending differs only in case from the field \"kind\""},
		{"unknown field", `{"owner":"ada","discount":"10%"}`, `unknown field "discount" at $`},
		{"left-out field", `{"Hidden":"x"}`, `unknown field "Hidden" at $`},
		{"nested duplicate", `{"pending":{"kind":"cancel","kind":"downgrade"}}`, `duplicate key "kind" at $.pending`},
		{"nested case variant", `{"pending":{"Kind":"cancel"}}`, `key "Kind" at $.pending differs only in case from the field "kind"`},
		{"array of objects", `{"users":[{"id":"a","role":"admin"},{"id":"b","role":"user"},{"id":"c","role":"user","role":"admin"}]}`, `duplicate key "role" at $.users[2]`},
		{"array case variant", `{"users":[{"id":"a","ROLE":"admin"}]}`, `key "ROLE" at $.users[0] differs only in case from the field "role"`},
		{"map keys free-form", `{"tags":{"a":1,"A":2,"\u212a":3,"k":4}}`, ""},
		{"map exact duplicate", `{"tags":{"a":1,"b":2,"a":3}}`, `duplicate key "a" at $.tags`},
		{"map escaped duplicate", `{"tags":{"a":1,"\u0061":3}}`, `duplicate key "a" at $.tags`},
		{"long map duplicate", `{"tags":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"e":11}}`, `duplicate key "e" at $.tags`},
		{"integer map keys", `{"counts":{"1":"a","2":"b"}}`, ""},
		{"integer map duplicate", `{"counts":{"1":"a","01":"b"}}`, `duplicate key "1" at $.counts`},
		{"map of structs", `{"nested":{"x y":[{"id":"a","id":"b"}]}}`, `duplicate key "id" at $.nested["x y"][0]`},
		{"interface free-form", `{"extra":{"a":1,"A":{"b":[{"c":1,"C":2}]}}}`, ""},
		{"interface duplicate", `{"extra":{"a":[{"c":1,"c":2}]}}`, `duplicate key "c" at $.extra.a[0]`},
		{"unmarshaler duplicate", `{"raw":{"x":1,"x":2}}`, `duplicate key "x" at $.raw`},
		{"invalid UTF-8 keys that unquote alike", "{\"tags\":{\"\xff\":1,\"\xfe\":2}}", "duplicate key \"\uFFFD\" at $.tags"},
		{"unknown field in array", `{"users":[{"id":"a","name":"x"}]}`, `unknown field "name" at $.users[0]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v doc
			err := strict.Decode([]byte(c.in), &v)
			if c.want == "" {
				if err != nil {
					t.Fatalf("Decode(%s) = %v, want it accepted", c.in, err)
				}
				return
			}
			var ke *strict.KeyError
			if !errors.As(err, &ke) || err.Error() != c.want {
				t.Fatalf("Decode(%s) = %v, want a KeyError %q", c.in, err, c.want)
			}
		})
	}
}

// TestDecodeDepth: objects and arrays nest at most MaxDepth deep, in a
// value of any type.
func TestDecodeDepth(t *testing.T) {
	nest := func(n int) []byte {
		return []byte(strings.Repeat(`{"a":`, n-1) + `[1]` + strings.Repeat(`}`, n-1))
	}
	var v any
	if err := strict.Decode(nest(strict.MaxDepth), &v); err != nil {
		t.Fatalf("depth %d refused: %v", strict.MaxDepth, err)
	}
	err := strict.Decode(nest(strict.MaxDepth+1), &v)
	var ke *strict.KeyError
	if !errors.As(err, &ke) || !strings.HasPrefix(ke.Path, "$.a.a.a") || !strings.Contains(err.Error(), "deeper than 64") {
		t.Fatalf("depth %d: %v, want a refusal naming the depth and the path", strict.MaxDepth+1, err)
	}
}

// TestDecodeEmbedded: the fields of embedded structs are matched by the
// rules of encoding/json: promoted, a tagged field or a shallower one
// winning, two at one depth cancelling each other.
func TestDecodeEmbedded(t *testing.T) {
	type Inner struct {
		Name string `json:"name"`
		Deep int    `json:"deep"`
	}
	type Other struct {
		Deep int `json:"deep"`
	}
	type outer struct {
		Inner
		*Other
		Name string `json:"name"` // hides Inner.Name
		Own  int    `json:"own"`
	}
	for in, want := range map[string]string{
		`{"name":"a","own":1}`:            "",
		`{"name":"a","name":"b"}`:         `duplicate key "name" at $`,
		`{"NAME":"a"}`:                    `key "NAME" at $ differs only in case from the field "name"`,
		`{"deep":1}`:                      `unknown field "deep" at $`, // Inner.deep and Other.deep tie
		`{"Inner":{"name":"x"}}`:          `unknown field "Inner" at $`,
		`{"own":1,"name":"b","own":2}`:    `duplicate key "own" at $`,
		`{"own":1,"name":"b","Own":2}`:    `duplicate key "Own" at $: the same as "own" under case folding`,
		`{"name":"b","Name":"c","own":1}`: `duplicate key "Name" at $: the same as "name" under case folding`,
	} {
		var v outer
		err := strict.Decode([]byte(in), &v)
		switch {
		case want == "" && err != nil:
			t.Errorf("Decode(%s) = %v, want it accepted", in, err)
		case want != "" && (err == nil || err.Error() != want):
			t.Errorf("Decode(%s) = %v, want %q", in, err, want)
		}
		// encoding/json agrees on every key the scan accepts.
		if err == nil {
			dec := json.NewDecoder(strings.NewReader(in))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&outer{}); err != nil {
				t.Errorf("Decode accepted %s, encoding/json refuses it: %v", in, err)
			}
		}
	}
}

// TestDecodeFoldedFields: two fields whose names differ only in case are
// each reachable by their exact name, but an object may not hold both,
// since encoding/json would match either key to the first field.
func TestDecodeFoldedFields(t *testing.T) {
	var v struct {
		Lower int `json:"a"`
		Upper int `json:"A"`
	}
	for in, want := range map[string]string{
		`{"a":1}`:       "",
		`{"A":1}`:       "",
		`{"a":1,"A":2}`: `duplicate key "A" at $: the same as "a" under case folding`,
		`{"A":1,"a":2}`: `duplicate key "a" at $: the same as "A" under case folding`,
	} {
		err := strict.Decode([]byte(in), &v)
		if (want == "" && err != nil) || (want != "" && (err == nil || err.Error() != want)) {
			t.Errorf("Decode(%s) = %v, want %q", in, err, want)
		}
	}
}

// TestDecodeSyntax: a syntax error is still encoding/json's own.
func TestDecodeSyntax(t *testing.T) {
	var v doc
	for _, in := range []string{`{"owner":}`, `{"owner":"a",}`, `{"owner" "a"}`, `[`, `"`, ``, `{"owner":"a"`} {
		var se *json.SyntaxError
		if err := strict.Decode([]byte(in), &v); !errors.As(err, &se) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			t.Errorf("Decode(%q) = %v, want a syntax error", in, err)
		}
	}
}
