//! Contacts: adding from a card (keys pinned, never silently replaced), verification by
//! safety number, and the per-contact choice of routes ("transport chosen per contact").

use crate::error::{Error, Result};
use crate::session::Session;
use hushpost_core::card::Card;
use hushpost_core::identity::SafetyNumber;
use hushpost_core::route::Route;
use hushpost_keyring::ContactState;
use serde::Serialize;

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
    /// All routes on their card, in the card's order.
    pub card_routes: Vec<String>,
    /// `tor`/`direct` override for this contact.
    pub via: Option<String>,
    /// Unix seconds.
    pub added_at: u64,
    /// Forward-secrecy state (prekeys).
    pub forward_secrecy: Option<crate::prekeys::PrekeyState>,
    #[serde(skip)]
    /// Their Ed25519 key.
    pub ed: [u8; 32],
}

impl Session {
    fn view(&self, c: &ContactState) -> Option<ContactView> {
        let (card, id) = Session::contact_public(c)?;
        let routes = self.routes_of(c, &card);
        Some(ContactView {
            name: c.name.clone(),
            card_name: card.name.clone(),
            fingerprint: id.fingerprint().to_string(),
            safety_number: SafetyNumber::of(&self.identity.ed_public(), &id.ed).to_string(),
            verified: c.verified,
            routes: routes.iter().map(ToString::to_string).collect(),
            card_routes: card.routes.iter().map(ToString::to_string).collect(),
            via: c.via.clone(),
            added_at: c.added_at,
            forward_secrecy: self.prekey_state(&c.name),
            ed: id.ed,
        })
    }

    /// The routes used for a contact: the user's chosen subset/order, else the card's.
    pub(crate) fn routes_of(&self, c: &ContactState, card: &Card) -> Vec<Route> {
        match &c.use_routes {
            Some(chosen) => chosen
                .iter()
                .filter_map(|r| r.parse::<Route>().ok())
                .filter(|r| card.routes.contains(r))
                .collect(),
            None => card.routes.clone(),
        }
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
        self.state
            .contacts
            .iter()
            .find(|c| Session::contact_public(c).is_some_and(|(_, id)| id.ed == *ed))
            .map(|c| c.name.clone())
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
            c.name != name
                && Session::contact_public(c).is_some_and(|(_, id)| id.ed == card.identity.ed)
        }) {
            return Err(Error::SameKeyOtherName(existing.name.clone()));
        }
        let now = self.now();
        match self.state.contact_mut(name) {
            Some(c) => {
                let (old, id) =
                    Session::contact_public(c).ok_or_else(|| Error::ContactExists(name.into()))?;
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
                via: None,
                my_prekeys: Vec::new(),
                their_prekey: None,
            }),
        }
        self.save()?;
        self.contact(name)
    }

    /// Marks a contact verified (after comparing safety numbers).
    pub fn contact_verify(&mut self, name: &str) -> Result<ContactView> {
        self.state
            .contact_mut(name)
            .ok_or_else(|| Error::UnknownContact(name.into()))?
            .verified = true;
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

    /// Sets which of a contact's card routes to use, in order; an empty list restores the
    /// card's own list and order.
    pub fn contact_set_routes(&mut self, name: &str, routes: &[String]) -> Result<ContactView> {
        let view = self.contact(name)?;
        let mut chosen = Vec::new();
        for r in routes {
            let parsed: Route = r.parse()?;
            let text = parsed.to_string();
            if !view.card_routes.contains(&text) {
                return Err(Error::Invalid(format!(
                    "{text} is not on {name}'s card (their routes: {})",
                    view.card_routes.join(", ")
                )));
            }
            if !chosen.contains(&text) {
                chosen.push(text);
            }
        }
        let c = self
            .state
            .contact_mut(name)
            .ok_or_else(|| Error::UnknownContact(name.into()))?;
        c.use_routes = if chosen.is_empty() {
            None
        } else {
            Some(chosen)
        };
        self.save()?;
        self.contact(name)
    }

    /// Sets the per-contact `via` (`tor`, `direct`, or `None` for the global default).
    pub fn contact_set_via(
        &mut self,
        name: &str,
        via: Option<hushpost_core::route::Via>,
    ) -> Result<ContactView> {
        let c = self
            .state
            .contact_mut(name)
            .ok_or_else(|| Error::UnknownContact(name.into()))?;
        c.via = via.map(|v| v.to_string());
        self.save()?;
        self.contact(name)
    }
}

/// A first-contact request received under our intro tag.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ContactRequest {
    /// The name on their card.
    pub name: String,
    /// Their card.
    pub card: String,
    /// What they wrote.
    pub note: String,
    /// Unix seconds.
    pub received_at: u64,
}

impl Session {
    /// Pending contact requests (kept in the encrypted store).
    pub fn contact_requests(&mut self) -> Result<Vec<ContactRequest>> {
        Ok(self
            .store()?
            .meta_get("contact-requests")?
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    /// Accepts request `index` (1-based) under the local `name`.
    pub fn contact_accept(&mut self, index: usize, name: &str) -> Result<ContactView> {
        let mut reqs = self.contact_requests()?;
        if index == 0 || index > reqs.len() {
            return Err(Error::Invalid(format!(
                "no contact request number {index} (see `hushpost contact requests`)"
            )));
        }
        let r = reqs.remove(index - 1);
        let v = self.contact_add(name, &r.card)?;
        let json = serde_json::to_string(&reqs).map_err(|e| Error::Invalid(e.to_string()))?;
        self.store()?.meta_set("contact-requests", &json)?;
        Ok(v)
    }

    /// Sends a contact request to the owner of `card` (their intro mailbox, proof of work on
    /// relays): our card and a note, sealed to their identity key. Adds them as a contact.
    pub fn introduce(&mut self, name: &str, card_text: &str, note: &str) -> Result<ContactView> {
        use hushpost_core::envelope::{self, Draft, Kind, Recipient};
        let view = self.contact_add(name, card_text)?;
        let card = Card::parse(card_text)?;
        let body = format!("{}\n{}", self.card()?.encode(), note);
        let now = self.now();
        let draft = Draft {
            kind: Kind::Intro,
            msg_id: envelope::new_msg_id(),
            prev_hash: [0; 32],
            sent_at: now,
            expires_at: 0,
            burn_after_reading: false,
            prekey: None,
            body: body.as_bytes(),
        };
        let sealed = envelope::seal(
            &self.identity,
            &Recipient {
                ed: card.identity.ed,
                key: card.identity.x,
            },
            &draft,
        )
        .map_err(|e| Error::Invalid(e.to_string()))?;
        let intro_cap = hushpost_core::Secret32::from_bytes(card.intro_cap);
        let tag =
            hushpost_core::tags::intro_fetch_cap(&intro_cap, hushpost_core::Day::of(now)).tag();
        let mut errors = Vec::new();
        for route in &card.routes {
            let dial = self.dial_options(route, None, None)?;
            let r = hushpost_transports::Transport::open(route, &dial).and_then(|mut t| {
                hushpost_transports::DeadDrop::put(
                    &mut t,
                    &tag,
                    &sealed.blobs[0],
                    hushpost_transports::PutOptions { intro: true },
                )
            });
            match r {
                Ok(()) => return Ok(view),
                Err(e) => errors.push(format!("{}: {e}", crate::send::route_label(route))),
            }
        }
        Err(Error::Invalid(format!(
            "the contact request could not be delivered: {}",
            errors.join("; ")
        )))
    }
}
