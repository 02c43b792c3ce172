//! Strict, total encoding of the inner envelope.
//!
//! ```text
//! common   magic "hushpost" | u8 version=1 | u8 kind | u8 flags
//!          sender_ed[32] | recipient_ed[32] | recipient_key[32] | msg_id[16]
//! signed   prev_hash[32] | u64 sent_at | u64 expires_at
//!          u8 has_prekey | [prekey[32] | u64 not_after | prekey_sig[64]]
//!          u32 body_len | body | sig[64]
//! fragment u32 index | u32 count | u32 chunk_len | chunk | mac[16]
//! then     zero padding to the bucket capacity
//! ```
//! All integers are big-endian. The parser accepts exactly the bytes the encoder produces:
//! unknown versions, kinds or flags, bad lengths and non-zero padding are all errors, so
//! `encode(parse(b)) == b` for every accepted `b`.

use super::{Kind, MAX_FRAGMENTS, SignedPrekey};

pub(crate) const MAGIC: &[u8; 8] = b"hushpost";
pub(crate) const VERSION: u8 = 1;
/// Flag: the body is a fragment manifest; the real body follows in fragments.
pub(crate) const FLAG_FRAGMENTED: u8 = 0x01;
/// Flag: the recipient's client deletes the message once it has been read.
pub(crate) const FLAG_BURN: u8 = 0x02;
const KNOWN_FLAGS: u8 = FLAG_FRAGMENTED | FLAG_BURN;

pub(crate) const COMMON_LEN: usize = 8 + 1 + 1 + 1 + 32 + 32 + 32 + 16;
pub(crate) const PREKEY_LEN: usize = 32 + 8 + 64;
/// Fixed bytes of a signed inner without a prekey (everything but the body).
pub(crate) const SIGNED_OVERHEAD: usize = COMMON_LEN + 32 + 8 + 8 + 1 + 4 + 64;
pub(crate) const FRAGMENT_OVERHEAD: usize = COMMON_LEN + 4 + 4 + 4 + MAC_LEN;
/// Length of a fragment's MAC (a Poly1305 tag).
pub const MAC_LEN: usize = 16;
/// Body bytes one fragment carries (all but the last are full).
pub const FRAGMENT_CAPACITY: usize = 261_896 - FRAGMENT_OVERHEAD;
pub(crate) const MANIFEST_LEN: usize = 32 + 4 + 8;

/// Why the inner bytes were refused. The text names the first rule broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed envelope: {0}")]
pub struct Malformed(pub &'static str);

/// The fields every kind carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// What the blob carries.
    pub kind: Kind,
    /// Flag bits (see `docs/PROTOCOL.md`).
    pub flags: u8,
    /// Sender's Ed25519 identity key.
    pub sender: [u8; 32],
    /// Intended recipient's Ed25519 identity key.
    pub recipient: [u8; 32],
    /// The X25519 key the age file was encrypted to.
    pub recipient_key: [u8; 32],
    /// Unique per logical message (shared by a head and its fragments).
    pub msg_id: [u8; 16],
}

/// A parsed inner envelope that owns its body and chunk.
pub type Inner = InnerOf<Vec<u8>, Vec<u8>>;

/// A parsed inner envelope borrowing its body (and naming where its chunk lies) in the
/// plaintext buffer, so the opener does not copy up to 256 KiB per fragment.
pub(crate) type View<'a> = InnerOf<&'a [u8], std::ops::Range<usize>>;

/// A parsed inner envelope, holding its body as `B` and a fragment's chunk as `C`
/// ([`Inner`] owns both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InnerOf<B, C> {
    /// Every kind but `Fragment`.
    Signed {
        /// Common fields.
        header: Header,
        /// Chain hash of the sender's previous message to this recipient (zero if none).
        prev_hash: [u8; 32],
        /// Unix seconds.
        sent_at: u64,
        /// Unix seconds, 0 = never.
        expires_at: u64,
        /// The sender's newest receiving prekey for the reverse direction.
        prekey: Option<SignedPrekey>,
        /// The body bytes.
        body: B,
        /// Ed25519 signature over the envelope label and every byte before it.
        sig: [u8; 64],
    },
    /// One piece of a large body.
    Fragment {
        /// Common fields.
        header: Header,
        /// 0-based position.
        index: u32,
        /// Number of fragments in the message.
        count: u32,
        /// The body bytes of this piece.
        chunk: C,
        /// HMAC under the head's fragment key.
        mac: [u8; MAC_LEN],
    },
}

