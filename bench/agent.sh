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
# The agent in the foreground, so its own CPU time can be read from /proc (init may have
# handed the passphrase to one of its own: that one exits once locked).
hp agent lock >/dev/null 2>&1 || true
(exec env HUSHPOST_HOME="$W/agent" "$BIN" agent --timeout 1h) &
echo $! >"$W/agentd.pid"
for _ in $(seq 100); do [ -S "$W/agent/run/agent.sock" ] && break; sleep 0.05; done
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
RUNS=${RUNS:-40}
AGENT_PID=$(cat "$W/agentd.pid")
# CPU seconds the agent has used so far (utime + stime).
agent_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$AGENT_PID/stat"; }
# bench NAME CMD: hyperfine one command; prints "name wall_median_ms cpu_ms" where cpu is
# the command's user+sys plus the agent's CPU over the same runs, per run (on a loaded
# machine wall time waits for a core; CPU time is what the work costs).
bench() {
  local before after
  before=$(agent_cpu)
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$W/h.json" -n "$1" "$2" >/dev/null 2>&1 ||
    hyperfine --warmup 3 --runs "$RUNS" --export-json "$W/h.json" -n "$1" "$2" >/dev/null
  after=$(agent_cpu)
  python3 - "$1" "$before" "$after" "$((RUNS + 3))" "$W/h.json" <<'PY'
import json, sys
name, before, after, n, path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
r = json.load(open(path))["results"][0]
agent = (after - before) / n
print(f"| {name} | {r['median']*1000:.1f} | {r['min']*1000:.1f} | {(r['user']+r['system'])*1000:.1f} | {agent*1000:.1f} |")
PY
}
# After an unlock or a save the agent derives the next save's scrypt key in the background
# (~1 s of CPU): let it finish before measuring.
settle() {
  local a b
  a=$(agent_cpu)
  while sleep 2; b=$(agent_cpu); [ "$a" != "$b" ]; do a=$b; done
}
printf 'body\n' >"$W/body"
settle
{
  echo "| command | wall median ms | wall min ms | client CPU ms | agent CPU ms |"
  echo "|---|---:|---:|---:|---:|"
  bench "list, agent unlocked" "env HUSHPOST_HOME=$W/agent $BIN list"
  bench "list, no passphrase (peer)" "env HUSHPOST_HOME=$W/plain $BIN list"
  settle
  bench "small send, agent unlocked" "sh -c 'HUSHPOST_HOME=$W/agent $BIN send --to friend --subject hi <$W/body'"
  bench "small send, no passphrase (peer)" "sh -c 'HUSHPOST_HOME=$W/plain $BIN send --to friend --subject hi <$W/body'"
} >"$W/table.md"
# No agent at all: every run pays scrypt itself.
kill "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null || true
agent_cpu() { echo 0; }
RUNS=5 bench "list, passphrase file, no agent" "env HUSHPOST_PASSPHRASE_FILE=$W/pass HUSHPOST_HOME=$W/agent $BIN list" >>"$W/table.md" || true
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >>"$W/table.md"
cat "$W/table.md"
