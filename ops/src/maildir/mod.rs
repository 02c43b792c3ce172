//! A Maildir that mail clients (neomutt, aerc, notmuch) read: hushpost's messages delivered
//! as the Maildir spec says (written and fsynced in `tmp/`, then linked into `new/`, or into
//! `cur/` with `:2,S` when already read, under names no other delivery uses; a batch is
//! fsynced by several threads at once, which costs one journal commit instead of one per
//! message), their read
//! flag moved between `S` and hushpost, and removed when hushpost deleted them. `sync.rs`
//! decides what to do; this file only does it to the folder.
//!
//! Must not: touch a file it did not deliver (names carry this store's instance), replace
//! any file (delivery links, which refuses an existing name), or leave a half-written
//! message outside `tmp/`. The folder is plaintext at rest: callers say so.

mod sync;

pub use sync::Synced;
pub(crate) use sync::Which;

use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The last part of every file name hushpost delivers (the spec's "host" part: a fixed word,
/// so names never carry the machine's name).
const HOST: &str = "hushpost";

/// Messages written per batch before they are fsynced together and linked.
pub(crate) const BATCH: usize = 64;

/// A message written into `tmp/`, not yet synced or linked.
#[derive(Debug)]
pub(crate) struct Pending {
    tmp: PathBuf,
    target: PathBuf,
    file: std::fs::File,
}

/// One message file of ours, as found in `new/` or `cur/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The file's path.
    pub(crate) path: PathBuf,
    /// The unique part of its name (before `:`).
    pub(crate) base: String,
    /// In `cur/`.
    pub(crate) cur: bool,
    /// The flags after `:2,` (empty in `new/`).
    pub(crate) flags: String,
}

impl Found {
    /// Read, as the client sees it: the `S` flag.
    pub(crate) fn seen(&self) -> bool {
        self.cur && self.flags.contains('S')
    }
}

/// A Maildir folder and the instance whose files in it are ours.
#[derive(Debug, Clone)]
pub(crate) struct Folder {
    dir: PathBuf,
    instance: String,
}

impl Folder {
    /// The folder at `dir` (its `cur/`, `new/` and `tmp/` created, private, if missing).
    pub(crate) fn open(dir: &Path, instance: &str) -> std::io::Result<Folder> {
        for sub in ["cur", "new", "tmp"] {
            hushpost_durable::create_private_dir(&dir.join(sub))?;
        }
        Ok(Folder {
            dir: dir.to_path_buf(),
            instance: instance.to_string(),
        })
    }

    /// Holds the folder for one sync: an exclusive lock on its `tmp/` directory, so two
    /// hushpost processes (a fetch and a send) never deliver the same message twice.
    pub(crate) fn lock(&self) -> std::io::Result<std::fs::File> {
        let f = std::fs::File::open(self.dir.join("tmp"))?;
        f.lock()?;
        Ok(f)
    }

    /// The unique name of stored message `id`.
    pub(crate) fn base(&self, id: i64, received_at: u64) -> String {
        format!("{received_at}.hp{}-{id}.{HOST}", self.instance)
    }

    /// The message id a base name of ours carries.
    fn id_of(&self, base: &str) -> Option<i64> {
        let mut parts = base.split('.');
        let (_time, middle, host) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || host != HOST {
            return None;
        }
        middle
            .strip_prefix("hp")?
            .strip_prefix(self.instance.as_str())?
            .strip_prefix('-')?
            .parse()
            .ok()
    }

