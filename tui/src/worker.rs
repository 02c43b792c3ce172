//! The two workers that keep disk and network off the UI thread, each owning its own
//! [`Session`] (a session is not `Sync`):
//!
//! - the **store worker** answers local reads and small store writes (list, thread,
//!   search, read, mark, delete, reply plans, contacts, saving attachments) in about a
//!   millisecond each, so the screen follows the keyboard even while a fetch runs;
//! - the **net worker** owns the session, the only one that changes the keyring: unlock and
//!   init, fetch, send, adding and verifying contacts, one at a time. After a change of
//!   contacts it hands the store worker a fresh [`Session::reader`] (a mailbox handle and a
//!   read-only snapshot — the store worker never holds keys). While any route runs cover
//!   traffic it also runs `hushpost poll` ticks at Poisson-distributed times (the same
//!   schedule as `poll --daemon`), so mail queued for cover slots moves while the inbox is
//!   open even without cron.
//!
//! Both report back as [`Event`]s. `handle` is plain code, so tests drive the workers
//! synchronously through a [`Sink`] of their own, without threads.
//!
//! [`Session::reader`]: hushpost_ops::Session::reader
//!
//! Must not touch the terminal: a worker that printed would corrupt the screen.

use crate::event::{Event, Folder, NetCmd, OwnCard, Saving, StoreCmd};
use hushpost_ops::agent::{self, Access};
use hushpost_ops::core::sanitize::one_line;
use hushpost_ops::core::time::Clock;
use hushpost_ops::{Home, InitOptions, KeyringError, Page, Protection, Reader, Session};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

/// Where a worker's answers go.
pub trait Sink {
    /// To the UI.
    fn event(&mut self, ev: Event);
    /// To the store worker.
    fn store(&mut self, cmd: StoreCmd);
}

/// Rows per search answer (the screen shows far fewer; the rest are a scroll away).
pub const SEARCH_LIMIT: usize = 500;

/// Whether an agent for `home` holds the keyring unlocked now.
fn agent_unlocked(home: &Home) -> bool {
    agent::connect(home)
        .and_then(|c| c.status().ok())
        .is_some_and(|st| st.unlocked)
}

fn err_line(e: impl std::fmt::Display) -> String {
    one_line(&e.to_string())
}

/// How often both workers look whether another process changed the store or the keyring
/// (a cron `poll`, a CLI `fetch` or `contact remove`): each look is one SQLite pragma or
/// one read of the keyring file (or an agent's status), so the open inbox catches up within
/// about this long without anyone pressing a key.
pub const WATCH: Duration = Duration::from_secs(2);

/// Local reads and small writes.
#[derive(Default)]
pub struct StoreWorker {
    reader: Option<Reader>,
    /// The store's `data_version` at the last look, to see commits by other connections.
    seen: Option<u64>,
}

impl StoreWorker {
    /// A worker with no session yet (the net worker sends one once unlocked).
    pub fn new() -> StoreWorker {
        StoreWorker::default()
    }

    /// Tells the UI when another connection (another process, or the net worker's fetch)
    /// committed to the store since the last look. The first look on a handle only notes
    /// where the store stands.
    pub fn watch(&mut self, out: &mut dyn Sink) {
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let Ok(now) = reader.inbox.data_version() else {
            return;
        };
        if self.seen.replace(now).is_some_and(|before| before != now) {
            out.event(Event::Changed);
        }
    }

