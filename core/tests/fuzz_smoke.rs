//! Runs the four `cargo fuzz` target bodies (`core/fuzz/src/lib.rs`, included verbatim) on a
//! few thousand seeded random and mutated inputs, so the stable test suite exercises them
//! without nightly. Each target panics on a property violation; a panic fails the test and
//! the seeded RNG makes it reproducible.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use hushpost_core::agelayer;
use hushpost_core::card::Card;
use hushpost_core::envelope::{self, Draft, Kind, Recipient, seal};
use hushpost_core::identity::Identity;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn random_bytes(r: &mut ChaCha20Rng, max: usize) -> Vec<u8> {
    let mut b = vec![0u8; r.gen_range(0..=max)];
    r.fill_bytes(&mut b);
    b
}

/// A libFuzzer-like mutation: flip bits, overwrite, insert, delete, truncate or splice.
fn mutate(r: &mut ChaCha20Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..r.gen_range(1..=4) {
        match r.gen_range(0..6) {
            0 if !b.is_empty() => {
                let i = r.gen_range(0..b.len());
                b[i] ^= 1 << r.gen_range(0..8);
            }
            1 if !b.is_empty() => {
                let i = r.gen_range(0..b.len());
                b[i] = r.r#gen();
            }
            2 => {
                let i = r.gen_range(0..=b.len());
                b.insert(i, r.r#gen());
            }
            3 if !b.is_empty() => {
                let i = r.gen_range(0..b.len());
                b.remove(i);
            }
            4 => {
                let i = r.gen_range(0..=b.len());
                b.truncate(i);
            }
            _ if b.len() > 2 => {
                // Copy a slice over another position.
                let from = r.gen_range(0..b.len());
                let to = r.gen_range(0..b.len());
                let n = r.gen_range(1..=(b.len() - from.max(to)).min(16));
                let piece = b[from..from + n].to_vec();
                b[to..to + n].copy_from_slice(&piece);
            }
            _ => {}
        }
    }
    b
}

fn sealed_inner_plaintexts() -> Vec<Vec<u8>> {
    // Real inners, taken from sealed blobs: every signed kind, with and without a prekey.
    let alice = Identity::from_secrets(&[1; 32], &[2; 32]);
    let me = targets::fuzz_identity();
    let to = Recipient {
        ed: me.ed_public(),
        key: me.x().public(),
    };
    let mut out = Vec::new();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Fragment) {
        let body = format!("body of a {kind:?}");
        let sealed = seal(
            &alice,
            &to,
            &Draft {
                kind,
                msg_id: [kind as u8; 16],
                prev_hash: [0; 32],
                sent_at: 1_800_000_000,
                expires_at: 0,
                burn_after_reading: kind == Kind::Message,
                prekey: None,
                body: body.as_bytes(),
            },
        )
        .expect("seal");
        let (plain, _) = agelayer::decrypt_x25519(&sealed.blobs[0], &[me.x()]).expect("decrypt");
        // Trim most of the padding so mutations land in the fields.
        let used = plain.iter().rposition(|b| *b != 0).map_or(0, |p| p + 1);
        out.push(plain[..used + 8].to_vec());
    }
    out
}

#[test]
fn inner_parse_target() {
    let seeds = sealed_inner_plaintexts();
    for s in &seeds {
        assert!(targets::inner_parse(s), "seed must parse");
    }
    let mut r = rng(1);
    let mut accepted = 0;
    for i in 0..6_000 {
        let input = if i % 4 == 0 {
            random_bytes(&mut r, 600)
        } else {
            let pick = r.gen_range(0..seeds.len());
            mutate(&mut r, &seeds[pick])
        };
        accepted += usize::from(targets::inner_parse(&input));
    }
    assert!(
        accepted > 100,
        "mutations rarely parse ({accepted}): the canonicality check went unexercised"
    );
}

