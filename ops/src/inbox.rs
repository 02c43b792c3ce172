//! Listing for a screen that pages through a large mailbox (the TUI): pages at an offset,
//! and a sender index built once per change of contacts instead of once per row.
//!
//! `list`, `search` and these pages all build rows through [`listed_with`] and one
//! [`PeerIndex`] per call.
//! Nothing here dials out or writes the keyring.

use crate::error::Result;
use crate::mail::{Listed, rfc3339};
use crate::session::Session;
use hushpost_store::{ListQuery, Summary};
use std::collections::HashMap;

/// Sender key → (contact name, verified), as of when it was built.
#[derive(Debug, Clone, Default)]
pub struct PeerIndex {
    by_key: HashMap<[u8; 32], (String, bool)>,
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

impl Session {
    /// The sender index for [`Session::page`]; build it again after contacts change.
    pub fn peer_index(&self) -> PeerIndex {
        let mut by_key: HashMap<[u8; 32], (String, bool)> = HashMap::new();
        for c in &self.state.contacts {
            let Some((_, id)) = Session::contact_public(c) else {
                continue;
            };
            // Same rules as `list`: the first contact with the key names it; any verified
            // contact with the key makes it verified.
            let e = by_key
                .entry(id.ed)
                .or_insert_with(|| (c.name.clone(), false));
            e.1 |= c.verified;
        }
        PeerIndex { by_key }
    }

    /// One page of messages, newest first. Expired mail is removed first when the page
    /// starts at the top (as `list` does), so a page never shows what should be gone.
    pub fn page(&mut self, peers: &PeerIndex, q: &Page) -> Result<Vec<Listed>> {
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
        Ok(rows.iter().map(|s| listed_with(peers, s)).collect())
    }

    /// Full-text search (the index `hushpost search` uses), newest first.
    pub fn search_page(
        &mut self,
        peers: &PeerIndex,
        query: &str,
        limit: usize,
    ) -> Result<Vec<Listed>> {
        let rows = self.store()?.search(query, limit)?;
        Ok(rows.iter().map(|s| listed_with(peers, s)).collect())
    }

    /// Number of unread messages in the store.
    pub fn unread_count(&mut self) -> Result<u64> {
        Ok(self.store()?.unread_count()?)
    }
}

pub(crate) fn listed_with(peers: &PeerIndex, s: &Summary) -> Listed {
    let known = peers.by_key.get(&s.sender);
    Listed {
        id: s.id,
        from: if s.outgoing {
            "me".into()
        } else {
            known.map_or_else(|| s.peer.clone(), |(n, _)| n.clone())
        },
        to: s.outgoing.then(|| s.peer.clone()),
        subject: s.subject.clone(),
        date: rfc3339(s.date),
        timestamp: s.date,
        unread: s.unread,
        thread: s.thread,
        attachments: s.has_attachments,
        verified: s.outgoing || known.is_some_and(|(_, v)| *v),
        expires_at: s.expires_at,
        burn_after_reading: s.burn,
    }
}
