//! Sealing one recipient's copy as a stream: the letter and the attachment files (read with
//! `pread`, never whole) go through `v2::seal` on a helper thread, and each blob it hands
//! back goes straight to the drop while the route takes them, else into the outbox — so a
//! folder or SSH drop gets a large message without a second copy on disk, and a relay gets
//! what its per-mailbox quota allows now and the rest as the recipient drains it.
//!
//! What is needed to seal the copy again *the same way* is recorded first (the draft:
//! message id, times, keys, the key sealed to, the files with their size and mtime) and the
//! count of blobs handed on is recorded as it grows: v2 heads are deterministic for the same
//! draft and content, so a send killed mid-way resumes where it stopped (`resume.rs`) and
//! its fragments still match the head the recipient may already hold.
//!
//! Must not: hold an attachment in memory, or seal a file that changed since it was
//! recorded (the recipient would refuse the fragments; the copy fails with one line).

use super::{SendPhase, SendProgress};
use crate::error::{Error, Result};
use crate::outbox::{NewEntry, Outbox};
use crate::session::Session;
use hushpost_core::envelope::v2::{
    self, Body, ContentSource, FileSource, KeyRole, PartMeta, SealTo, SignedKey,
};
use hushpost_core::envelope::{Kind, LARGE};
use hushpost_core::hybrid::HybridPublic;
use hushpost_core::route::Via;
use hushpost_core::{Route, Tag};
use hushpost_transports::{DeadDrop, PutOptions, Transport, TransportError};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The handed-on count is recorded every this many blobs (a resume re-sends at most this
/// many, which the recipient ignores as duplicates).
const RECORD_EVERY: u32 = 64;

/// An attachment opened for sending: the handle sealing reads from, and what the file was
/// when it was opened.
pub(crate) struct Attached {
    pub(crate) path: PathBuf,
    pub(crate) meta: PartMeta,
    pub(crate) file: File,
    pub(crate) stamp: Stamp,
}

/// What identifies a file's content cheaply: a change of any of these means it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    len: u64,
    mtime_ns: i64,
    ino: u64,
    dev: u64,
}

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Stamp {
        Stamp {
            len: m.len(),
            mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec(),
            ino: m.ino(),
            dev: m.dev(),
        }
    }
}

impl Attached {
    /// Reopens a recorded attachment; `None` if it is gone or changed.
    fn reopen(r: &FileRecord) -> Option<Attached> {
        let file = File::open(&r.path).ok()?;
        let stamp = Stamp::of(&file.metadata().ok()?);
        (stamp == r.stamp).then(|| Attached {
            path: r.path.clone(),
            meta: PartMeta {
                name: r.name.clone(),
                content_type: r.content_type.clone(),
                len: r.stamp.len,
            },
            file,
            stamp,
        })
    }

    /// Whether the file on disk is still the one recorded.
    pub(crate) fn unchanged(&self) -> bool {
        self.file
            .metadata()
            .is_ok_and(|m| Stamp::of(&m) == self.stamp)
            && std::fs::metadata(&self.path).is_ok_and(|m| Stamp::of(&m) == self.stamp)
    }

    /// The whole content (small attachments only: the sent copy keeps them).
    pub(crate) fn read_all(&self) -> Result<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        let mut v = vec![0u8; self.meta.len as usize];
        self.file
            .read_exact_at(&mut v, 0)
            .map_err(|e| Error::Attachment(self.path.clone(), e))?;
        Ok(v)
    }
}

/// A file name a receiver accepts: the base name, cleaned, at most 255 bytes.
fn part_name(path: &std::path::Path) -> String {
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name = hushpost_core::sanitize::file_name(&base);
    while name.len() > 255 {
        name.pop();
    }
    if v2::valid_part_name(&name) {
        name
    } else {
        "attachment".into()
    }
}

/// Opens every attachment (a directory, a missing or unreadable file fails here, before
/// anything is stored or sent).
pub(crate) fn open_attachments(paths: &[PathBuf]) -> Result<Vec<Attached>> {
    let mut out = Vec::new();
    for path in paths {
        let err = |e| Error::Attachment(path.clone(), e);
        let file = File::open(path).map_err(err)?;
        let m = file.metadata().map_err(err)?;
        if !m.is_file() {
            return Err(err(io::Error::other("not a regular file")));
        }
        let name = part_name(path);
        out.push(Attached {
            path: std::path::absolute(path).unwrap_or_else(|_| path.clone()),
            meta: PartMeta {
                content_type: hushpost_core::letter::guess_type(&name).into(),
                name,
                len: m.len(),
            },
            file,
            stamp: Stamp::of(&m),
        });
    }
    Ok(out)
}

