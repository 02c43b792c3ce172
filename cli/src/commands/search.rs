//! `hushpost search`.

use crate::Ctx;
use anyhow::Result;

/// Full-text search over subject, body and sender name, newest first. Words are matched
/// whole; the last word, from 3 letters, also as a prefix (`lun` finds "Lunch"); CJK text
/// matches anywhere (`日本` finds "日本語").
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to look for.
    pub query: String,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// At most this many (0: all).
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: usize,
}

/// Runs `search`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    // One more than asked, to say when the answer was cut (as `list` does).
    let mut rows = s.inbox().search(&args.query, super::one_more(args.limit))?;
    let cut = super::cut(&mut rows, args.limit);
    if ctx.ui.json {
        s.inbox().with_recipients(&mut rows)?;
    }
    super::print_rows(ctx, &rows);
    if cut {
        // A query shlex cannot quote (a NUL byte) is left out of the hint.
        let query = shlex::try_quote(&args.query).unwrap_or_default();
        let json = if ctx.ui.json { " --json" } else { "" };
        super::more_below(ctx, &format!("search{json} {query}"), args.limit);
    }
    if rows.is_empty()
        && let Some(last) = args.query.split_whitespace().last()
    {
        let letters = last.chars().filter(|c| c.is_alphanumeric()).count();
        let cjk = last.chars().any(|c| c as u32 >= 0x2E80);
        if letters > 0 && letters < 3 && !cjk && !args.query.ends_with(' ') {
            ctx.ui.note(format!(
                "(a word under 3 letters matches only whole words: {:?} does not find \
                 longer words that start with it)",
                hushpost_ops::core::sanitize::one_line(last)
            ));
        }
    }
    Ok(())
}
