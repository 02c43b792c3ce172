//! Several `hushpost relay serve --store postgres://…` nodes on one database serve one route:
//! started together on a shared certificate directory they show one pin; a blob put through
//! one node is fetched and deleted through the other; SIGKILL of a node under load loses no
//! acknowledged blob; and `relay migrate` moves a segment store's blobs into PostgreSQL,
//! idempotently. Needs the loopback cluster of `scripts/servers/postgres.sh`
//! (`HUSHPOST_TEST_PG`); each test makes a database of its own with `psql`.

mod common;
use common::*;
use hushpost_core::{FetchCap, Route};
use hushpost_transports::https::RelayDrop;
use hushpost_transports::{DeadDrop, DialOptions, Flow, PutOptions};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SMALL: usize = 16_384;

/// A fresh database on the test cluster, or `None` (a skip) without one outside CI.
fn fresh_db() -> Option<String> {
    let base = match std::env::var("HUSHPOST_TEST_PG") {
        Ok(u) => u,
        Err(_) if std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_some() => {
            panic!("HUSHPOST_TEST_PG is required (scripts/servers/postgres.sh)")
        }
        Err(_) => {
            eprintln!("SKIP: no HUSHPOST_TEST_PG");
            return None;
        }
    };
    let name = format!("hp_cli_{:016x}", rand::random::<u64>());
    let st = std::process::Command::new("psql")
        .args([&base, "-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql");
    assert!(st.success(), "CREATE DATABASE failed");
    let (head, _) = base.rsplit_once('/').expect("URL with a database");
    Some(format!("{head}/{name}"))
}

fn drop_for(route: &str) -> RelayDrop {
    let route: Route = route.parse().expect("route");
    let dial = DialOptions {
        timeout_secs: 5,
        ..Default::default()
    };
    relay_drop(&route, &dial).expect("drop")
}

fn fetch_all(d: &mut RelayDrop, caps: &[FetchCap]) -> Vec<(usize, String, Vec<u8>)> {
    let mut out = Vec::new();
    d.fetch(caps, &mut |f| {
        out.push((f.cap, f.id, f.blob));
        Flow::Continue
    })
    .expect("fetch");
    out
}

#[test]
fn two_nodes_serve_one_route_and_a_killed_node_loses_nothing() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let Some(url) = fresh_db() else { return };
    let t = tempdir();
    let (tls, logs) = (t.path().join("tls-shared"), t.path().join("logs"));
    let args = ["--tls-self-signed", "--store", url.as_str()];
    // Both start at once on one certificate directory: one makes it, the other loads it.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| RelayProc::spawn(&tls, &logs.join("a"), &args));
        let b = s.spawn(|| RelayProc::spawn(&tls, &logs.join("b"), &args));
        (a.join().expect("a"), b.join().expect("b"))
    });
    let pin = |r: &RelayProc| r.route.split_once("#pin=").expect("pin").1.to_string();
    assert_eq!(pin(&a), pin(&b), "one pin for the route");
    assert_ne!(a.route, b.route, "two nodes");

    let cap = FetchCap(rand::random());
    let blob: Vec<u8> = (0..SMALL).map(|_| rand::random::<u8>()).collect();
    drop_for(&a.route)
        .put(&cap.tag(), &blob, PutOptions::default())
        .expect("put via A");
    let mut db = drop_for(&b.route);
    let got = fetch_all(&mut db, std::slice::from_ref(&cap));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].2, blob, "fetched via B");
    db.delete(std::slice::from_ref(&cap), &[(0, got[0].1.clone())])
        .expect("delete via B");
    assert!(fetch_all(&mut drop_for(&a.route), std::slice::from_ref(&cap)).is_empty());

    // Load through both nodes; SIGKILL A in the middle of it.
    type Acked = Arc<Mutex<Vec<(FetchCap, Vec<u8>)>>>;
    let acked: Acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let routes = [a.route.clone(), b.route.clone()];
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (route, acked, stop) = (routes[w % 2].clone(), acked.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut d = drop_for(&route);
                let cap = FetchCap(rand::random());
                while !stop.load(Ordering::Relaxed) {
                    let blob: Vec<u8> = (0..SMALL).map(|_| rand::random::<u8>()).collect();
                    match d.put(&cap.tag(), &blob, PutOptions::default()) {
                        Ok(()) => acked.lock().expect("lock").push((cap.clone(), blob)),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while acked.lock().expect("lock").len() < 200 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut a = a;
    a.child.kill().expect("SIGKILL A");
    a.child.wait().expect("wait");
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("worker");
    }
    let acked = std::mem::take(&mut *acked.lock().expect("lock"));
    assert!(acked.len() >= 100, "only {} puts", acked.len());
    let mut want: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut caps: Vec<FetchCap> = Vec::new();
    for (c, blob) in &acked {
        *want.entry(blob.clone()).or_default() += 1;
        if !caps.contains(c) {
            caps.push(c.clone());
        }
    }
    let mut got = 0;
    for (_, _, blob) in fetch_all(&mut drop_for(&b.route), &caps) {
        if let Some(n) = want.get_mut(&blob)
            && *n > 0
        {
            *n -= 1;
            got += 1;
        }
    }
    assert_eq!(
        got,
        acked.len(),
        "acknowledged blobs lost when a node was killed"
    );
    let mut b = b;
    assert_eq!(b.stop(), 0);
}

#[test]
fn migrate_moves_a_segment_store_into_postgres_once() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let Some(url) = fresh_db() else { return };
    let t = tempdir();
    let (data, logs) = (t.path().join("data"), t.path().join("logs"));
    let mut relay = RelayProc::spawn(&data, &logs, &["--tls-self-signed"]);
    let caps: Vec<FetchCap> = (0..3).map(|_| FetchCap(rand::random())).collect();
    let mut d = drop_for(&relay.route);
    let mut sent = Vec::new();
    for i in 0..12 {
        let blob = vec![i as u8 + 1; SMALL];
        d.put(&caps[i % 3].tag(), &blob, PutOptions::default())
            .expect("put");
        sent.push(blob);
    }
    let before = fetch_all(&mut d, &caps);
    assert_eq!(before.len(), 12);

    // A running relay holds its directory: migrate refuses.
    let hp = Hp::new(t.path(), "op");
    let from = data.to_str().expect("utf8");
    let (code, _, err) = hp.run(&["relay", "migrate", "--from", from, "--to", &url]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("another relay process"), "{err}");
    assert_eq!(relay.stop(), 0);

    let out = hp.ok(&["relay", "migrate", "--from", from, "--to", &url]);
    assert!(out.contains("copied 12 blobs"), "{out}");
    let out = hp.ok(&["relay", "migrate", "--from", from, "--to", &url]);
    assert!(
        out.contains("copied 0 blobs") && out.contains("12 were there already"),
        "{out}"
    );

    // The same route (same certificate), now from PostgreSQL: the same blobs, the same ids.
    let mut pg = RelayProc::spawn(&data, &logs, &["--tls-self-signed", "--store", &url]);
    assert_eq!(
        pg.route.split_once('#').map(|x| x.1),
        relay.route.split_once('#').map(|x| x.1)
    );
    let mut after = fetch_all(&mut drop_for(&pg.route), &caps);
    let mut before = before;
    before.sort();
    after.sort();
    assert_eq!(after, before, "blobs and their ids survive the move");
    assert_eq!(pg.stop(), 0);
}
