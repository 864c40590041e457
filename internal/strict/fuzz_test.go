package strict_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/tenancykit/tenancy/internal/strict"
)

// node is the oracle's picture of how doc decodes an object: a struct
// with exact field names, a list or map of elem, or anything (nil).
type node struct {
	fields  map[string]*node
	elem    *node
	isMap   bool
	intKeys bool
	isList  bool
}

var (
	userNode = &node{fields: map[string]*node{"id": nil, "role": nil, "dismissed": nil}}
	docNode  = &node{fields: map[string]*node{
		"owner": nil, "plan": nil, "Big": nil, "extra": nil, "raw": nil,
		"users":   {isList: true, elem: userNode},
		"pending": {fields: map[string]*node{"kind": nil, "plan": nil}},
		"tags":    {isMap: true},
		"counts":  {isMap: true, intKeys: true},
		"nested":  {isMap: true, elem: &node{isList: true, elem: userNode}},
	}}
)

// oracle walks b with encoding/json's tokenizer and reports whether every
// object it decodes into a struct names fields exactly and no two of its
// keys are equal under strings.EqualFold, no other object repeats a key
// (integer keys compared as numbers), and nothing nests deeper than
// strict.MaxDepth. It assumes b is one valid JSON value.
func oracle(b []byte, top *node) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var walk func(n *node, depth int) bool
	walk = func(n *node, depth int) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return true
		}
		if depth+1 > strict.MaxDepth {
			return false
		}
		var elem *node
		if n != nil {
			elem = n.elem
		}
		if d == '[' {
			for dec.More() {
				if !walk(elem, depth+1) {
					return false
				}
			}
			_, err := dec.Token()
			return err == nil
		}
		var keys []string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return false
			}
			k := tok.(string)
			child := elem
			switch {
			case n != nil && n.fields != nil:
				c, ok := n.fields[k]
				if !ok {
					return false
				}
				for _, o := range keys {
					if strings.EqualFold(o, k) {
						return false
					}
				}
				child = c
			default:
				if n != nil && n.intKeys {
					if v, err := strconv.ParseInt(k, 10, 64); err == nil {
						k = strconv.FormatInt(v, 10)
					}
				}
				for _, o := range keys {
					if o == k {
						return false
					}
				}
			}
			keys = append(keys, k)
			if !walk(child, depth+1) {
				return false
			}
		}
		_, err = dec.Token()
		return err == nil
	}
	return walk(top, 0)
}

// lenient is Decode without its key checks: encoding/json refusing
// unknown fields and data after the value.
func lenient(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the value")
	}
	return nil
}

// FuzzDecode: Decode never panics; what it accepts json.Unmarshal accepts
// and has no key twice, exactly or (in a struct's object) under case
// folding; and it refuses nothing else that encoding/json with
// DisallowUnknownFields accepts. Both for a struct and for any.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"owner":"ada","plan":"pro","users":[{"id":"a","role":"admin"}],"pending":{"kind":"cancel"}}`,
		`{"owner":"mallory","owner":"ada"}`, `{"PLAN":"x"}`, `{"plan":"a","Plan":"b"}`,
		`{"tags":{"a":1,"A":2}}`, `{"counts":{"1":"a","01":"b"}}`, `{"extra":{"x":[{"y":1,"y":2}]}}`,
		`{"nested":{"k":[{"id":"a","ID":"b"}]}}`, `{"raw":{"a":{"b":1}}}`, `{"big":1}`, `{"Big":1}`,
		`{"own\u0065r":"x"}`, "{\"tags\":{\"\xff\":1,\"\xfe\":2}}", `[{"a":1,"a":2}]`, `{"users":{"id":"x"}}`,
		strings.Repeat("[", 70) + strings.Repeat("]", 70), `{"a":1}{}`, `{"a":1} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v doc
		err := strict.Decode(b, &v)
		base := lenient(b, &doc{})
		if err == nil {
			if e := json.Unmarshal(b, &doc{}); e != nil {
				t.Fatalf("Decode accepted %q, json.Unmarshal refuses it: %v", b, e)
			}
			if !oracle(b, docNode) {
				t.Fatalf("Decode accepted %q with a repeated, unknown or case-variant key", b)
			}
		} else if base == nil && oracle(b, docNode) {
			t.Fatalf("Decode refused %q (%v), which has no bad key and encoding/json accepts", b, err)
		}
		var a any
		err = strict.Decode(b, &a)
		switch ok := lenient(b, new(any)) == nil && oracle(b, nil); {
		case err == nil && (json.Unmarshal(b, new(any)) != nil || !ok):
			t.Fatalf("Decode into any accepted %q", b)
		case err != nil && ok:
			t.Fatalf("Decode into any refused %q: %v", b, err)
		}
	})
}
