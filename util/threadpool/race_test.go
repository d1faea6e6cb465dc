//go:build race

package threadpool

// raceEnabled: the race detector enlarges frames and stack guards.
const raceEnabled = true
