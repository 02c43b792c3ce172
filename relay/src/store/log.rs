//! The default store: append-only segment files with group commit, and an in-memory index
//! rebuilt from them at start.
//!
//! Why files and not redb or SQLite: a blob is written once, sequentially, and made durable
//! by one `fdatasync` shared by every blob of its batch — no write-ahead log copied later
//! into pages (SQLite), no copy-on-write B-tree pages (redb). Several writer lanes, each with
//! its own segment file, flush in parallel, which is what the disk here rewards. Recovery is
//! a linear scan that checks each record's CRC and cuts a torn tail (only a batch that was
//! never acknowledged can be torn). `docs/RELAY.md` has the record layout.
//!
//! Must not: evict an unread blob to admit a new one, acknowledge a put before its batch is
//! flushed, or log a tag.

use super::{BlobStore, Cursor, LARGE, Planned, SMALL, StoreError, StoreStats, SweepStats};
use axum::body::Bytes;
use hushpost_wire::Tag;
use hushpost_wire::time::Clock;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

const MAGIC: &[u8; 4] = b"HPB1";
/// Record header length (layout in `docs/RELAY.md`).
pub const HEADER: usize = 72;
const KIND_LIVE: u8 = 1;
const KIND_DEAD: u8 = 0;
const MAX_BATCH: usize = 512;
const MAX_BATCH_BYTES: usize = 32 << 20;

/// Tunables of the log store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Unread blobs one tag may hold.
    pub tag_quota: usize,
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
            retention_secs: 14 * 86_400,
            segment_bytes: 64 << 20,
            lanes: 4,
            max_bytes: None,
            min_free_bytes: 1 << 30,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    seq: u64,
    id: u64,
    seg: u32,
    off: u64,
    len: u32,
    time: u64,
    flags: u8,
}

impl Entry {
    fn record_len(&self) -> u64 {
        HEADER as u64 + u64::from(self.len)
    }
}

#[derive(Debug)]
struct Seg {
    file: Arc<File>,
    path: PathBuf,
    size: u64,
    live: u64,
    live_bytes: u64,
    active: bool,
}

#[derive(Debug, Default)]
struct Index {
    tags: HashMap<Tag, Vec<Entry>>,
    pending: HashMap<Tag, u32>,
    segs: BTreeMap<u32, Seg>,
    bytes: u64,
    blobs: u64,
}

impl Index {
    fn remove_entry(segs: &mut BTreeMap<u32, Seg>, blobs: &mut u64, e: &Entry) {
        if let Some(s) = segs.get_mut(&e.seg) {
            s.live = s.live.saturating_sub(1);
            s.live_bytes = s.live_bytes.saturating_sub(e.record_len());
        }
        *blobs = blobs.saturating_sub(1);
    }
}

/// A chunk's place on disk.
#[derive(Debug, Clone)]
pub struct ChunkLoc {
    file: Arc<File>,
    off: u64,
}

enum Job {
    Put {
        tag: Tag,
        blob: Bytes,
        flags: u8,
        seq: u64,
        id: u64,
        time: u64,
        done: oneshot::Sender<Result<(), StoreError>>,
    },
    Delete {
        locs: Vec<(Arc<File>, u64, u32)>,
        done: oneshot::Sender<Result<(), StoreError>>,
    },
    /// Compaction: copy these live blobs of segment `from` into the lane's segment. The
    /// answer goes over a std channel: sweeps run on plain threads (and at start-up, which
    /// may be inside an async runtime), where tokio's `blocking_recv` would panic.
    Move {
        from: u32,
        items: Vec<(Tag, Entry, Vec<u8>)>,
        done: mpsc::SyncSender<Result<(), StoreError>>,
    },
}

struct Shared {
    dir: PathBuf,
    cfg: StoreConfig,
    clock: Arc<dyn Clock>,
    index: RwLock<Index>,
    next_seq: AtomicU64,
    next_seg: AtomicU32,
    low_space: AtomicBool,
    space_checked: AtomicU64,
}

/// The append-only segment store.
pub struct LogStore {
    shared: Arc<Shared>,
    lanes: RwLock<Vec<Sender<Job>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    next_lane: AtomicUsize,
}

impl std::fmt::Debug for LogStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogStore")
            .field("dir", &self.shared.dir)
            .finish_non_exhaustive()
    }
}

