# Shared by the bench scripts (source it): installing missing Debian packages, a work dir under /var/tmp (the real disk, not a
# tmpfs: durable writes must pay what fsync costs) cleaned up on exit with every process
# whose pid file is in it, a free loopback port, and our relay on a self-signed
# certificate ($ROUTE is its route line).
W=$(mktemp -d /var/tmp/hushpost-bench.XXXXXX)
cleanup() {
  for f in "$W"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  rm -rf "$W"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_relay BIN: starts `BIN relay serve` on 127.0.0.1:0 and sets ROUTE.
start_relay() {
  "$1" relay serve --listen 127.0.0.1:0 --data "$W/relay" --tls-self-signed \
    >"$W/relay.out" 2>"$W/relay.log" &
  echo $! >"$W/relay.pid"
  for _ in $(seq 200); do grep -q '^route: ' "$W/relay.out" 2>/dev/null && break; sleep 0.05; done
  ROUTE=$(sed -n 's/^route: //p' "$W/relay.out")
  [ -n "$ROUTE" ] || { echo "the relay did not start:"; cat "$W/relay.log"; exit 1; }
}

# install_missing PKG...: apt-get installs the packages given (callers list only the
# missing ones); nothing when the list is empty.
install_missing() {
  [ $# -gt 0 ] || return 0
  local SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "$@"
}
