//! The segment file format and its recovery: records of `header (72) | data`, a CRC over
//! each, and the start-up scan that keeps every intact record.
//!
//! Recovery skips a corrupt record in the middle of a segment and resynchronises at the next
//! record whose header and CRC check out, keeping everything after it; only when nothing
//! valid follows is the rest a torn tail, cut off. Must not: trust a record whose CRC fails,
//! or cut away a valid record that follows a bad one.

use hushpost_wire::{LARGE, SMALL, Tag};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::index::Entry;

pub(super) const MAGIC: &[u8; 4] = b"HPB1";
/// Record header length (layout in `docs/RELAY.md`).
pub const HEADER: usize = 72;
pub(super) const KIND_LIVE: u8 = 1;
pub(super) const KIND_DEAD: u8 = 0;
/// How much of a segment the resynchronising scan reads at a time.
const SCAN_WINDOW: usize = 1 << 20;

pub(super) fn seg_path(dir: &Path, id: u32) -> PathBuf {
    dir.join(format!("seg-{id:08x}.log"))
}

/// The segment ids in `dir`, in order.
pub(super) fn list(dir: &Path) -> io::Result<Vec<u32>> {
    let mut ids: Vec<u32> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name().into_string().ok()?;
            let hex = n.strip_prefix("seg-")?.strip_suffix(".log")?;
            u32::from_str_radix(hex, 16).ok()
        })
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn crc(header: &[u8], data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&header[5..68]);
    h.update(data);
    h.finalize()
}

/// What a record says about its blob (everything but the data).
#[derive(Debug, Clone, Copy)]
pub(super) struct RecordHead {
    pub tag: Tag,
    pub len: u32,
    pub seq: u64,
    pub id: u64,
    pub time: u64,
    pub flags: u8,
}

/// Appends one live record (header, CRC, data) to `out`.
pub(super) fn encode_record(out: &mut Vec<u8>, h: &RecordHead, data: &[u8]) {
    let start = out.len();
    out.extend_from_slice(MAGIC);
    out.push(KIND_LIVE);
    out.push(h.flags);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&h.len.to_le_bytes());
    out.extend_from_slice(&h.seq.to_le_bytes());
    out.extend_from_slice(&h.id.to_le_bytes());
    out.extend_from_slice(&h.time.to_le_bytes());
    out.extend_from_slice(&h.tag.0);
    let c = crc(&out[start..], data);
    out.extend_from_slice(&c.to_le_bytes());
    out.extend_from_slice(data);
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b.try_into().expect("4 bytes"))
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().expect("8 bytes"))
}

pub(super) fn open_rw(path: &Path, create: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).mode(0o600);
    if create {
        o.create_new(true);
    }
    o.open(path)
}

/// What one recovered segment holds.
pub(super) struct Recovered {
    /// The live records, in file order.
    pub entries: Vec<(Tag, Entry)>,
    /// The segment's length after any torn tail was cut.
    pub size: u64,
}

/// One parsed record at some offset.
enum Parsed {
    Live(Tag, Entry),
    Dead,
}

/// Parses the record at `off`, or `None` if there is no whole, intact record there.
fn parse_at(
    file: &File,
    len: u64,
    seg: u32,
    off: u64,
    data: &mut [u8],
) -> io::Result<Option<(Parsed, u64)>> {
    let mut header = [0u8; HEADER];
    if off + HEADER as u64 > len {
        return Ok(None);
    }
    file.read_exact_at(&mut header, off)?;
    let blen = le_u32(&header[8..12]) as usize;
    if &header[..4] != MAGIC
        || !(blen == SMALL || blen == LARGE)
        || off + (HEADER + blen) as u64 > len
    {
        return Ok(None);
    }
    let next = off + (HEADER + blen) as u64;
    match header[4] {
        // A dead record's data may already be zeroed, so its CRC cannot be checked; its
        // header must still look right. It is skipped either way.
        KIND_DEAD => Ok(Some((Parsed::Dead, next))),
        KIND_LIVE => {
            file.read_exact_at(&mut data[..blen], off + HEADER as u64)?;
            if crc(&header, &data[..blen]) != le_u32(&header[68..72]) {
                return Ok(None);
            }
            let mut tag = [0u8; 32];
            tag.copy_from_slice(&header[36..68]);
            let e = Entry {
                seq: le_u64(&header[12..20]),
                id: le_u64(&header[20..28]),
                seg,
                off,
                len: blen as u32,
                time: le_u64(&header[28..36]),
                flags: header[5],
            };
            Ok(Some((Parsed::Live(Tag(tag), e), next)))
        }
        _ => Ok(None),
    }
}

