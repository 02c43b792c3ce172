//! The default store: append-only segment files with group commit, and an in-memory index
//! rebuilt from them at start.
//!
//! Why files and not redb or SQLite: a blob is written once, sequentially, and made durable
//! by one `fdatasync` shared by every blob of its batch — no write-ahead log copied later
//! into pages (SQLite), no copy-on-write B-tree pages (redb). Several writer lanes, each with
//! its own segment file, flush in parallel, which is what the disk here rewards. Recovery is
//! a linear scan that checks each record's CRC, skips a corrupt record in the middle and
//! cuts a torn tail (only a batch that was never acknowledged can be torn). `docs/RELAY.md`
//! has the record layout. Split into the record format and recovery (`segment`), the
//! in-memory index (`index`), the writer threads (`lanes`) and sweeps (`sweep`).
//!
//! Must not: evict an unread blob to admit a new one, acknowledge a put before its batch is
//! flushed, or log a tag.

mod index;
mod lanes;
mod segment;
mod sweep;
#[cfg(test)]
mod tests;

pub use segment::HEADER;

use super::{BlobStore, Cursor, LARGE, Meta, Page, SMALL, StoreError, StoreStats, SweepStats};
use axum::body::Bytes;
use hushpost_wire::Tag;
use hushpost_wire::time::Clock;
use index::{ChunkLoc, Entry, Index, Pending, Seg};
use lanes::{Job, Lane, PutJob};
use segment::{RecordHead, seg_path};
use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// Tunables of the log store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Unread blobs one tag may hold.
    pub tag_quota: usize,
    /// Bytes of unread blobs one tag may hold.
    pub tag_max_bytes: u64,
    /// Seconds a blob is kept before it is deleted unread.
    pub retention_secs: u64,
    /// A lane starts a new segment file past this size.
    pub segment_bytes: u64,
    /// Writer lanes (parallel group commits).
    pub lanes: usize,
    /// Refuse puts once the segment files add up to this many bytes.
    pub max_bytes: Option<u64>,
    /// Refuse puts while the file system has less free space than this.
    pub min_free_bytes: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            tag_quota: 128,
            tag_max_bytes: 128 * LARGE as u64,
            retention_secs: 14 * 86_400,
            segment_bytes: 64 << 20,
            lanes: 4,
            max_bytes: None,
            min_free_bytes: 1 << 30,
        }
    }
}

pub(super) struct Shared {
    dir: PathBuf,
    cfg: StoreConfig,
    clock: Arc<dyn Clock>,
    index: RwLock<Index>,
    next_seq: AtomicU64,
    next_seg: AtomicU32,
    low_space: AtomicBool,
    space_checked: AtomicU64,
    /// Free bytes at the last look, and bytes of puts taken since.
    free_at_check: AtomicU64,
    taken_since_check: AtomicU64,
}

/// The append-only segment store.
pub struct LogStore {
    shared: Arc<Shared>,
    lanes: RwLock<Vec<Sender<Job>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    next_lane: AtomicUsize,
    /// Spent proof-of-work nonces until they expire (they die with the process, as does
    /// the key that made them).
    spent: Mutex<HashMap<[u8; 16], u64>>,
    pow_key: [u8; 32],
    /// Held for the store's life: a second process on the same directory would corrupt it.
    _lock: File,
}

impl std::fmt::Debug for LogStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogStore")
            .field("dir", &self.shared.dir)
            .finish_non_exhaustive()
    }
}

