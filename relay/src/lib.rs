//! The hushpost relay: an HTTPS dead drop that stores sealed blobs of exactly 16,384 or
//! 262,144 bytes under unlinkable tags and hands them to whoever presents the tag's
//! preimage. `hushpost relay serve` runs it; `docs/RELAY.md` is the API and the operator's
//! guide.
//!
//! Must not: depend on client crates, learn or log who talks to whom (no tags, capabilities,
//! blob hashes or client addresses in logs), evict an unread blob, or acknowledge a blob
//! before it is durable.
#![forbid(unsafe_code)]

pub mod api;
pub mod front;
pub mod migrate;
pub mod pow;
pub mod store;
pub mod tls;

use hushpost_wire::time::{Clock, SystemClock};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use store::BlobStore;
use store::log::{LogStore, StoreConfig};

/// Where the relay keeps its blobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    /// Segment files in `DATA/blobs/` (the default).
    Segments,
    /// A PostgreSQL database (`postgres://USER@HOST:PORT/DB`), which several relay nodes
    /// may share.
    Postgres(String),
}

/// Why the relay could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// A file or socket operation failed.
    #[error("{1}: {0}")]
    Io(#[source] std::io::Error, String),
    /// The certificate or key is unusable.
    #[error("TLS: {0}")]
    Tls(String),
    /// The configuration is refused.
    #[error("{0}")]
    Config(String),
}

/// How the relay speaks to clients.
#[derive(Debug, Clone)]
pub enum TlsMode {
    /// The operator's PEM certificate chain and key.
    Files {
        /// Certificate chain (leaf first).
        cert: PathBuf,
        /// Private key.
        key: PathBuf,
    },
    /// A self-signed certificate kept in `DATA/tls/`; clients pin it.
    SelfSigned,
    /// Plain HTTP: only on a loopback address (behind a Tor onion service or a TLS proxy).
    Plain,
}

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (port 0 picks a free one).
    pub listen: SocketAddr,
    /// Data directory (blobs in `blobs/`, self-signed certificate in `tls/`).
    pub data: PathBuf,
    /// Where blobs live.
    pub kind: StoreKind,
    /// TLS mode.
    pub tls: TlsMode,
    /// Storage limits.
    pub store: StoreConfig,
    /// Base proof-of-work difficulty for intro posts.
    pub pow_difficulty: u8,
    /// Connection cap, timeouts, rate limits.
    pub front: front::FrontConfig,
}

impl Config {
    /// Defaults for the given address, directory and TLS mode.
    pub fn new(listen: SocketAddr, data: PathBuf, tls: TlsMode) -> Config {
        Config {
            listen,
            data,
            kind: StoreKind::Segments,
            tls,
            store: StoreConfig::default(),
            pow_difficulty: hushpost_wire::pow::DEFAULT_DIFFICULTY,
            front: front::FrontConfig::default(),
        }
    }
}

/// The system clock shifted by an adjustable offset: tests move it forward to expire blobs
/// and nonces without waiting.
#[derive(Debug, Default)]
pub struct OffsetClock(AtomicI64);

impl OffsetClock {
    /// Moves the clock by `secs`.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::Relaxed);
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> u64 {
        SystemClock
            .now()
            .saturating_add_signed(self.0.load(Ordering::Relaxed))
    }
}

/// What the server thread needs besides the store.
struct Serving {
    front: Arc<front::Front>,
    listener: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    handle: axum_server::Handle<SocketAddr>,
    pow_difficulty: u8,
    limits: api::Limits,
}

impl Serving {
    /// Serves `store` on a thread of its own that runs `rt`.
    fn spawn<S: BlobStore>(
        self,
        rt: tokio::runtime::Runtime,
        store: Arc<S>,
        clock: Arc<dyn Clock>,
    ) -> Result<std::thread::JoinHandle<std::io::Result<()>>, RelayError> {
        let pow = pow::Pow::new(self.pow_difficulty, store.pow_key(), clock);
        let app = api::App::new(store.clone(), pow, self.limits, self.front.clone());
        let router = api::router(Arc::new(app));
        let (h, listener, tls, front) = (self.handle, self.listener, self.tls, self.front);
        let st: Arc<dyn Admin> = store;
        std::thread::Builder::new()
            .name("relay-server".into())
            .spawn(move || {
                rt.block_on(async move {
                    let sweeper = tokio::spawn(housekeeping(st));
                    let reporter = tokio::spawn(report(front.clone()));
                    let served = serve(listener, tls, h, front, router).await;
                    sweeper.abort();
                    reporter.abort();
                    served
                })
            })
            .map_err(|e| RelayError::Io(e, "server thread".into()))
    }
}

