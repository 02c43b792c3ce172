//! Bodies over [`crate::INLINE_BODY_MAX`]: one age file each under `<store>/bodies/`,
//! encrypted to an X25519 key derived from the store key, written durably before the row
//! that names them commits and removed after the row's deletion commits.
//!
//! Must not leave plaintext on disk, and must not delete a file another process may be
//! about to reference (the orphan sweep only takes files older than an hour).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use hkdf::Hkdf;
use hushpost_core::agelayer;
use hushpost_core::identity::XKeyPair;
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::{Store, StoreError};

/// Sub-directory of the store holding large bodies.
pub(crate) const BODIES_DIR: &str = "bodies";

/// HKDF info for the body key; changing it orphans every existing body file.
const BODY_KEY_INFO: &[u8] = b"hushpost v1 store bodies";

/// A file that no row references is removed at open only once it is this old: younger ones
/// may belong to another process's insert that has not committed yet.
const ORPHAN_AGE: Duration = Duration::from_secs(3600);

/// A 32-byte key derived from the store key for one purpose.
pub(crate) fn derive(store_key: &[u8; 32], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut okm = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, store_key)
        .expand(info, okm.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    okm
}

/// The body directory and the key its files are encrypted to.
pub(crate) struct Bodies {
    dir: PathBuf,
    key: XKeyPair,
}

impl Bodies {
    /// Derives the body key from the store key.
    pub(crate) fn new(store_dir: &Path, store_key: &[u8; 32]) -> Bodies {
        let okm = derive(store_key, BODY_KEY_INFO);
        Bodies {
            dir: store_dir.join(BODIES_DIR),
            key: XKeyPair::from_bytes(&okm),
        }
    }

    fn path(&self, name: &str) -> Result<PathBuf, StoreError> {
        if !is_body_name(name) {
            return Err(StoreError::Corrupt(format!(
                "a message refers to an invalid body file name {name:?}"
            )));
        }
        Ok(self.dir.join(name))
    }

    /// Creates the body directory on first use, and makes its entry in the store directory
    /// durable: a body file in a directory that vanishes on a crash is lost all the same.
    fn ensure_dir(&self) -> Result<(), StoreError> {
        if self.dir.is_dir() {
            return Ok(());
        }
        hushpost_durable::create_private_dir(&self.dir)
            .map_err(|e| StoreError::io(e, &self.dir))?;
        let parent = self
            .dir
            .parent()
            .expect("the body directory is inside the store");
        hushpost_durable::sync_dir(parent).map_err(|e| StoreError::io(e, parent))
    }

    /// Encrypts `raw` into a new file, durably, and returns its name.
    pub(crate) fn write(&self, raw: &[u8]) -> Result<String, StoreError> {
        self.ensure_dir()?;
        let mut id = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let name = format!("{}.age", hex::encode(id));
        let path = self.dir.join(&name);
        let sealed = agelayer::encrypt_x25519(&self.key.public(), raw);
        hushpost_durable::write_new(&path, &sealed).map_err(|e| StoreError::io(e, &path))?;
        Ok(name)
    }

    /// Reads and decrypts a body file.
    pub(crate) fn read(&self, name: &str) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let path = self.path(name)?;
        let sealed = fs::read(&path).map_err(|e| StoreError::io(e, &path))?;
        let (raw, _) = agelayer::decrypt_x25519(&sealed, &[&self.key]).map_err(|e| {
            StoreError::Corrupt(format!(
                "body file {} does not decrypt: {e}",
                path.display()
            ))
        })?;
        Ok(raw)
    }

    /// Removes a body file durably; a file already gone is fine.
    pub(crate) fn remove(&self, name: &str) -> Result<(), StoreError> {
        let path = self.path(name)?;
        match hushpost_durable::remove_durable(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io(e, &path)),
        }
    }

    /// Files (and leftover temp files) in the body directory older than [`ORPHAN_AGE`].
    fn old_files(&self) -> Result<Vec<String>, StoreError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io(e, &self.dir)),
        };
        let cutoff = SystemTime::now()
            .checked_sub(ORPHAN_AGE)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(e, &self.dir))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let ours = is_body_name(&name) || is_temp_name(&name);
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < cutoff);
            if ours && old {
                out.push(name);
            }
        }
        Ok(out)
    }
}

