//! Writer lanes: each a thread with its own segment file that takes everything queued,
//! writes it with one call, flushes it with one `fdatasync`, and only then answers — group
//! commit, several lanes flushing in parallel (what this kind of disk rewards).
//!
//! Must not: answer a put before its batch is flushed, rewrite an acknowledged record except
//! for its kind byte, or leave two live copies of a moved blob.

use super::index::{Entry, Seg};
use super::segment::{self, HEADER, RecordHead, encode_record, open_rw, seg_path, sync_dir};
use super::{Shared, StoreError};
use axum::body::Bytes;
use hushpost_wire::Tag;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver};
use tokio::sync::oneshot;

const MAX_BATCH: usize = 512;
const MAX_BATCH_BYTES: usize = 32 << 20;

/// One accepted put on its way to disk.
pub(super) struct PutJob {
    pub head: RecordHead,
    pub blob: Bytes,
    pub done: oneshot::Sender<Result<(), StoreError>>,
}

pub(super) enum Job {
    Put(PutJob),
    Delete {
        locs: Vec<(Arc<File>, u64, u32)>,
        ids: Vec<u64>,
        done: oneshot::Sender<Result<(), StoreError>>,
    },
    /// Answered once every job queued on this lane before it is done.
    Barrier(oneshot::Sender<()>),
    /// Under disk pressure: stop appending to the lane's segment if it is less than half
    /// alive, so the sweep can compact or remove it (a lane's open segment, up to 64 MiB,
    /// otherwise keeps its dead blobs until it fills: on a small disk, never).
    Seal(mpsc::SyncSender<()>),
    /// Compaction: copy these live blobs of segment `from` into the lane's segment. The
    /// answer goes over a std channel: sweeps run on plain threads (and at start-up, which
    /// may be inside an async runtime), where tokio's `blocking_recv` would panic.
    Move {
        from: u32,
        items: Vec<(Tag, Entry, Vec<u8>)>,
        done: mpsc::SyncSender<Result<(), StoreError>>,
    },
}

struct Active {
    seg: u32,
    file: Arc<File>,
    size: u64,
}

/// One writer thread: batches whatever is queued, writes it with one call, flushes it with
/// one `fdatasync`, and only then answers.
pub(super) struct Lane {
    shared: Arc<Shared>,
    rx: Receiver<Job>,
    active: Option<Active>,
}

impl Lane {
    pub fn new(shared: Arc<Shared>, rx: Receiver<Job>) -> Lane {
        Lane {
            shared,
            rx,
            active: None,
        }
    }

