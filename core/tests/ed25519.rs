//! Ed25519 verification policy, pinned against the CCTV `ed25519vectors.json` edge cases
//! (`testdata/cctv-ed25519/`, see `testdata/PROVENANCE.md`).
//!
//! Every one of the 914 vectors is a signature that *some* Ed25519 implementation accepts;
//! the `flags` say which property makes it an edge case. hushpost verifies with
//! `ed25519_dalek::VerifyingKey::verify_strict` behind `identity::verify`, and we reject:
//!
//! * `low_order_A` — a small-order public key. Such a key "signs" many messages with the
//!   same signature (for the identity point, `(R, S) = (B, 1)` verifies under *every*
//!   message), so it identifies nobody: accepting it would let anyone forge cards and
//!   envelopes "from" that key, and a peer could register a key with no secret behind it
//!   (key-compromise-impersonation style confusion between contacts).
//! * `low_order_R` — a small-order commitment, the other half of the same trick; a
//!   signature with a small-order `R` does not bind the signer to the message.
//! * `non_canonical_A` / `non_canonical_R` — a second encoding of the same point. Accepting
//!   them makes signatures (and keys) malleable: a third party can produce a different byte
//!   string that still verifies, which breaks anything that hashes or deduplicates
//!   signatures (our `chain_hash` covers the signature bytes).
//! * `low_order_residue` — the signature only verifies under the *cofactored* equation
//!   `[8][S]B = [8]R + [8][k]A`. We use the cofactorless equation `[S]B = R + [k]A`
//!   (checked by recomputing `R` and comparing its canonical encoding), like every strict
//!   verifier; the cofactored and cofactorless checks disagree exactly on these vectors,
//!   and we must never accept something another strict verifier refuses.
//!
//! We accept the rest: keys and commitments with a small-order *component* (mixed order,
//! flags `low_order_component_A/R` alone) whose cofactorless equation holds. They are not
//! forgeable without the secret key and rejecting them would need a costly
//! prime-order check that no other implementation performs.
//!
//! Our own `identity::verify` prefixes a context label, so it cannot be run on the raw vector
//! messages; the vectors go to `verify_strict` directly, and `identity::verify`'s weak-key
//! refusal is checked separately with signatures built to verify under the labelled message.

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use hushpost_core::identity::{self, Identity, SigContext};
use std::collections::{BTreeMap, BTreeSet};

#[derive(serde::Deserialize)]
struct Vector {
    number: u32,
    key: String,
    sig: String,
    msg: String,
    flags: Option<Vec<String>>,
}

fn vectors() -> Vec<Vector> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/cctv-ed25519/ed25519vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("read ed25519vectors.json");
    serde_json::from_str(&text).expect("parse ed25519vectors.json")
}

fn arr<const N: usize>(h: &str) -> [u8; N] {
    hex::decode(h)
        .expect("hex")
        .try_into()
        .expect("right length")
}

fn strict_accepts(key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    match VerifyingKey::from_bytes(key) {
        Ok(k) => k.verify_strict(msg, &Signature::from_bytes(sig)).is_ok(),
        Err(_) => false,
    }
}

/// Flags that make our policy reject a vector.
const REJECTED_FLAGS: [&str; 5] = [
    "low_order_A",
    "low_order_R",
    "non_canonical_A",
    "non_canonical_R",
    "low_order_residue",
];

