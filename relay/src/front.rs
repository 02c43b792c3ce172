//! The relay's front door: what keeps slow, idle and greedy clients from taking it down.
//!
//! - a connection cap (a semaphore; a connection over it is closed at once), sized to the
//!   file-descriptor limit, whose soft value is raised to the hard one at start;
//! - timeouts: TLS handshake and first request (10 s), request headers (10 s, also between
//!   requests on a kept connection), no byte in either direction for 60 s (idle), and 30 s
//!   for a whole request with its body;
//! - rate limits per connection and for the whole relay (GCRA, `governor`), refused with a
//!   retryable 503;
//! - "busy": with the connections at half the cap, or the global rate limit hit in the last
//!   10 s, every PUT must carry proof of work (advertised in `/v1/info`).
//!
//! Refusals are counted and reported as one log line every 10 s — counts only. Must not:
//! log or keep a client address, a tag or anything else about who was refused.

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::Response;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;

/// Tunables of the front.
#[derive(Debug, Clone)]
pub struct FrontConfig {
    /// Most open connections (further ones are closed at once); 0 = as many as the
    /// file-descriptor limit allows.
    pub max_connections: usize,
    /// Requests per second one connection may make (0 = no limit); bursts of twice that.
    pub per_connection_rate: u32,
    /// Requests per second the whole relay takes (0 = no limit); bursts of twice that.
    pub global_rate: u32,
    /// Proof-of-work bits a PUT needs while the relay is busy.
    pub put_pow_difficulty: u8,
    /// TLS handshake, and the first request after it.
    pub handshake_timeout: Duration,
    /// Reading one request's headers (also the wait for the next request).
    pub header_timeout: Duration,
    /// No byte read or written.
    pub idle_timeout: Duration,
    /// One whole request, body included.
    pub request_timeout: Duration,
}

impl Default for FrontConfig {
    fn default() -> Self {
        FrontConfig {
            max_connections: 0,
            per_connection_rate: 100,
            global_rate: 20_000,
            put_pow_difficulty: 16,
            handshake_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Raises the soft file-descriptor limit to the hard one; returns the soft limit now.
pub fn raise_fd_limit() -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
            Ok(()) => hard,
            Err(_) => soft,
        },
        Ok((soft, _)) => soft,
        Err(_) => 1024,
    }
}

/// The state every connection shares.
pub struct Front {
    cfg: FrontConfig,
    cap: usize,
    conns: Arc<Semaphore>,
    global: Option<DefaultDirectRateLimiter>,
    per_conn: Option<Quota>,
    started: Instant,
    last_global_refusal: AtomicU64,
    refused_cap: AtomicU64,
    refused_conn_rate: AtomicU64,
    refused_global_rate: AtomicU64,
    timed_out: AtomicU64,
    unserved: AtomicU64,
}

impl std::fmt::Debug for Front {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Front").field("cap", &self.cap).finish()
    }
}

fn quota(rate: u32) -> Option<Quota> {
    let r = NonZeroU32::new(rate)?;
    let burst = NonZeroU32::new(rate.saturating_mul(2)).unwrap_or(r);
    Some(Quota::per_second(r).allow_burst(burst))
}

