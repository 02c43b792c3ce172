#!/usr/bin/env bash
# A private Tor network on loopback, offline (tor's TestingTorNetwork mode, laid out as
# chutney's hs-v3-min network): three directory authorities whose keys are made here with
# tor-gencert, three more relays, an onion service whose port 80 leads to 127.0.0.1:HS_PORT
# (where the onion test starts `hushpost relay serve --plain-http`), and a client with a
# SocksPort. Nothing here reaches the internet: every node knows only these authorities.
#
# Called by scripts/test.sh with RUN=<temp dir>; installs nothing (test.sh installs tor). It
# does not wait for the network to bootstrap (about a minute with the 20 s voting interval
# set below): scripts/test.sh starts the servers before it builds, so the network comes up
# while cargo compiles, and the test waits for the onion service itself. Writes one
# $RUN/tornet-*.pid per tor process and prints `export HUSHPOST_TEST_TOR_…=…` lines.
set -euo pipefail
: "${RUN:?RUN must name the test run directory}"
command -v tor >/dev/null && command -v tor-gencert >/dev/null ||
  { echo "tornet.sh: tor and tor-gencert missing (apt-get install tor)" >&2; exit 1; }

D=$RUN/tornet
mkdir -p "$D"
chmod 0700 "$D"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Options every node shares (chutney's common.i, trimmed to what an offline run needs).
common() { # nick dir
  cat <<CFG
TestingTorNetwork 1
PathsNeededToBuildCircuits 0.67
TestingDirAuthVoteExit *
TestingDirAuthVoteHSDir *
TestingDirAuthVoteGuard *
TestingMinExitFlagThreshold 0
V3AuthNIntervalsValid 2
DataDirectory $2
Nickname $1
RunAsDaemon 0
ShutdownWaitLength 0
ConnLimit 60
Log notice file $2/notice.log
ProtocolWarnings 1
SafeLogging 0
LogTimeGranularity 1
CFG
}

relay_opts() { # orport dirport
  cat <<CFG
SocksPort 0
OrPort 127.0.0.1:$1
Address 127.0.0.1
AssumeReachable 1
ExitRelay 0
DirPort 127.0.0.1:$2
CFG
}

# --- the authorities' keys, and the DirAuthority lines everyone gets ----------------------
AUTH_LINES=""
for n in 0 1 2; do
  dir=$D/auth$n
  mkdir -p "$dir/keys"
  chmod 0700 "$dir"
  or=$(port); dp=$(port)
  echo "$or $dp" >"$dir/ports"
  echo "" | tor-gencert --create-identity-key --passphrase-fd 0 -m 12 -a "127.0.0.1:$dp" \
    -i "$dir/keys/authority_identity_key" -s "$dir/keys/authority_signing_key" \
    -c "$dir/keys/authority_certificate" >"$dir/gencert.log" 2>&1
  v3=$(awk '/^fingerprint/ {print $2}' "$dir/keys/authority_certificate")
  fp=$(tor --ignore-missing-torrc -f "$dir/none" --orport 1 --datadirectory "$dir" \
    --nickname "auth$n" --list-fingerprint 2>/dev/null | tail -1 | cut -d' ' -f2- | tr -d ' ')
  [[ $fp =~ ^[A-F0-9]{40}$ ]] || { echo "tornet.sh: no fingerprint for auth$n" >&2; exit 1; }
  AUTH_LINES+="DirAuthority auth$n orport=$or no-v2 v3ident=$v3 127.0.0.1:$dp $fp"$'\n'
done

start() { # name torrc
  tor -f "$2" >"$D/$1.out" 2>&1 &
  echo $! >"$RUN/tornet-$1.pid"
}

for n in 0 1 2; do
  dir=$D/auth$n
  read -r or dp <"$dir/ports"
  { common "auth$n" "$dir"; relay_opts "$or" "$dp"; printf '%s' "$AUTH_LINES"
    cat <<CFG
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
ContactInfo auth$n@test.invalid
TestingV3AuthInitialVotingInterval 20
TestingV3AuthInitialVoteDelay 4
TestingV3AuthInitialDistDelay 4
V3AuthVotingInterval 20
V3AuthVoteDelay 4
V3AuthDistDelay 4
CFG
  } >"$dir/torrc"
  start "auth$n" "$dir/torrc"
done

for n in 0 1 2; do
  dir=$D/relay$n
  mkdir -p "$dir"
  chmod 0700 "$dir"
  { common "relay$n" "$dir"; relay_opts "$(port)" "$(port)"; printf '%s' "$AUTH_LINES"; } >"$dir/torrc"
  start "relay$n" "$dir/torrc"
done

# --- the onion service and the client -------------------------------------------------------
HS_PORT=$(port)
dir=$D/hs
mkdir -p "$dir"
chmod 0700 "$dir"
{ common hs "$dir"; printf '%s' "$AUTH_LINES"
  cat <<CFG
SocksPort 0
HiddenServiceDir $dir/hidden_service
HiddenServiceVersion 3
HiddenServicePort 80 127.0.0.1:$HS_PORT
CFG
} >"$dir/torrc"
start hs "$dir/torrc"

SOCKS=$(port)
dir=$D/client
mkdir -p "$dir"
chmod 0700 "$dir"
{ common client "$dir"; printf '%s' "$AUTH_LINES"; echo "SocksPort 127.0.0.1:$SOCKS IsolateSOCKSAuth"; } >"$dir/torrc"
start client "$dir/torrc"

# The onion name is written as soon as the service's keys exist (before any bootstrap).
for _ in $(seq 200); do [ -s "$D/hs/hidden_service/hostname" ] && break; sleep 0.05; done
[ -s "$D/hs/hidden_service/hostname" ] ||
  { echo "tornet.sh: the onion service made no hostname:" >&2; cat "$D/hs/notice.log" >&2; exit 1; }

cat <<ENV
export HUSHPOST_TEST_TOR_SOCKS=socks5h://127.0.0.1:$SOCKS
export HUSHPOST_TEST_TOR_ONION=$(cat "$D/hs/hidden_service/hostname")
export HUSHPOST_TEST_TOR_HS_PORT=$HS_PORT
export HUSHPOST_TEST_TORNET_DIR=$D
ENV
