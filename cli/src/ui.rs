//! The output object: commands write data and messages here instead of printing, so `--json`,
//! colour, `NO_COLOR` and "is stdout a terminal" are decided in one place. Data goes to
//! stdout, diagnostics to stderr.

use hushpost_ops::core::sanitize::{for_terminal, one_line};

/// The escape sequences `Ui` itself writes (bold, dim, reset): the only ones that pass.
const OWN_SGR: [&str; 3] = ["\x1b[1m", "\x1b[2m", "\x1b[0m"];
use std::io::{IsTerminal, Write};

/// How and where output goes.
#[derive(Debug, Clone)]
pub struct Ui {
    /// Emit JSON on stdout.
    pub json: bool,
    /// Colour allowed on stdout.
    pub color: bool,
    /// stdout is a terminal.
    pub stdout_tty: bool,
    /// stderr is a terminal (progress bars).
    pub stderr_tty: bool,
    /// `-q`: only errors on stderr.
    pub quiet: bool,
}

impl Ui {
    /// Detects terminals and `NO_COLOR`.
    pub fn detect(json: bool, quiet: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ui {
            json,
            color: stdout_tty && !no_color,
            stdout_tty,
            stderr_tty: std::io::stderr().is_terminal(),
            quiet,
        }
    }

    /// A line of normal output on stdout, made inert (see [`Ui::inert`]).
    pub fn line(&self, s: impl AsRef<str>) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", self.inert(s.as_ref()));
    }

    /// A summary of what a command did ("sent via …", "3 new messages") on stdout, made
    /// inert like [`Ui::line`]; `-q` suppresses it (only errors then). Data a command
    /// exists to print (a card, a message, a list) goes through [`Ui::line`] instead.
    pub fn status(&self, s: impl AsRef<str>) {
        if !self.quiet {
            self.line(s);
        }
    }

    /// Text as it may reach a terminal: outside data (route labels from cards, names,
    /// server answers) goes into nearly every line, so every line is neutralised here
    /// rather than at each call site; only the colour codes this `Ui` adds itself survive.
    fn inert(&self, s: &str) -> String {
        if !s.contains('\x1b') || !self.color {
            return for_terminal(s);
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find('\x1b') {
            out.push_str(&for_terminal(&rest[..i]));
            let tail = &rest[i..];
            match OWN_SGR.iter().find(|c| tail.starts_with(**c)) {
                Some(code) => {
                    out.push_str(code);
                    rest = &tail[code.len()..];
                }
                None => {
                    out.push('␛');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(&for_terminal(rest));
        out
    }

    /// Raw bytes on stdout.
    pub fn bytes(&self, b: &[u8]) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(b);
        let _ = out.flush();
    }

    /// A value as pretty JSON on stdout.
    pub fn json_value<T: serde::Serialize>(&self, v: &T) {
        // Exact for scripts: JSON escapes every C0 control itself.
        match serde_json::to_string_pretty(v) {
            Ok(s) => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{s}");
            }
            Err(e) => self.error(&format!("cannot encode JSON: {e}")),
        }
    }

    /// A diagnostic on stderr (suppressed by `-q`), made inert as [`Ui::line`].
    pub fn note(&self, s: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", self.inert(s.as_ref()));
        }
    }

    /// A warning on stderr (always shown), made one inert line: warnings carry outside
    /// text (server answers, route labels from cards).
    pub fn warn(&self, s: impl AsRef<str>) {
        eprintln!("warning: {}", one_line(s.as_ref()));
    }

    /// An error line on stderr, made one inert line like message text (errors quote what
    /// relays and mail servers answered).
    pub fn error(&self, s: &str) {
        eprintln!("hushpost: {}", one_line(s));
    }

    /// Bold text when colour is on.
    pub fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Dim text when colour is on.
    pub fn dim(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// A progress bar on stderr when it is a terminal and output is not JSON or quiet.
    pub fn progress(&self, len: u64, what: &str) -> Option<indicatif::ProgressBar> {
        if !self.stderr_tty || self.json || self.quiet {
            return None;
        }
        let pb = indicatif::ProgressBar::new(len);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:>10} [{bar:30}] {pos}/{len} blobs, {per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        pb.set_message(what.to_string());
        Some(pb)
    }

    /// A progress bar in bytes for `len` bytes: done/total, rate, percentage and ETA
    /// (terminals only; `None` in pipes, with --json or -q).
    pub fn progress_bytes(&self, len: u64, what: &str) -> Option<indicatif::ProgressBar> {
        if !self.stderr_tty || self.json || self.quiet {
            return None;
        }
        let pb = indicatif::ProgressBar::new(len);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:>10} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {percent}% ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        pb.set_message(what.to_string());
        Some(pb)
    }
}
