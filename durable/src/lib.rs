//! Atomic, durable file writes and private permissions — the one place hushpost touches
//! `fsync`, so every crate that persists something (keyring, store, dir drop, outbox) gets
//! the same crash guarantees: `tmp → fsync(file) → rename → fsync(dir)`.
//!
//! Must not know anything about what it writes.
#![forbid(unsafe_code)]

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode of every directory hushpost creates for itself.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file hushpost creates for itself.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and parents) with mode 0700 if missing. Existing directories are left as
/// they are (see [`check_private`]).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
}

/// Why a path is not private enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotPrivate {
    /// The path.
    pub path: PathBuf,
    /// Its permission bits.
    pub mode: u32,
    /// Whether it is a directory.
    pub is_dir: bool,
}

impl std::fmt::Display for NotPrivate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let want = if self.is_dir { "700" } else { "600" };
        write!(
            f,
            "{} is accessible by group or others (mode {:o}); fix it with: chmod {want} {}",
            self.path.display(),
            self.mode & 0o777,
            self.path.display()
        )
    }
}

/// Refuses a path that group or others can access (as OpenSSH does for keys).
pub fn check_private(path: &Path) -> io::Result<Result<(), NotPrivate>> {
    let meta = fs::metadata(path)?;
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Ok(Err(NotPrivate {
            path: path.to_path_buf(),
            mode,
            is_dir: meta.is_dir(),
        }));
    }
    Ok(Ok(()))
}

/// The owner uid of a path.
pub fn owner(path: &Path) -> io::Result<u32> {
    Ok(fs::metadata(path)?.uid())
}

/// fsync a directory so a rename or unlink inside it is durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Threads [`sync_all_parallel`] fsyncs from.
const SYNC_THREADS: usize = 16;

/// fsyncs every file of `files` from several threads at once, and returns each result in
/// order. A journaling file system (ext4, xfs) commits fsyncs that wait together in one
/// journal transaction, so a batch costs about one flush instead of one per file.
pub fn sync_all_parallel(files: &[&File]) -> Vec<io::Result<()>> {
    if files.len() <= 1 {
        return files.iter().map(|f| f.sync_all()).collect();
    }
    let chunks: Vec<&[&File]> = files.chunks(files.len().div_ceil(SYNC_THREADS)).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|c| s.spawn(move || c.iter().map(|f| f.sync_all()).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .zip(&chunks)
            .flat_map(|(h, c)| {
                h.join().unwrap_or_else(|_| {
                    c.iter()
                        .map(|_| Err(io::Error::other("fsync thread panicked")))
                        .collect()
                })
            })
            .collect()
    })
}

/// Creates a new temporary file beside `path` (mode `mode`) holding `bytes`, *not* synced:
/// the caller makes a batch durable with [`sync_all_parallel`] and renames each into place.
/// On error nothing is left behind.
pub fn write_temp_unsynced(path: &Path, bytes: &[u8], mode: u32) -> io::Result<TempFile> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent_of(path).join(format!(".{name}.{}.tmp", random_suffix()));
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)?;
    if let Err(e) = f.write_all(bytes) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(TempFile {
        tmp,
        file: f,
        target: path.to_path_buf(),
    })
}

/// A file written by [`write_temp_unsynced`] and where it goes.
#[derive(Debug)]
pub struct TempFile {
    /// The temporary path.
    pub tmp: PathBuf,
    /// The open file.
    pub file: File,
    /// Its final path.
    pub target: PathBuf,
}

/// Puts a batch of temporary files (all in `dir`) in place durably: all are fsynced at
/// once ([`sync_all_parallel`]), then moved in order (`link`: hard-linked, which refuses an
/// existing name, then the temp removed; else renamed), then `dir` is synced once. Returns
/// how many of the first are in place durably; everything past a failure is removed.
pub fn commit_batch(dir: &Path, batch: &[TempFile], link: bool) -> (usize, io::Result<()>) {
    let files: Vec<&File> = batch.iter().map(|t| &t.file).collect();
    let synced = sync_all_parallel(&files);
    let mut done = 0;
    let mut result = Ok(());
    for (t, s) in batch.iter().zip(synced) {
        if result.is_ok() {
            let placed = s.and_then(|()| {
                if link {
                    fs::hard_link(&t.tmp, &t.target)
                } else {
                    fs::rename(&t.tmp, &t.target)
                }
            });
            match placed {
                Ok(()) => done += 1,
                Err(e) => result = Err(e),
            }
        }
        if link || result.is_err() {
            let _ = fs::remove_file(&t.tmp);
        }
    }
    if done > 0
        && let Err(e) = sync_dir(dir)
    {
        return (0, Err(e));
    }
    (done, result)
}

