//! The relay's HTTP API under `/v1/` (`docs/RELAY.md`): request bodies, the error body,
//! `/v1/info`, proof-of-work stamps and the fixed-shape fetch answer. The relay encodes and
//! the client decodes with the same code, so the two cannot drift apart.
//!
//! Capabilities travel only in request bodies and tags only in a header, so neither ends up
//! in a URL a reverse proxy might log.

use crate::{FetchCap, LARGE, SMALL};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

/// Protocol version served under `/v1/`.
pub const PROTOCOL: u32 = 1;
/// Most capabilities one fetch may carry.
pub const MAX_CAPS: usize = 256;
/// Slots per fetch answer when the request does not say.
pub const DEFAULT_SLOTS: usize = 4;
/// Most slots one fetch answer may carry.
pub const MAX_SLOTS: usize = 64;
/// Most blobs one delete may name.
pub const MAX_DELETE: usize = 1024;
/// Length of the fetch answer's header.
pub const FETCH_HEADER: usize = 32;
/// Length of each slot's header.
pub const SLOT_HEADER: usize = 32;
/// Magic of a fetch answer.
pub const FETCH_MAGIC: &[u8; 4] = b"HPF1";
/// The header that names the tag of a put.
pub const TAG_HEADER: &str = "hushpost-tag";
/// The header that carries a proof-of-work stamp.
pub const POW_HEADER: &str = "hushpost-pow";

/// Length of a fetch answer with `slots` slots: the same whether or not mail waits.
pub fn fetch_answer_len(slots: usize) -> usize {
    FETCH_HEADER + slots * (SLOT_HEADER + SMALL)
}

/// The relay's handle on one stored blob (random, so it says nothing about order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(pub u64);

impl BlobId {
    /// Up to 16 hex digits.
    pub fn parse(s: &str) -> Option<BlobId> {
        if s.is_empty() || s.len() > 16 || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(s, 16).ok().map(BlobId)
    }
}

impl std::fmt::Display for BlobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for BlobId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BlobId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <&str>::deserialize(d)?;
        BlobId::parse(s).ok_or_else(|| D::Error::custom("a blob id is 1 to 16 hex digits"))
    }
}

/// Where a fetch page starts: capability index, blob index under that tag, chunk index.
/// Opaque to clients; valid only with the same capability list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Index into the request's capability list.
    pub cap: u16,
    /// Position of the blob under that tag.
    pub blob: u32,
    /// Chunk of that blob.
    pub chunk: u16,
}

impl Cursor {
    fn encode(&self, out: &mut [u8]) {
        out[..16].fill(0);
        out[0..2].copy_from_slice(&self.cap.to_be_bytes());
        out[2..6].copy_from_slice(&self.blob.to_be_bytes());
        out[6..8].copy_from_slice(&self.chunk.to_be_bytes());
    }

    fn decode(b: &[u8]) -> Cursor {
        Cursor {
            cap: u16::from_be_bytes([b[0], b[1]]),
            blob: u32::from_be_bytes([b[2], b[3], b[4], b[5]]),
            chunk: u16::from_be_bytes([b[6], b[7]]),
        }
    }
}

impl Serialize for Cursor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut b = [0u8; 16];
        self.encode(&mut b);
        s.serialize_str(&hex::encode(b))
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <&str>::deserialize(d)?;
        let mut b = [0u8; 16];
        hex::decode_to_slice(s, &mut b)
            .map_err(|_| D::Error::custom("the cursor must be 32 hex digits"))?;
        Ok(Cursor::decode(&b))
    }
}

/// `POST /v1/fetch`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FetchRequest {
    /// The capabilities to fetch with, in the order slots refer to them.
    pub caps: Vec<FetchCap>,
    /// Slots wanted in the answer (default [`DEFAULT_SLOTS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots: Option<usize>,
    /// Where to continue, from the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
}

/// One blob to delete: the capability of its tag and its id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeleteItem {
    /// The capability of the blob's tag.
    pub cap: FetchCap,
    /// The blob's id from a fetch answer.
    pub id: BlobId,
}

/// `DELETE /v1/blobs`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeleteRequest {
    /// What to delete.
    pub items: Vec<DeleteItem>,
}

/// Every refusal's body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable code (`quota_full`, `storage_full`, `bad_request`, `pow_missing`…).
    pub error: String,
    /// A sentence for people.
    pub message: String,
}

/// The proof-of-work part of `/v1/info`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PowInfo {
    /// Leading zero bits a stamp needs now.
    pub difficulty: u8,
    /// The most this relay will ever ask.
    pub max_difficulty: u8,
    /// A fresh single-use nonce (64 hex digits).
    pub nonce: String,
    /// Seconds the nonce stays valid.
    pub nonce_ttl_secs: u64,
    /// Whether ordinary puts need a stamp too right now (the relay is under load). Intro
    /// posts always do.
    #[serde(default)]
    pub puts: bool,
    /// While `puts` is set: the leading zero bits a PUT's stamp needs (less than an intro's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put_difficulty: Option<u8>,
    /// While `puts` is set: a fresh single-use nonce for a PUT's stamp (64 hex digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put_nonce: Option<String>,
}

