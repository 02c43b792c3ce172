//! The folder drop: a local directory, USB stick, network share or synced folder, possibly
//! shared by many contacts.
//!
//! A blob is the file `<tag hex>.<16 random hex>`; it is written as a dot-prefixed temp
//! name, fsynced and renamed, so a reader never sees half a blob. Fetching lists the folder
//! and takes only names whose tag is one of ours; everything else is left alone.

use crate::{DeadDrop, Fetched, Flow, PutOptions, Result, TransportError};
use hushpost_core::{FetchCap, Tag};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A folder drop.
#[derive(Debug)]
pub struct DirDrop {
    root: PathBuf,
}

impl DirDrop {
    /// The drop at `root` (not touched until used).
    pub fn new(root: &Path) -> Self {
        DirDrop {
            root: root.to_path_buf(),
        }
    }

    fn map_err(&self, e: io::Error) -> TransportError {
        let at = self.root.display().to_string();
        if e.kind() == io::ErrorKind::NotFound && !self.root.exists() {
            TransportError::DirMissing(self.root.clone())
        } else if e.kind() == io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(30) {
            TransportError::PermissionDenied(at)
        } else if hushpost_durable::is_disk_full(&e) {
            TransportError::DiskFull(at)
        } else {
            TransportError::Io(e, at)
        }
    }

    fn random_id() -> String {
        use rand::RngCore;
        let mut b = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex::encode(b)
    }
}

/// What a folder drop exposes. A file's name starts with the pair's daily tag, so everyone
/// who can list the folder can count one conversation's files per day; on a shared Unix
/// folder (or a sync service) the file's owner (the uploading account) names the writer.
pub(crate) fn exposure(_: &hushpost_core::route::DirRoute, u: crate::Usage) -> crate::Exposure {
    let timing = u.timing();
    crate::Exposure {
        how: "folder drop".into(),
        who: "sender not in the file",
        seen: "folder readers see file times and owners".into(),
        operator: format!(
            "anyone who can read the folder: fixed-size files whose names start with the pair's daily tag (so how many files each conversation writes a day, and when), and on a shared folder the file's owner, which names the writer; not content{timing}"
        ),
        network: "nothing (a local folder; a sync service sees file times and the account that wrote each file)".into(),
        contact_sees: crate::CONTACT_KEEPS,
    }
}

/// Splits `<64 hex>.<16 hex>` into its tag; anything else is not ours to touch.
fn parse_name(name: &str) -> Option<Tag> {
    let (tag, id) = name.split_once('.')?;
    if id.len() != 16 || !id.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Tag::from_hex(tag)
}

impl DeadDrop for DirDrop {
    fn put(&mut self, tag: &Tag, blob: &[u8], opts: PutOptions) -> Result<()> {
        let (_, r) = self.put_batch(tag, &[blob], opts);
        r
    }

    /// Every blob is written to its temp name, then the batch is fsynced at once, renamed
    /// into place in order, and the folder synced once: a crash leaves whole blobs or temp
    /// files (which no reader takes), and the count returned is durable.
    fn put_batch(&mut self, tag: &Tag, blobs: &[&[u8]], _opts: PutOptions) -> (usize, Result<()>) {
        if !self.root.is_dir() {
            return (0, Err(TransportError::DirMissing(self.root.clone())));
        }
        let mut written = Vec::with_capacity(blobs.len());
        let mut failed = None;
        for blob in blobs {
            let final_path = self
                .root
                .join(format!("{}.{}", tag.hex(), Self::random_id()));
            // Drop files are readable by whoever shares the folder; they are ciphertext.
            match hushpost_durable::write_temp_unsynced(&final_path, blob, 0o644) {
                Ok(t) => written.push(t),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let (done, r) = hushpost_durable::commit_batch(&self.root, &written, false);
        match r.err().or(failed) {
            Some(e) => (done, Err(self.map_err(e))),
            None => (done, Ok(())),
        }
    }

    fn fetch(&mut self, caps: &[FetchCap], sink: &mut dyn FnMut(Fetched) -> Flow) -> Result<()> {
        let mut names = Vec::new();
        for entry in fs::read_dir(&self.root).map_err(|e| self.map_err(e))? {
            let entry = entry.map_err(|e| self.map_err(e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        let mut mine = crate::ours(caps, names, parse_name);
        crate::small_first(&mut mine, |name| {
            fs::metadata(self.root.join(name)).map_or(u64::MAX, |m| m.len())
        });
        crate::hand_over(
            mine,
            |name| match fs::read(self.root.join(name)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(self.map_err(e)),
            },
            sink,
        )
    }

    fn delete(&mut self, caps: &[FetchCap], items: &[(usize, String)]) -> Result<()> {
        let names: Vec<_> = crate::deletable(caps, items, parse_name).collect();
        // A few threads: freeing a large blob's blocks (and the discard a `discard` mount
        // issues) runs outside the directory's lock, so 4,000 unlinks of a 1 GiB message
        // take 0.25 s instead of 0.43 s per 2,000 measured serially.
        let threads = names.len().div_ceil(256).clamp(1, 4);
        let root = &self.root;
        let failed = std::thread::scope(|scope| {
            let workers: Vec<_> = names
                .chunks(names.len().div_ceil(threads).max(1))
                .map(|chunk| {
                    scope.spawn(move || {
                        for name in chunk {
                            match fs::remove_file(root.join(name)) {
                                Ok(()) => {}
                                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                                Err(e) => return Some(e),
                            }
                        }
                        None
                    })
                })
                .collect();
            workers
                .into_iter()
                .find_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        });
        if let Some(e) = failed {
            return Err(self.map_err(e));
        }
        hushpost_durable::sync_dir(&self.root).map_err(|e| self.map_err(e))
    }
}
