//! `hushpost delete`.

use crate::Ctx;
use anyhow::Result;

/// Delete a message from the local store. If the same message is delivered again it is
/// not shown again.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message id (from `hushpost list`; `sN` for sent mail, from `list --sent`).
    pub id: super::MessageRef,
}

/// Runs `delete`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    let id = args.id.resolve(s.inbox())?;
    s.inbox().delete(id)?;
    ctx.ui.note(format!("deleted message {}", args.id));
    Ok(())
}
