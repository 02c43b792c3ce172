//! The errors of hushpost operations, each a sentence a user can act on, and the exit code
//! the CLI maps it to.

use hushpost_core::card::CardError;
use hushpost_core::route::RouteError;
use hushpost_keyring::KeyringError;
use hushpost_store::StoreError;
use hushpost_transports::TransportError;
use std::path::PathBuf;

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Keyring problems (missing identity, wrong passphrase, permissions…).
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    /// The mail store could not be used.
    #[error("mail store: {0}")]
    Store(#[from] StoreError),
    /// A transport failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A card was refused.
    #[error("{0}")]
    Card(#[from] CardError),
    /// A route was refused.
    #[error("{0}")]
    Route(#[from] RouteError),
    /// `config.toml` could not be read: file, line, key, value and what is allowed.
    #[error("{0}")]
    Config(String),
    /// HUSHPOST_HOME (or the data dir) is accessible by others.
    #[error("refusing to run: {0}")]
    NotPrivate(String),
    /// `--to` or a command named a contact that does not exist.
    #[error("no contact named {0:?} (see `hushpost contact list`)")]
    UnknownContact(String),
    /// A contact name is taken.
    #[error("a contact named {0:?} already exists")]
    ContactExists(String),
    /// The card's key belongs to another contact.
    #[error("this card's key is already your contact {0:?}")]
    SameKeyOtherName(String),
    /// Same name, different key: never accepted silently.
    #[error(
        "your contact {0:?} has a DIFFERENT key than this card: if the card is someone else's, give them another name; if {0:?} really changed keys, remove the contact and add it again, then verify the new safety number"
    )]
    KeyChanged(String),
    /// The card is our own.
    #[error("that is your own card")]
    OwnCard,
    /// No message with that id.
    #[error("no message with id {0}")]
    NoSuchMessage(i64),
    /// The contact has no route of the requested scheme.
    #[error("{0} has no {1} route (see `hushpost contact show {0}`)")]
    NoRouteVia(String, String),
    /// A contact has no usable route at all (and why, if their card's are held back).
    #[error("{0} has no route this hushpost can use{1}")]
    NoRoute(String, String),
    /// An attachment could not be read.
    #[error("cannot read attachment {0}: {1}")]
    Attachment(PathBuf, #[source] std::io::Error),
    /// An invalid name or value given by the user.
    #[error("{0}")]
    Invalid(String),
    /// Another hushpost process holds the lock.
    #[error("another hushpost is running fetch/send/poll on this home")]
    Locked,
    /// The agent refused or could not be reached.
    #[error("agent: {0}")]
    Agent(String),
    /// A local I/O error.
    #[error("{1}: {0}")]
    Io(#[source] std::io::Error, PathBuf),
}

impl Error {
    /// Exit code: 1 for failures (2 is reserved for usage errors, 3 for partial failure).
    pub fn exit_code(&self) -> i32 {
        1
    }
}

/// Shorthand.
pub type Result<T, E = Error> = std::result::Result<T, E>;
