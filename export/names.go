package export

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxNameBytes bounds one path element, as most file systems do.
const maxNameBytes = 255

// maxExtBytes bounds what counts as an extension when a name is cut or
// numbered: a final dot and at most 31 bytes after it, none a space
// (".pdf", ".numbers"). A longer tail, or one with a space ("v2.0 final
// draft"), is part of the stem.
const maxExtBytes = 32

// cleanElem makes one path element safe on Windows, macOS and Linux:
// control characters and <>:"|?* become '_', leading spaces and trailing
// dots and spaces go, the element is cut to maxNameBytes keeping its
// extension and without splitting a character, and a device name such as
// CON, lpt1.txt or "nul .txt" gets a leading '_' (checked after the cut,
// which could make one). e must be in Unicode NFC, and so is the result.
// It returns "" for an element that is nothing once cleaned, or "." or
// "..".
func cleanElem(e string) string {
	e = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, e)
	e = fitElem(strings.TrimLeft(e, " "))
	if isDevice(e) {
		e = fitElem("_" + e)
	}
	return e
}

// fitElem drops the trailing dots and spaces of e and cuts it to
// maxNameBytes as cutName cuts: the stem, keeping the extension
// ("….pdf"), or with no extension (see splitExt) the whole, dropping the
// trailing dots and spaces the cut leaves.
func fitElem(e string) string {
	e = strings.TrimRight(e, ". ")
	if len(e) <= maxNameBytes {
		return e
	}
	stem, ext := splitExt(e)
	if ext == "" {
		return strings.TrimRight(cutName(e, maxNameBytes), ". ")
	}
	return cutName(stem, maxNameBytes-len(ext)) + ext
}

// splitExt splits element e into its stem and its extension: the final
// dot and what follows it, when that is at most maxExtBytes long, holds
// no space, and is not the whole element (".profile" is all stem). With
// no extension it returns e and "".
func splitExt(e string) (stem, ext string) {
	ext = path.Ext(e)
	if len(ext) < 2 || len(ext) > maxExtBytes || ext == e || strings.ContainsRune(ext, ' ') {
		return e, ""
	}
	return e[:len(e)-len(ext)], ext
}

// cutName returns the longest prefix of s, which must be valid UTF-8 in
// NFC, of at most n bytes that ends where a normalisation segment ends,
// so that a letter keeps its combining marks and the prefix stays in NFC;
// where a single segment is longer than n (a letter under hundreds of
// marks), it ends between two characters instead.
func cutName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	for j := i; j > 0; {
		if norm.NFC.PropertiesString(s[j:]).BoundaryBefore() {
			return s[:j]
		}
		j--
		for j > 0 && !utf8.RuneStart(s[j]) {
			j--
		}
	}
	return s[:i]
}

// isDevice reports whether Windows takes element e for a device: CON,
// PRN, AUX, NUL, COM0 to COM9, LPT0 to LPT9, or COM or LPT with a
// superscript 1, 2 or 3 (the list Microsoft's "Naming Files, Paths, and
// Namespaces" gives), in any case, alone or before an extension, with or
// without spaces before the dot.
func isDevice(e string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(e), ".")
	base = strings.TrimRight(base, " ")
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(base) < 4 || base[:3] != "COM" && base[:3] != "LPT" {
		return false
	}
	switch base[3:] {
	case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\u00b9", "\u00b2", "\u00b3":
		return true
	}
	return false
}

// unnamed is the name cleanPath gives a document whose name is nothing
// once cleaned.
const unnamed = "unnamed"

// inventedPath reports whether p is a path the namer of folder dir can
// give a document of the empty name: dir+"unnamed", or that numbered,
// "unnamed (k)" for some k from 2.
func inventedPath(p, dir string) bool {
	rest, ok := strings.CutPrefix(p, dir+unnamed)
	if !ok || rest == "" {
		return ok
	}
	digits, ok := strings.CutPrefix(rest, " (")
	if !ok {
		return false
	}
	if digits, ok = strings.CutSuffix(digits, ")"); !ok {
		return false
	}
	k, err := strconv.Atoi(digits)
	return err == nil && k >= 2 && strconv.Itoa(k) == digits
}

