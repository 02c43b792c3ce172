//! The agent process: holds the unlocked keyring in memory, answers snapshots, applies the
//! changes clients send (so two processes' changes are both kept), and forgets everything
//! on `lock`, on `stop` or after the idle timeout. Connections from any other user id are
//! refused (SO_PEERCRED) on top of the socket's 0700 directory.
//!
//! Must not: write anything but the keyring (through `Keys`), log a secret, a name or a
//! tag, or answer a peer whose uid is not ours.

use super::wire::{Refusal, Request, Response, Snapshot, Status, encode, read_frame};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::home::Home;
use crate::keys::Keys;
use hushpost_core::time::SystemClock;
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How an agent runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Idle timeout when an unlock names none (0: until `lock`).
    pub timeout: Duration,
    /// Exit once locked (an agent `unlock` started; a foreground agent stays).
    pub exit_when_locked: bool,
}

/// A detached agent that nobody unlocks exits after this.
const UNLOCK_WAIT: Duration = Duration::from_secs(60);

struct Inner {
    keys: Option<Keys>,
    idle: Duration,
    deadline: Option<Instant>,
    stopping: bool,
    generation: u64,
}

struct Shared {
    home: Home,
    opts: ServeOptions,
    memory_locked: bool,
    inner: Mutex<Inner>,
    wake: Condvar,
}

impl Shared {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn status(&self, inner: &Inner) -> Status {
        let now = Instant::now();
        Status {
            unlocked: inner.keys.is_some(),
            name: inner.keys.as_ref().map(|k| k.name().to_string()),
            expires_at: inner.deadline.filter(|_| inner.keys.is_some()).map(|d| {
                hushpost_core::time::unix_now() + d.saturating_duration_since(now).as_secs()
            }),
            timeout_secs: inner.idle.as_secs(),
            memory_locked: self.memory_locked,
            pid: std::process::id(),
            generation: inner.generation,
        }
    }

    /// Pushes the idle deadline out after a use.
    fn touch(&self, inner: &mut Inner) {
        inner.deadline = (!inner.idle.is_zero()).then(|| Instant::now() + inner.idle);
        self.wake.notify_all();
    }

    /// Forgets the keyring (its secrets are wiped as they drop).
    fn forget(&self, inner: &mut Inner) {
        inner.keys = None;
        inner.deadline = None;
        tracing::info!("agent locked");
        self.wake.notify_all();
    }

    /// Makes the watcher exit the process (after the answer that asked for it went out).
    fn stop(&self, inner: &mut Inner) {
        inner.stopping = true;
        self.wake.notify_all();
    }
}

/// Locks memory so the keyring is never swapped out, where the OS lets us lock all of it.
/// With a small RLIMIT_MEMLOCK (8 MiB is common for users) `mlockall(MCL_FUTURE)` would make
/// the 256 MiB scrypt allocation fail, so it is only done when the limit is unlimited or we
/// may exceed it (root).
fn lock_memory() -> bool {
    use nix::sys::mman::{MlockAllFlags, mlockall};
    use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_MEMLOCK) else {
        return false;
    };
    if soft != hard {
        let _ = setrlimit(Resource::RLIMIT_MEMLOCK, hard, hard);
    }
    if hard != RLIM_INFINITY && !nix::unistd::geteuid().is_root() {
        return false;
    }
    // MCL_ONFAULT: lock pages as they are touched rather than prefaulting every new
    // mapping (each connection's thread stack would cost its full 2 MiB up front).
    let flags = MlockAllFlags::from_bits_retain(
        (MlockAllFlags::MCL_CURRENT | MlockAllFlags::MCL_FUTURE).bits() | libc::MCL_ONFAULT,
    );
    mlockall(flags).is_ok()
}

