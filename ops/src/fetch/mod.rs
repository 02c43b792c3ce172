//! Fetching: for each of our routes, present the capabilities of every contact's current
//! tags (yesterday, today, tomorrow and any missed day within retention), open what comes
//! back in parallel, store it durably, and only then delete it from the drop.
//!
//! A blob that fails any step of the receive procedure is reported (without tag or file
//! name) and deleted; pieces of a large message that is not complete yet stay in the drop
//! until a later fetch finds them all.

mod accept;
mod large;
mod process;
mod quarantine;
mod spool;

pub use quarantine::QuarantineItem;

use crate::dial::{self, Operation};
use crate::error::Result;
use crate::session::Session;
use hushpost_core::tags::days_to_poll;
use hushpost_core::time::Day;
use hushpost_transports::{DeadDrop, Fetched, Flow, Transport};
use process::Run;
use serde::Serialize;

/// Retention of drops in days: older days are not polled.
pub const RETENTION_DAYS: u64 = 14;
/// Blobs per processing batch…
const BATCH: usize = 256;
/// …and bytes: a batch of large blobs is opened in parallel, plaintext beside ciphertext, so
/// this bounds a fetch's memory (≈ 2 × 16 MiB) whatever arrives.
const BATCH_BYTES: usize = 16 << 20;

/// How many blobs reading the drop may run ahead of processing (at most 4 MiB of large
/// blobs).
const READ_AHEAD: usize = 16;
/// Passes over one route in one fetch (see `fetch_route`).
const PASSES: usize = 3;

/// One refused blob.
#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    /// The route it came from.
    pub route: String,
    /// Why (a receive-procedure step).
    pub reason: String,
}

/// The outcome of a fetch.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FetchReport {
    /// Local ids of new messages.
    pub new: Vec<i64>,
    /// Blobs refused, one per line.
    pub rejected: Vec<Rejection>,
    /// Copies of messages we already had (same message over two routes, or a replay).
    pub duplicates: usize,
    /// Routes that failed as a whole.
    pub route_errors: Vec<(String, String)>,
    /// Large messages still missing pieces.
    pub incomplete: usize,
    /// SHA-256 of each of our own loop (chaff) blobs that came back, for `poll`.
    #[serde(skip)]
    pub loops_back: Vec<[u8; 32]>,
    /// Contact requests received.
    #[serde(skip)]
    pub intros: usize,
    /// Blobs of earlier sends that left on a retry.
    pub retried: usize,
    /// Blobs kept aside (outside the time window): see `hushpost quarantine`.
    pub quarantined: Vec<Rejection>,
    /// Things the user should know (no room for a large message, pieces that expired).
    pub notes: Vec<String>,
    /// Large messages still arriving, after this fetch.
    pub arriving: Vec<Arriving>,
}

/// A large message still arriving.
#[derive(Debug, Clone, Serialize)]
pub struct Arriving {
    /// The contact.
    pub from: String,
    /// Pieces stored.
    pub pieces: u32,
    /// Pieces in all.
    pub of: u32,
    /// Its size in bytes.
    pub bytes: u64,
}

impl FetchReport {
    /// Adds another route's outcome to this one.
    pub fn merge(&mut self, from: FetchReport) {
        self.new.extend(from.new);
        self.rejected.extend(from.rejected);
        self.duplicates += from.duplicates;
        self.route_errors.extend(from.route_errors);
        self.incomplete += from.incomplete;
        self.loops_back.extend(from.loops_back);
        self.intros += from.intros;
        self.retried += from.retried;
        self.quarantined.extend(from.quarantined);
        self.notes.extend(from.notes);
    }
}

/// Progress of a fetch.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchProgress {
    /// Blobs received so far.
    pub blobs: usize,
    /// Bytes received so far.
    pub bytes: u64,
    /// Pieces of the large messages this fetch works on, stored so far (all of them, also
    /// those from earlier fetches)…
    pub pieces: u64,
    /// …and in all: with `pieces`, a percentage and an estimate of the time left.
    pub pieces_total: u64,
}

