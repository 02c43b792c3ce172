//! `hushpost` with no command (or `hushpost tui`): the inbox.

use crate::Ctx;
use anyhow::Result;
use clap::CommandFactory;
use std::io::IsTerminal;

/// Runs the inbox, or prints help when not on a terminal.
pub fn run(ctx: &Ctx) -> Result<()> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        crate::Cli::command().print_help()?;
        return Ok(());
    }
    hushpost_tui::run(&ctx.home, ctx.passphrase_file.as_deref())
}
