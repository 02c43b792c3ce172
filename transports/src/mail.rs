//! Ordinary e-mail: SMTP out, IMAP in (issue: SMTP/IMAP transport).
//!
//! Placeholder until the transport lands: opening a route of this kind is refused with a
//! clear error, so nothing pretends to work.

use crate::{DialOptions, Drop, Fetched, Flow, PutOptions, TransportError};
use hushpost_core::{FetchCap, Route, Tag};

/// The drop.
#[derive(Debug)]
pub struct MailDrop {
    _private: (),
}

impl MailDrop {
    /// Refused until implemented.
    pub fn new(route: &Route, _dial: &DialOptions) -> Result<Self, TransportError> {
        Err(TransportError::Unsupported(route.scheme()))
    }
}

impl Drop for MailDrop {
    fn put(&mut self, _tag: &Tag, _blob: &[u8], _opts: PutOptions) -> Result<(), TransportError> {
        Err(TransportError::Unsupported("mail"))
    }

    fn fetch(
        &mut self,
        _caps: &[FetchCap],
        _sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<(), TransportError> {
        Err(TransportError::Unsupported("mail"))
    }

    fn delete(
        &mut self,
        _caps: &[FetchCap],
        _items: &[(usize, String)],
    ) -> Result<(), TransportError> {
        Err(TransportError::Unsupported("mail"))
    }
}

/// An SMTP submission account (local configuration, never in a card).
#[derive(Clone, Default)]
pub struct SmtpAccount {
    /// Server host.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Login.
    pub user: String,
    /// Password (from the keyring or a password command).
    pub password: String,
    /// The From address.
    pub from: String,
}

/// An IMAP account for fetching.
#[derive(Clone, Default)]
pub struct ImapAccount {
    /// Server host.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Login.
    pub user: String,
    /// Password.
    pub password: String,
    /// Folder to fetch from.
    pub folder: String,
}
