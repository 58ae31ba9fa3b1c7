//go:build !race

package timex

const raceEnabled = false
