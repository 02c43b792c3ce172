//! `hushpost key export --age`: the escape hatch to stock `age -d`.

use crate::Ctx;
use anyhow::Result;

/// Export keys.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    /// Which keys to export.
    pub what: KeyExport,
}

/// `key` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum KeyExport {
    /// Print your receiving keys as an age identity file, so `age -d -i FILE` can open
    /// blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as
    /// `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the
    /// X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail:
    /// keep it offline.
    Export {
        /// Age identity file format (the only format so far; required, so that another
        /// format can come later without changing what this prints).
        #[arg(long, required = true)]
        age: bool,
        /// Only the X25519 keys: for age before 1.3 (Debian's Go age 1.1), which refuses
        /// a file with a post-quantum line. It opens only mail sealed classically.
        #[arg(long)]
        classical_only: bool,
    },
}

/// Runs `key`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // `--age` is required by clap (a usage error, exit 2, when it is missing).
    let KeyExport::Export {
        age: _,
        classical_only,
    } = args.what;
    let s = ctx.session()?;
    ctx.ui
        .warn("this prints SECRET keys: anyone who gets them can read your mail");
    let keys = s.receiving_keys();
    let n = keys.classical.len() + if classical_only { 0 } else { keys.hybrid.len() };
    ctx.ui.line(format!(
        "# hushpost receiving keys of {} ({n} key(s){})",
        s.name(),
        if classical_only {
            ", X25519 only: mail sealed post-quantum stays closed to these"
        } else {
            ""
        }
    ));
    // Each key's comment carries its recipient string, so the file says what it opens.
    let file = keys.age_identity_file(classical_only);
    for line in file.lines() {
        ctx.ui.line(line);
    }
    Ok(())
}
