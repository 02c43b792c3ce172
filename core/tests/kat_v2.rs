//! Known-answer tests for envelope v2 (`testdata/kat-v2/`, described in its README.md).
//!
//! The inner plaintexts are deterministic (Ed25519 is deterministic, the Merkle tree is a
//! pure function of the content): this test rebuilds every one byte by byte from the inputs
//! and `docs/PROTOCOL.md` §7 alone — its own encoder, its own BLAKE3 tree, not the crate's
//! codec — and requires the committed blobs to decrypt to exactly those bytes, then runs
//! the full v2 receive procedure and reassembles the fragmented case.
//!
//! Regenerate (only for a deliberate v2 change, before any v2 blob exists in the wild):
//! `cargo test -p hushpost-core --test kat_v2 -- --ignored regenerate_kat_v2`.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::agelayer;
use hushpost_core::envelope::Kind;
use hushpost_core::envelope::v2::{
    self, Assembly, Body, Draft, KeyRole, Opened, Receiver, SealTo, SignedKey,
};
use hushpost_core::hybrid::HybridKeyPair;
use hushpost_core::identity::{Identity, SigContext};
use hushpost_core::replay::MemorySeen;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const T0: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const CHUNK: usize = 259_072;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kat-v2")
}
fn alice() -> Identity {
    Identity::from_secrets(&[0xa1; 32], &[0xa2; 32])
}
fn bob() -> Identity {
    Identity::from_secrets(&[0xb1; 32], &[0xb2; 32])
}
fn bob_pq() -> HybridKeyPair {
    HybridKeyPair::from_seed(&[0xb4; 32])
}
fn alice_pq_prekey() -> HybridKeyPair {
    HybridKeyPair::from_seed(&[0xa5; 32])
}

