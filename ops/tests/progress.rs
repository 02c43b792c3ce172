//! Send progress follows what the transport really put: at every report, the bytes said to
//! be sent are no more than the blobs lying in the recipient's drop folder carry, the wire
//! bytes are exactly theirs, and a copy whose pieces stay in the outbox (waiting for
//! cover-traffic slots) never reads as sent. A folder drop is the transport here because
//! its puts can be counted from outside while the send runs; a throttled relay upload in
//! tmux would show the same through a terminal, far slower and less exactly.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::envelope::v2::CHUNK;
use hushpost_ops::{Home, InitOptions, Protection, SendPhase, SendProgress, SendRequest, Session};
use std::path::{Path, PathBuf};

fn mkdir(root: &Path, name: &str) -> PathBuf {
    let d = root.join(name);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn session(root: &Path, name: &str, drop: &Path) -> Session {
    Session::init(
        Home::at(&root.join(name)),
        InitOptions {
            name: name.into(),
            protection: Protection::None,
            routes: vec![format!("dir:{}", drop.display()).parse().expect("route")],
        },
    )
    .expect("init")
}

/// Alice and Bob, Bob receiving on `bob_drop`; Alice's config.toml is `config`.
fn pair(root: &Path, bob_drop: &Path, config: &str) -> Session {
    let alice = session(root, "alice", &mkdir(root, "a"));
    let mut bob = session(root, "bob", bob_drop);
    std::fs::write(root.join("alice").join("config.toml"), config).expect("config");
    drop(alice);
    let mut alice = Session::unlock(Home::at(&root.join("alice")), None).expect("unlock");
    alice
        .contact_add("bob", &bob.card().expect("card").encode())
        .expect("add");
    alice.contact_allow_local("bob").expect("allow");
    bob.contact_add("alice", &alice.card().expect("card").encode())
        .expect("add");
    alice
}

/// The blobs a folder drop holds (finished puts: `<tag>.<id>`) and their bytes.
fn on_drop(drop: &Path) -> (u64, u64) {
    let mut n = (0, 0);
    for e in std::fs::read_dir(drop).expect("ls") {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        let tagged = name.len() > 65
            && name.as_bytes()[64] == b'.'
            && name[..64].bytes().all(|b| b.is_ascii_hexdigit());
        if tagged {
            n.0 += 1;
            n.1 += e.metadata().expect("meta").len();
        }
    }
    n
}

/// Sends a 3 MB attachment to Bob; every progress report with what the drop held then.
fn send_big(root: &Path, alice: &mut Session, drop: &Path) -> Vec<(SendProgress, (u64, u64))> {
    let file = root.join("big.bin");
    let bytes: Vec<u8> = (0..3_000_000u64).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&file, &bytes).expect("attachment");
    let mut seen = Vec::new();
    alice
        .send(
            &SendRequest {
                to: vec!["bob".into()],
                subject: "big".into(),
                text: "see attached".into(),
                attachments: vec![file],
                ..Default::default()
            },
            &mut |p| seen.push((p, on_drop(drop))),
        )
        .expect("send");
    assert!(!seen.is_empty());
    seen
}

#[test]
fn progress_never_runs_ahead_of_the_blobs_on_the_drop() {
    let t = tempfile::tempdir().expect("tmp");
    let drop = mkdir(t.path(), "bob-drop");
    let mut alice = pair(t.path(), &drop, "");
    let seen = send_big(t.path(), &mut alice, &drop);
    for (p, (blobs, bytes)) in &seen {
        assert!(p.done <= p.total, "{p:?}");
        assert_eq!(p.wire, *bytes, "wire bytes are the drop's: {p:?}");
        // Past the first reading of the content, the bytes are those on the drop, and each
        // blob there carries at most one chunk of the content.
        if p.phase != SendPhase::Preparing {
            assert!(
                p.done <= blobs * CHUNK as u64,
                "{p:?} with {blobs} blob(s) on the drop"
            );
        }
    }
    let (p, (blobs, _)) = seen.last().expect("a report");
    assert_eq!(p.done, p.total, "all of it is on the drop: {p:?}");
    assert!(*blobs > 10, "{blobs}");
}

#[test]
fn mail_waiting_for_cover_slots_never_reads_as_sent() {
    let t = tempfile::tempdir().expect("tmp");
    let drop = mkdir(t.path(), "bob-drop");
    let mut alice = pair(
        t.path(),
        &drop,
        "[cover]\nschemes = [\"dir\"]\nsend_large = 1\n",
    );
    let seen = send_big(t.path(), &mut alice, &drop);
    for (p, (blobs, _)) in &seen {
        assert_eq!(*blobs, 0, "nothing is put outside a slot");
        assert_eq!(p.wire, 0, "{p:?}");
        if p.phase != SendPhase::Preparing {
            assert_eq!(p.done, 0, "{p:?}");
        }
    }
    let (p, _) = seen.last().expect("a report");
    assert!(p.done < p.total, "queued, not sent: {p:?}");
}
