//go:build race

package django

// raceEnabled: the race detector slows everything down several times.
const raceEnabled = true
