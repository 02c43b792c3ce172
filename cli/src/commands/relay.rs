//! `hushpost relay serve` and `relay migrate`: run the HTTPS dead-drop relay from the same
//! binary, and move a relay's blobs from its segment store into PostgreSQL.
//!
//! Only argument checking and the start-up banner live here; the server is
//! `hushpost-relay`.

use crate::Ctx;
use anyhow::{Result, bail};
use hushpost_relay::store::log::StoreConfig;
use hushpost_relay::{Config, StoreKind, TlsMode};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Run a hushpost relay: an HTTPS dead drop that stores sealed 16 KiB / 256 KiB blobs
/// under unlinkable daily tags and forgets them after retention. It learns per-tag counts
/// and times, never names, keys or content; its logs hold no tags, capabilities, blob
/// hashes or client addresses.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    /// Serve, or move a relay's data.
    pub task: RelayTask,
}

/// `relay` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum RelayTask {
    /// Serve until SIGTERM or SIGINT (then finish requests in flight and exit).
    Serve(ServeArgs),
    /// Copy a relay's blobs from its segment store (--data DIR) into PostgreSQL.
    Migrate(MigrateArgs),
}

/// Copy every unexpired blob of a stopped relay's segment store into a PostgreSQL store,
/// keeping ids, flags and arrival times, so clients notice nothing once the relay serves
/// from PostgreSQL. Idempotent and resumable: blobs already there are skipped, so run it
/// again after an interruption. The segment store is left in place; remove it yourself
/// once the relay serves from PostgreSQL.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The relay's data directory (as given to `relay serve --data`); the relay must be
    /// stopped.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// The PostgreSQL store, postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The retention the relay runs with: older blobs are not copied.
    #[arg(long, value_name = "DURATION", default_value = "14days", value_parser = humantime::parse_duration)]
    pub retention: Duration,
}

const SERVE_HELP: &str = "\
Examples:
  Self-signed certificate (clients pin it; the pin and a route URL are printed):
    hushpost relay serve --listen 0.0.0.0:8443 --data /var/lib/hushpost-relay --tls-self-signed

  Several nodes on one PostgreSQL database serve one route (give them the same --data
  directory for the self-signed certificate, or the same --tls-cert/--tls-key):
    hushpost relay serve --listen 0.0.0.0:8443 --data /srv/relay-tls --tls-self-signed \
        --store postgres://relay@db.internal:5432/hushpost
  Moving an existing relay's blobs there (stop it first):
    hushpost relay migrate --from /var/lib/hushpost-relay --to postgres://relay@db:5432/hushpost

  With a certificate from your CA (e.g. Let's Encrypt):
    hushpost relay serve --listen [::]:443 --data /var/lib/hushpost-relay \\
        --tls-cert /etc/hushpost/fullchain.pem --tls-key /etc/hushpost/privkey.pem

Running under systemd (/etc/systemd/system/hushpost-relay.service):
  [Unit]
  Description=hushpost relay
  After=network-online.target
  Wants=network-online.target

  [Service]
  ExecStart=/usr/local/bin/hushpost relay serve --listen 0.0.0.0:8443 \\
      --data /var/lib/hushpost-relay --tls-self-signed
  DynamicUser=yes
  StateDirectory=hushpost-relay
  KillSignal=SIGTERM
  TimeoutStopSec=20
  Restart=on-failure
  NoNewPrivileges=yes
  ProtectSystem=strict
  ProtectHome=yes
  PrivateTmp=yes

  [Install]
  WantedBy=multi-user.target

  then: systemctl enable --now hushpost-relay; journalctl -u hushpost-relay shows the pin.
  (To listen on a port below 1024 add AmbientCapabilities=CAP_NET_BIND_SERVICE.)

As a Tor onion service (clients then need no pin and you need no certificate; the relay
never sees client addresses). In /etc/tor/torrc:
  HiddenServiceDir /var/lib/tor/hushpost-relay/
  HiddenServicePort 80 127.0.0.1:8080
then
  hushpost relay serve --listen 127.0.0.1:8080 --data /var/lib/hushpost-relay --plain-http
and give out the route http://<the name in /var/lib/tor/hushpost-relay/hostname> (an
.onion route always goes through Tor).

