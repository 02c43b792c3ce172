//! Proof of work for intro posts: stateless nonces, a spent-nonce set, and a difficulty that
//! rises with the intro-post rate.
//!
//! A nonce is `issued_at (u64 BE) || difficulty (u8) || 7 random bytes || HMAC-SHA256(key,
//! those 16 bytes)[..16]`, with a key drawn at start. The relay remembers nothing about a
//! nonce it hands out, only the nonces already spent (for their 10-minute life), so asking
//! for nonces costs it no memory. The difficulty is sealed into the nonce: a client is held to
//! what it was told, even if the load changes while it works. The key and the spent set
//! belong to the store ([`crate::store::BlobStore::pow_key`], `spend_nonce`): a store of its
//! own draws a key per process, so a restart makes every outstanding nonce unknown and no
//! spent nonce can be replayed; a shared PostgreSQL store shares both between its nodes, so a
//! nonce from one node is good — once — at any other.

use hmac::{Hmac, Mac};
use hushpost_wire::Tag;
use hushpost_wire::pow;
use hushpost_wire::time::Clock;
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// How long a nonce stays valid.
pub const NONCE_TTL_SECS: u64 = 600;
/// Intro posts per minute above which the difficulty starts to rise.
pub const LOAD_THRESHOLD_PER_MIN: usize = 30;

/// Why a stamp was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PowError {
    /// The `Hushpost-Pow` header is missing or malformed.
    #[error("intro posts need a Hushpost-Pow: <nonce hex>:<counter> header")]
    Missing,
    /// Not a nonce this relay process issued.
    #[error("unknown proof-of-work nonce (fetch a fresh one from /v1/info)")]
    UnknownNonce,
    /// Older than ten minutes.
    #[error("the proof-of-work nonce has expired (fetch a fresh one from /v1/info)")]
    Expired,
    /// Already used for another post.
    #[error("the proof-of-work nonce was already used")]
    Reused,
    /// The stamp does not have enough leading zero bits.
    #[error("the proof-of-work stamp is below the required difficulty")]
    TooWeak,
}

impl PowError {
    /// The stable error code on the wire.
    pub fn code(self) -> &'static str {
        match self {
            PowError::Missing => "pow_missing",
            PowError::UnknownNonce => "pow_nonce_unknown",
            PowError::Expired => "pow_nonce_expired",
            PowError::Reused => "pow_nonce_reused",
            PowError::TooWeak => "pow_too_weak",
        }
    }
}

/// The PoW state of one relay process.
pub struct Pow {
    key: [u8; 32],
    base: u8,
    clock: Arc<dyn Clock>,
    recent: Mutex<VecDeque<u64>>,
}

/// A stamp that passed every check but the last: its nonce must still be spent (once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spend {
    /// The nonce's first 16 bytes (time, difficulty, random): what the spent set holds.
    pub key: [u8; 16],
    /// When the nonce expires anyway (unix seconds): the spent entry may go then.
    pub expires: u64,
}

impl std::fmt::Debug for Pow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pow").field("base", &self.base).finish()
    }
}

impl Pow {
    /// A fresh state with base difficulty `base` (clamped to [`pow::MAX_DIFFICULTY`]) that
    /// seals nonces with `key`.
    pub fn new(base: u8, key: [u8; 32], clock: Arc<dyn Clock>) -> Pow {
        Pow {
            key,
            base: base.min(pow::MAX_DIFFICULTY),
            clock,
            recent: Mutex::new(VecDeque::new()),
        }
    }

    /// The difficulty asked for right now: the base, plus one bit per doubling of the
    /// intro-post rate above [`LOAD_THRESHOLD_PER_MIN`], never above [`pow::MAX_DIFFICULTY`].
    pub fn difficulty(&self) -> u8 {
        let now = self.clock.now();
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        while recent.front().is_some_and(|t| t + 60 <= now) {
            recent.pop_front();
        }
        let mut extra = 0u32;
        let mut n = recent.len();
        while n >= LOAD_THRESHOLD_PER_MIN && extra < 8 {
            extra += 1;
            n /= 2;
        }
        (u32::from(self.base) + extra).min(u32::from(pow::MAX_DIFFICULTY)) as u8
    }

    fn mac(&self, head: &[u8]) -> [u8; 16] {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        m.update(head);
        let full = m.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }

    /// A new nonce and the difficulty sealed into it.
    pub fn issue(&self) -> ([u8; 32], u8) {
        self.issue_at(self.difficulty())
    }

    /// A new nonce with difficulty `d` sealed into it.
    pub fn issue_at(&self, d: u8) -> ([u8; 32], u8) {
        let d = d.min(pow::MAX_DIFFICULTY);
        let mut n = [0u8; 32];
        n[..8].copy_from_slice(&self.clock.now().to_be_bytes());
        n[8] = d;
        let r: [u8; 7] = rand::random();
        n[9..16].copy_from_slice(&r);
        let mac = self.mac(&n[..16]);
        n[16..].copy_from_slice(&mac);
        (n, d)
    }

    /// The base difficulty of intro posts.
    pub fn base(&self) -> u8 {
        self.base
    }

    /// Checks a stamp for a post of `blob` under `tag` whose nonce was sealed with at least
    /// `min` bits. The caller then spends the nonce in the store and, if that worked, calls
    /// [`Pow::accepted`].
    pub fn check(
        &self,
        nonce: &[u8; 32],
        counter: u64,
        tag: &Tag,
        blob: &[u8],
        min: u8,
    ) -> Result<Spend, PowError> {
        let mac = self.mac(&nonce[..16]);
        let mut diff = 0u8;
        for (a, b) in mac.iter().zip(&nonce[16..]) {
            diff |= a ^ b;
        }
        if diff != 0 || nonce[8] > pow::MAX_DIFFICULTY {
            return Err(PowError::UnknownNonce);
        }
        let issued = u64::from_be_bytes(nonce[..8].try_into().expect("8 bytes"));
        let now = self.clock.now();
        if issued + NONCE_TTL_SECS <= now || issued > now + 60 {
            return Err(PowError::Expired);
        }
        if nonce[8] < min || !pow::verify(nonce, tag, &pow::blob_hash(blob), nonce[8], counter) {
            return Err(PowError::TooWeak);
        }
        let mut key = [0u8; 16];
        key.copy_from_slice(&nonce[..16]);
        Ok(Spend {
            key,
            expires: issued + NONCE_TTL_SECS,
        })
    }

    /// Counts an accepted stamped post towards the load that raises the difficulty.
    pub fn accepted(&self) {
        let now = self.clock.now();
        self.recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hushpost_wire::time::FixedClock;

    #[test]
    fn difficulty_rises_with_load_and_is_bounded() {
        let p = Pow::new(20, [1; 32], Arc::new(FixedClock(1_000)));
        assert_eq!(p.difficulty(), 20);
        p.recent
            .lock()
            .expect("lock")
            .extend(std::iter::repeat_n(1_000, 30));
        assert_eq!(p.difficulty(), 21);
        p.recent
            .lock()
            .expect("lock")
            .extend(std::iter::repeat_n(1_000, 100_000));
        assert_eq!(p.difficulty(), pow::MAX_DIFFICULTY);
    }

    #[test]
    fn forged_nonces_are_unknown() {
        let p = Pow::new(1, [2; 32], Arc::new(FixedClock(1_000)));
        let (mut n, _) = p.issue();
        n[8] = 0;
        assert_eq!(
            p.check(&n, 0, &Tag([0; 32]), b"x", 0),
            Err(PowError::UnknownNonce)
        );
    }
}