/// Writes the common fields of an envelope of `version` (v1 and v2 share them).
pub(crate) fn put_common(out: &mut Vec<u8>, h: &Header, version: u8) {
    out.extend_from_slice(MAGIC);
    out.push(version);
    out.push(h.kind as u8);
    out.push(h.flags);
    out.extend_from_slice(&h.sender);
    out.extend_from_slice(&h.recipient);
    out.extend_from_slice(&h.recipient_key);
    out.extend_from_slice(&h.msg_id);
}

/// Everything of a signed inner up to (not including) the signature.
pub(crate) fn signed_prefix(
    header: &Header,
    prev_hash: &[u8; 32],
    sent_at: u64,
    expires_at: u64,
    prekey: Option<&SignedPrekey>,
    body: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(SIGNED_OVERHEAD + PREKEY_LEN + body.len());
    put_common(&mut out, header, VERSION);
    out.extend_from_slice(prev_hash);
    out.extend_from_slice(&sent_at.to_be_bytes());
    out.extend_from_slice(&expires_at.to_be_bytes());
    match prekey {
        None => out.push(0),
        Some(p) => {
            out.push(1);
            out.extend_from_slice(&p.key);
            out.extend_from_slice(&p.not_after.to_be_bytes());
            out.extend_from_slice(&p.sig);
        }
    }
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// The bytes a fragment's MAC covers (everything before the MAC).
pub(crate) fn fragment_prefix(header: &Header, index: u32, count: u32, chunk: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(FRAGMENT_OVERHEAD + chunk.len());
    put_common(&mut out, header, VERSION);
    out.extend_from_slice(&index.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(chunk.len() as u32).to_be_bytes());
    out.extend_from_slice(chunk);
    out
}

/// Encodes and pads to `capacity` (which must be large enough: `parse(encode(x)) == x`).
pub fn encode(inner: &Inner, capacity: usize) -> Vec<u8> {
    let mut out = match inner {
        Inner::Signed {
            header,
            prev_hash,
            sent_at,
            expires_at,
            prekey,
            body,
            sig,
        } => {
            let mut v = signed_prefix(
                header,
                prev_hash,
                *sent_at,
                *expires_at,
                prekey.as_ref(),
                body,
            );
            v.extend_from_slice(sig);
            v
        }
        Inner::Fragment {
            header,
            index,
            count,
            chunk,
            mac,
        } => {
            let mut v = fragment_prefix(header, *index, *count, chunk);
            v.extend_from_slice(mac);
            v
        }
    };
    debug_assert!(out.len() <= capacity);
    out.resize(capacity, 0);
    out
}

/// Reads an envelope front to back; every read names what was truncated (v1 and v2 share
/// it).
pub(crate) struct Cursor<'a> {
    b: &'a [u8],
    /// Bytes read so far.
    pub(crate) at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Cursor { b, at: 0 }
    }
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Malformed> {
        let end = self.at.checked_add(n).ok_or(Malformed(what))?;
        let s = self.b.get(self.at..end).ok_or(Malformed(what))?;
        self.at = end;
        Ok(s)
    }
    pub(crate) fn arr<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], Malformed> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, Malformed> {
        Ok(self.arr::<1>(what)?[0])
    }
    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, Malformed> {
        Ok(u32::from_be_bytes(self.arr(what)?))
    }
    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64, Malformed> {
        Ok(u64::from_be_bytes(self.arr(what)?))
    }
    /// A UTF-8 text of at most 255 bytes behind its `u8` length.
    pub(crate) fn text(&mut self, what: &'static str) -> Result<String, Malformed> {
        let n = self.u8(what)? as usize;
        let b = self.take(n, what)?;
        std::str::from_utf8(b)
            .map(str::to_string)
            .map_err(|_| Malformed(what))
    }

    /// A fragment's `u32 index | u32 count`, in range for at most `max` fragments (and
    /// its `header` without flags: fragments carry none).
    pub(crate) fn fragment_position(
        &mut self,
        header: &Header,
        max: u32,
    ) -> Result<(u32, u32), Malformed> {
        if header.flags != 0 {
            return Err(Malformed("fragments carry no flags"));
        }
        let index = self.u32("truncated fragment index")?;
        let count = self.u32("truncated fragment count")?;
        if count == 0 || count > max || index >= count {
            return Err(Malformed("fragment index or count out of range"));
        }
        Ok((index, count))
    }

    /// The `prev_hash[32] | u64 sent_at | u64 expires_at` a signed envelope starts with
    /// (after checking that only a message of this `header` may be fragmented).
    pub(crate) fn signed_times(
        &mut self,
        header: &Header,
    ) -> Result<([u8; 32], u64, u64), Malformed> {
        if header.flags & FLAG_FRAGMENTED != 0 && header.kind != Kind::Message {
            return Err(Malformed("only messages may be fragmented"));
        }
        let prev_hash = self.arr("truncated previous hash")?;
        let sent_at = self.u64("truncated sent_at")?;
        let expires_at = self.u64("truncated expires_at")?;
        if expires_at != 0 && expires_at <= sent_at {
            return Err(Malformed("expires before it was sent"));
        }
        Ok((prev_hash, sent_at, expires_at))
    }

    /// The common fields of an envelope of `version` whose flags may only be `known_flags`.
    pub(crate) fn common(&mut self, version: u8, known_flags: u8) -> Result<Header, Malformed> {
        if self.take(8, "truncated magic")? != MAGIC {
            return Err(Malformed("not a hushpost envelope (bad magic)"));
        }
        if self.u8("truncated version")? != version {
            return Err(Malformed("unsupported envelope version"));
        }
        let kind = Kind::from_u8(self.u8("truncated kind")?).ok_or(Malformed("unknown kind"))?;
        let flags = self.u8("truncated flags")?;
        if flags & !known_flags != 0 {
            return Err(Malformed("unknown flag bits"));
        }
        Ok(Header {
            kind,
            flags,
            sender: self.arr("truncated sender")?,
            recipient: self.arr("truncated recipient")?,
            recipient_key: self.arr("truncated recipient key")?,
            msg_id: self.arr("truncated message id")?,
        })
    }
}