Signals: SIGTERM or SIGINT stop accepting, let requests in flight finish (up to 10 s),
flush queued writes and exit 0. A blob is acknowledged only once it is on disk, so even
kill -9 loses no acknowledged blob.";

/// Serve a relay. Exactly one of --tls-cert/--tls-key, --tls-self-signed or --plain-http.
#[derive(Debug, clap::Args)]
#[command(after_long_help = SERVE_HELP)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["tls_cert", "tls_self_signed", "plain_http"])))]
pub struct ServeArgs {
    /// Address to listen on, e.g. 0.0.0.0:8443 or [::]:443 (port 0 picks a free port).
    #[arg(long, value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Data directory: blobs, and the self-signed certificate. Created 0700. With --store,
    /// only the certificate (nodes of one route may share the directory).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Keep blobs in PostgreSQL instead of segment files under --data:
    /// postgres://USER@HOST:PORT/DB. Several relay nodes may share one database.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// PEM certificate chain (leaf first).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Make a self-signed certificate on first start (kept in DIR/tls/) and print its pin.
    #[arg(long)]
    pub tls_self_signed: bool,
    /// Plain HTTP, only on a loopback address: behind a Tor onion service (see below) or a
    /// TLS-terminating proxy on the same machine.
    #[arg(long)]
    pub plain_http: bool,
    /// Unread blobs one tag may hold; more are refused (retryable), never evicted. Large
    /// blobs stop an eighth short, leaving the rest to small ones.
    #[arg(long, value_name = "N", default_value_t = 128)]
    pub tag_quota: usize,
    /// Bytes of unread blobs one tag may hold; more are refused (retryable), never evicted.
    #[arg(long, value_name = "SIZE", default_value = "32M", value_parser = parse_size)]
    pub tag_max_bytes: u64,
    /// How long an unread blob is kept before it is deleted.
    #[arg(long, value_name = "DURATION", default_value = "14days", value_parser = humantime::parse_duration)]
    pub retention: Duration,
    /// Proof-of-work bits asked of intro posts; it rises by itself under load, up to 26.
    #[arg(long, value_name = "BITS", default_value_t = 20, value_parser = clap::value_parser!(u8).range(0..=26))]
    pub pow_difficulty: u8,
    /// Refuse puts (retryable, HTTP 507) once the stored blobs take this much (e.g. 50G).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_store_size: Option<u64>,
    /// Refuse puts (retryable, HTTP 507) while the disk has less free space than this.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub min_free_space: u64,
    /// Most open connections; more are closed at once (0: as the file-descriptor limit,
    /// raised to its hard value at start, allows).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_connections: usize,
    /// Requests per second one connection may make (bursts of twice that); 0 = no limit.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub rate_per_connection: u32,
    /// Requests per second the relay takes in all (bursts of twice that); 0 = no limit.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub rate_global: u32,
    /// Proof-of-work bits every PUT needs while the relay is busy (connections at half the
    /// cap, or the relay's rate exceeded in the last 10 s).
    #[arg(long, value_name = "BITS", default_value_t = 16, value_parser = clap::value_parser!(u8).range(0..=26))]
    pub put_pow_difficulty: u8,
    /// Writer lanes: parallel group commits (each has its own segment file).
    #[arg(long, value_name = "N", default_value_t = 4, hide = true)]
    pub lanes: usize,
    /// Segment file size at which a lane starts a new one.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size, hide = true)]
    pub segment_size: u64,
}

/// Parses `123`, `64K`, `500M`, `10G`, `1T` (powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mul) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let mul = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                _ => return Err(format!("unknown size suffix in {s:?} (use K, M, G or T)")),
            };
            (&s[..i], mul)
        }
        _ => (s, 1),
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mul))
        .ok_or_else(|| format!("not a size: {s:?}"))
}

/// Runs `relay`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.task {
        RelayTask::Serve(a) => serve(ctx, a),
        RelayTask::Migrate(a) => migrate(ctx, a),
    }
}

