//! The one owner of the keyring state: identity, receive routes, contacts, prekeys and the
//! mail password. Every change is a [`KeyOp`] made by a method here and applied by
//! `change::apply`; `backend.rs` is the only code that writes the keyring (under its lock,
//! then `poll-keys.json`, which is derived from it) or sends the op to the running agent,
//! which applies it to the state it holds. Changes that happen as a side effect of mail
//! moving (prekeys used, received or rotated) are applied here at once and kept pending
//! until [`Keys::commit`].
//!
//! Must not: dial out, touch the mail store, or hand out a secret except to the code that
//! seals and opens.

mod backend;
mod change;
mod contacts;
pub(crate) mod prekeys;

pub(crate) use backend::Backend;
pub use change::KeyOp;

use crate::config::Config;
use crate::dial::Policy;
use crate::error::{Error, Result};
use crate::home::Home;
use hushpost_core::FetchCap;
use hushpost_core::card::Card;
use hushpost_core::hybrid::HybridKeyPair;
use hushpost_core::identity::{Identity, PublicIdentity, XKeyPair};
use hushpost_core::route::Route;
use hushpost_core::tags::{PairKeys, intro_fetch_cap};
use hushpost_core::time::{Clock, Day};
use hushpost_keyring::{ContactState, Protection, State};
use std::sync::Arc;

pub use contacts::{ContactRoute, ContactView};
pub use prekeys::PrekeyState;

/// Who a capability belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// Mail from this contact (index into the keyring's contacts).
    Contact(usize),
    /// Contact requests.
    Intro,
    /// Our own chaff coming back.
    Loop,
    /// Random padding (cover traffic): never matches anything.
    Decoy,
}

/// The unlocked keyring.
pub struct Keys {
    home: Home,
    pub(crate) backend: Backend,
    state: State,
    identity: Identity,
    /// Our long-term hybrid key (expanded once: ML-KEM key generation is not free).
    hybrid: HybridKeyPair,
    config: Arc<Config>,
    clock: Arc<dyn Clock>,
    /// Side effects applied to `state` but not yet written (or sent to the agent).
    pending: Vec<KeyOp>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys({:?})", self.identity)
    }
}

fn identity_of(state: &State) -> Identity {
    Identity::from_secrets(state.ed_seed.expose(), state.x_secret.expose())
}

fn hybrid_of(state: &State) -> HybridKeyPair {
    match &state.pq_seed {
        Some(seed) => HybridKeyPair::from_seed(seed.expose()),
        // Only a state that `unlock` has not upgraded yet (never saved like this).
        None => HybridKeyPair::generate(),
    }
}

impl Keys {
    /// Writes a new keyring (refuses to overwrite one).
    pub(crate) fn create(
        home: &Home,
        protection: Protection,
        state: State,
        config: Arc<Config>,
        clock: Arc<dyn Clock>,
    ) -> Result<Keys> {
        hushpost_keyring::create(&home.keyring(), &protection, &state)?;
        let stamp = hushpost_keyring::stamp(&home.keyring())?;
        let backend = Backend::file(protection, Some(stamp));
        let keys = Keys::assemble(home, backend, state, config, clock);
        keys.write_derived()?;
        Ok(keys)
    }

    /// Opens the keyring file with `passphrase` (or none, for an unprotected one); this
    /// process then writes it itself.
    pub(crate) fn unlock(
        home: &Home,
        passphrase: Option<secrecy::SecretString>,
        config: Arc<Config>,
        clock: Arc<dyn Clock>,
    ) -> Result<Keys> {
        let (state, stamp) = hushpost_keyring::load_stamped(&home.keyring(), passphrase.as_ref())?;
        let protection = match passphrase {
            Some(p) if hushpost_keyring::is_protected(&home.keyring())? => {
                Protection::Passphrase(p)
            }
            _ => Protection::None,
        };
        let backend = Backend::file(protection, Some(stamp));
        let mut keys = Keys::assemble(home, backend, state, config, clock);
        // A keyring from before envelope v2 gets its long-term hybrid key now, durably,
        // before any message could announce it.
        if keys.state.pq_seed.is_none() {
            keys.record(KeyOp::HybridSeed {
                seed: hushpost_keyring::SecretHex::random(),
            });
            keys.hybrid = hybrid_of(&keys.state);
            keys.commit()?;
            // Another process may have upgraded it first: the file's seed is the one.
            keys.reload_if_changed()?;
        }
        Ok(keys)
    }