fn seg_path(dir: &Path, id: u32) -> PathBuf {
    dir.join(format!("seg-{id:08x}.log"))
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn crc(header: &[u8], data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&header[5..68]);
    h.update(data);
    h.finalize()
}

fn encode_header(out: &mut Vec<u8>, tag: &Tag, len: u32, seq: u64, id: u64, time: u64, flags: u8) {
    out.extend_from_slice(MAGIC);
    out.push(KIND_LIVE);
    out.push(flags);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&time.to_le_bytes());
    out.extend_from_slice(&tag.0);
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b.try_into().expect("4 bytes"))
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().expect("8 bytes"))
}

fn open_rw(path: &Path, create: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).mode(0o600);
    if create {
        o.create_new(true);
    }
    o.open(path)
}

/// What one recovered segment holds.
struct Recovered {
    entries: Vec<(Tag, Entry)>,
    size: u64,
}

/// Reads a segment, cutting it at the first record that is not whole and intact.
fn recover_segment(path: &Path, seg: u32) -> io::Result<(File, Recovered)> {
    let file = open_rw(path, false)?;
    let len = file.metadata()?.len();
    let mut r = BufReader::with_capacity(1 << 20, &file);
    let mut off = 0u64;
    let mut entries = Vec::new();
    let mut header = [0u8; HEADER];
    let mut data = vec![0u8; LARGE];
    let cut = loop {
        if off == len {
            break None;
        }
        if off + HEADER as u64 > len || r.read_exact(&mut header).is_err() {
            break Some(off);
        }
        let blen = le_u32(&header[8..12]) as usize;
        if &header[..4] != MAGIC
            || !(blen == SMALL || blen == LARGE)
            || off + (HEADER + blen) as u64 > len
            || r.read_exact(&mut data[..blen]).is_err()
        {
            break Some(off);
        }
        match header[4] {
            KIND_DEAD => {}
            KIND_LIVE if crc(&header, &data[..blen]) == le_u32(&header[68..72]) => {
                let mut tag = [0u8; 32];
                tag.copy_from_slice(&header[36..68]);
                entries.push((
                    Tag(tag),
                    Entry {
                        seq: le_u64(&header[12..20]),
                        id: le_u64(&header[20..28]),
                        seg,
                        off,
                        len: blen as u32,
                        time: le_u64(&header[28..36]),
                        flags: header[5],
                    },
                ));
            }
            // A torn record can only belong to the last, unacknowledged batch: acknowledged
            // records are never rewritten except for their kind byte.
            _ => break Some(off),
        }
        off += (HEADER + blen) as u64;
    };
    drop(r);
    if let Some(at) = cut {
        tracing::warn!(
            "cutting a torn, unacknowledged tail of {} bytes from a segment",
            len - at
        );
        file.set_len(at)?;
        file.sync_all()?;
        off = at;
    }
    Ok((file, Recovered { entries, size: off }))
}

