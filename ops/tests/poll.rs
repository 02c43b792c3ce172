//! The unattended scheduler: the wire trace does not depend on what is queued, every blob
//! is bucket-sized and chaff looks like mail, overlapping polls never double-send, a locked
//! poll spools sealed mail for the next unlock, and a drop that eats loop blobs is noticed.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::envelope::{LARGE, SMALL};
use hushpost_core::time::Clock;
use hushpost_ops::poll::{PollOptions, WireEvent, poll};
use hushpost_ops::{Home, InitOptions, Protection, SendRequest, Session};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

struct TestClock(AtomicU64);
impl Clock for TestClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A fixed start time near the real clock (sealed mail must not look as if it came from
/// the future when an unlock opens the spool with the real clock).
fn t0() -> u64 {
    static T: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *T.get_or_init(|| hushpost_core::time::unix_now() / 3600 * 3600)
}

struct World {
    t: tempfile::TempDir,
    drop: PathBuf,
    clock: Arc<TestClock>,
    alice: Session,
    bob: Session,
}

fn cover_config(home: &Path, small: usize, large: usize) {
    std::fs::write(
        home.join("config.toml"),
        format!("[cover]\nschemes = [\"dir\"]\nsend_small = {small}\nsend_large = {large}\nfetch_tags = 24\n"),
    )
    .expect("config");
}

fn world(small: usize, large: usize, bob_pass: Option<&str>) -> World {
    // tmpfs where available: these tests are about scheduling, not fsync latency.
    let t = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .expect("tmp");
    let drop = t.path().join("drop");
    std::fs::create_dir(&drop).expect("mkdir");
    let clock = Arc::new(TestClock(AtomicU64::new(t0())));
    let route = || vec![format!("dir:{}", drop.display()).parse().expect("route")];
    let a_home = Home::at(&t.path().join("alice"));
    a_home.create().expect("home");
    cover_config(&a_home.config_dir, small, large);
    let mut alice = Session::init(
        a_home,
        InitOptions {
            name: "Alice".into(),
            protection: Protection::None,
            routes: route(),
        },
    )
    .expect("init");
    let protection = match bob_pass {
        Some(p) => Protection::Passphrase(secrecy::SecretString::from(p.to_string())),
        None => Protection::None,
    };
    let mut bob = Session::init(
        Home::at(&t.path().join("bob")),
        InitOptions {
            name: "Bob".into(),
            protection,
            routes: route(),
        },
    )
    .expect("init");
    alice.set_clock(clock.clone());
    bob.set_clock(clock.clone());
    alice
        .contact_add("bob", &bob.card().expect("card").encode())
        .expect("add");
    bob.contact_add("alice", &alice.card().expect("card").encode())
        .expect("add");
    // The shared folder is a local place: each enables it for the other.
    alice.contact_allow_local("bob").expect("allow");
    bob.contact_allow_local("alice").expect("allow");
    World {
        t,
        drop,
        clock,
        alice,
        bob,
    }
}

fn queue(s: &mut Session, n: usize) {
    for i in 0..n {
        let r = s
            .send(
                &SendRequest {
                    to: vec!["bob".into()],
                    subject: format!("queued {i}"),
                    text: "x".into(),
                    ..Default::default()
                },
                &mut |_| {},
            )
            .expect("send");
        assert!(
            r.recipients[0].delivered.as_ref().is_some_and(|d| d.queued),
            "cover route: send only queues"
        );
    }
}

fn tick(
    w: &mut World,
    seed: u64,
    trace: &Arc<Mutex<Vec<WireEvent>>>,
) -> hushpost_ops::poll::PollReport {
    let home = w.alice.home.clone();
    let opts = PollOptions {
        seed: Some(seed),
        clock: w.clock.clone(),
        trace: Some(trace.clone()),
    };
    poll(&home, Some(&mut w.alice), &opts).expect("poll")
}

fn normalized(trace: &[WireEvent], root: &Path) -> Vec<WireEvent> {
    let root = root.display().to_string();
    trace
        .iter()
        .map(|e| WireEvent {
            dest: e.dest.replace(&root, "<root>"),
            // Fresh identities present other capabilities; how many is what must match.
            caps: vec![String::new(); e.caps.len()],
            ..e.clone()
        })
        .collect()
}

fn run_ticks(queued: usize, ticks: u64) -> (Vec<WireEvent>, usize) {
    let mut w = world(1, 0, None);
    queue(&mut w.alice, queued);
    let trace = Arc::new(Mutex::new(Vec::new()));
    let mut sent = 0;
    for i in 0..ticks {
        // Simulated Poisson clock: the times come from the seeded RNG alone.
        w.clock.0.store(
            t0() + hushpost_ops::poll::poisson_gap(600, &mut rand_chacha_seeded(i)).as_secs()
                + i * 1000,
            Ordering::SeqCst,
        );
        sent += tick(&mut w, 42, &trace).sent;
    }
    let t = trace.lock().expect("trace").clone();
    (normalized(&t, w.t.path()), sent)
}

fn rand_chacha_seeded(i: u64) -> impl rand::RngCore {
    use rand::SeedableRng;
    rand_chacha::ChaCha20Rng::seed_from_u64(7 + i)
}

#[test]
fn wire_trace_is_identical_with_an_empty_outbox_and_with_50_queued() {
    let (empty, sent_empty) = run_ticks(0, 60);
    let (busy, sent_busy) = run_ticks(50, 60);
    assert_eq!(sent_empty, 0);
    assert_eq!(sent_busy, 50, "all queued mail went out in regular slots");
    assert!(!empty.is_empty());
    assert_eq!(empty.len(), busy.len());
    for (a, b) in empty.iter().zip(&busy) {
        assert_eq!(a, b, "the trace depends on the outbox");
    }
    assert!(
        empty
            .iter()
            .filter(|e| e.op == "put")
            .all(|e| e.bytes == SMALL)
    );
}

fn header_shape(blob: &[u8]) -> Vec<usize> {
    // Line lengths of the age header: identical for every blob with one stanza of a type.
    let end = blob
        .windows(4)
        .position(|w| w == b"\n---")
        .expect("mac line")
        + 48;
    blob[..end]
        .split(|b| *b == b'\n')
        .map(|l| l.len())
        .collect()
}

fn chi2_uniform(bytes: &[u8]) -> f64 {
    let mut counts = [0f64; 256];
    for b in bytes {
        counts[*b as usize] += 1.0;
    }
    let e = bytes.len() as f64 / 256.0;
    counts.iter().map(|c| (c - e) * (c - e) / e).sum()
}

/// Upper tail p-value of χ² with k degrees of freedom (Wilson–Hilferty).
fn chi2_p(x: f64, k: f64) -> f64 {
    let z = ((x / k).powf(1.0 / 3.0) - (1.0 - 2.0 / (9.0 * k))) / (2.0 / (9.0 * k)).sqrt();
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    // Abramowitz–Stegun 7.1.26, enough for a test threshold.
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let y = t
        * (-x * x - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { y } else { 2.0 - y }
}

/// Two-sample Kolmogorov–Smirnov statistic.
fn ks(mut a: Vec<f64>, mut b: Vec<f64>) -> f64 {
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0f64);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            i += 1
        } else {
            j += 1
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

#[test]
fn ten_thousand_slots_are_bucket_sized_and_chaff_looks_like_mail() {
    // 50 small + 1 large slot per lane per tick, two lanes (Bob, and Alice's own loop on
    // the shared folder), 100 ticks = 10,200 puts; some real, most chaff of both kinds.
    let mut w = world(50, 1, None);
    // Bob writes first, so Alice holds his hybrid keys and her mail to him is post-quantum,
    // as all mail is after a pair's first exchange (and chaff always is).
    let r = w
        .bob
        .send(
            &SendRequest {
                to: vec!["alice".into()],
                subject: "hi".into(),
                text: "x".into(),
                ..Default::default()
            },
            &mut |_| {},
        )
        .expect("send");
    assert!(r.all_delivered(), "{r:?}");
    assert_eq!(w.alice.fetch(&mut |_| {}).expect("fetch").new.len(), 1);
    queue(&mut w.alice, 300);
    let real_hashes = queued_hashes(&w.alice.home.outbox());
    assert_eq!(real_hashes.len(), 300);
    let trace = Arc::new(Mutex::new(Vec::new()));
    let mut real = Vec::new();
    let mut chaff = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for i in 0..100u64 {
        // Capture the drop's contents before the next tick fetches the loops back.
        w.clock.0.store(t0() + i * 600, Ordering::SeqCst);
        tick(&mut w, 1, &trace);
        for f in std::fs::read_dir(&w.drop).expect("ls") {
            let p = f.expect("e").path();
            if !seen.insert(p.clone()) {
                continue;
            }
            let b = std::fs::read(&p).expect("read");
            if b.len() != SMALL || real.len() + chaff.len() >= 2000 {
                continue;
            }
            // What was in the outbox is real mail; everything else is chaff (to Bob under
            // the pair's tag, or Alice's loop under one of her capabilities).
            let h: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&b).into();
            if real_hashes.contains(&h) {
                real.push(b);
            } else {
                chaff.push(b);
            }
        }
    }
    let t = trace.lock().expect("trace");
    let puts: Vec<&WireEvent> = t.iter().filter(|e| e.op == "put").collect();
    assert!(puts.len() >= 10_000, "{}", puts.len());
    assert!(puts.iter().all(|e| e.bytes == SMALL || e.bytes == LARGE));
    assert!(
        real.len() >= 250 && chaff.len() >= 250,
        "real {} chaff {}",
        real.len(),
        chaff.len()
    );
    // Same header shape (one mlkem768x25519 stanza, same line lengths) and length.
    let shape = header_shape(&real[0]);
    assert_eq!(shape, vec![21, 18 + 1494, 43, 47]);
    assert!(real.iter().chain(&chaff).all(|b| header_shape(b) == shape));
    // Byte statistics of the payload: both look uniform, and nothing separates them.
    const HEADER: usize = hushpost_core::agelayer::HYBRID_HEADER_LEN;
    let payload =
        |v: &[Vec<u8>]| -> Vec<u8> { v.iter().flat_map(|b| b[HEADER..].to_vec()).collect() };
    let (pr, pc) = (payload(&real), payload(&chaff));
    assert!(
        chi2_p(chi2_uniform(&pr), 255.0) > 0.001,
        "real payload bytes not uniform"
    );
    assert!(
        chi2_p(chi2_uniform(&pc), 255.0) > 0.001,
        "chaff payload bytes not uniform"
    );
    let mean = |b: &Vec<u8>| {
        b[HEADER..].iter().map(|x| f64::from(*x)).sum::<f64>() / (b.len() - HEADER) as f64
    };
    let (n, m) = (real.len() as f64, chaff.len() as f64);
    let d = ks(
        real.iter().map(mean).collect(),
        chaff.iter().map(mean).collect(),
    );
    let critical = 1.628 * ((n + m) / (n * m)).sqrt(); // α = 0.01
    assert!(
        d < critical,
        "KS separates real from chaff: D = {d:.4} ≥ {critical:.4}"
    );
}

/// SHA-256 of every blob waiting in an outbox (`<dest>/<entry>.blob`: a header line, then
/// the blob).
fn queued_hashes(outbox: &Path) -> std::collections::HashSet<[u8; 32]> {
    let mut out = std::collections::HashSet::new();
    for d in std::fs::read_dir(outbox).expect("outbox") {
        for f in std::fs::read_dir(d.expect("d").path()).expect("dest") {
            let p = f.expect("f").path();
            if p.extension().is_some_and(|x| x == "blob") {
                let b = std::fs::read(&p).expect("read");
                let nl = b.iter().position(|c| *c == b'\n').expect("header");
                out.insert(<sha2::Sha256 as sha2::Digest>::digest(&b[nl + 1..]).into());
            }
        }
    }
    out
}

/// SHA-256 of Alice's loop blobs still out, from her poll state.
fn loops_out(home: &Path) -> std::collections::HashSet<[u8; 32]> {
    let st: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.join("poll-state.json")).expect("state"))
            .expect("json");
    st["loops"]
        .as_array()
        .expect("loops")
        .iter()
        .map(|l| {
            hex::decode(l["hash"].as_str().expect("hash"))
                .expect("hex")
                .try_into()
                .expect("32")
        })
        .collect()
}

