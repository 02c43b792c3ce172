//! Talking to a running agent: one connection per request (an agent restart between two
//! requests is then just a failed request), with generous timeouts because unlocking pays
//! scrypt.
//!
//! Must not: keep a passphrase or a snapshot beyond the call that needs it.

use super::wire::{Request, Response, Snapshot, Status, read_frame, write_frame};
use crate::error::{Error, Result};
use crate::keys::KeyOp;
use hushpost_keyring::{SecretText, State};
use secrecy::{ExposeSecret, SecretString};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

/// How long one request may take (an unlock runs scrypt; a busy machine is slow).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// A handle on the agent at one socket.
pub struct Client {
    socket: PathBuf,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "agent::Client({})", self.socket.display())
    }
}

impl Client {
    /// A client for the socket at `socket`, if there is one (whether an agent answers
    /// there, the first request finds out: probing would cost a round trip).
    pub fn connect(socket: PathBuf) -> Option<Client> {
        use std::os::unix::fs::FileTypeExt;
        let meta = std::fs::symlink_metadata(&socket).ok()?;
        meta.file_type().is_socket().then_some(Client { socket })
    }

    fn call(&self, req: &Request) -> Result<Response> {
        let io = |e: std::io::Error| Error::Agent(format!("{}: {e}", self.socket.display()));
        let mut s = UnixStream::connect(&self.socket).map_err(io)?;
        s.set_read_timeout(Some(REQUEST_TIMEOUT)).map_err(io)?;
        s.set_write_timeout(Some(REQUEST_TIMEOUT)).map_err(io)?;
        write_frame(&mut s, req).map_err(io)?;
        let r = read_frame(&mut s).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                // The agent closes connections it refuses (another user's).
                Error::Agent("the agent closed the connection (refused?)".into())
            } else {
                io(e)
            }
        })?;
        match r {
            Response::Refused(why) => Err(why.into()),
            other => Ok(other),
        }
    }

    fn unexpected() -> Error {
        Error::Agent("unexpected answer from the agent (a different hushpost version?)".into())
    }

    /// Locked or not, until when.
    pub fn status(&self) -> Result<Status> {
        match self.call(&Request::Status)? {
            Response::Status(s) => Ok(s),
            _ => Err(Client::unexpected()),
        }
    }

    /// Hands the agent the passphrase; it opens the keyring and keeps it `timeout` idle
    /// (`None`: the configured default; zero: until `lock`).
    pub fn unlock(&self, passphrase: &SecretString, timeout: Option<Duration>) -> Result<Status> {
        let req = Request::Unlock {
            passphrase: SecretText::new(passphrase.expose_secret().to_string()),
            timeout_secs: timeout.map(|d| d.as_secs()),
        };
        match self.call(&req)? {
            Response::Status(s) => Ok(s),
            _ => Err(Client::unexpected()),
        }
    }

    /// Keeps the unlocked keyring for `timeout` of idleness from now (zero: until `lock`).
    pub fn set_timeout(&self, timeout: Duration) -> Result<Status> {
        match self.call(&Request::SetTimeout {
            timeout_secs: timeout.as_secs(),
        })? {
            Response::Status(s) => Ok(s),
            _ => Err(Client::unexpected()),
        }
    }

    /// Makes the agent forget the keyring now.
    pub fn lock(&self) -> Result<()> {
        match self.call(&Request::Lock)? {
            Response::Done => Ok(()),
            _ => Err(Client::unexpected()),
        }
    }

    /// Makes the agent forget the keyring and exit.
    pub fn stop(&self) -> Result<()> {
        match self.call(&Request::Stop)? {
            Response::Done => Ok(()),
            _ => Err(Client::unexpected()),
        }
    }

    /// The state to read from (a use: the idle deadline moves out).
    pub fn snapshot(&self) -> Result<Snapshot> {
        self.snapshot_as(&Request::Snapshot)
    }

    /// The state, for a look that is not a use (the idle deadline stays).
    pub fn peek(&self) -> Result<Snapshot> {
        self.snapshot_as(&Request::Peek)
    }

    fn snapshot_as(&self, req: &Request) -> Result<Snapshot> {
        match self.call(req)? {
            Response::Snapshot(s) => Ok(s),
            _ => Err(Client::unexpected()),
        }
    }

    /// Has the agent apply `ops` in order; returns its state afterwards and the change it
    /// refused, if any (the others are applied and written).
    pub(crate) fn apply(&self, ops: &[KeyOp]) -> Result<(State, Option<Error>)> {
        // Serialised from a borrowed list: the ops hold secrets and are not Clone.
        #[derive(serde::Serialize)]
        #[serde(tag = "request", rename = "apply")]
        struct Apply<'a> {
            ops: &'a [KeyOp],
        }
        let io = |e: std::io::Error| Error::Agent(format!("{}: {e}", self.socket.display()));
        let mut s = UnixStream::connect(&self.socket).map_err(io)?;
        s.set_read_timeout(Some(REQUEST_TIMEOUT)).map_err(io)?;
        write_frame(&mut s, &Apply { ops }).map_err(io)?;
        match read_frame(&mut s).map_err(io)? {
            Response::Applied { state, refused } => Ok((state, refused.map(Error::from))),
            Response::Refused(why) => Err(why.into()),
            _ => Err(Client::unexpected()),
        }
    }
}
