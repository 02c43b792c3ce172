//! The one dialing decision. [`plan`] turns (a route, whose it is, the operation, the
//! config and a command-line override) into a [`Plan`]: direct or through which proxy, with
//! fresh stream-isolation credentials, which local credentials may be offered, and whether a
//! later route may be tried when this one fails. Every path that opens a connection — send,
//! reply, queued mail, chaff and fetches in `poll`, `fetch`, the TUI's workers, `doctor`,
//! `account test`, intro posts — asks for a plan and dials with [`Plan::dial_options`];
//! `leaks`, `contact show` and the compose badge describe that same plan, so what they
//! claim is what happens.
//!
//! Must not: read the keyring (the caller passes a [`Policy`] snapshot, so a locked `poll`
//! plans exactly like an unlocked session), or let anything but a route that demands Tor
//! override an explicit choice silently.

use crate::config::Config;
use crate::error::{Error, Result};
use hushpost_core::route::{Route, Via};
use hushpost_transports::{DialOptions, Exposure, Usage};
use serde::Serialize;

/// What a connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// Mail delivered at once: `send`/`reply` on a route without cover traffic, or `--now`.
    Send,
    /// Queued mail leaving in a cover-traffic slot (`poll`, the inbox's ticks).
    SendQueued,
    /// Chaff in a cover-traffic slot.
    Chaff,
    /// Fetching our own receive route (`fetch`, `poll`, the inbox).
    Fetch,
    /// Fetching our chaff back from a contact's cover route (`poll`).
    LoopFetch,
    /// `doctor` checking that a route answers.
    Check,
    /// `account test` logging in to the mail servers.
    AccountTest,
    /// A first-contact post to a card's intro mailbox.
    Intro,
}

impl Operation {
    /// Every operation (tests walk them all).
    pub const ALL: [Operation; 8] = [
        Operation::Send,
        Operation::SendQueued,
        Operation::Chaff,
        Operation::Fetch,
        Operation::LoopFetch,
        Operation::Check,
        Operation::AccountTest,
        Operation::Intro,
    ];

    /// Part of a route's regular cover-traffic shape: on a cover route these must all look
    /// alike, so they share one network mode.
    pub fn in_cover_shape(self) -> bool {
        matches!(
            self,
            Operation::SendQueued | Operation::Chaff | Operation::Fetch | Operation::LoopFetch
        )
    }

    /// Delivering mail to a contact: queued for a slot on a cover route unless `now`.
    pub fn delivery(cover: bool, now: bool) -> Operation {
        if cover && !now {
            Operation::SendQueued
        } else {
            Operation::Send
        }
    }
}

/// Direct, or through a SOCKS5 proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// A direct connection.
    Direct,
    /// Through the Tor SOCKS proxy, names unresolved, never directly.
    Tor {
        /// `socks5h://HOST:PORT`.
        proxy: String,
    },
}

/// Why the plan dials the way it does (shown by `leaks --json`, asserted by tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A folder: no network.
    Local,
    /// The route demands Tor (an `.onion`, or its owner wrote `via=tor`).
    RouteRequiresTor,
    /// `--via` on the command line.
    Flag,
    /// Cover traffic on this route goes through Tor because a contact who uses it asked
    /// for Tor: every tick on a route must look the same.
    SharedCoverRoute,
    /// `contact via NAME …`.
    Contact,
    /// `[network] via` in config.toml.
    Global,
}

/// Which local credentials a connection may present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// Our SSH key (key file / ssh-agent).
    pub ssh_key: bool,
    /// Our owner login on our own SSH drops.
    pub ssh_owner: bool,
    /// Our SMTP submission account.
    pub smtp: bool,
    /// Our IMAP account.
    pub imap: bool,
}

/// How one connection will be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The route (label; the full route stays in `route`).
    pub label: String,
    /// What the connection is for.
    pub op: Operation,
    /// Direct or through which proxy.
    pub network: Network,
    /// Why.
    pub reason: Reason,
    /// Local credentials it may present.
    pub grant: Grant,
    /// A failure here lets the next route of the contact be tried.
    pub fallback: bool,
    /// Cover traffic runs on this route.
    pub cover: bool,
    /// The route itself.
    #[serde(skip)]
    pub route: Route,
}

/// What the plans depend on besides the route: a snapshot taken from the keyring and
/// config.toml when unlocked, or from what the outbox and `poll-keys.json` carry when not.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Our own receive routes.
    pub own: Vec<Route>,
    /// Every contact route in use, with that contact's `via` (several contacts may share
    /// a route).
    pub users: Vec<(Route, Option<Via>)>,
}

impl Policy {
    /// Whether some contact using `route` asked for Tor.
    fn someone_wants_tor(&self, route: &Route) -> bool {
        self.users
            .iter()
            .any(|(r, v)| r == route && *v == Some(Via::Tor))
    }
}

/// The settings of the contact a connection is about (default: none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contact {
    /// `contact via NAME …`.
    pub via: Option<Via>,
    /// `contact fallback NAME on`: a later route of theirs may take mail the first could not.
    pub fallback: bool,
}

/// What the command line says for this operation (default: nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Override {
    /// `--via`.
    pub via: Option<Via>,
    /// `--fallback`.
    pub fallback: bool,
}

