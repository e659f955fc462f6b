#!/usr/bin/env bash
# npm test: everything from a clean clone. Builds the pinned wasmd and cosmwasm-check (cached in .cache/ after the
# first run), compiles and gates every contract (cosmwasm-check included), then runs all jest suites: SDK unit tests,
# contract tests on the in-process host, and real-chain tests on local wasmd nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

# The two native builds are independent: run them side by side and wait for both.
logs=$(mktemp -d)
bash scripts/build-wasmd.sh > "$logs/wasmd.log" 2>&1 & wasmd_pid=$!
bash scripts/install-cosmwasm-check.sh > "$logs/cosmwasm-check.log" 2>&1 & check_pid=$!
status=0
wait $wasmd_pid || status=1
cat "$logs/wasmd.log"
wait $check_pid || status=1
cat "$logs/cosmwasm-check.log"
rm -rf "$logs"
if [[ $status -ne 0 ]]; then echo "test: dependency build failed" >&2; exit 1; fi
echo "test: dependencies ready after $(( $(date +%s) - start ))s"

npx tsx scripts/build-contracts.ts --cosmwasm-check
npx tsx scripts/build-contracts.ts --test-contracts
npx jest --ci "$@"
echo "test: finished in $(( $(date +%s) - start ))s"
