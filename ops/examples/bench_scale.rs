//! Figures at scale (not a test): keyring size and fetch cost with N contacts × 3 live
//! prekeys (forward secrecy issue), and the cost of one `poll` tick with M contacts on
//! cover-traffic routes (cover traffic issue). Prints a table.
//!
//! usage: bench_scale [CONTACTS=1000] [POLL_CONTACTS=100]
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::card::Card;
use hushpost_core::identity::Identity;
use hushpost_core::time::Clock;
use hushpost_ops::poll::{PollOptions, poll};
use hushpost_ops::{Home, InitOptions, Protection, SendRequest, Session};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

struct C(AtomicU64);
impl Clock for C {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

fn cpu_ms() -> f64 {
    // utime + stime of this process, in clock ticks (100 Hz on Linux).
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let f: Vec<&str> = s
        .rsplit_once(") ")
        .map(|x| x.1)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let t = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) * 10.0
}

fn session(dir: &Path, name: &str, route: &str, clock: &Arc<C>) -> Session {
    let mut s = Session::init(
        Home::at(&dir.join(name)),
        InitOptions {
            name: name.into(),
            protection: Protection::None,
            routes: vec![route.parse().expect("route")],
        },
    )
    .expect("init");
    s.set_clock(clock.clone());
    s
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1000);
    let m = args.get(1).copied().unwrap_or(100);
    let clock = Arc::new(C(AtomicU64::new(
        hushpost_core::time::unix_now() - 30 * 86_400,
    )));
    forward_secrecy(n, &clock);
    poll_tick(m, &clock);
}

/// Keyring size and fetch cost with `n` contacts × 3 live prekeys.
fn forward_secrecy(n: usize, clock: &Arc<C>) {
    let root = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .expect("tmp");
    let drop = root.path().join("drop");
    std::fs::create_dir(&drop).expect("mkdir");
    let route = format!("dir:{}", drop.display());
    let mut alice = session(root.path(), "alice", &route, clock);

    // N contacts (their cards point at their own folders; they never fetch).
    let t = Instant::now();
    for i in 0..n {
        let id = Identity::generate();
        let d = root.path().join(format!("c{i}"));
        std::fs::create_dir(&d).expect("mkdir");
        let card = Card::issue(
            &id,
            &format!("contact {i}"),
            [i as u8; 32],
            vec![format!("dir:{}", d.display()).parse().expect("route")],
            1,
        )
        .expect("card");
        alice
            .contact_add(&format!("c{i}"), &card.encode())
            .expect("add");
    }
    let add_s = t.elapsed().as_secs_f64();
    // Three rotations: each send to a contact whose prekey is due makes a new one.
    for _ in 0..3 {
        clock.0.fetch_add(8 * 86_400, Ordering::SeqCst);
        for i in 0..n {
            alice
                .send(
                    &SendRequest {
                        to: vec![format!("c{i}")],
                        subject: "rotate".into(),
                        text: "x".into(),
                        now: true,
                        ..Default::default()
                    },
                    &mut |_| {},
                )
                .expect("send");
        }
    }
    let keyring = std::fs::metadata(alice.home.keyring())
        .expect("keyring")
        .len();
    let live: usize = alice
        .contacts()
        .iter()
        .filter_map(|c| c.forward_secrecy.as_ref())
        .map(|f| f.live)
        .sum();
    // The same state under a passphrase: size and the cost of one rewrite (scrypt 2^18).
    let t = Instant::now();
    let json = std::fs::read(alice.home.keyring()).expect("read");
    let enc = hushpost_core::agelayer::encrypt_passphrase(
        &secrecy::SecretString::from("bench".to_string()),
        &json,
    );
    let scrypt_ms = t.elapsed().as_secs_f64() * 1000.0;

    // Fetch cost: an empty fetch (capabilities for N contacts × days), then 100 messages
    // from contacts, each sealed to one of our live prekeys (trial decryption over ≤ 4 keys).
    for f in std::fs::read_dir(&drop).expect("ls") {
        let _ = std::fs::remove_file(f.expect("e").path());
    }
    let (c0, t0) = (cpu_ms(), Instant::now());
    alice.fetch(&mut |_| {}).expect("fetch");
    let empty_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let empty_cpu = cpu_ms() - c0;

    println!();
    println!(
        "forward secrecy at scale: {n} contacts, {live} live prekeys ({:.1} per contact)",
        live as f64 / n as f64
    );
    println!(
        "{:<48} {:>12}",
        "adding the contacts (keyring rewritten each time)",
        format!("{add_s:.1} s")
    );
    println!(
        "{:<48} {:>12}",
        "keyring (plain JSON)",
        format!("{:.0} KiB", keyring as f64 / 1024.0)
    );
    println!(
        "{:<48} {:>12}",
        "keyring encrypted (age scrypt)",
        format!("{:.0} KiB", enc.len() as f64 / 1024.0)
    );
    println!(
        "{:<48} {:>12}",
        "one encrypted rewrite (scrypt 2^18 + seal)",
        format!("{scrypt_ms:.0} ms")
    );
    println!(
        "{:<48} {:>12}",
        "trial decryptions per blob (worst case)", "1 + 3 = 4"
    );
    println!(
        "{:<48} {:>12}",
        "fetch, empty drop (wall / CPU)",
        format!("{empty_ms:.0} / {empty_cpu:.0} ms")
    );
}

