//! The outbox: sealed blobs waiting for a send slot, readable without the passphrase so an
//! unattended `poll` can move them (they are ciphertext; the route and tag are what the
//! network sees anyway).
//!
//! ```text
//! outbox/<dest id>/route                 the route URL (written once)
//! outbox/<dest id>/<nanos>-<rand>.blob   one JSON header line, "\n", the sealed blob
//! ```
//! Entries are written durably (`tmp → fsync → link → fsync(dir)`) before `send` returns,
//! taken in name order (FIFO), and removed only after the drop acknowledged them.

use hushpost_core::route::Via;
use hushpost_core::{Route, Tag};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

/// The outbox folder.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

/// One queued blob.
#[derive(Debug, Clone)]
pub struct Queued {
    /// Its file.
    pub path: PathBuf,
    /// The tag to put it under.
    pub tag: Tag,
    /// An intro post (relays ask for proof of work).
    pub intro: bool,
    /// Blob size (a bucket size).
    pub size: usize,
    /// The network mode its plan chose when it was queued (or replanned since).
    pub via: Option<Via>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    tag: String,
    #[serde(default)]
    intro: bool,
    size: usize,
    /// What the plan chose at queue time: a locked `poll` has no keyring to plan with.
    #[serde(default)]
    via: Option<Via>,
}

/// The stable folder name of a destination.
pub fn dest_id(route: &Route) -> String {
    let mut h = Sha256::new();
    h.update(b"hushpost outbox\0");
    h.update(route.to_string().as_bytes());
    hex::encode(&h.finalize()[..12])
}

impl Outbox {
    /// The outbox at `dir` (created on first enqueue).
    pub fn new(dir: &Path) -> Outbox {
        Outbox {
            dir: dir.to_path_buf(),
        }
    }

    /// Queues a sealed blob for `route` under `tag`, durably.
    pub fn enqueue(
        &self,
        route: &Route,
        tag: &Tag,
        blob: &[u8],
        intro: bool,
        via: Via,
    ) -> io::Result<()> {
        let d = self.dir.join(dest_id(route));
        hushpost_durable::create_private_dir(&d)?;
        let rf = d.join("route");
        if !rf.exists() {
            hushpost_durable::write_atomic(&rf, route.to_string().as_bytes())?;
        }
        let header = serde_json::to_string(&Header {
            tag: tag.hex(),
            intro,
            size: blob.len(),
            via: Some(via),
        })
        .map_err(io::Error::other)?;
        let mut bytes = Vec::with_capacity(header.len() + 1 + blob.len());
        bytes.extend_from_slice(header.as_bytes());
        bytes.push(b'\n');
        bytes.extend_from_slice(blob);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut r = [0u8; 4];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut r);
        hushpost_durable::write_new(
            &d.join(format!("{nanos:024}-{}.blob", hex::encode(r))),
            &bytes,
        )
    }

    /// Every destination with its folder.
    pub fn destinations(&self) -> io::Result<Vec<(Route, PathBuf)>> {
        let mut v = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(v),
            Err(e) => return Err(e),
        };
        for e in entries {
            let p = e?.path();
            if let Ok(text) = std::fs::read_to_string(p.join("route"))
                && let Ok(r) = text.trim().parse::<Route>()
            {
                v.push((r, p));
            }
        }
        v.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(v)
    }

    /// The queue of one destination, oldest first.
    pub fn queued(&self, route: &Route) -> io::Result<Vec<Queued>> {
        let d = self.dir.join(dest_id(route));
        let mut names: Vec<PathBuf> = match std::fs::read_dir(&d) {
            Ok(e) => e
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "blob"))
                .collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        names.sort();
        let mut v = Vec::new();
        for path in names {
            let head = read_header(&path)?;
            let Some(tag) = Tag::from_hex(&head.tag) else {
                continue;
            };
            v.push(Queued {
                path,
                tag,
                intro: head.intro,
                size: head.size,
                via: head.via,
            });
        }
        Ok(v)
    }

    /// The sealed bytes of an entry.
    pub fn blob(&self, q: &Queued) -> io::Result<Vec<u8>> {
        let bytes = std::fs::read(&q.path)?;
        let nl = bytes
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| io::Error::other("outbox entry without header"))?;
        Ok(bytes[nl + 1..].to_vec())
    }

    /// Removes a sent entry (durably).
    pub fn remove(&self, q: &Queued) -> io::Result<()> {
        match hushpost_durable::remove_durable(&q.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            r => r,
        }
    }

    /// Number of queued blobs across destinations.
    pub fn pending(&self) -> usize {
        self.destinations()
            .map(|ds| {
                ds.iter()
                    .map(|(r, _)| self.queued(r).map(|q| q.len()).unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0)
    }
}

impl Outbox {
    /// Plans every queued blob again (after `contact via` changed): its stored network mode
    /// becomes what [`crate::dial::plan`] says now for a queued send on its route. Headers
    /// are rewritten durably; the blob bytes do not change.
    pub fn replan(
        &self,
        config: &crate::config::Config,
        policy: &crate::dial::Policy,
    ) -> io::Result<()> {
        for (route, _) in self.destinations()? {
            let vias: Vec<Option<Via>> = policy
                .users
                .iter()
                .filter(|(r, _)| *r == route)
                .map(|(_, v)| *v)
                .collect();
            // Several contacts may share the route: the strictest of their plans.
            let tor = vias.iter().chain(std::iter::once(&None)).any(|v| {
                crate::dial::plan(
                    config,
                    policy,
                    &route,
                    *v,
                    crate::dial::Operation::SendQueued,
                    None,
                )
                .is_ok_and(|p| p.tor())
            });
            let via = if tor { Via::Tor } else { Via::Direct };
            for q in self.queued(&route)? {
                if q.via == Some(via) {
                    continue;
                }
                let bytes = std::fs::read(&q.path)?;
                let nl = bytes
                    .iter()
                    .position(|b| *b == b'\n')
                    .ok_or_else(|| io::Error::other("outbox entry without header"))?;
                let mut head: Header =
                    serde_json::from_slice(&bytes[..nl]).map_err(io::Error::other)?;
                head.via = Some(via);
                let mut out = serde_json::to_vec(&head).map_err(io::Error::other)?;
                out.extend_from_slice(&bytes[nl..]);
                hushpost_durable::write_atomic(&q.path, &out)?;
            }
        }
        Ok(())
    }
}

fn read_header(path: &Path) -> io::Result<Header> {
    use std::io::BufRead;
    let mut line = String::new();
    io::BufReader::new(std::fs::File::open(path)?).read_line(&mut line)?;
    serde_json::from_str(line.trim_end()).map_err(io::Error::other)
}
