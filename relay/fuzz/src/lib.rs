//! The bodies of the relay's `cargo fuzz` targets, as plain functions so they also run on
//! stable: `relay/tests/fuzz_smoke.rs` includes this file (`#[path]`) and feeds it seeded
//! random inputs plus every crash the fuzzer found. Each function must never panic; the
//! `assert!`s are the properties checked beyond "no panic".
//!
//! `relay_request` drives the real axum router (`hushpost_relay::api::router`) with
//! arbitrary methods, paths, tag and proof-of-work headers and bodies (JSON capability lists,
//! cursors, delete lists, blobs). The store behind it is a small in-memory one: what is
//! under test is request handling, and a real store would spend each run on an fsync.
//! `decode_page` is the client's fetch-page parser.

use axum::body::{Body, Bytes};
use axum::http::{Method, Request};
use hushpost_relay::front::{Front, FrontConfig};
use hushpost_relay::pow::Pow;
use hushpost_relay::store::{BlobStore, Cursor, Page, Planned, StoreError, StoreStats, SweepStats};
use hushpost_wire::api::{self, fetch_answer_len};
use hushpost_wire::time::FixedClock;
use hushpost_wire::{LARGE, SMALL, Tag};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use tower::ServiceExt;

/// Blobs in memory: (tag, id, flags, bytes).
#[derive(Default)]
pub struct MemStore {
    blobs: Mutex<Vec<(Tag, u64, u8, Bytes)>>,
    spent: Mutex<HashSet<[u8; 16]>>,
}

impl BlobStore for MemStore {
    type Loc = Bytes;

    async fn put(&self, tag: Tag, blob: Bytes, flags: u8) -> Result<(), StoreError> {
        let mut b = self.blobs.lock().unwrap_or_else(|p| p.into_inner());
        if b.iter().filter(|x| x.0 == tag).count() >= 8 {
            return Err(StoreError::QuotaFull(8));
        }
        if b.len() > 64 {
            b.remove(0);
        }
        let id = b.len() as u64 * 7 + 1;
        b.push((tag, id, flags, blob));
        Ok(())
    }

    async fn plan(
        &self,
        tags: &[Tag],
        from: Cursor,
        slots: usize,
    ) -> Result<Page<Bytes>, StoreError> {
        let b = self.blobs.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        for (ci, t) in tags.iter().enumerate().skip(usize::from(from.cap)) {
            let first = ci == usize::from(from.cap);
            let mine: Vec<_> = b.iter().filter(|x| x.0 == *t).collect();
            let b0 = if first { from.blob as usize } else { 0 };
            for (bi, (_, id, flags, data)) in mine.iter().enumerate().skip(b0) {
                let chunks = (data.len() / SMALL) as u16;
                let c0 = if first && bi == b0 { from.chunk } else { 0 };
                for c in c0..chunks {
                    if out.len() == slots {
                        let here = Cursor {
                            cap: ci as u16,
                            blob: bi as u32,
                            chunk: c,
                        };
                        return Ok((out, Some(here)));
                    }
                    let at = usize::from(c) * SMALL;
                    out.push(Planned {
                        cap: ci as u16,
                        id: *id,
                        flags: *flags,
                        chunk: c,
                        chunks,
                        len: data.len() as u32,
                        loc: data.slice(at..at + SMALL),
                    });
                }
            }
        }
        Ok((out, None))
    }

    fn read(&self, loc: &Bytes, out: &mut [u8]) -> Result<(), StoreError> {
        out.copy_from_slice(&loc[..out.len()]);
        Ok(())
    }

    async fn delete(&self, items: Vec<(Tag, u64)>) -> Result<(), StoreError> {
        let mut b = self.blobs.lock().unwrap_or_else(|p| p.into_inner());
        b.retain(|x| !items.contains(&(x.0, x.1)));
        Ok(())
    }

    async fn spend_nonce(&self, nonce: [u8; 16], _expires: u64) -> Result<bool, StoreError> {
        Ok(self
            .spent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(nonce))
    }

    fn pow_key(&self) -> [u8; 32] {
        [7; 32]
    }

    fn sweep(&self) -> Result<SweepStats, StoreError> {
        Ok(SweepStats::default())
    }

    fn stats(&self) -> StoreStats {
        StoreStats::default()
    }

    fn shutdown(&self) {}
}

