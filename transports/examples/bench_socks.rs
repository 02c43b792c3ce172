//! Benchmark (not a test): small relay round trips (put one 16,384-byte blob, fetch it by
//! capability, delete it) directly and through a SOCKS5 proxy, in one run.
//!
//! Two shapes per path:
//! - `reused`: one transport for all round trips (one TLS connection, as within one `fetch`
//!   or `send` run);
//! - `isolated`: a new transport per round trip with its own SOCKS credentials, which is
//!   what hushpost does for each logical operation over Tor (fresh circuit, fresh TLS).
//!
//! Usage: bench_socks RELAY_URL PROXY_URL [N]   (driven by `bench/tor.sh`)
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::{FetchCap, Route};
use hushpost_transports::{DeadDrop, DialOptions, Flow, PutOptions, Transport};
use rand::RngCore;
use std::time::{Duration, Instant};

fn round_trip(t: &mut Transport, blob: &mut [u8]) {
    let mut cap = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut cap);
    let cap = FetchCap(cap);
    rand::rngs::OsRng.fill_bytes(&mut blob[..16]);
    t.put(&cap.tag(), blob, PutOptions::default()).expect("put");
    let mut ids = Vec::new();
    t.fetch(std::slice::from_ref(&cap), &mut |f| {
        assert_eq!(f.blob, *blob, "fetched blob differs from the one put");
        ids.push((f.cap, f.id));
        Flow::Continue
    })
    .expect("fetch");
    assert_eq!(ids.len(), 1, "expected exactly one blob back");
    t.delete(std::slice::from_ref(&cap), &ids).expect("delete");
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn run(route: &Route, proxy: Option<&str>, isolated: bool, n: usize) -> (f64, f64, f64) {
    let dial = |i: usize| DialOptions {
        proxy: proxy.map(str::to_string),
        isolation: proxy.map(|_| (format!("bench{i}"), "x".to_string())),
        ..DialOptions::default()
    };
    let mut blob = vec![0u8; 16_384];
    let mut shared = Transport::open(route, &dial(0)).expect("open transport");
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n {
        let t0 = Instant::now();
        if isolated {
            let mut t = Transport::open(route, &dial(i + 1)).expect("open transport");
            round_trip(&mut t, &mut blob);
        } else {
            round_trip(&mut shared, &mut blob);
        }
        lat.push(t0.elapsed());
    }
    let total = start.elapsed().as_secs_f64();
    lat.sort();
    (total, percentile(&lat, 0.5), percentile(&lat, 0.95))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: bench_socks RELAY_URL PROXY_URL [N]");
        std::process::exit(2);
    }
    let route: Route = args[1].parse().expect("relay route URL");
    let proxy = args[2].as_str();
    let n: usize = args.get(3).map_or(1000, |s| s.parse().expect("N"));

    println!("{n} round trips (put 16 KiB + fetch + delete) on loopback");
    println!(
        "{:<24} {:>9} {:>11} {:>9} {:>9} {:>9}",
        "path", "total s", "rt/s", "p50 ms", "p95 ms", "vs direct"
    );
    for isolated in [false, true] {
        let shape = if isolated { "isolated" } else { "reused" };
        let direct = run(&route, None, isolated, n);
        let socks = run(&route, Some(proxy), isolated, n);
        for (name, r) in [("direct", direct), ("socks5h", socks)] {
            println!(
                "{:<24} {:>9.2} {:>11.0} {:>9.2} {:>9.2} {:>8.2}x",
                format!("{name} ({shape})"),
                r.0,
                n as f64 / r.0,
                r.1,
                r.2,
                r.0 / direct.0
            );
        }
    }
}
