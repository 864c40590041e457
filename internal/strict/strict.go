// Package strict decodes the JSON form of the library's states strictly: one
// value, no unknown field, no key twice, every key spelled exactly as its
// field, nothing after the value, and times that can be written back
// exactly.
//
// encoding/json keeps the last of two equal keys and matches a key to a
// field without regard to case, so {"owner":"mallory","owner":"ada"} and
// {"PLAN":"x"} decode; a state read that way is not the state that was
// written. Decode refuses them before decoding, in two passes over the
// input, each linear in its size:
//
//  1. A scan of the value, guided by the type of v, looks at every object at
//     every depth. An object decoded into a struct may name each field once,
//     spelled exactly as its JSON name (the tag's name, or the Go name), and
//     no two of its keys may be equal under the case folding encoding/json
//     uses to match them (strings.EqualFold). An object decoded into a map,
//     an interface or a type with its own UnmarshalJSON has free-form keys:
//     it may only not repeat one exactly (after unescaping, and for integer
//     keys after parsing, so "1" and "01" are the same key). Objects and
//     arrays nest at most MaxDepth deep. A key costs one map lookup and a
//     bit in a set (a struct's object) or one set insertion (any other); the
//     fields of a struct type are listed once, by the rules encoding/json
//     follows, and kept.
//  2. encoding/json decodes, refusing unknown fields and data after the
//     value. It also reports a syntax error: the scan relies on nothing
//     but bounds checks, and when it refuses a key in input that is not
//     valid JSON, the syntax error is what Decode returns.
//
// A refused key is reported as a *KeyError naming the key and the JSON path
// of the object that holds it, as in duplicate key "owner" at $.users[2].
// A type with its own UnmarshalJSON that calls Decode checks its own keys,
// with paths from its own value.
package strict

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxDepth is how deep Decode lets objects and arrays nest: a value at the
// top level is at depth 1.
const MaxDepth = 64

// KeyError is Decode's refusal of an object key, or of nesting too deep.
type KeyError struct {
	// Problem says what is wrong: "duplicate key", "unknown field",
	// "differs only in case from the field" or "nested too deep".
	Problem string
	// Key is the key as decoded; empty for nesting too deep.
	Key string
	// Path is the JSON path of the object holding the key, as "$.users[2]".
	Path string
	// Field is the field's JSON name when the key differs from it only in
	// case, or the key it repeats under case folding.
	Field string
}

// Error returns the problem, the key, its path and, when set, the field.
func (e *KeyError) Error() string {
	switch {
	case e.Problem == nestingTooDeep:
		return fmt.Sprintf("objects and arrays nested deeper than %d at %s", MaxDepth, e.Path)
	case e.Problem == caseVariant:
		return fmt.Sprintf("key %q at %s %s %q", e.Key, e.Path, e.Problem, e.Field)
	case e.Field != "":
		return fmt.Sprintf("%s %q at %s: the same as %q under case folding", e.Problem, e.Key, e.Path, e.Field)
	}
	return fmt.Sprintf("%s %q at %s", e.Problem, e.Key, e.Path)
}

// The problems of a KeyError.
const (
	duplicateKey   = "duplicate key"
	unknownField   = "unknown field"
	caseVariant    = "differs only in case from the field"
	nestingTooDeep = "nested too deep"
)

// Decode decodes exactly one JSON value from b into v, refusing unknown
// fields, duplicate or case-variant keys (see the package documentation),
// nesting deeper than MaxDepth and any data after the value. On error, v
// may have been partly written.
func Decode(b []byte, v any) error {
	c := checker{b: b}
	err := c.value(reflect.TypeOf(v), 0)
	if _, ok := err.(*KeyError); ok && json.Valid(b) {
		return err
	}
	// The scan found nothing wrong with the keys, or b is no valid JSON:
	// encoding/json then says where the syntax breaks.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if derr := dec.Decode(v); derr != nil {
		return derr
	}
	if _, derr := dec.Token(); derr != io.EOF {
		return errors.New("data after the JSON value")
	}
	return err
}

var errSyntax = errors.New("invalid JSON")

// step is one element of a JSON path: a key, or an index when key is nil.
type step struct {
	key   []byte
	index int
}

// checker scans one JSON value. It checks the syntax only as far as it
// needs to find the keys: on input that is not valid JSON it may report
// anything or nothing (Decode then lets encoding/json report the syntax
// error), but it never reads past b, always ends, and recurses at most
// MaxDepth deep.
type checker struct {
	b    []byte
	i    int
	path []step
	fold []byte
}

