//! `hushpost poll`: one scheduler tick, for cron; `--daemon` for randomized timers.

use crate::{Ctx, Partial};
use anyhow::Result;
use hushpost_ops::Session;
use hushpost_ops::core::time::SystemClock;
use hushpost_ops::poll::{PollOptions, PollReport, poll};
use std::sync::Arc;

/// One tick of the unattended scheduler, made for cron: sends what is queued (and, on
/// routes with cover traffic, exactly the configured number of blobs per tick — chaff when
/// nothing is queued), then fetches (real tags padded with decoys). Prints nothing on
/// success unless -v. If another poll is running it exits quietly.
///
/// With the agent unlocked (`hushpost unlock`) poll opens and stores what it fetches.
/// Locked (no agent, no --passphrase-file; it never prompts) poll works from the
/// capabilities precomputed the last time the keyring was unlocked: it moves only
/// ciphertext, and what it fetches waits, still sealed, until you next unlock.
///
/// cron:   */5 * * * *  hushpost poll
/// daemon: hushpost poll --daemon   (exponential intervals, mean from [cover] mean_interval_secs)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep running, with randomized (Poisson) intervals between ticks.
    #[arg(long)]
    pub daemon: bool,
    /// Machine-readable report.
    #[arg(long)]
    pub json: bool,
}

fn unlocked(ctx: &Ctx) -> Result<Option<Session>> {
    ctx.session_if_open()
}

fn one(ctx: &Ctx, session: Option<&mut Session>, report_always: bool) -> Result<PollReport> {
    let opts = PollOptions {
        seed: None,
        clock: Arc::new(SystemClock),
        trace: None,
    };
    let r = poll(&ctx.home, session, &opts)?;
    if ctx.ui.json {
        ctx.ui.json_value(&r);
    } else if report_always && !r.skipped {
        ctx.ui.status(format!(
            "sent {} (+{} chaff), {} new{}, {} still queued{}",
            r.sent,
            r.chaff,
            r.new,
            if r.locked {
                format!(", {} spooled until unlock", r.spooled)
            } else {
                String::new()
            },
            r.queued,
            if r.waiting_unlock > 0 {
                format!(
                    " ({} for contacts' cover lanes, which run only unlocked)",
                    r.waiting_unlock
                )
            } else {
                String::new()
            }
        ));
    }
    for (route, e) in &r.errors {
        ctx.ui.error(&format!("{route}: {e}"));
    }
    for x in &r.rejected {
        ctx.ui
            .error(&format!("rejected a blob from {}: {}", x.route, x.reason));
    }
    for route in &r.dropping {
        ctx.ui.warn(format!(
            "{route} may be dropping mail: our loop blobs did not come back within 3 ticks"
        ));
    }
    Ok(r)
}

/// Runs `poll`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let verbose = ctx.verbose > 0;
    if !args.daemon {
        let mut s = unlocked(ctx)?;
        let r = one(ctx, s.as_mut(), verbose)?;
        if !r.errors.is_empty() || !r.rejected.is_empty() {
            return Err(Partial.into());
        }
        return Ok(());
    }
    let mut s = unlocked(ctx)?;
    let mean = s
        .as_ref()
        .map(|s| s.config.cover.mean_interval_secs)
        .unwrap_or(600);
    loop {
        if let Err(e) = one(ctx, s.as_mut(), verbose) {
            ctx.ui.error(&crate::error_line(&e));
        }
        // Exponential gaps: a Poisson process whose only inputs are the clock and the RNG.
        std::thread::sleep(hushpost_ops::poll::next_gap(mean));
    }
}
