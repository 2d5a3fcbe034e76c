#!/usr/bin/env bash
# Runs one test file N times in a row (outside npm test) and prints how many runs passed: the loaded-host and frozen-host figures.
# Usage: scripts/repeat-test.sh test/pty/loaded-host.test.ts 20
set -uo pipefail
cd "$(dirname "$0")/.."
file="${1:?usage: scripts/repeat-test.sh FILE [RUNS]}"
runs="${2:-20}"
passed=0
log="$(mktemp -t mnpen-repeat-XXXXXX.log)"
for ((run = 1; run <= runs; run++)); do
  if npx vitest run "$file" >"$log.$run" 2>&1; then
    passed=$((passed + 1))
    outcome=pass
  else
    outcome=FAIL
  fi
  figures="$(sed 's/\x1b\[[0-9;]*m//g' "$log.$run" | grep -E '^(loaded host|frozen host):' | tr '\n' ' ')"
  echo "run $run/$runs: $outcome (load average $(cut -d' ' -f1 /proc/loadavg)) $figures"
done
echo "$file: $passed/$runs passed (logs: $log.N)"
