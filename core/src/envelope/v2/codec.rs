//! Strict, total encoding of the v2 inner envelope (`docs/PROTOCOL.md` §7.2).
//!
//! ```text
//! common   "hushpost" | u8 2 | u8 kind | u8 flags | sender_ed[32] | recipient_ed[32]
//!          | recipient_key_id[32] | msg_id[16]                                   (123 bytes)
//! signed   prev_hash[32] | u64 sent_at | u64 expires_at
//!          | u8 key_count (0–2) | (u8 role | key[1216] | u64 not_after | sig[64])*
//!          | u64 total_len | u8 part_count (1–64)
//!          | (u64 len | u8 name_len | name | u8 type_len | type)*
//!          | u32 fragment_count | [root[32] if fragment_count > 0]
//!          | u32 inline_len | inline | sig[64]
//! fragment u32 index | u32 count | u32 chunk_len | chunk | u8 depth | proof[32 × depth]
//! then     zero padding to the blob's capacity (none after a fragmented head)
//! ```
//! The parser accepts exactly what the encoder writes (`encode(parse(b)) == b`), so every
//! accepted input is canonical. Must not: allocate by an announced length (every length is
//! checked against the bytes actually present) or panic.

use super::super::Kind;
use super::super::inner::{Cursor, Header, MAGIC, Malformed, put_common};
use super::merkle;
use super::{
    CHUNK, FLAG_BURN, FLAG_FRAGMENTED, KeyRole, MAX_FRAGMENTS, MAX_PARTS, PartMeta, SignedKey,
    VERSION, valid_attachment,
};
use crate::hybrid::{HybridPublic, PUBLIC_LEN};

/// Bytes of the common fields (the same as v1's).
pub(crate) use super::super::inner::COMMON_LEN;
/// Fixed bytes of a fragment besides chunk and proof.
pub(crate) const FRAGMENT_FIXED: usize = COMMON_LEN + 4 + 4 + 4 + 1;

/// A signed v2 envelope (every kind but `Fragment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// Common fields (`recipient_key` is the sealing key's id).
    pub header: Header,
    /// Chain hash of the sender's previous message to this recipient.
    pub prev_hash: [u8; 32],
    /// Unix seconds.
    pub sent_at: u64,
    /// Unix seconds, 0 = never.
    pub expires_at: u64,
    /// Signed hybrid keys of the sender, at most one per role, in role order.
    pub keys: Vec<SignedKey>,
    /// The parts (part 0 is the letter or the kind's body).
    pub parts: Vec<PartMeta>,
    /// Number of fragments (0: the whole content is inline).
    pub fragment_count: u32,
    /// Merkle root over the fragments' chunks (fragmented heads only).
    pub root: Option<[u8; 32]>,
    /// Content bytes `[0, inline.len())`.
    pub inline: Vec<u8>,
    /// Ed25519 signature (`EnvelopeV2` context) over every byte before it.
    pub sig: [u8; 64],
}

impl Signed {
    /// Sum of the part lengths.
    pub fn total_len(&self) -> u64 {
        self.parts.iter().map(|p| p.len).sum()
    }
}

/// A fragment, borrowing from the plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// Common fields.
    pub header: Header,
    /// 0-based position.
    pub index: u32,
    /// Number of fragments in the message.
    pub count: u32,
    /// Where the chunk lies in the plaintext.
    pub chunk: std::ops::Range<usize>,
    /// Merkle proof, leaf to root.
    pub proof: Vec<[u8; 32]>,
}

/// A parsed v2 inner.
#[derive(Debug)]
pub enum Inner {
    /// Every kind but `Fragment`.
    Signed(Signed),
    /// One piece of a large body.
    Fragment(Fragment),
}

/// Bytes of the signed fields besides the inline content: what a head costs.
pub(crate) fn signed_overhead(keys: usize, parts: &[PartMeta], fragmented: bool) -> usize {
    let parts_len: usize = parts
        .iter()
        .map(|p| 8 + 1 + p.name.len() + 1 + p.content_type.len())
        .sum();
    COMMON_LEN
        + 32
        + 8
        + 8
        + 1
        + keys * super::SIGNED_KEY_LEN
        + 8
        + 1
        + parts_len
        + 4
        + if fragmented { 32 } else { 0 }
        + 4
        + 64
}

