//! Large messages while they arrive: the verified head's fragment plan, which fragments are
//! stored (a bitmap, written only after the data it covers is durable), the head as the
//! receive path recorded it, and the part files the fragments are written into; plus the
//! fragments that came before their head, kept sealed as they came (one file each under
//! `early/`) until the head arrives or the retention passes.
//!
//! Must not judge fragments (that is the receive path's job, with the plan), or count a
//! message as received: it becomes a message only through [`Store::insert_full`] with
//! `completes_partial`, in the same transaction that forgets the partial.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rand::RngCore;
use rusqlite::{OptionalExtension, params};

use crate::parts::{PartFile, PartLayout};
use crate::{MessageKey, Store, StoreError, from_sql_u64, to_sql_u64};

/// Sub-directory of the store holding fragments that came before their head.
pub(crate) const EARLY_DIR: &str = "early";

/// A part file of a partial message, as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFileRef {
    /// Which part of the message.
    pub idx: u32,
    /// File name under `parts/`.
    pub file: String,
    /// The file's key salt.
    pub salt: [u8; 32],
}

/// A large message still arriving.
#[derive(Debug, Clone)]
pub struct Partial {
    /// Sender and message id.
    pub key: MessageKey,
    /// The encoded fragment plan (`v2::FragmentPlan::encode`).
    pub plan: Vec<u8>,
    /// Which fragments are stored.
    pub bitmap: Vec<u8>,
    /// What the receive path recorded about the head (opaque here).
    pub head: Vec<u8>,
    /// Part 0 (the letter), when the head carried all of it.
    pub letter: Option<Vec<u8>>,
    /// The part files fragments go into.
    pub files: Vec<PartFileRef>,
    /// When the head arrived.
    pub started_at: u64,
    /// When the last fragment was stored.
    pub progress_at: u64,
}

/// What to record when a head arrives.
#[derive(Debug)]
pub struct NewPartial<'a> {
    /// Sender and message id.
    pub key: MessageKey,
    /// The encoded fragment plan.
    pub plan: &'a [u8],
    /// The initial bitmap (no fragment stored).
    pub bitmap: &'a [u8],
    /// The head as the receive path records it.
    pub head: &'a [u8],
    /// Part 0, when the head carries all of it.
    pub letter: Option<&'a [u8]>,
    /// Part files already created (and synced) for it.
    pub files: &'a [PartFileRef],
    /// Now.
    pub now: u64,
}

/// A fragment kept before its head.
#[derive(Debug)]
pub struct Early {
    /// Row id.
    pub id: i64,
    /// Fragment index.
    pub idx: u32,
    /// The sealed blob, as fetched.
    pub blob: Vec<u8>,
}

fn random_name(ext: &str) -> String {
    let mut id = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id);
    format!("{}.{ext}", hex::encode(id))
}

