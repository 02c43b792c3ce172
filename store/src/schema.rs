//! Opening the database: private file modes before SQLite sees the file, the raw SQLCipher
//! key, the pragmas every connection needs, and schema migrations by `user_version`.
//!
//! Must not write anything to an existing database before the key is proven right: a wrong
//! key has to leave the files byte-for-byte unchanged.

use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use zeroize::Zeroizing;

use crate::{SCHEMA_VERSION, StoreError};

/// File name of the database inside the store directory.
pub(crate) const DB_FILE: &str = "store.db";

/// Oldest SQLite with FTS5 `contentless_delete` (3.43) — checked at open so a build against
/// an older library fails loudly instead of creating a differently shaped index.
const MIN_SQLITE: i32 = 3_043_000;

/// Pages kept decrypted in memory (negative = KiB): large enough that list and search of a
/// 100k-message store stay in cache after first use.
const CACHE_KIB: i64 = 32 * 1024;

/// The WAL grows to the size of the largest transaction (a big fetch batch, a 1 GiB message's
/// fragments); after a checkpoint it is truncated back to this.
const WAL_LIMIT_BYTES: i64 = 64 * 1024 * 1024;

/// Version 1. The full-text index is contentless (it keeps no copy of the text) with
/// `contentless_delete`, so deleting a message records a tombstone; the deleted message's
/// words stay in the (encrypted) index until its segment is merged or [`crate::Store::compact`]
/// runs. FTS5's own `secure-delete` option is deliberately not set: it needs the deleted
/// text, which a contentless table does not have, so it removes nothing here while costing
/// ~25% of insert time and the fast newest-first doclist walk (measured).
///
/// The `sent_max` column (max `sent_at` of every message stored up to and
/// including this row) lets search walk the full-text index newest-id-first and stop early
/// while still returning results in `sent_at` order; see `search.rs`.
const V1: &str = r#"
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sender          BLOB    NOT NULL CHECK (length(sender) = 32),
    msg_id          BLOB    NOT NULL CHECK (length(msg_id) = 16),
    outgoing        INTEGER NOT NULL,
    peer            TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    sent_at         INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    unread          INTEGER NOT NULL,
    message_id      TEXT    NOT NULL,
    in_reply_to     TEXT,
    thread          INTEGER NOT NULL,
    has_attachments INTEGER NOT NULL,
    size            INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    burn            INTEGER NOT NULL,
    verified        INTEGER NOT NULL,
    prev_hash       BLOB    NOT NULL,
    chain           BLOB    NOT NULL,
    body_file       TEXT,
    sent_max        INTEGER NOT NULL,
    UNIQUE (sender, msg_id)
);
CREATE INDEX messages_sent ON messages (sent_at);
CREATE INDEX messages_unread ON messages (sent_at) WHERE unread = 1;
CREATE INDEX messages_outgoing ON messages (outgoing, sent_at);
CREATE INDEX messages_thread ON messages (thread, sent_at);
CREATE INDEX messages_message_id ON messages (message_id) WHERE message_id <> '';
CREATE INDEX messages_in_reply_to ON messages (in_reply_to) WHERE in_reply_to IS NOT NULL;
CREATE INDEX messages_expires ON messages (expires_at) WHERE expires_at > 0;
CREATE INDEX messages_body_file ON messages (body_file) WHERE body_file IS NOT NULL;

CREATE TABLE bodies (
    id  INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    raw BLOB NOT NULL
);

CREATE VIRTUAL TABLE fts USING fts5 (
    subject, body, peer,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE seen (
    sender BLOB    NOT NULL,
    msg_id BLOB    NOT NULL,
    at     INTEGER NOT NULL,
    PRIMARY KEY (sender, msg_id)
) WITHOUT ROWID;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE pending (
    sender      BLOB    NOT NULL,
    msg_id      BLOB    NOT NULL,
    part        INTEGER NOT NULL,
    mac         BLOB    NOT NULL,
    data        BLOB    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (sender, msg_id, part, mac)
);
"#;

/// Version 2: per-recipient delivery state of sent mail (what is sent, queued, failed and
/// why; the outbox group each recipient's blobs wait under), the quarantine for blobs that
/// failed the time window (kept sealed, released on request or once the clock agrees), and
/// the send chain in the replay window (`prev_hash`, `chain`) so a missing or forked message
/// is noticed even after the message itself was deleted.
const V2: &str = r#"
CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    message      INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    recipient    TEXT    NOT NULL,
    recipient_ed BLOB    NOT NULL CHECK (length(recipient_ed) = 32),
    route        TEXT    NOT NULL,
    grp          BLOB    NOT NULL UNIQUE CHECK (length(grp) = 16),
    state        TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    blobs        INTEGER NOT NULL,
    sent_blobs   INTEGER NOT NULL DEFAULT 0,
    fallback     INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX deliveries_message ON deliveries (message);
CREATE INDEX deliveries_open ON deliveries (state) WHERE state NOT IN ('sent', 'dropped');

CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    route       TEXT    NOT NULL,
    owner       BLOB    NOT NULL,
    reason      TEXT    NOT NULL,
    blob        BLOB    NOT NULL,
    received_at INTEGER NOT NULL
);

