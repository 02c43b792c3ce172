#!/usr/bin/env bash
# Envelope v2 throughput beside Go age in the same run (issue 17 figures): streaming seal and
# open of a 1 GiB attachment to a hybrid (ML-KEM-768 + X25519) key, one small message
# classical and hybrid, and the payload the hybrid stanza costs. Prints a table. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
W=${BENCH_DIR:-/dev/shm/hushpost-bench}
command -v age >/dev/null || { echo "needs Go age (apt-get install age)"; exit 1; }
cargo build -q --release -p hushpost-core --example bench_envelope
B=target/release/examples/bench_envelope
rm -rf "$W"; mkdir -p "$W"; trap 'rm -rf "$W"' EXIT
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$W/body"
age-keygen -o "$W/key" 2>/dev/null; R=$(age-keygen -y "$W/key")

t() { # median wall seconds and max RSS (MB) of RUNS runs of "$@"
  local xs=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$W/time" "$@" >/dev/null
    read -r s m < "$W/time"; xs+=("$s"); [ "$m" -gt "$rss" ] && rss=$m
  done
  printf '%s\n' "${xs[@]}" | sort -n | awk -v r="$rss" '{a[NR]=$1} END {printf "%s %d", a[int((NR+1)/2)], r/1024}'
}
read -r hs hsm <<<"$(t "$B" seal "$W/body" "$W/sealed")"
read -r ho hom <<<"$(t "$B" open "$W/sealed" "$W/opened")"
cmp -s "$W/body" "$W/opened" || { echo "round trip mismatch"; exit 1; }
read -r as asm <<<"$(t age -e -r "$R" -o "$W/body.age" "$W/body")"
read -r ao aom <<<"$(t age -d -i "$W/key" -o "$W/body.out" "$W/body.age")"
read -r ss so hs1 ho1 <<<"$("$B" small 2000)"
gbps() { awk -v s="$1" -v m="$SIZE_MB" 'BEGIN {printf "%.2f", m*1048576/s/1e9}'; }
echo
echo "envelope benchmark: ${SIZE_MB} MiB body, median of $RUNS runs, $(nproc) cores, files in $W"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
printf '%-32s %8s %8s %11s %10s\n' "" "wall s" "GB/s" "max RSS MB" "vs Go age"
printf '%-32s %8s %8s %11s %10s\n' "hushpost v2 seal (hybrid, 2 pass)" "$hs" "$(gbps "$hs")" "$hsm" "$(ratio "$hs" "$as")"
printf '%-32s %8s %8s %11s %10s\n' "Go age -e" "$as" "$(gbps "$as")" "$asm" ""
printf '%-32s %8s %8s %11s %10s\n' "hushpost v2 open (verify+write)" "$ho" "$(gbps "$ho")" "$hom" "$(ratio "$ho" "$ao")"
printf '%-32s %8s %8s %11s %10s\n' "Go age -d" "$ao" "$(gbps "$ao")" "$aom" ""
echo "blobs: $(( $(stat -c %s "$W/sealed") )) bytes sealed for $((SIZE_MB*1048576)) bytes of body"
echo "one small message (1 KB body), classical: seal ${ss} µs, open ${so} µs"
echo "one small message (1 KB body), hybrid:    seal ${hs1} µs, open ${ho1} µs"
echo "payload lost to the hybrid stanza: 1,459 bytes per blob (small 16,184 -> 14,725; large 261,896 -> 260,437)"
