// Command ratios runs every side of the retention lap in one process,
// interleaved in rounds (each round runs every side once, in turn), so
// that a noisy machine slows all sides alike, and prints the median of
// each side with its ratios to stateless's bare lap and to the date
// arithmetic alone.
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/tenancykit/tenancy/bench"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds of every side")
	flag.Parse()
	names, sides, err := bench.Sides()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ratios:", err)
		os.Exit(1)
	}
	ns := map[string][]float64{}
	allocs, bytes := map[string]int64{}, map[string]int64{}
	for r := range *rounds {
		fmt.Fprintf(os.Stderr, "\rround %d/%d", r+1, *rounds)
		for _, n := range names {
			l := sides[n]
			var failed error
			res := testing.Benchmark(func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := l.Run(); err != nil {
						failed = err
						b.FailNow()
					}
				}
			})
			if failed != nil {
				fmt.Fprintf(os.Stderr, "\nratios: %s: %v\n", n, failed)
				os.Exit(1)
			}
			ns[n] = append(ns[n], float64(res.NsPerOp()))
			allocs[n], bytes[n] = res.AllocsPerOp(), res.AllocedBytesPerOp()
		}
	}
	fmt.Fprintln(os.Stderr)
	median := func(xs []float64) float64 {
		s := slices.Clone(xs)
		slices.Sort(s)
		return s[len(s)/2]
	}
	bare, dates := median(ns["stateless-bare"]), median(ns["dates"])
	fmt.Println("| side | ns/lap | allocs/lap | B/lap | vs stateless-bare | vs dates |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, n := range names {
		m := median(ns[n])
		fmt.Printf("| %s | %.0f | %d | %d | %.2fx | %.2fx |\n", n, m, allocs[n], bytes[n], m/bare, m/dates)
	}
}
