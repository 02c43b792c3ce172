//! `hushpost fetch`.

use crate::{Ctx, Partial};
use anyhow::{Result, bail};
use serde::Serialize;

/// Fetch new mail from all your routes: every contact's current tags (yesterday, today,
/// tomorrow and any day missed within the 14-day retention), verify each blob, store it
/// durably, and only then delete it from the drop. A refused blob (corrupted, not for
/// you, replayed) gets one line and does not stop the rest.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Machine-readable report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Json<'a> {
    new: usize,
    ids: &'a [i64],
    duplicates: usize,
    incomplete: usize,
    rejected: &'a [hushpost_ops::Rejection],
    quarantined: &'a [hushpost_ops::Rejection],
    retried: usize,
    /// Blobs and bytes received from the routes.
    blobs: usize,
    bytes: u64,
    warnings: Vec<String>,
    route_errors: Vec<serde_json::Value>,
}

/// Fetches with a progress bar in bytes; the report, the blobs and bytes received, and
/// their totals as text (" (N blobs, X in Ys)", empty when nothing came).
fn fetch_with_progress(
    ctx: &Ctx,
    s: &mut hushpost_ops::Session,
) -> Result<(
    hushpost_ops::FetchReport,
    hushpost_ops::FetchProgress,
    String,
)> {
    let mut bar = None;
    let mut last = hushpost_ops::FetchProgress::default();
    let started = std::time::Instant::now();
    // Where the large mail stood when this fetch first saw it, for its rate and ETA.
    let mut pieces_from: Option<(std::time::Instant, u64)> = None;
    let r = s.fetch(&mut |p| {
        last = p;
        if p.blobs >= 8 {
            // How much waits is unknown until it arrived: bytes so far and their rate, no ETA.
            let b = bar.get_or_insert_with(|| {
                ctx.ui.progress(0, "fetching").inspect(|b| {
                    b.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{msg:>10} {binary_bytes} in {prefix}, {binary_bytes_per_sec}",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                    )
                })
            });
            if let Some(b) = b {
                let mut what = format!("{} blobs", p.blobs);
                if let Some(pct) = (p.pieces * 100).checked_div(p.pieces_total) {
                    what.push_str(&format!(
                        " · large mail {pct}% ({} of {} pieces{})",
                        p.pieces,
                        p.pieces_total,
                        eta(&mut pieces_from, p.pieces, p.pieces_total)
                    ));
                }
                b.set_prefix(what);
                b.set_position(p.bytes);
            }
        }
    });
    if let Some(Some(b)) = bar {
        b.finish_and_clear();
    }
    let r = r?;
    let totals = if last.blobs > 0 {
        format!(
            " ({} blob{}, {} in {:.1}s)",
            last.blobs,
            if last.blobs == 1 { "" } else { "s" },
            indicatif::BinaryBytes(last.bytes),
            started.elapsed().as_secs_f64()
        )
    } else {
        String::new()
    };
    Ok((r, last, totals))
}

/// ", ETA 12s" for the large mail once this fetch has stored some of it (from its rate so
/// far); empty before.
fn eta(from: &mut Option<(std::time::Instant, u64)>, done: u64, total: u64) -> String {
    let (t0, p0) = *from.get_or_insert((std::time::Instant::now(), done));
    let secs = t0.elapsed().as_secs_f64();
    let moved = done.saturating_sub(p0);
    if moved == 0 || secs < 0.25 {
        return String::new();
    }
    let left = total.saturating_sub(done) as f64 * secs / moved as f64;
    format!(
        ", ETA {}",
        humantime::format_duration(std::time::Duration::from_secs(left.ceil() as u64))
    )
}

/// Runs `fetch`.
pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    let (r, last, totals) = fetch_with_progress(ctx, &mut s)?;
    // A fetch that failed says why on stderr only, one line per route (one line in all with
    // one route), and exits 1: nothing on stdout for scripts to misread (--json included).
    let routes = s.routes().len();
    if routes > 0 && r.route_errors.len() >= routes && r.new.is_empty() {
        if let [(route, e)] = r.route_errors.as_slice() {
            bail!("{route}: {e}");
        }
        for (route, e) in &r.route_errors {
            ctx.ui.error(&format!("{route}: {e}"));
        }
        bail!("no route could be fetched");
    }
    let warnings: Vec<String> = s
        .inbox()
        .chain_warnings()?
        .into_iter()
        .map(|w| w.text)
        .collect();
    if ctx.ui.json {
        // The numbers `read` takes, not the store's ids.
        let ids = s.inbox().numbers(&r.new)?;
        ctx.ui.json_value(&Json {
            new: r.new.len(),
            ids: &ids,
            duplicates: r.duplicates,
            incomplete: r.incomplete,
            rejected: &r.rejected,
            quarantined: &r.quarantined,
            retried: r.retried,
            blobs: last.blobs,
            bytes: last.bytes,
            warnings,
            route_errors: r
                .route_errors
                .iter()
                .map(|(route, e)| serde_json::json!({"route": route, "error": e}))
                .collect(),
        });
    } else {
        ctx.ui.status(format!(
            "{} new message{}{totals}",
            r.new.len(),
            if r.new.len() == 1 { "" } else { "s" }
        ));
        for x in &r.rejected {
            ctx.ui.error(&format!(
                "rejected a blob from {} and deleted it there: {}",
                x.route, x.reason
            ));
        }
        for (route, e) in &r.route_errors {
            ctx.ui.error(&format!("{route}: {e}"));
        }
        if r.intros > 0 {
            ctx.ui.note(format!(
                "{} new contact request(s): see `hushpost contact requests`",
                r.intros
            ));
        }
        if r.incomplete > 0 {
            ctx.ui
                .note(format!("{} large message(s) still arriving", r.incomplete));
        }
        if r.retried > 0 {
            ctx.ui.note(format!(
                "{} blob(s) kept after an earlier failure went out",
                r.retried
            ));
        }
        if ctx.verbose > 0 {
            for q in &r.quarantined {
                ctx.ui.warn(format!(
                    "kept aside a blob from {}: {} (see `hushpost quarantine`)",
                    q.route, q.reason
                ));
            }
        } else if !r.quarantined.is_empty() {
            ctx.ui.warn(format!(
                "{} blob(s) kept aside: dated outside the 35-day window or in the future (see `hushpost quarantine`, or fetch -v)",
                r.quarantined.len()
            ));
        }
        for w in &warnings {
            ctx.ui.warn(w);
        }
    }
    if !r.rejected.is_empty() || !r.route_errors.is_empty() {
        return Err(Partial.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_eta_follows_the_rate_of_this_fetch() {
        let mut from = None;
        // The first sight of the large mail (40 of 100 pieces from earlier fetches).
        assert_eq!(super::eta(&mut from, 40, 100), "");
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert_eq!(super::eta(&mut from, 40, 100), "", "nothing moved yet");
        // 20 pieces in ~0.3 s: the 40 left take about twice that.
        let e = super::eta(&mut from, 60, 100);
        let secs: u64 = e
            .strip_prefix(", ETA ")
            .and_then(|s| s.strip_suffix('s'))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{e}"));
        // At least the 0.6 s the rate gives, rounded up; a slow machine's late wake-up
        // only makes it longer.
        assert!((1..=5).contains(&secs), "{e}");
    }
}
