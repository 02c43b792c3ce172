//! The local mailbox: every accepted message, its replay-window entry and half-received
//! fragments, in one SQLCipher database (plus age-encrypted files for bodies over 1 MiB), so
//! that nothing readable about the mail — contents, subjects, contact names — ever sits in
//! the data directory without the 32-byte store key.
//!
//! Must not decrypt envelopes, parse mail or touch the network: it stores what the receive
//! path hands it, and reports a message stored only once it is on disk (the caller deletes
//! the blob from the remote drop right after).
//!
//! Layout of `dir`: `store.db` (+ `-wal`, `-shm`), all 0600; `bodies/<hex>.age` for large
//! bodies; `parts/<hex>.part` for the attachments of large messages (records sealed under a
//! per-file key, see `parts.rs`); `early/<hex>.blob` for fragments that arrived before their
//! head (sealed, as fetched); the directories are 0700.
//!
//! - Encryption: SQLCipher with the caller's raw 32-byte key (no PBKDF2 on open); large
//!   bodies are age files to an X25519 key HKDF-derived from the same key. SQLite keeps
//!   temporary data in memory, and SQLCipher's own stderr logging is switched off.
//! - Durability: WAL with `synchronous = FULL`; body files are written and fsynced before
//!   the transaction that names them commits, and removed only after their row's deletion
//!   commits (an orphan left by a crash is swept at the next open).
//! - Speed: one transaction per batch; list walks a `sent_at` index; search walks the FTS5
//!   index newest-first and stops early (see `search.rs`). FTS5 is contentless with
//!   `contentless_delete`: the index holds no copy of the text; a deleted message's words
//!   leave it when its segment is merged, or at once with [`Store::compact`].
#![forbid(unsafe_code)]

mod arrivals;
mod attach;
mod bodies;
mod deliveries;
mod error;
mod insert;
mod partial;
mod parts;
mod pending;
mod query;
mod schema;
mod search;
mod seen;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use attach::{NewPart, PartData, PartSource, StoredPart};
pub use deliveries::{Delivery, DeliveryState, Quarantined};
pub use error::StoreError;
pub use partial::{Early, NewPartial, PartFileRef, Partial};
pub use parts::{CHUNK, PartFile, PartLayout};
pub use seen::{ChainAlert, SeenSnapshot};

/// Bodies larger than this go to an encrypted file of their own instead of the database, so
/// a few huge messages do not bloat the WAL or the page cache.
pub const INLINE_BODY_MAX: usize = 1024 * 1024;

/// HKDF info of the key part files' keys are derived from; changing it orphans them all.
const PART_KEY_INFO: &[u8] = b"hushpost v2 store parts";

/// The current schema version (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 5;

/// One message to store, as the receive (or send) path produced it.
#[derive(Clone)]
pub struct NewMessage<'a> {
    /// The sender's Ed25519 key (for outgoing mail: our own).
    pub sender: [u8; 32],
    /// The envelope's random message id; `(sender, msg_id)` identifies a message for dedupe.
    pub msg_id: [u8; 16],
    /// True for mail we sent.
    pub outgoing: bool,
    /// Contact name snapshot: the sender for incoming mail, the recipients for outgoing.
    pub peer: String,
    /// The Subject header, decoded.
    pub subject: String,
    /// `sent_at` from the envelope (Unix seconds).
    pub sent_at: u64,
    /// When we stored it (Unix seconds).
    pub received_at: u64,
    /// The RFC 5322 Message-ID (may be empty).
    pub message_id: String,
    /// The In-Reply-To header.
    pub in_reply_to: Option<String>,
    /// The References header, oldest first.
    pub references: Vec<String>,
    /// Plain text of the body, for the full-text index only.
    pub text: String,
    /// Whether the mail has attachments.
    pub has_attachments: bool,
    /// When the message expires (Unix seconds), 0 = never.
    pub expires_at: u64,
    /// Delete after reading.
    pub burn: bool,
    /// Whether the sender's key was verified (safety number compared) when it arrived.
    pub verified: bool,
    /// The envelope's `prev_hash`.
    pub prev_hash: [u8; 32],
    /// The hash chaining this message to the next one from the same sender.
    pub chain: [u8; 32],
    /// The RFC 5322 message.
    pub raw: &'a [u8],
}

impl std::fmt::Debug for NewMessage<'_> {
    /// Shows identifiers and sizes only: a message's words do not belong in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMessage")
            .field("msg_id", &hex::encode(self.msg_id))
            .field("outgoing", &self.outgoing)
            .field("sent_at", &self.sent_at)
            .field("raw_len", &self.raw.len())
            .finish_non_exhaustive()
    }
}

/// A message with its attachments, for [`Store::insert_full`].
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    /// The message (its `raw` is the letter, part 0).
    pub msg: NewMessage<'a>,
    /// Its attachments.
    pub parts: Vec<NewPart<'a>>,
    /// It was a large message arriving in pieces: its partial record is forgotten (its
    /// part files now belong to these parts).
    pub completes_partial: bool,
}

