//! `hushpost list`.

use crate::Ctx;
use anyhow::Result;

/// List messages, newest first. Marks: `*` unread, `@` attachments, `!` will be deleted
/// (expiry or burn after reading), `✓` verified sender. Nothing is fetched: run
/// `hushpost fetch` first.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Machine-readable output: an array of {id, from, subject, date, unread, thread, …}.
    #[arg(long)]
    pub json: bool,
    /// Only unread messages.
    #[arg(long)]
    pub unread: bool,
    /// At most this many.
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: usize,
    /// Show sent mail instead of received.
    #[arg(long)]
    pub sent: bool,
}

/// Runs `list`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    if args.sent {
        s.reconcile()?;
    }
    let mut rows = s.inbox().list(args.limit, args.unread, args.sent)?;
    if ctx.ui.json {
        s.inbox().with_recipients(&mut rows)?;
    }
    super::print_rows(ctx, &rows);
    for w in s.inbox().chain_warnings()? {
        ctx.ui.warn(&w.text);
    }
    Ok(())
}