    pub fn run(mut self) {
        while let Ok(first) = self.rx.recv() {
            let mut jobs = vec![first];
            let mut bytes = 0usize;
            while jobs.len() < MAX_BATCH && bytes < MAX_BATCH_BYTES {
                match self.rx.try_recv() {
                    Ok(j) => {
                        if let Job::Put(p) = &j {
                            bytes += p.blob.len();
                        }
                        jobs.push(j);
                    }
                    Err(_) => break,
                }
            }
            let mut puts = Vec::new();
            for j in jobs {
                match j {
                    Job::Put(p) => puts.push(p),
                    Job::Move { from, items, done } => {
                        let _ = done.send(self.relocate(from, items));
                    }
                    Job::Delete { locs, ids, done } => {
                        let r = delete(&locs);
                        let ok = r.is_ok();
                        self.shared.write().deleted(&ids);
                        let _ = done.send(r);
                        if ok {
                            segment::scrub(&locs);
                        }
                    }
                    Job::Barrier(done) => {
                        let _ = done.send(());
                    }
                    Job::Seal(done) => {
                        self.seal_if_mostly_dead();
                        let _ = done.send(());
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

    fn seal_if_mostly_dead(&mut self) {
        let Some(a) = &self.active else { return };
        let mut idx = self.shared.write();
        if let Some(s) = idx.segs.get_mut(&a.seg)
            && s.size > 0
            && s.live_bytes * 2 < s.size
        {
            s.active = false;
            drop(idx);
            self.active = None;
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

    /// Appends `records` (live, or dead for compaction copies) to the active segment
    /// (rotating first if they do not fit) with one write and one `fdatasync`; on failure
    /// the segment is cut back to where it was.
    fn append<'a>(
        &mut self,
        records: impl Iterator<Item = (RecordHead, &'a [u8])>,
        need: u64,
        live: bool,
    ) -> io::Result<()> {
        self.rotate(need)?;
        let a = self
            .active
            .as_ref()
            .expect("rotate leaves an active segment");
        let mut buf = Vec::with_capacity(need as usize);
        for (head, data) in records {
            let start = buf.len();
            encode_record(&mut buf, &head, data);
            if !live {
                buf[start + 4] = segment::KIND_DEAD;
            }
        }
        let r = a
            .file
            .write_all_at(&buf, a.size)
            .and_then(|()| a.file.sync_data());
        if r.is_err() {
            let _ = a.file.set_len(a.size);
        }
        r
    }

    fn commit(&mut self, puts: Vec<PutJob>) {
        let need: u64 = puts.iter().map(|p| (HEADER + p.blob.len()) as u64).sum();
        let written = self.append(puts.iter().map(|p| (p.head, &p.blob[..])), need, true);
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
                for p in puts {
                    let h = p.head;
                    idx.release(&h.tag, p.blob.len());
                    let e = Entry {
                        seq: h.seq,
                        id: h.id,
                        seg,
                        off,
                        len: h.len,
                        time: h.time,
                        flags: h.flags,
                    };
                    off += e.record_len();
                    let v = idx.tags.entry(h.tag).or_default();
                    let pos = v.partition_point(|x| x.seq < h.seq);
                    v.insert(pos, e);
                    answers.push(p.done);
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
                for p in puts {
                    idx.release(&p.head.tag, p.blob.len());
                    let _ = p.done.send(Err(if full {
                        StoreError::StorageFull
                    } else {
                        StoreError::Io(io::Error::new(e.kind(), e.to_string()))
                    }));
                }
            }
        }
    }

    /// Moves `items` (live blobs of segment `from`) here. The copies are written dead and
    /// flushed; then, holding the index, the copies of the blobs still there are made live,
    /// their old records dead, both flushed, and the index switched. So a delete acknowledged
    /// at any point can never leave a live copy behind, and a crash at any point leaves each
    /// blob live once (or twice, which recovery resolves) — never zero times.
    fn relocate(&mut self, from: u32, items: Vec<(Tag, Entry, Vec<u8>)>) -> Result<(), StoreError> {
        let need: u64 = items.iter().map(|(_, e, _)| e.record_len()).sum();
        let heads = items.iter().map(|(tag, e, data)| {
            let head = RecordHead {
                tag: *tag,
                len: e.len,
                seq: e.seq,
                id: e.id,
                time: e.time,
                flags: e.flags,
            };
            (head, &data[..])
        });
        self.append(heads, need, false)?;
        let old = self.shared.read().segs.get(&from).map(|g| g.file.clone());
        let a = self.active.as_mut().expect("active segment");
        let mut idx = self.shared.write();
        let mut off = a.size;
        let mut moves = Vec::new();
        for (tag, e, _) in &items {
            let still = idx
                .tags
                .get(tag)
                .is_some_and(|v| v.iter().any(|x| x.id == e.id && x.seg == from));
            if still {
                segment::mark_live(&a.file, off)?;
                if let Some(f) = &old {
                    segment::mark_dead(f, e.off)?;
                }
                moves.push((*tag, e.id, off, e.record_len()));
            }
            off += e.record_len();
        }
        if !moves.is_empty() {
            a.file.sync_data()?;
            if let Some(f) = &old {
                f.sync_data()?;
            }
        }
        a.size += need;
        idx.bytes += need;
        let (seg, moved) = (a.seg, moves.len() as u64);
        let moved_bytes: u64 = moves.iter().map(|m| m.3).sum();
        for (tag, id, off, _) in moves {
            if let Some(x) = idx
                .tags
                .get_mut(&tag)
                .and_then(|v| v.iter_mut().find(|x| x.id == id && x.seg == from))
            {
                x.seg = seg;
                x.off = off;
            }
        }
        if let Some(g) = idx.segs.get_mut(&from) {
            g.live = g.live.saturating_sub(moved);
            g.live_bytes = g.live_bytes.saturating_sub(moved_bytes);
        }
        if let Some(g) = idx.segs.get_mut(&seg) {
            g.size = a.size;
            g.live += moved;
            g.live_bytes += moved_bytes;
        }
        Ok(())
    }
}

/// Marks deleted records dead and flushes each file touched once.
fn delete(locs: &[(Arc<File>, u64, u32)]) -> Result<(), StoreError> {
    let mut files: Vec<&Arc<File>> = Vec::new();
    for (file, off, _) in locs {
        segment::mark_dead(file, *off)?;
        if !files.iter().any(|f| Arc::ptr_eq(f, file)) {
            files.push(file);
        }
    }
    for f in files {
        f.sync_data()?;
    }
    Ok(())
}
