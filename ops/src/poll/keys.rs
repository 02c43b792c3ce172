//! `poll-keys.json`: what an unattended `poll` needs without the passphrase, written
//! whenever the keyring is saved: our receive routes, the fetch capabilities of the coming
//! days, the intro and loop mailboxes, and where cover traffic runs with how each of those
//! routes is dialled. It holds no key that decrypts anything — only capabilities to read and
//! delete ciphertext (DESIGN.md §6) — and is 0600.

use crate::dial::{self, Operation};
use crate::error::{Error, Result};
use crate::home::Home;
use crate::keys::{Keys, contact_public};
use hushpost_core::route::{Route, Via};
use hushpost_core::tags::{PairKeys, intro_fetch_cap};
use hushpost_core::time::Day;
use serde::{Deserialize, Serialize};

/// A cover route and the network mode its plan chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PlannedRoute {
    /// Written since plans exist.
    Planned {
        /// The route.
        route: Route,
        /// How cover traffic on it is dialled.
        via: Via,
    },
    /// An older file: the route alone (planned again at the next unlock).
    Bare(Route),
}

impl PlannedRoute {
    /// The route.
    pub fn route(&self) -> &Route {
        match self {
            PlannedRoute::Planned { route, .. } | PlannedRoute::Bare(route) => route,
        }
    }

    /// The stored mode, if any.
    pub fn via(&self) -> Option<Via> {
        match self {
            PlannedRoute::Planned { via, .. } => Some(*via),
            PlannedRoute::Bare(_) => None,
        }
    }
}

/// How many days of capabilities an unlock precomputes.
pub const DAYS_AHEAD: u64 = 14;

/// Who a capability belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapOwner {
    /// Mail from this contact (Ed25519 key, hex).
    Contact(String),
    /// Contact requests.
    Intro,
    /// Our own loop (chaff coming back).
    Loop,
}

/// One precomputed capability.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CapEntry {
    /// UTC day.
    pub day: u64,
    /// The capability, hex.
    pub cap: String,
    /// Whose mail it fetches.
    pub owner: CapOwner,
}

/// The unlock-time snapshot.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PollKeys {
    /// Format version.
    pub version: u32,
    /// When it was written.
    pub generated_at: u64,
    /// Our receive routes.
    pub routes: Vec<Route>,
    /// Routes of contacts that cover traffic also runs on (chaff and loop fetches), with
    /// the network mode their plan chose.
    #[serde(default)]
    pub send_routes: Vec<PlannedRoute>,
    /// Capabilities by day.
    pub caps: Vec<CapEntry>,
}

/// Where the file lives.
pub(crate) fn path(home: &Home) -> std::path::PathBuf {
    home.data_dir.join("poll-keys.json")
}

/// Writes `poll-keys.json` for the next [`DAYS_AHEAD`] days from the keyring.
pub(crate) fn write(keys: &Keys, home: &Home) -> Result<()> {
    let today = Day::of(keys.now());
    let days: Vec<Day> = (today.0.saturating_sub(1)..=today.0 + DAYS_AHEAD)
        .map(Day)
        .collect();
    let mut caps = Vec::new();
    for c in keys.contact_states() {
        let Some(pk) =
            contact_public(c).and_then(|(_, id)| PairKeys::derive(keys.identity(), &id).ok())
        else {
            continue;
        };
        let owner = CapOwner::Contact(hex::encode(
            contact_public(c).map(|(_, id)| id.ed).unwrap_or_default(),
        ));
        for d in &days {
            caps.push(CapEntry {
                day: d.0,
                cap: pk.incoming.fetch_cap(*d).hex(),
                owner: owner.clone(),
            });
        }
    }
    let lp = keys.loop_key()?;
    for d in &days {
        caps.push(CapEntry {
            day: d.0,
            cap: intro_fetch_cap(keys.intro_cap(), *d).hex(),
            owner: CapOwner::Intro,
        });
        caps.push(CapEntry {
            day: d.0,
            cap: lp.fetch_cap(*d).hex(),
            owner: CapOwner::Loop,
        });
    }
    let config = keys.config();
    let policy = keys.policy();
    let mut send_routes: Vec<PlannedRoute> = Vec::new();
    for (r, _) in &policy.users {
        if !config.cover.enabled_for(r) || send_routes.iter().any(|p| p.route() == r) {
            continue;
        }
        let plan = dial::plan(
            config,
            &policy,
            r,
            dial::Contact::default(),
            Operation::Chaff,
            dial::Override::default(),
        )?;
        send_routes.push(PlannedRoute::Planned {
            route: r.clone(),
            via: plan.via(),
        });
    }
    let file = PollKeys {
        version: 2,
        generated_at: keys.now(),
        routes: keys.routes().to_vec(),
        send_routes,
        caps,
    };
    let p = path(home);
    super::state::save(&p, &file).map_err(|e| Error::Io(e, p))
}
