//! `hushpost poll`: one tick of the unattended scheduler, made for cron and `--daemon`.
//!
//! Per destination — our receive routes, the first routes of our contacts (unlocked), and
//! anything queued — a tick on a cover route has one shape whatever it carries: a fixed
//! number of puts per lane (`slots`: each contact whose mail goes this way gets real mail
//! if queued, else chaff sealed to them; our own loop gets chaff under one of our
//! capabilities), and on our own routes one fetch page of fixed size over a fixed-length,
//! shuffled list of capabilities (real ones padded with decoys that recur like them) and
//! one padded delete (`page`). Every connection is dialled by its plan (`dial`).
//!
//! The schedule's only inputs are the clock and the RNG: which blob fills a slot never
//! changes what goes on the wire (time, destination, size, count). Without the passphrase,
//! poll works from `poll-keys.json` (capabilities precomputed at unlock, no contact in
//! it), spools what it fetches, still sealed, until the next unlock, and leaves contacts'
//! lanes — and mail queued for them — to the next unlocked poll.

pub(crate) mod keys;
mod locked;
mod page;
mod slots;
pub(crate) mod spool;
pub mod state;

use crate::config::Config;
use crate::dial::{self, Operation, Policy};
use crate::error::{Error, Result};
use crate::fetch::{FetchProgress, Rejection};
use crate::home::Home;
use crate::outbox::Outbox;
use crate::session::Session;
use hushpost_core::Route;
use hushpost_core::envelope::Bucket;
use hushpost_core::identity::XKeyPair;
use hushpost_core::route::Via;
use hushpost_core::time::{Clock, Day};
use hushpost_transports::Transport;
use keys::PollKeys;
use page::Fetched1;
use rand::{RngCore, SeedableRng};
use serde::Serialize;
use state::{LoopInFlight, PollState};
use std::sync::{Arc, Mutex};

pub use keys::DAYS_AHEAD;

/// Complete passes over a mailbox without one of our loop blobs after which it raises
/// the alarm.
pub const LOOP_ALARM_TICKS: u64 = 3;

/// One request as the network sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireEvent {
    /// Unix time.
    pub time: u64,
    /// The route (label).
    pub dest: String,
    /// `put`, `fetch` or `delete`.
    pub op: &'static str,
    /// Bytes sent: the blob, or 32 per capability or delete item.
    pub bytes: usize,
    /// A fetch: the capabilities presented, in order, hex (what the drop sees).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<String>,
}

/// How to run a tick.
pub struct PollOptions {
    /// RNG seed (tests); `None` = the OS RNG.
    pub seed: Option<u64>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Records every request (tests, `--trace`).
    pub trace: Option<Arc<Mutex<Vec<WireEvent>>>>,
}

impl std::fmt::Debug for PollOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PollOptions(seed: {:?})", self.seed)
    }
}

/// What a tick did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PollReport {
    /// Another poll held the lock; nothing was done.
    pub skipped: bool,
    /// The keyring stayed locked: fetched mail was spooled, still sealed.
    pub locked: bool,
    /// Real blobs put.
    pub sent: usize,
    /// Chaff blobs put.
    pub chaff: usize,
    /// New messages stored (unlocked only).
    pub new: usize,
    /// Blobs spooled for the next unlock.
    pub spooled: usize,
    /// Blobs still queued after this tick.
    pub queued: usize,
    /// Of those, blobs for contacts' cover lanes that wait for an unlocked poll.
    pub waiting_unlock: usize,
    /// Blobs refused while storing.
    pub rejected: Vec<Rejection>,
    /// Per-route errors.
    pub errors: Vec<(String, String)>,
    /// Routes whose loop blobs did not come back: they may be dropping mail.
    pub dropping: Vec<String>,
}

fn state_path(home: &Home) -> std::path::PathBuf {
    home.data_dir.join("poll-state.json")
}

pub(crate) fn spool_dir(home: &Home) -> std::path::PathBuf {
    home.data_dir.join("spool")
}

/// SHA-256 of every loop blob of ours still out: any fetch of our routes can meet them.
pub(crate) fn loop_hashes(home: &Home) -> Result<std::collections::HashSet<[u8; 32]>> {
    let sp = state_path(home);
    let st: PollState = state::load(&sp).map_err(|e| Error::Io(e, sp))?;
    Ok(st.loop_hashes())
}

