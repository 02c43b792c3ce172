//! Envelope v2: what goes inside the one age file a drop stores, from hushpost 0.2 on.
//!
//! Changes from v1 (`docs/PROTOCOL.md` §7): blobs may be sealed to a hybrid post-quantum
//! key (`mlkem768x25519`); signed envelopes carry signed hybrid keys instead of X25519
//! prekeys; a message is a list of parts (part 0 the RFC 5322 letter, then attachments as
//! raw bytes with name and type); a large message is a signed head — which lists the parts
//! and signs a Merkle root over every fragment's chunk — plus fragments that each carry a
//! proof and verify alone. Sealing streams from a re-readable source and opening streams
//! into a random-access sink, so neither side ever holds the body.
//!
//! Must not: release an unverified byte, allocate by a size a peer announced, or panic on
//! peer data.

mod codec;
pub mod merkle;
mod open;
mod parts;
mod seal;

pub use codec::{
    Fragment as FragmentInner, Inner, Signed as SignedInner, encode as encode_inner, encode_signed,
    parse as parse_inner,
};
pub use open::{
    AddError, Assembly, Envelope, Fragment, FragmentError, FragmentPlan, Opened, Receiver,
    VerifiedChunk, open,
};
pub use parts::{Body, ContentSink, ContentSource, FileSource, PartWriter, PartsSink};
pub use seal::{Draft, SealTo, SealedInfo, seal};

use crate::agelayer::SealKey;
use crate::hybrid::{HybridPublic, PUBLIC_LEN};
use crate::identity::{Identity, SigContext, verify};

/// The version byte of v2 inners.
pub const VERSION: u8 = 2;
/// Content bytes every fragment but the last carries (253 KiB): fixed, so offsets depend
/// neither on the key type nor on the tree depth.
pub const CHUNK: usize = 259_072;
/// Most fragments one message may have.
pub const MAX_FRAGMENTS: u32 = 1 << 15;
/// Most parts a message may have (the letter and 63 attachments).
pub const MAX_PARTS: usize = 64;
/// What a receiver accepts by default as the total size of one message (5 GiB), so a head
/// cannot make it reserve space for 8 GB; `Receiver::max_total_len` changes it.
pub const DEFAULT_MAX_TOTAL_LEN: u64 = 5 << 30;
/// Signed-envelope flag: the body continues in fragments (kind `Message` only).
pub const FLAG_FRAGMENTED: u8 = 0x01;
/// Signed-envelope flag: delete once read.
pub const FLAG_BURN: u8 = 0x02;

/// What a signed hybrid key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum KeyRole {
    /// A rotating receiving prekey for one contact (forward secrecy).
    Prekey = 1,
    /// The owner's long-term hybrid key, used when no live prekey is known.
    Identity = 2,
}

impl KeyRole {
    pub(crate) fn from_u8(b: u8) -> Option<KeyRole> {
        match b {
            1 => Some(KeyRole::Prekey),
            2 => Some(KeyRole::Identity),
            _ => None,
        }
    }
}

/// A hybrid public key its owner signed for one peer.
///
/// Signed bytes, `KeyV2` context: `owner_ed || peer_ed || u8 role || key[1216] || u64be(not_after)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedKey {
    /// Prekey or long-term key.
    pub role: KeyRole,
    /// The key to seal to (validated: ML-KEM modulus check, X25519 half not small-order).
    pub key: HybridPublic,
    /// Unix time after which senders must not use it (0 = no expiry, long-term keys only).
    pub not_after: u64,
    /// Ed25519 signature by the owner.
    pub sig: [u8; 64],
}

/// Bytes of one encoded [`SignedKey`].
pub const SIGNED_KEY_LEN: usize = 1 + PUBLIC_LEN + 8 + 64;

impl SignedKey {
    fn signed_bytes(
        owner: &[u8; 32],
        peer: &[u8; 32],
        role: KeyRole,
        key: &HybridPublic,
        not_after: u64,
    ) -> Vec<u8> {
        let mut b = Vec::with_capacity(64 + 1 + PUBLIC_LEN + 8);
        b.extend_from_slice(owner);
        b.extend_from_slice(peer);
        b.push(role as u8);
        b.extend_from_slice(key.as_bytes());
        b.extend_from_slice(&not_after.to_be_bytes());
        b
    }

    /// Signs `key` as `owner`'s hybrid key of `role` for messages from `peer_ed`.
    pub fn sign(
        owner: &Identity,
        peer_ed: &[u8; 32],
        role: KeyRole,
        key: HybridPublic,
        not_after: u64,
    ) -> Self {
        let sig = owner.sign(
            SigContext::KeyV2,
            &Self::signed_bytes(&owner.ed_public(), peer_ed, role, &key, not_after),
        );
        SignedKey {
            role,
            key,
            not_after,
            sig,
        }
    }

    /// Checks the signature: made by `owner_ed`, for `peer_ed`.
    pub fn verify(&self, owner_ed: &[u8; 32], peer_ed: &[u8; 32]) -> bool {
        verify(
            owner_ed,
            SigContext::KeyV2,
            &Self::signed_bytes(owner_ed, peer_ed, self.role, &self.key, self.not_after),
            &self.sig,
        )
    }

    /// The key to seal to.
    pub fn seal_key(&self) -> SealKey<'_> {
        SealKey::Hybrid(&self.key)
    }
}

/// One part of a message as the head lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartMeta {
    /// File name (empty for part 0, the letter).
    pub name: String,
    /// MIME type (empty for part 0).
    pub content_type: String,
    /// Length in bytes.
    pub len: u64,
}

impl PartMeta {
    /// An attachment: `name` must be a plain file name, `content_type` a `type/subtype`.
    /// `None` when the name or type would be refused by a receiver.
    pub fn attachment(name: &str, content_type: &str, len: u64) -> Option<PartMeta> {
        let p = PartMeta {
            name: name.to_string(),
            content_type: content_type.to_string(),
            len,
        };
        valid_attachment(&p).then_some(p)
    }
}

/// Whether a part name is a plain file name: 1–255 bytes of UTF-8, no control characters,
/// no path separators, not `.` or `..` (a receiver may save it as a file).
pub fn valid_part_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
}

/// Whether a content type is `type/subtype[; params]` in printable ASCII, 3–127 bytes.
pub fn valid_content_type(t: &str) -> bool {
    (3..=127).contains(&t.len())
        && t.bytes().all(|b| (0x21..0x7f).contains(&b) || b == b' ')
        && t.split(';').next().is_some_and(|m| {
            let mut it = m.trim().splitn(2, '/');
            matches!((it.next(), it.next()), (Some(a), Some(b)) if !a.is_empty() && !b.is_empty())
        })
}

pub fn valid_attachment(p: &PartMeta) -> bool {
    valid_part_name(&p.name) && valid_content_type(&p.content_type)
}

/// The inner capacity of a bucket for a key type.
pub fn capacity(bucket: super::Bucket, key: &SealKey<'_>) -> usize {
    crate::agelayer::capacity(bucket.size(), key.header_len())
}

/// Bytes of body payload lost per blob to the hybrid stanza, per bucket (the figure the
/// benchmark reports).
pub fn hybrid_cost(bucket: super::Bucket) -> usize {
    crate::agelayer::capacity(bucket.size(), crate::agelayer::X25519_HEADER_LEN)
        - crate::agelayer::capacity(bucket.size(), crate::agelayer::HYBRID_HEADER_LEN)
}
