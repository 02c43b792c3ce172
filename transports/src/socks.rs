//! SOCKS5 client (RFC 1928) with username/password auth (RFC 1929), for dialling through
//! Tor: it hands back a connected `TcpStream` that any blocking transport can use.
//!
//! Names are always passed to the proxy unresolved (`socks5h` semantics: the proxy
//! resolves them, so DNS never leaks around Tor). When a proxy is configured this module
//! is the only way out: it must never fall back to a direct connection.

use crate::Result;
use crate::TransportError;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// A parsed `socks5h://[user:pass@]host:port` proxy address.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    host: String,
    port: u16,
    auth: Option<(String, String)>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the isolation credentials.
        write!(f, "Proxy({})", self.label())
    }
}

impl Proxy {
    /// Parses a proxy URL. `socks5://` is accepted and treated as `socks5h://`: this client
    /// never resolves the target locally.
    pub fn parse(s: &str) -> Result<Proxy> {
        let bad =
            || TransportError::ProxyDown(format!("{} (not a socks5h://host:port URL)", redact(s)));
        let url = url::Url::parse(s).map_err(|_| bad())?;
        if !matches!(url.scheme(), "socks5h" | "socks5") {
            return Err(bad());
        }
        let host = url
            .host_str()
            .ok_or_else(bad)?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url.port().unwrap_or(1080);
        let auth = (!url.username().is_empty()).then(|| {
            (
                pct_decode(url.username()),
                pct_decode(url.password().unwrap_or("")),
            )
        });
        Ok(Proxy { host, port, auth })
    }

    /// `host:port` of the proxy, for messages (no credentials).
    pub fn label(&self) -> String {
        format!("socks5h://{}:{}", self.host, self.port)
    }

