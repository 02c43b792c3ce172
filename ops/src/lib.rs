//! hushpost operations shared by the CLI and the TUI: init, unlock, contacts, send, fetch,
//! list, read, search, export. Neither front end holds logic the other lacks.
//!
//! Must not print: results are returned as data; the front ends decide how to show them.
#![forbid(unsafe_code)]

pub mod account;
pub mod agent;
pub mod attachments;
pub mod config;
pub mod dial;
mod doctor;
pub mod editor;
mod error;
mod fetch;
mod home;
pub mod inbox;
mod intro;
mod keys;
mod leaks;
mod mailbox;
mod maildir;
pub mod outbox;
mod passfile;
pub mod poll;
mod send;
mod sendmail;
mod session;
pub mod ssh_setup;

pub use doctor::Check;
pub use error::{Error, Result};
pub use fetch::{Arriving, FetchProgress, FetchReport, QuarantineItem, RETENTION_DAYS, Rejection};
pub use home::Home;
pub use inbox::{
    ChainWarning, Inbox, Listed, Page, PeerIndex, Reading, Recipient, ReplyPlan, rfc3339,
};
pub use intro::{ContactRequest, held_note};
pub use keys::{ContactRoute, ContactView, KeyOp, PrekeyState, ReceivingKeys};
pub use leaks::LeakRow;
pub use mailbox::Mailbox;
pub use maildir::Synced;
pub use passfile::{loose_permissions, passphrase_from_file};
pub use send::{Delivery, RecipientReport, SendPhase, SendProgress, SendReport, SendRequest};
pub use sendmail::{ClientBody, SendmailError, SendmailReport, SendmailRequest};
pub use session::{InitOptions, Reader, Session};

pub use hushpost_core as core;

/// A size for people: `812 B`, `4.0 KiB`, `1.5 GiB`.
pub fn fmt_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}
/// How long until a message's sender asked for it to be deleted, as both front ends say it:
/// seconds in the last minute, whole minutes up to a day, hours (and minutes under a day)
/// up to a year — always rounded down, so it never shows more than is left. `None` when
/// nothing is left (expired) or a year or more is (then the date says more).
pub fn fmt_left(left: u64) -> Option<String> {
    let d = |s| humantime::format_duration(std::time::Duration::from_secs(s)).to_string();
    match left {
        1..60 => Some(d(left)),
        60..86_400 => Some(d(left - left % 60)),
        86_400..31_536_000 => Some(d(left - left % 3600)),
        _ => None,
    }
}

/// The store's delivery and quarantine records, as the front ends show them.
pub mod core_store {
    pub use hushpost_store::{
        ChainAlert, Delivery, DeliveryState, PartSource, Quarantined, StoredPart,
    };
}
pub use hushpost_keyring::{KeyringError, Protection};
