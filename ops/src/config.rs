//! `config.toml`: settings that are not secrets (secrets live in the keyring). Every field
//! has a default, so a missing file or section is fine. Parsing is strict and typed: an
//! unknown key or an unknown value (`via = "Tor"`) is an error that names the file, the
//! line, the key, the value and what is allowed, so nothing ever dials with a setting it
//! misread.

use crate::error::{Error, Result};
use hushpost_core::route::{Route, RouteKind, Via};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::path::{Path, PathBuf};

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// How network routes are dialled.
    pub network: Network,
    /// The owner's SSH credentials for fetching their own SSH drops.
    pub ssh: Ssh,
    /// Mail accounts for `mailto:` routes.
    pub account: Option<Account>,
    /// Cover traffic.
    pub cover: Cover,
    /// The agent that keeps the keyring unlocked.
    pub agent: AgentSettings,
    /// A live Maildir for mail clients (plaintext at rest).
    pub maildir: Option<Maildir>,
}

/// `[agent]`: how long the agent keeps the keyring unlocked, and whether a command that
/// asked for the passphrase on the terminal starts one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AgentSettings {
    /// Lock after this long without use (`15m`, `1h30m`; `0` = only on `hushpost lock`).
    pub timeout: Timeout,
    /// After a terminal prompt, hand the passphrase to a new agent so the next commands
    /// ask nothing (as gpg-agent does).
    pub autostart: bool,
}

impl Default for AgentSettings {
    fn default() -> Self {
        AgentSettings {
            timeout: Timeout(std::time::Duration::from_secs(15 * 60)),
            autostart: true,
        }
    }
}

/// A duration written the human way (`15m`, `2h`, `90s`, `0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub std::time::Duration);

impl Timeout {
    /// The longest idle timeout (a year): beyond it, use 0 (until `hushpost lock`).
    pub const MAX: Timeout = Timeout(std::time::Duration::from_secs(365 * 86_400));
}

impl std::str::FromStr for Timeout {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if s.trim() == "0" {
            return Ok(Timeout(std::time::Duration::ZERO));
        }
        let d = humantime::parse_duration(s.trim()).map_err(|e| {
            format!("{s:?} is not a duration ({e}); write e.g. \"15m\", \"1h30m\" or \"0\"")
        })?;
        // The agent counts whole seconds, and a deadline must be a date we can write.
        if d < std::time::Duration::from_secs(1) {
            return Err(format!(
                "{s:?} is under a second; write at least \"1s\" (or \"0\": lock only on `hushpost lock`)"
            ));
        }
        if d > Timeout::MAX.0 {
            return Err(format!(
                "{s:?} is longer than a year; write at most \"365days\" (or \"0\": lock only on `hushpost lock`)"
            ));
        }
        Ok(Timeout(d))
    }
}

impl Serialize for Timeout {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(self.0).to_string())
    }
}

impl<'de> Deserialize<'de> for Timeout {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// `[maildir]`: every stored message is delivered, in plaintext, to `path` (and sent mail to
/// `sent`, if set) for a mail client to read; read/unread syncs both ways on each fetch and
/// poll, and mail deleted in hushpost leaves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maildir {
    /// The Maildir for received mail (created if missing).
    pub path: MaildirPath,
    /// A Maildir for sent mail; none = sent mail is not delivered.
    #[serde(default)]
    pub sent: Option<MaildirPath>,
}

/// A Maildir folder in `config.toml`: absolute, or `~/…` (under `$HOME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaildirPath {
    written: String,
    path: PathBuf,
}

impl MaildirPath {
    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl std::str::FromStr for MaildirPath {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let path = match s.strip_prefix("~/") {
            Some(rest) => match std::env::var_os("HOME") {
                Some(home) if !home.is_empty() => PathBuf::from(home).join(rest),
                _ => return Err(format!("{s:?} starts with ~/ but HOME is not set")),
            },
            None => PathBuf::from(s),
        };
        if !path.is_absolute() {
            return Err(format!("{s:?} is not an absolute path (write /… or ~/…)"));
        }
        if path
            .components()
            .any(|c| c == std::path::Component::ParentDir)
        {
            return Err(format!("{s:?} contains \"..\""));
        }
        Ok(MaildirPath {
            written: s.to_string(),
            path,
        })
    }
}

impl Serialize for MaildirPath {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.written)
    }
}

