//! `config.toml`: settings that are not secrets (secrets live in the keyring). Every field
//! has a default, so a missing file or section is fine; unknown keys are refused so a typo
//! is noticed.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
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
    /// Tags presented per fetch (real ones padded with decoys; more if there are more real).
    pub fetch_tags: usize,
    /// Route kinds with cover traffic unless overridden (`dir`, `ssh`, `https`, `mailto`).
    pub schemes: Vec<String>,
    /// Per-route overrides: route URL = true / false.
    pub routes: std::collections::BTreeMap<String, bool>,
}

impl Default for Cover {
    fn default() -> Self {
        Cover {
            mean_interval_secs: 600,
            send_small: 1,
            send_large: 0,
            fetch_tags: 8,
            // Off for e-mail (it cannot hide addresses, and chaff mails cost the provider's
            // goodwill) and for folders (no observer between the parties by default).
            schemes: vec!["https".into(), "ssh".into()],
            routes: std::collections::BTreeMap::new(),
        }
    }
}

impl Cover {
    /// Whether cover traffic runs on `route`.
    pub fn enabled_for(&self, route: &hushpost_core::Route) -> bool {
        self.routes
            .get(&route.to_string())
            .copied()
            .unwrap_or_else(|| self.schemes.iter().any(|s| s == route.scheme()))
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
            "on: a tick every {} on average puts {} small + {} large blobs and fetches {} tags — {:.2} MiB sent and {} fetches a day on this route, whether or not you write",
            humantime::format_duration(std::time::Duration::from_secs(self.mean_interval_secs)),
            self.send_small,
            self.send_large,
            self.fetch_tags,
            self.daily_bytes() as f64 / (1024.0 * 1024.0),
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
            d.contains("every 10m") && d.contains("2.25 MiB") && d.contains("144 fetches"),
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
    pub tor_proxy: String,
    /// Global default: `direct` or `tor`.
    pub via: String,
    /// Connect/read timeout in seconds.
    pub timeout_secs: u64,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            tor_proxy: "socks5h://127.0.0.1:9050".into(),
            via: "direct".into(),
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
}

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

impl Config {
    /// Loads the file, or the defaults when it does not exist.
    pub fn load(path: &Path) -> Result<Config> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| Error::Invalid(format!("{}: {}", path.display(), e.message()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::Io(e, path.to_path_buf())),
        }
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
