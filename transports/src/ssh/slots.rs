//! Slot files: the SSH drop's fixed-shape cover tick (issue 15 item 1).
//!
//! A listing of the drop grows with what lies in it, and reading and deleting blobs one by
//! one shows how many there were, so a tick that fetched mail looked different on the wire
//! from one that found nothing. Instead the owner lays out, for every capability a cover
//! fetch presents (three days of real and decoy ones), one sparse file `<tag hex>.slots` of
//! [`FILE_LEN`] bytes: slot 0 is the owner's scratch, slots 1..[`LOOP_FROM`] take one small
//! blob each, written in place by the sender at the next slot of its own counter (kept in
//! `ssh-slots.json` beside the store, under a lock, advanced only once the write is on the
//! server, so no two puts share a slot and a failed put leaves no hole), and the slots from
//! [`LOOP_FROM`] up take the owner's own loop chaff, counted down from the top (the loop
//! writes into every capability's file, contacts' included, and must never meet the
//! contact's blobs there; the owner reads them back where its own counter says). The
//! files are mode 0620: the drop account (in the owner's group, as set up) may write into
//! them, not read them, and the sticky folder keeps it from removing them.
//!
//! Every owner tick then makes the same requests with the same sizes: a `stat` of every
//! capability's file (a fixed-size answer; its mtime says where something was written), a
//! fixed number of 16 KiB slot reads (the next slot of files that changed first, then a
//! slow sweep over slots already taken, so a blob a crashed sender wrote twice is still
//! found), and a fixed number of [`WIPE`]-byte zero writes that clear what was taken (the
//! age header with its stanza: what is left of the blob cannot be decrypted by anyone) or,
//! when there is less to clear, the scratch slot. Only the first tick after a new day's
//! capabilities appear differs: it creates their files, and removes files of days gone.
//!
//! Large blobs (256 KiB) do not fit a slot and still go as files of their own, read by an
//! explicit `fetch`; a cover route sends none unless `[cover] send_large` asks.

use super::{
    Conn, FX_NO_SUCH_FILE, FX_PERMISSION_DENIED, Fail, Op, Role, SshDrop, fail_of, fail_of_io,
    now_secs,
};
use crate::DeadDrop;
use crate::{Fetched, Flow, PageState, Result, TransportError};
use hushpost_core::{FetchCap, Tag};
use serde::{Deserialize, Serialize};
use ssh2::{FileStat, OpenFlags, OpenType};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// One slot: a small blob.
pub(crate) const SLOT: usize = hushpost_core::envelope::SMALL;
/// Slots in one file besides the scratch slot (one file per tag, i.e. per pair and day).
pub(crate) const SENDER_SLOTS: u32 = 1535;
/// The first of the owner's loop slots: a sender fills 1..LOOP_FROM, enough for a cover
/// tick every 2 minutes all day and mail besides; the loop, spread over the day's
/// capabilities, has the other 336.
pub(crate) const LOOP_FROM: u32 = 1200;
/// The length of a slot file: the scratch slot, the 1,535 slots, and one slot of tail, so
/// that libssh2's read-ahead past a slot never meets the end of the file (a short answer
/// would be a shorter tick).
pub(crate) const FILE_LEN: u64 = SLOT as u64 * (2 + SENDER_SLOTS as u64);
/// Bytes cleared at the start of a taken slot: the age header and its stanza.
pub(crate) const WIPE: usize = 4096;
/// How long a slot file outlives the last tick that presented its capability.
const RETIRE_SECS: u64 = 3 * 86_400;
const MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// The slot file of `tag`.
pub(crate) fn file_name(tag: &Tag) -> String {
    format!("{}.slots", tag.hex())
}

/// The drop id of slot `n` of `tag`'s file, as handed over and deleted.
fn slot_id(tag: &Tag, n: u32) -> String {
    format!("{}.slots#{n}", tag.hex())
}