ALTER TABLE seen ADD COLUMN prev_hash BLOB;
ALTER TABLE seen ADD COLUMN chain BLOB;
CREATE INDEX seen_chain ON seen (sender, chain) WHERE chain IS NOT NULL;
CREATE INDEX seen_prev ON seen (sender, prev_hash) WHERE prev_hash IS NOT NULL;
"#;

/// Version 3 (envelope v2): a message's attachments as parts of their own — small ones
/// inline, those of large messages as encrypted files under `parts/` (`parts.rs`); large
/// messages that are still arriving (`partial`: the verified head's fragment plan, which
/// fragments are stored, and their part files), and fragments that arrived before their
/// head, kept sealed as they came (`early`, files under `early/`); and what a delivery needs
/// to be sealed again the same way after an interruption (`deliveries.draft`).
const V3: &str = r#"
CREATE TABLE parts (
    message    INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    len        INTEGER NOT NULL,
    data       BLOB,
    file       TEXT,
    salt       BLOB,
    start      INTEGER NOT NULL DEFAULT 0,
    inline_len INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (message, idx)
);
CREATE INDEX parts_file ON parts (file) WHERE file IS NOT NULL;

CREATE TABLE partial (
    sender      BLOB    NOT NULL,
    msg_id      BLOB    NOT NULL,
    plan        BLOB    NOT NULL,
    bitmap      BLOB    NOT NULL,
    head        BLOB    NOT NULL,
    letter      BLOB,
    started_at  INTEGER NOT NULL,
    progress_at INTEGER NOT NULL,
    PRIMARY KEY (sender, msg_id)
);

CREATE TABLE partial_files (
    sender BLOB    NOT NULL,
    msg_id BLOB    NOT NULL,
    idx    INTEGER NOT NULL,
    file   TEXT    NOT NULL,
    salt   BLOB    NOT NULL,
    PRIMARY KEY (sender, msg_id, idx)
);

CREATE TABLE early (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sender      BLOB    NOT NULL,
    msg_id      BLOB    NOT NULL,
    idx         INTEGER NOT NULL,
    file        TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (sender, msg_id, idx)
);

ALTER TABLE deliveries ADD COLUMN draft BLOB;
"#;

/// Version 4: the index text of mail a fetch has stored but not yet numbered (staged under
/// negative ids, see `arrivals.rs`); it enters the full-text index with the permanent id.
const V4: &str = r#"
CREATE TABLE arrival_text (
    id      INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    body    TEXT NOT NULL,
    peer    TEXT NOT NULL
);
"#;

/// Version 5: each message's number among received or among sent mail (`num`), so the two
/// do not share one sequence (`read 3` is the third received message, `read s3` the third
/// sent). Messages stored before keep their id as their number, so nothing a user noted
/// changes meaning; new ones count on from the highest number of their direction.
const V5: &str = r#"
ALTER TABLE messages ADD COLUMN num INTEGER;
UPDATE messages SET num = id WHERE id > 0;
CREATE UNIQUE INDEX messages_num ON messages (outgoing, num) WHERE num IS NOT NULL;
"#;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// Creates the directory and database file if needed and returns a keyed, migrated
/// connection.
/// Opens the database file and gives SQLCipher the key (not yet checked).
fn keyed_connection(db: &Path, key: &[u8; 32]) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db, flags).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::CannotOpen => {
            StoreError::io(io::Error::other("SQLite cannot open the file"), db)
        }
        other => other.into(),
    })?;
    // SQLCipher logs to stderr by default (e.g. "hmac check failed" on a wrong key), which
    // would scribble over the TUI; errors reach the caller as `StoreError` instead. The
    // setting is process-wide.
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    // A raw 256-bit key: SQLCipher skips PBKDF2, so opening costs nothing; the key comes
    // from the keyring, which already paid for scrypt.
    let hex = Zeroizing::new(hex::encode(key));
    let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex.as_str()));
    conn.execute_batch(&pragma)?;
    Ok(conn)
}

