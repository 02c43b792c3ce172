//! `hushpost export`.

use crate::Ctx;
use anyhow::{Result, bail};
use std::path::PathBuf;

/// Export all mail as a Maildir (cur/ for read, new/ for unread) that notmuch, mutt and
/// aerc read. The export is PLAINTEXT: it leaves hushpost's encrypted store. Running it
/// again adds only messages not exported yet.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Maildir to write (created if missing).
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<PathBuf>,
}

/// Runs `export`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let Some(dir) = args.maildir else {
        bail!("say where: --maildir DIR")
    };
    let mut s = ctx.session()?;
    let n = s.inbox().export_maildir(&dir)?;
    ctx.ui.warn(format!(
        "{} now holds your mail in plaintext",
        dir.display()
    ));
    ctx.ui.line(format!(
        "exported {n} message{}",
        if n == 1 { "" } else { "s" }
    ));
    Ok(())
}