#[test]
fn card_parse_target() {
    let owner = Identity::from_secrets(&[7; 32], &[8; 32]);
    let card = Card::issue(
        &owner,
        "Alice",
        [9; 32],
        vec![
            "dir:/tmp/drop".parse().expect("route"),
            "mailto:a@example.org".parse().expect("route"),
        ],
        1_700_000_000,
    )
    .expect("issue");
    let text = card.encode();
    assert!(targets::card_parse(text.as_bytes()));
    // Line-wrapped pastes are accepted too.
    let wrapped: String = text
        .chars()
        .enumerate()
        .flat_map(|(i, c)| if i % 30 == 29 { vec![c, '\n'] } else { vec![c] })
        .collect();
    assert!(targets::card_parse(wrapped.as_bytes()));
    let mut r = rng(2);
    let mut accepted = 0;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_ \n:";
    for i in 0..3_000 {
        let input: Vec<u8> = match i % 3 {
            0 => random_bytes(&mut r, 400),
            1 => {
                // Typos drawn from the card alphabet keep the input plausible.
                let mut t = text.clone().into_bytes();
                for _ in 0..r.gen_range(1..=3) {
                    let at = r.gen_range(0..t.len());
                    t[at] = alphabet[r.gen_range(0..alphabet.len())];
                }
                t
            }
            _ => mutate(&mut r, text.as_bytes()),
        };
        accepted += usize::from(targets::card_parse(&input));
    }
    // The checksum and signature catch essentially every typo or mutation.
    assert!(accepted < 10, "{accepted} mutated cards accepted");
}

#[test]
fn open_blob_target() {
    let me = targets::fuzz_identity();
    let alice = Identity::from_secrets(&[1; 32], &[2; 32]);
    let sealed = seal(
        &alice,
        &Recipient {
            ed: me.ed_public(),
            key: me.x().public(),
        },
        &Draft {
            kind: Kind::Message,
            msg_id: [3; 16],
            prev_hash: [0; 32],
            sent_at: 1_800_000_000,
            expires_at: 0,
            burn_after_reading: false,
            prekey: None,
            body: b"hello",
        },
    )
    .expect("seal");
    let blob = &sealed.blobs[0];
    // The seed reaches the Ok path of the target.
    assert!(targets::open_blob(blob));
    let mut r = rng(3);
    let mut accepted = 0;
    for i in 0..2_000 {
        let input = match i % 4 {
            0 => random_bytes(&mut r, envelope::SMALL + 100),
            1 => {
                // A bit flip in the age header or near the ends of the payload.
                let mut b = blob.clone();
                let at = if r.r#gen() {
                    r.gen_range(0..agelayer::X25519_HEADER_LEN)
                } else {
                    r.gen_range(0..b.len())
                };
                b[at] ^= 1 << r.gen_range(0..8);
                b
            }
            _ => mutate(&mut r, blob),
        };
        // A mutation that changes nothing (e.g. a slice copied onto itself) still opens.
        accepted += usize::from(targets::open_blob(&input) && input != *blob);
    }
    assert_eq!(accepted, 0, "a modified blob opened");
}

#[test]
fn dearmor_target() {
    let mut r = rng(4);
    let mut seeds = Vec::new();
    for len in [0usize, 1, 2, 3, 47, 48, 49, 200] {
        let mut b = vec![0u8; len];
        r.fill_bytes(&mut b);
        let a = agelayer::armor(&b);
        assert!(targets::dearmor(a.as_bytes()));
        let crlf = a.replace('\n', "\r\n");
        assert_eq!(agelayer::dearmor(crlf.as_bytes()).expect("CRLF armor"), b);
        assert!(targets::dearmor(crlf.as_bytes()));
        assert!(targets::dearmor(format!(" \n{a}\t\n").as_bytes()));
        seeds.push(a.into_bytes());
        seeds.push(crlf.into_bytes());
    }
    let mut accepted = 0;
    for i in 0..6_000 {
        let input = if i % 5 == 0 {
            random_bytes(&mut r, 300)
        } else {
            let pick = r.gen_range(0..seeds.len());
            mutate(&mut r, &seeds[pick])
        };
        accepted += usize::from(targets::dearmor(&input));
    }
    // Some mutations stay valid (whitespace around the block, a changed data character);
    // each of those went through the canonicality assertion.
    assert!(accepted > 50, "only {accepted} mutated armors accepted");
}

