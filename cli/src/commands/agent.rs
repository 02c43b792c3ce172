//! `hushpost agent`: the agent in the foreground (systemd), or detached (`unlock`).

use crate::Ctx;
use anyhow::{Context, Result};
use hushpost_ops::agent::{self, ServeOptions};
use std::time::Duration;

/// Run the agent in the foreground until SIGTERM: it starts locked and keeps the keyring
/// once `hushpost unlock` (or any command that asks for the passphrase) hands it over, until
/// `hushpost lock` or the idle timeout. Its socket is in a 0700 directory under
/// $XDG_RUNTIME_DIR (under HUSHPOST_HOME when set); other users are refused. For a systemd
/// user unit see the README.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Default idle timeout (e.g. 30m; 0 = only on `hushpost lock`); else `[agent] timeout`.
    #[arg(long, value_name = "DURATION", value_parser = super::unlock::parse_timeout)]
    pub timeout: Option<Duration>,
    /// Started by `unlock`: the socket is stdin; exit once locked.
    #[arg(long, hide = true)]
    pub detached: bool,
}

/// Runs `agent`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let config = hushpost_ops::config::Config::load(&ctx.home.config_file())?;
    let opts = ServeOptions {
        timeout: args.timeout.unwrap_or(config.agent.timeout.0),
        exit_when_locked: args.detached,
    };
    let listener = if args.detached {
        // A new session: no terminal, untouched by the starting shell's signals.
        let _ = nix::unistd::setsid();
        use std::os::fd::AsFd;
        let fd = std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .context("the detached agent needs its socket on stdin")?;
        std::os::unix::net::UnixListener::from(fd)
    } else {
        let l = agent::bind(&ctx.home)?;
        ctx.ui.note(format!(
            "agent listening on {} (locked; `hushpost unlock` to hand it the keyring)",
            ctx.home.agent_socket().display()
        ));
        l
    };
    agent::serve(ctx.home.clone(), listener, opts)?;
    Ok(())
}
