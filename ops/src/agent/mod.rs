//! The agent, as ssh-agent and gpg-agent do it: one process per installation keeps the
//! unlocked keyring in memory so commands, the inbox and cron's `poll` neither ask for the
//! passphrase nor pay scrypt again, and every keyring change goes through it.
//!
//! The socket is `agent.sock` in a 0700 directory (`$XDG_RUNTIME_DIR/hushpost`, or `run/`
//! under `HUSHPOST_HOME`); the agent also checks each peer's uid. Nothing it holds is ever
//! written anywhere but the (encrypted) keyring.
//!
//! Must not: be reachable by another user, or keep running unlocked past its idle timeout.

mod client;
mod server;
mod wire;

pub use client::Client;
pub use server::{ServeOptions, serve};
pub use wire::{Snapshot, Status};

use crate::error::{Error, Result};
use crate::home::Home;
use crate::session::Session;
use secrecy::SecretString;
use std::os::unix::net::UnixListener;
use std::time::Duration;

/// Longest socket path the kernel takes (`sun_path` is 108 bytes with its NUL).
const MAX_SOCKET_PATH: usize = 107;

/// Binds the agent's socket: creates the 0700 directory, refuses one others can enter,
/// refuses when an agent already answers, and removes a stale socket left by a crash.
pub fn bind(home: &Home) -> Result<UnixListener> {
    let dir = &home.runtime_dir;
    hushpost_durable::create_private_dir(dir).map_err(|e| Error::Io(e, dir.clone()))?;
    if let Ok(Err(np)) = hushpost_durable::check_private(dir) {
        return Err(Error::NotPrivate(np.to_string()));
    }
    let socket = home.agent_socket();
    if socket.as_os_str().len() > MAX_SOCKET_PATH {
        return Err(Error::Invalid(format!(
            "the agent's socket path {} is longer than {MAX_SOCKET_PATH} bytes; use a shorter HUSHPOST_HOME or XDG_RUNTIME_DIR",
            socket.display()
        )));
    }
    // Two `unlock`s starting agents at once: one binds, the other finds it answering.
    let guard = dir.join("agent.lock");
    let lock = hushpost_durable::open_private(&guard).map_err(|e| Error::Io(e, guard.clone()))?;
    lock.lock().map_err(|e| Error::Io(e, guard.clone()))?;
    if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
        return Err(Error::Agent(format!(
            "an agent is already running at {}",
            socket.display()
        )));
    }
    match std::fs::remove_file(&socket) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::Io(e, socket)),
    }
    let l = UnixListener::bind(&socket).map_err(|e| Error::Io(e, socket.clone()))?;
    // The folder keeps others out already; the socket itself is private too, as every file
    // hushpost makes (the peer's uid is checked on every connection as well).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::Io(e, socket))?;
    Ok(l)
}

/// The agent for `home`, if one answers.
pub fn connect(home: &Home) -> Option<Client> {
    Client::connect(home.agent_socket())
}

