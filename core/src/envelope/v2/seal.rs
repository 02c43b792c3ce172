//! Sealing v2: a draft and a re-readable body → one blob, or a signed head and fragments,
//! handed to a sink in order (head first) in bounded memory, on every core.
//!
//! A fragmented body is read twice: pass 1 hashes every chunk (in parallel) into the
//! Merkle tree whose root the head signs; pass 2 seals fragments in parallel batches, each
//! with its proof. Memory: the tree (64 bytes per fragment) plus three batches of blobs.
//! Must not: hold the body, or emit a fragment before its head.

use super::super::inner::Header;
use super::super::{Bucket, Kind};
use super::codec::{self, Signed, signed_overhead};
use super::merkle::{self, Tree};
use super::parts::{Body, ContentSource};
use super::{CHUNK, FLAG_BURN, FLAG_FRAGMENTED, MAX_FRAGMENTS, SignedKey, capacity};
use crate::agelayer::{SealKey, encrypt_in_place, encrypt_to_into};
use crate::envelope::SealError;
use crate::hybrid::HybridPublic;
use crate::identity::{Identity, SigContext};
use rayon::prelude::*;
use zeroize::Zeroize;

/// Fragments sealed per parallel batch: 32 × 256 KiB = 8 MiB of output per batch.
const BATCH: usize = 32;
/// Batches alive at once (sealing, queued, being written): 3 × 8 MiB.
const PIPELINE: usize = 3;

thread_local! {
    /// Per-thread plaintext buffer for fragments (wiped when sealing ends).
    static INNER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Who a blob is for: their identity and the one key every blob of the message is sealed to.
#[derive(Debug, Clone)]
pub enum SealTo {
    /// Their newest verified hybrid key (prekey, else long-term): post-quantum.
    Hybrid {
        /// Recipient's Ed25519 identity key.
        ed: [u8; 32],
        /// The key to seal to.
        key: HybridPublic,
    },
    /// Their X25519 prekey or identity key (first contact, or a peer without v2 keys).
    Classical {
        /// Recipient's Ed25519 identity key.
        ed: [u8; 32],
        /// The key to seal to.
        key: [u8; 32],
    },
}

impl SealTo {
    /// Recipient's Ed25519 key.
    pub fn ed(&self) -> &[u8; 32] {
        match self {
            SealTo::Hybrid { ed, .. } | SealTo::Classical { ed, .. } => ed,
        }
    }

    /// The age key.
    pub fn seal_key(&self) -> SealKey<'_> {
        match self {
            SealTo::Hybrid { key, .. } => SealKey::Hybrid(key),
            SealTo::Classical { key, .. } => SealKey::X25519(key),
        }
    }
}

/// What to seal, besides the body.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Any kind but `Fragment`.
    pub kind: Kind,
    /// Unique id ([`crate::envelope::new_msg_id`]).
    pub msg_id: [u8; 16],
    /// [`crate::envelope::chain_hash`] of our previous message to this recipient, or zeros.
    pub prev_hash: [u8; 32],
    /// Unix seconds.
    pub sent_at: u64,
    /// Unix seconds, 0 = never.
    pub expires_at: u64,
    /// Ask the recipient's client to delete the message once read.
    pub burn_after_reading: bool,
    /// Our signed hybrid keys for this recipient (at most one prekey and one long-term key).
    pub keys: Vec<SignedKey>,
}

/// What [`seal`] produced.
#[derive(Debug, Clone)]
pub struct SealedInfo {
    /// The head's signature (feeds the sender's chain hash).
    pub sig: [u8; 64],
    /// Blobs handed to the sink (head included).
    pub blobs: u32,
    /// Fragments (0 for a single blob).
    pub fragments: u32,
}

