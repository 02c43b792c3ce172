//! The terminal inbox (ratatui + crossterm). Render is a pure function of state; slow work
//! runs off the UI thread.
//!
//! Must not block on network or disk in the render loop, and holds no logic the CLI lacks.
#![forbid(unsafe_code)]

use hushpost_ops::Home;
use std::path::Path;

/// Opens the inbox on a terminal.
pub fn run(home: &Home, passphrase_file: Option<&Path>) -> anyhow::Result<()> {
    let _ = (home, passphrase_file);
    anyhow::bail!(
        "the inbox is not built into this version yet; use the subcommands (hushpost --help)"
    )
}
