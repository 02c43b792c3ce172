//! Mail a fetch is still receiving: staged under negative ids, numbered at the end.
//!
//! A fetch stores what it receives in batches (bounded in memory) and must make each batch
//! durable before it deletes those blobs from the drop, but mail fetched together should
//! read in the order it was written, whatever order the drop listed it in and however the
//! batches fell. So [`crate::Store::insert_arrivals`] stores a batch under negative ids
//! (counting down, never reused), with its index text beside it instead of in the
//! full-text index, and [`crate::Store::settle_arrivals`] gives everything staged its
//! permanent ids in `sent_at` order (then each sender's chain) in one transaction.
//!
//! Must not: show a staged message anywhere a user picks mail by id (list, counts, the
//! Maildir sync, export), since its id is about to change; change an id once it is
//! positive; reuse an id.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use crate::{Store, StoreError};

/// The meta key of the lowest staged id handed out so far.
const LOW_KEY: &str = "arrival-low";

/// Hands out the ids of one insert transaction: permanent ones counting up past
/// AUTOINCREMENT's high-water mark, or staged ones counting down.
pub(crate) struct StagedIds {
    next: i64,
    step: i64,
    used: bool,
}

impl StagedIds {
    /// Permanent ids: the next after every id ever used.
    pub(crate) fn permanent(tx: &Transaction<'_>) -> Result<StagedIds, StoreError> {
        Ok(StagedIds {
            next: next_permanent(tx)?,
            step: 1,
            used: false,
        })
    }

    /// Staged ids: below every staged id ever handed out.
    pub(crate) fn start(tx: &Transaction<'_>) -> Result<StagedIds, StoreError> {
        let low: i64 = tx
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([LOW_KEY], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let min: i64 = tx.query_row(
            "SELECT coalesce(min(id), 0) FROM messages WHERE id < 0",
            [],
            |r| r.get(0),
        )?;
        Ok(StagedIds {
            next: low.min(min).min(0) - 1,
            step: -1,
            used: false,
        })
    }

    pub(crate) fn next(&mut self) -> i64 {
        let id = self.next;
        self.next += self.step;
        self.used = true;
        id
    }

    /// Records the lowest staged id used, so none is handed out again.
    pub(crate) fn finish(self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        if self.step < 0 && self.used {
            tx.prepare_cached(
                "INSERT INTO meta(key, value) VALUES(?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![LOW_KEY, (self.next - self.step).to_string()])?;
        }
        Ok(())
    }
}

/// The per-direction numbers people type (`read 3`, `read s3`): the next after the highest
/// ever used in each direction (kept in meta, so a deleted last one is not reused).
pub(crate) struct Nums {
    next: [i64; 2],
    used: [bool; 2],
}

impl Nums {
    pub(crate) fn start(tx: &Transaction<'_>) -> Result<Nums, StoreError> {
        let mut next = [1i64; 2];
        for (dir, n) in next.iter_mut().enumerate() {
            let high: i64 = tx
                .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row([num_key(dir)], |r| r.get::<_, String>(0))
                .optional()?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let max: i64 = tx
                .prepare_cached("SELECT coalesce(max(num), 0) FROM messages WHERE outgoing = ?1")?
                .query_row([dir == 1], |r| r.get(0))?;
            *n = high.max(max) + 1;
        }
        Ok(Nums {
            next,
            used: [false; 2],
        })
    }

    pub(crate) fn next(&mut self, outgoing: bool) -> i64 {
        let dir = usize::from(outgoing);
        let n = self.next[dir];
        self.next[dir] += 1;
        self.used[dir] = true;
        n
    }

    pub(crate) fn finish(self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        for dir in (0..2).filter(|d| self.used[*d]) {
            tx.prepare_cached(
                "INSERT INTO meta(key, value) VALUES(?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![num_key(dir), (self.next[dir] - 1).to_string()])?;
        }
        Ok(())
    }
}

fn num_key(dir: usize) -> &'static str {
    if dir == 1 {
        "num-high-sent"
    } else {
        "num-high-received"
    }
}

/// One more than AUTOINCREMENT's high-water mark or the largest id, whichever is higher.
fn next_permanent(tx: &Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0),
                    coalesce((SELECT max(id) FROM messages), 0)) + 1",
        [],
        |r| r.get(0),
    )?)
}

/// A staged message as numbering sees it.
struct Staged {
    id: i64,
    outgoing: bool,
    sent_at: u64,
    prev_hash: [u8; 32],
    chain: [u8; 32],
}