/// One attachment as the draft records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FileRecord {
    path: PathBuf,
    name: String,
    content_type: String,
    stamp: Stamp,
}

/// Everything needed to seal one recipient's copy again the same way (kept in the
/// delivery's row, inside the encrypted store).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DraftRecord {
    msg_id: String,
    prev_hash: String,
    sent_at: u64,
    expires_at: u64,
    burn: bool,
    recipient_ed: String,
    to_hybrid: Option<String>,
    to_x25519: Option<String>,
    keys: Vec<(u8, String, u64)>,
    files: Vec<FileRecord>,
    /// Blobs handed on (to the drop or the outbox), at least.
    pub(crate) handed: u32,
    /// Sealing finished (every blob is on the drop or in the outbox).
    pub(crate) done: bool,
    /// The head's signature once sealed (a resumed seal must produce the same).
    sig: Option<String>,
}

impl DraftRecord {
    pub(crate) fn new(draft: &v2::Draft, to: &SealTo, files: &[Attached]) -> DraftRecord {
        let (to_hybrid, to_x25519) = match to {
            SealTo::Hybrid { key, .. } => (Some(hex::encode(key.as_bytes())), None),
            SealTo::Classical { key, .. } => (None, Some(hex::encode(key))),
        };
        DraftRecord {
            msg_id: hex::encode(draft.msg_id),
            prev_hash: hex::encode(draft.prev_hash),
            sent_at: draft.sent_at,
            expires_at: draft.expires_at,
            burn: draft.burn_after_reading,
            recipient_ed: hex::encode(to.ed()),
            to_hybrid,
            to_x25519,
            keys: (draft.keys.iter())
                .map(|k| (k.role as u8, hex::encode(k.key.as_bytes()), k.not_after))
                .collect(),
            files: (files.iter())
                .map(|f| FileRecord {
                    path: f.path.clone(),
                    name: f.meta.name.clone(),
                    content_type: f.meta.content_type.clone(),
                    stamp: f.stamp,
                })
                .collect(),
            handed: 0,
            done: false,
            sig: None,
        }
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub(crate) fn decode(b: &[u8]) -> Option<DraftRecord> {
        serde_json::from_slice(b).ok()
    }

    /// The draft, the key and the files again (the keys re-signed: Ed25519 is
    /// deterministic, so the head is the same); `Err` says what is gone or changed.
    pub(crate) fn restore(
        &self,
        me: &hushpost_core::identity::Identity,
    ) -> std::result::Result<(v2::Draft, SealTo, Vec<Attached>), String> {
        let bad = || "its record is damaged".to_string();
        let h32 = |s: &str| -> Option<[u8; 32]> { hex::decode(s).ok()?.try_into().ok() };
        let ed = h32(&self.recipient_ed).ok_or_else(bad)?;
        let to = match (&self.to_hybrid, &self.to_x25519) {
            (Some(h), _) => SealTo::Hybrid {
                ed,
                key: hex::decode(h)
                    .ok()
                    .and_then(|b| HybridPublic::from_bytes(&b).ok())
                    .ok_or_else(bad)?,
            },
            (None, Some(x)) => SealTo::Classical {
                ed,
                key: h32(x).ok_or_else(bad)?,
            },
            (None, None) => return Err(bad()),
        };
        let mut keys = Vec::new();
        for (role, key, not_after) in &self.keys {
            let role = if *role == KeyRole::Prekey as u8 {
                KeyRole::Prekey
            } else {
                KeyRole::Identity
            };
            let key = hex::decode(key)
                .ok()
                .and_then(|b| HybridPublic::from_bytes(&b).ok())
                .ok_or_else(bad)?;
            keys.push(SignedKey::sign(me, &ed, role, key, *not_after));
        }
        let draft = v2::Draft {
            kind: Kind::Message,
            msg_id: hex::decode(&self.msg_id)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(bad)?,
            prev_hash: h32(&self.prev_hash).ok_or_else(bad)?,
            sent_at: self.sent_at,
            expires_at: self.expires_at,
            burn_after_reading: self.burn,
            keys,
        };
        let mut files = Vec::new();
        for r in &self.files {
            files.push(Attached::reopen(r).ok_or_else(|| {
                format!("{} is gone or changed since it was sent", r.path.display())
            })?);
        }
        Ok((draft, to, files))
    }
}

/// Counts the bytes sealing reads (both passes), for progress.
struct Counted<'a, S: ContentSource + ?Sized> {
    inner: &'a S,
    n: &'a AtomicU64,
}