impl LogStore {
    /// Opens (or creates) the store in `dir`, recovering whatever a crash left.
    pub fn open(dir: &Path, cfg: StoreConfig, clock: Arc<dyn Clock>) -> io::Result<LogStore> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let now = clock.now();
        let mut ids: Vec<u32> = fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let n = e.file_name().into_string().ok()?;
                let hex = n.strip_prefix("seg-")?.strip_suffix(".log")?;
                u32::from_str_radix(hex, 16).ok()
            })
            .collect();
        ids.sort_unstable();
        let mut index = Index::default();
        let mut seen = HashSet::new();
        let mut max_seq = 0u64;
        for &id in &ids {
            let path = seg_path(dir, id);
            let (file, rec) = recover_segment(&path, id)?;
            let (mut live, mut live_bytes, mut marked) = (0u64, 0u64, false);
            for (tag, e) in rec.entries {
                max_seq = max_seq.max(e.seq);
                if e.time.saturating_add(cfg.retention_secs) <= now {
                    continue;
                }
                // A compaction that crashed after copying leaves the same blob twice: keep
                // the first copy, and kill the second so a later delete cannot resurrect it.
                if !seen.insert(e.id) {
                    file.write_all_at(&[KIND_DEAD], e.off + 4)?;
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
            cfg: cfg.clone(),
        });
        let mut lanes = Vec::new();
        let mut threads = Vec::new();
        for n in 0..cfg.lanes.max(1) {
            let (tx, rx) = mpsc::channel();
            let lane = Lane {
                shared: shared.clone(),
                rx,
                active: None,
            };
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
        };
        store.sweep().map_err(|e| match e {
            StoreError::Io(e) => e,
            other => io::Error::other(other.to_string()),
        })?;
        Ok(store)
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        let lanes = self.shared_lanes();
        if lanes.is_empty() {
            return Err(StoreError::Closed);
        }
        let n = self.next_lane.fetch_add(1, Ordering::Relaxed) % lanes.len();
        lanes[n].send(job).map_err(|_| StoreError::Closed)
    }

    fn shared_lanes(&self) -> std::sync::RwLockReadGuard<'_, Vec<Sender<Job>>> {
        self.lanes.read().unwrap_or_else(|p| p.into_inner())
    }

    fn check_space(&self, need: u64) -> Result<(), StoreError> {
        let s = &self.shared;
        let now = s.clock.now();
        if s.space_checked.swap(now, Ordering::Relaxed) != now {
            let low = nix::sys::statvfs::statvfs(&s.dir)
                .map(|v| {
                    v.blocks_available().saturating_mul(v.fragment_size()) < s.cfg.min_free_bytes
                })
                .unwrap_or(false);
            if low != s.low_space.swap(low, Ordering::Relaxed) {
                if low {
                    tracing::warn!("free disk space is below the high-water mark; refusing puts");
                } else {
                    tracing::info!("free disk space is back above the high-water mark");
                }
            }
        }
        if s.low_space.load(Ordering::Relaxed) {
            return Err(StoreError::StorageFull);
        }
        if let Some(max) = s.cfg.max_bytes
            && s.read().bytes + need > max
        {
            return Err(StoreError::StorageFull);
        }
        Ok(())
    }
}

impl LogStore {
    fn expire(&self, stats: &mut SweepStats) {
        let s = &self.shared;
        let now = s.clock.now();
        let mut guard = s.write();
        let idx = &mut *guard;
        let (segs, blobs) = (&mut idx.segs, &mut idx.blobs);
        idx.tags.retain(|_, v| {
            v.retain(|e| {
                let keep = !s.expired(e, now);
                if !keep {
                    Index::remove_entry(segs, blobs, e);
                    stats.expired += 1;
                }
                keep
            });
            !v.is_empty()
        });
    }

    /// Copies the live blobs of every sealed segment that is less than half alive into a
    /// lane's current segment, so the old file can go. Blocking.
    fn compact(&self) -> Result<u64, StoreError> {
        let s = &self.shared;
        let victims: Vec<(u32, Victim)> = {
            let idx = s.read();
            let mut v: HashMap<u32, Victim> = idx
                .segs
                .iter()
                .filter(|(_, g)| !g.active && g.live > 0 && g.live_bytes * 2 < g.size)
                .map(|(id, g)| (*id, (g.file.clone(), Vec::new())))
                .collect();
            if v.is_empty() {
                return Ok(0);
            }
            for (tag, es) in &idx.tags {
                for e in es {
                    if let Some((_, list)) = v.get_mut(&e.seg) {
                        list.push((*tag, *e));
                    }
                }
            }
            v.into_iter().collect()
        };
        let mut n = 0;
        for (from, (file, entries)) in victims {
            let mut items = Vec::with_capacity(entries.len());
            for (tag, e) in entries {
                let mut data = vec![0u8; e.len as usize];
                file.read_exact_at(&mut data, e.off + HEADER as u64)?;
                items.push((tag, e, data));
            }
            let (done, rx) = mpsc::sync_channel(1);
            self.send(Job::Move { from, items, done })?;
            rx.recv().unwrap_or(Err(StoreError::Closed))?;
            n += 1;
        }
        Ok(n)
    }

