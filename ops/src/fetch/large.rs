//! Large v2 messages as they arrive, in bounded memory and disk: the verified head becomes a
//! partial message in the store (its fragment plan, the letter, an empty encrypted file per
//! attachment); every fragment is verified against the head alone and written straight into
//! its attachment file; the received-set is persisted only after the data is durable, and a
//! blob leaves the drop only after that. Fragments that come before their head are kept
//! sealed (a bounded number per contact); pieces nobody completes expire after the
//! retention, with a line saying so.
//!
//! Must not: hold a message's body in memory, write a byte that did not verify, mark a
//! fragment received before its bytes are on disk, or fill the disk (a reserve stays free).

use super::process::{MsgKey, Piece, Run, Seen};
use super::{RETENTION_DAYS, Rejection};
use crate::error::{Error, Result};
use crate::session::Session;
use hushpost_core::envelope::Kind;
use hushpost_core::envelope::v2::{
    self, Assembly, ContentSink, Envelope, FragmentError, FragmentPlan, PartMeta, PartWriter,
    PartsSink,
};
use hushpost_core::letter;
use hushpost_store::{Incoming, NewPart, NewPartial, PartData, PartFile, PartFileRef, PartLayout};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Fragments kept before their head, per contact (256 × 256 KiB = 64 MiB at most).
pub(super) const EARLY_MAX: u64 = 256;
/// The largest letter (part 0) accepted; the text is indexed and shown whole.
pub(super) const MAX_LETTER: u64 = 32 << 20;
/// Disk space left free whatever arrives, so the store (and the rest of the mail) works.
pub(super) const RESERVE: u64 = 64 << 20;

/// Where a fragment came from, and so what to do once it is stored.
pub(super) enum Origin {
    /// The drop: delete it there.
    Drop(usize, String),
    /// The early store: forget it there.
    Early(i64),
}

/// What the receive path keeps about a verified head until the message is complete.
#[derive(Serialize, Deserialize)]
struct HeadRecord {
    prev_hash: String,
    chain: String,
    sent_at: u64,
    expires_at: u64,
    burn: bool,
    parts: Vec<(String, String, u64)>,
}

/// A large message being written.
pub(crate) struct Assembling {
    asm: Assembly,
    head: HeadRecord,
    parts: Vec<PartMeta>,
    /// The part files by part index (`None`: part 0 carried by the head, or empty).
    files: Vec<Option<PartFile>>,
    refs: Vec<PartFileRef>,
    changed: bool,
}

/// Writes verified content into the part files (shared by the parallel writers).
struct Writer<'a>(&'a [Option<PartFile>]);

impl PartWriter for Writer<'_> {
    fn write_part_at(&mut self, part: usize, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        match self.0.get(part) {
            Some(Some(f)) => f.write_record(offset, bytes),
            _ => Ok(()),
        }
    }
}

/// A sealed record on its way to the one thread that writes: the file, its offset there.
type SealedRecord<'a> = (&'a PartFile, u64, Vec<u8>);

/// Seals verified content on the calling (worker) thread and queues it for the writer:
/// parallel writers of one file only queue on its inode lock, spinning (5 % of a large
/// fetch's CPU), while sealing is what parallelises.
struct Queueing<'a> {
    files: &'a [Option<PartFile>],
    tx: std::sync::mpsc::SyncSender<SealedRecord<'a>>,
}

impl PartWriter for Queueing<'_> {
    fn write_part_at(&mut self, part: usize, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        let Some(Some(f)) = self.files.get(part) else {
            return Ok(());
        };
        let (at, sealed) = f.seal_record(offset, bytes)?;
        // The writer only goes away early when the scope unwinds.
        self.tx
            .send((f, at, sealed))
            .map_err(|_| std::io::Error::other("the record writer stopped"))
    }
}

/// Writes queued records in arrival order; after a failure it drains the rest unwritten
/// (the batch is then not recorded, and its pieces stay where they were).
fn write_queued(rx: std::sync::mpsc::Receiver<SealedRecord<'_>>) -> std::io::Result<()> {
    let mut result = Ok(());
    for (f, at, sealed) in rx {
        if result.is_ok() {
            result = f.write_sealed(at, &sealed);
        }
    }
    result
}

