//! `hushpost sendmail`: the sendmail/msmtp command line mail clients call (neomutt's
//! `$sendmail`, aerc's outgoing command, `git send-email --sendmail-cmd`), over
//! `Session::sendmail`. Exit codes are sendmail's (sysexits) so clients know to retry.
//!
//! Must not prompt (stdin is the message, the terminal is the client's) nor print on
//! success; every failure is one line on stderr and a sysexits code.

use crate::{Ctx, Exit, Partial};
use anyhow::{Context, Result};
use hushpost_ops::core::sanitize::one_line;
use hushpost_ops::{SendmailError, SendmailRequest, Session};
use std::io::Read;

/// sysexits: bad command line.
pub const EX_USAGE: u8 = 64;
/// sysexits: the input is not a message.
pub const EX_DATAERR: u8 = 65;
/// sysexits: unknown recipient.
pub const EX_NOUSER: u8 = 67;
/// sysexits: temporary failure (locked); the client should try again later.
pub const EX_TEMPFAIL: u8 = 75;

/// Send a message a mail client wrote (sendmail/msmtp compatible: neomutt, aerc, git send-email).
///
/// Sends it as sendmail and msmtp do: an RFC 5322 message on
/// stdin, recipients as arguments (a contact's name, FINGERPRINT@hushpost.invalid as in
/// exported mail, or NAME@hushpost.invalid) or, with -t, from its To, Cc and Bcc (Bcc is
/// never sent; your own address, the message's From or -f, is skipped). Subject, the
/// MIME body, attachments and threading (In-Reply-To, References) are kept; From is always
/// you. On routes with cover traffic the message is queued for `hushpost poll`, as `send`
/// queues it.
///
/// Accepted: -t, -i, -oi, -oem (and other -o…, ignored as sendmail does), -f ADDR, -F NAME,
/// -r ADDR, --. A lone "." line does not end the message.
///
/// Set-up: neomutt `set sendmail="hushpost sendmail"`; aerc `outgoing = hushpost sendmail` in
/// accounts.conf; git `git send-email --sendmail-cmd="hushpost sendmail" --to=NAME`.
///
/// Exit status (sysexits): 0 sent or queued (a copy that cannot leave now waits in the
/// outbox and is retried by fetch and poll, as an MTA's queue would; a line says so); 64
/// usage; 65 stdin is not a message; 67 unknown recipient (nothing was sent to anyone); 75
/// locked with no way to unlock without a prompt (try again later); 3 some copies are held
/// or failed while others left (each is listed, see `hushpost outbox`); 1 none could leave.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// sendmail options and recipients.
    #[arg(
        value_name = "ARG",
        trailing_var_arg = true,
        allow_hyphen_values = true,
        num_args = 0..
    )]
    pub args: Vec<String>,
}

/// Options of sendmail's that take a value (`-f ADDR` or `-fADDR`); hushpost ignores the
/// value (From is always you; DSN and queue settings mean nothing here), except that the
/// address of `-f`/`-r` is the user's own, never a recipient.
const WITH_VALUE: &[char] = &[
    'f', 'F', 'r', 'N', 'R', 'V', 'B', 'L', 'X', 'C', 'O', 'h', 'p',
];
/// Options without a value that change nothing here.
const IGNORED: &[&str] = &[
    "-i", "-t", "-v", "-m", "-n", "-U", "-G", "-Ac", "-Am", "-bm",
];

fn usage(line: String) -> anyhow::Error {
    Exit {
        code: EX_USAGE,
        line,
    }
    .into()
}

/// The command line: recipients, -t, and the envelope sender of -f/-r.
#[derive(Debug, Default, PartialEq, Eq)]
struct Line {
    to: Vec<String>,
    t: bool,
    from: Option<String>,
}

fn parse(args: &[String]) -> Result<Line> {
    let mut line = Line::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            line.to.extend(it.by_ref().cloned());
            break;
        }
        let Some(opt) = a.strip_prefix('-').filter(|o| !o.is_empty()) else {
            line.to.push(a.clone());
            continue;
        };
        let first = opt.chars().next().unwrap_or('-');
        if a == "-t" {
            line.t = true;
        } else if IGNORED.contains(&a.as_str()) || first == 'o' || first == 'e' {
            // -oi, -oem, -odb…, -em, -ee: sendmail's own settings.
        } else if WITH_VALUE.contains(&first) {
            let value = if opt.len() == 1 {
                it.next()
                    .cloned()
                    .ok_or_else(|| usage(format!("sendmail: {a} needs a value")))?
            } else {
                opt[first.len_utf8()..].to_string()
            };
            if first == 'f' || first == 'r' {
                line.from = Some(value);
            }
        } else {
            return Err(usage(format!(
                "sendmail: {} is not supported (hushpost sendmail only delivers a message)",
                one_line(a)
            )));
        }
    }
    Ok(line)
}

