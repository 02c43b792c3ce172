//! `hushpost poll`: one tick of the unattended scheduler, made for cron and `--daemon`.
//!
//! Per destination (our receive routes, the contacts' routes cover traffic runs on, and
//! anything queued): fetch, then put the queued blobs — on a cover route exactly `send_small` small and
//! `send_large` large blobs per tick, real ones if queued and chaff otherwise — then fetch,
//! on a cover route exactly `max(fetch_tags, real)` capabilities (real ones padded with
//! random decoys). Chaff is a real age file to a throw-away key, put under our own loop
//! tag and fetched back and deleted like mail; a loop blob not back within 3 ticks marks
//! the route as possibly dropping mail.
//!
//! The schedule's only inputs are the clock and the RNG: which blob fills a slot never
//! changes what goes on the wire (time, destination, size). Without the passphrase, poll
//! works from `poll-keys.json` (capabilities precomputed at unlock) and spools what it
//! fetches, still sealed, until the next unlock.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::fetch::{FetchProgress, FetchReport, Rejection, merge};
use crate::home::Home;
use crate::outbox::Outbox;
use crate::pollstate::{self, CapEntry, CapOwner, DAYS_AHEAD, LoopInFlight, PollKeys, PollState};
use crate::send::{dial_for, route_label};
use crate::session::Session;
use hushpost_core::envelope::{Bucket, LARGE, SMALL};
use hushpost_core::identity::XKeyPair;
use hushpost_core::tags::{PairKeys, intro_fetch_cap};
use hushpost_core::time::{Clock, Day};
use hushpost_core::{FetchCap, Route, Tag};
use hushpost_transports::{DeadDrop, Fetched, Flow, PutOptions, Transport};
use rand::{RngCore, SeedableRng};
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// Ticks after which a missing loop blob raises the alarm.
pub const LOOP_ALARM_TICKS: u64 = 3;

/// One request as the network sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireEvent {
    /// Unix time.
    pub time: u64,
    /// The route (label).
    pub dest: String,
    /// `put` or `fetch`.
    pub op: &'static str,
    /// Bytes sent: the blob, or 32 per capability.
    pub bytes: usize,
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
    /// Blobs refused while storing.
    pub rejected: Vec<Rejection>,
    /// Per-route errors.
    pub errors: Vec<(String, String)>,
    /// Routes whose loop blobs did not come back: they may be dropping mail.
    pub dropping: Vec<String>,
}

fn keys_path(home: &Home) -> std::path::PathBuf {
    home.data_dir.join("poll-keys.json")
}

fn state_path(home: &Home) -> std::path::PathBuf {
    home.data_dir.join("poll-state.json")
}

fn spool_dir(home: &Home) -> std::path::PathBuf {
    home.data_dir.join("spool")
}

/// Whether a locked poll left sealed mail in the spool.
pub fn spool_pending(home: &Home) -> bool {
    std::fs::read_dir(spool_dir(home)).is_ok_and(|mut d| d.next().is_some())
}

/// A chaff blob: a real age file (one X25519 stanza) to a throw-away key, of a bucket size.
pub fn chaff(bucket: Bucket, rng: &mut dyn RngCore) -> Vec<u8> {
    let mut plain = vec![0u8; bucket.capacity()];
    rng.fill_bytes(&mut plain);
    hushpost_core::agelayer::encrypt_x25519(&XKeyPair::generate().public(), &plain)
}

impl Session {
    /// Writes `poll-keys.json`: what an unattended poll needs for the next 14 days.
    pub fn write_poll_keys(&self) -> Result<()> {
        let today = Day::of(self.now());
        let days: Vec<Day> = (today.0.saturating_sub(1)..=today.0 + DAYS_AHEAD)
            .map(Day)
            .collect();
        let mut caps = Vec::new();
        for c in &self.state.contacts {
            let Some((_, id)) = Session::contact_public(c) else {
                continue;
            };
            let Ok(pk) = PairKeys::derive(&self.identity, &id) else {
                continue;
            };
            for d in &days {
                caps.push(CapEntry {
                    day: d.0,
                    cap: pk.incoming.fetch_cap(*d).hex(),
                    owner: CapOwner::Contact(hex::encode(id.ed)),
                });
            }
        }
        let lp = PairKeys::loopback(&self.identity).map_err(|e| Error::Invalid(e.to_string()))?;
        for d in &days {
            caps.push(CapEntry {
                day: d.0,
                cap: intro_fetch_cap(&self.state.intro_cap.0, *d).hex(),
                owner: CapOwner::Intro,
            });
            caps.push(CapEntry {
                day: d.0,
                cap: lp.fetch_cap(*d).hex(),
                owner: CapOwner::Loop,
            });
        }
        let mut send_routes: Vec<String> = Vec::new();
        for c in &self.state.contacts {
            if let Some((card, _)) = Session::contact_public(c) {
                for r in self.routes_of(c, &card) {
                    let t = r.to_string();
                    if self.config.cover.enabled_for(&r) && !send_routes.contains(&t) {
                        send_routes.push(t);
                    }
                }
            }
        }
        let keys = PollKeys {
            version: 1,
            generated_at: self.now(),
            routes: self.state.routes.clone(),
            send_routes,
            caps,
        };
        let p = keys_path(&self.home);
        pollstate::save(&p, &keys).map_err(|e| Error::Io(e, p))
    }

