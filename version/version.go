// Package version reports the version of the cup library and of the CUP
// release whose behaviour it ports (CUP's cup.version and cup.const).
package version

import (
	"runtime"
	"runtime/debug"
)

// CUPVersion is the release of Baidu's CUP whose behaviour this library
// ports (cup.version.VERSION).
const CUPVersion = "3.2.7"

// Author is CUP's author string (cup.version.AUTHOR).
const Author = "CUP-DEV Team"

// AuthorEmail is CUP's contact address (cup.const.AUTHOR).
const AuthorEmail = "mythmgn@gmail.com"

// Version is this Go module's own semantic version. Release builds may
// override it with -ldflags "-X github.com/cupgo/cup/version.Version=...".
var Version = "v0.1.0"

// Info describes the running build.
type Info struct {
	Version    string `json:"version"`            // this module's version
	CUPVersion string `json:"cup_version"`        // the CUP release ported
	GoVersion  string `json:"go_version"`         // the Go toolchain that built the binary
	Platform   string `json:"platform"`           // GOOS/GOARCH
	Revision   string `json:"revision,omitempty"` // VCS revision, when the build recorded one
	Modified   bool   `json:"modified,omitempty"` // the work tree had uncommitted changes
}

// Get returns the build information of the running binary.
func Get() Info {
	info := Info{
		Version:    Version,
		CUPVersion: CUPVersion,
		GoVersion:  runtime.Version(),
		Platform:   runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	return info
}
