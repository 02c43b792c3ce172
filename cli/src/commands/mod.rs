//! One file per command: an args struct whose doc comment is the `--help` text, and one
//! `run(ctx, args)`.

pub mod account;
pub mod completions;
pub mod contact;
pub mod delete;
pub mod doctor;
pub mod export;
pub mod fetch;
pub mod gen_docs;
pub mod id;
pub mod init;
pub mod key;
pub mod leaks;
pub mod list;
pub mod outbox;
pub mod poll;
pub mod quarantine;
pub mod read;
pub mod relay;
pub mod reply;
pub mod route;
pub mod search;
pub mod send;
pub mod sendmail;
pub mod tui;

use hushpost_ops::Listed;
use hushpost_ops::core::sanitize::one_line;

/// Prints list rows as a table (or JSON).
pub(crate) fn print_rows(ctx: &crate::Ctx, rows: &[Listed]) {
    if ctx.ui.json {
        ctx.ui.json_value(&rows);
        return;
    }
    if rows.is_empty() {
        ctx.ui.note("no messages");
        return;
    }
    for r in rows {
        let flags = format!(
            "{}{}{}",
            if r.unread { '*' } else { ' ' },
            if r.attachments { '@' } else { ' ' },
            if r.expires_at > 0 || r.burn_after_reading {
                '!'
            } else {
                ' '
            }
        );
        let who = if r.from == "me" {
            format!("to {}", r.to.clone().unwrap_or_default())
        } else {
            r.from.clone()
        };
        let who = format!("{}{}", one_line(&who), if r.verified { " ✓" } else { "" });
        let date = r.date.get(..16).unwrap_or(&r.date).replace('T', " ");
        let subject = one_line(if r.subject.is_empty() {
            "(no subject)"
        } else {
            &r.subject
        });
        let life = if r.burn_after_reading {
            "  (burns after reading)".to_string()
        } else if r.expires_at > 0 {
            let left = r
                .expires_at
                .saturating_sub(hushpost_ops::core::time::unix_now());
            format!(
                "  (expires in {})",
                humantime::format_duration(std::time::Duration::from_secs(left - left % 60))
            )
        } else {
            String::new()
        };
        let line = format!(
            "{:>6} {flags} {date}  {:<24.24}  {subject}{life}",
            r.id, who
        );
        ctx.ui
            .line(if r.unread { ctx.ui.bold(&line) } else { line });
        for d in &r.deliveries {
            ctx.ui.line(format!("       → {}", delivery_line(d)));
        }
    }
}

/// One recipient's copy of sent mail: where it stands and why.
pub(crate) fn delivery_line(d: &hushpost_ops::core_store::Delivery) -> String {
    use hushpost_ops::core_store::DeliveryState as S;
    let state = match d.state {
        S::Sent => "sent".to_string(),
        S::Queued if d.reason.is_empty() => "queued".to_string(),
        S::Queued => format!("queued: {}", d.reason),
        S::Held => format!("held: {}", d.reason),
        S::Failed => format!("failed: {}", d.reason),
        S::Dropped => "dropped".to_string(),
    };
    let progress = if d.state != S::Sent && d.blobs > 1 {
        format!(" ({} of {} blobs sent)", d.sent_blobs, d.blobs)
    } else {
        String::new()
    };
    one_line(&format!(
        "{} via {}: {state}{progress}",
        d.recipient, d.route
    ))
}