impl LogStore {
    /// Opens (or creates) the store in `dir`, recovering whatever a crash left.
    pub fn open(dir: &Path, cfg: StoreConfig, clock: Arc<dyn Clock>) -> io::Result<LogStore> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let lock = lock_dir(dir)?;
        let now = clock.now();
        let ids = segment::list(dir)?;
        let mut index = Index::default();
        let mut seen = HashSet::new();
        let mut max_seq = 0u64;
        for &id in &ids {
            let path = seg_path(dir, id);
            let (file, rec) = segment::recover(&path, id)?;
            let (mut live, mut live_bytes, mut marked) = (0u64, 0u64, false);
            for (tag, e) in rec.entries {
                max_seq = max_seq.max(e.seq);
                if e.time.saturating_add(cfg.retention_secs) <= now {
                    continue;
                }
                // A compaction that crashed after copying leaves the same blob twice: keep
                // the first copy, and kill the second so a later delete cannot resurrect it.
                if !seen.insert(e.id) {
                    segment::mark_dead(&file, e.off)?;
                    marked = true;
                    continue;
                }
                live += 1;
                live_bytes += e.record_len();
                index.blobs += 1;
                index.tags.entry(tag).or_default().push(e);
            }
            if marked {
                file.sync_data()?;
            }
            index.bytes += rec.size;
            index.segs.insert(
                id,
                Seg {
                    file: Arc::new(file),
                    path,
                    size: rec.size,
                    live,
                    live_bytes,
                    active: false,
                },
            );
        }
        for v in index.tags.values_mut() {
            v.sort_by_key(|e| e.seq);
        }
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            clock,
            index: RwLock::new(index),
            next_seq: AtomicU64::new(max_seq + 1),
            next_seg: AtomicU32::new(ids.last().map_or(1, |m| m + 1)),
            low_space: AtomicBool::new(false),
            space_checked: AtomicU64::new(0),
            free_at_check: AtomicU64::new(u64::MAX),
            taken_since_check: AtomicU64::new(0),
            cfg: cfg.clone(),
        });
        let mut lanes = Vec::new();
        let mut threads = Vec::new();
        for n in 0..cfg.lanes.max(1) {
            let (tx, rx) = mpsc::channel();
            let lane = Lane::new(shared.clone(), rx);
            threads.push(
                std::thread::Builder::new()
                    .name(format!("relay-lane-{n}"))
                    .spawn(move || lane.run())?,
            );
            lanes.push(tx);
        }
        let store = LogStore {
            shared,
            lanes: RwLock::new(lanes),
            threads: Mutex::new(threads),
            next_lane: AtomicUsize::new(0),
            spent: Mutex::new(HashMap::new()),
            pow_key: rand::random(),
            _lock: lock,
        };
        store.sweep().map_err(|e| match e {
            StoreError::Io(e) => e,
            other => io::Error::other(other.to_string()),
        })?;
        // Said once at start: a relay on a disk smaller than its mark refuses every put.
        if let Ok(v) = nix::sys::statvfs::statvfs(dir) {
            let free = v.blocks_available().saturating_mul(v.fragment_size());
            if free < cfg.min_free_bytes {
                tracing::warn!(
                    "the data directory has {} MiB free, below the {} MiB --min-free-space: every put is refused until there is more room",
                    free >> 20,
                    cfg.min_free_bytes >> 20
                );
            }
        }
        Ok(store)
    }

    /// Puts are being refused for space (free disk below the mark, or the size cap near).
    fn under_pressure(&self) -> bool {
        let s = &self.shared;
        s.low_space.load(Ordering::Relaxed)
            || s.cfg
                .max_bytes
                .is_some_and(|max| s.read().bytes + s.cfg.segment_bytes > max)
    }

    /// Asks every lane to seal its segment if it is mostly dead, and waits for the answers.
    fn seal_lanes(&self) {
        let waits: Vec<_> = self
            .shared_lanes()
            .iter()
            .filter_map(|l| {
                let (done, rx) = mpsc::sync_channel(1);
                l.send(Job::Seal(done)).ok().map(|()| rx)
            })
            .collect();
        for w in waits {
            let _ = w.recv();
        }
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        let lanes = self.shared_lanes();
        if lanes.is_empty() {
            return Err(StoreError::Closed);
        }
        let n = self.next_lane.fetch_add(1, Ordering::Relaxed) % lanes.len();
        lanes[n].send(job).map_err(|_| StoreError::Closed)
    }

    /// Resolves once every job queued on every lane before it is done (deletes in flight
    /// are then on disk).
    async fn barrier(&self) -> Result<(), StoreError> {
        let waits: Vec<_> = {
            let lanes = self.shared_lanes();
            lanes
                .iter()
                .filter_map(|l| {
                    let (done, rx) = oneshot::channel();
                    l.send(Job::Barrier(done)).ok().map(|()| rx)
                })
                .collect()
        };
        for w in waits {
            w.await.map_err(|_| StoreError::Closed)?;
        }
        Ok(())
    }

    fn shared_lanes(&self) -> std::sync::RwLockReadGuard<'_, Vec<Sender<Job>>> {
        self.lanes.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts a put of `len` bytes under `tag` as pending if the tag's quota (blobs and
    /// bytes, expired ones not counted) has room for it.
    fn reserve(&self, tag: &Tag, len: usize, now: u64) -> Result<(), StoreError> {
        let s = &self.shared;
        let mut guard = s.write();
        let idx = &mut *guard;
        let (mut held, mut held_bytes) = (0usize, 0u64);
        if let Some(v) = idx.tags.get_mut(tag) {
            let (segs, blobs) = (&mut idx.segs, &mut idx.blobs);
            v.retain(|e| {
                let keep = !s.expired(e, now);
                if !keep {
                    Index::remove_entry(segs, blobs, e);
                }
                keep
            });
            held = v.len();
            held_bytes = v.iter().map(|e| u64::from(e.len)).sum();
        }
        let p = idx.pending.get(tag).copied().unwrap_or_default();
        super::admit(
            s.cfg.tag_quota,
            s.cfg.tag_max_bytes,
            (held + p.blobs as usize, held_bytes + p.bytes),
            len,
        )?;
        idx.pending.insert(
            *tag,
            Pending {
                blobs: p.blobs + 1,
                bytes: p.bytes + len as u64,
            },
        );
        Ok(())
    }

    /// Every unexpired blob, tag by tag in arrival order, handed to `each` with its data
    /// (for `relay migrate`). Blocking.
    pub fn export(
        &self,
        mut each: impl FnMut(ExportedBlob<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let s = &self.shared;
        let now = s.clock.now();
        let mut all: Vec<(Tag, Entry, Arc<File>)> = {
            let idx = s.read();
            idx.tags
                .iter()
                .flat_map(|(t, v)| v.iter().map(move |e| (*t, *e)))
                .filter(|(_, e)| !s.expired(e, now))
                .filter_map(|(t, e)| Some((t, e, idx.segs.get(&e.seg)?.file.clone())))
                .collect()
        };
        all.sort_by_key(|(_, e, _)| e.seq);
        let mut data = vec![0u8; LARGE];
        for (tag, e, file) in all {
            let d = &mut data[..e.len as usize];
            file.read_exact_at(d, e.off + HEADER as u64)?;
            each(ExportedBlob {
                tag,
                id: e.id,
                flags: e.flags,
                time: e.time,
                data: d,
            })?;
        }
        Ok(())
    }

    fn check_space(&self, need: u64) -> Result<(), StoreError> {
        let s = &self.shared;
        let now = s.clock.now();
        // The file system is asked at most once a second; the puts taken since count
        // against what it said (at 10 MB/s over loopback, a small disk filled up between
        // two looks and the mark was overrun to ENOSPC).
        if s.space_checked.swap(now, Ordering::Relaxed) != now
            && let Ok(v) = nix::sys::statvfs::statvfs(&s.dir)
        {
            let free = v.blocks_available().saturating_mul(v.fragment_size());
            s.free_at_check.store(free, Ordering::Relaxed);
            s.taken_since_check.store(0, Ordering::Relaxed);
        }
        let free = s
            .free_at_check
            .load(Ordering::Relaxed)
            .saturating_sub(s.taken_since_check.load(Ordering::Relaxed));
        let low = free < s.cfg.min_free_bytes;
        if low != s.low_space.swap(low, Ordering::Relaxed) {
            if low {
                tracing::warn!("free disk space is below the high-water mark; refusing puts");
            } else {
                tracing::info!("free disk space is back above the high-water mark");
            }
        }
        // Refused too when this put would take it below the mark.
        if free < s.cfg.min_free_bytes.saturating_add(need) {
            return Err(StoreError::StorageFull);
        }
        if let Some(max) = s.cfg.max_bytes
            && s.read().bytes + need > max
        {
            return Err(StoreError::StorageFull);
        }
        s.taken_since_check.fetch_add(need, Ordering::Relaxed);
        Ok(())
    }
}

