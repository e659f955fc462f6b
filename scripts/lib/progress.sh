# Progress output for long shell steps (sourced by test.sh, build-wasmd.sh, install-cosmwasm-check.sh), so a first
# run's native builds never leave a silent terminal:
#   stage NAME                    "==> NAME [+12s]" (seconds since MESH_PROGRESS_T0, set on first use)
#   run_logged LABEL LOG CMD...   runs CMD with its output in LOG; every MESH_HEARTBEAT_SECONDS (default 30) prints
#                                 "LABEL: still running, 95s elapsed; last: <last log line>"; on failure prints the
#                                 log's last 40 lines; returns CMD's status.
: "${MESH_PROGRESS_T0:=$(date +%s)}"
export MESH_PROGRESS_T0

stage() {
  echo "==> $* [+$(( $(date +%s) - MESH_PROGRESS_T0 ))s]"
}

run_logged() {
  local label="$1" log="$2"
  shift 2
  local every="${MESH_HEARTBEAT_SECONDS:-30}" start pid status next
  mkdir -p "$(dirname "$log")"
  : > "$log"
  start=$(date +%s)
  "$@" > "$log" 2>&1 &
  pid=$!
  next=$(( start + every ))
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( $(date +%s) >= next )) && kill -0 "$pid" 2>/dev/null; then
      echo "$label: still running, $(( $(date +%s) - start ))s elapsed; last: $(tail -n 1 "$log" | cut -c1-160)"
      next=$(( next + every ))
    fi
  done
  status=0
  wait "$pid" || status=$?
  if (( status != 0 )); then
    echo "$label: FAILED (exit $status) after $(( $(date +%s) - start ))s; last lines of $log:" >&2
    tail -n 40 "$log" | sed 's/^/  | /' >&2
  fi
  return "$status"
}
