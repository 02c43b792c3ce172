//! The outbox: sealed blobs waiting to leave — for a cover-traffic slot, or for a retry after
//! a send that could not complete — readable without the passphrase so an unattended `poll`
//! can move them. Everything here is ciphertext already; what is in clear is what a queued
//! blob needs to leave (the route, the tag the network sees anyway, the network mode its plan
//! chose) and an opaque group id that the encrypted mail store links to the recipient. An
//! entry is gone the moment the drop acknowledged it.
//!
//! ```text
//! outbox/<dest id>/route                 the route URL (written once)
//! outbox/<dest id>/<nanos>-<rand>.blob   one JSON header line, "\n", the sealed blob
//! ```
//! Entries are written durably (`tmp → fsync → link → fsync(dir)`) before anything is
//! attempted, taken in name order (FIFO), and removed only after the drop acknowledged them.

mod deliveries;
mod flush;

pub use deliveries::{OutboxItem, RetryReport};
pub(crate) use flush::{WindowUsed, flush};

use hushpost_core::route::Via;
use hushpost_core::{Route, Tag};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The outbox folder.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

/// One queued blob.
#[derive(Debug, Clone)]
pub struct Queued {
    /// Its file.
    pub path: PathBuf,
    /// The tag to put it under.
    pub tag: Tag,
    /// An intro post (relays ask for proof of work).
    pub intro: bool,
    /// Blob size (a bucket size).
    pub size: usize,
    /// The network mode its plan chose when it was queued (or replanned since).
    pub via: Option<Via>,
    /// The delivery it belongs to (opaque; the mail store knows whose it is).
    pub group: Option<[u8; 16]>,
    /// Leaves only in a cover-traffic slot (else: as soon as it is due).
    pub cover: bool,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not before this unix time (backoff after a failure).
    pub next_at: u64,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Its place among its message's blobs (0 = the first), when it is one of many.
    pub index: Option<u32>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    tag: String,
    #[serde(default)]
    intro: bool,
    size: usize,
    /// What the plan chose at queue time: a locked `poll` has no keyring to plan with.
    #[serde(default)]
    via: Option<Via>,
    #[serde(default)]
    group: Option<String>,
    /// Entries written before cover and retries were told apart waited for slots.
    #[serde(default = "yes")]
    cover: bool,
    #[serde(default)]
    attempts: u32,
    #[serde(default)]
    next_at: u64,
    #[serde(default)]
    error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index: Option<u32>,
}

fn yes() -> bool {
    true
}

/// What to queue.
#[derive(Debug, Clone, Copy)]
pub struct NewEntry<'a> {
    /// Where it goes.
    pub route: &'a Route,
    /// Under which tag.
    pub tag: &'a Tag,
    /// The sealed blob.
    pub blob: &'a [u8],
    /// An intro post.
    pub intro: bool,
    /// The network mode of its plan.
    pub via: Via,
    /// Its delivery.
    pub group: Option<[u8; 16]>,
    /// Wait for a cover-traffic slot.
    pub cover: bool,
    /// Its place among its message's blobs.
    pub index: Option<u32>,
}

/// The stable folder name of a destination.
pub fn dest_id(route: &Route) -> String {
    let mut h = Sha256::new();
    h.update(b"hushpost outbox\0");
    h.update(route.to_string().as_bytes());
    hex::encode(&h.finalize()[..12])
}

/// The wait after a drop said the recipient's mailbox is full (they drain it by fetching).
pub const QUOTA_WAIT_SECS: u64 = 60;

/// Large blobs one flush puts under one tag on a drop with a per-tag quota (a relay: 128
/// unread blobs by default), so a large message in flight leaves room for small mail to
/// the same contact; the rest follow at the next flush, as the recipient drains the drop.
pub const LARGE_WINDOW: usize = 96;

