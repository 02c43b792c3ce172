//! `hushpost route`: your own receive routes.

use crate::Ctx;
use anyhow::Result;
use hushpost_ops::core::route::Route;

/// Manage your receive routes. Your card lists them; after a change, give contacts your new
/// card (`hushpost id card`).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    /// What to do.
    pub sub: Sub,
}

/// `route` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…,
    /// https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS.
    Add {
        /// The route URL.
        url: String,
    },
    /// List your routes in order.
    List,
    /// Remove a route.
    Remove {
        /// The route URL, as `route list` shows it.
        url: String,
    },
}

/// Runs `route`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    match args.sub {
        Sub::Add { url } => {
            let r: Route = url.parse()?;
            s.route_add(r.clone())?;
            ctx.ui.note(format!(
                "added {r}; your card changed — give contacts the new one (hushpost id card)"
            ));
        }
        Sub::List => {
            for r in s.routes() {
                ctx.ui.line(r.to_string());
            }
        }
        Sub::Remove { url } => {
            let r: Route = url.parse()?;
            s.route_remove(&r)?;
            ctx.ui.note(format!(
                "removed {r}; your card changed — give contacts the new one"
            ));
        }
    }
    Ok(())
}
