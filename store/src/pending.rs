//! Fragments of large messages that are not complete yet, kept across fetches (and
//! restarts) until the last part arrives.
//!
//! Must not judge fragments: which part and MAC are genuine is the reassembler's call, so
//! every distinct `(part, mac)` is kept.

use rusqlite::params;

use crate::{MessageKey, Store, StoreError, to_sql_u64};

impl Store {
    /// Stores one part (`-1` = the head carrying the manifest) of message
    /// `(sender, msg_id)`. Storing the same `(part, mac)` again changes nothing.
    pub fn add_pending(
        &mut self,
        sender: &[u8; 32],
        msg_id: &[u8; 16],
        part: i64,
        mac: &[u8; 32],
        data: &[u8],
        now: u64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO pending (sender, msg_id, part, mac, data, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                &sender[..],
                &msg_id[..],
                part,
                &mac[..],
                data,
                to_sql_u64(now)
            ])?;
        Ok(())
    }

    /// Every stored part of `(sender, msg_id)` as `(part, data)`, ordered by part. The parts
    /// stay stored until [`Store::drop_pending`].
    pub fn take_pending(
        &mut self,
        sender: &[u8; 32],
        msg_id: &[u8; 16],
    ) -> Result<Vec<(i64, Vec<u8>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT part, data FROM pending WHERE sender = ?1 AND msg_id = ?2
             ORDER BY part, mac",
        )?;
        let rows = stmt.query_map(params![&sender[..], &msg_id[..]], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets every part of `(sender, msg_id)` (after reassembly, or to give up on it).
    pub fn drop_pending(&mut self, sender: &[u8; 32], msg_id: &[u8; 16]) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM pending WHERE sender = ?1 AND msg_id = ?2")?
            .execute(params![&sender[..], &msg_id[..]])?;
        Ok(())
    }

    /// The messages that have parts waiting.
    pub fn pending_ids(&self) -> Result<Vec<MessageKey>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT sender, msg_id FROM pending ORDER BY sender, msg_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
