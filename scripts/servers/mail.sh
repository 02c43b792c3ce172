#!/usr/bin/env bash
# A throwaway mail system on loopback for the mailto: transport tests and bench/mail.sh:
# Postfix (a real MTA) delivering example.test to one Maildir per user with virtual(8), and
# Dovecot serving those Maildirs over IMAP. Two users, alice and bob, with passwords; SMTP
# submission with AUTH (Dovecot SASL) over STARTTLS and over implicit TLS; IMAP with
# STARTTLS and IMAPS; TLS from a test CA made here with openssl. Plus, for the "refuse to
# talk in the clear" tests, an SMTP submission port and an IMAP listener (on 127.0.0.2) that
# offer no TLS at all.
#
# Called by scripts/test.sh with RUN=<temp dir> (test.sh installs postfix, dovecot-imapd
# and openssl). Needs root (Postfix's queue and Dovecot's mail processes change user).
# Every config, queue, log and mailbox lives under $RUN/mail; nothing in /etc is touched.
# Writes $RUN/postfix.pid and $RUN/dovecot.pid (the two master processes; SIGTERM stops
# each with its children) and prints `export HUSHPOST_TEST_…=…` lines on stdout.
set -euo pipefail
: "${RUN:?RUN must name the test run directory}"

[ "$(id -u)" = 0 ] || { echo "mail.sh: needs root (postfix, dovecot)" >&2; exit 1; }
for b in /usr/sbin/postfix /usr/sbin/dovecot; do
  [ -x "$b" ] || { echo "mail.sh: $b missing (apt-get install postfix dovecot-imapd)" >&2; exit 1; }
done
command -v openssl >/dev/null || { echo "mail.sh: openssl missing" >&2; exit 1; }

D=$RUN/mail
mkdir -p "$D"
# Dovecot's unprivileged login processes and Postfix's delivery agent (uid nobody) must be
# able to traverse every directory down to the mailboxes.
chmod 0755 "$RUN" "$D"

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/ports.sh"
SUBMIT_PORT=$(free_port mail.sh)  # STARTTLS submission (as 587)
SUBMITS_PORT=$(free_port mail.sh) # implicit-TLS submission (as 465)
PLAIN_PORT=$(free_port mail.sh)   # submission that offers no TLS (refusal tests only)
IMAP_PORT=$(free_port mail.sh)    # IMAP + STARTTLS (as 143)
IMAPS_PORT=$(free_port mail.sh)   # IMAPS (as 993)
IMAP_PLAIN_PORT=$(free_port mail.sh) # IMAP without TLS, on 127.0.0.2 (refusal tests only)

# --- test CA and server certificate ---------------------------------------------------------
# hp-mail.test is the name scripts/servers/socks.sh's proxy resolves to 127.0.0.1 (the
# mail-over-Tor test dials it through the proxy only).
T=$D/tls
mkdir -p "$T"
chmod 0700 "$T"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3 \
  -subj "/CN=hushpost test CA" -keyout "$T/ca.key" -out "$T/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$T/server.key" -out "$T/server.csr" 2>/dev/null
cat >"$T/server.ext" <<EXT
subjectAltName=DNS:localhost,DNS:hp-mail.test,IP:127.0.0.1,IP:127.0.0.2
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
EXT
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
  -days 3 -extfile "$T/server.ext" -out "$T/server.crt" 2>/dev/null
chmod 0644 "$T/ca.crt"

# --- mailboxes (uid/gid nobody: Dovecot refuses uid 0 for mail processes) ------------------
MAILROOT=$D/vmail
for u in alice bob; do
  mkdir -p "$MAILROOT/$u/Maildir/"{cur,new,tmp}
done
chown -R 65534:65534 "$MAILROOT"
chmod 0755 "$MAILROOT"
ALICE_PW=alice-$(openssl rand -hex 8)
BOB_PW=bob-$(openssl rand -hex 8)
printf 'alice:{PLAIN}%s\nbob:{PLAIN}%s\n' "$ALICE_PW" "$BOB_PW" >"$D/passwd"
chgrp dovecot "$D/passwd"
chmod 0640 "$D/passwd"

