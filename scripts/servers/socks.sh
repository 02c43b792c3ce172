#!/usr/bin/env bash
# Tor-path test bed (issue "Tor for every network route"): a real SOCKS5 proxy (microsocks,
# Debian) that is the ONLY way out of a network namespace the client runs in.
#
#   root ns:  microsocks on 10.231.X.1:1080 (X: the first free /30), resolving names through
#             a private /etc/hosts in which hp-relay.test / hp-ssh.test / hp-mail.test are 127.0.0.1), plus a
#             DNS trap on 10.231.X.1:53 that logs any query that reaches it;
#   client ns "$NS": only lo and a veth to 10.231.X.1; its /etc/hosts lacks those names
#             and its resolv.conf points at the trap. A direct connection to the loopback
#             servers is impossible there, and any local DNS lookup shows up in the log.
# Prints `export` lines for the tests. Needs root, iproute2, microsocks.
set -euo pipefail
RUN=${RUN:?}
HERE=$(cd "$(dirname "$0")" && pwd)
NS=hp-tor-$$
command -v microsocks >/dev/null && command -v ip >/dev/null || { echo "# socks.sh: microsocks or ip missing" >&2; exit 0; }
[ "$(id -u)" = 0 ] || { echo "# socks.sh: needs root, skipped" >&2; exit 0; }

# Namespaces left by runs that died before their cleanup (a killed CI job) would shadow
# our subnet: remove those whose run directory is gone, then take the first free /30. The
# owner is noted outside /etc/netns/<ns>/ (`ip netns exec` binds every file there over
# /etc and warns about one it cannot), and before the namespace exists, so a concurrent
# run never sees a namespace without one.
OWNERS=/run/hp-netns
mkdir -p "$OWNERS"
for old in $(ip netns list 2>/dev/null | awk '/^hp-tor-/{print $1}'); do
  owner=$(cat "$OWNERS/$old" 2>/dev/null || true)
  if [ -z "$owner" ] || [ ! -d "$owner" ]; then
    ip netns del "$old" 2>/dev/null || true
    ip link del "hpv0-${old#hp-tor-}" 2>/dev/null || true
    rm -rf "/etc/netns/$old" "$OWNERS/$old"
  fi
done
NET=
for x in $(seq 0 255); do
  ip -4 addr show | grep -q "inet 10\.231\.$x\.1/" || { NET=10.231.$x; break; }
done
[ -n "$NET" ] || { echo "socks.sh: no free 10.231.x.0/30 subnet" >&2; exit 1; }
GW=$NET.1

echo "$RUN" > "$OWNERS/$NS"
ip netns add "$NS"
ip link add hpv0-$$ type veth peer name hpv1-$$
ip link set hpv1-$$ netns "$NS"
ip addr add "$GW/30" dev hpv0-$$
ip link set hpv0-$$ up
ip netns exec "$NS" ip addr add "$NET.2/30" dev hpv1-$$
ip netns exec "$NS" ip link set hpv1-$$ up
ip netns exec "$NS" ip link set lo up
mkdir -p "/etc/netns/$NS"
printf '127.0.0.1 localhost\n' > "/etc/netns/$NS/hosts"
printf "nameserver $GW\noptions timeout:1 attempts:1\n" > "/etc/netns/$NS/resolv.conf"

# The proxy's private view of names (its own mount namespace; the real /etc/hosts is untouched).
printf '127.0.0.1 localhost hp-relay.test hp-ssh.test hp-mail.test\n' > "$RUN/proxy-hosts"
unshare -m sh -c "mount --bind '$RUN/proxy-hosts' /etc/hosts && exec microsocks -i $GW -p 1080" \
  > "$RUN/microsocks.log" 2>&1 &
echo $! > "$RUN/microsocks.pid"

# A second SOCKS5 proxy that accepts any username/password (as Tor does) and logs the
# credentials and the requested host of every connection: it shows that each operation
# used its own isolation credentials and that names arrived unresolved (ATYP 3).
: > "$RUN/socks-log.txt"
unshare -m sh -c "mount --bind '$RUN/proxy-hosts' /etc/hosts && exec /usr/bin/python3 '$HERE/socks_proxy.py' '$RUN/socks-log.txt' '$GW' 1082" \
  > "$RUN/socks-log.out" 2>&1 &
echo $! > "$RUN/socks-log.pid"

# DNS trap: logs every datagram (a query means a leak), never answers.
/usr/bin/python3 - "$RUN/dns-trap.log" "$GW" > /dev/null 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 53))
while True:
    data, peer = s.recvfrom(2048)
    with open(sys.argv[1], "a") as f:
        f.write("query from %s: %r\n" % (peer[0], data[12:60]))
PY
echo $! > "$RUN/dns-trap.pid"
: > "$RUN/dns-trap.log"

for port in 1080 1082; do
  for i in $(seq 50); do (echo > /dev/tcp/$GW/$port) 2>/dev/null && break; sleep 0.1; done
done
cat >> "$RUN/cleanup.sh" <<CLEAN
ip netns del $NS 2>/dev/null || true
ip link del hpv0-$$ 2>/dev/null || true
rm -rf /etc/netns/$NS $OWNERS/$NS
CLEAN
echo "export HUSHPOST_TEST_NETNS=$NS"
echo "export HUSHPOST_TEST_SOCKS=socks5h://$GW:1080"
echo "export HUSHPOST_TEST_DNS_TRAP_LOG=$RUN/dns-trap.log"
echo "export HUSHPOST_TEST_PROXY_NAMES='hp-relay.test hp-ssh.test hp-mail.test'"
echo "export HUSHPOST_TEST_SOCKS_LOGGING=socks5h://$GW:1082"
echo "export HUSHPOST_TEST_SOCKS_LOG=$RUN/socks-log.txt"