/// Parses inner bytes (the whole decrypted payload, padding included).
pub fn parse(b: &[u8]) -> Result<Inner, Malformed> {
    parse_as(b, <[u8]>::to_vec, |chunk| b[chunk].to_vec())
}

/// [`parse`] without copying the body or chunk.
pub(crate) fn parse_view(b: &[u8]) -> Result<View<'_>, Malformed> {
    parse_as(b, |body| body, |chunk| chunk)
}

/// Parses `b`, keeping the body as `keep_body` makes it and a fragment's chunk (where it
/// lies in `b`) as `keep_chunk` does.
fn parse_as<'a, B, C>(
    b: &'a [u8],
    keep_body: impl FnOnce(&'a [u8]) -> B,
    keep_chunk: impl FnOnce(std::ops::Range<usize>) -> C,
) -> Result<InnerOf<B, C>, Malformed> {
    let mut c = Cursor::new(b);
    let header = c.common(VERSION, KNOWN_FLAGS)?;
    let (kind, flags) = (header.kind, header.flags);
    let inner = if kind == Kind::Fragment {
        let (index, count) = c.fragment_position(&header, MAX_FRAGMENTS)?;
        let len = c.u32("truncated chunk length")? as usize;
        if len == 0 || len > FRAGMENT_CAPACITY {
            return Err(Malformed("fragment chunk length out of range"));
        }
        // Every fragment but the last is full, so fragmentation is canonical.
        if index + 1 < count && len != FRAGMENT_CAPACITY {
            return Err(Malformed("a fragment before the last is not full"));
        }
        let start = c.at;
        c.take(len, "truncated chunk")?;
        let mac = c.arr("truncated fragment MAC")?;
        InnerOf::Fragment {
            header,
            index,
            count,
            chunk: keep_chunk(start..start + len),
            mac,
        }
    } else {
        let (prev_hash, sent_at, expires_at) = c.signed_times(&header)?;
        let prekey = match c.u8("truncated prekey flag")? {
            0 => None,
            1 => Some(SignedPrekey {
                key: c.arr("truncated prekey")?,
                not_after: c.u64("truncated prekey expiry")?,
                sig: c.arr("truncated prekey signature")?,
            }),
            _ => return Err(Malformed("prekey flag is neither 0 nor 1")),
        };
        let len = c.u32("truncated body length")? as usize;
        let body = c.take(len, "body longer than the blob")?;
        if flags & FLAG_FRAGMENTED != 0 && body.len() != MANIFEST_LEN {
            return Err(Malformed("fragment manifest has the wrong length"));
        }
        let sig = c.arr("truncated signature")?;
        InnerOf::Signed {
            header,
            prev_hash,
            sent_at,
            expires_at,
            prekey,
            body: keep_body(body),
            sig,
        }
    };
    let pad = &b[c.at..];
    if pad.iter().any(|x| *x != 0) {
        return Err(Malformed("padding is not all zero"));
    }
    Ok(inner)
}
