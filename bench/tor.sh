#!/usr/bin/env bash
# Benchmark (not a test): the cost of the SOCKS5 path (issue 7). 1,000 small relay round
# trips (put 16 KiB, fetch by capability, delete) against our relay over real TLS on
# loopback, directly and through two real SOCKS5 servers, in the same run: microsocks
# (Debian; it leaves Nagle on, so small writes it relays wait for delayed ACKs) and the
# asyncio proxy of the test bed (TCP_NODELAY). Tor adds its circuit latency on top, which
# no loopback measurement can show.
#
# Usage: bench/tor.sh [N]   (env: CARGO_TARGET_DIR=...)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}

need=()
command -v microsocks >/dev/null || need+=(microsocks)
command -v python3 >/dev/null || need+=(python3)
. bench/lib.sh
install_missing "${need[@]}"

cargo build --release -q -p hushpost -p hushpost-transports --examples --bins
T=${CARGO_TARGET_DIR:-target}/release
BIN=$T/hushpost

start_relay "$BIN"

MPORT=$(free_port)
microsocks -i 127.0.0.1 -p "$MPORT" >/dev/null 2>&1 &
echo $! >"$W/microsocks.pid"
PPORT=$(free_port)
python3 scripts/servers/socks_proxy.py /dev/null 127.0.0.1 "$PPORT" >/dev/null 2>&1 &
echo $! >"$W/asyncio.pid"
for p in $MPORT $PPORT; do
  for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.05; done
done

echo "== through microsocks"
"$T/examples/bench_socks" "$ROUTE" "socks5h://127.0.0.1:$MPORT" "$N"
echo
echo "== through the asyncio SOCKS5 proxy (TCP_NODELAY)"
"$T/examples/bench_socks" "$ROUTE" "socks5h://127.0.0.1:$PPORT" "$N"
