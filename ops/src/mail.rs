//! Reading the local store: list, read, search, delete, mark, export to Maildir. Nothing
//! here dials out.

use crate::error::{Error, Result};
use crate::session::Session;
use hushpost_core::letter::{self, Letter};
use hushpost_store::{ListQuery, Summary};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One line of `list`.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    /// Local id.
    pub id: i64,
    /// Sender (contact name) or, for sent mail, "me".
    pub from: String,
    /// Recipients of sent mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
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
}

/// A message opened for reading.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The list line.
    pub summary: Listed,
    /// The parsed letter.
    pub letter: Letter,
    /// The RFC 5322 bytes.
    pub raw: Vec<u8>,
}

/// Formats unix seconds as RFC 3339 UTC.
pub fn rfc3339(ts: u64) -> String {
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(ts))
        .to_string()
}

impl Session {
    fn listed(&self, s: &Summary) -> Listed {
        crate::inbox::listed_with(&self.peer_index(), s)
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

    /// Newest first. `sent` = show sent mail instead of received.
    pub fn list(&mut self, limit: usize, unread_only: bool, sent: bool) -> Result<Vec<Listed>> {
        self.expire_now()?;
        let q = ListQuery {
            limit,
            offset: 0,
            unread_only,
            outgoing: Some(sent),
            thread: None,
        };
        let rows = self.store()?.list(&q)?;
        let peers = self.peer_index();
        Ok(rows
            .iter()
            .map(|s| crate::inbox::listed_with(&peers, s))
            .collect())
    }

    /// Every message of a thread, oldest first.
    pub fn thread(&mut self, thread: i64) -> Result<Vec<Listed>> {
        let q = ListQuery {
            limit: 0,
            offset: 0,
            unread_only: false,
            outgoing: None,
            thread: Some(thread),
        };
        let mut rows: Vec<Listed> = self
            .store()?
            .list(&q)?
            .iter()
            .map(|s| self.listed(s))
            .collect();
        rows.reverse();
        Ok(rows)
    }

    /// Full-text search over subject, body and sender, newest first.
    pub fn search(&mut self, query: &str, limit: usize) -> Result<Vec<Listed>> {
        let rows = self.store()?.search(query, limit)?;
        let peers = self.peer_index();
        Ok(rows
            .iter()
            .map(|s| crate::inbox::listed_with(&peers, s))
            .collect())
    }

    /// Opens a message; marks it read unless `peek`. A burn-after-reading message is
    /// deleted from the store as soon as it has been read (the caller has it in memory).
    pub fn read(&mut self, id: i64, peek: bool) -> Result<Reading> {
        self.expire_now()?;
        let (s, raw) = self.store()?.get(id)?.ok_or(Error::NoSuchMessage(id))?;
        let summary = self.listed(&s);
        let letter = letter::parse(&raw).unwrap_or_else(|_| Letter {
            from: letter::Party {
                name: summary.from.clone(),
                fingerprint: String::new(),
            },
            to: Vec::new(),
            subject: s.subject.clone(),
            date: s.date,
            message_id: s.message_id.clone(),
            in_reply_to: None,
            references: Vec::new(),
            text: String::from_utf8_lossy(&raw).into_owned(),
            attachments: Vec::new(),
        });
        if !peek {
            if s.burn && !s.outgoing {
                self.store()?.delete(id)?;
            } else if s.unread {
                self.store()?.set_unread(id, false)?;
            }
        }
        Ok(Reading {
            summary,
            letter,
            raw: raw.to_vec(),
        })
    }

    /// Marks read or unread.
    pub fn mark(&mut self, id: i64, unread: bool) -> Result<()> {
        self.store()?.set_unread(id, unread).map_err(|e| match e {
            hushpost_store::StoreError::NotFound(id) => Error::NoSuchMessage(id),
            other => other.into(),
        })
    }

    /// Deletes a message from the store (it will not be accepted again if re-delivered).
    pub fn delete(&mut self, id: i64) -> Result<()> {
        if self.store()?.get(id)?.is_none() {
            return Err(Error::NoSuchMessage(id));
        }
        self.store()?.delete(id)?;
        Ok(())
    }

    /// Writes every message into a Maildir (`cur/` for read, `new/` for unread) that
    /// notmuch, mutt and aerc can read. Plaintext leaves the encrypted store: the caller
    /// should say so.
    pub fn export_maildir(&mut self, dir: &Path) -> Result<usize> {
        self.expire_now()?;
        for sub in ["cur", "new", "tmp"] {
            let p = dir.join(sub);
            hushpost_durable::create_private_dir(&p).map_err(|e| Error::Io(e, p.clone()))?;
        }
        let ids = self.store()?.all_ids()?;
        let host = "hushpost";
        let mut n = 0;
        for id in ids {
            let Some((s, raw)) = self.store()?.get(id)? else {
                continue;
            };
            let base = format!("{}.hp{}.{host}", s.received_at, id);
            let (sub, name) = if s.unread {
                ("new", base.clone())
            } else {
                ("cur", format!("{base}:2,S"))
            };
            let target: PathBuf = dir.join(sub).join(&name);
            let other: PathBuf = if s.unread {
                dir.join("cur").join(format!("{base}:2,S"))
            } else {
                dir.join("new").join(&base)
            };
            if target.exists() || other.exists() {
                continue;
            }
            hushpost_durable::write_atomic(&target, &raw)
                .map_err(|e| Error::Io(e, target.clone()))?;
            n += 1;
        }
        Ok(n)
    }
}

/// Who and what a reply goes to.
#[derive(Debug, Clone)]
pub struct ReplyPlan {
    /// Contact names.
    pub to: Vec<String>,
    /// "Re: …".
    pub subject: String,
    /// The original's Message-ID.
    pub in_reply_to: String,
    /// The thread's ancestry including the original.
    pub references: Vec<String>,
    /// The original text, for quoting.
    pub quote: String,
}

impl Session {
    /// Plans a reply (or reply-all) to message `id`.
    pub fn reply_plan(&mut self, id: i64, all: bool) -> Result<ReplyPlan> {
        let m = self.read(id, true)?;
        let (summary_sender, outgoing) = {
            let (s, _) = self.store()?.get(id)?.ok_or(Error::NoSuchMessage(id))?;
            (s.sender, s.outgoing)
        };
        let me = self.identity.public().fingerprint().hex();
        let by_fp = |fp: &str| {
            self.state
                .contacts
                .iter()
                .find(|c| {
                    Session::contact_public(c).is_some_and(|(_, p)| p.fingerprint().hex() == fp)
                })
                .map(|c| c.name.clone())
        };
        let mut to = Vec::new();
        if outgoing {
            to.extend(m.letter.to.iter().filter_map(|p| by_fp(&p.fingerprint)));
        } else {
            if let Some(n) = self.contact_name_by_key(&summary_sender) {
                to.push(n);
            }
            if all {
                to.extend(
                    m.letter
                        .to
                        .iter()
                        .filter(|p| p.fingerprint != me)
                        .filter_map(|p| by_fp(&p.fingerprint)),
                );
            }
        }
        to.dedup();
        let mut seen = std::collections::HashSet::new();
        to.retain(|n| seen.insert(n.clone()));
        let subject = if m.letter.subject.to_lowercase().starts_with("re:") {
            m.letter.subject.clone()
        } else {
            format!("Re: {}", m.letter.subject)
        };
        let mut references = m.letter.references.clone();
        references.push(m.letter.message_id.clone());
        Ok(ReplyPlan {
            to,
            subject,
            in_reply_to: m.letter.message_id.clone(),
            references,
            quote: m.letter.text.replace("\r\n", "\n"),
        })
    }
}
