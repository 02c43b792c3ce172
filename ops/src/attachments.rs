//! Saving attachments to the user's disk, for the CLI and the TUI alike: the file is opened
//! relative to the chosen folder (`openat`) with `O_CREAT | O_EXCL | O_NOFOLLOW`, so a link
//! planted there is never followed and nothing is replaced; private (0600) and durable
//! (fsync of the file and its folder); under a name cleaned of directories, control and
//! bidi characters and leading dots, and shortened (keeping its extension) to fit.
//!
//! Attachments of any size are streamed (`save_stream_into`), never held whole.
//!
//! Must not: replace a file, follow a planted link, write outside the chosen folder, or
//! leave a half-written file behind.

use crate::error::{Error, Result};
use rustix::fs::{AtFlags, Mode, OFlags};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Longest saved name in bytes: under NAME_MAX (255) with room for a `10000-` prefix.
pub const MAX_NAME: usize = 200;

/// Longest extension kept whole when a name is shortened.
const MAX_EXT: usize = 16;

/// Characters that change how text around them is shown without being visible themselves:
/// bidi overrides, embeddings, isolates and marks (Trojan Source: `a\u{202e}txt.sh` shows as
/// "ahs.txt"), zero-width characters, line and paragraph separators, the BOM.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{061c}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}')
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A name safe to save under: no directories, no control or invisible characters, no
/// leading dots or spaces, at most [`MAX_NAME`] bytes (the extension kept), never empty.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !invisible(*c))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches(['.', ' ']).trim();
    if cleaned.is_empty() {
        return "attachment".into();
    }
    if cleaned.len() <= MAX_NAME {
        return cleaned.to_string();
    }
    match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() && ext.len() <= MAX_EXT => {
            format!("{}.{ext}", cut(stem, MAX_NAME - ext.len() - 1))
        }
        _ => cut(cleaned, MAX_NAME).to_string(),
    }
}

/// Creates `name` inside the open folder `dir` (never following a link, never replacing
/// anything), writes `data` and syncs it; on failure nothing is left under that name.
fn create_in(dir: &std::os::fd::OwnedFd, name: &str, data: &[u8]) -> std::io::Result<()> {
    create_in_with(dir, name, &mut |f| f.write_all(data))
}

/// [`create_in`] with the content written by `fill` (a stream of any size).
fn create_in_with(
    dir: &std::os::fd::OwnedFd,
    name: &str,
    fill: &mut dyn FnMut(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let fd = rustix::fs::openat(
        dir,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )?;
    let mut f = std::fs::File::from(fd);
    let written = fill(&mut f).and_then(|()| f.sync_all());
    if written.is_err() {
        let _ = rustix::fs::unlinkat(dir, name, AtFlags::empty());
    }
    written
}

fn open_dir(dir: &Path) -> std::io::Result<std::os::fd::OwnedFd> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    Ok(rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// Writes a new file at `path` (the TUI's "save to"); fails if anything — a file, a link —
/// is already there. The name is used as given, inside the folder it names.
pub fn save_new(path: &Path, data: &[u8]) -> Result<()> {
    save_new_with(path, &mut |f| f.write_all(data))
}

/// [`save_new`] for an attachment of any size read as a stream (a stored part), copied one
/// MiB at a time with `progress` told the bytes written so far; a failure (a full disk)
/// leaves no file behind.
pub fn save_stream_new(
    path: &Path,
    src: &dyn hushpost_core::envelope::v2::ContentSource,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    save_new_with(path, &mut |f| copy_stream(src, f, progress))
}

fn save_new_with(
    path: &Path,
    fill: &mut dyn FnMut(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    let io = |e| Error::Io(e, path.to_path_buf());
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Invalid(format!("{} is not a file name", path.display())))?;
    let dir = open_dir(path.parent().unwrap_or(Path::new(""))).map_err(io)?;
    create_in_with(&dir, name, fill).map_err(io)?;
    std::fs::File::from(dir).sync_all().map_err(io)
}

/// Saves `data` into `dir` (created if missing) under the sender's `name` made safe,
/// numbering it (`2-name`) when that name is taken; returns where it went.
pub fn save_into(dir: &Path, name: &str, data: &[u8]) -> Result<PathBuf> {
    let io = |e| Error::Io(e, dir.to_path_buf());
    hushpost_durable::create_private_dir(dir).map_err(io)?;
    let fd = open_dir(dir).map_err(io)?;
    let base = safe_name(name);
    for n in 1..=10_000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{n}-{base}")
        };
        match create_in(&fd, &candidate, data) {
            Ok(()) => {
                std::fs::File::from(fd).sync_all().map_err(io)?;
                return Ok(dir.join(candidate));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::Io(e, dir.join(candidate))),
        }
    }
    Err(Error::Invalid(format!(
        "{}: 10000 files named like {base} already",
        dir.display()
    )))
}

