//! The relay's HTTP API, in process on 127.0.0.1:0 with a clock the test can move: bucket
//! sizes, capabilities, fixed-size fetch answers, paging, quota, retention, proof of work,
//! the disk high-water mark. (TLS, pinning and the client are tested in
//! `transports/tests/relay.rs`; the real binary in `cli/tests/relay*.rs`.)

use hushpost_relay::api::fetch_answer_len;
use hushpost_relay::{Config, OffsetClock, Relay, TlsMode};
use hushpost_wire::{FetchCap, Tag, pow};
use std::sync::Arc;

const SMALL: usize = 16_384;
const LARGE: usize = 262_144;

struct T {
    relay: Relay,
    clock: Arc<OffsetClock>,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    base: String,
    dir: tempfile::TempDir,
}

struct Slot {
    cap: u16,
    id: String,
    flags: u8,
    chunk: u16,
    chunks: u16,
    len: u32,
    data: Vec<u8>,
}

struct Page {
    slots: Vec<Slot>,
    cursor: Option<String>,
    raw: Vec<u8>,
}

fn start(tune: impl FnOnce(&mut Config)) -> T {
    let dir = tempfile::tempdir().expect("tmp");
    let mut cfg = Config::new(
        "127.0.0.1:0".parse().expect("addr"),
        dir.path().to_path_buf(),
        TlsMode::Plain,
    );
    cfg.store.min_free_bytes = 0;
    tune(&mut cfg);
    let clock = Arc::new(OffsetClock::default());
    let relay = Relay::start(cfg, clock.clone()).expect("start");
    let base = format!("http://{}", relay.addr());
    T {
        relay,
        clock,
        rt: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt"),
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        base,
        dir,
    }
}

fn cap() -> FetchCap {
    FetchCap(rand::random())
}

fn blob(len: usize) -> Vec<u8> {
    (0..len).map(|_| rand::random::<u8>()).collect()
}

impl T {
    fn send(&self, req: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        self.rt.block_on(async {
            let r = req.send().await.expect("request");
            let status = r.status().as_u16();
            let headers = r.headers().clone();
            (status, headers, r.bytes().await.expect("body").to_vec())
        })
    }