/// Serves on `listener` until stopped (or, with `exit_when_locked`, until locked). Removes
/// the socket on the way out.
pub fn serve(home: Home, listener: UnixListener, opts: ServeOptions) -> Result<()> {
    let _ = nix::sys::prctl::set_dumpable(false);
    let memory_locked = lock_memory();
    if !memory_locked {
        tracing::info!("agent memory is not locked (RLIMIT_MEMLOCK too small)");
    }
    let initial = opts.exit_when_locked.then(|| Instant::now() + UNLOCK_WAIT);
    let shared = Arc::new(Shared {
        home,
        memory_locked,
        inner: Mutex::new(Inner {
            keys: None,
            idle: opts.timeout,
            deadline: initial,
            stopping: false,
            generation: 0,
        }),
        wake: Condvar::new(),
        opts,
    });
    on_signals(shared.clone())?;
    let timer = shared.clone();
    std::thread::Builder::new()
        .name("hushpost-agent-timer".into())
        .spawn(move || watch(&timer))
        .map_err(|e| Error::Agent(format!("cannot start the timer: {e}")))?;
    let socket = shared.home.agent_socket();
    for conn in listener.incoming() {
        if shared.inner().stopping {
            break;
        }
        let Ok(mut stream) = conn else { continue };
        if !same_user(&stream) {
            continue;
        }
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
        let Ok(req) = read_frame::<Request>(&mut stream) else {
            continue;
        };
        // Reads are answered right here (no thread to start, no second wake-up: what a
        // command waits for); an unlock (scrypt) or a change (may wait for the next key)
        // gets its own thread.
        if matches!(req, Request::Status | Request::Snapshot) {
            answer(&shared, stream, req);
        } else {
            let s = shared.clone();
            let _ = std::thread::Builder::new()
                .name("hushpost-agent-conn".into())
                .spawn(move || answer(&s, stream, req));
        }
    }
    let _ = std::fs::remove_file(&socket);
    Ok(())
}

/// Wakes the accept loop so it sees `stopping` and returns (serve's caller then exits
/// normally, destructors run).
fn wake_accept(shared: &Shared) {
    let _ = UnixStream::connect(shared.home.agent_socket());
}

/// SIGHUP (a closed terminal) is ignored; SIGTERM and SIGINT lock (the keys are wiped as
/// they drop) and stop the agent.
fn on_signals(shared: Arc<Shared>) -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let err = |e: std::io::Error| Error::Agent(format!("cannot handle signals: {e}"));
    signal_hook::flag::register(SIGHUP, Arc::new(std::sync::atomic::AtomicBool::new(false)))
        .map_err(err)?;
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT]).map_err(err)?;
    std::thread::Builder::new()
        .name("hushpost-agent-signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                let mut inner = shared.inner();
                shared.forget(&mut inner);
                shared.stop(&mut inner);
                drop(inner);
                wake_accept(&shared);
            }
        })
        .map_err(err)?;
    Ok(())
}

/// Whether the peer runs as our user id (root included: it gets no exception).
fn same_user(stream: &UnixStream) -> bool {
    use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
    match getsockopt(stream, PeerCredentials) {
        Ok(c) if c.uid() == nix::unistd::geteuid().as_raw() => true,
        Ok(c) => {
            tracing::warn!("agent: refused a connection from uid {}", c.uid());
            false
        }
        Err(e) => {
            tracing::warn!("agent: cannot check a peer's credentials: {e}");
            false
        }
    }
}