#[test]
fn a_held_lock_skips_and_concurrent_polls_never_double_send() {
    let mut w = world(1, 0, None);
    queue(&mut w.alice, 20);
    let home = w.alice.home.clone();
    {
        let _held = home.lock().expect("lock");
        let r = poll(
            &home,
            None,
            &PollOptions {
                seed: None,
                clock: w.clock.clone(),
                trace: None,
            },
        )
        .expect("poll");
        assert!(r.skipped);
        assert_eq!(r.sent + r.chaff, 0);
    }
    // Four threads polling the same home at once, each with its own unlocked session (as
    // cron, the daemon and an open inbox would), many ticks each.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let home = home.clone();
            let clock = w.clock.clone();
            std::thread::spawn(move || {
                let mut s = Session::unlock(home.clone(), None).expect("unlock");
                s.set_clock(clock.clone());
                let mut sent = 0;
                for _ in 0..15 {
                    let r = poll(
                        &home,
                        Some(&mut s),
                        &PollOptions {
                            seed: None,
                            clock: clock.clone(),
                            trace: None,
                        },
                    )
                    .expect("poll");
                    sent += r.sent;
                }
                sent
            })
        })
        .collect();
    let sent: usize = threads.into_iter().map(|t| t.join().expect("thread")).sum();
    assert!(sent <= 20, "double send: {sent}");
    let mut more = 0;
    let mut guard = 0;
    while hushpost_ops::outbox::Outbox::new(&home.outbox()).pending() > 0 {
        guard += 1;
        assert!(guard < 100, "the outbox does not drain");
        more += tick(&mut w, guard, &Arc::new(Mutex::new(Vec::new()))).sent;
    }
    assert_eq!(sent + more, 20);
    let r = w.bob.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(r.new.len(), 20, "{r:?}");
    assert_eq!(r.duplicates, 0);
}

