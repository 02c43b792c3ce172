//! Envelope v1: what goes inside the one age file a drop stores.
//!
//! A blob is exactly one age v1 file with exactly one X25519 stanza, exactly 16,384 or
//! 262,144 bytes long. Inside is a strictly encoded, zero-padded structure that names the
//! sender, the recipient and the key the file was encrypted to, and is signed with the
//! sender's Ed25519 key (sign-then-encrypt with both identities under the signature: the
//! fix for surreptitious forwarding). Bodies too large for one blob become a signed head
//! carrying a manifest plus MAC-authenticated fragments, so a 1 GiB body pays for one
//! signature, and fragments are sealed and opened in parallel.
//!
//! Layout, labels and the receive procedure are specified in `docs/PROTOCOL.md` §3.

mod fragment;
mod inner;
mod open;
mod seal;
pub mod v2;

pub use fragment::{AddOutcome, Reassembly, ReassemblyError};
pub use inner::{
    FRAGMENT_CAPACITY, Header, Inner, InnerOf, Malformed, encode as encode_inner,
    parse as parse_inner,
};
pub use open::{OpenContext, OpenError, Opened, OpenedFragment, OpenedMessage, open};
pub use seal::{Draft, Recipient, SealError, Sealed, seal, seal_each};

use crate::identity::{Identity, SigContext, verify};
use sha2::{Digest, Sha256};

pub use hushpost_wire::{LARGE, SMALL};
/// Most fragments one message may have (8.5 GB of body); larger drafts are refused.
pub const MAX_FRAGMENTS: u32 = 1 << 15;

/// The two blob sizes. There is never a third.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// 16,384 bytes.
    Small,
    /// 262,144 bytes.
    Large,
}

impl Bucket {
    /// Total blob size.
    pub fn size(self) -> usize {
        match self {
            Bucket::Small => SMALL,
            Bucket::Large => LARGE,
        }
    }

    /// Inner plaintext bytes that fit: blob − 168 (header) − 16 (nonce) − 16 per 64 KiB chunk.
    pub fn capacity(self) -> usize {
        let payload = self.size() - crate::agelayer::X25519_HEADER_LEN - 16;
        // The largest plaintext p with p + 16·ceil(p / 65536) == payload.
        let chunks = payload.div_ceil(65_536 + 16);
        payload - 16 * chunks
    }

    /// The bucket of a blob of this length, if any.
    pub fn of_len(len: usize) -> Option<Bucket> {
        match len {
            SMALL => Some(Bucket::Small),
            LARGE => Some(Bucket::Large),
            _ => None,
        }
    }
}

/// What a blob carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// A mail: the body is an RFC 5322 message (or a fragment manifest).
    Message = 1,
    /// One piece of a large message, authenticated by the head's fragment key.
    Fragment = 2,
    /// An acknowledgement: the body lists message ids.
    Ack = 3,
    /// Carries only a new prekey.
    KeyUpdate = 4,
    /// A first-contact request posted under an intro tag; the body starts with a card.
    Intro = 5,
    /// Cover traffic to a real contact; opened, its prekey kept, then discarded.
    Chaff = 6,
}

impl Kind {
    /// Every kind, for exhaustive tests.
    pub const ALL: [Kind; 6] = [
        Kind::Message,
        Kind::Fragment,
        Kind::Ack,
        Kind::KeyUpdate,
        Kind::Intro,
        Kind::Chaff,
    ];

    pub(crate) fn from_u8(b: u8) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| *k as u8 == b)
    }
}

/// A receiving X25519 prekey, signed by its owner for one peer.
///
/// Signed bytes: `owner_ed || peer_ed || key || u64be(not_after)` in the `Prekey` context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedPrekey {
    /// The X25519 public key to encrypt to.
    pub key: [u8; 32],
    /// Unix time after which senders must not use it.
    pub not_after: u64,
    /// Ed25519 signature by the owner.
    pub sig: [u8; 64],
}

impl SignedPrekey {
    fn signed_bytes(
        owner_ed: &[u8; 32],
        peer_ed: &[u8; 32],
        key: &[u8; 32],
        not_after: u64,
    ) -> [u8; 104] {
        let mut b = [0u8; 104];
        b[..32].copy_from_slice(owner_ed);
        b[32..64].copy_from_slice(peer_ed);
        b[64..96].copy_from_slice(key);
        b[96..].copy_from_slice(&not_after.to_be_bytes());
        b
    }

    /// Signs `key` as `owner`'s receiving prekey for messages from `peer_ed`.
    pub fn sign(owner: &Identity, peer_ed: &[u8; 32], key: [u8; 32], not_after: u64) -> Self {
        let sig = owner.sign(
            SigContext::Prekey,
            &Self::signed_bytes(&owner.ed_public(), peer_ed, &key, not_after),
        );
        SignedPrekey {
            key,
            not_after,
            sig,
        }
    }

    /// Checks the signature (made by `owner_ed`, for `peer_ed`) and the key: a small-order
    /// X25519 prekey is refused like a forged one, so it is never stored or sealed to.
    pub fn verify(&self, owner_ed: &[u8; 32], peer_ed: &[u8; 32]) -> bool {
        crate::identity::x25519_is_usable(&self.key)
            && verify(
                owner_ed,
                SigContext::Prekey,
                &Self::signed_bytes(owner_ed, peer_ed, &self.key, self.not_after),
                &self.sig,
            )
    }
}

/// Links a message to the previous one its sender sent to the same recipient:
/// `SHA-256("hushpost v1 chain" || msg_id || signature)`.
pub fn chain_hash(msg_id: &[u8; 16], sig: &[u8; 64]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"hushpost v1 chain");
    h.update(msg_id);
    h.update(sig);
    h.finalize().into()
}

/// A fresh random message id.
pub fn new_msg_id() -> [u8; 16] {
    use rand::RngCore;
    let mut id = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_match_the_design() {
        assert_eq!(Bucket::Small.capacity(), 16_184);
        assert_eq!(Bucket::Large.capacity(), 261_896);
    }

    #[test]
    fn prekey_signature_binds_owner_and_peer() {
        let a = Identity::generate();
        let b = Identity::generate();
        let c = Identity::generate();
        let pk = SignedPrekey::sign(&a, &b.ed_public(), [5; 32], 99);
        assert!(pk.verify(&a.ed_public(), &b.ed_public()));
        assert!(!pk.verify(&a.ed_public(), &c.ed_public()));
        assert!(!pk.verify(&c.ed_public(), &b.ed_public()));
        let mut forged = pk;
        forged.not_after = 100;
        assert!(!forged.verify(&a.ed_public(), &b.ed_public()));
    }
}
