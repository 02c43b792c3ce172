//! `hushpost completions`.

use crate::Ctx;
use anyhow::Result;

/// Print the shell completion script, e.g. `hushpost completions bash >
/// ~/.local/share/bash-completion/completions/hushpost`. The script asks `hushpost` at each
/// Tab, so it completes subcommands, flags and contact names (those need an unlocked agent,
/// or a keyring without a passphrase).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell.
    #[arg(value_parser = ["bash", "zsh", "fish", "elvish", "powershell"])]
    pub shell: String,
}

/// Runs `completions`.
pub fn run(_ctx: &Ctx, args: Args) -> Result<()> {
    crate::complete::registration(&args.shell, &mut std::io::stdout())?;
    Ok(())
}
