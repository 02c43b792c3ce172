#!/usr/bin/env bash
# SSH drop figures (issue: SSH drop transport): send and fetch of 1,000 small messages and
# of one 100 MiB attachment through the loopback sshd of scripts/servers/sshd.sh, beside
# OpenSSH's own sftp and scp moving the same bytes in the same run. Prints a table.
#
#   cargo build --release -p hushpost && bash bench/ssh.sh        (as root: sshd.sh needs it)
#
# hushpost sends one message per command (a fresh process and SSH session each, as a user
# or cron would); a fetch is one command and one session. The sftp/scp rows move the same
# number of files and bytes as the blobs hushpost stored, with the owner's key.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
BIG_MIB=${BIG_MIB:-100}
HP=${HUSHPOST:-${CARGO_TARGET_DIR:-target}/release/hushpost}
[ -x "$HP" ] || { echo "build first: cargo build --release -p hushpost (or set HUSHPOST=…)" >&2; exit 1; }

RUN=$(mktemp -d /tmp/hushpost-bench.XXXXXX)
cleanup() { for f in "$RUN"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done; rm -rf "$RUN"; }
trap cleanup EXIT
eval "$(RUN="$RUN" bash scripts/servers/sshd.sh)"
port=$HUSHPOST_TEST_SSH_PORT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v by="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", by / 1048576 / s; else print "-" }'; }
rows=()
row() { rows+=("$(printf '| %-36s | %-8s | %6s | %9s | %8s |' "$1" "$2" "$3" "$4" "$5")"); }

# Alice receives on the SSH drop (fetching as the owner); Bob writes to her with the drop key.
A=$RUN/alice B=$RUN/bob
mkdir -p "$RUN/bob-drop"
route="ssh://$HUSHPOST_TEST_SSH_DROP_USER@127.0.0.1:$port$HUSHPOST_TEST_SSH_PATH#hostkey=$HUSHPOST_TEST_SSH_HOSTKEY&dropkey=$HUSHPOST_TEST_SSH_DROP_KEY"
HUSHPOST_HOME=$A "$HP" -q init --name Alice --no-passphrase --route "$route" >/dev/null
HUSHPOST_HOME=$B "$HP" -q init --name Bob --no-passphrase --route "dir:$RUN/bob-drop" >/dev/null
printf '[ssh]\nuser = "%s"\nkey_file = "%s"\n' "$HUSHPOST_TEST_SSH_OWNER_USER" "$HUSHPOST_TEST_SSH_OWNER_KEY_FILE" >"$A/config.toml"
chmod 600 "$A/config.toml"
HUSHPOST_HOME=$A "$HP" -q contact add bob "$(HUSHPOST_HOME=$B "$HP" id card)" >/dev/null
HUSHPOST_HOME=$B "$HP" -q contact add alice "$(HUSHPOST_HOME=$A "$HP" id card)" >/dev/null
# Each send goes out at once (cover-traffic slots are measured by bench_scale, not here).
printf '[cover]\nschemes = []\n' >"$B/config.toml"; chmod 600 "$B/config.toml"
DROP=$HUSHPOST_TEST_SSH_DROP_DIR
dir_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
dir_files() { find "$1" -type f | wc -l; }

SSHO=(-o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
  -i "$HUSHPOST_TEST_SSH_OWNER_KEY_FILE")
OWN=$HUSHPOST_TEST_SSH_OWNER_USER@127.0.0.1

# --- 1. N small messages -------------------------------------------------------------------
t0=$(now)
for i in $(seq "$N"); do
  echo "message $i" | HUSHPOST_HOME=$B "$HP" -q send --to alice --subject "m$i" >/dev/null
done
t1=$(now)
files=$(dir_files "$DROP"); bytes=$(dir_bytes "$DROP")
row "send $N small (1 command each)" hushpost "$(secs "$t0" "$t1")" "$(rate "$bytes" "$(secs "$t0" "$t1")")" "$files"
t0=$(now)
HUSHPOST_HOME=$A "$HP" -q fetch >/dev/null
t1=$(now)
got=$(HUSHPOST_HOME=$A "$HP" list --json --limit 100000 | grep -c '"id"' || true)
row "fetch $N small (1 command)" hushpost "$(secs "$t0" "$t1")" "$(rate "$bytes" "$(secs "$t0" "$t1")")" "$got"