impl Session {
    /// Fetches from every receive route.
    pub fn fetch(&mut self, progress: &mut dyn FnMut(FetchProgress)) -> Result<FetchReport> {
        let _lock = self.home.lock()?;
        // What a poll spooled joins the first route's run: pieces of one large message may
        // be partly in the spool and partly still in the drop.
        let mut spooled = self.spooled()?;
        let mut report = FetchReport::default();
        // Mail kept in the outbox after a failure goes again once its backoff passed (cover
        // routes wait for their slots).
        let retried = self.retry_due()?;
        report.merge(self.retry_quarantine()?);
        report.retried = retried.sent;
        report.route_errors.extend(
            retried
                .errors
                .into_iter()
                .map(|(r, e)| (r, format!("retry: {e}"))),
        );
        let mut prog = FetchProgress::default();
        let policy = self.keys.policy();
        for route in self.routes() {
            let opened = dial::plan(
                &self.config,
                &policy,
                &route,
                dial::Contact::default(),
                Operation::Fetch,
                dial::Override::default(),
            )
            .and_then(|p| {
                p.dial_options(
                    &self.config,
                    self.keys.mail_password(),
                    Some(&self.home.data_dir),
                )
            })
            .and_then(|d| Ok(Transport::open(&route, &d)?));
            match opened {
                Ok(mut t) => {
                    let r =
                        self.fetch_route(&route, &mut t, (&mut prog, progress), &mut spooled)?;
                    report.merge(r);
                }
                Err(e) => report.route_errors.push((route.label(), e.to_string())),
            }
        }
        if !spooled.is_empty() {
            report.merge(self.ingest_spooled(spooled)?);
        }
        self.expire_large(&mut report.notes)?;
        report.arriving = self.arriving()?;
        report.incomplete += report.arriving.len();
        self.finish_fetch(&mut report.new)?;
        crate::poll::loops_returned(&self.home, &report.loops_back)?;
        Ok(report)
    }

    /// After fetching: number what arrived, prune prekeys past their deadline and save the
    /// keyring if anything changed (which also refreshes what unattended polls use). `new`
    /// holds the ids this fetch stored; they become the permanent ones. The caller holds the
    /// home's lock.
    pub(crate) fn finish_fetch(&mut self, new: &mut Vec<i64>) -> Result<()> {
        self.settle_arrivals(new)?;
        // (A `fetch` said what expired already; for `poll` it happens quietly.)
        self.expire_large(&mut Vec::new())?;
        // Read/unread and deletions sync with the live Maildir on every fetch and poll.
        self.sync_live_maildir();
        self.keys.prune_prekeys();
        self.keys.commit()
    }

    /// Numbers the mail stored since the last time (this fetch's and any a crash left
    /// staged) in the order it was written: ids within one fetch follow `sent_at` however
    /// its batches fell. Staged ids in `new` become the permanent ones (in id order); one
    /// that is gone (expired meanwhile) leaves the list. The caller holds the home's lock,
    /// so no other process numbers them meanwhile.
    pub(crate) fn settle_arrivals(&mut self, new: &mut Vec<i64>) -> Result<()> {
        let moved: std::collections::HashMap<i64, i64> =
            self.store()?.settle_arrivals()?.into_iter().collect();
        new.retain_mut(|id| match moved.get(id) {
            Some(to) => {
                *id = *to;
                true
            }
            None => *id > 0,
        });
        new.sort_unstable();
        Ok(())
    }

    /// The days to present capabilities for on `route`.
    fn days_for(&mut self, route: &hushpost_core::Route) -> Result<Vec<Day>> {
        let today = Day::of(self.now());
        let last = self.inbox.mailbox.last_fetch(route)?.map(Day);
        Ok(days_to_poll(today, last, RETENTION_DAYS))
    }

    /// How many capabilities a fetch of `route` presents (for padding cover fetches).
    pub(crate) fn capability_count(&mut self, route: &hushpost_core::Route) -> Result<usize> {
        let days = self.days_for(route)?;
        Ok(self.keys.capabilities(&days).0.len())
    }