#[test]
fn locked_poll_spools_sealed_mail_until_the_next_unlock() {
    let mut w = world(1, 0, Some("bob's passphrase"));
    // Alice writes to Bob (her cover route queues; one tick sends it).
    queue(&mut w.alice, 2);
    let trace = Arc::new(Mutex::new(Vec::new()));
    tick(&mut w, 3, &trace);
    tick(&mut w, 4, &trace);
    // Bob's cron has no passphrase: it fetches ciphertext into the spool.
    let bob_home = w.bob.home.clone();
    let r = poll(
        &bob_home,
        None,
        &PollOptions {
            seed: None,
            clock: w.clock.clone(),
            trace: None,
        },
    )
    .expect("poll");
    assert!(r.locked);
    assert_eq!(r.spooled, 2, "{r:?}");
    let spool: Vec<PathBuf> = std::fs::read_dir(bob_home.data_dir.join("spool"))
        .expect("spool")
        .map(|e| e.expect("e").path())
        .collect();
    assert_eq!(spool.len(), 2);
    for f in &spool {
        let b = std::fs::read(f).expect("read");
        assert!(
            !String::from_utf8_lossy(&b).contains("queued"),
            "spool holds plaintext"
        );
    }
    // The next unlock opens and stores them.
    let mut bob = Session::unlock(
        bob_home.clone(),
        Some(secrecy::SecretString::from("bob's passphrase".to_string())),
    )
    .expect("unlock");
    bob.set_clock(w.clock.clone());
    let rows = bob.inbox().list(10, false, false).expect("list");
    assert_eq!(rows.len(), 2);
    assert!(
        std::fs::read_dir(bob_home.data_dir.join("spool"))
            .expect("spool")
            .next()
            .is_none()
    );
}

