#!/usr/bin/env bash
# The whole test suite, as the README says: installs what the tests need (Debian packages
# when missing), starts the real servers on loopback, then runs the quality gates and
# every test. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

log() { printf '\n== %s\n' "$*" >&2; }

# --- 1. packages -------------------------------------------------------------------------
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have cc || need+=(build-essential)
have pkg-config || need+=(pkg-config)
[ -e /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
have age || need+=(age)
have notmuch || need+=(notmuch)
have chattr || need+=(e2fsprogs)
have tmux || need+=(tmux)
# mail clients on top of hushpost (cli/tests/clients.rs, maildir.rs): neomutt, aerc, git
# send-email (which needs Mail::Address; --no-install-recommends leaves it out)
have neomutt || need+=(neomutt)
have aerc || need+=(aerc)
have git || need+=(git)
[ -e "$(git --exec-path 2>/dev/null)/git-send-email" ] || need+=(git-email)
perl -MMail::Address -e1 2>/dev/null || need+=(libmailtools-perl)
# the mailto: transport's loopback servers (scripts/servers/mail.sh)
[ -x /usr/sbin/postfix ] || need+=(postfix)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
have openssl || need+=(openssl)
have script || need+=(bsdutils)
# the SSH drop's loopback sshd (scripts/servers/sshd.sh); sftp, scp and ssh-agent for its tests
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
have sftp && have ssh-agent || need+=(openssh-client)
# the Tor path's test bed (scripts/servers/socks.sh): a real SOCKS5 proxy and a netns
have microsocks || need+=(microsocks)
have ip || need+=(iproute2)
have unshare || need+=(util-linux)
have tor || need+=(tor)
# counting every packet a command sends from a sealed namespace (cli/tests/dial_sealed.rs)
have nft || need+=(nftables)
# the seeded scenario suite (cli/tests/scenario.rs): a skewed clock, peak RSS per command
have faketime || need+=(faketime)
[ -x /usr/bin/time ] || need+=(time)
# the npm age-encryption interop oracle (core/tests/npm_interop.rs)
have node || need+=(nodejs)
have npm || need+=(npm)
# the relay's PostgreSQL store (scripts/servers/postgres.sh: initdb as an unprivileged user)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
have psql || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  log "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  # postfix asks a debconf question; "No configuration" = it writes no main.cf, starts nothing
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# the npm fixture: age-encryption at the version pinned by core/tests/npm/package-lock.json
log "npm ci (core/tests/npm)"
(cd core/tests/npm && npm ci --no-audit --no-fund --loglevel=error)

# --- 2. loopback servers (each script prints the env vars the tests read) ---------------
export CI=${CI:-1} HUSHPOST_REQUIRE_TOOLS=1
RUN=$(mktemp -d /tmp/hushpost-test.XXXXXX)
cleanup() {
  for f in "$RUN"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  [ -e "$RUN/cleanup.sh" ] && bash "$RUN/cleanup.sh" || true
  rm -rf "$RUN"
}
trap cleanup EXIT
for s in scripts/servers/*.sh; do
  [ -e "$s" ] || continue
  log "starting $(basename "$s" .sh)"
  eval "$(RUN="$RUN" bash "$s")"
done

# --- 3. gates and tests -------------------------------------------------------------------
log "cargo fmt --check"
cargo fmt --all --check
log "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
log "cargo test (includes the man page / completion drift check)"
cargo test --workspace --locked
log "all green"