impl Front {
    /// The front for `cfg`, with `fds` file descriptors to spend.
    pub fn new(cfg: FrontConfig, fds: u64) -> Front {
        // Leave room for segment files, database connections and the listener.
        let room = (fds.saturating_sub(256) as usize).max(64);
        let cap = match cfg.max_connections {
            0 => room,
            n => n.min(room),
        };
        Front {
            cap,
            conns: Arc::new(Semaphore::new(cap)),
            global: quota(cfg.global_rate).map(RateLimiter::direct),
            per_conn: quota(cfg.per_connection_rate),
            started: Instant::now(),
            last_global_refusal: AtomicU64::new(0),
            refused_cap: AtomicU64::new(0),
            refused_conn_rate: AtomicU64::new(0),
            refused_global_rate: AtomicU64::new(0),
            timed_out: AtomicU64::new(0),
            unserved: AtomicU64::new(0),
            cfg,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FrontConfig {
        &self.cfg
    }

    /// The connection cap in force.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Open connections.
    pub fn open(&self) -> usize {
        self.cap - self.conns.available_permits()
    }

    fn secs(&self) -> u64 {
        self.started.elapsed().as_secs() + 1
    }

    /// Whether PUTs need proof of work now.
    pub fn busy(&self) -> bool {
        let recent = self.last_global_refusal.load(Ordering::Relaxed);
        self.open() * 2 >= self.cap || (recent > 0 && self.secs() < recent + 10)
    }

    /// Proof-of-work bits a PUT needs while busy.
    pub fn put_difficulty(&self) -> u8 {
        self.cfg.put_pow_difficulty
    }

    /// The refusals since the last call, as one log line (counts only), if there were any.
    pub fn report(&self) -> Option<String> {
        let take = |c: &AtomicU64| c.swap(0, Ordering::Relaxed);
        let (cap, rate, global, slow, unserved) = (
            take(&self.refused_cap),
            take(&self.refused_conn_rate),
            take(&self.refused_global_rate),
            take(&self.timed_out),
            take(&self.unserved),
        );
        (cap + rate + global + slow + unserved > 0).then(|| {
            format!(
                "refused: {cap} connections over the cap of {}, {rate} requests over the \
                 per-connection rate, {global} over the relay's rate, {slow} requests that took \
                 too long; {unserved} connections closed before a whole request (slow, idle or \
                 timed out); {} open",
                self.cap,
                self.open()
            )
        })
    }
}

/// The acceptor: takes a connection slot (or closes the connection), sets `TCP_NODELAY`
/// (without it a response written after TLS 1.3's session tickets waits ~40 ms for the
/// client's delayed ACK), and bounds inactivity.
#[derive(Clone, Debug)]
pub struct FrontAcceptor {
    front: Arc<Front>,
}

impl FrontAcceptor {
    /// An acceptor over `front`.
    pub fn new(front: Arc<Front>) -> FrontAcceptor {
        FrontAcceptor { front }
    }
}

/// A connection's slot: released when the connection and its last request are gone.
struct Slot {
    _permit: OwnedSemaphorePermit,
    served: AtomicBool,
    front: Arc<Front>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.served.load(Ordering::Relaxed) {
            self.front.unserved.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The accepted stream: inactivity-bounded.
pub type FrontStream = Pin<Box<TimeoutStream<TcpStream>>>;

impl<S> axum_server::accept::Accept<TcpStream, S> for FrontAcceptor {
    type Stream = FrontStream;
    type Service = PerConn<S>;
    type Future = std::future::Ready<std::io::Result<(FrontStream, PerConn<S>)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let f = &self.front;
        let Ok(permit) = f.conns.clone().try_acquire_owned() else {
            f.refused_cap.fetch_add(1, Ordering::Relaxed);
            return std::future::ready(Err(std::io::Error::other("connection cap reached")));
        };
        let _ = stream.set_nodelay(true);
        let mut ts = TimeoutStream::new(stream);
        ts.set_read_timeout(Some(f.cfg.idle_timeout));
        ts.set_write_timeout(Some(f.cfg.idle_timeout));
        let conn = PerConn {
            inner: service,
            slot: Arc::new(Slot {
                _permit: permit,
                served: AtomicBool::new(false),
                front: f.clone(),
            }),
            limiter: f.per_conn.map(|q| Arc::new(RateLimiter::direct(q))),
        };
        std::future::ready(Ok((Box::pin(ts), conn)))
    }
}

/// The service of one connection: rate limits and the request timeout around the router.
#[derive(Clone)]
pub struct PerConn<S> {
    inner: S,
    slot: Arc<Slot>,
    limiter: Option<Arc<DefaultDirectRateLimiter>>,
}

fn busy_response(what: &'static str) -> Response {
    let body = format!("{{\"error\":\"rate_limited\",\"message\":\"{what}; try again shortly\"}}");
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

type BoxFut = Pin<Box<dyn Future<Output = Result<Response, std::convert::Infallible>> + Send>>;

impl<S, B> tower_service::Service<Request<B>> for PerConn<S>
where
    S: tower_service::Service<Request<B>, Response = Response, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = BoxFut;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> BoxFut {
        let front = &self.slot.front;
        self.slot.served.store(true, Ordering::Relaxed);
        if self.limiter.as_ref().is_some_and(|l| l.check().is_err()) {
            front.refused_conn_rate.fetch_add(1, Ordering::Relaxed);
            return Box::pin(std::future::ready(Ok(busy_response(
                "too many requests on this connection",
            ))));
        }
        if front.global.as_ref().is_some_and(|l| l.check().is_err()) {
            front.refused_global_rate.fetch_add(1, Ordering::Relaxed);
            front
                .last_global_refusal
                .store(front.secs(), Ordering::Relaxed);
            return Box::pin(std::future::ready(Ok(busy_response("the relay is busy"))));
        }
        let fut = self.inner.call(req);
        let (limit, front) = (front.cfg.request_timeout, front.clone());
        Box::pin(async move {
            match tokio::time::timeout(limit, fut).await {
                Ok(r) => r,
                Err(_) => {
                    front.timed_out.fetch_add(1, Ordering::Relaxed);
                    let mut r = busy_response("the request took too long");
                    *r.status_mut() = StatusCode::REQUEST_TIMEOUT;
                    Ok(r)
                }
            }
        })
    }
}
