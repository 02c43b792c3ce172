//! Reading the local mailbox: pages and lists of messages, search, opening, marking,
//! deleting, replies and the Maildir export. An [`Inbox`] is a mailbox handle plus an index
//! of who is who (built from the keyring when it is handed out), so the TUI's store worker
//! reads mail without ever holding the keyring.
//!
//! Nothing here dials out or writes the keyring.

mod parts;
mod read;
mod truth;

use crate::error::Result;
use crate::mailbox::Mailbox;
use hushpost_core::time::Clock;
use hushpost_store::{ListQuery, Summary};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

pub use read::{Reading, ReplyPlan};
pub use truth::AUTHSERV_ID;
pub(crate) use truth::{outside_copy, outside_header};

/// Who is who, as of when it was built: sender key → (contact name, verified), fingerprint
/// → contact name, and our own fingerprint.
#[derive(Debug, Clone, Default)]
pub struct PeerIndex {
    by_key: HashMap<[u8; 32], (String, bool)>,
    by_fingerprint: HashMap<String, String>,
    by_name: HashMap<String, String>,
    me: String,
}

impl PeerIndex {
    /// Builds the index from the keyring's contacts.
    pub(crate) fn of(keys: &crate::keys::Keys) -> PeerIndex {
        let mut idx = PeerIndex {
            me: keys.identity().public().fingerprint().hex(),
            ..PeerIndex::default()
        };
        for c in keys.contact_states() {
            let Some((_, id)) = crate::keys::contact_public(c) else {
                continue;
            };
            // The first contact with the key names it; any verified contact with the key
            // makes it verified.
            let e = idx
                .by_key
                .entry(id.ed)
                .or_insert_with(|| (c.name.clone(), false));
            e.1 |= c.verified;
            idx.by_fingerprint
                .entry(id.fingerprint().hex())
                .or_insert_with(|| c.name.clone());
            idx.by_name.insert(c.name.clone(), id.fingerprint().hex());
        }
        idx
    }

    /// The contact name for a fingerprint (lower-case hex).
    pub(crate) fn name_by_fingerprint(&self, fp: &str) -> Option<&str> {
        self.by_fingerprint.get(fp).map(String::as_str)
    }

    /// The contact name for a sender key.
    pub fn name_of(&self, ed: &[u8; 32]) -> Option<&str> {
        self.by_key.get(ed).map(|(n, _)| n.as_str())
    }
}

/// The mailbox, read as the user sees it.
pub struct Inbox {
    pub(crate) mailbox: Mailbox,
    pub(crate) peers: PeerIndex,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbox").finish_non_exhaustive()
    }
}

impl Inbox {
    pub(crate) fn new(mailbox: Mailbox, peers: PeerIndex, clock: Arc<dyn Clock>) -> Inbox {
        Inbox {
            mailbox,
            peers,
            clock,
        }
    }

    /// Another handle (own store connection, same index), for another thread.
    pub(crate) fn another(&self) -> Inbox {
        Inbox::new(
            self.mailbox.another(),
            self.peers.clone(),
            self.clock.clone(),
        )
    }

    pub(crate) fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    fn now(&self) -> u64 {
        self.clock.now()
    }

    pub(crate) fn store(&mut self) -> Result<&mut hushpost_store::Store> {
        self.mailbox.store()
    }

    fn listed(&self, s: &Summary) -> Listed {
        listed_with(&self.peers, s)
    }

    /// Removes messages whose sender asked for deletion by now (a courtesy we honour).
    pub fn expire_now(&mut self) -> Result<usize> {
        let now = self.now();
        let ids = self.store()?.expired(now)?;
        for id in &ids {
            self.store()?.delete(*id)?;
        }
        Ok(ids.len())
    }

    /// Newest first. `sent` = show sent mail instead of received, with where each
    /// recipient's copy stands.
    pub fn list(&mut self, limit: usize, unread_only: bool, sent: bool) -> Result<Vec<Listed>> {
        let mut rows = self.page(&Page {
            limit,
            unread_only,
            outgoing: Some(sent),
            ..Page::default()
        })?;
        if sent {
            for r in &mut rows {
                r.deliveries = self.store()?.deliveries_of(r.id)?;
            }
        }
        Ok(rows)
    }

