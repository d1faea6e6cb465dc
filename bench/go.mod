module github.com/cupgo/cup/bench

go 1.26.8

require github.com/cupgo/cup v0.0.0

replace github.com/cupgo/cup => ..
