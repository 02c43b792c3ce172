//! The storage interface of the relay: put a blob under a tag (durably, within the tag's
//! quota), plan and read a fetch page, delete by `(tag, id)`, sweep expired blobs.
//!
//! It is small on purpose so that a shared database can serve several relay nodes:
//! [`log::LogStore`] is the embedded, crash-safe default, [`pg::PgStore`] keeps everything
//! in PostgreSQL. `relay/tests/conformance/` runs one suite against both. A store never sees
//! a capability:
//! the HTTP layer turns capabilities into tags before calling it, so a wrong capability is
//! simply a tag the store has nothing under.

pub mod log;
pub mod pg;

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
    /// A large blob, and the tag holds the most its quota gives large ones (the rest is
    /// kept for small blobs; see [`small_reserve`]).
    #[error(
        "this tag already holds {0} blobs, the most it takes while large ones arrive (the rest of its quota of {1} is kept for small blobs)"
    )]
    LargeFull(usize, usize),
    /// The tag's unread blobs already take its byte quota; nothing is evicted.
    #[error("this tag already holds its quota of {0} bytes")]
    TagBytesFull(u64),
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
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Db(String),
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

impl<L> Planned<L> {
    /// The same slot with its chunk found somewhere else (its bytes, once read).
    pub(crate) fn with_loc<M>(self, loc: M) -> Planned<M> {
        Planned {
            cap: self.cap,
            id: self.id,
            flags: self.flags,
            chunk: self.chunk,
            chunks: self.chunks,
            len: self.len,
            loc,
        }
    }
}

/// A planned fetch page: its chunks and, when more are waiting, where the next page starts.
pub type Page<L> = (Vec<Planned<L>>, Option<Cursor>);

/// Counters for the periodic status line (counts only, never tags).
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreStats {
    /// Unread blobs held.
    pub blobs: u64,
    /// Bytes the store takes on disk (segment files, or the database tables).
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
    /// Whether another node held the sweep lock, so this sweep did nothing.
    pub skipped: bool,
}

/// Blobs of a tag's quota that only small blobs may take: large ones stop at
/// `quota - small_reserve(quota)` (112 of the default 128). A large message in flight —
/// however often its sender retries while the recipient is away — then never fills the
/// mailbox: small mail to the same person still finds room. Quotas under 8 keep none.
pub fn small_reserve(quota: usize) -> usize {
    quota / 8
}

/// Whether a tag that holds `held` unexpired blobs of `held_bytes` (puts in flight
/// included) may take one more of `len` bytes: the quota rule every store applies.
pub(crate) fn admit(
    quota: usize,
    max_bytes: u64,
    (held, held_bytes): (usize, u64),
    len: usize,
) -> Result<(), StoreError> {
    if held >= quota {
        return Err(StoreError::QuotaFull(quota));
    }
    let reserve = if len > SMALL { small_reserve(quota) } else { 0 };
    if held + reserve >= quota {
        return Err(StoreError::LargeFull(quota - reserve, quota));
    }
    let reserve_bytes = reserve as u64 * SMALL as u64;
    if held_bytes + len as u64 + reserve_bytes > max_bytes {
        return Err(StoreError::TagBytesFull(max_bytes));
    }
    Ok(())
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
    ) -> impl Future<Output = Result<Page<Self::Loc>, StoreError>> + Send;

    /// Reads one planned chunk into `out` (exactly [`SMALL`] bytes).
    fn read(&self, loc: &Self::Loc, out: &mut [u8]) -> Result<(), StoreError>;

    /// Deletes the blobs `(tag, id)`; ids that are not under that tag are ignored.
    /// Resolves once the deletion is durable.
    fn delete(&self, items: Vec<(Tag, u64)>)
    -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Spends a proof-of-work nonce (its first 16 bytes) valid until `expires`: `Ok(true)`
    /// the first time, `Ok(false)` if it was spent before — on any node sharing the store.
    fn spend_nonce(
        &self,
        nonce: [u8; 16],
        expires: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The key proof-of-work nonces are sealed with: per process for a store of its own,
    /// shared by every node of a shared store (a nonce from one node is good at another).
    fn pow_key(&self) -> [u8; 32];

    /// Drops expired blobs and spent nonces and reclaims space. Blocking: call it from a
    /// plain thread or `spawn_blocking`, never on an async worker.
    fn sweep(&self) -> Result<SweepStats, StoreError>;

    /// Counters.
    fn stats(&self) -> StoreStats;

    /// Stops accepting writes, finishes queued ones and waits for them.
    fn shutdown(&self);
}

/// What the page planner needs of one stored blob.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Meta {
    /// The blob's relay id.
    pub id: u64,
    /// Its flags.
    pub flags: u8,
    /// Its length (a bucket size).
    pub len: u32,
}

/// Lays the blobs of `lists` (one list per requested tag, in arrival order) into at most
/// `slots` chunk slots from `from` on. `meta` returns `None` for a blob to skip (expired);
/// skipped blobs keep their position, so a cursor means the same thing on the next page.
/// `loc` says where chunk `c` of a blob is. Shared by every store, so paging cannot differ.
pub(crate) fn plan_page<E, L>(
    lists: &[&[E]],
    from: Cursor,
    slots: usize,
    mut meta: impl FnMut(&E) -> Option<Meta>,
    mut loc: impl FnMut(&E, u16) -> L,
) -> Page<L> {
    let mut out = Vec::with_capacity(slots);
    for (ci, list) in lists.iter().enumerate().skip(usize::from(from.cap)) {
        let first = ci == usize::from(from.cap);
        let b0 = if first { from.blob as usize } else { 0 };
        for (bi, e) in list.iter().enumerate().skip(b0) {
            let Some(m) = meta(e) else { continue };
            let chunks = (m.len as usize / SMALL) as u16;
            let c0 = if first && bi == b0 { from.chunk } else { 0 };
            for c in c0..chunks {
                if out.len() == slots {
                    let here = Cursor {
                        cap: ci as u16,
                        blob: bi as u32,
                        chunk: c,
                    };
                    return (out, Some(here));
                }
                out.push(Planned {
                    cap: ci as u16,
                    id: m.id,
                    flags: m.flags,
                    chunk: c,
                    chunks,
                    len: m.len,
                    loc: loc(e, c),
                });
            }
        }
    }
    (out, None)
}
