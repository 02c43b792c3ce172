//! `hushpost leaks`.

use crate::Ctx;
use anyhow::Result;

/// What each route lets whom observe: the drop operator (or mail provider), the local
/// network, and the contact — computed from the route kind, whether it goes through Tor,
/// whether cover traffic runs on it, and the key state with the contact.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this contact's routes (default: your own routes and every contact's).
    pub contact: Option<String>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `leaks`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let s = ctx.session()?;
    let rows = s.leaks(args.contact.as_deref())?;
    if ctx.ui.json {
        ctx.ui.json_value(&rows);
        return Ok(());
    }
    for r in rows {
        ctx.ui
            .line(ctx.ui.bold(&format!("{} — {}", r.contact, r.route)));
        ctx.ui.line(format!("  {}", r.badge));
        ctx.ui.line(format!("  operator:      {}", r.operator));
        ctx.ui.line(format!("  local network: {}", r.network));
        ctx.ui.line(format!("  the contact:   {}", r.contact_sees));
        ctx.ui.line(format!("  cover traffic: {}", r.cover));
        if !r.forward_secrecy.is_empty() {
            ctx.ui
                .line(format!("  forward secrecy: {}", r.forward_secrecy));
        }
    }
    Ok(())
}