/// Bytes copied per step when streaming an attachment out.
const STREAM_STEP: usize = 1 << 20;

/// Copies `src` into `f` one [`STREAM_STEP`] at a time, telling `progress` the bytes so far.
fn copy_stream(
    src: &dyn hushpost_core::envelope::v2::ContentSource,
    f: &mut std::fs::File,
    progress: &mut dyn FnMut(u64),
) -> std::io::Result<()> {
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
    Ok(())
}

/// [`save_into`] for an attachment of any size read as a stream (a stored part): copied one
/// MiB at a time, `progress` told the bytes written so far; a failure (a full disk) leaves
/// no file behind.
pub fn save_stream_into(
    dir: &Path,
    name: &str,
    src: &dyn hushpost_core::envelope::v2::ContentSource,
    progress: &mut dyn FnMut(u64),
) -> Result<PathBuf> {
    let io = |e| Error::Io(e, dir.to_path_buf());
    hushpost_durable::create_private_dir(dir).map_err(io)?;
    let fd = open_dir(dir).map_err(io)?;
    let base = safe_name(name);
    let mut fill = |f: &mut std::fs::File| copy_stream(src, f, progress);
    for n in 1..=10_000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{n}-{base}")
        };
        match create_in_with(&fd, &candidate, &mut fill) {
            Ok(()) => {
                std::fs::File::from(fd).sync_all().map_err(io)?;
                return Ok(dir.join(candidate));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::Io(e, dir.join(candidate))),
        }
    }
    Err(Error::Invalid(format!(
        "{}: 10000 files named like {base} already",
        dir.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_directories_controls_bidi_and_leading_dots() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name(" . .hidden"), "hidden");
        assert_eq!(safe_name("a\u{202e}txt.sh"), "atxt.sh");
        assert_eq!(
            safe_name("in\u{2066}vis\u{200b}ible\u{feff}.pdf"),
            "invisible.pdf"
        );
        assert_eq!(safe_name("a\x1b[31m\r\n.txt"), "a[31m.txt");
        assert_eq!(safe_name("..."), "attachment");
        assert_eq!(safe_name("\u{202e}"), "attachment");
        assert_eq!(safe_name(""), "attachment");
    }

    #[test]
    fn long_names_are_shortened_keeping_the_extension() {
        let long = format!("{}.tar.gz", "é".repeat(150));
        let s = safe_name(&long);
        assert!(s.len() <= MAX_NAME, "{}", s.len());
        assert!(s.ends_with("é.gz") || s.ends_with(".gz"), "{s}");
        assert!(s.starts_with("éé"));
        let no_ext = "x".repeat(300);
        assert_eq!(safe_name(&no_ext).len(), MAX_NAME);
        let long_ext = format!("a.{}", "y".repeat(250));
        assert_eq!(safe_name(&long_ext).len(), MAX_NAME);
        assert_eq!(safe_name("short.txt"), "short.txt");
    }

    #[test]
    fn a_planted_link_is_never_followed() {
        let t = tempfile::tempdir().expect("tmp");
        let outside = t.path().join("outside");
        let dir = t.path().join("dir");
        std::fs::create_dir(&dir).expect("mkdir");
        std::os::unix::fs::symlink(&outside, dir.join("a.txt")).expect("link");
        let p = save_into(&dir, "a.txt", b"data").expect("saved");
        assert_eq!(p, dir.join("2-a.txt"));
        assert!(!outside.exists(), "wrote through the link");
        let e = save_new(&dir.join("a.txt"), b"x").expect_err("link there");
        assert!(matches!(e, Error::Io(ref e, _) if e.kind() == std::io::ErrorKind::AlreadyExists));
        assert!(!outside.exists());
        // A planted link to a folder is a name like any other: never entered.
        std::os::unix::fs::symlink(t.path(), dir.join("sub")).expect("link");
        assert!(save_new(&dir.join("sub"), b"x").is_err());
        assert_eq!(std::fs::read(dir.join("2-a.txt")).expect("read"), b"data");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