pub(crate) fn is_early_name(name: &str) -> bool {
    name.strip_suffix(".blob")
        .is_some_and(|stem| stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Creates `dir` (0700) on first use and makes its entry durable.
pub(crate) fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    hushpost_durable::create_private_dir(dir).map_err(|e| StoreError::io(e, dir))?;
    let parent = dir.parent().expect("inside the store");
    hushpost_durable::sync_dir(parent).map_err(|e| StoreError::io(e, parent))
}

impl Store {
    fn parts_dir(&self) -> PathBuf {
        self.dir.join(crate::parts::PARTS_DIR)
    }

    fn early_dir(&self) -> PathBuf {
        self.dir.join(EARLY_DIR)
    }

    /// Creates an empty part file for a message that is arriving (its directory entry is
    /// durable when this returns; records are written with [`PartFile::write_record`]).
    pub fn part_file_create(
        &self,
        idx: u32,
        layout: PartLayout,
    ) -> Result<(PartFileRef, PartFile), StoreError> {
        let dir = self.parts_dir();
        ensure_dir(&dir)?;
        let name = random_name("part");
        let mut salt = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let path = dir.join(&name);
        let cipher = crate::parts::file_cipher(&self.part_key, &salt);
        let f =
            PartFile::open(&path, cipher, layout, true).map_err(|e| StoreError::io(e, &path))?;
        hushpost_durable::sync_dir(&dir).map_err(|e| StoreError::io(e, &dir))?;
        Ok((
            PartFileRef {
                idx,
                file: name,
                salt,
            },
            f,
        ))
    }

    /// Opens a part file of a partial or stored message (`write`: to add records).
    pub fn part_file_open(
        &self,
        r: &PartFileRef,
        layout: PartLayout,
        write: bool,
    ) -> Result<PartFile, StoreError> {
        if !crate::parts::is_part_name(&r.file) {
            return Err(StoreError::Corrupt(format!(
                "a message refers to an invalid part file name {:?}",
                r.file
            )));
        }
        let path = self.parts_dir().join(&r.file);
        let cipher = crate::parts::file_cipher(&self.part_key, &r.salt);
        let f = if write {
            PartFile::reopen_for_writing(&path, cipher, layout)
        } else {
            PartFile::open(&path, cipher, layout, false)
        };
        f.map_err(|e| StoreError::io(e, &path))
    }

    /// Records a large message whose head arrived (its part files exist and are synced).
    pub fn partial_add(&mut self, p: &NewPartial<'_>) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO partial (sender, msg_id, plan, bitmap, head, letter, started_at,
                 progress_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?
        .execute(params![
            &p.key.0[..],
            &p.key.1[..],
            p.plan,
            p.bitmap,
            p.head,
            p.letter,
            to_sql_u64(p.now)
        ])?;
        for f in p.files {
            tx.prepare_cached(
                "INSERT INTO partial_files (sender, msg_id, idx, file, salt)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                &p.key.0[..],
                &p.key.1[..],
                f.idx,
                f.file,
                &f.salt[..]
            ])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn partial_files(&self, key: &MessageKey) -> Result<Vec<PartFileRef>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT idx, file, salt FROM partial_files WHERE sender = ?1 AND msg_id = ?2
             ORDER BY idx",
        )?;
        let rows = stmt.query_map(params![&key.0[..], &key.1[..]], |r| {
            Ok(PartFileRef {
                idx: r.get(0)?,
                file: r.get(1)?,
                salt: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The large message `key`, if it is arriving.
    pub fn partial(&self, key: &MessageKey) -> Result<Option<Partial>, StoreError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT plan, bitmap, head, letter, started_at, progress_at FROM partial
                 WHERE sender = ?1 AND msg_id = ?2",
            )?
            .query_row(params![&key.0[..], &key.1[..]], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    from_sql_u64(r.get(4)?),
                    from_sql_u64(r.get(5)?),
                ))
            })
            .optional()?;
        let Some((plan, bitmap, head, letter, started_at, progress_at)) = row else {
            return Ok(None);
        };
        Ok(Some(Partial {
            key: *key,
            plan,
            bitmap,
            head,
            letter,
            files: self.partial_files(key)?,
            started_at,
            progress_at,
        }))
    }

    /// Every large message still arriving, oldest first.
    pub fn partials(&self) -> Result<Vec<Partial>, StoreError> {
        let keys: Vec<MessageKey> = self
            .conn
            .prepare_cached("SELECT sender, msg_id FROM partial ORDER BY started_at")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for k in keys {
            if let Some(p) = self.partial(&k)? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Records which fragments of each message are stored, in one transaction. Call only
    /// once the part files' records are durable ([`PartFile::sync`]).
    pub fn partial_set_bitmaps(
        &mut self,
        updates: &[(MessageKey, &[u8])],
        now: u64,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (k, bitmap) in updates {
            tx.prepare_cached(
                "UPDATE partial SET bitmap = ?3, progress_at = ?4 WHERE sender = ?1 AND msg_id = ?2",
            )?
            .execute(params![&k.0[..], &k.1[..], bitmap, to_sql_u64(now)])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Gives up on a large message: its row, then its part files.
    pub fn partial_drop(&mut self, key: &MessageKey) -> Result<(), StoreError> {
        let files = self.partial_files(key)?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.prepare_cached("DELETE FROM partial WHERE sender = ?1 AND msg_id = ?2")?
            .execute(params![&key.0[..], &key.1[..]])?;
        tx.prepare_cached("DELETE FROM partial_files WHERE sender = ?1 AND msg_id = ?2")?
            .execute(params![&key.0[..], &key.1[..]])?;
        tx.commit()?;
        for f in files {
            self.part_file_remove(&f.file)?;
        }
        Ok(())
    }

    /// Removes a part file durably (already gone is fine).
    pub fn part_file_remove(&self, name: &str) -> Result<(), StoreError> {
        if !crate::parts::is_part_name(name) {
            return Ok(());
        }
        let path = self.parts_dir().join(name);
        match hushpost_durable::remove_durable(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StoreError::io(e, &path)),
            _ => Ok(()),
        }
    }

    /// Keeps a fragment that came before its head, sealed as fetched; false if this
    /// fragment of this message is already kept.
    pub fn early_add(
        &mut self,
        key: &MessageKey,
        idx: u32,
        blob: &[u8],
        now: u64,
    ) -> Result<bool, StoreError> {
        let known = self
            .conn
            .prepare_cached("SELECT 1 FROM early WHERE sender = ?1 AND msg_id = ?2 AND idx = ?3")?
            .exists(params![&key.0[..], &key.1[..], idx])?;
        if known {
            return Ok(false);
        }
        let dir = self.early_dir();
        ensure_dir(&dir)?;
        let name = random_name("blob");
        let path = dir.join(&name);
        hushpost_durable::write_new(&path, blob).map_err(|e| StoreError::io(e, &path))?;
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO early (sender, msg_id, idx, file, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![&key.0[..], &key.1[..], idx, name, to_sql_u64(now)]);
        if let Err(e) = inserted {
            let _ = fs::remove_file(&path);
            return Err(e.into());
        }
        Ok(true)
    }

    /// How many fragments from `sender` are kept before their heads.
    pub fn early_count(&self, sender: &[u8; 32]) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM early WHERE sender = ?1")?
            .query_row([&sender[..]], |r| r.get(0))?;
        Ok(from_sql_u64(n))
    }

    /// The fragments of `key` kept before its head (up to `limit`), sealed.
    pub fn early_of(&self, key: &MessageKey, limit: usize) -> Result<Vec<Early>, StoreError> {
        let rows: Vec<(i64, u32, String)> = self
            .conn
            .prepare_cached(
                "SELECT id, idx, file FROM early WHERE sender = ?1 AND msg_id = ?2
                 ORDER BY idx LIMIT ?3",
            )?
            .query_map(
                params![&key.0[..], &key.1[..], to_sql_u64(limit as u64)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (id, idx, file) in rows {
            if !is_early_name(&file) {
                continue;
            }
            let path = self.early_dir().join(&file);
            match fs::read(&path) {
                Ok(blob) => out.push(Early { id, idx, blob }),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io(e, &path)),
            }
        }
        Ok(out)
    }

    /// Forgets kept early fragments (stored into their message, or refused).
    pub fn early_remove(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        let mut files = Vec::new();
        for id in ids {
            let f: Option<String> = self
                .conn
                .prepare_cached("DELETE FROM early WHERE id = ?1 RETURNING file")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            files.extend(f);
        }
        for f in files.into_iter().filter(|f| is_early_name(f)) {
            let path = self.early_dir().join(&f);
            match hushpost_durable::remove_durable(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(StoreError::io(e, &path));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Early fragments received before `before`, as `(id, sender)`: those whose head never
    /// came.
    pub fn early_older_than(&self, before: u64) -> Result<Vec<(i64, [u8; 32])>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, sender FROM early WHERE received_at < ?1 ORDER BY id")?
            .query_map([to_sql_u64(before)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?)
    }
}
