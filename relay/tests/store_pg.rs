//! The conformance suite against the PostgreSQL store on the loopback cluster that
//! `scripts/servers/postgres.sh` starts (`HUSHPOST_TEST_PG`), plus what only a shared store
//! has: two nodes on one database (a put through one is fetched and deleted through the
//! other, the quota holds across both, a nonce is spent once across both) and a sweep lock
//! that only one node holds at a time. Each test makes a database of its own.

mod conformance;
use conformance::*;
use hushpost_relay::store::log::StoreConfig;
use hushpost_relay::store::pg::{LOCK_CLASS, PgStore, SWEEP_LOCK};
use hushpost_relay::store::{BlobStore, LARGE, SMALL};
use std::sync::Arc;

/// The cluster's URL, or `None` (a skip) when there is none outside CI.
fn server() -> Option<String> {
    match std::env::var("HUSHPOST_TEST_PG") {
        Ok(u) => Some(u),
        Err(_) if std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_some() => {
            panic!("HUSHPOST_TEST_PG is required (scripts/servers/postgres.sh)")
        }
        Err(_) => {
            eprintln!("SKIP: no HUSHPOST_TEST_PG (run scripts/servers/postgres.sh)");
            None
        }
    }
}

/// A fresh database on the cluster; its URL.
fn fresh_db(rt: &tokio::runtime::Runtime, base: &str) -> String {
    let name = format!("hp_test_{:016x}", rand::random::<u64>());
    rt.block_on(async {
        let (c, conn) = tokio_postgres::connect(base, tokio_postgres::NoTls)
            .await
            .expect("connect to the test cluster");
        tokio::spawn(conn);
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
    });
    let (head, _) = base.rsplit_once('/').expect("URL with a database");
    format!("{head}/{name}")
}

struct PgBed {
    url: String,
}

impl Bed for PgBed {
    type S = PgStore;
    fn open(&mut self, cfg: StoreConfig, clock: Arc<ManualClock>) -> PgStore {
        let url = self.url.clone();
        // Called inside the suite's runtime: open on it, from a thread of its own.
        let h = tokio::runtime::Handle::current();
        std::thread::spawn(move || h.block_on(PgStore::open(&url, cfg, clock)))
            .join()
            .expect("thread")
            .expect("the PostgreSQL store opens")
    }
    fn disk_bytes(&self) -> Option<u64> {
        None
    }
}

#[test]
fn the_postgres_store_matches_the_model_over_random_runs() {
    let Some(base) = server() else { return };
    for seed in seeds(2) {
        let rt = runtime();
        let url = fresh_db(&rt, &base);
        model_run(&mut PgBed { url }, seed, ops(300));
    }
}

fn nodes(rt: &tokio::runtime::Runtime, url: &str, cfg: StoreConfig, n: usize) -> Vec<Arc<PgStore>> {
    let clock = Arc::new(ManualClock::new(1_000_000));
    (0..n)
        .map(|_| {
            Arc::new(
                rt.block_on(PgStore::open(url, cfg.clone(), clock.clone()))
                    .expect("open"),
            )
        })
        .collect()
}

#[test]
fn two_nodes_share_blobs_quota_and_nonces() {
    let Some(base) = server() else { return };
    let rt = runtime();
    let url = fresh_db(&rt, &base);
    let cfg = StoreConfig {
        tag_quota: 12,
        tag_max_bytes: 12 * LARGE as u64,
        ..model_config()
    };
    let n = nodes(&rt, &url, cfg, 2);
    assert_eq!(
        n[0].pow_key(),
        n[1].pow_key(),
        "one proof-of-work key for every node"
    );

    let t = tag(1);
    rt.block_on(n[0].put(t, content(7, SMALL).into(), 0))
        .expect("put via A");
    let got = fetch_all(&rt, &*n[1], &[t], 4);
    assert_eq!(got.len(), 1, "fetched via B");
    assert_eq!(got[0].2, content(7, SMALL));
    rt.block_on(n[1].delete(vec![(t, got[0].1)]))
        .expect("delete via B");
    assert!(fetch_all(&rt, &*n[0], &[t], 4).is_empty(), "gone for A too");

    quota_holds_under_concurrent_puts(&rt, &n, 12);
    large_blobs_leave_room_for_small_ones(&rt, &n, 12);
    nonces_are_single_use(&rt, &n);
}

#[test]
fn only_one_node_sweeps_at_a_time() {
    let Some(base) = server() else { return };
    let rt = runtime();
    let url = fresh_db(&rt, &base);
    let clock = Arc::new(ManualClock::new(1_000_000));
    let s = rt
        .block_on(PgStore::open(&url, model_config(), clock.clone()))
        .expect("open");
    let t = tag(2);
    rt.block_on(s.put(t, content(1, SMALL).into(), 0))
        .expect("put");
    clock.advance(model_config().retention_secs + 1);
    // Another node is sweeping: it holds the sweep lock.
    let other = rt.block_on(async {
        let (c, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        c.execute(
            "SELECT pg_advisory_lock($1, $2)",
            &[&LOCK_CLASS, &SWEEP_LOCK],
        )
        .await
        .expect("lock");
        c
    });
    let st =
        std::thread::scope(|sc| sc.spawn(|| s.sweep()).join().expect("thread")).expect("sweep");
    assert!(st.skipped && st.expired == 0, "{st:?}");
    // That node finishes (released explicitly: a dropped client's session ends at the
    // server only some time later, and the test must not race it).
    rt.block_on(other.execute(
        "SELECT pg_advisory_unlock($1, $2)",
        &[&LOCK_CLASS, &SWEEP_LOCK],
    ))
    .expect("unlock");
    drop(other);
    let st =
        std::thread::scope(|sc| sc.spawn(|| s.sweep()).join().expect("thread")).expect("sweep");
    assert!(!st.skipped, "{st:?}");
    assert_eq!(st.expired, 1);
}
