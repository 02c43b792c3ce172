//! An SFTP directory on any OpenSSH server, through libssh2 (`ssh2`). SFTP only: this
//! module never asks the server to run a command.
//!
//! Senders log in as the route's user with the route's *drop key* (an Ed25519 key whose
//! seed travels in the card, base64url without padding); the server set-up (README, "SSH
//! drop: server set-up", and `hushpost route ssh-setup`) lets that key create files and
//! nothing else. The owner fetches with their own key (a key file and/or ssh-agent), as
//! `[ssh] user` or the route's user. The host key is pinned by the route: a different key
//! is refused before any authentication, naming both fingerprints.
//!
//! A blob is written as `<tag hex>.<16 random hex>.tmp`, fsynced, closed and renamed to
//! `<tag hex>.<16 random hex>`, so a reader never sees half a blob. Nothing dials in
//! [`SshDrop::new`]; one session per login is opened on first use and reused for the run.
//! Cover ticks (`fetch_page`) and senders that keep counters write small blobs into slot
//! files instead, so every tick looks the same on the wire: see [`slots`].
//!
//! Must not: log or print tags, capabilities, keys or file names.

use crate::socks::{Proxy, pct_decode};
use crate::{DeadDrop, DialOptions, Fetched, Flow, PageState, PutOptions, Result, TransportError};
use base64::Engine;
use hushpost_core::route::SshRoute;
use hushpost_core::{FetchCap, Tag};
use sha2::{Digest, Sha256};
use ssh2::{ErrorCode, OpenFlags, OpenType, Session, Sftp};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zeroize::Zeroizing;

pub mod slots;

/// The largest blob a drop holds (the large bucket). Anything bigger is read only this far
/// plus one byte, so the receiver refuses it without us holding a huge file in memory.
const MAX_BLOB: u64 = hushpost_core::envelope::LARGE as u64;
/// A `.tmp` upload of one of our tags older than this is an abandoned partial upload.
const STALE_TMP_SECS: u64 = 3_600;
/// A blob file older than this is past the 14-day retention (a day of clock slack).
const EXPIRED_SECS: u64 = 15 * 86_400;
/// Default connect/IO timeout when the caller gives none.
const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Host key algorithms in order of preference: the route pins one fingerprint, and the
/// set-up pins the server's Ed25519 key, so ask for that first.
const HOSTKEY_PREFS: &str = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-rsa";

/// A drop key: an Ed25519 key that can only put files into one SSH drop. In a route it is
/// `dropkey=` + base64url (no padding) of the 32-byte seed.
pub struct DropKey {
    seed: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for DropKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DropKey(..)")
    }
}

impl DropKey {
    /// A fresh random key.
    pub fn generate() -> DropKey {
        use rand::RngCore;
        let mut seed = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut seed[..]);
        DropKey { seed }
    }

    /// Decodes the `dropkey=` value (base64url or standard base64, padded or not).
    pub fn parse(s: &str) -> Result<DropKey> {
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        let t = s.trim().trim_end_matches('=');
        let bytes = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(t)
                .or_else(|_| STANDARD_NO_PAD.decode(t))
                .map_err(|_| TransportError::BadDropKey)?,
        );
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| TransportError::BadDropKey)?;
        Ok(DropKey {
            seed: Zeroizing::new(arr),
        })
    }

    /// The `dropkey=` value.
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&self.seed[..])
    }

    fn keypair(&self) -> ssh_key::private::Ed25519Keypair {
        ssh_key::private::Ed25519Keypair::from_seed(&self.seed)
    }

    /// The public key as an `authorized_keys` line body: `ssh-ed25519 AAAA… comment`.
    pub fn public_openssh(&self, comment: &str) -> String {
        let mut public = ssh_key::PublicKey::from(self.keypair().public);
        public.set_comment(comment);
        public
            .to_openssh()
            .expect("an Ed25519 public key always encodes")
    }

    /// The private key in OpenSSH format: handed to libssh2 in memory, never written to
    /// disk by hushpost (tests write it to try the drop with the stock `sftp` client).
    pub fn private_openssh(&self) -> Zeroizing<String> {
        ssh_key::PrivateKey::from(self.keypair())
            .to_openssh(ssh_key::LineEnding::LF)
            .expect("an Ed25519 private key always encodes")
    }
}

