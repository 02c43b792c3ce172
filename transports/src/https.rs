//! A hushpost relay over HTTPS (`docs/RELAY.md` is the wire protocol this speaks).
//!
//! reqwest (async) runs on a private current-thread tokio runtime owned by each
//! [`RelayDrop`]: the [`Drop`] trait is synchronous, a current-thread runtime costs no extra
//! thread (reqwest's `blocking` feature keeps one per client), and nothing here depends on
//! the caller's runtime. So these methods must not be called from inside an async task.
//!
//! With `#pin=sha256:…` in the route the server certificate is accepted only if its SHA-256
//! matches (no CA involved; the TLS handshake signature is still checked against that
//! certificate's key); without a pin, the platform's WebPKI verifier decides. With a proxy
//! in the dial options, every byte goes through it as `socks5h://` (the proxy resolves the
//! name), with the stream-isolation credentials; when the proxy is down there is no fallback.
//!
//! Must not: connect directly when a proxy is set or the route needs Tor, resolve a name
//! locally for a proxied route, or put a tag, capability or blob into an error message.

use crate::{
    DeadDrop, DialOptions, Fetched, Flow, PageState, PartialBlob, PutOptions, Result, Resume,
    TransportError,
};
use hushpost_core::route::HttpsRoute;
use hushpost_core::route::Via;
use hushpost_core::{FetchCap, Tag, pow};
use reqwest::{Method, StatusCode};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hushpost_core::envelope::{LARGE, SMALL};
use hushpost_wire::api::{
    self, DeleteItem, DeleteRequest, FetchRequest, Info, MAX_CAPS, MAX_DELETE, POW_HEADER, Stamp,
    TAG_HEADER,
};
/// Slots of a first fetch page: the fixed shape cover traffic relies on.
const FIRST_SLOTS: usize = 4;
/// Slots of follow-up pages (one large blob each).
const MORE_SLOTS: usize = 16;
/// Attempts per request when the relay or network says "try again".
const ATTEMPTS: u32 = 3;
/// The longest `Retry-After` we wait for inside one call.
const MAX_WAIT: Duration = Duration::from_secs(5);

/// Accepts exactly the certificate whose SHA-256 is pinned, and remembers what it saw.
#[derive(Debug)]
struct PinVerifier {
    pin: [u8; 32],
    seen: Arc<Mutex<Option<[u8; 32]>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        let diff = got.iter().zip(&self.pin).fold(0u8, |d, (a, b)| d | (a ^ b));
        if diff == 0 {
            return Ok(ServerCertVerified::assertion());
        }
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(got);
        Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::ApplicationVerificationFailure,
        ))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// What went wrong on the network, in the words a user acts on, when that is all a failed
/// request's error chain says (`io`: the innermost I/O error's kind).
fn network_reason(e: &reqwest::Error, io: Option<std::io::ErrorKind>) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    match io {
        Some(K::ConnectionRefused) => Some("connection refused"),
        Some(K::ConnectionReset) => Some("connection reset"),
        Some(K::HostUnreachable) => Some("host unreachable"),
        Some(K::NetworkUnreachable) => Some("network unreachable"),
        Some(K::TimedOut) => Some("timed out"),
        _ if e.is_timeout() => Some("timed out"),
        _ => None,
    }
}

/// The proxy every request must go through.
#[derive(Debug, Clone)]
struct Proxy {
    /// `socks5h://host:port`, without credentials (for messages).
    shown: String,
    /// `host:port` of the proxy itself, to tell "proxy down" from "relay unreachable".
    addr: String,
    /// The URL reqwest gets, with the isolation credentials.
    url: String,
}

struct Live {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// A relay route.
pub struct RelayDrop {
    base: String,
    host: String,
    pin: Option<[u8; 32]>,
    seen: Arc<Mutex<Option<[u8; 32]>>>,
    proxy: Option<Proxy>,
    timeout: Duration,
    live: Option<Live>,
}

impl std::fmt::Debug for RelayDrop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayDrop")
            .field("host", &self.host)
            .field("pinned", &self.pin.is_some())
            .field("proxy", &self.proxy.as_ref().map(|p| &p.shown))
            .finish()
    }
}