func (c *checker) ws() {
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// next skips white space and returns the next byte, or 0 at the end.
func (c *checker) next() byte {
	c.ws()
	if c.i < len(c.b) {
		return c.b[c.i]
	}
	return 0
}

// value checks the value at c.i, decoded into a value of type t (nil when
// unknown), at nesting depth depth.
func (c *checker) value(t reflect.Type, depth int) error {
	switch c.next() {
	case '{':
		if depth+1 > MaxDepth {
			return &KeyError{Problem: nestingTooDeep, Path: c.where()}
		}
		return c.object(describe(t), depth+1)
	case '[':
		if depth+1 > MaxDepth {
			return &KeyError{Problem: nestingTooDeep, Path: c.where()}
		}
		return c.array(describe(t), depth+1)
	case '"':
		_, _, _, err := c.str()
		return err
	case 0:
		return errSyntax
	}
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
			return nil
		}
		c.i++
	}
	return nil
}

// str scans the string at c.i and returns the bounds of its content and
// whether it has an escape.
func (c *checker) str() (start, end int, escaped bool, err error) {
	c.i++ // the opening quote
	start = c.i
	for c.i < len(c.b) {
		q := bytes.IndexByte(c.b[c.i:], '"')
		if q < 0 {
			break
		}
		bs := bytes.IndexByte(c.b[c.i:c.i+q], '\\')
		if bs < 0 {
			c.i += q + 1
			return start, c.i - 1, escaped, nil
		}
		escaped = true
		c.i += bs + 2 // the backslash and the byte it escapes
	}
	return 0, 0, false, errSyntax
}

// key scans a key and returns its value: a slice of b when it is plain,
// else the string as encoding/json unquotes it (invalid UTF-8 becomes
// U+FFFD).
func (c *checker) key() ([]byte, error) {
	if c.next() != '"' {
		return nil, errSyntax
	}
	start, end, escaped, err := c.str()
	if err != nil || !escaped && utf8.Valid(c.b[start:end]) {
		return c.b[start:end], err
	}
	var s string
	if json.Unmarshal(c.b[start-1:end+1], &s) != nil {
		return nil, errSyntax
	}
	return []byte(s), nil
}

// member scans a key and the colon after it.
func (c *checker) member() ([]byte, error) {
	k, err := c.key()
	if err != nil {
		return nil, err
	}
	if c.next() != ':' {
		return nil, errSyntax
	}
	c.i++
	return k, nil
}

// more reads the comma or the closing delimiter after a member or element
// and reports whether another follows.
func (c *checker) more(closing byte) (bool, error) {
	switch c.next() {
	case ',':
		c.i++
		return true, nil
	case closing:
		c.i++
		return false, nil
	}
	return false, errSyntax
}

func (c *checker) array(d *desc, depth int) error {
	c.i++ // [
	if c.next() == ']' {
		c.i++
		return nil
	}
	c.path = append(c.path, step{})
	defer func() { c.path = c.path[:len(c.path)-1] }()
	for n := 0; ; n++ {
		c.path[len(c.path)-1].index = n
		if err := c.value(d.elem, depth); err != nil {
			return err
		}
		more, err := c.more(']')
		if !more || err != nil {
			return err
		}
	}
}

func (c *checker) object(d *desc, depth int) error {
	c.i++ // {
	if c.next() == '}' {
		c.i++
		return nil
	}
	if d.kind == structKind {
		return c.structObject(d, depth)
	}
	var seen keySet
	for {
		k, err := c.member()
		if err != nil {
			return err
		}
		if d.intKey != 0 {
			k = canonicalInt(k, d.intKey)
		}
		if seen.add(k) {
			return &KeyError{Problem: duplicateKey, Key: string(k), Path: c.where()}
		}
		c.path = append(c.path, step{key: k})
		err = c.value(d.elem, depth)
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return err
		}
		more, err := c.more('}')
		if !more || err != nil {
			return err
		}
	}
}

func (c *checker) structObject(d *desc, depth int) error {
	fields, classes := newBits(len(d.names)), newBits(d.classes)
	for {
		k, err := c.member()
		if err != nil {
			return err
		}
		f, ok := d.byName[string(k)]
		if !ok {
			c.fold = appendFold(c.fold[:0], k)
			if f, ok := d.byFold[string(c.fold)]; ok {
				e := &KeyError{Problem: caseVariant, Key: string(k), Path: c.where(), Field: d.names[f]}
				if classes.has(d.class[f]) {
					e.Problem = duplicateKey
				}
				return e
			}
			return &KeyError{Problem: unknownField, Key: string(k), Path: c.where()}
		}
		switch {
		case fields.has(f):
			return &KeyError{Problem: duplicateKey, Key: string(k), Path: c.where()}
		case classes.has(d.class[f]):
			return &KeyError{Problem: duplicateKey, Key: string(k), Path: c.where(), Field: d.classOf(f, fields)}
		}
		fields.set(f)
		classes.set(d.class[f])
		c.path = append(c.path, step{key: k})
		err = c.value(d.types[f], depth)
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return err
		}
		more, err := c.more('}')
		if !more || err != nil {
			return err
		}
	}
}