/// `SHA256:` + unpadded base64 of SHA-256 of a host key blob, as `ssh-keygen -l` prints it.
pub fn fingerprint(key_blob: &[u8]) -> String {
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(Sha256::digest(key_blob))
    )
}

/// The fingerprint of a public key line (`ssh-ed25519 AAAA… comment`, as in a `.pub` file).
pub fn fingerprint_of_public_line(line: &str) -> Option<String> {
    let b64 = line.split_whitespace().nth(1)?;
    let blob = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    Some(fingerprint(&blob))
}

/// Who we log in as, which decides the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// With the route's drop key: put only.
    Sender,
    /// With the owner's key file / agent: everything.
    Owner,
}

/// One logged-in SFTP session.
struct Conn {
    sess: Session,
    /// Always `Some` until dropped.
    sftp: Option<Sftp>,
    /// The session's socket, to end it under libssh2 (see the `Drop`).
    tcp: Option<TcpStream>,
}

impl Conn {
    fn sftp(&self) -> &Sftp {
        self.sftp.as_ref().expect("open until dropped")
    }
}

impl std::ops::Drop for Conn {
    fn drop(&mut self) {
        // Goodbye without closing the SFTP channel first: closing it races the server's
        // subsystem exit, which sends an `exit-status` or not by timing, so the session's
        // last bytes differ from one run to the next (a cover tick must not). After the
        // DISCONNECT the socket is shut, so libssh2's channel close fails at once rather
        // than waiting for an answer that cannot come.
        let _ = self
            .sess
            .disconnect(Some(ssh2::DisconnectCode::ByApplication), "bye", None);
        if let Some(t) = self.tcp.take() {
            let _ = t.shutdown(std::net::Shutdown::Both);
        }
        drop(self.sftp.take());
    }
}

/// The drop.
pub struct SshDrop {
    user: String,
    host: String,
    port: u16,
    dir: String,
    hostkey: String,
    dropkey: Option<DropKey>,
    dial: Box<DialOptions>,
    sender: Option<Conn>,
    owner: Option<Conn>,
    /// A slot file of ours the last page read, for a tick's padding writes.
    scratch: Option<Tag>,
}

impl std::fmt::Debug for SshDrop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SshDrop")
            .field("at", &self.label())
            .field("dropkey", &self.dropkey.is_some())
            .field(
                "connected",
                &(self.sender.is_some() || self.owner.is_some()),
            )
            .finish()
    }
}

/// What went wrong with one SFTP request, before it becomes a [`TransportError`].
enum Fail {
    /// An SFTP status code (`SSH_FX_*`): the session is still good.
    Status(i32),
    /// The session broke (socket closed, timeout, protocol error).
    Session(String),
}

fn fail_of(e: &ssh2::Error) -> Fail {
    match e.code() {
        ErrorCode::SFTP(c) => Fail::Status(c),
        ErrorCode::Session(_) => Fail::Session(e.message().to_string()),
    }
}

/// `ssh2::File`'s `Read`/`Write` turn the SFTP error into an `io::Error` carrying only
/// libssh2's message; map the SFTP status messages back to their codes.
fn fail_of_io(e: &io::Error) -> Fail {
    let code = match e.to_string().as_str() {
        "no such file" => 2,
        "permission denied" => 3,
        "failure" => 4,
        "operation unsupported" => 8,
        "file already exists" => 11,
        "no space on filesystem" => 14,
        "quota exceeded" => 15,
        other => return Fail::Session(other.to_string()),
    };
    Fail::Status(code)
}

