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

/// A spool file: its path, its head line, the blob.
pub(super) type Spooled = (PathBuf, Option<SpoolHead>, Vec<u8>);

/// The id prefix of a spooled blob inside a fetch's run (a drop's ids never start so).
pub(super) const SPOOL_ID: &str = "spool:";

/// Days around today whose capabilities a spooled blob may have come under.
const SPOOL_DAYS: u64 = super::RETENTION_DAYS + crate::poll::DAYS_AHEAD + 2;

impl Session {
    /// Opens and stores what a poll spooled (still sealed) since the last unlock.
    pub fn process_spool(&mut self) -> Result<FetchReport> {
        let items = self.spooled()?;
        if items.is_empty() {
            return Ok(FetchReport::default());
        }
        self.ingest_spooled(items)
    }

    /// The spool's files, oldest first, as (path, head, blob).
    pub(super) fn spooled(&self) -> Result<Vec<Spooled>> {
        let dir = crate::poll::spool_dir(&self.home);
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(e) => e
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "blob"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
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
        Ok(items)
    }

    /// Moves the spooled blobs that came under one of `caps` into a fetch's batch, so
    /// pieces of one large message — some spooled by a poll, the rest still in the drop —
    /// are reassembled in one run. Their ids say they are spool files ([`SPOOL_ID`]).
    pub(super) fn take_spooled(
        items: &mut Vec<Spooled>,
        caps: &[FetchCap],
        batch: &mut Vec<Fetched>,
    ) {
        let index: HashMap<[u8; 32], usize> =
            caps.iter().enumerate().map(|(i, c)| (c.0, i)).collect();
        items.retain_mut(|(path, head, blob)| {
            let Some(i) = head
                .as_ref()
                .and_then(|h| FetchCap::from_hex(&h.cap))
                .and_then(|c| index.get(&c.0).copied())
            else {
                return true;
            };
            batch.push(Fetched {
                cap: i,
                id: format!("{SPOOL_ID}{}", path.display()),
                blob: std::mem::take(blob),
                unstamped: head.as_ref().is_some_and(|h| h.unstamped),
            });
            false
        });
    }

    /// Who each capability of the days around today belongs to.
    fn owners_by_cap(&self) -> HashMap<[u8; 32], Owner> {
        let today = Day::of(self.now()).0;
        let days: Vec<Day> = (today.saturating_sub(SPOOL_DAYS)..=today + SPOOL_DAYS)
            .map(Day)
            .collect();
        let (caps, owners) = self.keys.capabilities(&days);
        let mut by_cap: HashMap<[u8; 32], Owner> =
            caps.into_iter().map(|c| c.0).zip(owners).collect();
        // Nobody but us can derive a decoy capability, and our loop chaff goes under them
        // too: a blob under one is our own chaff whose record a killed poll did not keep.
        if let Ok(lp) = self.keys.loop_key() {
            let per_day = self.keys.config().cover.tags_per_day();
            for d in &days {
                for (_, i) in (0..per_day).zip(0u32..) {
                    by_cap.entry(lp.decoy_cap(*d, i).0).or_insert(Owner::Loop);
                }
            }
        }
        by_cap
    }

    pub(super) fn ingest_spooled(&mut self, items: Vec<Spooled>) -> Result<FetchReport> {
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
