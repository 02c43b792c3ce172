//! Every change to the keyring state as a value ([`KeyOp`]) and the one function that
//! applies it ([`apply`]). A process that owns the keyring file applies ops to the state it
//! just read under the file's lock; the agent applies the ops its clients send to the state
//! it holds. Both run this code, so a change means the same thing wherever it lands, and two
//! processes' changes are applied one after the other instead of one snapshot overwriting
//! the other.
//!
//! Must not: half-apply an op (validate first, then change), read the clock (every op
//! carries its time), or dial out.

use super::contact_public;
use super::prekeys::MAX_LIVE;
use crate::error::{Error, Result};
use hushpost_core::card::Card;
use hushpost_core::identity::Identity;
use hushpost_core::route::{Route, Via};
use hushpost_keyring::{
    ContactState, OwnPrekey, PeerHybridKey, PeerPrekey, SecretHex, SecretText, State,
};
use serde::{Deserialize, Serialize};

/// A contact's Ed25519 key, as hex (ops name contacts by key when the name could have
/// changed under them, e.g. a prekey noted during a fetch while the user renamed nobody).
pub type ContactKey = String;

/// One change to the keyring state.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum KeyOp {
    /// Add one of our receive routes (the card is re-issued at `at`).
    RouteAdd { route: Route, at: u64 },
    /// Remove one of our receive routes.
    RouteRemove { route: Route, at: u64 },
    /// Add a contact from a card, or refresh it from a newer card with the same key.
    ContactAdd { name: String, card: String, at: u64 },
    /// Mark a contact verified.
    ContactVerify { name: String },
    /// Remove a contact.
    ContactRemove { name: String },
    /// Let the contact's card routes to local places be used (`contact add --allow-local`).
    ContactAllowLocal { name: String },
    /// Which of a contact's card routes to use, in order (empty: the card's own).
    ContactSetRoutes { name: String, routes: Vec<Route> },
    /// A contact's network mode (`None`: the global default).
    ContactSetVia { name: String, via: Option<Via> },
    /// Whether mail to the contact may fall back to their next route.
    ContactSetFallback { name: String, on: bool },
    /// Keep (or forget) the mail account's password.
    SetMailPassword { password: Option<SecretText> },
    /// A new receiving prekey of ours for a contact (already announced or about to be).
    PrekeyAdd {
        contact: ContactKey,
        prekey: OwnPrekey,
    },
    /// The contact was seen encrypting to our prekey `key` (hex).
    PrekeyUsed {
        contact: ContactKey,
        key: String,
        at: u64,
    },
    /// A verified, newer prekey the contact gave us.
    PrekeyReceived {
        contact: ContactKey,
        prekey: PeerPrekey,
    },
    /// Delete private prekeys past their deadline at `at`.
    PrekeysPrune { at: u64 },
    /// Our long-term hybrid key, for a keyring made before envelope v2 (kept only if it
    /// has none: the first writer's seed is the one).
    HybridSeed { seed: SecretHex },
    /// A verified hybrid key the contact signed for us.
    HybridReceived {
        contact: ContactKey,
        slot: HybridSlot,
        key: PeerHybridKey,
    },
    /// The contact was first seen sealing to a hybrid key of ours at `at` (we stop
    /// announcing our long-term hybrid key to them).
    HybridSeen { contact: ContactKey, at: u64 },
}

/// Which of a contact's hybrid keys a [`KeyOp::HybridReceived`] sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HybridSlot {
    /// Their newest live hybrid prekey for us (the newer expiry wins).
    Prekey,
    /// Their long-term hybrid key (replaced when it differs).
    LongTerm,
}

impl KeyOp {
    /// Whether this op follows from mail moving (it cannot fail) rather than a user's
    /// request (which can be refused).
    pub(crate) fn is_side_effect(&self) -> bool {
        matches!(
            self,
            KeyOp::PrekeyAdd { .. }
                | KeyOp::PrekeyUsed { .. }
                | KeyOp::PrekeyReceived { .. }
                | KeyOp::PrekeysPrune { .. }
                | KeyOp::HybridSeed { .. }
                | KeyOp::HybridReceived { .. }
                | KeyOp::HybridSeen { .. }
        )
    }
}

fn index_by_key(state: &State, key: &str) -> Option<usize> {
    state.contacts.iter().position(|c| {
        contact_public(c).is_some_and(|(_, id)| hex::encode(id.ed) == key.to_ascii_lowercase())
    })
}

fn named<'a>(state: &'a mut State, name: &str) -> Result<&'a mut ContactState> {
    state
        .contact_mut(name)
        .ok_or_else(|| Error::UnknownContact(name.into()))
}