impl<S: ContentSource + ?Sized> ContentSource for Counted<'_, S> {
    fn len(&self) -> u64 {
        self.inner.len()
    }
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.inner.read_exact_at(buf, offset)?;
        self.n.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// Where one copy's blobs go.
pub(crate) struct Job<'a> {
    pub(crate) route: &'a Route,
    pub(crate) tag: Tag,
    pub(crate) via: Via,
    pub(crate) group: [u8; 16],
    /// Blobs wait for cover-traffic slots.
    pub(crate) cover: bool,
    /// Put blobs straight on the drop while it takes them (else: all into the outbox).
    pub(crate) direct: Option<Transport>,
    /// Blobs already handed on by an earlier, interrupted run.
    pub(crate) skip: std::collections::HashSet<u32>,
    pub(crate) skip_below: u32,
}

/// What sealing one copy did.
#[derive(Debug, Default)]
pub(crate) struct Sealed {
    pub(crate) blobs: u32,
    pub(crate) large: u32,
    /// Put straight on the drop.
    pub(crate) direct: u32,
    /// Written into the outbox (to leave later).
    pub(crate) queued: u32,
    /// Bytes put on the drop.
    pub(crate) wire: u64,
    /// Why the drop stopped taking blobs (they went to the outbox).
    pub(crate) error: Option<String>,
    /// The recipient's mailbox is full, or the window for large blobs is used up: the
    /// rest waits for them to fetch.
    pub(crate) room: Option<String>,
    /// The head's signature, when sealing finished.
    pub(crate) sig: Option<[u8; 64]>,
    /// Sealing itself failed (a file changed or became unreadable).
    pub(crate) failed: Option<String>,
}

/// Progress over every copy of a send, in bytes of the message itself (the letter and the
/// files, as the user knows their size): while the content is first read to commit to it,
/// the bytes read; from the first blob on, the bytes the drop has acknowledged — not those
/// sealed ahead of the upload (sealing runs up to two batches of 32 blobs ahead), nor those
/// written into the outbox to leave later.
pub(crate) struct Meter<'a> {
    /// Content bytes of one copy.
    content: u64,
    /// Copies in the send (one per recipient).
    copies: u64,
    /// Totals of the copies already sealed.
    before: Totals,
    report: &'a mut dyn FnMut(SendProgress),
}

#[derive(Default)]
struct Totals {
    copies: u64,
    on_drop: u64,
    blobs: u64,
    queued: u64,
    wire: u64,
}

impl<'a> Meter<'a> {
    /// For `copies` copies of `content` bytes each.
    pub(crate) fn new(
        content: u64,
        copies: u64,
        report: &'a mut dyn FnMut(SendProgress),
    ) -> Meter<'a> {
        Meter {
            content,
            copies,
            before: Totals::default(),
            report,
        }
    }

    /// Before the first blob of a copy: the content read so far.
    fn preparing(&mut self, read: u64) {
        let done = self.before.copies * self.content + read.min(self.content);
        self.emit(SendPhase::Preparing, done, &Sealed::default());
    }

    /// After a blob of the copy sealed into `out` was handed on; `seen` blobs so far.
    fn handed(&mut self, out: &Sealed, seen: u32, finished: bool) {
        let phase = if out.queued > 0 {
            SendPhase::Queueing
        } else {
            SendPhase::Sending
        };
        let done = self.before.on_drop + self.on_drop(out, seen, finished);
        self.emit(phase, done, out);
    }

    /// Content bytes of a copy on the drop: all of it once every blob is there; before,
    /// its share by blob count. The count is known only when sealing ends, so until then it
    /// is estimated from the size, never below the blobs seen plus one: the share stays
    /// short of the whole while anything may be missing.
    fn on_drop(&self, out: &Sealed, seen: u32, finished: bool) -> u64 {
        if finished && out.direct == out.blobs {
            return self.content;
        }
        let count = if finished {
            u64::from(out.blobs)
        } else {
            blob_estimate(self.content).max(u64::from(seen) + 1)
        };
        (self.content * u64::from(out.direct) / count.max(1)).min(self.content)
    }

    /// A copy is sealed: its last report, and its totals join the others'.
    fn copy_done(&mut self, out: &Sealed) {
        self.handed(out, out.blobs, true);
        self.before.on_drop += self.on_drop(out, out.blobs, true);
        self.before.copies += 1;
        self.before.blobs += u64::from(out.direct);
        self.before.queued += u64::from(out.queued);
        self.before.wire += out.wire;
    }

    fn emit(&mut self, phase: SendPhase, done: u64, out: &Sealed) {
        (self.report)(SendProgress {
            phase,
            done,
            total: self.content * self.copies,
            blobs: self.before.blobs + u64::from(out.direct),
            queued: self.before.queued + u64::from(out.queued),
            wire: self.before.wire + out.wire,
        });
    }
}