# The same files and bytes with OpenSSH, one session each way.
SRC=$RUN/small; mkdir -p "$SRC" "$RUN/small-back"
for i in $(seq "$files"); do head -c $((bytes / files)) /dev/urandom >"$SRC/f$i"; done
(echo "cd /drop"; for i in $(seq "$files"); do echo "put $SRC/f$i f$i"; done) >"$RUN/put.batch"
(echo "cd /drop"; for i in $(seq "$files"); do echo "get f$i $RUN/small-back/f$i"; done) >"$RUN/get.batch"
t0=$(now); sftp -P "$port" "${SSHO[@]}" -b "$RUN/put.batch" "$OWN" >/dev/null; t1=$(now)
row "put $files small files (1 session)" sftp "$(secs "$t0" "$t1")" "$(rate "$bytes" "$(secs "$t0" "$t1")")" "$files"
t0=$(now); sftp -P "$port" "${SSHO[@]}" -b "$RUN/get.batch" "$OWN" >/dev/null; t1=$(now)
row "get $files small files (1 session)" sftp "$(secs "$t0" "$t1")" "$(rate "$bytes" "$(secs "$t0" "$t1")")" "$files"
rm -f "$DROP"/f*
t0=$(now); scp -q -P "$port" "${SSHO[@]}" "$SRC"/f* "$OWN:/drop/"; t1=$(now)
row "scp $files small files up" scp "$(secs "$t0" "$t1")" "$(rate "$bytes" "$(secs "$t0" "$t1")")" "$files"
rm -rf "$RUN/small-back"; mkdir -p "$RUN/small-back"
t0=$(now); scp -q -P "$port" "${SSHO[@]}" "$OWN:/drop/f*" "$RUN/small-back/"; t1=$(now)
row "scp $files small files down" scp "$(secs "$t0" "$t1")" "$(rate "$bytes" "$(secs "$t0" "$t1")")" "$files"
rm -f "$DROP"/f*
t0=$(now)
for i in $(seq 50); do sftp -P "$port" "${SSHO[@]}" -b - "$OWN" >/dev/null <<<"put $SRC/f$i /drop/g$i"; done
t1=$(now)
row "put 50 small files (1 session each)" sftp "$(secs "$t0" "$t1")" "-" "50"
rm -f "$DROP"/g*

# --- 2. one BIG_MIB MiB attachment ----------------------------------------------------------
BIG=$RUN/big.bin
head -c $((BIG_MIB << 20)) /dev/urandom >"$BIG"
t0=$(now)
echo "attached" | HUSHPOST_HOME=$B "$HP" -q send --to alice --subject big --attach "$BIG" >/dev/null
t1=$(now)
files=$(dir_files "$DROP"); bytes=$(dir_bytes "$DROP")
row "send ${BIG_MIB} MiB attachment" hushpost "$(secs "$t0" "$t1")" "$(rate "$bytes" "$(secs "$t0" "$t1")")" "$files"
t0=$(now)
HUSHPOST_HOME=$A "$HP" -q fetch >/dev/null
t1=$(now)
row "fetch ${BIG_MIB} MiB attachment" hushpost "$(secs "$t0" "$t1")" "$(rate "$bytes" "$(secs "$t0" "$t1")")" "$files"
t0=$(now); sftp -P "$port" "${SSHO[@]}" -b - "$OWN" >/dev/null <<<"put $BIG /drop/big.bin"; t1=$(now)
row "put ${BIG_MIB} MiB file" sftp "$(secs "$t0" "$t1")" "$(rate $((BIG_MIB << 20)) "$(secs "$t0" "$t1")")" 1
t0=$(now); sftp -P "$port" "${SSHO[@]}" -b - "$OWN" >/dev/null <<<"get /drop/big.bin $RUN/big.back"; t1=$(now)
row "get ${BIG_MIB} MiB file" sftp "$(secs "$t0" "$t1")" "$(rate $((BIG_MIB << 20)) "$(secs "$t0" "$t1")")" 1
rm -f "$DROP/big.bin" "$RUN/big.back"
t0=$(now); scp -q -P "$port" "${SSHO[@]}" "$BIG" "$OWN:/drop/big.bin"; t1=$(now)
row "scp ${BIG_MIB} MiB file up" scp "$(secs "$t0" "$t1")" "$(rate $((BIG_MIB << 20)) "$(secs "$t0" "$t1")")" 1
t0=$(now); scp -q -P "$port" "${SSHO[@]}" "$OWN:/drop/big.bin" "$RUN/big.back"; t1=$(now)
row "scp ${BIG_MIB} MiB file down" scp "$(secs "$t0" "$t1")" "$(rate $((BIG_MIB << 20)) "$(secs "$t0" "$t1")")" 1
rm -f "$DROP/big.bin"

echo
echo "SSH drop on loopback ($(nproc) cores; $(/usr/sbin/sshd -V 2>&1 | head -1); hushpost $("$HP" --version | awk '{print $2}'))"
echo
printf '| %-36s | %-8s | %6s | %9s | %8s |\n' "what" "tool" "s" "MiB/s" "files"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------" "----------" "--------:" "-----------:" "----------:"
printf '%s\n' "${rows[@]}"
echo
echo "MiB/s counts the bytes stored on the server (hushpost: sealed blobs, 16 KiB or 256 KiB each)."