/// Our loop blobs a fetch other than poll's took back: they are home, not lost.
pub(crate) fn loops_returned(home: &Home, hashes: &[[u8; 32]]) -> Result<()> {
    if hashes.is_empty() {
        return Ok(());
    }
    let sp = state_path(home);
    let mut st: PollState = state::load(&sp).map_err(|e| Error::Io(e, sp.clone()))?;
    let back: Vec<String> = hashes.iter().map(hex::encode).collect();
    st.loops.retain(|l| !back.contains(&l.hash));
    state::save(&sp, &st).map_err(|e| Error::Io(e, sp))
}

/// Whether a locked poll left sealed mail in the spool.
pub fn spool_pending(home: &Home) -> bool {
    std::fs::read_dir(spool_dir(home)).is_ok_and(|mut d| d.next().is_some())
}

/// A chaff blob for our own loop: a real age file to a throw-away key, of a bucket size.
/// Mail is sealed to hybrid (ML-KEM-768 + X25519) keys and the stanza type is visible to a
/// drop, so chaff carries one `mlkem768x25519` stanza too (PROTOCOL.md §7.7), sized to the
/// hybrid capacity of the bucket.
pub fn chaff(bucket: Bucket, rng: &mut dyn RngCore) -> Vec<u8> {
    use hushpost_core::agelayer::{HYBRID_HEADER_LEN, SealKey, capacity, encrypt_to_into};
    let throwaway = hushpost_core::hybrid::HybridKeyPair::generate();
    let mut plain = zeroize::Zeroizing::new(vec![0u8; bucket.capacity()]);
    rng.fill_bytes(&mut plain);
    let hybrid = &plain[..capacity(bucket.size(), HYBRID_HEADER_LEN)];
    let mut out = Vec::with_capacity(bucket.size());
    match encrypt_to_into(&SealKey::Hybrid(throwaway.public()), hybrid, &mut out) {
        Ok(()) => out,
        // A freshly generated key is never of small order; should it ever be refused,
        // classical chaff still has the right size.
        Err(_) => hushpost_core::agelayer::encrypt_x25519(&XKeyPair::generate().public(), &plain),
    }
}

/// Everything one tick works with.
pub(crate) struct Tick<'a> {
    pub(crate) home: &'a Home,
    pub(crate) config: Config,
    pub(crate) keys: PollKeys,
    pub(crate) policy: Policy,
    pub(crate) state: PollState,
    pub(crate) report: PollReport,
    pub(crate) outbox: Outbox,
    pub(crate) rng: Box<dyn RngCore>,
    pub(crate) now: u64,
    trace: Option<Arc<Mutex<Vec<WireEvent>>>>,
}

impl Tick<'_> {
    /// Records a request as the network sees it.
    pub(crate) fn record(&self, dest: &str, op: &'static str, bytes: usize) {
        self.record_fetch(dest, op, bytes, &[]);
    }

    /// Records a request with the capabilities it presents.
    pub(crate) fn record_fetch(
        &self,
        dest: &str,
        op: &'static str,
        bytes: usize,
        caps: &[hushpost_core::FetchCap],
    ) {
        if let Some(t) = &self.trace
            && let Ok(mut v) = t.lock()
        {
            v.push(WireEvent {
                time: self.now,
                dest: dest.to_string(),
                op,
                bytes,
                caps: caps.iter().map(hushpost_core::FetchCap::hex).collect(),
            });
        }
    }

    pub(crate) fn today(&self) -> Day {
        Day::of(self.now)
    }
}

/// Runs one tick. `session` is the unlocked keyring if the caller has one (then fetched
/// mail is opened and stored now); without it poll works from `poll-keys.json`.
pub fn poll(
    home: &Home,
    mut session: Option<&mut Session>,
    opts: &PollOptions,
) -> Result<PollReport> {
    let _lock = match home.lock() {
        Ok(l) => l,
        Err(Error::Locked) => {
            return Ok(PollReport {
                skipped: true,
                ..PollReport::default()
            });
        }
        Err(e) => return Err(e),
    };
    let mut tick = start(home, session.as_deref_mut(), opts)?;
    for dest in destinations(&tick, session.as_deref())? {
        run_dest(&mut tick, session.as_deref_mut(), &dest);
    }
    if let Some(s) = session {
        s.finish_fetch(&mut Vec::new())?;
        // What this tick sent is reflected in each message's delivery state.
        s.reconcile()?;
    }
    finish(tick)
}

