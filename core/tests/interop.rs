//! Interoperability with the reference Go implementation (`age`, `age-keygen`; Debian package
//! `age`). Our blobs must be ordinary age files that `age -d` opens, and files made by Go
//! `age` must be handled by our opener: refused cleanly when they are not envelopes, opened
//! by the age layer when they are.
//!
//! Without `age` on PATH these tests print a loud skip message and pass, unless `CI` or
//! `HUSHPOST_REQUIRE_AGE` is set, in which case they fail.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::agelayer;
use hushpost_core::envelope::{
    self, Bucket, Draft, Kind, OpenContext, OpenError, Recipient, new_msg_id, seal,
};
use hushpost_core::identity::{Identity, age_recipient_string};
use hushpost_core::replay::MemorySeen;
use rand::{RngCore, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: u64 = 1_800_000_000;

fn age_binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("age"))
        .find(|p| p.is_file())
}

/// The `age` binary, or `None` after printing a skip notice (panics when age is required).
fn require_age() -> Option<PathBuf> {
    if let Some(p) = age_binary() {
        return Some(p);
    }
    let required = std::env::var_os("CI").is_some_and(|v| !v.is_empty())
        || std::env::var_os("HUSHPOST_REQUIRE_AGE").is_some_and(|v| !v.is_empty());
    assert!(
        !required,
        "the Go `age` binary is not on PATH but CI/HUSHPOST_REQUIRE_AGE is set (apt-get install age)"
    );
    eprintln!(
        "\n************************************************************\n\
         SKIPPING Go age interop test: `age` is not on PATH.\n\
         Install it (apt-get install age) or set HUSHPOST_REQUIRE_AGE=1 to make this fail.\n\
         ************************************************************\n"
    );
    None
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("spawn age");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write temp file");
    p
}

fn draft(kind: Kind, body: &[u8]) -> Draft<'_> {
    Draft {
        kind,
        msg_id: new_msg_id(),
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

fn body(len: usize, seed: u64) -> Vec<u8> {
    let mut b = vec![0u8; len];
    rand_chacha::ChaCha20Rng::seed_from_u64(seed).fill_bytes(&mut b);
    b
}

/// Decrypts `blob` with Go age and checks it equals what our age layer decrypts, and that
/// the plaintext fills the bucket's capacity exactly.
fn go_age_decrypts(age: &Path, dir: &Path, keyfile: &Path, bob: &Identity, blob: &[u8]) {
    let bucket = Bucket::of_len(blob.len()).expect("blob is a bucket size");
    let blob_path = write(dir, "blob.age", blob);
    let go = run(Command::new(age)
        .arg("-d")
        .arg("-i")
        .arg(keyfile)
        .arg(&blob_path));
    let (ours, idx) = agelayer::decrypt_x25519(blob, &[bob.x()]).expect("our age layer opens it");
    assert_eq!(idx, 0);
    assert_eq!(go.len(), bucket.capacity(), "Go age plaintext length");
    assert_eq!(
        go.as_slice(),
        ours.as_slice(),
        "Go age and our age layer disagree"
    );
    // It really is our inner envelope, padded.
    envelope::parse_inner(&go).expect("Go age output parses as an inner envelope");
}

#[test]
fn go_age_decrypts_every_kind_in_both_buckets_and_every_fragment() {
    let Some(age) = require_age() else { return };
    let alice = Identity::generate();
    let bob = Identity::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let keyfile = write(
        dir.path(),
        "bob.key",
        format!("{}\n", bob.x().age_secret_string().as_str()).as_bytes(),
    );
    let mut checked = 0;
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Fragment) {
        for (len, bucket) in [(100usize, Bucket::Small), (100_000, Bucket::Large)] {
            let b = body(len, len as u64);
            let sealed = seal(&alice, &to(&bob), &draft(kind, &b)).expect("seal");
            assert_eq!(sealed.blobs.len(), 1);
            assert_eq!(sealed.blobs[0].len(), bucket.size(), "{kind:?}");
            go_age_decrypts(&age, dir.path(), &keyfile, &bob, &sealed.blobs[0]);
            checked += 1;
        }
    }
    // A 600 KB message: a small head and three large fragments.
    let b = body(600_000, 7);
    let sealed = seal(&alice, &to(&bob), &draft(Kind::Message, &b)).expect("seal");
    assert_eq!(sealed.blobs.len(), 4);
    assert_eq!(sealed.blobs[0].len(), envelope::SMALL);
    for blob in &sealed.blobs {
        go_age_decrypts(&age, dir.path(), &keyfile, &bob, blob);
        checked += 1;
    }
    assert_eq!(checked, 5 * 2 + 4);
}

fn open_as_bob(bob: &Identity, blob: &[u8]) -> Result<envelope::Opened, OpenError> {
    let keys = [bob.x()];
    let seen = MemorySeen::default();
    envelope::open(
        blob,
        &OpenContext {
            me: bob.ed_public(),
            keys: &keys,
            is_contact: &|_| true,
            seen: &seen,
            now: NOW,
        },
    )
}

