module github.com/cupgo/cup/bench

go 1.26.8

require (
	github.com/cupgo/cup v0.0.0
	github.com/oklog/ulid/v2 v2.1.2
	github.com/panjf2000/ants/v2 v2.12.1
	github.com/rs/xid v1.6.0
	go.uber.org/zap v1.28.0
	gopkg.in/ini.v1 v1.67.3
	gopkg.in/natefinch/lumberjack.v2 v2.2.1
)

require (
	github.com/google/uuid v1.6.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	golang.org/x/sync v0.11.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/cupgo/cup => ..
