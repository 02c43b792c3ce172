//! hushpost operations shared by the CLI and the TUI: init, unlock, contacts, send, fetch,
//! list, read, search, export. Neither front end holds logic the other lacks.
//!
//! Must not print: results are returned as data; the front ends decide how to show them.
#![forbid(unsafe_code)]

pub mod config;
mod contacts;
mod error;
mod fetch;
mod home;
mod mail;
mod prekeys;
mod send;
mod session;
pub mod ssh_setup;

pub use contacts::ContactView;
pub use error::{Error, Result};
pub use fetch::{FetchProgress, FetchReport, RETENTION_DAYS, Rejection};
pub use home::Home;
pub use prekeys::PrekeyState;
pub use mail::{Listed, Reading, ReplyPlan, rfc3339};
pub use send::{Delivery, RecipientReport, SendProgress, SendReport, SendRequest, route_label};
pub use session::{InitOptions, Session};

pub use hushpost_core as core;
pub use hushpost_keyring::Protection;