#[test]
fn a_drop_that_eats_loop_blobs_is_noticed_after_three_ticks() {
    let mut w = world(1, 0, None);
    let trace = Arc::new(Mutex::new(Vec::new()));
    let mut dropping = Vec::new();
    for i in 0..5 {
        w.clock.0.store(t0() + i * 60, Ordering::SeqCst);
        let r = tick(&mut w, 9, &trace);
        dropping = r.dropping.clone();
        if i < 3 {
            assert!(dropping.is_empty(), "alarm too early at tick {i}");
        }
        // The malicious drop deletes our loop blobs between ticks.
        let ours = loops_out(&w.t.path().join("alice"));
        for f in std::fs::read_dir(&w.drop).expect("ls") {
            let p = f.expect("e").path();
            let h: [u8; 32] =
                <sha2::Sha256 as sha2::Digest>::digest(std::fs::read(&p).expect("read")).into();
            if ours.contains(&h) {
                std::fs::remove_file(p).expect("rm");
            }
        }
    }
    assert_eq!(dropping.len(), 1, "{dropping:?}");
    assert!(dropping[0].contains("drop"));
    // An honest drop: the loops come back and no alarm is raised.
    let mut honest = world(1, 0, None);
    for i in 0..6 {
        honest.clock.0.store(t0() + i * 60, Ordering::SeqCst);
        assert!(tick(&mut honest, 5, &trace).dropping.is_empty());
    }
}

