//! Property tests for the envelope (SECURITY.md §9 requirements 4 and 12):
//!
//! * any single-bit flip, truncation or extension of a sealed blob is refused, and the
//!   opener never returns `Ok` for it;
//! * the inner parser is total and canonical: it never panics, and whatever it accepts
//!   re-encodes to exactly the input bytes;
//! * padding round-trips every small-bucket body length and sampled large-bucket lengths.

use hushpost_core::agelayer;
use hushpost_core::envelope::{
    self, Bucket, Draft, Header, Inner, Kind, OpenContext, OpenError, Opened, Recipient,
    SignedPrekey, encode_inner, open, parse_inner, seal,
};
use hushpost_core::identity::Identity;
use hushpost_core::replay::MemorySeen;
use proptest::prelude::*;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use std::sync::OnceLock;

const NOW: u64 = 1_800_000_000;
/// Fixed bytes of a signed inner without a prekey: common 123 + 32 + 8 + 8 + 1 + 4 + sig 64.
const SIGNED_OVERHEAD: usize = 240;

struct World {
    alice: Identity,
    bob: Identity,
    /// A sealed small message from Alice to Bob that opens.
    blob: Vec<u8>,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let alice = Identity::from_secrets(&[1; 32], &[2; 32]);
        let bob = Identity::from_secrets(&[3; 32], &[4; 32]);
        let body = b"Subject: hi\r\n\r\nA message that must arrive intact.\r\n";
        let sealed = seal(&alice, &to(&bob), &draft(Kind::Message, body)).expect("seal");
        let w = World {
            alice,
            bob,
            blob: sealed.blobs[0].clone(),
        };
        assert_eq!(w.blob.len(), envelope::SMALL);
        open_as_bob(&w, &w.blob).expect("the unmodified blob opens");
        w
    })
}

fn draft(kind: Kind, body: &[u8]) -> Draft<'_> {
    Draft {
        kind,
        msg_id: [9; 16],
        prev_hash: [0; 32],
        sent_at: NOW,
        expires_at: 0,
        burn_after_reading: false,
        prekey: None,
        body,
    }
}

fn to(id: &Identity) -> Recipient {
    Recipient {
        ed: id.ed_public(),
        key: id.x().public(),
    }
}

fn open_as_bob(w: &World, blob: &[u8]) -> Result<Opened, OpenError> {
    let keys = [w.bob.x()];
    let seen = MemorySeen::default();
    let alice = w.alice.ed_public();
    open(
        blob,
        &OpenContext {
            me: w.bob.ed_public(),
            keys: &keys,
            is_contact: &move |k| *k == alice,
            seen: &seen,
            now: NOW,
        },
    )
}

fn flip(blob: &[u8], bit: usize) -> Vec<u8> {
    let mut b = blob.to_vec();
    b[bit / 8] ^= 1 << (bit % 8);
    b
}

// ---------------------------------------------------------------- (a) bit flips

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_single_bit_flip_is_refused(bit in 0usize..envelope::SMALL * 8) {
        let w = world();
        // Never Ok, and always refused by the age layer: no altered plaintext ever reaches
        // the inner parser.
        let r = open_as_bob(w, &flip(&w.blob, bit));
        prop_assert!(matches!(r, Err(OpenError::Age(_))), "bit {}: {:?}", bit, r.map(|_| "opened"));
    }
}

#[test]
fn bit_flips_in_every_header_byte_and_a_payload_sample_are_refused() {
    let w = world();
    let header = agelayer::X25519_HEADER_LEN;
    // Every bit of the 168-byte age header and of the 16-byte payload nonce...
    let mut bits: Vec<usize> = (0..(header + 16) * 8).collect();
    // ...every bit of the first and last payload bytes and the final Poly1305 tag...
    bits.extend((header + 16) * 8..(header + 16 + 4) * 8);
    bits.extend((envelope::SMALL - 20) * 8..envelope::SMALL * 8);
    // ...and a seeded sample of the rest: about 2,000 positions in all.
    let mut rng = ChaCha20Rng::seed_from_u64(0xb17f);
    while bits.len() < 2_000 {
        bits.push(rng.gen_range(0..envelope::SMALL * 8));
    }
    assert_eq!(bits.len(), 2_000);
    // Every flip is refused by the age layer itself (never Ok, never a later step).
    let wrong: Vec<String> = bits
        .par_iter()
        .filter_map(|bit| match open_as_bob(w, &flip(&w.blob, *bit)) {
            Err(OpenError::Age(_)) => None,
            Ok(_) => Some(format!("bit {bit}: OPENED")),
            Err(e) => Some(format!("bit {bit}: {e:?}")),
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} bit flips misclassified: {wrong:?}",
        wrong.len()
    );
}