const FX_NO_SUCH_FILE: i32 = 2;
const FX_PERMISSION_DENIED: i32 = 3;
const FX_FAILURE: i32 = 4;
const FX_OP_UNSUPPORTED: i32 = 8;
const FX_NO_SUCH_PATH: i32 = 10;
const FX_NO_SPACE: i32 = 14;
const FX_QUOTA: i32 = 15;

/// What the request was, for error mapping (OpenSSH reports a full disk as a bare
/// `SSH_FX_FAILURE`, so a failure while writing means "full").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Write,
    List,
    Read,
    Remove,
}

/// Splits `<64 hex>.<16 hex>` into its tag; anything else is not ours to touch.
pub(crate) fn parse_name(name: &str) -> Option<Tag> {
    let (tag, id) = name.split_once('.')?;
    if id.len() != 16 || !id.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Tag::from_hex(tag)
}

/// Splits `<64 hex>.<16 hex>.tmp` (an upload in progress) into its tag.
pub(crate) fn parse_tmp_name(name: &str) -> Option<Tag> {
    parse_name(name.strip_suffix(".tmp")?)
}

fn random_id() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// What an SSH drop exposes.
pub(crate) fn exposure(r: &SshRoute, u: crate::Usage) -> crate::Exposure {
    let mut e = u.dialled(
        "ssh drop",
        &r.host,
        "the host sees your IP",
        (
            "the SSH host: the login used, per-file times and fixed sizes; not your IP, not who, not content",
            "the SSH host: the login and IP address of each side, per-file times and fixed sizes; not content",
        ),
    );
    if u.cover {
        // Cover ticks go through the slot files: the same requests and sizes every tick.
        e.network = format!(
            "{}; every cover tick the same size (an explicit fetch lists the folder, and its size follows what waits there)",
            e.network
        );
        e.operator = format!(
            "{}; which of your slot files get written, and when",
            e.operator
        );
    } else {
        // SFTP answers a directory listing and each read in its own packets, so the size
        // of a fetch follows how much waits in the drop.
        e.network = format!(
            "{}; the size of each fetch (how many files the drop lists and you read)",
            e.network
        );
    }
    e
}

impl SshDrop {
    /// The drop of an `ssh://` route. Checks the route's drop key but dials nothing.
    pub fn new(route: &SshRoute, dial: &DialOptions) -> Result<Self> {
        let onion = route.host.ends_with(".onion");
        if dial.proxy.is_none() && (route.via == Some(hushpost_core::route::Via::Tor) || onion) {
            return Err(TransportError::TorRequired(format!(
                "{}:{}",
                route.host, route.port
            )));
        }
        let dropkey = route.dropkey.as_deref().map(DropKey::parse).transpose()?;
        Ok(SshDrop {
            user: route.user.clone(),
            host: route.host.clone(),
            port: route.port,
            dir: pct_decode(&route.path).trim_end_matches('/').to_string(),
            hostkey: route.hostkey.clone(),
            dropkey,
            dial: Box::new(dial.clone()),
            sender: None,
            owner: None,
            scratch: None,
        })
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(match self.dial.timeout_secs {
            0 => DEFAULT_TIMEOUT_SECS,
            t => t,
        })
    }