impl<'de> Deserialize<'de> for MaildirPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// `[cover]`: cover traffic run by `hushpost poll`. On a route with cover traffic every tick
/// puts the same number of blobs (real if queued, else chaff) and fetches the same number of
/// tags (real ones padded with decoys), so an observer cannot tell when mail moves.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cover {
    /// Mean seconds between ticks of `poll --daemon` (exponentially distributed).
    pub mean_interval_secs: u64,
    /// Small (16 KiB) blobs put per tick on each cover route.
    pub send_small: usize,
    /// Large (256 KiB) blobs put per tick on each cover route (large mail waits for these).
    pub send_large: usize,
    /// Capabilities presented per fetch on our own cover routes: a third for each of
    /// yesterday, today and tomorrow, real ones padded with decoys (more if there are more
    /// real ones).
    pub fetch_tags: usize,
    /// Slots of the one fetch page each tick asks our own relay routes for (16 KiB each).
    pub fetch_slots: usize,
    /// Items of the one delete request each tick sends to our own relay routes (padded).
    pub delete_slots: usize,
    /// Route kinds with cover traffic unless overridden (`dir`, `ssh`, `https`, `mailto`).
    pub schemes: Vec<RouteKind>,
    /// Per-route overrides: route URL = true / false.
    pub routes: RouteOverrides,
}

/// `[cover.routes]`: route URL = true / false. Keys are parsed as routes, so a mistyped URL
/// is an error rather than an override that silently never matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteOverrides(pub Vec<(Route, bool)>);

impl RouteOverrides {
    /// The override for `route`, if any.
    pub fn get(&self, route: &Route) -> Option<bool> {
        self.0.iter().find(|(r, _)| r == route).map(|(_, on)| *on)
    }
}

impl Serialize for RouteOverrides {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (r, on) in &self.0 {
            m.serialize_entry(&r.to_string(), on)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for RouteOverrides {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let m = std::collections::BTreeMap::<String, bool>::deserialize(d)?;
        let mut v = Vec::new();
        for (k, on) in m {
            let r: Route = k
                .parse()
                .map_err(|e| serde::de::Error::custom(format!("{k:?}: {e}")))?;
            v.push((r, on));
        }
        Ok(RouteOverrides(v))
    }
}

/// A SOCKS5 proxy URL, `socks5h://HOST:PORT` (names resolved by the proxy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUrl(String);

impl ProxyUrl {
    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for ProxyUrl {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let rest = s
            .strip_prefix("socks5h://")
            .or_else(|| s.strip_prefix("socks5://"))
            .ok_or_else(|| format!("{s:?} is not a SOCKS5 URL (use socks5h://HOST:PORT)"))?;
        let hostport = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        let ok = hostport
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
        if !ok {
            return Err(format!(
                "{s:?} needs a host and a port (socks5h://HOST:PORT)"
            ));
        }
        Ok(ProxyUrl(s.to_string()))
    }
}

impl Serialize for ProxyUrl {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ProxyUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl Default for Cover {
    fn default() -> Self {
        Cover {
            mean_interval_secs: 600,
            send_small: 1,
            send_large: 0,
            fetch_tags: 24,
            fetch_slots: 4,
            delete_slots: 8,
            // Off for e-mail (it cannot hide addresses, and chaff mails cost the provider's
            // goodwill) and for folders (no observer between the parties by default).
            schemes: vec![RouteKind::Https, RouteKind::Ssh],
            routes: RouteOverrides::default(),
        }
    }
}

impl Cover {
    /// Whether cover traffic runs on `route`.
    pub fn enabled_for(&self, route: &hushpost_core::Route) -> bool {
        self.routes
            .get(route)
            .unwrap_or_else(|| self.schemes.contains(&route.kind()))
    }

    /// Capabilities per day in a cover fetch (the list holds three days).
    pub fn tags_per_day(&self) -> usize {
        self.fetch_tags.div_ceil(3).max(1)
    }

    fn check(&self) -> std::result::Result<(), String> {
        let within = |key: &str, v: usize, lo: usize, hi: usize| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(format!(" cover.{key}: must be {lo} to {hi}, not {v}"))
            }
        };
        within(
            "mean_interval_secs",
            self.mean_interval_secs as usize,
            1,
            604_800,
        )?;
        within("send_small", self.send_small, 0, 64)?;
        within("send_large", self.send_large, 0, 16)?;
        within(
            "fetch_tags",
            self.fetch_tags,
            1,
            hushpost_transports::MAX_CAPS / 2,
        )?;
        within(
            "fetch_slots",
            self.fetch_slots,
            1,
            hushpost_transports::MAX_SLOTS,
        )?;
        within("delete_slots", self.delete_slots, 1, 256)
    }

