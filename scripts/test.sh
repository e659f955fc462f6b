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
# In-process suites run in parallel; real-chain suites share nodes and accounts, so they run one at a time.
results=$(mktemp -d)
status=0
npx jest "$@" --ci --passWithNoTests --json --outputFile "$results/in-process.json" --selectProjects unit contracts || status=1
npx jest "$@" --ci --passWithNoTests --runInBand --json --outputFile "$results/chain.json" --selectProjects chain || status=1
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`test: ${passed} passed, ${failed} failed`);
' "$results/in-process.json" "$results/chain.json"
rm -rf "$results"
echo "test: finished in $(( $(date +%s) - start ))s"
exit $status
