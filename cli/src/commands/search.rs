//! `hushpost search`.

use crate::Ctx;
use anyhow::Result;

/// Full-text search over subject, body and sender name, newest first. Words are matched
/// whole; the last word also as a prefix.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to look for.
    pub query: String,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// At most this many.
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: usize,
}

/// Runs `search`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    let mut rows = s.inbox().search(&args.query, args.limit)?;
    if ctx.ui.json {
        s.inbox().with_recipients(&mut rows)?;
    }
    super::print_rows(ctx, &rows);
    Ok(())
}
