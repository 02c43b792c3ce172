//! The typed messages of the inbox: what the terminal, the clock and the workers report to
//! the UI ([`Event`]), what the UI asks the workers to do ([`StoreCmd`], [`NetCmd`]), and
//! what else an update asks of the runtime ([`Effect`]).
//!
//! Must not carry anything that needs the terminal to interpret: workers never draw.

use hushpost_ops::core_store::PartSource;
use hushpost_ops::{
    ContactRequest, ContactView, FetchProgress, FetchReport, Listed, Reader, Reading, ReplyPlan,
    SendReport, SendRequest,
};
use ratatui::crossterm::event::Event as TermEvent;
use secrecy::SecretString;
use std::path::PathBuf;
use std::sync::Arc;

/// Which messages a mail list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Folder {
    /// Received mail.
    Inbox,
    /// Mail we sent.
    Sent,
    /// Full-text search results for this query.
    Search(String),
}

/// Work for the store worker: local reads and small writes to the mail store.
pub enum StoreCmd {
    /// Use this fresh handle from now on (the net worker changed contacts).
    Replace(Box<Reader>),
    /// Drop the handle (the keyring was locked): nothing is read until the next unlock.
    Forget,
    /// A page of a folder (`gen` lets the UI drop answers it no longer wants).
    List {
        /// Request generation.
        generation: u64,
        /// Inbox or Sent (Search goes through [`StoreCmd::Search`]).
        folder: Folder,
        /// Rows to skip.
        offset: usize,
        /// Rows wanted.
        limit: usize,
    },
    /// Every message of a thread, oldest first.
    Thread {
        /// The thread id.
        thread: i64,
    },
    /// Full-text search.
    Search {
        /// Request generation.
        generation: u64,
        /// What the user typed.
        query: String,
    },
    /// Open a message (marks it read).
    Read {
        /// Message id.
        id: i64,
    },
    /// Mark read or unread.
    Mark {
        /// Message id.
        id: i64,
        /// The new state.
        unread: bool,
    },
    /// Delete from the store.
    Delete {
        /// Message id.
        id: i64,
    },
    /// Plan a reply.
    ReplyPlan {
        /// Message id.
        id: i64,
        /// Reply to all.
        all: bool,
    },
    /// The contact list and our own card.
    Contacts,
    /// Write an attachment to a file.
    Save {
        /// Where.
        path: PathBuf,
        /// What.
        data: Saving,
    },
    /// Check a file the user wants to attach.
    Stat {
        /// The file.
        path: PathBuf,
    },
}

/// Work for the net worker: everything that dials out or changes the keyring, one at a
/// time, on the only session that writes the keyring.
pub enum NetCmd {
    /// Find out whether there is an identity and whether it needs a passphrase.
    Probe,
    /// Unlock with this passphrase (None: the keyring is not protected).
    Unlock(Option<SecretString>),
    /// Create an identity with the default local drop.
    Init {
        /// Display name.
        name: String,
        /// None = the explicit no-passphrase choice (or: read it from the passphrase
        /// file, when one was given).
        passphrase: Option<SecretString>,
    },
    /// Fetch from every route.
    Fetch,
    /// Send one message.
    Send {
        /// Matches the [`Event::Sent`] answer.
        ticket: u64,
        /// What to send.
        req: Box<SendRequest>,
    },
    /// Add a contact from a pasted card.
    ContactAdd {
        /// Our name for them.
        name: String,
        /// Their card.
        card: String,
    },
    /// Mark a contact verified.
    ContactVerify {
        /// The contact.
        name: String,
    },
    /// Use the routes on the contact's card that point at local places (folders, loopback
    /// or private addresses), as `contact add --allow-local` does.
    ContactAllowLocal {
        /// The contact.
        name: String,
    },
    /// Accept the contact request carrying this card under our name for them.
    RequestAccept {
        /// Their card (identifies the request).
        card: String,
        /// Our name for them.
        name: String,
    },
    /// Drop the contact request carrying this card.
    RequestReject {
        /// Their card (identifies the request).
        card: String,
    },
    /// Pick up keyring changes other processes (the CLI, cron's poll) made.
    Refresh,
}

