//! `hushpost lock`: the agent forgets the keyring.

use crate::Ctx;
use anyhow::Result;

/// Lock the keyring now: the agent forgets it (and, if `unlock` started it, exits). The
/// next command asks for the passphrase again.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `lock`.
pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    match hushpost_ops::agent::connect(&ctx.home)
        .filter(|_| hushpost_ops::agent::running(&ctx.home))
    {
        Some(c) => {
            c.lock()?;
            ctx.ui.note("locked");
        }
        None => ctx.ui.note("no agent is running: nothing to lock"),
    }
    Ok(())
}