# --- Dovecot: IMAP, and the SASL socket Postfix authenticates against ----------------------
DV=$D/dovecot
mkdir -p "$DV/run" "$DV/state"
cat >"$DV/dovecot.conf" <<CFG
protocols = imap
listen = 127.0.0.1, 127.0.0.2
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/dovecot.log
first_valid_uid = 1
ssl = required
ssl_cert = <$T/server.crt
ssl_key = <$T/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $D/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$MAILROOT/%n
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1, 127.0.0.2
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
  inet_listener imap-plain {
    address = 127.0.0.2
    port = $IMAP_PLAIN_PORT
  }
}
# Connections to 127.0.0.2 get no TLS at all: the server the refusal tests need.
local 127.0.0.2 {
  ssl = no
  disable_plaintext_auth = no
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
CFG
/usr/sbin/dovecot -c "$DV/dovecot.conf"
for _ in $(seq 100); do [ -s "$DV/run/master.pid" ] && break; sleep 0.05; done
cp "$DV/run/master.pid" "$RUN/dovecot.pid"

# --- Postfix: virtual(8) into the Maildirs above; submission with AUTH ---------------------
PF=$D/postfix
mkdir -p "$PF/etc" "$PF/spool" "$PF/data"
chown postfix "$PF/data"
cat >"$PF/etc/main.cf" <<CFG
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
meta_directory = /etc/postfix
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
myhostname = mx.example.test
mydomain = example.test
myorigin = example.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_transport = error:local delivery disabled
virtual_mailbox_domains = example.test
virtual_mailbox_base = $MAILROOT
virtual_mailbox_maps = inline:{ alice@example.test=alice/Maildir/, bob@example.test=bob/Maildir/ }
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
smtpd_tls_cert_file = $T/server.crt
smtpd_tls_key_file = $T/server.key
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DV/run/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
CFG
sub_opts="-o smtpd_sasl_auth_enable=yes -o smtpd_client_restrictions=permit_sasl_authenticated,reject -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
cat >"$PF/etc/master.cf" <<CFG
127.0.0.1:$SUBMIT_PORT inet n - n - - smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt -o smtpd_tls_auth_only=yes $sub_opts
127.0.0.1:$SUBMITS_PORT inet n - n - - smtpd -o syslog_name=postfix/submissions -o smtpd_tls_wrappermode=yes -o smtpd_tls_auth_only=yes $sub_opts
127.0.0.1:$PLAIN_PORT inet n - n - - smtpd -o syslog_name=postfix/plain -o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no $sub_opts
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CFG
# Postfix prints errors only to syslog or a terminal: `script` gives it one.
if ! script -qec "postfix -c $PF/etc check" /dev/null >"$PF/check.log" 2>&1; then
  echo "mail.sh: postfix check failed:" >&2
  cat "$PF/check.log" >&2
  exit 1
fi
script -qec "postfix -c $PF/etc start" /dev/null >"$PF/start.log" 2>&1 || {
  echo "mail.sh: postfix did not start:" >&2
  cat "$PF/start.log" "$PF/maillog" >&2 2>/dev/null
  exit 1
}
for _ in $(seq 100); do [ -s "$PF/spool/pid/master.pid" ] && break; sleep 0.05; done
tr -d ' ' <"$PF/spool/pid/master.pid" >"$RUN/postfix.pid"

for p in $SUBMIT_PORT $SUBMITS_PORT $PLAIN_PORT $IMAP_PORT $IMAPS_PORT; do
  for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.05; done
  (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || {
    echo "mail.sh: nothing listens on 127.0.0.1:$p" >&2
    cat "$PF/maillog" "$DV/dovecot.log" >&2 2>/dev/null
    exit 1
  }
done

cat <<ENV
export HUSHPOST_TEST_MAIL_HOST=127.0.0.1
export HUSHPOST_TEST_MAIL_DOMAIN=example.test
export HUSHPOST_TEST_SMTP_PORT=$SUBMIT_PORT
export HUSHPOST_TEST_SMTPS_PORT=$SUBMITS_PORT
export HUSHPOST_TEST_SMTP_PLAIN_PORT=$PLAIN_PORT
export HUSHPOST_TEST_IMAP_PORT=$IMAP_PORT
export HUSHPOST_TEST_IMAPS_PORT=$IMAPS_PORT
export HUSHPOST_TEST_IMAP_PLAIN_HOST=127.0.0.2
export HUSHPOST_TEST_IMAP_PLAIN_PORT=$IMAP_PLAIN_PORT
export HUSHPOST_TEST_MAIL_CA=$T/ca.crt
export HUSHPOST_TEST_MAIL_ALICE_PASSWORD=$ALICE_PW
export HUSHPOST_TEST_MAIL_BOB_PASSWORD=$BOB_PW
export HUSHPOST_TEST_MAILDIRS=$MAILROOT
export HUSHPOST_TEST_MAIL_LOG=$PF/maillog
ENV
