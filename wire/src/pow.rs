//! Hashcash-style proof of work for intro posts (and any post a relay asks a stamp for).
//!
//! ```text
//! h = SHA-256("hushpost v1 pow" || nonce(32) || tag(32) || SHA-256(blob) || u64be(counter))
//! ```
//! A stamp is valid when `h` has at least `difficulty` leading zero bits. The relay issues
//! `nonce` and remembers it for 10 minutes, so stamps cannot be precomputed or replayed.

use crate::Tag;
use sha2::{Digest, Sha256};

const POW_LABEL: &[u8] = b"hushpost v1 pow";

/// Default difficulty in bits (≈ 10^6 hashes).
pub const DEFAULT_DIFFICULTY: u8 = 20;
/// The most a relay may ask for.
pub const MAX_DIFFICULTY: u8 = 26;

fn prefix(nonce: &[u8; 32], tag: &Tag, blob_hash: &[u8; 32]) -> Sha256 {
    let mut h = Sha256::new();
    h.update(POW_LABEL);
    h.update(nonce);
    h.update(tag.0);
    h.update(blob_hash);
    h
}

fn leading_zero_bits(d: &[u8]) -> u32 {
    let mut n = 0;
    for b in d {
        if *b == 0 {
            n += 8;
        } else {
            n += b.leading_zeros();
            break;
        }
    }
    n
}

/// SHA-256 of a blob, the form the stamp binds.
pub fn blob_hash(blob: &[u8]) -> [u8; 32] {
    Sha256::digest(blob).into()
}

/// Checks a stamp.
pub fn verify(
    nonce: &[u8; 32],
    tag: &Tag,
    blob_hash: &[u8; 32],
    difficulty: u8,
    counter: u64,
) -> bool {
    let mut h = prefix(nonce, tag, blob_hash);
    h.update(counter.to_be_bytes());
    leading_zero_bits(&h.finalize()) >= u32::from(difficulty)
}

/// Finds a counter meeting `difficulty`, searching on every core.
///
/// Returns `None` only if `difficulty` exceeds [`MAX_DIFFICULTY`] (we refuse to burn
/// unbounded CPU for a relay that asks too much).
pub fn mint(nonce: &[u8; 32], tag: &Tag, blob_hash: &[u8; 32], difficulty: u8) -> Option<u64> {
    use rayon::prelude::*;
    if difficulty > MAX_DIFFICULTY {
        return None;
    }
    let base = prefix(nonce, tag, blob_hash);
    let lanes = rayon::current_num_threads().max(1) as u64;
    (0..lanes).into_par_iter().find_map_any(|lane| {
        let mut c = lane;
        loop {
            let mut h = base.clone();
            h.update(c.to_be_bytes());
            if leading_zero_bits(&h.finalize()) >= u32::from(difficulty) {
                return Some(c);
            }
            c += lanes;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_stamp_verifies_and_is_bound_to_its_inputs() {
        let nonce = [3u8; 32];
        let tag = Tag([9u8; 32]);
        let bh = blob_hash(b"blob");
        let c = mint(&nonce, &tag, &bh, 12).expect("mint");
        assert!(verify(&nonce, &tag, &bh, 12, c));
        assert!(
            !verify(&[4u8; 32], &tag, &bh, 12, c) || !verify(&nonce, &Tag([8; 32]), &bh, 12, c)
        );
        // Demanding far more work than was done fails (with overwhelming probability).
        assert!(!verify(&nonce, &tag, &bh, 40, c));
        assert_eq!(mint(&nonce, &tag, &bh, 27), None);
    }

    #[test]
    fn leading_zero_bits_counts_across_bytes() {
        assert_eq!(leading_zero_bits(&[0, 0, 0x10]), 19);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
    }
}
