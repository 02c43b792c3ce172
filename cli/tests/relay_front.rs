//! The relay's front holds against slow clients: 1,100 connections that dribble a request
//! header one byte at a time, plus a real user whose put and fetch must still complete; the
//! relay, busy, demands proof of work on every put (and the client mints it by itself);
//! connections over the cap are refused; the slow ones are cut by the header timeout; and
//! one log line says what was refused, with no address or tag in it.
//!
//! The relay runs as the real binary with `--plain-http` on loopback, so the test can also
//! speak raw HTTP to it (the TLS handshake timeout is the same kind of timer, set by the
//! same code). The time the user's put + fetch took is printed, not asserted (beyond a
//! generous bound): the figure belongs in the benchmark notes.

mod common;
use common::*;
use hushpost_core::{FetchCap, Route};
use hushpost_transports::{DeadDrop, DialOptions, Flow, PutOptions};
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

const SMALL: usize = 16_384;
const SLOW: usize = 1_100;

fn raise_fd_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
    if soft < hard {
        setrlimit(Resource::RLIMIT_NOFILE, hard, hard).expect("setrlimit");
    }
    let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
    assert!(
        soft >= 4_096,
        "the test needs 4096 file descriptors, has {soft}"
    );
}

/// Opens `n` connections that have each sent the start of a request header.
fn slow_clients(port: u16, n: usize) -> Vec<TcpStream> {
    (0..n)
        .filter_map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
            s.write_all(b"PUT /v1/blobs HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .ok()?;
            Some(s)
        })
        .collect()
}

/// One more header byte on every connection still open; returns how many took it.
fn dribble(conns: &mut [TcpStream]) -> usize {
    conns
        .iter_mut()
        .map(|s| s.write_all(b"a").is_ok())
        .filter(|ok| *ok)
        .count()
}

fn info(port: u16) -> serde_json::Value {
    let (st, body) = Http::connect(port)
        .expect("connect")
        .call("GET", "/v1/info", None, b"")
        .expect("info");
    assert_eq!(st, 200);
    serde_json::from_slice(&body).expect("json")
}

#[test]
fn slow_clients_do_not_keep_a_user_out() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    raise_fd_limit();
    let t = tempdir();
    let mut relay = RelayProc::spawn(
        &t.path().join("data"),
        &t.path().join("logs"),
        &["--plain-http", "--max-connections", "1600"],
    );
    let port: u16 = relay
        .route
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    assert_eq!(info(port)["pow"]["puts"], false, "not busy yet");

    let mut slow = slow_clients(port, SLOW);
    assert_eq!(slow.len(), SLOW, "every slow client got in");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        dribble(&mut slow),
        SLOW,
        "all slow clients are still connected"
    );

    // Busy now (1,100 of 1,600 connections): a plain put is refused, and says why.
    let v = info(port);
    assert_eq!(v["pow"]["puts"], true, "{v}");
    assert!(v["pow"]["put_difficulty"].as_u64().is_some(), "{v}");
    let cap = FetchCap(rand::random());
    let tag = cap.tag().hex();
    let (st, body) = Http::connect(port)
        .expect("connect")
        .call(
            "PUT",
            "/v1/blobs",
            Some(("Hushpost-Tag", &tag)),
            &vec![7u8; SMALL],
        )
        .expect("put");
    assert_eq!(st, 403, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("pow_missing"));

    // The real user: the client mints the stamp itself; put and fetch complete.
    let route: Route = relay.route.parse().expect("route");
    let started = Instant::now();
    let mut d = relay_drop(&route, &DialOptions::default()).expect("drop");
    let blob: Vec<u8> = (0..SMALL).map(|_| rand::random::<u8>()).collect();
    d.put(&cap.tag(), &blob, PutOptions::default())
        .expect("the user's put");
    let mut got = Vec::new();
    d.fetch(std::slice::from_ref(&cap), &mut |f| {
        got.push(f.blob);
        Flow::Continue
    })
    .expect("the user's fetch");
    let took = started.elapsed();
    eprintln!(
        "user put + fetch beside {SLOW} slow clients: {} ms",
        took.as_millis()
    );
    assert_eq!(got, vec![blob], "the user's blob came back");
    assert!(took < Duration::from_secs(30), "sanity bound: {took:?}");

    // Over the cap: further connections are closed at once.
    let extra = slow_clients(port, 600);
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = extra;
    // A write to a socket the relay closed succeeds once (the reset comes back after it).
    dribble(&mut extra);
    std::thread::sleep(Duration::from_millis(200));
    let alive = dribble(&mut extra);
    assert!(
        alive < 600,
        "connections over the cap were refused ({alive} of 600 alive)"
    );

    // The header timeout (10 s) cuts the slow ones; then the relay is free again.
    let deadline = Instant::now() + Duration::from_secs(40);
    while dribble(&mut slow) > 0 {
        assert!(Instant::now() < deadline, "slow clients were never cut");
        std::thread::sleep(Duration::from_secs(1));
    }
    drop((slow, extra));
    let deadline = Instant::now() + Duration::from_secs(20);
    while info(port)["pow"]["puts"] == true {
        assert!(Instant::now() < deadline, "the relay stayed busy");
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut d = relay_drop(&route, &DialOptions::default()).expect("drop");
    d.put(&cap.tag(), &vec![1u8; SMALL], PutOptions::default())
        .expect("a put after the storm");

    // One log line said what was refused: counts, no address, no tag.
    let deadline = Instant::now() + Duration::from_secs(15);
    let log = loop {
        let log = std::fs::read_to_string(&relay.log).unwrap_or_default();
        if log
            .lines()
            .any(|l| l.contains("refused:") && !l.contains(" 0 connections over the cap"))
        {
            break log;
        }
        assert!(
            Instant::now() < deadline,
            "no refusal line in the log:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(
        log.contains("connections closed before a whole request"),
        "the cut slow clients are counted:\n{log}"
    );
    assert!(!log.contains("127.0.0.1"), "an address in the log:\n{log}");
    assert!(!log.contains(&tag), "a tag in the log");
    assert_eq!(relay.stop(), 0, "{log}");
}