/// Real v2 inners (single, head with a signed key, fragment) with most padding trimmed.
fn v2_seeds() -> Vec<Vec<u8>> {
    use hushpost_core::envelope::v2::{self, Body, KeyRole, SealTo, SignedKey};
    use hushpost_core::hybrid::HybridKeyPair;
    let me = targets::fuzz_identity();
    let alice = Identity::from_secrets(&[1; 32], &[2; 32]);
    let pq = HybridKeyPair::from_seed(&[6; 32]);
    let to = SealTo::Hybrid {
        ed: me.ed_public(),
        key: pq.public().clone(),
    };
    let key = SignedKey::sign(
        &alice,
        &me.ed_public(),
        KeyRole::Prekey,
        HybridKeyPair::from_seed(&[7; 32]).public().clone(),
        1_900_000_000,
    );
    let letter = b"Subject: s\r\n\r\nseed\r\n".to_vec();
    let att = vec![7u8; 2 * v2::CHUNK];
    let mut out = Vec::new();
    for (keys, body) in [
        (vec![key], Body::new(&letter)),
        (
            vec![],
            Body::new(&letter)
                .attach("a.bin", "application/octet-stream", &att)
                .expect("part"),
        ),
    ] {
        let d = v2::Draft {
            kind: Kind::Message,
            msg_id: [4; 16],
            prev_hash: [0; 32],
            sent_at: 1_800_000_000,
            expires_at: 0,
            burn_after_reading: false,
            keys,
        };
        v2::seal(&alice, &to, &d, &body, &mut |b| {
            let (plain, _) = agelayer::decrypt_any(b, &[], &[&pq]).expect("decrypt");
            let used = plain.iter().rposition(|x| *x != 0).map_or(0, |p| p + 1);
            // Fragments are trimmed to a short chunk window so mutations hit the fields.
            out.push(plain[..(used + 8).min(plain.len())].to_vec());
            Ok(())
        })
        .expect("seal");
    }
    out
}

#[test]
fn v2_inner_parse_target() {
    let seeds = v2_seeds();
    assert!(
        targets::v2_inner_parse(&seeds[0]),
        "the single-blob seed parses"
    );
    let mut r = rng(5);
    let mut accepted = 0;
    for i in 0..3_000 {
        let input = if i % 4 == 0 {
            random_bytes(&mut r, 600)
        } else {
            let pick = r.gen_range(0..seeds.len());
            mutate(&mut r, &seeds[pick])
        };
        accepted += usize::from(targets::v2_inner_parse(&input));
    }
    assert!(
        accepted > 20,
        "mutations rarely parse ({accepted}): canonicality unexercised"
    );
}

#[test]
fn hybrid_stanza_target() {
    use base64::Engine;
    let k = targets::fuzz_hybrid();
    let (enc, body) = k.public().wrap_file_key(&[9; 16]).expect("wrap");
    let arg = base64::engine::general_purpose::STANDARD_NO_PAD.encode(enc);
    let mut seed = vec![1u8];
    seed.extend_from_slice(&(arg.len() as u16).to_be_bytes());
    seed.extend_from_slice(arg.as_bytes());
    seed.extend_from_slice(&body);
    assert!(targets::hybrid_stanza(&seed), "the real stanza unwraps");
    let mut r = rng(6);
    let mut accepted = 0;
    for i in 0..1_500 {
        let input = if i % 5 == 0 {
            random_bytes(&mut r, 1600)
        } else {
            mutate(&mut r, &seed)
        };
        // The argument count is taken mod 4, so 1 and 5 are the same stanza.
        let norm = |v: &[u8]| {
            let mut v = v.to_vec();
            if let Some(f) = v.first_mut() {
                *f %= 4;
            }
            v
        };
        accepted += usize::from(targets::hybrid_stanza(&input) && norm(&input) != norm(&seed));
    }
    // A mutation that only touches bytes base64 decoding ignores cannot exist (canonical
    // base64 is enforced), so nothing but the seed unwraps.
    assert_eq!(accepted, 0, "a mutated stanza unwrapped");
}