/// `<64 hex>.slots#N` into its tag and slot (1..=[`SENDER_SLOTS`]).
pub(crate) fn parse_slot_id(id: &str) -> Option<(Tag, u32)> {
    let (tag, n) = id.split_once(".slots#")?;
    let n: u32 = n.parse().ok().filter(|n| (1..=SENDER_SLOTS).contains(n))?;
    Some((Tag::from_hex(tag)?, n))
}

/// What a slot read found.
#[derive(Debug, PartialEq, Eq)]
enum Slot {
    /// A whole blob (or bytes a sender had no business writing: handed over all the same,
    /// so they are cleared).
    Blob,
    /// Being written: the header is there, the end not yet.
    Writing,
    /// Taken and cleared.
    Cleared,
    /// Never written.
    Empty,
}

fn classify(b: &[u8]) -> Slot {
    let zero = |s: &[u8]| s.iter().all(|&x| x == 0);
    let tail = zero(&b[b.len() - 16..]);
    if b.starts_with(MAGIC) {
        if tail { Slot::Writing } else { Slot::Blob }
    } else if zero(&b[..WIPE]) {
        if tail && zero(b) {
            Slot::Empty
        } else {
            Slot::Cleared
        }
    } else {
        Slot::Blob
    }
}

/// The largest read asked for at a time: libssh2 asks the server for four times what a read
/// call wants, and a reply of up to 16,384 bytes (sshd's read size on the subsystem's
/// socket) leaves sshd as one SSH packet. A bigger reply, or two replies in flight, is cut
/// into packets by timing, and the bytes on the wire differ from one tick to the next.
const READ_CALL: usize = (16_384 - 13) / 4;

/// Fills `buf` from `f` with at most one request in flight and every reply one packet
/// (see [`READ_CALL`]): written by hand because libssh2 has no switch for its read-ahead.
fn read_one_at_a_time(f: &mut ssh2::File, buf: &mut [u8]) -> std::io::Result<()> {
    let mut at = 0;
    while at < buf.len() {
        let end = (at + READ_CALL).min(buf.len());
        match f.read(&mut buf[at..end])? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => at += n,
        }
    }
    Ok(())
}

/// One capability's slot file between ticks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotFile {
    /// Slots 1..=low were taken (the next one to look at is `low + 1`).
    pub low: u32,
    /// The file's mtime at the last look.
    pub mtime: u64,
    /// Its next slot is worth reading: the file changed, or the last read found a blob.
    pub hot: bool,
    /// The last read of its next slot found a blob: read it first.
    #[serde(default)]
    pub streak: bool,
    /// Our loop counter for this file at the last look (a change since: our own put).
    #[serde(default)]
    pub loop_seen: u32,
    /// The lowest of our own loop slots read back (0: none yet).
    #[serde(default)]
    pub top: u32,
    /// Its mtime moved at the last look, or was too close to the look before to tell.
    #[serde(default)]
    pub changed: bool,
    /// When a tick last presented its capability.
    pub seen: u64,
}

/// The slot files of one drop, kept with the page state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slots {
    /// By tag (hex).
    pub files: BTreeMap<String, SlotFile>,
    /// Where the sweep over taken slots stands.
    pub sweep: u64,
}

/// Who writes slots of a file: a sender counts up from 1, the owner's loop down from the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Sender,
    Loop,
}

impl Lane {
    fn first(self) -> u32 {
        match self {
            Lane::Sender => 1,
            Lane::Loop => SENDER_SLOTS,
        }
    }

    /// The slot after `n`, if the lane has one.
    fn after(self, n: u32) -> Option<u32> {
        match self {
            Lane::Sender => (n + 1 < LOOP_FROM).then_some(n + 1),
            Lane::Loop => (n > LOOP_FROM).then(|| n - 1),
        }
    }
}

/// The next slot per tag and lane (`ssh-slots.json` in the state folder), advanced under
/// an exclusive lock only after the blob is on the server. `u32::MAX`: the lane is full.
struct Counter {
    path: PathBuf,
    _lock: std::fs::File,
    next: BTreeMap<String, (u32, u64)>,
}