fn layout(parts: &[PartMeta], i: usize, inline_len: u64) -> PartLayout {
    PartLayout {
        start: parts[..i].iter().map(|p| p.len).sum(),
        len: parts[i].len,
        inline_len,
    }
}

fn metas(h: &HeadRecord) -> Vec<PartMeta> {
    h.parts
        .iter()
        .map(|(n, t, l)| PartMeta {
            name: n.clone(),
            content_type: t.clone(),
            len: *l,
        })
        .collect()
}

/// Bytes free for us on the file system of `dir`.
pub(super) fn free_space(dir: &std::path::Path) -> u64 {
    nix::sys::statvfs::statvfs(dir)
        .map(|s| s.blocks_available() * s.fragment_size())
        .unwrap_or(u64::MAX)
}

/// A file-system error means "no room" when the disk is full.
fn is_full(e: &std::io::Error) -> bool {
    hushpost_durable::is_disk_full(e)
}

impl Assembling {
    fn remaining_bytes(&self) -> u64 {
        let p = self.asm.plan();
        let missing = u64::from(p.count - self.asm.received());
        (missing * v2::CHUNK as u64).min(p.total_len)
    }

    fn sync(&self) -> std::io::Result<()> {
        self.files.iter().flatten().try_for_each(PartFile::sync)
    }
}

impl Session {
    fn who(&self, sender: &[u8; 32]) -> String {
        self.keys
            .contact_name_by_key(sender)
            .unwrap_or_else(|| "a former contact".into())
    }

    /// Bytes the large messages of this run still need.
    fn pending_bytes(run: &Run) -> u64 {
        run.large.values().map(Assembling::remaining_bytes).sum()
    }

    /// A verified head of a large message: record it (plan, letter, empty part files with
    /// the head's share of the content), unless it is known already or there is no room.
    pub(super) fn start_large(
        &mut self,
        run: &mut Run,
        cap: usize,
        id: String,
        e: Box<Envelope>,
    ) -> Result<()> {
        let key = (e.header.sender, e.header.msg_id);
        self.keys.remember_keys(&e.header.sender, &e.keys);
        if e.header.kind != Kind::Message {
            run.reject(cap, id, "only messages may be fragmented".into());
            return Ok(());
        }
        if self.assembling(run, &key)? {
            run.delete.push((cap, id));
            return Ok(());
        }
        if e.parts[0].len > MAX_LETTER {
            run.reject(cap, id, "the text of this message is too large".into());
            return Ok(());
        }
        let Some(plan) = e.plan() else {
            run.reject(cap, id, "a fragmented head without a plan".into());
            return Ok(());
        };
        let dir = self.home.store();
        let needed = e.total_len() + 16 * u64::from(plan.count + e.parts.len() as u32);
        if needed + RESERVE + Self::pending_bytes(run) > free_space(&dir) {
            self.no_room(run, key, e.total_len());
            return Ok(());
        }
        match self.create_parts(&e, &plan) {
            Ok((files, refs)) => {
                let head = HeadRecord {
                    prev_hash: hex::encode(e.prev_hash),
                    chain: hex::encode(e.chain_hash()),
                    sent_at: e.sent_at,
                    expires_at: e.expires_at,
                    burn: e.burn_after_reading,
                    parts: (e.parts.iter())
                        .map(|p| (p.name.clone(), p.content_type.clone(), p.len))
                        .collect(),
                };
                let asm = Assembly::new(plan.clone());
                let json = serde_json::to_vec(&head).map_err(|e| Error::Invalid(e.to_string()))?;
                let now = self.now();
                self.store()?.partial_add(&NewPartial {
                    key,
                    plan: &plan.encode(),
                    bitmap: asm.bitmap(),
                    head: &json,
                    letter: e.letter(),
                    files: &refs,
                    now,
                })?;
                let a = Assembling {
                    asm,
                    head,
                    parts: e.parts.clone(),
                    files,
                    refs,
                    changed: false,
                };
                run.large.insert(key, a);
                run.new_heads.push(key);
                run.delete.push((cap, id));
            }
            Err(err) if err.is_full() => self.no_room(run, key, e.total_len()),
            Err(err) => return Err(err.into()),
        }
        Ok(())
    }

    fn no_room(&mut self, run: &mut Run, key: MsgKey, size: u64) {
        run.refused.insert(key);
        run.left += 1;
        run.report.notes.push(format!(
            "not enough disk space for a message of {} from {}: it stays on the drop until there is room",
            crate::fmt_bytes(size),
            self.who(&key.0)
        ));
    }

