// Package strict decodes the JSON form of the library's states strictly: one
// value, no unknown field, nothing after it, and times that can be written
// back exactly.
package strict

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"time"
)

// Decode decodes exactly one JSON value from b into v, refusing unknown
// fields and any data after the value.
func Decode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
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