fn start<'a>(
    home: &'a Home,
    session: Option<&mut Session>,
    opts: &PollOptions,
) -> Result<Tick<'a>> {
    let mut report = PollReport {
        locked: session.is_none(),
        ..PollReport::default()
    };
    let (config, policy) = match session {
        Some(s) => {
            let r = s.process_spool()?;
            report.new += r.new.len();
            report.rejected.extend(r.rejected);
            s.keys.commit()?;
            keys::write(&s.keys, home)?;
            (Config::clone(&s.config), s.keys.policy())
        }
        None => (Config::load(&home.config_file())?, Policy::default()),
    };
    let kp = keys::path(home);
    let pk: PollKeys = state::load(&kp).map_err(|e| Error::Io(e, kp.clone()))?;
    if !pk.usable() && report.locked {
        return Err(Error::Invalid("poll has no capabilities yet: unlock once (any hushpost command) so it can precompute them".into()));
    }
    // Locked, the only routes poll knows are ours (and those of queued blobs).
    let policy = if report.locked {
        Policy {
            own: pk.routes.clone(),
            users: Vec::new(),
        }
    } else {
        policy
    };
    let sp = state_path(home);
    let mut state: PollState = state::load(&sp).map_err(|e| Error::Io(e, sp.clone()))?;
    state.tick += 1;
    let now = opts.clock.now();
    state.last_tick_at = now;
    state.errors.clear();
    let rng: Box<dyn RngCore> = match opts.seed {
        Some(s) => Box::new(rand_chacha::ChaCha20Rng::seed_from_u64(s ^ state.tick)),
        None => Box::new(rand::rngs::OsRng),
    };
    Ok(Tick {
        home,
        config,
        keys: pk,
        policy,
        state,
        report,
        outbox: Outbox::new(&home.outbox()),
        rng,
        now,
        trace: opts.trace.clone(),
    })
}

/// Our receive routes, the first routes of contacts (unlocked, where cover runs), and
/// anything queued, sorted.
fn destinations(tick: &Tick<'_>, session: Option<&Session>) -> Result<Vec<Route>> {
    let mut dests: Vec<Route> = tick.keys.routes.clone();
    let mut add = |r: Route| {
        if !dests.contains(&r) {
            dests.push(r);
        }
    };
    if let Some(s) = session {
        for c in s.keys.contact_states() {
            if let Some(r) = s.keys.routes_of(c).into_iter().next()
                && tick.config.cover.enabled_for(&r)
            {
                add(r);
            }
        }
    }
    for (r, _) in tick
        .outbox
        .destinations()
        .map_err(|e| Error::Io(e, tick.home.outbox()))?
    {
        add(r);
    }
    dests.sort_by_key(|r| r.to_string());
    Ok(dests)
}

/// The plan for a destination's tick: the strictest of what its queued blobs and the
/// contacts using it say, so one route's ticks always dial alike.
fn dest_plan(tick: &Tick<'_>, dest: &Route) -> Result<dial::Plan> {
    let queued_tor = tick
        .outbox
        .queued(dest)
        .map_err(|e| Error::Io(e, tick.home.outbox()))?
        .iter()
        .any(|q| q.via == Some(Via::Tor));
    let contact_via = queued_tor.then_some(Via::Tor);
    let own = tick.keys.routes.contains(dest);
    let op = if own {
        Operation::Fetch
    } else {
        Operation::Chaff
    };
    dial::plan(
        &tick.config,
        &tick.policy,
        dest,
        dial::Contact {
            via: contact_via,
            fallback: false,
        },
        op,
        dial::Override::default(),
    )
}

fn run_dest(tick: &mut Tick<'_>, mut session: Option<&mut Session>, dest: &Route) {
    let label = dest.label();
    let cover = tick.config.cover.enabled_for(dest);
    let opened = dest_plan(tick, dest)
        .and_then(|p| {
            let stored = session.as_deref().and_then(|s| s.keys.mail_password());
            p.dial_options(&tick.config, stored, Some(&tick.home.data_dir))
        })
        .and_then(|d| Ok(Transport::open(dest, &d)?));
    let mut t = match opened {
        Ok(t) => t,
        Err(e) => {
            tick.report.errors.push((label, e.to_string()));
            return;
        }
    };
    // Fetch first, then send: a loop blob put in this tick is looked for from the next
    // tick on, so a drop that drops it has a whole interval to do so and is noticed.
    if tick.keys.routes.contains(dest) {
        let fetched = match (cover, session.as_deref_mut()) {
            (true, _) => page::fetch(tick, &mut t, dest),
            (false, Some(s)) => fetch_unlocked(tick, s, &mut t, dest),
            (false, None) => locked::fetch(tick, &mut t, dest),
        };
        let opened = match (fetched, session.as_deref_mut()) {
            // An unlocked poll opens what it spooled at once.
            (Ok(mut f), Some(s)) if f.spooled > 0 => s.process_spool().map(|r| {
                f.report.merge(r);
                f
            }),
            (r, _) => r,
        };
        match opened {
            Ok(f) => note_fetched(tick, dest, f),
            Err(e) => tick.report.errors.push((label.clone(), e.to_string())),
        }
    }
    if let Err(e) = slots::send(tick, session, &mut t, dest, cover) {
        tick.report.errors.push((label, e));
    }
}