    fn put(&self, tag: &Tag, b: &[u8]) -> (u16, Option<String>, String) {
        let (s, h, body) = self.send(
            self.http
                .put(format!("{}/v1/blobs", self.base))
                .header("hushpost-tag", tag.hex())
                .body(b.to_vec()),
        );
        (
            s,
            h.get("retry-after")
                .map(|v| v.to_str().expect("ascii").to_string()),
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    fn intro(&self, tag: &Tag, b: &[u8], stamp: Option<String>) -> (u16, String) {
        let mut req = self
            .http
            .put(format!("{}/v1/intro", self.base))
            .header("hushpost-tag", tag.hex())
            .body(b.to_vec());
        if let Some(s) = stamp {
            req = req.header("hushpost-pow", s);
        }
        let (s, _, body) = self.send(req);
        (s, String::from_utf8_lossy(&body).into_owned())
    }

    fn info(&self) -> serde_json::Value {
        let (s, _, body) = self.send(self.http.get(format!("{}/v1/info", self.base)));
        assert_eq!(s, 200);
        serde_json::from_slice(&body).expect("json")
    }

    fn fetch_raw(&self, caps: &[FetchCap], slots: usize, cursor: Option<&str>) -> (u16, Vec<u8>) {
        let caps: Vec<String> = caps.iter().map(|c| c.hex()).collect();
        let mut body = serde_json::json!({ "caps": caps, "slots": slots });
        if let Some(c) = cursor {
            body["cursor"] = c.into();
        }
        let (s, _, b) = self.send(
            self.http
                .post(format!("{}/v1/fetch", self.base))
                .body(body.to_string()),
        );
        (s, b)
    }

    fn fetch(&self, caps: &[FetchCap], slots: usize, cursor: Option<&str>) -> Page {
        let (s, raw) = self.fetch_raw(caps, slots, cursor);
        assert_eq!(s, 200);
        assert_eq!(raw.len(), fetch_answer_len(slots), "fetch answer size");
        assert_eq!(&raw[..4], b"HPF1");
        let mut out = Vec::new();
        for sl in raw[32..].chunks_exact(32 + SMALL) {
            let (h, d) = sl.split_at(32);
            if h[0] == 1 {
                out.push(Slot {
                    cap: u16::from_be_bytes([h[2], h[3]]),
                    flags: h[1],
                    chunk: u16::from_be_bytes([h[4], h[5]]),
                    chunks: u16::from_be_bytes([h[6], h[7]]),
                    len: u32::from_be_bytes([h[8], h[9], h[10], h[11]]),
                    id: hex::encode(&h[16..24]),
                    data: d.to_vec(),
                });
            }
        }
        let cursor = (raw[12] == 1).then(|| hex::encode(&raw[16..32]));
        Page {
            slots: out,
            cursor,
            raw,
        }
    }

    /// Every blob under `caps`, paging through, reassembled: (cap index, id, bytes, flags).
    fn fetch_all(&self, caps: &[FetchCap]) -> Vec<(u16, String, Vec<u8>, u8)> {
        let mut out: Vec<(u16, String, Vec<u8>, u8)> = Vec::new();
        let mut cursor = None;
        loop {
            let p = self.fetch(caps, 16, cursor.as_deref());
            for s in p.slots {
                assert_eq!(s.chunks as usize, s.len as usize / SMALL);
                if s.chunk == 0 {
                    out.push((s.cap, s.id, s.data, s.flags));
                } else {
                    let last = out.last_mut().expect("chunk 0 first");
                    assert_eq!(last.1, s.id, "chunks of one blob are consecutive");
                    last.2.extend_from_slice(&s.data);
                }
            }
            match p.cursor {
                Some(c) => cursor = Some(c),
                None => return out,
            }
        }
    }

    fn delete(&self, items: &[(&FetchCap, &str)]) -> (u16, Vec<u8>) {
        let items: Vec<serde_json::Value> = items
            .iter()
            .map(|(c, id)| serde_json::json!({"cap": c.hex(), "id": id}))
            .collect();
        let (s, _, b) = self.send(
            self.http
                .delete(format!("{}/v1/blobs", self.base))
                .body(serde_json::json!({ "items": items }).to_string()),
        );
        (s, b)
    }
}

#[test]
fn only_the_two_bucket_sizes_are_accepted() {
    let t = start(|_| {});
    let tag = cap().tag();
    for len in [0, 1, 200, SMALL - 1, SMALL + 1, 100_000, LARGE - 1] {
        let (s, _, body) = t.put(&tag, &blob(len));
        assert_eq!(s, 400, "size {len}");
        assert!(body.contains("bad_size"), "{body}");
    }
    let (s, _, body) = t.put(&tag, &blob(LARGE + 1));
    assert_eq!(s, 413, "bigger than the large bucket");
    let v: serde_json::Value = serde_json::from_str(&body).expect("413 is JSON");
    assert_eq!(v["error"], "too_large", "{body}");
    assert!(v["message"].is_string(), "{body}");
    assert_eq!(t.put(&tag, &blob(SMALL)).0, 204);
    assert_eq!(t.put(&tag, &blob(LARGE)).0, 204);
    let (s, _, body) = t.send(t.http.put(format!("{}/v1/blobs", t.base)).body(blob(SMALL)));
    assert_eq!(s, 400, "no tag header: {}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("400 is JSON");
    assert_eq!(v["error"], "bad_request");
    let (s, _, body) = t.send(t.http.get(format!("{}/v1/blobs", t.base)));
    assert_eq!(s, 405);
    let v: serde_json::Value = serde_json::from_slice(&body).expect("405 is JSON");
    assert_eq!(v["error"], "method_not_allowed");
}

#[test]
fn a_wrong_capability_reads_and_deletes_nothing_and_looks_like_an_empty_tag() {
    let t = start(|_| {});
    let (owner, wrong, empty) = (cap(), cap(), cap());
    let b = blob(SMALL);
    assert_eq!(t.put(&owner.tag(), &b).0, 204);

    // Wrong capability, a capability for an empty tag, and someone who knows the tag and
    // presents it as if it were the capability: byte-for-byte the same answer.
    let as_cap = FetchCap(owner.tag().0);
    let (s1, a1) = t.fetch_raw(std::slice::from_ref(&wrong), 4, None);
    let (s2, a2) = t.fetch_raw(std::slice::from_ref(&empty), 4, None);
    let (s3, a3) = t.fetch_raw(std::slice::from_ref(&as_cap), 4, None);
    assert_eq!((s1, s2, s3), (200, 200, 200));
    assert!(a1 == a2 && a2 == a3, "answers differ");

    let got = t.fetch_all(std::slice::from_ref(&owner));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].2, b);
    let id = got[0].1.clone();

    // Deleting with the wrong capability (and the right id) answers like deleting from an
    // empty tag, and deletes nothing.
    let d1 = t.delete(&[(&wrong, &id)]);
    let d2 = t.delete(&[(&empty, &id)]);
    let d3 = t.delete(&[(&as_cap, &id)]);
    assert_eq!(d1, d2);
    assert_eq!(d2, d3);
    assert_eq!(d1.0, 204);
    assert_eq!(t.fetch_all(std::slice::from_ref(&owner)).len(), 1);

    assert_eq!(t.delete(&[(&owner, &id)]).0, 204);
    assert!(t.fetch_all(std::slice::from_ref(&owner)).is_empty());
    assert_eq!(t.relay.stats().blobs, 0);
}

#[test]
fn fetch_answers_have_the_same_size_with_and_without_mail() {
    let t = start(|_| {});
    let caps: Vec<FetchCap> = (0..4).map(|_| cap()).collect();
    let empty = t.fetch(&caps, 4, None);
    assert!(empty.slots.is_empty() && empty.cursor.is_none());

    t.put(&caps[1].tag(), &blob(SMALL));
    let one = t.fetch(&caps, 4, None);
    assert_eq!(one.slots.len(), 1);
    assert_eq!(one.slots[0].cap, 1);

    for c in &caps {
        t.put(&c.tag(), &blob(SMALL));
    }
    t.put(&caps[3].tag(), &blob(LARGE));
    let full = t.fetch(&caps, 4, None);
    assert_eq!(full.slots.len(), 4);
    assert!(full.cursor.is_some());

    assert_eq!(empty.raw.len(), one.raw.len());
    assert_eq!(one.raw.len(), full.raw.len());
    assert_eq!(full.raw.len(), 32 + 4 * (32 + SMALL));
    for slots in [1, 16, 64] {
        assert_eq!(
            t.fetch(&caps, slots, None).raw.len(),
            fetch_answer_len(slots)
        );
    }
    assert_eq!(t.fetch_raw(&caps, 65, None).0, 400);
}

#[test]
fn paging_walks_every_chunk_of_small_and_large_blobs() {
    let t = start(|_| {});
    let (a, b) = (cap(), cap());
    let mut want_a = vec![blob(SMALL), blob(LARGE), blob(SMALL), blob(LARGE)];
    let want_b = vec![blob(LARGE)];
    for x in &want_a {
        assert_eq!(t.put(&a.tag(), x).0, 204);
    }
    assert_eq!(t.put(&b.tag(), &want_b[0]).0, 204);
    // Walk with 4 slots a page, as cover traffic does.
    let mut got: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let p = t.fetch(&[a.clone(), b.clone()], 4, cursor.as_deref());
        pages += 1;
        for s in p.slots {
            if s.chunk == 0 {
                got.push((s.cap, s.data));
            } else {
                got.last_mut().expect("first chunk").1.extend(s.data);
            }
        }
        match p.cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    // 2 small + 3 large = 2 + 48 chunks = 13 pages of 4.
    assert_eq!(pages, 13);
    let got_a: Vec<Vec<u8>> = got
        .iter()
        .filter(|(c, _)| *c == 0)
        .map(|(_, d)| d.clone())
        .collect();
    let got_b: Vec<Vec<u8>> = got
        .iter()
        .filter(|(c, _)| *c == 1)
        .map(|(_, d)| d.clone())
        .collect();
    assert_eq!(got_a, want_a, "in arrival order");
    assert_eq!(got_b, want_b);
    want_a.clear();
}

#[test]
fn the_tag_quota_refuses_more_and_never_evicts() {
    let t = start(|c| c.store.tag_quota = 128);
    let c = cap();
    let mut sent = Vec::new();
    for _ in 0..128 {
        let b = blob(SMALL);
        assert_eq!(t.put(&c.tag(), &b).0, 204);
        sent.push(b);
    }
    let (s, retry, body) = t.put(&c.tag(), &blob(SMALL));
    assert_eq!(s, 429, "{body}");
    assert!(body.contains("quota_full"));
    assert!(retry.is_some(), "a quota refusal says when to retry");
    // Another tag is not affected.
    assert_eq!(t.put(&cap().tag(), &blob(SMALL)).0, 204);

    let got = t.fetch_all(std::slice::from_ref(&c));
    assert_eq!(got.len(), 128);
    let got: Vec<Vec<u8>> = got.into_iter().map(|g| g.2).collect();
    assert_eq!(got, sent, "every unread blob kept, in order");
    let first = t.fetch(std::slice::from_ref(&c), 1, None).slots[0]
        .id
        .clone();
    assert_eq!(t.delete(&[(&c, &first)]).0, 204);
    assert_eq!(
        t.put(&c.tag(), &blob(SMALL)).0,
        204,
        "room again after a read"
    );
}

#[test]
fn blobs_are_deleted_after_the_retention_period() {
    let t = start(|c| c.store.retention_secs = 14 * 86_400);
    let c = cap();
    t.put(&c.tag(), &blob(SMALL));
    t.clock.advance(14 * 86_400 - 60);
    t.put(&c.tag(), &blob(LARGE));
    assert_eq!(t.fetch_all(std::slice::from_ref(&c)).len(), 2);
    t.clock.advance(120);
    let left = t.fetch_all(std::slice::from_ref(&c));
    assert_eq!(left.len(), 1, "the 14-day-old blob is gone");
    assert_eq!(left[0].2.len(), LARGE);
    let swept = t.relay.sweep().expect("sweep");
    assert_eq!(swept.expired, 1);
    t.clock.advance(14 * 86_400);
    assert!(t.fetch_all(std::slice::from_ref(&c)).is_empty());
    t.relay.sweep().expect("sweep");
    assert_eq!(t.relay.stats().blobs, 0);
    // Expired blobs count against nobody's quota.
    assert_eq!(t.put(&c.tag(), &blob(SMALL)).0, 204);
}

fn stamp(t: &T, tag: &Tag, b: &[u8]) -> (String, [u8; 32], u8) {
    let info = t.info();
    let mut nonce = [0u8; 32];
    hex::decode_to_slice(info["pow"]["nonce"].as_str().expect("nonce"), &mut nonce).expect("hex");
    let d = info["pow"]["difficulty"].as_u64().expect("difficulty") as u8;
    let c = pow::mint(&nonce, tag, &pow::blob_hash(b), d).expect("mint");
    (format!("{}:{c}", hex::encode(nonce)), nonce, d)
}

#[test]
fn intro_posts_need_a_valid_single_use_stamp() {
    let t = start(|c| c.pow_difficulty = 14);
    let info = t.info();
    assert_eq!(info["pow"]["difficulty"], 14);
    assert_eq!(info["pow"]["max_difficulty"], 26);
    assert_eq!(info["pow"]["nonce_ttl_secs"], 600);
    assert_eq!(info["tag_quota"], 128);
    assert_eq!(info["buckets"], serde_json::json!([SMALL, LARGE]));
    assert_ne!(
        t.info()["pow"]["nonce"],
        info["pow"]["nonce"],
        "fresh nonces"
    );

    let c = cap();
    let (b1, b2) = (blob(SMALL), blob(SMALL));
    let (s, body) = t.intro(&c.tag(), &b1, None);
    assert_eq!(s, 403);
    assert!(body.contains("pow_missing"), "{body}");

    // A stamp for another blob (or another tag) does not carry over.
    let (for_b2, _, _) = stamp(&t, &c.tag(), &b2);
    let (s, body) = t.intro(&c.tag(), &b1, Some(for_b2.clone()));
    assert_eq!(s, 403);
    assert!(body.contains("pow_too_weak"), "{body}");
    let (s, _) = t.intro(&cap().tag(), &b2, Some(for_b2.clone()));
    assert_eq!(s, 403);

    // A valid stamp is accepted, once.
    let (s, body) = t.intro(&c.tag(), &b2, Some(for_b2.clone()));
    assert_eq!(s, 204, "{body}");
    let (s, body) = t.intro(&c.tag(), &b2, Some(for_b2));
    assert_eq!(s, 403);
    assert!(body.contains("pow_nonce_reused"), "{body}");

    // A forged nonce, and one older than ten minutes.
    let (_, mut nonce, d) = stamp(&t, &c.tag(), &b1);
    nonce[20] ^= 1;
    let forged = pow::mint(&nonce, &c.tag(), &pow::blob_hash(&b1), d).expect("mint");
    let (s, body) = t.intro(
        &c.tag(),
        &b1,
        Some(format!("{}:{forged}", hex::encode(nonce))),
    );
    assert_eq!(s, 403);
    assert!(body.contains("pow_nonce_unknown"), "{body}");
    let (old, _, _) = stamp(&t, &c.tag(), &b1);
    t.clock.advance(601);
    let (s, body) = t.intro(&c.tag(), &b1, Some(old));
    assert_eq!(s, 403);
    assert!(body.contains("pow_nonce_expired"), "{body}");

    let got = t.fetch_all(std::slice::from_ref(&c));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].2, b2);
    assert_eq!(got[0].3 & 1, 1, "intro blobs are flagged as stamped");
    // An ordinary put needs no stamp and is not flagged.
    t.put(&c.tag(), &b1);
    let got = t.fetch_all(std::slice::from_ref(&c));
    assert_eq!(got[1].3 & 1, 0);
}