/// Locks at the deadline; once stopping, wakes the accept loop and ends.
fn watch(shared: &Shared) {
    let mut inner = shared.inner();
    loop {
        if inner.stopping {
            drop(inner);
            wake_accept(shared);
            return;
        }
        match inner.deadline {
            Some(d) if Instant::now() >= d => {
                if inner.keys.is_some() {
                    tracing::info!("agent idle timeout");
                }
                shared.forget(&mut inner);
                if shared.opts.exit_when_locked {
                    shared.stop(&mut inner);
                }
            }
            Some(d) => {
                let wait = d.saturating_duration_since(Instant::now());
                inner = shared
                    .wake
                    .wait_timeout(inner, wait)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
            None => {
                inner = shared.wake.wait(inner).unwrap_or_else(|p| p.into_inner());
            }
        }
    }
}

fn answer(shared: &Shared, mut stream: UnixStream, req: Request) {
    // `stop`, and `lock` of an agent `unlock` started, end the process once answered.
    let ends = match req {
        Request::Stop => true,
        Request::Lock => shared.opts.exit_when_locked,
        _ => false,
    };
    // Encoded under the lock, sent after it is released: a slow client holds nobody up.
    let frame = match req {
        Request::Unlock {
            passphrase,
            timeout_secs,
        } => encode::<Response<&hushpost_keyring::State>>(&match unlock(
            shared,
            passphrase,
            timeout_secs,
        ) {
            Ok(st) => Response::Status(st),
            Err(e) => Response::Refused(Refusal::from(&e)),
        }),
        req => {
            let mut inner = shared.inner();
            let out = serve_one(shared, &mut inner, req);
            encode(&out)
        }
    };
    if let Ok(f) = frame {
        use std::io::Write;
        let _ = stream.write_all(&f);
    }
    if ends {
        shared.stop(&mut shared.inner());
    }
}

fn serve_one<'a>(
    shared: &Shared,
    inner: &'a mut Inner,
    req: Request,
) -> Response<&'a hushpost_keyring::State> {
    match req {
        Request::Status => Response::Status(shared.status(inner)),
        Request::Lock => {
            shared.forget(inner);
            Response::Done
        }
        Request::Stop => {
            shared.forget(inner);
            Response::Done
        }
        Request::Unlock { .. } => Response::Refused(Refusal::locked()),
        Request::SetTimeout { .. } if inner.keys.is_none() => Response::Refused(Refusal::locked()),
        Request::SetTimeout { timeout_secs } => {
            inner.idle = Duration::from_secs(timeout_secs);
            shared.touch(inner);
            Response::Status(shared.status(inner))
        }
        Request::Snapshot | Request::Peek | Request::Apply { .. } if inner.keys.is_none() => {
            Response::Refused(Refusal::locked())
        }
        Request::Snapshot | Request::Peek => {
            if matches!(req, Request::Snapshot) {
                shared.touch(inner);
            }
            let keys = inner.keys.as_mut().expect("checked above");
            match keys.reload_if_changed() {
                Ok(reloaded) => {
                    inner.generation += u64::from(reloaded);
                    let keys = inner.keys.as_ref().expect("checked above");
                    Response::Snapshot(Snapshot {
                        encrypted: keys.encrypted(),
                        state: keys.state(),
                        generation: inner.generation,
                    })
                }
                Err(e) => Response::Refused(Refusal::from(&e)),
            }
        }
        Request::Apply { ops } => {
            shared.touch(inner);
            let keys = inner.keys.as_mut().expect("checked above");
            if let Ok(c) = Config::load(&shared.home.config_file()) {
                keys.set_config(Arc::new(c));
            }
            match keys.apply_sent(&ops) {
                Ok(refused) => {
                    inner.generation += 1;
                    Response::Applied {
                        state: inner.keys.as_ref().expect("checked above").state(),
                        refused: refused.as_ref().map(Refusal::from),
                    }
                }
                Err(e) => Response::Refused(Refusal::from(&e)),
            }
        }
    }
}

/// Unlocks (scrypt runs without holding the agent's lock) and installs the keys.
fn unlock(
    shared: &Shared,
    passphrase: hushpost_keyring::SecretText,
    timeout_secs: Option<u64>,
) -> Result<Status> {
    let pass = secrecy::SecretString::from(passphrase.expose().to_string());
    let config = Arc::new(Config::load(&shared.home.config_file())?);
    let keys = Keys::unlock(&shared.home, Some(pass), config, Arc::new(SystemClock))?;
    keys.prepare_sealer();
    let mut inner = shared.inner();
    // An unlock without a timeout gets the agent's own (config or `agent --timeout`), not
    // whatever the previous unlock asked for.
    inner.idle = timeout_secs.map_or(shared.opts.timeout, Duration::from_secs);
    inner.keys = Some(keys);
    inner.generation += 1;
    shared.touch(&mut inner);
    tracing::info!("agent unlocked");
    Ok(shared.status(&inner))
}
