//! Reaching a mail server: TCP directly or through the SOCKS5 proxy (Tor), then TLS —
//! implicit, or after STARTTLS, which the protocol modules drive. One TLS policy for SMTP
//! and IMAP: the system's roots plus the account's `ca_file`, rustls with aws-lc-rs.
//!
//! Must not: connect directly or resolve a name locally when a proxy is set; allow a
//! plaintext session to anything but a loopback server the user explicitly allowed.

use crate::Result;
use crate::TransportError;
use crate::socks;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// How a connection gets its TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// TLS from the first byte (SMTP submissions on 465, IMAPS on 993).
    #[default]
    Implicit,
    /// Plain TCP, then STARTTLS, which must succeed (submission on 587, IMAP on 143).
    StartTls,
}

impl Security {
    /// The usual mode for a port: implicit TLS on 465 and 993, STARTTLS elsewhere.
    pub fn for_port(port: u16) -> Security {
        match port {
            465 | 993 => Security::Implicit,
            _ => Security::StartTls,
        }
    }
}

/// Whether `host` is this machine (a name that never leaves it).
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The one place that decides whether a server may be talked to without TLS: only when
/// the user allowed it, only for a loopback address, and never through a proxy.
pub fn plaintext_allowed(
    label: &str,
    host: &str,
    allow_plaintext_loopback: bool,
    proxied: bool,
) -> Result<bool> {
    if !allow_plaintext_loopback {
        return Ok(false);
    }
    if !is_loopback(host) || proxied {
        return Err(TransportError::PlaintextNotLoopback(label.to_string()));
    }
    Ok(true)
}

/// A connection: plain TCP (before STARTTLS, or to an allowed loopback test server) or TLS.
#[derive(Debug)]
pub enum Stream {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS over TCP.
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

impl lettre::transport::smtp::client::AsyncTokioStream for Stream {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        match self {
            Stream::Plain(s) => s.peer_addr(),
            Stream::Tls(s) => s.get_ref().0.peer_addr(),
        }
    }
}

/// How to open TCP connections: directly or through the proxy, with a timeout.
#[derive(Clone)]
pub struct Dialer {
    /// The SOCKS5 proxy, when set: every connection goes through it.
    pub proxy: Option<socks::Proxy>,
    /// Stream-isolation credentials for the proxy.
    pub isolation: Option<(String, String)>,
    /// Connect and per-command timeout.
    pub timeout: Duration,
}

impl std::fmt::Debug for Dialer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dialer")
            .field("proxy", &self.proxy)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Dialer {
    /// [`plaintext_allowed`] for a connection made by this dialer.
    pub fn plaintext_ok(&self, label: &str, host: &str, allow: bool) -> Result<bool> {
        plaintext_allowed(label, host, allow, self.proxy.is_some())
    }

    /// A TCP connection to `host:port`. Through the proxy the name goes unresolved
    /// (`socks5h`); there is no direct fallback.
    pub async fn tcp(&self, host: &str, port: u16) -> Result<TcpStream> {
        let label = format!("{host}:{port}");
        let io = |e: std::io::Error| TransportError::Unreachable {
            host: label.clone(),
            reason: e.to_string(),
        };
        let s = match &self.proxy {
            Some(p) => {
                let (p, h, iso, t) = (
                    p.clone(),
                    host.to_string(),
                    self.isolation.clone(),
                    self.timeout,
                );
                // The shared SOCKS client is blocking; it runs off this (single) runtime
                // thread so the timeout below still fires.
                let std = tokio::task::spawn_blocking(move || p.connect(&h, port, iso.as_ref(), t))
                    .await
                    .map_err(|e| io(std::io::Error::other(e.to_string())))??;
                std.set_nonblocking(true).map_err(io)?;
                TcpStream::from_std(std).map_err(io)?
            }
            None => tokio::time::timeout(self.timeout, TcpStream::connect((host, port)))
                .await
                .map_err(|_| TransportError::Unreachable {
                    host: label.clone(),
                    reason: "timed out".into(),
                })?
                .map_err(io)?,
        };
        let _ = s.set_nodelay(true);
        Ok(s)
    }
}

/// The TLS client configuration: the system's roots plus `ca_file`, aws-lc-rs, TLS ≥ 1.2.
pub fn tls_config(ca_file: Option<&Path>) -> Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(f) = ca_file {
        for c in ca_certs(f)? {
            roots
                .add(c)
                .map_err(|e| TransportError::Protocol(f.display().to_string(), e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::Protocol("TLS".into(), e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

/// The certificates in a PEM file.
pub fn ca_certs(f: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let bad = |why: String| TransportError::Protocol(f.display().to_string(), why);
    let bytes = std::fs::read(f).map_err(|e| TransportError::Io(e, f.display().to_string()))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| bad(format!("not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(bad("no certificate in the ca_file".into()));
    }
    Ok(certs)
}

/// TLS over an open TCP connection, verifying the certificate for `host`.
pub async fn tls(
    tcp: TcpStream,
    host: &str,
    config: Arc<rustls::ClientConfig>,
    timeout: Duration,
    label: &str,
) -> Result<Stream> {
    let name = ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|_| TransportError::Protocol(label.into(), "not a valid TLS server name".into()))?;
    let c = tokio_rustls::TlsConnector::from(config);
    let s = tokio::time::timeout(timeout, c.connect(name, tcp))
        .await
        .map_err(|_| TransportError::Unreachable {
            host: label.into(),
            reason: "TLS handshake timed out".into(),
        })?
        .map_err(|e| tls_error(label, &e))?;
    Ok(Stream::Tls(Box::new(s)))
}

/// A TLS failure as one line a user can act on.
pub fn tls_error(label: &str, e: &dyn std::fmt::Display) -> TransportError {
    let msg = e.to_string();
    let hint = if msg.contains("UnknownIssuer") || msg.contains("invalid peer certificate") {
        " (is the server's CA in ca_file under [account]?)"
    } else {
        ""
    };
    TransportError::Protocol(label.into(), format!("TLS failed: {msg}{hint}"))
}

/// The server refused our login: say which server and user, and where the password comes
/// from (never the password).
pub fn auth_refused(label: &str, user: &str) -> TransportError {
    TransportError::AuthRefused(format!(
        "{label} (user {user:?}; check user and password_command under [account] in config.toml)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_only_for_allowed_loopback_without_proxy() {
        assert!(!plaintext_allowed("x", "127.0.0.1", false, false).expect("ok"));
        assert!(plaintext_allowed("x", "127.0.0.1", true, false).expect("ok"));
        assert!(plaintext_allowed("x", "127.0.0.2", true, false).expect("ok"));
        assert!(plaintext_allowed("x", "localhost", true, false).expect("ok"));
        assert!(plaintext_allowed("x", "[::1]", true, false).expect("ok"));
        for host in [
            "mail.example.test",
            "192.168.1.10",
            "10.0.0.1",
            "localhost.example",
        ] {
            assert!(matches!(
                plaintext_allowed("x", host, true, false),
                Err(TransportError::PlaintextNotLoopback(_))
            ));
        }
        assert!(plaintext_allowed("x", "127.0.0.1", true, true).is_err());
    }

    #[test]
    fn default_security_by_port() {
        assert_eq!(Security::for_port(465), Security::Implicit);
        assert_eq!(Security::for_port(993), Security::Implicit);
        assert_eq!(Security::for_port(587), Security::StartTls);
        assert_eq!(Security::for_port(143), Security::StartTls);
    }
}
