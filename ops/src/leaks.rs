//! `hushpost leaks`: what each route lets whom observe, computed from the route kind, how it
//! is dialled, whether cover traffic runs on it, and the contact's key state. The same facts
//! feed the TUI's badge ([`crate::protection::protection_badge`]).
//!
//! Must not overclaim: each cell says what stays visible, not only what is hidden.

use crate::error::Result;
use crate::protection::{effective_via, protection_badge};
use crate::send::route_label;
use crate::session::Session;
use hushpost_core::route::{Route, Via};
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
}

fn cover_text(s: &Session, r: &Route) -> String {
    if s.config.cover.enabled_for(r) {
        s.config.cover.describe()
    } else {
        "off: mail moves when you send or fetch, so its timing is visible (turn on in [cover])"
            .into()
    }
}

fn facts(route: &Route, via: Via, cover: bool) -> (String, String) {
    let tor = via == Via::Tor && route.is_network();
    let timing = if cover {
        "; cover traffic makes real sends and fetches look like the regular chaff"
    } else {
        "; when you send and fetch"
    };
    let operator = match route {
        Route::Dir { .. } => "anyone who can read the folder: fixed-size files under random daily names, and their times; not who, not content".to_string(),
        Route::Ssh { .. } if tor => format!("the SSH host: the login used, per-file times and fixed sizes; not your IP, not who, not content{timing}"),
        Route::Ssh { .. } => format!("the SSH host: the login and IP address of each side, per-file times and fixed sizes; not content{timing}"),
        Route::Https { .. } if tor => format!("the relay: per-tag counts and times, tags fetched together; not your IP, not who, not content{timing}"),
        Route::Https { .. } => format!("the relay: your IP address, per-tag counts and times; not who, not content{timing}"),
        Route::Mailto { .. } => "the mail providers: BOTH e-mail addresses, the time, the day's tag (as a relay would), a constant size; not the words, subject or real size".to_string(),
    };
    let network = match route {
        Route::Dir { .. } => "nothing (a local folder; a sync service sees file times)".to_string(),
        Route::Mailto { .. } if tor => "that you use Tor".to_string(),
        Route::Mailto { .. } => "which mail servers you talk to, and when".to_string(),
        _ if tor => "that you use Tor, and how much".to_string(),
        Route::Ssh(r) => format!("that you connect to {}{timing}", r.host),
        Route::Https(r) => format!("that you connect to {}{timing}", r.host),
    };
    (operator, network)
}

impl Session {
    /// The exposure of every route of `contact` (or of every contact and our own receive
    /// routes when `None`).
    pub fn leaks(&self, contact: Option<&str>) -> Result<Vec<LeakRow>> {
        let mut rows = Vec::new();
        let default_via = self.config.network.via.clone();
        let names: Vec<String> = match contact {
            Some(n) => vec![self.contact(n)?.name],
            None => self.contacts().into_iter().map(|c| c.name).collect(),
        };
        if contact.is_none() {
            for r in self.routes() {
                let via = effective_via(&r, None, &default_via);
                let cover = self.config.cover.enabled_for(&r);
                let (operator, network) = facts(&r, via, cover);
                rows.push(LeakRow {
                    contact: "me (receiving)".into(),
                    route: route_label(&r),
                    badge: protection_badge(&r, via, cover),
                    operator,
                    network,
                    contact_sees:
                        "every contact holding your card can post to you (up to the drop's quota)"
                            .into(),
                    forward_secrecy: String::new(),
                    cover: cover_text(self, &r),
                });
            }
        }
        for name in names {
            let v = self.contact(&name)?;
            let fs = match &v.forward_secrecy {
                Some(f) if f.active() => "active: a key seized later cannot open past mail".to_string(),
                _ => "not yet: until both sides have exchanged a message, mail is sealed to long-term keys".to_string(),
            };
            for text in &v.routes {
                let Ok(r) = text.parse::<Route>() else {
                    continue;
                };
                let via = effective_via(&r, v.via.as_deref(), &default_via);
                let cover = self.config.cover.enabled_for(&r);
                let (operator, network) = facts(&r, via, cover);
                let contact_sees = match r {
                    Route::Mailto { .. } => "your conversation with them, and your e-mail address",
                    _ => {
                        "your conversation with them (and they could keep it: signatures prove who wrote)"
                    }
                };
                rows.push(LeakRow {
                    contact: name.clone(),
                    route: route_label(&r),
                    badge: protection_badge(&r, via, cover),
                    operator,
                    network,
                    contact_sees: contact_sees.into(),
                    forward_secrecy: fs.clone(),
                    cover: cover_text(self, &r),
                });
            }
        }
        Ok(rows)
    }
}
