//! `hushpost read`.

use crate::{Ctx, Partial};
use anyhow::Result;
use hushpost_ops::attachments::safe_name;
use hushpost_ops::core::sanitize::{for_terminal, one_line};
use std::path::PathBuf;

/// Show a message.
///
/// Shows it and marks it read. Terminal control sequences in anything the sender
/// wrote are shown as harmless symbols. The sender shown is the verified one from the
/// sealed envelope, never a header; `--raw` writes it into the headers too (From,
/// Authentication-Results; a different From the sender claimed is kept only as
/// X-Hushpost-Claimed-From).
///
/// Exit status 3: some attachments could not be saved (the others were; each is listed).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message id (from `hushpost list`; `sN` for sent mail, from `list --sent`).
    pub id: super::MessageRef,
    /// Print the RFC 5322 message (for piping into other mail tools), with headers that
    /// name the verified sender.
    #[arg(long)]
    pub raw: bool,
    /// Save attachments into this folder (created if missing) under their file names,
    /// made safe: no directories, control or bidi characters or leading dots, at most 200
    /// bytes; never over an existing file or through a link (a taken name gets a number).
    #[arg(long, value_name = "DIR")]
    pub save_attachments: Option<PathBuf>,
    /// Machine-readable output: the fields of `list --json` (with `to` as {name,
    /// fingerprint}) plus message_id, in_reply_to, references, text and attachments
    /// [{name, type, size, kept}]. The text is exact, not made safe for a terminal.
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
}

/// Runs `read`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    let id = args.id.resolve(s.inbox())?;
    // Attachments stored beside the letter are opened before the message is read (a
    // burn-after-reading message is gone from the store once read; open files stay
    // readable) and streamed out; they are never decrypted just to show the message.
    let sources = if args.save_attachments.is_some() {
        s.inbox().part_sources(id)?
    } else {
        Vec::new()
    };
    if args.raw && !ctx.ui.stdout_tty {
        // Streamed: a message with attachments of any size is rebuilt as standard
        // multipart MIME while it is written.
        let mut out = std::io::stdout().lock();
        s.inbox().write_message(id, &mut out)?;
        std::io::Write::flush(&mut out)?;
    }
    let m = s.inbox().read(id, false)?;
    let unsaved = match &args.save_attachments {
        Some(dir) => save_all(ctx, dir, &m, &sources)?,
        None => 0,
    };
    let verdict = || {
        if unsaved > 0 {
            Err(Partial.into())
        } else {
            Ok(())
        }
    };
    if args.raw {
        if ctx.ui.stdout_tty {
            ctx.ui.line(for_terminal(&String::from_utf8_lossy(&m.raw)));
            for p in &m.parts {
                ctx.ui.line(format!(
                    "[attachment {} ({}): pipe `read --raw` or use --save-attachments]",
                    one_line(&hushpost_ops::attachments::safe_name(&p.name)),
                    hushpost_ops::fmt_bytes(p.len)
                ));
            }
        }
        return verdict();
    }
    if args.json {
        ctx.ui.json_value(&as_json(&m));
        return verdict();
    }
    let l = &m.letter;
    headers(ctx, &m);
    ctx.ui.line("");
    ctx.ui.line(for_terminal(&l.text.replace("\r\n", "\n")));
    verdict()
}

/// `read --json`: the list fields, then what only reading shows.
fn as_json(m: &hushpost_ops::Reading) -> serde_json::Value {
    let mut v = serde_json::to_value(&m.summary).unwrap_or_default();
    let l = &m.letter;
    let inline = l.attachments.iter().map(|a| {
        serde_json::json!({
            "name": a.name, "type": a.content_type, "size": a.data.len(), "kept": true
        })
    });
    let stored = m.parts.iter().map(|p| {
        serde_json::json!({
            "name": p.name, "type": p.content_type, "size": p.len, "kept": p.kept
        })
    });
    if let Some(o) = v.as_object_mut() {
        o.insert("message_id".into(), l.message_id.clone().into());
        o.insert("in_reply_to".into(), l.in_reply_to.clone().into());
        o.insert("references".into(), l.references.clone().into());
        o.insert("text".into(), l.text.replace("\r\n", "\n").into());
        o.insert(
            "attachments".into(),
            inline.chain(stored).collect::<Vec<_>>().into(),
        );
    }
    v
}

/// Saves every attachment of `m` into `dir`; returns how many could not be saved (each
/// said on stderr).
fn save_all(
    ctx: &Ctx,
    dir: &std::path::Path,
    m: &hushpost_ops::Reading,
    sources: &[(
        hushpost_ops::core_store::StoredPart,
        hushpost_ops::core_store::PartSource,
    )],
) -> Result<usize> {
    let mut unsaved = 0;
    for a in &m.letter.attachments {
        match hushpost_ops::attachments::save_into(dir, &a.name, &a.data) {
            Ok(p) => ctx
                .ui
                .note(format!("saved {}", one_line(&p.display().to_string()))),
            Err(e) => {
                unsaved += 1;
                ctx.ui.error(&format!(
                    "{}: not saved: {}",
                    one_line(&safe_name(&a.name)),
                    one_line(&e.to_string())
                ));
            }
        }
    }
    save_parts(ctx, dir, sources)?;
    Ok(unsaved)
}

/// The header lines `read` shows above the text.
fn headers(ctx: &Ctx, m: &hushpost_ops::Reading) {
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
    let to: Vec<String> = m.recipient_names().iter().map(|n| one_line(n)).collect();
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
            one_line(&safe_name(&a.name)),
            a.data.len()
        ));
    }
    for p in &m.parts {
        ctx.ui.line(format!(
            "{} {} ({}){}",
            ctx.ui.bold("Attach: "),
            one_line(&hushpost_ops::attachments::safe_name(&p.name)),
            hushpost_ops::fmt_bytes(p.len),
            if p.kept {
                ""
            } else {
                " (sent from your disk; not kept)"
            }
        ));
    }
}

/// Streams the stored attachments into `dir`, with a progress bar in bytes on a terminal
/// and, with -v, one summary line in pipes.
fn save_parts(
    ctx: &Ctx,
    dir: &std::path::Path,
    sources: &[(
        hushpost_ops::core_store::StoredPart,
        hushpost_ops::core_store::PartSource,
    )],
) -> Result<()> {
    let total: u64 = sources.iter().map(|(p, _)| p.len).sum();
    let bar = ctx.ui.progress_bytes(total, "saving");
    let started = std::time::Instant::now();
    let mut base = 0u64;
    for (p, src) in sources {
        let path = hushpost_ops::attachments::save_stream_into(dir, &p.name, src, &mut |n| {
            if let Some(b) = &bar {
                b.set_position(base + n);
            }
        })?;
        base += p.len;
        if let Some(b) = &bar {
            b.suspend(|| ctx.ui.note(format!("saved {}", path.display())));
        } else {
            ctx.ui.note(format!("saved {}", path.display()));
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if ctx.verbose > 0 && !sources.is_empty() {
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        ctx.ui.note(format!(
            "saved {} in {secs:.1} s ({}/s)",
            hushpost_ops::fmt_bytes(total),
            hushpost_ops::fmt_bytes((total as f64 / secs) as u64)
        ));
    }
    Ok(())
}
