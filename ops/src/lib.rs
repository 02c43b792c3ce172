//! hushpost operations shared by the CLI and the TUI: init, unlock, contacts, send, fetch,
//! list, read, search, export. Neither front end holds logic the other lacks.
//!
//! Must not print: results are returned as data; the front ends decide how to show them.
#![forbid(unsafe_code)]

pub mod account;
pub mod config;
mod contacts;
mod doctor;
mod error;
mod fetch;
mod home;
mod inbox;
mod leaks;
mod mail;
pub mod outbox;
mod passfile;
pub mod poll;
pub mod pollstate;
mod prekeys;
mod protection;
mod send;
mod session;
pub mod ssh_setup;

pub use contacts::{ContactRequest, ContactView};
pub use doctor::Check;
pub use error::{Error, Result};
pub use fetch::{FetchProgress, FetchReport, RETENTION_DAYS, Rejection};
pub use home::Home;
pub use inbox::{Page, PeerIndex};
pub use leaks::LeakRow;
pub use mail::{Listed, Reading, ReplyPlan, rfc3339};
pub use passfile::passphrase_from_file;
pub use prekeys::PrekeyState;
pub use protection::{effective_via, protection_badge};
pub use send::{Delivery, RecipientReport, SendProgress, SendReport, SendRequest, route_label};
pub use session::{InitOptions, Session};

pub use hushpost_core as core;
pub use hushpost_keyring::Protection;