/// A tag as the counter file keeps it: a hash, so the file holds no tag.
fn counter_key(tag: &Tag, lane: Lane) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(match lane {
        Lane::Sender => b"hushpost ssh slot counter v1".as_slice(),
        Lane::Loop => b"hushpost ssh loop slot counter v1".as_slice(),
    });
    h.update(tag.0);
    hex::encode(&h.finalize()[..16])
}

/// The counter file as it stands, read without the lock (a reader only).
fn counters(dir: &Path) -> BTreeMap<String, (u32, u64)> {
    std::fs::read(dir.join("ssh-slots.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

impl Counter {
    fn open(dir: &Path) -> std::io::Result<Counter> {
        let path = dir.join("ssh-slots.json");
        let lock = hushpost_durable::open_private(&dir.join("ssh-slots.lock"))?;
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive)?;
        let next = match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).unwrap_or_default(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(e),
        };
        Ok(Counter {
            path,
            _lock: lock,
            next,
        })
    }

    fn next(&self, tag: &Tag, lane: Lane) -> Option<u32> {
        let n = self
            .next
            .get(&counter_key(tag, lane))
            .map_or(lane.first(), |e| e.0);
        (n != u32::MAX).then_some(n)
    }

    fn advance(&mut self, tag: &Tag, lane: Lane, used: u32) -> std::io::Result<()> {
        let now = now_secs();
        // A tag is one day's: counters of tags not used for a while are of no more use.
        self.next.retain(|_, e| e.1 + RETIRE_SECS > now);
        let to = lane.after(used).unwrap_or(u32::MAX);
        self.next.insert(counter_key(tag, lane), (to, now));
        let bytes = serde_json::to_vec(&self.next).map_err(std::io::Error::other)?;
        hushpost_durable::write_atomic(&self.path, &bytes)
    }
}

impl SshDrop {
    /// Puts a small blob into the next slot of `tag`'s slot file, if the owner laid one
    /// out and we keep counters; `Ok(false)`: it goes as a file of its own instead.
    pub(super) fn put_slot(&mut self, role: Role, tag: &Tag, blob: &[u8]) -> Result<bool> {
        let Some(dir) = self.dial.state_dir.clone() else {
            return Ok(false);
        };
        if blob.len() != SLOT {
            return Ok(false);
        }
        // Our own route (we hold its owner's credentials): this is our loop's chaff.
        let c = &self.dial.credentials;
        let lane = if c.ssh_key_file.is_some() || c.ssh_agent || c.ssh_user.is_some() {
            Lane::Loop
        } else {
            Lane::Sender
        };
        let mut counter =
            Counter::open(&dir).map_err(|e| TransportError::Io(e, dir.display().to_string()))?;
        let Some(n) = counter.next(tag, lane) else {
            return Ok(false);
        };
        let path = self.path_of(&file_name(tag));
        let conn = self.conn(role)?;
        let r = (|| -> Result<bool, Fail> {
            let mut f = match conn
                .sftp()
                .open_mode(&path, OpenFlags::WRITE, 0, OpenType::File)
            {
                Ok(f) => f,
                Err(e) => {
                    return match fail_of(&e) {
                        // No slot file (the owner runs no cover traffic here, or not
                        // yet today), or a set-up whose drop account is not in the
                        // owner's group: a file of its own.
                        Fail::Status(FX_NO_SUCH_FILE | FX_PERMISSION_DENIED) => Ok(false),
                        other => Err(other),
                    };
                }
            };
            f.seek(SeekFrom::Start(u64::from(n) * SLOT as u64))
                .map_err(|e| fail_of_io(&e))?;
            f.write_all(blob).map_err(|e| fail_of_io(&e))?;
            f.fsync().map_err(|e| fail_of(&e))?;
            f.close().map_err(|e| fail_of(&e))?;
            Ok(true)
        })();
        match r {
            Ok(true) => {
                counter
                    .advance(tag, lane, n)
                    .map_err(|e| TransportError::Io(e, dir.display().to_string()))?;
                Ok(true)
            }
            Ok(false) => Ok(false),
            Err(f) => Err(self.error(role, Op::Write, f)),
        }
    }

    fn owner_conn(&mut self) -> Result<&mut Conn> {
        self.conn(Role::Owner)
    }

    /// Looks at every capability's file (creating what is missing) and retires the files
    /// of capabilities no tick presented for [`RETIRE_SECS`].
    fn survey(&mut self, tags: &[Tag], slots: &mut Slots) -> Result<()> {
        let now = now_secs();
        let mut seen: Vec<(Tag, Option<u64>)> = Vec::with_capacity(tags.len());
        for tag in tags {
            let path = self.path_of(&file_name(tag));
            match self.owner_conn()?.sftp().stat(&path) {
                Ok(st) => seen.push((*tag, Some(st.mtime.unwrap_or(0)))),
                Err(e) => match fail_of(&e) {
                    Fail::Status(FX_NO_SUCH_FILE) => {
                        let m = self.lay_out(&path)?;
                        slots.files.insert(
                            tag.hex(),
                            SlotFile {
                                mtime: m,
                                seen: now,
                                ..SlotFile::default()
                            },
                        );
                        seen.push((*tag, None));
                    }
                    f => return Err(self.error(Role::Owner, Op::List, f)),
                },
            }
        }
        // The server's time at the end of the last tick: when our padding wrote into the
        // scratch file. SFTP mtimes are whole seconds, so a file whose mtime was that close
        // to our last look may have been written again in the same second, unseen: such a
        // file is looked into as if it had changed.
        let scratch = Self::scratch_of(tags);
        let last_end = seen
            .iter()
            .find(|(t, _)| Some(*t) == scratch)
            .and_then(|(_, m)| *m);
        for (tag, m) in seen {
            let (Some(m), Some(entry)) = (m, slots.files.get_mut(&tag.hex())) else {
                continue;
            };
            let moved = m != entry.mtime;
            let unsure = last_end.is_some_and(|end| entry.mtime + 1 >= end);
            entry.hot |= moved || unsure;
            entry.changed = moved;
            entry.mtime = m;
            entry.seen = now;
        }
        let gone: Vec<String> = slots
            .files
            .iter()
            .filter(|(_, f)| f.seen + RETIRE_SECS < now)
            .map(|(t, _)| t.clone())
            .collect();
        for t in gone {
            let path = self.path_of(&format!("{t}.slots"));
            match self.owner_conn()?.sftp().unlink(&path) {
                Ok(()) => {}
                Err(e) => match fail_of(&e) {
                    Fail::Status(FX_NO_SUCH_FILE) => {}
                    f => return Err(self.error(Role::Owner, Op::Remove, f)),
                },
            }
            slots.files.remove(&t);
        }
        Ok(())
    }

    /// Creates one slot file: sparse, [`FILE_LEN`] bytes, writable by the drop's group.
    /// Returns its mtime, the baseline a sender's first write moves.
    fn lay_out(&mut self, path: &Path) -> Result<u64> {
        let conn = self.owner_conn()?;
        let r = (|| -> Result<u64, Fail> {
            let mut f = conn
                .sftp()
                .open_mode(
                    path,
                    OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::EXCLUSIVE,
                    0o600,
                    OpenType::File,
                )
                .map_err(|e| fail_of(&e))?;
            f.setstat(FileStat {
                size: Some(FILE_LEN),
                uid: None,
                gid: None,
                perm: Some(0o620),
                atime: None,
                mtime: None,
            })
            .map_err(|e| fail_of(&e))?;
            let mtime = f.stat().map_err(|e| fail_of(&e))?.mtime.unwrap_or(0);
            f.close().map_err(|e| fail_of(&e))?;
            Ok(mtime)
        })();
        r.map_err(|f| self.error(Role::Owner, Op::Write, f))
    }

    /// Reads slot `n` of `tag`'s file: always [`SLOT`] bytes.
    fn read_slot(&mut self, tag: &Tag, n: u32) -> Result<Vec<u8>> {
        let path = self.path_of(&file_name(tag));
        let conn = self.owner_conn()?;
        let r = (|| -> Result<Vec<u8>, Fail> {
            let mut f = conn.sftp().open(&path).map_err(|e| fail_of(&e))?;
            f.seek(SeekFrom::Start(u64::from(n) * SLOT as u64))
                .map_err(|e| fail_of_io(&e))?;
            let mut b = vec![0u8; SLOT];
            read_one_at_a_time(&mut f, &mut b).map_err(|e| fail_of_io(&e))?;
            f.close().map_err(|e| fail_of(&e))?;
            Ok(b)
        })();
        r.map_err(|f| self.error(Role::Owner, Op::Read, f))
    }

    /// What slot `n` of `tag`'s file holds, from its first and last bytes only (an explicit
    /// fetch, whose shape does not matter, saves reading whole cleared slots).
    fn peek_slot(&mut self, tag: &Tag, n: u32) -> Result<Slot> {
        let path = self.path_of(&file_name(tag));
        let conn = self.owner_conn()?;
        let start = u64::from(n) * SLOT as u64;
        let r = (|| -> Result<Slot, Fail> {
            let mut f = conn.sftp().open(&path).map_err(|e| fail_of(&e))?;
            let (mut head, mut tail) = ([0u8; 32], [0u8; 16]);
            f.seek(SeekFrom::Start(start)).map_err(|e| fail_of_io(&e))?;
            read_one_at_a_time(&mut f, &mut head).map_err(|e| fail_of_io(&e))?;
            f.seek(SeekFrom::Start(start + SLOT as u64 - 16))
                .map_err(|e| fail_of_io(&e))?;
            read_one_at_a_time(&mut f, &mut tail).map_err(|e| fail_of_io(&e))?;
            f.close().map_err(|e| fail_of(&e))?;
            let zero = |b: &[u8]| b.iter().all(|&x| x == 0);
            Ok(match (head.starts_with(MAGIC), zero(&head), zero(&tail)) {
                (true, _, true) => Slot::Writing,
                (false, true, true) => Slot::Empty,
                (false, true, false) => Slot::Cleared,
                _ => Slot::Blob,
            })
        })();
        r.map_err(|f| self.error(Role::Owner, Op::Read, f))
    }

    /// Zeroes the first [`WIPE`] bytes of slot `n` of `tag`'s file.
    pub(super) fn wipe_slot(&mut self, tag: &Tag, n: u32) -> Result<()> {
        let path = self.path_of(&file_name(tag));
        let conn = self.owner_conn()?;
        let r = (|| -> Result<(), Fail> {
            let mut f = conn
                .sftp()
                .open_mode(&path, OpenFlags::WRITE, 0, OpenType::File)
                .map_err(|e| fail_of(&e))?;
            f.seek(SeekFrom::Start(u64::from(n) * SLOT as u64))
                .map_err(|e| fail_of_io(&e))?;
            f.write_all(&[0u8; WIPE]).map_err(|e| fail_of_io(&e))?;
            f.close().map_err(|e| fail_of(&e))
        })();
        match r {
            // Retired meanwhile: nothing left to clear.
            Err(Fail::Status(FX_NO_SUCH_FILE)) => Ok(()),
            r => r.map_err(|f| self.error(Role::Owner, Op::Write, f)),
        }
    }

    /// The file whose scratch slot pads a tick's wipes: the same one all day.
    fn scratch_of(tags: &[Tag]) -> Option<Tag> {
        tags.iter().min_by_key(|t| t.0).copied()
    }

    /// The slots this tick reads: the next slot of every hot file first, then our loop's
    /// chaff that is out (`loops`: the counter file), then the sweep.
    fn choose(
        tags: &[Tag],
        slots: &mut Slots,
        loops: &BTreeMap<String, (u32, u64)>,
        reads: usize,
    ) -> Vec<(Tag, u32)> {
        let file_of = |s: &Slots, t: &Tag| s.files.get(&t.hex()).cloned().unwrap_or_default();
        // Our loop's chaff that is out, one per file: at most one a tick is put.
        let mut chosen: Vec<(Tag, u32)> = Vec::new();
        for t in tags {
            let written = loops
                .get(&counter_key(t, Lane::Loop))
                .map_or(SENDER_SLOTS + 1, |e| {
                    if e.0 == u32::MAX { LOOP_FROM - 1 } else { e.0 }
                });
            // Loop slots are written from the top down: those above `written` are out.
            let next = match file_of(slots, t).top {
                0 => Some(SENDER_SLOTS),
                top => Lane::Loop.after(top),
            };
            if let Some(n) = next.filter(|n| *n > written && chosen.len() + 1 < reads.max(2)) {
                chosen.push((*t, n));
            }
        }
        // Then the next slot of hot files: those whose last read found a blob first, then
        // those that changed for a reason other than our own writes (the scratch file's
        // padding, our loop's put), then the rest (our own writes; mtimes too close to the
        // last look to tell).
        let scratch = Self::scratch_of(tags);
        let mut hot: Vec<(u8, Tag, u32)> = Vec::new();
        for t in tags {
            let f = file_of(slots, t);
            let ours_now = loops.get(&counter_key(t, Lane::Loop)).map_or(0, |e| e.0);
            let explained = Some(*t) == scratch || ours_now != f.loop_seen;
            if let Some(e) = slots.files.get_mut(&t.hex()) {
                e.loop_seen = ours_now;
            }
            let rank = match (f.streak, f.changed && !explained) {
                (true, _) => 0,
                (false, true) => 1,
                (false, false) => 2,
            };
            // A file on a streak may hold more than one new blob: its next slots in turn.
            let mut n = f.low;
            for _ in 0..if rank == 0 { reads } else { 1 } {
                match Lane::Sender.after(n).filter(|_| f.hot) {
                    Some(next) => {
                        hot.push((rank, *t, next));
                        n = next;
                    }
                    None => break,
                }
            }
        }
        // Within a rank, the file written last first.
        hot.sort_by_key(|h| (h.0, std::cmp::Reverse(file_of(slots, &h.1).mtime)));
        // One read a tick is kept for the sweep (given two or more): a file whose write
        // fell in the second of our last look is not seen to change, and hot files that
        // keep losing must not starve it.
        let keep = usize::from(reads > 1);
        let room = reads.saturating_sub(chosen.len() + keep);
        chosen.extend(hot.into_iter().take(room).map(|(_, t, n)| (t, n)));
        // The sweep goes over every file's taken slots (and the next one), in tag order so
        // that it is the same round whatever order this tick's list came in.
        let mut order: Vec<Tag> = tags.to_vec();
        order.sort_by_key(|t| t.0);
        let spans: Vec<u64> = order
            .iter()
            .map(|t| u64::from(file_of(slots, t).low.min(LOOP_FROM - 2)) + 1)
            .collect();
        let round: u64 = spans.iter().sum::<u64>().max(1);
        while chosen.len() < reads && !order.is_empty() {
            let mut at = slots.sweep % round;
            slots.sweep = slots.sweep.wrapping_add(1);
            let (mut i, mut n) = (0, 1u32);
            for (k, span) in spans.iter().enumerate() {
                if at < *span {
                    (i, n) = (k, at as u32 + 1);
                    break;
                }
                at -= span;
            }
            chosen.push((order[i], n));
        }
        chosen
    }

    /// The fixed-shape page: see the module documentation.
    pub(super) fn slot_page(
        &mut self,
        caps: &[FetchCap],
        reads: usize,
        state: &mut PageState,
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<()> {
        let tags: Vec<Tag> = caps.iter().map(FetchCap::tag).collect();
        let mut slots = std::mem::take(&mut state.slots);
        let r = self.slot_page_in(&tags, reads, &mut slots, sink);
        // More than one page of hot files: not the whole mailbox was seen.
        state.after = slots.files.values().any(|f| f.hot).then(String::new);
        state.slots = slots;
        self.scratch = Self::scratch_of(&tags);
        r
    }

    fn slot_page_in(
        &mut self,
        tags: &[Tag],
        reads: usize,
        slots: &mut Slots,
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<()> {
        self.survey(tags, slots)?;
        let loops = self
            .dial
            .state_dir
            .as_deref()
            .map(counters)
            .unwrap_or_default();
        let chosen = Self::choose(tags, slots, &loops, reads);
        let mut open = true;
        for (tag, n) in chosen {
            // Every chosen slot is read, whether or not the sink still takes blobs.
            let b = self.read_slot(&tag, n)?;
            let seen = classify(&b);
            let mut taken = false;
            if seen == Slot::Blob && open {
                let cap = tags.iter().position(|t| *t == tag).unwrap_or(0);
                open = sink(Fetched {
                    cap,
                    id: slot_id(&tag, n),
                    blob: b,
                    unstamped: false,
                }) == Flow::Continue;
                taken = open;
            }
            let Some(f) = slots.files.get_mut(&tag.hex()) else {
                continue;
            };
            if n >= LOOP_FROM {
                // Our own loop's slot, read where our counter said it was written.
                if taken || matches!(seen, Slot::Cleared | Slot::Empty) {
                    f.top = if f.top == 0 { n } else { f.top.min(n) };
                }
                continue;
            }
            let frontier = n == f.low + 1;
            match seen {
                _ if taken && frontier => {
                    f.low = n;
                    f.hot = true;
                    f.streak = true;
                }
                Slot::Blob | Slot::Writing => f.hot |= frontier,
                Slot::Cleared if frontier => f.low = n,
                Slot::Empty if frontier => {
                    f.hot = false;
                    f.streak = false;
                }
                Slot::Cleared | Slot::Empty => {}
            }
        }
        Ok(())
    }

    /// Clears the slots of `items` that `caps` open, padded with scratch writes to exactly
    /// `count` writes; returns how many of `items` were handled (in order).
    pub(super) fn wipe_padded(
        &mut self,
        caps: &[FetchCap],
        items: &[(usize, String)],
        count: usize,
    ) -> Result<usize> {
        let mut done = 0;
        let mut writes = 0;
        for (cap, id) in items.iter().take(count) {
            let ok = parse_slot_id(id).filter(|(t, _)| caps.get(*cap).is_some_and(|c| c.opens(t)));
            match ok {
                Some((tag, n)) => self.wipe_slot(&tag, n)?,
                // Not a slot (or not ours): a file of its own, removed as ever.
                None => self.delete(caps, &[(*cap, id.clone())])?,
            }
            writes += 1;
            done += 1;
        }
        let scratch = self.scratch.or_else(|| {
            items
                .iter()
                .find_map(|(_, id)| parse_slot_id(id).map(|p| p.0))
        });
        if let Some(tag) = scratch {
            while writes < count {
                self.wipe_slot(&tag, 0)?;
                writes += 1;
            }
        }
        Ok(done)
    }

    /// An explicit fetch's look into the slot files of `caps` that `names` lists: every
    /// blob not taken yet, up to the first slot never written.
    pub(super) fn slot_scan(
        &mut self,
        caps: &[FetchCap],
        names: &[String],
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<Flow> {
        for (cap, c) in caps.iter().enumerate() {
            let tag = c.tag();
            if !names.contains(&file_name(&tag)) {
                continue;
            }
            let senders = (1..LOOP_FROM).map(|n| (Lane::Sender, n));
            let loops = (LOOP_FROM..=SENDER_SLOTS).rev().map(|n| (Lane::Loop, n));
            let mut ended = None;
            for (lane, n) in senders.chain(loops) {
                if ended == Some(lane) {
                    continue;
                }
                // A look at both ends first: most slots of a day are cleared already.
                match self.peek_slot(&tag, n)? {
                    // Lanes have no holes: the first slot never written ends one.
                    Slot::Empty => ended = Some(lane),
                    Slot::Cleared | Slot::Writing => {}
                    Slot::Blob => {
                        let b = self.read_slot(&tag, n)?;
                        if classify(&b) != Slot::Blob {
                            continue;
                        }
                        let f = Fetched {
                            cap,
                            id: slot_id(&tag, n),
                            blob: b,
                            unstamped: false,
                        };
                        if sink(f) == Flow::Stop {
                            return Ok(Flow::Stop);
                        }
                    }
                }
            }
        }
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests;