impl Store {
    /// Gives every staged arrival its permanent id, in `sent_at` order (then each sender's
    /// chain, then the order they were stored in), after every id in use: the messages,
    /// their bodies, parts and threads move together, and they enter the full-text index.
    /// Returns `(staged id, permanent id)` pairs; nothing if nothing is staged.
    pub fn settle_arrivals(&mut self) -> Result<Vec<(i64, i64)>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let staged = staged(&tx)?;
        if staged.is_empty() {
            return Ok(Vec::new());
        }
        let links: Vec<_> = staged
            .iter()
            .map(|s| (s.sent_at, s.prev_hash, s.chain))
            .collect();
        let order = crate::insert::write_order_of(&links);
        let mut next = next_permanent(&tx)?;
        let mut nums = Nums::start(&tx)?;
        // `sent_max` is the newest `sent_at` up to and including each row (see schema.rs).
        let mut sent_max: i64 = tx.query_row(
            "SELECT coalesce((SELECT sent_max FROM messages WHERE id > 0
                              ORDER BY id DESC LIMIT 1), 0)",
            [],
            |r| r.get(0),
        )?;
        // The rows referring to a message move with it within this transaction.
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let mut moved = Vec::with_capacity(staged.len());
        for i in order {
            let s = &staged[i];
            let id = next;
            next += 1;
            sent_max = sent_max.max(crate::to_sql_u64(s.sent_at));
            move_one(&tx, (s.id, id), nums.next(s.outgoing), sent_max)?;
            moved.push((s.id, id));
        }
        nums.finish(&tx)?;
        let high = next - 1;
        if tx.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'messages'",
            [high],
        )? == 0
        {
            tx.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('messages', ?1)",
                [high],
            )?;
        }
        tx.commit()?;
        Ok(moved)
    }

    /// How many messages are staged (stored by a fetch that has not numbered them yet).
    pub fn staged_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM messages WHERE id < 0")?
            .query_row([], |r| r.get(0))?;
        Ok(crate::from_sql_u64(n))
    }
}

