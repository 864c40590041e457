//lint:file-ignore SA1019 CreateRaw writes the MS-DOS time and the 32-bit sizes as given, so they must be set; Modified and the 64-bit sizes alone are not enough.

package export

import (
	"archive/zip"
	"time"
)

// madeByUnix is the "version made by" of every entry: made on Unix (the
// high byte, 3) by a ZIP 2.0 writer. Info-ZIP's unzip and zipinfo decode
// the names of entries made on MS-DOS from the DOS code page, ignoring the
// UTF-8 flag, and so garbled every name that is not ASCII; for Unix
// entries they honour the flag.
const madeByUnix = 3<<8 | 20

// madeByDOS is the "version made by" of the entries of archives written
// before madeByUnix, which Verify still accepts; their stored entries had
// a data descriptor too.
const madeByDOS = 20

// regularFile is the external attributes of every entry: a regular file,
// readable by all and writable by its owner (0644) once extracted, in the
// Unix form (the high 16 bits) that madeByUnix announces.
const regularFile = 0o100644 << 16

// dataDescriptor is the flag of an entry whose checksum and sizes follow
// its data, in a data descriptor, rather than in its local header.
const dataDescriptor = 0x8

// entryHeader is the header of every entry this package writes: the UTF-8
// flag for a name that is not ASCII, made on Unix as a regular file, the
// time in MS-DOS form, no extra field; a deflated entry has a data
// descriptor after the data, a stored one none: its checksum and sizes
// must be set (setSizes) before the header is written, as streaming
// readers (Java's ZipInputStream, Commons Compress) refuse a stored entry
// with a descriptor, not knowing where its data ends. Verify rebuilds the
// same headers to check that no byte outside the files changed.
func entryHeader(name string, method uint16, at time.Time) *zip.FileHeader {
	fh := &zip.FileHeader{Name: name, Method: method, CreatorVersion: madeByUnix, ReaderVersion: 20, ExternalAttrs: regularFile}
	if method != zip.Store {
		fh.Flags = dataDescriptor
	}
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			fh.Flags |= 0x800
			break
		}
	}
	at = at.UTC()
	fh.ModifiedDate = uint16(at.Day() + int(at.Month())<<5 + (at.Year()-1980)<<9)
	fh.ModifiedTime = uint16(at.Second()/2 + at.Minute()<<5 + at.Hour()<<11)
	return fh
}

// setSizes records an entry's checksum and sizes in its header, as the
// local header (without a data descriptor), the data descriptor and the
// directory will write them.
func setSizes(fh *zip.FileHeader, crc uint32, stored, content uint64) {
	const max32 = 1<<32 - 1
	fh.CRC32 = crc
	fh.CompressedSize64, fh.UncompressedSize64 = stored, content
	if stored >= max32 || content >= max32 {
		fh.CompressedSize, fh.UncompressedSize = max32, max32
		fh.ReaderVersion = 45
		return
	}
	fh.CompressedSize, fh.UncompressedSize = uint32(stored), uint32(content)
}

// methodName is a ZIP method's name in the manifest: "store", "deflate",
// or "" for any other.
func methodName(m uint16) string {
	switch m {
	case zip.Store:
		return "store"
	case zip.Deflate:
		return "deflate"
	}
	return ""
}
