#!/usr/bin/env bash
# Benchmark (not a test): the hushpost relay against nginx serving the same dead drop as a
# WebDAV PUT/GET location, both over TLS on loopback, measured with wrk in the same run.
#
#   relay PUT   16 KiB blob, acknowledged only after fdatasync (group commit)
#   nginx PUT   16 KiB file, WebDAV, no fsync
#   relay fetch one batched fetch of 4 capabilities, 4 slots (65,696-byte answer: the fixed
#               shape cover traffic uses), and the same fetch asking for 1 slot (16,448 bytes,
#               the same payload size as nginx's GET)
#   nginx GET   one 16 KiB file
#
# Goal (issue 5): relay PUT >= 0.8x nginx PUT; relay fetch >= 0.8x nginx GET.
# Usage: bench/relay.sh   (env: DUR=10 THREADS=2 CONNS=32 CARGO_TARGET_DIR=...)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
. bench/lib.sh
install_missing "${need[@]}"

cargo build --release -q -p hushpost
BIN=${CARGO_TARGET_DIR:-target}/release/hushpost

# --- our relay ---------------------------------------------------------------------------
start_relay "$BIN"
RPORT=$(echo "$ROUTE" | sed -E 's#https://127.0.0.1:([0-9]+).*#\1#')
RURL="https://127.0.0.1:$RPORT"

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

# --- four capabilities whose tags each hold one blob ------------------------------------
CAPS=$(python3 - <<'EOF'
import hashlib, os
caps = [os.urandom(32) for _ in range(4)]
for c in caps:
    print(c.hex(), hashlib.sha256(b"hushpost v1 tag" + c).hexdigest())
EOF
)
LIST=""
while read -r cap tag; do
  curl -skf -X PUT -H "Hushpost-Tag: $tag" --data-binary @"$W/blob" "$RURL/v1/blobs" >/dev/null
  LIST="$LIST${LIST:+,}\"$cap\""
done <<<"$CAPS"
FETCH_BODY="{\"caps\":[$LIST],\"slots\":4}"
FETCH_BODY1="{\"caps\":[$LIST],\"slots\":1}"
LEN=$(curl -sk -X POST -H 'Content-Type: application/json' --data "$FETCH_BODY" "$RURL/v1/fetch" | wc -c)
[ "$LEN" = 65696 ] || { echo "unexpected fetch answer size $LEN" >&2; exit 1; }

# --- measure --------------------------------------------------------------------------------
run() { # name, url, [script, args...]
  local name=$1 url=$2; shift 2
  local out="$W/wrk-$name.txt"
  if [ $# -gt 0 ]; then
    local script=$1; shift
    wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --latency -s "$script" "$url" -- "$@" >"$out"
  else
    wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --latency "$url" >"$out"
  fi
  sleep 1
}
run nginx-put "$NURL" bench/relay-nginx-put.lua
run relay-put "$RURL" bench/relay-put.lua
run nginx-get "$NURL/drop/get-me"
run relay-fetch "$RURL" bench/relay-fetch.lua "$FETCH_BODY"
run relay-fetch1 "$RURL" bench/relay-fetch.lua "$FETCH_BODY1"

rps() { awk '/^Requests\/sec/ {print $2}' "$W/wrk-$1.txt"; }
lat() { awk -v k="$2" '$1 == k {print $2; exit}' "$W/wrk-$1.txt"; }
errs() {
  local n; n=$(awk '/Non-2xx/ {print $NF}' "$W/wrk-$1.txt"); n=${n:-0}
  local s; s=$(awk '/Socket errors/ {print $0}' "$W/wrk-$1.txt")
  echo "$n${s:+ ($s)}"
}
total() { awk '/requests in/ {print $1}' "$W/wrk-$1.txt"; }

# Every acknowledged put must be in the store: count whole records in the segment files.
REC=$((72 + 16384))
BYTES=$(cat "$W"/relay/blobs/seg-*.log | wc -c)
STORED=$((BYTES / REC - 4))
ACKED=$(( $(total relay-put) - $(errs relay-put | cut -d' ' -f1) ))

ratio() { python3 -c "print(f'{($1) / ($2):.2f}')"; }
echo
echo "hushpost relay vs nginx WebDAV, TLS on loopback, wrk -t$THREADS -c$CONNS -d${DUR}s, $(nproc) cores"
printf '%-40s %10s %9s %9s %9s %s\n' "test" "req/s" "lat avg" "p50" "p99" "non-2xx"
for t in relay-put nginx-put relay-fetch relay-fetch1 nginx-get; do
  case $t in
    relay-put) label="relay PUT 16 KiB (fdatasync, group commit)";;
    nginx-put) label="nginx WebDAV PUT 16 KiB (no fsync)";;
    relay-fetch) label="relay fetch 4 caps / 4 slots (64 KiB)";;
    relay-fetch1) label="relay fetch 4 caps / 1 slot (16 KiB)";;
    nginx-get) label="nginx GET 16 KiB";;
  esac
  printf '%-40s %10s %9s %9s %9s %s\n' "${label:0:40}" "$(rps $t)" "$(lat $t Latency)" "$(lat $t 50%)" "$(lat $t 99%)" "$(errs $t)"
done
echo
echo "PUT:   relay / nginx = $(ratio "$(rps relay-put)" "$(rps nginx-put)")   (goal >= 0.80)"
echo "fetch: relay (4 slots) / nginx GET = $(ratio "$(rps relay-fetch)" "$(rps nginx-get)")   (goal >= 0.80)"
echo "fetch: relay (1 slot) / nginx GET = $(ratio "$(rps relay-fetch1)" "$(rps nginx-get)")"
echo "bytes: relay (4 slots) / nginx GET = $(ratio "$(rps relay-fetch) * 65696" "$(rps nginx-get) * 16384")   (answer bytes per second)"
echo "durability: $ACKED puts acknowledged, $STORED records on disk"
[ "$STORED" -ge "$ACKED" ] || echo "WARNING: fewer records on disk than acknowledged puts" >&2
