//! The local mailbox: the encrypted mail store, opened on first use, and the little state
//! kept beside the mail in it (send chains, when each route was last fetched, contact
//! requests). Several handles may be open at once (SQLite locking); each thread gets its own.
//!
//! Must not: decide what is shown (that is `inbox`), dial out, or touch the keyring.

use crate::error::{Error, Result};
use hushpost_store::Store;
use std::path::PathBuf;
use zeroize::Zeroizing;

/// A handle on the mail store.
pub struct Mailbox {
    dir: PathBuf,
    key: Zeroizing<[u8; 32]>,
    store: Option<Store>,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Mailbox {
    /// The store in `dir`, under `key` (opened on first use).
    pub(crate) fn new(dir: PathBuf, key: &[u8; 32]) -> Mailbox {
        Mailbox {
            dir,
            key: Zeroizing::new(*key),
            store: None,
        }
    }

    /// Another handle on the same store (its own connection, for another thread).
    pub(crate) fn another(&self) -> Mailbox {
        Mailbox::new(self.dir.clone(), &self.key)
    }

    /// The store.
    pub fn store(&mut self) -> Result<&mut Store> {
        if self.store.is_none() {
            self.store = Some(Store::open(&self.dir, &self.key)?);
        }
        Ok(self.store.as_mut().expect("opened above"))
    }

    /// The chain hash of our last message to the contact with key `ed` (zeros if none).
    pub(crate) fn chain_out(&mut self, ed: &[u8; 32]) -> Result<[u8; 32]> {
        Ok(self
            .store()?
            .meta_get(&format!("chain-out:{}", hex::encode(ed)))?
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| b.try_into().ok())
            .unwrap_or([0u8; 32]))
    }

    /// Records the chain hash of our newest message to `ed`.
    pub(crate) fn set_chain_out(&mut self, ed: &[u8; 32], chain: &[u8; 32]) -> Result<()> {
        self.store()?.meta_set(
            &format!("chain-out:{}", hex::encode(ed)),
            &hex::encode(chain),
        )?;
        Ok(())
    }

    /// The last UTC day a fetch of `route` completed.
    pub(crate) fn last_fetch(&mut self, route: &hushpost_core::Route) -> Result<Option<u64>> {
        Ok(self
            .store()?
            .meta_get(&format!("last-fetch:{route}"))?
            .and_then(|d| d.parse().ok()))
    }

    /// Records that a fetch of `route` completed on `day`.
    pub(crate) fn set_last_fetch(&mut self, route: &hushpost_core::Route, day: u64) -> Result<()> {
        self.store()?
            .meta_set(&format!("last-fetch:{route}"), &day.to_string())?;
        Ok(())
    }

    /// Blobs of `route` stored but not yet deleted there (a delete that failed, or a fetch
    /// killed before it): `(capability hex, id)`. In the encrypted store, like the rest.
    pub(crate) fn pending_deletes(
        &mut self,
        route: &hushpost_core::Route,
    ) -> Result<Vec<(String, String)>> {
        Ok(self
            .store()?
            .meta_get(&format!("pending-deletes:{route}"))?
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    /// Replaces the list of [`Mailbox::pending_deletes`] of `route`.
    pub(crate) fn set_pending_deletes(
        &mut self,
        route: &hushpost_core::Route,
        items: &[(String, String)],
    ) -> Result<()> {
        let json = serde_json::to_string(items).map_err(|e| Error::Invalid(e.to_string()))?;
        self.store()?
            .meta_set(&format!("pending-deletes:{route}"), &json)?;
        Ok(())
    }

    /// Pending contact requests.
    pub(crate) fn contact_requests(&mut self) -> Result<Vec<crate::ContactRequest>> {
        let mut reqs: Vec<crate::ContactRequest> = self
            .store()?
            .meta_get("contact-requests")?
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        // Requests kept before they had numbers get them in the order they came.
        let mut next = reqs.iter().map(|r| r.number).max().unwrap_or(0);
        for r in reqs.iter_mut().filter(|r| r.number == 0) {
            next += 1;
            r.number = next;
        }
        Ok(reqs)
    }

    /// Replaces the pending contact requests.
    pub(crate) fn set_contact_requests(&mut self, reqs: &[crate::ContactRequest]) -> Result<()> {
        let json = serde_json::to_string(reqs).map_err(|e| Error::Invalid(e.to_string()))?;
        self.store()?.meta_set("contact-requests", &json)?;
        Ok(())
    }
}
