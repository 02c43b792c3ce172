//! Receive routes: where a person can be reached, as they appear in contact cards.
//!
//! ```text
//! dir:/absolute/path
//! ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…[&dropkey=…][&via=tor]
//! https://HOST[:PORT][/PREFIX][#pin=sha256:…][&via=tor]      (http:// only for .onion/loopback)
//! mailto:ADDRESS
//! ```
//! A route names a drop; it never carries anything that lets its holder read others' mail
//! (an SSH drop key can only put files).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// Why a route string was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RouteError {
    /// Not one of the schemes hushpost knows.
    #[error("unsupported route scheme in {0:?} (use dir:, ssh://, https:// or mailto:)")]
    Scheme(String),
    /// A `dir:` route must be an absolute path.
    #[error("a dir: route needs an absolute path, like dir:/media/usb/drop")]
    DirNotAbsolute,
    /// The URL does not parse or lacks a required part.
    #[error("bad route {0:?}: {1}")]
    Bad(String, &'static str),
}

/// How a network route is dialled: the *network mode*. Typed everywhere (config, keyring,
/// flags), so a misspelt `"Tor"` is an error, never a silent direct connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Connect directly.
    Direct,
    /// Only through the Tor SOCKS proxy; never directly.
    Tor,
}

impl Via {
    /// The words the parser accepts.
    pub const NAMES: [&'static str; 2] = ["tor", "direct"];
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Via::Direct => "direct",
            Via::Tor => "tor",
        })
    }
}

impl std::str::FromStr for Via {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "direct" => Ok(Via::Direct),
            "tor" => Ok(Via::Tor),
            other => Err(format!(
                "unknown network mode {other:?} (use tor or direct)"
            )),
        }
    }
}

/// The kind of a route: which transport carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    /// A folder.
    Dir,
    /// An SFTP directory.
    Ssh,
    /// A hushpost relay.
    Https,
    /// Ordinary e-mail.
    Mailto,
}

impl RouteKind {
    /// Every kind.
    pub const ALL: [RouteKind; 4] = [
        RouteKind::Dir,
        RouteKind::Ssh,
        RouteKind::Https,
        RouteKind::Mailto,
    ];
    /// The words the parser accepts.
    pub const NAMES: [&'static str; 4] = ["dir", "ssh", "https", "mailto"];

    /// The scheme word.
    pub fn name(self) -> &'static str {
        match self {
            RouteKind::Dir => "dir",
            RouteKind::Ssh => "ssh",
            RouteKind::Https => "https",
            RouteKind::Mailto => "mailto",
        }
    }

    /// Whether routes of this kind go over a network (and so can go through Tor).
    pub fn is_network(self) -> bool {
        self != RouteKind::Dir
    }
}

impl fmt::Display for RouteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for RouteKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RouteKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown route kind {s:?} (use dir, ssh, https or mailto)"))
    }
}

/// A folder drop: local disk, USB stick, network share, synced directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DirRoute {
    /// Absolute path of the folder.
    pub path: PathBuf,
}

/// An SFTP directory on any OpenSSH server.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SshRoute {
    /// Login name.
    pub user: String,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Directory on the server.
    pub path: String,
    /// Pinned host key fingerprint, `SHA256:…` as `ssh-keygen -l` prints it.
    pub hostkey: String,
    /// An SSH private key that can only put files (base64 of the Ed25519 seed).
    pub dropkey: Option<String>,
    /// The owner asks senders to use Tor.
    pub via: Option<Via>,
}

/// A hushpost relay.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HttpsRoute {
    /// `https://host:port/prefix` without the fragment.
    pub base: String,
    /// Host name.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// SHA-256 of the relay's certificate (DER), if pinned.
    pub pin: Option<[u8; 32]>,
    /// The owner asks senders to use Tor.
    pub via: Option<Via>,
}

/// Ordinary e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailtoRoute {
    /// The address.
    pub address: String,
}

/// A parsed receive route: each kind carries its own typed payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// A folder.
    Dir(DirRoute),
    /// An SFTP directory.
    Ssh(SshRoute),
    /// A hushpost relay.
    Https(HttpsRoute),
    /// Ordinary e-mail.
    Mailto(MailtoRoute),
}

/// `localhost` (and `*.localhost`), or an IP address that is not globally routable.
fn local_host(host: &str) -> bool {
    let h = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") {
        return true;
    }
    match h.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => {
            a.is_loopback() || a.is_private() || a.is_link_local() || a.is_unspecified()
                || a.is_broadcast()
                // 100.64.0.0/10, carrier-grade NAT: the provider's network, not the internet.
                || (a.octets()[0] == 100 && (a.octets()[1] & 0xc0) == 64)
        }
        Ok(std::net::IpAddr::V6(a)) => {
            let s = a.segments();
            a.is_loopback()
                || a.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || a.to_ipv4_mapped().is_some_and(|v4| local_host(&v4.to_string()))
        }
        Err(_) => false,
    }
}