/// `(sender, msg_id)`: what identifies a message for dedupe and reassembly.
pub type MessageKey = ([u8; 32], [u8; 16]);

/// A message as [`Store::get`] returns it: its summary and the raw RFC 5322 bytes,
/// zeroized when dropped.
pub type StoredMessage = (Summary, zeroize::Zeroizing<Vec<u8>>);

/// What a list or a search shows about a message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Local id, stable for the life of the store (never reused).
    pub id: i64,
    /// The sender's Ed25519 key.
    #[serde(skip)]
    pub sender: [u8; 32],
    /// Contact name snapshot.
    pub peer: String,
    /// Subject.
    pub subject: String,
    /// `sent_at` (Unix seconds).
    pub date: u64,
    /// When it was stored (Unix seconds).
    pub received_at: u64,
    /// Not read yet.
    pub unread: bool,
    /// Thread id: the id of the first message of the conversation.
    pub thread: i64,
    /// Has attachments.
    pub has_attachments: bool,
    /// Sent by us.
    pub outgoing: bool,
    /// Expiry (Unix seconds), 0 = never.
    pub expires_at: u64,
    /// Delete after reading.
    pub burn: bool,
    /// Sender key verified at arrival.
    pub verified: bool,
    /// Size of the raw message in bytes.
    pub size: u64,
    /// RFC 5322 Message-ID.
    pub message_id: String,
    /// Its number among received (or among sent) mail: what people type (`read 3`,
    /// `read s3`). Counts up per direction and is never reused.
    pub num: i64,
}

/// A message's id and flags ([`Store::flags`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flags {
    /// Local id.
    pub id: i64,
    /// Sent by us.
    pub outgoing: bool,
    /// Not read yet.
    pub unread: bool,
    /// Delete after reading.
    pub burn: bool,
}

/// The outcome of storing one message of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// Stored under this id.
    New(i64),
    /// Already stored, or stored and deleted within the replay window: ignored.
    Duplicate,
}

/// Which messages [`Store::list`] returns; the default is "everything, newest first".
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// At most this many; 0 = no limit.
    pub limit: usize,
    /// Skip this many first.
    pub offset: usize,
    /// Only unread messages.
    pub unread_only: bool,
    /// Only outgoing (`Some(true)`) or incoming (`Some(false)`) mail.
    pub outgoing: Option<bool>,
    /// Only this thread.
    pub thread: Option<i64>,
}

/// An open mail store. One per process is the intent; several processes may open the same
/// store (SQLite locking), e.g. a cron `poll` while the TUI runs.
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    bodies: bodies::Bodies,
    /// What each part file's key is derived from (with the file's salt).
    part_key: zeroize::Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish()
    }
}

impl Store {
    /// Opens the store in `dir` with `key`, creating the directory (0700) and the database
    /// (0600) if missing. A key that does not open an existing store gives
    /// [`StoreError::WrongKey`] and leaves the files untouched.
    pub fn open(dir: &Path, key: &[u8; 32]) -> Result<Store, StoreError> {
        let conn = schema::open(dir, key)?;
        let bodies = bodies::Bodies::new(dir, key);
        let store = Store {
            conn,
            dir: dir.to_path_buf(),
            bodies,
            part_key: bodies::derive(key, PART_KEY_INFO),
        };
        store.sweep_orphan_bodies()?;
        Ok(store)
    }

    /// The directory the store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Total number of messages (not counting those a fetch has yet to number).
    pub fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM messages WHERE id > 0")?
            .query_row([], |r| r.get(0))?;
        Ok(from_sql_u64(n))
    }

    /// A number that changes whenever another connection commits to the store (another
    /// process, such as a cron `poll`, or another handle in this one) and stays put for this
    /// connection's own writes: SQLite's `PRAGMA data_version`. One cheap read, so an open
    /// inbox can ask every second or two whether what it shows may be stale.
    pub fn data_version(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        Ok(from_sql_u64(n))
    }

    /// Number of unread messages.
    pub fn unread_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM messages WHERE unread = 1 AND id > 0")?
            .query_row([], |r| r.get(0))?;
        Ok(from_sql_u64(n))
    }

    /// A value from the store's small key/value table (cursors, last fetch times…).
    pub fn meta_get(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a value in the key/value table (durable when it returns).
    pub fn meta_set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO meta(key, value) VALUES(?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?;
        Ok(())
    }
}

/// SQLite integers are signed; timestamps and sizes beyond `i64::MAX` cannot occur in
/// practice, and saturating keeps the sort order right if one ever does.
pub(crate) fn to_sql_u64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The inverse of [`to_sql_u64`]; a negative value (only from a hand-edited database)
/// reads as 0.
pub(crate) fn from_sql_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}
