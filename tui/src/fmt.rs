//! Small pure helpers for drawing: the colour theme (or none, under `NO_COLOR`), relative
//! dates against the app's clock, sizes, and word wrapping by display width.
//!
//! Must not read the clock or the environment except in [`Theme::from_env`]: render stays
//! a function of state.

use ratatui::style::{Color, Modifier, Style};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Styles for each kind of text; without colour, only bold/reverse/underline remain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colours allowed.
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Title and status bars.
    pub fn bar(self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    /// The selected row.
    pub fn selected(self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    /// Unread mail.
    pub fn unread(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    /// Secondary text.
    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }
    /// Field labels and headings.
    pub fn label(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// Errors and warnings.
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// Good news: verified, sent.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }
    /// What a route protects.
    pub fn badge(self) -> Style {
        self.fg(Color::Magenta)
    }
    /// Plain text.
    pub fn text(self) -> Style {
        Style::new()
    }
}

/// "now", "5m", "3h", "2d", then the date (UTC).
pub fn relative(ts: u64, now: u64) -> String {
    if ts > now + 60 {
        return hushpost_ops::rfc3339(ts)
            .get(..10)
            .unwrap_or("")
            .to_string();
    }
    let d = now.saturating_sub(ts);
    match d {
        0..60 => "now".into(),
        60..3600 => format!("{}m ago", d / 60),
        3600..86_400 => format!("{}h ago", d / 3600),
        86_400..604_800 => format!("{}d ago", d / 86_400),
        _ => hushpost_ops::rfc3339(ts)
            .get(..10)
            .unwrap_or("")
            .to_string(),
    }
}

/// The time left before `at` (unix seconds) as the command line says it, so the inbox and
/// `hushpost list` agree: "45s", "12m", "1h 5m", "2days 1h", "expired", or the date a year
/// or more away.
pub fn left(at: u64, now: u64) -> String {
    let secs = at.saturating_sub(now);
    match hushpost_ops::fmt_left(secs) {
        Some(d) => d,
        None if secs == 0 => "expired".into(),
        None => hushpost_ops::rfc3339(at)
            .get(..10)
            .unwrap_or("")
            .to_string(),
    }
}

/// When something due at `at` happens, for a sentence: "in 45s", "by now", "on 2100-01-01".
pub fn due(at: u64, now: u64) -> String {
    if at <= now {
        return "by now".into();
    }
    let l = left(at, now);
    if hushpost_ops::fmt_left(at - now).is_some() {
        format!("in {l}")
    } else {
        format!("on {l}")
    }
}

/// 1234 → "1.2 KiB": the units the command line uses (binary, as its progress bars).
pub fn size(n: u64) -> String {
    hushpost_ops::fmt_bytes(n)
}

/// Display width.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts to `w` columns, with "…" when something was cut.
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

/// Pads or cuts to exactly `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    let f = fit(s, w);
    let n = w.saturating_sub(width(&f));
    format!("{f}{}", " ".repeat(n))
}

/// Greedy word wrap of one line (no newlines in it) to `w` columns; words longer than a
/// line are broken. An empty line stays one empty line.
pub fn wrap(line: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0usize;
    for word in line.split_inclusive(' ') {
        let ww = width(word);
        if cur_w + width(word.trim_end()) <= w {
            cur.push_str(word);
            cur_w += ww;
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur).trim_end().to_string());
            cur_w = 0;
        }
        // The word alone may still be too long: break it by columns.
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if cur_w + cw > w && c != ' ' {
                out.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur.push(c);
            cur_w += cw;
        }
    }
    out.push(cur.trim_end().to_string());
    out
}

/// How many lines [`wrap`] makes of `text` (split on newlines) at `w` columns.
pub fn wrapped_len(text: &[String], w: usize) -> usize {
    text.iter().map(|l| wrap(l, w).len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_breaks_long_ones() {
        assert_eq!(
            wrap("hello brave new world", 11),
            vec!["hello brave", "new world"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(pad("ab", 4), "ab  ");
    }

    #[test]
    fn time_left_reads_as_the_command_line_says_it() {
        assert_eq!(left(1045, 1000), "45s");
        assert_eq!(left(1000, 1000), "expired");
        assert_eq!(left(125, 0), "2m");
        assert_eq!(left(3_900, 0), "1h 5m");
        assert_eq!(left(2 * 86_400 + 3_700, 0), "2days 1h");
        assert_eq!(left(4_102_444_800, 0), "2100-01-01");
    }

    #[test]
    fn relative_dates() {
        assert_eq!(relative(1000, 1030), "now");
        assert_eq!(relative(1000, 1000 + 300), "5m ago");
        assert_eq!(relative(0, 3 * 86_400), "3d ago");
        assert_eq!(relative(0, 30 * 86_400), "1970-01-01");
    }
}
