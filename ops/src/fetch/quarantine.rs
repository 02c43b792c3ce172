//! The quarantine: blobs that failed the time window, kept sealed as they came. Every fetch
//! tries them again (a sender's clock that ran ahead is right by then); the user lists,
//! releases (opens it anyway) or drops them (`hushpost quarantine`).

use super::FetchReport;
use super::process::Run;
use crate::error::{Error, Result};
use crate::keys::Owner;
use crate::session::Session;
use hushpost_transports::Fetched;
use serde::Serialize;

/// A blob kept aside, as the user sees it.
#[derive(Debug, Clone, Serialize)]
pub struct QuarantineItem {
    /// Its id (`hushpost quarantine release ID`).
    pub id: i64,
    /// The contact whose mailbox it arrived in, if any.
    pub contact: Option<String>,
    /// The route it came from.
    pub route: String,
    /// Why it was kept aside.
    pub reason: String,
    /// Unix seconds.
    pub received_at: u64,
}

/// How far from now a release looks for a plausible send time: a clock a month off either
/// way is still a clock, not a replay of something long gone.
const RELEASE_SKEW_SECS: u64 = 30 * 86_400;

impl Session {
    /// Everything kept aside.
    pub fn quarantine_list(&mut self) -> Result<Vec<QuarantineItem>> {
        let items = self.store()?.quarantined()?;
        Ok(items
            .into_iter()
            .map(|q| QuarantineItem {
                id: q.id,
                contact: self.keys.contact_name_by_key(&q.owner),
                route: q.route,
                reason: q.reason,
                received_at: q.received_at,
            })
            .collect())
    }

    /// Forgets a kept-aside blob.
    pub fn quarantine_drop(&mut self, id: i64) -> Result<()> {
        if !self.store()?.quarantine_remove(id)? {
            return Err(Error::Invalid(format!(
                "nothing is kept aside under {id} (see `hushpost quarantine`)"
            )));
        }
        Ok(())
    }

    /// Opens a kept-aside blob whatever its date says (the user vouches for it) and stores
    /// it like fetched mail.
    pub fn quarantine_release(&mut self, id: i64) -> Result<FetchReport> {
        // Like a fetch: what it stores is numbered before it returns.
        let _lock = self.home.lock()?;
        let all = self.store()?.quarantined()?;
        let Some(q) = all.into_iter().find(|q| q.id == id) else {
            return Err(Error::Invalid(format!(
                "nothing is kept aside under {id} (see `hushpost quarantine`)"
            )));
        };
        let now = self.now();
        // Try the date it claims first from the future side, then from the past side.
        for at in [
            now + RELEASE_SKEW_SECS,
            now.saturating_sub(RELEASE_SKEW_SECS),
        ] {
            let r = self.reopen(
                vec![(q.id, q.owner, q.blob.clone(), q.route.clone())],
                Some(at),
            )?;
            if !r.new.is_empty() || r.duplicates > 0 {
                let mut r = r;
                self.settle_arrivals(&mut r.new)?;
                return Ok(r);
            }
        }
        Err(Error::Invalid(format!(
            "the blob kept aside under {id} still does not open ({}); `hushpost quarantine drop {id}` forgets it",
            q.reason
        )))
    }

    /// Tries every kept-aside blob again at today's date (part of every fetch).
    pub(crate) fn retry_quarantine(&mut self) -> Result<FetchReport> {
        let items: Vec<_> = self
            .store()?
            .quarantined()?
            .into_iter()
            .map(|q| (q.id, q.owner, q.blob, q.route))
            .collect();
        if items.is_empty() {
            return Ok(FetchReport::default());
        }
        self.reopen(items, None)
    }

    /// Opens kept-aside blobs; those that open (or turn out to be replays) leave the
    /// quarantine, the others stay.
    fn reopen(
        &mut self,
        items: Vec<(i64, [u8; 32], Vec<u8>, String)>,
        at: Option<u64>,
    ) -> Result<FetchReport> {
        let mut owners = Vec::new();
        let mut batch = Vec::new();
        for (i, (id, owner, blob, _)) in items.iter().enumerate() {
            owners.push(
                self.keys
                    .contact_by_key(owner)
                    .map_or(Owner::Intro, Owner::Contact),
            );
            batch.push(Fetched {
                cap: i,
                id: id.to_string(),
                blob: blob.clone(),
                // Only blobs that passed the intro check got this far.
                unstamped: false,
            });
        }
        let mut run = Run::new("quarantine".into());
        run.now = at;
        run.reopening = true;
        self.process(&mut run, batch, &owners)?;
        // Whatever is "deleted" from this pseudo-drop was stored, refused or is a replay;
        // the blobs that failed the window again are not, and keep their rows.
        for (_, id) in &run.delete {
            if let Ok(id) = id.parse::<i64>() {
                self.store()?.quarantine_remove(id)?;
            }
        }
        let mut report = run.report;
        report.incomplete = run.partial.len();
        Ok(report)
    }
}