    /// The keyring as a running agent holds it; changes go to the agent.
    pub(crate) fn from_agent(
        home: &Home,
        client: crate::agent::Client,
        snapshot: crate::agent::Snapshot,
        config: Arc<Config>,
        clock: Arc<dyn Clock>,
    ) -> Keys {
        let backend = Backend::Agent {
            client,
            encrypted: snapshot.encrypted,
            generation: snapshot.generation,
        };
        Keys::assemble(home, backend, snapshot.state, config, clock)
    }

    fn assemble(
        home: &Home,
        backend: Backend,
        state: State,
        config: Arc<Config>,
        clock: Arc<dyn Clock>,
    ) -> Keys {
        Keys {
            home: home.clone(),
            identity: identity_of(&state),
            hybrid: hybrid_of(&state),
            backend,
            state,
            config,
            clock,
            pending: Vec::new(),
        }
    }

    fn write_derived(&self) -> Result<()> {
        crate::poll::keys::write(self, &self.home)?;
        self.write_hint()
    }

    /// Saves changes that mail moving made (prekeys used, received, rotated, pruned).
    pub(crate) fn commit(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.write(None)
    }

    /// Applies a side effect of mail moving now; written by [`Keys::commit`].
    fn record(&mut self, op: KeyOp) -> bool {
        debug_assert!(op.is_side_effect());
        let changed = change::apply(&mut self.state, &self.identity, &op).unwrap_or(false);
        if changed {
            self.pending.push(op);
        }
        changed
    }

    /// Takes `state` as ours (re-read from the file or the agent): the keys derived from it
    /// follow.
    fn adopt(&mut self, state: State) {
        self.identity = identity_of(&state);
        self.hybrid = hybrid_of(&state);
        self.state = state;
    }

    /// Replaces the clock (tests and simulations).
    pub(crate) fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    pub(crate) fn now(&self) -> u64 {
        self.clock.now()
    }

    /// Replaces the settings (the agent re-reads config.toml before each change).
    pub(crate) fn set_config(&mut self, config: Arc<Config>) {
        self.config = config;
    }

    /// The settings these keys plan and derive with.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Our identity (signing and opening).
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Our display name.
    pub fn name(&self) -> &str {
        &self.state.name
    }

    /// Our receive routes.
    pub fn routes(&self) -> &[Route] {
        &self.state.routes
    }

    /// The key of the encrypted mail store.
    pub(crate) fn store_key(&self) -> &[u8; 32] {
        self.state.store_key.expose()
    }

    /// Whether the keyring file is encrypted.
    pub fn encrypted(&self) -> bool {
        self.backend.encrypted()
    }

    /// The mail account's password, if the keyring keeps it.
    pub fn mail_password(&self) -> Option<&str> {
        self.state.mail_password.as_ref().map(|p| p.expose())
    }

    /// Keeps (or with `None` forgets) the mail account's password, durably.
    pub fn set_mail_password(&mut self, password: Option<String>) -> Result<()> {
        self.write(Some(KeyOp::SetMailPassword {
            password: password.map(hushpost_keyring::SecretText::new),
        }))
    }

    /// Our current card.
    pub fn card(&self) -> Result<Card> {
        Ok(Card::issue(
            &self.identity,
            &self.state.name,
            *self.state.intro_cap.expose(),
            self.state.routes.clone(),
            self.state.card_issued_at,
        )?)
    }

