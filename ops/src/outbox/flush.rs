//! Putting queued blobs on their drop: each is removed from the outbox only once the drop
//! acknowledged it. A failure of the route (unreachable, refused…) is noted on that entry
//! (with backoff) and stops the run, so later blobs keep their order. A full mailbox (a
//! relay's per-tag quota) is not a failure: that tag's blobs wait ("not now", no attempt
//! counted) and the others go on; and on a drop with a quota, at most a window of large
//! blobs goes under one tag per run, so small mail to the same contact finds room.

use super::{Outbox, Queued};
use hushpost_core::Tag;
use hushpost_transports::{DeadDrop, PutOptions, Transport, TransportError};
use std::collections::{HashMap, HashSet};

/// What a flush did.
#[derive(Debug, Default)]
pub(crate) struct Flushed {
    /// Entries now on the drop, per delivery group (`None`: entries without a group).
    pub(crate) sent: Vec<Option<[u8; 16]>>,
    /// The failure that stopped it.
    pub(crate) error: Option<String>,
    /// Entries that wait for the recipient to make room (full mailbox, or the window).
    pub(crate) waiting: usize,
    /// Why they wait (the drop's words for a full mailbox).
    pub(crate) full: Option<String>,
}

/// Large blobs put under each tag so far in this run (the window is per tag and run, over
/// every delivery the run hands on: two large messages to one contact share it).
pub(crate) type WindowUsed = HashMap<Tag, usize>;

/// Puts `entries` (one destination's, already chosen) through `t`, in order; `window` is
/// the per-tag limit on large blobs for a drop with quotas, `large` what this run has put
/// against it already.
pub(crate) fn flush(
    outbox: &Outbox,
    t: &mut Transport,
    entries: &[Queued],
    now: u64,
    (window, large): (Option<usize>, &mut WindowUsed),
    mut record: impl FnMut(usize),
) -> Flushed {
    let mut out = Flushed::default();
    let mut full: HashSet<Tag> = HashSet::new();
    for q in entries {
        if full.contains(&q.tag) {
            out.waiting += 1;
            continue;
        }
        let is_large = q.size == hushpost_core::envelope::LARGE;
        if is_large && window.is_some_and(|w| large.get(&q.tag).copied().unwrap_or(0) >= w) {
            out.waiting += 1;
            continue;
        }
        let blob = match outbox.blob(q) {
            Ok(b) => b,
            Err(e) => {
                let e = format!("cannot read the outbox: {e}");
                let _ = outbox.note_failure(q, &e, now);
                out.error = Some(e);
                break;
            }
        };
        record(blob.len());
        match t.put(&q.tag, &blob, PutOptions { intro: q.intro }) {
            Ok(()) => {}
            Err(e @ TransportError::QuotaFull(_)) => {
                let e = e.to_string();
                let _ = outbox.note_not_now(q, &e, now);
                full.insert(q.tag);
                out.waiting += 1;
                out.full = Some(e);
                continue;
            }
            Err(e) => {
                let e = e.to_string();
                let _ = outbox.note_failure(q, &e, now);
                out.error = Some(e);
                break;
            }
        }
        if is_large {
            *large.entry(q.tag).or_default() += 1;
        }
        if let Err(e) = outbox.remove(q) {
            let e = format!("sent, but the outbox entry stayed: {e}");
            let _ = outbox.note_failure(q, &e, now);
            out.error = Some(e);
            break;
        }
        out.sent.push(q.group);
    }
    out
}