/// `SHA-256(label || u32be(i))` for i = 0, 1, … concatenated and cut to `len`.
fn generated(label: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut i = 0u32;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update(i.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        i += 1;
    }
    out.truncate(len);
    out
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Case {
    name: String,
    kind: String,
    /// `bob_x` (classical) or `bob_pq` (hybrid identity).
    sealed_to: String,
    msg_id: String,
    sent_at: u64,
    letter: String,
    /// Attachment: `generated(label, len)` named `data.bin`, or none.
    attachment: Option<(String, usize)>,
    /// Whether Alice's hybrid prekey for Bob (seed a5…, not_after = T0 + 21 days) is carried.
    carries_prekey: bool,
    signature: String,
    blobs: Vec<BlobJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct BlobJson {
    file: String,
    size: usize,
    inner_sha256: String,
}

fn cases() -> Vec<Case> {
    let c = |name: &str, to: &str, id: u8, att: Option<(&str, usize)>, pk: bool| Case {
        name: name.into(),
        kind: "Message".into(),
        sealed_to: to.into(),
        msg_id: hex::encode([id; 16]),
        sent_at: T0 + u64::from(id) * 60,
        letter: format!("Subject: kat {name}\r\n\r\nhushpost v2 known answer: {name}\r\n"),
        attachment: att.map(|(l, n)| (l.to_string(), n)),
        carries_prekey: pk,
        signature: String::new(),
        blobs: Vec::new(),
    };
    vec![
        c("small_classical", "bob_x", 1, None, false),
        c("small_hybrid_with_prekey", "bob_pq", 2, None, true),
        c(
            "fragmented_hybrid",
            "bob_pq",
            3,
            Some(("hushpost kat v2 attachment", 2 * CHUNK + 100)),
            false,
        ),
    ]
}

fn prekey() -> SignedKey {
    SignedKey::sign(
        &alice(),
        &bob().ed_public(),
        KeyRole::Prekey,
        alice_pq_prekey().public().clone(),
        T0 + 21 * 86_400,
    )
}

fn content(c: &Case) -> (Vec<u8>, Option<Vec<u8>>) {
    let att = c.attachment.as_ref().map(|(l, n)| generated(l, *n));
    (c.letter.as_bytes().to_vec(), att)
}

/// (recipient key id, age header length): the id is the X25519 key itself, or
/// SHA-256("hushpost v2 hybrid key id\0" || 1216-byte key).
fn key_of(c: &Case) -> ([u8; 32], usize) {
    match c.sealed_to.as_str() {
        "bob_x" => (bob().x().public(), agelayer::X25519_HEADER_LEN),
        _ => {
            let mut h = Sha256::new();
            h.update(b"hushpost v2 hybrid key id\0");
            h.update(bob_pq().public().as_bytes());
            (h.finalize().into(), agelayer::HYBRID_HEADER_LEN)
        }
    }
}

fn common(kind: u8, flags: u8, key_id: &[u8; 32], msg_id: &[u8]) -> Vec<u8> {
    let mut v = b"hushpost".to_vec();
    v.extend_from_slice(&[2, kind, flags]);
    v.extend_from_slice(&alice().ed_public());
    v.extend_from_slice(&bob().ed_public());
    v.extend_from_slice(key_id);
    v.extend_from_slice(msg_id);
    v
}

fn part(v: &mut Vec<u8>, len: u64, name: &str, ty: &str) {
    v.extend_from_slice(&len.to_be_bytes());
    v.push(name.len() as u8);
    v.extend_from_slice(name.as_bytes());
    v.push(ty.len() as u8);
    v.extend_from_slice(ty.as_bytes());
}

fn blake(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// The inner plaintexts of a case, rebuilt from PROTOCOL.md §7 alone.
fn rebuild(c: &Case) -> Vec<Vec<u8>> {
    let (letter, att) = content(c);
    let (key_id, header_len) = key_of(c);
    let msg_id = hex::decode(&c.msg_id).expect("hex");
    let cap = |bucket: usize| agelayer::capacity(bucket, header_len);
    let mut all = letter.clone();
    if let Some(a) = &att {
        all.extend_from_slice(a);
    }
    let signed_fields = |frag: Option<(u32, [u8; 32])>, inline: &[u8]| {
        let mut v = common(1, if frag.is_some() { 1 } else { 0 }, &key_id, &msg_id);
        v.extend_from_slice(&[0u8; 32]);
        v.extend_from_slice(&c.sent_at.to_be_bytes());
        v.extend_from_slice(&0u64.to_be_bytes());
        if c.carries_prekey {
            let k = prekey();
            v.push(1);
            v.push(1);
            v.extend_from_slice(k.key.as_bytes());
            v.extend_from_slice(&k.not_after.to_be_bytes());
            v.extend_from_slice(&k.sig);
        } else {
            v.push(0);
        }
        v.extend_from_slice(&(all.len() as u64).to_be_bytes());
        v.push(if att.is_some() { 2 } else { 1 });
        part(&mut v, letter.len() as u64, "", "");
        if let Some(a) = &att {
            part(
                &mut v,
                a.len() as u64,
                "data.bin",
                "application/octet-stream",
            );
        }
        v.extend_from_slice(&frag.map_or(0, |f| f.0).to_be_bytes());
        if let Some((_, root)) = frag {
            v.extend_from_slice(&root);
        }
        v.extend_from_slice(&(inline.len() as u32).to_be_bytes());
        v.extend_from_slice(inline);
        let sig = alice().sign(SigContext::EnvelopeV2, &v);
        v.extend_from_slice(&sig);
        v
    };
    if att.is_none() {
        let mut v = signed_fields(None, &all);
        v.resize(cap(16_384), 0);
        return vec![v];
    }
    // Fragmented: the small head fills up with content; fragments of CHUNK bytes.
    let probe = signed_fields(Some((1, [0; 32])), &[]);
    let inline_len = cap(16_384) - probe.len();
    let rest = &all[inline_len..];
    let chunks: Vec<&[u8]> = rest.chunks(CHUNK).collect();
    let count = chunks.len() as u32;
    let depth = (32 - (count - 1).leading_zeros()) as usize;
    let mut level: Vec<[u8; 32]> = chunks
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            blake(&[
                b"hushpost v2 leaf\0",
                &msg_id,
                &(i as u32).to_be_bytes(),
                ch,
            ])
        })
        .collect();
    let mut levels = vec![level.clone()];
    for _ in 0..depth {
        level = level
            .chunks(2)
            .map(|p| blake(&[b"hushpost v2 node\0", &p[0], p.get(1).unwrap_or(&[0; 32])]))
            .collect();
        levels.push(level.clone());
    }
    let root = level[0];
    let mut out = vec![signed_fields(Some((count, root)), &all[..inline_len])];
    assert_eq!(
        out[0].len(),
        cap(16_384),
        "a fragmented head fills its blob"
    );
    for (i, ch) in chunks.iter().enumerate() {
        let mut v = common(2, 0, &key_id, &msg_id);
        v.extend_from_slice(&(i as u32).to_be_bytes());
        v.extend_from_slice(&count.to_be_bytes());
        v.extend_from_slice(&(ch.len() as u32).to_be_bytes());
        v.extend_from_slice(ch);
        v.push(depth as u8);
        let mut j = i;
        for lv in &levels[..depth] {
            v.extend_from_slice(lv.get(j ^ 1).unwrap_or(&[0; 32]));
            j >>= 1;
        }
        v.resize(cap(262_144), 0);
        out.push(v);
    }
    out
}

fn seal_case(c: &Case) -> Vec<Vec<u8>> {
    let (letter, att) = content(c);
    let to = match c.sealed_to.as_str() {
        "bob_x" => SealTo::Classical {
            ed: bob().ed_public(),
            key: bob().x().public(),
        },
        _ => SealTo::Hybrid {
            ed: bob().ed_public(),
            key: bob_pq().public().clone(),
        },
    };
    let d = Draft {
        kind: Kind::Message,
        msg_id: hex::decode(&c.msg_id).expect("hex").try_into().expect("16"),
        prev_hash: [0; 32],
        sent_at: c.sent_at,
        expires_at: 0,
        burn_after_reading: false,
        keys: if c.carries_prekey {
            vec![prekey()]
        } else {
            vec![]
        },
    };
    let mut body = Body::new(&letter);
    if let Some(a) = &att {
        body = body
            .attach("data.bin", "application/octet-stream", a)
            .expect("part");
    }
    let mut blobs = Vec::new();
    v2::seal(&alice(), &to, &d, &body, &mut |b| {
        blobs.push(b.to_vec());
        Ok(())
    })
    .expect("seal");
    blobs
}

fn load() -> Vec<Case> {
    let text = std::fs::read_to_string(dir().join("cases.json")).expect("read cases.json");
    serde_json::from_str(&text).expect("parse cases.json")
}

#[test]
#[ignore = "writes testdata/kat-v2; run only for a deliberate v2 change"]
fn regenerate_kat_v2() {
    std::fs::create_dir_all(dir()).expect("mkdir");
    let mut out = Vec::new();
    for mut c in cases() {
        let blobs = seal_case(&c);
        let inners = rebuild(&c);
        assert_eq!(blobs.len(), inners.len());
        for (i, (b, inner)) in blobs.iter().zip(&inners).enumerate() {
            let file = format!("{}.{i}.age", c.name);
            std::fs::write(dir().join(&file), b).expect("write blob");
            c.blobs.push(BlobJson {
                file,
                size: b.len(),
                inner_sha256: hex::encode(Sha256::digest(inner)),
            });
        }
        c.signature = hex::encode(&inners[0][inners[0].len() - 64..]);
        out.push(c);
    }
    let text = serde_json::to_string_pretty(&out).expect("json");
    std::fs::write(dir().join("cases.json"), text + "\n").expect("write cases.json");
}

#[test]
fn committed_inputs_are_the_ones_this_test_defines() {
    let loaded = load();
    let defined = cases();
    assert_eq!(loaded.len(), defined.len());
    for (l, d) in loaded.iter().zip(&defined) {
        let strip = |c: &Case| Case {
            signature: String::new(),
            blobs: Vec::new(),
            ..c.clone()
        };
        assert_eq!(strip(l), strip(d));
    }
}

#[test]
fn committed_blobs_decrypt_to_the_independently_rebuilt_inners() {
    let pq = bob_pq();
    for c in load() {
        let inners = rebuild(&c);
        assert_eq!(inners.len(), c.blobs.len(), "{}", c.name);
        for (b, inner) in c.blobs.iter().zip(&inners) {
            assert_eq!(
                hex::encode(Sha256::digest(inner)),
                b.inner_sha256,
                "{}",
                b.file
            );
            let blob = std::fs::read(dir().join(&b.file)).expect("read blob");
            assert_eq!(blob.len(), b.size);
            let (plain, _) = agelayer::decrypt_any(&blob, &[bob().x()], &[&pq]).expect("decrypt");
            assert_eq!(plain.as_slice(), inner.as_slice(), "{}", b.file);
        }
        assert_eq!(c.signature, hex::encode(&inners[0][inners[0].len() - 64..]));
    }
}

#[test]
fn committed_blobs_open_and_reassemble() {
    let pq = bob_pq();
    let b = bob();
    let xs = [b.x()];
    let pqs = [&pq];
    let seen = MemorySeen::default();
    let a = alice().ed_public();
    let is_contact = move |k: &[u8; 32]| *k == a;
    for c in load() {
        let rx = Receiver {
            me: b.ed_public(),
            x_keys: &xs,
            pq_keys: &pqs,
            is_contact: &is_contact,
            seen: &seen,
            now: c.sent_at + 60,
            max_total_len: v2::DEFAULT_MAX_TOTAL_LEN,
        };
        let blobs: Vec<Vec<u8>> = c
            .blobs
            .iter()
            .map(|x| std::fs::read(dir().join(&x.file)).expect("read"))
            .collect();
        let Ok(Opened::Envelope(head)) = v2::open(&blobs[0], &rx) else {
            panic!("{}: the first blob is not a signed envelope", c.name)
        };
        assert_eq!(head.post_quantum(), c.sealed_to == "bob_pq");
        assert_eq!(head.letter(), Some(c.letter.as_bytes()));
        assert_eq!(head.keys.len(), usize::from(c.carries_prekey));
        let (letter, att) = content(&c);
        let mut want = letter;
        want.extend(att.unwrap_or_default());
        let mut got = head.inline().to_vec();
        if let Some(plan) = head.plan() {
            let mut asm = Assembly::new(plan);
            for blob in blobs[1..].iter().rev() {
                let Ok(Opened::Fragment(f)) = v2::open(blob, &rx) else {
                    panic!("{}: not a fragment", c.name)
                };
                asm.add(&f, &mut got).expect("verifies");
            }
            assert!(asm.is_complete());
        }
        assert_eq!(got, want, "{}", c.name);
    }
}

#[test]
fn sealing_now_produces_exactly_the_rebuilt_inners() {
    // The committed blobs pin the format; this pins the current sealer to it (the blobs
    // differ — age is randomized — but what they decrypt to may not).
    let pq = bob_pq();
    for c in cases() {
        let inners = rebuild(&c);
        let blobs = seal_case(&c);
        assert_eq!(blobs.len(), inners.len(), "{}", c.name);
        for (i, (blob, inner)) in blobs.iter().zip(&inners).enumerate() {
            let (plain, _) = agelayer::decrypt_any(blob, &[bob().x()], &[&pq]).expect("decrypt");
            assert!(plain.as_slice() == inner.as_slice(), "{} blob {i}", c.name);
        }
    }
}