#[test]
fn go_age_file_of_bucket_size_is_malformed_and_other_sizes_are_not_a_bucket() {
    let Some(age) = require_age() else { return };
    let bob = Identity::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let recipient = age_recipient_string(&bob.x().public());

    // Exactly the small capacity: Go age's one-stanza header is 168 bytes like ours, so the
    // file is exactly a small bucket; it decrypts, but random bytes are not an envelope.
    let input = write(dir.path(), "random.bin", &body(Bucket::Small.capacity(), 1));
    let out = dir.path().join("random.age");
    run(Command::new(&age)
        .args(["-e", "-r", &recipient, "-o"])
        .arg(&out)
        .arg(&input));
    let file = std::fs::read(&out).expect("read Go age output");
    assert_eq!(file.len(), envelope::SMALL, "Go age file size");
    assert_eq!(file.len(), 16_384);
    match open_as_bob(&bob, &file) {
        Err(OpenError::Malformed(m)) => eprintln!("refused as expected: {m}"),
        other => panic!("expected OpenError::Malformed, got {other:?}"),
    }

    // Any other size is refused before decryption.
    let input = write(dir.path(), "small.txt", b"hello from Go age\n");
    let out = dir.path().join("small.age");
    run(Command::new(&age)
        .args(["-e", "-r", &recipient, "-o"])
        .arg(&out)
        .arg(&input));
    let file = std::fs::read(&out).expect("read Go age output");
    match open_as_bob(&bob, &file) {
        Err(OpenError::NotABucket(n)) => assert_eq!(n, file.len()),
        other => panic!("expected OpenError::NotABucket, got {other:?}"),
    }
}

#[test]
fn go_age_armored_file_opens_with_our_dearmor_and_age_layer() {
    let Some(age) = require_age() else { return };
    let bob = Identity::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let recipient = age_recipient_string(&bob.x().public());
    for len in [0usize, 1, 100, 65_536, 70_000] {
        let plain = body(len, len as u64 + 99);
        let input = write(dir.path(), "plain.bin", &plain);
        let armored = run(Command::new(&age)
            .args(["-e", "-a", "-r", &recipient])
            .arg(&input));
        assert!(armored.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----\n"));
        let binary = agelayer::dearmor(&armored).expect("our strict dearmor accepts Go armor");
        let (pt, idx) = agelayer::decrypt_x25519(&binary, &[bob.x()]).expect("decrypt");
        assert_eq!(idx, 0);
        assert_eq!(pt.as_slice(), plain.as_slice(), "len {len}");
        // And our armor of the same binary is byte-identical to Go's.
        assert_eq!(agelayer::armor(&binary).as_bytes(), armored.as_slice());
    }
}

#[test]
fn go_age_decrypts_the_committed_kat_blobs() {
    let Some(age) = require_age() else { return };
    let kat_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kat");
    let cases: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(kat_dir.join("cases.json")).expect("read cases.json"),
    )
    .expect("parse cases.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut keys = String::new();
    for who in ["bob", "bob_prekey"] {
        let secret: [u8; 32] = hex::decode(cases[who]["x_secret"].as_str().expect("x_secret"))
            .expect("hex")
            .try_into()
            .expect("32 bytes");
        let kp = hushpost_core::identity::XKeyPair::from_bytes(&secret);
        keys.push_str(kp.age_secret_string().as_str());
        keys.push('\n');
    }
    let keyfile = write(dir.path(), "bob.keys", keys.as_bytes());
    let mut n = 0;
    for case in cases["cases"].as_array().expect("cases") {
        for blob in case["blobs"].as_array().expect("blobs") {
            let file = kat_dir.join(blob["file"].as_str().expect("file"));
            let plain = run(Command::new(&age)
                .arg("-d")
                .arg("-i")
                .arg(&keyfile)
                .arg(&file));
            use sha2::Digest;
            assert_eq!(
                hex::encode(sha2::Sha256::digest(&plain)),
                blob["inner_sha256"].as_str().expect("inner_sha256"),
                "{}",
                file.display()
            );
            n += 1;
        }
    }
    assert_eq!(n, 6);
}

#[test]
fn go_age_decrypts_v2_classical_blobs_and_every_v2_fragment() {
    // Go age 1.1 (Debian's) has no hybrid recipient; blobs sealed to a classical key
    // (first contact, or a peer without v2 keys) must still open with it.
    use hushpost_core::envelope::v2::{self, Body, SealTo};
    let Some(age) = require_age() else { return };
    let alice = Identity::generate();
    let bob = Identity::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let keyfile = write(
        dir.path(),
        "bob.key",
        format!("{}\n", bob.x().age_secret_string().as_str()).as_bytes(),
    );
    let to = SealTo::Classical {
        ed: bob.ed_public(),
        key: bob.x().public(),
    };
    let letter = b"Subject: v2\r\n\r\nclassical\r\n".to_vec();
    let att = body(2 * v2::CHUNK + 5, 11);
    let b = Body::new(&letter)
        .attach("x.bin", "application/octet-stream", &att)
        .expect("part");
    let mut blobs = Vec::new();
    v2::seal(
        &alice,
        &to,
        &v2::Draft {
            kind: Kind::Message,
            msg_id: new_msg_id(),
            prev_hash: [0; 32],
            sent_at: NOW,
            expires_at: 0,
            burn_after_reading: false,
            keys: Vec::new(),
        },
        &b,
        &mut |x| {
            blobs.push(x.to_vec());
            Ok(())
        },
    )
    .expect("seal");
    assert_eq!(blobs.len(), 3, "head and two fragments");
    for blob in &blobs {
        let p = write(dir.path(), "v2.age", blob);
        let go = run(Command::new(&age).arg("-d").arg("-i").arg(&keyfile).arg(&p));
        let (ours, _) = agelayer::decrypt_x25519(blob, &[bob.x()]).expect("ours");
        assert_eq!(go.as_slice(), ours.as_slice());
        v2::parse_inner(&go).expect("a v2 inner");
    }
}
