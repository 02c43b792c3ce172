//! The in-memory index of the segment store: tag → blobs in arrival order, per-segment live
//! counts (what compaction and removal go by), and the puts still on their way to disk
//! (which count against the tag's quota). Rebuilt from the segments at every start.
//!
//! Must not: hold anything the segments could not rebuild, or be logged (it holds tags).

use super::segment::HEADER;
use hushpost_wire::Tag;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

/// One stored blob: where its record is and what it says.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub seq: u64,
    pub id: u64,
    pub seg: u32,
    pub off: u64,
    pub len: u32,
    pub time: u64,
    pub flags: u8,
}

impl Entry {
    pub fn record_len(&self) -> u64 {
        HEADER as u64 + u64::from(self.len)
    }
}

/// One segment file.
#[derive(Debug)]
pub(super) struct Seg {
    pub file: Arc<File>,
    pub path: PathBuf,
    pub size: u64,
    pub live: u64,
    pub live_bytes: u64,
    /// A lane is appending to it (never compacted or removed while so).
    pub active: bool,
}

/// Puts accepted but not yet on disk, per tag: how many, how many bytes.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Pending {
    pub blobs: u32,
    pub bytes: u64,
}

#[derive(Debug, Default)]
pub(super) struct Index {
    pub tags: HashMap<Tag, Vec<Entry>>,
    pub pending: HashMap<Tag, Pending>,
    /// Blob ids whose deletion is on its way to disk (a second delete of one waits for it).
    pub deleting: HashMap<u64, u32>,
    pub segs: BTreeMap<u32, Seg>,
    pub bytes: u64,
    pub blobs: u64,
}

impl Index {
    pub fn remove_entry(segs: &mut BTreeMap<u32, Seg>, blobs: &mut u64, e: &Entry) {
        if let Some(s) = segs.get_mut(&e.seg) {
            s.live = s.live.saturating_sub(1);
            s.live_bytes = s.live_bytes.saturating_sub(e.record_len());
        }
        *blobs = blobs.saturating_sub(1);
    }

    /// The deletions of `ids` reached the disk (or failed).
    pub fn deleted(&mut self, ids: &[u64]) {
        for id in ids {
            if let Some(n) = self.deleting.get_mut(id) {
                *n -= 1;
                if *n == 0 {
                    self.deleting.remove(id);
                }
            }
        }
    }

    /// A put of `len` bytes under `tag` reached the disk or failed: it no longer counts as
    /// pending.
    pub fn release(&mut self, tag: &Tag, len: usize) {
        if let Some(p) = self.pending.get_mut(tag) {
            p.blobs = p.blobs.saturating_sub(1);
            p.bytes = p.bytes.saturating_sub(len as u64);
            if p.blobs == 0 {
                self.pending.remove(tag);
            }
        }
    }
}

/// A chunk's place on disk.
#[derive(Debug, Clone)]
pub(super) struct ChunkLoc {
    pub(super) file: Arc<File>,
    pub(super) off: u64,
}
