//! `hushpost reply`.

use crate::Ctx;
use anyhow::{Result, bail};
use hushpost_ops::SendRequest;
use std::path::PathBuf;

/// Reply to a message (threaded with In-Reply-To and References). The body comes from
/// stdin when piped, otherwise $EDITOR opens with the quoted original.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message id (from `hushpost list`; `sN` for sent mail, from `list --sent`).
    pub id: super::MessageRef,
    /// Reply to everyone the message went to (who is also your contact).
    #[arg(long)]
    pub all: bool,
    /// Subject (default: "Re: " + the original's).
    #[arg(long, short = 's')]
    pub subject: Option<String>,
    /// Attach a file (repeatable).
    #[arg(long = "attach", short = 'a', value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// How to dial.
    #[command(flatten)]
    pub dial: super::send::DialArgs,
    /// When and over which routes to deliver.
    #[command(flatten)]
    pub delivery: super::send::DeliveryArgs,
    /// Machine-readable report.
    #[arg(long)]
    pub json: bool,
}

/// Runs `reply`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    let (via, route) = args.dial.resolve(ctx)?;
    let id = args.id.resolve(s.inbox())?;
    let plan = s.inbox().reply_plan(id, args.all)?;
    if plan.to.is_empty() {
        bail!(
            "none of the people on message {} is your contact; nobody to reply to",
            args.id
        );
    }
    let quoted: String = plan.quote.lines().map(|l| format!("> {l}\n")).collect();
    let (text, draft) = super::send::read_body(&s, &format!("\n\n{quoted}"))?;
    let req = SendRequest {
        to: plan.to,
        subject: args.subject.unwrap_or(plan.subject),
        text,
        attachments: args.attach,
        via,
        route,
        now: args.delivery.now,
        fallback: args.delivery.fallback,
        in_reply_to: Some(plan.in_reply_to),
        references: plan.references,
        ..Default::default()
    };
    let r = super::send::send_with_progress(ctx, &mut s, &req)?;
    super::send::report(ctx, &r, draft)
}