/// Serves `router` behind the front (TLS when configured).
async fn serve(
    listener: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    handle: axum_server::Handle<SocketAddr>,
    front: Arc<front::Front>,
    router: axum::Router,
) -> std::io::Result<()> {
    let cfg = front.config().clone();
    let acceptor = front::FrontAcceptor::new(front);
    let mut server = axum_server::from_tcp(listener)?
        .handle(handle)
        .first_request_timeout(cfg.handshake_timeout);
    server
        .http_builder()
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(cfg.header_timeout);
    let service = router.into_make_service();
    match tls {
        Some(c) => {
            let c = axum_server::tls_rustls::RustlsConfig::from_config(c);
            let tls = axum_server::tls_rustls::RustlsAcceptor::new(c)
                .handshake_timeout(cfg.handshake_timeout)
                .acceptor(acceptor);
            server.acceptor(tls).serve(service).await
        }
        None => server.acceptor(acceptor).serve(service).await,
    }
}

/// Logs what the front refused, every 10 s when it refused anything.
async fn report(front: Arc<front::Front>) {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    loop {
        tick.tick().await;
        if let Some(line) = front.report() {
            tracing::warn!("{line}");
        }
    }
}

/// A running relay.
pub struct Relay {
    addr: SocketAddr,
    pin: Option<[u8; 32]>,
    cert_made: bool,
    handle: axum_server::Handle<SocketAddr>,
    store: Arc<dyn Admin>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay").field("addr", &self.addr).finish()
    }
}

fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// What the relay itself needs of a store, whichever it is (object safe).
trait Admin: Send + Sync {
    fn stats(&self) -> store::StoreStats;
    fn sweep(&self) -> Result<store::SweepStats, store::StoreError>;
    fn shutdown(&self);
}

impl<S: BlobStore> Admin for S {
    fn stats(&self) -> store::StoreStats {
        BlobStore::stats(self)
    }
    fn sweep(&self) -> Result<store::SweepStats, store::StoreError> {
        BlobStore::sweep(self)
    }
    fn shutdown(&self) {
        BlobStore::shutdown(self)
    }
}

async fn housekeeping(store: Arc<dyn Admin>) {
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    let mut n = 0u64;
    loop {
        tick.tick().await;
        let s = store.clone();
        match tokio::task::spawn_blocking(move || s.sweep()).await {
            Ok(Ok(r)) if r.expired > 0 || r.segments_removed > 0 => tracing::info!(
                "retention: {} blobs expired, {} segment files removed",
                r.expired,
                r.segments_removed
            ),
            Ok(Ok(r)) if r.skipped => {
                tracing::debug!("retention sweep skipped: another node is sweeping")
            }
            Ok(Err(e)) => tracing::warn!("sweep failed: {e}"),
            Err(_) => tracing::warn!("sweep failed: the sweep task panicked"),
            _ => {}
        }
        if n.is_multiple_of(20) {
            let st = store.stats();
            // "1 blobs in 1 MiB" read oddly for one 16 KiB blob.
            let size = if st.bytes < 1 << 20 {
                format!("{} KiB", st.bytes.div_ceil(1 << 10))
            } else {
                format!("{} MiB", st.bytes.div_ceil(1 << 20))
            };
            tracing::info!(
                "holding {} blob{} in {size}",
                st.blobs,
                if st.blobs == 1 { "" } else { "s" }
            );
        }
        n += 1;
    }
}

