//! `hushpost quarantine`: blobs kept aside because their date was outside the window.

use crate::Ctx;
use anyhow::Result;
use hushpost_ops::core::sanitize::one_line;

/// Blobs that arrived dated more than 10 minutes in the future (a sender's clock running
/// ahead) or older than the 35-day replay window. They are kept sealed, out of the inbox;
/// every fetch tries them again, so a clock that was ahead sorts itself out. `release`
/// opens one anyway (you vouch for its date); `drop` forgets it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do (default: list).
    #[command(subcommand)]
    pub action: Option<QuarantineAction>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    pub json: bool,
}

/// `quarantine` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum QuarantineAction {
    /// List what is kept aside (the default).
    List,
    /// Open blob ID whatever its date and store it like fetched mail.
    Release {
        /// An id from `hushpost quarantine`.
        id: i64,
    },
    /// Forget blob ID.
    Drop {
        /// An id from `hushpost quarantine`.
        id: i64,
    },
}

/// Runs `quarantine`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    match args.action.unwrap_or(QuarantineAction::List) {
        QuarantineAction::List => {
            let items = s.quarantine_list()?;
            if ctx.ui.json {
                ctx.ui.json_value(&items);
                return Ok(());
            }
            if items.is_empty() {
                ctx.ui.note("nothing is kept aside");
            }
            for q in &items {
                ctx.ui.line(one_line(&format!(
                    "{:>4}  {} via {} — {} (arrived {})",
                    q.id,
                    q.contact.as_deref().unwrap_or("(intro mailbox)"),
                    q.route,
                    q.reason,
                    hushpost_ops::rfc3339(q.received_at)
                )));
            }
        }
        QuarantineAction::Release { id } => {
            let r = s.quarantine_release(id)?;
            ctx.ui.note(format!(
                "released: {} new message{}",
                r.new.len(),
                if r.new.len() == 1 { "" } else { "s" }
            ));
        }
        QuarantineAction::Drop { id } => {
            s.quarantine_drop(id)?;
            ctx.ui
                .note(format!("forgot the blob kept aside under {id}"));
        }
    }
    Ok(())
}