/// `GET /v1/info`. Clients ignore fields they do not know, so relays may add some.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Info {
    /// `hushpost-relay`.
    pub software: String,
    /// The relay's version.
    pub version: String,
    /// [`PROTOCOL`].
    pub protocol: u32,
    /// The accepted blob sizes.
    pub buckets: Vec<usize>,
    /// Bytes per fetch slot.
    pub slot_size: usize,
    /// Slots per fetch when the request does not say.
    pub default_slots: usize,
    /// Most slots per fetch.
    pub max_slots: usize,
    /// Most capabilities per fetch.
    pub max_caps: usize,
    /// Most items per delete.
    pub max_delete: usize,
    /// Unread blobs one tag may hold.
    pub tag_quota: usize,
    /// Seconds an unread blob is kept.
    pub retention_secs: u64,
    /// Proof of work.
    pub pow: PowInfo,
}

/// A proof-of-work stamp as the `hushpost-pow` header carries it: `NONCEHEX:COUNTER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The relay's nonce.
    pub nonce: [u8; 32],
    /// The counter that meets the difficulty.
    pub counter: u64,
}

impl Stamp {
    /// The header value.
    pub fn header(&self) -> String {
        format!("{}:{}", hex::encode(self.nonce), self.counter)
    }

    /// Parses a header value.
    pub fn parse(v: &str) -> Option<Stamp> {
        let (n, c) = v.split_once(':')?;
        let mut nonce = [0u8; 32];
        hex::decode_to_slice(n, &mut nonce).ok()?;
        Some(Stamp {
            nonce,
            counter: c.parse().ok()?,
        })
    }
}

/// One filled slot of a fetch answer: a chunk of a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotHead {
    /// Index into the request's capability list.
    pub cap: u16,
    /// Blob flags (bit 0: it arrived as a stamped intro post).
    pub flags: u8,
    /// Chunk index within the blob.
    pub chunk: u16,
    /// Chunks of the blob (1 for small, 16 for large).
    pub chunks: u16,
    /// Blob length.
    pub len: u32,
    /// The blob's id (to delete it).
    pub id: BlobId,
}

/// Blob flag: the blob arrived as an intro post with a valid proof-of-work stamp.
pub const FLAG_STAMPED: u8 = 1;

impl SlotHead {
    fn encode(&self, h: &mut [u8]) {
        h.fill(0);
        h[0] = 1;
        h[1] = self.flags;
        h[2..4].copy_from_slice(&self.cap.to_be_bytes());
        h[4..6].copy_from_slice(&self.chunk.to_be_bytes());
        h[6..8].copy_from_slice(&self.chunks.to_be_bytes());
        h[8..12].copy_from_slice(&self.len.to_be_bytes());
        h[16..24].copy_from_slice(&self.id.0.to_be_bytes());
    }

    fn decode(h: &[u8], caps: usize) -> Result<Option<SlotHead>, PageError> {
        if h[0] != 1 {
            return Ok(None);
        }
        let s = SlotHead {
            flags: h[1],
            cap: u16::from_be_bytes([h[2], h[3]]),
            chunk: u16::from_be_bytes([h[4], h[5]]),
            chunks: u16::from_be_bytes([h[6], h[7]]),
            len: u32::from_be_bytes([h[8], h[9], h[10], h[11]]),
            id: BlobId(u64::from_be_bytes([
                h[16], h[17], h[18], h[19], h[20], h[21], h[22], h[23],
            ])),
        };
        let len = s.len as usize;
        if usize::from(s.cap) >= caps
            || !(len == SMALL || len == LARGE)
            || usize::from(s.chunks) != len / SMALL
            || s.chunk >= s.chunks
        {
            return Err(PageError::BadSlot);
        }
        Ok(Some(s))
    }
}

/// Why a fetch answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// Wrong length or magic.
    #[error("malformed fetch answer")]
    Malformed,
    /// A slot names a capability that was not asked for, or an impossible chunk.
    #[error("malformed fetch slot")]
    BadSlot,
}

