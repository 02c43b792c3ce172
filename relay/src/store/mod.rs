//! The storage interface of the relay: put a blob under a tag (durably, within the tag's
//! quota), plan and read a fetch page, delete by `(tag, id)`, sweep expired blobs.
//!
//! It is small on purpose so that a shared database can later serve several relay nodes;
//! [`log::LogStore`] is the embedded, crash-safe default. A store never sees a capability:
//! the HTTP layer turns capabilities into tags before calling it, so a wrong capability is
//! simply a tag the store has nothing under.

pub mod log;

use axum::body::Bytes;
use hushpost_wire::Tag;
use std::future::Future;

/// The two bucket sizes (the small one is also the fetch slot size), from the envelope.
pub use hushpost_wire::{LARGE, SMALL};

pub use hushpost_wire::api::{Cursor, FLAG_STAMPED};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The tag already holds its quota of unread blobs; nothing is evicted to make room.
    #[error("this tag already holds its quota of {0} blobs")]
    QuotaFull(usize),
    /// The disk is at its high-water mark; try later.
    #[error("the relay is low on storage space")]
    StorageFull,
    /// The store is shutting down.
    #[error("the store is shutting down")]
    Closed,
    /// A blob size that is not a bucket.
    #[error("blob size {0} is not 16384 or 262144")]
    BadSize(usize),
    /// Disk I/O failed.
    #[error("storage I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// One slot of a planned fetch page: which chunk of which blob goes there.
#[derive(Debug, Clone)]
pub struct Planned<L> {
    /// Index into the request's capability list.
    pub cap: u16,
    /// The blob's relay id (random; used to delete it).
    pub id: u64,
    /// Blob flags ([`FLAG_STAMPED`]).
    pub flags: u8,
    /// Chunk index within the blob.
    pub chunk: u16,
    /// Number of chunks of the blob (1 for small, 16 for large).
    pub chunks: u16,
    /// Blob length.
    pub len: u32,
    /// Store-specific location of the chunk.
    pub loc: L,
}

/// Counters for the periodic status line (counts only, never tags).
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreStats {
    /// Unread blobs held.
    pub blobs: u64,
    /// Bytes of all segment files.
    pub bytes: u64,
}

/// What a sweep removed.
#[derive(Debug, Clone, Copy, Default)]
pub struct SweepStats {
    /// Blobs dropped because they outlived retention.
    pub expired: u64,
    /// Segment files deleted.
    pub segments_removed: u64,
    /// Sparse segments whose live blobs were copied elsewhere.
    pub segments_compacted: u64,
}

/// The storage interface.
pub trait BlobStore: Send + Sync + 'static {
    /// A chunk's location, from [`BlobStore::plan`] to [`BlobStore::read`].
    type Loc: Send;

    /// Stores `blob` under `tag`. Resolves only once the blob is durable (it survives a
    /// crash of the process or the machine).
    fn put(
        &self,
        tag: Tag,
        blob: Bytes,
        flags: u8,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Plans up to `slots` chunks of the blobs under `tags`, starting at `from`; returns the
    /// chunks and, when more are waiting, where the next page starts.
    fn plan(
        &self,
        tags: &[Tag],
        from: Cursor,
        slots: usize,
    ) -> (Vec<Planned<Self::Loc>>, Option<Cursor>);

    /// Reads one planned chunk into `out` (exactly [`SMALL`] bytes).
    fn read(&self, loc: &Self::Loc, out: &mut [u8]) -> Result<(), StoreError>;

    /// Deletes the blobs `(tag, id)`; ids that are not under that tag are ignored.
    /// Resolves once the deletion is durable.
    fn delete(&self, items: Vec<(Tag, u64)>)
    -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Drops expired blobs and reclaims space. Blocking; call off the async workers.
    fn sweep(&self) -> Result<SweepStats, StoreError>;

    /// Counters.
    fn stats(&self) -> StoreStats;

    /// Stops accepting writes, finishes queued ones and waits for them.
    fn shutdown(&self);
}
