//! Getting the passphrase: from `--passphrase-file` / `HUSHPOST_PASSPHRASE_FILE` for
//! scripts, else a prompt on the controlling terminal (`/dev/tty`, so it works when stdin
//! and stdout are pipes, as in `echo hi | hushpost send …` or `$(hushpost id card)`).
//! Never from an argument (it would sit in the process list and shell history).

use anyhow::{Context, Result, bail};
use hushpost_ops::core::sanitize::one_line;
use secrecy::SecretString;
use std::path::Path;
use zeroize::Zeroizing;

/// Reads a passphrase file: the first line, without its line ending; warns when others may
/// read it.
pub fn from_file(path: &Path) -> Result<SecretString> {
    let pass = hushpost_ops::passphrase_from_file(path)?;
    if let Some(w) = hushpost_ops::loose_permissions(path) {
        eprintln!("warning: {}", one_line(&w));
    }
    Ok(pass)
}

/// rpassword reads and writes `/dev/tty` itself; whether stdin is a pipe does not matter.
fn can_prompt() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

/// What the unlock prompt says: whose keyring, and which file (two installations on one
/// machine, as in the Quick start, must not be confused).
pub fn unlock_prompt(home: &hushpost_ops::Home) -> String {
    let file = one_line(&home.keyring().display().to_string());
    match home.hint() {
        Some((name, fp)) => format!("Passphrase for {} ({fp}), {file}: ", one_line(&name)),
        None => format!("Passphrase for {file}: "),
    }
}

/// Prompts once (`unlock` itself: there is nothing to run first).
pub fn prompt_unlock(what: &str) -> Result<SecretString> {
    if !can_prompt() {
        bail!(
            "there is no terminal to ask for the passphrase on; pass --passphrase-file FILE (or HUSHPOST_PASSPHRASE_FILE)"
        );
    }
    prompt(what)
}

/// Prompts once (any command that needs the keyring).
pub fn prompt(what: &str) -> Result<SecretString> {
    if !can_prompt() {
        bail!(
            "the keyring is passphrase-protected and there is no terminal to ask on; run `hushpost unlock` first, or pass --passphrase-file (HUSHPOST_PASSPHRASE_FILE)"
        );
    }
    let p = Zeroizing::new(rpassword::prompt_password(what).context("cannot read the passphrase")?);
    Ok(SecretString::from(p.to_string()))
}

/// Prompts twice for a new passphrase.
pub fn prompt_new() -> Result<SecretString> {
    if !can_prompt() {
        bail!(
            "no terminal to ask for a passphrase on: pass --passphrase-file, set HUSHPOST_PASSPHRASE_FILE, or choose --no-passphrase"
        );
    }
    loop {
        let a = Zeroizing::new(
            rpassword::prompt_password("New passphrase: ").context("cannot read the passphrase")?,
        );
        if a.is_empty() {
            eprintln!(
                "An empty passphrase is not allowed (use --no-passphrase to store keys unencrypted)."
            );
            continue;
        }
        let b = Zeroizing::new(
            rpassword::prompt_password("Repeat passphrase: ")
                .context("cannot read the passphrase")?,
        );
        if *a == *b {
            return Ok(SecretString::from(a.to_string()));
        }
        eprintln!("The passphrases differ; try again.");
    }
}