    /// Does one command.
    pub fn handle(&mut self, cmd: StoreCmd, out: &mut dyn Sink) {
        if let StoreCmd::Replace(r) = cmd {
            self.reader = Some(*r);
            // A fresh connection counts from its own first look.
            self.seen = None;
            self.watch(out);
            return;
        }
        if let StoreCmd::Forget = cmd {
            self.reader = None;
            self.seen = None;
            return;
        }
        let Some(reader) = self.reader.as_mut() else {
            out.event(Event::Failed("not unlocked yet".into()));
            return;
        };
        let s = &mut reader.inbox;
        match cmd {
            StoreCmd::Replace(_) | StoreCmd::Forget => {}
            StoreCmd::List {
                generation,
                folder,
                offset,
                limit,
            } => {
                let q = Page {
                    offset,
                    limit,
                    unread_only: false,
                    outgoing: Some(folder == Folder::Sent),
                    thread: None,
                };
                match s.page(&q) {
                    Ok(rows) => {
                        let unread = s.unread_count().unwrap_or(0);
                        if offset == 0 {
                            let outbox = hushpost_ops::outbox::Outbox::new(&reader.outbox);
                            out.event(Event::Outbox(outbox.pending()));
                        }
                        out.event(Event::Listed {
                            generation,
                            folder,
                            offset,
                            rows,
                            unread,
                        });
                    }
                    Err(e) => out.event(Event::Failed(err_line(e))),
                }
            }
            StoreCmd::Thread { thread } => {
                let q = Page {
                    thread: Some(thread),
                    ..Page::default()
                };
                match s.page(&q) {
                    Ok(mut rows) => {
                        rows.reverse();
                        out.event(Event::Thread { thread, rows });
                    }
                    Err(e) => out.event(Event::Failed(err_line(e))),
                }
            }
            StoreCmd::Search { generation, query } => match s.search(&query, SEARCH_LIMIT) {
                Ok(rows) => out.event(Event::Listed {
                    generation,
                    folder: Folder::Search(query),
                    offset: 0,
                    rows,
                    unread: s.unread_count().unwrap_or(0),
                }),
                Err(e) => out.event(Event::Failed(err_line(e))),
            },
            StoreCmd::Read { id } => {
                // The parts are opened first: reading a burn-after-reading message deletes
                // it, and an open part stays readable after that.
                let opened = s.part_sources(id).and_then(|p| Ok((p, s.read(id, false)?)));
                match opened {
                    Ok((parts, r)) => {
                        let parts = parts
                            .into_iter()
                            .map(|(p, src)| (p.idx, Arc::new(src)))
                            .collect();
                        out.event(Event::Opened(Box::new(r), parts))
                    }
                    Err(e) => out.event(Event::Failed(err_line(e))),
                }
            }
            StoreCmd::Mark { id, unread } => match s.mark(id, unread) {
                Ok(()) => out.event(Event::Marked { id, unread }),
                Err(e) => out.event(Event::Failed(err_line(e))),
            },
            StoreCmd::Delete { id } => match s.delete(id) {
                Ok(()) => out.event(Event::Deleted { id }),
                Err(e) => out.event(Event::Failed(err_line(e))),
            },
            StoreCmd::ReplyPlan { id, all } => match s.reply_plan(id, all) {
                Ok(p) => out.event(Event::ReplyPlanned(Box::new(p))),
                Err(e) => out.event(Event::Failed(err_line(e))),
            },
            StoreCmd::Contacts => {
                let card = reader.card.as_ref().map(|c| OwnCard {
                    name: c.name.clone(),
                    fingerprint: c.identity.fingerprint().to_string(),
                    text: c.encode(),
                    qr: c.qr(),
                    routes: c.routes.iter().map(ToString::to_string).collect(),
                });
                let requests = reader.contact_requests().unwrap_or_default();
                out.event(Event::Contacts {
                    contacts: reader.contacts.clone(),
                    requests,
                    card,
                });
            }
            StoreCmd::Save { path, data } => out.event(save(path, data)),
            StoreCmd::Stat { path } => out.event(stat(path)),
        }
    }
}

fn save(path: PathBuf, data: Saving) -> Event {
    let saved = match data {
        Saving::Bytes(b) => hushpost_ops::attachments::save_new(&path, &b),
        Saving::Part(src) => {
            hushpost_ops::attachments::save_stream_new(&path, src.as_ref(), &mut |_| {})
        }
    };
    match saved {
        Ok(()) => Event::Saved(path),
        Err(e) => Event::Failed(format!(
            "cannot save {}: {}",
            one_line(&path.display().to_string()),
            err_line(e)
        )),
    }
}

fn stat(path: PathBuf) -> Event {
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => Event::Attachable {
            path,
            size: m.len(),
        },
        Ok(_) => Event::Failed(format!(
            "{} is not a file",
            one_line(&path.display().to_string())
        )),
        Err(e) => Event::Failed(format!(
            "cannot attach {}: {}",
            one_line(&path.display().to_string()),
            err_line(e)
        )),
    }
}

