package export

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxNameBytes bounds one path element, as most file systems do.
const maxNameBytes = 255

// cleanElem makes one path element safe on Windows, macOS and Linux:
// control characters and <>:"|?* become '_', leading spaces and trailing
// dots and spaces go, the element is cut to maxNameBytes without splitting
// a character, and a device name such as CON, lpt1.txt or "nul .txt" gets
// a leading '_' (checked after the cut, which could make one). It returns
// "" for an element that is nothing once cleaned, or "." or "..".
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

// fitElem cuts e to maxNameBytes without splitting a character, and drops
// its trailing dots and spaces.
func fitElem(e string) string {
	if len(e) > maxNameBytes {
		cut := maxNameBytes
		for cut > 0 && !utf8.RuneStart(e[cut]) {
			cut--
		}
		e = e[:cut]
	}
	return strings.TrimRight(e, ". ")
}

// isDevice reports whether Windows takes element e for a device: CON,
// PRN, AUX, NUL, COM1 to COM9 or LPT1 to LPT9, in any case, alone or
// before an extension, with or without spaces before the dot.
func isDevice(e string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(e), ".")
	switch strings.TrimRight(base, " ") {
	case "CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return true
	}
	return false
}

// cleanPath turns a Drive file name, which may hold folders, into a safe
// relative path: backslashes count as separators, and empty, "." and ".."
// elements are dropped, so the result never climbs out of its folder.
func cleanPath(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = strings.ReplaceAll(name, `\`, "/")
	var elems []string
	for _, e := range strings.Split(name, "/") {
		if e = cleanElem(e); e != "" {
			elems = append(elems, e)
		}
	}
	if len(elems) == 0 {
		return "unnamed"
	}
	return strings.Join(elems, "/")
}

// namer gives every document a path of its own under a folder, unique even
// on file systems that ignore case, where no file is also the folder of
// another.
type namer struct {
	dir   string
	files map[string]bool // folded paths of files
	dirs  map[string]bool // folded paths of folders
}

func newNamer(dir string) *namer {
	return &namer{dir: dir, files: map[string]bool{}, dirs: map[string]bool{}}
}

func fold(s string) string { return strings.ToLower(strings.ToUpper(s)) }

// name returns the archive path for a document called original. An
// element already taken gets a number, "report (2).pdf": the file itself
// when a file or folder has its name, a folder when a file has its name.
func (n *namer) name(original string) string {
	elems := strings.Split(n.dir+cleanPath(original), "/")
	for i := range elems {
		last := i == len(elems)-1
		for k := 1; ; k++ {
			e := elems[i]
			if k > 1 {
				e = numbered(e, k)
			}
			p := fold(strings.Join(append(elems[:i:i], e), "/"))
			if !n.files[p] && (!last || !n.dirs[p]) {
				elems[i] = e
				break
			}
		}
	}
	p := strings.Join(elems, "/")
	n.register(fold(p))
	return p
}

// claim registers p as a file name and reports whether it was free: no
// file or folder has its name ignoring case, and none of its folders is a
// file.
func (n *namer) claim(p string) bool {
	k := fold(p)
	if n.files[k] || n.dirs[k] {
		return false
	}
	for d := path.Dir(k); d != "." && d != "/"; d = path.Dir(d) {
		if n.files[d] {
			return false
		}
	}
	n.register(k)
	return true
}

// register records the folded path k as a file, and its parents as
// folders.
func (n *namer) register(k string) {
	n.files[k] = true
	for d := path.Dir(k); d != "." && d != "/"; d = path.Dir(d) {
		n.dirs[d] = true
	}
}

// numbered returns elem with " (k)" before its extension, its stem cut
// without splitting a character so that the whole keeps to maxNameBytes.
// An extension too long to keep whole counts as part of the stem.
func numbered(elem string, k int) string {
	ext := path.Ext(elem)
	if ext == elem || len(ext) > maxNameBytes/2 {
		ext = ""
	}
	stem, tag := strings.TrimSuffix(elem, ext), " ("+strconv.Itoa(k)+")"
	if over := len(stem) + len(tag) + len(ext) - maxNameBytes; over > 0 {
		cut := len(stem) - over
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		stem = stem[:cut]
	}
	return stem + tag + ext
}

// safeEntry reports whether an archive entry name is a plain relative path
// that cannot escape the folder it is extracted into (no zip slip): valid
// UTF-8, no absolute path, no "." or ".." element, no backslash, no drive
// letter or other colon, no control character.
func safeEntry(name string) bool {
	if !utf8.ValidString(name) || !fs.ValidPath(name) || name == "." {
		return false
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '\\' || r == ':' {
			return false
		}
	}
	return true
}