fn random_suffix() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to a new temporary file beside `path` (mode `mode`, created with it),
/// fsyncs it, and returns its path. The caller renames it into place.
pub fn write_temp(path: &Path, bytes: &[u8], mode: u32) -> io::Result<PathBuf> {
    let t = write_temp_unsynced(path, bytes, mode)?;
    if let Err(e) = t.file.sync_all() {
        let _ = fs::remove_file(&t.tmp);
        return Err(e);
    }
    Ok(t.tmp)
}

/// Atomically replaces (or creates) `path` with `bytes`: tmp → fsync → rename → fsync(dir).
/// After a crash `path` holds either the old or the new contents, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_mode(path, bytes, FILE_MODE)
}

/// [`write_atomic`] with an explicit mode for new files.
pub fn write_atomic_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let tmp = write_temp(path, bytes, mode)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(parent_of(path))
}

/// Opens `path` for writing, creating it 0600 if missing (lock files); never truncates.
pub fn open_private(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(FILE_MODE)
        .open(path)
}

/// Creates `path` with `bytes` only if it does not exist yet (durably, atomically):
/// tmp → fsync → link → fsync(dir). Fails with `AlreadyExists` otherwise.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = write_temp(path, bytes, FILE_MODE)?;
    let r = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    r?;
    sync_dir(parent_of(path))
}

/// The backup kept by [`write_generation`] while a new generation is being written.
pub fn prev_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".prev");
    PathBuf::from(p)
}

/// Replaces `path` keeping the previous generation until the new one is durable:
/// 1. write + fsync the new contents to a temp file;
/// 2. hard-link the current file to `<path>.prev`, fsync(dir);
/// 3. rename the temp file over `path`, fsync(dir);
/// 4. remove `<path>.prev`, fsync(dir).
///
/// At every instant `path` is a complete old or new generation, and the old one also
/// survives as `.prev` until step 3 is durable. Step 4 matters for forward secrecy: old
/// generations may hold deleted keys.
pub fn write_generation(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_of(path);
    let prev = prev_path(path);
    let tmp = write_temp(path, bytes, FILE_MODE)?;
    let result = (|| {
        if path.exists() {
            match fs::remove_file(&prev) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            fs::hard_link(path, &prev)?;
            sync_dir(dir)?;
        }
        fs::rename(&tmp, path)?;
        sync_dir(dir)?;
        match fs::remove_file(&prev) {
            Ok(()) => sync_dir(dir),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Reads `path`, falling back to `<path>.prev` if `path` is missing (a crash between the
/// steps of [`write_generation`] on a file system that lost the rename). Returns the bytes
/// and whether the fallback was used.
pub fn read_generation(path: &Path) -> io::Result<(Vec<u8>, bool)> {
    match fs::read(path) {
        Ok(b) => Ok((b, false)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::read(prev_path(path)) {
            Ok(b) => Ok((b, true)),
            Err(_) => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Removes a file and makes the removal durable.
pub fn remove_durable(path: &Path) -> io::Result<()> {
    fs::remove_file(path)?;
    sync_dir(parent_of(path))
}

/// Whether an I/O error means the disk is full.
pub fn is_disk_full(e: &io::Error) -> bool {
    e.raw_os_error() == Some(28) || e.kind() == io::ErrorKind::StorageFull
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "test fixtures")]
mod tests {
    use super::*;

    #[test]
    fn generation_replaces_and_cleans_up() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("state");
        write_generation(&p, b"one").expect("write");
        write_generation(&p, b"two").expect("write");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        assert!(
            !prev_path(&p).exists(),
            "previous generation removed once durable"
        );
        let names: Vec<_> = fs::read_dir(d.path())
            .expect("ls")
            .map(|e| e.expect("e").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert_eq!(
            fs::metadata(&p).expect("meta").permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn read_falls_back_to_prev() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("state");
        fs::write(prev_path(&p), b"old").expect("write");
        assert_eq!(read_generation(&p).expect("read"), (b"old".to_vec(), true));
    }

    #[test]
    fn write_new_refuses_to_overwrite() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("x");
        write_new(&p, b"1").expect("first");
        assert_eq!(
            write_new(&p, b"2").expect_err("second").kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(fs::read(&p).expect("read"), b"1");
    }

    #[test]
    fn private_checks() {
        let d = tempfile::tempdir().expect("tempdir");
        let sub = d.path().join("home");
        create_private_dir(&sub).expect("mkdir");
        assert_eq!(
            fs::metadata(&sub).expect("m").permissions().mode() & 0o777,
            0o700
        );
        assert!(check_private(&sub).expect("stat").is_ok());
        fs::set_permissions(&sub, fs::Permissions::from_mode(0o755)).expect("chmod");
        let e = check_private(&sub).expect("stat").expect_err("not private");
        assert!(e.to_string().contains("chmod 700"), "{e}");
    }
}