/// Network and keyring changes.
pub struct NetWorker {
    home: Home,
    passphrase_file: Option<PathBuf>,
    clock: Option<Arc<dyn Clock>>,
    session: Option<Session>,
}

impl NetWorker {
    /// Picks up keyring changes another process (the CLI, cron's poll) made; false when
    /// the command cannot go on: the refresh failed, or the keyring was locked — then this
    /// inbox forgets it too and asks for the passphrase again.
    fn refreshed(&mut self, out: &mut dyn Sink) -> std::result::Result<(), String> {
        let Some(s) = self.session.as_mut() else {
            return Err("not unlocked yet".into());
        };
        match s.refresh() {
            Ok(true) => {
                contacts_changed(s, out);
                // The lists name senders as the contacts know them.
                out.event(Event::Changed);
                Ok(())
            }
            Ok(false) => Ok(()),
            Err(_) if s.via_agent() && !agent_unlocked(&self.home) => {
                self.session = None;
                out.store(StoreCmd::Forget);
                let why = "the keyring was locked (hushpost lock, or the idle timeout)";
                out.event(Event::NeedPassphrase {
                    error: Some(why.into()),
                });
                Err(why.into())
            }
            Err(e) => Err(err_line(e)),
        }
    }

    /// Looks whether another process changed the keyring (a CLI `contact remove`, a
    /// `hushpost lock`); the net thread does this between commands every [`WATCH`]. A look
    /// that fails is simply tried again at the next one: when it failed because the keyring
    /// was locked, the passphrase has already been asked for.
    pub fn watch(&mut self, out: &mut dyn Sink) {
        if self.session.is_some() {
            let _ = self.refreshed(out);
        }
    }

    /// Answers a command that could not run, so the screen waiting for it (a fetch in
    /// progress, a message being sent) hears why instead of waiting for ever.
    fn could_not(cmd: NetCmd, why: String, out: &mut dyn Sink) {
        match cmd {
            NetCmd::Fetch => out.event(Event::Fetched(Err(why))),
            NetCmd::Send { ticket, .. } => out.event(Event::Sent {
                ticket,
                result: Err(why),
            }),
            _ => out.event(Event::Failed(why)),
        }
    }

    /// A worker for `home`; `clock` replaces the system clock (tests).
    pub fn new(
        home: Home,
        passphrase_file: Option<PathBuf>,
        clock: Option<Arc<dyn Clock>>,
    ) -> NetWorker {
        NetWorker {
            home,
            passphrase_file,
            clock,
            session: None,
        }
    }

    fn ready(&mut self, mut s: Session, created: bool, out: &mut dyn Sink) {
        if let Some(c) = &self.clock {
            s.set_clock(c.clone());
        }
        out.store(StoreCmd::Replace(Box::new(s.reader())));
        out.event(Event::Ready {
            name: s.name().to_string(),
            created,
        });
        self.session = Some(s);
    }

    /// Opens with the passphrase: through the running agent, else a new one when
    /// `[agent] autostart` (so `poll` and commands share the unlock), else locally.
    fn unlock(&mut self, pass: Option<secrecy::SecretString>, out: &mut dyn Sink) {
        let opened = match pass {
            None => Session::unlock(self.home.clone(), None),
            Some(p) => {
                let start = hushpost_ops::config::Config::load(&self.home.config_file())
                    .map(|c| c.agent.autostart)
                    .unwrap_or(false);
                let running = agent::live(&self.home);
                agent::open_with(&self.home, p, running, start, None)
            }
        };
        match opened {
            Ok(s) => self.ready(s, false, out),
            Err(hushpost_ops::Error::Keyring(KeyringError::WrongPassphrase)) => {
                out.event(Event::NeedPassphrase {
                    error: Some("wrong passphrase; try again".into()),
                });
            }
            Err(e) => out.event(Event::Fatal(err_line(e))),
        }
    }