    /// Opens and stores what a locked poll spooled (still sealed) since the last unlock.
    pub fn process_spool(&mut self) -> Result<FetchReport> {
        let dir = spool_dir(&self.home);
        let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
            Ok(e) => e
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "blob"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FetchReport::default()),
            Err(e) => return Err(Error::Io(e, dir)),
        };
        files.sort();
        let mut items = Vec::new();
        for path in files {
            let bytes = std::fs::read(&path).map_err(|e| Error::Io(e, path.clone()))?;
            let Some(nl) = bytes.iter().position(|b| *b == b'\n') else {
                continue;
            };
            let owner: CapOwner = serde_json::from_slice(&bytes[..nl]).unwrap_or(CapOwner::Intro);
            items.push((path, owner, bytes[nl + 1..].to_vec()));
        }
        if items.is_empty() {
            return Ok(FetchReport::default());
        }
        let r = self.ingest_spooled(items)?;
        Ok(r)
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
    let mut report = PollReport {
        locked: session.is_none(),
        ..PollReport::default()
    };
    if let Some(s) = session.as_deref_mut() {
        let r = s.process_spool()?;
        report.new += r.new.len();
        report.rejected.extend(r.rejected);
        s.write_poll_keys()?;
    }
    let config = match session.as_deref() {
        Some(s) => s.config.clone(),
        None => Config::load(&home.config_file())?,
    };
    let kp = keys_path(home);
    let keys: PollKeys = pollstate::load(&kp).map_err(|e| Error::Io(e, kp.clone()))?;
    if keys.routes.is_empty() && session.is_none() {
        return Err(Error::Invalid("poll has no capabilities yet: unlock once (any hushpost command) so it can precompute them".into()));
    }
    let sp = state_path(home);
    let mut state: PollState = pollstate::load(&sp).map_err(|e| Error::Io(e, sp.clone()))?;
    state.tick += 1;
    let now = opts.clock.now();
    state.last_tick_at = now;
    let today = Day::of(now);
    let mut rng: Box<dyn RngCore> = match opts.seed {
        Some(s) => Box::new(rand_chacha::ChaCha20Rng::seed_from_u64(s ^ state.tick)),
        None => Box::new(rand::rngs::OsRng),
    };
    let record = |dest: &str, op: &'static str, bytes: usize| {
        if let Some(t) = &opts.trace
            && let Ok(mut v) = t.lock()
        {
            v.push(WireEvent {
                time: now,
                dest: dest.to_string(),
                op,
                bytes,
            });
        }
    };

    let own: Vec<Route> = keys.routes.iter().filter_map(|r| r.parse().ok()).collect();
    let outbox = Outbox::new(&home.outbox());
    let mut dests: Vec<Route> = own.clone();
    for r in keys
        .send_routes
        .iter()
        .filter_map(|r| r.parse::<Route>().ok())
    {
        if !dests.contains(&r) {
            dests.push(r);
        }
    }
    for (r, _) in outbox
        .destinations()
        .map_err(|e| Error::Io(e, home.outbox()))?
    {
        if !dests.contains(&r) {
            dests.push(r);
        }
    }
    dests.sort_by_key(|r| r.to_string());
    let loop_tag = keys
        .caps
        .iter()
        .find(|c| c.owner == CapOwner::Loop && c.day == today.0)
        .and_then(|c| FetchCap::from_hex(&c.cap))
        .map(|c| c.tag());

    state.errors.clear();
    for dest in &dests {
        let label = route_label(dest);
        let cover = config.cover.enabled_for(dest);
        let dial = match dial_for(&config, &own, dest, None, None, None) {
            Ok(d) => d,
            Err(e) => {
                report.errors.push((label.clone(), e.to_string()));
                continue;
            }
        };
        let mut t = match Transport::open(dest, &dial) {
            Ok(t) => t,
            Err(e) => {
                report.errors.push((label.clone(), e.to_string()));
                continue;
            }
        };
        let is_own = own.contains(dest);
        // Fetch first, then send: a loop blob put in this tick is looked for from the next
        // tick on, so a drop that drops it has a whole interval to do so and is noticed.
        let fetched = if !(cover || is_own) {
            Ok((FetchReport::default(), 0))
        } else {
            match session.as_deref_mut().filter(|_| is_own) {
                Some(s) => {
                    fetch_unlocked(s, &mut t, dest, cover, &config, &mut *rng, &record, &label)
                }
                None => fetch_locked(
                    home, &keys, &mut t, dest, is_own, cover, &config, today, &mut *rng, &record,
                    &label,
                ),
            }
        };
        match fetched {
            Ok((r, spooled)) => {
                report.new += r.new.len();
                report.spooled += spooled;
                report.rejected.extend(r.rejected);
                report.errors.extend(r.route_errors);
                let dest_text = dest.to_string();
                for h in r.loops_back {
                    let hh = hex::encode(h);
                    state
                        .loops
                        .retain(|l| !(l.route == dest_text && l.hash == hh));
                }
            }
            Err(e) => report.errors.push((label.clone(), e.to_string())),
        }
        if let Err(e) = send_slots(
            &mut t,
            dest,
            &label,
            cover,
            &config,
            &outbox,
            loop_tag.as_ref(),
            &mut *rng,
            &mut state,
            &mut report,
            &record,
        ) {
            report.errors.push((label.clone(), e));
        }
    }
    if let Some(s) = session {
        s.finish_fetch()?;
    }

    // Loop alarm: our own chaff should be back within three ticks.
    let overdue: Vec<LoopInFlight> = state
        .loops
        .iter()
        .filter(|l| l.tick + LOOP_ALARM_TICKS <= state.tick)
        .cloned()
        .collect();
    for l in overdue {
        if let Ok(r) = l.route.parse::<Route>() {
            let lbl = route_label(&r);
            if !state.dropping.contains(&lbl) {
                state.dropping.push(lbl);
            }
        }
        state.loops.retain(|x| x != &l);
    }
    report.dropping = state.dropping.clone();
    report.queued = outbox.pending();
    state.errors = report.errors.clone();
    pollstate::save(&sp, &state).map_err(|e| Error::Io(e, sp))?;
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn send_slots(
    t: &mut Transport,
    dest: &Route,
    label: &str,
    cover: bool,
    config: &Config,
    outbox: &Outbox,
    loop_tag: Option<&Tag>,
    rng: &mut dyn RngCore,
    state: &mut PollState,
    report: &mut PollReport,
    record: &dyn Fn(&str, &'static str, usize),
) -> std::result::Result<(), String> {
    let queue = outbox.queued(dest).map_err(|e| e.to_string())?;
    let mut small = queue.iter().filter(|q| q.size == SMALL);
    let mut large = queue.iter().filter(|q| q.size == LARGE);
    // The slots of this tick: fixed by the cover settings, or simply the whole queue.
    let slots: Vec<usize> = if cover {
        std::iter::repeat_n(SMALL, config.cover.send_small)
            .chain(std::iter::repeat_n(LARGE, config.cover.send_large))
            .collect()
    } else {
        queue.iter().map(|q| q.size).collect()
    };
    let mut queue_iter = queue.iter();
    for size in slots {
        let real = if cover {
            if size == SMALL {
                small.next()
            } else {
                large.next()
            }
        } else {
            queue_iter.next()
        };
        match real {
            Some(q) => {
                let blob = outbox.blob(q).map_err(|e| e.to_string())?;
                record(label, "put", blob.len());
                t.put(&q.tag, &blob, PutOptions { intro: q.intro })
                    .map_err(|e| e.to_string())?;
                outbox.remove(q).map_err(|e| e.to_string())?;
                report.sent += 1;
            }
            None => {
                let Some(tag) = loop_tag else {
                    return Err(
                        "no loop tag for today: unlock once so poll can precompute it".into(),
                    );
                };
                let bucket = if size == SMALL {
                    Bucket::Small
                } else {
                    Bucket::Large
                };
                let blob = chaff(bucket, rng);
                record(label, "put", blob.len());
                t.put(tag, &blob, PutOptions::default())
                    .map_err(|e| e.to_string())?;
                state.loops.push(LoopInFlight {
                    route: dest.to_string(),
                    hash: hex::encode(hushpost_core::pow::blob_hash(&blob)),
                    tick: state.tick,
                });
                report.chaff += 1;
            }
        }
    }
    Ok(())
}

fn decoys(n: usize, rng: &mut dyn RngCore) -> Vec<FetchCap> {
    (0..n)
        .map(|_| {
            let mut b = [0u8; 32];
            rng.fill_bytes(&mut b);
            FetchCap(b)
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn fetch_unlocked(
    s: &mut Session,
    t: &mut Transport,
    dest: &Route,
    cover: bool,
    config: &Config,
    rng: &mut dyn RngCore,
    record: &dyn Fn(&str, &'static str, usize),
    label: &str,
) -> Result<(FetchReport, usize)> {
    let real = s.capability_count(dest)?;
    let pad = if cover {
        config.cover.fetch_tags.saturating_sub(real)
    } else {
        0
    };
    let extra = decoys(pad, rng);
    record(label, "fetch", 32 * (real + pad));
    let mut prog = FetchProgress { blobs: 0, bytes: 0 };
    let r = s.fetch_route(dest, t, &extra, &mut prog, &mut |_| {})?;
    Ok((r, 0))
}

#[allow(clippy::too_many_arguments)]
fn fetch_locked(
    home: &Home,
    keys: &PollKeys,
    t: &mut Transport,
    dest: &Route,
    is_own: bool,
    cover: bool,
    config: &Config,
    today: Day,
    rng: &mut dyn RngCore,
    record: &dyn Fn(&str, &'static str, usize),
    label: &str,
) -> Result<(FetchReport, usize)> {
    let wanted = |c: &&CapEntry| {
        (c.day + 1 >= today.0 && c.day <= today.0 + 1) && (is_own || c.owner == CapOwner::Loop)
    };
    let mut caps: Vec<FetchCap> = Vec::new();
    let mut owners: Vec<Option<CapOwner>> = Vec::new();
    for c in keys.caps.iter().filter(wanted) {
        if let Some(cap) = FetchCap::from_hex(&c.cap) {
            caps.push(cap);
            owners.push(Some(c.owner.clone()));
        }
    }
    let pad = if cover {
        config.cover.fetch_tags.saturating_sub(caps.len())
    } else {
        0
    };
    for d in decoys(pad, rng) {
        caps.push(d);
        owners.push(None);
    }
    record(label, "fetch", 32 * caps.len());
    let mut report = FetchReport::default();
    let mut done: Vec<(usize, String)> = Vec::new();
    let mut spooled = 0;
    let dir = spool_dir(home);
    let mut failure: Option<Error> = None;
    let r = t.fetch(&caps, &mut |f: Fetched| {
        match owners.get(f.cap).cloned().flatten() {
            Some(CapOwner::Loop) => {
                report
                    .loops_back
                    .push(hushpost_core::pow::blob_hash(&f.blob));
                done.push((f.cap, f.id));
            }
            Some(owner) => {
                if let Err(e) = spool(&dir, &owner, &f.blob) {
                    failure = Some(Error::Io(e, dir.clone()));
                    return Flow::Stop;
                }
                spooled += 1;
                done.push((f.cap, f.id));
            }
            None => {}
        }
        Flow::Continue
    });
    // Delete only what is durable in the spool (or was our own chaff).
    if !done.is_empty()
        && let Err(e) = t.delete(&caps, &done)
    {
        report.route_errors.push((
            label.to_string(),
            format!("could not delete fetched blobs: {e}"),
        ));
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if let Err(e) = r {
        report.route_errors.push((label.to_string(), e.to_string()));
    }
    let _ = dest;
    Ok((report, spooled))
}

fn spool(dir: &std::path::Path, owner: &CapOwner, blob: &[u8]) -> std::io::Result<()> {
    hushpost_durable::create_private_dir(dir)?;
    let mut bytes = serde_json::to_vec(owner).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    bytes.extend_from_slice(blob);
    let mut r = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut r);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    hushpost_durable::write_new(
        &dir.join(format!("{nanos:024}-{}.blob", hex::encode(r))),
        &bytes,
    )
}

/// Unused-variable guard for `merge` when only some paths need it.
#[allow(dead_code)]
fn _merge(a: &mut FetchReport, b: FetchReport) {
    merge(a, b)
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