/// `<32 hex>.age`, the only names [`Bodies::write`] produces; anything else in a row is
/// refused so a damaged database cannot point reads or deletes outside the directory.
fn is_body_name(name: &str) -> bool {
    name.strip_suffix(".age")
        .is_some_and(|stem| stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A temp file `hushpost_durable::write_new` leaves behind if it crashes mid-write:
/// `.<body name>.<16 hex>.tmp`.
fn is_temp_name(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_suffix(".tmp"))
        .and_then(|n| n.rsplit_once('.'))
        .is_some_and(|(body, suffix)| {
            is_body_name(body)
                && suffix.len() == 16
                && suffix.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// Names in `dir` older than [`ORPHAN_AGE`] that `ours` accepts (the store's own names, or
/// temp files `write_new` left behind).
fn old_names(dir: &Path, ours: fn(&str) -> bool) -> Result<Vec<String>, StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io(e, dir)),
    };
    let cutoff = SystemTime::now()
        .checked_sub(ORPHAN_AGE)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io(e, dir))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let temp = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.rsplit_once('.'))
            .is_some_and(|(base, _)| ours(base));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < cutoff);
        if (ours(&name) || temp) && old {
            out.push(name);
        }
    }
    Ok(out)
}

/// A sub-directory of the store, which of its names are ours, and the query listing the
/// names rows still reference.
type OrphanSet = (&'static str, fn(&str) -> bool, &'static str);

impl Store {
    /// Removes part files and early fragments no row references (a crash between a file's
    /// creation and its row's commit, or between a deletion's commit and the file's removal).
    fn sweep_orphan_files(&self) -> Result<(), StoreError> {
        let sets: [OrphanSet; 2] = [
            (
                crate::parts::PARTS_DIR,
                crate::parts::is_part_name,
                "SELECT file FROM parts WHERE file IS NOT NULL UNION SELECT file FROM partial_files",
            ),
            (
                crate::partial::EARLY_DIR,
                crate::partial::is_early_name,
                "SELECT file FROM early",
            ),
        ];
        for (sub, ours, sql) in sets {
            let dir = self.dir.join(sub);
            let candidates = old_names(&dir, ours)?;
            if candidates.is_empty() {
                continue;
            }
            let mut stmt = self.conn.prepare(sql)?;
            let referenced = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<HashSet<String>, _>>()?;
            for name in candidates.iter().filter(|n| !referenced.contains(*n)) {
                let path = dir.join(name);
                match hushpost_durable::remove_durable(&path) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        return Err(StoreError::io(e, &path));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Removes body files that no message references: left by a crash between a delete's
    /// commit and the file removal, or by an insert that failed after writing its file.
    pub(crate) fn sweep_orphan_bodies(&self) -> Result<(), StoreError> {
        self.sweep_orphan_files()?;
        let candidates = self.bodies.old_files()?;
        if candidates.is_empty() {
            return Ok(());
        }
        let mut stmt = self
            .conn
            .prepare("SELECT body_file FROM messages WHERE body_file IS NOT NULL")?;
        let referenced = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<HashSet<String>, _>>()?;
        for name in candidates {
            if referenced.contains(&name) {
                continue;
            }
            let path = self.bodies.dir.join(&name);
            match hushpost_durable::remove_durable(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io(e, &path)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generated_names_are_accepted() {
        assert!(is_body_name("0123456789abcdef0123456789abcdef.age"));
        assert!(!is_body_name("../0123456789abcdef0123456789abcd.age"));
        assert!(!is_body_name("0123456789abcdef0123456789abcdef.txt"));
        assert!(is_temp_name(
            ".0123456789abcdef0123456789abcdef.age.0011223344556677.tmp"
        ));
        assert!(!is_temp_name(".bashrc.tmp"));
    }
}