/// Alice with two more contacts (three in all), ticking every two hours for 14 days: the
/// capabilities she presents, as the drop sees them, beside which ones are really hers.
#[test]
fn decoys_recur_like_real_capabilities_over_14_days_in_count_position_and_days() {
    use std::collections::{HashMap, HashSet};
    let mut w = world(1, 0, None);
    for name in ["carol", "dave"] {
        let other = Session::init(
            Home::at(&w.t.path().join(name)),
            InitOptions {
                name: name.into(),
                protection: Protection::None,
                routes: vec![format!("dir:{}", w.drop.display()).parse().expect("route")],
            },
        )
        .expect("init");
        w.alice
            .contact_add(name, &other.card().expect("card").encode())
            .expect("add");
    }
    let trace = Arc::new(Mutex::new(Vec::new()));
    let ticks_per_day = 12u64;
    let mut real: HashSet<String> = HashSet::new();
    for i in 0..14 * ticks_per_day {
        w.clock.0.store(t0() + i * 7200, Ordering::SeqCst);
        tick(&mut w, 11, &trace);
        let day = hushpost_core::Day::of(w.clock.now()).0;
        for d in day - 1..=day + 1 {
            real.extend(
                w.alice
                    .capabilities(hushpost_core::Day(d))
                    .iter()
                    .map(|c| c.hex()),
            );
        }
    }
    let t = trace.lock().expect("trace");
    let fetches: Vec<&WireEvent> = t.iter().filter(|e| e.op == "fetch").collect();
    assert_eq!(fetches.len() as u64, 14 * ticks_per_day);
    // Count: every tick presents the same number, and decoys are among them.
    let n = fetches[0].caps.len();
    assert!(fetches.iter().all(|e| e.caps.len() == n), "count varies");
    let decoys: HashSet<&String> = fetches
        .iter()
        .flat_map(|e| e.caps.iter())
        .filter(|c| !real.contains(*c))
        .collect();
    assert!(!decoys.is_empty(), "no decoys at all");
    // Recurrence: a capability appears on the ticks of three consecutive days, whether
    // real or decoy (those of the window's first and last days appear on fewer).
    let mut days_of: HashMap<&String, HashSet<u64>> = HashMap::new();
    for e in &fetches {
        for c in &e.caps {
            days_of.entry(c).or_default().insert(e.time / 86_400);
        }
    }
    let first = fetches[0].time / 86_400;
    let last = fetches[fetches.len() - 1].time / 86_400;
    let mut spans: HashMap<bool, Vec<usize>> = HashMap::new();
    for (c, days) in &days_of {
        let lo = *days.iter().min().expect("day");
        let hi = *days.iter().max().expect("day");
        assert_eq!(
            days.len() as u64,
            hi - lo + 1,
            "a gap in a capability's days"
        );
        if lo > first && hi < last {
            spans.entry(real.contains(*c)).or_default().push(days.len());
        }
    }
    for (is_real, v) in &spans {
        assert!(
            v.iter().all(|d| *d == 3),
            "real={is_real}: not three days: {v:?}"
        );
    }
    assert!(spans.get(&true).is_some_and(|v| !v.is_empty()));
    assert!(spans.get(&false).is_some_and(|v| !v.is_empty()));
    // Position: real capabilities are spread over the list like decoys (the list is
    // shuffled every tick): the mean position of each is near the middle.
    let mut pos: HashMap<bool, Vec<f64>> = HashMap::new();
    for e in &fetches {
        for (i, c) in e.caps.iter().enumerate() {
            pos.entry(real.contains(c)).or_default().push(i as f64);
        }
    }
    let mid = (n as f64 - 1.0) / 2.0;
    for (is_real, v) in &pos {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        // Standard error of the mean of a uniform position over n, times 4.
        let se = (n as f64 * n as f64 / 12.0 / v.len() as f64).sqrt();
        assert!(
            (mean - mid).abs() < 4.0 * se,
            "real={is_real}: mean position {mean:.2}, middle {mid:.2}"
        );
    }
    // And the positions of the real ones are uniform over the list (χ², n − 1 degrees of
    // freedom; drawing a subset per tick only makes the counts more even than that).
    let mut h = vec![0f64; n];
    for p in &pos[&true] {
        h[*p as usize] += 1.0;
    }
    let e = pos[&true].len() as f64 / n as f64;
    let x: f64 = h.iter().map(|c| (c - e) * (c - e) / e).sum();
    assert!(
        chi2_p(x, n as f64 - 1.0) > 1e-4,
        "real capabilities sit at some positions more than others: {h:?}"
    );
}