/// Applies `op` to `state`; returns whether anything changed. On error nothing changed.
pub(crate) fn apply(state: &mut State, me: &Identity, op: &KeyOp) -> Result<bool> {
    match op {
        KeyOp::RouteAdd { route, at } => route_add(state, route, *at),
        KeyOp::RouteRemove { route, at } => {
            let before = state.routes.len();
            state.routes.retain(|r| r != route);
            if state.routes.len() == before {
                return Err(Error::Invalid(format!("{route} is not one of your routes")));
            }
            state.card_issued_at = (*at).max(state.card_issued_at + 1);
            Ok(true)
        }
        KeyOp::ContactAdd { name, card, at } => contact_add(state, me, name, card, *at),
        KeyOp::ContactVerify { name } => {
            let c = named(state, name)?;
            let changed = !c.verified;
            c.verified = true;
            Ok(changed)
        }
        KeyOp::ContactRemove { name } => {
            let before = state.contacts.len();
            state.contacts.retain(|c| c.name != *name);
            if before == state.contacts.len() {
                return Err(Error::UnknownContact(name.clone()));
            }
            Ok(true)
        }
        KeyOp::ContactAllowLocal { name } => {
            let c = named(state, name)?;
            let changed = !c.allow_local;
            c.allow_local = true;
            Ok(changed)
        }
        KeyOp::ContactSetRoutes { name, routes } => set_routes(state, name, routes),
        KeyOp::ContactSetVia { name, via } => {
            named(state, name)?.via = *via;
            Ok(true)
        }
        KeyOp::ContactSetFallback { name, on } => {
            named(state, name)?.fallback = *on;
            Ok(true)
        }
        KeyOp::SetMailPassword { password } => {
            state.mail_password = password.as_ref().map(SecretText::duplicate);
            Ok(true)
        }
        KeyOp::PrekeyAdd { contact, prekey } => Ok(prekey_add(state, contact, prekey)),
        KeyOp::PrekeyUsed { contact, key, at } => Ok(prekey_used(state, contact, key, *at)),
        KeyOp::PrekeyReceived { contact, prekey } => {
            let Some(i) = index_by_key(state, contact) else {
                return Ok(false);
            };
            let c = &mut state.contacts[i];
            let newer = c
                .their_prekey
                .as_ref()
                .is_none_or(|p| p.not_after < prekey.not_after);
            if newer {
                c.their_prekey = Some(prekey.clone());
            }
            Ok(newer)
        }
        KeyOp::PrekeysPrune { at } => Ok(prune(state, *at) > 0),
        KeyOp::HybridSeed { seed } => {
            let unset = state.pq_seed.is_none();
            if unset {
                state.pq_seed = Some(seed.duplicate());
            }
            Ok(unset)
        }
        KeyOp::HybridReceived { contact, slot, key } => {
            Ok(hybrid_received(state, contact, *slot, key))
        }
        KeyOp::HybridSeen { contact, at } => {
            let Some(i) = index_by_key(state, contact) else {
                return Ok(false);
            };
            let c = &mut state.contacts[i];
            let first = c.pq_seen_at.is_none();
            if first {
                c.pq_seen_at = Some(*at);
            }
            Ok(first)
        }
    }
}

fn hybrid_received(
    state: &mut State,
    contact: &str,
    slot: HybridSlot,
    key: &PeerHybridKey,
) -> bool {
    let Some(i) = index_by_key(state, contact) else {
        return false;
    };
    let c = &mut state.contacts[i];
    let (held, replace) = match slot {
        HybridSlot::Prekey => {
            let newer = c
                .their_pq_prekey
                .as_ref()
                .is_none_or(|old| old.not_after < key.not_after);
            (&mut c.their_pq_prekey, newer)
        }
        HybridSlot::LongTerm => {
            let differs = c
                .their_pq_identity
                .as_ref()
                .is_none_or(|old| old.key != key.key);
            (&mut c.their_pq_identity, differs)
        }
    };
    if replace {
        *held = Some(key.clone());
    }
    replace
}

fn route_add(state: &mut State, route: &Route, at: u64) -> Result<bool> {
    if state.routes.contains(route) {
        return Err(Error::Invalid(format!(
            "{route} is already one of your routes"
        )));
    }
    if state.routes.len() >= 8 {
        return Err(Error::Invalid("a card holds at most 8 routes".into()));
    }
    if let Route::Dir(d) = route
        && !d.path.is_dir()
    {
        return Err(Error::Invalid(format!(
            "drop folder {} does not exist",
            d.path.display()
        )));
    }
    state.routes.push(route.clone());
    state.card_issued_at = at.max(state.card_issued_at + 1);
    Ok(true)
}

