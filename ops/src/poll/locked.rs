//! Fetching one of our routes without cover traffic, locked: present every capability
//! precomputed at unlock for yesterday, today and tomorrow, spool what arrives (still
//! sealed) for the next unlock, recognise our own chaff coming back, and delete only what
//! is durable.

use super::Tick;
use super::page::Fetched1;
use crate::error::Result;
use crate::fetch::FetchReport;
use hushpost_core::time::Day;
use hushpost_core::{FetchCap, Route};
use hushpost_transports::{DeadDrop, Fetched, Flow, Transport};

pub(super) fn fetch(tick: &mut Tick<'_>, t: &mut Transport, dest: &Route) -> Result<Fetched1> {
    let label = dest.label();
    let today = tick.today();
    let caps: Vec<FetchCap> = (today.0.saturating_sub(1)..=today.0 + 1)
        .flat_map(|d| tick.keys.day(Day(d)))
        .collect();
    tick.record(&label, "fetch", 32 * caps.len());
    let mut sorter = super::spool::Sorter::new(tick);
    let mut report = FetchReport::default();
    let mut done: Vec<(usize, String)> = Vec::new();
    let r = t.fetch(&caps, &mut |f: Fetched| {
        if !sorter.take(&caps[f.cap], &f) {
            return Flow::Stop;
        }
        done.push((f.cap, f.id));
        Flow::Continue
    });
    // Delete only what is durable in the spool (or was our own chaff).
    if !done.is_empty()
        && let Err(e) = t.delete(&caps, &done)
    {
        report.route_errors.push((
            label.clone(),
            format!("could not delete fetched blobs: {e}"),
        ));
    }
    let complete = r.is_ok();
    Fetched1::finish(report, sorter, label, r, complete)
}
