//! First contact: a contact request is our card and a note, sealed to the card owner's
//! identity key and posted under the day's intro tag of their card (relays ask for proof of
//! work); requests that arrive wait in the mailbox until accepted.

use crate::dial::{self, Operation};
use crate::error::{Error, Result};
use crate::keys::ContactView;
use crate::session::Session;
use hushpost_core::card::Card;
use hushpost_core::envelope::{self, Draft, Kind, Recipient};
use hushpost_transports::{DeadDrop, PutOptions, Transport};
use serde::{Deserialize, Serialize};

fn no_request(index: usize) -> Error {
    Error::Invalid(format!(
        "no contact request number {index} (see `hushpost contact requests`)"
    ))
}

/// Where request number `index` is in `reqs`.
fn numbered(reqs: &[ContactRequest], index: usize) -> Result<usize> {
    reqs.iter()
        .position(|r| r.number == index)
        .ok_or_else(|| no_request(index))
}

/// A first-contact request received under our intro tag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContactRequest {
    /// Its number for `contact accept N` / `reject N`: kept while it waits, so accepting
    /// one does not renumber the others.
    #[serde(default)]
    pub number: usize,
    /// The name on their card.
    pub name: String,
    /// Their card.
    pub card: String,
    /// What they wrote.
    pub note: String,
    /// Unix seconds.
    pub received_at: u64,
}

impl crate::session::Reader {
    /// Pending contact requests, without those from people among the snapshot's contacts
    /// (what the inbox lists; accepting and rejecting go through the session).
    pub fn contact_requests(&mut self) -> Result<Vec<ContactRequest>> {
        let mut reqs = self.inbox.mailbox.contact_requests()?;
        reqs.retain(|r| {
            Card::parse(&r.card).is_ok_and(|c| {
                let fp = c.identity.fingerprint().to_string();
                !self.contacts.iter().any(|v| v.fingerprint == fp)
            })
        });
        Ok(reqs)
    }
}

impl Session {
    /// The number (1-based) of the pending request carrying `card`, as
    /// [`Session::contact_accept`] and [`Session::contact_reject`] take it.
    pub fn contact_request_number(&mut self, card: &str) -> Result<usize> {
        self.contact_requests()?
            .iter()
            .find(|r| r.card == card)
            .map(|r| r.number)
            .ok_or_else(|| Error::Invalid("that contact request is gone".into()))
    }

    /// Pending contact requests (kept in the encrypted store), without those from people
    /// who are contacts by now (added by card, or accepted in another process).
    pub fn contact_requests(&mut self) -> Result<Vec<ContactRequest>> {
        let mut reqs = self.inbox.mailbox.contact_requests()?;
        reqs.retain(|r| {
            Card::parse(&r.card)
                .is_ok_and(|c| self.keys.contact_name_by_key(&c.identity.ed).is_none())
        });
        Ok(reqs)
    }

    /// Drops request `index` (1-based) without adding its sender.
    pub fn contact_reject(&mut self, index: usize) -> Result<ContactRequest> {
        let mut reqs = self.contact_requests()?;
        let at = numbered(&reqs, index)?;
        let r = reqs.remove(at);
        self.inbox.mailbox.set_contact_requests(&reqs)?;
        Ok(r)
    }

    /// Accepts request `index` (1-based) under the local `name`.
    pub fn contact_accept(&mut self, index: usize, name: &str) -> Result<ContactView> {
        let mut reqs = self.contact_requests()?;
        let at = numbered(&reqs, index)?;
        let r = reqs.remove(at);
        let v = self.contact_add(name, &r.card)?;
        self.inbox.mailbox.set_contact_requests(&reqs)?;
        Ok(v)
    }

    /// Sends a contact request to the owner of `card` (their intro mailbox, proof of work on
    /// relays): our card and a note, sealed to their identity key. Adds them as a contact.
    pub fn introduce(
        &mut self,
        name: &str,
        card_text: &str,
        note: &str,
        allow_local: bool,
    ) -> Result<ContactView> {
        let mut view = self.contact_add(name, card_text)?;
        if allow_local {
            view = self.contact_allow_local(name)?;
        }
        let card = Card::parse(card_text)?;
        let body = format!("{}\n{}", self.keys.card()?.encode(), note);
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
        let recipient = Recipient {
            ed: card.identity.ed,
            key: card.identity.x,
        };
        let sealed = envelope::seal(self.keys.identity(), &recipient, &draft)
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let intro_cap = hushpost_core::Secret32::from_bytes(card.intro_cap);
        let tag =
            hushpost_core::tags::intro_fetch_cap(&intro_cap, hushpost_core::Day::of(now)).tag();
        let policy = self.keys.policy();
        let contact = self.keys.contact_policy(&view.name);
        let mut errors = Vec::new();
        // The routes we use for them: a card's local ones only where the user enabled them.
        let routes: Vec<hushpost_core::Route> =
            view.routes.iter().filter_map(|r| r.parse().ok()).collect();
        if routes.is_empty() {
            return Err(Error::Invalid(format!(
                "{name} has no route to send the contact request by{}",
                held_note(&view)
            )));
        }
        for route in &routes {
            let r = dial::plan(
                &self.config,
                &policy,
                route,
                contact,
                Operation::Intro,
                dial::Override::default(),
            )
            .and_then(|p| {
                p.dial_options(
                    &self.config,
                    self.keys.mail_password(),
                    Some(&self.home.data_dir),
                )
            })
            .and_then(|d| Ok(Transport::open(route, &d)?))
            .and_then(|mut t| Ok(t.put(&tag, &sealed.blobs[0], PutOptions { intro: true })?));
            match r {
                Ok(()) => return Ok(view),
                Err(e) => errors.push(format!("{}: {e}", route.label())),
            }
        }
        Err(Error::Invalid(format!(
            "the contact request could not be delivered: {}",
            errors.join("; ")
        )))
    }
}

/// Why a contact's card routes are not all in use, for an error line (empty if they are).
pub fn held_note(view: &ContactView) -> String {
    let n = view.held_local.len();
    if n == 0 {
        return String::new();
    }
    let (what, pronoun) = if n == 1 {
        ("route points at a local place and is", "it")
    } else {
        ("routes point at local places and are", "them")
    };
    format!(
        ": their card's {what} used only once you enable {pronoun} ({}; hushpost contact routes {} ROUTE…, or contact add --allow-local)",
        view.held_local.join(", "),
        view.name
    )
}