impl Shared {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index.write().unwrap_or_else(|p| p.into_inner())
    }

    fn expired(&self, e: &Entry, now: u64) -> bool {
        e.time.saturating_add(self.cfg.retention_secs) <= now
    }
}

impl BlobStore for LogStore {
    type Loc = Bytes;

    async fn put(&self, tag: Tag, blob: Bytes, flags: u8) -> Result<(), StoreError> {
        if blob.len() != SMALL && blob.len() != LARGE {
            return Err(StoreError::BadSize(blob.len()));
        }
        self.check_space((HEADER + blob.len()) as u64)?;
        let s = &self.shared;
        let now = s.clock.now();
        self.reserve(&tag, blob.len(), now)?;
        let (done, rx) = oneshot::channel();
        let head = RecordHead {
            tag,
            len: blob.len() as u32,
            seq: s.next_seq.fetch_add(1, Ordering::Relaxed),
            id: rand::random(),
            time: now,
            flags,
        };
        let len = blob.len();
        if let Err(e) = self.send(Job::Put(PutJob { head, blob, done })) {
            s.write().release(&tag, len);
            return Err(e);
        }
        rx.await.unwrap_or(Err(StoreError::Closed))
    }

    async fn plan(
        &self,
        tags: &[Tag],
        from: Cursor,
        slots: usize,
    ) -> Result<Page<Bytes>, StoreError> {
        let s = &self.shared;
        let now = s.clock.now();
        // The chunks are read while the index is held: a delete cannot remove a planned blob
        // (and its lane then zero the bytes) between planning and reading, which would send
        // a chunk of zeros in a slot that claims a blob.
        let idx = s.read();
        let lists: Vec<&[Entry]> = tags
            .iter()
            .map(|t| idx.tags.get(t).map_or(&[][..], |v| &v[..]))
            .collect();
        let meta = |e: &Entry| {
            (!s.expired(e, now) && idx.segs.contains_key(&e.seg)).then_some(Meta {
                id: e.id,
                flags: e.flags,
                len: e.len,
            })
        };
        let loc = |e: &Entry, c: u16| ChunkLoc {
            file: idx.segs[&e.seg].file.clone(),
            off: e.off + HEADER as u64 + u64::from(c) * SMALL as u64,
        };
        let (plan, next) = super::plan_page(&lists, from, slots, meta, loc);
        let mut out = Vec::with_capacity(plan.len());
        for p in plan {
            let mut data = vec![0u8; SMALL];
            p.loc.file.read_exact_at(&mut data, p.loc.off)?;
            out.push(p.with_loc(Bytes::from(data)));
        }
        Ok((out, next))
    }

