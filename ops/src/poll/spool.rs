//! The spool: blobs a poll fetched from our own routes, still sealed, waiting to be opened
//! (at once by an unlocked poll, at the next unlock otherwise). One file per blob: a JSON
//! line naming the capability it came under (and whether a relay said it was posted
//! without proof of work), then the blob. Who the capability belongs to is worked out only
//! with the keyring, so the spool says nothing about the sender.

use hushpost_core::FetchCap;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The first line of a spool file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SpoolHead {
    /// The capability, hex.
    pub(crate) cap: String,
    /// A relay stamps intro posts; this blob came without a stamp.
    #[serde(default)]
    pub(crate) unstamped: bool,
}

/// Writes one spooled blob durably.
pub(crate) fn write(
    dir: &Path,
    cap: &FetchCap,
    unstamped: bool,
    blob: &[u8],
) -> std::io::Result<()> {
    hushpost_durable::create_private_dir(dir)?;
    let head = SpoolHead {
        cap: cap.hex(),
        unstamped,
    };
    let mut bytes = serde_json::to_vec(&head).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    bytes.extend_from_slice(blob);
    let mut r = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut r);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    hushpost_durable::write_new(
        &dir.join(format!("{nanos:024}-{}.blob", hex::encode(r))),
        &bytes,
    )
}

/// Sorts what a poll fetches without opening anything: our own chaff (by hash) is only
/// noted; everything else is spooled.
pub(super) struct Sorter {
    ours: std::collections::HashSet<[u8; 32]>,
    dir: std::path::PathBuf,
    /// Our loop blobs that came back.
    pub(super) loops_back: Vec<[u8; 32]>,
    /// Blobs spooled.
    pub(super) spooled: usize,
    /// The spool could not take a blob (the fetch stops there).
    pub(super) failure: Option<crate::error::Error>,
}

impl Sorter {
    pub(super) fn new(tick: &super::Tick<'_>) -> Sorter {
        Sorter {
            ours: tick.state.loop_hashes(),
            dir: super::spool_dir(tick.home),
            loops_back: Vec::new(),
            spooled: 0,
            failure: None,
        }
    }

    /// Takes one fetched blob; `false`: stop fetching (it was not kept, do not delete it).
    pub(super) fn take(&mut self, cap: &FetchCap, f: &hushpost_transports::Fetched) -> bool {
        let hash = hushpost_core::pow::blob_hash(&f.blob);
        if self.ours.contains(&hash) {
            self.loops_back.push(hash);
            return true;
        }
        match write(&self.dir, cap, f.unstamped, &f.blob) {
            Ok(()) => {
                self.spooled += 1;
                true
            }
            Err(e) => {
                self.failure = Some(crate::error::Error::Io(e, self.dir.clone()));
                false
            }
        }
    }
}
