//! `hushpost send`.

use crate::{Ctx, Partial, Said};
use anyhow::{Context, Result, bail};
use hushpost_ops::core::route::{RouteKind, Via};
use hushpost_ops::core::sanitize::one_line;
use hushpost_ops::{RecipientReport, SendReport, SendRequest, Session};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

/// Send a message. The body comes from stdin when stdin is not a terminal, otherwise
/// $EDITOR opens. Each recipient gets their own sealed copy, put on the first of their
/// routes that works (only routes you allowed for them: see `contact routes`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A recipient (repeatable).
    #[arg(long = "to", value_name = "NAME", required = true,
        add = clap_complete::ArgValueCandidates::new(crate::complete::contacts))]
    pub to: Vec<String>,
    /// Subject line.
    #[arg(long, short = 's', default_value = "")]
    pub subject: String,
    /// Attach a file (repeatable).
    #[arg(long = "attach", short = 'a', value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// How to dial.
    #[command(flatten)]
    pub dial: DialArgs,
    /// Ask the recipient's client to delete the message after this long (e.g. 2h, 7d).
    /// A courtesy their client honours, not something you can enforce.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub expire: Option<std::time::Duration>,
    /// Ask the recipient's client to delete the message once read. A courtesy their
    /// client honours, not something you can enforce.
    #[arg(long)]
    pub burn_after_reading: bool,
    /// When and over which routes to deliver.
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    /// Machine-readable report.
    #[arg(long)]
    pub json: bool,
}

/// `--now` and `--fallback`, shared by `send` and `reply`.
#[derive(Debug, Clone, clap::Args)]
pub struct DeliveryArgs {
    /// On a route with cover traffic, send at once instead of waiting for the next
    /// `hushpost poll` slot. This reveals the moment of sending to anyone watching.
    #[arg(long)]
    pub now: bool,
    /// If a recipient's first route fails, try their next ones (normally only where
    /// `contact fallback NAME on` allows it: the route order is a privacy order).
    #[arg(long)]
    pub fallback: bool,
}

/// `--via` and `--route`, shared by `send` and `reply`.
#[derive(Debug, Clone, clap::Args)]
pub struct DialArgs {
    /// The network mode for this message: `tor` (only through the Tor proxy) or `direct`,
    /// overriding the contact's and config.toml's. (A route kind here, as in `--via ssh`,
    /// still works but is deprecated: use --route.)
    #[arg(long, value_name = "MODE", value_parser = via_parser())]
    pub via: Option<ViaArg>,
    /// Only use the contact's routes of this kind.
    #[arg(long, value_name = "KIND", value_parser = kind_parser())]
    pub route: Option<RouteKind>,
}

/// A `--via` value: a network mode, or (deprecated) a route kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViaArg {
    /// A network mode.
    Mode(Via),
    /// A route kind (the old mixed `--via SCHEME`).
    Kind(RouteKind),
}

fn via_parser() -> impl clap::builder::TypedValueParser<Value = ViaArg> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let mut values: Vec<PossibleValue> = Via::NAMES.iter().map(PossibleValue::new).collect();
    values.extend(
        RouteKind::NAMES
            .iter()
            .map(|k| PossibleValue::new(k).hide(true)),
    );
    PossibleValuesParser::new(values).map(|s| match s.parse::<Via>() {
        Ok(v) => ViaArg::Mode(v),
        Err(_) => ViaArg::Kind(s.parse().expect("one of the possible values")),
    })
}

fn kind_parser() -> impl clap::builder::TypedValueParser<Value = RouteKind> {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(RouteKind::NAMES).map(|s| s.parse().expect("a possible value"))
}

impl DialArgs {
    /// The network mode and route kind asked for; says so on stderr when the deprecated
    /// `--via SCHEME` was used.
    pub fn resolve(&self, ctx: &Ctx) -> Result<(Option<Via>, Option<RouteKind>)> {
        match self.via {
            Some(ViaArg::Kind(k)) => {
                if self.route.is_some_and(|r| r != k) {
                    bail!(
                        "--via {k} and --route {} disagree",
                        self.route.map_or_else(String::new, |r| r.to_string())
                    );
                }
                ctx.ui.note(format!(
                    "--via {k} is deprecated: use --route {k} (--via is now tor or direct)"
                ));
                Ok((None, Some(k)))
            }
            Some(ViaArg::Mode(v)) => Ok((Some(v), self.route)),
            None => Ok((None, self.route)),
        }
    }
}

/// The body: stdin if piped, else $EDITOR on a draft file that survives a failed send.
pub(crate) fn read_body(s: &Session, initial: &str) -> Result<(String, Option<PathBuf>)> {
    if !std::io::stdin().is_terminal() {
        let mut body = String::new();
        std::io::stdin()
            .read_to_string(&mut body)
            .context("cannot read the message from stdin")?;
        return Ok((body, None));
    }
    let path = hushpost_ops::editor::draft_path(&s.home, "cli");
    let body = hushpost_ops::editor::edit(&path, initial)?;
    if body.trim().is_empty() || body == initial {
        let _ = std::fs::remove_file(&path);
        bail!("empty message; nothing sent");
    }
    Ok((body, Some(path)))
}

