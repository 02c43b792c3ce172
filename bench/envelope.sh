#!/usr/bin/env bash
# Envelope throughput beside Go age in the same run (issue "Protocol core" figures):
# seal+open of a 1 GiB body, and one small message. Prints a table. Not a test.
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
read -r ss so <<<"$("$B" small 2000)"
gbps() { awk -v s="$1" -v m="$SIZE_MB" 'BEGIN {printf "%.2f", m*1048576/s/1e9}'; }
echo
echo "envelope benchmark: ${SIZE_MB} MiB body, median of $RUNS runs, $(nproc) cores, files in $W"
printf '%-28s %10s %10s %10s\n' "" "wall s" "GB/s" "max RSS MB"
printf '%-28s %10s %10s %10s\n' "hushpost seal (parallel)" "$hs" "$(gbps "$hs")" "$hsm"
printf '%-28s %10s %10s %10s\n' "Go age -e" "$as" "$(gbps "$as")" "$asm"
printf '%-28s %10s %10s %10s\n' "hushpost open (parallel)" "$ho" "$(gbps "$ho")" "$hom"
printf '%-28s %10s %10s %10s\n' "Go age -d" "$ao" "$(gbps "$ao")" "$aom"
echo "blobs: $(( $(stat -c %s "$W/sealed") )) bytes sealed for $((SIZE_MB*1048576)) bytes of body"
echo "one small message (1 KB body): seal ${ss} µs, open ${so} µs"