    fn read(&self, loc: &Bytes, out: &mut [u8]) -> Result<(), StoreError> {
        out.copy_from_slice(&loc[..out.len()]);
        Ok(())
    }

    async fn delete(&self, items: Vec<(Tag, u64)>) -> Result<(), StoreError> {
        let (locs, ids, wait) = {
            let mut guard = self.shared.write();
            let idx = &mut *guard;
            let (mut locs, mut ids, mut wait) = (Vec::new(), Vec::new(), false);
            for (tag, id) in items {
                let pos = idx
                    .tags
                    .get(&tag)
                    .and_then(|v| v.iter().position(|e| e.id == id));
                let Some(pos) = pos else {
                    // Maybe another request is deleting it right now: this answer must not
                    // come before that deletion is on disk.
                    wait |= idx.deleting.contains_key(&id);
                    continue;
                };
                let v = idx.tags.get_mut(&tag).expect("just found");
                let e = v.remove(pos);
                if v.is_empty() {
                    idx.tags.remove(&tag);
                }
                Index::remove_entry(&mut idx.segs, &mut idx.blobs, &e);
                if let Some(seg) = idx.segs.get(&e.seg) {
                    locs.push((seg.file.clone(), e.off, e.len));
                    ids.push(e.id);
                }
            }
            for id in &ids {
                *idx.deleting.entry(*id).or_default() += 1;
            }
            (locs, ids, wait)
        };
        if !locs.is_empty() {
            let (done, rx) = oneshot::channel();
            self.send(Job::Delete { locs, ids, done })?;
            rx.await.unwrap_or(Err(StoreError::Closed))?;
        }
        if wait {
            self.barrier().await?;
        }
        Ok(())
    }

    async fn spend_nonce(&self, nonce: [u8; 16], expires: u64) -> Result<bool, StoreError> {
        let mut spent = self.spent.lock().unwrap_or_else(|p| p.into_inner());
        Ok(spent.insert(nonce, expires).is_none())
    }

    fn pow_key(&self) -> [u8; 32] {
        self.pow_key
    }

    fn sweep(&self) -> Result<SweepStats, StoreError> {
        let mut stats = SweepStats::default();
        self.expire(&mut stats);
        if self.under_pressure() {
            self.seal_lanes();
        }
        stats.segments_compacted = self.compact()?;
        self.remove_dead(&mut stats)?;
        Ok(stats)
    }

    fn stats(&self) -> StoreStats {
        let idx = self.shared.read();
        StoreStats {
            blobs: idx.blobs,
            bytes: idx.bytes,
        }
    }

    fn shutdown(&self) {
        self.lanes
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(|p| p.into_inner()));
        for t in threads {
            let _ = t.join();
        }
    }
}

/// One blob as [`LogStore::export`] hands it out.
#[derive(Debug)]
pub struct ExportedBlob<'a> {
    /// Its tag.
    pub tag: Tag,
    /// Its relay id.
    pub id: u64,
    /// Its flags.
    pub flags: u8,
    /// When it arrived (unix seconds).
    pub time: u64,
    /// Its bytes.
    pub data: &'a [u8],
}

/// Takes the store directory's lock file, or says another process holds it.
fn lock_dir(dir: &Path) -> io::Result<File> {
    let f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(dir.join("lock"))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            "another relay process is using this data directory",
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

impl Drop for LogStore {
    fn drop(&mut self) {
        self.shutdown();
    }
}
