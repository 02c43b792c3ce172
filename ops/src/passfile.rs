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
    let raw = Zeroizing::new(std::fs::read(path).map_err(|e| {
        Error::Invalid(format!(
            "cannot read the passphrase file {}: {e}",
            path.display()
        ))
    })?);
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

/// What to warn about a passphrase file that others may read: a regular file with any
/// group or other permission bit (a pipe or `/dev/fd/N` from a password manager is fine).
/// Not refused, as OpenSSH refuses a private key: cron and CI set-ups written before this
/// check would stop; the warning names the fix.
pub fn loose_permissions(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    let mode = meta.permissions().mode() & 0o777;
    (meta.is_file() && mode & 0o077 != 0).then(|| {
        format!(
            "the passphrase file {} can be read by others (mode {mode:04o}): chmod 600 it",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    #[allow(clippy::disallowed_methods, reason = "a throw-away test file")]
    fn a_passphrase_file_others_can_read_is_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let f = dir.path().join("pass");
        std::fs::write(&f, "secret\n").expect("write");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let w = loose_permissions(&f).expect("0644 is loose");
        assert!(w.contains("mode 0644") && w.contains("chmod 600"), "{w}");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(loose_permissions(&f), None);
        assert_eq!(
            loose_permissions(Path::new("/dev/null")),
            None,
            "not a file"
        );
    }

    #[test]
    fn a_missing_passphrase_file_is_named_as_the_passphrase_file() {
        let e = passphrase_from_file(Path::new("/nonexistent/pass"))
            .expect_err("missing")
            .to_string();
        assert!(
            e.contains("passphrase file /nonexistent/pass") && e.contains("No such file"),
            "{e}"
        );
    }
}