/// Everything of a signed inner up to the signature.
pub fn encode_signed(s: &Signed) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        signed_overhead(s.keys.len(), &s.parts, s.root.is_some()) + s.inline.len(),
    );
    put_common(&mut out, &s.header, VERSION);
    out.extend_from_slice(&s.prev_hash);
    out.extend_from_slice(&s.sent_at.to_be_bytes());
    out.extend_from_slice(&s.expires_at.to_be_bytes());
    out.push(s.keys.len() as u8);
    for k in &s.keys {
        out.push(k.role as u8);
        out.extend_from_slice(k.key.as_bytes());
        out.extend_from_slice(&k.not_after.to_be_bytes());
        out.extend_from_slice(&k.sig);
    }
    out.extend_from_slice(&s.total_len().to_be_bytes());
    out.push(s.parts.len() as u8);
    for p in &s.parts {
        out.extend_from_slice(&p.len.to_be_bytes());
        out.push(p.name.len() as u8);
        out.extend_from_slice(p.name.as_bytes());
        out.push(p.content_type.len() as u8);
        out.extend_from_slice(p.content_type.as_bytes());
    }
    out.extend_from_slice(&s.fragment_count.to_be_bytes());
    if let Some(r) = &s.root {
        out.extend_from_slice(r);
    }
    out.extend_from_slice(&(s.inline.len() as u32).to_be_bytes());
    out.extend_from_slice(&s.inline);
    out
}

/// A fragment's fields before its chunk (`common | index | count | chunk_len`).
pub(crate) fn fragment_fields(
    header: &Header,
    index: u32,
    count: u32,
    chunk_len: usize,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(FRAGMENT_FIXED);
    put_common(&mut out, header, VERSION);
    out.extend_from_slice(&index.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(chunk_len as u32).to_be_bytes());
    out
}

/// A fragment's fields after its chunk (`depth | proof`).
pub(crate) fn fragment_tail(proof: &[[u8; 32]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 32 * proof.len());
    out.push(proof.len() as u8);
    for p in proof {
        out.extend_from_slice(p);
    }
    out
}

/// Writes a fragment's fields into `out` (cleared), reserving `chunk_len` bytes for the chunk
/// (zeroed; the caller fills `out[chunk_at..chunk_at + chunk_len]`) and appending the proof.
/// Returns `chunk_at`.
pub(crate) fn encode_fragment_frame(
    out: &mut Vec<u8>,
    header: &Header,
    index: u32,
    count: u32,
    chunk_len: usize,
    proof: &[[u8; 32]],
) -> usize {
    out.clear();
    put_common(out, header, VERSION);
    out.extend_from_slice(&index.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(chunk_len as u32).to_be_bytes());
    let at = out.len();
    out.resize(at + chunk_len, 0);
    out.push(proof.len() as u8);
    for p in proof {
        out.extend_from_slice(p);
    }
    at
}

/// Whether `b` starts like a v2 inner (magic and version), before any other check.
pub fn is_v2(b: &[u8]) -> bool {
    b.len() > 9 && &b[..8] == MAGIC && b[8] == VERSION
}

/// Parses v2 inner bytes (the whole decrypted payload, padding included).
pub fn parse(b: &[u8]) -> Result<Inner, Malformed> {
    let mut c = Cursor::new(b);
    let header = c.common(VERSION, FLAG_FRAGMENTED | FLAG_BURN)?;
    let inner = if header.kind == Kind::Fragment {
        Inner::Fragment(parse_fragment(&mut c, header)?)
    } else {
        Inner::Signed(parse_signed(&mut c, header)?)
    };
    let pad = &b[c.at..];
    if pad.iter().any(|x| *x != 0) {
        return Err(Malformed("padding is not all zero"));
    }
    if let Inner::Signed(s) = &inner
        && s.fragment_count > 0
        && !pad.is_empty()
    {
        return Err(Malformed("a fragmented head must fill its blob"));
    }
    Ok(inner)
}

fn parse_fragment(c: &mut Cursor<'_>, header: Header) -> Result<Fragment, Malformed> {
    let (index, count) = c.fragment_position(&header, MAX_FRAGMENTS)?;
    let len = c.u32("truncated chunk length")? as usize;
    if len == 0 || len > CHUNK || (index + 1 < count && len != CHUNK) {
        return Err(Malformed("fragment chunk length out of range"));
    }
    let start = c.at;
    c.take(len, "truncated chunk")?;
    let depth = c.u8("truncated proof depth")?;
    if depth != merkle::depth(count) {
        return Err(Malformed("proof depth does not match the fragment count"));
    }
    let mut proof = Vec::with_capacity(depth as usize);
    for _ in 0..depth {
        proof.push(c.arr("truncated proof")?);
    }
    Ok(Fragment {
        header,
        index,
        count,
        chunk: start..start + len,
        proof,
    })
}