#[test]
fn the_disk_high_water_mark_is_a_retryable_refusal() {
    let record = (72 + SMALL) as u64;
    let t = start(|c| {
        c.store.max_bytes = Some(3 * record);
        c.store.lanes = 1;
    });
    let c = cap();
    for _ in 0..3 {
        assert_eq!(t.put(&c.tag(), &blob(SMALL)).0, 204);
    }
    let (s, retry, body) = t.put(&cap().tag(), &blob(SMALL));
    assert_eq!(s, 507, "{body}");
    assert!(body.contains("storage_full"));
    assert!(retry.is_some());
    assert_eq!(
        t.fetch_all(std::slice::from_ref(&c)).len(),
        3,
        "nothing evicted"
    );
}

#[test]
fn blobs_survive_a_restart_and_deletes_stay_deleted() {
    let t = start(|_| {});
    let c = cap();
    let (b1, b2) = (blob(SMALL), blob(LARGE));
    t.put(&c.tag(), &b1);
    t.put(&c.tag(), &b2);
    let id1 = t.fetch_all(std::slice::from_ref(&c))[0].1.clone();
    t.delete(&[(&c, &id1)]);
    let data = t.dir.path().to_path_buf();
    let T { relay, dir, .. } = t;
    relay.shutdown();
    let mut cfg = Config::new("127.0.0.1:0".parse().expect("addr"), data, TlsMode::Plain);
    cfg.store.min_free_bytes = 0;
    let t2 = T {
        relay: Relay::start(cfg, Arc::new(OffsetClock::default())).expect("restart"),
        clock: Arc::new(OffsetClock::default()),
        rt: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt"),
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        base: String::new(),
        dir,
    };
    let t2 = T {
        base: format!("http://{}", t2.relay.addr()),
        ..t2
    };
    let got = t2.fetch_all(std::slice::from_ref(&c));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].2, b2);
}

