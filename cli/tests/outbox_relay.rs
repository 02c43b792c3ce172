//! The outbox over our real relay (TLS on loopback) with cover traffic on, its default for
//! relay routes and without large slots (`[cover] send_large = 0`): large mail is held until
//! the user sends it, the relay takes a window of it per run (its per-mailbox quota), and
//! the sender's records follow what really left until every blob is on the drop. What
//! `send` says about each recipient is one line: why, once, and what happens next, once.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn outbox(hp: &Hp) -> Vec<serde_json::Value> {
    serde_json::from_str(&hp.ok(&["outbox", "--json"])).expect("outbox --json")
}

/// The one delivery of Alice's one sent message.
fn delivery(a: &Hp) -> serde_json::Value {
    a.list_json(&["--sent"])[0]["deliveries"][0].clone()
}

/// More than the relay window of large blobs (96 per tag per run), so one run cannot take
/// it all: about 26 MB, a hundred-odd fragments.
fn big_attachment(root: &Path) -> (PathBuf, Vec<u8>) {
    let file = root.join("big.bin");
    let bytes: Vec<u8> = (0..26_000_000u64).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&file, &bytes).expect("attachment");
    (file, bytes)
}

fn friends(a: &Hp, b: &Hp) {
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
}

/// Bob has the message whole: its attachment is byte for byte what Alice sent.
fn bob_has_it(root: &Path, b: &Hp, bytes: &[u8]) {
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let dir = root.join("saved");
    let id = rows[0]["id"].to_string();
    b.ok(&[
        "read",
        &id,
        "--save-attachments",
        dir.to_str().expect("utf8"),
    ]);
    assert!(
        std::fs::read(dir.join("big.bin")).expect("saved") == bytes,
        "the attachment arrives whole"
    );
}

/// The numbers in `outbox retry`'s "N blob(s) sent[, M still waiting (…)]": (N, M).
fn retry_counts(err: &str) -> (u64, u64) {
    err.lines()
        .find_map(|l| {
            let (sent, rest) = l.split_once(" blob(s) sent")?;
            let waiting = match rest.strip_prefix(", ") {
                Some(w) => w.split_once(" still waiting")?.0.parse().ok()?,
                None if rest.is_empty() => 0,
                None => return None,
            };
            Some((sent.trim().parse().ok()?, waiting))
        })
        .unwrap_or_else(|| panic!("no count in {err:?}"))
}

/// The number in `outbox retry`'s "N blob(s) sent".
fn sent_by_retry(err: &str) -> u64 {
    retry_counts(err).0
}

