//! `hushpost key export --age`: the escape hatch to stock `age -d`.

use crate::Ctx;
use anyhow::{Result, bail};

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
    /// Print your receiving X25519 keys as an age identity file, so `age -d -i FILE` can
    /// open blobs sealed to you. Anyone holding this output can read your mail: keep it
    /// offline.
    Export {
        /// Age identity file format (the only format so far).
        #[arg(long)]
        age: bool,
    },
}

/// Runs `key`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let KeyExport::Export { age } = args.what;
    if !age {
        bail!("say which format: --age");
    }
    let s = ctx.session()?;
    ctx.ui
        .warn("this prints SECRET keys: anyone who gets them can read your mail");
    let keys = s.receiving_keys();
    ctx.ui.line(format!(
        "# hushpost receiving keys of {} ({} key(s))",
        s.name(),
        keys.len()
    ));
    for (label, k) in keys {
        ctx.ui.line(format!(
            "# {label}: {}",
            hushpost_ops::core::identity::age_recipient_string(&k.public())
        ));
        ctx.ui.line(k.age_secret_string().as_str());
    }
    Ok(())
}
