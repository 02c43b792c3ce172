#!/usr/bin/env bash
# Benchmark (not a test): the hushpost relay on its segment store, on PostgreSQL with one
# node and with two nodes sharing the database, against nginx serving the same dead drop as
# a WebDAV PUT/GET location — all over TLS on loopback, measured with wrk in the same run.
#
#   PUT    16 KiB blob, acknowledged only once durable (segment store: fdatasync of its
#          group-commit batch; PostgreSQL: the commit's WAL flush); nginx: no fsync at all
#   fetch  one batched fetch of 4 capabilities, 4 slots (65,696-byte answer: the fixed shape
#          cover traffic uses), and the same fetch asking for 1 slot (16,448 bytes)
#   GET    nginx, one 16 KiB file
# Two nodes: two wrk processes, one per node, each with half the connections; their rates
# add up. Beside each figure: the CPU seconds the relay(s), PostgreSQL and wrk used, which
# says where the bottleneck is on this 2-core machine.
#
# Goal (issue 5): relay PUT >= 0.8x nginx PUT; relay fetch >= 0.8x nginx GET.
# Usage: bench/relay.sh          (env: DUR=10 THREADS=2 CONNS=32 CARGO_TARGET_DIR=...)
#        bench/relay.sh crash    the SIGKILL crash test, long (env: KILLS=10000)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}

if [ "${1:-}" = crash ]; then
  HUSHPOST_CRASH_KILLS=${KILLS:-10000} cargo test --release -p hushpost --test relay_crash -- --nocapture
  exit
fi

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v psql >/dev/null || need+=(postgresql-client)
. bench/lib.sh
install_missing "${need[@]}"

cargo build --release -q -p hushpost
BIN=${CARGO_TARGET_DIR:-target}/release/hushpost

# serve NAME DATA ARGS...: a relay with the front's rate limits off (this measures storage
# and TLS, not the limiter); sets URL_<NAME> and records its pid.
serve() {
  local name=$1 data=$2; shift 2
  "$BIN" relay serve --listen 127.0.0.1:0 --data "$data" --tls-self-signed \
    --rate-per-connection 0 --rate-global 0 "$@" >"$W/$name.out" 2>"$W/$name.log" &
  echo $! >"$W/$name.pid"
  for _ in $(seq 200); do grep -q '^route: ' "$W/$name.out" 2>/dev/null && break; sleep 0.05; done
  grep -q '^route: ' "$W/$name.out" || { echo "relay $name did not start:"; cat "$W/$name.log"; exit 1; }
  local port; port=$(sed -n 's#^route: https://127.0.0.1:\([0-9]*\).*#\1#p' "$W/$name.out")
  printf -v "URL_$name" '%s' "https://127.0.0.1:$port"
}