// where returns the JSON path of the current object: $, then .key for a
// key made of letters, digits and underscores not starting with a digit,
// ["key"] for any other, and [i] for an index.
func (c *checker) where() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, s := range c.path {
		switch {
		case s.key == nil:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case identifier(s.key):
			b.WriteByte('.')
			b.Write(s.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(string(s.key)))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func identifier(k []byte) bool {
	for i, ch := range k {
		if !(ch == '_' || 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || i > 0 && '0' <= ch && ch <= '9') {
			return false
		}
	}
	return len(k) > 0
}

// keySet holds the keys of one free-form object: a list while it is short,
// then a map, so that each key costs a bounded number of comparisons.
type keySet struct {
	list [][]byte
	m    map[string]struct{}
}

const shortObject = 8

// add adds k and reports whether it was there already.
func (s *keySet) add(k []byte) bool {
	if s.m == nil {
		for _, o := range s.list {
			if bytes.Equal(o, k) {
				return true
			}
		}
		if len(s.list) < shortObject {
			s.list = append(s.list, k)
			return false
		}
		s.m = make(map[string]struct{}, 2*shortObject)
		for _, o := range s.list {
			s.m[string(o)] = struct{}{}
		}
	}
	if _, ok := s.m[string(k)]; ok {
		return true
	}
	s.m[string(k)] = struct{}{}
	return false
}

// canonicalInt returns an integer map key as encoding/json reads it, so
// that "1", "+1" and "01" are one key. A key that does not parse is
// returned as it is: decoding refuses it.
func canonicalInt(k []byte, kind reflect.Kind) []byte {
	if kind == reflect.Uint {
		if n, err := strconv.ParseUint(string(k), 10, 64); err == nil {
			return strconv.AppendUint(nil, n, 10)
		}
		return k
	}
	if n, err := strconv.ParseInt(string(k), 10, 64); err == nil {
		return strconv.AppendInt(nil, n, 10)
	}
	return k
}

// bits is a set of small integers, on the stack up to 64.
type bits struct {
	small uint64
	big   []uint64
}

func newBits(n int) bits {
	if n <= 64 {
		return bits{}
	}
	return bits{big: make([]uint64, (n+63)/64)}
}

func (b *bits) has(i int) bool {
	if b.big == nil {
		return b.small&(1<<uint(i)) != 0
	}
	return b.big[i/64]&(1<<uint(i%64)) != 0
}

func (b *bits) set(i int) {
	if b.big == nil {
		b.small |= 1 << uint(i)
		return
	}
	b.big[i/64] |= 1 << uint(i%64)
}

// appendFold appends the folded form of k: two keys fold alike exactly
// when encoding/json matches them (and strings.EqualFold holds): each rune
// is replaced by the smallest rune of its simple case-folding orbit.
func appendFold(out, k []byte) []byte {
	for i := 0; i < len(k); {
		if ch := k[i]; ch < utf8.RuneSelf {
			if 'a' <= ch && ch <= 'z' {
				ch -= 'a' - 'A'
			}
			out = append(out, ch)
			i++
			continue
		}
		r, n := utf8.DecodeRune(k[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// The kinds of a desc.
const (
	freeKind   = iota // keys are free-form: a map, an interface, an Unmarshaler, unknown
	structKind        // keys are the fields' JSON names
)

// desc is what the scan needs to know of a type: how its objects' keys
// are checked and the types of the values inside.
type desc struct {
	kind int
	// elem is the type of a map's values or of a slice's or array's
	// elements; nil when unknown.
	elem reflect.Type
	// intKey is the kind (Int or Uint) of a map's integer keys, or 0.
	intKey reflect.Kind
	// The fields of a struct: JSON name, type, the index of the fold class
	// of the name, and the name by exact and by folded spelling (the
	// first field of each fold, as encoding/json prefers it).
	names   []string
	types   []reflect.Type
	class   []int
	classes int
	byName  map[string]int
	byFold  map[string]int
}

// classOf returns the name of a field already seen in f's fold class.
func (d *desc) classOf(f int, seen bits) string {
	for g := range d.names {
		if g != f && d.class[g] == d.class[f] && seen.has(g) {
			return d.names[g]
		}
	}
	return d.names[f]
}

var (
	free  = &desc{kind: freeKind}
	descs sync.Map // reflect.Type → *desc; each computed once, never changed
)

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// describe returns the desc of t. The cache only memoises what follows
// from t alone, as encoding/json's own cache of fields does.
func describe(t reflect.Type) *desc {
	if t == nil {
		return free
	}
	if d, ok := descs.Load(t); ok {
		return d.(*desc)
	}
	d, _ := descs.LoadOrStore(t, build(t))
	return d.(*desc)
}

func build(t reflect.Type) *desc {
	for {
		if t.Implements(unmarshalerType) || t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerType) {
			return free
		}
		if t.Kind() != reflect.Pointer {
			break
		}
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return &desc{kind: freeKind, elem: t.Elem()}
	case reflect.Map:
		d := &desc{kind: freeKind, elem: t.Elem()}
		if k := t.Key(); !reflect.PointerTo(k).Implements(textUnmarshalerType) {
			switch k.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				d.intKey = reflect.Int
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				d.intKey = reflect.Uint
			}
		}
		return d
	case reflect.Struct:
		return structDesc(t)
	}
	return free
}

// jsonField is a field as encoding/json sees it: its name, whether a tag
// gave the name, where it is (the index path through embedded structs)
// and its type.
type jsonField struct {
	name   string
	tagged bool
	index  []int
	typ    reflect.Type
}

// structDesc lists t's fields by the rules of encoding/json: exported
// fields and the fields of embedded structs, named by their tag or their
// Go name, a "-" tag leaving a field out, and of the fields with one name
// the shallowest (a tagged one first) winning, none when two tie.
func structDesc(t reflect.Type) *desc {
	var found []jsonField
	type level struct {
		typ   reflect.Type
		index []int
	}
	next := []level{{typ: t}}
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count := map[reflect.Type]int{}
		for _, l := range current {
			count[l.typ]++
		}
		for _, l := range current {
			if visited[l.typ] {
				continue
			}
			visited[l.typ] = true
			for i := range l.typ.NumField() {
				sf := l.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				if !validTag(name) {
					name = ""
				}
				index := append(append([]int(nil), l.index...), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := jsonField{name: name, tagged: name != "", index: index, typ: sf.Type}
					if f.name == "" {
						f.name = sf.Name
					}
					found = append(found, f)
					if count[l.typ] > 1 {
						// Two embeddings of one struct at one depth: the
						// field is ambiguous, and the tie removes it.
						found = append(found, f)
					}
					continue
				}
				next = append(next, level{typ: ft, index: index})
			}
		}
	}
	byName := map[string][]jsonField{}
	var order []string
	for _, f := range found {
		if byName[f.name] == nil {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	d := &desc{kind: structKind, byName: map[string]int{}, byFold: map[string]int{}}
	folds := map[string]int{}
	for _, name := range order {
		fs := byName[name]
		best := fs[0]
		tie := false
		for _, f := range fs[1:] {
			switch {
			case len(f.index) < len(best.index) || len(f.index) == len(best.index) && f.tagged && !best.tagged:
				best, tie = f, false
			case len(f.index) == len(best.index) && f.tagged == best.tagged:
				tie = true
			}
		}
		if tie {
			continue
		}
		n := len(d.names)
		d.names = append(d.names, name)
		d.types = append(d.types, best.typ)
		d.byName[name] = n
		fold := string(appendFold(nil, []byte(name)))
		cl, ok := folds[fold]
		if !ok {
			cl = len(folds)
			folds[fold] = cl
			d.byFold[fold] = n
		}
		d.class = append(d.class, cl)
	}
	d.classes = len(folds)
	return d
}

// validTag reports whether a tag's name is one encoding/json takes.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", r):
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			return false
		}
	}
	return true
}

// Zone moves decoded times into a state's location and remembers whether
// any of them cannot be written back as the same RFC 3339 instant (a year
// outside 0 to 9999, or an offset that is not whole minutes).
type Zone struct {
	Loc        *time.Location
	Unwritable bool
}

// In returns t in z's location; the zero time stays zero.
func (z *Zone) In(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	t = t.In(z.Loc)
	if _, off := t.Zone(); off%60 != 0 || t.Year() < 0 || t.Year() > 9999 {
		z.Unwritable = true
	}
	return t
}