#[test]
fn held_mail_sent_by_hand_is_counted_as_it_leaves_and_ends_sent() {
    let t = tempdir();
    let (_relay, a, b) = pair_on_relay(t.path(), "");
    friends(&a, &b);
    let (file, bytes) = big_attachment(t.path());
    let path = file.to_str().expect("utf8");
    let (code, out, err) = a.run_stdin(
        &[
            "send", "--to", "bob", "--route", "https", "-s", "Big", "--attach", path,
        ],
        "big\n",
    );
    assert_eq!(code, 1, "held, nothing left: {out}{err}");
    assert_eq!(err.lines().count(), 1, "one line for bob: {err}");
    assert!(
        err.contains("bob: held, not sent: https://127.0.0.1:")
            && err.contains("needs large cover-traffic slots")
            && err.contains("hushpost outbox retry"),
        "{err}"
    );
    assert!(!err.contains(";  ") && !err.contains("— ;"), "{err}");
    assert_eq!(delivery(&a)["state"], "held");
    let blobs = outbox(&a)[0]["blobs"].as_u64().expect("blobs");
    assert!(blobs > 97, "more than one window: {blobs}");

    // By hand: the relay takes one window now; the record says exactly that.
    let (code, _, err) = a.run(&["outbox", "retry"]);
    assert_eq!(code, 0, "{err}");
    let (first, waiting) = retry_counts(&err);
    assert!(first > 0 && first < blobs, "{err}");
    assert_eq!(waiting, blobs - first, "says what still waits: {err}");
    let d = delivery(&a);
    assert_eq!(d["sent_blobs"], first, "{d}");
    assert_eq!(d["state"], "queued", "on its way, no longer held: {d}");
    let items = outbox(&a);
    assert_eq!(items[0]["waiting"], blobs - first, "{items:?}");
    assert_eq!(items[0]["state"], "queued", "{items:?}");
    let text = a.ok(&["list", "--sent"]);
    assert!(
        text.contains(&format!("({first} of {blobs} blobs sent)")),
        "{text}"
    );

    // Bob drains his mailbox; the rest follows with Alice's next fetch, as after
    // `send --now` (she chose to reveal the moment), not waiting for slots that never come.
    b.ok(&["fetch"]);
    a.ok(&["fetch"]);
    assert!(outbox(&a).is_empty(), "{:?}", outbox(&a));
    let d = delivery(&a);
    assert_eq!(d["state"], "sent", "{d}");
    assert_eq!(d["sent_blobs"], blobs, "{d}");
    assert!(b.ok(&["fetch"]).contains("1 new message"));
    bob_has_it(t.path(), &b, &bytes);
    let (code, _, err) = a.run(&["outbox", "retry"]);
    assert_eq!((code, sent_by_retry(&err)), (0, 0), "{err}");
    assert_eq!(delivery(&a)["state"], "sent");
}

#[test]
fn a_large_send_now_says_how_much_is_on_the_drop_and_that_the_rest_follows() {
    let t = tempdir();
    let (_relay, a, b) = pair_on_relay(t.path(), "");
    friends(&a, &b);
    let (file, bytes) = big_attachment(t.path());
    let path = file.to_str().expect("utf8");
    let (code, out, err) = a.run_stdin(
        &[
            "send", "--to", "bob", "--now", "-s", "Big", "--attach", path,
        ],
        "big\n",
    );
    assert_eq!(code, 0, "on its way: {out}{err}");
    let blobs = outbox(&a)[0]["blobs"].as_u64().expect("blobs");
    let waiting = outbox(&a)[0]["waiting"].as_u64().expect("waiting");
    assert!(waiting > 0 && waiting < blobs, "{blobs} {waiting}");
    let line = out
        .lines()
        .find(|l| l.starts_with("bob: "))
        .unwrap_or_else(|| panic!("a line for bob: {out}{err}"));
    assert!(
        line.starts_with(&format!(
            "bob: on its way via https://127.0.0.1:{}",
            port_of(&a)
        )) && line.contains(&format!(
            ": {} of {blobs} blobs are on the drop; ",
            blobs - waiting
        )) && line.contains("the rest")
            && line.contains("fetch"),
        "{line}"
    );
    assert!(
        !err.contains("NOT sent") && !err.contains("not sent"),
        "{err}"
    );
    assert!(!format!("{out}{err}").contains("— ;"), "{out}{err}");
    b.ok(&["fetch"]);
    a.ok(&["fetch"]);
    assert!(b.ok(&["fetch"]).contains("1 new message"));
    bob_has_it(t.path(), &b, &bytes);
    assert_eq!(delivery(&a)["state"], "sent");
}

/// The port of Alice's relay route.
fn port_of(a: &Hp) -> String {
    let route = a.ok(&["route", "list"]);
    let rest = route
        .trim()
        .strip_prefix("https://127.0.0.1:")
        .unwrap_or_else(|| panic!("a relay on loopback: {route}"));
    rest.chars().take_while(char::is_ascii_digit).collect()
}

