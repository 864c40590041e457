//go:build race

package fleet_test

// raceAllocs is what the race detector adds to a step's allocations.
const raceAllocs = 1