    /// The part files of a new large message, with the head's inline content written and
    /// synced; on failure nothing is left.
    fn create_parts(
        &mut self,
        e: &Envelope,
        plan: &FragmentPlan,
    ) -> std::result::Result<(Vec<Option<PartFile>>, Vec<PartFileRef>), PartsError> {
        let store = self.store().map_err(PartsError::Op)?;
        let mut files = Vec::new();
        let mut refs = Vec::new();
        let letter_inline = e.letter().is_some();
        let made = (|| {
            for (i, p) in e.parts.iter().enumerate() {
                if (i == 0 && letter_inline) || p.len == 0 {
                    files.push(None);
                    continue;
                }
                let (r, f) =
                    store.part_file_create(i as u32, layout(&e.parts, i, plan.inline_len))?;
                refs.push(r);
                files.push(Some(f));
            }
            let mut w = Writer(&files);
            PartsSink::new(&e.parts, &mut w)
                .write_at(0, e.inline())
                .and_then(|()| files.iter().flatten().try_for_each(PartFile::sync))
                .map_err(|e| {
                    if is_full(&e) {
                        hushpost_store::StoreError::DiskFull
                    } else {
                        hushpost_store::StoreError::Io(e, std::path::PathBuf::from("parts"))
                    }
                })
        })();
        match made {
            Ok(()) => Ok((files, refs)),
            Err(err) => {
                drop(files);
                for r in &refs {
                    let _ = store.part_file_remove(&r.file);
                }
                Err(PartsError::Store(err))
            }
        }
    }

    /// Whether `key` is a large message being assembled (loading it from the store).
    pub(super) fn assembling(&mut self, run: &mut Run, key: &MsgKey) -> Result<bool> {
        if run.large.contains_key(key) {
            return Ok(true);
        }
        if !run.known.as_ref().is_some_and(|k| k.contains(key)) {
            return Ok(false);
        }
        let Some(p) = self.store()?.partial(key)? else {
            return Ok(false);
        };
        let corrupt = || {
            Error::Store(hushpost_store::StoreError::Corrupt(
                "a partial message".into(),
            ))
        };
        let plan = FragmentPlan::decode(&p.plan).ok_or_else(corrupt)?;
        let asm = Assembly::resume(plan.clone(), &p.bitmap).ok_or_else(corrupt)?;
        let head: HeadRecord = serde_json::from_slice(&p.head).map_err(|_| corrupt())?;
        let parts = metas(&head);
        let mut files: Vec<Option<PartFile>> = (0..parts.len()).map(|_| None).collect();
        for r in &p.files {
            let i = r.idx as usize;
            if i >= parts.len() {
                return Err(corrupt());
            }
            let l = layout(&parts, i, plan.inline_len);
            files[i] = Some(self.store()?.part_file_open(r, l, true)?);
        }
        run.large.insert(
            *key,
            Assembling {
                asm,
                head,
                parts,
                files,
                refs: p.files,
                changed: false,
            },
        );
        Ok(true)
    }

    /// Fragments of one batch: written where their head is known, kept sealed (bounded)
    /// where it is not yet, left on the drop where there is no room.
    pub(super) fn add_pieces(&mut self, run: &mut Run, pieces: Vec<Piece>) -> Result<()> {
        let mut ready = Vec::new();
        for p in pieces {
            let key = p.fragment.message();
            if self.assembling(run, &key)? {
                ready.push(p);
            } else if run.refused.contains(&key) {
                run.left += 1;
            } else {
                self.keep_early(run, p)?;
            }
        }
        self.write_pieces(run, ready)
    }