    /// Fills `to` of received messages from their letters (every recipient the sender
    /// addressed, by fingerprint: our name for a contact, "me" for us, else the name the
    /// sender gave). `list` alone knows only that the mail came to us; this reads each
    /// letter, so it is for `--json`, not for every screen.
    pub fn with_recipients(&mut self, rows: &mut [Listed]) -> Result<()> {
        for r in rows.iter_mut().filter(|r| r.from != "me") {
            let Some((_, raw)) = self.store()?.get(r.id)? else {
                continue;
            };
            let Ok(l) = hushpost_core::letter::parse(&raw) else {
                continue;
            };
            if !l.to.is_empty() {
                r.to = self.recipients_of(&l);
            }
        }
        Ok(())
    }

    /// Whom a received letter was addressed to, by fingerprint: our name for a contact,
    /// "me" for us, else the name the sender gave.
    pub(crate) fn recipients_of(&self, l: &hushpost_core::letter::Letter) -> Vec<Recipient> {
        l.to.iter()
            .map(|p| Recipient {
                name: if p.fingerprint == self.peers.me {
                    "me".into()
                } else {
                    self.peers
                        .by_fingerprint
                        .get(&p.fingerprint)
                        .cloned()
                        .unwrap_or_else(|| p.name.clone())
                },
                fingerprint: Some(p.fingerprint.clone()),
                verified: self
                    .peers
                    .by_key
                    .values()
                    .any(|(n, v)| *v && self.peers.by_fingerprint.get(&p.fingerprint) == Some(n)),
            })
            .collect()
    }

    /// The local id of received (or, `sent`, sent) message number `num` (`read 3`,
    /// `read s3`).
    pub fn id_of(&mut self, sent: bool, num: i64) -> Result<Option<i64>> {
        Ok(self.store()?.id_of(sent, num)?)
    }

    /// The numbers people type for the messages `ids` (those gone are left out).
    pub fn numbers(&mut self, ids: &[i64]) -> Result<Vec<i64>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.store()?.num_of(*id)?);
        }
        Ok(out)
    }

    /// Every message of a thread, oldest first.
    pub fn thread(&mut self, thread: i64) -> Result<Vec<Listed>> {
        let mut rows = self.page(&Page {
            thread: Some(thread),
            ..Page::default()
        })?;
        rows.reverse();
        Ok(rows)
    }

    /// One page of messages, newest first. Expired mail is removed first when the page
    /// starts at the top, so a page never shows what should be gone.
    pub fn page(&mut self, q: &Page) -> Result<Vec<Listed>> {
        if q.offset == 0 {
            self.expire_now()?;
        }
        let lq = ListQuery {
            limit: q.limit,
            offset: q.offset,
            unread_only: q.unread_only,
            outgoing: q.outgoing,
            thread: q.thread,
        };
        let rows = self.store()?.list(&lq)?;
        Ok(rows.iter().map(|s| self.listed(s)).collect())
    }

    /// Full-text search over subject, body and sender, newest first.
    pub fn search(&mut self, query: &str, limit: usize) -> Result<Vec<Listed>> {
        let rows = self.store()?.search(query, limit)?;
        Ok(rows.iter().map(|s| self.listed(s)).collect())
    }

    /// Number of unread messages in the store.
    pub fn unread_count(&mut self) -> Result<u64> {
        Ok(self.store()?.unread_count()?)
    }

    /// Changes when another process (or another handle) wrote to the store since the last
    /// look through this handle: compare two answers to know whether a list may be stale.
    pub fn data_version(&mut self) -> Result<u64> {
        Ok(self.store()?.data_version()?)
    }

    /// Gaps and forks in contacts' send chains: "a message from bob is missing" once a
    /// later one has waited an hour for it; two messages naming the same predecessor.
    pub fn chain_warnings(&mut self) -> Result<Vec<ChainWarning>> {
        let now = self.now();
        let alerts = self.store()?.chain_alerts(now, CHAIN_GRACE_SECS)?;
        Ok(alerts
            .into_iter()
            .map(|a| {
                let contact = self
                    .peers
                    .name_of(&a.sender)
                    .unwrap_or("(a former contact)")
                    .to_string();
                let text = match (a.missing, a.fork) {
                    (0, _) => format!("two different messages from {contact} claim the same predecessor: someone else may be sending with their key (compare safety numbers again)"),
                    (1, false) => format!("a message from {contact} is missing (a later one refers to it)"),
                    (n, false) => format!("{n} messages from {contact} are missing (later ones refer to them)"),
                    (n, true) => format!("{n} message(s) from {contact} are missing, and two of theirs claim the same predecessor: someone else may be sending with their key"),
                };
                ChainWarning {
                    contact,
                    missing: a.missing,
                    fork: a.fork,
                    text,
                }
            })
            .collect())
    }
}

