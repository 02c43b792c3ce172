//! Sweeps of the segment store: expiring blobs past retention, compacting segments that
//! are less than half alive, deleting segments with nothing alive, forgetting spent nonces.
//! Together they keep the segment files within about twice the live blobs plus one segment
//! per lane; the disk blocks are fewer, as deletes punch a blob's bytes out at once
//! (`segment::scrub`). Under disk pressure a lane's open segment is sealed first when it is
//! mostly dead, so it is compacted or removed too.
//!
//! Must not: drop a blob that is not expired or deleted, or touch a segment a lane is
//! appending to.

use super::index::{Entry, Index, Seg};
use super::lanes::Job;
use super::segment::{HEADER, sync_dir};
use super::{LogStore, StoreError, SweepStats};
use hushpost_wire::Tag;
use std::collections::HashMap;
use std::fs::{self, File};
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::mpsc;

/// A segment to compact: its file and its live blobs.
type Victim = (Arc<File>, Vec<(Tag, Entry)>);

impl LogStore {
    pub(super) fn expire(&self, stats: &mut SweepStats) {
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
        drop(guard);
        self.spent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, exp| *exp > now);
    }

    /// Copies the live blobs of every sealed segment that is less than half alive into a
    /// lane's current segment, so the old file can go. Blocking.
    pub(super) fn compact(&self) -> Result<u64, StoreError> {
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

    pub(super) fn remove_dead(&self, stats: &mut SweepStats) -> Result<(), StoreError> {
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
