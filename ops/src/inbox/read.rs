//! Opening, marking and deleting one message, planning a reply, and the Maildir export.

use super::Inbox;
use crate::error::{Error, Result};
use hushpost_core::letter::{self, Letter};
use std::path::Path;

/// A message opened for reading.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The list line.
    pub summary: super::Listed,
    /// The parsed letter.
    pub letter: Letter,
    /// The RFC 5322 bytes as they may leave hushpost (`read --raw`): headers that tell the
    /// truth about the sender (see `truth.rs`), the body as sent.
    pub raw: Vec<u8>,
    /// The attachments stored beside the letter (v2 mail), listed without reading them.
    pub parts: Vec<hushpost_store::StoredPart>,
}

impl Reading {
    /// Whom the message went to, as we name them (our contact names, "me"); the names
    /// the letter gives only when we know no better.
    pub fn recipient_names(&self) -> Vec<String> {
        if self.summary.to.is_empty() {
            self.letter.to.iter().map(|p| p.name.clone()).collect()
        } else {
            self.summary.to.iter().map(|r| r.name.clone()).collect()
        }
    }
}

impl Inbox {
    /// Opens a message; marks it read unless `peek`. A burn-after-reading message is
    /// deleted from the store as soon as it has been read (the caller has it in memory).
    pub fn read(&mut self, id: i64, peek: bool) -> Result<Reading> {
        self.expire_now()?;
        let (s, raw) = self.store()?.get(id)?.ok_or(Error::NoSuchMessage(id))?;
        let mut summary = self.listed(&s);
        let parts = self.store()?.parts_of(id)?;
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
        // Received mail names its recipients as we know them, not as the sender wrote them.
        if !s.outgoing && !letter.to.is_empty() {
            summary.to = self.recipients_of(&letter);
        }
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
            raw: super::outside_copy(&self.peers, &s, &raw),
            parts,
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

    /// Brings a Maildir that notmuch, mutt and aerc read up to date with every message
    /// (received and sent): new ones delivered (`new/` unread, `cur/` read), read/unread
    /// synced both ways, messages deleted here removed there; a file the client deleted is
    /// not written again. Plaintext leaves the encrypted store: the caller should say so.
    pub fn export_maildir(&mut self, dir: &Path) -> Result<crate::maildir::Synced> {
        self.sync_maildir(dir, crate::maildir::Which::Both)
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

impl Inbox {
    /// Plans a reply (or reply-all) to message `id`.
    pub fn reply_plan(&mut self, id: i64, all: bool) -> Result<ReplyPlan> {
        let m = self.read(id, true)?;
        let (summary_sender, outgoing) = {
            let (s, _) = self.store()?.get(id)?.ok_or(Error::NoSuchMessage(id))?;
            (s.sender, s.outgoing)
        };
        let me = self.peers.me.clone();
        let by_fp = |fp: &str| self.peers.by_fingerprint.get(fp).cloned();
        // Everyone it went to: To and (since `hushpost sendmail` keeps a client's Cc) Cc.
        let mut everyone = m.letter.to.clone();
        everyone.extend(cc_of(&m.raw));
        let mut to = Vec::new();
        if outgoing {
            to.extend(everyone.iter().filter_map(|p| by_fp(&p.fingerprint)));
        } else {
            if let Some(n) = self.peers.name_of(&summary_sender) {
                to.push(n.to_string());
            }
            if all {
                to.extend(
                    everyone
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

/// The Cc parties of a message (hushpost addresses only).
fn cc_of(raw: &[u8]) -> Vec<letter::Party> {
    let Some(m) = mail_parser::MessageParser::default().parse_headers(raw) else {
        return Vec::new();
    };
    m.cc()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.address())
                .filter_map(|a| a.strip_suffix(&format!("@{}", letter::DOMAIN)))
                .map(|fp| letter::Party {
                    name: String::new(),
                    fingerprint: fp.to_ascii_lowercase(),
                })
                .collect()
        })
        .unwrap_or_default()
}