    /// Connects to `host:port` through the proxy. `isolation` (Tor stream isolation) wins
    /// over credentials in the proxy URL.
    pub fn connect(
        &self,
        host: &str,
        port: u16,
        isolation: Option<&(String, String)>,
        timeout: Duration,
    ) -> Result<TcpStream> {
        let down = || TransportError::ProxyDown(self.label());
        // The proxy itself is a local address (127.0.0.1:9050 for Tor); resolving it is fine.
        let addrs: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|_| down())?
            .collect();
        let mut stream = None;
        for a in addrs {
            if let Ok(s) = TcpStream::connect_timeout(&a, timeout) {
                stream = Some(s);
                break;
            }
        }
        let mut s = stream.ok_or_else(down)?;
        let io = |_e: std::io::Error| down();
        s.set_read_timeout(Some(timeout)).map_err(io)?;
        s.set_write_timeout(Some(timeout)).map_err(io)?;
        let _ = s.set_nodelay(true);
        let auth = isolation.or(self.auth.as_ref());
        self.handshake(&mut s, host, port, auth)?;
        s.set_read_timeout(None).map_err(io)?;
        s.set_write_timeout(None).map_err(io)?;
        Ok(s)
    }

    /// Whether the proxy takes username/password auth (Tor does: that is its stream
    /// isolation). A proxy that only offers "no auth" cannot isolate streams; credentials
    /// would make such a proxy refuse the connection, so callers drop them for it.
    pub fn accepts_auth(&self, timeout: Duration) -> Result<bool> {
        let down = || TransportError::ProxyDown(self.label());
        let addrs: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|_| down())?
            .collect();
        let mut s = addrs
            .iter()
            .find_map(|a| TcpStream::connect_timeout(a, timeout).ok())
            .ok_or_else(down)?;
        s.set_read_timeout(Some(timeout)).map_err(|_| down())?;
        s.write_all(&[0x05, 0x02, 0x00, 0x02]).map_err(|_| down())?;
        let mut reply = [0u8; 2];
        s.read_exact(&mut reply).map_err(|_| down())?;
        match reply {
            [0x05, 0x02] => Ok(true),
            [0x05, 0x00] => Ok(false),
            _ => Err(TransportError::Protocol(
                self.label(),
                "not a SOCKS5 proxy".into(),
            )),
        }
    }

    /// Checks that a SOCKS5 server answers at the proxy address (a greeting and its reply;
    /// no connection is requested through it).
    pub fn probe(&self, timeout: Duration) -> Result<()> {
        self.accepts_auth(timeout).map(|_| ())
    }

    fn handshake(
        &self,
        s: &mut TcpStream,
        host: &str,
        port: u16,
        auth: Option<&(String, String)>,
    ) -> Result<()> {
        let down = |_e: std::io::Error| TransportError::ProxyDown(self.label());
        let proto = |why: &str| TransportError::Protocol(self.label(), why.to_string());
        // Greeting: offer "no auth" and, with credentials, "username/password" (Tor picks
        // the latter when offered, which is what isolates streams).
        let methods: &[u8] = if auth.is_some() {
            &[0x00, 0x02]
        } else {
            &[0x00]
        };
        let mut hello = vec![0x05, methods.len() as u8];
        hello.extend_from_slice(methods);
        s.write_all(&hello).map_err(down)?;
        let mut reply = [0u8; 2];
        s.read_exact(&mut reply).map_err(down)?;
        if reply[0] != 0x05 {
            return Err(proto("not a SOCKS5 proxy"));
        }
        match reply[1] {
            0x00 => {}
            0x02 => {
                let (user, pass) =
                    auth.ok_or_else(|| proto("proxy chose a method we did not offer"))?;
                if user.len() > 255 || pass.len() > 255 || user.is_empty() {
                    return Err(proto("SOCKS username or password longer than 255 bytes"));
                }
                let mut m = vec![0x01, user.len() as u8];
                m.extend_from_slice(user.as_bytes());
                m.push(pass.len() as u8);
                m.extend_from_slice(pass.as_bytes());
                s.write_all(&m).map_err(down)?;
                let mut r = [0u8; 2];
                s.read_exact(&mut r).map_err(down)?;
                if r[1] != 0x00 {
                    return Err(proto("the proxy refused the SOCKS username/password"));
                }
            }
            0xFF => {
                return Err(proto(
                    "the proxy accepts none of our authentication methods",
                ));
            }
            _ => return Err(proto("proxy chose a method we did not offer")),
        }
        // CONNECT, with the name unresolved (ATYP 3) unless it already is an address.
        let mut req = vec![0x05, 0x01, 0x00];
        match host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            Ok(IpAddr::V4(ip)) => {
                req.push(0x01);
                req.extend_from_slice(&ip.octets());
            }
            Ok(IpAddr::V6(ip)) => {
                req.push(0x04);
                req.extend_from_slice(&ip.octets());
            }
            Err(_) => {
                if host.is_empty() || host.len() > 255 {
                    return Err(proto("host name too long for SOCKS5"));
                }
                req.push(0x03);
                req.push(host.len() as u8);
                req.extend_from_slice(host.as_bytes());
            }
        }
        req.extend_from_slice(&port.to_be_bytes());
        s.write_all(&req).map_err(down)?;
        let mut head = [0u8; 4];
        s.read_exact(&mut head).map_err(down)?;
        if head[0] != 0x05 {
            return Err(proto("bad SOCKS5 reply"));
        }
        if head[1] != 0x00 {
            let reason = match head[1] {
                0x02 => "the proxy's rules forbid this connection",
                0x03 => "network unreachable (via the proxy)",
                0x04 => "host unreachable (via the proxy)",
                0x05 => "connection refused (via the proxy)",
                0x06 => "timed out (via the proxy)",
                0x07 | 0x08 => "the proxy does not support this request",
                _ => "the proxy could not connect",
            };
            return Err(TransportError::Unreachable {
                host: format!("{host}:{port}"),
                reason: reason.into(),
            });
        }
        // Skip the bound address.
        let skip = match head[3] {
            0x01 => 4 + 2,
            0x04 => 16 + 2,
            0x03 => {
                let mut l = [0u8; 1];
                s.read_exact(&mut l).map_err(down)?;
                l[0] as usize + 2
            }
            _ => return Err(proto("bad SOCKS5 reply address")),
        };
        let mut rest = vec![0u8; skip];
        s.read_exact(&mut rest).map_err(down)?;
        Ok(())
    }
}

/// Drops the userinfo of a URL for messages.
fn redact(s: &str) -> String {
    match (s.find("://"), s.rfind('@')) {
        (Some(i), Some(j)) if j > i => format!("{}{}", &s[..i + 3], &s[j + 1..]),
        _ => s.to_string(),
    }
}

/// Minimal percent-decoding (userinfo of a proxy URL, paths of a route).
pub(crate) fn pct_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_redacts() {
        let p = Proxy::parse("socks5h://u%40x:p@127.0.0.1:9050").expect("parse");
        assert_eq!(p.label(), "socks5h://127.0.0.1:9050");
        assert_eq!(p.auth, Some(("u@x".into(), "p".into())));
        assert!(!format!("{p:?}").contains("u@x"));
        assert!(Proxy::parse("http://127.0.0.1:8080").is_err());
        assert_eq!(redact("socks5h://a:b@h:1"), "socks5h://h:1");
        assert_eq!(pct_decode("/a%20b/c%2"), "/a b/c%2");
    }
}