    /// Fetches one route through an open transport: our capabilities for the days to poll.
    /// Stores, then deletes; our own chaff (a loop blob of a poll still out) is only noted.
    /// A second (and third) pass takes what the first had to leave on the drop because its
    /// head came later than the bound on early fragments allows.
    pub(crate) fn fetch_route(
        &mut self,
        route: &hushpost_core::Route,
        transport: &mut Transport,
        (prog, progress): (&mut FetchProgress, &mut dyn FnMut(FetchProgress)),
        spooled: &mut Vec<spool::Spooled>,
    ) -> Result<FetchReport> {
        let label = route.label();
        let today = Day::of(self.now());
        let days = self.days_for(route)?;
        let (caps, owners) = self.keys.capabilities(&days);
        let mut run = Run::new(label.clone());
        run.own_chaff = crate::poll::loop_hashes(&self.home)?;
        self.delete_pending(route, transport, &caps);
        let mut first: Vec<Fetched> = Vec::new();
        Self::take_spooled(spooled, &caps, &mut first);
        let mut fetched = Ok(());
        for _pass in 0..PASSES {
            run.left = 0;
            let (r, failure) = self.one_pass(
                &mut run,
                transport,
                (&caps, &owners),
                std::mem::take(&mut first),
                (&mut *prog, &mut *progress),
            );
            fetched = r;
            // Whatever was stored durably (or refused) is deleted from the drop (or the
            // spool), even if the fetch stopped early.
            let (from_spool, deleted): (Vec<_>, Vec<_>) = std::mem::take(&mut run.delete)
                .into_iter()
                .partition(|(_, id)| id.starts_with(spool::SPOOL_ID));
            for (_, id) in &from_spool {
                let _ = hushpost_durable::remove_durable(std::path::Path::new(
                    &id[spool::SPOOL_ID.len()..],
                ));
            }
            if !deleted.is_empty() {
                // Noted before the delete, so a failed one (the drop went down) is made by
                // the next fetch before it reads: the same blobs are not downloaded again.
                let pending: Vec<(String, String)> = deleted
                    .iter()
                    .filter_map(|(c, id)| Some((caps.get(*c)?.hex(), id.clone())))
                    .collect();
                self.inbox.mailbox.set_pending_deletes(route, &pending)?;
                if let Err(e) = transport.delete(&caps, &deleted) {
                    run.report.route_errors.push((
                        label.clone(),
                        format!("could not delete fetched blobs: {e}"),
                    ));
                    break;
                }
                self.inbox.mailbox.set_pending_deletes(route, &[])?;
            }
            if let Some(e) = failure {
                return Err(e);
            }
            if fetched.is_err() || run.left == 0 || deleted.is_empty() {
                break;
            }
        }
        run.report.incomplete = run.partial.len();
        match fetched {
            Ok(()) => self
                .inbox
                .mailbox
                .set_last_fetch(route, today.0.saturating_sub(1))?,
            Err(e) => run.report.route_errors.push((label, e.to_string())),
        }
        Ok(run.report)
    }

    /// Makes the deletes an earlier fetch of `route` could not (best effort: what stays is
    /// fetched again and recognised as a duplicate). Capabilities of days no longer
    /// presented are left to the drop's retention.
    fn delete_pending(
        &mut self,
        route: &hushpost_core::Route,
        transport: &mut Transport,
        caps: &[hushpost_core::FetchCap],
    ) {
        let Ok(pending) = self.inbox.mailbox.pending_deletes(route) else {
            return;
        };
        if pending.is_empty() {
            return;
        }
        let items: Vec<(usize, String)> = pending
            .iter()
            .filter_map(|(c, id)| Some((caps.iter().position(|k| k.hex() == *c)?, id.clone())))
            .collect();
        if transport.delete(caps, &items).is_ok() {
            let _ = self.inbox.mailbox.set_pending_deletes(route, &[]);
        }
    }

    /// One pass over the drop: blobs are processed in batches bounded by count and bytes.
    fn one_pass(
        &mut self,
        run: &mut Run,
        transport: &mut Transport,
        (caps, owners): (&[hushpost_core::FetchCap], &[crate::keys::Owner]),
        first: Vec<Fetched>,
        (prog, progress): (&mut FetchProgress, &mut dyn FnMut(FetchProgress)),
    ) -> (hushpost_transports::Result<()>, Option<crate::Error>) {
        // Blobs spooled by a poll go first, in the first pass.
        let mut batch: Vec<Fetched> = first;
        let mut bytes = 0usize;
        let mut failure = None;
        // The drop is read on a thread of its own while what was read is opened and stored,
        // so the two overlap; the channel bounds how far reading runs ahead (memory).
        let (tx, rx) = std::sync::mpsc::sync_channel::<Fetched>(READ_AHEAD);
        let fetched = std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                transport.fetch(caps, &mut |f| match tx.send(f) {
                    Ok(()) => Flow::Continue,
                    Err(_) => Flow::Stop,
                })
            });
            for f in &rx {
                prog.blobs += 1;
                prog.bytes += f.blob.len() as u64;
                bytes += f.blob.len();
                batch.push(f);
                if batch.len() >= BATCH || bytes >= BATCH_BYTES {
                    bytes = 0;
                    if let Err(e) = self.process(run, std::mem::take(&mut batch), owners) {
                        failure = Some(e);
                        break;
                    }
                    (prog.pieces, prog.pieces_total) = Session::run_pieces(run);
                }
                progress(*prog);
            }
            // The reader stops at its next blob once nobody takes them.
            drop(rx);
            reader
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        });
        if failure.is_none() && !batch.is_empty() {
            if let Err(e) = self.process(run, std::mem::take(&mut batch), owners) {
                failure = Some(e);
            }
            (prog.pieces, prog.pieces_total) = Session::run_pieces(run);
            progress(*prog);
        }
        (fetched, failure)
    }
}
