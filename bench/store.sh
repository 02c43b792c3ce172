#!/usr/bin/env bash
# The local store beside notmuch on the same corpus, in the same run (issue "CLI over a
# folder drop" figures): ingest during `hushpost fetch` (open + verify + index), `list`
# newest 50, one-word `search`, peak RSS; and send + fetch of a 1 GiB attachment over a
# folder drop beside Go age. Not a test. N=100000 by default (notmuch new takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
BIG_MB=${BIG_MB:-1024}
W=${BENCH_DIR:-/dev/shm/hushpost-store-bench}
for t in notmuch hyperfine age; do command -v $t >/dev/null || { echo "needs $t (apt-get install $t)"; exit 1; }; done
cargo build -q --release -p hushpost --bin hushpost
cargo build -q --release -p hushpost-ops --example gen_corpus
HP=${CARGO_TARGET_DIR:-$PWD/target}/release/hushpost
GEN=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/gen_corpus
rm -rf "$W"; mkdir -p "$W/drop"; chmod 700 "$W"; trap 'rm -rf "$W"' EXIT
export A="$W/alice" B="$W/bob"
HUSHPOST_HOME=$A $HP init -q --name Alice --no-passphrase --route "dir:$W/drop" >/dev/null
HUSHPOST_HOME=$B $HP init -q --name Bob --no-passphrase --route "dir:$W/drop" >/dev/null
HUSHPOST_HOME=$A $HP -q contact add --allow-local bob "$(HUSHPOST_HOME=$B $HP id card)" >/dev/null
HUSHPOST_HOME=$B $HP -q contact add --allow-local alice "$(HUSHPOST_HOME=$A $HP id card)" >/dev/null

echo "generating $N messages (sealed blobs + the same messages as a Maildir)..." >&2
HUSHPOST_HOME=$A $GEN "$(HUSHPOST_HOME=$B $HP id card)" "$W/drop" "$W/Maildir" "$N"

timed() { /usr/bin/time -f "%e %M" -o "$W/t" "$@" >/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }; cat "$W/t"; }
read -r hp_ingest hp_ingest_rss <<<"$(HUSHPOST_HOME=$B timed $HP fetch)"
cat > "$W/notmuch-config" <<CFG
[database]
path=$W/Maildir
[user]
name=Bob
primary_email=bob@hushpost.invalid
[new]
tags=inbox
CFG
export NOTMUCH_CONFIG="$W/notmuch-config"
read -r nm_ingest nm_ingest_rss <<<"$(timed notmuch new)"
WORD=garden
# Also: a 3-letter prefix (matches garden and garage) and CJK inside a run of characters
# (the corpus has "日本語" among its words; 日本 is its first two characters, 本語 the last).
SHORT_WORDS=${SHORT_WORDS:-"gar 日本 本語"}
med() { hyperfine -N --warmup 3 --runs "${RUNS:-20}" --export-json "$W/h.json" "$@" >/dev/null 2>&1; /usr/bin/python3 -c "import json;r=json.load(open('$W/h.json'))['results'][0];print('%.1f' % (r['median']*1000))"; }
hp_list=$(HUSHPOST_HOME=$B med "$HP list --limit 50")
nm_list=$(med "notmuch search --limit=50 *")
hp_search=$(HUSHPOST_HOME=$B med "$HP search $WORD")
nm_search=$(med "notmuch search --limit=50 $WORD")
short_rows=()
for q in $SHORT_WORDS; do
  nq=$q
  [[ $q =~ ^[a-z]+$ ]] && nq="$q*"
  hs=$(HUSHPOST_HOME=$B med "$HP search $q")
  ns=$(med "notmuch search --limit=50 $nq")
  hn=$(HUSHPOST_HOME=$B $HP search --json "$q" | /usr/bin/python3 -c 'import json,sys;print(len(json.load(sys.stdin)))')
  nn=$(notmuch count "$nq")
  short_rows+=("$(printf '%-34s %14s %14s' "search '$q' ms (hits of 50 / all)" "$hs ($hn)" "$ns ($nn)")")
done
read -r _ hp_list_rss <<<"$(HUSHPOST_HOME=$B timed $HP list --limit 50)"
read -r _ nm_list_rss <<<"$(timed notmuch search --limit=50 '*')"
count=$(HUSHPOST_HOME=$B $HP list --json --limit 0 | /usr/bin/python3 -c 'import json,sys;print(len(json.load(sys.stdin)))')

if [ "${SKIP_BIG:-0}" = 1 ]; then BIG_MB=0; fi
if [ "$BIG_MB" -gt 0 ]; then
echo "generating ${BIG_MB} MiB attachment..." >&2
head -c $((BIG_MB * 1048576)) /dev/urandom > "$W/big.bin"
read -r hp_send hp_send_rss <<<"$(echo big | HUSHPOST_HOME=$A timed $HP send --to bob -s big -a "$W/big.bin")"
read -r hp_fetch hp_fetch_rss <<<"$(HUSHPOST_HOME=$B timed $HP fetch)"
age-keygen -o "$W/key" 2>/dev/null
read -r age_e age_e_rss <<<"$(timed age -e -r "$(age-keygen -y "$W/key")" -o "$W/big.age" "$W/big.bin")"
read -r age_d age_d_rss <<<"$(timed age -d -i "$W/key" -o "$W/big.out" "$W/big.age")"
fi

rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n/s}'; }
echo
echo "store benchmark: $count messages in the store, $(nproc) cores, files in $W"
printf '%-34s %14s %14s\n' "" "hushpost" "notmuch"
printf '%-34s %14s %14s\n' "ingest (msg/s)" "$(rate "$N" "$hp_ingest")" "$(rate "$N" "$nm_ingest")"
printf '%-34s %14s %14s\n' "ingest wall (s)" "$hp_ingest" "$nm_ingest"
printf '%-34s %14s %14s\n' "ingest peak RSS (MB)" "$((hp_ingest_rss/1024))" "$((nm_ingest_rss/1024))"
printf '%-34s %14s %14s\n' "list newest 50, median (ms)" "$hp_list" "$nm_list"
printf '%-34s %14s %14s\n' "search '$WORD', median (ms)" "$hp_search" "$nm_search"
printf '%-34s %14s %14s\n' "list peak RSS (MB)" "$((hp_list_rss/1024))" "$((nm_list_rss/1024))"
printf '%s\n' "${short_rows[@]}"
echo "(hushpost times are whole processes: start, open the keyring and the encrypted store, query, print)"
[ "$BIG_MB" -gt 0 ] || exit 0
echo
printf '%-34s %10s %12s\n' "${BIG_MB} MiB attachment" "wall s" "peak RSS MB"
printf '%-34s %10s %12s\n' "hushpost send (dir drop)" "$hp_send" "$((hp_send_rss/1024))"
printf '%-34s %10s %12s\n' "hushpost fetch (store, delete)" "$hp_fetch" "$((hp_fetch_rss/1024))"
printf '%-34s %10s %12s\n' "Go age -e" "$age_e" "$((age_e_rss/1024))"
printf '%-34s %10s %12s\n' "Go age -d" "$age_d" "$((age_d_rss/1024))"
