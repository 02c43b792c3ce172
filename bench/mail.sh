#!/usr/bin/env bash
# Benchmark (not a test): 200 messages through the loopback Postfix + Dovecot of
# scripts/servers/mail.sh (STARTTLS submission with AUTH, IMAPS), hushpost beside the same
# 200 messages as ordinary plaintext mails sent with Python's smtplib and fetched with
# imaplib, in the same run. Prints a table.
#
#   hushpost   one `hushpost send` process per message (unlock, seal, connect, STARTTLS,
#              AUTH, submit); then `hushpost fetch` until all 200 are stored, verified and
#              shown by `hushpost list`, and expunged from the server
#   smtplib    the same subjects and bodies as plain mails: one connection per message (as
#              above) and all 200 on one connection; imaplib fetches them (BODY.PEEK[]),
#              then flags and expunges them
#
# Usage: bench/mail.sh   (env: N=200 CARGO_TARGET_DIR=...; needs root for the servers)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200}
PY=/usr/bin/python3 # Debian's: a pyenv python3 on PATH may lack nothing here, but be sure

cargo build --release -q -p hushpost
BIN=${CARGO_TARGET_DIR:-target}/release/hushpost

W=$(mktemp -d /var/tmp/hushpost-mail-bench.XXXXXX)
cleanup() {
  for f in "$W"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  rm -rf "$W"
}
trap cleanup EXIT
eval "$(RUN="$W" bash scripts/servers/mail.sh)"
H=$HUSHPOST_TEST_MAIL_HOST
BOBDIR=$HUSHPOST_TEST_MAILDIRS/bob/Maildir

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; }
count_mail() { find "$BOBDIR/new" "$BOBDIR/cur" -type f 2>/dev/null | wc -l; }
wait_count() { # wait until bob's Maildir holds $1 mails
  for _ in $(seq 1200); do [ "$(count_mail)" -ge "$1" ] && return; sleep 0.05; done
  echo "only $(count_mail) of $1 mails delivered" >&2
  exit 1
}

# --- hushpost ------------------------------------------------------------------------------
hp() { HUSHPOST_HOME="$W/$1" "$BIN" "${@:2}"; }
for u in alice bob; do
  hp $u init --name "$u" --no-passphrase --route "mailto:$u@example.test" >/dev/null 2>&1
  pwvar=HUSHPOST_TEST_MAIL_${u^^}_PASSWORD
  printf '%s\n' "${!pwvar}" >"$W/$u.pw"
  hp $u account add --address "$u@example.test" --user $u \
    --smtp "$H:$HUSHPOST_TEST_SMTP_PORT" --smtp-tls starttls \
    --imap "$H:$HUSHPOST_TEST_IMAPS_PORT" --imap-tls implicit \
    --ca-file "$HUSHPOST_TEST_MAIL_CA" --password-command "cat $W/$u.pw" 2>/dev/null
done
hp alice contact add bob "$(hp bob id card)" >/dev/null 2>&1
hp bob contact add alice "$(hp alice id card)" >/dev/null 2>&1

body() { printf 'Message %d of the mail bench.\n\nThe quick brown fox jumps over the lazy dog.\n' "$1"; }

t0=$(now)
for i in $(seq "$N"); do
  body "$i" | hp alice -q send --to bob --subject "bench $i" >/dev/null
done
hp_send=$(since "$t0")
wait_count "$N"
hp_delivered=$(since "$t0")
t1=$(now)
shown=0
fetches=0
for _ in $(seq 20); do
  hp bob -q fetch >/dev/null
  fetches=$((fetches + 1))
  shown=$(hp bob list --json --limit 100000 | grep -c '"subject": "bench ' || true)
  [ "$shown" -ge "$N" ] && break
done
hp_fetch=$(since "$t1")
hp_round=$(since "$t0")
[ "$shown" -eq "$N" ] || { echo "hushpost shows $shown of $N" >&2; exit 1; }
[ "$(count_mail)" -eq 0 ] || { echo "$(count_mail) mails left on the server" >&2; exit 1; }

