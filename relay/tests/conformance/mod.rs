//! One conformance suite for every relay store (`BlobStore`): a seeded model-based test —
//! random puts, fetches, deletes, sweeps, clock jumps past retention and restarts, checked
//! after every step against a model of what must be there — plus targeted checks of the
//! quota under concurrent puts and of single-use nonces. `store_log.rs` and `store_pg.rs`
//! run it against the segment store and PostgreSQL.
//!
//! A failing run prints its seed; `HUSHPOST_STORE_SEED=N` replays it and
//! `HUSHPOST_STORE_OPS=N` makes runs longer.
#![allow(dead_code)]

use hushpost_relay::store::log::{HEADER, StoreConfig};
use hushpost_relay::store::{BlobStore, Cursor, LARGE, SMALL, StoreError};
use hushpost_wire::Tag;
use hushpost_wire::time::Clock;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    pub fn new(t: u64) -> ManualClock {
        ManualClock(AtomicU64::new(t))
    }
    pub fn advance(&self, s: u64) {
        self.0.fetch_add(s, Ordering::Relaxed);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A store under test: how to open it (again) on the same data.
pub trait Bed {
    type S: BlobStore;
    /// Opens the store; called inside the suite's multi-threaded runtime.
    fn open(&mut self, cfg: StoreConfig, clock: Arc<ManualClock>) -> Self::S;
    /// Bytes the store takes on disk, if that can be measured from outside.
    fn disk_bytes(&self) -> Option<u64>;
}

/// Blob `n` of `len` bytes: its number in the first 8 bytes, then a pattern that differs
/// per chunk, so a chunk in the wrong place is caught.
pub fn content(n: u64, len: usize) -> Vec<u8> {
    let mut b: Vec<u8> = (0..len)
        .map(|i| (n as u8).wrapping_mul(31).wrapping_add((i / SMALL) as u8))
        .collect();
    b[..8].copy_from_slice(&n.to_le_bytes());
    b
}

pub fn tag(i: usize) -> Tag {
    let mut t = [0u8; 32];
    t[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
    t[31] = 0x5a;
    Tag(t)
}

/// A blob as fetched: (index of the tag in the request, id, bytes).
pub type Got = (u16, u64, Vec<u8>);

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Every blob under `tags`, paging with `slots` slots, reassembled.
pub fn fetch_all<S: BlobStore>(
    rt: &tokio::runtime::Runtime,
    s: &S,
    tags: &[Tag],
    slots: usize,
) -> Vec<Got> {
    let mut out: Vec<Got> = Vec::new();
    let mut cursor = Cursor::default();
    loop {
        let (plan, next) = rt.block_on(s.plan(tags, cursor, slots)).expect("plan");
        assert!(plan.len() <= slots);
        for p in &plan {
            let mut d = vec![0u8; SMALL];
            s.read(&p.loc, &mut d).expect("read");
            assert_eq!(usize::from(p.chunks), p.len as usize / SMALL);
            if p.chunk == 0 {
                out.push((p.cap, p.id, d));
            } else {
                let last = out.last_mut().expect("chunk 0 comes first");
                assert_eq!(
                    (last.0, last.1),
                    (p.cap, p.id),
                    "chunks of one blob in a row"
                );
                assert_eq!(
                    last.2.len(),
                    usize::from(p.chunk) * SMALL,
                    "chunks in order"
                );
                last.2.extend_from_slice(&d);
            }
        }
        match next {
            Some(c) => cursor = c,
            None => return out,
        }
    }
}

#[derive(Debug, Clone)]
struct MBlob {
    n: u64,
    len: usize,
    time: u64,
    id: Option<u64>,
}

/// The model: per tag, the acknowledged blobs not deleted, in arrival order.
struct Model {
    tags: Vec<Vec<MBlob>>,
    retention: u64,
}

impl Model {
    fn live(&self, t: usize, now: u64) -> Vec<&MBlob> {
        self.tags[t]
            .iter()
            .filter(|b| b.time + self.retention > now)
            .collect()
    }
}

pub fn model_config() -> StoreConfig {
    StoreConfig {
        // 8: large blobs stop at 7, leaving one to small ones.
        tag_quota: 8,
        tag_max_bytes: (2 * LARGE + 2 * SMALL) as u64,
        retention_secs: 1_000,
        segment_bytes: 6 * (HEADER + SMALL) as u64,
        lanes: 2,
        max_bytes: None,
        min_free_bytes: 0,
    }
}

const TAGS: usize = 6;

/// Runs the model-based test for `seed`; panics (after printing the seed) on the first
/// difference between the store and the model.
pub fn model_run<B: Bed>(bed: &mut B, seed: u64, ops: usize) {
    eprintln!("store model: seed {seed}, {ops} operations (replay: HUSHPOST_STORE_SEED={seed})");
    let rt = runtime();
    let cfg = model_config();
    let clock = Arc::new(ManualClock::new(1_000_000));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut store = Some(rt.block_on(async { bed.open(cfg.clone(), clock.clone()) }));
    let mut m = Model {
        tags: vec![Vec::new(); TAGS],
        retention: cfg.retention_secs,
    };
    let mut next_n = 1u64;
    for step in 0..ops {
        let s = store.as_ref().expect("open");
        let now = clock.now();
        let roll = rng.gen_range(0..100);
        let ctx = format!("seed {seed}, step {step}");
        if roll < 45 {
            let t = rng.gen_range(0..TAGS);
            let len = if rng.gen_ratio(1, 8) { LARGE } else { SMALL };
            let live = m.live(t, now);
            let held: usize = live.iter().map(|b| b.len).sum();
            // Large blobs leave an eighth of the quota to small ones.
            let reserve = if len == LARGE { cfg.tag_quota / 8 } else { 0 };
            let got = rt.block_on(s.put(tag(t), content(next_n, len).into(), 0));
            match got {
                Ok(()) => {
                    assert!(
                        live.len() + reserve < cfg.tag_quota,
                        "{ctx}: put over the quota"
                    );
                    assert!(
                        held + len + reserve * SMALL <= cfg.tag_max_bytes as usize,
                        "{ctx}: over bytes"
                    );
                    m.tags[t].push(MBlob {
                        n: next_n,
                        len,
                        time: now,
                        id: None,
                    });
                }
                Err(StoreError::QuotaFull(_)) => {
                    assert!(
                        live.len() >= cfg.tag_quota,
                        "{ctx}: refused below the quota"
                    )
                }
                Err(StoreError::LargeFull(..)) => assert!(
                    reserve > 0 && live.len() + reserve >= cfg.tag_quota,
                    "{ctx}: a large blob refused below the reserve"
                ),
                Err(StoreError::TagBytesFull(_)) => assert!(
                    held + len + reserve * SMALL > cfg.tag_max_bytes as usize,
                    "{ctx}: refused below the byte quota"
                ),
                Err(e) => panic!("{ctx}: put failed: {e}"),
            }
            next_n += 1;
        } else if roll < 65 {
            let k = rng.gen_range(1..=4);
            let mut ts: Vec<usize> = (0..TAGS + 1).collect();
            for i in (1..ts.len()).rev() {
                ts.swap(i, rng.gen_range(0..=i));
            }
            ts.truncate(k);
            check_fetch(&rt, s, &mut m, &ts, rng.gen_range(1..=8), now, &ctx);
        } else if roll < 80 {
            delete_some(&rt, s, &mut m, &mut rng, &ctx);
        } else if roll < 86 {
            let st = s.sweep().unwrap_or_else(|e| panic!("{ctx}: sweep: {e}"));
            assert!(!st.skipped, "{ctx}: a lone store skipped its sweep");
            let live: Vec<&MBlob> = (0..TAGS).flat_map(|t| m.live(t, now)).collect();
            assert_eq!(
                s.stats().blobs,
                live.len() as u64,
                "{ctx}: blobs after a sweep"
            );
            if let Some(disk) = bed.disk_bytes() {
                let live_bytes: u64 = live.iter().map(|b| (HEADER + b.len) as u64).sum();
                let slack = cfg.lanes as u64 * (cfg.segment_bytes + (HEADER + LARGE) as u64);
                assert!(
                    disk <= 2 * live_bytes + slack,
                    "{ctx}: {disk} bytes on disk for {live_bytes} live (compaction)"
                );
            }
        } else if roll < 93 {
            clock.advance(rng.gen_range(0..cfg.retention_secs / 2));
        } else if roll < 98 {
            drop(store.take());
            store = Some(rt.block_on(async { bed.open(cfg.clone(), clock.clone()) }));
            let all: Vec<usize> = (0..TAGS).collect();
            let s = store.as_ref().expect("reopened");
            check_fetch(&rt, s, &mut m, &all, 16, now, &format!("{ctx} (restart)"));
        } else {
            let nonce: [u8; 16] = rng.r#gen();
            assert!(rt.block_on(s.spend_nonce(nonce, now + 600)).expect("spend"));
            assert!(!rt.block_on(s.spend_nonce(nonce, now + 600)).expect("spend"));
        }
    }
    let s = store.as_ref().expect("open");
    let all: Vec<usize> = (0..TAGS).collect();
    check_fetch(
        &rt,
        s,
        &mut m,
        &all,
        5,
        clock.now(),
        &format!("seed {seed}, end"),
    );
    s.shutdown();
}

/// Fetches `ts` and compares with the model, learning the store's ids on the way.
fn check_fetch<S: BlobStore>(
    rt: &tokio::runtime::Runtime,
    s: &S,
    m: &mut Model,
    ts: &[usize],
    slots: usize,
    now: u64,
    ctx: &str,
) {
    let tags: Vec<Tag> = ts.iter().map(|&t| tag(t)).collect();
    let got = fetch_all(rt, s, &tags, slots);
    let mut want: Vec<(u16, u64, usize)> = Vec::new();
    for (ci, &t) in ts.iter().enumerate() {
        if t < TAGS {
            for b in m.live(t, now) {
                want.push((ci as u16, b.n, b.len));
            }
        }
    }
    let seen: Vec<(u16, u64, usize)> = got
        .iter()
        .map(|(c, _, d)| {
            (
                *c,
                u64::from_le_bytes(d[..8].try_into().expect("8")),
                d.len(),
            )
        })
        .collect();
    assert_eq!(
        seen, want,
        "{ctx}: fetched (tag, blob, size) differ from the model"
    );
    for (c, id, d) in &got {
        let n = u64::from_le_bytes(d[..8].try_into().expect("8"));
        assert!(
            *d == content(n, d.len()),
            "{ctx}: blob {n} has the wrong bytes"
        );
        let b = m.tags[ts[usize::from(*c)]]
            .iter_mut()
            .find(|b| b.n == n)
            .expect("in the model");
        assert!(
            b.id.is_none() || b.id == Some(*id),
            "{ctx}: blob {n} changed its id"
        );
        b.id = Some(*id);
    }
}

/// Deletes a few known blobs, plus a right id under a wrong tag (which must delete nothing).
fn delete_some<S: BlobStore>(
    rt: &tokio::runtime::Runtime,
    s: &S,
    m: &mut Model,
    rng: &mut ChaCha8Rng,
    ctx: &str,
) {
    let known: Vec<(usize, u64)> = (0..TAGS)
        .flat_map(|t| m.tags[t].iter().filter_map(move |b| Some((t, b.id?))))
        .collect();
    if known.is_empty() {
        return;
    }
    let mut items = Vec::new();
    let mut gone = Vec::new();
    for _ in 0..rng.gen_range(1..=4) {
        let (t, id) = known[rng.gen_range(0..known.len())];
        if rng.gen_ratio(1, 5) {
            items.push((tag((t + 1) % TAGS), id));
        } else {
            items.push((tag(t), id));
            gone.push((t, id));
        }
    }
    rt.block_on(s.delete(items))
        .unwrap_or_else(|e| panic!("{ctx}: delete: {e}"));
    for (t, id) in gone {
        m.tags[t].retain(|b| b.id != Some(id));
    }
}

/// The seeds to run: `HUSHPOST_STORE_SEED` alone, or `n` fresh ones.
pub fn seeds(n: usize) -> Vec<u64> {
    match std::env::var("HUSHPOST_STORE_SEED") {
        Ok(s) => vec![s.parse().expect("HUSHPOST_STORE_SEED is a number")],
        Err(_) => (0..n).map(|_| rand::random::<u32>() as u64).collect(),
    }
}

pub fn ops(default: usize) -> usize {
    std::env::var("HUSHPOST_STORE_OPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Many concurrent puts under one tag: exactly the quota is admitted, the rest refused.
pub fn quota_holds_under_concurrent_puts<S: BlobStore>(
    rt: &tokio::runtime::Runtime,
    nodes: &[Arc<S>],
    quota: usize,
) {
    let t = Tag([0xc3; 32]);
    let results: Vec<Result<(), StoreError>> = rt.block_on(async {
        let mut tasks = Vec::new();
        for i in 0..(quota * 3) {
            let s = nodes[i % nodes.len()].clone();
            tasks.push(tokio::spawn(async move {
                s.put(t, content(i as u64, SMALL).into(), 0).await
            }));
        }
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.expect("task"));
        }
        out
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::QuotaFull(_))))
        .count();
    assert_eq!((ok, refused), (quota, 2 * quota), "admitted / refused");
    let got = fetch_all(rt, &*nodes[0], &[t], 64);
    assert_eq!(got.len(), quota, "exactly the quota is stored");
}

/// Large blobs stop short of the quota by its small reserve; small blobs take the rest, so
/// small mail finds room behind a large message whose sender keeps retrying. Puts
/// alternate between `nodes` (one store, or several nodes of a shared one).
pub fn large_blobs_leave_room_for_small_ones<S: BlobStore>(
    rt: &tokio::runtime::Runtime,
    nodes: &[Arc<S>],
    quota: usize,
) {
    let reserve = quota / 8;
    assert!(reserve > 0, "a quota of at least 8 keeps a reserve");
    let t = Tag([0x5e; 32]);
    let put = |i: usize, len: usize| {
        rt.block_on(nodes[i % nodes.len()].put(t, content(i as u64, len).into(), 0))
    };
    let mut large = 0;
    let refused = loop {
        match put(large, LARGE) {
            Ok(()) => large += 1,
            Err(e) => break e,
        }
        assert!(large <= quota, "large blobs past the quota");
    };
    assert!(
        matches!(refused, StoreError::LargeFull(l, q) if l == quota - reserve && q == quota),
        "{refused:?}"
    );
    assert_eq!(large, quota - reserve, "large blobs stop at the reserve");
    for i in 0..reserve {
        put(1_000 + i, SMALL).unwrap_or_else(|e| panic!("small blob {i} refused: {e}"));
    }
    assert!(
        matches!(put(2_000, SMALL), Err(StoreError::QuotaFull(_))),
        "then full"
    );
    let got = fetch_all(rt, &*nodes[0], &[t], 64);
    assert_eq!(got.len(), quota, "everything admitted is stored");
}

/// A nonce is spent once, whichever node it is spent at.
pub fn nonces_are_single_use<S: BlobStore>(rt: &tokio::runtime::Runtime, nodes: &[Arc<S>]) {
    let n: [u8; 16] = rand::random();
    let spent: Vec<bool> = rt.block_on(async {
        let mut v = Vec::new();
        for s in nodes.iter().chain(nodes.iter()) {
            v.push(s.spend_nonce(n, u64::MAX / 2).await.expect("spend"));
        }
        v
    });
    assert_eq!(spent.iter().filter(|b| **b).count(), 1, "{spent:?}");
}