/// Seals `body` and hands each blob to `sink` in order, head first.
pub fn seal(
    sender: &Identity,
    to: &SealTo,
    draft: &Draft,
    body: &Body<'_>,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<SealedInfo, SealError> {
    if draft.kind == Kind::Fragment {
        return Err(SealError::FragmentDraft);
    }
    let mut keys = draft.keys.clone();
    keys.sort_by_key(|k| k.role);
    keys.dedup_by_key(|k| k.role);
    let key = to.seal_key();
    let parts = body.parts().to_vec();
    let total = body.total_len();
    if draft.kind != Kind::Message && parts.len() != 1 {
        return Err(SealError::TooLargeForKind(draft.kind, total as usize));
    }
    let mut header = Header {
        kind: draft.kind,
        flags: if draft.burn_after_reading {
            FLAG_BURN
        } else {
            0
        },
        sender: sender.ed_public(),
        recipient: *to.ed(),
        recipient_key: key.key_id(),
        msg_id: draft.msg_id,
    };
    let mut signed = Signed {
        header: header.clone(),
        prev_hash: draft.prev_hash,
        sent_at: draft.sent_at,
        expires_at: draft.expires_at,
        keys,
        parts,
        fragment_count: 0,
        root: None,
        inline: Vec::new(),
        sig: [0; 64],
    };
    let single = signed_overhead(signed.keys.len(), &signed.parts, false);
    for bucket in [Bucket::Small, Bucket::Large] {
        if single as u64 + total <= capacity(bucket, &key) as u64 {
            signed.inline = read(body, 0, total as usize)?;
            let blob = seal_signed(sender, &key, &mut signed, bucket)?;
            sink(&blob).map_err(SealError::Sink)?;
            return Ok(SealedInfo {
                sig: signed.sig,
                blobs: 1,
                fragments: 0,
            });
        }
    }
    if draft.kind != Kind::Message {
        return Err(SealError::TooLargeForKind(draft.kind, total as usize));
    }
    // Fragmented: the head is small when the letter fits it, and fills up with content.
    let fixed = signed_overhead(signed.keys.len(), &signed.parts, true);
    let letter = signed.parts[0].len;
    let head_bucket = if fixed as u64 + letter <= capacity(Bucket::Small, &key) as u64 {
        Bucket::Small
    } else {
        Bucket::Large
    };
    let Some(inline_len) = capacity(head_bucket, &key).checked_sub(fixed) else {
        return Err(SealError::TooLarge(total as usize));
    };
    let rest = total - inline_len as u64;
    let count = rest.div_ceil(CHUNK as u64);
    if count > u64::from(MAX_FRAGMENTS) {
        return Err(SealError::TooLarge(total as usize));
    }
    let count = count as u32;
    let tree = hash_pass(body, &draft.msg_id, inline_len as u64, count)?;
    header.flags |= FLAG_FRAGMENTED;
    signed.header.flags = header.flags;
    signed.fragment_count = count;
    signed.root = Some(tree.root());
    signed.inline = read(body, 0, inline_len)?;
    let head = seal_signed(sender, &key, &mut signed, head_bucket)?;
    sink(&head).map_err(SealError::Sink)?;
    signed.inline.zeroize();

    let frag_header = Header {
        kind: Kind::Fragment,
        flags: 0,
        ..header
    };
    seal_fragments(
        &key,
        &frag_header,
        body,
        inline_len as u64,
        count,
        &tree,
        sink,
    )?;
    Ok(SealedInfo {
        sig: signed.sig,
        blobs: count + 1,
        fragments: count,
    })
}

fn read(body: &Body<'_>, offset: u64, len: usize) -> Result<Vec<u8>, SealError> {
    let mut v = vec![0u8; len];
    body.read_exact_at(&mut v, offset)
        .map_err(SealError::Source)?;
    Ok(v)
}

fn chunk_range(inline_len: u64, count: u32, total: u64, index: u32) -> (u64, usize) {
    let start = inline_len + u64::from(index) * CHUNK as u64;
    let len = if index + 1 == count {
        (total - start) as usize
    } else {
        CHUNK
    };
    (start, len)
}

/// Pass 1: every chunk's leaf hash, in parallel, then the tree.
fn hash_pass(
    body: &Body<'_>,
    msg_id: &[u8; 16],
    inline_len: u64,
    count: u32,
) -> Result<Tree, SealError> {
    let total = body.total_len();
    let leaves: Result<Vec<[u8; 32]>, std::io::Error> = (0..count)
        .into_par_iter()
        .map(|i| {
            INNER.with(|cell| {
                let mut buf = cell.borrow_mut();
                let (start, len) = chunk_range(inline_len, count, total, i);
                buf.resize(len, 0);
                body.read_exact_at(&mut buf[..len], start)?;
                Ok(merkle::leaf(msg_id, i, &buf[..len]))
            })
        })
        .collect();
    Ok(Tree::new(leaves.map_err(SealError::Source)?))
}