/// Builds a fetch answer of exactly [`fetch_answer_len`]`(slots)` bytes. `fill(i, data)`
/// writes slot `i`'s chunk into `data` (exactly [`SMALL`] bytes) and returns its head, or
/// `None` for an empty slot, which is then filled from `pad`.
pub fn encode_page(
    slots: usize,
    next: Option<Cursor>,
    pad: &[u8],
    mut fill: impl FnMut(usize, &mut [u8]) -> Option<SlotHead>,
) -> Vec<u8> {
    let mut buf = vec![0u8; fetch_answer_len(slots)];
    buf[..4].copy_from_slice(FETCH_MAGIC);
    buf[4..6].copy_from_slice(&(slots as u16).to_be_bytes());
    buf[8..12].copy_from_slice(&(SMALL as u32).to_be_bytes());
    if let Some(c) = &next {
        buf[12] = 1;
        c.encode(&mut buf[16..32]);
    }
    for (i, slot) in buf[FETCH_HEADER..]
        .chunks_exact_mut(SLOT_HEADER + SMALL)
        .enumerate()
    {
        let (h, data) = slot.split_at_mut(SLOT_HEADER);
        match fill(i, data) {
            Some(head) => head.encode(h),
            None => {
                h.fill(0);
                data.copy_from_slice(&pad[..SMALL]);
            }
        }
    }
    buf
}

/// A decoded fetch answer.
#[derive(Debug)]
pub struct Page<'a> {
    /// The filled slots, in order, with their chunk's bytes.
    pub slots: Vec<(SlotHead, &'a [u8])>,
    /// Where the next page starts, if more is waiting.
    pub next: Option<Cursor>,
}

/// Decodes a fetch answer to a request of `caps` capabilities and `slots` slots.
pub fn decode_page(b: &[u8], caps: usize, slots: usize) -> Result<Page<'_>, PageError> {
    if b.len() != fetch_answer_len(slots) || &b[..4] != FETCH_MAGIC {
        return Err(PageError::Malformed);
    }
    let mut out = Vec::new();
    for slot in b[FETCH_HEADER..].chunks_exact(SLOT_HEADER + SMALL) {
        let (h, data) = slot.split_at(SLOT_HEADER);
        if let Some(head) = SlotHead::decode(h, caps)? {
            out.push((head, data));
        }
    }
    let next = (b[12] == 1).then(|| Cursor::decode(&b[16..32]));
    Ok(Page { slots: out, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_round_trips_and_has_one_length() {
        let pad = vec![7u8; SMALL];
        let head = SlotHead {
            cap: 1,
            flags: FLAG_STAMPED,
            chunk: 2,
            chunks: 16,
            len: LARGE as u32,
            id: BlobId(0xdead_beef),
        };
        let next = Cursor {
            cap: 1,
            blob: 3,
            chunk: 4,
        };
        let page = encode_page(4, Some(next), &pad, |i, data| {
            (i == 1).then(|| {
                data.fill(9);
                head.clone()
            })
        });
        assert_eq!(page.len(), fetch_answer_len(4));
        let empty = encode_page(4, None, &pad, |_, _| None);
        assert_eq!(empty.len(), page.len());
        let got = decode_page(&page, 2, 4).expect("decode");
        assert_eq!(got.next, Some(next));
        assert_eq!(got.slots.len(), 1);
        assert_eq!(got.slots[0].0, head);
        assert!(got.slots[0].1.iter().all(|b| *b == 9));
        assert_eq!(decode_page(&page, 1, 4).unwrap_err(), PageError::BadSlot);
        assert_eq!(
            decode_page(&page[1..], 2, 4).unwrap_err(),
            PageError::Malformed
        );
        assert!(decode_page(&empty, 2, 4).expect("empty").slots.is_empty());
    }

    #[test]
    fn requests_serialize_as_the_documented_json() {
        let r = FetchRequest {
            caps: vec![FetchCap([0xab; 32])],
            slots: Some(16),
            cursor: Some(Cursor {
                cap: 0,
                blob: 1,
                chunk: 2,
            }),
        };
        let j = serde_json::to_string(&r).expect("json");
        assert_eq!(
            j,
            format!(
                "{{\"caps\":[\"{}\"],\"slots\":16,\"cursor\":\"00000000000100020000000000000000\"}}",
                "ab".repeat(32)
            )
        );
        let back: FetchRequest = serde_json::from_str(&j).expect("parse");
        assert_eq!(back.cursor, r.cursor);
        let d = DeleteRequest {
            items: vec![DeleteItem {
                cap: FetchCap([1; 32]),
                id: BlobId(0x1f),
            }],
        };
        let j = serde_json::to_string(&d).expect("json");
        assert!(j.contains("\"id\":\"000000000000001f\""), "{j}");
        assert!(serde_json::from_str::<DeleteRequest>(&j.replace("001f", "zz1f")).is_err());
        assert_eq!(BlobId::parse("1f"), Some(BlobId(0x1f)));
        assert_eq!(BlobId::parse("12345678901234567"), None);
        let st = Stamp {
            nonce: [3; 32],
            counter: 42,
        };
        assert_eq!(Stamp::parse(&st.header()), Some(st));
    }
}
