#!/usr/bin/env bash
# The project's whole test run ("make test"): on a fresh Debian machine, as
# root, it installs and starts the real services the tests use (OpenSSH
# servers and MariaDB on loopback, see scripts/services.sh), then runs
# gofmt, go vet, staticcheck and every test under the race detector with
# CUP_REQUIRE_SERVICES=1, so a missing service fails instead of skipping.
# The services are stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH 2>/dev/null || echo /root/go)/bin"
STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}

step() { printf '\n==> %s\n' "$*"; }

# first_free PORT ADDR...: the first port from PORT up (step 100) on which
# nothing listens at any of the addresses, so that a run never collides
# with services a developer left running.
first_free() {
  local p=$1 a busy; shift
  for ((; p < 65000; p += 100)); do
    busy=
    for a in "$@"; do (exec 3<>"/dev/tcp/$a/$p") 2>/dev/null && busy=1 && break; done
    [ -z "$busy" ] && { echo "$p"; return; }
  done
  return 1
}

step "starting test services"
export CUP_SERVICES_DIR=${CUP_SERVICES_DIR:-$(mktemp -d /tmp/cup-services.XXXXXX)}
export CUP_SSH_PORT=${CUP_SSH_PORT:-$(first_free 22022 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8 127.0.0.9)}
export CUP_MYSQL_PORT=${CUP_MYSQL_PORT:-$(first_free 33306 127.0.0.1)}
trap 'bash scripts/services.sh stop || true' EXIT
eval "$(bash scripts/services.sh start)"
export CUP_REQUIRE_SERVICES=1

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.services/*'))
if [ -n "$unformatted" ]; then
  printf 'gofmt would change:\n%s\n' "$unformatted"
  exit 1
fi

step "go vet"
go vet ./...
# The tests against Baidu's CUP need a CUP checkout to run
# (scripts/interop-cup.sh); here they are only compiled, vetted and
# checked by staticcheck (the interop tag adds files, it hides none).
go vet -tags interop ./...
(cd bench && go vet ./...)

step "staticcheck $STATICCHECK_VERSION"
go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" -tags interop ./...

step "go test -race"
go test -race -count=1 -timeout 20m ./...