fn seal_signed(
    sender: &Identity,
    key: &SealKey<'_>,
    s: &mut Signed,
    bucket: Bucket,
) -> Result<Vec<u8>, SealError> {
    let mut inner = zeroize::Zeroizing::new(codec::encode_signed(s));
    s.sig = sender.sign(SigContext::EnvelopeV2, &inner);
    inner.extend_from_slice(&s.sig);
    inner.resize(capacity(bucket, key), 0);
    let mut out = Vec::new();
    encrypt_to_into(key, &inner, &mut out).map_err(SealError::Key)?;
    Ok(out)
}

/// Pass 2: fragments in parallel batches, sealed ahead of the sink by up to two batches.
fn seal_fragments(
    key: &SealKey<'_>,
    header: &Header,
    body: &Body<'_>,
    inline_len: u64,
    count: u32,
    tree: &Tree,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), SealError> {
    let total = body.total_len();
    let cap = capacity(Bucket::Large, key);
    // Each fragment is built straight in its blob buffer: fields, then the chunk read from
    // the body into the STREAM segments it lands in, then the proof and zero padding.
    let seal_one = |i: u32, out: &mut Vec<u8>| -> Result<(), SealError> {
        let (start, len) = chunk_range(inline_len, count, total, i);
        let fields = codec::fragment_fields(header, i, count, len);
        let tail = codec::fragment_tail(&tree.proof(i));
        debug_assert!(fields.len() + len + tail.len() <= cap);
        encrypt_in_place(key, cap, out, |ip| -> Result<(), SealError> {
            ip.put(0, &fields);
            ip.each_segment(fields.len(), len, |seg, off| {
                body.read_exact_at(seg, start + off as u64)
            })
            .map_err(SealError::Source)?;
            ip.put(fields.len() + len, &tail);
            ip.zero_from(fields.len() + len + tail.len());
            Ok(())
        })
    };
    // A pipeline with no barrier between batches: the pool seals batch after batch into
    // recycled buffers while this thread (the sink is not `Send`) writes them out in order.
    // At most PIPELINE batches exist: one being sealed, the rest queued or being written.
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Result<Vec<Vec<u8>>, SealError>>(1);
    let (free_tx, free_rx) = std::sync::mpsc::channel::<Vec<Vec<u8>>>();
    let mut result = Ok(());
    rayon::in_place_scope(|scope| {
        let seal_one = &seal_one;
        scope.spawn(move |_| {
            let mut made = 0;
            for s in (0..count).step_by(BATCH) {
                let r = s..(s + BATCH as u32).min(count);
                let mut fill = match free_rx.try_recv() {
                    Ok(v) => v,
                    Err(_) if made < PIPELINE => {
                        made += 1;
                        Vec::new()
                    }
                    Err(_) => match free_rx.recv() {
                        Ok(v) => v,
                        Err(_) => return, // the writer stopped
                    },
                };
                fill.resize_with(r.len(), || Vec::with_capacity(Bucket::Large.size()));
                fill.truncate(r.len());
                let sealed = fill
                    .par_iter_mut()
                    .zip(r.into_par_iter())
                    .try_for_each(|(out, i)| seal_one(i, out))
                    .map(|()| fill);
                let failed = sealed.is_err();
                if full_tx.send(sealed).is_err() || failed {
                    return;
                }
            }
        });
        // Owned here, so both channels close when this thread stops: a sealer waiting for
        // a buffer or a slot in the queue then stops too, whatever it was doing.
        let (free_tx, full_rx) = (free_tx, full_rx);
        for batch in full_rx.iter() {
            let written = batch.and_then(|b| {
                for blob in &b {
                    sink(blob).map_err(SealError::Sink)?;
                }
                Ok(b)
            });
            match written {
                // A closed free list means the sealer is done: the buffers are dropped.
                Ok(b) => drop(free_tx.send(b)),
                Err(e) => {
                    result = Err(e);
                    break; // dropping the receiver stops the sealer at its next batch
                }
            }
        }
        drop((free_tx, full_rx));
    });
    rayon::broadcast(|_| INNER.with(|cell| cell.borrow_mut().zeroize()));
    result
}