    /// Whether any of our routes or our contacts' routes runs cover traffic, and then the
    /// mean seconds between ticks.
    fn cover_mean(&self) -> Option<u64> {
        let s = self.session.as_ref()?;
        let cover = &s.config.cover;
        let own = s.routes().into_iter().any(|r| cover.enabled_for(&r));
        let theirs = s.contacts().iter().any(|c| c.plans.iter().any(|p| p.cover));
        (own || theirs).then_some(cover.mean_interval_secs)
    }

    /// When the next cover tick is due: keeps a pending deadline, draws a fresh Poisson gap
    /// after one passed, and has none while nothing runs cover traffic.
    pub fn next_poll(&self, current: Option<Instant>) -> Option<Instant> {
        let mean = self.cover_mean()?;
        match current {
            Some(at) if at > Instant::now() => Some(at),
            _ => {
                Some(Instant::now() + hushpost_ops::poll::poisson_gap(mean, &mut rand::rngs::OsRng))
            }
        }
    }

    /// One cover-traffic tick, exactly as `hushpost poll` runs it.
    pub fn poll_tick(&mut self, out: &mut dyn Sink) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let opts = hushpost_ops::poll::PollOptions {
            seed: None,
            clock: self
                .clock
                .clone()
                .unwrap_or_else(|| Arc::new(hushpost_ops::core::time::SystemClock)),
            trace: None,
        };
        let r = hushpost_ops::poll::poll(&self.home, Some(s), &opts);
        out.event(Event::Polled(r.map_err(err_line)));
    }

    /// Creates the identity the first-run form asked for.
    fn init(
        &mut self,
        name: String,
        passphrase: Option<secrecy::SecretString>,
        out: &mut dyn Sink,
    ) {
        // With --passphrase-file the form asks for no passphrase: the file has it.
        // A passphrase typed in the form goes on to an agent afterwards (`[agent]
        // autostart`), as after `hushpost init`, so commands and `poll` ask nothing.
        let typed = passphrase.clone();
        let protection = match (passphrase, &self.passphrase_file) {
            (Some(p), _) => Protection::Passphrase(p),
            (None, Some(f)) => match hushpost_ops::passphrase_from_file(f) {
                Ok(p) => Protection::Passphrase(p),
                Err(e) => {
                    out.event(Event::InitFailed(err_line(e)));
                    return;
                }
            },
            (None, None) => Protection::None,
        };
        let opts = InitOptions {
            name,
            protection,
            routes: Vec::new(),
        };
        match Session::init(self.home.clone(), opts) {
            Ok(s) => {
                let s = match typed.filter(|_| s.config.agent.autostart) {
                    Some(p) => {
                        drop(s);
                        match agent::open_with(&self.home, p, None, true, None) {
                            Ok(s) => s,
                            Err(e) => {
                                out.event(Event::Fatal(err_line(e)));
                                return;
                            }
                        }
                    }
                    None => s,
                };
                self.ready(s, true, out);
            }
            Err(e) => out.event(Event::InitFailed(err_line(e))),
        }
    }

    /// Does one command.
    pub fn handle(&mut self, cmd: NetCmd, out: &mut dyn Sink) {
        match cmd {
            NetCmd::Probe => {
                if !self.home.has_identity() {
                    out.event(Event::NeedInit {
                        drop: self.home.default_drop(),
                    });
                    return;
                }
                match agent::access(&self.home) {
                    Ok(Access::Unlocked(c, snap)) => {
                        match Session::attach(self.home.clone(), c, *snap) {
                            Ok(s) => self.ready(s, false, out),
                            Err(e) => out.event(Event::Fatal(err_line(e))),
                        }
                    }
                    Ok(Access::Plain) => self.unlock(None, out),
                    Ok(Access::NeedPassphrase(running)) => match &self.passphrase_file {
                        Some(f) => match hushpost_ops::passphrase_from_file(f) {
                            Ok(p) => match agent::open_with(&self.home, p, running, false, None) {
                                Ok(s) => self.ready(s, false, out),
                                Err(e) => out.event(Event::Fatal(err_line(e))),
                            },
                            Err(e) => out.event(Event::Fatal(err_line(e))),
                        },
                        None => out.event(Event::NeedPassphrase { error: None }),
                    },
                    Err(e) => out.event(Event::Fatal(err_line(e))),
                }
            }
            NetCmd::Unlock(p) => self.unlock(p, out),
            NetCmd::Init { name, passphrase } => self.init(name, passphrase, out),
            cmd => {
                if let Err(why) = self.refreshed(out) {
                    Self::could_not(cmd, why, out);
                    return;
                }
                let Some(s) = self.session.as_mut() else {
                    return;
                };
                match cmd {
                    NetCmd::Fetch => {
                        let mut last = Instant::now();
                        let r = s.fetch(&mut |p| {
                            if last.elapsed() >= Duration::from_millis(100) {
                                last = Instant::now();
                                out.event(Event::FetchProgress(p));
                            }
                        });
                        out.event(Event::Fetched(r.map_err(err_line)));
                    }
                    NetCmd::Send { ticket, req } => {
                        let result = s.send(&req, &mut |_| {}).map_err(err_line);
                        out.event(Event::Sent { ticket, result });
                    }
                    NetCmd::ContactAdd { name, card } => match s.contact_add(&name, &card) {
                        Ok(v) => {
                            contacts_changed(s, out);
                            out.event(Event::ContactChanged(added(&v)));
                        }
                        Err(e) => out.event(Event::Failed(err_line(e))),
                    },
                    NetCmd::ContactAllowLocal { name } => match s.contact_allow_local(&name) {
                        Ok(v) => {
                            contacts_changed(s, out);
                            out.event(Event::ContactChanged(format!(
                                "{} is reached on the local routes of their card too",
                                one_line(&v.name)
                            )));
                        }
                        Err(e) => out.event(Event::Failed(err_line(e))),
                    },
                    NetCmd::ContactVerify { name } => match s.contact_verify(&name) {
                        Ok(v) => {
                            contacts_changed(s, out);
                            out.event(Event::ContactChanged(format!(
                                "{} is verified",
                                one_line(&v.name)
                            )));
                        }
                        Err(e) => out.event(Event::Failed(err_line(e))),
                    },
                    cmd @ (NetCmd::RequestAccept { .. } | NetCmd::RequestReject { .. }) => {
                        request(s, cmd, out)
                    }
                    // Done above, before every command.
                    NetCmd::Refresh => {}
                    NetCmd::Probe | NetCmd::Unlock(_) | NetCmd::Init { .. } => {}
                }
            }
        }
    }
}

