//! Storing a batch of received or sent messages in one durable transaction: dedupe against
//! the replay window and existing rows, threading, inline or external bodies, the
//! full-text index.
//!
//! Must not report a message stored before its transaction (and any body file it names)
//! is on disk: the caller deletes the remote copy as soon as this returns.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use crate::bodies::Bodies;
use crate::search::index_text;
use crate::{INLINE_BODY_MAX, Incoming, Inserted, NewMessage, Store, StoreError, to_sql_u64};

impl Store {
    /// Stores `msgs` in one transaction and records each `(sender, msg_id)` in the replay
    /// window. A message already stored — earlier in the same batch, in an earlier batch, or
    /// stored and since deleted (within the window) — comes back as
    /// [`Inserted::Duplicate`] and is not stored again. Incoming mail starts unread, outgoing
    /// mail read. Everything reported [`Inserted::New`] is durable when this returns; on
    /// error nothing of the batch is kept.
    pub fn insert_batch(&mut self, msgs: &[NewMessage<'_>]) -> Result<Vec<Inserted>, StoreError> {
        let full: Vec<Incoming<'_>> = msgs
            .iter()
            .map(|m| Incoming {
                msg: m.clone(),
                parts: Vec::new(),
                completes_partial: false,
            })
            .collect();
        self.insert_full(&full)
    }

    /// [`Store::insert_full`] for mail one fetch is still receiving: the messages are
    /// stored durably but staged (under negative ids, not yet listed, searched or delivered
    /// to a Maildir) until [`Store::settle_arrivals`] numbers everything the fetch brought
    /// in `sent_at` order. The ids returned are the staged ones.
    pub fn insert_arrivals(&mut self, msgs: &[Incoming<'_>]) -> Result<Vec<Inserted>, StoreError> {
        self.insert_with(msgs, true)
    }

    /// [`Store::insert_batch`] for messages with attachments stored as parts of their own;
    /// a message that `completes_partial` takes over the part files of its partial (which is
    /// forgotten in the same transaction).
    pub fn insert_full(&mut self, msgs: &[Incoming<'_>]) -> Result<Vec<Inserted>, StoreError> {
        self.insert_with(msgs, false)
    }

    fn insert_with(
        &mut self,
        msgs: &[Incoming<'_>],
        staged: bool,
    ) -> Result<Vec<Inserted>, StoreError> {
        if msgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut written = Vec::new();
        let result = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = insert_all(&tx, &self.bodies, msgs, (staged, &mut written))?;
            // synchronous = FULL: the WAL is fsynced before commit returns.
            tx.commit()?;
            Ok(out)
        })();
        if result.is_err() {
            for name in &written {
                // Best effort: the open-time sweep removes whatever this misses.
                let _ = self.bodies.remove(name);
            }
        }
        result
    }
}

fn insert_all(
    tx: &Transaction<'_>,
    bodies: &Bodies,
    msgs: &[Incoming<'_>],
    (staged, written): (bool, &mut Vec<String>),
) -> Result<Vec<Inserted>, StoreError> {
    // Ids are assigned here rather than by SQLite so a thread root can carry its own id
    // without a second write; AUTOINCREMENT's high-water mark keeps ids of deleted
    // messages from ever coming back, and we hold the write lock. Staged arrivals count
    // down from -1 instead (see `arrivals.rs`).
    let mut ids = if staged {
        crate::arrivals::StagedIds::start(tx)?
    } else {
        crate::arrivals::StagedIds::permanent(tx)?
    };
    let mut nums = crate::arrivals::Nums::start(tx)?;
    let mut sent_max: i64 =
        tx.query_row("SELECT coalesce(max(sent_at), 0) FROM messages", [], |r| {
            r.get(0)
        })?;

    let mut insert_msg = tx.prepare_cached(
        "INSERT INTO messages (id, sender, msg_id, outgoing, peer, subject, sent_at,
             received_at, unread, message_id, in_reply_to, thread, has_attachments, size,
             expires_at, burn, verified, prev_hash, chain, body_file, sent_max, num)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
             ?17, ?18, ?19, ?20, ?21, ?22)",
    )?;
    let mut insert_body = tx.prepare_cached("INSERT INTO bodies (id, raw) VALUES (?1, ?2)")?;
    // Staged arrivals are indexed when they are numbered; their text waits beside them.
    let mut insert_fts = tx.prepare_cached(if staged {
        "INSERT INTO arrival_text (id, subject, body, peer) VALUES (?1, ?2, ?3, ?4)"
    } else {
        "INSERT INTO fts (rowid, subject, body, peer) VALUES (?1, ?2, ?3, ?4)"
    })?;

    // Ids follow `sent_at` within a batch (mail fetched together reads in the order it was
    // written, whatever order the drop listed it in); results keep the callers' order.
    let order = write_order(msgs);
    let mut out: Vec<Option<Inserted>> = (0..msgs.len()).map(|_| None).collect();
    for i in order {
        let inc = &msgs[i];
        let m = &inc.msg;
        let slot = &mut out[i];
        if inc.completes_partial {
            forget_partial(tx, m)?;
        }
        if already_seen(tx, m)? {
            *slot = Some(Inserted::Duplicate);
            continue;
        }

        let id = ids.next();
        let thread = find_thread(tx, m)?.unwrap_or(id);
        let sent_at = to_sql_u64(m.sent_at);
        sent_max = sent_max.max(sent_at);

        let body_file = if m.raw.len() > INLINE_BODY_MAX {
            let name = bodies.write(m.raw)?;
            written.push(name.clone());
            Some(name)
        } else {
            None
        };

        insert_msg.execute(params![
            id,
            &m.sender[..],
            &m.msg_id[..],
            m.outgoing,
            m.peer,
            m.subject,
            sent_at,
            to_sql_u64(m.received_at),
            !m.outgoing,
            m.message_id,
            m.in_reply_to,
            thread,
            m.has_attachments,
            to_sql_u64(m.raw.len() as u64),
            to_sql_u64(m.expires_at),
            m.burn,
            m.verified,
            &m.prev_hash[..],
            &m.chain[..],
            body_file,
            sent_max,
            // Staged arrivals are numbered with their permanent ids.
            (!staged).then(|| nums.next(m.outgoing)),
        ])?;
        if body_file.is_none() {
            insert_body.execute(params![id, m.raw])?;
        }
        insert_fts.execute(params![
            id,
            index_text(&m.subject),
            index_text(&m.text),
            index_text(&m.peer)
        ])?;
        crate::attach::insert_parts(tx, id, &inc.parts)?;
        adopt_replies(tx, m, thread)?;
        *slot = Some(Inserted::New(id));
    }
    ids.finish(tx)?;
    nums.finish(tx)?;
    Ok(out.into_iter().flatten().collect())
}

/// Records `m` in the replay window; whether it was there already (or is stored: a message
/// older than the window may still be stored after its seen entry went).
fn already_seen(tx: &Transaction<'_>, m: &NewMessage<'_>) -> Result<bool, StoreError> {
    let mut mark_seen = tx.prepare_cached(
        "INSERT INTO seen (sender, msg_id, at, prev_hash, chain) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (sender, msg_id) DO NOTHING",
    )?;
    let mut exists =
        tx.prepare_cached("SELECT 1 FROM messages WHERE sender = ?1 AND msg_id = ?2")?;
    // The replay entry must outlive the window in which `sent_at` is still accepted,
    // so it is dated by the later of the two clocks (see `Store::prune_seen`).
    let at = to_sql_u64(m.sent_at.max(m.received_at));
    // The send chain of incoming mail stays in the window (for gap and fork alerts)
    // even if the message is deleted; zeros mean "none".
    let link = |h: &[u8; 32]| (!m.outgoing && *h != [0u8; 32]).then(|| h.to_vec());
    let fresh = mark_seen.execute(params![
        &m.sender[..],
        &m.msg_id[..],
        at,
        link(&m.prev_hash),
        link(&m.chain)
    ])? == 1;
    Ok(!fresh || exists.exists(params![&m.sender[..], &m.msg_id[..]])?)
}

/// The order to number `msgs` in: by `sent_at`, then by each sender's chain.
fn write_order(msgs: &[Incoming<'_>]) -> Vec<usize> {
    let links: Vec<_> = msgs
        .iter()
        .map(|m| (m.msg.sent_at, m.msg.prev_hash, m.msg.chain))
        .collect();
    write_order_of(&links)
}

/// [`write_order`] over `(sent_at, prev_hash, chain)`: also how a fetch's staged arrivals
/// are numbered at the end.
pub(crate) fn write_order_of(msgs: &[(u64, [u8; 32], [u8; 32])]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..msgs.len()).collect();
    let depth = chain_depths(msgs);
    order.sort_by_key(|&i| (msgs[i].0, depth[i]));
    order
}

/// For each message, how many others of the batch come before it in its sender's chain
/// (`prev_hash` is the previous message's `chain`): `sent_at` has whole seconds, so mail
/// written within one second keeps the order it was written in.
fn chain_depths(msgs: &[(u64, [u8; 32], [u8; 32])]) -> Vec<usize> {
    let by_chain: std::collections::HashMap<[u8; 32], usize> = msgs
        .iter()
        .enumerate()
        .filter(|(_, m)| m.2 != [0u8; 32])
        .map(|(i, m)| (m.2, i))
        .collect();
    (0..msgs.len())
        .map(|i| {
            let mut at = i;
            let mut depth = 0;
            // Bounded: a forged cycle cannot loop.
            while depth < msgs.len() {
                match by_chain.get(&msgs[at].1) {
                    Some(&p) if p != at => {
                        depth += 1;
                        at = p;
                    }
                    _ => break,
                }
            }
            depth
        })
        .collect()
}

/// The partial message `m` completes: its part files now belong to the message's rows (or,
/// for a duplicate, are swept as orphans), so the partial goes either way.
fn forget_partial(tx: &Transaction<'_>, m: &NewMessage<'_>) -> Result<(), StoreError> {
    for table in ["partial", "partial_files"] {
        tx.prepare_cached(&format!(
            "DELETE FROM {table} WHERE sender = ?1 AND msg_id = ?2"
        ))?
        .execute(params![&m.sender[..], &m.msg_id[..]])?;
    }
    Ok(())
}

/// The thread of the message this one answers: the one whose Message-ID is In-Reply-To,
/// else the nearest one named in References (last first).
fn find_thread(tx: &Transaction<'_>, m: &NewMessage<'_>) -> Result<Option<i64>, StoreError> {
    let mut by_message_id = tx.prepare_cached(
        "SELECT thread FROM messages WHERE message_id = ?1 AND message_id <> ''
         ORDER BY id LIMIT 1",
    )?;
    let candidates = m
        .in_reply_to
        .iter()
        .chain(m.references.iter().rev())
        .filter(|mid| !mid.is_empty());
    for mid in candidates {
        if let Some(thread) = by_message_id
            .query_row([mid], |r| r.get::<_, i64>(0))
            .optional()?
        {
            return Ok(Some(thread));
        }
    }
    Ok(None)
}

/// Replies that arrived before this message started threads of their own; they (and
/// whatever joined them) move into this message's thread.
fn adopt_replies(tx: &Transaction<'_>, m: &NewMessage<'_>, thread: i64) -> Result<(), StoreError> {
    if m.message_id.is_empty() {
        return Ok(());
    }
    tx.prepare_cached(
        "UPDATE messages SET thread = ?1
         WHERE thread IN (SELECT thread FROM messages WHERE in_reply_to = ?2)
           AND thread <> ?1",
    )?
    .execute(params![thread, m.message_id])?;
    Ok(())
}
