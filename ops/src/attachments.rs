//! Saving attachments to the user's disk, for the CLI and the TUI alike: never over an
//! existing file (create-new), private (0600) and durable (fsync of the file and its
//! folder), under a cleaned-up name.
//!
//! Attachments of any size are streamed (`save_stream_into`), never held whole.
//!
//! Must not: replace a file, follow a planted link, write outside the chosen folder, or
//! leave a half-written file.

use crate::error::{Error, Result};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Writes a new file at `path`; fails if anything (a file, a link) is already there.
pub fn save_new(path: &Path, data: &[u8]) -> Result<()> {
    let io = |e| Error::Io(e, path.to_path_buf());
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io)?;
    f.write_all(data).map_err(io)?;
    f.sync_all().map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        hushpost_durable::sync_dir(dir).map_err(|e| Error::Io(e, dir.to_path_buf()))?;
    }
    Ok(())
}

/// Saves `data` into `dir` under the sender's `name` (made safe), numbering it when that
/// name is taken; returns where it went.
pub fn save_into(dir: &Path, name: &str, data: &[u8]) -> Result<PathBuf> {
    hushpost_durable::create_private_dir(dir).map_err(|e| Error::Io(e, dir.to_path_buf()))?;
    let base = hushpost_core::sanitize::file_name(name);
    let mut n = 1;
    loop {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{n}-{base}")
        };
        let p = dir.join(&candidate);
        match save_new(&p, data) {
            Err(Error::Io(e, _)) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => {
                n += 1;
            }
            r => return r.map(|()| p),
        }
    }
}

/// Bytes copied per step when streaming an attachment out (bounded memory whatever its
/// size).
const STREAM_STEP: usize = 1 << 20;

/// Streams `len` bytes of `src` into a new file at `path` (create-new, 0600, fsynced with
/// its folder), calling `progress` with the bytes written so far. On any error the partial
/// file is removed: nothing half-written is left behind.
pub fn save_new_from(
    path: &Path,
    src: &dyn hushpost_core::envelope::v2::ContentSource,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let io = |e| Error::Io(e, path.to_path_buf());
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io)?;
    let copied = (|| -> std::io::Result<()> {
        let mut buf = zeroize::Zeroizing::new(vec![0u8; STREAM_STEP]);
        let len = src.len();
        let mut at = 0u64;
        while at < len {
            let n = (len - at).min(STREAM_STEP as u64) as usize;
            src.read_exact_at(&mut buf[..n], at)?;
            f.write_all(&buf[..n])?;
            at += n as u64;
            progress(at);
        }
        f.sync_all()
    })();
    if let Err(e) = copied {
        drop(f);
        let _ = std::fs::remove_file(path);
        return Err(io(e));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        hushpost_durable::sync_dir(dir).map_err(|e| Error::Io(e, dir.to_path_buf()))?;
    }
    Ok(())
}

/// [`save_into`] for an attachment read as a stream (a stored part of any size): saved
/// into `dir` under the sender's `name` (made safe), numbered when that name is taken.
pub fn save_stream_into(
    dir: &Path,
    name: &str,
    src: &dyn hushpost_core::envelope::v2::ContentSource,
    progress: &mut dyn FnMut(u64),
) -> Result<PathBuf> {
    hushpost_durable::create_private_dir(dir).map_err(|e| Error::Io(e, dir.to_path_buf()))?;
    let base = hushpost_core::sanitize::file_name(name);
    let mut n = 1;
    loop {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{n}-{base}")
        };
        let p = dir.join(&candidate);
        match save_new_from(&p, src, progress) {
            Err(Error::Io(e, _)) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => {
                n += 1;
            }
            r => return r.map(|()| p),
        }
    }
}
