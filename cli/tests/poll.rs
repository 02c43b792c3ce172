//! `hushpost poll` as cron runs it: quiet on success, and a seeded kill -9 harness —
//! hundreds of polls killed at random moments — loses no message and shows none twice.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::time::Duration;

fn cover_on(hp: &Hp) {
    std::fs::write(
        hp.home.join("config.toml"),
        "[cover]\nschemes = [\"dir\"]\nsend_small = 2\n",
    )
    .expect("config");
}

#[test]
fn poll_is_silent_on_success_and_says_what_it_did_with_v() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    cover_on(&a);
    let out = a.ok_stdin(&["send", "--to", "bob", "-s", "queued"], "hi\n");
    assert!(out.contains("queued for"), "{out}");
    assert!(drop_files(&drop).is_empty(), "send only queued");
    let (code, out, err) = a.run(&["poll"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.is_empty() && err.is_empty(),
        "poll printed something: {out} {err}"
    );
    // Two lanes of two slots: Bob's (the real message and one chaff) and Alice's own loop.
    assert_eq!(
        drop_files(&drop).len(),
        4,
        "one real + three chaff in two lanes of two slots"
    );
    let out = a.ok(&["-v", "poll"]);
    assert!(out.contains("sent 0 (+4 chaff)"), "{out}");
    b.ok(&["fetch"]);
    assert_eq!(b.list_json(&[]).len(), 1);
    // --now sends at once and says it reveals the moment.
    let out = a.ok_stdin(&["send", "--to", "bob", "--now", "-s", "now"], "x\n");
    assert!(out.contains("sent via"), "{out}");
}

#[test]
fn kill_9_at_random_points_loses_nothing_and_shows_nothing_twice() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    cover_on(&a);
    const N: usize = 30;
    for i in 0..N {
        a.ok_stdin(&["send", "--to", "bob", "-s", &format!("m{i}")], "body\n");
    }
    // A seeded harness: 200 polls of either side, each killed after a random delay.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let iterations = std::env::var("HUSHPOST_KILL_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut killed = 0;
    for _ in 0..iterations {
        let who = if next() % 2 == 0 { &a } else { &b };
        let mut child = std::process::Command::new(&bin)
            .arg("poll")
            .env("HUSHPOST_HOME", &who.home)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_micros(next() % 40_000));
        if child.try_wait().expect("wait").is_none() {
            let _ = child.kill(); // SIGKILL
            killed += 1;
        }
        let _ = child.wait();
    }
    assert!(
        killed > iterations / 10,
        "the harness hardly killed anything ({killed}): delays too long"
    );
    // Let both sides finish in peace.
    for _ in 0..(N / 2 + 5) {
        a.ok(&["poll"]);
        b.ok(&["poll"]);
    }
    b.ok(&["fetch"]);
    let rows = b.list_json(&["--limit", "0"]);
    let mut subjects: Vec<String> = rows
        .iter()
        .map(|r| r["subject"].as_str().expect("s").to_string())
        .collect();
    subjects.sort();
    let mut want: Vec<String> = (0..N).map(|i| format!("m{i}")).collect();
    want.sort();
    assert_eq!(subjects, want, "lost or duplicated mail");
    // Nothing of Bob's is left in the drop (chaff in flight may be).
    let bob_left = drop_files(&drop)
        .iter()
        .filter(|p| !p.file_name().expect("n").to_string_lossy().starts_with('.'))
        .count();
    assert!(bob_left <= 2, "{bob_left} blobs left behind");
}

#[test]
fn leaks_says_who_sees_what_for_each_route_and_the_cover_budget() {
    let t = tempdir();
    let (a, b, _drop) = pair(t.path());
    // A relay route for bob (an address nobody dials here), Tor for it, a mailto route too.
    let relay = "https://relay.example:8443#pin=sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    b.ok(&["route", "add", relay]);
    b.ok(&["route", "add", "mailto:bob@example.org"]);
    a.ok(&["contact", "remove", "bob"]);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    a.ok(&["contact", "via", "bob", "tor"]);

    let out = a.ok(&["leaks", "bob"]);
    for want in [
        "bob — dir:",
        "bob — https://relay.example:8443",
        "bob — mailto:bob@example.org",
        "operator:",
        "local network:",
        "the contact:",
        "forward secrecy: not yet",
        "BOTH e-mail addresses",
        "that you use Tor",
        // Defaults: cover traffic on the relay route with its daily budget, off for folders.
        "cover traffic: on: a tick every 10m on average puts 1 small + 0 large blobs per lane",
        "2.25 MiB a lane a day",
        "one fetch of 24 tags for 4 slots and one delete of 8 items — 144 ticks a day",
        // What a folder's readers and a relay's operator learn, said plainly.
        "names start with the pair's daily tag",
        "the file's owner, which names the writer",
        "how many blobs each pair's daily tag receives",
        "cover traffic: off: mail moves when you send or fetch",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    assert!(
        !out.contains("relay: your IP address"),
        "via tor hides the IP:\n{out}"
    );

    let rows: serde_json::Value =
        serde_json::from_str(&a.ok(&["leaks", "bob", "--json"])).expect("json");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 3, "{rows:?}");
    for r in rows {
        for k in [
            "contact",
            "route",
            "badge",
            "operator",
            "network",
            "contact_sees",
            "forward_secrecy",
            "cover",
        ] {
            assert!(r[k].is_string(), "{k} in {r}");
        }
    }

    // Without a contact: our own receive routes come first, then every contact.
    let all = a.ok(&["leaks"]);
    assert!(all.starts_with("me (receiving) — dir:"), "{all}");

    let (code, _, err) = a.run(&["leaks", "nobody"]);
    assert_eq!(code, 1);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("nobody"), "{err}");
}
