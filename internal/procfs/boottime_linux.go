package procfs

import (
	"time"

	"golang.org/x/sys/unix"
)

// clockBootTime returns the btime of /proc/stat without reading the file.
// The kernel prints btime as the seconds of CLOCK_REALTIME −
// CLOCK_BOOTTIME (its offs_real − offs_boot, shifted by the time
// namespace's offset as clock_gettime is), a constant between clock steps.
// One CLOCK_BOOTTIME reading between two CLOCK_REALTIME readings bounds
// that difference; when both bounds fall in the same second, that second
// is btime exactly. ok is false when they do not (the difference lies
// within a microsecond or so of a whole second, or the clock stepped or
// the machine slept meanwhile) after a few tries; the caller then reads
// /proc/stat. TestClockBootTimeMatchesStat checks it against the file.
func clockBootTime() (btime uint64, ok bool) {
	for range 3 {
		var ts unix.Timespec
		r1 := time.Now().UnixNano()
		if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
			return 0, false
		}
		r2 := time.Now().UnixNano()
		boot := ts.Nano()
		lo, hi := r1-boot, r2-boot
		if lo <= 0 || hi < lo {
			continue
		}
		if lo/1e9 == hi/1e9 {
			return uint64(lo / 1e9), true
		}
	}
	return 0, false
}
