//! `hushpost account`: the mail account behind `mailto:` routes (the `[account]` section
//! of config.toml).

use crate::Ctx;
use anyhow::{Context, Result};
use hushpost_ops::config::{Account, Config, TlsMode};
use std::path::PathBuf;

/// Configure the e-mail account that `mailto:` routes use: SMTP submission to send, IMAP to
/// fetch your own mailto: route. The password is never stored: `--password-command` is run
/// each time a mail server is dialled and its first output line is the password (as aerc
/// and himalaya do). TLS is required on both servers.
///
/// The mail provider sees both addresses and the time of every hushpost mail, and the
/// day's tag in one header; the subject, size and body are the same for every mail.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    /// What to do.
    pub sub: Sub,
}

/// `account` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Write the [account] section (replacing any), then optionally log in to both servers.
    Add(AddArgs),
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
    #[arg(long, value_name = "COMMAND")]
    pub password_command: String,
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
    match args.sub {
        Sub::Add(a) => {
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
                password_command: Some(a.password_command),
                ca_file,
                allow_plaintext_loopback: a.allow_plaintext_loopback,
            };
            hushpost_ops::account::validate(&acct)?;
            if !path.parent().is_some_and(|d| d.is_dir()) {
                anyhow::bail!("no hushpost here yet: run `hushpost init` first");
            }
            config.account = Some(acct);
            config.save(&path)?;
            ctx.ui
                .note(format!("saved [account] in {}", path.display()));
            if a.test {
                hushpost_ops::account::test_login(&config)?;
                ctx.ui.note("logged in to the SMTP and IMAP servers");
            }
        }
        Sub::Show { json } => {
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
        Sub::Test => {
            hushpost_ops::account::test_login(&config)?;
            ctx.ui.note("logged in to the SMTP and IMAP servers");
        }
        Sub::Remove => {
            if config.account.take().is_some() {
                config.save(&path)?;
                ctx.ui.note("removed [account]");
            } else {
                ctx.ui.note("there was no [account]");
            }
        }
    }
    Ok(())
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
