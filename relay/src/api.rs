//! The HTTP API under `/v1/` (documented in `docs/RELAY.md`): put, intro put, fetch, delete,
//! info. Capabilities arrive only in request bodies, tags only in a header, so neither ends
//! up in a URL that a reverse proxy might log.
//!
//! Must not: answer a request with a wrong capability differently from one for an empty tag,
//! make a fetch answer's size depend on whether mail was waiting, or log a tag, capability,
//! blob hash or client address.

use crate::front::Front;
use crate::pow::{NONCE_TTL_SECS, Pow, PowError};
use crate::store::{BlobStore, FLAG_STAMPED, LARGE, SMALL, StoreError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use hushpost_wire::api::{
    self, BlobId, DEFAULT_SLOTS, DeleteRequest, ErrorBody, FetchRequest, Info, MAX_CAPS,
    MAX_DELETE, MAX_SLOTS, POW_HEADER, PowInfo, SlotHead, Stamp, TAG_HEADER,
};
use hushpost_wire::pow::MAX_DIFFICULTY;
use hushpost_wire::{Tag, is_bucket};
use std::sync::Arc;

pub use hushpost_wire::api::{PROTOCOL, fetch_answer_len};

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
    front: Arc<Front>,
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
    pub fn new(store: Arc<S>, pow: Pow, limits: Limits, front: Arc<Front>) -> App<S> {
        use rand::RngCore;
        let mut pad = vec![0u8; SMALL];
        rand::rngs::OsRng.fill_bytes(&mut pad);
        App {
            store,
            pow,
            limits,
            front,
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
        .layer(axum::middleware::map_response(json_errors))
}

/// Errors axum answers by itself (a body over the route's limit: 413; a wrong method: 405;
/// an unreadable body: 400) in the documented JSON shape, like every other error.
async fn json_errors(r: Response) -> Response {
    let status = r.status();
    let json = r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return r;
    }
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::BAD_REQUEST => "bad_request",
        _ => "error",
    };
    let mut out = error(
        status,
        code,
        status.canonical_reason().unwrap_or(code),
        None,
    );
    for (k, v) in r.headers() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

fn error(status: StatusCode, code: &str, message: &str, retry_after: Option<u64>) -> Response {
    let body = serde_json::to_string(&ErrorBody {
        error: code.into(),
        message: message.into(),
    })
    .unwrap_or_default();
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
        StoreError::QuotaFull(_) | StoreError::LargeFull(..) | StoreError::TagBytesFull(_) => {
            error(
                StatusCode::TOO_MANY_REQUESTS,
                "quota_full",
                &e.to_string(),
                Some(600),
            )
        }
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
        StoreError::Io(_) | StoreError::Db(_) => {
            tracing::warn!("{e}");
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
    let busy = app.front.busy();
    let put = busy.then(|| app.pow.issue_at(app.front.put_difficulty()));
    let body = Info {
        software: "hushpost-relay".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        protocol: PROTOCOL,
        buckets: vec![SMALL, LARGE],
        slot_size: SMALL,
        default_slots: DEFAULT_SLOTS,
        max_slots: MAX_SLOTS,
        max_caps: MAX_CAPS,
        max_delete: MAX_DELETE,
        tag_quota: app.limits.tag_quota,
        retention_secs: app.limits.retention_secs,
        pow: PowInfo {
            difficulty,
            max_difficulty: MAX_DIFFICULTY,
            nonce: hex::encode(nonce),
            nonce_ttl_secs: NONCE_TTL_SECS,
            puts: busy,
            put_difficulty: put.map(|p| p.1),
            put_nonce: put.map(|p| hex::encode(p.0)),
        },
    };
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        serde_json::to_string(&body).unwrap_or_default(),
    )
        .into_response()
}

/// The tag of a put, once its header and size are right (boxed: a `Response` is large).
fn put_target(h: &HeaderMap, body: &Bytes) -> Result<Tag, Box<Response>> {
    let tag = h
        .get(TAG_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(Tag::from_hex)
        .ok_or_else(|| Box::new(bad("a Hushpost-Tag header with 64 hex digits is required")))?;
    if is_bucket(body.len()) {
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
    // Under load every put pays for its place, as intro posts always do.
    let min = || app.front.busy().then(|| app.front.put_difficulty());
    put_checked(&app, &headers, body, min, 0).await
}

/// A put of either kind: the tag and size checked, then a stamp of at least `min()` bits
/// where `min` asks for one (asked only once the tag and size are right), then the store.
async fn put_checked<S: BlobStore>(
    app: &App<S>,
    headers: &HeaderMap,
    body: Bytes,
    min: impl FnOnce() -> Option<u8>,
    flags: u8,
) -> Response {
    let tag = match put_target(headers, &body) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    if let Some(bits) = min()
        && let Err(r) = stamped(app, headers, &tag, &body, bits).await
    {
        return *r;
    }
    match app.store.put(tag, body, flags).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => store_error(e),
    }
}

fn pow_header(h: &HeaderMap) -> Option<Stamp> {
    Stamp::parse(h.get(POW_HEADER)?.to_str().ok()?)
}

async fn put_intro<S: BlobStore>(
    State(app): State<Arc<App<S>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    put_checked(&app, &headers, body, || Some(app.pow.base()), FLAG_STAMPED).await
}

/// Checks the put's proof-of-work stamp and spends its nonce (boxed: a `Response` is large).
async fn stamped<S: BlobStore>(
    app: &App<S>,
    headers: &HeaderMap,
    tag: &Tag,
    body: &Bytes,
    min: u8,
) -> Result<(), Box<Response>> {
    let refuse =
        |e: PowError| Box::new(error(StatusCode::FORBIDDEN, e.code(), &e.to_string(), None));
    let spend = pow_header(headers)
        .ok_or(PowError::Missing)
        .and_then(|st| app.pow.check(&st.nonce, st.counter, tag, body, min))
        .map_err(refuse)?;
    match app.store.spend_nonce(spend.key, spend.expires).await {
        Ok(true) => {
            app.pow.accepted();
            Ok(())
        }
        Ok(false) => Err(refuse(PowError::Reused)),
        Err(e) => Err(Box::new(store_error(e))),
    }
}

async fn fetch<S: BlobStore>(State(app): State<Arc<App<S>>>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<FetchRequest>(&body) else {
        return bad("the body must be JSON: {\"caps\": [hex…], \"slots\": n, \"cursor\": hex}");
    };
    let slots = req.slots.unwrap_or(DEFAULT_SLOTS);
    if req.caps.is_empty() || req.caps.len() > MAX_CAPS || !(1..=MAX_SLOTS).contains(&slots) {
        return bad("1 to 256 capabilities and 1 to 64 slots per fetch");
    }
    let tags: Vec<Tag> = req.caps.iter().map(|c| c.tag()).collect();
    let (plan, next) = match app
        .store
        .plan(&tags, req.cursor.unwrap_or_default(), slots)
        .await
    {
        Ok(p) => p,
        Err(e) => return store_error(e),
    };
    let buf = api::encode_page(slots, next, &app.pad, |i, data| {
        let p = plan.get(i)?;
        if app.store.read(&p.loc, data).is_err() {
            tracing::warn!("a stored chunk could not be read");
            return None;
        }
        Some(SlotHead {
            cap: p.cap,
            flags: p.flags,
            chunk: p.chunk,
            chunks: p.chunks,
            len: p.len,
            id: BlobId(p.id),
        })
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        )],
        buf,
    )
        .into_response()
}

async fn delete<S: BlobStore>(State(app): State<Arc<App<S>>>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<DeleteRequest>(&body) else {
        return bad("the body must be JSON: {\"items\": [{\"cap\": hex, \"id\": hex}]}");
    };
    if req.items.len() > MAX_DELETE {
        return bad("at most 1024 blobs per delete");
    }
    let items = req.items.iter().map(|it| (it.cap.tag(), it.id.0)).collect();
    match app.store.delete(items).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => store_error(e),
    }
}