/// Our own card, ready to show.
#[derive(Debug, Clone)]
pub struct OwnCard {
    /// Display name.
    pub name: String,
    /// Fingerprint, grouped.
    pub fingerprint: String,
    /// The `hushpost:…` text.
    pub text: String,
    /// The card as a QR code (half blocks).
    pub qr: String,
    /// Our receive routes.
    pub routes: Vec<String>,
}

/// Everything the UI reacts to.
pub enum Event {
    /// A key, mouse, paste or resize event.
    Term(TermEvent),
    /// The clock moved (unix seconds).
    Tick(u64),
    /// SIGTERM, SIGHUP or SIGINT: leave now.
    Terminate,
    /// No identity yet: walk through init. The default drop will be created here.
    NeedInit {
        /// The default drop folder.
        drop: PathBuf,
    },
    /// The keyring needs a passphrase (`error` after a wrong one).
    NeedPassphrase {
        /// Why the last attempt failed.
        error: Option<String>,
    },
    /// Creating the identity failed.
    InitFailed(String),
    /// Unlocked (or created): the inbox can load.
    Ready {
        /// Our display name.
        name: String,
        /// Just created by init.
        created: bool,
    },
    /// Opening failed for a reason no passphrase fixes.
    Fatal(String),
    /// A page of a folder.
    Listed {
        /// The request generation.
        generation: u64,
        /// The folder.
        folder: Folder,
        /// Rows skipped.
        offset: usize,
        /// The rows.
        rows: Vec<Listed>,
        /// Unread messages in the store.
        unread: u64,
    },
    /// A thread.
    Thread {
        /// The thread id.
        thread: i64,
        /// Oldest first.
        rows: Vec<Listed>,
    },
    /// A message, opened, with its stored attachments (v2 mail) opened for saving: taken
    /// before the read, so a burn-after-reading message's parts can still be saved.
    Opened(Box<Reading>, Vec<(u32, Arc<PartSource>)>),
    /// Mark done.
    Marked {
        /// Message id.
        id: i64,
        /// The new state.
        unread: bool,
    },
    /// Delete done.
    Deleted {
        /// Message id.
        id: i64,
    },
    /// A reply plan.
    ReplyPlanned(Box<ReplyPlan>),
    /// Contacts and our card.
    Contacts {
        /// Every contact, sorted.
        contacts: Vec<ContactView>,
        /// Pending contact requests.
        requests: Vec<ContactRequest>,
        /// Our card.
        card: Option<OwnCard>,
    },
    /// Blobs waiting in the outbox for `hushpost poll`.
    Outbox(usize),
    /// An attachment was saved.
    Saved(PathBuf),
    /// A file can be attached.
    Attachable {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// A fetch is under way.
    FetchProgress(FetchProgress),
    /// A fetch ended.
    Fetched(Result<FetchReport, String>),
    /// A background cover-traffic tick (`hushpost poll`) ended.
    Polled(Result<hushpost_ops::poll::PollReport, String>),
    /// A send ended.
    Sent {
        /// The ticket of [`NetCmd::Send`].
        ticket: u64,
        /// What happened.
        result: Result<SendReport, String>,
    },
    /// A contact was added or verified.
    ContactChanged(String),
    /// Another process changed the mail store or the keyring (a cron `poll`, a CLI
    /// `fetch` or `contact remove`): what is shown may be stale, so it is read again.
    Changed,
    /// The message body came back from `$EDITOR`.
    Edited(Result<String, String>),
    /// A local operation failed.
    Failed(String),
}

/// What an update asks of the runtime besides redrawing.
pub enum Effect {
    /// Give this to the store worker.
    Store(StoreCmd),
    /// Give this to the net worker.
    Net(NetCmd),
    /// Leave the screen, edit this text in `$EDITOR`, come back with [`Event::Edited`].
    Editor(String),
    /// Suspend the process (Ctrl-Z).
    Suspend,
    /// Leave.
    Quit,
}

/// What a save writes.
#[derive(Debug, Clone)]
pub enum Saving {
    /// Bytes the letter carried (v1 mail).
    Bytes(Arc<Vec<u8>>),
    /// A stored attachment, copied as a stream (v2 mail, any size).
    Part(Arc<PartSource>),
}