/// Why the rest of a large message waits after a window of it went to a relay.
pub(crate) const WINDOW_WAIT: &str = "the rest waits until the recipient fetches (a relay keeps a bounded number of blobs per mailbox)";

/// What becomes of the rest of a message part of which is on the drop, after `room` (why
/// the drop takes no more now): it leaves on its own once the recipient made room.
pub(crate) fn flowing_reason(room: &str) -> String {
    format!("{room}; then your next fetch or poll sends the rest (or `hushpost outbox retry`)")
}

/// The per-tag window of `route`: only relays have quotas.
pub fn window_for(route: &Route) -> Option<usize> {
    matches!(route, Route::Https(_)).then_some(LARGE_WINDOW)
}

/// The wait after `attempts` failures: 1 minute, doubling, at most an hour.
pub fn backoff_secs(attempts: u32) -> u64 {
    (60u64 << attempts.saturating_sub(1).min(6)).min(3600)
}

/// What the outbox holds for one delivery.
#[derive(Debug, Clone, Default)]
pub struct GroupState {
    /// The route its blobs wait for.
    pub route: Option<Route>,
    /// Blobs still waiting.
    pub waiting: usize,
    /// Failed attempts of the most tried blob.
    pub attempts: u32,
    /// The earliest next attempt.
    pub next_at: u64,
    /// The last error.
    pub error: Option<String>,
    /// Waiting for cover-traffic slots.
    pub cover: bool,
}

impl Outbox {
    /// The outbox at `dir` (created on first enqueue).
    pub fn new(dir: &Path) -> Outbox {
        Outbox {
            dir: dir.to_path_buf(),
        }
    }

    fn dest_dir(&self, route: &Route) -> io::Result<PathBuf> {
        let d = self.dir.join(dest_id(route));
        hushpost_durable::create_private_dir(&d)?;
        let rf = d.join("route");
        if !rf.exists() {
            hushpost_durable::write_atomic(&rf, route.to_string().as_bytes())?;
        }
        Ok(d)
    }

    /// Queues a sealed blob, durably.
    pub fn enqueue(&self, e: &NewEntry<'_>) -> io::Result<()> {
        let d = self.dest_dir(e.route)?;
        write_entry(&d.join(entry_name()), &header_of(e), e.blob, true)
    }