impl Route {
    /// The route's kind.
    pub fn kind(&self) -> RouteKind {
        match self {
            Route::Dir(_) => RouteKind::Dir,
            Route::Ssh(_) => RouteKind::Ssh,
            Route::Https(_) => RouteKind::Https,
            Route::Mailto(_) => RouteKind::Mailto,
        }
    }

    /// The scheme word: `dir`, `ssh`, `https` or `mailto`.
    pub fn scheme(&self) -> &'static str {
        self.kind().name()
    }

    /// The host to dial, for network routes.
    pub fn host(&self) -> Option<&str> {
        match self {
            Route::Ssh(r) => Some(&r.host),
            Route::Https(r) => Some(&r.host),
            Route::Dir(_) | Route::Mailto(_) => None,
        }
    }

    /// Whether the route points into the machine or its local network: a folder, or a
    /// host that is `localhost` or a loopback, private, link-local or unspecified address.
    /// A route like that on someone else's card would make our client write into our own
    /// folders or knock on our own ports, so it is not used until the user enables it.
    pub fn is_local(&self) -> bool {
        match self {
            Route::Dir(_) => true,
            Route::Mailto(_) => false,
            Route::Ssh(_) | Route::Https(_) => self.host().is_some_and(local_host),
        }
    }

    /// `.onion` hosts can only be reached through Tor.
    pub fn is_onion(&self) -> bool {
        self.host().is_some_and(|h| h.ends_with(".onion"))
    }

    /// What the route itself demands: Tor for onions and where the owner asked for it.
    pub fn required_via(&self) -> Option<Via> {
        if self.is_onion() {
            return Some(Via::Tor);
        }
        match self {
            Route::Ssh(r) => r.via,
            Route::Https(r) => r.via,
            _ => None,
        }
    }

    /// Whether the route goes over a network at all.
    pub fn is_network(&self) -> bool {
        self.kind().is_network()
    }

    /// The route as shown to people: scheme and host or path, never a key or credential
    /// (no drop key, no pin).
    pub fn label(&self) -> String {
        match self {
            Route::Dir(r) => format!("dir:{}", r.path.display()),
            Route::Ssh(r) => format!("ssh://{}@{}:{}{}", r.user, r.host, r.port, r.path),
            Route::Https(r) => r.base.clone(),
            Route::Mailto(r) => format!("mailto:{}", r.address),
        }
    }
}

