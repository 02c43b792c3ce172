//! Transport errors: one variant per thing a user can act on, each with a message that
//! names the problem (never a tag, capability or blob).

use std::path::PathBuf;

/// Why a transport operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The drop folder does not exist.
    #[error("drop folder {0} does not exist (is the USB stick or share mounted?)")]
    DirMissing(PathBuf),
    /// No permission on the drop.
    #[error("permission denied on {0}")]
    PermissionDenied(String),
    /// The drop's disk is full.
    #[error("the drop at {0} is full")]
    DiskFull(String),
    /// The host could not be reached.
    #[error("cannot reach {host}: {reason}")]
    Unreachable {
        /// Host (and port).
        host: String,
        /// What happened.
        reason: String,
    },
    /// The server's host key is not the pinned one.
    #[error("host key mismatch for {host}: expected {expected}, got {got} — refusing to connect")]
    HostKeyMismatch {
        /// Host.
        host: String,
        /// Pinned fingerprint.
        expected: String,
        /// Presented fingerprint.
        got: String,
    },
    /// The certificate does not match the pinned hash.
    #[error("certificate pin mismatch for {host}: expected sha256:{expected}, got sha256:{got}")]
    PinMismatch {
        /// Host.
        host: String,
        /// Pinned hash.
        expected: String,
        /// Presented hash.
        got: String,
    },
    /// The server refused our credentials.
    #[error("{0}: authentication refused")]
    AuthRefused(String),
    /// The drop is low on space or busy; try later.
    #[error("{0} (retryable)")]
    Retryable(String),
    /// The recipient's mailbox on the drop is full (a relay's per-tag quota): not a fault of
    /// the route — it takes more once the recipient fetches.
    #[error("{0}")]
    QuotaFull(String),
    /// TLS was required but the server does not offer it.
    #[error("{0} does not offer TLS; refusing to send in the clear")]
    NoTls(String),
    /// The Tor/SOCKS proxy is down or refused; no direct connection was attempted.
    #[error("the Tor proxy {0} is not answering; not connecting directly")]
    ProxyDown(String),
    /// The route must be reached through Tor (an onion, or `via=tor`) and no proxy is set.
    #[error(
        "{0} must be reached through Tor, but no Tor proxy is configured; not connecting directly"
    )]
    TorRequired(String),
    /// The drop answered something we do not understand.
    #[error("{0}: protocol error: {1}")]
    Protocol(String, String),
    /// An SSH route has no drop key and no local SSH credentials were configured.
    #[error(
        "{0}: no SSH credentials: the route has no drop key and no key is configured (set key_file or agent = true under [ssh] in config.toml)"
    )]
    NoCredentials(String),
    /// The drop directory does not exist on the server.
    #[error("{0}: the drop directory does not exist on the server")]
    RemoteDirMissing(String),
    /// The route's drop key does not decode.
    #[error("the route's drop key is malformed (expected base64 of a 32-byte Ed25519 seed)")]
    BadDropKey,
    /// A `mailto:` route needs a local mail account and none is configured.
    #[error("{0} (configure one with `hushpost account add`)")]
    NoAccount(String),
    /// Plaintext was allowed for a server that is not on this machine (or is proxied).
    #[error(
        "{0}: allow_plaintext_loopback applies only to a server on this machine (127.0.0.0/8, ::1, localhost) reached directly; refusing to talk in the clear"
    )]
    PlaintextNotLoopback(String),
    /// Any other local I/O problem.
    #[error("{1}: {0}")]
    Io(#[source] std::io::Error, String),
}

impl TransportError {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            TransportError::Unreachable { .. }
                | TransportError::Retryable(_)
                | TransportError::QuotaFull(_)
                | TransportError::ProxyDown(_)
                | TransportError::DiskFull(_)
        )
    }
}