/// The store worker takes a fresh handle and the screen a fresh contact list: the keyring's
/// contacts changed (here, or in another process).
fn contacts_changed(s: &Session, out: &mut dyn Sink) {
    out.store(StoreCmd::Replace(Box::new(s.reader())));
    out.store(StoreCmd::Contacts);
}

/// What adding a contact says: verify them, and when their card's only routes are local
/// places (not used until the user says so), how to use them.
fn added(v: &hushpost_ops::ContactView) -> String {
    // Short enough for the status line; the contacts screen says more.
    let held = match (v.routes.is_empty(), v.held_local.is_empty()) {
        (_, true) => "",
        (true, false) => " · only local routes: L enables them",
        (false, false) => " · their local routes wait for L",
    };
    format!(
        "added {} — compare the safety number, then press v{held}",
        one_line(&v.name)
    )
}

/// Accepts or rejects the contact request that carries a card.
fn request(s: &mut Session, cmd: NetCmd, out: &mut dyn Sink) {
    match cmd {
        NetCmd::RequestAccept { card, name } => {
            let r = s
                .contact_request_number(&card)
                .and_then(|n| s.contact_accept(n, &name));
            match r {
                Ok(v) => {
                    contacts_changed(s, out);
                    out.event(Event::ContactChanged(added(&v)));
                }
                Err(e) => out.event(Event::Failed(err_line(e))),
            }
        }
        NetCmd::RequestReject { card } => {
            match s
                .contact_request_number(&card)
                .and_then(|n| s.contact_reject(n))
            {
                Ok(r) => {
                    out.store(StoreCmd::Contacts);
                    out.event(Event::ContactChanged(format!(
                        "rejected the request from {}",
                        one_line(&r.name)
                    )));
                }
                Err(e) => out.event(Event::Failed(err_line(e))),
            }
        }
        _ => {}
    }
}

struct Channels {
    ui: Sender<Event>,
    store: Sender<StoreCmd>,
}

