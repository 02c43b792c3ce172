//! Reading and changing stored messages one at a time or as lists: list, get, the unread
//! flag, delete, expiry, export order.
//!
//! Must not return a body it could not authenticate (external bodies are age files; inline
//! ones are covered by SQLCipher's page HMAC), and must not keep a deleted message's body
//! file once the deletion committed.

use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, Row, params_from_iter};
use zeroize::Zeroizing;

use crate::{ListQuery, Store, StoreError, StoredMessage, Summary, from_sql_u64, to_sql_u64};

/// The columns [`summary_from_row`] reads, in order.
pub(crate) const SUMMARY_COLS: &str = "m.id, m.sender, m.peer, m.subject, m.sent_at, \
     m.received_at, m.unread, m.thread, m.has_attachments, m.outgoing, m.expires_at, m.burn, \
     m.verified, m.size, m.message_id, coalesce(m.num, m.id)";

/// How many columns [`SUMMARY_COLS`] has.
const SUMMARY_LEN: usize = 16;

/// Builds a [`Summary`] from the first 16 columns of `row` ([`SUMMARY_COLS`]).
pub(crate) fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<Summary> {
    Ok(Summary {
        id: row.get(0)?,
        sender: row.get(1)?,
        peer: row.get(2)?,
        subject: row.get(3)?,
        date: from_sql_u64(row.get(4)?),
        received_at: from_sql_u64(row.get(5)?),
        unread: row.get(6)?,
        thread: row.get(7)?,
        has_attachments: row.get(8)?,
        outgoing: row.get(9)?,
        expires_at: from_sql_u64(row.get(10)?),
        burn: row.get(11)?,
        verified: row.get(12)?,
        size: from_sql_u64(row.get(13)?),
        message_id: row.get(14)?,
        num: row.get(15)?,
    })
}

/// The SQL and arguments for [`Store::list`]. Every combination of filters walks an index
/// in `sent_at` order and stops at the limit; none sorts (see the plan test below).
fn list_sql(q: &ListQuery) -> (String, Vec<i64>) {
    // Mail a fetch has stored but not numbered yet is not listed (its id is about to change).
    let mut conds = vec!["m.id > 0".to_owned()];
    let mut args: Vec<i64> = Vec::new();
    if q.unread_only {
        // Literal `1` so the planner can use the partial index `messages_unread`.
        conds.push("m.unread = 1".to_owned());
    }
    if let Some(out) = q.outgoing {
        args.push(i64::from(out));
        conds.push(format!("m.outgoing = ?{}", args.len()));
    }
    if let Some(thread) = q.thread {
        args.push(thread);
        conds.push(format!("m.thread = ?{}", args.len()));
    }
    let filter = format!("WHERE {}", conds.join(" AND "));
    args.push(if q.limit == 0 {
        -1
    } else {
        to_sql_u64(q.limit as u64)
    });
    let limit = args.len();
    args.push(to_sql_u64(q.offset as u64));
    let offset = args.len();
    let sql = format!(
        "SELECT {SUMMARY_COLS} FROM messages m {filter}
         ORDER BY m.sent_at DESC, m.id DESC LIMIT ?{limit} OFFSET ?{offset}"
    );
    (sql, args)
}

