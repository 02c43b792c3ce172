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
    /// At most this many (0: all).
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
    // One more than asked, to say when the list was cut (mail dated by a sender's slow
    // clock sorts below the newest and was silently past the 50th line). 0: no limit.
    let ask = if args.limit == 0 { 0 } else { args.limit + 1 };
    let mut rows = s.inbox().list(ask, args.unread, args.sent)?;
    let cut = args.limit > 0 && rows.len() > args.limit;
    if cut {
        rows.truncate(args.limit);
    }
    if ctx.ui.json {
        s.inbox().with_recipients(&mut rows)?;
    }
    super::print_rows(ctx, &rows);
    if cut {
        // On stderr, so --json stays one array; the hint keeps the filters given.
        let filters = format!(
            "{}{}{}",
            if args.sent { " --sent" } else { "" },
            if args.unread { " --unread" } else { "" },
            if ctx.ui.json { " --json" } else { "" }
        );
        ctx.ui.note(format!(
            "… and more below: `hushpost list{filters} --limit {}` shows more, `--limit 0` all",
            args.limit.saturating_mul(2).max(1)
        ));
    }
    for w in s.inbox().chain_warnings()? {
        ctx.ui.warn(&w.text);
    }
    Ok(())
}
