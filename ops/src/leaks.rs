//! `hushpost leaks`: what each route lets whom observe, generated from the dialing plan of
//! that route (how it is dialled and why, whether cover traffic runs) in the transport's own
//! words, plus the contact's key state. `contact show` and the TUI's badge print the same
//! plan's badge.
//!
//! Must not overclaim: each cell says what stays visible, not only what is hidden.

use crate::dial::{self, Operation, Plan, Reason};
use crate::error::Result;
use crate::session::Session;
use serde::Serialize;

/// One route's exposure.
#[derive(Debug, Clone, Serialize)]
pub struct LeakRow {
    /// Who this is about (a contact, or "me" for our receive routes).
    pub contact: String,
    /// The route.
    pub route: String,
    /// The one-line badge.
    pub badge: String,
    /// What the drop or relay operator (or mail provider) observes.
    pub operator: String,
    /// What the local network observes.
    pub network: String,
    /// What the contact can observe or do.
    pub contact_sees: String,
    /// Forward secrecy with this contact.
    pub forward_secrecy: String,
    /// Whether cover traffic runs on this route, and its daily budget.
    pub cover: String,
    /// How the route is dialled and why (the plan).
    pub plan: Plan,
}

fn cover_text(s: &Session, p: &Plan) -> String {
    if p.cover {
        s.config.cover.describe()
    } else {
        "off: mail moves when you send or fetch, so its timing is visible (turn on in [cover])"
            .into()
    }
}

fn why(p: &Plan) -> &'static str {
    match p.reason {
        Reason::Local => "",
        Reason::RouteRequiresTor => " (the route demands Tor)",
        Reason::Flag => " (as the command line says)",
        Reason::SharedCoverRoute => {
            " (another contact on this route uses Tor, and a route's cover traffic has one shape)"
        }
        Reason::Contact => " (your setting for this contact)",
        Reason::Global => " ([network] via in config.toml)",
    }
}

fn row(s: &Session, who: String, p: Plan, contact_sees: &str, fs: String) -> LeakRow {
    let e = p.exposure();
    let network = if p.route.is_network() {
        format!("{}{}", e.network, why(&p))
    } else {
        e.network.clone()
    };
    LeakRow {
        contact: who,
        route: p.label.clone(),
        badge: p.badge(),
        operator: e.operator,
        network,
        contact_sees: contact_sees.to_string(),
        forward_secrecy: fs,
        cover: cover_text(s, &p),
        plan: p,
    }
}

impl Session {
    /// The exposure of every route of `contact` (or of every contact and our own receive
    /// routes when `None`).
    pub fn leaks(&self, contact: Option<&str>) -> Result<Vec<LeakRow>> {
        let mut rows = Vec::new();
        let policy = self.keys.policy();
        let names: Vec<String> = match contact {
            Some(n) => vec![self.contact(n)?.name],
            None => self.contacts().into_iter().map(|c| c.name).collect(),
        };
        if contact.is_none() {
            for r in self.routes() {
                let p = dial::plan(
                    &self.config,
                    &policy,
                    &r,
                    dial::Contact::default(),
                    Operation::Fetch,
                    dial::Override::default(),
                )?;
                rows.push(row(
                    self,
                    "me (receiving)".into(),
                    p,
                    match r {
                        hushpost_core::Route::Https(_) => {
                            "every contact holding your card can post to you (up to the relay's quota)"
                        }
                        hushpost_core::Route::Mailto(_) => {
                            "every contact holding your card can mail you (up to your provider's limits)"
                        }
                        _ => "every contact holding your card can post to you (up to the disk's free space)",
                    },
                    String::new(),
                ));
            }
        }
        for name in names {
            let v = self.contact(&name)?;
            let fs = match &v.forward_secrecy {
                Some(f) if f.active() => "active: a key seized later cannot open past mail".to_string(),
                _ => "not yet: until both sides have exchanged a message, mail is sealed to long-term keys".to_string(),
            };
            let c = self.keys.contact_state(&name);
            for r in c.map(|c| self.keys.routes_of(c)).unwrap_or_default() {
                let op = Operation::delivery(self.config.cover.enabled_for(&r), false);
                let p = dial::plan(
                    &self.config,
                    &policy,
                    &r,
                    self.keys.contact_policy(&name),
                    op,
                    dial::Override::default(),
                )?;
                let sees = p.exposure().contact_sees;
                rows.push(row(self, name.clone(), p, sees, fs.clone()));
            }
        }
        Ok(rows)
    }
}