fn pct(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn parse_proxy(p: &str, isolation: Option<&(String, String)>) -> Result<Proxy> {
    let rest = p
        .strip_prefix("socks5h://")
        .or_else(|| p.strip_prefix("socks5://"))
        .ok_or_else(|| {
            TransportError::Protocol(
                p.to_string(),
                "the proxy must be a SOCKS5 URL, socks5h://HOST:PORT".into(),
            )
        })?;
    // Credentials in the configured URL are replaced by the per-operation ones.
    let addr = rest.rsplit_once('@').map_or(rest, |(_, a)| a);
    let addr = addr.trim_end_matches('/').to_string();
    let url = match isolation {
        Some((u, pw)) => format!("socks5h://{}:{}@{addr}", pct(u), pct(pw)),
        None => format!("socks5h://{rest}"),
    };
    Ok(Proxy {
        shown: format!("socks5h://{addr}"),
        addr,
        url,
    })
}

/// One relay answer.
struct Answer {
    status: StatusCode,
    retry_after: Option<u64>,
    body: Vec<u8>,
}

/// What a relay exposes.
pub(crate) fn exposure(r: &HttpsRoute, u: crate::Usage) -> crate::Exposure {
    u.dialled(
        "relay",
        &r.host,
        "the relay sees your IP",
        (
            "the relay: per-tag counts and times (how many blobs each pair's daily tag receives, and when), which tags are fetched together; not your IP, not who, not content",
            "the relay: your IP address, per-tag counts and times (how many blobs each pair's daily tag receives, and when), which tags are fetched together; not who, not content",
        ),
    )
}

impl RelayDrop {
    /// The drop for an `https://` (or loopback/onion `http://`) route. Nothing dials out
    /// until the first operation.
    pub fn new(route: &HttpsRoute, dial: &DialOptions) -> Result<Self> {
        let HttpsRoute {
            base,
            host,
            port,
            pin,
            ..
        } = route;
        let label = format!("{host}:{port}");
        let proxy = match &dial.proxy {
            Some(p) => Some(parse_proxy(p, dial.isolation.as_ref())?),
            None if route.via == Some(Via::Tor) || host.ends_with(".onion") => {
                return Err(TransportError::TorRequired(label));
            }
            None => None,
        };
        Ok(RelayDrop {
            base: base.trim_end_matches('/').to_string(),
            host: label,
            pin: *pin,
            seen: Arc::new(Mutex::new(None)),
            proxy,
            timeout: Duration::from_secs(if dial.timeout_secs == 0 {
                30
            } else {
                dial.timeout_secs
            }),
            live: None,
        })
    }

    fn live(&mut self) -> Result<&Live> {
        if self.live.is_none() {
            let io = |e: std::io::Error| TransportError::Io(e, "tokio runtime".into());
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(io)?;
            let mut b = reqwest::Client::builder()
                .http1_only()
                .timeout(self.timeout)
                .connect_timeout(self.timeout)
                .pool_idle_timeout(Duration::from_secs(30));
            b = match &self.proxy {
                Some(p) => {
                    // Isolation credentials only for a proxy that takes them (Tor does); a
                    // plain SOCKS server would refuse them. Either way: only the proxy.
                    let auth = crate::socks::Proxy::parse(&p.shown)?.accepts_auth(self.timeout)?;
                    let url = if auth { &p.url } else { &p.shown };
                    b.proxy(
                        reqwest::Proxy::all(url).map_err(|e| {
                            TransportError::Protocol(p.shown.clone(), e.to_string())
                        })?,
                    )
                }
                None => b.no_proxy(),
            };
            if let Some(pin) = self.pin {
                let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
                let verifier = PinVerifier {
                    pin,
                    seen: self.seen.clone(),
                    provider: provider.clone(),
                };
                let cfg = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| TransportError::Protocol(self.host.clone(), e.to_string()))?
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(verifier))
                    .with_no_client_auth();
                b = b.tls_backend_preconfigured(cfg);
            }
            let client = b
                .build()
                .map_err(|e| TransportError::Protocol(self.host.clone(), e.to_string()))?;
            self.live = Some(Live { rt, client });
        }
        Ok(self.live.as_ref().expect("just set"))
    }

    /// Turns a failed request into the error a user can act on.
    fn request_error(&self, e: &reqwest::Error) -> TransportError {
        if let Some(got) = self.seen.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return TransportError::PinMismatch {
                host: self.host.clone(),
                expected: hex::encode(self.pin.unwrap_or_default()),
                got: hex::encode(got),
            };
        }
        let mut reason = e.to_string();
        let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
        let mut tls = None;
        let mut io_kind = None;
        while let Some(s) = src {
            let io = s.downcast_ref::<std::io::Error>();
            io_kind = io.map(std::io::Error::kind).or(io_kind);
            let inner = io
                .and_then(|io| io.get_ref())
                .map(|i| i as &(dyn std::error::Error + 'static));
            for cand in [Some(s), inner].into_iter().flatten() {
                if let Some(r) = cand.downcast_ref::<rustls::Error>() {
                    tls = Some(r.to_string());
                }
            }
            reason = format!("{reason}: {s}");
            src = s.source();
        }
        // Some layers wrap the rustls error so that it cannot be downcast; its text is stable.
        if tls.is_none() && reason.contains("invalid peer certificate") {
            tls = reason
                .rsplit_once("invalid peer certificate")
                .map(|(_, r)| format!("invalid peer certificate{r}"));
        }
        if let Some(t) = tls {
            let hint = if self.pin.is_none() {
                " (a relay with a self-signed certificate needs #pin=sha256:… in its route)"
            } else {
                ""
            };
            return TransportError::Protocol(self.host.clone(), format!("TLS failed: {t}{hint}"));
        }
        // A refused or timed-out connection comes wrapped in four layers ("error sending
        // request for url (…): client error (Connect): tcp connect error: Connection refused
        // (os error 111)"): the user can act only on the last words, so those are the
        // reason; the whole chain stays in the debug log.
        if let Some(short) = network_reason(e, io_kind) {
            tracing::debug!("relay {}: {reason}", self.host);
            reason = short.to_string();
        }
        if let Some(p) = &self.proxy {
            let up = p
                .addr
                .parse::<std::net::SocketAddr>()
                .ok()
                .map(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(3)).is_ok())
                .unwrap_or_else(|| std::net::TcpStream::connect(p.addr.as_str()).is_ok());
            if !up {
                return TransportError::ProxyDown(p.shown.clone());
            }
            reason = format!("through {}: {reason}", p.shown);
        }
        TransportError::Unreachable {
            host: self.host.clone(),
            reason,
        }
    }

    fn status_error(&self, a: &Answer) -> TransportError {
        let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap_or_default();
        let code = v["error"].as_str().unwrap_or("");
        let msg = v["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("HTTP {}", a.status));
        match a.status {
            StatusCode::TOO_MANY_REQUESTS => TransportError::QuotaFull(format!(
                "relay {}: the recipient's mailbox there is full ({msg}); it takes more once they fetch",
                self.host
            )),
            StatusCode::INSUFFICIENT_STORAGE => TransportError::Retryable(format!(
                "relay {} is low on storage space; try later",
                self.host
            )),
            StatusCode::SERVICE_UNAVAILABLE => TransportError::Retryable(format!(
                "relay {} is busy or restarting ({msg})",
                self.host
            )),
            _ if code.is_empty() => TransportError::Protocol(self.host.clone(), msg),
            _ => TransportError::Protocol(self.host.clone(), format!("{msg} [{code}]")),
        }
    }

    /// One request with bounded retries on "try again" answers.
    fn call(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer> {
        let url = format!("{}{path}", self.base);
        let mut backoff = Duration::from_millis(250);
        let mut attempt = 1;
        loop {
            let live = self.live()?;
            let mut req = live.client.request(method.clone(), &url);
            for (k, v) in headers {
                req = req.header(*k, v);
            }
            if let Some(b) = &body {
                req = req.body(b.clone());
            }
            let got = live.rt.block_on(async {
                let resp = req.send().await?;
                let status = resp.status();
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                let body = resp.bytes().await?.to_vec();
                Ok::<_, reqwest::Error>(Answer {
                    status,
                    retry_after,
                    body,
                })
            });
            let (err, wait) = match got {
                Ok(a) if a.status.is_success() => return Ok(a),
                Ok(a) => {
                    let e = self.status_error(&a);
                    let again = matches!(
                        a.status,
                        StatusCode::SERVICE_UNAVAILABLE | StatusCode::INSUFFICIENT_STORAGE
                    );
                    let wait = Duration::from_secs(a.retry_after.unwrap_or(0)).max(backoff);
                    (e, (again && wait <= MAX_WAIT).then_some(wait))
                }
                Err(e) => {
                    let e = self.request_error(&e);
                    let again = matches!(e, TransportError::Unreachable { .. });
                    (e, again.then_some(backoff))
                }
            };
            match wait {
                Some(w) if attempt < ATTEMPTS => {
                    use rand::Rng;
                    let jitter = rand::thread_rng().gen_range(0.75..1.25);
                    std::thread::sleep(w.mul_f64(jitter));
                    backoff *= 2;
                    attempt += 1;
                }
                _ => return Err(err),
            }
        }
    }

    /// A put with a proof-of-work stamp: to `/v1/intro` (always stamped), or to `/v1/blobs`
    /// when the relay said it is busy (`pow_missing`; `/v1/info` then carries a put nonce).
    fn put_stamped(&mut self, tag: &Tag, blob: &[u8], intro: bool) -> Result<()> {
        let hash = pow::blob_hash(blob);
        let path = if intro { "/v1/intro" } else { "/v1/blobs" };
        let mut tries = 0;
        loop {
            tries += 1;
            let info = self.call(Method::GET, "/v1/info", &[], None)?;
            let info: Info = serde_json::from_slice(&info.body).map_err(|_| {
                TransportError::Protocol(self.host.clone(), "relay info is not JSON".into())
            })?;
            let (hex_nonce, difficulty) = if intro {
                (info.pow.nonce, info.pow.difficulty)
            } else {
                match (info.pow.puts, info.pow.put_nonce, info.pow.put_difficulty) {
                    (true, Some(n), Some(d)) => (n, d),
                    // No longer busy: a plain put will do.
                    _ => return self.put_plain(tag, blob).map(|_| ()),
                }
            };
            let mut nonce = [0u8; 32];
            let ok = hex::decode_to_slice(&hex_nonce, &mut nonce).is_ok();
            if !ok || difficulty > pow::MAX_DIFFICULTY {
                return Err(TransportError::Protocol(
                    self.host.clone(),
                    format!(
                        "the relay asks for proof of work hushpost will not do (difficulty {difficulty})"
                    ),
                ));
            }
            let counter = pow::mint(&nonce, tag, &hash, difficulty).ok_or_else(|| {
                TransportError::Protocol(self.host.clone(), "proof of work refused".into())
            })?;
            let stamp = Stamp { nonce, counter }.header();
            match self.call(
                Method::PUT,
                path,
                &[(TAG_HEADER, tag.hex()), (POW_HEADER, stamp)],
                Some(blob.to_vec()),
            ) {
                // A nonce can go stale (relay restarted, ten minutes passed) or be spent by
                // a retried request that did land: mint once more with a fresh one.
                Err(TransportError::Protocol(_, m)) if tries < 2 && m.contains("[pow_nonce_") => {
                    continue;
                }
                r => return r.map(|_| ()),
            }
        }
    }

    fn put_plain(&mut self, tag: &Tag, blob: &[u8]) -> Result<Answer, TransportError> {
        self.call(
            Method::PUT,
            "/v1/blobs",
            &[(TAG_HEADER, tag.hex())],
            Some(blob.to_vec()),
        )
    }

    fn fetch_group(
        &mut self,
        offset: usize,
        caps: &[FetchCap],
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<Flow> {
        let mut req = FetchRequest {
            caps: caps.to_vec(),
            slots: Some(FIRST_SLOTS),
            cursor: None,
        };
        // A large blob arrives as consecutive chunks, possibly across pages.
        let mut partial: Option<PartialBlob> = None;
        loop {
            let body = self.post_fetch(&req)?;
            let slots = req.slots.unwrap_or(FIRST_SLOTS);
            let page = api::decode_page(&body, caps.len(), slots)
                .map_err(|e| TransportError::Protocol(self.host.clone(), e.to_string()))?;
            for (h, data) in page.slots {
                if let Some(blob) = slot_blob(&mut partial, &caps[usize::from(h.cap)], &h, data) {
                    let f = Fetched {
                        cap: offset + usize::from(h.cap),
                        id: h.id.to_string(),
                        blob,
                        unstamped: h.flags & api::FLAG_STAMPED == 0,
                    };
                    if sink(f) == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
            }
            match page.next {
                None => return Ok(Flow::Continue),
                Some(c) => {
                    req.cursor = Some(c);
                    req.slots = Some(MORE_SLOTS);
                }
            }
        }
    }
}

impl RelayDrop {
    /// `POST /v1/fetch`; the answer's bytes.
    fn post_fetch(&mut self, req: &FetchRequest) -> Result<Vec<u8>> {
        let body = serde_json::to_vec(req)
            .map_err(|e| TransportError::Protocol(self.host.clone(), e.to_string()))?;
        let a = self.call(
            Method::POST,
            "/v1/fetch",
            &[("content-type", "application/json".into())],
            Some(body),
        )?;
        Ok(a.body)
    }

    /// One fixed-shape page: exactly one request of `slots` slots over `caps`, starting where
    /// the last page left off (its capability moved to the front: the list is shuffled per
    /// tick, and the cursor counts from its first capability), continuing a large blob in
    /// progress. What does not fit waits for the next tick.
    fn page(
        &mut self,
        caps: &[FetchCap],
        slots: usize,
        state: &mut PageState,
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<()> {
        let mut order: Vec<usize> = (0..caps.len()).collect();
        let mut cursor = api::Cursor::default();
        if let Some(r) = state.resume.take()
            && let Some(i) = caps.iter().position(|c| *c == r.cap)
        {
            order.remove(i);
            order.insert(0, i);
            cursor.blob = r.blob;
            cursor.chunk = r.chunk;
        }
        let mut partial = state.partial.take();
        if cursor.chunk == 0 {
            // A large blob continues only from its own position.
            partial = None;
        }
        let req = FetchRequest {
            caps: order.iter().map(|&i| caps[i].clone()).collect(),
            slots: Some(slots),
            // Always present (zeros at the start) so every request has the same length.
            cursor: Some(cursor),
        };
        let body = self.post_fetch(&req)?;
        let page = api::decode_page(&body, caps.len(), slots)
            .map_err(|e| TransportError::Protocol(self.host.clone(), e.to_string()))?;
        let mut stopped = false;
        for (h, data) in page.slots {
            let cap = order[usize::from(h.cap)];
            if let Some(blob) = slot_blob(&mut partial, &caps[cap], &h, data)
                && !stopped
                && sink(Fetched {
                    cap,
                    id: h.id.to_string(),
                    blob,
                    unstamped: h.flags & api::FLAG_STAMPED == 0,
                }) == Flow::Stop
            {
                stopped = true;
            }
        }
        state.resume = page.next.map(|c| Resume {
            cap: caps[order[usize::from(c.cap)]].clone(),
            blob: c.blob,
            chunk: c.chunk,
        });
        state.partial = partial;
        Ok(())
    }
}

/// The blob a slot completes, if any: a small blob whole, a large one once its last chunk
/// is in (`partial` carries it between slots and pages).
pub(crate) fn slot_blob(
    partial: &mut Option<PartialBlob>,
    cap: &FetchCap,
    h: &api::SlotHead,
    data: &[u8],
) -> Option<Vec<u8>> {
    if h.chunks == 1 {
        return Some(data.to_vec());
    }
    *partial = continue_partial(partial.take(), cap, &h.id.to_string(), h, data);
    match partial {
        Some(p) if p.data.len() == p.len as usize => partial.take().map(|p| p.data),
        _ => None,
    }
}

/// The large blob in progress after one more chunk: started over at chunk 0, extended by
/// the chunk that follows, dropped when the drop hands over something else (the blob was
/// deleted or expired meanwhile).
fn continue_partial(
    partial: Option<PartialBlob>,
    cap: &FetchCap,
    id: &str,
    h: &api::SlotHead,
    data: &[u8],
) -> Option<PartialBlob> {
    if h.chunk == 0 {
        let mut v = Vec::with_capacity(h.len as usize);
        v.extend_from_slice(data);
        return Some(PartialBlob {
            cap: cap.clone(),
            id: id.to_string(),
            len: h.len,
            data: v,
        });
    }
    let mut p = partial?;
    if p.cap == *cap && p.id == id && p.data.len() / SMALL == usize::from(h.chunk) {
        p.data.extend_from_slice(data);
        Some(p)
    } else {
        None
    }
}

impl DeadDrop for RelayDrop {
    fn put(&mut self, tag: &Tag, blob: &[u8], opts: PutOptions) -> Result<()> {
        if blob.len() != SMALL && blob.len() != LARGE {
            return Err(TransportError::Protocol(
                self.host.clone(),
                format!(
                    "a blob of {} bytes is not 16384 or 262144; refusing to send",
                    blob.len()
                ),
            ));
        }
        if opts.intro {
            return self.put_stamped(tag, blob, true);
        }
        match self.put_plain(tag, blob) {
            // The relay is under load and wants every put to pay for its place.
            Err(TransportError::Protocol(_, m)) if m.contains("[pow_missing]") => {
                self.put_stamped(tag, blob, false)
            }
            r => r.map(|_| ()),
        }
    }

    fn fetch(&mut self, caps: &[FetchCap], sink: &mut dyn FnMut(Fetched) -> Flow) -> Result<()> {
        for (n, group) in caps.chunks(MAX_CAPS).enumerate() {
            if self.fetch_group(n * MAX_CAPS, group, sink)? == Flow::Stop {
                break;
            }
        }
        Ok(())
    }

    fn delete(&mut self, caps: &[FetchCap], items: &[(usize, String)]) -> Result<()> {
        for group in delete_items(caps, items).chunks(MAX_DELETE) {
            self.delete_request(group)?;
        }
        Ok(())
    }

    fn fetch_page(
        &mut self,
        caps: &[FetchCap],
        slots: usize,
        state: &mut PageState,
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<()> {
        self.page(caps, slots, state, sink)
    }

    fn delete_padded(
        &mut self,
        caps: &[FetchCap],
        items: &[(usize, String)],
        slots: usize,
    ) -> Result<usize> {
        let mut group = delete_items(caps, &items[..items.len().min(slots)]);
        let handled = items.len().min(slots);
        // Items that match nothing (a random capability names an empty tag) keep the
        // request the same length whether there is anything to delete or not.
        while group.len() < slots {
            group.push(DeleteItem {
                cap: FetchCap(rand::random()),
                id: api::BlobId(rand::random()),
            });
        }
        self.delete_request(&group)?;
        Ok(handled)
    }
}

/// `(capability index, id)` pairs as relay delete items (ids that are not relay ids are
/// skipped).
fn delete_items(caps: &[FetchCap], items: &[(usize, String)]) -> Vec<DeleteItem> {
    items
        .iter()
        .filter_map(|(i, id)| {
            Some(DeleteItem {
                cap: caps.get(*i)?.clone(),
                id: api::BlobId::parse(id)?,
            })
        })
        .collect()
}

impl RelayDrop {
    fn delete_request(&mut self, group: &[DeleteItem]) -> Result<()> {
        let body = serde_json::to_vec(&DeleteRequest {
            items: group.to_vec(),
        })
        .map_err(|e| TransportError::Protocol(self.host.clone(), e.to_string()))?;
        self.call(
            Method::DELETE,
            "/v1/blobs",
            &[("content-type", "application/json".into())],
            Some(body),
        )?;
        Ok(())
    }
}
