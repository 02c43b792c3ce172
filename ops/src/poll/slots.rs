//! The send slots of one destination in one tick.
//!
//! On a cover route every *lane* gets exactly `send_small` small and `send_large` large
//! slots per tick, in an order drawn from the RNG: a lane is a contact whose mail goes this
//! way (their first route, or one their queued mail fell back to) or, on our own routes,
//! our loop. A contact's slot carries that contact's next queued blob of its size, else
//! chaff sealed to them under the same tag (they open it and throw it away); a loop slot
//! carries chaff to a throw-away key under one of today's capabilities of ours, fetched
//! back by our own next ticks. So what each tag receives, and when, depends on the
//! schedule alone — not on what is queued. Contacts' lanes need their keys: a locked poll
//! leaves them (and their queued mail) for the next unlocked one.
//!
//! Elsewhere (and for contact requests and retries, which are not cover traffic): whatever
//! is due goes at once.

use super::Tick;
use super::state::LoopInFlight;
use crate::outbox::Queued;
use crate::send::chaff::outgoing_tags;
use crate::session::Session;
use hushpost_core::envelope::{Bucket, LARGE, SMALL};
use hushpost_core::time::Day;
use hushpost_core::{Route, Tag};
use hushpost_transports::{DeadDrop, PutOptions, Transport, TransportError};
use rand::seq::SliceRandom;
use std::collections::HashSet;

/// How far back queued mail's tags are matched to their contact.
const QUEUED_DAYS: u64 = 35;

/// Who a slot is for.
#[derive(Debug, Clone)]
enum Lane {
    /// Our loop.
    Loop,
    /// Contact `index`, whose queued blobs carry one of `tags`.
    Contact { index: usize, tags: HashSet<Tag> },
}

pub(super) fn send(
    tick: &mut Tick<'_>,
    session: Option<&mut Session>,
    t: &mut Transport,
    dest: &Route,
    cover: bool,
) -> Result<(), String> {
    let queue = tick.outbox.queued(dest).map_err(|e| e.to_string())?;
    // Not cover traffic: contact requests, retries of immediate sends, routes without cover.
    let (slotted, plain): (Vec<Queued>, Vec<Queued>) = queue
        .into_iter()
        .partition(|q| cover && q.cover && !q.intro);
    let plain_result = flush_due(tick, t, dest, plain);
    if !cover {
        return plain_result;
    }
    let mut lanes = Vec::new();
    if tick.keys.routes.contains(dest) {
        lanes.push(Lane::Loop);
    }
    match &session {
        Some(s) => lanes.extend(contact_lanes(s, dest, &slotted, tick.today())),
        None => tick.report.waiting_unlock += slotted.len(),
    }
    let mut slots: Vec<(usize, usize)> = Vec::new();
    for i in 0..lanes.len() {
        slots.extend(std::iter::repeat_n(
            (i, SMALL),
            tick.config.cover.send_small,
        ));
        slots.extend(std::iter::repeat_n(
            (i, LARGE),
            tick.config.cover.send_large,
        ));
    }
    slots.shuffle(&mut *tick.rng);
    let mut taken: HashSet<std::path::PathBuf> = HashSet::new();
    let mut session = session;
    for (lane, size) in slots {
        match &lanes[lane] {
            Lane::Loop => put_loop_chaff(tick, t, dest, size)?,
            Lane::Contact { index, tags } => {
                let real = slotted
                    .iter()
                    .find(|q| q.size == size && tags.contains(&q.tag) && !taken.contains(&q.path));
                match (real, session.as_deref_mut()) {
                    (Some(q), _) => {
                        taken.insert(q.path.clone());
                        put_queued(tick, t, dest, q)?;
                    }
                    (None, Some(s)) => put_contact_chaff(tick, s, t, dest, *index, size)?,
                    (None, None) => {}
                }
            }
        }
    }
    plain_result
}

/// The contacts with a lane on `dest`: those whose first route it is, and those with mail
/// queued here (it fell back to this route).
fn contact_lanes(s: &Session, dest: &Route, queued: &[Queued], today: Day) -> Vec<Lane> {
    let queued_tags: HashSet<&Tag> = queued.iter().map(|q| &q.tag).collect();
    let days = || (today.0.saturating_sub(QUEUED_DAYS)..=today.0 + 1).map(Day);
    let mut lanes = Vec::new();
    for (index, c) in s.keys.contact_states().iter().enumerate() {
        let Some(tags) = outgoing_tags(s, index, days()) else {
            continue;
        };
        let first = s.keys.routes_of(c).first() == Some(dest);
        if first || tags.iter().any(|t| queued_tags.contains(t)) {
            lanes.push(Lane::Contact {
                index,
                tags: tags.into_iter().collect(),
            });
        }
    }
    lanes
}