impl Store {
    /// Messages matching `q`, newest first (`sent_at`, then id, descending).
    pub fn list(&self, q: &ListQuery) -> Result<Vec<Summary>, StoreError> {
        let (sql, args) = list_sql(q);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), summary_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The id of received (`outgoing` false) or sent message number `num`.
    pub fn id_of(&self, outgoing: bool, num: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM messages WHERE outgoing = ?1 AND num = ?2 AND id > 0")?
            .query_row(rusqlite::params![outgoing, num], |r| r.get(0))
            .optional()?)
    }

    /// The number of message `id` among its direction's mail (see [`Store::id_of`]).
    pub fn num_of(&self, id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT num FROM messages WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, Option<i64>>(0))
            .optional()?
            .flatten())
    }

    /// One message: its summary and the raw RFC 5322 bytes (zeroized when dropped).
    pub fn get(&self, id: i64) -> Result<Option<StoredMessage>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLS}, m.body_file, b.raw
             FROM messages m LEFT JOIN bodies b ON b.id = m.id WHERE m.id = ?1"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let found = stmt
            .query_row([id], |row| {
                let summary = summary_from_row(row)?;
                let file: Option<String> = row.get(SUMMARY_LEN)?;
                // Copy straight from SQLite's buffer into a zeroizing one: no plain
                // `Vec` copy of the message is left behind in freed memory.
                let inline = match row.get_ref(SUMMARY_LEN + 1)? {
                    ValueRef::Blob(b) => Some(Zeroizing::new(b.to_vec())),
                    _ => None,
                };
                Ok((summary, file, inline))
            })
            .optional()?;
        let Some((summary, file, inline)) = found else {
            return Ok(None);
        };
        let raw = match (inline, file) {
            (Some(raw), _) => raw,
            (None, Some(name)) => self.bodies.read(&name)?,
            (None, None) => {
                return Err(StoreError::Corrupt(format!("message {id} has no body")));
            }
        };
        Ok(Some((summary, raw)))
    }

    /// Marks a message read or unread.
    pub fn set_unread(&mut self, id: i64, unread: bool) -> Result<(), StoreError> {
        let n = self
            .conn
            .prepare_cached("UPDATE messages SET unread = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![id, unread])?;
        if n == 0 {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// Marks many messages read or unread in one transaction (one fsync, not one per
    /// message); ids that no longer exist are skipped. Returns how many rows changed.
    pub fn set_unread_many(&mut self, changes: &[(i64, bool)]) -> Result<usize, StoreError> {
        if changes.is_empty() {
            return Ok(0);
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut n = 0;
        {
            let mut stmt = tx.prepare_cached("UPDATE messages SET unread = ?2 WHERE id = ?1")?;
            for (id, unread) in changes {
                n += stmt.execute(rusqlite::params![id, unread])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Deletes a message: its row, body, full-text entry and body file. Its replay-window
    /// entry stays, so the same message is never accepted again; its words stay in the
    /// encrypted full-text index (unsearchable) until [`Store::compact`] or the next merge
    /// of their index segment. If removing the body file
    /// fails after the deletion committed, this returns the I/O error; the message is gone
    /// and the next [`Store::open`] removes the file.
    pub fn delete(&mut self, id: i64) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let file: Option<String> = tx
            .prepare_cached("SELECT body_file FROM messages WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound(id))?;
        tx.prepare_cached("DELETE FROM fts WHERE rowid = ?1")?
            .execute([id])?;
        let part_files = crate::attach::files_of(&tx, id)?;
        // `bodies` and `parts` go with it (ON DELETE CASCADE).
        tx.prepare_cached("DELETE FROM messages WHERE id = ?1")?
            .execute([id])?;
        tx.commit()?;
        if let Some(name) = file {
            self.bodies.remove(&name)?;
        }
        for f in part_files {
            self.part_file_remove(&f)?;
        }
        Ok(())
    }

    /// Rewrites the full-text index without the words of deleted messages and truncates
    /// the WAL, so nothing of a deleted (or burnt) message is left in the store's files
    /// even for someone who later learns the key. `delete` alone removes the row and body
    /// at once (`secure_delete` zeroes them) but leaves the words in the index until its
    /// segments are merged. Rewrites the whole index (about 5 s for 100k messages on a
    /// busy 2-core machine), so it is for after a burn or for periodic maintenance, not
    /// for every delete.
    pub fn compact(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("INSERT INTO fts (fts) VALUES ('optimize');")?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Ids of messages that expired at or before `now` (never those with `expires_at` 0).
    pub fn expired(&self, now: u64) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM messages WHERE expires_at > 0 AND expires_at <= ?1 AND id > 0
             ORDER BY id",
        )?;
        let rows = stmt.query_map([to_sql_u64(now)], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every message's id and flags, by id: what a Maildir sync compares (no text).
    pub fn flags(&self) -> Result<Vec<crate::Flags>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, outgoing, unread, burn FROM messages WHERE id > 0 ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::Flags {
                id: r.get(0)?,
                outgoing: r.get(1)?,
                unread: r.get(2)?,
                burn: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every message id, oldest first (by `sent_at`, then id) — the export order.
    pub fn all_ids(&self) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM messages WHERE id > 0 ORDER BY sent_at, id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(store: &Store, sql: &str, args: &[i64]) -> String {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let rows = stmt
            .query_map(params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    }

    /// Whether any full-text index block holds `needle` in the clear (inside SQLCipher).
    fn index_contains(store: &Store, needle: &[u8]) -> bool {
        let mut stmt = store.conn.prepare("SELECT block FROM fts_data").unwrap();
        let blocks = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap();
        blocks
            .map(Result::unwrap)
            .any(|b| b.windows(needle.len()).any(|w| w == needle))
    }

    #[test]
    fn many_flags_change_in_one_transaction_and_missing_ids_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), &[1; 32]).unwrap();
        let raw = b"Subject: x\r\n\r\nbody\r\n".to_vec();
        let msgs: Vec<crate::NewMessage<'_>> = (1..=3u8)
            .map(|n| crate::NewMessage {
                sender: [n; 32],
                msg_id: [n; 16],
                outgoing: false,
                peer: "p".into(),
                subject: "s".into(),
                sent_at: u64::from(n),
                received_at: u64::from(n),
                message_id: String::new(),
                in_reply_to: None,
                references: Vec::new(),
                text: String::new(),
                has_attachments: false,
                expires_at: 0,
                burn: false,
                verified: false,
                prev_hash: [0; 32],
                chain: [0; 32],
                raw: &raw,
            })
            .collect();
        store.insert_batch(&msgs).unwrap();
        let ids: Vec<i64> = store.flags().unwrap().iter().map(|f| f.id).collect();
        assert_eq!(store.unread_count().unwrap(), 3);
        let n = store
            .set_unread_many(&[(ids[0], false), (9_999, false), (ids[2], false)])
            .unwrap();
        assert_eq!(n, 2);
        let unread: Vec<bool> = store.flags().unwrap().iter().map(|f| f.unread).collect();
        assert_eq!(unread, vec![false, true, false]);
        assert_eq!(store.set_unread_many(&[]).unwrap(), 0);
    }

    #[test]
    fn compact_removes_a_deleted_messages_words_from_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), &[1; 32]).unwrap();
        let raw = b"Subject: x\r\n\r\nbody\r\n".to_vec();
        let mk = |n: u8, text: &str| crate::NewMessage {
            sender: [n; 32],
            msg_id: [n; 16],
            outgoing: false,
            peer: "p".into(),
            subject: "s".into(),
            sent_at: u64::from(n),
            received_at: u64::from(n),
            message_id: String::new(),
            in_reply_to: None,
            references: Vec::new(),
            text: text.into(),
            has_attachments: false,
            expires_at: 0,
            burn: true,
            verified: false,
            prev_hash: [0; 32],
            chain: [0; 32],
            raw: &raw,
        };
        // Separate batches: separate index segments, as in real use.
        store.insert_batch(&[mk(1, "keep these words")]).unwrap();
        let out = store
            .insert_batch(&[mk(2, "burnme qqxyzzyqq secret")])
            .unwrap();
        store.insert_batch(&[mk(3, "more words")]).unwrap();
        let crate::Inserted::New(id) = out[0] else {
            panic!("{out:?}")
        };
        // Terms are prefix-compressed in the index; a suffix is stored literally.
        assert!(index_contains(&store, b"xyzzyqq"));
        store.delete(id).unwrap();
        assert!(store.search("qqxyzzyqq", 10).unwrap().is_empty());
        assert!(
            index_contains(&store, b"xyzzyqq"),
            "if this fails, delete alone now purges the index: update the docs of compact"
        );
        store.compact().unwrap();
        assert!(!index_contains(&store, b"xyzzyqq"));
        assert_eq!(store.search("keep", 10).unwrap().len(), 1);
        assert_eq!(store.search("more", 10).unwrap().len(), 1);
    }

    #[test]
    fn no_list_query_sorts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &[1; 32]).unwrap();
        for unread_only in [false, true] {
            for outgoing in [None, Some(true)] {
                for thread in [None, Some(3)] {
                    let q = ListQuery {
                        limit: 50,
                        unread_only,
                        outgoing,
                        thread,
                        ..Default::default()
                    };
                    let (sql, args) = list_sql(&q);
                    let p = plan(&store, &sql, &args);
                    assert!(!p.contains("TEMP B-TREE"), "{q:?}: {p}");
                    assert!(p.contains("USING INDEX"), "{q:?}: {p}");
                }
            }
        }
    }
}