// ---------------------------------------------------------------- (b) truncation / extension

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn truncation_at_any_offset_is_refused(at in 0usize..envelope::SMALL) {
        let w = world();
        let cut = &w.blob[..at];
        prop_assert!(open_as_bob(w, cut).is_err());
        // Below the opener's size check, the age layer itself refuses it too.
        prop_assert!(agelayer::decrypt_x25519(cut, &[w.bob.x()]).is_err());
    }

    #[test]
    fn extension_by_arbitrary_bytes_is_refused(
        extra in proptest::collection::vec(any::<u8>(), 1..=64),
    ) {
        let w = world();
        let mut long = w.blob.clone();
        long.extend_from_slice(&extra);
        prop_assert!(matches!(open_as_bob(w, &long), Err(OpenError::NotABucket(_))));
        // The age layer refuses trailing data after the final STREAM chunk.
        prop_assert!(agelayer::decrypt_x25519(&long, &[w.bob.x()]).is_err());
    }

    #[test]
    fn truncated_then_repadded_to_the_bucket_size_is_refused(
        at in agelayer::X25519_HEADER_LEN..envelope::SMALL,
        fill in any::<u8>(),
    ) {
        // Keeps the blob a bucket size so the age layer, not the size check, must refuse it.
        let w = world();
        let mut b = w.blob[..at].to_vec();
        b.resize(envelope::SMALL, fill);
        prop_assume!(b != w.blob);
        prop_assert!(matches!(open_as_bob(w, &b), Err(OpenError::Age(_))));
    }
}

// ---------------------------------------------------------------- (c) inner parser

fn header(kind: Kind, flags: u8, seed: u8) -> Header {
    Header {
        kind,
        flags,
        sender: [seed; 32],
        recipient: [seed.wrapping_add(1); 32],
        recipient_key: [seed.wrapping_add(2); 32],
        msg_id: [seed.wrapping_add(3); 16],
    }
}

/// A spread of valid inners: every signed kind, with and without prekey, burn and
/// fragmented flags, and fragments.
fn valid_inners() -> Vec<Inner> {
    let mut v = Vec::new();
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        let seed = i as u8 * 7;
        if kind == Kind::Fragment {
            for (index, count, len) in [(0u32, 1u32, 1usize), (2, 3, 50), (0, 1, 300)] {
                v.push(Inner::Fragment {
                    header: header(kind, 0, seed),
                    index,
                    count,
                    chunk: (0..len).map(|j| j as u8).collect(),
                    mac: [0xaa; 16],
                });
            }
            continue;
        }
        for (prekey, flags, body_len) in [
            (false, 0u8, 0usize),
            (true, 0x02, 17),
            (false, 0x02, 200),
            (true, 0, 64),
        ] {
            v.push(Inner::Signed {
                header: header(kind, flags, seed),
                prev_hash: [0x11; 32],
                sent_at: NOW,
                expires_at: if prekey { NOW + 1 } else { 0 },
                prekey: prekey.then_some(SignedPrekey {
                    key: [0x22; 32],
                    not_after: NOW + 86_400,
                    sig: [0x33; 64],
                }),
                body: vec![b'x'; body_len],
                sig: [0x44; 64],
            });
        }
        if kind == Kind::Message {
            // A fragmented head carries a 44-byte manifest.
            v.push(Inner::Signed {
                header: header(kind, 0x01, seed),
                prev_hash: [0; 32],
                sent_at: 5,
                expires_at: 6,
                prekey: None,
                body: vec![7; 44],
                sig: [0x55; 64],
            });
        }
    }
    v
}

fn encoded_len(inner: &Inner) -> usize {
    match inner {
        Inner::Signed { prekey, body, .. } => {
            SIGNED_OVERHEAD + if prekey.is_some() { 104 } else { 0 } + body.len()
        }
        Inner::Fragment { chunk, .. } => 123 + 12 + chunk.len() + 16,
    }
}

/// The property: the parser never panics, and what it accepts is canonical.
fn check_total_and_canonical(bytes: &[u8]) -> Result<bool, TestCaseError> {
    match parse_inner(bytes) {
        Ok(parsed) => {
            prop_assert!(encoded_len(&parsed) <= bytes.len());
            let again = encode_inner(&parsed, bytes.len());
            prop_assert_eq!(again.as_slice(), bytes, "accepted a non-canonical encoding");
            Ok(true)
        }
        Err(_) => Ok(false),
    }
}