    /// Adds a receive route (the card changes).
    pub fn route_add(&mut self, route: Route) -> Result<()> {
        let at = self.now();
        self.write(Some(KeyOp::RouteAdd { route, at }))
    }

    /// Removes a receive route.
    pub fn route_remove(&mut self, route: &Route) -> Result<()> {
        let at = self.now();
        self.write(Some(KeyOp::RouteRemove {
            route: route.clone(),
            at,
        }))
    }

    /// The contacts as stored.
    pub(crate) fn contact_states(&self) -> &[ContactState] {
        &self.state.contacts
    }

    /// A contact by name.
    pub(crate) fn contact_state(&self, name: &str) -> Option<&ContactState> {
        self.state.contact(name)
    }

    /// The index of a contact by name.
    pub(crate) fn contact_index(&self, name: &str) -> Option<usize> {
        self.state.contacts.iter().position(|c| c.name == name)
    }

    /// The index of the contact with this Ed25519 key.
    pub(crate) fn contact_by_key(&self, ed: &[u8; 32]) -> Option<usize> {
        self.state
            .contacts
            .iter()
            .position(|c| contact_public(c).is_some_and(|(_, id)| id.ed == *ed))
    }

    /// The routes used for a contact: the user's chosen subset and order, else the card's
    /// without the ones that point at local places (a card cannot steer us into our own
    /// folders or ports; the user enables those by choosing them).
    pub(crate) fn routes_of(&self, c: &ContactState) -> Vec<Route> {
        let Some((card, _)) = contact_public(c) else {
            return Vec::new();
        };
        match &c.use_routes {
            Some(chosen) => chosen
                .iter()
                .filter(|r| card.routes.contains(r))
                .cloned()
                .collect(),
            None => card
                .routes
                .into_iter()
                .filter(|r| c.allow_local || !r.is_local())
                .collect(),
        }
    }

    /// What dialling depends on: our routes, and every contact's routes with its `via`.
    pub fn policy(&self) -> Policy {
        let mut users = Vec::new();
        for c in &self.state.contacts {
            for r in self.routes_of(c) {
                users.push((r, c.via));
            }
        }
        Policy {
            own: self.state.routes.clone(),
            users,
        }
    }

    /// Every key that currently opens mail sent to us (for `key export --age`): the X25519
    /// identity key and live X25519 prekeys, and the hybrid identity key and live hybrid
    /// prekeys.
    pub fn receiving_keys(&self) -> ReceivingKeys {
        let mut r = ReceivingKeys {
            classical: vec![(
                "identity key".to_string(),
                XKeyPair::from_bytes(self.state.x_secret.expose()),
            )],
            hybrid: vec![(
                "hybrid identity key".to_string(),
                HybridKeyPair::from_seed(&self.hybrid.seed()),
            )],
        };
        for c in &self.state.contacts {
            for p in &c.my_prekeys {
                r.classical.push((
                    format!("prekey for {}", c.name),
                    XKeyPair::from_bytes(p.secret.expose()),
                ));
                if let Some(seed) = &p.pq_seed {
                    r.hybrid.push((
                        format!("hybrid prekey for {}", c.name),
                        HybridKeyPair::from_seed(seed.expose()),
                    ));
                }
            }
        }
        r
    }

    /// The capabilities to present for `days`, and who each belongs to: every contact's,
    /// then the intro mailbox, then our loop.
    pub(crate) fn capabilities(&self, days: &[Day]) -> (Vec<FetchCap>, Vec<Owner>) {
        let mut caps = Vec::new();
        let mut owners = Vec::new();
        for (i, c) in self.state.contacts.iter().enumerate() {
            let Some(pk) =
                contact_public(c).and_then(|(_, id)| PairKeys::derive(&self.identity, &id).ok())
            else {
                continue;
            };
            for d in days {
                caps.push(pk.incoming.fetch_cap(*d));
                owners.push(Owner::Contact(i));
            }
        }
        for d in days {
            caps.push(intro_fetch_cap(&self.state.intro_cap.0, *d));
            owners.push(Owner::Intro);
        }
        if let Ok(lp) = PairKeys::loopback(&self.identity) {
            for d in days {
                caps.push(lp.fetch_cap(*d));
                owners.push(Owner::Loop);
            }
        }
        (caps, owners)
    }

