//! The HTTP API under `/v1/` (documented in `docs/RELAY.md`): put, intro put, fetch, delete,
//! info. Capabilities arrive only in request bodies, tags only in a header, so neither ends
//! up in a URL that a reverse proxy might log.
//!
//! Must not: answer a request with a wrong capability differently from one for an empty tag,
//! make a fetch answer's size depend on whether mail was waiting, or log a tag, capability,
//! blob hash or client address.

use crate::pow::{NONCE_TTL_SECS, Pow, PowError};
use crate::store::{BlobStore, Cursor, FLAG_STAMPED, LARGE, SMALL, StoreError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use hushpost_core::pow::MAX_DIFFICULTY;
use hushpost_core::{FetchCap, Tag};
use serde::Deserialize;
use std::sync::Arc;

/// Most capabilities one fetch may carry.
pub const MAX_CAPS: usize = 256;
/// Slots per fetch answer when the request does not say.
pub const DEFAULT_SLOTS: usize = 4;
/// Most slots one fetch answer may carry.
pub const MAX_SLOTS: usize = 64;
/// Most blobs one delete may name.
pub const MAX_DELETE: usize = 1024;
/// Length of the fetch answer's header.
pub const FETCH_HEADER: usize = 32;
/// Length of each slot's header.
pub const SLOT_HEADER: usize = 32;
/// Magic of a fetch answer.
pub const FETCH_MAGIC: &[u8; 4] = b"HPF1";
/// Protocol version served under `/v1/`.
pub const PROTOCOL: u32 = 1;

/// Policy numbers that `/v1/info` advertises.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Unread blobs per tag.
    pub tag_quota: usize,
    /// Seconds before an unread blob is deleted.
    pub retention_secs: u64,
}

/// Shared state of the handlers.
pub struct App<S> {
    store: Arc<S>,
    pow: Pow,
    limits: Limits,
    pad: Vec<u8>,
}

impl<S> std::fmt::Debug for App<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").finish_non_exhaustive()
    }
}

impl<S: BlobStore> App<S> {
    /// State over `store`. Empty fetch slots are filled from one random buffer drawn here:
    /// inside TLS the filler's content is invisible on the wire, and drawing it per request
    /// would cost more than the rest of the fetch.
    pub fn new(store: Arc<S>, pow: Pow, limits: Limits) -> App<S> {
        use rand::RngCore;
        let mut pad = vec![0u8; SMALL];
        rand::rngs::OsRng.fill_bytes(&mut pad);
        App {
            store,
            pow,
            limits,
            pad,
        }
    }
}

/// The router for `store`.
pub fn router<S: BlobStore>(app: Arc<App<S>>) -> Router {
    Router::new()
        .route("/v1/info", get(info::<S>))
        .route(
            "/v1/blobs",
            put(put_blob::<S>)
                .delete(delete::<S>)
                .layer(DefaultBodyLimit::max(LARGE)),
        )
        .route(
            "/v1/intro",
            put(put_intro::<S>).layer(DefaultBodyLimit::max(LARGE)),
        )
        .route(
            "/v1/fetch",
            post(fetch::<S>).layer(DefaultBodyLimit::max(128 << 10)),
        )
        .fallback(not_found)
        .with_state(app)
}

fn error(status: StatusCode, code: &str, message: &str, retry_after: Option<u64>) -> Response {
    let body = serde_json::json!({ "error": code, "message": message }).to_string();
    let mut r = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    if let Some(s) = retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

fn bad(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "bad_request", message, None)
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::QuotaFull(_) => error(
            StatusCode::TOO_MANY_REQUESTS,
            "quota_full",
            &e.to_string(),
            Some(600),
        ),
        StoreError::StorageFull => error(
            StatusCode::INSUFFICIENT_STORAGE,
            "storage_full",
            &e.to_string(),
            Some(60),
        ),
        StoreError::Closed => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            &e.to_string(),
            Some(5),
        ),
        StoreError::BadSize(_) => error(StatusCode::BAD_REQUEST, "bad_size", &e.to_string(), None),
        StoreError::Io(err) => {
            tracing::warn!("storage error: {err}");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_error",
                "the relay could not store the blob",
                Some(5),
            )
        }
    }
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "no such endpoint", None)
}

async fn info<S: BlobStore>(State(app): State<Arc<App<S>>>) -> Response {
    let (nonce, difficulty) = app.pow.issue();
    let body = serde_json::json!({
        "software": "hushpost-relay",
        "version": env!("CARGO_PKG_VERSION"),
        "protocol": PROTOCOL,
        "buckets": [SMALL, LARGE],
        "slot_size": SMALL,
        "default_slots": DEFAULT_SLOTS,
        "max_slots": MAX_SLOTS,
        "max_caps": MAX_CAPS,
        "max_delete": MAX_DELETE,
        "tag_quota": app.limits.tag_quota,
        "retention_secs": app.limits.retention_secs,
        "pow": {
            "difficulty": difficulty,
            "max_difficulty": MAX_DIFFICULTY,
            "nonce": hex::encode(nonce),
            "nonce_ttl_secs": NONCE_TTL_SECS,
        },
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// The tag of a put, once its header and size are right (boxed: a `Response` is large).
fn put_target(h: &HeaderMap, body: &Bytes) -> Result<Tag, Box<Response>> {
    let tag = h
        .get("hushpost-tag")
        .and_then(|v| v.to_str().ok())
        .and_then(Tag::from_hex)
        .ok_or_else(|| Box::new(bad("a Hushpost-Tag header with 64 hex digits is required")))?;
    if body.len() == SMALL || body.len() == LARGE {
        Ok(tag)
    } else {
        Err(Box::new(store_error(StoreError::BadSize(body.len()))))
    }
}

async fn put_blob<S: BlobStore>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let tag = match put_target(&headers, &body) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    match app.store.put(tag, body, 0).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => store_error(e),
    }
}

fn pow_header(h: &HeaderMap) -> Option<([u8; 32], u64)> {
    let v = h.get("hushpost-pow")?.to_str().ok()?;
    let (n, c) = v.split_once(':')?;
    let mut nonce = [0u8; 32];
    hex::decode_to_slice(n, &mut nonce).ok()?;
    Some((nonce, c.parse().ok()?))
}

async fn put_intro<S: BlobStore>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let tag = match put_target(&headers, &body) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let checked = pow_header(&headers)
        .ok_or(PowError::Missing)
        .and_then(|(nonce, counter)| app.pow.check(&nonce, counter, &tag, &body));
    if let Err(e) = checked {
        return error(StatusCode::FORBIDDEN, e.code(), &e.to_string(), None);
    }
    match app.store.put(tag, body, FLAG_STAMPED).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => store_error(e),
    }
}