/// One poll tick with `m` contacts on cover-traffic routes.
fn poll_tick(m: usize, clock: &Arc<C>) {
    // One poll tick with M contacts on cover-traffic routes (each contact its own folder
    // drop, cover on for dir:), measured from the wire trace.
    let root2 = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .expect("tmp");
    let drop2 = root2.path().join("drop");
    std::fs::create_dir(&drop2).expect("mkdir");
    let home = Home::at(&root2.path().join("p"));
    home.create().expect("home");
    std::fs::write(
        home.config_dir.join("config.toml"),
        "[cover]\nschemes = [\"dir\"]\n",
    )
    .expect("config");
    let mut p = Session::init(
        home.clone(),
        InitOptions {
            name: "p".into(),
            protection: Protection::None,
            routes: vec![format!("dir:{}", drop2.display()).parse().expect("route")],
        },
    )
    .expect("init");
    p.set_clock(clock.clone());
    for i in 0..m {
        let id = Identity::generate();
        let d = root2.path().join(format!("c{i}"));
        std::fs::create_dir(&d).expect("mkdir");
        let card = Card::issue(
            &id,
            &format!("c{i}"),
            [1; 32],
            vec![format!("dir:{}", d.display()).parse().expect("route")],
            1,
        )
        .expect("card");
        p.contact_add(&format!("c{i}"), &card.encode())
            .expect("add");
    }
    let trace = Arc::new(Mutex::new(Vec::new()));
    let opts = PollOptions {
        seed: Some(1),
        clock: clock.clone(),
        trace: Some(trace.clone()),
    };
    poll(&home, Some(&mut p), &opts).expect("warm-up tick");
    trace.lock().expect("trace").clear();
    let (c0, t0) = (cpu_ms(), Instant::now());
    let r = poll(&home, Some(&mut p), &opts).expect("tick");
    let tick_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let tick_cpu = cpu_ms() - c0;
    let tr = trace.lock().expect("trace");
    let puts = tr.iter().filter(|e| e.op == "put").count();
    let fetches = tr.iter().filter(|e| e.op == "fetch").count();
    let bytes: usize = tr.iter().map(|e| e.bytes).sum();
    let daily = p.config.cover.daily_bytes();
    println!();
    println!("one poll tick, {m} contacts each on a cover-traffic route (+ our own route)");
    println!(
        "{:<48} {:>12}",
        "requests (puts + fetches)",
        format!("{} + {}", puts, fetches)
    );
    println!(
        "{:<48} {:>12}",
        "bytes sent (blobs + capabilities)",
        format!("{:.2} MiB", bytes as f64 / 1048576.0)
    );
    println!(
        "{:<48} {:>12}",
        "wall / CPU",
        format!("{tick_ms:.0} / {tick_cpu:.0} ms")
    );
    println!(
        "{:<48} {:>12}",
        "chaff blobs this tick",
        r.chaff.to_string()
    );
    println!(
        "{:<48} {:>12}",
        "default cover per route per day (1 × 16 KiB / 10 min)",
        format!("{:.2} MiB", daily as f64 / 1048576.0)
    );
    println!(
        "{:<48} {:>12}",
        "… plus fetch requests per route per day",
        format!(
            "{} × {} capabilities",
            86_400 / p.config.cover.mean_interval_secs,
            p.config.cover.fetch_tags
        )
    );
}
