//! `hushpost account`: the mail account behind `mailto:` routes (the `[account]` section
//! of config.toml).

use crate::Ctx;
use anyhow::{Context, Result};
use hushpost_ops::config::{Account, Config, TlsMode};
use std::path::PathBuf;

/// Configure the e-mail account that `mailto:` routes use: SMTP submission to send, IMAP to
/// fetch your own mailto: route. The password either stays outside hushpost —
/// `--password-command` is run each time a mail server is dialled and its first output line
/// is the password (as aerc and himalaya do) — or is kept in the encrypted keyring
/// (`--password-stdin`, or a prompt on a terminal); it is never written in clear. A keyring
/// password is only available while the keyring is unlocked, so an unattended `hushpost
/// poll` with a passphrase-protected keyring needs `--password-command`. TLS is required on
/// both servers.
///
/// The mail provider sees both addresses and the time of every hushpost mail, and the
/// day's tag in one header; the subject, size and body are the same for every mail.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    /// What to do with the mail account.
    pub action: AccountAction,
}

/// `account` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AccountAction {
    /// Write the [account] section (replacing any), then optionally log in to both servers.
    Add(Box<AddArgs>),
    /// Show the [account] section.
    Show {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Log in to both servers (and open the folder) to check the settings and password.
    Test,
    /// Remove the [account] section.
    Remove,
}

/// `account add` options.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Your e-mail address (the From of your hushpost mails; add it as a route with
    /// `hushpost route add mailto:ADDRESS` to receive on it).
    #[arg(long)]
    pub address: String,
    /// SMTP submission server, HOST[:PORT] (default port 465, implicit TLS).
    #[arg(long, value_name = "HOST[:PORT]")]
    pub smtp: String,
    /// IMAP server, HOST[:PORT] (default port 993, implicit TLS).
    #[arg(long, value_name = "HOST[:PORT]")]
    pub imap: String,
    /// Login on both servers (default: the address).
    #[arg(long)]
    pub user: Option<String>,
    /// Command that prints the password, e.g. "pass show mail/me".
    #[arg(long, value_name = "COMMAND", conflicts_with = "password_stdin")]
    pub password_command: Option<String>,
    /// Read the password from the first line of stdin and keep it in the encrypted keyring
    /// (without this or --password-command, a terminal prompts for it).
    #[arg(long)]
    pub password_stdin: bool,
    /// SMTP TLS mode (default: implicit on port 465, STARTTLS elsewhere).
    #[arg(long, value_enum)]
    pub smtp_tls: Option<Mode>,
    /// IMAP TLS mode (default: implicit on port 993, STARTTLS elsewhere).
    #[arg(long, value_enum)]
    pub imap_tls: Option<Mode>,
    /// IMAP folder to fetch from.
    #[arg(long, default_value = "INBOX")]
    pub folder: String,
    /// Move fetched hushpost mails to this (existing) folder instead of deleting them.
    #[arg(long, value_name = "FOLDER")]
    pub move_to: Option<String>,
    /// Extra CA certificate (PEM) to trust, e.g. a self-hosted server's.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Talk in the clear to a server on this machine that offers no TLS (test servers
    /// only; refused for any other host).
    #[arg(long)]
    pub allow_plaintext_loopback: bool,
    /// Mails the provider lets you send a day: a message that needs more (one mail per
    /// 256 KiB of attachment) is refused on mailto: routes instead of being cut off.
    #[arg(long, value_name = "N", default_value_t = hushpost_ops::config::MAIL_MAX_PER_DAY,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_per_day: u32,
    /// Log in to both servers after saving.
    #[arg(long)]
    pub test: bool,
}

/// A TLS mode on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Mode {
    /// TLS from the first byte.
    Implicit,
    /// STARTTLS, which must succeed.
    Starttls,
}

fn host_port(s: &str, default: u16) -> Result<(String, u16)> {
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => {
            let port = p
                .parse()
                .with_context(|| format!("{s:?}: the port is not a number"))?;
            Ok((h.to_string(), port))
        }
        _ => Ok((s.to_string(), default)),
    }
}