impl Serialize for Route {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Route {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn params(fragment: Option<&str>) -> Vec<(String, String)> {
    fragment
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect()
}

fn parse_pin(s: &str) -> Option<[u8; 32]> {
    let v = s
        .strip_prefix("sha256:")
        .or_else(|| s.strip_prefix("SHA256:"))?;
    let mut out = [0u8; 32];
    if hex::decode_to_slice(v, &mut out).is_ok() {
        return Some(out);
    }
    use base64::Engine;
    let b = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(v.trim_end_matches('='))
        .ok()?;
    b.try_into().ok()
}

impl std::str::FromStr for Route {
    type Err = RouteError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(p) = s.strip_prefix("dir:") {
            let path = PathBuf::from(p);
            if !path.is_absolute() {
                return Err(RouteError::DirNotAbsolute);
            }
            return Ok(Route::Dir(DirRoute { path }));
        }
        if let Some(a) = s.strip_prefix("mailto:") {
            let ok = a.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
            }) && !a
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',');
            if !ok {
                return Err(RouteError::Bad(s.into(), "not an e-mail address"));
            }
            return Ok(Route::Mailto(MailtoRoute {
                address: a.to_string(),
            }));
        }
        let url = url::Url::parse(s).map_err(|_| RouteError::Scheme(s.into()))?;
        let bad = |why| RouteError::Bad(s.into(), why);
        let host = url
            .host_str()
            .ok_or_else(|| bad("missing host"))?
            .to_string();
        let params = params(url.fragment());
        let get = |k: &str| {
            params
                .iter()
                .find(|(pk, _)| pk == k)
                .map(|(_, v)| v.clone())
        };
        let via = match get("via") {
            Some(v) => Some(
                v.parse::<Via>()
                    .map_err(|_| bad("via must be tor or direct"))?,
            ),
            None => None,
        };
        match url.scheme() {
            "ssh" => {
                let user = url.username();
                if user.is_empty() {
                    return Err(bad("ssh routes need a user (ssh://user@host/path)"));
                }
                let path = url.path().to_string();
                if path.len() < 2 {
                    return Err(bad("ssh routes need a directory path"));
                }
                let hostkey = get("hostkey")
                    .ok_or_else(|| bad("ssh routes must pin the host key (#hostkey=SHA256:…)"))?;
                if !hostkey.starts_with("SHA256:") || hostkey.len() < 20 {
                    return Err(bad("hostkey must be SHA256:… as ssh-keygen -l prints it"));
                }
                Ok(Route::Ssh(SshRoute {
                    user: user.to_string(),
                    host,
                    port: url.port().unwrap_or(22),
                    path,
                    hostkey,
                    dropkey: get("dropkey"),
                    via,
                }))
            }
            scheme @ ("https" | "http") => {
                let pin = match get("pin") {
                    Some(p) => Some(
                        parse_pin(&p).ok_or_else(|| bad("pin must be sha256:<64 hex digits>"))?,
                    ),
                    None => None,
                };
                let onion = host.ends_with(".onion");
                let loopback = host == "localhost"
                    || host
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback());
                if scheme == "http" && !onion && !loopback {
                    return Err(bad("plain http:// is only for .onion or loopback relays"));
                }
                let port = url.port_or_known_default().unwrap_or(443);
                let mut base = url.clone();
                base.set_fragment(None);
                let base = base.as_str().trim_end_matches('/').to_string();
                Ok(Route::Https(HttpsRoute {
                    base,
                    host,
                    port,
                    pin,
                    via,
                }))
            }
            _ => Err(RouteError::Scheme(s.into())),
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Dir(DirRoute { path }) => write!(f, "dir:{}", path.display()),
            Route::Mailto(MailtoRoute { address }) => write!(f, "mailto:{address}"),
            Route::Ssh(SshRoute {
                user,
                host,
                port,
                path,
                hostkey,
                dropkey,
                via,
            }) => {
                write!(f, "ssh://{user}@{host}")?;
                if *port != 22 {
                    write!(f, ":{port}")?;
                }
                write!(f, "{path}#hostkey={hostkey}")?;
                if let Some(k) = dropkey {
                    write!(f, "&dropkey={k}")?;
                }
                if let Some(v) = via {
                    write!(f, "&via={v}")?;
                }
                Ok(())
            }
            Route::Https(HttpsRoute { base, pin, via, .. }) => {
                f.write_str(base)?;
                let mut sep = '#';
                if let Some(p) = pin {
                    write!(f, "{sep}pin=sha256:{}", hex::encode(p))?;
                    sep = '&';
                }
                if let Some(v) = via {
                    write!(f, "{sep}via={v}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_places_are_told_apart_from_the_internet() {
        for local in [
            "dir:/tmp/drop",
            "https://127.0.0.1:8443",
            "https://localhost",
            "https://relay.localhost:1",
            "ssh://drop@10.1.2.3/srv#hostkey=SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "ssh://drop@192.168.0.7/srv#hostkey=SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "https://172.20.0.1",
            "https://169.254.1.1",
            "https://100.64.3.3",
            "https://0.0.0.0:80",
            "https://[::1]:8443",
            "https://[fd00::1]",
            "https://[fe80::1]",
            "https://[::ffff:127.0.0.1]",
        ] {
            let r: Route = local.parse().expect(local);
            assert!(r.is_local(), "{local}");
        }
        for public in [
            "https://relay.example.org",
            "https://93.184.216.34",
            "ssh://drop@203.0.113.9/srv#hostkey=SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "https://172.32.0.1",
            "https://[2001:db8::1]",
            "http://abcdefghijklmnop.onion#via=tor",
            "mailto:alice@example.org",
        ] {
            let r: Route = public.parse().expect(public);
            assert!(!r.is_local(), "{public}");
        }
    }

    #[test]
    fn round_trips() {
        for s in [
            "dir:/tmp/drop",
            "mailto:alice@example.org",
            "ssh://drop@example.org:2222/srv/drop#hostkey=SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "https://relay.example.org:8443/hp#pin=sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "https://relay.example.org",
            "http://abcdefghijklmnop.onion#via=tor",
        ] {
            let r: Route = s.parse().expect(s);
            assert_eq!(r.to_string(), s);
            assert_eq!(r.to_string().parse::<Route>().expect("reparse"), r);
        }
    }

    #[test]
    fn refusals_name_the_problem() {
        assert_eq!(
            "dir:relative".parse::<Route>(),
            Err(RouteError::DirNotAbsolute)
        );
        assert!(matches!(
            "gopher://x".parse::<Route>(),
            Err(RouteError::Scheme(_))
        ));
        assert!(matches!(
            "ssh://u@h/p".parse::<Route>(),
            Err(RouteError::Bad(_, _))
        ));
        assert!(matches!(
            "http://example.org".parse::<Route>(),
            Err(RouteError::Bad(_, _))
        ));
        assert!(matches!(
            "mailto:nobody".parse::<Route>(),
            Err(RouteError::Bad(_, _))
        ));
    }

    #[test]
    fn onion_requires_tor() {
        let r: Route = "https://abcdef.onion:443".parse().expect("parse");
        assert_eq!(r.required_via(), Some(Via::Tor));
        let r: Route = "https://example.org".parse().expect("parse");
        assert_eq!(r.required_via(), None);
    }
}
