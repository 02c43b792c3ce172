//! Every cover tick over an SSH drop looks the same on the wire (issue 15 item 1, the SSH
//! half of wire_shape.rs). A recording TCP proxy sits in front of the loopback sshd for
//! each route (Alice's own drop, and Bob's that Alice sends to) and notes every connection a
//! `hushpost poll` opens and the bytes it carries each way — what the local network sees of
//! the SSH session. Three recordings of ticks — an empty outbox, Bob filling Alice's drop
//! with immediate sends (seeded bursts, outside her ticks) while her ticks drain it, and
//! messages queued for Bob — must be identical, tick for tick; the mail must arrive.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::recorder::{self, Recorder, Tick};
use common::ssh::*;
use common::*;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const TICKS: usize = 12;

struct Bed {
    own: Recorder,
    bobs: Recorder,
    alice: Hp,
    bob: Hp,
    alice_dir: std::path::PathBuf,
}

fn bed(e: &Env, t: &std::path::Path) -> Bed {
    let own = Recorder::start(format!("{}:{}", e.host, e.port));
    let bobs = Recorder::start(format!("{}:{}", e.host, e.port));
    let (a_path, alice_dir) = e.fresh_dir("cli-wire-alice");
    let (b_path, _) = e.fresh_dir("cli-wire-bob");
    let alice = Hp::new(t, "alice");
    let bob = Hp::new(t, "bob");
    let owner = format!(
        "[ssh]\nuser = \"{}\"\nkey_file = \"{}\"\n",
        e.owner_user,
        e.owner_key_file.display()
    );
    for (hp, name, port, path) in [
        (&alice, "Alice", own.port, &a_path),
        (&bob, "Bob", bobs.port, &b_path),
    ] {
        hp.ok(&[
            "init",
            "--name",
            name,
            "--no-passphrase",
            "--route",
            &e.route(port, path),
        ]);
        std::fs::write(
            hp.home.join("config.toml"),
            format!("{owner}[cover]\nschemes = [\"ssh\"]\n"),
        )
        .expect("config");
    }
    befriend(&alice, "alice", &bob, "bob");
    Bed {
        own,
        bobs,
        alice,
        bob,
        alice_dir,
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
    recorder::show(t, ("own drop", "Bob's drop"))
}

#[test]
fn ssh_ticks_are_byte_identical_whether_idle_queued_or_draining_a_full_drop() {
    let Some(e) = env() else { return };
    let seed: u64 = std::env::var("HUSHPOST_WIRE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    eprintln!("HUSHPOST_WIRE_SEED={seed}");
    let t = tempdir();
    let b = bed(&e, t.path());
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut all: Vec<(&str, usize, Tick)> = Vec::new();
    // The first tick of a day also lays out that day's slot files: not a recorded tick.
    b.tick();

    // 1. Nothing to send, nothing arriving.
    for i in 0..TICKS {
        all.push(("idle", i, b.tick()));
    }
    // 2. Bob fills Alice's drop with 20 immediate sends in seeded bursts between her
    //    ticks; her ticks fetch and clear them.
    let mut left = 20;
    for i in 0..TICKS {
        let burst = if i == TICKS - 1 {
            left
        } else {
            rng.gen_range(0..=left.min(5))
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
    // 3. Twenty messages queued for Bob's drop: one leaves per tick in the send slot.
    for n in 0..20 {
        b.alice.ok_stdin(
            &["send", "--to", "bob", "-s", &format!("queued {n}")],
            "to bob\n",
        );
    }
    for i in 0..TICKS {
        all.push(("queued", i, b.tick()));
    }

    let first = &all[0].2;
    assert!(
        !first.0.is_empty() && !first.1.is_empty(),
        "a tick reaches both drops: {}",
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

    // The recordings carried real mail: Alice received all 20 (polling on until she has
    // them), and one queued message per tick (these polls' too) reached Bob.
    let mut extra = 0;
    while extra < 20 && b.alice.list_json(&[]).len() < 20 {
        b.alice.ok(&["poll"]);
        extra += 1;
    }
    assert_eq!(
        b.alice.list_json(&[]).len(),
        20,
        "Alice received every burst"
    );
    b.bob.ok(&["fetch"]);
    let queued = b
        .bob
        .list_json(&[])
        .into_iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("queued"))
        })
        .count();
    assert_eq!(
        queued,
        (TICKS + extra).min(20),
        "one queued message left per tick ({extra} more polls)"
    );
    // Nothing of it is left lying in Alice's drop: no file of its own, no slot uncleared
    // but what her last tick's loop put there.
    let loose: Vec<String> = files(&b.alice_dir)
        .into_iter()
        .filter(|f| !f.ends_with(".slots"))
        .collect();
    assert!(loose.is_empty(), "{loose:?}");
    assert!(blobs_in(&b.alice_dir) <= 1, "{}", blobs_in(&b.alice_dir));

    // An explicit fetch reads the slot files too, and clears what it took; the next tick
    // does not take it again.
    b.bob
        .ok_stdin(&["send", "--to", "alice", "--now", "-s", "by hand"], "hi\n");
    let out = b.alice.ok(&["fetch"]);
    assert!(out.contains("1 new message"), "{out}");
    b.alice.ok(&["poll"]);
    let got = b.alice.list_json(&[]);
    let by_hand = got.iter().filter(|m| m["subject"] == "by hand").count();
    assert_eq!((got.len(), by_hand), (21, 1), "{got:?}");
}
