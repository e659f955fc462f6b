#!/usr/bin/env bash
# Headless Chromium for the dashboard's browser test (tests/chain/dashboard.ts): Debian's `chromium` package,
# installed with apt when no Chromium is on the PATH (CI starts from nothing). MESH_CHROMIUM names another binary.
set -euo pipefail
bin="${MESH_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [[ -n "$bin" && -x "$bin" ]]; then
  echo "chromium: $("$bin" --version 2>/dev/null | tail -1) ($bin)"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "chromium: not found and no apt-get here; install Chromium and set MESH_CHROMIUM to its binary" >&2
  exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "chromium: installing Debian's chromium package with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium: $(chromium --version 2>/dev/null | tail -1)"
