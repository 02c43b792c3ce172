//! One file per command: an args struct whose doc comment is the `--help` text, and one
//! `run(ctx, args)`.

pub mod account;
pub mod agent;
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
pub mod lock;
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
pub mod unlock;

use hushpost_ops::Listed;
use hushpost_ops::core::sanitize::one_line;

/// "expires in 45s" in the last minute, whole minutes up to a day, hours and minutes up to a
/// year, then the date (never "0s", never "99years 2months…").
/// The inbox says the same (`hushpost_ops::fmt_left`).
pub fn expires_in(left: u64, at: u64) -> String {
    match hushpost_ops::fmt_left(left) {
        Some(d) => format!("expires in {d}"),
        None if left == 0 => "expired".into(),
        None => format!(
            "expires on {}",
            hushpost_ops::rfc3339(at).get(..10).unwrap_or_default()
        ),
    }
}

/// A message as `read`, `reply` and `delete` take it: `12` is received mail, `s12` mail you
/// sent (as `list` and `list --sent` show them), so `read 1` never opens your own copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRef {
    /// The number: among received mail, or among sent mail with `sent`.
    pub id: i64,
    /// Written with the `s`: sent mail.
    pub sent: bool,
}

impl std::str::FromStr for MessageRef {
    type Err = String;
    fn from_str(s: &str) -> Result<MessageRef, String> {
        let (sent, digits) = match s.strip_prefix(['s', 'S']) {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        match digits.parse::<i64>() {
            Ok(id) if id > 0 => Ok(MessageRef { id, sent }),
            _ => Err(format!(
                "{s:?} is not a message id (a number from `hushpost list`, or s and a number \
                 from `hushpost list --sent`)"
            )),
        }
    }
}

impl std::fmt::Display for MessageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", if self.sent { "s" } else { "" }, self.id)
    }
}

impl MessageRef {
    /// The store id of the message the reference names: received mail is numbered on its
    /// own (`3`), sent mail on its own (`s3`).
    pub fn resolve(self, inbox: &mut hushpost_ops::Inbox) -> anyhow::Result<i64> {
        if let Some(id) = inbox.id_of(self.sent, self.id)? {
            return Ok(id);
        }
        if self.sent {
            anyhow::bail!("no sent message s{} (see `hushpost list --sent`)", self.id);
        }
        anyhow::bail!(
            "no received message {} (see `hushpost list`; mail you sent is s1, s2… in \
             `hushpost list --sent`)",
            self.id
        )
    }
}

/// Prints list rows as a table (or JSON).
/// What to ask the store for to know whether `limit` rows were all (0: no limit).
pub(crate) fn one_more(limit: usize) -> usize {
    if limit == 0 { 0 } else { limit + 1 }
}

/// Cuts `rows` to `limit` (0: no limit); whether there were more.
pub(crate) fn cut<T>(rows: &mut Vec<T>, limit: usize) -> bool {
    let cut = limit > 0 && rows.len() > limit;
    rows.truncate(if cut { limit } else { rows.len() });
    cut
}

/// Says, on stderr (so `--json` stays one array), that the answer of `hushpost COMMAND`
/// was cut at `limit` and how to see more.
pub(crate) fn more_below(ctx: &crate::Ctx, command: &str, limit: usize) {
    ctx.ui.note(format!(
        "… and more below: `hushpost {command} --limit {}` shows more, `--limit 0` all",
        limit.saturating_mul(2).max(1)
    ));
}

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
        // Sent mail marks each recipient it went to verified, not the line as a whole.
        let who = if r.from == "me" {
            let names: Vec<String> =
                r.to.iter()
                    .map(|t| format!("{}{}", t.name, if t.verified { " ✓" } else { "" }))
                    .collect();
            format!("to {}", names.join(", "))
        } else {
            format!("{}{}", r.from, if r.verified { " ✓" } else { "" })
        };
        let who = one_line(&who);
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
            format!("  ({})", expires_in(left, r.expires_at))
        } else {
            String::new()
        };
        let line = format!(
            "{:>6} {flags} {date}  {:<24.24}  {subject}{life}",
            r.reference, who
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

#[cfg(test)]
mod tests {
    use super::expires_in;

    #[test]
    fn expiry_reads_right_at_every_scale() {
        assert_eq!(expires_in(45, 0), "expires in 45s");
        assert_eq!(expires_in(0, 0), "expired");
        assert_eq!(expires_in(125, 0), "expires in 2m");
        assert_eq!(expires_in(2 * 86_400 + 3_700, 0), "expires in 2days 1h");
        assert_eq!(
            expires_in(u64::MAX / 2, 4_102_444_800),
            "expires on 2100-01-01"
        );
    }
}
