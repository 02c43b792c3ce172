//! `hushpost init`: create the identity.

use crate::Ctx;
use anyhow::{Result, bail};
use hushpost_ops::core::route::Route;
use hushpost_ops::{InitOptions, Protection, Session};

/// Create your identity: signing and encryption keys, the encrypted keyring, the mail
/// store, and — unless you give --route — a local folder drop under the data directory.
///
/// The keyring is encrypted with a passphrase (asked on the terminal, or read from
/// --passphrase-file). --no-passphrase stores keys unencrypted: only choose it if the disk
/// itself is encrypted and nobody else can read your home.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Your display name, as your contacts will see it.
    #[arg(long)]
    pub name: Option<String>,
    /// Store the keys without a passphrase (explicit opt-out).
    #[arg(long)]
    pub no_passphrase: bool,
    /// A receive route (repeatable): dir:/abs/path, ssh://…, https://…, mailto:…
    #[arg(long = "route", value_name = "URL")]
    pub routes: Vec<String>,
}

/// Runs `init`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // Before asking for a passphrase that could not be used.
    if ctx.home.keyring().exists() {
        bail!(
            "an identity already exists at {}; refusing to overwrite it",
            ctx.home.keyring().display()
        );
    }
    let name = match args.name {
        Some(n) => n,
        None => std::env::var("USER")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "me".into()),
    };
    let mut routes = Vec::new();
    for r in &args.routes {
        routes.push(r.parse::<Route>()?);
    }
    // A passphrase typed at the prompt goes on to an agent afterwards (`[agent]
    // autostart`), so the commands right after `init` ask nothing.
    let mut typed = None;
    let protection = if args.no_passphrase {
        if ctx.passphrase_file.is_some() {
            bail!("--no-passphrase and --passphrase-file contradict each other");
        }
        Protection::None
    } else {
        match &ctx.passphrase_file {
            Some(f) => Protection::Passphrase(crate::passphrase::from_file(f)?),
            None => {
                let p = crate::passphrase::prompt_new()?;
                typed = Some(p.clone());
                Protection::Passphrase(p)
            }
        }
    };
    let s = Session::init(
        ctx.home.clone(),
        InitOptions {
            name,
            protection,
            routes,
        },
    )?;
    let card = s.card()?;
    ctx.ui.note(format!("Created identity {:?}", s.name()));
    ctx.ui
        .status(format!("fingerprint: {}", card.identity.fingerprint()));
    for r in s.routes() {
        ctx.ui.status(format!("route:       {r}"));
    }
    ctx.ui
        .note("Give your card (`hushpost id card`) to the people who may write to you.");
    drop(s);
    let config = hushpost_ops::config::Config::load(&ctx.home.config_file())?;
    if let Some(p) = typed.filter(|_| config.agent.autostart) {
        hushpost_ops::agent::open_with(&ctx.home, p, None, true, None)?;
        ctx.ui.note(format!(
            "Unlocked for {} of inactivity (`hushpost lock` locks it now).",
            humantime::format_duration(config.agent.timeout.0)
        ));
    }
    Ok(())
}
