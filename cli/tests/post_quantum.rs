//! Envelope v2 on the wire through the real binary (issue 17): after a pair's first
//! exchange every blob is an age file with exactly one `mlkem768x25519` stanza, and the
//! identities `hushpost key export --age` writes open it with the age implementation by
//! age's author (npm `age-encryption`, fixture in core/tests/npm); `--classical-only` does
//! not (Debian's Go age 1.1 reads only those, and they must not open post-quantum mail).
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// The stanza lines (`-> …`) of an age file's header.
fn stanzas(blob: &[u8]) -> Vec<String> {
    let end = blob
        .windows(4)
        .position(|w| w == b"\n---")
        .expect("an age header");
    String::from_utf8_lossy(&blob[..end])
        .lines()
        .filter(|l| l.starts_with("-> "))
        .map(str::to_string)
        .collect()
}

fn npm_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/npm")
}

/// `node` with the age-encryption fixture installed (`npm ci` when missing).
fn node() -> bool {
    if !require("node") || !require("npm") {
        return false;
    }
    if !npm_fixture().join("node_modules/age-encryption").is_dir() {
        let st = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(npm_fixture())
            .status()
            .expect("spawn npm");
        assert!(st.success(), "npm ci in core/tests/npm failed");
    }
    true
}

/// The only blob in the drop (moved out of it, so the recipient cannot fetch it first).
fn take_blob(drop: &Path, to: &Path) -> Vec<u8> {
    let files = drop_files(drop);
    assert_eq!(files.len(), 1, "{files:?}");
    std::fs::copy(&files[0], to).expect("copy");
    std::fs::read(to).expect("read")
}

#[test]
fn mail_after_the_first_exchange_is_post_quantum_and_stock_age_opens_it() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    a.cover_off();
    b.cover_off();
    // First message: Alice holds only Bob's card, so it is classical, and carries her
    // hybrid keys.
    a.ok_stdin(&["send", "--to", "bob", "-s", "one"], "first\n");
    let first = take_blob(&drop, &t.path().join("first.age"));
    let s = stanzas(&first);
    assert_eq!(s.len(), 1, "{s:?}");
    assert!(s[0].starts_with("-> X25519 "), "{s:?}");
    b.ok(&["fetch"]);
    // Bob's reply is sealed to Alice's hybrid prekey: one hybrid stanza, nothing else.
    b.ok_stdin(
        &["send", "--to", "alice", "-s", "two"],
        "the post-quantum reply\n",
    );
    let reply = take_blob(&drop, &t.path().join("reply.age"));
    assert_eq!(reply.len(), 16_384);
    let s = stanzas(&reply);
    assert_eq!(s.len(), 1, "exactly one stanza: {s:?}");
    assert!(s[0].starts_with("-> mlkem768x25519 "), "{s:?}");
    a.ok(&["fetch"]);
    let rows = a.list_json(&[]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["subject"], "two");
    // And Alice's next message to Bob is post-quantum too (she now holds his keys).
    a.ok_stdin(&["send", "--to", "bob", "-s", "three"], "third\n");
    let third = take_blob(&drop, &t.path().join("third.age"));
    let s = stanzas(&third);
    assert!(
        s.len() == 1 && s[0].starts_with("-> mlkem768x25519 "),
        "{s:?}"
    );

    // Alice's exported identities: hybrid lines and classical lines.
    let (code, full, err) = a.run(&["key", "export", "--age"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        full.contains("AGE-SECRET-KEY-PQ-1"),
        "no hybrid identity exported"
    );
    assert!(
        full.contains("age1pq1"),
        "hybrid recipients named in the comments"
    );
    let (code, classical, err) = a.run(&["key", "export", "--age", "--classical-only"]);
    assert_eq!(code, 0, "{err}");
    assert!(!classical.contains("AGE-SECRET-KEY-PQ-1"));
    assert!(classical.contains("AGE-SECRET-KEY-1"));
    let full_file = t.path().join("alice-full.key");
    let classical_file = t.path().join("alice-classical.key");
    std::fs::write(&full_file, &full).expect("write");
    std::fs::write(&classical_file, &classical).expect("write");

    // The X25519 keys alone do not open post-quantum mail (Go age 1.1 reads only those).
    if require("age") {
        let out = std::process::Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(&classical_file)
            .arg(t.path().join("reply.age"))
            .output()
            .expect("age");
        assert!(!out.status.success(), "classical keys opened a hybrid blob");
    }
    if !node() {
        return;
    }
    let opened = t.path().join("reply.inner");
    let out = std::process::Command::new("node")
        .arg(npm_fixture().join("age.mjs"))
        .arg("decrypt")
        .arg(&full_file)
        .arg(t.path().join("reply.age"))
        .arg(&opened)
        .output()
        .expect("node");
    assert!(
        out.status.success(),
        "age-encryption refused our hybrid blob: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inner = std::fs::read(&opened).expect("inner");
    assert_eq!(
        inner.len(),
        14_725,
        "the padded v2 inner of a small hybrid blob"
    );
    assert!(
        String::from_utf8_lossy(&inner).contains("the post-quantum reply"),
        "the letter is inside"
    );
}