#[test]
fn a_send_now_to_a_relay_that_is_down_says_why_once_and_keeps_it() {
    let t = tempdir();
    let (mut relay, a, b) = pair_on_relay(t.path(), "");
    friends(&a, &b);
    let port = port_of(&a);
    assert_eq!(relay.stop(), 0);
    let (code, out, err) = a.run_stdin(&["send", "--to", "bob", "--now", "-s", "down"], "x\n");
    assert_eq!(code, 1, "nothing left: {out}{err}");
    assert_eq!(err.lines().count(), 1, "one line for bob: {err}");
    assert!(err.contains("bob: not sent: https://127.0.0.1:"), "{err}");
    assert_eq!(err.matches("connection refused").count(), 1, "{err}");
    for raw in ["error sending request", "os error", "tcp connect error"] {
        assert!(!err.contains(raw), "the raw error: {err}");
    }
    assert!(
        err.contains("kept in the outbox") && err.contains("hushpost outbox retry"),
        "{err}"
    );
    assert!(!err.contains("did not leave"), "{err}");
    assert_eq!(outbox(&a).len(), 1);
    assert_eq!(delivery(&a)["state"], "queued");

    // Kept, and it leaves once the relay is back (same port, same certificate).
    let _relay = RelayProc::spawn_on(
        &format!("127.0.0.1:{port}"),
        &t.path().join("data"),
        &t.path().join("logs"),
        &["--tls-self-signed"],
    );
    a.ok(&["outbox", "retry"]);
    assert!(outbox(&a).is_empty());
    assert_eq!(delivery(&a)["state"], "sent");
    assert!(b.ok(&["fetch"]).contains("1 new message"));
}

/// Two held large messages to one contact, handed on by one `outbox retry`, share the
/// window of large blobs per tag (96 of the mailbox's 128): between them they no longer
/// fill the mailbox, so a small message sent right after finds room at once — even after
/// a second retry while the recipient is away (the relay's reserve for small blobs).
#[test]
fn two_large_messages_share_the_window_and_small_mail_still_finds_room() {
    let t = tempdir();
    let (_relay, a, b) = pair_on_relay(t.path(), "");
    friends(&a, &b);
    let file = t.path().join("big.bin");
    let bytes: Vec<u8> = (0..17_000_000u64).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&file, &bytes).expect("attachment");
    let path = file.to_str().expect("utf8");
    for s in ["one", "two"] {
        let (code, _, err) = a.run_stdin(
            &[
                "send", "--to", "bob", "--route", "https", "-s", s, "--attach", path,
            ],
            "big\n",
        );
        assert_eq!(code, 1, "held: {err}");
    }
    let total: u64 = outbox(&a)
        .iter()
        .map(|i| i["blobs"].as_u64().expect("blobs"))
        .sum();
    assert!(total > 128, "together more than the mailbox holds: {total}");
    let (code, _, err) = a.run(&["outbox", "retry"]);
    assert_eq!(code, 0, "{err}");
    let sent = sent_by_retry(&err);
    // 96 large blobs between the two, plus their two small heads.
    assert!(
        sent > 0 && sent <= 98,
        "one window for both: {sent} ({err})"
    );
    // Bob is away; Alice retries again. The relay keeps the last eighth of the mailbox
    // (16 of 128) for small blobs, so this run takes at most up to 112 and stops there.
    let (code, _, err) = a.run(&["outbox", "retry"]);
    assert_eq!(code, 0, "a full mailbox is not a failure: {err}");
    let (again, waiting) = retry_counts(&err);
    assert!(again > 0 && sent + again <= 112, "{sent} + {again} ({err})");
    assert!(waiting > 0, "{err}");
    let reasons: Vec<String> = outbox(&a)
        .iter()
        .map(|i| i["reason"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("kept for small blobs")),
        "the outbox says why the rest waits: {reasons:?}"
    );
    let (code, out, err) = a.run_stdin(
        &[
            "send", "--now", "--to", "bob", "--route", "https", "-s", "small",
        ],
        "right after\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("bob: sent via https://"), "{out}{err}");
    b.ok(&["fetch"]);
    let subjects: Vec<String> = b
        .list_json(&[])
        .iter()
        .map(|m| m["subject"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(subjects.contains(&"small".to_string()), "{subjects:?}");
}