    /// Keeps a fragment whose head has not come yet, sealed, up to [`EARLY_MAX`] per
    /// contact; beyond that it stays on the drop (a later pass takes it).
    fn keep_early(&mut self, run: &mut Run, p: Piece) -> Result<()> {
        let Origin::Drop(cap, id) = p.origin else {
            return Ok(());
        };
        let key = p.fragment.message();
        let Some(blob) = p.sealed else {
            run.left += 1;
            return Ok(());
        };
        if self.store()?.early_count(&key.0)? >= EARLY_MAX {
            run.left += 1;
            return Ok(());
        }
        let now = self.now();
        match self.store()?.early_add(&key, p.fragment.index, &blob, now) {
            Ok(_) => run.delete.push((cap, id)),
            Err(hushpost_store::StoreError::DiskFull) => {
                run.left += 1;
                self.note_full(run);
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    fn note_full(&mut self, run: &mut Run) {
        let line = "the disk is full: pieces of a large message stay on the drop until there is room (nothing half-written)";
        if !run.report.notes.iter().any(|n| n == line) {
            run.report.notes.push(line.into());
        }
    }

    /// Verifies and writes fragments in parallel, makes the files durable, then records
    /// what arrived; complete messages become messages.
    pub(super) fn write_pieces(&mut self, run: &mut Run, ready: Vec<Piece>) -> Result<()> {
        if ready.is_empty() {
            return Ok(());
        }
        let bytes: u64 = ready.len() as u64 * v2::CHUNK as u64;
        let room = free_space(&self.home.store()) >= bytes + RESERVE;
        let large = &run.large;
        let as_piece_error = |e: std::io::Error| {
            if is_full(&e) {
                PieceError::Full
            } else {
                PieceError::Io(e)
            }
        };
        let (results, written) = std::thread::scope(|scope| {
            // Bounded: at most 16 sealed records (4 MiB) wait for the writer.
            let (tx, rx) = std::sync::mpsc::sync_channel::<SealedRecord<'_>>(16);
            let writer = scope.spawn(move || write_queued(rx));
            let results: Vec<std::result::Result<u32, PieceError>> = ready
                .par_iter()
                .map_with(tx, |tx, p| {
                    let a = large.get(&p.fragment.message()).ok_or(PieceError::Gone)?;
                    let c = a.asm.plan().verify(&p.fragment).map_err(PieceError::Bad)?;
                    if !room {
                        return Err(PieceError::Full);
                    }
                    let mut w = Queueing {
                        files: &a.files,
                        tx: tx.clone(),
                    };
                    PartsSink::new(&a.parts, &mut w)
                        .write_at(c.offset, c.bytes)
                        .map_err(as_piece_error)?;
                    Ok(c.index)
                })
                .collect();
            let written = writer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (results, written)
        });
        // A failed write leaves the whole batch unrecorded: its pieces stay on the drop
        // (or among the early ones) and come again; records already written are written
        // again with the same bytes.
        let results: Vec<std::result::Result<u32, PieceError>> = match written {
            Ok(()) => results,
            Err(e) if is_full(&e) => results
                .into_iter()
                .map(|r| r.and(Err(PieceError::Full)))
                .collect(),
            Err(e) => {
                // The loop below stops at the first `Io`: the first written piece carries it.
                let mut e = Some(e);
                results
                    .into_iter()
                    .map(|r| {
                        r.and_then(|_| {
                            Err(PieceError::Io(
                                e.take().unwrap_or_else(|| std::io::ErrorKind::Other.into()),
                            ))
                        })
                    })
                    .collect()
            }
        };
        let mut stored = Vec::new();
        let mut early_done = Vec::new();
        for (p, r) in ready.into_iter().zip(results) {
            let key = p.fragment.message();
            match r {
                Ok(index) => {
                    if let Some(a) = run.large.get_mut(&key) {
                        a.changed |= a.asm.mark_written(index);
                    }
                    stored.push(p.origin);
                }
                Err(PieceError::Bad(e)) => {
                    run.report.rejected.push(Rejection {
                        route: run.route.clone(),
                        reason: fragment_reason(e),
                    });
                    stored.push(p.origin);
                }
                Err(PieceError::Full) => {
                    run.left += 1;
                    self.note_full(run);
                }
                Err(PieceError::Gone) => run.left += 1,
                Err(PieceError::Io(e)) => return Err(Error::Io(e, self.home.store())),
            }
        }
        self.commit_large(run)?;
        for o in stored {
            match o {
                Origin::Drop(cap, id) => run.delete.push((cap, id)),
                Origin::Early(row) => early_done.push(row),
            }
        }
        if !early_done.is_empty() {
            self.store()?.early_remove(&early_done)?;
        }
        Ok(())
    }

    /// Makes what was written durable, then records it; finishes complete messages.
    fn commit_large(&mut self, run: &mut Run) -> Result<()> {
        let mut updates: Vec<(MsgKey, Vec<u8>)> = Vec::new();
        let mut complete = Vec::new();
        for (k, a) in run.large.iter_mut().filter(|(_, a)| a.changed) {
            a.sync().map_err(|e| Error::Io(e, self.home.store()))?;
            updates.push((*k, a.asm.bitmap().to_vec()));
            a.changed = false;
            if a.asm.is_complete() {
                complete.push(*k);
            }
        }
        if !updates.is_empty() {
            let refs: Vec<(MsgKey, &[u8])> = updates.iter().map(|(k, b)| (*k, &b[..])).collect();
            let now = self.now();
            self.store()?.partial_set_bitmaps(&refs, now)?;
        }
        for k in complete {
            self.finish_large(run, k)?;
        }
        Ok(())
    }

    /// Every fragment arrived: the partial becomes a message (its part files its
    /// attachments) in one transaction, which also records it in the replay window.
    fn finish_large(&mut self, run: &mut Run, key: MsgKey) -> Result<()> {
        let Some(a) = run.large.remove(&key) else {
            return Ok(());
        };
        let corrupt = || {
            Error::Store(hushpost_store::StoreError::Corrupt(
                "a partial message".into(),
            ))
        };
        let p = self.store()?.partial(&key)?.ok_or_else(corrupt)?;
        let letter_raw = match (&p.letter, a.files.first()) {
            (Some(l), _) => zeroize::Zeroizing::new(l.clone()),
            (None, Some(Some(f))) => {
                let mut v = zeroize::Zeroizing::new(vec![0u8; a.parts[0].len as usize]);
                f.read_exact_at(&mut v, 0)
                    .map_err(|e| Error::Io(e, self.home.store()))?;
                v
            }
            (None, _) => zeroize::Zeroizing::new(Vec::new()),
        };
        let parsed = letter::parse(&letter_raw).ok();
        let chain = hex_32(&a.head.chain);
        let common = super::accept::Common {
            sender: key.0,
            msg_id: key.1,
            sent_at: a.head.sent_at,
            expires_at: a.head.expires_at,
            burn: a.head.burn,
            prev_hash: hex_32(&a.head.prev_hash),
            chain,
        };
        let now = self.now();
        let msg = self.new_message_from(
            &common,
            parsed.as_ref(),
            &letter_raw,
            a.parts.len() > 1,
            now,
        );
        let inline_len = a.asm.plan().inline_len;
        let parts: Vec<NewPart<'_>> = (1..a.parts.len())
            .map(|i| NewPart {
                idx: i as u32,
                name: a.parts[i].name.clone(),
                content_type: a.parts[i].content_type.clone(),
                len: a.parts[i].len,
                data: match a.refs.iter().find(|r| r.idx as usize == i) {
                    Some(r) => PartData::File(r.clone(), layout(&a.parts, i, inline_len)),
                    None => PartData::Inline(&[]),
                },
            })
            .collect();
        let inserted = self.store()?.insert_arrivals(&[Incoming {
            msg,
            parts,
            completes_partial: true,
        }])?;
        let letter_file = a.refs.iter().find(|r| r.idx == 0).map(|r| r.file.clone());
        drop(a.files);
        match inserted.first() {
            Some(hushpost_store::Inserted::New(id)) => run.report.new.push(*id),
            _ => {
                run.report.duplicates += 1;
                for r in &a.refs {
                    self.store()?.part_file_remove(&r.file)?;
                }
            }
        }
        if let Some(f) = letter_file {
            self.store()?.part_file_remove(&f)?;
        }
        run.accepted.insert(key);
        Ok(())
    }

    /// Fragments kept before the heads that came in this batch: opened and written now.
    pub(super) fn drain_early(&mut self, run: &mut Run) -> Result<()> {
        for key in std::mem::take(&mut run.new_heads) {
            let owner = self.keys.contact_by_key(&key.0);
            let keys = self.keys.keys_for(owner);
            loop {
                let early = self.store()?.early_of(&key, 32)?;
                if early.is_empty() {
                    break;
                }
                let mut pieces = Vec::new();
                let mut refused = Vec::new();
                let (x, pq) = keys.refs();
                let me = self.keys.identity().ed_public();
                let base = self.store()?.seen_snapshot()?;
                let seen = Seen {
                    base: &base,
                    run: &run.accepted,
                };
                let contact = |k: &[u8; 32]| *k == key.0;
                let rx = v2::Receiver {
                    me,
                    x_keys: &x,
                    pq_keys: &pq,
                    is_contact: &contact,
                    seen: &seen,
                    now: self.now(),
                    max_total_len: v2::DEFAULT_MAX_TOTAL_LEN,
                };
                for e in early {
                    match v2::open(&e.blob, &rx) {
                        Ok(v2::Opened::Fragment(f)) if f.message() == key => pieces.push(Piece {
                            origin: Origin::Early(e.id),
                            fragment: f,
                            sealed: None,
                        }),
                        _ => refused.push(e.id),
                    }
                }
                let n = pieces.len();
                self.store()?.early_remove(&refused)?;
                self.write_pieces(run, pieces)?;
                if n == 0 || !run.large.contains_key(&key) {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Pieces nobody completes: a partial message with no progress for the retention, and
    /// fragments whose head never came, are deleted with a line saying so.
    pub(crate) fn expire_large(&mut self, notes: &mut Vec<String>) -> Result<()> {
        let now = self.now();
        let cutoff = now.saturating_sub(RETENTION_DAYS * 86_400);
        for p in self.store()?.partials()? {
            if p.progress_at >= cutoff {
                continue;
            }
            let (got, count) = FragmentPlan::decode(&p.plan)
                .and_then(|plan| {
                    let a = Assembly::resume(plan.clone(), &p.bitmap)?;
                    Some((a.received(), plan.count))
                })
                .unwrap_or((0, 0));
            self.store()?.partial_drop(&p.key)?;
            notes.push(format!(
                "a large message from {} was abandoned ({got} of {count} pieces, nothing new for {RETENTION_DAYS} days): its pieces are deleted",
                self.who(&p.key.0)
            ));
        }
        let old = self.store()?.early_older_than(cutoff)?;
        if !old.is_empty() {
            let senders: HashSet<[u8; 32]> = old.iter().map(|(_, s)| *s).collect();
            let ids: Vec<i64> = old.iter().map(|(i, _)| *i).collect();
            self.store()?.early_remove(&ids)?;
            for s in senders {
                notes.push(format!(
                    "pieces of a message from {} whose beginning never came were deleted after {RETENTION_DAYS} days",
                    self.who(&s)
                ));
            }
        }
        Ok(())
    }

    /// Large messages still arriving: (from, pieces stored, pieces in all, bytes in all).
    pub(crate) fn arriving(&mut self) -> Result<Vec<super::Arriving>> {
        let mut out = Vec::new();
        for p in self.store()?.partials()? {
            let Some(plan) = FragmentPlan::decode(&p.plan) else {
                continue;
            };
            let got = Assembly::resume(plan.clone(), &p.bitmap).map_or(0, |a| a.received());
            out.push(super::Arriving {
                from: self.who(&p.key.0),
                pieces: got,
                of: plan.count,
                bytes: plan.total_len,
            });
        }
        Ok(out)
    }

    /// Pieces of this run's large messages stored so far, and in all.
    pub(super) fn run_pieces(run: &Run) -> (u64, u64) {
        run.large.values().fold((0, 0), |(g, t), a| {
            (
                g + u64::from(a.asm.received()),
                t + u64::from(a.asm.plan().count),
            )
        })
    }
}

fn hex_32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    let _ = hex::decode_to_slice(s, &mut out);
    out
}

fn fragment_reason(e: FragmentError) -> String {
    match e {
        FragmentError::WrongMessage => "a fragment of another message was spliced in".into(),
        FragmentError::Inconsistent(i) => format!("fragment {i} disagrees with its head"),
        FragmentError::BadProof(i) => {
            format!("fragment {i} was altered (it does not match the signed head)")
        }
    }
}

enum PieceError {
    Bad(FragmentError),
    Full,
    Gone,
    Io(std::io::Error),
}

enum PartsError {
    Op(Error),
    Store(hushpost_store::StoreError),
}

impl PartsError {
    fn is_full(&self) -> bool {
        matches!(
            self,
            PartsError::Store(hushpost_store::StoreError::DiskFull)
        )
    }
}

impl From<PartsError> for Error {
    fn from(e: PartsError) -> Error {
        match e {
            PartsError::Op(e) => e,
            PartsError::Store(e) => Error::Store(e),
        }
    }
}
