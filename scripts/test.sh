#!/usr/bin/env bash
# npm test: everything from a clean clone. Builds the pinned wasmd and cosmwasm-check (cached in .cache/ after the
# first run), compiles and gates every contract (cosmwasm-check included), then runs all jest suites: SDK unit tests,
# contract tests on the in-process host, and real-chain tests on local wasmd nodes.
# Every stage prints a line with the time since the start; the native builds print a heartbeat every 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh

# The two native builds are independent: run them side by side (each prints its own progress) and wait for both.
stage "dependencies: wasmd and cosmwasm-check (cached after the first run), Chromium for the dashboard's browser test"
bash scripts/build-wasmd.sh & wasmd_pid=$!
bash scripts/install-cosmwasm-check.sh & check_pid=$!
bash scripts/install-chromium.sh & chromium_pid=$!
status=0
wait $wasmd_pid || status=1
wait $check_pid || status=1
wait $chromium_pid || status=1
if [[ $status -ne 0 ]]; then echo "test: dependency build failed (log tail above)" >&2; exit 1; fi

stage "contracts: build, wasm gate, cosmwasm-check"
npx tsx scripts/build-contracts.ts --cosmwasm-check
stage "test contracts"
npx tsx scripts/build-contracts.ts --test-contracts
# In-process suites run in parallel; real-chain suites share nodes and accounts, so they run one at a time.
results=$(mktemp -d)
status=0
stage "jest: unit and contract suites (in-process)"
npx jest "$@" --ci --passWithNoTests --json --outputFile "$results/in-process.json" --selectProjects unit contracts || status=1
stage "jest: real-chain suites (starts local wasmd chains)"
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
stage "test: finished"
exit $status