    /// Every file of ours in `new/` and `cur/`, by message id (the first one found if a
    /// client copied one). Also removes our own leftovers in `tmp/` (a crash mid-delivery;
    /// the caller holds the lock, so no delivery of ours is under way).
    pub(crate) fn scan(&self) -> std::io::Result<HashMap<i64, Found>> {
        let mut out = HashMap::new();
        for (sub, cur) in [("new", false), ("cur", true)] {
            for e in std::fs::read_dir(self.dir.join(sub))? {
                let e = e?;
                let name = e.file_name().to_string_lossy().into_owned();
                let (base, info) = name.split_once(':').unwrap_or((&name, ""));
                let Some(id) = self.id_of(base) else {
                    continue;
                };
                let flags = info.strip_prefix("2,").unwrap_or("").to_string();
                out.entry(id).or_insert_with(|| Found {
                    path: e.path(),
                    base: base.to_string(),
                    cur,
                    flags,
                });
            }
        }
        for e in std::fs::read_dir(self.dir.join("tmp"))? {
            let e = e?;
            if self.id_of(&e.file_name().to_string_lossy()).is_some() {
                std::fs::remove_file(e.path())?;
            }
        }
        Ok(out)
    }

    /// Writes the message made of `parts` into `tmp/base` (not yet synced or linked: see
    /// [`Folder::deliver`]). On failure nothing is left in `tmp/`.
    pub(crate) fn write(
        &self,
        base: &str,
        parts: &[&[u8]],
        seen: bool,
    ) -> std::io::Result<Pending> {
        self.write_with(base, seen, &mut |w| {
            parts.iter().try_for_each(|p| w.write_all(p))
        })
    }

    /// [`Folder::write`] with the message written by `fill` as a stream (a message with
    /// large attachments is never held whole).
    pub(crate) fn write_with(
        &self,
        base: &str,
        seen: bool,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<Pending> {
        let tmp = self.dir.join("tmp").join(base);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        let written = fill(&mut w).and_then(|()| w.flush());
        let file = match (written, w.into_inner()) {
            (Ok(()), Ok(f)) => f,
            (Err(e), _) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
            (Ok(()), Err(e)) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e.into_error());
            }
        };
        let target = if seen {
            self.dir.join("cur").join(format!("{base}:2,S"))
        } else {
            self.dir.join("new").join(base)
        };
        Ok(Pending { tmp, target, file })
    }

    /// Delivers written messages, in order: each is fsynced (all at once, so the file
    /// system commits them together), then linked into `new/` or `cur/` — link, not
    /// rename, so an existing name is refused rather than replaced. Returns how many were
    /// delivered before the first failure (the rest leave nothing behind). The directories
    /// are synced by [`Folder::sync`].
    pub(crate) fn deliver(&self, batch: Vec<Pending>) -> (usize, std::io::Result<()>) {
        let files: Vec<&std::fs::File> = batch.iter().map(|p| &p.file).collect();
        let synced = hushpost_durable::sync_all_parallel(&files);
        let mut done = 0;
        let mut result = Ok(());
        for (p, synced) in batch.iter().zip(synced) {
            if result.is_ok() {
                result = synced.and_then(|()| std::fs::hard_link(&p.tmp, &p.target));
                if result.is_ok() {
                    done += 1;
                }
            }
            let _ = std::fs::remove_file(&p.tmp);
        }
        (done, result)
    }

    /// Sets or clears the `S` flag of a file of ours (a file in `new/` moves to `cur/`).
    pub(crate) fn set_seen(&self, f: &Found, seen: bool) -> std::io::Result<()> {
        let mut flags: Vec<char> = f.flags.chars().filter(|c| *c != 'S').collect();
        if seen {
            flags.push('S');
        }
        flags.sort_unstable();
        flags.dedup();
        let flags: String = flags.into_iter().collect();
        let target = self.dir.join("cur").join(format!("{}:2,{flags}", f.base));
        std::fs::rename(&f.path, target)
    }

    /// Makes deliveries, renames and removals durable (fsync of `new/`, `cur/`, `tmp/`).
    pub(crate) fn sync(&self) -> std::io::Result<()> {
        for sub in ["new", "cur", "tmp"] {
            hushpost_durable::sync_dir(&self.dir.join(sub))?;
        }
        Ok(())
    }

    /// The folder.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests;