fn note_fetched(tick: &mut Tick<'_>, dest: &Route, f: Fetched1) {
    let r = f.report;
    tick.report.new += r.new.len();
    tick.report.spooled += if tick.report.locked { f.spooled } else { 0 };
    tick.report.rejected.extend(r.rejected);
    tick.report.errors.extend(r.route_errors);
    let dest_text = dest.to_string();
    for h in r.loops_back {
        let hh = hex::encode(h);
        tick.state
            .loops
            .retain(|l| !(l.route == dest_text && l.hash == hh));
    }
    // A pass that saw the whole mailbox without a loop blob of ours counts against it.
    if f.complete {
        for l in tick.state.loops.iter_mut().filter(|l| l.route == dest_text) {
            if l.tick < tick.state.tick {
                l.passes += 1;
            }
        }
    }
}

fn finish(mut tick: Tick<'_>) -> Result<PollReport> {
    // Loop alarm: our own chaff should be back within three complete passes.
    let overdue: Vec<LoopInFlight> = tick
        .state
        .loops
        .iter()
        .filter(|l| l.passes >= LOOP_ALARM_TICKS as u32)
        .cloned()
        .collect();
    for l in overdue {
        if !l.confirmed {
            // Its put may never have happened (the poll that made it was killed).
            tick.state.loops.retain(|x| x != &l);
            continue;
        }
        if let Ok(r) = l.route.parse::<Route>() {
            let lbl = r.label();
            if !tick.state.dropping.contains(&lbl) {
                tick.state.dropping.push(lbl);
            }
        }
        tick.state.loops.retain(|x| x != &l);
    }
    // Loops of routes that are no longer ours will never come back to be counted.
    let own: Vec<String> = tick.keys.routes.iter().map(|r| r.to_string()).collect();
    tick.state.loops.retain(|l| own.contains(&l.route));
    tick.state.pages.retain(|r, _| own.contains(r));
    tick.report.dropping = tick.state.dropping.clone();
    tick.report.queued = tick.outbox.pending();
    // A route that is down fails each lane that dials it (our fetch, a contact's chaff…):
    // one line per route and cause.
    let mut seen = std::collections::HashSet::new();
    tick.report.errors.retain(|e| seen.insert(e.clone()));
    tick.state.errors = tick.report.errors.clone();
    let sp = state_path(tick.home);
    state::save(&sp, &tick.state).map_err(|e| Error::Io(e, sp))?;
    Ok(tick.report)
}

fn fetch_unlocked(
    tick: &mut Tick<'_>,
    s: &mut Session,
    t: &mut Transport,
    dest: &Route,
) -> Result<Fetched1> {
    let real = s.capability_count(dest)?;
    tick.record(&dest.label(), "fetch", 32 * real);
    let mut prog = FetchProgress::default();
    let report = s.fetch_route(dest, t, (&mut prog, &mut |_| {}), &mut Vec::new())?;
    let complete = report.route_errors.is_empty();
    Ok(Fetched1 {
        report,
        spooled: 0,
        complete,
    })
}

/// The wait before the next `--daemon` tick: exponential with mean `mean_secs` (a Poisson
/// process), capped at 20 means. Its only input is the RNG.
pub fn poisson_gap(mean_secs: u64, rng: &mut dyn RngCore) -> std::time::Duration {
    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mean = mean_secs.max(1) as f64;
    std::time::Duration::from_secs_f64((-(1.0 - u).ln() * mean).min(mean * 20.0))
}

/// [`poisson_gap`] with the OS RNG.
pub fn next_gap(mean_secs: u64) -> std::time::Duration {
    poisson_gap(mean_secs, &mut rand::rngs::OsRng)
}
