//! The relay is killed with SIGKILL at random points under concurrent load, 1,000 times
//! (`HUSHPOST_CRASH_KILLS` for more; `bench/relay.sh crash` runs a long one), and started
//! again each time on the same data directory. Invariants, checked throughout: every start
//! succeeds; no acknowledged put is lost; no acknowledged delete comes back.
//!
//! This drives the real `hushpost relay serve --plain-http` binary, not a test harness
//! around the store: the start-up path (recovery, the start-up sweep inside the runtime,
//! binding) is what crash-looped before, and only a real process can die between any two
//! instructions. The client is a few lines of HTTP/1.1 over a TcpStream rather than the
//! relay client, because the client retries, and the test must know exactly which request
//! got its 204 before the kill. A failing run prints its seed (`HUSHPOST_CRASH_SEED`).
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::*;
use hushpost_core::FetchCap;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SMALL: usize = 16_384;
const CAPS: usize = 8;
const WORKERS: usize = 4;

/// What the relay has acknowledged, and what is in doubt.
#[derive(Default)]
struct Book {
    /// Puts answered 204.
    acked: HashSet<u64>,
    /// The capability each put went under (sent or not).
    cap_of: HashMap<u64, usize>,
    /// A fetch returned a blob put under another capability (blob, cycle).
    misplaced: Vec<(u64, usize)>,
    /// Deletes answered 204, with the tick at which the answer came and the cycle.
    deleted: HashMap<u64, (u64, usize)>,
    /// A logical clock: a fetch sent after a delete was acknowledged must not see the blob.
    tick: u64,
    /// Deletes sent without an answer: the blob may or may not come back.
    doubtful: HashSet<u64>,
    /// A blob came back after its delete was acknowledged (blob, cycle).
    resurrected: Vec<(u64, usize)>,
}

fn blob(n: u64) -> Vec<u8> {
    let mut b = vec![(n % 251) as u8; SMALL];
    b[..8].copy_from_slice(&n.to_le_bytes());
    b
}

/// The blobs (number, id) of one fetch page for `cap`, and whether more wait.
fn fetch_page(
    h: &mut Http,
    cap: &FetchCap,
    slots: usize,
) -> std::io::Result<(Vec<(u64, String)>, bool)> {
    let body = format!("{{\"caps\":[\"{}\"],\"slots\":{slots}}}", cap.hex());
    let (st, raw) = h.call("POST", "/v1/fetch", None, body.as_bytes())?;
    if st != 200 || raw.len() != 32 + slots * (32 + SMALL) {
        return Err(std::io::Error::other(format!("fetch answered {st}")));
    }
    let mut out = Vec::new();
    for s in raw[32..].chunks_exact(32 + SMALL) {
        if s[0] == 1 {
            let n = u64::from_le_bytes(s[32..40].try_into().expect("8"));
            out.push((n, hex_of(&s[16..24])));
        }
    }
    Ok((out, raw[12] == 1))
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Every blob under every cap, walking pages with cursors (the full check).
fn fetch_everything(port: u16, caps: &[FetchCap]) -> HashSet<u64> {
    let mut h = Http::connect(port).expect("connect for the check");
    let list: Vec<String> = caps.iter().map(|c| format!("\"{}\"", c.hex())).collect();
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let c = cursor
            .as_ref()
            .map(|c| format!(",\"cursor\":\"{c}\""))
            .unwrap_or_default();
        let body = format!("{{\"caps\":[{}],\"slots\":64{c}}}", list.join(","));
        let (st, raw) = h
            .call("POST", "/v1/fetch", None, body.as_bytes())
            .expect("fetch");
        assert_eq!(st, 200);
        for s in raw[32..].chunks_exact(32 + SMALL) {
            if s[0] == 1 {
                seen.insert(u64::from_le_bytes(s[32..40].try_into().expect("8")));
            }
        }
        if raw[12] != 1 {
            return seen;
        }
        cursor = Some(hex_of(&raw[16..32]));
    }
}

/// A relay process, killed (SIGKILL) and reaped when dropped, also when a check panics.
struct Node(Child);