/// Prints a send report: one line per recipient. Exit: 0 when every copy left or waits for
/// a cover-traffic slot (or for the recipient to make room for the rest); 3 when some are
/// kept in the outbox (retried later) or held or failed, or only part of a copy reached
/// the drop; 1 when none left.
pub(crate) fn report(ctx: &Ctx, r: &SendReport, draft: Option<PathBuf>) -> Result<()> {
    if ctx.ui.json {
        ctx.ui.json_value(r);
    } else {
        for rec in &r.recipients {
            recipient_line(ctx, rec);
        }
    }
    // The text is in the store now (the sent copy), so the editor's draft can go.
    if let (Some(p), Some(_)) = (&draft, r.id) {
        let _ = std::fs::remove_file(p);
    } else if let Some(p) = &draft {
        ctx.ui.note(format!("your text is kept in {}", p.display()));
    }
    if r.all_delivered() {
        Ok(())
    } else if r.recipients.iter().any(|x| {
        // Some of it is on the drop: partly done, the rest kept for a retry.
        x.on_its_way() || x.delivered.as_ref().is_some_and(|d| d.on_drop > 0)
    }) {
        Err(Partial.into())
    } else {
        // Each recipient's line said why and what happens next.
        Err(Said.into())
    }
}

/// Where one recipient's copy stands: why it did not leave (if so) and what happens next,
/// each said once.
fn recipient_line(ctx: &Ctx, rec: &RecipientReport) {
    use hushpost_ops::core_store::DeliveryState as S;
    let name = one_line(&rec.name);
    let blobs = |n: usize| format!("{n} blob{}", if n == 1 { "" } else { "s" });
    if let Some(f) = &rec.fell_back {
        ctx.ui.note(format!(
            "{name}: the first route failed; falling back to {}",
            one_line(f)
        ));
    }
    let mut why: Vec<String> = rec.errors.clone();
    if !rec.reason.is_empty() {
        why.push(rec.reason.clone());
    }
    let why = one_line(&why.join("; "));
    match (&rec.delivered, rec.state) {
        (Some(d), S::Sent) => ctx.ui.status(format!(
            "{name}: sent via {} ({}, {} bytes)",
            d.route,
            blobs(d.blobs),
            d.bytes
        )),
        (Some(d), S::Queued) if !rec.retrying => ctx.ui.status(format!(
            "{name}: queued for {} ({}); {}",
            d.route,
            blobs(d.blobs),
            one_line(&rec.reason)
        )),
        (Some(d), S::Queued) if rec.flowing => ctx.ui.status(format!(
            "{name}: on its way via {}: {} of {} are on the drop; {}",
            d.route,
            d.on_drop,
            blobs(d.blobs),
            one_line(&rec.reason)
        )),
        (Some(d), S::Queued) if d.on_drop > 0 => ctx.ui.error(&format!(
            "{name}: partly sent via {}: {} of {} are on the drop; {why}",
            d.route,
            d.on_drop,
            blobs(d.blobs)
        )),
        (_, S::Held) => ctx.ui.error(&format!("{name}: held, not sent: {why}")),
        _ => ctx.ui.error(&format!("{name}: not sent: {why}")),
    }
}

/// Sends with a progress bar: reading the content first, then what the drop acknowledged
/// (each with its own rate and ETA); blobs that go into the outbox instead are counted on
/// the bar's label and leave it short of the end.
pub(crate) fn send_with_progress(
    ctx: &Ctx,
    s: &mut Session,
    req: &SendRequest,
) -> Result<SendReport> {
    use hushpost_ops::SendPhase as P;
    let mut bar = None;
    let mut reading = None;
    let r = s.send(req, &mut |p| {
        if p.total <= 1 << 20 {
            return;
        }
        let Some(b) = bar.get_or_insert_with(|| ctx.ui.progress_bytes(p.total, "sending")) else {
            return;
        };
        // Bytes read and bytes on the drop are different measures: a new phase starts the
        // bar (and its rate and ETA) again.
        let now_reading = p.phase == P::Preparing;
        if reading != Some(now_reading) {
            b.reset();
            b.set_length(p.total);
            reading = Some(now_reading);
        }
        b.set_message(match p.phase {
            P::Preparing => "preparing".to_string(),
            P::Sending => "sending".to_string(),
            P::Queueing => format!("{} queued", p.queued),
        });
        b.set_position(p.done);
    });
    if let Some(Some(b)) = bar {
        b.finish_and_clear();
    }
    Ok(r?)
}

/// Runs `send`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    // Check recipients and attachments before asking for a body.
    for n in &args.to {
        s.contact(n)?;
    }
    for a in &args.attach {
        std::fs::metadata(a).with_context(|| format!("cannot read attachment {}", a.display()))?;
    }
    let (via, route) = args.dial.resolve(ctx)?;
    let (text, draft) = read_body(&s, "")?;
    if text.trim().is_empty() && args.attach.is_empty() {
        // As the editor path: an empty pipe is a mistake far more often than a message.
        bail!("empty message on stdin and no attachment; nothing sent");
    }
    let req = SendRequest {
        to: args.to,
        subject: args.subject,
        text,
        attachments: args.attach,
        via,
        route,
        expire_secs: args.expire.map(|d| d.as_secs()),
        burn_after_reading: args.burn_after_reading,
        now: args.delivery.now,
        fallback: args.delivery.fallback,
        ..Default::default()
    };
    let r = send_with_progress(ctx, &mut s, &req)?;
    report(ctx, &r, draft)
}
