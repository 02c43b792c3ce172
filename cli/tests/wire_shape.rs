//! Every cover tick looks the same on the wire. A recording TCP proxy sits in front of the
//! relay for each route (Alice's own, and Bob's that Alice sends to) and notes every
//! connection a `hushpost poll` opens and the bytes it carries each way — what the local
//! network, or anyone on the path, sees. Three recordings of 30 ticks — an empty outbox,
//! 50 queued messages, and a mailbox that Bob fills with 50 immediate sends (seeded bursts,
//! outside Alice's ticks) while Alice's ticks drain it — must be identical, tick for tick.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::recorder::{self, Recorder, Tick};
use common::*;
use rand::{Rng, SeedableRng};
use std::time::Instant;

struct Bed {
    _relay: RelayProc,
    own: Recorder,
    bobs: Recorder,
    alice: Hp,
    bob: Hp,
}

fn bed(t: &std::path::Path) -> Bed {
    let relay = RelayProc::spawn(&t.join("data"), &t.join("logs"), &["--tls-self-signed"]);
    // https://127.0.0.1:PORT#pin=…
    let (head, pin) = relay.route.split_once('#').expect("pinned route");
    let port: u16 = head
        .rsplit(':')
        .next()
        .expect("port")
        .parse()
        .expect("port");
    let own = Recorder::start(format!("127.0.0.1:{port}"));
    let bobs = Recorder::start(format!("127.0.0.1:{port}"));
    let alice = Hp::new(t, "alice");
    let bob = Hp::new(t, "bob");
    for (hp, name, rec) in [(&alice, "Alice", &own), (&bob, "Bob", &bobs)] {
        hp.ok(&[
            "init",
            "--name",
            name,
            "--no-passphrase",
            "--route",
            &format!("https://127.0.0.1:{}#{pin}", rec.port),
        ]);
    }
    alice.ok(&["contact", "add", "--allow-local", "bob", &bob.card()]);
    bob.ok(&["contact", "add", "--allow-local", "alice", &alice.card()]);
    Bed {
        _relay: relay,
        own,
        bobs,
        alice,
        bob,
    }
}

impl Bed {
    fn tick(&self) -> Tick {
        let t0 = Instant::now();
        let (code, out, err) = self.alice.run(&["poll"]);
        assert_eq!(code, 0, "poll: {out} {err}");
        (self.own.since(t0), self.bobs.since(t0))
    }
}

fn show(t: &Tick) -> String {
    recorder::show(t, ("own route", "Bob's route"))
}

#[test]
fn thirty_ticks_are_byte_identical_whether_idle_queued_or_draining_a_full_mailbox() {
    let seed: u64 = std::env::var("HUSHPOST_WIRE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    eprintln!("HUSHPOST_WIRE_SEED={seed}");
    let t = tempdir();
    let b = bed(t.path());
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut all: Vec<(&str, usize, Tick)> = Vec::new();

    // 1. Nothing to send, nothing arriving.
    for i in 0..30 {
        all.push(("idle", i, b.tick()));
    }
    // 2. Bob fills Alice's mailbox with 50 immediate sends in seeded bursts between her
    //    ticks; her ticks fetch and delete them.
    let mut left = 50;
    for i in 0..30 {
        let burst = if i == 29 {
            left
        } else {
            rng.gen_range(0..=left.min(8))
        };
        for _ in 0..burst {
            b.bob.ok_stdin(
                &["send", "--to", "alice", "--now", "-s", "burst"],
                "from bob\n",
            );
        }
        left -= burst;
        all.push(("draining", i, b.tick()));
    }
    // 3. Fifty messages queued for Bob's route: one leaves per tick in the send slot.
    for n in 0..50 {
        b.alice.ok_stdin(
            &["send", "--to", "bob", "-s", &format!("queued {n}")],
            "to bob\n",
        );
    }
    for i in 0..30 {
        all.push(("queued", i, b.tick()));
    }

    let first = &all[0].2;
    assert!(
        !first.0.is_empty() && !first.1.is_empty(),
        "a tick reaches both routes: {}",
        show(first)
    );
    eprintln!("every tick: {}", show(first));
    for (what, i, tick) in &all {
        assert_eq!(
            tick,
            first,
            "{what} tick {i} differs from the first idle tick (seed {seed}):\n  {}\n  {}",
            show(tick),
            show(first)
        );
    }

    // The recordings carried real mail: Alice received all 50 (the last burst lands
    // before the last tick, whose fetch takes at most a page — poll once more until the
    // mailbox is empty), and 30 of her 50 queued messages reached Bob.
    for _ in 0..20 {
        if b.alice.list_json(&[]).len() >= 50 {
            break;
        }
        b.alice.ok(&["poll"]);
    }
    let got = b.alice.list_json(&[]);
    assert_eq!(got.len(), 50, "Alice received every burst");
    b.bob.ok(&["fetch"]);
    let queued: Vec<_> = b
        .bob
        .list_json(&[])
        .into_iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("queued"))
        })
        .collect();
    assert_eq!(queued.len(), 30, "one queued message left per tick");
}