    fn hostport(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn login(&self, role: Role) -> &str {
        match role {
            Role::Sender => &self.user,
            Role::Owner => self
                .dial
                .credentials
                .ssh_user
                .as_deref()
                .unwrap_or(&self.user),
        }
    }

    /// `user@host:port/dir` for messages: no keys, no tags.
    fn label(&self) -> String {
        self.label_as(Role::Sender)
    }

    fn label_as(&self, role: Role) -> String {
        format!("{}@{}{}", self.login(role), self.hostport(), self.dir)
    }

    fn path_of(&self, name: &str) -> PathBuf {
        PathBuf::from(format!("{}/{}", self.dir, name))
    }

    fn tcp(&self) -> Result<TcpStream> {
        let timeout = self.timeout();
        if let Some(proxy) = &self.dial.proxy {
            // Through Tor: the proxy resolves the name; never a direct connection.
            let p = Proxy::parse(proxy)?;
            return p.connect(&self.host, self.port, self.dial.isolation.as_ref(), timeout);
        }
        let unreachable = |reason: String| TransportError::Unreachable {
            host: self.hostport(),
            reason,
        };
        let addrs: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|_| unreachable("cannot resolve the host name".into()))?
            .collect();
        let mut last = None;
        for a in &addrs {
            match TcpStream::connect_timeout(a, timeout) {
                Ok(s) => return Ok(s),
                Err(e) => last = Some(e),
            }
        }
        Err(unreachable(match last {
            Some(e) if e.kind() == io::ErrorKind::TimedOut => "timed out".into(),
            Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => "connection refused".into(),
            Some(e) => e.to_string(),
            None => "no address".into(),
        }))
    }

    /// Connects, checks the pinned host key, logs in and starts SFTP.
    fn connect(&self, role: Role) -> Result<Conn> {
        // Credentials are checked before dialling: no pointless connection.
        if role == Role::Owner
            && self.dial.credentials.ssh_key_file.is_none()
            && !self.dial.credentials.ssh_agent
        {
            return Err(TransportError::NoCredentials(self.label()));
        }
        let tcp = self.tcp()?;
        let _ = tcp.set_nodelay(true);
        let mut sess = Session::new()
            .map_err(|e| TransportError::Protocol(self.label(), e.message().into()))?;
        let kept = tcp.try_clone().ok();
        sess.set_tcp_stream(tcp);
        sess.set_timeout(u32::try_from(self.timeout().as_millis()).unwrap_or(u32::MAX));
        let _ = sess.method_pref(ssh2::MethodType::HostKey, HOSTKEY_PREFS);
        sess.handshake().map_err(|e| TransportError::Unreachable {
            host: self.hostport(),
            reason: format!("SSH handshake failed ({})", e.message()),
        })?;
        // The pin is checked before we authenticate: a stranger's server never sees a key.
        let got = sess
            .host_key()
            .map(|(blob, _)| fingerprint(blob))
            .ok_or_else(|| TransportError::Protocol(self.label(), "no host key".into()))?;
        if got.trim_end_matches('=') != self.hostkey.trim_end_matches('=') {
            return Err(TransportError::HostKeyMismatch {
                host: self.hostport(),
                expected: self.hostkey.clone(),
                got,
            });
        }
        self.authenticate(&sess, role)?;
        let sftp = sess.sftp().map_err(|e| match fail_of(&e) {
            Fail::Session(m) => TransportError::Protocol(
                self.label_as(role),
                format!("the server refused the SFTP subsystem ({m})"),
            ),
            Fail::Status(_) => TransportError::Protocol(
                self.label_as(role),
                "the server refused the SFTP subsystem".into(),
            ),
        })?;
        Ok(Conn {
            sess,
            sftp: Some(sftp),
            tcp: kept,
        })
    }

    fn authenticate(&self, sess: &Session, role: Role) -> Result<()> {
        let user = self.login(role);
        let refused =
            |how: &str| TransportError::AuthRefused(format!("{} with {how}", self.label_as(role)));
        match role {
            Role::Sender => {
                let key = self.dropkey.as_ref().expect("senders have a drop key");
                let private = key.private_openssh();
                let public = key.public_openssh("");
                sess.userauth_pubkey_memory(user, Some(public.trim()), &private, None)
                    .map_err(|_| refused("the route's drop key"))?;
            }
            Role::Owner => {
                let creds = &self.dial.credentials;
                let mut tried = Vec::new();
                if let Some(file) = &creds.ssh_key_file {
                    std::fs::metadata(file)
                        .map_err(|e| TransportError::Io(e, file.display().to_string()))?;
                    tried.push(format!("key {}", file.display()));
                    let public = public_key_file(file);
                    let _ = sess.userauth_pubkey_file(user, public.as_deref(), file, None);
                }
                if !sess.authenticated() && creds.ssh_agent {
                    tried.push("ssh-agent".to_string());
                    agent_auth(sess, user);
                }
                if !sess.authenticated() {
                    return Err(refused(&tried.join(" and ")));
                }
            }
        }
        if !sess.authenticated() {
            return Err(refused("the route's drop key"));
        }
        Ok(())
    }