    /// Queues sealed blobs in order as one durable batch (fsynced together, one folder
    /// sync). Returns how many of the first are queued; nothing past a failure is left.
    pub fn enqueue_batch(&self, entries: &[NewEntry<'_>]) -> (usize, io::Result<()>) {
        let mut temps = Vec::with_capacity(entries.len());
        let mut failed = None;
        let mut dir = None;
        for e in entries {
            let written = self.dest_dir(e.route).and_then(|d| {
                let bytes = entry_bytes(&header_of(e), e.blob)?;
                let t = hushpost_durable::write_temp_unsynced(
                    &d.join(entry_name()),
                    &bytes,
                    hushpost_durable::FILE_MODE,
                )?;
                Ok((d, t))
            });
            match written {
                // One batch goes to one destination (one folder to sync).
                Ok((d, t)) if dir.as_ref().is_none_or(|x| *x == d) => {
                    dir = Some(d);
                    temps.push(t);
                }
                Ok((_, t)) => {
                    let _ = std::fs::remove_file(&t.tmp);
                    failed = Some(io::Error::other("one batch, one destination"));
                    break;
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let Some(dir) = dir else {
            return (0, failed.map_or(Ok(()), Err));
        };
        let (done, r) = hushpost_durable::commit_batch(&dir, &temps, true);
        (done, r.and(failed.map_or(Ok(()), Err)))
    }

    /// Every destination with its folder.
    pub fn destinations(&self) -> io::Result<Vec<(Route, PathBuf)>> {
        let mut v = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(v),
            Err(e) => return Err(e),
        };
        for e in entries {
            let p = e?.path();
            if let Ok(text) = std::fs::read_to_string(p.join("route"))
                && let Ok(r) = text.trim().parse::<Route>()
            {
                v.push((r, p));
            }
        }
        v.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(v)
    }

    /// The queue of one destination, oldest first.
    pub fn queued(&self, route: &Route) -> io::Result<Vec<Queued>> {
        let d = self.dir.join(dest_id(route));
        let mut names: Vec<PathBuf> = match std::fs::read_dir(&d) {
            Ok(e) => e
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "blob"))
                .collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        names.sort();
        let mut v = Vec::new();
        for path in names {
            let head = match read_header(&path) {
                Ok(h) => h,
                // Taken by a concurrent poll between the listing and the read.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            let Some(tag) = Tag::from_hex(&head.tag) else {
                continue;
            };
            v.push(Queued {
                path,
                tag,
                intro: head.intro,
                size: head.size,
                via: head.via,
                group: head.group.as_deref().and_then(parse_group),
                cover: head.cover,
                attempts: head.attempts,
                next_at: head.next_at,
                error: head.error,
                index: head.index,
            });
        }
        Ok(v)
    }

    /// The sealed bytes of an entry.
    pub fn blob(&self, q: &Queued) -> io::Result<Vec<u8>> {
        let bytes = std::fs::read(&q.path)?;
        let nl = bytes
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| io::Error::other("outbox entry without header"))?;
        Ok(bytes[nl + 1..].to_vec())
    }

    /// Removes a sent entry (durably).
    pub fn remove(&self, q: &Queued) -> io::Result<()> {
        match hushpost_durable::remove_durable(&q.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            r => r,
        }
    }

    /// Notes a failed attempt on an entry: counts it, waits [`backoff_secs`] before the next.
    pub fn note_failure(&self, q: &Queued, error: &str, now: u64) -> io::Result<()> {
        self.rewrite(&q.path, |h| {
            h.attempts += 1;
            h.next_at = now + backoff_secs(h.attempts);
            h.error = Some(hushpost_core::sanitize::one_line(error));
        })
    }

    /// Notes a failed attempt on every entry of a delivery (the route could not even be
    /// dialled): each waits its backoff, as after a failed put.
    pub fn note_group_failure(&self, group: &[u8; 16], error: &str, now: u64) -> io::Result<usize> {
        self.each_of(group, |o, q| o.note_failure(q, error, now))
    }

    /// Notes that an entry could not leave because the recipient's mailbox on the drop is
    /// full: not a failure (no attempt counted, so no fallback), only "not now".
    pub fn note_not_now(&self, q: &Queued, why: &str, now: u64) -> io::Result<()> {
        self.rewrite(&q.path, |h| {
            h.next_at = now + QUOTA_WAIT_SECS;
            h.error = Some(hushpost_core::sanitize::one_line(why));
        })
    }

    /// Makes the entries of a delivery wait for cover-traffic slots (or not).
    pub fn set_cover(&self, group: &[u8; 16], cover: bool) -> io::Result<usize> {
        // Only the entries that change are rewritten: a rewrite is a durable copy of the
        // whole blob, and a large message waiting for room on a relay has thousands.
        self.each_of(group, |o, q| {
            if q.cover == cover {
                return Ok(());
            }
            o.rewrite(&q.path, |h| h.cover = cover)
        })
    }

    /// Makes the entries of a delivery due now.
    pub fn make_due(&self, group: &[u8; 16]) -> io::Result<usize> {
        self.each_of(group, |o, q| {
            if q.next_at == 0 {
                return Ok(());
            }
            o.rewrite(&q.path, |h| h.next_at = 0)
        })
    }

    /// Removes every entry of a delivery; returns how many there were.
    pub fn drop_group(&self, group: &[u8; 16]) -> io::Result<usize> {
        self.each_of(group, |o, q| o.remove(q))
    }

    /// Moves the entries of a delivery to another route (a permitted fallback), planned as
    /// `via` there; returns how many moved.
    pub fn move_group(&self, group: &[u8; 16], to: &Route, via: Via) -> io::Result<usize> {
        let d = self.dest_dir(to)?;
        self.each_of(group, |o, q| {
            let bytes = std::fs::read(&q.path)?;
            let nl = bytes
                .iter()
                .position(|b| *b == b'\n')
                .ok_or_else(|| io::Error::other("outbox entry without header"))?;
            let mut head: Header =
                serde_json::from_slice(&bytes[..nl]).map_err(io::Error::other)?;
            head.via = Some(via);
            head.attempts = 0;
            head.next_at = 0;
            head.error = None;
            write_entry(&d.join(entry_name()), &head, &bytes[nl + 1..], true)?;
            o.remove(q)
        })
    }

    fn each_of(
        &self,
        group: &[u8; 16],
        mut f: impl FnMut(&Outbox, &Queued) -> io::Result<()>,
    ) -> io::Result<usize> {
        let mut n = 0;
        for (route, _) in self.destinations()? {
            for q in self.queued(&route)? {
                if q.group.as_ref() == Some(group) {
                    f(self, &q)?;
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// What the outbox holds per delivery.
    pub fn groups(&self) -> io::Result<BTreeMap<[u8; 16], GroupState>> {
        let mut m: BTreeMap<[u8; 16], GroupState> = BTreeMap::new();
        for (route, _) in self.destinations()? {
            for q in self.queued(&route)? {
                let Some(g) = q.group else { continue };
                let s = m.entry(g).or_default();
                s.route = Some(route.clone());
                s.waiting += 1;
                s.cover |= q.cover;
                if q.attempts >= s.attempts {
                    s.attempts = q.attempts;
                    s.error = q.error.clone().or(s.error.take());
                }
                s.next_at = if s.waiting == 1 {
                    q.next_at
                } else {
                    s.next_at.min(q.next_at)
                };
            }
        }
        Ok(m)
    }

    /// Number of queued blobs across destinations.
    pub fn pending(&self) -> usize {
        self.destinations()
            .map(|ds| {
                ds.iter()
                    .map(|(r, _)| self.queued(r).map(|q| q.len()).unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0)
    }

    fn rewrite(&self, path: &Path, change: impl FnOnce(&mut Header)) -> io::Result<()> {
        let bytes = std::fs::read(path)?;
        let nl = bytes
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| io::Error::other("outbox entry without header"))?;
        let mut head: Header = serde_json::from_slice(&bytes[..nl]).map_err(io::Error::other)?;
        change(&mut head);
        write_entry(path, &head, &bytes[nl + 1..], false)
    }
}

fn entry_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut r = [0u8; 4];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut r);
    format!("{nanos:024}-{}.blob", hex::encode(r))
}

fn header_of(e: &NewEntry<'_>) -> Header {
    Header {
        tag: e.tag.hex(),
        intro: e.intro,
        size: e.blob.len(),
        via: Some(e.via),
        group: e.group.map(hex::encode),
        cover: e.cover,
        attempts: 0,
        next_at: 0,
        error: None,
        index: e.index,
    }
}

/// An entry file: its JSON header line, then the blob.
fn entry_bytes(head: &Header, blob: &[u8]) -> io::Result<Vec<u8>> {
    let header = serde_json::to_string(head).map_err(io::Error::other)?;
    let mut bytes = Vec::with_capacity(header.len() + 1 + blob.len());
    bytes.extend_from_slice(header.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(blob);
    Ok(bytes)
}

fn write_entry(path: &Path, head: &Header, blob: &[u8], new: bool) -> io::Result<()> {
    let bytes = entry_bytes(head, blob)?;
    if new {
        hushpost_durable::write_new(path, &bytes)
    } else {
        hushpost_durable::write_atomic(path, &bytes)
    }
}

fn parse_group(s: &str) -> Option<[u8; 16]> {
    let mut g = [0u8; 16];
    hex::decode_to_slice(s, &mut g).ok()?;
    Some(g)
}

impl Outbox {
    /// Plans every queued blob again (after `contact via` changed): its stored network mode
    /// becomes what [`crate::dial::plan`] says now for a queued send on its route. Headers
    /// are rewritten durably; the blob bytes do not change.
    pub fn replan(
        &self,
        config: &crate::config::Config,
        policy: &crate::dial::Policy,
    ) -> io::Result<()> {
        for (route, _) in self.destinations()? {
            let contacts: Vec<crate::dial::Contact> = policy
                .users
                .iter()
                .filter(|(r, _)| *r == route)
                .map(|(_, v)| crate::dial::Contact {
                    via: *v,
                    fallback: false,
                })
                .chain(std::iter::once(crate::dial::Contact::default()))
                .collect();
            // Several contacts may share the route: the strictest of their plans.
            let tor = contacts.iter().any(|c| {
                crate::dial::plan(
                    config,
                    policy,
                    &route,
                    *c,
                    crate::dial::Operation::SendQueued,
                    crate::dial::Override::default(),
                )
                .is_ok_and(|p| p.tor())
            });
            let via = if tor { Via::Tor } else { Via::Direct };
            for q in self.queued(&route)? {
                if q.via != Some(via) {
                    self.rewrite(&q.path, |h| h.via = Some(via))?;
                }
            }
        }
        Ok(())
    }
}

fn read_header(path: &Path) -> io::Result<Header> {
    use std::io::BufRead;
    let mut line = String::new();
    io::BufReader::new(std::fs::File::open(path)?).read_line(&mut line)?;
    serde_json::from_str(line.trim_end()).map_err(io::Error::other)
}

/// When mail queued on a cover route leaves, from the schedule: small and large blobs go
/// in their own slots (a tick puts `send_small` small and `send_large` large blobs), so
/// the slower of the two queues decides; on a passphrase-protected keyring the contact
/// lanes of an unattended `poll` run only while it is unlocked, which the note says.
pub fn schedule_note(
    home: &crate::home::Home,
    config: &crate::config::Config,
    route: &Route,
) -> (String, u64) {
    let queued = Outbox::new(&home.outbox())
        .queued(route)
        .unwrap_or_default();
    let (large, small) = queued.iter().filter(|e| e.cover).fold((0, 0), |(l, s), e| {
        if e.size >= hushpost_core::envelope::LARGE {
            (l + 1, s)
        } else {
            (l, s + 1)
        }
    });
    let c = &config.cover;
    let ticks = |n: usize, per: usize| if n == 0 { 0 } else { n.div_ceil(per.max(1)) };
    let ticks = ticks(small, c.send_small)
        .max(ticks(large, c.send_large))
        .max(1) as u64;
    let secs = ticks * c.mean_interval_secs.max(1);
    let blobs = match (small, large) {
        (s, 0) => format!(
            "{s} blob(s) queued on this route, {} leave per tick",
            c.send_small.max(1)
        ),
        (s, l) => format!(
            "{s} small and {l} large blob(s) queued on this route, {} small and {} large leave per tick",
            c.send_small.max(1),
            c.send_large
        ),
    };
    let locked = if crate::session::Session::needs_passphrase(home).unwrap_or(false) {
        "; the keyring is passphrase-protected, so a cron `hushpost poll` sends it only while the keyring is unlocked (`hushpost unlock`, or the open inbox)"
    } else {
        ""
    };
    let d = |s: u64| humantime::format_duration(std::time::Duration::from_secs(s));
    let note = format!(
        "waiting for cover-traffic slots: {blobs}; expect about {} (a tick every {} on average, from `hushpost poll` or the open inbox){locked}",
        d(secs),
        d(c.mean_interval_secs)
    );
    (note, secs)
}
