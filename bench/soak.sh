#!/usr/bin/env bash
# The scenario suite's long run (issue 13): cli/tests/scenario.rs for DURATION (default 30m;
# "45s", "10m", "2h") with a seed (SEED=…, default: random, printed), against the real
# servers — the ones already described by HUSHPOST_TEST_* in the environment, else started
# here with scripts/servers/*.sh as scripts/test.sh does (root). Not a test, not in CI
# (CI runs one short seed). Prints: messages, faults injected, lost, duplicated, direct
# connections, peak RSS; a failing seed is printed by the test for replay.
#
# Usage: bench/soak.sh [DURATION]      (env: SEED=0x…)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-30m}
case "$DUR" in
  *h) SECS=$(( ${DUR%h} * 3600 ));; *m) SECS=$(( ${DUR%m} * 60 ));;
  *s) SECS=${DUR%s};; *) SECS=$DUR;;
esac
SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
if [ -z "${HUSHPOST_TEST_SSH_HOST:-}" ]; then
  RUN=$(mktemp -d /tmp/hushpost-soak.XXXXXX)
  cleanup() {
    for f in "$RUN"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
    [ -e "$RUN/cleanup.sh" ] && bash "$RUN/cleanup.sh" || true
    rm -rf "$RUN"
  }
  trap cleanup EXIT
  for s in scripts/servers/*.sh; do eval "$(RUN="$RUN" bash "$s")"; done
fi
export HUSHPOST_REQUIRE_TOOLS=1 HUSHPOST_SCENARIO_SECS=$SECS HUSHPOST_SCENARIO_SEED=$SEED
echo "soak: ${SECS}s, seed $SEED (replay: SEED=$SEED bench/soak.sh $DUR)" >&2
LOG=$(mktemp /var/tmp/hushpost-soak-log.XXXXXX)
set +e
cargo test -q -p hushpost --test scenario -- --nocapture 2>&1 | tee "$LOG" | grep -E '^(scenario|soak)' >&2
code=${PIPESTATUS[0]}
set -e
line=$(grep '^soak-summary: ' "$LOG" | tail -1)
if [ -z "$line" ]; then
  echo "the scenario failed before its summary (seed $SEED); log: $LOG" >&2
  exit 1
fi
echo
echo "${line#soak-summary: }" | tr ';' '\n' | sed 's/^ *//'
[ "$code" = 0 ] || { echo "FAILED (seed $SEED); log: $LOG"; exit "$code"; }
rm -f "$LOG"
