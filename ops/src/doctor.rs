//! `hushpost doctor`: checks that what this installation depends on answers — the Tor
//! proxy, and each of our receive routes — without sending or deleting anything.

use crate::dial::{self, Operation};
use crate::session::Session;
use hushpost_core::route::Via;
use hushpost_transports::{DeadDrop, Flow, Transport};
use serde::Serialize;

/// One check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked.
    pub what: String,
    /// Whether it passed (also true when it did not answer but nothing needs it now).
    pub ok: bool,
    /// It did not answer, but nothing needs it now: neither a pass nor a failure.
    pub skipped: bool,
    /// Why not, or what was found.
    pub detail: String,
}

impl Session {
    /// Runs the checks.
    pub fn doctor(&self) -> Vec<Check> {
        let mut v = Vec::new();
        let proxy = self.config.network.tor_proxy.as_str();
        let policy = self.keys.policy();
        let needs_tor = self.config.network.via == Via::Tor
            || self.routes().iter().any(|r| r.required_via().is_some())
            || policy.users.iter().any(|(_, v)| *v == Some(Via::Tor));
        let probe = hushpost_transports::socks::Proxy::parse(proxy).and_then(|p| {
            p.probe(std::time::Duration::from_secs(
                self.config.network.timeout_secs.clamp(1, 10),
            ))
        });
        v.push(Check {
            what: format!("Tor proxy {}", redact(proxy)),
            ok: probe.is_ok() || !needs_tor,
            skipped: probe.is_err() && !needs_tor,
            detail: match probe {
                Ok(()) => "answers".into(),
                Err(e) if needs_tor => e.to_string(),
                Err(_) => "not answering (no route needs it now)".into(),
            },
        });
        for r in self.routes() {
            let label = r.label();
            // A random capability: the drop answers, nothing matches, nothing is deleted.
            let mut probe = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut probe);
            let result = dial::plan(
                &self.config,
                &policy,
                &r,
                dial::Contact::default(),
                Operation::Check,
                dial::Override::default(),
            )
            .and_then(|p| p.dial_options(&self.config, self.keys.mail_password(), None))
            .map_err(|e| e.to_string())
            .and_then(|d| Transport::open(&r, &d).map_err(|e| e.to_string()))
            .and_then(|mut t| {
                t.fetch(&[hushpost_core::FetchCap(probe)], &mut |_| Flow::Stop)
                    .map_err(|e| e.to_string())
            });
            v.push(Check {
                what: format!("route {label}"),
                ok: result.is_ok(),
                skipped: false,
                detail: result.err().unwrap_or_else(|| "answers".into()),
            });
        }
        v
    }
}

fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((scheme_user, host)) => {
            format!("{}//{host}", scheme_user.split("//").next().unwrap_or(""))
        }
        None => url.to_string(),
    }
}