/// How long a message waits for the one it names as its predecessor before that one counts
/// as missing (mail arrives out of order, over several routes).
pub const CHAIN_GRACE_SECS: u64 = 3600;

/// Something wrong with a contact's send chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainWarning {
    /// The contact.
    pub contact: String,
    /// Messages that name a predecessor we never got.
    pub missing: u64,
    /// Two messages name the same predecessor.
    pub fork: bool,
    /// One line for people.
    pub text: String,
}

/// Which messages one page holds, newest first.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Skip this many.
    pub offset: usize,
    /// At most this many; 0 = no limit.
    pub limit: usize,
    /// Only unread mail.
    pub unread_only: bool,
    /// Only sent (`Some(true)`) or received (`Some(false)`) mail; `None` = both.
    pub outgoing: Option<bool>,
    /// Only this thread.
    pub thread: Option<i64>,
}

/// One line of `list`.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    /// Local id (what the inbox's calls take).
    #[serde(skip)]
    pub id: i64,
    /// Its number among received mail, or among sent mail: what people type (`read 3`,
    /// `read s3`); `id` in JSON.
    #[serde(rename = "id")]
    pub number: i64,
    /// Sender (contact name) or, for sent mail, "me".
    pub from: String,
    /// Who it went to: the recipients of sent mail; "me" for received mail.
    pub to: Vec<Recipient>,
    /// What `read` and `reply` take: the id, with an `s` in front for sent mail.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Subject.
    pub subject: String,
    /// RFC 3339 UTC.
    pub date: String,
    /// Unix seconds.
    pub timestamp: u64,
    /// Not read yet.
    pub unread: bool,
    /// Thread id (the id of the thread's first message).
    pub thread: i64,
    /// Has attachments.
    pub attachments: bool,
    /// Sender verified by safety number.
    pub verified: bool,
    /// Unix seconds when the sender asked for it to be deleted (0 = never).
    pub expires_at: u64,
    /// Deleted once read.
    pub burn_after_reading: bool,
    /// Sent mail: where each recipient's copy stands (sent, queued, held, failed, and why).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<hushpost_store::Delivery>,
}

/// One recipient of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// Contact name ("me" for ourselves).
    pub name: String,
    /// Identity fingerprint, lower-case hex; `None` for a name no contact has any more.
    pub fingerprint: Option<String>,
    /// A contact whose safety number we compared (for the ✓ beside each name).
    #[serde(skip)]
    pub verified: bool,
}

impl Listed {
    /// The recipients' names, comma-separated.
    pub fn to_names(&self) -> String {
        let names: Vec<&str> = self.to.iter().map(|r| r.name.as_str()).collect();
        names.join(", ")
    }
}

/// Formats unix seconds as RFC 3339 UTC.
pub fn rfc3339(ts: u64) -> String {
    // RFC 3339 has four-digit years: later times (a sender's absurd expiry) show as the last
    // second it can write, never a panic in the formatter.
    const LAST: u64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    humantime::format_rfc3339_seconds(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(ts.min(LAST)),
    )
    .to_string()
}

pub(crate) fn listed_with(peers: &PeerIndex, s: &Summary) -> Listed {
    let known = peers.by_key.get(&s.sender);
    Listed {
        id: s.id,
        number: s.num,
        from: if s.outgoing {
            "me".into()
        } else {
            known.map_or_else(|| s.peer.clone(), |(n, _)| n.clone())
        },
        to: if s.outgoing {
            s.peer
                .split(", ")
                .map(|n| Recipient {
                    name: n.to_string(),
                    fingerprint: peers.by_name.get(n).cloned(),
                    verified: peers.by_key.values().any(|(name, v)| name == n && *v),
                })
                .collect()
        } else {
            vec![Recipient {
                name: "me".into(),
                fingerprint: Some(peers.me.clone()),
                verified: false,
            }]
        },
        reference: if s.outgoing {
            format!("s{}", s.num)
        } else {
            s.num.to_string()
        },
        subject: s.subject.clone(),
        date: rfc3339(s.date),
        timestamp: s.date,
        unread: s.unread,
        thread: s.thread,
        attachments: s.has_attachments,
        // Sent mail: verified only when every recipient is a verified contact.
        verified: if s.outgoing {
            s.peer.split(", ").all(|n| {
                peers
                    .by_key
                    .values()
                    .any(|(name, verified)| name == n && *verified)
            })
        } else {
            known.is_some_and(|(_, v)| *v)
        },
        expires_at: s.expires_at,
        burn_after_reading: s.burn,
        deliveries: Vec::new(),
    }
}
