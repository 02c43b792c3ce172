//! What a locked `poll` fetched, still sealed, opened at the next unlock: the spool files
//! (one JSON owner line, then the blob) are processed like a fetch and removed once stored
//! or refused (pieces of incomplete large messages stay).

use super::process::Run;
use super::{BATCH, FetchReport, Rejection};
use crate::error::{Error, Result};
use crate::keys::Owner;
use crate::poll::keys::CapOwner;
use crate::session::Session;
use hushpost_transports::Fetched;
use std::collections::HashMap;
use std::path::PathBuf;

impl Session {
    /// Opens and stores what a locked poll spooled (still sealed) since the last unlock.
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
            let owner: CapOwner = serde_json::from_slice(&bytes[..nl]).unwrap_or(CapOwner::Intro);
            items.push((path, owner, bytes[nl + 1..].to_vec()));
        }
        if items.is_empty() {
            return Ok(FetchReport::default());
        }
        self.ingest_spooled(items)
    }

    fn ingest_spooled(&mut self, items: Vec<(PathBuf, CapOwner, Vec<u8>)>) -> Result<FetchReport> {
        let by_key: HashMap<String, usize> = (0..self.keys.contact_states().len())
            .filter_map(|i| self.keys.contact_ed(i).map(|ed| (hex::encode(ed), i)))
            .collect();
        let mut owners = Vec::new();
        let mut batch = Vec::new();
        for (i, (path, owner, blob)) in items.into_iter().enumerate() {
            owners.push(match owner {
                CapOwner::Contact(k) => by_key.get(&k).map_or(Owner::Decoy, |i| Owner::Contact(*i)),
                CapOwner::Intro => Owner::Intro,
                CapOwner::Loop => Owner::Loop,
            });
            batch.push(Fetched {
                cap: i,
                id: path.to_string_lossy().into_owned(),
                blob,
            });
        }
        let mut run = Run::new("spool".into());
        // Blobs whose contact was removed meanwhile cannot be opened: refuse them.
        for (f, o) in batch.iter().zip(owners.iter()) {
            if *o == Owner::Decoy {
                run.report.rejected.push(Rejection {
                    route: "spool".into(),
                    reason: "sender is not one of your contacts".into(),
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
