#!/usr/bin/env bash
# Envelope v2 throughput beside Go age in the same run (issue 17 figures): streaming seal and
# open of a 1 GiB attachment to a hybrid (ML-KEM-768 + X25519) key, one small message
# classical and hybrid, and the payload the hybrid stanza costs. Prints a table. Not a test.
#
# The four commands run interleaved (ours, Go's, ours, Go's …) so that load from other
# processes on the machine hits both sides alike; each figure is the median of RUNS, and
# the ratio column is the median of the per-run ratios. CPU s = user + system.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-5}
W=${BENCH_DIR:-/dev/shm/hushpost-bench}
command -v age >/dev/null || { echo "needs Go age (apt-get install age)"; exit 1; }
cargo build -q --release -p hushpost-core --example bench_envelope
B=target/release/examples/bench_envelope
rm -rf "$W"; mkdir -p "$W"; trap 'rm -rf "$W"' EXIT
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$W/body"
age-keygen -o "$W/key" 2>/dev/null; R=$(age-keygen -y "$W/key")

# one run: appends "wall cpu rss_kb" to $W/<name>
t() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$@" >/dev/null
  read -r e u s m < "$W/time"
  echo "$e $(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}') $m" >> "$W/$name"
}
# Each output is removed before its command: freeing the last run's 1 GiB of tmpfs pages
# inside the timed open() took 0.3-1.5 s of system time that varied from run to run and
# was the largest noise in both tools' figures.
for _ in $(seq "$RUNS"); do
  rm -f "$W/sealed"; t seal "$B" seal "$W/body" "$W/sealed"
  rm -f "$W/body.age"; t age_e age -e -r "$R" -o "$W/body.age" "$W/body"
  rm -f "$W/opened"; t open "$B" open "$W/sealed" "$W/opened"
  rm -f "$W/body.out"; t age_d age -d -i "$W/key" -o "$W/body.out" "$W/body.age"
done
cmp -s "$W/body" "$W/opened" || { echo "round trip mismatch"; exit 1; }
cmp -s "$W/body" "$W/body.out" || { echo "Go age round trip mismatch"; exit 1; }
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$W/$1" | med; }
maxrss() { awk '{if ($3 > m) m = $3} END {printf "%d", m / 1024}' "$W/$1"; }
ratio() { paste -d' ' "$W/$1" "$W/$2" | awk '{print $1 / $4}' | med; }
gbps() { awk -v s="$1" -v m="$SIZE_MB" 'BEGIN {printf "%.2f", m*1048576/s/1e9}'; }
read -r ss so hs1 ho1 <<<"$("$B" small 2000)"
echo
echo "envelope benchmark: ${SIZE_MB} MiB body, median of $RUNS interleaved runs, $(nproc) cores, files in $W"
echo "load average before the table: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %7s %7s %7s %11s %12s\n' "" "wall s" "CPU s" "GB/s" "max RSS MB" "wall vs Go"
row() { printf '%-34s %7s %7s %7s %11s %12s\n' "$1" "$(col "$2" 1)" "$(col "$2" 2)" "$(gbps "$(col "$2" 1)")" "$(maxrss "$2")" "$3"; }
row "hushpost v2 seal (hybrid, 2 pass)" seal "$(ratio seal age_e)"
row "Go age -e" age_e ""
row "hushpost v2 open (verify + write)" open "$(ratio open age_d)"
row "Go age -d" age_d ""
echo "blobs: $(stat -c %s "$W/sealed") bytes sealed for $((SIZE_MB*1048576)) bytes of body"
echo "one small message (1 KB body), classical: seal ${ss} µs, open ${so} µs"
echo "one small message (1 KB body), hybrid:    seal ${hs1} µs, open ${ho1} µs"
echo "payload lost to the hybrid stanza: 1,459 bytes per blob (small 16,184 -> 14,725; large 261,896 -> 260,437)"
