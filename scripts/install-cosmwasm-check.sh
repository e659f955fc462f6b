#!/usr/bin/env bash
# Installs cosmwasm-check (the VM's own upload validation) of the pinned wasmvm line (wasmvm v2.2.8 in wasmd v0.54.9; 2.2.10 is the first 2.2.x that links with current Rust, and adds 2.2.9's locals limits)
# into .cache/cargo/bin. Idempotent. cargo's output goes to .cache/logs/cosmwasm-check.log, with a heartbeat line
# every 30 s and the log's tail on failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/progress.sh"
version="2.2.10"
bin="$root/.cache/cargo/bin/cosmwasm-check"
log="$root/.cache/logs/cosmwasm-check.log"
if [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -q "$version"; then
  echo "cosmwasm-check: cached ($("$bin" --version))"
  exit 0
fi
echo "cosmwasm-check: compiling $version from crates.io (cold: several minutes on 2 cores; log: $log)..."
start=$(date +%s)
run_logged "cosmwasm-check build" "$log" cargo install --locked --root "$root/.cache/cargo" --version "$version" cosmwasm-check
echo "cosmwasm-check: installed in $(( $(date +%s) - start ))s"