    /// Our loop mailbox (chaff comes back through it).
    pub(crate) fn loop_key(&self) -> Result<hushpost_core::tags::DirKey> {
        PairKeys::loopback(&self.identity).map_err(|e| Error::Invalid(e.to_string()))
    }
}

/// Every key that opens mail sent to us, labelled (`key export --age`).
#[derive(Debug)]
pub struct ReceivingKeys {
    /// X25519 keys (`AGE-SECRET-KEY-1…`).
    pub classical: Vec<(String, XKeyPair)>,
    /// Hybrid keys (`AGE-SECRET-KEY-PQ-1…`, age 1.3 and newer).
    pub hybrid: Vec<(String, HybridKeyPair)>,
}

impl ReceivingKeys {
    /// The age identity file: hybrid lines first unless `classical_only` (Go age before 1.3
    /// refuses a file with a hybrid line); each key's comment names it and its recipient.
    pub fn age_identity_file(&self, classical_only: bool) -> zeroize::Zeroizing<String> {
        let label = |l: &str, r: String| format!("{l}: {r}");
        let classical_labels: Vec<String> = (self.classical.iter())
            .map(|(l, k)| {
                label(
                    l,
                    hushpost_core::identity::age_recipient_string(&k.public()),
                )
            })
            .collect();
        let hybrid_labels: Vec<String> = (self.hybrid.iter())
            .map(|(l, k)| label(l, k.public().to_age_string()))
            .collect();
        let classical: Vec<(&str, &XKeyPair)> = (classical_labels.iter().map(String::as_str))
            .zip(self.classical.iter().map(|(_, k)| k))
            .collect();
        let hybrid: Vec<(&str, &HybridKeyPair)> = if classical_only {
            Vec::new()
        } else {
            (hybrid_labels.iter().map(String::as_str))
                .zip(self.hybrid.iter().map(|(_, k)| k))
                .collect()
        };
        hushpost_core::hybrid::age_identity_file(&classical, &hybrid)
    }
}

/// A contact's parsed card. Parsing verifies the card's signature (~50 µs); listing and
/// fetching ask for the same few cards thousands of times, so verified cards are kept by
/// their text (a card's validity depends on nothing else).
pub(crate) fn contact_public(c: &ContactState) -> Option<(Card, PublicIdentity)> {
    static CACHE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, Card>>> =
        std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(card) = cache.lock().ok().and_then(|m| m.get(&c.card).cloned()) {
        let id = card.identity;
        return Some((card, id));
    }
    let card = Card::parse(&c.card).ok()?;
    if let Ok(mut m) = cache.lock() {
        m.insert(c.card.clone(), card.clone());
    }
    let id = card.identity;
    Some((card, id))
}

/// A brand-new keyring state for `init`.
pub(crate) fn new_state(name: String, routes: Vec<Route>, now: u64) -> (State, Identity) {
    use hushpost_keyring::SecretHex;
    let id = Identity::generate();
    let state = State {
        name,
        ed_seed: SecretHex::from_bytes(*id.ed_seed()),
        x_secret: SecretHex::from_bytes(*id.x().secret_bytes()),
        intro_cap: SecretHex::random(),
        store_key: SecretHex::random(),
        routes,
        card_issued_at: now,
        created_at: now,
        contacts: Vec::new(),
        pq_seed: Some(SecretHex::random()),
        mail_password: None,
    };
    (state, id)
}

impl Keys {
    /// The sender's Ed25519 key of contact `i`.
    pub(crate) fn contact_ed(&self, i: usize) -> Option<[u8; 32]> {
        self.state
            .contacts
            .get(i)
            .and_then(contact_public)
            .map(|(_, id)| id.ed)
    }
}
