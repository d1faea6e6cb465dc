#!/usr/bin/env bash
# The project's whole test run ("make test"): on a fresh Debian machine, as
# root, it installs and starts the real services the tests use (OpenSSH
# servers and MariaDB on loopback, see scripts/services.sh), then runs
# go vet, staticcheck and every test under the race detector with
# CUP_REQUIRE_SERVICES=1, so a missing service fails instead of skipping.
# The services are stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH 2>/dev/null || echo /root/go)/bin"
STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}

step() { printf '\n==> %s\n' "$*"; }

step "starting test services"
export CUP_SERVICES_DIR=${CUP_SERVICES_DIR:-$(mktemp -d /tmp/cup-services.XXXXXX)}
trap 'bash scripts/services.sh stop || true' EXIT
eval "$(bash scripts/services.sh start)"
export CUP_REQUIRE_SERVICES=1

step "go vet"
go vet ./...
(cd bench && go vet ./...)

step "staticcheck $STATICCHECK_VERSION"
go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./...

step "go test -race"
go test -race -count=1 -timeout 20m ./...