    /// The session for `role`, connecting on first use.
    fn conn(&mut self, role: Role) -> Result<&mut Conn> {
        let have = match role {
            Role::Sender => self.sender.is_some(),
            Role::Owner => self.owner.is_some(),
        };
        if !have {
            let c = self.connect(role)?;
            tracing::debug!("ssh drop: connected");
            match role {
                Role::Sender => self.sender = Some(c),
                Role::Owner => self.owner = Some(c),
            }
        }
        Ok(match role {
            Role::Sender => self.sender.as_mut().expect("connected above"),
            Role::Owner => self.owner.as_mut().expect("connected above"),
        })
    }

    /// Maps a failed request; a broken session is forgotten so the next call reconnects.
    fn error(&mut self, role: Role, op: Op, f: Fail) -> TransportError {
        let at = self.label_as(role);
        match f {
            Fail::Session(m) => {
                match role {
                    Role::Sender => self.sender = None,
                    Role::Owner => self.owner = None,
                }
                TransportError::Unreachable {
                    host: self.hostport(),
                    reason: format!("connection lost ({m})"),
                }
            }
            Fail::Status(FX_NO_SUCH_FILE | FX_NO_SUCH_PATH) => TransportError::RemoteDirMissing(at),
            Fail::Status(FX_PERMISSION_DENIED) => TransportError::PermissionDenied(match op {
                Op::List => format!("{at} (listing needs the owner's login: user under [ssh])"),
                _ => at,
            }),
            Fail::Status(FX_NO_SPACE | FX_QUOTA) => TransportError::DiskFull(at),
            // OpenSSH's sftp-server maps ENOSPC and EDQUOT to a bare SSH_FX_FAILURE.
            Fail::Status(FX_FAILURE) if op == Op::Write => TransportError::DiskFull(at),
            Fail::Status(c) => TransportError::Protocol(at, format!("SFTP status {c}")),
        }
    }

    fn put_as(&mut self, role: Role, tag: &Tag, blob: &[u8]) -> Result<()> {
        let name = format!("{}.{}", tag.hex(), random_id());
        let final_path = self.path_of(&name);
        let tmp = self.path_of(&format!("{name}.tmp"));
        let conn = self.conn(role)?;
        let r = (|| -> Result<(), Fail> {
            let mut f = conn
                .sftp()
                .open_mode(
                    &tmp,
                    OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::EXCLUSIVE,
                    // The server's umask decides: the drop account's (0737) leaves only
                    // group read, so the sender cannot read back what it wrote.
                    0o640,
                    OpenType::File,
                )
                .map_err(|e| fail_of(&e))?;
            let written = (|| -> Result<(), Fail> {
                f.write_all(blob).map_err(|e| fail_of_io(&e))?;
                match f.fsync() {
                    Ok(()) => {}
                    Err(e) => match fail_of(&e) {
                        // Servers without fsync@openssh.com still take the file.
                        Fail::Status(FX_OP_UNSUPPORTED) => {}
                        other => return Err(other),
                    },
                }
                f.close().map_err(|e| fail_of(&e))
            })();
            if let Err(e) = written {
                drop(f);
                // The owner may remove a half-written upload; a drop key cannot (the
                // owner's next fetch clears stale ones).
                let _ = conn.sftp().unlink(&tmp);
                return Err(e);
            }
            conn.sftp()
                .rename(&tmp, &final_path, None)
                .map_err(|e| fail_of(&e))
        })();
        r.map_err(|f| self.error(role, Op::Write, f))
    }

