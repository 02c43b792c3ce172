#!/usr/bin/env bash
# TUI figures (issue "The TUI inbox"): time to first paint and RSS with 100k messages in
# the store; keypress-to-redraw latency while a fetch of 1,000 messages runs in the
# background. Drives the real release binary on a pseudo-terminal. Not a test.
#   N=100000 FETCH=1000 BENCH_DIR=/tmp/... bench/tui.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
FETCH=${FETCH:-1000}
T=${CARGO_TARGET_DIR:-target}
command -v python3 >/dev/null || { echo "needs python3"; exit 1; }
cargo build -q --release -p hushpost --bin hushpost
cargo build -q --release -p hushpost-tui --example tui_bench
W=${BENCH_DIR:-$(mktemp -d /tmp/hushpost-tui-bench.XXXXXX)}
mkdir -p "$W"; chmod 700 "$W"; trap 'rm -rf "$W"' EXIT
"$T/release/examples/tui_bench" "$W" "$N" "$FETCH"
echo
echo "TUI benchmark: $N messages in the store, $FETCH waiting in the drop, 100x30, $(nproc) cores, files in $W"
python3 bench/tui_pty.py "$T/release/hushpost" "$W/bob"