struct Bed {
    rt: tokio::runtime::Runtime,
    router: axum::Router,
}

fn bed() -> &'static Bed {
    static BED: OnceLock<Bed> = OnceLock::new();
    BED.get_or_init(|| {
        let store = Arc::new(MemStore::default());
        let clock = Arc::new(FixedClock(1_000_000));
        let pow = Pow::new(1, store.pow_key(), clock);
        let limits = hushpost_relay::api::Limits {
            tag_quota: 8,
            retention_secs: 86_400,
        };
        let front = Arc::new(Front::new(FrontConfig::default(), 4096));
        let app = hushpost_relay::api::App::new(store, pow, limits, front);
        Bed {
            rt: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
            router: hushpost_relay::api::router(Arc::new(app)),
        }
    })
}

/// Splits `data` at the first `\n` (or takes it all).
fn field(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// One request through the router: byte 0 picks the method and path (bit 7: pad the body
/// to a bucket size), then a tag header line, a proof-of-work header line, and the body.
/// Returns the status. Properties: only documented statuses; a fetch answer has exactly
/// the fixed size for some slot count; no answer is larger than the largest fetch page.
pub fn relay_request(data: &[u8]) -> u16 {
    let Some((&sel, rest)) = data.split_first() else {
        return 0;
    };
    let (method, path) = match sel % 7 {
        0 => (Method::GET, "/v1/info"),
        1 => (Method::PUT, "/v1/blobs"),
        2 => (Method::PUT, "/v1/intro"),
        3 => (Method::POST, "/v1/fetch"),
        4 => (Method::DELETE, "/v1/blobs"),
        5 => (Method::GET, "/v1/fetch"),
        _ => (Method::POST, "/v2/elsewhere"),
    };
    let (tag, rest) = field(rest);
    let (stamp, body) = field(rest);
    let mut body = body.to_vec();
    if sel & 0x80 != 0 {
        let want = if sel & 0x40 != 0 { LARGE } else { SMALL };
        body.resize(want, 0xa5);
    }
    let mut req = Request::builder().method(method).uri(path);
    if !tag.is_empty() {
        req = req.header("hushpost-tag", tag);
    }
    if !stamp.is_empty() {
        req = req.header("hushpost-pow", stamp);
    }
    let Ok(req) = req.body(Body::from(body)) else {
        return 0;
    };
    let b = bed();
    let (status, len) = b.rt.block_on(async {
        let resp = b.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status().as_u16();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, bytes.len())
    });
    assert!(
        [200, 204, 400, 403, 404, 405, 413, 415, 429, 503, 507].contains(&status),
        "undocumented status {status}"
    );
    if status == 200 && sel % 7 == 3 {
        let slots = len.saturating_sub(api::FETCH_HEADER) / (api::SLOT_HEADER + SMALL);
        assert!(
            (1..=api::MAX_SLOTS).contains(&slots) && len == fetch_answer_len(slots),
            "a fetch answer of {len} bytes"
        );
    }
    assert!(
        len <= fetch_answer_len(api::MAX_SLOTS),
        "an answer of {len} bytes"
    );
    status
}

/// The client's page parser on any bytes: byte 0 is the number of capabilities asked for,
/// byte 1 the slots (bit 7: make the input exactly a page's length, so the slots are
/// parsed). Properties: an accepted page has the fixed length, names only capabilities that
/// were asked for, and each chunk is a whole slot of a bucket-sized blob.
pub fn decode_page(data: &[u8]) -> bool {
    let [caps, s, rest @ ..] = data else {
        return false;
    };
    let slots = usize::from(s & 0x7f) % api::MAX_SLOTS + 1;
    let mut page = rest.to_vec();
    if s & 0x80 != 0 {
        page.resize(fetch_answer_len(slots), 0);
        if page.len() >= 4 {
            page[..4].copy_from_slice(api::FETCH_MAGIC);
        }
    }
    let Ok(p) = api::decode_page(&page, usize::from(*caps), slots) else {
        return false;
    };
    assert_eq!(page.len(), fetch_answer_len(slots));
    assert!(p.slots.len() <= slots);
    for (h, chunk) in &p.slots {
        assert!(usize::from(h.cap) < usize::from(*caps));
        assert!(h.chunk < h.chunks);
        assert!(h.len as usize == SMALL || h.len as usize == LARGE);
        assert_eq!(chunk.len(), SMALL);
    }
    true
}