/// Starts an agent in the background (`hushpost agent --detached`, in its own session,
/// with the bound socket as its stdin so no client can race its start) and returns a
/// client for it. It exits once locked.
pub fn start(home: &Home) -> Result<Client> {
    use std::os::fd::OwnedFd;
    use std::process::{Command, Stdio};
    let exe = std::env::current_exe()
        .map_err(|e| Error::Agent(format!("cannot find the hushpost binary: {e}")))?;
    // Only the hushpost binary knows `agent --detached` (a test harness or another program
    // linking ops would start itself with arguments it does not understand).
    if !exe
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("hushpost"))
    {
        return Err(Error::Agent(format!(
            "{} is not hushpost: it cannot run an agent",
            exe.display()
        )));
    }
    let listener = match bind(home) {
        Ok(l) => l,
        // Someone started one first: use it.
        Err(Error::Agent(_)) if running(home) => {
            return connect(home).ok_or_else(|| Error::Agent("the agent went away".into()));
        }
        Err(e) => return Err(e),
    };
    let mut cmd = Command::new(exe);
    cmd.args(["agent", "--detached"])
        .stdin(Stdio::from(OwnedFd::from(listener)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .current_dir("/");
    if std::env::var_os("HUSHPOST_HOME").is_some() {
        // Absolute, since the agent runs in `/`.
        cmd.env("HUSHPOST_HOME", &home.data_dir);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::Agent(format!("cannot start the agent: {e}")))?;
    // Reap it when it exits (a long-lived inbox would otherwise keep a zombie).
    let _ = std::thread::Builder::new()
        .name("hushpost-agent-reaper".into())
        .spawn(move || child.wait());
    connect(home).ok_or_else(|| Error::Agent("the agent did not start".into()))
}

/// The agent for `home` if one answers a status request (not a stale socket).
pub fn live(home: &Home) -> Option<Client> {
    connect(home).filter(|c| c.status().is_ok())
}

/// Whether an agent answers at `home`'s socket.
pub fn running(home: &Home) -> bool {
    std::os::unix::net::UnixStream::connect(home.agent_socket()).is_ok()
}

/// How this process can get at the keyring.
#[derive(Debug)]
pub enum Access {
    /// An agent holds it unlocked; this is what it holds.
    Unlocked(Client, Box<Snapshot>),
    /// The keyring has no passphrase: open the file.
    Plain,
    /// A passphrase is needed; hand it to this running (locked) agent, if any.
    NeedPassphrase(Option<Client>),
}

/// Finds out how to open the keyring at `home`, asking nothing. With an unlocked agent
/// this is one round trip (the snapshot itself): under load every extra exchange waits for
/// the agent to be scheduled.
pub fn access(home: &Home) -> Result<Access> {
    access_as(home, true)
}

/// [`access`] for a look that is not a use (`id`, shell completion): an unlocked agent's
/// idle deadline does not move.
pub fn peek(home: &Home) -> Result<Access> {
    access_as(home, false)
}

fn access_as(home: &Home, use_it: bool) -> Result<Access> {
    let mut agent = connect(home);
    if let Some(c) = agent.take() {
        let snap = if use_it { c.snapshot() } else { c.peek() };
        match snap {
            Ok(snap) => return Ok(Access::Unlocked(c, Box::new(snap))),
            // Locked, but there: hand it the passphrase. Not answering: a stale socket.
            Err(_) if c.status().is_ok() => agent = Some(c),
            Err(_) => {}
        }
    }
    if !Session::needs_passphrase(home)? {
        return Ok(Access::Plain);
    }
    Ok(Access::NeedPassphrase(agent))
}

/// Opens a session with `passphrase`: through `agent` if one runs, through a newly started
/// agent if `start` (it keeps the keyring for `timeout`, or the configured default), else
/// with this process owning the file.
pub fn open_with(
    home: &Home,
    passphrase: SecretString,
    agent: Option<Client>,
    start_one: bool,
    timeout: Option<Duration>,
) -> Result<Session> {
    let agent = match agent {
        Some(c) => Some((c, false)),
        // No agent to be had (e.g. not the hushpost binary): this process opens the file.
        None if start_one => start(home).ok().map(|c| (c, true)),
        None => None,
    };
    match agent {
        Some((c, started)) => match c.unlock(&passphrase, timeout) {
            Ok(_) => {
                let snap = c.snapshot()?;
                Session::attach(home.clone(), c, snap)
            }
            Err(e) => {
                if started {
                    let _ = c.stop();
                }
                Err(e)
            }
        },
        None => Session::unlock(home.clone(), Some(passphrase)),
    }
}

/// Contact names for shell completion, asking nothing: from an unlocked agent, or from a
/// keyring without a passphrase; none otherwise (a completion never prompts, and a locked
/// keyring's names are not in the clear anywhere).
pub fn contact_names(home: &Home) -> Vec<String> {
    let state = match peek(home) {
        Ok(Access::Unlocked(_, snap)) => snap.state,
        Ok(Access::Plain) => match hushpost_keyring::load(&home.keyring(), None) {
            Ok(s) => s,
            Err(_) => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    state.contacts.iter().map(|c| c.name.clone()).collect()
}