/// Every staged message, in the order they were stored.
fn staged(tx: &Transaction<'_>) -> Result<Vec<Staged>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, sent_at, prev_hash, chain, outgoing FROM messages WHERE id < 0
         ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        let hash = |i: usize| -> rusqlite::Result<[u8; 32]> {
            let v: Vec<u8> = r.get(i)?;
            Ok(v.try_into().unwrap_or([0u8; 32]))
        };
        Ok(Staged {
            id: r.get(0)?,
            sent_at: crate::from_sql_u64(r.get(1)?),
            prev_hash: hash(2)?,
            chain: hash(3)?,
            outgoing: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Moves the staged message `from` to the permanent id `to`.
fn move_one(
    tx: &Transaction<'_>,
    (from, to): (i64, i64),
    num: i64,
    sent_max: i64,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO fts (rowid, subject, body, peer)
         SELECT ?2, subject, body, peer FROM arrival_text WHERE id = ?1",
    )?
    .execute(params![from, to])?;
    tx.prepare_cached("DELETE FROM arrival_text WHERE id = ?1")?
        .execute([from])?;
    tx.prepare_cached("UPDATE messages SET id = ?2, sent_max = ?3, num = ?4 WHERE id = ?1")?
        .execute(params![from, to, sent_max, num])?;
    for sql in [
        "UPDATE bodies SET id = ?2 WHERE id = ?1",
        "UPDATE parts SET message = ?2 WHERE message = ?1",
        "UPDATE messages SET thread = ?2 WHERE thread = ?1",
    ] {
        tx.prepare_cached(sql)?.execute(params![from, to])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Incoming, Inserted, ListQuery, NewMessage, NewPart, PartData, Store};

    fn msg<'a>(n: u8, sent_at: u64, raw: &'a [u8]) -> NewMessage<'a> {
        NewMessage {
            sender: [7; 32],
            msg_id: [n; 16],
            outgoing: false,
            peer: "alice".into(),
            subject: format!("s{sent_at}"),
            sent_at,
            received_at: 100,
            message_id: format!("<m{sent_at}@x>"),
            in_reply_to: None,
            references: Vec::new(),
            text: format!("word{sent_at}"),
            has_attachments: false,
            expires_at: 0,
            burn: false,
            verified: false,
            prev_hash: [0; 32],
            chain: [0; 32],
            raw,
        }
    }

    fn plain(m: NewMessage<'_>) -> Incoming<'_> {
        Incoming {
            msg: m,
            parts: Vec::new(),
            completes_partial: false,
        }
    }

    fn id(i: &Inserted) -> i64 {
        match i {
            Inserted::New(id) => *id,
            Inserted::Duplicate => panic!("duplicate"),
        }
    }

    fn listed(store: &Store) -> Vec<(i64, u64)> {
        let mut v: Vec<(i64, u64)> = store
            .list(&ListQuery::default())
            .unwrap()
            .iter()
            .map(|s| (s.id, s.date))
            .collect();
        v.sort_unstable();
        v
    }

    /// Two batches of one fetch, each in the wrong order and the second older than the
    /// first: hidden while staged, then numbered by `sent_at` with their bodies, parts,
    /// threads and index entries, after every id ever used and never reusing one.
    #[test]
    fn staged_batches_are_numbered_in_sent_order_and_move_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), &[5; 32]).unwrap();
        let raw = b"Subject: x\r\n\r\nbody\r\n".to_vec();
        let first = store.insert_full(&[plain(msg(1, 5, &raw))]).unwrap();
        assert_eq!(id(&first[0]), 1);

        let mut reply = msg(2, 30, &raw);
        reply.in_reply_to = Some("<m5@x>".into());
        let part = b"attached bytes".to_vec();
        let mut with_part = plain(msg(3, 20, &raw));
        with_part.msg.has_attachments = true;
        with_part.parts.push(NewPart {
            idx: 1,
            name: "a.txt".into(),
            content_type: "text/plain".into(),
            len: part.len() as u64,
            data: PartData::Inline(&part),
        });
        let a = store.insert_arrivals(&[plain(reply), with_part]).unwrap();
        let mut late_reply = msg(4, 25, &raw);
        late_reply.in_reply_to = Some("<m20@x>".into());
        let b = store
            .insert_arrivals(&[plain(late_reply), plain(msg(5, 10, &raw))])
            .unwrap();
        let staged: Vec<i64> = a.iter().chain(&b).map(id).collect();
        assert!(staged.iter().all(|&i| i < 0), "{staged:?}");

        // Staged: not listed, counted, searched or offered to a Maildir.
        assert_eq!(listed(&store), [(1, 5)]);
        assert_eq!(store.count().unwrap(), 1);
        assert_eq!(store.unread_count().unwrap(), 1);
        assert!(store.search("word30", 10).unwrap().is_empty());
        assert_eq!(store.flags().unwrap().len(), 1);
        assert_eq!(store.staged_count().unwrap(), 4);

        let moved = store.settle_arrivals().unwrap();
        assert_eq!(moved.len(), 4);
        assert_eq!(listed(&store), [(1, 5), (2, 10), (3, 20), (4, 25), (5, 30)]);
        assert_eq!(store.staged_count().unwrap(), 0);
        let to = |staged: i64| moved.iter().find(|m| m.0 == staged).unwrap().1;
        assert_eq!(to(staged[0]), 5);
        assert_eq!(to(staged[1]), 3);
        // Bodies, parts, threads and the index moved with them.
        assert_eq!(store.get(3).unwrap().unwrap().1.as_slice(), &raw[..]);
        assert_eq!(store.parts_of(3).unwrap()[0].name, "a.txt");
        let rows = store.list(&ListQuery::default()).unwrap();
        let thread = |id: i64| rows.iter().find(|s| s.id == id).unwrap().thread;
        assert_eq!(thread(5), 1, "a reply to the permanent message");
        assert_eq!(thread(4), 3, "a reply to a staged one follows it");
        let hits: Vec<i64> = store
            .search("word30", 10)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(hits, [5]);
        assert!(store.settle_arrivals().unwrap().is_empty());

        // The highest id, deleted, is not handed out again; nor is a staged id.
        store.delete(5).unwrap();
        let next = store.insert_arrivals(&[plain(msg(6, 40, &raw))]).unwrap();
        assert!(id(&next[0]) < *staged.iter().min().unwrap());
        assert_eq!(store.settle_arrivals().unwrap()[0].1, 6);
        let after = store.insert_full(&[plain(msg(7, 50, &raw))]).unwrap();
        assert_eq!(id(&after[0]), 7);

        // Received and sent mail count separately, and a deleted last number stays used.
        let mut out = msg(8, 60, &raw);
        out.outgoing = true;
        let sent = store.insert_full(&[plain(out)]).unwrap();
        let num = |store: &Store, id: i64| store.get(id).unwrap().unwrap().0.num;
        let nums: Vec<i64> = [1, 3, 6, 7].iter().map(|&i| num(&store, i)).collect();
        assert_eq!(nums, [1, 3, 6, 7]);
        assert_eq!(num(&store, id(&sent[0])), 1, "the first sent message");
        assert_eq!(store.id_of(true, 1).unwrap(), Some(id(&sent[0])));
        assert_eq!(store.id_of(false, 7).unwrap(), Some(7));
        assert_eq!(store.id_of(false, 5).unwrap(), None, "deleted");
        store.delete(7).unwrap();
        let again = store.insert_full(&[plain(msg(9, 70, &raw))]).unwrap();
        assert_eq!(num(&store, id(&again[0])), 8);
    }
}
