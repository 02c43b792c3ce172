//! An unlocked hushpost: the keyring's one owner ([`Keys`]), the mailbox as the user reads
//! it ([`Inbox`]), the settings, and the clock. The CLI and the TUI call methods on
//! [`Session`]; send, fetch and poll are modules over these pieces.
//!
//! Must not: keep a second copy of the keyring state (a [`Reader`] handed to another
//! thread holds a mailbox handle and a read-only snapshot, never keys).

use crate::config::Config;
use crate::error::{Error, Result};
use crate::home::Home;
use crate::inbox::{Inbox, PeerIndex};
use crate::keys::{ContactView, Keys};
use crate::mailbox::Mailbox;
use hushpost_core::card::Card;
use hushpost_core::identity::Identity;
use hushpost_core::route::{DirRoute, Route, Via};
use hushpost_core::time::{Clock, SystemClock};
use hushpost_keyring::Protection;
use secrecy::SecretString;
use std::sync::Arc;

/// An unlocked installation.
pub struct Session {
    /// Where things live.
    pub home: Home,
    /// Settings from `config.toml`.
    pub config: Arc<Config>,
    pub(crate) keys: Keys,
    pub(crate) inbox: Inbox,
    pub(crate) clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session({:?})", self.keys.identity())
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

impl Session {
    fn assemble(home: Home, config: Arc<Config>, keys: Keys) -> Session {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let mailbox = Mailbox::new(home.store(), keys.store_key());
        let inbox = Inbox::new(mailbox, PeerIndex::of(&keys), clock.clone());
        Session {
            home,
            config,
            keys,
            inbox,
            clock,
        }
    }

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
            routes.push(Route::Dir(DirRoute { path: drop }));
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
        let config = Arc::new(Config::load(&home.config_file())?);
        let (state, _) = crate::keys::new_state(opts.name, routes, SystemClock.now());
        let keys = Keys::create(
            &home,
            opts.protection,
            state,
            config.clone(),
            Arc::new(SystemClock),
        )?;
        let mut s = Session::assemble(home, config, keys);
        s.inbox.mailbox.store()?;
        Ok(s)
    }

    /// Unlocks an existing installation; this process owns the keyring file.
    pub fn unlock(home: Home, passphrase: Option<SecretString>) -> Result<Session> {
        home.check()?;
        let config = Arc::new(Config::load(&home.config_file())?);
        let keys = Keys::unlock(&home, passphrase, config.clone(), Arc::new(SystemClock))?;
        Session::opened(home, config, keys)
    }

    /// A session on the keyring a running, unlocked agent holds: reads come from its
    /// snapshot, every change goes to it.
    pub fn attach(
        home: Home,
        client: crate::agent::Client,
        snapshot: crate::agent::Snapshot,
    ) -> Result<Session> {
        home.check()?;
        let config = Arc::new(Config::load(&home.config_file())?);
        let keys = Keys::from_agent(
            &home,
            client,
            snapshot,
            config.clone(),
            Arc::new(SystemClock),
        );
        Session::opened(home, config, keys)
    }

    /// Whether the keyring came from an agent.
    pub fn via_agent(&self) -> bool {
        matches!(self.keys.backend, crate::keys::Backend::Agent { .. })
    }

    /// Picks up keyring changes other processes made since this session read it (the
    /// inbox calls this before each operation). Returns whether anything changed.
    pub fn refresh(&mut self) -> Result<bool> {
        let changed = self.keys.reload_if_changed()?;
        if changed {
            self.contacts_changed();
        }
        Ok(changed)
    }

    fn opened(home: Home, config: Arc<Config>, keys: Keys) -> Result<Session> {
        let mut s = Session::assemble(home, config, keys);
        // Mail a locked `poll` fetched waits, still sealed, for the next unlock: this one.
        let mut new = Vec::new();
        if crate::poll::spool_pending(&s.home) {
            new = s.process_spool()?.new;
            s.keys.commit()?;
        }
        // Numbered at once, unless a fetch or poll is running (it numbers them too): the
        // spool's mail, and what a fetch killed before its end left staged (stored, hidden).
        if (!new.is_empty() || s.staged_left()?)
            && let Ok(_lock) = s.home.lock()
        {
            s.settle_arrivals(&mut new)?;
        }
        Ok(s)
    }

    /// Whether mail stored by a fetch that never finished waits to be numbered (only
    /// where a store exists: a session that never stored anything opens none).
    fn staged_left(&mut self) -> Result<bool> {
        if !self.home.store().exists() {
            return Ok(false);
        }
        Ok(self.store()?.staged_count()? > 0)
    }