fn migrate(ctx: &Ctx, a: MigrateArgs) -> Result<()> {
    if !a.to.starts_with("postgres://") && !a.to.starts_with("postgresql://") {
        bail!("--to must be a PostgreSQL URL, postgres://USER@HOST:PORT/DB");
    }
    let cfg = StoreConfig {
        retention_secs: a.retention.as_secs().max(1),
        min_free_bytes: 0,
        ..StoreConfig::default()
    };
    let done = hushpost_relay::migrate::migrate(&a.from, &a.to, cfg, |_| {})?;
    ctx.ui.line(format!(
        "copied {} blobs ({} MiB) to PostgreSQL; {} were there already",
        done.copied,
        done.bytes.div_ceil(1 << 20),
        done.present
    ));
    ctx.ui.line(format!(
        "the segment store in {} is unchanged: start the relay with --store, then remove it",
        a.from.display()
    ));
    Ok(())
}

fn serve(ctx: &Ctx, a: ServeArgs) -> Result<()> {
    let tls = match (a.tls_cert, a.tls_key, a.tls_self_signed, a.plain_http) {
        (Some(cert), Some(key), false, false) => TlsMode::Files { cert, key },
        (None, None, true, false) => TlsMode::SelfSigned,
        (None, None, false, true) => TlsMode::Plain,
        _ => bail!("choose one of --tls-cert/--tls-key, --tls-self-signed or --plain-http"),
    };
    if matches!(tls, TlsMode::Plain) && !a.listen.ip().is_loopback() {
        bail!(
            "--plain-http is only allowed on a loopback address such as 127.0.0.1:8080 \
             (for a Tor onion service or a TLS proxy on this machine); use --tls-self-signed \
             or --tls-cert to serve other addresses"
        );
    }
    let plain = matches!(tls, TlsMode::Plain);
    let mut cfg = Config::new(a.listen, a.data, tls);
    cfg.pow_difficulty = a.pow_difficulty;
    cfg.front.max_connections = a.max_connections;
    cfg.front.per_connection_rate = a.rate_per_connection;
    cfg.front.global_rate = a.rate_global;
    cfg.front.put_pow_difficulty = a.put_pow_difficulty;
    if let Some(url) = a.store {
        if !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
            bail!("--store must be a PostgreSQL URL, postgres://USER@HOST:PORT/DB");
        }
        cfg.kind = StoreKind::Postgres(url);
    }
    cfg.store = StoreConfig {
        tag_quota: a.tag_quota.max(1),
        tag_max_bytes: a.tag_max_bytes.max(hushpost_relay::store::LARGE as u64),
        retention_secs: a.retention.as_secs().max(1),
        segment_bytes: a.segment_size.max(1 << 20),
        lanes: a.lanes.clamp(1, 64),
        max_bytes: a.max_store_size,
        min_free_bytes: a.min_free_space,
    };
    hushpost_relay::run(cfg, |relay| {
        let addr = relay.addr();
        let host = if addr.ip().is_unspecified() {
            "HOST".to_string()
        } else {
            match addr {
                SocketAddr::V4(v) => v.ip().to_string(),
                SocketAddr::V6(v) => format!("[{}]", v.ip()),
            }
        };
        let scheme = if plain { "http" } else { "https" };
        ctx.ui.line(format!(
            "hushpost relay listening on {scheme}://{host}:{}",
            addr.port()
        ));
        match relay.pin() {
            Some(pin) => {
                let pin = hushpost_relay::tls::pin_string(&pin);
                if relay.cert_made() {
                    ctx.ui.line("made a self-signed certificate");
                }
                ctx.ui.line(format!("pin: {pin}"));
                ctx.ui.line(format!(
                    "route: {scheme}://{host}:{}#pin={pin}",
                    addr.port()
                ));
            }
            None => ctx
                .ui
                .line(format!("route: {scheme}://{host}:{}", addr.port())),
        }
        if host == "HOST" {
            ctx.ui
                .line("(replace HOST with this machine's public name or address)");
        }
        if plain {
            ctx.ui.line(
                "plain HTTP on loopback: point a Tor onion service here (HiddenServicePort 80 \
                 this address) and give out http://<your .onion>",
            );
        }
    })?;
    Ok(())
}
