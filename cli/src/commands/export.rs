//! `hushpost export`.

use crate::Ctx;
use anyhow::{Result, bail};
use std::path::PathBuf;

/// Export all mail as a Maildir (for notmuch, mutt, aerc).
///
/// Writes all mail (received and sent) as a Maildir (cur/ for read, new/ for unread) that
/// notmuch, mutt and aerc read. The export is PLAINTEXT: it leaves hushpost's encrypted
/// store. Running it again brings the folder up to date: new messages are added, read/unread
/// syncs both ways, messages deleted in hushpost are removed, and a file you deleted there
/// is not written again. Every copy's From is the sender hushpost verified (with an
/// Authentication-Results header); for a folder kept up to date on every fetch, see
/// `[maildir]` in config.toml.
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
    if let Some(m) = &s.config.maildir {
        let same = |p: &std::path::Path| {
            std::fs::canonicalize(p)
                .is_ok_and(|p| std::fs::canonicalize(&dir).is_ok_and(|d| d == p))
        };
        if same(m.path.path()) || m.sent.as_ref().is_some_and(|x| same(x.path())) {
            bail!(
                "{} is your live Maildir ([maildir] in config.toml): every fetch and poll keeps it up to date already",
                dir.display()
            );
        }
    }
    let r = s.inbox().export_maildir(&dir)?;
    ctx.ui.warn(format!(
        "{} now holds your mail in plaintext",
        dir.display()
    ));
    let n = r.delivered;
    ctx.ui.status(format!(
        "exported {n} message{}; {} read/unread change{} taken from the folder, {} shown there; {} removed",
        if n == 1 { "" } else { "s" },
        r.from_client,
        if r.from_client == 1 { "" } else { "s" },
        r.to_client,
        r.removed
    ));
    Ok(())
}