/// The offset of the next intact live record after `from`, if any: candidates are found by
/// their magic and kept only if the header and the CRC check out (a dead record cannot
/// prove itself, so it never ends a resync).
fn resync(file: &File, len: u64, seg: u32, from: u64, data: &mut [u8]) -> io::Result<Option<u64>> {
    let mut window = vec![0u8; SCAN_WINDOW + MAGIC.len()];
    let mut at = from;
    while at + HEADER as u64 <= len {
        let n = (len - at).min(window.len() as u64) as usize;
        file.read_exact_at(&mut window[..n], at)?;
        for i in 0..n.saturating_sub(MAGIC.len() - 1) {
            if &window[i..i + MAGIC.len()] == MAGIC
                && let Some((Parsed::Live(..), _)) = parse_at(file, len, seg, at + i as u64, data)?
            {
                return Ok(Some(at + i as u64));
            }
        }
        at += (n - (MAGIC.len() - 1)).max(1) as u64;
    }
    Ok(None)
}

/// Reads a segment: keeps every intact record, skips corrupt ones in the middle (resuming at
/// the next intact live record) and cuts a tail after which nothing valid follows.
pub(super) fn recover(path: &Path, seg: u32) -> io::Result<(File, Recovered)> {
    let file = open_rw(path, false)?;
    let len = file.metadata()?.len();
    let mut data = vec![0u8; LARGE];
    let (mut off, mut skipped, mut entries) = (0u64, 0u64, Vec::new());
    let cut = loop {
        if off == len {
            break None;
        }
        match parse_at(&file, len, seg, off, &mut data)? {
            Some((Parsed::Live(tag, e), next)) => {
                entries.push((tag, e));
                off = next;
            }
            Some((Parsed::Dead, next)) => off = next,
            None => match resync(&file, len, seg, off + 1, &mut data)? {
                Some(next) => {
                    skipped += next - off;
                    off = next;
                }
                // Nothing intact follows: a torn tail, which only the last, unacknowledged
                // batch of a lane can leave (acknowledged records are never rewritten except
                // for their kind byte).
                None => break Some(off),
            },
        }
    };
    if skipped > 0 {
        tracing::warn!(
            "skipped {skipped} bytes of corrupt records in a segment and kept the intact \
             records after them"
        );
    }
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

/// Marks the record at `off` live (a compaction copy taking over; not flushed here).
pub(super) fn mark_live(file: &File, off: u64) -> io::Result<()> {
    file.write_all_at(&[KIND_LIVE], off + 4)
}

/// Marks the record at `off` dead (a one-byte write of its kind; not flushed here).
pub(super) fn mark_dead(file: &File, off: u64) -> io::Result<()> {
    file.write_all_at(&[KIND_DEAD], off + 4)
}

/// Frees deleted blobs' bytes once their kind byte is durably "dead", so the ciphertext does
/// not linger until the segment goes and the disk space comes back at once, whatever the
/// segment: the range is punched out of the file (it reads as zeros; the record heads that
/// recovery walks stay). Where the file system cannot punch holes, the bytes are overwritten
/// with zeros instead. Not flushed: a crash leaves a dead record either way.
pub(super) fn scrub(locs: &[(std::sync::Arc<File>, u64, u32)]) {
    use nix::fcntl::{FallocateFlags, fallocate};
    static ZERO: [u8; SMALL] = [0u8; SMALL];
    for (file, off, len) in locs {
        let start = off + HEADER as u64;
        let punched = fallocate(
            file.as_ref(),
            FallocateFlags::FALLOC_FL_PUNCH_HOLE | FallocateFlags::FALLOC_FL_KEEP_SIZE,
            start as i64,
            i64::from(*len),
        );
        if punched.is_ok() {
            continue;
        }
        let mut at = start;
        for _ in 0..(*len as usize / SMALL) {
            if file.write_all_at(&ZERO, at).is_err() {
                break;
            }
            at += SMALL as u64;
        }
    }
}
