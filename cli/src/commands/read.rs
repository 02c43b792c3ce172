//! `hushpost read`.

use crate::Ctx;
use anyhow::Result;
use hushpost_ops::core::sanitize::{file_name, for_terminal, one_line};
use std::path::PathBuf;

/// Show a message and mark it read. Terminal control sequences in anything the sender
/// wrote are shown as harmless symbols. The sender shown is the verified one from the
/// sealed envelope, never a header.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message id (from `hushpost list`; `sN` for sent mail, from `list --sent`).
    pub id: super::MessageRef,
    /// Print the RFC 5322 message as is (for piping into other mail tools).
    #[arg(long)]
    pub raw: bool,
    /// Save attachments into this folder under their original file names.
    #[arg(long, value_name = "DIR")]
    pub save_attachments: Option<PathBuf>,
}

/// Runs `read`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    let id = args.id.resolve(s.inbox())?;
    let m = s.inbox().read(id, false)?;
    if let Some(dir) = &args.save_attachments {
        for a in &m.letter.attachments {
            let p = hushpost_ops::attachments::save_into(dir, &a.name, &a.data)?;
            ctx.ui.note(format!("saved {}", p.display()));
        }
    }
    if args.raw {
        if ctx.ui.stdout_tty {
            ctx.ui.line(for_terminal(&String::from_utf8_lossy(&m.raw)));
        } else {
            ctx.ui.bytes(&m.raw);
        }
        return Ok(());
    }
    let l = &m.letter;
    let from = if m.summary.from == "me" {
        "me".to_string()
    } else {
        format!(
            "{}{}",
            one_line(&m.summary.from),
            if m.summary.verified {
                " ✓ verified"
            } else {
                " (unverified)"
            }
        )
    };
    ctx.ui.line(format!("{} {from}", ctx.ui.bold("From:   ")));
    let to: Vec<String> = l.to.iter().map(|p| one_line(&p.name)).collect();
    if !to.is_empty() {
        ctx.ui
            .line(format!("{} {}", ctx.ui.bold("To:     "), to.join(", ")));
    }
    ctx.ui
        .line(format!("{} {}", ctx.ui.bold("Date:   "), m.summary.date));
    ctx.ui.line(format!(
        "{} {}",
        ctx.ui.bold("Subject:"),
        one_line(&l.subject)
    ));
    if m.summary.burn_after_reading {
        ctx.ui.line(
            ctx.ui
                .dim("(burn after reading: deleted from your store now that you read it)"),
        );
    } else if m.summary.expires_at > 0 {
        ctx.ui.line(ctx.ui.dim(&format!(
            "(expires {})",
            hushpost_ops::rfc3339(m.summary.expires_at)
        )));
    }
    for a in &l.attachments {
        ctx.ui.line(format!(
            "{} {} ({} bytes)",
            ctx.ui.bold("Attach: "),
            one_line(&file_name(&a.name)),
            a.data.len()
        ));
    }
    ctx.ui.line("");
    ctx.ui.line(for_terminal(&l.text.replace("\r\n", "\n")));
    Ok(())
}