/// Blobs a message of `total` content bytes seals into, on the high side: one when it is
/// not fragmented, else a head and a fragment per chunk.
fn blob_estimate(total: u64) -> u64 {
    if passes(total) == 1 {
        1
    } else {
        1 + total.div_ceil(v2::CHUNK as u64)
    }
}

/// How often sealing reads the content of a message of `total` bytes: twice when it is
/// fragmented (the commitment pass, then the sealing pass), once otherwise.
fn passes(total: u64) -> u64 {
    if total > 260_000 { 2 } else { 1 }
}

impl Session {
    /// Seals one copy (letter + files) to `to` and hands every blob on as `job` says.
    pub(crate) fn seal_copy(
        &mut self,
        job: &mut Job<'_>,
        (draft, to): (&v2::Draft, &SealTo),
        letter: &[u8],
        files: &[Attached],
        meter: &mut Meter<'_>,
    ) -> Result<Sealed> {
        let read = AtomicU64::new(0);
        let letter_src = Counted {
            inner: letter,
            n: &read,
        };
        let handles: Vec<FileSource<File>> = files
            .iter()
            .map(|f| Ok(FileSource::new(f.file.try_clone()?, f.meta.len)))
            .collect::<io::Result<_>>()
            .map_err(|e| Error::Io(e, PathBuf::from("attachment")))?;
        let counted: Vec<Counted<'_, FileSource<File>>> = handles
            .iter()
            .map(|h| Counted { inner: h, n: &read })
            .collect();
        let mut body = Body::new(&letter_src);
        for (f, c) in files.iter().zip(counted.iter()) {
            body = body
                .attach(&f.meta.name, &f.meta.content_type, c)
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "{}: a name a receiver would refuse",
                        f.path.display()
                    ))
                })?;
        }
        // The sealing thread gets its own copy of the identity, so this one stays free to
        // record progress in the store while it runs.
        let id = self.keys.identity();
        let me =
            hushpost_core::identity::Identity::from_secrets(&id.ed_seed(), &id.x().secret_bytes());
        let outbox = Outbox::new(&self.home.outbox());
        let mut out = Sealed::default();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let sealed =
            std::thread::scope(|s| -> Result<std::result::Result<v2::SealedInfo, String>> {
                let worker = s.spawn(move || {
                    v2::seal(&me, to, draft, &body, &mut |b| {
                        tx.send(b.to_vec()).map_err(|_| io::Error::other("stopped"))
                    })
                });
                // Blobs are handed on in batches where the next hop is local disk (the
                // folder drop, the outbox: one flush per batch), one by one over a network.
                let per = if job
                    .direct
                    .as_ref()
                    .is_none_or(|t| matches!(t, Transport::Dir(_)))
                {
                    RECORD_EVERY as usize
                } else {
                    1
                };
                let mut i = 0u32;
                let mut batch: Vec<Vec<u8>> = Vec::with_capacity(per);
                let stopped = loop {
                    let (flush, end) = match rx.recv_timeout(Duration::from_millis(200)) {
                        Ok(blob) => {
                            batch.push(blob);
                            (batch.len() >= per, false)
                        }
                        // Until the first blob, the content is being read to commit to it.
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                            if i == 0 && batch.is_empty() {
                                meter.preparing(read.load(Ordering::Relaxed));
                            }
                            (!batch.is_empty(), false)
                        }
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                            (!batch.is_empty(), true)
                        }
                    };
                    if flush {
                        let n = batch.len() as u32;
                        if let Err(e) = self.hand_on(job, &outbox, i, &batch, &mut out) {
                            break Some(e);
                        }
                        batch.clear();
                        let before = i;
                        i += n;
                        if before / RECORD_EVERY != i / RECORD_EVERY && !end {
                            self.record_handed(&job.group, i)?;
                        }
                        meter.handed(&out, i, false);
                    }
                    if end {
                        break None;
                    }
                };
                drop(rx);
                let r = worker
                    .join()
                    .map_err(|_| Error::Invalid("the sealing thread failed".into()))?;
                if let Some(e) = stopped {
                    return Err(e);
                }
                out.blobs = i;
                Ok(r.map_err(|e| e.to_string()))
            })?;
        meter.copy_done(&out);
        match sealed {
            Ok(info) => out.sig = Some(info.sig),
            Err(e) => out.failed = Some(e),
        }
        Ok(out)
    }

    /// Blobs `first..` of a copy: onto the drop while it takes them (as one batch), the
    /// rest into the outbox (one durable batch).
    fn hand_on(
        &mut self,
        job: &mut Job<'_>,
        outbox: &Outbox,
        first: u32,
        blobs: &[Vec<u8>],
        out: &mut Sealed,
    ) -> Result<()> {
        out.large += blobs.iter().filter(|b| b.len() == LARGE).count() as u32;
        // Blobs an earlier, interrupted run handed on are not handed on again.
        let todo: Vec<(u32, &[u8])> = (first..)
            .zip(blobs.iter().map(|b| &b[..]))
            .filter(|(i, _)| *i >= job.skip_below && !job.skip.contains(i))
            .collect();
        let mut rest = &todo[..];
        if let Some(t) = job.direct.as_mut() {
            // Large blobs put straight on the drop stay within its window.
            let window = crate::outbox::window_for(job.route);
            let take = rest
                .iter()
                .enumerate()
                .position(|(k, (_, b))| {
                    b.len() == LARGE && window.is_some_and(|w| out.direct as usize + k >= w)
                })
                .unwrap_or(rest.len());
            let put: Vec<&[u8]> = rest[..take].iter().map(|(_, b)| *b).collect();
            let (n, r) = t.put_batch(&job.tag, &put, PutOptions::default());
            out.direct += n as u32;
            out.wire += put[..n].iter().map(|b| b.len() as u64).sum::<u64>();
            rest = &rest[n..];
            match r {
                Ok(()) if rest.is_empty() => return Ok(()),
                Ok(()) => out.room = Some(crate::outbox::WINDOW_WAIT.into()),
                Err(e @ TransportError::QuotaFull(_)) => out.room = Some(e.to_string()),
                Err(e) => out.error = Some(e.to_string()),
            }
            job.direct = None;
        }
        if rest.is_empty() {
            return Ok(());
        }
        let entries: Vec<NewEntry<'_>> = rest
            .iter()
            .map(|(i, blob)| NewEntry {
                route: job.route,
                tag: &job.tag,
                blob,
                intro: false,
                via: job.via,
                group: Some(job.group),
                cover: job.cover,
                index: Some(*i),
            })
            .collect();
        let (n, r) = outbox.enqueue_batch(&entries);
        out.queued += n as u32;
        r.map_err(|e| Error::Io(e, self.home.outbox()))
    }

    /// Records that the first `handed` blobs of a delivery are on their way.
    fn record_handed(&mut self, group: &[u8; 16], handed: u32) -> Result<()> {
        let Some(d) = self.store()?.delivery(group)? else {
            return Ok(());
        };
        let Some(mut r) = d.draft.as_deref().and_then(DraftRecord::decode) else {
            return Ok(());
        };
        r.handed = r.handed.max(handed);
        self.store()?.set_delivery_draft(group, &r.encode())?;
        Ok(())
    }

    /// Records that sealing a delivery finished (with the head's signature).
    pub(crate) fn record_sealed(
        &mut self,
        group: &[u8; 16],
        blobs: u32,
        sig: &[u8; 64],
    ) -> Result<()> {
        let Some(d) = self.store()?.delivery(group)? else {
            return Ok(());
        };
        let Some(mut r) = d.draft.as_deref().and_then(DraftRecord::decode) else {
            return Ok(());
        };
        r.handed = blobs;
        r.done = true;
        r.sig = Some(hex::encode(sig));
        self.store()?.set_delivery_draft(group, &r.encode())?;
        Ok(())
    }
}

impl DraftRecord {
    /// Whether `sig` is the signature of an earlier, completed seal of this draft (or none
    /// was recorded).
    pub(crate) fn same_head(&self, sig: &[u8; 64]) -> bool {
        self.sig.as_ref().is_none_or(|s| *s == hex::encode(sig))
    }
}
