//! Writing a message in `$VISUAL` / `$EDITOR` (else `vi`), for the CLI and the TUI alike:
//! the text goes into a draft file created 0600 in a 0700 `drafts/` folder (it is
//! plaintext), the editor runs on it, and the text is read back. The draft file stays
//! until the caller removes it, so a send that fails loses nothing.
//!
//! Must not: write the draft with the umask's permissions, or remove it on failure (unless
//! the editor left it exactly as it was given).

use crate::error::{Error, Result};
use crate::home::Home;
use std::path::{Path, PathBuf};

/// The folder drafts live in.
pub fn drafts_dir(home: &Home) -> PathBuf {
    home.data_dir.join("drafts")
}

/// A fresh draft path for this process (`tag` tells the front ends apart).
pub fn draft_path(home: &Home, tag: &str) -> PathBuf {
    drafts_dir(home).join(format!("draft-{}-{tag}.txt", std::process::id()))
}

/// Writes `initial` to `draft` (private), runs the editor on it and returns what it holds
/// afterwards. The caller has handed the terminal over.
pub fn edit(draft: &Path, initial: &str) -> Result<String> {
    if let Some(dir) = draft.parent() {
        hushpost_durable::create_private_dir(dir).map_err(|e| Error::Io(e, dir.to_path_buf()))?;
    }
    hushpost_durable::write_atomic(draft, initial.as_bytes())
        .map_err(|e| Error::Io(e, draft.to_path_buf()))?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(draft)
        .status()
        .map_err(|e| Error::Invalid(format!("cannot run the editor {editor:?}: {e}")))?;
    if !status.success() {
        // Aborted (vim's `:cq`) before anything was written: there is nothing to keep.
        let unchanged = std::fs::read(draft).is_ok_and(|b| b == initial.as_bytes());
        if unchanged && std::fs::remove_file(draft).is_ok() {
            return Err(Error::Invalid(format!(
                "the editor exited with {status} and nothing was written: nothing sent"
            )));
        }
        return Err(Error::Invalid(format!(
            "the editor exited with {status}; the draft is kept at {}",
            draft.display()
        )));
    }
    std::fs::read_to_string(draft).map_err(|e| Error::Io(e, draft.to_path_buf()))
}
