package version_test

import (
	"fmt"
	"regexp"
	"runtime"
	"testing"

	"github.com/cupgo/cup/version"
)

// semver is the regular expression of semver.org, with a leading "v".
var semver = regexp.MustCompile(`^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func TestConstants(t *testing.T) {
	if version.CUPVersion != "3.2.7" || version.Author != "CUP-DEV Team" || version.AuthorEmail != "mythmgn@gmail.com" {
		t.Fatalf("constants changed: %q %q %q", version.CUPVersion, version.Author, version.AuthorEmail)
	}
	if !semver.MatchString(version.Version) {
		t.Fatalf("Version %q is not a semantic version", version.Version)
	}
}

func TestGet(t *testing.T) {
	info := version.Get()
	if info.Version != version.Version || info.CUPVersion != "3.2.7" {
		t.Fatalf("Get() = %+v", info)
	}
	if info.GoVersion != runtime.Version() || info.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Fatalf("Get() toolchain fields wrong: %+v", info)
	}
}

func ExampleGet() {
	info := version.Get()
	fmt.Println("ports CUP", info.CUPVersion)
	// Output: ports CUP 3.2.7
}