    /// Bytes per day this cover setting puts on one route at the mean tick rate.
    pub fn daily_bytes(&self) -> u64 {
        let ticks = 86_400 / self.mean_interval_secs.max(1);
        ticks * (self.send_small as u64 * 16_384 + self.send_large as u64 * 262_144)
    }

    /// The daily budget of one cover route, in words (`hushpost leaks`).
    pub fn describe(&self) -> String {
        let ticks = 86_400 / self.mean_interval_secs.max(1);
        format!(
            "on: a tick every {} on average puts {} small + {} large blobs per lane (each contact whose mail goes this way, and your own loop on your routes) — {:.2} MiB a lane a day; on your own routes each tick also makes one fetch of {} tags for {} slots and one delete of {} items — {} ticks a day, whether or not you write",
            humantime::format_duration(std::time::Duration::from_secs(self.mean_interval_secs)),
            self.send_small,
            self.send_large,
            self.daily_bytes() as f64 / (1024.0 * 1024.0),
            self.tags_per_day() * 3,
            self.fetch_slots,
            self.delete_slots,
            ticks
        )
    }
}

#[cfg(test)]
mod cover_tests {
    use super::Cover;

    #[test]
    fn the_default_budget_is_readable() {
        let c = Cover::default();
        assert_eq!(c.daily_bytes(), 144 * 16_384);
        let d = c.describe();
        assert!(
            d.contains("every 10m") && d.contains("2.25 MiB") && d.contains("144 ticks"),
            "{d}"
        );
        let big = Cover {
            send_large: 1,
            mean_interval_secs: 3600,
            ..Cover::default()
        };
        assert_eq!(big.daily_bytes(), 24 * (16_384 + 262_144));
        assert!(big.describe().contains("6.38 MiB"), "{}", big.describe());
    }
}

/// `[network]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// The Tor SOCKS proxy.
    pub tor_proxy: ProxyUrl,
    /// Global default: `direct` or `tor`.
    pub via: Via,
    /// Connect/read timeout in seconds.
    pub timeout_secs: u64,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            tor_proxy: ProxyUrl("socks5h://127.0.0.1:9050".into()),
            via: Via::Direct,
            timeout_secs: 30,
        }
    }
}

/// `[ssh]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ssh {
    /// Private key file used to fetch from our own SSH drops.
    pub key_file: Option<PathBuf>,
    /// Use ssh-agent.
    pub agent: bool,
    /// Our login on our own SSH drops (the owner account); default: the route's user.
    pub user: Option<String>,
}

/// `[account]`: SMTP submission and IMAP for `mailto:` routes (`hushpost account add`
/// writes it). Not a secret: the password comes from `password_command` when needed, or
/// from the encrypted keyring (`password_in_keyring`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Account {
    /// Our address (the From of hushpost mails; our own `mailto:` route).
    pub address: String,
    /// SMTP submission host.
    pub smtp_host: String,
    /// SMTP port (465 implicit TLS, 587 STARTTLS).
    pub smtp_port: u16,
    /// `implicit` or `starttls`; default: implicit on 465, STARTTLS elsewhere.
    pub smtp_tls: Option<TlsMode>,
    /// IMAP host.
    pub imap_host: String,
    /// IMAP port (993 implicit TLS, 143 STARTTLS).
    pub imap_port: u16,
    /// `implicit` or `starttls`; default: implicit on 993, STARTTLS elsewhere.
    pub imap_tls: Option<TlsMode>,
    /// Login (both servers).
    pub user: String,
    /// IMAP folder to fetch from.
    pub folder: String,
    /// Move fetched hushpost mails to this folder instead of deleting them.
    pub move_to: Option<String>,
    /// A command whose first output line is the password (as aerc/himalaya do), run with
    /// `sh -c` each time a mail server is dialled, e.g. `pass show mail/alice`.
    pub password_command: Option<String>,
    /// The password is kept in the (encrypted) keyring instead: usable whenever the keyring
    /// is unlocked, but not by a `hushpost poll` that runs locked.
    pub password_in_keyring: bool,
    /// Extra CA certificate (PEM) to trust, e.g. a self-hosted server's.
    pub ca_file: Option<PathBuf>,
    /// Allow plaintext to a loopback test server only. Refused for any other host.
    pub allow_plaintext_loopback: bool,
    /// Mails your provider lets you send a day. Every blob is one mail, so a message that
    /// needs more than this (a large attachment) is refused on `mailto:` routes, with one
    /// line, instead of being cut off half-way by the provider (default 300; Gmail's
    /// published limit for personal accounts is 500).
    pub max_per_day: u32,
}

