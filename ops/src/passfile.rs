//! Reading a passphrase file (`--passphrase-file`, `HUSHPOST_PASSPHRASE_FILE`) for front
//! ends that cannot prompt on stdin, such as the TUI, which owns the terminal.
//!
//! Must not keep a copy of the passphrase outside zeroizing buffers.

use crate::error::{Error, Result};
use secrecy::SecretString;
use std::path::Path;
use zeroize::Zeroizing;

/// The first line of the file, without its line ending.
pub fn passphrase_from_file(path: &Path) -> Result<SecretString> {
    let raw = Zeroizing::new(std::fs::read(path).map_err(|e| Error::Io(e, path.to_path_buf()))?);
    let text = std::str::from_utf8(&raw).map_err(|_| {
        Error::Invalid(format!(
            "the passphrase file {} is not UTF-8",
            path.display()
        ))
    })?;
    let line = text.split('\n').next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        return Err(Error::Invalid(format!(
            "the passphrase file {} is empty",
            path.display()
        )));
    }
    Ok(SecretString::from(line))
}