#[derive(Deserialize)]
struct FetchRequest {
    caps: Vec<String>,
    #[serde(default)]
    slots: Option<usize>,
    #[serde(default)]
    cursor: Option<String>,
}

fn parse_caps<'a>(caps: impl Iterator<Item = &'a str>) -> Option<Vec<Tag>> {
    caps.map(|c| FetchCap::from_hex(c).map(|c| c.tag()))
        .collect()
}

fn decode_cursor(s: &str) -> Option<Cursor> {
    let mut b = [0u8; 16];
    hex::decode_to_slice(s, &mut b).ok()?;
    Some(Cursor {
        cap: u16::from_be_bytes([b[0], b[1]]),
        blob: u32::from_be_bytes([b[2], b[3], b[4], b[5]]),
        chunk: u16::from_be_bytes([b[6], b[7]]),
    })
}

fn encode_cursor(c: &Cursor, out: &mut [u8]) {
    out[0..2].copy_from_slice(&c.cap.to_be_bytes());
    out[2..6].copy_from_slice(&c.blob.to_be_bytes());
    out[6..8].copy_from_slice(&c.chunk.to_be_bytes());
}

/// Length of a fetch answer with `slots` slots.
pub fn fetch_answer_len(slots: usize) -> usize {
    FETCH_HEADER + slots * (SLOT_HEADER + SMALL)
}

async fn fetch<S: BlobStore>(State(app): State<Arc<App<S>>>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<FetchRequest>(&body) else {
        return bad("the body must be JSON: {\"caps\": [hex…], \"slots\": n, \"cursor\": hex}");
    };
    let slots = req.slots.unwrap_or(DEFAULT_SLOTS);
    if req.caps.is_empty() || req.caps.len() > MAX_CAPS || !(1..=MAX_SLOTS).contains(&slots) {
        return bad("1 to 256 capabilities and 1 to 64 slots per fetch");
    }
    let Some(tags) = parse_caps(req.caps.iter().map(String::as_str)) else {
        return bad("each capability must be 64 hex digits");
    };
    let from = match req.cursor.as_deref().map(decode_cursor) {
        None => Cursor::default(),
        Some(Some(c)) => c,
        Some(None) => return bad("the cursor must be 32 hex digits"),
    };
    let (plan, next) = app.store.plan(&tags, from, slots);
    let mut buf = vec![0u8; fetch_answer_len(slots)];
    buf[..4].copy_from_slice(FETCH_MAGIC);
    buf[4..6].copy_from_slice(&(slots as u16).to_be_bytes());
    buf[8..12].copy_from_slice(&(SMALL as u32).to_be_bytes());
    if let Some(c) = &next {
        buf[12] = 1;
        encode_cursor(c, &mut buf[16..32]);
    }
    for (i, slot) in buf[FETCH_HEADER..]
        .chunks_exact_mut(SLOT_HEADER + SMALL)
        .enumerate()
    {
        let (h, data) = slot.split_at_mut(SLOT_HEADER);
        let filled = plan.get(i).is_some_and(|p| {
            if app.store.read(&p.loc, data).is_err() {
                tracing::warn!("a stored chunk could not be read");
                return false;
            }
            h[0] = 1;
            h[1] = p.flags;
            h[2..4].copy_from_slice(&p.cap.to_be_bytes());
            h[4..6].copy_from_slice(&p.chunk.to_be_bytes());
            h[6..8].copy_from_slice(&p.chunks.to_be_bytes());
            h[8..12].copy_from_slice(&p.len.to_be_bytes());
            h[16..24].copy_from_slice(&p.id.to_be_bytes());
            true
        });
        if !filled {
            h.fill(0);
            data.copy_from_slice(&app.pad);
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        )],
        buf,
    )
        .into_response()
}

#[derive(Deserialize)]
struct DeleteItem {
    cap: String,
    id: String,
}

#[derive(Deserialize)]
struct DeleteRequest {
    items: Vec<DeleteItem>,
}

async fn delete<S: BlobStore>(State(app): State<Arc<App<S>>>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<DeleteRequest>(&body) else {
        return bad("the body must be JSON: {\"items\": [{\"cap\": hex, \"id\": hex}]}");
    };
    if req.items.len() > MAX_DELETE {
        return bad("at most 1024 blobs per delete");
    }
    let mut items = Vec::with_capacity(req.items.len());
    for it in &req.items {
        let (Some(cap), Ok(id)) = (FetchCap::from_hex(&it.cap), u64::from_str_radix(&it.id, 16))
        else {
            return bad("each item needs a 64-hex-digit cap and a hex id");
        };
        items.push((cap.tag(), id));
    }
    match app.store.delete(items).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => store_error(e),
    }
}