fn contact_add(state: &mut State, me: &Identity, name: &str, text: &str, at: u64) -> Result<bool> {
    let name = name.trim();
    if !hushpost_core::card::valid_name(name) {
        return Err(Error::Invalid(
            "contact names must be 1–64 bytes of printable text".into(),
        ));
    }
    let card = Card::parse(text)?;
    if card.identity.ed == me.ed_public() {
        return Err(Error::OwnCard);
    }
    if let Some(existing) = state.contacts.iter().find(|c| {
        c.name != name && contact_public(c).is_some_and(|(_, id)| id.ed == card.identity.ed)
    }) {
        return Err(Error::SameKeyOtherName(existing.name.clone()));
    }
    match state.contact_mut(name) {
        Some(c) => {
            let (old, id) = contact_public(c).ok_or_else(|| Error::ContactExists(name.into()))?;
            if id != card.identity {
                return Err(Error::KeyChanged(name.into()));
            }
            if card.issued_at <= old.issued_at {
                return Err(Error::ContactExists(name.into()));
            }
            c.card = card.encode();
        }
        None => state.contacts.push(ContactState {
            name: name.to_string(),
            card: card.encode(),
            verified: false,
            added_at: at,
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
    Ok(true)
}

fn set_routes(state: &mut State, name: &str, routes: &[Route]) -> Result<bool> {
    let c = named(state, name)?;
    let card_routes = contact_public(c)
        .map(|(card, _)| card.routes)
        .ok_or_else(|| Error::Invalid(format!("the stored card of {name} no longer parses")))?;
    let mut chosen: Vec<Route> = Vec::new();
    for r in routes {
        if !card_routes.contains(r) {
            let theirs: Vec<String> = card_routes.iter().map(ToString::to_string).collect();
            return Err(Error::Invalid(format!(
                "{r} is not on {name}'s card (their routes: {})",
                theirs.join(", ")
            )));
        }
        if !chosen.contains(r) {
            chosen.push(r.clone());
        }
    }
    c.use_routes = (!chosen.is_empty()).then_some(chosen);
    Ok(true)
}

fn prekey_add(state: &mut State, contact: &str, prekey: &OwnPrekey) -> bool {
    let Some(i) = index_by_key(state, contact) else {
        return false;
    };
    let c = &mut state.contacts[i];
    if c.my_prekeys.iter().any(|p| p.public == prekey.public) {
        return false;
    }
    c.my_prekeys.push(OwnPrekey {
        secret: prekey.secret.duplicate(),
        public: prekey.public.clone(),
        created_at: prekey.created_at,
        not_after: prekey.not_after,
        seen_in_use_at: prekey.seen_in_use_at,
        superseded_at: prekey.superseded_at,
        pq_seed: prekey.pq_seed.as_ref().map(SecretHex::duplicate),
    });
    while c.my_prekeys.len() > MAX_LIVE {
        c.my_prekeys.remove(0);
    }
    true
}

fn prekey_used(state: &mut State, contact: &str, key: &str, at: u64) -> bool {
    let Some(i) = index_by_key(state, contact) else {
        return false;
    };
    let c = &mut state.contacts[i];
    let Some(pos) = c.my_prekeys.iter().position(|p| p.public == key) else {
        return false;
    };
    let mut changed = false;
    if c.my_prekeys[pos].seen_in_use_at.is_none() {
        c.my_prekeys[pos].seen_in_use_at = Some(at);
        changed = true;
    }
    for p in &mut c.my_prekeys[..pos] {
        if p.superseded_at.is_none() {
            p.superseded_at = Some(at);
            changed = true;
        }
    }
    changed
}

/// Deletes private prekeys past their deadline; returns how many.
pub(crate) fn prune(state: &mut State, now: u64) -> usize {
    use super::prekeys::{GRACE_SECS, HARD_CAP_SECS};
    let mut n = 0;
    for c in &mut state.contacts {
        // A prekey was replaced when the next one was created; the newest is never due.
        let replaced: Vec<Option<u64>> = (0..c.my_prekeys.len())
            .map(|i| c.my_prekeys.get(i + 1).map(|next| next.created_at))
            .collect();
        let mut i = 0;
        c.my_prekeys.retain(|p| {
            let due = replaced[i].is_some_and(|replaced_at| {
                let grace_over = p.superseded_at.is_some_and(|t| now >= t + GRACE_SECS);
                let cap_over = now >= replaced_at + HARD_CAP_SECS;
                grace_over || cap_over
            });
            i += 1;
            n += usize::from(due);
            !due
        });
    }
    n
}
