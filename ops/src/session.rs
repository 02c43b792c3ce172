//! An unlocked hushpost: the keyring state, the identity built from it, and the mail store
//! (opened on first use). Every operation of the CLI and the TUI is a method on [`Session`].

use crate::error::{Error, Result};
use crate::home::Home;
use hushpost_core::card::Card;
use hushpost_core::identity::{Identity, PublicIdentity};
use hushpost_core::route::Route;
use hushpost_core::time::{Clock, SystemClock};
use hushpost_keyring::{ContactState, Protection, SecretHex, State};
use hushpost_store::Store;
use secrecy::SecretString;
use std::sync::Arc;

/// An unlocked installation.
pub struct Session {
    /// Where things live.
    pub home: Home,
    pub(crate) state: State,
    pub(crate) protection: Protection,
    pub(crate) identity: Identity,
    store: Option<Store>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Settings from `config.toml`.
    pub config: crate::config::Config,
    /// The keyring changed in memory (prekeys used or received) and must be saved.
    pub(crate) keyring_dirty: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session({:?})", self.identity)
    }
}

/// Options for [`Session::init`].
#[derive(Debug)]
pub struct InitOptions {
    /// Display name.
    pub name: String,
    /// Passphrase, or explicitly none.
    pub protection: Protection,
    /// Receive routes; empty = a local folder drop under the data dir.
    pub routes: Vec<Route>,
}

fn identity_of(state: &State) -> Identity {
    Identity::from_secrets(state.ed_seed.expose(), state.x_secret.expose())
}

impl Session {
    /// Creates a new identity, keyring, store and (by default) local drop.
    pub fn init(home: Home, opts: InitOptions) -> Result<Session> {
        if !hushpost_core::card::valid_name(&opts.name) {
            return Err(Error::Invalid(
                "the name must be 1–64 bytes of printable text".into(),
            ));
        }
        home.create()?;
        if hushpost_keyring::exists(&home.keyring()) {
            return Err(hushpost_keyring::KeyringError::AlreadyExists(home.keyring()).into());
        }
        let mut routes = opts.routes;
        if routes.is_empty() {
            let drop = home.default_drop();
            hushpost_durable::create_private_dir(&drop).map_err(|e| Error::Io(e, drop.clone()))?;
            routes.push(Route::Dir(hushpost_core::route::DirRoute { path: drop }));
        }
        for r in &routes {
            if let Route::Dir(d) = r
                && !d.path.is_dir()
            {
                return Err(Error::Invalid(format!(
                    "drop folder {} does not exist",
                    d.path.display()
                )));
            }
        }
        let now = SystemClock.now();
        let id = Identity::generate();
        let state = State {
            name: opts.name,
            ed_seed: SecretHex::from_bytes(*id.ed_seed()),
            x_secret: SecretHex::from_bytes(*id.x().secret_bytes()),
            intro_cap: SecretHex::random(),
            store_key: SecretHex::random(),
            routes: routes.iter().map(ToString::to_string).collect(),
            card_issued_at: now,
            created_at: now,
            contacts: Vec::new(),
            mail_password: None,
        };
        hushpost_keyring::create(&home.keyring(), &opts.protection, &state)?;
        let config = crate::config::Config::load(&home.config_file())?;
        let mut s = Session {
            home,
            identity: id,
            state,
            protection: opts.protection,
            store: None,
            clock: Arc::new(SystemClock),
            config,
            keyring_dirty: false,
        };
        s.store()?;
        s.write_poll_keys()?;
        Ok(s)
    }

    /// Unlocks an existing installation.
    pub fn unlock(home: Home, passphrase: Option<SecretString>) -> Result<Session> {
        home.check()?;
        let state = hushpost_keyring::load(&home.keyring(), passphrase.as_ref())?;
        let protection = match passphrase {
            Some(p) if hushpost_keyring::is_protected(&home.keyring())? => {
                Protection::Passphrase(p)
            }
            _ => Protection::None,
        };
        let config = crate::config::Config::load(&home.config_file())?;
        let mut s = Session {
            home,
            identity: identity_of(&state),
            state,
            protection,
            store: None,
            clock: Arc::new(SystemClock),
            config,
            keyring_dirty: false,
        };
        // Mail a locked `poll` fetched waits, still sealed, for the next unlock: this one.
        if crate::poll::spool_pending(&s.home) {
            s.process_spool()?;
            if std::mem::take(&mut s.keyring_dirty) {
                s.save()?;
            }
        }
        Ok(s)
    }

