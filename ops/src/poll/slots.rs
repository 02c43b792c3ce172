//! The send slots of one destination in one tick: on a cover route exactly `send_small`
//! small and `send_large` large blobs, queued mail first and chaff for the rest; elsewhere
//! whatever is due (queued, or kept for a retry whose backoff has passed). A recipient's
//! full mailbox holds back only the blobs under that tag (flow control for large messages):
//! other mail takes the remaining slots.

use super::Tick;
use super::state::LoopInFlight;
use crate::outbox::Queued;
use hushpost_core::envelope::{Bucket, LARGE, SMALL};
use hushpost_core::{Route, Tag};
use hushpost_transports::{DeadDrop, PutOptions, Transport, TransportError};
use std::collections::HashSet;

pub(super) fn send(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    cover: bool,
) -> Result<(), String> {
    let queue = tick.outbox.queued(dest).map_err(|e| e.to_string())?;
    if !cover {
        let now = tick.now;
        let due: Vec<Queued> = queue.into_iter().filter(|q| q.next_at <= now).collect();
        let label = dest.label();
        let mut sizes = Vec::new();
        let window = crate::outbox::window_for(dest);
        let done = crate::outbox::flush(&tick.outbox, t, &due, now, window, |n| sizes.push(n));
        for n in sizes {
            tick.record(&label, "put", n);
        }
        tick.report.sent += done.sent.len();
        return done.error.map_or(Ok(()), Err);
    }
    // The slots of this tick are fixed by the cover settings. A recipient's full mailbox
    // (a relay's quota) uses up the slot it was refused in, like any put, and only holds
    // back the blobs under that tag: the next slots take other mail.
    let slots = std::iter::repeat_n(SMALL, tick.config.cover.send_small)
        .chain(std::iter::repeat_n(LARGE, tick.config.cover.send_large));
    let mut used: HashSet<&std::path::Path> = HashSet::new();
    let mut full: HashSet<Tag> = HashSet::new();
    for size in slots {
        let real = queue
            .iter()
            .find(|q| q.size == size && !used.contains(q.path.as_path()) && !full.contains(&q.tag));
        match real {
            Some(q) => {
                used.insert(&q.path);
                if put_queued(tick, t, dest, q)? {
                    full.insert(q.tag);
                }
            }
            None => put_chaff(tick, t, dest, size)?,
        }
    }
    Ok(())
}

/// Puts one queued blob; `Ok(true)` when the recipient's mailbox is full ("not now").
fn put_queued(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    q: &Queued,
) -> Result<bool, String> {
    let blob = tick.outbox.blob(q).map_err(|e| e.to_string())?;
    tick.record(&dest.label(), "put", blob.len());
    match t.put(&q.tag, &blob, PutOptions { intro: q.intro }) {
        Ok(()) => {}
        Err(e @ TransportError::QuotaFull(_)) => {
            let _ = tick.outbox.note_not_now(q, &e.to_string(), tick.now);
            return Ok(true);
        }
        Err(e) => {
            let _ = tick.outbox.note_failure(q, &e.to_string(), tick.now);
            return Err(e.to_string());
        }
    }
    tick.outbox.remove(q).map_err(|e| e.to_string())?;
    tick.report.sent += 1;
    Ok(false)
}

fn put_chaff(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    size: usize,
) -> Result<(), String> {
    let Some(tag) = tick.loop_tag else {
        return Err("no loop tag for today: unlock once so poll can precompute it".into());
    };
    let bucket = if size == SMALL {
        Bucket::Small
    } else {
        Bucket::Large
    };
    let blob = super::chaff(bucket, &mut *tick.rng);
    tick.record(&dest.label(), "put", blob.len());
    t.put(&tag, &blob, PutOptions::default())
        .map_err(|e| e.to_string())?;
    tick.state.loops.push(LoopInFlight {
        route: dest.to_string(),
        hash: hex::encode(hushpost_core::pow::blob_hash(&blob)),
        tick: tick.state.tick,
    });
    tick.report.chaff += 1;
    Ok(())
}