/// Runs `account`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let path = ctx.home.config_file();
    let mut config = Config::load(&path)?;
    match args.action {
        AccountAction::Add(a) => {
            let a = *a;
            let (smtp_host, smtp_port) = host_port(&a.smtp, 465)?;
            let (imap_host, imap_port) = host_port(&a.imap, 993)?;
            let mode = |m: Option<Mode>| {
                m.map(|m| match m {
                    Mode::Implicit => TlsMode::Implicit,
                    Mode::Starttls => TlsMode::Starttls,
                })
            };
            let ca_file = a.ca_file.map(|f| std::path::absolute(&f).unwrap_or(f));
            let acct = Account {
                user: a.user.unwrap_or_else(|| a.address.clone()),
                address: a.address,
                smtp_host,
                smtp_port,
                smtp_tls: mode(a.smtp_tls),
                imap_host,
                imap_port,
                imap_tls: mode(a.imap_tls),
                folder: a.folder,
                move_to: a.move_to,
                password_in_keyring: a.password_command.is_none(),
                password_command: a.password_command,
                ca_file,
                allow_plaintext_loopback: a.allow_plaintext_loopback,
                max_per_day: a.max_per_day,
            };
            hushpost_ops::account::validate(&acct)?;
            if !path.parent().is_some_and(|d| d.is_dir()) {
                anyhow::bail!("no hushpost here yet: run `hushpost init` first");
            }
            // The keyring is written first: a config that points at a password the keyring
            // does not hold would fail on every send.
            let mut session = None;
            if acct.password_in_keyring {
                let pw = read_password(a.password_stdin)?;
                let mut s = ctx.session()?;
                if !s.keyring_encrypted() {
                    ctx.ui.warn(
                        "your keyring has no passphrase (init --no-passphrase): the mail password is stored unencrypted, readable by your user only",
                    );
                }
                s.set_mail_password(Some(pw.to_string()))?;
                session = Some(s);
            } else if config
                .account
                .as_ref()
                .is_some_and(|o| o.password_in_keyring)
            {
                // Switching to a password command: forget the stored copy.
                ctx.session()?.set_mail_password(None)?;
            }
            config.account = Some(acct);
            config.save(&path)?;
            ctx.ui
                .note(format!("saved [account] in {}", path.display()));
            if a.test {
                let stored = session.as_ref().and_then(|s| s.mail_password());
                hushpost_ops::account::test_login(&config, stored)?;
                ctx.ui.note("logged in to the SMTP and IMAP servers");
            }
        }
        AccountAction::Show { json } => {
            let acct = config
                .account
                .as_ref()
                .context("no [account] in config.toml (see `hushpost account add`)")?;
            if json {
                ctx.ui.json_value(acct);
            } else {
                let text = toml_section(acct)?;
                ctx.ui.line(text.trim_end());
            }
        }
        AccountAction::Test => {
            let uses_keyring = config
                .account
                .as_ref()
                .is_some_and(|a| a.password_in_keyring);
            let session = if uses_keyring {
                Some(ctx.session()?)
            } else {
                None
            };
            let stored = session.as_ref().and_then(|s| s.mail_password());
            hushpost_ops::account::test_login(&config, stored)?;
            ctx.ui.note("logged in to the SMTP and IMAP servers");
        }
        AccountAction::Remove => {
            if let Some(old) = config.account.take() {
                if old.password_in_keyring {
                    ctx.session()?.set_mail_password(None)?;
                }
                config.save(&path)?;
                ctx.ui.note("removed [account]");
            } else {
                ctx.ui.note("there was no [account]");
            }
        }
    }
    Ok(())
}

/// The password for the keyring: the first line of stdin, or a prompt on a terminal.
fn read_password(from_stdin: bool) -> Result<zeroize::Zeroizing<String>> {
    use std::io::{BufRead, IsTerminal};
    let pw = if from_stdin || !std::io::stdin().is_terminal() {
        anyhow::ensure!(
            from_stdin,
            "no password: give --password-command, or --password-stdin with the password on stdin"
        );
        let mut line = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        zeroize::Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        zeroize::Zeroizing::new(
            rpassword::prompt_password("Mail password: ").context("cannot read the password")?,
        )
    };
    anyhow::ensure!(!pw.is_empty(), "the mail password is empty");
    Ok(pw)
}

/// The section as TOML lines (string, number and boolean values print the same in JSON
/// and TOML; absent options are left out).
fn toml_section(acct: &Account) -> Result<String> {
    let value = serde_json::to_value(acct)?;
    let mut out = String::from("[account]\n");
    for (k, v) in value.as_object().into_iter().flatten() {
        if !v.is_null() {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
    Ok(out)
}
