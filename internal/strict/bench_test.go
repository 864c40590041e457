package strict_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy/internal/strict"
)

// users builds {"users":[{"id":"u0","role":"admin","dismissed":true},…]}
// with n entries.
func users(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"owner":"ada","users":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"u%d","role":"admin","dismissed":true}`, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// keys builds one object with n distinct keys: {"k0":0,"k1":1,…}.
func keys(n int) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":%d`, i, i)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

type userDoc struct {
	Owner string `json:"owner"`
	Users []struct {
		ID        string `json:"id"`
		Role      string `json:"role"`
		Dismissed bool   `json:"dismissed,omitzero"`
	} `json:"users"`
}

func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{1000, 8000} {
		in := users(n)
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				var v userDoc
				if err := strict.Decode(in, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		// lenient is Decode without the key checks, for comparison.
		b.Run(fmt.Sprintf("objects=%d/lenient", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				var v userDoc
				if err := lenient(in, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, n := range []int{1000, 8000} {
		in := keys(n)
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				var v map[string]int
				if err := strict.Decode(in, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("keys=%d/lenient", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				var v map[string]int
				if err := lenient(in, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDecodeLinear: Decode's cost grows linearly with the number of keys
// in one object and with the number of objects: sixteen times the input
// may take at most 64 times as long (a scan comparing each key with
// every other would take 256 times). Best of three runs, so that a noisy
// machine does not fail it.
func TestDecodeLinear(t *testing.T) {
	best := func(in []byte, v func() any) time.Duration {
		d := time.Duration(1<<63 - 1)
		for range 3 {
			start := time.Now()
			if err := strict.Decode(in, v()); err != nil {
				t.Fatal(err)
			}
			d = min(d, time.Since(start))
		}
		return d
	}
	const n = 2000
	for name, build := range map[string]func(int) []byte{"keys": keys, "objects": users} {
		v := func() any { return new(userDoc) }
		if name == "keys" {
			v = func() any { return new(map[string]int) }
		}
		small, large := best(build(n), v), best(build(16*n), v)
		if ratio := float64(large) / float64(small); ratio > 64 {
			t.Errorf("%s: %d take %v, %d take %v: %.0f times as long for 16 times the input", name, n, small, 16*n, large, ratio)
		}
	}
}
