//! The durable replay window: which `(sender, msg_id)` pairs were accepted in the last
//! 35 days, as single look-ups or as an in-memory snapshot for checking a whole fetch in
//! parallel.
//!
//! Must not forget an entry while its message could still pass the `sent_at` window check.

use std::collections::HashSet;

use hushpost_core::replay::{SeenSet, WINDOW_SECS};
use rusqlite::params;

use crate::{MessageKey, Store, StoreError, to_sql_u64};

/// A point-in-time copy of the replay window (plain `HashSet`, so it is `Send + Sync` and
/// can be shared by the threads that open a fetch's blobs). Messages stored after it was
/// taken are not in it; [`Store::insert_batch`] still refuses them.
#[derive(Debug, Clone, Default)]
pub struct SeenSnapshot {
    set: HashSet<MessageKey>,
}

impl SeenSnapshot {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

impl SeenSet for SeenSnapshot {
    fn contains(&self, sender: &[u8; 32], msg_id: &[u8; 16]) -> bool {
        self.set.contains(&(*sender, *msg_id))
    }
}

impl Store {
    /// Whether `(sender, msg_id)` was accepted before: in the replay window or still stored.
    pub fn is_seen(&self, sender: &[u8; 32], msg_id: &[u8; 16]) -> Result<bool, StoreError> {
        let in_window = self
            .conn
            .prepare_cached("SELECT 1 FROM seen WHERE sender = ?1 AND msg_id = ?2")?
            .exists(params![&sender[..], &msg_id[..]])?;
        if in_window {
            return Ok(true);
        }
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM messages WHERE sender = ?1 AND msg_id = ?2")?
            .exists(params![&sender[..], &msg_id[..]])?)
    }

    /// The whole replay window in memory.
    pub fn seen_snapshot(&self) -> Result<SeenSnapshot, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT sender, msg_id FROM seen")?;
        let set = stmt
            .query_map([], |r| {
                Ok((r.get::<_, [u8; 32]>(0)?, r.get::<_, [u8; 16]>(1)?))
            })?
            .collect::<Result<HashSet<_>, _>>()?;
        Ok(SeenSnapshot { set })
    }

    /// Forgets replay entries older than [`WINDOW_SECS`] at `now`; returns how many.
    ///
    /// Entries are dated `max(sent_at, received_at)` at insert, so once one is pruned its
    /// message has `sent_at + WINDOW_SECS < now` and `replay::check_time` rejects it as too
    /// old — a sender clock running ahead cannot reopen a gap.
    pub fn prune_seen(&mut self, now: u64) -> Result<usize, StoreError> {
        let cutoff = to_sql_u64(now.saturating_sub(WINDOW_SECS));
        Ok(self
            .conn
            .prepare_cached("DELETE FROM seen WHERE at < ?1")?
            .execute([cutoff])?)
    }
}
