//! Putting queued blobs on their drop: each is removed from the outbox only once the drop
//! acknowledged it; the first failure is noted on that entry (with backoff) and stops the
//! run, so later blobs keep their order.

use super::{Outbox, Queued};
use hushpost_transports::{DeadDrop, PutOptions, Transport};

/// What a flush did.
#[derive(Debug, Default)]
pub(crate) struct Flushed {
    /// Entries now on the drop, per delivery group (`None`: entries without a group).
    pub(crate) sent: Vec<Option<[u8; 16]>>,
    /// The failure that stopped it.
    pub(crate) error: Option<String>,
}

/// Puts `entries` (one destination's, already chosen) through `t`, in order.
pub(crate) fn flush(
    outbox: &Outbox,
    t: &mut Transport,
    entries: &[Queued],
    now: u64,
    mut record: impl FnMut(usize),
) -> Flushed {
    let mut out = Flushed::default();
    for q in entries {
        let result = outbox
            .blob(q)
            .map_err(|e| format!("cannot read the outbox: {e}"))
            .and_then(|blob| {
                record(blob.len());
                t.put(&q.tag, &blob, PutOptions { intro: q.intro })
                    .map_err(|e| e.to_string())
            })
            .and_then(|()| {
                outbox
                    .remove(q)
                    .map_err(|e| format!("sent, but the outbox entry stayed: {e}"))
            });
        match result {
            Ok(()) => out.sent.push(q.group),
            Err(e) => {
                let _ = outbox.note_failure(q, &e, now);
                out.error = Some(e);
                break;
            }
        }
    }
    out
}
