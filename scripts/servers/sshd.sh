#!/usr/bin/env bash
# A throwaway OpenSSH sshd on 127.0.0.1 (free port) holding one SSH drop set up as the
# README's "SSH drop: server set-up" says: a chrooted, sftp-only drop account whose key can
# only create files, and an owner account that can list, read and delete them.
#
# Called by scripts/test.sh with RUN=<temp dir>; installs nothing (test.sh installs
# openssh-server). Needs root (useradd, chroot). Writes $RUN/sshd.pid (the listener, via
# PidFile) and $RUN/sshd-state.pid (a watcher that removes the chroot tree outside $RUN when
# killed), and prints `export HUSHPOST_TEST_SSH_…=…` lines for the tests on stdout.
set -euo pipefail
: "${RUN:?RUN must name the test run directory}"
SSHD=${SSHD:-/usr/sbin/sshd}
DROP_USER=hpt-drop
OWNER_USER=hpt-owner

[ "$(id -u)" = 0 ] || { echo "sshd.sh: needs root (test accounts, chroot)" >&2; exit 1; }
[ -x "$SSHD" ] || { echo "sshd.sh: $SSHD missing (apt-get install openssh-server)" >&2; exit 1; }

# Accounts: the owner's group holds the drop account too, so the drop directory can be
# group-writable (create) without being group-readable (list). '*' = no password, but not
# "locked" (sshd refuses locked accounts even for keys when UsePAM is off).
id "$OWNER_USER" >/dev/null 2>&1 ||
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin --password '*' "$OWNER_USER"
id "$DROP_USER" >/dev/null 2>&1 ||
  useradd --system --user-group --groups "$OWNER_USER" --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin --password '*' "$DROP_USER"
usermod --password '*' "$OWNER_USER"
usermod --password '*' --append --groups "$OWNER_USER" "$DROP_USER"

# sshd insists that every component of a ChrootDirectory is root-owned and not writable by
# others, so the chroot cannot live under /tmp (mode 1777) like $RUN.
mkdir -p /srv
SROOT=$(mktemp -d /srv/hushpost-sshd.XXXXXX)
chmod 0755 "$SROOT"
( set +e
  trap 'umount -l "$SROOT"/chroot/* 2>/dev/null; rm -rf "$SROOT"; kill "$nap" 2>/dev/null; exit 0' TERM INT HUP
  while :; do sleep 3600 & nap=$!; wait "$nap"; done ) </dev/null >/dev/null 2>&1 &
echo $! >"$RUN/sshd-state.pid"

ST=$RUN/sshd
mkdir -p "$ST"
chmod 0700 "$ST"
ssh-keygen -q -t ed25519 -N '' -C hushpost-test-host -f "$ST/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$ST/drop_ed25519"
ssh-keygen -q -t ed25519 -N '' -C hushpost-test-owner -f "$ST/owner_ed25519"
HOSTKEY=$(ssh-keygen -lf "$ST/host_ed25519.pub" | awk '{print $2}')
# The route carries the drop key as base64url of its 32-byte Ed25519 seed. In an unencrypted
# OpenSSH ed25519 key with an empty comment the seed sits at byte 161 of the decoded body.
DROP_SEED=$(sed '1d;$d' "$ST/drop_ed25519" | base64 -d | dd bs=1 skip=161 count=32 status=none |
  base64 -w0 | tr '+/' '-_' | tr -d '=')

# The same layout `hushpost route ssh-setup` prints (README: "SSH drop: server set-up").
install -d -o root -g root -m 0755 "$SROOT/chroot" "$SROOT/keys"
install -d -o "$OWNER_USER" -g "$OWNER_USER" -m 3730 "$SROOT/chroot/drop"
DROP_SFTP="internal-sftp -u 0737 -p realpath,open,close,write,fsync,rename"
OWNER_SFTP="internal-sftp -u 0077"
printf 'restrict,command="%s" %s\n' "$DROP_SFTP" "$(cat "$ST/drop_ed25519.pub")" >"$SROOT/keys/$DROP_USER"
printf 'restrict,command="%s" %s\n' "$OWNER_SFTP" "$(cat "$ST/owner_ed25519.pub")" >"$SROOT/keys/$OWNER_USER"
chmod 0644 "$SROOT/keys/$DROP_USER" "$SROOT/keys/$OWNER_USER"

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/ports.sh"
PORT=$(free_port sshd.sh)
mkdir -p /run/sshd # privilege-separation directory sshd insists on
cat >"$ST/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $ST/host_ed25519
PidFile $RUN/sshd.pid
AuthorizedKeysFile $SROOT/keys/%u
AllowUsers $DROP_USER $OWNER_USER
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
StrictModes yes
MaxStartups 200:30:400
Subsystem sftp internal-sftp
LogLevel VERBOSE

Match User $DROP_USER
    ChrootDirectory $SROOT/chroot
    ForceCommand $DROP_SFTP
    DisableForwarding yes
    PermitTTY no
    PermitTunnel no
Match User $OWNER_USER
    ChrootDirectory $SROOT/chroot
    ForceCommand $OWNER_SFTP
    DisableForwarding yes
    PermitTTY no
    PermitTunnel no
CFG
"$SSHD" -t -f "$ST/sshd_config"
"$SSHD" -D -e -f "$ST/sshd_config" </dev/null >/dev/null 2>>"$ST/sshd.log" &
for _ in $(seq 100); do
  [ -s "$RUN/sshd.pid" ] && (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.05
done
[ -s "$RUN/sshd.pid" ] || { echo "sshd.sh: sshd did not start:" >&2; cat "$ST/sshd.log" >&2; exit 1; }

cat <<ENV
export HUSHPOST_TEST_SSH_HOST=127.0.0.1
export HUSHPOST_TEST_SSH_PORT=$PORT
export HUSHPOST_TEST_SSH_HOSTKEY=$HOSTKEY
export HUSHPOST_TEST_SSH_HOSTKEY_PUB=$ST/host_ed25519.pub
export HUSHPOST_TEST_SSH_PATH=/drop
export HUSHPOST_TEST_SSH_DROP_USER=$DROP_USER
export HUSHPOST_TEST_SSH_DROP_KEY=$DROP_SEED
export HUSHPOST_TEST_SSH_DROP_KEY_FILE=$ST/drop_ed25519
export HUSHPOST_TEST_SSH_OWNER_USER=$OWNER_USER
export HUSHPOST_TEST_SSH_OWNER_KEY_FILE=$ST/owner_ed25519
export HUSHPOST_TEST_SSH_CHROOT=$SROOT/chroot
export HUSHPOST_TEST_SSH_DROP_DIR=$SROOT/chroot/drop
export HUSHPOST_TEST_SSH_KEYS_DIR=$SROOT/keys
export HUSHPOST_TEST_SSH_CONFIG=$ST/sshd_config
export HUSHPOST_TEST_SSH_SSHD=$SSHD
export HUSHPOST_TEST_SSH_LOG=$ST/sshd.log
ENV
