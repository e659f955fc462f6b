#!/usr/bin/env bash
# Builds the pinned wasmd node (ci/wasmd/go.mod) from the Go module proxy into .cache/bin/wasmd.
# Idempotent: does nothing when the cached binary already matches the pinned go.sum. The build's output goes to
# .cache/logs/wasmd-build.log; a heartbeat line every 30 s shows it is alive, and a failure prints the log's tail.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/progress.sh"
out="$root/.cache/bin"
stamp="$out/wasmd.gosum.sha256"
log="$root/.cache/logs/wasmd-build.log"
version="$(grep -m1 'CosmWasm/wasmd ' "$root/ci/wasmd/go.mod" | awk '{print $NF}')"
# -checklinkname=0: Go >= 1.24 refuses a transitive go:linkname without it (wasmd's Makefile sets it too).
sdk=github.com/cosmos/cosmos-sdk/version
ldflags="-checklinkname=0 -X $sdk.Name=wasmd -X $sdk.AppName=wasmd -X $sdk.Version=$version"
want="$( (cat "$root/ci/wasmd/go.sum"; echo "$ldflags") | sha256sum | cut -d' ' -f1)"
if [[ -x "$out/wasmd" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "wasmd: cached at $out/wasmd"
  exit 0
fi
mkdir -p "$out"
echo "wasmd: building $version from the Go module proxy (cold: 5-15 min on 2 cores; log: $log)..."
start=$(date +%s)
cd "$root/ci/wasmd"
# -v names each package as it compiles: the heartbeat's "last:" shows how far the build is.
run_logged "wasmd build" "$log" env GOTOOLCHAIN=local CGO_ENABLED=1 go build -v -mod=mod -trimpath -ldflags="$ldflags" -tags "netgo" \
  -o "$out/wasmd" github.com/CosmWasm/wasmd/cmd/wasmd
echo "$want" > "$stamp"
echo "wasmd: built $("$out/wasmd" version 2>&1 | head -1) (libwasmvm $("$out/wasmd" query wasm libwasmvm-version 2>&1)) in $(( $(date +%s) - start ))s"