#[test]
fn valid_inners_round_trip_with_any_padding() {
    for inner in valid_inners() {
        let n = encoded_len(&inner);
        for pad in [0usize, 1, 100] {
            let bytes = encode_inner(&inner, n + pad);
            assert_eq!(bytes.len(), n + pad);
            assert_eq!(parse_inner(&bytes).expect("valid inner parses"), inner);
            // One byte short is always refused.
            if pad == 0 {
                assert!(parse_inner(&bytes[..n - 1]).is_err());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn parser_is_total_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..700)) {
        check_total_and_canonical(&bytes)?;
    }

    #[test]
    fn parser_is_total_on_magic_prefixed_bytes(
        kind in 0u8..8,
        flags in 0u8..4,
        rest in proptest::collection::vec(any::<u8>(), 0..700),
    ) {
        // Get past the magic and version checks so the field parsers are exercised.
        let mut bytes = b"hushpost\x01".to_vec();
        bytes.push(kind);
        bytes.push(flags);
        bytes.extend_from_slice(&rest);
        check_total_and_canonical(&bytes)?;
    }

    #[test]
    fn parser_is_total_on_mutated_valid_inners(
        which in any::<proptest::sample::Index>(),
        pad in 0usize..64,
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..4),
        cut in proptest::option::of(any::<proptest::sample::Index>()),
    ) {
        let inners = valid_inners();
        let inner = which.get(&inners);
        let mut bytes = encode_inner(inner, encoded_len(inner) + pad);
        for (at, val) in &edits {
            let i = at.index(bytes.len());
            bytes[i] = *val;
        }
        if let Some(c) = cut {
            let c = c.index(bytes.len() + 1);
            bytes.truncate(c);
        }
        check_total_and_canonical(&bytes)?;
    }
}

#[test]
fn mutated_inners_hit_both_accept_and_refuse() {
    // Deterministic companion of the proptest above: proves the canonicality check is
    // exercised on accepted inputs, not just on refusals.
    let inners = valid_inners();
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let (mut ok, mut err) = (0, 0);
    for _ in 0..20_000 {
        let inner = &inners[rng.gen_range(0..inners.len())];
        let mut bytes = encode_inner(inner, encoded_len(inner) + rng.gen_range(0..8));
        let i = rng.gen_range(0..bytes.len());
        bytes[i] = match rng.gen_range(0..3) {
            0 => bytes[i] ^ (1 << rng.gen_range(0..8)),
            1 => 0,
            _ => rng.r#gen(),
        };
        match check_total_and_canonical(&bytes) {
            Ok(true) => ok += 1,
            Ok(false) => err += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(ok > 1_000, "too few mutations accepted ({ok})");
    assert!(err > 1_000, "too few mutations refused ({err})");
}

// ---------------------------------------------------------------- (d) padding

fn seal_and_open(w: &World, body: &[u8]) -> (usize, Vec<u8>) {
    let sealed = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, body)).expect("seal");
    assert_eq!(
        sealed.blobs.len(),
        1,
        "body of {} bytes fragmented",
        body.len()
    );
    match open_as_bob(w, &sealed.blobs[0]).expect("open") {
        Opened::Message(m) => (sealed.blobs[0].len(), m.body.to_vec()),
        Opened::Fragment(_) => panic!("expected a message"),
    }
}

#[test]
fn every_small_body_length_round_trips() {
    let w = world();
    let max = Bucket::Small.capacity() - SIGNED_OVERHEAD;
    let mut base = vec![0u8; max];
    ChaCha20Rng::seed_from_u64(5).fill_bytes(&mut base);
    let bad: Vec<String> = (0..=max)
        .into_par_iter()
        .filter_map(|len| {
            let (size, body) = seal_and_open(w, &base[..len]);
            (size != envelope::SMALL || body != base[..len])
                .then(|| format!("len {len}: blob {size}, body {}", body.len()))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} lengths failed: {:?}",
        bad.len(),
        &bad[..bad.len().min(10)]
    );
    // One more byte moves to the large bucket.
    let mut one_more = base.clone();
    one_more.push(1);
    let (size, body) = seal_and_open(w, &one_more);
    assert_eq!(size, envelope::LARGE);
    assert_eq!(body, one_more);
}

fn large_body(len: usize, seed: u64) -> Vec<u8> {
    let mut b = vec![0u8; len];
    ChaCha20Rng::seed_from_u64(seed).fill_bytes(&mut b);
    b
}

#[test]
fn large_bucket_boundaries_round_trip() {
    let w = world();
    let min = Bucket::Small.capacity() - SIGNED_OVERHEAD + 1;
    let max = Bucket::Large.capacity() - SIGNED_OVERHEAD;
    for len in [min, min + 1, 65_536, 65_536 * 2 + 7, max - 1, max] {
        let b = large_body(len, len as u64);
        let (size, body) = seal_and_open(w, &b);
        assert_eq!(size, envelope::LARGE, "len {len}");
        assert_eq!(body, b, "len {len}");
    }
    // One byte more than the large bucket fits becomes a head plus one fragment.
    let b = large_body(max + 1, 1);
    let sealed = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, &b)).expect("seal");
    assert_eq!(sealed.blobs.len(), 2);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn sampled_large_body_lengths_round_trip(
        len in (Bucket::Small.capacity() - SIGNED_OVERHEAD + 1)..=(Bucket::Large.capacity() - SIGNED_OVERHEAD),
        seed in any::<u64>(),
    ) {
        let w = world();
        let b = large_body(len, seed);
        let (size, body) = seal_and_open(w, &b);
        prop_assert_eq!(size, envelope::LARGE);
        prop_assert!(body == b);
    }
}
