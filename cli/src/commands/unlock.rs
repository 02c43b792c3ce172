//! `hushpost unlock`: ask once, then the agent keeps the keyring.

use crate::Ctx;
use anyhow::{Result, bail};
use hushpost_ops::Session;
use hushpost_ops::agent;
use std::time::Duration;

/// Unlock the keyring once: the passphrase is asked on the terminal (or read from
/// --passphrase-file) and handed to an agent — started now if none runs — that keeps the
/// keyring in memory. Every command, the inbox and `poll` then use it without asking, and
/// every keyring change goes through it. It forgets the keyring on `hushpost lock` or after
/// the idle timeout (`[agent] timeout` in config.toml, default 15m).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Lock after this long without use (e.g. 30m, 2h; 0 = only on `hushpost lock`).
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

/// `--timeout`'s syntax: humantime, or `0`.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    s.parse::<hushpost_ops::config::Timeout>().map(|t| t.0)
}

/// "until 14:05 UTC (after 15m without use)".
pub fn until(st: &agent::Status) -> String {
    match st.expires_at {
        Some(t) => format!(
            "until {} (locks after {} without use)",
            hushpost_ops::rfc3339(t),
            humantime::format_duration(Duration::from_secs(st.timeout_secs))
        ),
        None => "until `hushpost lock`".into(),
    }
}

/// Runs `unlock`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if !ctx.home.has_identity() {
        bail!("no hushpost identity here yet — create one with `hushpost init`");
    }
    if !Session::needs_passphrase(&ctx.home)? {
        ctx.ui
            .note("the keyring has no passphrase (init --no-passphrase): nothing to unlock");
        return Ok(());
    }
    let running = agent::live(&ctx.home);
    if let Some(c) = &running {
        let st = c.status()?;
        if st.unlocked {
            match args.timeout {
                Some(t) => {
                    let st = c.set_timeout(t)?;
                    ctx.ui.note(format!("already unlocked; now {}", until(&st)));
                }
                None => ctx.ui.note(format!("already unlocked {}", until(&st))),
            }
            return Ok(());
        }
    }
    match &ctx.passphrase_file {
        Some(f) => {
            let pass = crate::passphrase::from_file(f)?;
            agent::open_with(&ctx.home, pass, running, true, args.timeout)?;
        }
        None => {
            ctx.open_prompted(
                crate::passphrase::prompt_unlock,
                running,
                true,
                args.timeout,
            )?;
        }
    }
    let st = agent::connect(&ctx.home)
        .map(|c| c.status())
        .transpose()?
        .filter(|s| s.unlocked);
    match st {
        Some(st) => ctx.ui.note(format!("unlocked {}", until(&st))),
        None => bail!("the agent locked again at once"),
    }
    Ok(())
}