#[test]
fn verify_strict_follows_our_policy_on_every_vector() {
    let vs = vectors();
    assert_eq!(vs.len(), 914, "the vendored Ed25519 vectors changed");
    let mut wrong = Vec::new();
    // flag -> (accepted, rejected)
    let mut table: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut accepted = 0usize;
    for v in &vs {
        let flags: BTreeSet<&str> = v.flags.iter().flatten().map(String::as_str).collect();
        let should_accept = !REJECTED_FLAGS.iter().any(|f| flags.contains(f));
        let got = strict_accepts(&arr(&v.key), v.msg.as_bytes(), &arr(&v.sig));
        if got != should_accept {
            wrong.push(format!(
                "#{} flags {flags:?}: verify_strict {} but policy says {}",
                v.number,
                if got { "accepts" } else { "rejects" },
                if should_accept { "accept" } else { "reject" },
            ));
        }
        accepted += usize::from(got);
        let names: Vec<&str> = if flags.is_empty() {
            vec!["(no flags)"]
        } else {
            flags.iter().copied().collect()
        };
        for f in names {
            let e = table.entry(f.to_string()).or_default();
            if got {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    println!("Ed25519 vectors: {} total, {accepted} accepted", vs.len());
    println!("{:<24} {:>8} {:>8}", "flag", "accept", "reject");
    for (f, (a, r)) in &table {
        println!("{f:<24} {a:>8} {r:>8}");
    }
    assert!(
        wrong.is_empty(),
        "{} vector(s) disagree with the policy:\n  {}",
        wrong.len(),
        wrong.join("\n  ")
    );
    // Pinned totals: the policy is not vacuous in either direction.
    assert_eq!(accepted, 43);
    for f in REJECTED_FLAGS {
        assert_eq!(table[f].0, 0, "{f} accepted somewhere");
        assert!(table[f].1 > 0, "{f} never exercised");
    }
    assert!(table["low_order_component_A"].0 > 0);
    assert!(table["low_order_component_R"].0 > 0);
}

/// The eight canonical small-order encodings, taken from the vectors.
fn small_order_keys(vs: &[Vector]) -> BTreeSet<[u8; 32]> {
    vs.iter()
        .filter(|v| {
            let f = v.flags.clone().unwrap_or_default();
            f.iter().any(|x| x == "low_order_A") && !f.iter().any(|x| x == "non_canonical_A")
        })
        .map(|v| arr::<32>(&v.key))
        .collect()
}

fn labelled(ctx: SigContext, msg: &[u8]) -> Vec<u8> {
    let mut v = ctx.label().to_vec();
    v.extend_from_slice(msg);
    v
}

/// Compressed Ed25519 base point B.
const BASEPOINT: [u8; 32] = [
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
];

#[test]
fn identity_verify_refuses_small_order_keys_even_when_the_equation_holds() {
    let vs = vectors();
    let keys = small_order_keys(&vs);
    assert_eq!(keys.len(), 8, "expected the 8 canonical small-order points");
    // (R, S) = (B, 1): [1]B = B + [k]A holds whenever [k]A is the identity, i.e. for every
    // message when A is the identity and for a fraction 1/ord(A) of messages otherwise. Find
    // such a message for each key, show the lenient (legacy, non-strict) verifier accepts the
    // labelled message, and that `identity::verify` still refuses.
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&BASEPOINT);
    sig[32] = 1;
    for key in &keys {
        let lenient = VerifyingKey::from_bytes(key).expect("small-order points decode");
        assert!(lenient.is_weak());
        let mut forged_for = None;
        for i in 0..256u32 {
            let msg = format!("forged message {i}");
            for ctx in SigContext::ALL {
                if lenient
                    .verify(&labelled(ctx, msg.as_bytes()), &Signature::from_bytes(&sig))
                    .is_ok()
                {
                    forged_for = Some((ctx, msg.clone()));
                }
            }
            if forged_for.is_some() {
                break;
            }
        }
        let (ctx, msg) = forged_for
            .unwrap_or_else(|| panic!("no message found for small-order key {}", hex::encode(key)));
        assert!(
            !identity::verify(key, ctx, msg.as_bytes(), &sig),
            "identity::verify accepted a forgery under small-order key {}",
            hex::encode(key)
        );
    }
}

#[test]
fn identity_verify_refuses_small_order_r_and_accepts_honest_signatures() {
    let id = Identity::from_secrets(&[42; 32], &[43; 32]);
    let msg = b"hello";
    for ctx in SigContext::ALL {
        let sig = id.sign(ctx, msg);
        assert!(identity::verify(&id.ed_public(), ctx, msg, &sig));
        // A small-order R never verifies (the honest S no longer matches, and strict
        // verification refuses the R before looking at S).
        let vs = vectors();
        for r in small_order_keys(&vs) {
            let mut bad = sig;
            bad[..32].copy_from_slice(&r);
            assert!(!identity::verify(&id.ed_public(), ctx, msg, &bad));
        }
        // Malleated S (S + l) is refused: non-canonical scalar.
        let mut s_plus_l = sig;
        add_l(&mut s_plus_l[32..]);
        assert!(!identity::verify(&id.ed_public(), ctx, msg, &s_plus_l));
    }
}

/// Adds the group order l to a little-endian 256-bit scalar (wrapping is impossible for
/// S < l since l < 2^253).
fn add_l(s: &mut [u8]) {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x10,
    ];
    let mut carry = 0u16;
    for (b, l) in s.iter_mut().zip(L) {
        let t = u16::from(*b) + u16::from(l) + carry;
        *b = t as u8;
        carry = t >> 8;
    }
}
