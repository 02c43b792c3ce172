//! `hushpost doctor`.

use crate::{Ctx, Partial};
use anyhow::Result;

/// Check that what hushpost depends on answers: the Tor proxy (when any route or setting
/// needs Tor) and each of your receive routes. Sends nothing and deletes nothing.
///
/// Each line starts with `ok`, `FAIL`, or `--` for a Tor proxy that does not answer while
/// nothing needs it. Exit status 3 when any check failed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `doctor`.
pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let s = ctx.session()?;
    let checks = s.doctor();
    if ctx.ui.json {
        ctx.ui.json_value(&checks);
    } else {
        for c in &checks {
            ctx.ui.line(format!(
                "{} {}: {}",
                match (c.ok, c.skipped) {
                    (false, _) => "FAIL",
                    (true, true) => "--  ",
                    (true, false) => "ok  ",
                },
                c.what,
                c.detail
            ));
        }
    }
    if checks.iter().any(|c| !c.ok) {
        return Err(Partial.into());
    }
    Ok(())
}