fn parse_keys(c: &mut Cursor<'_>) -> Result<Vec<SignedKey>, Malformed> {
    let n = c.u8("truncated key count")?;
    if n > 2 {
        return Err(Malformed("more than two signed keys"));
    }
    let mut keys: Vec<SignedKey> = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let role =
            KeyRole::from_u8(c.u8("truncated key role")?).ok_or(Malformed("unknown key role"))?;
        if keys.last().is_some_and(|k| k.role >= role) {
            return Err(Malformed("signed keys out of order or repeated"));
        }
        let key = HybridPublic::from_bytes(c.take(PUBLIC_LEN, "truncated signed key")?)
            .map_err(|_| Malformed("unusable hybrid key (invalid or small-order)"))?;
        let not_after = c.u64("truncated key expiry")?;
        if role == KeyRole::Prekey && not_after == 0 {
            return Err(Malformed("a prekey must expire"));
        }
        let sig = c.arr("truncated key signature")?;
        keys.push(SignedKey {
            role,
            key,
            not_after,
            sig,
        });
    }
    Ok(keys)
}

fn parse_parts(c: &mut Cursor<'_>, kind: Kind) -> Result<(u64, Vec<PartMeta>), Malformed> {
    let total_len = c.u64("truncated total length")?;
    let n = c.u8("truncated part count")? as usize;
    if n == 0 || n > MAX_PARTS || (kind != Kind::Message && n != 1) {
        return Err(Malformed("part count out of range"));
    }
    let mut parts = Vec::with_capacity(n);
    let mut sum: u64 = 0;
    for i in 0..n {
        let len = c.u64("truncated part length")?;
        let name = c.text("truncated part name")?;
        let content_type = c.text("truncated part type")?;
        let p = PartMeta {
            name,
            content_type,
            len,
        };
        let ok = if i == 0 {
            p.name.is_empty() && p.content_type.is_empty()
        } else {
            valid_attachment(&p)
        };
        if !ok {
            return Err(Malformed("bad part name or type"));
        }
        sum = sum
            .checked_add(len)
            .ok_or(Malformed("part lengths overflow"))?;
        parts.push(p);
    }
    if sum != total_len {
        return Err(Malformed("part lengths do not add up to the total"));
    }
    Ok((total_len, parts))
}

fn parse_signed(c: &mut Cursor<'_>, header: Header) -> Result<Signed, Malformed> {
    let fragmented = header.flags & FLAG_FRAGMENTED != 0;
    let (prev_hash, sent_at, expires_at) = c.signed_times(&header)?;
    let keys = parse_keys(c)?;
    let (total_len, parts) = parse_parts(c, header.kind)?;
    let fragment_count = c.u32("truncated fragment count")?;
    if (fragment_count > 0) != fragmented || fragment_count > MAX_FRAGMENTS {
        return Err(Malformed("fragment count disagrees with the flags"));
    }
    let root = if fragmented {
        Some(c.arr("truncated root")?)
    } else {
        None
    };
    let inline_len = u64::from(c.u32("truncated inline length")?);
    let expected_count = if fragmented {
        total_len
            .checked_sub(inline_len)
            .filter(|rest| *rest > 0)
            .map(|rest| rest.div_ceil(CHUNK as u64))
    } else {
        (inline_len == total_len).then_some(0)
    };
    if expected_count != Some(u64::from(fragment_count)) {
        return Err(Malformed(
            "inline length and fragment count do not cover the parts",
        ));
    }
    let inline = c
        .take(inline_len as usize, "inline content longer than the blob")?
        .to_vec();
    let sig = c.arr("truncated signature")?;
    Ok(Signed {
        header,
        prev_hash,
        sent_at,
        expires_at,
        keys,
        parts,
        fragment_count,
        root,
        inline,
        sig,
    })
}

/// Encodes a parsed inner back and pads it to `len` (the round-trip property: for every
/// accepted `b`, `encode(&parse(b)?, b)` equals `b`). Fragments take their chunk from `plain`.
pub fn encode(inner: &Inner, plain: &[u8], len: usize) -> Vec<u8> {
    let mut out = match inner {
        Inner::Signed(s) => {
            let mut v = encode_signed(s);
            v.extend_from_slice(&s.sig);
            v
        }
        Inner::Fragment(f) => {
            let mut v = Vec::new();
            let at =
                encode_fragment_frame(&mut v, &f.header, f.index, f.count, f.chunk.len(), &f.proof);
            v[at..at + f.chunk.len()].copy_from_slice(&plain[f.chunk.clone()]);
            v
        }
    };
    out.resize(len.max(out.len()), 0);
    out
}