    /// Whether the keyring at `home` needs a passphrase (false if it does not exist).
    pub fn needs_passphrase(home: &Home) -> Result<bool> {
        match hushpost_keyring::is_protected(&home.keyring()) {
            Ok(b) => Ok(b),
            Err(hushpost_keyring::KeyringError::NotFound(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces the clock (tests and simulations).
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.keys.set_clock(clock.clone());
        self.inbox.set_clock(clock.clone());
        self.clock = clock;
    }

    /// Current unix time.
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// The mail store.
    pub fn store(&mut self) -> Result<&mut hushpost_store::Store> {
        self.inbox.mailbox.store()
    }

    /// The mailbox as the user reads it: list, read, search, mark, delete, reply, export.
    pub fn inbox(&mut self) -> &mut Inbox {
        &mut self.inbox
    }

    /// A read-only view for another thread: its own store connection, the index of who is
    /// who, the contacts and our card as of now. Hand out a fresh one after contacts change.
    pub fn reader(&self) -> Reader {
        Reader {
            inbox: self.inbox.another(),
            contacts: self.keys.contacts(),
            card: self.keys.card().ok(),
            outbox: self.home.outbox(),
        }
    }

    /// Our own capabilities for `day` — mail from each contact, contact requests, our loop
    /// — that every fetch presents (a cover fetch pads them with decoys).
    pub fn capabilities(&self, day: hushpost_core::Day) -> Vec<hushpost_core::FetchCap> {
        self.keys.capabilities(&[day]).0
    }

    /// Our identity.
    pub fn identity(&self) -> &Identity {
        self.keys.identity()
    }

    /// Our display name.
    pub fn name(&self) -> &str {
        self.keys.name()
    }

    /// Our receive routes.
    pub fn routes(&self) -> Vec<Route> {
        self.keys.routes().to_vec()
    }

    /// Our current card.
    pub fn card(&self) -> Result<Card> {
        self.keys.card()
    }

    /// Whether the keyring file is encrypted (a passphrase was chosen at `init`).
    pub fn keyring_encrypted(&self) -> bool {
        self.keys.encrypted()
    }

    /// The mail account's password, if the keyring keeps it.
    pub fn mail_password(&self) -> Option<&str> {
        self.keys.mail_password()
    }

    /// Keeps (or with `None` forgets) the mail account's password in the keyring, durably.
    pub fn set_mail_password(&mut self, password: Option<String>) -> Result<()> {
        self.keys.set_mail_password(password)
    }

    /// Every key that currently opens mail sent to us (for `key export --age`).
    pub fn receiving_keys(&self) -> crate::keys::ReceivingKeys {
        self.keys.receiving_keys()
    }

    /// Adds a receive route (the card changes).
    pub fn route_add(&mut self, route: Route) -> Result<()> {
        self.keys.route_add(route)
    }

    /// Removes a receive route.
    pub fn route_remove(&mut self, route: &Route) -> Result<()> {
        self.keys.route_remove(route)
    }

    /// Every contact, sorted by name.
    pub fn contacts(&self) -> Vec<ContactView> {
        self.keys.contacts()
    }

    /// One contact.
    pub fn contact(&self, name: &str) -> Result<ContactView> {
        self.keys.contact(name)
    }

    /// The forward-secrecy state with a contact.
    pub fn prekey_state(&self, name: &str) -> Option<crate::PrekeyState> {
        self.keys.prekey_state(name)
    }

    /// The contact name for an Ed25519 key.
    pub fn contact_name_by_key(&self, ed: &[u8; 32]) -> Option<String> {
        self.keys.contact_name_by_key(ed)
    }

    fn contacts_changed(&mut self) {
        self.inbox.peers = PeerIndex::of(&self.keys);
    }

    /// Adds a contact from a card (or refreshes one from a newer card with the same key).
    pub fn contact_add(&mut self, name: &str, card: &str) -> Result<ContactView> {
        let v = self.keys.contact_add(name, card)?;
        self.contacts_changed();
        Ok(v)
    }

    /// Marks a contact verified (after comparing safety numbers).
    pub fn contact_verify(&mut self, name: &str) -> Result<ContactView> {
        let v = self.keys.contact_verify(name)?;
        self.contacts_changed();
        Ok(v)
    }

    /// Removes a contact (their mail stays in the store).
    pub fn contact_remove(&mut self, name: &str) -> Result<()> {
        self.keys.contact_remove(name)?;
        self.contacts_changed();
        Ok(())
    }

    /// Enables every route on the contact's card, local ones (folders, loopback, private
    /// addresses) included.
    pub fn contact_allow_local(&mut self, name: &str) -> Result<ContactView> {
        let v = self.keys.contact_allow_local(name)?;
        self.contacts_changed();
        Ok(v)
    }

    /// Which of a contact's card routes to use, in order (empty: the card's own).
    pub fn contact_set_routes(&mut self, name: &str, routes: &[Route]) -> Result<ContactView> {
        self.keys.contact_set_routes(name, routes)
    }

    /// Whether a later route of the contact may take mail the first one could not.
    pub fn contact_set_fallback(&mut self, name: &str, on: bool) -> Result<ContactView> {
        self.keys.contact_set_fallback(name, on)
    }

    /// The contact's network mode (`None`: the global default). Mail already queued for
    /// the contact's routes follows the new setting.
    pub fn contact_set_via(&mut self, name: &str, via: Option<Via>) -> Result<ContactView> {
        let v = self.keys.contact_set_via(name, via)?;
        crate::outbox::Outbox::new(&self.home.outbox())
            .replan(&self.config, &self.keys.policy())
            .map_err(|e| Error::Io(e, self.home.outbox()))?;
        Ok(v)
    }
}

/// What another thread (the TUI's store worker) may read: a mailbox handle and a snapshot
/// of contacts and our card. No keys.
#[derive(Debug)]
pub struct Reader {
    /// The mailbox.
    pub inbox: Inbox,
    /// Contacts as of the snapshot.
    pub contacts: Vec<ContactView>,
    /// Our card as of the snapshot.
    pub card: Option<Card>,
    /// Where the outbox lives (its length is shown).
    pub outbox: std::path::PathBuf,
}
