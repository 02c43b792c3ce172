//! Contacts: adding from a card (keys pinned, never silently replaced), verification by
//! safety number, and the per-contact choice of routes and network mode.

use super::{KeyOp, Keys, contact_public};
use crate::dial::{self, Operation};
use crate::error::{Error, Result};
use hushpost_core::identity::SafetyNumber;
use hushpost_core::route::{Route, Via};
use hushpost_keyring::ContactState;
use serde::Serialize;

/// How mail to a contact travels on one of their routes: the dialing plan, described.
#[derive(Debug, Clone, Serialize)]
pub struct ContactRoute {
    /// The route as on the card.
    pub route: String,
    /// The route as shown (no keys).
    pub label: String,
    /// One line: how it travels and what that hides.
    pub badge: String,
    /// Mail goes through Tor.
    pub tor: bool,
    /// Cover traffic runs on it.
    pub cover: bool,
}

/// What the user sees of a contact.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    /// Local name.
    pub name: String,
    /// The name on their card.
    pub card_name: String,
    /// Fingerprint, grouped.
    pub fingerprint: String,
    /// Pair safety number (compare it with theirs to verify).
    pub safety_number: String,
    /// Whether the safety number was confirmed.
    pub verified: bool,
    /// The routes that will be used, in order.
    pub routes: Vec<String>,
    /// How mail travels on each of them (same order).
    pub plans: Vec<ContactRoute>,
    /// All routes on their card, in the card's order.
    pub card_routes: Vec<String>,
    /// Routes on their card that point at local places (folders, loopback or private
    /// addresses), not used until enabled with `contact routes` (or `contact add
    /// --allow-local`).
    pub held_local: Vec<String>,
    /// `tor`/`direct` override for this contact.
    pub via: Option<Via>,
    /// Unix seconds.
    pub added_at: u64,
    /// Forward-secrecy state (prekeys).
    pub forward_secrecy: Option<super::PrekeyState>,
    #[serde(skip)]
    /// Their Ed25519 key.
    pub ed: [u8; 32],
}

impl Keys {
    fn view(&self, c: &ContactState) -> Option<ContactView> {
        let (card, id) = contact_public(c)?;
        let routes = self.routes_of(c);
        let policy = self.policy();
        let plans = routes
            .iter()
            .filter_map(|r| {
                let op = Operation::delivery(self.config.cover.enabled_for(r), false);
                let p = dial::plan(
                    &self.config,
                    &policy,
                    r,
                    dial::Contact {
                        via: c.via,
                        fallback: c.fallback,
                    },
                    op,
                    dial::Override::default(),
                )
                .ok()?;
                Some(ContactRoute {
                    route: r.to_string(),
                    label: p.label.clone(),
                    badge: p.badge(),
                    tor: p.tor(),
                    cover: p.cover,
                })
            })
            .collect();
        Some(ContactView {
            name: c.name.clone(),
            card_name: card.name.clone(),
            fingerprint: id.fingerprint().to_string(),
            safety_number: SafetyNumber::of(&self.identity.ed_public(), &id.ed).to_string(),
            verified: c.verified,
            routes: routes.iter().map(ToString::to_string).collect(),
            plans,
            card_routes: card.routes.iter().map(ToString::to_string).collect(),
            held_local: card
                .routes
                .iter()
                .filter(|r| r.is_local() && !routes.contains(r))
                .map(ToString::to_string)
                .collect(),
            via: c.via,
            added_at: c.added_at,
            forward_secrecy: self.prekey_state(&c.name),
            ed: id.ed,
        })
    }

    /// Every contact, sorted by name.
    pub fn contacts(&self) -> Vec<ContactView> {
        let mut v: Vec<ContactView> = self
            .state
            .contacts
            .iter()
            .filter_map(|c| self.view(c))
            .collect();
        v.sort_by_key(|a| a.name.to_lowercase());
        v
    }

    /// One contact.
    pub fn contact(&self, name: &str) -> Result<ContactView> {
        let c = self
            .state
            .contact(name)
            .ok_or_else(|| Error::UnknownContact(name.into()))?;
        self.view(c)
            .ok_or_else(|| Error::Invalid(format!("the stored card of {name} no longer parses")))
    }

    /// The contact name for an Ed25519 key.
    pub fn contact_name_by_key(&self, ed: &[u8; 32]) -> Option<String> {
        self.contact_by_key(ed)
            .map(|i| self.state.contacts[i].name.clone())
    }

    /// Adds a contact from a card, or refreshes the routes of an existing contact from a
    /// newer card with the same key. A different key under an existing name is refused.
    pub fn contact_add(&mut self, name: &str, card_text: &str) -> Result<ContactView> {
        let at = self.now();
        self.write(Some(KeyOp::ContactAdd {
            name: name.trim().to_string(),
            card: card_text.to_string(),
            at,
        }))?;
        self.contact(name.trim())
    }

    /// Marks a contact verified (after comparing safety numbers).
    pub fn contact_verify(&mut self, name: &str) -> Result<ContactView> {
        self.write(Some(KeyOp::ContactVerify { name: name.into() }))?;
        self.contact(name)
    }

    /// Removes a contact (their mail stays in the store).
    pub fn contact_remove(&mut self, name: &str) -> Result<()> {
        self.write(Some(KeyOp::ContactRemove { name: name.into() }))
    }

    /// Lets the contact's card routes to local places be used, now and in newer cards
    /// (what `contact add --allow-local` does: for folders and relays you run yourself).
    pub fn contact_allow_local(&mut self, name: &str) -> Result<ContactView> {
        self.write(Some(KeyOp::ContactAllowLocal { name: name.into() }))?;
        self.contact(name)
    }

    /// Sets which of a contact's card routes to use, in order; an empty list restores the
    /// card's own list and order (without its local routes).
    pub fn contact_set_routes(&mut self, name: &str, routes: &[Route]) -> Result<ContactView> {
        self.write(Some(KeyOp::ContactSetRoutes {
            name: name.into(),
            routes: routes.to_vec(),
        }))?;
        self.contact(name)
    }

    /// The settings plans about this contact follow.
    pub(crate) fn contact_policy(&self, name: &str) -> dial::Contact {
        self.state
            .contact(name)
            .map_or_else(dial::Contact::default, |c| dial::Contact {
                via: c.via,
                fallback: c.fallback,
            })
    }

    /// Allows (or not) a later route of the contact to take mail the first could not.
    pub fn contact_set_fallback(&mut self, name: &str, on: bool) -> Result<ContactView> {
        self.write(Some(KeyOp::ContactSetFallback {
            name: name.into(),
            on,
        }))?;
        self.contact(name)
    }

    /// Sets the per-contact network mode (`None`: the global default).
    pub fn contact_set_via(&mut self, name: &str, via: Option<Via>) -> Result<ContactView> {
        self.write(Some(KeyOp::ContactSetVia {
            name: name.into(),
            via,
        }))?;
        self.contact(name)
    }
}
