//! What a client and the agent say over the socket: one request and one answer per
//! connection, each a big-endian u32 length and that many bytes of JSON. The JSON of a
//! snapshot holds secrets, so it only ever sits in zeroizing buffers.
//!
//! Must not: accept a frame larger than [`MAX_FRAME`], or derive `Debug` on anything that
//! holds a passphrase.

use crate::error::Error;
use crate::keys::KeyOp;
use hushpost_keyring::{KeyringError, SecretText};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};
use zeroize::Zeroizing;

/// Larger than any keyring (1,000 contacts × 3 prekeys is 1.5 MiB of JSON).
pub(crate) const MAX_FRAME: usize = 64 << 20;

/// Writes one frame.
pub(crate) fn write_frame<T: Serialize>(w: &mut impl Write, v: &T) -> io::Result<()> {
    w.write_all(&encode(v)?)?;
    w.flush()
}

/// One frame's bytes.
pub(crate) fn encode<T: Serialize>(v: &T) -> io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(4096));
    buf.extend_from_slice(&[0; 4]);
    serde_json::to_writer(&mut *buf, v).map_err(io::Error::other)?;
    let len = u32::try_from(buf.len() - 4)
        .ok()
        .filter(|n| (*n as usize) <= MAX_FRAME)
        .ok_or_else(|| io::Error::other("agent message too large"))?;
    buf[..4].copy_from_slice(&len.to_be_bytes());
    Ok(buf)
}

/// Reads one frame.
pub(crate) fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> io::Result<T> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "agent message too large",
        ));
    }
    let mut buf = Zeroizing::new(vec![0u8; len]);
    r.read_exact(&mut buf)?;
    serde_json::from_slice(&buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// A client's request.
#[derive(Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case")]
pub(crate) enum Request {
    /// Locked or not, until when.
    Status,
    /// Open the keyring with this passphrase and keep it for `timeout_secs` of idleness
    /// (`None`: the configured default; 0: until `lock`).
    Unlock {
        passphrase: SecretText,
        timeout_secs: Option<u64>,
    },
    /// Forget the keyring now.
    Lock,
    /// Keep the unlocked keyring for `timeout_secs` of idleness from now on (0: until
    /// `lock`): `unlock --timeout` while already unlocked.
    SetTimeout { timeout_secs: u64 },
    /// The state, to read from.
    Snapshot,
    /// The state, for a look that is not a use (`id`, shell completion): the idle deadline
    /// stays where it is, so a prompt or status bar polling `hushpost id` cannot keep the
    /// keyring unlocked for ever.
    Peek,
    /// Apply these changes, in order, and write the keyring.
    Apply { ops: Vec<KeyOp> },
    /// Lock and exit.
    Stop,
}

/// Whether the agent holds the keyring, and until when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    /// The keyring is unlocked.
    pub unlocked: bool,
    /// Our display name (when unlocked).
    pub name: Option<String>,
    /// Unix seconds at which it locks itself unless used before (`None`: never, or locked).
    pub expires_at: Option<u64>,
    /// The idle timeout in seconds (0: none).
    pub timeout_secs: u64,
    /// Whether the agent's memory is locked (never swapped out).
    pub memory_locked: bool,
    /// The agent's process id.
    pub pid: u32,
    /// Changes every time the state it holds changes (clients re-read only then).
    pub generation: u64,
}

/// The state a client reads from.
#[derive(Debug, Serialize, Deserialize)]
pub struct Snapshot<S = hushpost_keyring::State> {
    /// The keyring's contents.
    pub state: S,
    /// Whether the file is encrypted.
    pub encrypted: bool,
    /// [`Status::generation`] of this state.
    pub generation: u64,
}

/// The agent's answer.
#[derive(Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub(crate) enum Response<S = hushpost_keyring::State> {
    /// To `Status` and `Unlock`.
    Status(Status),
    /// To `Snapshot`.
    Snapshot(Snapshot<S>),
    /// To `Apply`: the state after it, and the change refused, if one was.
    Applied { state: S, refused: Option<Refusal> },
    /// To `Lock` and `Stop`.
    Done,
    /// The request could not be served.
    Refused(Refusal),
}

/// An error, as it travels: the kind (so the client gets the same [`Error`] variant back)
/// and the sentence.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Refusal {
    kind: Kind,
    /// The name or text the variant carries.
    detail: String,
    /// The error as the agent put it.
    text: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    WrongPassphrase,
    NoIdentity,
    Locked,
    UnknownContact,
    ContactExists,
    KeyChanged,
    SameKeyOtherName,
    OwnCard,
    Invalid,
    Other,
}

impl Refusal {
    /// The agent holds no keyring.
    pub(crate) fn locked() -> Refusal {
        Refusal {
            kind: Kind::Locked,
            detail: String::new(),
            text: "the agent is locked".into(),
        }
    }
}

impl From<&Error> for Refusal {
    fn from(e: &Error) -> Refusal {
        // A mangled card is bad input, said as it is (not "agent: …").
        if let Error::Card(_) = e {
            return Refusal {
                kind: Kind::Invalid,
                detail: e.to_string(),
                text: e.to_string(),
            };
        }
        let (kind, detail) = match e {
            Error::Keyring(KeyringError::WrongPassphrase) => (Kind::WrongPassphrase, ""),
            Error::Keyring(KeyringError::NotFound(_)) => (Kind::NoIdentity, ""),
            Error::UnknownContact(n) => (Kind::UnknownContact, n.as_str()),
            Error::ContactExists(n) => (Kind::ContactExists, n.as_str()),
            Error::KeyChanged(n) => (Kind::KeyChanged, n.as_str()),
            Error::SameKeyOtherName(n) => (Kind::SameKeyOtherName, n.as_str()),
            Error::OwnCard => (Kind::OwnCard, ""),
            Error::Invalid(t) => (Kind::Invalid, t.as_str()),
            _ => (Kind::Other, ""),
        };
        Refusal {
            kind,
            detail: detail.to_string(),
            text: e.to_string(),
        }
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Error {
        match r.kind {
            Kind::WrongPassphrase => Error::Keyring(KeyringError::WrongPassphrase),
            Kind::UnknownContact => Error::UnknownContact(r.detail),
            Kind::ContactExists => Error::ContactExists(r.detail),
            Kind::KeyChanged => Error::KeyChanged(r.detail),
            Kind::SameKeyOtherName => Error::SameKeyOtherName(r.detail),
            Kind::OwnCard => Error::OwnCard,
            Kind::Invalid => Error::Invalid(r.detail),
            Kind::NoIdentity | Kind::Locked | Kind::Other => Error::Agent(r.text),
        }
    }
}
