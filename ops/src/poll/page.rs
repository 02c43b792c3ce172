//! The fetch of one of our own cover routes, the same every tick: one page of
//! `fetch_slots` slots over the capabilities of yesterday, today and tomorrow (each day's
//! padded with that day's decoys to a fixed count, the whole list shuffled), then one
//! delete of exactly `delete_slots` items (padded). A relay answers every page with the
//! same number of bytes and every delete with the same empty answer, so a tick that fetched
//! mail, deleted mail or found nothing looks alike on the wire; whatever did not fit waits
//! for the next tick (where the page left off, and what is still to delete, is kept in
//! `poll-state.json`).
//!
//! What arrives is sorted without any key: a blob whose hash is one of our loop blobs in
//! flight is our own chaff (deleted); everything else goes to the spool, still sealed, and
//! is deleted from the drop once the spool has it durably. An unlocked poll opens the spool
//! right after; a locked one leaves it for the next unlock. Both present the same list.

use super::Tick;
use crate::error::Result;
use crate::fetch::FetchReport;
use hushpost_core::time::Day;
use hushpost_core::{FetchCap, Route};
use hushpost_transports::{DeadDrop, Fetched, Flow, Transport};
use rand::seq::SliceRandom;

/// What one cover fetch did.
pub(super) struct Fetched1 {
    pub(super) report: FetchReport,
    pub(super) spooled: usize,
    /// The whole mailbox was seen (nothing left for a later page).
    pub(super) complete: bool,
}

impl Fetched1 {
    /// What a fetch of the route `label` came to once `sorter` has seen all it handed
    /// over: a blob the spool could not take fails the tick; the transport's own error `r`
    /// is reported against the route.
    pub(super) fn finish(
        mut report: FetchReport,
        sorter: super::spool::Sorter,
        label: String,
        r: hushpost_transports::Result<()>,
        complete: bool,
    ) -> Result<Fetched1> {
        report.loops_back = sorter.loops_back;
        if let Some(e) = sorter.failure {
            return Err(e);
        }
        if let Err(e) = r {
            report.route_errors.push((label, e.to_string()));
        }
        Ok(Fetched1 {
            report,
            spooled: sorter.spooled,
            complete,
        })
    }
}

/// Yesterday's, today's and tomorrow's capabilities, shuffled.
fn cover_caps(tick: &mut Tick<'_>) -> Vec<FetchCap> {
    let today = tick.today();
    let mut caps: Vec<FetchCap> = (today.0.saturating_sub(1)..=today.0 + 1)
        .flat_map(|d| tick.keys.day(Day(d)))
        .collect();
    caps.shuffle(&mut *tick.rng);
    caps
}

pub(super) fn fetch(tick: &mut Tick<'_>, t: &mut Transport, dest: &Route) -> Result<Fetched1> {
    let label = dest.label();
    let caps = cover_caps(tick);
    let key = dest.to_string();
    let mut rp = tick.state.pages.remove(&key).unwrap_or_default();
    let mut sorter = super::spool::Sorter::new(tick);
    let mut report = FetchReport::default();
    // What to delete: first what an earlier tick could not, then this page's.
    let mut done: Vec<(FetchCap, String)> = rp
        .pending
        .iter()
        .filter_map(|(c, id)| Some((FetchCap::from_hex(c)?, id.clone())))
        .collect();
    let earlier = done.len();
    tick.record_fetch(&label, "fetch", 32 * caps.len(), &caps);
    let slots = tick.config.cover.fetch_slots;
    let r = t.fetch_page(&caps, slots, &mut rp.page, &mut |f: Fetched| {
        if !sorter.take(&caps[f.cap], &f) {
            return Flow::Stop;
        }
        done.push((caps[f.cap].clone(), f.id));
        Flow::Continue
    });
    let del_caps: Vec<FetchCap> = done.iter().map(|(c, _)| c.clone()).collect();
    let items: Vec<(usize, String)> = done
        .iter()
        .enumerate()
        .map(|(i, (_, id))| (i, id.clone()))
        .collect();
    let delete_slots = tick.config.cover.delete_slots;
    tick.record(&label, "delete", 32 * delete_slots);
    let handled = match t.delete_padded(&del_caps, &items, delete_slots) {
        Ok(n) => n,
        Err(e) => {
            // The fixed-shape delete goes out even when the fetch failed; with nothing to
            // delete, its failure is the fetch's (already said), not a second problem.
            if !items.is_empty() || r.is_ok() {
                report.route_errors.push((
                    label.clone(),
                    format!("could not delete fetched blobs: {e}"),
                ));
            }
            0
        }
    };
    // Deleting blobs of this page under the tag the next page starts at moves that start.
    if let Some(resume) = rp.page.resume.as_mut() {
        let gone = done[earlier.min(handled)..handled]
            .iter()
            .filter(|(c, _)| *c == resume.cap)
            .count();
        resume.blob = resume.blob.saturating_sub(gone as u32);
    }
    rp.pending = done[handled..]
        .iter()
        .map(|(c, id)| (c.hex(), id.clone()))
        .collect();
    let complete = r.is_ok() && rp.page.resume.is_none() && rp.page.after.is_none();
    tick.state.pages.insert(key, rp);
    Fetched1::finish(report, sorter, label, r, complete)
}
