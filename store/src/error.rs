//! The store's one error type, and the mapping from SQLite and I/O failures onto it, so
//! callers match on what happened (wrong key, disk full) rather than on SQLite codes.
//!
//! Must not put message contents in error text: errors get printed and logged.

use std::io;
use std::path::PathBuf;

use rusqlite::ErrorCode;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key does not open the database (or the file is not a hushpost store at all).
    #[error("the mail store key is wrong, or the file is not a hushpost mail store")]
    WrongKey,
    /// The database or a body file opened but its contents are damaged or inconsistent.
    #[error("the mail store is corrupted: {0}")]
    Corrupt(String),
    /// An I/O error on a path (the store directory, the database, a body file).
    #[error("{1}: {0}")]
    Io(#[source] io::Error, PathBuf),
    /// Any other SQLite error (a bug, a lock held too long by another process…).
    #[error("mail store database error: {0}")]
    Sql(String),
    /// No space left on the device; nothing of the failed operation was stored.
    #[error("the disk is full; the mail store did not save anything of this operation")]
    DiskFull,
    /// No message with this id.
    #[error("no message with id {0}")]
    NotFound(i64),
}

impl StoreError {
    /// Wraps an I/O error on `path`, recognising a full disk.
    pub(crate) fn io(e: io::Error, path: impl Into<PathBuf>) -> StoreError {
        if hushpost_durable::is_disk_full(&e) {
            StoreError::DiskFull
        } else {
            StoreError::Io(e, path.into())
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    /// SQLite's unix VFS already turns a short write with `ENOSPC` into `SQLITE_FULL`.
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                ErrorCode::DiskFull => return StoreError::DiskFull,
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                    return StoreError::Corrupt(e.to_string());
                }
                _ => {}
            }
        }
        StoreError::Sql(e.to_string())
    }
}