/// The one decision, for a connection about `contact` (default for our own routes) with the
/// command line's `flag`.
pub fn plan(
    config: &Config,
    policy: &Policy,
    route: &Route,
    contact: Contact,
    op: Operation,
    flag: Override,
) -> Result<Plan> {
    let contact_via = contact.via;
    let cover = config.cover.enabled_for(route);
    let ours = policy.own.contains(route);
    if let Route::Ssh(r) = route
        && r.dropkey.is_none()
        && !ours
    {
        return Err(Error::Invalid(format!(
            "{}: this SSH route has no drop key, and hushpost never offers your own SSH keys to a server that is not yours — ask for a card whose SSH route carries a drop key",
            route.label()
        )));
    }
    let shape_tor = cover
        && op.in_cover_shape()
        && (config.network.via == Via::Tor || policy.someone_wants_tor(route));
    let (via, reason) = if !route.is_network() {
        (Via::Direct, Reason::Local)
    } else if route.required_via() == Some(Via::Tor) {
        if flag.via == Some(Via::Direct) {
            return Err(Error::Invalid(format!(
                "{} only accepts connections over Tor; drop --via direct",
                route.label()
            )));
        }
        (Via::Tor, Reason::RouteRequiresTor)
    } else if let Some(f) = flag.via {
        if shape_tor && f == Via::Direct {
            return Err(Error::Invalid(format!(
                "cover traffic on {} goes through Tor; a message sent direct would stand out \
                 (send it with --now --via direct if you mean it)",
                route.label()
            )));
        }
        (f, Reason::Flag)
    } else if shape_tor {
        let reason = if contact_via == Some(Via::Tor) {
            Reason::Contact
        } else if config.network.via == Via::Tor {
            Reason::Global
        } else {
            Reason::SharedCoverRoute
        };
        (Via::Tor, reason)
    } else if let Some(v) = contact_via {
        (v, Reason::Contact)
    } else {
        (config.network.via, Reason::Global)
    };
    let network = match via {
        Via::Tor if route.is_network() => Network::Tor {
            proxy: config.network.tor_proxy.as_str().to_string(),
        },
        _ => Network::Direct,
    };
    Ok(Plan {
        label: route.label(),
        op,
        network,
        reason,
        grant: grant(route, ours, op),
        // A contact's route order is a privacy order: a later route only where they (or
        // this command) allow it. Intro posts try a new card's routes in order.
        fallback: op == Operation::Intro
            || (matches!(op, Operation::Send | Operation::SendQueued)
                && (contact.fallback || flag.fallback)),
        cover,
        route: route.clone(),
    })
}

/// Our SSH key (file and agent) and owner login go only to our own drops: a contact's drop
/// is written with its drop key, and one without is refused by [`plan`]. Our mail account:
/// SMTP to send to any `mailto:` route, IMAP only to fetch our own.
fn grant(route: &Route, ours: bool, op: Operation) -> Grant {
    match route {
        Route::Ssh(_) => Grant {
            ssh_key: ours,
            ssh_owner: ours,
            ..Grant::default()
        },
        Route::Mailto(_) => Grant {
            smtp: matches!(
                op,
                Operation::Send
                    | Operation::SendQueued
                    | Operation::Chaff
                    | Operation::Intro
                    | Operation::AccountTest
            ),
            imap: ours
                && matches!(
                    op,
                    Operation::Fetch
                        | Operation::LoopFetch
                        | Operation::Check
                        | Operation::AccountTest
                ),
            ..Grant::default()
        },
        Route::Dir(_) | Route::Https(_) => Grant::default(),
    }
}

impl Plan {
    /// Whether it goes through Tor.
    pub fn tor(&self) -> bool {
        matches!(self.network, Network::Tor { .. })
    }

    /// The network mode, as stored with queued mail.
    pub fn via(&self) -> Via {
        if self.tor() { Via::Tor } else { Via::Direct }
    }

    /// The transport options for this plan: the proxy with fresh random SOCKS credentials
    /// (Tor's IsolateSOCKSAuth gives the operation its own circuit) and only the granted
    /// credentials. A mail password command runs here, i.e. only when a mail server is about
    /// to be used; `stored_mail_password` is the keyring's copy, when unlocked. `state_dir`
    /// is where the transport may keep its own state (the data folder; `None` for checks).
    pub fn dial_options(
        &self,
        config: &Config,
        stored_mail_password: Option<&str>,
        state_dir: Option<&std::path::Path>,
    ) -> Result<DialOptions> {
        let mut dial = DialOptions {
            timeout_secs: config.network.timeout_secs,
            state_dir: state_dir.map(std::path::Path::to_path_buf),
            ..DialOptions::default()
        };
        if let Network::Tor { proxy } = &self.network {
            dial.proxy = Some(proxy.clone());
            let mut b = [0u8; 12];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
            dial.isolation = Some((format!("hp-{}", hex::encode(&b[..6])), hex::encode(&b[6..])));
        }
        let g = self.grant;
        if g.ssh_key {
            dial.credentials.ssh_key_file = config.ssh.key_file.clone();
            dial.credentials.ssh_agent = config.ssh.agent;
        }
        if g.ssh_owner {
            dial.credentials.ssh_user = config.ssh.user.clone();
        }
        if (g.smtp || g.imap)
            && let Some(acct) = &config.account
        {
            let (smtp, imap) = crate::account::accounts(acct, stored_mail_password)?;
            dial.credentials.smtp = g.smtp.then_some(smtp);
            dial.credentials.imap = g.imap.then_some(imap);
        }
        Ok(dial)
    }

    /// What this plan exposes, in the transport's own words.
    pub fn exposure(&self) -> Exposure {
        hushpost_transports::exposure(
            &self.route,
            Usage {
                tor: self.tor(),
                cover: self.cover,
            },
        )
    }

    /// One line: how it travels and what that hides, e.g.
    /// `relay via tor · padded · cover traffic · sender hidden · IP hidden`.
    pub fn badge(&self) -> String {
        let e = self.exposure();
        let mut parts = vec![e.how.as_str(), "padded"];
        if self.cover {
            parts.push("cover traffic");
        }
        parts.push(e.who);
        parts.push(&e.seen);
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests;
