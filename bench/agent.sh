#!/usr/bin/env bash
# The agent (issue 18), measured with hyperfine in one run on the real disk (/var/tmp),
# release build: with the agent unlocked, `hushpost list` and a small `send` over a folder
# drop, each beside the same installation without a passphrase (the peer); and `list` with a
# passphrase file and no agent (scrypt on every run) for scale.
#
#   bash bench/agent.sh [MESSAGES]     (default 1000 messages in each store)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
install_missing "${need[@]}"

N=${1:-1000}
cargo build --release -q -p hushpost
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/hushpost
printf 'agent bench pw\n' >"$W/pass"
chmod 600 "$W/pass"
mkdir -p "$W/shared"
hp() { local h=$1; shift; HUSHPOST_HOME=$W/$h "$BIN" "$@"; }

# agent: passphrase-protected, served by the agent; plain: the same without a passphrase.
hp friend init --name Friend --no-passphrase --route "dir:$W/shared" >/dev/null
hp agent --passphrase-file "$W/pass" init --name Me --route "dir:$W/shared" >/dev/null
hp plain init --name Me --no-passphrase --route "dir:$W/shared" >/dev/null
hp agent --passphrase-file "$W/pass" unlock --timeout 1h
for h in agent plain; do
  printf '[cover]\nschemes = []\n' >"$W/$h/config.toml"
  hp friend contact add --allow-local "$h" "$(hp $h id card)" >/dev/null 2>&1
  hp "$h" contact add --allow-local friend "$(hp friend id card)" >/dev/null 2>&1
done
echo "filling both stores with $N messages…" >&2
for i in $(seq "$N"); do
  echo "message $i" | hp friend send --to agent --to plain --subject "Note $i" >/dev/null
done
hp agent fetch >/dev/null
hp plain fetch >/dev/null
# A first send each, so the prekey for the friend exists (then: no rotation for 7 days).
for h in agent plain; do echo hi | hp "$h" send --to friend --subject warm >/dev/null; done

A="HUSHPOST_HOME=$W/agent $BIN"
P="HUSHPOST_HOME=$W/plain $BIN"
hyperfine --warmup 3 --runs 40 --export-markdown "$W/list.md" \
  -n "list, agent unlocked" "$A list" \
  -n "list, no passphrase (peer)" "$P list" >&2
hyperfine --warmup 3 --runs 40 --export-markdown "$W/send.md" \
  -n "small send, agent unlocked" "echo hi | $A send --to friend --subject hi" \
  -n "small send, no passphrase (peer)" "echo hi | $P send --to friend --subject hi" >&2
hp agent lock >/dev/null
hyperfine --warmup 1 --runs 5 --export-markdown "$W/file.md" \
  -n "list, passphrase file, no agent" "HUSHPOST_PASSPHRASE_FILE=$W/pass $A list" >&2
cat "$W/list.md" "$W/send.md" "$W/file.md"