    fn remove_dead(&self, stats: &mut SweepStats) -> Result<(), StoreError> {
        let s = &self.shared;
        let dead: Vec<Seg> = {
            let mut guard = s.write();
            let idx = &mut *guard;
            let ids: Vec<u32> = idx
                .segs
                .iter()
                .filter(|(_, g)| !g.active && g.live == 0)
                .map(|(id, _)| *id)
                .collect();
            let dead: Vec<Seg> = ids.iter().filter_map(|id| idx.segs.remove(id)).collect();
            for g in &dead {
                idx.bytes = idx.bytes.saturating_sub(g.size);
            }
            dead
        };
        for g in &dead {
            fs::remove_file(&g.path)?;
            stats.segments_removed += 1;
        }
        if !dead.is_empty() {
            sync_dir(&s.dir)?;
        }
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
    type Loc = ChunkLoc;

    async fn put(&self, tag: Tag, blob: Bytes, flags: u8) -> Result<(), StoreError> {
        if blob.len() != SMALL && blob.len() != LARGE {
            return Err(StoreError::BadSize(blob.len()));
        }
        self.check_space((HEADER + blob.len()) as u64)?;
        let s = &self.shared;
        let now = s.clock.now();
        {
            let mut guard = s.write();
            let idx = &mut *guard;
            let mut held = 0;
            if let Some(v) = idx.tags.get_mut(&tag) {
                let (segs, blobs) = (&mut idx.segs, &mut idx.blobs);
                v.retain(|e| {
                    let keep = !s.expired(e, now);
                    if !keep {
                        Index::remove_entry(segs, blobs, e);
                    }
                    keep
                });
                held = v.len();
            }
            let pending = idx.pending.entry(tag).or_insert(0);
            if held + *pending as usize >= s.cfg.tag_quota {
                if *pending == 0 {
                    idx.pending.remove(&tag);
                }
                return Err(StoreError::QuotaFull(s.cfg.tag_quota));
            }
            *pending += 1;
        }
        let (done, rx) = oneshot::channel();
        let job = Job::Put {
            tag,
            blob,
            flags,
            seq: s.next_seq.fetch_add(1, Ordering::Relaxed),
            id: rand::random(),
            time: now,
            done,
        };
        if let Err(e) = self.send(job) {
            release(&mut s.write(), &tag);
            return Err(e);
        }
        rx.await.unwrap_or(Err(StoreError::Closed))
    }

    fn plan(
        &self,
        tags: &[Tag],
        from: Cursor,
        slots: usize,
    ) -> (Vec<Planned<ChunkLoc>>, Option<Cursor>) {
        let s = &self.shared;
        let now = s.clock.now();
        let idx = s.read();
        let mut out = Vec::with_capacity(slots);
        for (ci, tag) in tags.iter().enumerate().skip(usize::from(from.cap)) {
            let Some(v) = idx.tags.get(tag) else { continue };
            let first = ci == usize::from(from.cap);
            let b0 = if first { from.blob as usize } else { 0 };
            for (bi, e) in v.iter().enumerate().skip(b0) {
                if s.expired(e, now) {
                    continue;
                }
                let Some(seg) = idx.segs.get(&e.seg) else {
                    continue;
                };
                let chunks = (e.len as usize / SMALL) as u16;
                let c0 = if first && bi == b0 { from.chunk } else { 0 };
                for c in c0..chunks {
                    let here = Cursor {
                        cap: ci as u16,
                        blob: bi as u32,
                        chunk: c,
                    };
                    if out.len() == slots {
                        return (out, Some(here));
                    }
                    out.push(Planned {
                        cap: ci as u16,
                        id: e.id,
                        flags: e.flags,
                        chunk: c,
                        chunks,
                        len: e.len,
                        loc: ChunkLoc {
                            file: seg.file.clone(),
                            off: e.off + HEADER as u64 + u64::from(c) * SMALL as u64,
                        },
                    });
                }
            }
        }
        (out, None)
    }

    fn read(&self, loc: &ChunkLoc, out: &mut [u8]) -> Result<(), StoreError> {
        loc.file.read_exact_at(out, loc.off)?;
        Ok(())
    }

    async fn delete(&self, items: Vec<(Tag, u64)>) -> Result<(), StoreError> {
        let locs = {
            let mut guard = self.shared.write();
            let idx = &mut *guard;
            let mut locs = Vec::new();
            for (tag, id) in items {
                let Some(v) = idx.tags.get_mut(&tag) else {
                    continue;
                };
                let Some(pos) = v.iter().position(|e| e.id == id) else {
                    continue;
                };
                let e = v.remove(pos);
                if v.is_empty() {
                    idx.tags.remove(&tag);
                }
                Index::remove_entry(&mut idx.segs, &mut idx.blobs, &e);
                if let Some(seg) = idx.segs.get(&e.seg) {
                    locs.push((seg.file.clone(), e.off, e.len));
                }
            }
            locs
        };
        if locs.is_empty() {
            return Ok(());
        }
        let (done, rx) = oneshot::channel();
        self.send(Job::Delete { locs, done })?;
        rx.await.unwrap_or(Err(StoreError::Closed))
    }

    fn sweep(&self) -> Result<SweepStats, StoreError> {
        let mut stats = SweepStats::default();
        self.expire(&mut stats);
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

impl Drop for LogStore {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn release(idx: &mut Index, tag: &Tag) {
    if let Some(p) = idx.pending.get_mut(tag) {
        *p = p.saturating_sub(1);
        if *p == 0 {
            idx.pending.remove(tag);
        }
    }
}

struct Active {
    seg: u32,
    file: Arc<File>,
    size: u64,
}

/// One writer thread: batches whatever is queued, writes it with one call, flushes it with
/// one `fdatasync`, and only then answers.
struct Lane {
    shared: Arc<Shared>,
    rx: Receiver<Job>,
    active: Option<Active>,
}

/// A segment to compact: its file and its live blobs.
type Victim = (Arc<File>, Vec<(Tag, Entry)>);

type PutJob = (
    Tag,
    Bytes,
    u8,
    u64,
    u64,
    u64,
    oneshot::Sender<Result<(), StoreError>>,
);

impl Lane {
    fn run(mut self) {
        while let Ok(first) = self.rx.recv() {
            let mut jobs = vec![first];
            let mut bytes = 0usize;
            while jobs.len() < MAX_BATCH && bytes < MAX_BATCH_BYTES {
                match self.rx.try_recv() {
                    Ok(j) => {
                        if let Job::Put { blob, .. } = &j {
                            bytes += blob.len();
                        }
                        jobs.push(j);
                    }
                    Err(_) => break,
                }
            }
            let mut puts: Vec<PutJob> = Vec::new();
            for j in jobs {
                match j {
                    Job::Put {
                        tag,
                        blob,
                        flags,
                        seq,
                        id,
                        time,
                        done,
                    } => puts.push((tag, blob, flags, seq, id, time, done)),
                    Job::Move { from, items, done } => {
                        let _ = done.send(self.relocate(from, items));
                    }
                    Job::Delete { locs, done } => {
                        let r = self.delete(&locs);
                        let ok = r.is_ok();
                        let _ = done.send(r);
                        if ok {
                            scrub(&locs);
                        }
                    }
                }
            }
            if !puts.is_empty() {
                self.commit(puts);
            }
        }
        if let Some(a) = self.active.take() {
            let mut idx = self.shared.write();
            if let Some(s) = idx.segs.get_mut(&a.seg) {
                s.active = false;
            }
        }
    }

    fn rotate(&mut self, need: u64) -> io::Result<()> {
        if let Some(a) = &self.active
            && (a.size == 0 || a.size + need <= self.shared.cfg.segment_bytes)
        {
            return Ok(());
        }
        let id = self.shared.next_seg.fetch_add(1, Ordering::Relaxed);
        let path = seg_path(&self.shared.dir, id);
        let file = Arc::new(open_rw(&path, true)?);
        sync_dir(&self.shared.dir)?;
        let mut idx = self.shared.write();
        if let Some(old) = self.active.take()
            && let Some(s) = idx.segs.get_mut(&old.seg)
        {
            s.active = false;
        }
        idx.segs.insert(
            id,
            Seg {
                file: file.clone(),
                path,
                size: 0,
                live: 0,
                live_bytes: 0,
                active: true,
            },
        );
        self.active = Some(Active {
            seg: id,
            file,
            size: 0,
        });
        Ok(())
    }

    fn commit(&mut self, puts: Vec<PutJob>) {
        let need: u64 = puts.iter().map(|p| (HEADER + p.1.len()) as u64).sum();
        let written = self.rotate(need).and_then(|()| {
            let a = self
                .active
                .as_ref()
                .expect("rotate leaves an active segment");
            let mut buf = Vec::with_capacity(need as usize);
            for (tag, blob, flags, seq, id, time, _) in &puts {
                let start = buf.len();
                encode_header(&mut buf, tag, blob.len() as u32, *seq, *id, *time, *flags);
                let c = crc(&buf[start..], blob);
                buf.extend_from_slice(&c.to_le_bytes());
                buf.extend_from_slice(blob);
            }
            let r = a
                .file
                .write_all_at(&buf, a.size)
                .and_then(|()| a.file.sync_data());
            if r.is_err() {
                let _ = a.file.set_len(a.size);
            }
            r
        });
        let mut idx = self.shared.write();
        match written {
            Ok(()) => {
                let a = self.active.as_mut().expect("active segment");
                let mut off = a.size;
                a.size += need;
                idx.bytes += need;
                if let Some(s) = idx.segs.get_mut(&a.seg) {
                    s.size = a.size;
                    s.live += puts.len() as u64;
                    s.live_bytes += need;
                }
                idx.blobs += puts.len() as u64;
                let seg = a.seg;
                let mut answers = Vec::with_capacity(puts.len());
                for (tag, blob, flags, seq, id, time, done) in puts {
                    release(&mut idx, &tag);
                    let e = Entry {
                        seq,
                        id,
                        seg,
                        off,
                        len: blob.len() as u32,
                        time,
                        flags,
                    };
                    off += e.record_len();
                    let v = idx.tags.entry(tag).or_default();
                    let pos = v.partition_point(|x| x.seq < seq);
                    v.insert(pos, e);
                    answers.push(done);
                }
                drop(idx);
                for done in answers {
                    let _ = done.send(Ok(()));
                }
            }
            Err(e) => {
                let full = matches!(
                    e.kind(),
                    io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
                );
                tracing::warn!("a batch of puts failed to reach the disk: {e}");
                for (tag, .., done) in puts {
                    release(&mut idx, &tag);
                    let _ = done.send(Err(if full {
                        StoreError::StorageFull
                    } else {
                        StoreError::Io(io::Error::new(e.kind(), e.to_string()))
                    }));
                }
            }
        }
    }

    /// Writes copies of `items` (blobs of segment `from`) here, kills the old copies on
    /// disk, then points the index at the new ones. At no point can a crash leave two live
    /// copies of a blob that a later delete would miss one of.
    fn relocate(&mut self, from: u32, items: Vec<(Tag, Entry, Vec<u8>)>) -> Result<(), StoreError> {
        let need: u64 = items.iter().map(|(_, e, _)| e.record_len()).sum();
        self.rotate(need)?;
        let a = self
            .active
            .as_ref()
            .expect("rotate leaves an active segment");
        let mut buf = Vec::with_capacity(need as usize);
        for (tag, e, data) in &items {
            let start = buf.len();
            encode_header(&mut buf, tag, e.len, e.seq, e.id, e.time, e.flags);
            let c = crc(&buf[start..], data);
            buf.extend_from_slice(&c.to_le_bytes());
            buf.extend_from_slice(data);
        }
        if let Err(e) = a
            .file
            .write_all_at(&buf, a.size)
            .and_then(|()| a.file.sync_data())
        {
            let _ = a.file.set_len(a.size);
            return Err(e.into());
        }
        let old = self.shared.read().segs.get(&from).map(|g| g.file.clone());
        if let Some(f) = &old {
            for (_, e, _) in &items {
                f.write_all_at(&[KIND_DEAD], e.off + 4)?;
            }
            f.sync_data()?;
        }
        let a = self.active.as_mut().expect("active segment");
        let mut idx = self.shared.write();
        let mut off = a.size;
        a.size += need;
        idx.bytes += need;
        let (mut moved, mut moved_bytes, mut orphans) = (0u64, 0u64, Vec::new());
        for (tag, e, _) in &items {
            let new = Entry {
                seg: a.seg,
                off,
                ..*e
            };
            off += e.record_len();
            let here = idx
                .tags
                .get_mut(tag)
                .and_then(|v| v.iter_mut().find(|x| x.id == e.id && x.seg == from));
            match here {
                Some(x) => {
                    *x = new;
                    moved += 1;
                    moved_bytes += e.record_len();
                }
                // Deleted or expired while being copied: the copy is dead too.
                None => orphans.push(new.off),
            }
        }
        if let Some(g) = idx.segs.get_mut(&from) {
            g.live = g.live.saturating_sub(moved);
            g.live_bytes = g.live_bytes.saturating_sub(moved_bytes);
        }
        if let Some(g) = idx.segs.get_mut(&a.seg) {
            g.size = a.size;
            g.live += moved;
            g.live_bytes += moved_bytes;
        }
        drop(idx);
        for o in &orphans {
            a.file.write_all_at(&[KIND_DEAD], o + 4)?;
        }
        if !orphans.is_empty() {
            a.file.sync_data()?;
        }
        Ok(())
    }

    fn delete(&mut self, locs: &[(Arc<File>, u64, u32)]) -> Result<(), StoreError> {
        let mut files: Vec<&Arc<File>> = Vec::new();
        for (file, off, _) in locs {
            file.write_all_at(&[KIND_DEAD], off + 4)?;
            if !files.iter().any(|f| Arc::ptr_eq(f, file)) {
                files.push(file);
            }
        }
        for f in files {
            f.sync_data()?;
        }
        Ok(())
    }
}

/// Overwrites deleted blobs' bytes once their kind byte is durably "dead", so the ciphertext
/// does not linger until the segment goes. Not flushed: a crash leaves a dead record either
/// way.
fn scrub(locs: &[(Arc<File>, u64, u32)]) {
    static ZERO: [u8; SMALL] = [0u8; SMALL];
    for (file, off, len) in locs {
        let mut at = off + HEADER as u64;
        for _ in 0..(*len as usize / SMALL) {
            if file.write_all_at(&ZERO, at).is_err() {
                break;
            }
            at += SMALL as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hushpost_wire::time::FixedClock;

    fn cfg() -> StoreConfig {
        StoreConfig {
            min_free_bytes: 0,
            lanes: 2,
            ..StoreConfig::default()
        }
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    }

    fn blob(fill: u8) -> Bytes {
        Bytes::from(vec![fill; SMALL])
    }

    fn read_all(st: &LogStore, tag: Tag) -> Vec<Vec<u8>> {
        let (plan, _) = st.plan(&[tag], Cursor::default(), 1000);
        plan.iter()
            .map(|p| {
                let mut b = vec![0u8; SMALL];
                st.read(&p.loc, &mut b).expect("read");
                b
            })
            .collect()
    }

    #[test]
    fn torn_tail_is_cut_and_everything_before_it_survives() {
        let t = tempfile::tempdir().expect("tmp");
        let clock = Arc::new(FixedClock(1_000_000));
        let tag = Tag([7; 32]);
        {
            let st = LogStore::open(t.path(), cfg(), clock.clone()).expect("open");
            rt().block_on(async {
                for i in 0..5 {
                    st.put(tag, blob(i), 0).await.expect("put");
                }
            });
        }
        // Append half a record to the newest segment, as a crash mid-write would.
        let mut segs: Vec<_> = fs::read_dir(t.path())
            .expect("ls")
            .map(|e| e.expect("e").path())
            .collect();
        segs.sort();
        let last = segs.last().expect("a segment");
        let f = OpenOptions::new().append(true).open(last).expect("open");
        let mut junk = Vec::new();
        encode_header(&mut junk, &tag, SMALL as u32, 99, 99, 1_000_000, 0);
        junk.extend_from_slice(&[1, 2, 3, 4]);
        junk.extend_from_slice(&[9u8; 100]);
        f.write_all_at(&junk, f.metadata().expect("meta").len())
            .expect("write");
        let st = LogStore::open(t.path(), cfg(), clock).expect("reopen");
        let got = read_all(&st, tag);
        assert_eq!(got.len(), 5);
        for (i, b) in got.iter().enumerate() {
            assert_eq!(b[0], i as u8);
        }
    }

    #[test]
    fn deleted_blobs_stay_deleted_and_are_scrubbed() {
        let t = tempfile::tempdir().expect("tmp");
        let clock = Arc::new(FixedClock(1_000_000));
        let tag = Tag([8; 32]);
        {
            let st = LogStore::open(t.path(), cfg(), clock.clone()).expect("open");
            rt().block_on(async {
                st.put(tag, blob(0xAB), 0).await.expect("put");
                st.put(tag, blob(0xCD), 0).await.expect("put");
                let (plan, _) = st.plan(&[tag], Cursor::default(), 10);
                st.delete(vec![(tag, plan[0].id)]).await.expect("delete");
            });
        }
        let st = LogStore::open(t.path(), cfg(), clock).expect("reopen");
        let got = read_all(&st, tag);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0][0], 0xCD);
        let mut on_disk = Vec::new();
        for e in fs::read_dir(t.path()).expect("ls") {
            on_disk.extend(fs::read(e.expect("e").path()).expect("read"));
        }
        assert!(
            !on_disk.windows(64).any(|w| w.iter().all(|b| *b == 0xAB)),
            "deleted ciphertext is still on disk"
        );
    }

    #[test]
    fn sparse_segments_are_compacted_and_survive_a_restart() {
        let t = tempfile::tempdir().expect("tmp");
        let clock = Arc::new(FixedClock(1_000_000));
        let small = StoreConfig {
            segment_bytes: 4 * (HEADER + SMALL) as u64,
            lanes: 1,
            ..cfg()
        };
        let tag = Tag([10; 32]);
        {
            let st = LogStore::open(t.path(), small.clone(), clock.clone()).expect("open");
            rt().block_on(async {
                for i in 0..8 {
                    st.put(tag, blob(0x30 + i), 0).await.expect("put");
                }
                let (plan, _) = st.plan(&[tag], Cursor::default(), 10);
                // Three of the first segment's four blobs are read and deleted.
                let ids = [0, 2, 3].iter().map(|&i| (tag, plan[i].id)).collect();
                st.delete(ids).await.expect("delete");
            });
            let s = st.sweep().expect("sweep");
            assert_eq!(s.segments_compacted, 1);
            assert_eq!(s.segments_removed, 1);
            let got: Vec<u8> = read_all(&st, tag).iter().map(|b| b[0]).collect();
            assert_eq!(got, vec![0x31, 0x34, 0x35, 0x36, 0x37]);
        }
        let st = LogStore::open(t.path(), small, clock).expect("reopen");
        let got: Vec<u8> = read_all(&st, tag).iter().map(|b| b[0]).collect();
        assert_eq!(
            got,
            vec![0x31, 0x34, 0x35, 0x36, 0x37],
            "one live copy each"
        );
        let n_segs = fs::read_dir(t.path()).expect("ls").count();
        assert_eq!(n_segs, 2);
    }

    #[test]
    fn fully_dead_segments_are_removed() {
        let t = tempfile::tempdir().expect("tmp");
        let clock = Arc::new(FixedClock(1_000_000));
        let small = StoreConfig {
            segment_bytes: 3 * (HEADER + SMALL) as u64,
            lanes: 1,
            ..cfg()
        };
        let st = LogStore::open(t.path(), small, clock).expect("open");
        let tag = Tag([9; 32]);
        rt().block_on(async {
            for i in 0..7 {
                st.put(tag, blob(i), 0).await.expect("put");
            }
            let (plan, _) = st.plan(&[tag], Cursor::default(), 10);
            let ids = plan.iter().take(6).map(|p| (tag, p.id)).collect();
            st.delete(ids).await.expect("delete");
        });
        let before = fs::read_dir(t.path()).expect("ls").count();
        let s = st.sweep().expect("sweep");
        assert_eq!(s.segments_removed, 2);
        assert_eq!(fs::read_dir(t.path()).expect("ls").count(), before - 2);
        assert_eq!(read_all(&st, tag).len(), 1);
    }

    /// Regression: 40 puts, 36 deletes, then a reopen from inside an async runtime (as
    /// `relay serve` does) compacts the sparse segment instead of panicking.
    #[test]
    fn reopening_inside_a_runtime_compacts_a_sparse_segment() {
        let t = tempfile::tempdir().expect("tmp");
        let clock = Arc::new(FixedClock(1_000_000));
        let tag = Tag([11; 32]);
        rt().block_on(async {
            let st = LogStore::open(t.path(), cfg(), clock.clone()).expect("open");
            for i in 0..40 {
                st.put(tag, blob(i), 0).await.expect("put");
            }
            let (plan, _) = st.plan(&[tag], Cursor::default(), 100);
            let ids = plan.iter().take(36).map(|p| (tag, p.id)).collect();
            st.delete(ids).await.expect("delete");
        });
        let got = rt().block_on(async {
            let st = LogStore::open(t.path(), cfg(), clock.clone()).expect("reopen in a runtime");
            read_all(&st, tag).iter().map(|b| b[0]).collect::<Vec<u8>>()
        });
        assert_eq!(got, vec![36, 37, 38, 39]);
    }
}