    fn list(&mut self) -> Result<Vec<(String, ssh2::FileStat)>> {
        let dir = PathBuf::from(if self.dir.is_empty() { "/" } else { &self.dir });
        let conn = self.conn(Role::Owner)?;
        match conn.sftp().readdir(&dir) {
            Ok(v) => Ok(v
                .into_iter()
                .filter_map(|(p, st)| Some((entry_name(&p)?, st)))
                .collect()),
            Err(e) => {
                let f = fail_of(&e);
                Err(self.error(Role::Owner, Op::List, f))
            }
        }
    }

    fn read_blob(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let path = self.path_of(name);
        let conn = self.conn(Role::Owner)?;
        let r = (|| -> Result<Vec<u8>, Fail> {
            let f = conn.sftp().open(&path).map_err(|e| fail_of(&e))?;
            let mut out = Vec::with_capacity(MAX_BLOB as usize);
            f.take(MAX_BLOB + 1)
                .read_to_end(&mut out)
                .map_err(|e| fail_of_io(&e))?;
            Ok(out)
        })();
        match r {
            Ok(b) => Ok(Some(b)),
            // Fetched and deleted by another device meanwhile.
            Err(Fail::Status(FX_NO_SUCH_FILE)) => Ok(None),
            Err(f) => Err(self.error(Role::Owner, Op::Read, f)),
        }
    }
}

/// Our blobs in a listing: `(capability index, name)`.
type Listing = Vec<(usize, String)>;

/// The name of one directory entry as the server listed it (any bytes; not UTF-8 is made
/// lossy, and such a name then simply fails [`parse_name`]).
pub(crate) fn entry_name(p: &Path) -> Option<String> {
    Some(p.file_name()?.to_string_lossy().into_owned())
}

impl SshDrop {
    /// Our blobs in the folder, `(capability index, name)`, and every name listed; clears
    /// senders' uploads to our tags that died half-way long ago.
    fn listing(&mut self, caps: &[FetchCap]) -> Result<(Listing, Vec<String>)> {
        let tags: std::collections::HashSet<Tag> = caps.iter().map(FetchCap::tag).collect();
        let entries = self.list()?;
        let now = now_secs();
        for (name, st) in &entries {
            let stale_tmp = parse_tmp_name(name).is_some_and(|t| tags.contains(&t))
                && st.mtime.is_some_and(|m| m + STALE_TMP_SECS < now);
            // A blob older than the retention is expired for everyone, whatever its tag
            // (one no fetch asks for: a decoy's large loop chaff, a former contact's).
            let expired =
                parse_name(name).is_some() && st.mtime.is_some_and(|m| m + EXPIRED_SECS < now);
            if (stale_tmp || expired)
                && let Some(c) = self.owner.as_ref()
            {
                let _ = c.sftp().unlink(&self.path_of(name));
            }
        }
        let sizes: std::collections::HashMap<&str, u64> = entries
            .iter()
            .map(|(n, st)| (n.as_str(), st.size.unwrap_or(u64::MAX)))
            .collect();
        let mut mine = crate::ours(caps, entries.iter().map(|(n, _)| n.clone()), parse_name);
        crate::small_first(&mut mine, |name| {
            sizes.get(name).copied().unwrap_or(u64::MAX)
        });
        let names: Vec<String> = entries.into_iter().map(|(n, _)| n).collect();
        Ok((mine, names))
    }
}

/// `KEY.pub` beside a key file, if there is one (libssh2 derives it otherwise).
fn public_key_file(key: &Path) -> Option<PathBuf> {
    let mut p = key.as_os_str().to_owned();
    p.push(".pub");
    let p = PathBuf::from(p);
    p.is_file().then_some(p)
}

