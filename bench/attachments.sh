#!/usr/bin/env bash
# Attachments end to end beside Go age in the same run (issue 16 item 5): a SIZE_MB
# attachment (default 1 GiB) sent, fetched and saved by the release binary over a folder
# drop and over our relay (default settings: its quota of 128 blobs per mailbox makes the
# sender's outbox hand the rest on as the recipient drains), and Go `age -e` / `age -d`
# on the same bytes. Wall time and peak RSS (/usr/bin/time) of every command; the ratio
# columns compare send with `age -e` and fetch + save with `age -d`. Prints a table. Not a
# test (the bounded-memory test is cli/tests/large.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SIZE_MB=${SIZE_MB:-1024}
command -v age >/dev/null || install_missing age
cargo build -q --release -p hushpost --bin hushpost
HP=$PWD/target/release/hushpost
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$W/big.bin"

# t NAME CMD…: runs CMD under /usr/bin/time, appends "NAME wall rss_mib" to $W/times.
t() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/out" 2>"$W/err" <"${STDIN:-/dev/null}" \
    || { echo "$name failed:"; cat "$W/err"; exit 1; }
  read -r e m < "$W/time"
  echo "$name $e $((m / 1024))" >> "$W/times"
}
hp() { local who=$1; shift; HUSHPOST_HOME="$W/$who" NO_COLOR=1 "$HP" "$@"; }
sum() { awk -v a="$1" '$1 ~ a {s += $2} END {printf "%.2f", s}' "$W/times"; }
peak() { awk -v a="$1" '$1 ~ a {if ($3 > m) m = $3} END {printf "%d", m}' "$W/times"; }

age-keygen -o "$W/age.key" 2>/dev/null
R=$(age-keygen -y "$W/age.key")
# go_age KIND: Go age -e then -d on the same bytes, just before KIND's own steps, so that
# each ratio sets a step beside Go age measured minutes apart at most (this machine's
# write speed drifts by 2-3x over a quarter of an hour).
# Go age leaves its output in the page cache; hushpost makes what it stores durable (the
# outbox or drop on send, the store on fetch) before it says done. The "+ fsync" rows show
# what Go age costs when its output is made durable too (coreutils `sync FILE` = fsync),
# for reference; the ratios are against plain Go age, as the issue names them.
go_age() {
  t "${1}_age_e" age -e -r "$R" -o "$W/big.age" "$W/big.bin"
  t "${1}_age_d" age -d -i "$W/age.key" -o "$W/big.out" "$W/big.age"
  rm -f "$W/big.age" "$W/big.out"
  t "${1}_sync_e" sh -c 'age -e -r "$1" -o "$2" "$3" && sync "$2"' _ "$R" "$W/big.age" "$W/big.bin"
  t "${1}_sync_d" sh -c 'age -d -i "$1" -o "$2" "$3" && sync "$2"' _ "$W/age.key" "$W/big.out" "$W/big.age"
  rm -f "$W/big.age" "$W/big.out"
}

# setup KIND: Alice and Bob with their own routes of KIND (dir or relay), cover off.
setup() {
  local kind=$1
  rm -rf "$W/alice" "$W/bob" "$W/shared" "$W/saved"
  mkdir -p "$W/shared"
  for who in alice bob; do
    hp "$who" init --name "$who" --no-passphrase --route "dir:$W/shared" >/dev/null
    printf '\n[cover]\nschemes = []\n' >> "$W/$who/config.toml"
    if [ "$kind" = relay ]; then
      hp "$who" route add "$ROUTE" >/dev/null
      hp "$who" route remove "dir:$W/shared" >/dev/null
    fi
  done
  hp alice contact add --allow-local bob "$(hp bob id card)" >/dev/null
  hp bob contact add --allow-local alice "$(hp alice id card)" >/dev/null
}

# run KIND: send, then fetch (and, over a relay, outbox retry) until it is there, save.
run() {
  local kind=$1
  setup "$kind"
  go_age "$kind"
  echo "the big one" > "$W/letter"
  STDIN="$W/letter" t "${kind}_send" env HUSHPOST_HOME="$W/alice" "$HP" send --to bob -s big \
    --attach "$W/big.bin"
  for i in $(seq 400); do
    t "${kind}_fetch" env HUSHPOST_HOME="$W/bob" "$HP" fetch
    hp bob list --json | grep -q '"big"' && break
    t "${kind}_send_retry" env HUSHPOST_HOME="$W/alice" "$HP" outbox retry
  done
  local id
  id=$(hp bob list --json | python3 -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin) if m["subject"]=="big"][0])')
  t "${kind}_save" env HUSHPOST_HOME="$W/bob" "$HP" read "$id" --save-attachments "$W/saved"
  cmp -s "$W/big.bin" "$W/saved/big.bin" || { echo "$kind: saved file differs"; exit 1; }
}

run dir
start_relay "$HP"
run relay

printf '\n%s MiB attachment, same run (wall s, peak RSS MiB); Go age measured just before each transport\n' "$SIZE_MB"
printf '%-34s %8s %8s %8s\n' "step" "wall s" "RSS MiB" "÷ Go age"
for kind in dir relay; do
  ae=$(sum "^${kind}_age_e$"); ad=$(sum "^${kind}_age_d$")
  s=$(sum "^${kind}_send"); f=$(sum "^${kind}_fetch$"); v=$(sum "^${kind}_save$")
  rounds=$(awk -v a="^${kind}_fetch$" '$1 ~ a {n++} END {print n}' "$W/times")
  printf '%-34s %8s %8s %8s\n' "$kind: Go age -e" "$ae" "$(peak "^${kind}_age_e$")" ""
  printf '%-34s %8s %8s %8s\n' "$kind: Go age -e + fsync" "$(sum "^${kind}_sync_e$")" "" ""
  printf '%-34s %8s %8s %8s\n' "$kind: send (+ outbox retries)" "$s" "$(peak "^${kind}_send")" \
    "$(awk -v a="$s" -v b="$ae" 'BEGIN {printf "%.2f", a / b}')"
  printf '%-34s %8s %8s %8s\n' "$kind: Go age -d" "$ad" "$(peak "^${kind}_age_d$")" ""
  printf '%-34s %8s %8s %8s\n' "$kind: Go age -d + fsync" "$(sum "^${kind}_sync_d$")" "" ""
  printf '%-34s %8s %8s %8s\n' "$kind: fetch ($rounds round(s))" "$f" "$(peak "^${kind}_fetch$")" ""
  printf '%-34s %8s %8s %8s\n' "$kind: read --save-attachments" "$v" "$(peak "^${kind}_save$")" ""
  printf '%-34s %8s %8s %8s\n' "$kind: fetch + save" \
    "$(awk -v a="$f" -v b="$v" 'BEGIN {printf "%.2f", a + b}')" "" \
    "$(awk -v a="$f" -v b="$v" -v c="$ad" 'BEGIN {printf "%.2f", (a + b) / c}')"
done
