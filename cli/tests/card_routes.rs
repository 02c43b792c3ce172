//! A contact's card cannot steer your client into local places: card routes that point at
//! a folder, loopback or a private address are listed but not used until you enable them
//! (`contact routes NAME ROUTE…`, or `contact add --allow-local`). Until then a send says so
//! in one line, writes nothing into the folder and knocks on no local port.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::*;
use std::net::TcpListener;

#[test]
fn local_card_routes_are_not_used_until_enabled() {
    let t = tempdir();
    let shared = t.path().join("shared");
    std::fs::create_dir_all(&shared).expect("mkdir");
    let own = t.path().join("own");
    std::fs::create_dir_all(&own).expect("mkdir");
    let (a, b) = (Hp::new(t.path(), "alice"), Hp::new(t.path(), "bob"));
    a.init("Alice", &own);
    b.init("Bob", &shared);
    a.cover_off();
    // A second local route on Bob's card: a loopback port this test listens on.
    let port = TcpListener::bind("127.0.0.1:0").expect("bind");
    port.set_nonblocking(true).expect("nonblocking");
    let https = format!(
        "https://127.0.0.1:{}#pin=sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        port.local_addr().expect("addr").port()
    );
    b.ok(&["route", "add", &https]);

    let (code, _, err) = a.run(&["contact", "add", "bob", &b.card()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("local places") && err.contains("--allow-local"),
        "adding says which routes wait: {err}"
    );
    let show = a.ok(&["contact", "show", "bob"]);
    assert!(
        show.contains("not used:") && show.contains(&shared.display().to_string()),
        "{show}"
    );

    let (code, out, err) = a.run_stdin(&["send", "--to", "bob", "--now", "-s", "x"], "hi\n");
    assert_ne!(code, 0, "a send with no usable route fails: {out}");
    let line = err.trim();
    assert!(
        line.lines().count() == 1 && line.contains("no route") && line.contains("contact routes"),
        "one clear line: {err}"
    );
    assert!(drop_files(&shared).is_empty(), "nothing written there");
    assert!(
        port.accept().is_err(),
        "the local port on the card was never dialled"
    );

    // Enabled explicitly, the folder route is used (and only it: the port stays quiet).
    a.ok(&[
        "contact",
        "routes",
        "bob",
        &format!("dir:{}", shared.display()),
    ]);
    a.ok_stdin(&["send", "--to", "bob", "--now", "-s", "y"], "hi\n");
    assert_eq!(drop_files(&shared).len(), 1, "the enabled route carried it");
    assert!(port.accept().is_err(), "the port was never dialled");
    // (Bob's own fetch would try his loopback route, which is only a listener here.)
    drop(port);
    b.ok(&["route", "remove", &https]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    b.ok(&["fetch"]);
    let subjects: Vec<_> = b
        .list_json(&[])
        .iter()
        .map(|m| m["subject"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(subjects.contains(&"y".to_string()), "{subjects:?}");
}
