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
    // clock sorts below the newest and was silently past the 50th line).
    let mut rows = s
        .inbox()
        .list(super::one_more(args.limit), args.unread, args.sent)?;
    let cut = super::cut(&mut rows, args.limit);
    if ctx.ui.json {
        s.inbox().with_recipients(&mut rows)?;
    }
    super::print_rows(ctx, &rows);
    if cut {
        // The hint keeps the filters given.
        let filters = format!(
            "list{}{}{}",
            if args.sent { " --sent" } else { "" },
            if args.unread { " --unread" } else { "" },
            if ctx.ui.json { " --json" } else { "" }
        );
        super::more_below(ctx, &filters, args.limit);
    }
    for w in s.inbox().chain_warnings()? {
        ctx.ui.warn(&w.text);
    }
    Ok(())
}