/// Puts what is due now (first attempts and retries whose backoff has passed).
fn flush_due(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    queue: Vec<Queued>,
) -> Result<(), String> {
    let now = tick.now;
    let due: Vec<Queued> = queue.into_iter().filter(|q| q.next_at <= now).collect();
    if due.is_empty() {
        return Ok(());
    }
    let label = dest.label();
    let mut sizes = Vec::new();
    let window = crate::outbox::window_for(dest);
    let done = crate::outbox::flush(
        &tick.outbox,
        t,
        &due,
        now,
        (window, &mut crate::outbox::WindowUsed::new()),
        |n| sizes.push(n),
    );
    for n in sizes {
        tick.record(&label, "put", n);
    }
    tick.report.sent += done.sent.len();
    done.error.map_or(Ok(()), Err)
}

fn put_queued(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    q: &Queued,
) -> Result<(), String> {
    let blob = tick.outbox.blob(q).map_err(|e| e.to_string())?;
    tick.record(&dest.label(), "put", blob.len());
    match t.put(&q.tag, &blob, PutOptions { intro: q.intro }) {
        Ok(()) => {}
        // The recipient's mailbox is full (a relay's quota): "not now", not a failure of
        // the route; the slot is used like any put and the blob waits for them to fetch.
        Err(e @ TransportError::QuotaFull(_)) => {
            let _ = tick.outbox.note_not_now(q, &e.to_string(), tick.now);
            return Ok(());
        }
        Err(e) => {
            let _ = tick.outbox.note_failure(q, &e.to_string(), tick.now);
            return Err(e.to_string());
        }
    }
    tick.outbox.remove(q).map_err(|e| e.to_string())?;
    tick.report.sent += 1;
    Ok(())
}

fn put_contact_chaff(
    tick: &mut Tick<'_>,
    s: &mut Session,
    t: &mut Transport,
    dest: &Route,
    index: usize,
    size: usize,
) -> Result<(), String> {
    let bucket = if size == SMALL {
        Bucket::Small
    } else {
        Bucket::Large
    };
    let (tag, blob) = s
        .seal_chaff(index, bucket, &mut *tick.rng)
        .map_err(|e| e.to_string())?;
    tick.record(&dest.label(), "put", blob.len());
    t.put(&tag, &blob, PutOptions::default())
        .map_err(|e| e.to_string())?;
    tick.report.chaff += 1;
    Ok(())
}

fn put_loop_chaff(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    size: usize,
) -> Result<(), String> {
    // Any of today's capabilities of ours, decoys included: every capability a fetch
    // presents receives puts, so none stands out as the one that never does.
    let today = tick.keys.day(tick.today());
    let Some(cap) = today.choose(&mut *tick.rng) else {
        return Err("no capabilities for today: unlock once so poll can precompute them".into());
    };
    let tag = cap.tag();
    let bucket = if size == SMALL {
        Bucket::Small
    } else {
        Bucket::Large
    };
    let blob = super::chaff(bucket, &mut *tick.rng);
    // Written ahead: a poll killed after the put must still know the blob as its own when
    // it comes back (it may sit under a contact's capability, where it would not open).
    let hash = hex::encode(hushpost_core::pow::blob_hash(&blob));
    tick.state.loops.push(LoopInFlight {
        route: dest.to_string(),
        hash: hash.clone(),
        tick: tick.state.tick,
        passes: 0,
        confirmed: false,
    });
    let sp = super::state_path(tick.home);
    super::state::save(&sp, &tick.state).map_err(|e| format!("{}: {e}", sp.display()))?;
    tick.record(&dest.label(), "put", blob.len());
    let put = t.put(&tag, &blob, PutOptions::default());
    let mine = tick.state.loops.iter_mut().rev().find(|l| l.hash == hash);
    match (put, mine) {
        (Ok(()), Some(l)) => l.confirmed = true,
        (Ok(()), None) => {}
        (Err(e), _) => {
            tick.state.loops.retain(|l| l.hash != hash);
            return Err(e.to_string());
        }
    }
    tick.report.chaff += 1;
    Ok(())
}
