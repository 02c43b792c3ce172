//! What a poll fetched, still sealed, opened once the keyring is unlocked: the spool files
//! (one JSON line naming the capability, then the blob) are processed like a fetch and
//! removed once stored or refused (pieces of incomplete large messages stay). Whose
//! capability it was is worked out here, with the keyring.

use super::process::Run;
use super::{BATCH, FetchReport, Rejection};
use crate::error::{Error, Result};
use crate::keys::Owner;
use crate::poll::spool::SpoolHead;
use crate::session::Session;
use hushpost_core::FetchCap;
use hushpost_core::time::Day;
use hushpost_transports::Fetched;
use std::collections::HashMap;
use std::path::PathBuf;

/// Days around today whose capabilities a spooled blob may have come under.
const SPOOL_DAYS: u64 = super::RETENTION_DAYS + crate::poll::DAYS_AHEAD + 2;

impl Session {
    /// Opens and stores what a poll spooled (still sealed) since the last unlock.
    pub fn process_spool(&mut self) -> Result<FetchReport> {
        let dir = crate::poll::spool_dir(&self.home);
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(e) => e
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "blob"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FetchReport::default()),
            Err(e) => return Err(Error::Io(e, dir)),
        };
        files.sort();
        let mut items = Vec::new();
        for path in files {
            let bytes = std::fs::read(&path).map_err(|e| Error::Io(e, path.clone()))?;
            let Some(nl) = bytes.iter().position(|b| *b == b'\n') else {
                continue;
            };
            let head: Option<SpoolHead> = serde_json::from_slice(&bytes[..nl]).ok();
            items.push((path, head, bytes[nl + 1..].to_vec()));
        }
        if items.is_empty() {
            return Ok(FetchReport::default());
        }
        self.ingest_spooled(items)
    }

    /// Who each capability of the days around today belongs to.
    fn owners_by_cap(&self) -> HashMap<[u8; 32], Owner> {
        let today = Day::of(self.now()).0;
        let days: Vec<Day> = (today.saturating_sub(SPOOL_DAYS)..=today + SPOOL_DAYS)
            .map(Day)
            .collect();
        let (caps, owners) = self.keys.capabilities(&days);
        caps.into_iter().map(|c| c.0).zip(owners).collect()
    }

    fn ingest_spooled(
        &mut self,
        items: Vec<(PathBuf, Option<SpoolHead>, Vec<u8>)>,
    ) -> Result<FetchReport> {
        let by_cap = self.owners_by_cap();
        let mut owners = Vec::new();
        let mut batch = Vec::new();
        for (i, (path, head, blob)) in items.into_iter().enumerate() {
            let cap = head.as_ref().and_then(|h| FetchCap::from_hex(&h.cap));
            owners.push(
                cap.and_then(|c| by_cap.get(&c.0).copied())
                    .unwrap_or(Owner::Decoy),
            );
            batch.push(Fetched {
                cap: i,
                id: path.to_string_lossy().into_owned(),
                blob,
                unstamped: head.is_some_and(|h| h.unstamped),
            });
        }
        let mut run = Run::new("spool".into());
        // Blobs under no capability of ours (a contact removed meanwhile, a decoy someone
        // wrote to, a spool file of an older version) cannot be opened: refuse them.
        for (f, o) in batch.iter().zip(owners.iter()) {
            if *o == Owner::Decoy {
                run.report.rejected.push(Rejection {
                    route: "spool".into(),
                    reason:
                        "not under a capability of yours (the sender is not one of your contacts)"
                            .into(),
                });
                run.delete.push((f.cap, f.id.clone()));
            }
        }
        batch.retain(|f| owners[f.cap] != Owner::Decoy);
        while !batch.is_empty() {
            let rest = batch.split_off(batch.len().min(BATCH));
            let chunk = std::mem::replace(&mut batch, rest);
            self.process(&mut run, chunk, &owners)?;
        }
        for (_, id) in &run.delete {
            let _ = hushpost_durable::remove_durable(std::path::Path::new(id));
        }
        run.report.incomplete = run.partial.len();
        Ok(run.report)
    }
}