impl Node {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts the relay; returns it and its port once the banner is out.
fn start(data: &Path, logs: &Path, cycle: usize) -> (Node, u16) {
    let out = logs.join("out.txt");
    let _ = std::fs::remove_file(&out);
    let child = Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
        .args(["relay", "serve", "--listen", "127.0.0.1:0", "--plain-http"])
        .args([
            "--tag-quota",
            "100000",
            "--segment-size",
            "1M",
            "--lanes",
            "2",
        ])
        .arg("--data")
        .arg(data)
        .env_remove("HUSHPOST_LOG")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("out"))
        .stderr(std::fs::File::create(logs.join(format!("log-{cycle}.txt"))).expect("log"))
        .spawn()
        .expect("spawn relay");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut child = child;
    loop {
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        if let Some(l) = text.lines().find(|l| l.starts_with("route: ")) {
            let port = l
                .rsplit(':')
                .next()
                .and_then(|p| p.trim().parse().ok())
                .expect("port");
            return (Node(child), port);
        }
        if let Ok(Some(st)) = child.try_wait() {
            let log = std::fs::read_to_string(logs.join(format!("log-{cycle}.txt")));
            panic!(
                "cycle {cycle}: the relay did not restart ({st}): {}",
                log.unwrap_or_default()
            );
        }
        assert!(
            Instant::now() < deadline,
            "cycle {cycle}: no banner in 30 s"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// One worker's load until its connection dies: puts, and fetch + delete.
fn work(
    port: u16,
    caps: &[FetchCap],
    book: &Mutex<Book>,
    next: &AtomicU64,
    seed: u64,
    cycle: usize,
) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let Ok(mut h) = Http::connect(port) else {
        return;
    };
    loop {
        let ci = rng.gen_range(0..CAPS);
        let cap = &caps[ci];
        if rng.gen_ratio(3, 5) {
            let n = next.fetch_add(1, Ordering::Relaxed);
            book.lock().expect("book").cap_of.insert(n, ci);
            let tag = cap.tag().hex();
            match h.call("PUT", "/v1/blobs", Some(("Hushpost-Tag", &tag)), &blob(n)) {
                Ok((204, _)) => {
                    book.lock().expect("book").acked.insert(n);
                }
                Ok((st, b)) => panic!("put answered {st}: {}", String::from_utf8_lossy(&b)),
                Err(_) => return,
            }
        } else {
            let sent = {
                let mut b = book.lock().expect("book");
                b.tick += 1;
                b.tick
            };
            let Ok((got, _)) = fetch_page(&mut h, cap, 16) else {
                return;
            };
            let mut b = book.lock().expect("book");
            for (n, _) in &got {
                if b.cap_of.get(n) != Some(&ci) {
                    b.misplaced.push((*n, cycle));
                }
                if b.deleted.get(n).is_some_and(|acked| acked.0 < sent) {
                    b.resurrected.push((*n, cycle));
                }
            }
            if !b.resurrected.is_empty() {
                return; // keep the evidence on disk
            }
            let ns: Vec<u64> = got.iter().map(|(n, _)| *n).collect();
            b.doubtful.extend(&ns);
            drop(b);
            let items: Vec<String> = got
                .iter()
                .map(|(_, id)| format!("{{\"cap\":\"{}\",\"id\":\"{id}\"}}", cap.hex()))
                .collect();
            let body = format!("{{\"items\":[{}]}}", items.join(","));
            match h.call("DELETE", "/v1/blobs", None, body.as_bytes()) {
                Ok((204, _)) => {
                    let mut b = book.lock().expect("book");
                    b.tick += 1;
                    let at = b.tick;
                    for n in ns {
                        b.doubtful.remove(&n);
                        b.deleted.entry(n).or_insert((at, cycle));
                    }
                }
                Ok((st, _)) => panic!("delete answered {st}"),
                Err(_) => return,
            }
        }
    }
}

fn check(port: u16, caps: &[FetchCap], book: &Mutex<Book>, seed: u64, cycle: usize) {
    let seen = fetch_everything(port, caps);
    let b = book.lock().expect("book");
    let lost: Vec<&u64> = b
        .acked
        .iter()
        .filter(|n| !b.deleted.contains_key(n) && !b.doubtful.contains(n) && !seen.contains(n))
        .collect();
    assert!(
        lost.is_empty(),
        "seed {seed}, after kill {cycle}: {} acknowledged blobs lost (e.g. {:?})",
        lost.len(),
        lost.iter().take(5).collect::<Vec<_>>()
    );
    assert!(
        b.misplaced.is_empty(),
        "seed {seed}, after kill {cycle}: blobs fetched under another capability: {:?}",
        b.misplaced
    );
    let back: Vec<&u64> = seen.iter().filter(|n| b.deleted.contains_key(n)).collect();
    assert!(
        back.is_empty() && b.resurrected.is_empty(),
        "seed {seed}, after kill {cycle}: deleted blobs came back: {back:?} {:?}",
        b.resurrected
            .iter()
            .map(|(n, c)| (n, c, b.deleted.get(n), b.acked.contains(n)))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_thousand_sigkills_under_load_lose_nothing_acknowledged() {
    let kills: usize = std::env::var("HUSHPOST_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    let seed: u64 = std::env::var("HUSHPOST_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("relay crash test: seed {seed}, {kills} kills (replay: HUSHPOST_CRASH_SEED={seed})");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let t = tempfile::Builder::new()
        .prefix("hp-relay-kill-")
        .tempdir_in("/var/tmp")
        .unwrap_or_else(|_| tempdir());
    let (data, logs) = (t.path().join("data"), t.path().join("logs"));
    std::fs::create_dir_all(&logs).expect("mkdir");
    let caps: Vec<FetchCap> = (0..CAPS).map(|_| FetchCap(rng.r#gen())).collect();
    let book = Arc::new(Mutex::new(Book::default()));
    let next = Arc::new(AtomicU64::new(1));
    let started = Instant::now();
    for cycle in 0..kills {
        let (mut child, port) = start(&data, &logs, cycle);
        if cycle % 50 == 0 {
            check(port, &caps, &book, seed, cycle);
        }
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                let (caps, book, next) = (caps.clone(), book.clone(), next.clone());
                let s = seed ^ ((cycle * WORKERS + w) as u64) << 20;
                std::thread::spawn(move || work(port, &caps, &book, &next, s, cycle))
            })
            .collect();
        // Kill at a random point: sometimes during start-up work, mostly mid-load.
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..40_000)));
        child.kill();
        for w in workers {
            w.join().expect("a worker panicked");
        }
        if !book.lock().expect("book").resurrected.is_empty() {
            let (_node, port) = start(&data, &logs, cycle + 1);
            check(port, &caps, &book, seed, cycle);
        }
    }
    let (mut child, port) = start(&data, &logs, kills);
    check(port, &caps, &book, seed, kills);
    let b = book.lock().expect("book");
    eprintln!(
        "{kills} kills in {:.1} s: {} puts acknowledged, {} deletes acknowledged",
        started.elapsed().as_secs_f64(),
        b.acked.len(),
        b.deleted.len()
    );
    assert!(
        b.acked.len() > kills,
        "too little load to mean anything: {}",
        b.acked.len()
    );
    drop(b);
    child.kill();
}