impl Sink for Channels {
    fn event(&mut self, ev: Event) {
        // The UI has gone (quitting): nothing left to tell.
        let _ = self.ui.send(ev);
    }
    fn store(&mut self, cmd: StoreCmd) {
        let _ = self.store.send(cmd);
    }
}

/// The two running workers: where to send them commands, and their threads.
pub struct Workers {
    /// To the store worker.
    pub store: Sender<StoreCmd>,
    /// To the net worker.
    pub net: Sender<NetCmd>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    /// Stops both workers: closes their channels and waits for the command each is on to
    /// finish, at most `bound`. Returns whether both stopped. The process must not exit
    /// while a worker is still in the store or the network (SQLCipher's and libssh2's
    /// libcrypto would be torn down under it); a caller whose workers did not stop in time
    /// leaves their work to the crash-safe store, as a kill would.
    pub fn stop(self, bound: Duration) -> bool {
        let Workers {
            store,
            net,
            threads,
        } = self;
        drop(net);
        drop(store);
        let until = Instant::now() + bound;
        while threads.iter().any(|t| !t.is_finished()) {
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        threads.into_iter().all(|t| t.join().is_ok())
    }
}

/// Starts both workers; they stop when [`Workers::stop`] closes their channels.
pub fn spawn(
    home: Home,
    passphrase_file: Option<PathBuf>,
    clock: Option<Arc<dyn Clock>>,
    ui: Sender<Event>,
) -> std::io::Result<Workers> {
    let (store_tx, store_rx) = std::sync::mpsc::channel::<StoreCmd>();
    let (net_tx, net_rx) = std::sync::mpsc::channel::<NetCmd>();
    let mut sink = Channels {
        ui: ui.clone(),
        store: store_tx.clone(),
    };
    let store_thread = std::thread::Builder::new()
        .name("hushpost-store".into())
        .spawn(move || store_loop(store_rx, sink_for(ui)))?;
    let net_thread = std::thread::Builder::new()
        .name("hushpost-net".into())
        .spawn(move || {
            use std::sync::mpsc::RecvTimeoutError;
            let mut w = NetWorker::new(home, passphrase_file, clock);
            let mut next_poll: Option<Instant> = None;
            let mut next_watch = Instant::now() + WATCH;
            loop {
                let wake = next_poll.map_or(next_watch, |at| at.min(next_watch));
                let cmd = match net_rx.recv_timeout(wake.saturating_duration_since(Instant::now()))
                {
                    Ok(cmd) => Some(cmd),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                if let Some(cmd) = cmd {
                    w.handle(cmd, &mut sink);
                }
                // A tick that fell due while a command ran still happens: the schedule
                // depends on the clock and the RNG only, not on what the user does.
                if next_poll.is_some_and(|at| Instant::now() >= at) {
                    w.poll_tick(&mut sink);
                }
                if Instant::now() >= next_watch {
                    w.watch(&mut sink);
                    next_watch = Instant::now() + WATCH;
                }
                next_poll = w.next_poll(next_poll);
            }
        })?;
    Ok(Workers {
        store: store_tx,
        net: net_tx,
        threads: vec![store_thread, net_thread],
    })
}

fn sink_for(ui: Sender<Event>) -> impl Sink {
    struct UiOnly(Sender<Event>);
    impl Sink for UiOnly {
        fn event(&mut self, ev: Event) {
            let _ = self.0.send(ev);
        }
        fn store(&mut self, _: StoreCmd) {}
    }
    UiOnly(ui)
}

fn store_loop(rx: Receiver<StoreCmd>, mut sink: impl Sink) {
    use std::sync::mpsc::RecvTimeoutError;
    let mut w = StoreWorker::new();
    let mut next_watch = Instant::now() + WATCH;
    loop {
        match rx.recv_timeout(next_watch.saturating_duration_since(Instant::now())) {
            Ok(cmd) => w.handle(cmd, &mut sink),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        // By the clock, not by idleness: a user scrolling without pause still sees mail
        // that a cron `poll` stored meanwhile.
        if Instant::now() >= next_watch {
            w.watch(&mut sink);
            next_watch = Instant::now() + WATCH;
        }
    }
}
