//! `hushpost completions`.

use crate::Ctx;
use anyhow::Result;

/// Print shell completions, e.g. `hushpost completions bash > /etc/bash_completion.d/hushpost`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: clap_complete::Shell,
}

/// Runs `completions`.
pub fn run(_ctx: &Ctx, args: Args) -> Result<()> {
    clap_complete::generate(
        args.shell,
        &mut crate::command(),
        "hushpost",
        &mut std::io::stdout(),
    );
    Ok(())
}