    /// Whether the keyring at `home` needs a passphrase (false if it does not exist).
    pub fn needs_passphrase(home: &Home) -> Result<bool> {
        match hushpost_keyring::is_protected(&home.keyring()) {
            Ok(b) => Ok(b),
            Err(hushpost_keyring::KeyringError::NotFound(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Keeps (or with `None` forgets) the mail account's password in the keyring, durably.
    pub fn set_mail_password(&mut self, password: Option<String>) -> Result<()> {
        self.state.mail_password = password.map(hushpost_keyring::SecretText::new);
        self.save()
    }

    /// Whether the keyring file is encrypted (a passphrase was chosen at `init`).
    pub fn keyring_encrypted(&self) -> bool {
        matches!(self.protection, Protection::Passphrase(_))
    }

    /// The mail account's password, if the keyring keeps it.
    pub fn mail_password(&self) -> Option<&str> {
        self.state.mail_password.as_ref().map(|p| p.expose())
    }

    /// Replaces the clock (tests and simulations).
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// Current unix time.
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// Writes the keyring (after any change to contacts, routes or keys).
    pub fn save(&self) -> Result<()> {
        hushpost_keyring::save(&self.home.keyring(), &self.protection, &self.state)?;
        // Keep what an unattended poll needs in step with contacts and routes.
        self.write_poll_keys()
    }

    /// The mail store, opened on first use.
    pub fn store(&mut self) -> Result<&mut Store> {
        if self.store.is_none() {
            let dir = self.home.store();
            self.store = Some(Store::open(&dir, self.state.store_key.expose())?);
        }
        Ok(self.store.as_mut().expect("opened above"))
    }

    /// Our identity.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Our display name.
    pub fn name(&self) -> &str {
        &self.state.name
    }

    /// Our receive routes.
    pub fn routes(&self) -> Vec<Route> {
        self.state
            .routes
            .iter()
            .filter_map(|r| r.parse().ok())
            .collect()
    }

    /// Our current card.
    pub fn card(&self) -> Result<Card> {
        Ok(Card::issue(
            &self.identity,
            &self.state.name,
            *self.state.intro_cap.expose(),
            self.routes(),
            self.state.card_issued_at,
        )?)
    }

    /// Adds a receive route (the card changes).
    pub fn route_add(&mut self, route: Route) -> Result<()> {
        let text = route.to_string();
        if self.state.routes.contains(&text) {
            return Err(Error::Invalid(format!(
                "{text} is already one of your routes"
            )));
        }
        if self.state.routes.len() >= 8 {
            return Err(Error::Invalid("a card holds at most 8 routes".into()));
        }
        if let Route::Dir(d) = &route
            && !d.path.is_dir()
        {
            return Err(Error::Invalid(format!(
                "drop folder {} does not exist",
                d.path.display()
            )));
        }
        self.state.routes.push(text);
        self.state.card_issued_at = self.now().max(self.state.card_issued_at + 1);
        self.save()
    }

    /// Removes a receive route.
    pub fn route_remove(&mut self, route: &Route) -> Result<()> {
        let text = route.to_string();
        let before = self.state.routes.len();
        self.state.routes.retain(|r| *r != text);
        if self.state.routes.len() == before {
            return Err(Error::Invalid(format!("{text} is not one of your routes")));
        }
        self.state.card_issued_at = self.now().max(self.state.card_issued_at + 1);
        self.save()
    }

    /// A contact's parsed card. Parsing verifies the card's signature (~50 µs); listing and
    /// fetching ask for the same few cards thousands of times, so verified cards are kept by
    /// their text (a card's validity depends on nothing else).
    pub(crate) fn contact_public(c: &ContactState) -> Option<(Card, PublicIdentity)> {
        static CACHE: std::sync::OnceLock<
            std::sync::Mutex<std::collections::HashMap<String, Card>>,
        > = std::sync::OnceLock::new();
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
}

impl Session {
    /// Every X25519 key that currently opens mail sent to us: the identity key, then the
    /// live prekeys (for `key export --age`).
    pub fn receiving_keys(&self) -> Vec<(String, hushpost_core::identity::XKeyPair)> {
        let mut v = vec![(
            "identity key".to_string(),
            hushpost_core::identity::XKeyPair::from_bytes(self.state.x_secret.expose()),
        )];
        for c in &self.state.contacts {
            for p in &c.my_prekeys {
                v.push((
                    format!("prekey for {}", c.name),
                    hushpost_core::identity::XKeyPair::from_bytes(p.secret.expose()),
                ));
            }
        }
        v
    }
}

impl Session {
    /// A second handle on this unlocked installation, for another thread (a `Session` is
    /// not `Sync`): the same identity, contacts, config and clock as now, with its own
    /// connection to the store, opened on first use.
    ///
    /// The two handles do not see each other's later changes to the keyring, and the last
    /// one to save would win: let one handle make every change that saves the keyring
    /// (contacts, routes, fetch, send) and replace the other with a fresh duplicate after
    /// such a change. The store itself is safely shared (SQLite locking).
    pub fn duplicate(&self) -> Session {
        let state = duplicate_state(&self.state);
        let protection = match &self.protection {
            Protection::Passphrase(p) => {
                use secrecy::ExposeSecret;
                Protection::Passphrase(SecretString::from(p.expose_secret()))
            }
            Protection::None => Protection::None,
        };
        Session {
            home: self.home.clone(),
            identity: identity_of(&state),
            state,
            protection,
            store: None,
            clock: self.clock.clone(),
            config: self.config.clone(),
            keyring_dirty: false,
        }
    }
}

fn duplicate_state(s: &State) -> State {
    State {
        name: s.name.clone(),
        ed_seed: s.ed_seed.duplicate(),
        x_secret: s.x_secret.duplicate(),
        intro_cap: s.intro_cap.duplicate(),
        store_key: s.store_key.duplicate(),
        routes: s.routes.clone(),
        card_issued_at: s.card_issued_at,
        created_at: s.created_at,
        contacts: s
            .contacts
            .iter()
            .map(|c| ContactState {
                name: c.name.clone(),
                card: c.card.clone(),
                verified: c.verified,
                added_at: c.added_at,
                use_routes: c.use_routes.clone(),
                via: c.via.clone(),
                my_prekeys: c
                    .my_prekeys
                    .iter()
                    .map(|p| hushpost_keyring::OwnPrekey {
                        secret: p.secret.duplicate(),
                        public: p.public.clone(),
                        created_at: p.created_at,
                        not_after: p.not_after,
                        seen_in_use_at: p.seen_in_use_at,
                        superseded_at: p.superseded_at,
                    })
                    .collect(),
                their_prekey: c.their_prekey.clone(),
            })
            .collect(),
        mail_password: s.mail_password.as_ref().map(|p| p.duplicate()),
    }
}
