//! One sync of a Maildir with the store, run after mail is stored (fetch, an unlocked poll,
//! the TUI's ticks, a send with a sent folder) and by `export --maildir`:
//!
//! 1. a file of ours whose message hushpost no longer has (deleted, expired, burnt) goes;
//! 2. read/unread is a three-way merge against the state of the last sync, kept in the
//!    encrypted store: whichever side changed since then wins (both changing agree, since a
//!    flag has two values); a burn-after-reading message the client read is deleted;
//! 3. every message above the delivered-up-to mark is delivered, in id order (ids are never
//!    reused), so a file the client deleted is never delivered again.
//!
//! [`Session::sync_live_maildir`] runs it on the folders `[maildir]` in config.toml names.
//!
//! Must not deliver a message twice (the scan finds a delivery a crash left unrecorded) or
//! record as delivered what is not on disk (the mark moves after the directories are synced).

use super::{Folder, Found};
use crate::error::{Error, Result};
use crate::inbox::{Inbox, outside_header};
use crate::session::Session;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// Which messages a folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    /// Received mail (the live Maildir).
    Received,
    /// Sent mail (the live Maildir's sent folder).
    Sent,
    /// Everything (`export --maildir`).
    Both,
}

impl Which {
    fn wants(self, outgoing: bool) -> bool {
        match self {
            Which::Received => !outgoing,
            Which::Sent => outgoing,
            Which::Both => true,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Synced {
    /// Messages delivered.
    pub delivered: usize,
    /// Read/unread changes taken from the client into hushpost.
    pub from_client: usize,
    /// Read/unread changes hushpost made that the folder now shows.
    pub to_client: usize,
    /// Files removed because hushpost no longer has their message.
    pub removed: usize,
}

/// What the last sync of one folder left, kept in the store.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    /// Every message with an id up to this one was delivered (or considered).
    upto: i64,
    /// The ids that were unread at the last sync.
    unread: BTreeSet<i64>,
}

const INSTANCE_KEY: &str = "maildir-instance";

impl Inbox {
    /// The random word in every file name this store delivers, made once.
    fn maildir_instance(&mut self) -> Result<String> {
        if let Some(i) = self.store()?.meta_get(INSTANCE_KEY)? {
            return Ok(i);
        }
        let mut b = [0u8; 4];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
        let i = hex::encode(b);
        self.store()?.meta_set(INSTANCE_KEY, &i)?;
        Ok(i)
    }

    /// Syncs the Maildir at `dir` (created if missing) with the store.
    pub(crate) fn sync_maildir(&mut self, dir: &Path, which: Which) -> Result<Synced> {
        self.expire_now()?;
        let instance = self.maildir_instance()?;
        let io = |e| Error::Io(e, dir.to_path_buf());
        let folder = Folder::open(dir, &instance).map_err(io)?;
        let _lock = folder.lock().map_err(io)?;
        let key = format!(
            "maildir-state:{which:?}:{}",
            std::fs::canonicalize(dir).map_err(io)?.display()
        );
        let before = self.store()?.meta_get(&key)?;
        let mut state: State = before
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default();
        let found = folder.scan().map_err(io)?;
        let flags = self.store()?.flags()?;
        let mut done = Synced::default();
        let stored: HashSet<i64> = flags.iter().map(|f| f.id).collect();
        for (id, f) in &found {
            if !stored.contains(id) {
                std::fs::remove_file(&f.path).map_err(|e| Error::Io(e, f.path.clone()))?;
                done.removed += 1;
            }
        }
        let mut unread = BTreeSet::new();
        let mut pulled = Vec::new();
        for fl in flags.iter().filter(|f| which.wants(f.outgoing)) {
            if fl.id > state.upto {
                break;
            }
            let Some(f) = found.get(&fl.id) else {
                continue;
            };
            let was = state.unread.contains(&fl.id);
            if self.merge_flag(&folder, fl, f, was, &mut pulled, &mut done)? {
                unread.insert(fl.id);
            }
        }
        // The client's changes in one transaction: a thousand flags, one fsync.
        self.store()?.set_unread_many(&pulled)?;
        let new: Vec<_> = flags
            .iter()
            .filter(|f| which.wants(f.outgoing) && f.id > state.upto)
            .collect();
        let failed = self.deliver_new(&folder, &new, &found, &mut state, &mut unread, &mut done);
        folder.sync().map_err(io)?;
        state.unread = unread;
        let json = serde_json::to_string(&state).map_err(|e| Error::Invalid(e.to_string()))?;
        // Written only when it changed: a sync with nothing to do costs no fsync.
        if before.as_deref() != Some(json.as_str()) {
            self.store()?.meta_set(&key, &json)?;
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// Merges one message's read flag (a change the client made goes into `pulled`, for
    /// the store); returns whether it is unread afterwards.
    fn merge_flag(
        &mut self,
        folder: &Folder,
        fl: &hushpost_store::Flags,
        f: &Found,
        was_unread: bool,
        pulled: &mut Vec<(i64, bool)>,
        done: &mut Synced,
    ) -> Result<bool> {
        let there = !f.seen();
        let here = fl.unread;
        if there != was_unread && here == was_unread {
            if !there && fl.burn {
                // Burn after reading, read in the client: honoured as if read here.
                self.store()?.delete(fl.id)?;
                std::fs::remove_file(&f.path).map_err(|e| Error::Io(e, f.path.clone()))?;
                done.removed += 1;
                return Ok(false);
            }
            pulled.push((fl.id, there));
            done.from_client += 1;
            return Ok(there);
        }
        if here != was_unread && there == was_unread {
            folder
                .set_seen(f, !here)
                .map_err(|e| Error::Io(e, f.path.clone()))?;
            done.to_client += 1;
        }
        Ok(here)
    }

    /// Delivers `new` (ids above the mark, in order) in batches, moving the mark past each
    /// one that is on disk (or that a crash left there unrecorded); the first error stops it.
    fn deliver_new(
        &mut self,
        folder: &Folder,
        new: &[&hushpost_store::Flags],
        found: &HashMap<i64, Found>,
        state: &mut State,
        unread: &mut BTreeSet<i64>,
        done: &mut Synced,
    ) -> Option<Error> {
        let io = |e| Error::Io(e, folder.dir().to_path_buf());
        for chunk in new.chunks(super::BATCH) {
            let mut batch = Vec::new();
            let mut wrote = Vec::new();
            let mut failed = None;
            for fl in chunk {
                if found.contains_key(&fl.id) {
                    wrote.push((*fl, false));
                    continue;
                }
                match self.write_one(folder, fl.id) {
                    Ok(Some(p)) => {
                        batch.push(p);
                        wrote.push((*fl, true));
                    }
                    Ok(None) => wrote.push((*fl, false)),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            let (mut linked, result) = folder.deliver(batch);
            done.delivered += linked;
            // The mark moves past every message up to the last one linked.
            for (fl, ours) in wrote {
                if ours {
                    if linked == 0 {
                        break;
                    }
                    linked -= 1;
                }
                state.upto = fl.id;
                if fl.unread {
                    unread.insert(fl.id);
                }
            }
            if let Err(e) = result {
                return Some(io(e));
            }
            if failed.is_some() {
                return failed;
            }
        }
        None
    }

    /// Writes stored message `id`, with headers that tell the truth, into `tmp/`.
    fn write_one(&mut self, folder: &Folder, id: i64) -> Result<Option<super::Pending>> {
        let Some((s, raw)) = self.store()?.get(id)? else {
            return Ok(None);
        };
        let base = folder.base(id, s.received_at);
        if self.store()?.parts_of(id)?.iter().any(|p| p.kept) {
            // Attachments stored beside the letter (envelope v2): streamed as MIME.
            return folder
                .write_with(&base, !s.unread, &mut |w| {
                    self.write_message(id, w)
                        .map_err(|e| std::io::Error::other(e.to_string()))
                })
                .map(Some)
                .map_err(|e| Error::Io(e, folder.dir().to_path_buf()));
        }
        let (head, body) = outside_header(&self.peers, &s, &raw);
        let head = zeroize::Zeroizing::new(head);
        folder
            .write(&base, &[&head[..], &raw[body..]], !s.unread)
            .map(Some)
            .map_err(|e| Error::Io(e, folder.dir().to_path_buf()))
    }
}

impl Session {
    /// Syncs the live Maildir (and its sent folder) if config.toml has `[maildir]`. Never
    /// fails the operation that stored the mail (it is safe in the store): a problem is
    /// logged and the next fetch, poll or send tries again.
    pub(crate) fn sync_live_maildir(&mut self) {
        let Some(m) = self.config.maildir.clone() else {
            return;
        };
        let sent = m.sent.as_ref().map(|s| (s.path(), Which::Sent));
        for (dir, which) in std::iter::once((m.path.path(), Which::Received)).chain(sent) {
            if let Err(e) = self.inbox.sync_maildir(dir, which) {
                tracing::warn!("the Maildir {} is not up to date: {e}", dir.display());
            }
        }
    }
}