/// The keyring for a mail client, which cannot answer a prompt: held by an unlocked agent
/// (`hushpost unlock`), or opened when it needs no passphrase or one comes from
/// --passphrase-file / HUSHPOST_PASSPHRASE_FILE; `None` when it is locked with no way to
/// unlock it without asking.
pub fn session_without_prompt(ctx: &Ctx) -> Result<Option<Session>> {
    if let hushpost_ops::agent::Access::Unlocked(c, snap) = hushpost_ops::agent::access(&ctx.home)?
    {
        return Ok(Some(Session::attach(ctx.home.clone(), c, *snap)?));
    }
    if Session::needs_passphrase(&ctx.home)? && ctx.passphrase_file.is_none() {
        return Ok(None);
    }
    ctx.session().map(Some)
}

fn exit(code: u8, line: String) -> anyhow::Error {
    Exit { code, line }.into()
}

/// Runs `sendmail`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let line = parse(&args.args)?;
    let mut message = Vec::new();
    std::io::stdin()
        .read_to_end(&mut message)
        .context("cannot read the message from stdin")?;
    let Some(mut s) = session_without_prompt(ctx)? else {
        return Err(exit(
            EX_TEMPFAIL,
            "sendmail: the keyring is locked and there is no way to unlock it without a prompt (run `hushpost unlock`, or use --passphrase-file or HUSHPOST_PASSPHRASE_FILE); try again later".into(),
        ));
    };
    let req = SendmailRequest {
        message,
        recipients: line.to,
        from_headers: line.t,
        envelope_from: line.from,
    };
    let r = match s.sendmail(&req) {
        Ok(r) => r,
        Err(e) => {
            let code = match &e {
                SendmailError::NoRecipients => EX_USAGE,
                SendmailError::Unreadable => EX_DATAERR,
                SendmailError::Unknown(_) => EX_NOUSER,
                SendmailError::Ops(_) => crate::EXIT_FAILURE,
            };
            return Err(exit(
                code,
                format!("sendmail: {}", one_line(&e.to_string())),
            ));
        }
    };
    for n in &r.notes {
        ctx.ui.note(format!("sendmail: {n}"));
    }
    // Like an MTA's queue: a copy that could not leave now waits in the outbox and is retried
    // by fetch and poll, so the client must not send it again (exit 0, with a line).
    let (mut waiting, mut stuck) = (0, 0);
    for x in &r.sent.recipients {
        let name = one_line(&x.name);
        if x.on_its_way() {
            continue;
        }
        let why = one_line(&x.errors.join("; "));
        if x.retrying {
            waiting += 1;
            ctx.ui.note(format!(
                "sendmail: {name}: not sent yet ({why}); kept in the outbox, retried by fetch and poll"
            ));
        } else {
            stuck += 1;
            ctx.ui.error(&format!(
                "sendmail: {name}: NOT sent — {why} {} (see `hushpost outbox`)",
                one_line(&x.reason)
            ));
        }
    }
    if stuck == 0 {
        Ok(())
    } else if stuck < r.sent.recipients.len() || waiting > 0 {
        Err(Partial.into())
    } else {
        Err(exit(
            crate::EXIT_FAILURE,
            "sendmail: the message could not leave for anyone".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sendmail_command_lines_as_clients_write_them() {
        // neomutt, git send-email, msmtp-style -t.
        let l = parse(&v(&["-oem", "-oi", "--", "bob", "-odd"])).expect("ok");
        assert_eq!((l.to, l.t, l.from), (v(&["bob", "-odd"]), false, None));
        let l = parse(&v(&["-i", "-f", "a@x", "bob", "c@hushpost.invalid"])).expect("ok");
        assert_eq!(l.to, v(&["bob", "c@hushpost.invalid"]));
        assert_eq!(l.from.as_deref(), Some("a@x"));
        let l = parse(&v(&["-t", "-fa@x", "-F", "Alice", "-odb", "-N", "never"])).expect("ok");
        assert_eq!((l.to, l.t), (Vec::<String>::new(), true));
        assert_eq!(l.from.as_deref(), Some("a@x"));
    }

    #[test]
    fn other_modes_are_refused() {
        for bad in [&["-bs"][..], &["-q"], &["-f"], &["-x", "bob"]] {
            let e = parse(&v(bad)).expect_err("refused");
            let x = e.downcast_ref::<Exit>().expect("an exit");
            assert_eq!(x.code, EX_USAGE, "{bad:?}");
        }
    }
}