impl Relay {
    /// Opens the store, binds, and serves on background threads. Returns once the socket
    /// is listening.
    pub fn start(cfg: Config, clock: Arc<dyn Clock>) -> Result<Relay, RelayError> {
        if matches!(cfg.tls, TlsMode::Plain) && !is_loopback(&cfg.listen) {
            return Err(RelayError::Config(
                "plain HTTP is only allowed on a loopback address (for a Tor onion service or a \
                 TLS-terminating proxy on the same machine)"
                    .into(),
            ));
        }
        let (tls, pin, cert_made) = match &cfg.tls {
            TlsMode::Plain => (None, None, false),
            TlsMode::Files { cert, key } => {
                let id = tls::load(cert, key)?;
                let pin = id.pin();
                (Some(tls::server_config(id)?), Some(pin), false)
            }
            TlsMode::SelfSigned => {
                let (id, made) = tls::self_signed(&cfg.data.join("tls"), &cfg.listen)?;
                let pin = id.pin();
                (Some(tls::server_config(id)?), Some(pin), made)
            }
        };
        let rt = RtGuard(Some(
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("relay-worker")
                .build()
                .map_err(|e| RelayError::Io(e, "runtime".into()))?,
        ));
        let listener = std::net::TcpListener::bind(cfg.listen)
            .map_err(|e| RelayError::Io(e, format!("cannot listen on {}", cfg.listen)))?;
        let io = |e| RelayError::Io(e, "listener".into());
        listener.set_nonblocking(true).map_err(io)?;
        let addr = listener.local_addr().map_err(io)?;
        let handle = axum_server::Handle::new();
        let fds = front::raise_fd_limit();
        let front = Arc::new(front::Front::new(cfg.front.clone(), fds));
        tracing::info!(
            "up to {} connections (file descriptor limit {fds})",
            front.cap()
        );
        let serving = Serving {
            front,
            listener,
            tls,
            handle: handle.clone(),
            pow_difficulty: cfg.pow_difficulty,
            limits: api::Limits {
                tag_quota: cfg.store.tag_quota,
                retention_secs: cfg.store.retention_secs,
            },
        };
        let (store, thread): (Arc<dyn Admin>, _) = match &cfg.kind {
            StoreKind::Segments => {
                let blobs = cfg.data.join("blobs");
                let s = Arc::new(
                    LogStore::open(&blobs, cfg.store.clone(), clock.clone())
                        .map_err(|e| RelayError::Io(e, blobs.display().to_string()))?,
                );
                (s.clone(), serving.spawn(rt.take(), s, clock)?)
            }
            StoreKind::Postgres(url) => {
                // On a thread of its own: `start` may itself run inside a runtime (as
                // `run` calls it), where blocking on another one would panic.
                let open = store::pg::PgStore::open(url, cfg.store.clone(), clock.clone());
                let s = std::thread::scope(|sc| sc.spawn(|| rt.get().block_on(open)).join())
                    .map_err(|_| RelayError::Config("PostgreSQL store: open panicked".into()))?
                    .map_err(|e| RelayError::Config(format!("PostgreSQL store: {e}")))?;
                let s = Arc::new(s);
                (s.clone(), serving.spawn(rt.take(), s, clock)?)
            }
        };
        tracing::info!(
            "relay started ({}, {})",
            match cfg.tls {
                TlsMode::Plain => "plain HTTP on loopback",
                TlsMode::Files { .. } => "TLS",
                TlsMode::SelfSigned => "TLS, self-signed certificate",
            },
            match cfg.kind {
                StoreKind::Segments => "segment store",
                StoreKind::Postgres(_) => "PostgreSQL store",
            }
        );
        Ok(Relay {
            addr,
            pin,
            cert_made,
            handle,
            store,
            thread: Some(thread),
        })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// SHA-256 of the certificate clients see, when serving TLS.
    pub fn pin(&self) -> Option<[u8; 32]> {
        self.pin
    }

    /// Whether a self-signed certificate was made by this start.
    pub fn cert_made(&self) -> bool {
        self.cert_made
    }

    /// Blobs held and bytes used.
    pub fn stats(&self) -> store::StoreStats {
        self.store.stats()
    }

    /// Runs a retention sweep now (tests; the relay also sweeps every 30 s).
    pub fn sweep(&self) -> Result<store::SweepStats, store::StoreError> {
        self.store.sweep()
    }

    /// Stops accepting connections, lets requests in flight finish (up to 10 s), flushes
    /// queued writes and returns.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.handle.graceful_shutdown(Some(Duration::from_secs(10)));
        if let Some(t) = self.thread.take() {
            match t.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!("server stopped with an error: {e}"),
                Err(_) => tracing::warn!("server thread panicked"),
            }
        }
        self.store.shutdown();
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop();
        }
    }
}

/// Runs a relay until SIGTERM or SIGINT, then shuts down gracefully. `ready` is called once
/// the socket listens (to print the address and pin).
pub fn run(cfg: Config, ready: impl FnOnce(&Relay)) -> Result<(), RelayError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RelayError::Io(e, "runtime".into()))?;
    let relay = rt.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        // Handlers first, so a signal during start-up is not fatal.
        let mut term = signal(SignalKind::terminate())
            .map_err(|e| RelayError::Io(e, "signal handler".into()))?;
        let mut int = signal(SignalKind::interrupt())
            .map_err(|e| RelayError::Io(e, "signal handler".into()))?;
        let relay = Relay::start(cfg, Arc::new(SystemClock))?;
        ready(&relay);
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        Ok::<Relay, RelayError>(relay)
    })?;
    tracing::info!("shutting down: finishing requests in flight");
    relay.shutdown();
    tracing::info!("relay stopped");
    Ok(())
}

/// The relay's runtime until it is handed to the server. `start` may run inside another
/// runtime (as `run` calls it), where dropping a runtime panics: a start that fails after
/// making it (the port taken, the store unreadable, the disk full) must shut it down in the
/// background instead, so the failure is an error line, not a panic.
struct RtGuard(Option<tokio::runtime::Runtime>);

impl RtGuard {
    fn get(&self) -> &tokio::runtime::Runtime {
        self.0
            .as_ref()
            .expect("the runtime is held until it is taken")
    }

    fn take(mut self) -> tokio::runtime::Runtime {
        self.0.take().expect("the runtime is taken once")
    }
}

impl Drop for RtGuard {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}
