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
        format!("[cover]\nschemes = [\"dir\"]\nsend_small = {small}\nsend_large = {large}\nfetch_tags = 8\n"),
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
    // 50 small + 1 large slot per tick, 200 ticks = 10,200 puts; some real, most chaff.
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
    let trace = Arc::new(Mutex::new(Vec::new()));
    let mut real = Vec::new();
    let mut chaff = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for i in 0..200u64 {
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
            // Alice's loop tag = chaff; anything else here is her real mail to Bob.
            if p.file_name()
                .expect("n")
                .to_string_lossy()
                .starts_with(&loop_prefix(&w.alice, &w.clock))
            {
                chaff.push(b);
            } else {
                real.push(b);
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
    let payload = |v: &[Vec<u8>]| -> Vec<u8> { v.iter().flat_map(|b| b[HEADER..].to_vec()).collect() };
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

fn loop_prefix(s: &Session, clock: &TestClock) -> String {
    let lp = hushpost_core::tags::PairKeys::loopback(s.identity()).expect("loop");
    lp.tag(hushpost_core::Day::of(clock.now())).hex()
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
    // Four threads polling the same home at once (locked mode), many ticks each.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let home = home.clone();
            let clock = w.clock.clone();
            std::thread::spawn(move || {
                let mut sent = 0;
                for _ in 0..15 {
                    let r = poll(
                        &home,
                        None,
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
    // Whatever is still queued goes in a final tick.
    let sent = sent
        + poll(
            &home,
            None,
            &PollOptions {
                seed: None,
                clock: w.clock.clone(),
                trace: None,
            },
        )
        .expect("poll")
        .sent;
    assert!(sent <= 20, "double send: {sent}");
    let mut more = 0;
    while hushpost_ops::outbox::Outbox::new(&home.outbox()).pending() > 0 {
        more += poll(
            &home,
            None,
            &PollOptions {
                seed: None,
                clock: w.clock.clone(),
                trace: None,
            },
        )
        .expect("poll")
        .sent;
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
    let prefix = loop_prefix(&w.alice, &w.clock);
    let mut dropping = Vec::new();
    for i in 0..5 {
        w.clock.0.store(t0() + i * 60, Ordering::SeqCst);
        let r = tick(&mut w, 9, &trace);
        dropping = r.dropping.clone();
        if i < 3 {
            assert!(dropping.is_empty(), "alarm too early at tick {i}");
        }
        // The malicious drop deletes our loop blobs between ticks.
        for f in std::fs::read_dir(&w.drop).expect("ls") {
            let p = f.expect("e").path();
            if p.file_name()
                .expect("n")
                .to_string_lossy()
                .starts_with(&prefix)
            {
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