// cleanPath turns a Drive file name, which may hold folders, into a safe
// relative path in Unicode NFC (the form Windows and Linux keep as given
// and macOS file systems compare by): invalid UTF-8 becomes U+FFFD,
// backslashes count as separators, and empty, "." and ".." elements are
// dropped, so the result never climbs out of its folder. A name that is
// nothing once cleaned becomes "unnamed".
func cleanPath(name string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, "\uFFFD"))
	name = strings.ReplaceAll(name, `\`, "/")
	var elems []string
	for _, e := range strings.Split(name, "/") {
		if e = cleanElem(e); e != "" {
			elems = append(elems, e)
		}
	}
	if len(elems) == 0 {
		return unnamed
	}
	return strings.Join(elems, "/")
}

// namer gives every document a path of its own under a folder, unique even
// on file systems that ignore case and Unicode normalisation (see fold),
// where no file is also the folder of another. It keeps the paths as a
// tree of folded elements, so that naming or claiming a path costs time
// in its length whatever the number of paths before it, and remembers for each name the lowest number that may still
// be free, so that n documents of one name cost time in n, not n squared.
type namer struct {
	dir  string
	root node
}

// node is one folded path element: a file, or a folder when it has
// children.
type node struct {
	file     bool
	children map[string]*node // by folded element
	// next holds, per element as given and whether it is the path's last,
	// the number from which name looks for a free name: every lower one
	// is taken, and stays taken, since names are only ever added.
	next map[nextKey]int
}

type nextKey struct {
	elem string
	last bool
}

// child returns the node of folded element k, made if new.
func (d *node) child(k string) *node {
	c := d.children[k]
	if c == nil {
		if d.children == nil {
			d.children = map[string]*node{}
		}
		c = &node{}
		d.children[k] = c
	}
	return c
}

func newNamer(dir string) *namer {
	return &namer{dir: dir}
}

// fold maps s to the key under which file systems that ignore case or
// Unicode normalisation compare names (macOS takes "e" and a combining
// acute for "é", and either for "É"): canonically decomposed (NFD), upper
// then lower case, and composed again (NFC), so that two names get one
// key when they are the same after NFC and case folding. ASCII, which
// needs no more, is only lower-cased (without a copy when s has no upper
// case letter).
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return norm.NFC.String(strings.ToLower(strings.ToUpper(norm.NFD.String(s))))
		}
	}
	return strings.ToLower(s)
}

// name returns the archive path for a document called original (see
// cleanPath). An element already taken, after NFC and case folding, gets
// a number, "report (2).pdf", the lowest free one: the file itself when a
// file or folder has its name, a folder when a file has its name.
func (n *namer) name(original string) string {
	elems := strings.Split(n.dir+cleanPath(original), "/")
	d := &n.root
	for i, e := range elems {
		key := nextKey{e, i == len(elems)-1}
		k := max(d.next[key], 1)
		for ; ; k++ {
			c := e
			if k > 1 {
				c = numbered(e, k)
			}
			f := d.children[fold(c)]
			if f == nil || !f.file && (!key.last || len(f.children) == 0) {
				elems[i] = c
				break
			}
		}
		if d.next == nil {
			d.next = map[nextKey]int{}
		}
		d.next[key] = k
		d = d.child(fold(elems[i]))
	}
	d.file = true
	return strings.Join(elems, "/")
}

// claim registers p as a file name and reports whether it was free: no
// file or folder has its name after NFC and case folding (fold), and none
// of its folders is a file. p must be a path with no empty element.
func (n *namer) claim(p string) bool {
	elems := strings.Split(fold(p), "/")
	d, i := &n.root, 0
	for ; i < len(elems); i++ {
		c := d.children[elems[i]]
		if c == nil {
			break
		}
		if c.file || i == len(elems)-1 {
			return false
		}
		d = c
	}
	for ; i < len(elems); i++ {
		d = d.child(elems[i])
	}
	d.file = true
	return true
}

// numbered returns elem with " (k)" before its extension (see
// splitExt), its stem cut as cutName cuts so that the whole keeps to
// maxNameBytes.
func numbered(elem string, k int) string {
	stem, ext := splitExt(elem)
	tag := " (" + strconv.Itoa(k) + ")"
	return cutName(stem, maxNameBytes-len(tag)-len(ext)) + tag + ext
}

// safeEntry reports whether an archive entry name is a plain relative path
// that cannot escape the folder it is extracted into (no zip slip), and
// that every common file system holds as it is, Windows included: valid
// UTF-8, no absolute path, no empty, "." or ".." element, no backslash, no
// drive letter or other colon, no control character and none of <>"|?*;
// and no element longer than maxNameBytes, ending in a dot or a space
// (Windows drops them, so "a.txt." would open "a.txt"), or naming a
// device (CON, aux.txt). These are the names cleanPath makes.
func safeEntry(name string) bool {
	if !utf8.ValidString(name) || !fs.ValidPath(name) || name == "." {
		return false
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c < 0x20 || c == 0x7f, c == '\\', c == '<', c == '>', c == ':', c == '"', c == '|', c == '?', c == '*':
			return false
		}
	}
	for e := range strings.SplitSeq(name, "/") {
		if len(e) > maxNameBytes || strings.HasSuffix(e, ".") || strings.HasSuffix(e, " ") || isDevice(e) {
			return false
		}
	}
	return true
}