# --- PostgreSQL, as the tests run it ----------------------------------------------------
eval "$(RUN=$W bash scripts/servers/postgres.sh)"
PGBASE=${HUSHPOST_TEST_PG%/*}
psql "$HUSHPOST_TEST_PG" -qc "CREATE DATABASE bench1" -c "CREATE DATABASE bench2"

serve seg "$W/relay"
serve pg1 "$W/pgtls1" --store "$PGBASE/bench1"
serve pga "$W/pgtls2" --store "$PGBASE/bench2"
serve pgb "$W/pgtls2" --store "$PGBASE/bench2"

# --- nginx WebDAV dead drop, same certificate ---------------------------------------------
NPORT=$(free_port)
mkdir -p "$W/nginx/drop" "$W/nginx/tmp" "$W/nginx/logs"
cat >"$W/nginx/nginx.conf" <<EOF
user root;
worker_processes auto;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $W/nginx/tmp;
  proxy_temp_path $W/nginx/tmp;
  fastcgi_temp_path $W/nginx/tmp;
  uwsgi_temp_path $W/nginx/tmp;
  scgi_temp_path $W/nginx/tmp;
  server {
    listen 127.0.0.1:$NPORT ssl;
    ssl_certificate $W/relay/tls/cert.pem;
    ssl_certificate_key $W/relay/tls/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $W/nginx;
    client_max_body_size 300k;
    client_body_buffer_size 300k;
    keepalive_requests 1000000;
    location /drop/ {
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
EOF
nginx -c "$W/nginx/nginx.conf" -g 'daemon off;' 2>"$W/nginx/logs/stderr.log" &
echo $! >"$W/nginx-fg.pid"
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$NPORT) 2>/dev/null && break; sleep 0.05; done
NURL="https://127.0.0.1:$NPORT"
head -c 16384 /dev/urandom >"$W/blob"
curl -skf -X PUT --data-binary @"$W/blob" "$NURL/drop/get-me" >/dev/null

# --- four capabilities whose tags each hold one blob, on every store ------------------------
CAPS=$(python3 - <<'EOF'
import hashlib, os
caps = [os.urandom(32) for _ in range(4)]
for c in caps:
    print(c.hex(), hashlib.sha256(b"hushpost v1 tag" + c).hexdigest())
EOF
)
LIST=""
while read -r cap tag; do
  for u in "$URL_seg" "$URL_pg1" "$URL_pga"; do
    curl -skf -X PUT -H "Hushpost-Tag: $tag" --data-binary @"$W/blob" "$u/v1/blobs" >/dev/null
  done
  LIST="$LIST${LIST:+,}\"$cap\""
done <<<"$CAPS"
FETCH_BODY="{\"caps\":[$LIST],\"slots\":4}"
FETCH_BODY1="{\"caps\":[$LIST],\"slots\":1}"
for u in "$URL_seg" "$URL_pg1" "$URL_pgb"; do
  LEN=$(curl -sk -X POST -H 'Content-Type: application/json' --data "$FETCH_BODY" "$u/v1/fetch" | wc -c)
  [ "$LEN" = 65696 ] || { echo "unexpected fetch answer size $LEN from $u" >&2; exit 1; }
done

# --- measure --------------------------------------------------------------------------------
# CPU seconds (user + system) of a set of pids, children included.
cpu() { local t=0 p; for p in "$@"; do
  [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14+$15+$16+$17}' "/proc/$p/stat"))); done
  echo "$t"; }
pg_pids() { pgrep -u hpt-pg -d ' ' postgres || true; }
relay_pids() { for n in "$@"; do cat "$W/$n.pid"; done; }
declare -A CPU_RELAY CPU_PG CPU_WRK
wrk1() { # out url conns threads [script args...]
  local out=$1 url=$2 c=$3 t=$4; shift 4
  if [ $# -gt 0 ]; then
    local script=$1; shift
    wrk -t"$t" -c"$c" -d"${DUR}s" --latency -s "$script" "$url" -- "$@" >"$out"
  else
    wrk -t"$t" -c"$c" -d"${DUR}s" --latency "$url" >"$out"
  fi
}
run() { # name relays("" for nginx) url [script args...]
  local name=$1 relays=$2 url=$3; shift 3
  local r0 p0 w0; r0=$(cpu $(relay_pids $relays) $( [ -z "$relays" ] && pgrep -d ' ' nginx)); p0=$(cpu $(pg_pids))
  local tk=$(( $(getconf CLK_TCK) ))
  if [ "$name" = "${name%-2n}" ]; then
    wrk1 "$W/wrk-$name.txt" "$url" "$CONNS" "$THREADS" "$@" & w0=$!
    wait $w0
  else # two nodes: half the connections each
    wrk1 "$W/wrk-$name.a.txt" "$URL_pga" $((CONNS / 2)) 1 "$@" &
    local wa=$!
    wrk1 "$W/wrk-$name.b.txt" "$URL_pgb" $((CONNS / 2)) 1 "$@" &
    wait $wa $!
  fi
  CPU_RELAY[$name]=$(python3 -c "print(f'{($(cpu $(relay_pids $relays) $( [ -z "$relays" ] && pgrep -d ' ' nginx)) - $r0) / $tk:.1f}')")
  CPU_PG[$name]=$(python3 -c "print(f'{($(cpu $(pg_pids)) - $p0) / $tk:.1f}')")
  sleep 1
}
run nginx-put "" "$NURL" bench/relay-nginx-put.lua
run seg-put seg "$URL_seg" bench/relay-put.lua
run pg1-put pg1 "$URL_pg1" bench/relay-put.lua
run pg-put-2n "pga pgb" "" bench/relay-put.lua
run nginx-get "" "$NURL/drop/get-me"
run seg-fetch seg "$URL_seg" bench/relay-fetch.lua "$FETCH_BODY"
run seg-fetch1 seg "$URL_seg" bench/relay-fetch.lua "$FETCH_BODY1"
run pg1-fetch pg1 "$URL_pg1" bench/relay-fetch.lua "$FETCH_BODY"
run pg-fetch-2n "pga pgb" "" bench/relay-fetch.lua "$FETCH_BODY"

files() { if [ -e "$W/wrk-$1.txt" ]; then echo "$W/wrk-$1.txt"; else echo "$W/wrk-$1.a.txt $W/wrk-$1.b.txt"; fi; }
rps() { awk '/^Requests\/sec/ {s += $2} END {printf "%.0f", s}' $(files "$1"); }
lat() { awk -v k="$2" '$1 == k {print $2; exit}' $(files "$1"); }
errs() { awk '/Non-2xx/ {s += $NF} END {print s + 0}' $(files "$1"); }
total() { awk '/requests in/ {s += $1} END {print s}' $(files "$1"); }
ratio() { python3 -c "print(f'{($1) / ($2):.2f}')"; }

# Every acknowledged put must be stored: count records / rows.
REC=$((72 + 16384))
SEG_STORED=$(( $(cat "$W"/relay/blobs/seg-*.log | wc -c) / REC - 4 ))
SEG_ACKED=$(( $(total seg-put) - $(errs seg-put) ))
PG1_STORED=$(( $(psql "$PGBASE/bench1" -tAc "SELECT count(*) FROM hushpost_blobs") - 4 ))
PG1_ACKED=$(( $(total pg1-put) - $(errs pg1-put) ))
PG2_STORED=$(( $(psql "$PGBASE/bench2" -tAc "SELECT count(*) FROM hushpost_blobs") - 4 ))
PG2_ACKED=$(( $(total pg-put-2n) - $(errs pg-put-2n) ))

echo
echo "hushpost relay (segment store, PostgreSQL 1 and 2 nodes) vs nginx WebDAV, TLS on loopback,"
echo "wrk -c$CONNS -d${DUR}s, $(nproc) cores; CPU = seconds used during the run"
printf '%-44s %8s %8s %8s %7s %8s %6s\n' "test" "req/s" "p50" "p99" "non-2xx" "CPU rly" "CPU pg"
for t in seg-put pg1-put pg-put-2n nginx-put seg-fetch seg-fetch1 pg1-fetch pg-fetch-2n nginx-get; do
  case $t in
    seg-put) label="PUT 16 KiB, segment store (fdatasync)";;
    pg1-put) label="PUT 16 KiB, PostgreSQL, 1 node (commit)";;
    pg-put-2n) label="PUT 16 KiB, PostgreSQL, 2 nodes";;
    nginx-put) label="nginx WebDAV PUT 16 KiB (no fsync)";;
    seg-fetch) label="fetch 4 caps/4 slots, segment store";;
    seg-fetch1) label="fetch 4 caps/1 slot, segment store";;
    pg1-fetch) label="fetch 4 caps/4 slots, PostgreSQL, 1 node";;
    pg-fetch-2n) label="fetch 4 caps/4 slots, PostgreSQL, 2 nodes";;
    nginx-get) label="nginx GET 16 KiB";;
  esac
  printf '%-44s %8s %8s %8s %7s %8s %6s\n' "$label" "$(rps $t)" "$(lat $t 50%)" "$(lat $t 99%)" \
    "$(errs $t)" "${CPU_RELAY[$t]}" "${CPU_PG[$t]}"
done
echo
echo "PUT:   segment / nginx = $(ratio "$(rps seg-put)" "$(rps nginx-put)"), PostgreSQL 1 node / nginx = $(ratio "$(rps pg1-put)" "$(rps nginx-put)"), 2 nodes / 1 node = $(ratio "$(rps pg-put-2n)" "$(rps pg1-put)")"
echo "fetch: segment (4 slots) / nginx GET = $(ratio "$(rps seg-fetch)" "$(rps nginx-get)"), (1 slot) = $(ratio "$(rps seg-fetch1)" "$(rps nginx-get)"), PostgreSQL 1 node = $(ratio "$(rps pg1-fetch)" "$(rps nginx-get)"), 2 nodes / 1 node = $(ratio "$(rps pg-fetch-2n)" "$(rps pg1-fetch)")"
echo "durability: segment $SEG_ACKED acknowledged / $SEG_STORED stored; PostgreSQL 1 node $PG1_ACKED / $PG1_STORED; 2 nodes $PG2_ACKED / $PG2_STORED"
for pair in "$SEG_ACKED $SEG_STORED" "$PG1_ACKED $PG1_STORED" "$PG2_ACKED $PG2_STORED"; do
  set -- $pair
  [ "$2" -ge "$1" ] || echo "WARNING: fewer blobs stored than acknowledged puts" >&2
done
# Sizing at the default cover traffic: 144 puts + 144 fetches per user per day per route.
python3 - "$(rps seg-put)" "$(rps seg-fetch)" "$(rps pg1-put)" "$(rps pg1-fetch)" <<'EOF'
import sys
sp, sf, pp, pf = map(float, sys.argv[1:])
per_day = 144  # puts, and as many fetches, per user per day per route
def users(put, fetch):  # a second of the node's time: p puts and f fetches cost p/put + f/fetch
    return 86400 / (per_day / put + per_day / fetch)
print(f"sizing: one node carries ~{users(sp, sf):,.0f} users (segment store) or ~{users(pp, pf):,.0f} (PostgreSQL) at 100% load")
EOF