/// What `poll-keys.json` (readable by whoever takes the locked laptop) holds: no contact
/// name, key or route, and no label saying which capability is whose.
#[test]
fn poll_keys_hold_no_contact_name_key_or_route() {
    let mut w = world(1, 0, None);
    let distinctive = "mail-carol-unique.example.org";
    let carol = Session::init(
        Home::at(&w.t.path().join("carol")),
        InitOptions {
            name: "Carol Distinctive".into(),
            protection: Protection::None,
            routes: vec![
                format!("https://{distinctive}:8443")
                    .parse()
                    .expect("route"),
            ],
        },
    )
    .expect("init");
    let card = carol.card().expect("card");
    w.alice
        .contact_add("carol-the-contact", &card.encode())
        .expect("add");
    tick(&mut w, 1, &Arc::new(Mutex::new(Vec::new())));
    let text = std::fs::read_to_string(w.t.path().join("alice").join("poll-keys.json"))
        .expect("poll-keys");
    // (The temp dir's random name is ours, not a contact's: leave it out of the search.)
    let text = text.replace(&w.drop.display().to_string(), "DROP");
    let bob_ed = hex::encode(w.bob.identity().ed_public());
    let carol_ed = hex::encode(carol.identity().ed_public());
    for needle in [
        distinctive,
        "carol-the-contact",
        "Carol Distinctive",
        "bob",
        carol_ed.as_str(),
        bob_ed.as_str(),
        "contact",
        "intro",
        "loop",
    ] {
        assert!(
            !text.to_lowercase().contains(&needle.to_lowercase()),
            "poll-keys.json names {needle}"
        );
    }
    // It still has what a locked poll needs: our route and capabilities.
    assert!(text.contains("dir:DROP"));
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert!(v["days"].as_array().is_some_and(|d| d.len() >= 14));
}

/// A poll killed after putting its loop chaff, before it could note that the put worked:
/// the record written ahead of the put still names the blob, so it comes back as ours
/// (even from under a contact's capability, where it would not open) — no rejection, no
/// error, no loop alarm — and every loop blob is taken back.
#[test]
fn loop_chaff_put_by_a_killed_poll_comes_back_silently() {
    let mut w = world(1, 0, None);
    let trace = Arc::new(Mutex::new(Vec::new()));
    let state = w.t.path().join("alice").join("poll-state.json");
    for i in 0..8 {
        w.clock.0.store(t0() + i * 60, Ordering::SeqCst);
        let r = tick(&mut w, 100 + i, &trace);
        assert!(
            r.rejected.is_empty() && r.errors.is_empty() && r.dropping.is_empty(),
            "tick {i}: {:?} {:?} {:?}",
            r.rejected,
            r.errors,
            r.dropping
        );
        // As a kill -9 right after the put leaves the record: written, not confirmed.
        let mut st: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&state).expect("state")).expect("json");
        let loops = st["loops"].as_array_mut().expect("loops");
        assert!(!loops.is_empty(), "tick {i} put loop chaff");
        for l in loops {
            l["confirmed"] = serde_json::json!(false);
        }
        std::fs::write(&state, serde_json::to_vec(&st).expect("json")).expect("write");
    }
    // Every loop blob came back and was taken (the last tick's may still be out).
    let out = loops_out(&w.t.path().join("alice"));
    assert!(out.len() <= 1, "{} loop blobs never came back", out.len());
}
