#!/usr/bin/env bash
# Fuzzing for real (not a test, not in CI): every target of every cargo-fuzz workspace in
# the repository (core/fuzz, relay/fuzz, transports/fuzz — the client side: SFTP listings,
# IMAP FETCH answers, relay pages — and any other */fuzz with cargo-fuzz metadata), each
# for 10 million executions or 20 minutes, whichever comes first, on the nightly toolchain.
# Installs cargo-fuzz if it is missing. Prints executions, coverage (edges), corpus size and
# crashes per target; crashing inputs stay in <workspace>/artifacts/<target>/ — turn each
# into a regression test (the CRASHES list in relay/tests/fuzz_smoke.rs or
# transports/tests/fuzz_smoke.rs). Seeds in <workspace>/seeds/<target>/ are read too.
#
# Usage: bench/fuzz.sh            (env: RUNS=10000000 SECS=1200 TARGETS="name…" JOBS=1)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10000000}
SECS=${SECS:-1200}
JOBS=${JOBS:-1}

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

OUT=$(mktemp -d /var/tmp/hushpost-fuzz.XXXXXX)
rows=()
for ws in $(grep -l 'cargo-fuzz = true' */fuzz/Cargo.toml | xargs -n1 dirname); do
  for t in $(cd "$ws" && cargo +nightly fuzz list); do
    if [ -n "${TARGETS:-}" ] && ! grep -qw "$t" <<<"$TARGETS"; then continue; fi
    log=$OUT/$(basename "$(dirname "$ws")")-$t.log
    mkdir -p "$ws/corpus/$t"
    echo "== $ws $t (up to $RUNS runs or $SECS s)" >&2
    set +e
    seeds=(); [ -d "$ws/seeds/$t" ] && seeds=("seeds/$t")
    (cd "$ws" && cargo +nightly fuzz run "$t" -j "$JOBS" "corpus/$t" "${seeds[@]}" -- \
      -runs="$RUNS" -max_total_time="$SECS" -print_final_stats=1) >"$log" 2>&1
    code=$?
    set -e
    execs=$(awk '/stat::number_of_executed_units/ {print $NF}' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
    corpus=$(find "$ws/corpus/$t" -type f | wc -l)
    crashes=$(find "$ws/artifacts/$t" -type f 2>/dev/null | wc -l)
    secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{print $5}' | tail -1)
    rows+=("$(printf '%-14s %-16s %12s %8s %8s %8s %6s %s' "$ws" "$t" "${execs:-?}" "${secs:-?}" \
      "${cov:-?}" "$corpus" "$crashes" "$([ $code = 0 ] || echo "exit $code, see $log")")")
  done
done
echo
printf '%-14s %-16s %12s %8s %8s %8s %6s\n' workspace target executions seconds edges corpus crashes
printf '%s\n' "${rows[@]}"
echo "logs: $OUT"