#[test]
fn malformed_requests_are_refused_without_detail() {
    let t = start(|_| {});
    let (s, _) = t.send_body("/v1/fetch", "not json");
    assert_eq!(s, 400);
    let (s, _) = t.send_body("/v1/fetch", r#"{"caps":["zz"]}"#);
    assert_eq!(s, 400);
    let (s, _) = t.send_body("/v1/fetch", r#"{"caps":[]}"#);
    assert_eq!(s, 400);
    let (s, _, _) = t.send(t.http.get(format!("{}/v1/nothing", t.base)));
    assert_eq!(s, 404);
}

impl T {
    fn send_body(&self, path: &str, body: &str) -> (u16, Vec<u8>) {
        let (s, _, b) = self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .body(body.to_string()),
        );
        (s, b)
    }
}

/// Over its rate, a connection gets retryable 503s while a fresh one is served; over the
/// relay's rate everyone does, and the relay, busy, asks puts for proof of work.
#[test]
fn rate_limits_refuse_with_a_retryable_503_per_connection_and_for_the_relay() {
    let t = start(|c| {
        c.front.per_connection_rate = 5;
        c.front.global_rate = 0;
    });
    let status = |http: &reqwest::Client| t.send(http.get(format!("{}/v1/info", t.base))).0;
    let one = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let got: Vec<u16> = (0..40).map(|_| status(&one)).collect();
    assert!(got.contains(&503), "{got:?}");
    assert!(got.iter().filter(|s| **s == 200).count() >= 10, "{got:?}");
    let fresh = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    assert_eq!(status(&fresh), 200, "another connection is not limited");

    let t = start(|c| {
        c.front.per_connection_rate = 0;
        c.front.global_rate = 5;
    });
    let mut refused = 0;
    for _ in 0..40 {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let (s, h, _) = t.send(http.get(format!("{}/v1/info", t.base)));
        if s == 503 {
            assert_eq!(h.get("retry-after").map(|v| v.as_bytes()), Some(&b"1"[..]));
            refused += 1;
        }
    }
    assert!(refused > 0, "the relay's rate was never enforced");
    std::thread::sleep(std::time::Duration::from_millis(1_200));
    let v = t.info();
    assert_eq!(v["pow"]["puts"], true, "busy after refusing: {v}");
    let (s, _, body) = t.put(&cap().tag(), &blob(SMALL));
    assert_eq!(s, 403, "{body}");
    assert!(body.contains("pow_missing"), "{body}");
}
