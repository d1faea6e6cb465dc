//go:build !race

package netasync

const raceEnabled = false
