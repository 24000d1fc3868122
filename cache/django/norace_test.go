//go:build !race

package django

const raceEnabled = false
