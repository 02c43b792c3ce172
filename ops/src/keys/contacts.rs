//! Contacts: adding from a card (keys pinned, never silently replaced), verification by
//! safety number, and the per-contact choice of routes and network mode.

use super::{Keys, contact_public};
use crate::dial::{self, Operation};
use crate::error::{Error, Result};
use hushpost_core::card::Card;
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
        let name = name.trim();
        if !hushpost_core::card::valid_name(name) {
            return Err(Error::Invalid(
                "contact names must be 1–64 bytes of printable text".into(),
            ));
        }
        let card = Card::parse(card_text)?;
        if card.identity.ed == self.identity.ed_public() {
            return Err(Error::OwnCard);
        }
        if let Some(existing) = self.state.contacts.iter().find(|c| {
            c.name != name && contact_public(c).is_some_and(|(_, id)| id.ed == card.identity.ed)
        }) {
            return Err(Error::SameKeyOtherName(existing.name.clone()));
        }
        let now = self.now();
        match self.state.contact_mut(name) {
            Some(c) => {
                let (old, id) =
                    contact_public(c).ok_or_else(|| Error::ContactExists(name.into()))?;
                if id != card.identity {
                    return Err(Error::KeyChanged(name.into()));
                }
                if card.issued_at <= old.issued_at {
                    return Err(Error::ContactExists(name.into()));
                }
                c.card = card.encode();
            }
            None => self.state.contacts.push(ContactState {
                name: name.to_string(),
                card: card.encode(),
                verified: false,
                added_at: now,
                use_routes: None,
                allow_local: false,
                via: None,
                fallback: false,
                my_prekeys: Vec::new(),
                their_prekey: None,
                their_pq_prekey: None,
                their_pq_identity: None,
                pq_seen_at: None,
            }),
        }
        self.save()?;
        self.contact(name)
    }

    fn contact_mut(&mut self, name: &str) -> Result<&mut ContactState> {
        self.state
            .contact_mut(name)
            .ok_or_else(|| Error::UnknownContact(name.into()))
    }

    /// Marks a contact verified (after comparing safety numbers).
    pub fn contact_verify(&mut self, name: &str) -> Result<ContactView> {
        self.contact_mut(name)?.verified = true;
        self.save()?;
        self.contact(name)
    }

    /// Removes a contact (their mail stays in the store).
    pub fn contact_remove(&mut self, name: &str) -> Result<()> {
        let before = self.state.contacts.len();
        self.state.contacts.retain(|c| c.name != name);
        if before == self.state.contacts.len() {
            return Err(Error::UnknownContact(name.into()));
        }
        self.save()
    }

    /// Lets the contact's card routes to local places be used, now and in newer cards
    /// (what `contact add --allow-local` does: for folders and relays you run yourself).
    pub fn contact_allow_local(&mut self, name: &str) -> Result<ContactView> {
        self.contact_mut(name)?.allow_local = true;
        self.save()?;
        self.contact(name)
    }

    /// Sets which of a contact's card routes to use, in order; an empty list restores the
    /// card's own list and order (without its local routes).
    pub fn contact_set_routes(&mut self, name: &str, routes: &[Route]) -> Result<ContactView> {
        let view = self.contact(name)?;
        let mut chosen: Vec<Route> = Vec::new();
        for r in routes {
            let text = r.to_string();
            if !view.card_routes.contains(&text) {
                return Err(Error::Invalid(format!(
                    "{text} is not on {name}'s card (their routes: {})",
                    view.card_routes.join(", ")
                )));
            }
            if !chosen.contains(r) {
                chosen.push(r.clone());
            }
        }
        self.contact_mut(name)?.use_routes = (!chosen.is_empty()).then_some(chosen);
        self.save()?;
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
        self.contact_mut(name)?.fallback = on;
        self.save()?;
        self.contact(name)
    }

    /// Sets the per-contact network mode (`None`: the global default).
    pub fn contact_set_via(&mut self, name: &str, via: Option<Via>) -> Result<ContactView> {
        self.contact_mut(name)?.via = via;
        self.save()?;
        self.contact(name)
    }
}