fn agent_auth(sess: &Session, user: &str) {
    let Ok(mut agent) = sess.agent() else { return };
    if agent.connect().is_err() || agent.list_identities().is_err() {
        return;
    }
    if let Ok(ids) = agent.identities() {
        for id in ids {
            if agent.userauth(user, &id).is_ok() && sess.authenticated() {
                break;
            }
        }
    }
    let _ = agent.disconnect();
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl DeadDrop for SshDrop {
    fn put(&mut self, tag: &Tag, blob: &[u8], _opts: PutOptions) -> Result<()> {
        let role = if self.dropkey.is_some() {
            Role::Sender
        } else {
            Role::Owner
        };
        if self.put_slot(role, tag, blob)? {
            return Ok(());
        }
        self.put_as(role, tag, blob)
    }

    fn fetch(&mut self, caps: &[FetchCap], sink: &mut dyn FnMut(Fetched) -> Flow) -> Result<()> {
        let (mine, names) = self.listing(caps)?;
        let mut stopped = false;
        crate::hand_over(mine, |name| self.read_blob(name), &mut |f| {
            let flow = sink(f);
            stopped = flow == Flow::Stop;
            flow
        })?;
        if !stopped {
            self.slot_scan(caps, &names, sink)?;
        }
        Ok(())
    }

    /// The fixed-shape page of a cover tick: the slot files (see [`slots`]); `slots`
    /// slot reads.
    fn fetch_page(
        &mut self,
        caps: &[FetchCap],
        slots: usize,
        state: &mut PageState,
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<()> {
        self.slot_page(caps, slots, state, sink)
    }

    /// Clears taken slots with exactly `slots` writes (files of their own are removed).
    fn delete_padded(
        &mut self,
        caps: &[FetchCap],
        items: &[(usize, String)],
        slots: usize,
    ) -> Result<usize> {
        self.wipe_padded(caps, items, slots)
    }

    fn delete(&mut self, caps: &[FetchCap], items: &[(usize, String)]) -> Result<()> {
        for (cap, id) in items {
            if let Some((tag, n)) = slots::parse_slot_id(id)
                && caps.get(*cap).is_some_and(|c| c.opens(&tag))
            {
                self.wipe_slot(&tag, n)?;
            }
        }
        for name in crate::deletable(caps, items, parse_name) {
            let path = self.path_of(name);
            let conn = self.conn(Role::Owner)?;
            match conn.sftp().unlink(&path) {
                Ok(()) => {}
                Err(e) => match fail_of(&e) {
                    Fail::Status(FX_NO_SUCH_FILE) => {}
                    f => return Err(self.error(Role::Owner, Op::Remove, f)),
                },
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_keys_round_trip_and_never_debug_print() {
        let k = DropKey::generate();
        let s = k.encode();
        assert_eq!(s.len(), 43);
        assert!(
            s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        let again = DropKey::parse(&s).expect("parse");
        assert_eq!(again.encode(), s);
        assert_eq!(format!("{k:?}"), "DropKey(..)");
        assert!(DropKey::parse("too-short").is_err());
        let pk = k.public_openssh("hushpost-drop");
        assert!(pk.starts_with("ssh-ed25519 AAAA") && pk.ends_with(" hushpost-drop"));
        assert!(k.private_openssh().contains("BEGIN OPENSSH PRIVATE KEY"));
    }

    #[test]
    fn fingerprints_match_ssh_keygen() {
        // ssh-keygen -lf of this public key prints this fingerprint.
        let line =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDwffjnvBBilnkmzUyB+ELXFKXGbvP2AJogSER1Z2Jiy test";
        assert_eq!(
            fingerprint_of_public_line(line).as_deref(),
            Some("SHA256:jfLBieFDbjbFcysFWqvYC2k5Mqg0Zwm8JaTgHEOP5vs")
        );
    }

    #[test]
    fn names_parse_strictly() {
        let t = FetchCap([7; 32]).tag();
        let n = format!("{}.0123456789abcdef", t.hex());
        assert_eq!(parse_name(&n), Some(t));
        assert_eq!(parse_tmp_name(&format!("{n}.tmp")), Some(t));
        assert_eq!(parse_name(&format!("{n}.tmp")), None);
        assert_eq!(parse_name("notes.txt"), None);
    }
}
