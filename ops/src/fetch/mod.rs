//! Fetching: for each of our routes, present the capabilities of every contact's current
//! tags (yesterday, today, tomorrow and any missed day within retention), open what comes
//! back in parallel, store it durably, and only then delete it from the drop.
//!
//! A blob that fails any step of the receive procedure is reported (without tag or file
//! name) and deleted; pieces of a large message that is not complete yet stay in the drop
//! until a later fetch finds them all.

mod accept;
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
/// Blobs per processing batch (bounds memory: ≤ 256 × 256 KiB).
const BATCH: usize = 256;

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
    }
}

/// Progress of a fetch.
#[derive(Debug, Clone, Copy)]
pub struct FetchProgress {
    /// Blobs received so far.
    pub blobs: usize,
    /// Bytes received so far.
    pub bytes: u64,
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
        let mut prog = FetchProgress { blobs: 0, bytes: 0 };
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
            .and_then(|p| p.dial_options(&self.config, self.keys.mail_password()))
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
        self.finish_fetch()?;
        crate::poll::loops_returned(&self.home, &report.loops_back)?;
        Ok(report)
    }

    /// After fetching: prune prekeys past their deadline and save the keyring if anything
    /// changed (which also refreshes what unattended polls use).
    pub(crate) fn finish_fetch(&mut self) -> Result<()> {
        // Read/unread and deletions sync with the live Maildir on every fetch and poll.
        self.sync_live_maildir();
        self.keys.prune_prekeys();
        self.keys.commit()
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
        let mut batch: Vec<Fetched> = Vec::new();
        Self::take_spooled(spooled, &caps, &mut batch);
        let mut failure = None;
        let fetched = transport.fetch(&caps, &mut |f| {
            prog.blobs += 1;
            prog.bytes += f.blob.len() as u64;
            progress(*prog);
            batch.push(f);
            if batch.len() >= BATCH
                && let Err(e) = self.process(&mut run, std::mem::take(&mut batch), &owners)
            {
                failure = Some(e);
                return Flow::Stop;
            }
            Flow::Continue
        });
        if failure.is_none()
            && !batch.is_empty()
            && let Err(e) = self.process(&mut run, std::mem::take(&mut batch), &owners)
        {
            failure = Some(e);
        }
        // Whatever was stored durably (or refused) is deleted from the drop, even if the
        // fetch stopped early.
        let (from_spool, from_drop): (Vec<_>, Vec<_>) = std::mem::take(&mut run.delete)
            .into_iter()
            .partition(|(_, id)| id.starts_with(spool::SPOOL_ID));
        for (_, id) in &from_spool {
            let _ = hushpost_durable::remove_durable(std::path::Path::new(
                &id[spool::SPOOL_ID.len()..],
            ));
        }
        if !from_drop.is_empty()
            && let Err(e) = transport.delete(&caps, &from_drop)
        {
            run.report.route_errors.push((
                label.clone(),
                format!("could not delete fetched blobs: {e}"),
            ));
        }
        run.report.incomplete = run.partial.len();
        if let Some(e) = failure {
            return Err(e);
        }
        match fetched {
            Ok(()) => self
                .inbox
                .mailbox
                .set_last_fetch(route, today.0.saturating_sub(1))?,
            Err(e) => run.report.route_errors.push((label, e.to_string())),
        }
        Ok(run.report)
    }
}
