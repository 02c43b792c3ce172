//! Interoperability with the JavaScript age implementation by age's author (npm package
//! `age-encryption`, fixture in `tests/npm/` with a committed package-lock.json), both ways:
//! it decrypts the outer layer of our hybrid blobs with the identities we export, and a file
//! it encrypts to our hybrid recipient opens in our age layer and is refused by our opener
//! as malformed (not an envelope), never a crash.
//!
//! The fixture is installed with `npm ci` (scripts/test.sh does it; the test does it itself
//! when `node_modules` is missing). Without node/npm the tests print a loud skip notice and
//! pass, unless `HUSHPOST_REQUIRE_TOOLS` or `CI` is set, in which case they fail.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::agelayer;
use hushpost_core::envelope::v2::{self, Body, Draft, Opened, Receiver, SealTo};
use hushpost_core::envelope::{self, Bucket, Kind, OpenError};
use hushpost_core::hybrid::{self, HybridKeyPair};
use hushpost_core::identity::Identity;
use hushpost_core::replay::MemorySeen;
use rand::{RngCore, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: u64 = 1_800_000_000;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/npm")
}

fn required() -> bool {
    ["HUSHPOST_REQUIRE_TOOLS", "CI"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

/// `node` with the fixture installed, or `None` after a loud skip notice.
fn node() -> Option<PathBuf> {
    let found = |name: &str| {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    };
    let (Some(node), Some(npm)) = (found("node"), found("npm")) else {
        assert!(
            !required(),
            "node/npm not on PATH but HUSHPOST_REQUIRE_TOOLS/CI is set"
        );
        eprintln!("\n**** SKIPPING npm age-encryption interop: node/npm not on PATH ****\n");
        return None;
    };
    if !fixture().join("node_modules/age-encryption").is_dir() {
        let st = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(fixture())
            .status()
            .expect("spawn npm");
        assert!(st.success(), "npm ci in {} failed", fixture().display());
    }
    Some(node)
}

fn run_node(node: &Path, args: &[&Path]) {
    let out = Command::new(node)
        .arg(fixture().join("age.mjs"))
        .args(args)
        .output()
        .expect("spawn node");
    assert!(
        out.status.success(),
        "node age.mjs {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn random(len: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rand_chacha::ChaCha20Rng::seed_from_u64(seed).fill_bytes(&mut v);
    v
}

fn draft() -> Draft {
    Draft {
        kind: Kind::Message,
        msg_id: envelope::new_msg_id(),
        prev_hash: [0; 32],
        sent_at: NOW,
        expires_at: 0,
        burn_after_reading: false,
        keys: Vec::new(),
    }
}

#[test]
fn npm_age_decrypts_our_hybrid_blobs_with_the_exported_identities() {
    let Some(node) = node() else { return };
    let alice = Identity::generate();
    let bob = Identity::generate();
    let bob_pq = HybridKeyPair::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = hybrid::age_identity_file(&[("identity", bob.x())], &[("hybrid identity", &bob_pq)]);
    let keyfile = dir.path().join("bob.keys");
    std::fs::write(&keyfile, keys.as_bytes()).expect("write keys");
    let to = SealTo::Hybrid {
        ed: bob.ed_public(),
        key: bob_pq.public().clone(),
    };
    let letter = b"Subject: pq\r\n\r\nhello\r\n".to_vec();
    let att = random(2 * v2::CHUNK + 1000, 1);
    let small = Body::new(&letter);
    let big = Body::new(&letter)
        .attach("a.bin", "application/octet-stream", &att)
        .expect("part");
    let mut blobs = Vec::new();
    for body in [&small, &big] {
        v2::seal(&alice, &to, &draft(), body, &mut |b| {
            blobs.push(b.to_vec());
            Ok(())
        })
        .expect("seal");
    }
    assert_eq!(
        blobs.len(),
        1 + 3,
        "a single blob, then a head and two fragments"
    );
    for (i, blob) in blobs.iter().enumerate() {
        assert!(blob.windows(17).any(|w| w == b"-> mlkem768x25519"));
        let inp = dir.path().join(format!("{i}.age"));
        let out = dir.path().join(format!("{i}.out"));
        std::fs::write(&inp, blob).expect("write blob");
        run_node(&node, &[Path::new("decrypt"), &keyfile, &inp, &out]);
        let theirs = std::fs::read(&out).expect("read");
        let (ours, _) = agelayer::decrypt_any(blob, &[], &[&bob_pq]).expect("ours");
        assert_eq!(theirs, ours.as_slice(), "blob {i}");
        assert!(
            v2::parse_inner(&theirs).is_ok(),
            "blob {i} holds a v2 inner"
        );
    }
}

#[test]
fn a_file_npm_age_encrypts_to_our_hybrid_recipient_is_malformed_not_a_crash() {
    let Some(node) = node() else { return };
    let bob = Identity::generate();
    let bob_pq = HybridKeyPair::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = v2::capacity(Bucket::Small, &agelayer::SealKey::Hybrid(bob_pq.public()));
    let plain = random(cap, 2);
    let inp = dir.path().join("plain");
    let out = dir.path().join("file.age");
    std::fs::write(&inp, &plain).expect("write");
    let recipient = bob_pq.public().to_age_string();
    run_node(
        &node,
        &[Path::new("encrypt"), Path::new(&recipient), &inp, &out],
    );
    let file = std::fs::read(&out).expect("read");
    // Our age layer opens it (the stanza interoperates) …
    let (pt, hit) = agelayer::decrypt_any(&file, &[bob.x()], &[&bob_pq]).expect("decrypt");
    assert_eq!(pt.as_slice(), plain.as_slice());
    assert_eq!(hit, agelayer::KeyHit::Hybrid(0));
    // … and the opener refuses it as not an envelope: malformed when it is exactly a
    // bucket, not-a-bucket otherwise (a file with grease stanzas is longer).
    let xs = [bob.x()];
    let pqs = [&bob_pq];
    let seen = MemorySeen::default();
    let r = v2::open(
        &file,
        &Receiver {
            me: bob.ed_public(),
            x_keys: &xs,
            pq_keys: &pqs,
            is_contact: &|_| true,
            seen: &seen,
            now: NOW,
            max_total_len: u64::MAX,
        },
    );
    match (file.len(), r) {
        // Random plaintext: refused for what it is, not as some other version's envelope.
        (envelope::SMALL, Err(OpenError::Malformed(m))) => {
            assert_eq!(m.0, "not a hushpost envelope (bad magic)")
        }
        (n, Err(OpenError::NotABucket(m))) if n != envelope::SMALL => assert_eq!(n, m),
        (n, other) => panic!(
            "{n} bytes: expected Malformed, got {:?}",
            other.map(|o| matches!(o, Opened::Envelope(_)))
        ),
    }
}
