//! A stored message's attachments (parts 1…): listed without reading them, and read at any
//! offset — inline bytes for messages that came in one blob, an encrypted part file
//! (`parts.rs`) for large ones, nothing for large attachments of our own sent mail (the
//! file stays where the user sent it from).
//!
//! Must not: decrypt an attachment to list it, or leave a deleted message's part file.

use rusqlite::params;
use zeroize::Zeroizing;

use crate::partial::PartFileRef;
use crate::parts::{PartFile, PartLayout};
use crate::{Store, StoreError, from_sql_u64, to_sql_u64};

/// Where an attachment's bytes are, for [`crate::Store::insert_full`].
#[derive(Debug, Clone)]
pub enum PartData<'a> {
    /// The bytes themselves (kept in the database).
    Inline(&'a [u8]),
    /// A part file written while the message arrived.
    File(PartFileRef, PartLayout),
    /// Not kept (a large attachment we sent: the file is the user's).
    NotKept,
}

/// One attachment to store with its message.
#[derive(Debug, Clone)]
pub struct NewPart<'a> {
    /// Its index in the message (1…; 0 is the letter).
    pub idx: u32,
    /// File name, as the sender gave it (checked by the envelope).
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Length in bytes.
    pub len: u64,
    /// Where the bytes are.
    pub data: PartData<'a>,
}

/// What a listing shows about an attachment: never its bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredPart {
    /// Its index in the message (1…).
    pub idx: u32,
    /// File name.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Length in bytes.
    pub len: u64,
    /// Whether the bytes are in the store (false: a large attachment we sent).
    pub kept: bool,
}

/// An attachment's bytes, readable at any offset.
#[derive(Debug)]
pub enum PartSource {
    /// Kept in the database.
    Inline(Zeroizing<Vec<u8>>),
    /// An encrypted part file.
    File(PartFile),
}

impl PartSource {
    /// Length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            PartSource::Inline(v) => v.len() as u64,
            PartSource::File(f) => f.layout().len,
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills `buf` from `offset`, authenticating what it reads.
    pub fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        match self {
            PartSource::Inline(v) => {
                let start =
                    usize::try_from(offset).map_err(|_| std::io::ErrorKind::UnexpectedEof)?;
                let src = start
                    .checked_add(buf.len())
                    .and_then(|end| v.get(start..end))
                    .ok_or(std::io::ErrorKind::UnexpectedEof)?;
                buf.copy_from_slice(src);
                Ok(())
            }
            PartSource::File(f) => f.read_exact_at(buf, offset),
        }
    }
}

impl hushpost_core::envelope::v2::ContentSource for PartSource {
    fn len(&self) -> u64 {
        PartSource::len(self)
    }
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        PartSource::read_exact_at(self, buf, offset)
    }
}

pub(crate) fn insert_parts(
    tx: &rusqlite::Transaction<'_>,
    message: i64,
    parts: &[NewPart<'_>],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO parts (message, idx, name, type, len, data, file, salt, start, inline_len)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for p in parts {
        let (data, file, salt, start, inline_len) = match &p.data {
            PartData::Inline(b) => (Some(*b), None, None, 0, 0),
            PartData::File(r, l) => (
                None,
                Some(r.file.as_str()),
                Some(&r.salt[..]),
                l.start,
                l.inline_len,
            ),
            PartData::NotKept => (None, None, None, 0, 0),
        };
        stmt.execute(params![
            message,
            p.idx,
            p.name,
            p.content_type,
            to_sql_u64(p.len),
            data,
            file,
            salt,
            to_sql_u64(start),
            to_sql_u64(inline_len)
        ])?;
    }
    Ok(())
}

/// Part file names of message `id` (to remove once its deletion committed).
pub(crate) fn files_of(tx: &rusqlite::Transaction<'_>, id: i64) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        tx.prepare_cached("SELECT file FROM parts WHERE message = ?1 AND file IS NOT NULL")?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// The attachments of message `id` (empty for mail stored before envelope v2, whose
    /// attachments are inside its RFC 5322 body), without reading them.
    pub fn parts_of(&self, id: i64) -> Result<Vec<StoredPart>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT idx, name, type, len, data IS NOT NULL OR file IS NOT NULL FROM parts
             WHERE message = ?1 ORDER BY idx",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(StoredPart {
                idx: r.get(0)?,
                name: r.get(1)?,
                content_type: r.get(2)?,
                len: from_sql_u64(r.get(3)?),
                kept: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Attachment `idx` of message `id`, to read (`None`: no such part, or not kept).
    pub fn part_source(&self, id: i64, idx: u32) -> Result<Option<PartSource>, StoreError> {
        use rusqlite::OptionalExtension;
        type Row = (
            u64,
            Option<Zeroizing<Vec<u8>>>,
            Option<String>,
            Option<[u8; 32]>,
            u64,
            u64,
        );
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT len, data, file, salt, start, inline_len FROM parts
                 WHERE message = ?1 AND idx = ?2",
            )?
            .query_row(params![id, idx], |r| {
                let data = match r.get_ref(1)? {
                    rusqlite::types::ValueRef::Blob(b) => Some(Zeroizing::new(b.to_vec())),
                    _ => None,
                };
                Ok((
                    from_sql_u64(r.get(0)?),
                    data,
                    r.get(2)?,
                    r.get(3)?,
                    from_sql_u64(r.get(4)?),
                    from_sql_u64(r.get(5)?),
                ))
            })
            .optional()?;
        let Some((len, data, file, salt, start, inline_len)) = row else {
            return Ok(None);
        };
        if let Some(d) = data {
            return Ok(Some(PartSource::Inline(d)));
        }
        let (Some(file), Some(salt)) = (file, salt) else {
            return Ok(None);
        };
        let layout = PartLayout {
            start,
            len,
            inline_len,
        };
        let r = PartFileRef { idx, file, salt };
        Ok(Some(PartSource::File(
            self.part_file_open(&r, layout, false)?,
        )))
    }
}