pub(crate) fn open(dir: &Path, key: &[u8; 32]) -> Result<Connection, StoreError> {
    if !dir.is_dir() {
        hushpost_durable::create_private_dir(dir).map_err(|e| StoreError::io(e, dir))?;
        // The new directory's own entry must survive a crash too.
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            hushpost_durable::sync_dir(parent).map_err(|e| StoreError::io(e, parent))?;
        }
    }
    let db = dir.join(DB_FILE);
    precreate(dir, &db)?;

    // SQLCipher very rarely refuses `PRAGMA key` on a fresh connection while other threads
    // open connections at the same moment ("An error occurred with PRAGMA key or rekey",
    // seen once in a CI run of the parallel store tests, never reproduced alone). The
    // failed connection is dropped and a new one keyed; a wrong key is a different error.
    let mut attempt = 0;
    let conn = loop {
        attempt += 1;
        match keyed_connection(&db, key) {
            Err(StoreError::Sql(m)) if attempt < 3 && m.contains("PRAGMA key") => {
                std::thread::sleep(std::time::Duration::from_millis(10 * attempt));
            }
            other => break other?,
        }
    };
    // SQLCipher checks the key on the first page read; "file is not a database" here
    // means the key does not decrypt page 1 (or the file is something else entirely).
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == ErrorCode::NotADatabase => {
            return Err(StoreError::WrongKey);
        }
        Err(e) => return Err(e.into()),
    }

    let version: i32 = conn.query_row("SELECT sqlite_version()", [], |r| {
        let v: String = r.get(0)?;
        Ok(parse_version(&v))
    })?;
    if version < MIN_SQLITE {
        return Err(StoreError::Sql(format!(
            "SQLite {version} is too old for the mail store (needs 3.43 or newer)"
        )));
    }

    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Sql(format!(
            "could not switch the mail store to WAL mode (got {mode})"
        )));
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{CACHE_KIB};
         PRAGMA journal_size_limit = {WAL_LIMIT_BYTES};"
    ))?;
    migrate(&conn)?;
    Ok(conn)
}

/// Creates the database file 0600 before SQLite does, so SQLite's `-wal` and `-shm` (which
/// copy the database's mode) are private too. Leaves an existing file alone.
fn precreate(dir: &Path, db: &Path) -> Result<(), StoreError> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(hushpost_durable::FILE_MODE)
        .open(db)
    {
        Ok(f) => {
            f.sync_all().map_err(|e| StoreError::io(e, db))?;
            hushpost_durable::sync_dir(dir).map_err(|e| StoreError::io(e, dir))
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::io(e, db)),
    }
}

/// "3.46.1" → 3046001, SQLite's own `SQLITE_VERSION_NUMBER` encoding.
fn parse_version(v: &str) -> i32 {
    let mut parts = v.split('.').map(|p| p.parse::<i32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    major * 1_000_000 + minor * 1_000 + patch
}

/// Brings the schema to [`SCHEMA_VERSION`], one committed step per version; the version is
/// re-read under the write lock so two processes opening a new store do not both migrate.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    loop {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        if version < 0 {
            return Err(StoreError::Corrupt(format!(
                "the mail store has an invalid schema version {version}"
            )));
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::Corrupt(format!(
                "the mail store has schema version {version}, written by a newer hushpost \
                 (this one knows up to {SCHEMA_VERSION}); upgrade hushpost"
            )));
        }
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current == version {
            let step = usize::try_from(version).expect("0 <= version < SCHEMA_VERSION");
            tx.execute_batch(MIGRATIONS[step])?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", version + 1))?;
        }
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_sqlite_version_number() {
        assert_eq!(parse_version("3.46.1"), 3_046_001);
        assert_eq!(parse_version("3.43.0"), MIN_SQLITE);
    }

    #[test]
    fn every_connection_gets_the_safety_settings() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(dir.path(), &[3; 32]).unwrap();
        let get = |sql: &str| -> String {
            conn.query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
                .map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
                .unwrap()
        };
        assert_eq!(get("PRAGMA journal_mode"), "wal");
        assert_eq!(get("PRAGMA synchronous"), "2", "FULL");
        assert_eq!(get("PRAGMA foreign_keys"), "1");
        assert_eq!(get("PRAGMA secure_delete"), "1");
        assert_eq!(get("PRAGMA user_version"), SCHEMA_VERSION.to_string());
        // FTS5 'secure-delete' cannot reach a contentless_delete index (deletes there are
        // tombstones) yet slows every insert by a quarter and disables the doclist index for
        // newest-first walks; `Store::compact` is how deleted words go.
        assert_eq!(
            get("SELECT count(*) FROM fts_config WHERE k = 'secure-delete'"),
            "0"
        );
        assert!(parse_version(&get("SELECT sqlite_version()")) >= MIN_SQLITE);
        assert!(
            !get("PRAGMA cipher_version").is_empty(),
            "SQLCipher is linked"
        );
    }

    #[test]
    fn one_migration_per_version() {
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION);
    }
}
