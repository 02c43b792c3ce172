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

/// Something wrong with a contact's send chain (each message names the hash of the one
/// its sender sent us before).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainAlert {
    /// The sender's Ed25519 key.
    #[serde(skip)]
    pub sender: [u8; 32],
    /// How many messages name a predecessor we never received (0 for a fork alone).
    pub missing: u64,
    /// Two different messages name the same predecessor: a second device or a stolen key
    /// is sending as this contact.
    pub fork: bool,
}

impl Store {
    /// Records a message that is not stored (a key update, chaff to a real contact, an
    /// intro) in the replay window, so a replay of it is refused like any other.
    pub fn mark_seen(
        &mut self,
        sender: &[u8; 32],
        msg_id: &[u8; 16],
        at: u64,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "INSERT INTO seen (sender, msg_id, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (sender, msg_id) DO NOTHING",
            )?
            .execute(params![&sender[..], &msg_id[..], to_sql_u64(at)])?
            == 1)
    }

    /// Gaps and forks in the send chains of the replay window. A message whose predecessor
    /// has not arrived counts as missing once it has been here `grace` seconds (mail may
    /// arrive out of order); the oldest message of a sender in the window is not judged (its
    /// predecessor may be older than the window): a message is judged only when the sender
    /// has another one here from no later than it.
    pub fn chain_alerts(&self, now: u64, grace: u64) -> Result<Vec<ChainAlert>, StoreError> {
        let cutoff = to_sql_u64(now.saturating_sub(grace));
        let mut missing = self.conn.prepare_cached(
            "SELECT s.sender, count(*) FROM seen s
             WHERE s.prev_hash IS NOT NULL AND s.at <= ?1
               AND NOT EXISTS (SELECT 1 FROM seen t WHERE t.sender = s.sender AND t.chain = s.prev_hash)
               AND EXISTS (SELECT 1 FROM seen u WHERE u.sender = s.sender AND u.chain IS NOT NULL
                           AND u.at <= s.at AND u.msg_id <> s.msg_id)
             GROUP BY s.sender",
        )?;
        let mut out: Vec<ChainAlert> = missing
            .query_map([cutoff], |r| {
                Ok(ChainAlert {
                    sender: r.get(0)?,
                    missing: r.get::<_, i64>(1)? as u64,
                    fork: false,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut forks = self.conn.prepare_cached(
            "SELECT DISTINCT sender FROM seen WHERE prev_hash IS NOT NULL
             GROUP BY sender, prev_hash HAVING count(*) > 1",
        )?;
        for sender in forks.query_map([], |r| r.get::<_, [u8; 32]>(0))? {
            let sender = sender?;
            match out.iter_mut().find(|a| a.sender == sender) {
                Some(a) => a.fork = true,
                None => out.push(ChainAlert {
                    sender,
                    missing: 0,
                    fork: true,
                }),
            }
        }
        Ok(out)
    }
}
