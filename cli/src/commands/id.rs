//! `hushpost id`: who am I.

use crate::Ctx;
use anyhow::Result;
use serde::Serialize;

/// Show your name, fingerprint and receive routes; `id card` prints your contact card.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    /// `card`: print your card.
    pub sub: Option<Sub>,
}

/// `id` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Print your one-line contact card (give it only to people who may write to you: it
    /// lets them post to you).
    Card {
        /// Also render it as a QR code for the terminal.
        #[arg(long)]
        qr: bool,
    },
}

#[derive(Serialize)]
struct IdJson {
    name: String,
    fingerprint: String,
    fingerprint_hex: String,
    age_recipient: String,
    routes: Vec<String>,
}

/// Runs `id`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let s = ctx.session()?;
    let card = s.card()?;
    match args.sub {
        Some(Sub::Card { qr }) => {
            ctx.ui.line(card.encode());
            if qr {
                ctx.ui.line(card.qr());
            }
        }
        None => {
            let id = IdJson {
                name: s.name().to_string(),
                fingerprint: card.identity.fingerprint().to_string(),
                fingerprint_hex: card.identity.fingerprint().hex(),
                age_recipient: card.identity.age_recipient(),
                routes: s.routes().iter().map(ToString::to_string).collect(),
            };
            if ctx.ui.json {
                ctx.ui.json_value(&id);
            } else {
                ctx.ui.line(format!("name:        {}", id.name));
                ctx.ui.line(format!("fingerprint: {}", id.fingerprint));
                for r in &id.routes {
                    ctx.ui.line(format!("route:       {r}"));
                }
            }
        }
    }
    Ok(())
}
