//! A large message on a relay route with cover traffic, as a new user met it: the sender's
//! cover slots put its fragments, the recipient's cover ticks take some of them (whole
//! blobs go to the spool; the fixed-shape page takes a 256 KiB fragment in pieces over
//! several ticks) while the rest still waits in the drop. An explicit `fetch` must join the
//! two: before, neither side alone could complete the message and it was "still arriving"
//! for ever.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::*;

#[test]
fn pieces_split_between_the_spool_and_the_drop_still_make_the_message() {
    let t = tempdir();
    // Cover traffic on (the default for relay routes), with large slots.
    let (_relay, a, b) = pair_on_relay(t.path(), "[cover]\nsend_large = 2\n");
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    let att = t.path().join("photo.bin");
    let bytes: Vec<u8> = (0..600_000u64).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&att, &bytes).expect("att");
    let out = a.ok_stdin(
        &[
            "send",
            "--to",
            "bob",
            "-s",
            "big",
            "--attach",
            att.to_str().expect("p"),
        ],
        "see attached\n",
    );
    assert!(out.contains("queued"), "{out}");
    for _ in 0..4 {
        a.ok(&["poll"]);
    }
    let (_, out, err) = a.run(&["outbox"]);
    assert!(
        format!("{out}{err}").contains("empty"),
        "every fragment left: {out}{err}"
    );
    // Bob's cover ticks take part of it into his spool.
    for _ in 0..6 {
        b.ok(&["poll"]);
    }
    let spooled = std::fs::read_dir(b.home.join("spool"))
        .map(|d| d.count())
        .unwrap_or(0);
    let out = b.ok(&["fetch"]);
    assert!(
        out.contains("1 new message"),
        "{out} (with {spooled} blobs spooled before the fetch)"
    );
    let rows = b.list_json(&[]);
    let id = rows[0]["id"].to_string();
    let dir = t.path().join("saved");
    b.ok(&["read", &id, "--save-attachments", dir.to_str().expect("p")]);
    assert_eq!(
        std::fs::read(dir.join("photo.bin")).expect("saved"),
        bytes,
        "the attachment arrives whole"
    );
}

/// `contact via NAME tor` on a contact who shares our own relay route (cover traffic on)
/// also moves our own polls and fetches there to Tor, so the tick shape stays one: the
/// command says so instead of doing it silently; `direct` says nothing of the kind.
#[test]
fn a_tor_contact_on_our_own_cover_route_is_said_to_move_our_fetches_too() {
    let t = tempdir();
    let (_relay, a, b) = pair_on_relay(t.path(), "");
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    let (code, _, err) = a.run(&["contact", "via", "bob", "tor"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("is also your own receive route") && err.contains("go through Tor too"),
        "{err}"
    );
    let (_, _, err) = a.run(&["contact", "via", "bob", "direct"]);
    assert!(!err.contains("your own receive route"), "{err}");
}
