#!/usr/bin/env bash
# The live Maildir beside notmuch on the same folder, in the same run (issue 19): what the
# Maildir sync costs — first delivery of N messages (each written and fsynced in tmp/,
# linked into new/ or cur/), a sync with nothing changed (what every fetch and poll adds),
# and a sync after the client marked a tenth of them read — beside `notmuch new` making its
# own pass over the very same folder right after. Not a test. N=10000 by default; the work
# dir is on the real disk (/var/tmp), so fsync costs what it costs.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${N:-10000}
need=()
for t in notmuch hyperfine; do command -v $t >/dev/null || need+=("$t"); done
install_missing "${need[@]}"
cargo build -q --release -p hushpost --bin hushpost
cargo build -q --release -p hushpost-ops --example gen_corpus
HP=$PWD/target/release/hushpost
GEN=$PWD/target/release/examples/gen_corpus
mkdir -p "$W/drop"
export A="$W/alice" B="$W/bob"
HUSHPOST_HOME=$A $HP init -q --name Alice --no-passphrase --route "dir:$W/drop" >/dev/null
HUSHPOST_HOME=$B $HP init -q --name Bob --no-passphrase --route "dir:$W/drop" >/dev/null
HUSHPOST_HOME=$A $HP -q contact add --allow-local bob "$(HUSHPOST_HOME=$B $HP id card)" >/dev/null
HUSHPOST_HOME=$B $HP -q contact add --allow-local alice "$(HUSHPOST_HOME=$A $HP id card)" >/dev/null
echo "generating and storing $N messages..." >&2
HUSHPOST_HOME=$A $GEN "$(HUSHPOST_HOME=$B $HP id card)" "$W/drop" "$W/unused" "$N"
HUSHPOST_HOME=$B $HP -q fetch >/dev/null
MD=$W/Maildir
cat >"$W/notmuch-config" <<CFG
[database]
path=$MD
[user]
name=Bob
primary_email=bob@hushpost.invalid
[new]
tags=inbox
[maildir]
synchronize_flags=true
CFG
export NOTMUCH_CONFIG="$W/notmuch-config"

# timed CMD: "wall-s peak-RSS-KB cpu-s" of one run (CPU = user + system: what a loaded machine
# does not inflate as much as the wall time).
timed() { /usr/bin/time -f "%e %M %U %S" -o "$W/t" "$@" >/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }; awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$W/t"; }
load_before=$(cut -d' ' -f1 /proc/loadavg)
read -r hp_first hp_first_rss hp_first_cpu <<<"$(timed env HUSHPOST_HOME="$B" "$HP" -q export --maildir "$MD")"
read -r nm_first nm_first_rss nm_first_cpu <<<"$(timed notmuch new)"
files=$(find "$MD/new" "$MD/cur" -type f | wc -l)
# med CMD: "median-wall-ms / mean-cpu-ms" over RUNS runs.
med() { hyperfine -N --warmup 2 --runs "${RUNS:-10}" --export-json "$W/h.json" "$@" >/dev/null 2>&1; python3 -c "import json;r=json.load(open('$W/h.json'))['results'][0];print('%.0f / %.0f' % (r['median']*1000, (r['user']+r['system'])*1000))"; }
hp_idle=$(HUSHPOST_HOME=$B med "$HP -q export --maildir $MD")
nm_idle=$(med "notmuch new")
hp_list=$(HUSHPOST_HOME=$B med "$HP -q list --limit 1")
# The client marks every tenth message read (new/X -> cur/X:2,S), as mutt does.
find "$MD/new" -type f | awk 'NR % 10 == 0' | while read -r f; do mv "$f" "$MD/cur/$(basename "$f"):2,S"; done
read -r hp_flags _ hp_flags_cpu <<<"$(timed env HUSHPOST_HOME="$B" "$HP" -q export --maildir "$MD")"
read -r nm_flags _ nm_flags_cpu <<<"$(timed notmuch new)"
unread=$(HUSHPOST_HOME=$B $HP list --unread --json --limit 0 | python3 -c 'import json,sys;print(len(json.load(sys.stdin)))')

echo
echo "Maildir benchmark: $files files delivered, $unread unread after the client's flags, $(nproc) cores, $(df -T "$W" | awk 'NR==2{print $2}') at $W, load average $load_before before / $(cut -d' ' -f1 /proc/loadavg) after"
printf '%-48s %14s %14s\n' "" "hushpost" "notmuch new"
printf '%-48s %14s %14s\n' "first pass: deliver / index, wall / CPU (s)" "$hp_first / $hp_first_cpu" "$nm_first / $nm_first_cpu"
printf '%-48s %14s %14s\n' "first pass peak RSS (MB)" "$((hp_first_rss / 1024))" "$((nm_first_rss / 1024))"
printf '%-48s %14s %14s\n' "nothing changed, median wall / CPU (ms)" "$hp_idle" "$nm_idle"
printf '%-48s %14s %14s\n' "  (hushpost list --limit 1, for scale) (ms)" "$hp_list" ""
printf '%-48s %14s %14s\n' "after the client read $((files / 10)), wall / CPU (s)" "$hp_flags / $hp_flags_cpu" "$nm_flags / $nm_flags_cpu"
echo "(hushpost: whole processes — start, open the keyring and the encrypted store, scan new/ and cur/, write each message with fsync; notmuch new on the same folder right after)"