# --- plaintext smtplib / imaplib, same messages ---------------------------------------------
read -r py_send1 py_sendN py_fetch py_bytes <<<"$("$PY" - "$N" <<'PY'
import imaplib, os, smtplib, ssl, sys, time
from email.message import EmailMessage
n = int(sys.argv[1])
e = os.environ
host, ctx = e["HUSHPOST_TEST_MAIL_HOST"], ssl.create_default_context(cafile=e["HUSHPOST_TEST_MAIL_CA"])
maildir = e["HUSHPOST_TEST_MAILDIRS"] + "/bob/Maildir"
def msg(i):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "alice@example.test", "bob@example.test", f"bench {i}"
    m.set_content(f"Message {i} of the mail bench.\n\nThe quick brown fox jumps over the lazy dog.\n")
    return m
def count():
    return sum(len(os.listdir(f"{maildir}/{d}")) for d in ("new", "cur"))
def wait(k):
    for _ in range(1200):
        if count() >= k: return
        time.sleep(0.05)
    raise SystemExit(f"only {count()} of {k} delivered")
def login():
    s = smtplib.SMTP(host, int(e["HUSHPOST_TEST_SMTP_PORT"]))
    s.starttls(context=ctx); s.login("alice", e["HUSHPOST_TEST_MAIL_ALICE_PASSWORD"])
    return s
def fetch_all():
    im = imaplib.IMAP4_SSL(host, int(e["HUSHPOST_TEST_IMAPS_PORT"]), ssl_context=ctx)
    im.login("bob", e["HUSHPOST_TEST_MAIL_BOB_PASSWORD"]); im.select("INBOX")
    _, ids = im.uid("SEARCH", None, "ALL")
    ids = ids[0].split()
    size = 0
    for u in ids:
        _, d = im.uid("FETCH", u, "(BODY.PEEK[])"); size = len(d[0][1])
    if ids:
        im.uid("STORE", b",".join(ids), "+FLAGS.SILENT", r"(\Deleted)"); im.expunge()
    im.logout()
    return len(ids), size
t = time.time()
for i in range(1, n + 1):
    s = login(); s.send_message(msg(i)); s.quit()
send1 = time.time() - t
wait(n)
got, size = fetch_all()
t = time.time()
s = login()
for i in range(1, n + 1):
    s.send_message(msg(i))
s.quit()
sendN = time.time() - t
wait(n)
t = time.time()
got, size = fetch_all()
fetch = time.time() - t
assert got == n, got
print(f"{send1:.2f} {sendN:.2f} {fetch:.2f} {size}")
PY
)"

# One hushpost mail as the server stores it, for the size column.
body 0 | hp alice -q send --to bob --subject "size probe" >/dev/null
wait_count 1
hp_bytes=$(find "$BOBDIR/new" "$BOBDIR/cur" -type f -exec wc -c {} + | awk 'NR==1 {print $1}')
hp bob -q fetch >/dev/null

rate() { awk -v n="$N" -v s="$1" 'BEGIN {printf "%.1f", n/s}'; }
py_round=$(awk -v a="$py_send1" -v b="$py_fetch" 'BEGIN {printf "%.2f", a+b}')
cat <<TABLE

mail bench: $N messages, Postfix $(postconf -d -h mail_version 2>/dev/null || echo ?) + Dovecot $(dovecot --version | cut -d' ' -f1) on loopback, STARTTLS+AUTH submission, IMAPS; $(nproc) cores

| step                                   | hushpost (sealed, 16 KiB blob) | plaintext (smtplib/imaplib) |
|----------------------------------------|--------------------------------|-----------------------------|
| send, one connection per message       | ${hp_send} s ($(rate "$hp_send")/s)            | ${py_send1} s ($(rate "$py_send1")/s)            |
| send, all on one connection            | n/a (one process per send)     | ${py_sendN} s ($(rate "$py_sendN")/s)            |
| all delivered to the Maildir           | ${hp_delivered} s after the first send | —                       |
| fetch (+verify, store, expunge)        | ${hp_fetch} s ($fetches fetch run(s)) | ${py_fetch} s (download + expunge) |
| round trip send → fetched → shown      | ${hp_round} s                  | ${py_round} s (send + fetch)       |
| bytes per stored mail                  | ${hp_bytes}                    | ${py_bytes}                         |
TABLE
