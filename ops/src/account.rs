//! The mail account behind `mailto:` routes: checking an `[account]` section, turning it
//! into the transport's SMTP/IMAP accounts (running the password command, or taking the
//! password the keyring holds), and logging in to both servers on request (`hushpost
//! account add --test`, `hushpost account test`).
//!
//! Must not: store the password anywhere but the encrypted keyring, print it, or run the
//! password command before a mail server is actually about to be dialled.

use crate::config::{Account, Config, TlsMode};
use crate::error::{Error, Result};
use hushpost_transports::mail::{self, ImapAccount, Security, SmtpAccount};
use zeroize::Zeroizing;

fn security(mode: Option<TlsMode>, port: u16) -> Security {
    match mode {
        Some(TlsMode::Implicit) => Security::Implicit,
        Some(TlsMode::Starttls) => Security::StartTls,
        None => Security::for_port(port),
    }
}

/// Checks an `[account]` section without dialling anything.
pub fn validate(a: &Account) -> Result<()> {
    let bad = |m: String| Err(Error::Invalid(format!("[account]: {m}")));
    let route = format!("mailto:{}", a.address);
    if route.parse::<hushpost_core::Route>().is_err() {
        return bad(format!("address {:?} is not an e-mail address", a.address));
    }
    for (what, host, port) in [
        ("smtp_host", &a.smtp_host, a.smtp_port),
        ("imap_host", &a.imap_host, a.imap_port),
    ] {
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad(format!("{what} is missing or not a host name"));
        }
        if port == 0 {
            return bad(format!("the port of {what} is 0"));
        }
        if a.allow_plaintext_loopback && !mail::is_loopback(host) {
            return bad(format!(
                "allow_plaintext_loopback is only for a server on this machine, and {what} is {host}"
            ));
        }
    }
    if a.user.is_empty() {
        return bad("user is missing".into());
    }
    if a.folder.is_empty() || a.folder.contains(['\r', '\n']) || !a.folder.is_ascii() {
        return bad("folder must be a non-empty ASCII IMAP folder name".into());
    }
    if let Some(m) = &a.move_to
        && (m.is_empty() || m.contains(['\r', '\n']) || !m.is_ascii() || *m == a.folder)
    {
        return bad("move_to must be another ASCII IMAP folder name".into());
    }
    let command = a
        .password_command
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty());
    if command == a.password_in_keyring {
        return bad(if command {
            "set either password_command or password_in_keyring, not both".into()
        } else {
            "no password: set password_command (e.g. \"pass show mail\") or keep it in the keyring (`hushpost account add --password-stdin`)".into()
        });
    }
    if let Some(f) = &a.ca_file
        && !f.is_file()
    {
        return bad(format!("ca_file {} does not exist", f.display()));
    }
    Ok(())
}

/// The password: the first output line of the password command (`sh -c`), or the one the
/// keyring holds (`stored`, `None` while the keyring is locked).
pub fn password(a: &Account, stored: Option<&str>) -> Result<Zeroizing<String>> {
    if a.password_in_keyring {
        return match stored {
            Some(p) if !p.is_empty() => Ok(Zeroizing::new(p.to_string())),
            _ => Err(Error::Invalid(
                "[account]: the mail password is kept in the keyring, which is locked here; unlock it (run hushpost), or use password_command for unattended polls".into(),
            )),
        };
    }
    let cmd = a
        .password_command
        .as_deref()
        .ok_or_else(|| Error::Invalid("[account]: password_command is missing".into()))?;
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| Error::Invalid(format!("[account]: cannot run password_command: {e}")))?;
    let stdout = Zeroizing::new(out.stdout);
    if !out.status.success() {
        return Err(Error::Invalid(format!(
            "[account]: password_command failed ({})",
            out.status
        )));
    }
    let text = std::str::from_utf8(&stdout)
        .map_err(|_| Error::Invalid("[account]: password_command printed non-UTF-8".into()))?;
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        return Err(Error::Invalid(
            "[account]: password_command printed no password".into(),
        ));
    }
    Ok(Zeroizing::new(line.to_string()))
}

/// The transport's view of the account, with the password fetched now (`stored`: the
/// keyring's copy, when it is unlocked).
pub fn accounts(a: &Account, stored: Option<&str>) -> Result<(SmtpAccount, ImapAccount)> {
    validate(a)?;
    let pw = password(a, stored)?;
    let smtp = SmtpAccount {
        host: a.smtp_host.clone(),
        port: a.smtp_port,
        security: security(a.smtp_tls, a.smtp_port),
        user: a.user.clone(),
        password: pw.clone(),
        from: a.address.clone(),
        ca_file: a.ca_file.clone(),
        allow_plaintext_loopback: a.allow_plaintext_loopback,
    };
    let imap = ImapAccount {
        host: a.imap_host.clone(),
        port: a.imap_port,
        security: security(a.imap_tls, a.imap_port),
        user: a.user.clone(),
        password: pw,
        folder: a.folder.clone(),
        move_to: a.move_to.clone(),
        ca_file: a.ca_file.clone(),
        allow_plaintext_loopback: a.allow_plaintext_loopback,
    };
    Ok((smtp, imap))
}

/// Logs in to both servers (and selects the folder), then logs out. Dials as the
/// `[network]` settings say (through Tor when `via = "tor"`).
pub fn test_login(config: &Config, stored: Option<&str>) -> Result<()> {
    let a = config.account.as_ref().ok_or_else(|| {
        Error::Invalid("no [account] in config.toml (see `hushpost account add`)".into())
    })?;
    let route: hushpost_core::Route = format!("mailto:{}", a.address).parse()?;
    let policy = crate::dial::Policy {
        own: vec![route.clone()],
        users: Vec::new(),
    };
    let plan = crate::dial::plan(
        config,
        &policy,
        &route,
        crate::dial::Contact::default(),
        crate::dial::Operation::AccountTest,
        crate::dial::Override::default(),
    )?;
    let dial = plan.dial_options(config, stored, None)?;
    let (smtp, imap) = (dial.credentials.smtp.clone(), dial.credentials.imap.clone());
    mail::check_login(smtp.as_ref(), imap.as_ref(), &dial)?;
    Ok(())
}
