//! `hushpost outbox`: what has not left yet, and why; retry or drop by delivery id.

use crate::{Ctx, Partial, Said};
use anyhow::Result;
use hushpost_ops::core::sanitize::one_line;

/// What is waiting to leave: each recipient's copy that is queued for a cover-traffic slot,
/// kept for a retry after a failure (with the error and when it is tried again), or held.
/// `poll`, `fetch` and the open inbox retry on their own; `retry` sends now.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do (default: list).
    #[command(subcommand)]
    pub action: Option<OutboxAction>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    pub json: bool,
}

/// `outbox` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum OutboxAction {
    /// List what is waiting (the default).
    List,
    /// Send delivery ID now, whatever its backoff or slot; without ID, everything in the
    /// outbox: mail kept after a failure, held mail and mail queued for cover-traffic slots.
    /// On a route with cover traffic this sends outside its regular slots, which reveals the
    /// moment.
    Retry {
        /// A delivery id from `hushpost outbox`.
        id: Option<i64>,
    },
    /// Give up on delivery ID: its blobs leave the outbox (what already reached the drop
    /// stays there until the recipient fetches or it expires).
    Drop {
        /// A delivery id from `hushpost outbox`.
        id: i64,
    },
}

/// When the item leaves on its own, in words that match its state: held mail never does.
fn when(i: &hushpost_ops::outbox::OutboxItem) -> String {
    let now = hushpost_ops::core::time::unix_now();
    if i.state == hushpost_ops::core_store::DeliveryState::Held {
        format!("only by hand: `hushpost outbox retry {}`", i.id)
    } else if i.slots {
        "in the next cover-traffic slot".into()
    } else if i.next_at <= now {
        "at the next poll or fetch".into()
    } else {
        format!(
            "in {}",
            humantime::format_duration(std::time::Duration::from_secs(i.next_at - now))
        )
    }
}

/// Runs `outbox`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    match args.action.unwrap_or(OutboxAction::List) {
        OutboxAction::List => {
            let items = s.outbox_list()?;
            if ctx.ui.json {
                ctx.ui.json_value(&items);
            } else if items.is_empty() {
                ctx.ui.note("the outbox is empty: everything has left");
            }
            if !ctx.ui.json {
                for i in &items {
                    ctx.ui.line(one_line(&format!(
                        "{:>4}  {} via {} — {:?}: {} ({} of {} blobs waiting, {} attempt(s), next {})  [s{}: {}]",
                        i.id,
                        i.recipient,
                        i.route,
                        i.state,
                        i.reason,
                        i.waiting,
                        i.blobs,
                        i.attempts,
                        when(i),
                        i.message,
                        i.subject
                    )));
                }
            }
        }
        OutboxAction::Retry { id } => {
            let r = s.outbox_retry(id)?;
            if ctx.ui.json {
                ctx.ui.json_value(&r);
            } else {
                // A retry that sent nothing says only why (one line per route).
                if r.sent > 0 || r.errors.is_empty() {
                    ctx.ui.note(if r.waiting > 0 {
                        format!(
                            "{} blob(s) sent, {} still waiting (they follow with `fetch`, `poll` or the next retry)",
                            r.sent, r.waiting
                        )
                    } else {
                        format!("{} blob(s) sent", r.sent)
                    });
                }
                for (route, e) in &r.errors {
                    ctx.ui
                        .error(&one_line(&format!("{route}: {e} (kept in the outbox)")));
                }
            }
            // Exit 3 only when some of it left; nothing sent is a plain failure (each
            // route's line is said above).
            if !r.errors.is_empty() {
                return Err(if r.sent > 0 {
                    Partial.into()
                } else {
                    Said.into()
                });
            }
        }
        OutboxAction::Drop { id } => {
            let n = s.outbox_drop(id)?;
            ctx.ui.note(format!(
                "dropped delivery {id} ({n} blob(s) removed from the outbox)"
            ));
        }
    }
    Ok(())
}