/// The default `[account] max_per_day`.
pub const MAIL_MAX_PER_DAY: u32 = 300;

impl Default for Account {
    fn default() -> Self {
        Account {
            address: String::new(),
            smtp_host: String::new(),
            smtp_port: 465,
            smtp_tls: None,
            imap_host: String::new(),
            imap_port: 993,
            imap_tls: None,
            user: String::new(),
            folder: "INBOX".into(),
            move_to: None,
            password_command: None,
            password_in_keyring: false,
            ca_file: None,
            allow_plaintext_loopback: false,
            max_per_day: MAIL_MAX_PER_DAY,
        }
    }
}

/// How a mail server connection gets TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte.
    Implicit,
    /// STARTTLS, which must succeed.
    Starttls,
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Config {
    /// Loads the file, or the defaults when it does not exist.
    pub fn load(path: &Path) -> Result<Config> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                Config::parse(&text).map_err(|e| Error::Config(format!("{}{e}", path.display())))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::Io(e, path.to_path_buf())),
        }
    }

    /// Parses the text of a config file. The error is one line, `:LINE: KEY: what is wrong`
    /// (the caller puts the file name in front).
    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let line_of = |span: Option<std::ops::Range<usize>>| {
            span.map(|s| {
                format!(
                    ":{}",
                    text[..s.start.min(text.len())].lines().count().max(1)
                )
            })
            .unwrap_or_default()
        };
        let de = toml::de::Deserializer::parse(text)
            .map_err(|e| format!("{}: {}", line_of(e.span()), one_line(e.message())))?;
        let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            let key = if key == "." {
                String::new()
            } else {
                format!(" {key}:")
            };
            format!(
                "{}:{key} {}",
                line_of(inner.span()),
                one_line(inner.message())
            )
        })?;
        config.cover.check()?;
        if config.account.as_ref().is_some_and(|a| a.max_per_day == 0) {
            return Err(": account.max_per_day: must be at least 1".into());
        }
        if let Some(m) = &config.maildir
            && m.sent.as_ref().is_some_and(|s| s.path() == m.path.path())
        {
            return Err(": maildir.sent: must be another folder than maildir.path".into());
        }
        Ok(config)
    }

    /// Writes the file durably.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut text = toml::to_string_pretty(self).map_err(|e| Error::Invalid(e.to_string()))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        hushpost_durable::write_atomic(path, text.as_bytes())
            .map_err(|e| Error::Io(e, path.to_path_buf()))
    }
}

#[cfg(test)]
mod maildir_tests {
    use super::Config;

    #[test]
    fn a_maildir_section_is_parsed_strictly() {
        let c = Config::parse("[maildir]\npath = \"/m/in\"\nsent = \"/m/sent\"\n").expect("ok");
        let m = c.maildir.expect("section");
        assert_eq!(m.path.path(), std::path::Path::new("/m/in"));
        assert_eq!(
            m.sent.as_ref().map(|s| s.path().to_path_buf()),
            Some("/m/sent".into())
        );
        assert!(Config::parse("").expect("ok").maildir.is_none());
        for (text, says) in [
            (
                "[maildir]\npath = \"/m\"\nsnet = \"/s\"\n",
                "unknown field `snet`",
            ),
            ("[maildir]\nsent = \"/s\"\n", "missing field `path`"),
            ("[maildir]\npath = \"Mail\"\n", "not an absolute path"),
            ("[maildir]\npath = \"/m/../etc\"\n", "contains \"..\""),
            ("[maildir]\npath = 7\n", "invalid type"),
            (
                "[maildir]\npath = \"/m\"\nsent = \"/m\"\n",
                "must be another folder",
            ),
        ] {
            let e = Config::parse(text).expect_err(text);
            assert!(e.contains(says), "{text:?}: {e}");
            assert!(e.starts_with(':'), "{e}");
        }
    }

    #[test]
    fn a_maildir_path_may_start_at_home() {
        let home = std::env::var("HOME").unwrap_or_default();
        if home.is_empty() {
            return;
        }
        let c = Config::parse("[maildir]\npath = \"~/Mail/hp\"\n").expect("ok");
        let m = c.maildir.expect("section");
        assert_eq!(m.path.path(), std::path::Path::new(&home).join("Mail/hp"));
        // Written back as the user wrote it.
        assert!(toml::to_string(&m).expect("toml").contains("~/Mail/hp"));
    }
}
