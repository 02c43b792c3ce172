//! Contacts: the list with verification state, and for the selected one the safety
//! number, fingerprint, and routes in the order they are tried, each with what it
//! protects. Add from a pasted card, verify after comparing safety numbers, and show our
//! own card as text and as a QR code. Pending contact requests follow the contacts
//! (see `requests.rs`).
//!
//! Must not mark anyone verified without the user confirming the safety number on screen.

use crate::app::{App, PromptKind, Screen};
use crate::event::Effect;
use crate::fmt::{fit, wrap};
use hushpost_ops::core::sanitize::one_line;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

impl App {
    pub(crate) fn contacts_move(&mut self, delta: isize) {
        let last = (self.contacts.list.len() + self.contacts.requests.len()).saturating_sub(1);
        self.contacts.selected = self
            .contacts
            .selected
            .saturating_add_signed(delta)
            .min(last);
    }

    pub(crate) fn contacts_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        if self.request_key(&k) {
            return;
        }
        match k.code {
            KeyCode::Char('j') | KeyCode::Down => self.contacts_move(1),
            KeyCode::Char('k') | KeyCode::Up => self.contacts_move(-1),
            KeyCode::Char('g') | KeyCode::Home => self.contacts_move(isize::MIN / 2),
            KeyCode::Char('G') | KeyCode::End => self.contacts_move(isize::MAX / 2),
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('h') | KeyCode::Left => self.pop(),
            KeyCode::Char('a') => {
                self.ask("Name for the new contact:".into(), PromptKind::ContactName)
            }
            KeyCode::Char('v') => {
                if let Some(v) = self.contacts.list.get(self.contacts.selected) {
                    if v.verified {
                        self.note(format!("{} is already verified", one_line(&v.name)));
                    } else {
                        let q = format!(
                            "Verify {}: does their screen show the same safety number? (y/n)",
                            fit(&one_line(&v.name), 20),
                        );
                        let name = v.name.clone();
                        self.ask(q, PromptKind::Verify(name));
                    }
                }
            }
            KeyCode::Char('L') => self.ask_allow_local(),
            KeyCode::Enter => self.open_compose(),
            _ => {
                if k.code == KeyCode::Char('C') {
                    return;
                }
                self.common_key(&k, fx);
            }
        }
    }
}

impl App {
    /// `L`: asks before using the local routes on the selected contact's card. They are
    /// held back because a card can point them at our own folders and ports, so the user
    /// says yes knowing whose card it is.
    fn ask_allow_local(&mut self) {
        let Some(v) = self.contacts.list.get(self.contacts.selected) else {
            return;
        };
        if v.held_local.is_empty() {
            self.note(format!(
                "{} has no held-back local routes",
                one_line(&v.name)
            ));
            return;
        }
        // Short enough for the bottom line: the routes are listed on the screen above.
        let q = format!(
            "Enable {}'s local routes ({})? Only for a card you trust (y/n)",
            fit(&one_line(&v.name), 16),
            fit(&one_line(&v.held_local.join(", ")), 24),
        );
        let name = v.name.clone();
        self.ask(q, PromptKind::AllowLocal(name));
    }
}

/// Draws the contact list and the selected contact.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = app.theme;
    let [left, right] =
        Layout::horizontal([Constraint::Length(26), Constraint::Min(10)]).areas(area);
    let mut names = Vec::new();
    if app.contacts.list.is_empty() {
        names.push(Line::from(Span::styled(
            if app.contacts.loaded {
                "no contacts yet: a adds one"
            } else {
                "loading…"
            },
            t.dim(),
        )));
    }
    for (i, v) in app.contacts.list.iter().enumerate() {
        let sel = i == app.contacts.selected;
        let text = format!(
            "{}{} {}",
            if sel { "›" } else { " " },
            if v.verified { "✓" } else { "?" },
            fit(&one_line(&v.name), 21)
        );
        let style = if sel {
            t.selected()
        } else if v.verified {
            t.good()
        } else {
            t.text()
        };
        names.push(Line::from(Span::styled(crate::fmt::pad(&text, 25), style)));
    }
    crate::screens::requests::list_lines(app, &mut names);
    f.render_widget(
        Paragraph::new(names).block(Block::new().borders(Borders::RIGHT).border_style(t.dim())),
        left,
    );
    let Some(v) = app.contacts.list.get(app.contacts.selected) else {
        crate::screens::requests::render(app, f, right);
        return;
    };
    let label = |x: &str| Span::styled(format!("{x:<15}"), t.label());
    let mut lines = vec![
        Line::from(vec![label("name"), Span::raw(one_line(&v.name))]),
        Line::from(vec![label("card name"), Span::raw(one_line(&v.card_name))]),
        Line::from(vec![label("fingerprint"), Span::raw(v.fingerprint.clone())]),
        Line::from(label("safety number")),
        Line::from(format!(" {}", v.safety_number)),
        Line::from(vec![
            label("verified"),
            if v.verified {
                Span::styled("✓ yes", t.good())
            } else {
                Span::styled(
                    "NO — compare the safety number with theirs, then press v",
                    t.error(),
                )
            },
        ]),
    ];
    if let Some(fs) = &v.forward_secrecy {
        lines.push(Line::from(vec![
            label("forward secr."),
            Span::raw(if fs.they_use_our_prekey && fs.we_use_their_prekey {
                "both sides use rotating prekeys"
            } else if fs.we_use_their_prekey || fs.they_use_our_prekey {
                "one side uses rotating prekeys so far"
            } else {
                "not yet (starts with your first exchange)"
            }),
        ]));
    }
    if let Some(via) = &v.via {
        lines.push(Line::from(vec![label("via"), Span::raw(via.to_string())]));
    }
    lines.push(Line::from(Span::styled(
        "routes, in the order they are tried:",
        t.label(),
    )));
    let w = usize::from(right.width).saturating_sub(2);
    for (i, p) in v.plans.iter().enumerate() {
        lines.push(Line::from(format!(
            " {}. {}",
            i + 1,
            fit(&one_line(&p.route), w.saturating_sub(4))
        )));
        for piece in pack(&p.badge, w.saturating_sub(3)) {
            lines.push(Line::from(Span::styled(format!("   {piece}"), t.badge())));
        }
    }
    if v.routes.is_empty() {
        lines.push(Line::from(Span::styled(" none usable", t.error())));
    }
    held_lines(app, v, w, &mut lines);
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "a add from a card · v verify · Enter/c write · I your card · Esc back",
        t.dim(),
    )));
    let inner = Rect {
        x: right.x + 1,
        width: right.width.saturating_sub(1),
        ..right
    };
    f.render_widget(Paragraph::new(lines), inner);
}

/// The routes on the card that point at local places, held back until the user enables
/// them, and how to: `L` here, or the CLI's `contact routes` (its exact command).
fn held_lines(app: &App, v: &hushpost_ops::ContactView, w: usize, lines: &mut Vec<Line<'static>>) {
    let t = app.theme;
    if v.held_local.is_empty() {
        return;
    }
    lines.push(Line::from(Span::styled(
        "not used yet (local places on their card):",
        t.label(),
    )));
    for r in &v.held_local {
        lines.push(Line::from(format!(
            " {}",
            fit(&one_line(r), w.saturating_sub(1))
        )));
    }
    // `contact routes` sets the whole list, so the routes in use come first, kept.
    let words: Vec<String> = std::iter::once(&v.name)
        .chain(&v.routes)
        .chain(&v.held_local)
        .map(|x| shell_word(&one_line(x)))
        .collect();
    let cmd = format!("hushpost contact routes {}", words.join(" "));
    lines.push(Line::from(Span::styled(
        " L enables them here, or in a shell:",
        t.dim(),
    )));
    // On a line of its own, so it can be copied whole.
    for piece in wrap(&cmd, w.saturating_sub(2)) {
        lines.push(Line::from(format!("  {piece}")));
    }
}

/// A word as a shell reads it back unchanged: bare when it is plain, else single-quoted
/// (a contact's name may have spaces, a folder's path anything).
fn shell_word(x: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.,:/@+=%".contains(c);
    if !x.is_empty() && x.chars().all(plain) {
        x.to_string()
    } else {
        format!("'{}'", x.replace('\'', "'\\''"))
    }
}

/// Packs a badge's ` · ` segments into lines of at most `w` columns.
fn pack(badge: &str, w: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for seg in badge.split(" · ") {
        match out.last_mut() {
            Some(l) if crate::fmt::width(l) + 3 + crate::fmt::width(seg) <= w => {
                l.push_str(" · ");
                l.push_str(seg);
            }
            _ => out.push(seg.to_string()),
        }
    }
    out
}

/// Draws our own card: text, QR code, fingerprint, routes.
pub fn render_card(app: &App, f: &mut Frame, area: Rect) {
    let t = app.theme;
    let Some(c) = app.card.as_ref() else {
        f.render_widget(Paragraph::new(Span::styled("loading…", t.dim())), area);
        return;
    };
    let qr: Vec<&str> = c.qr.lines().collect();
    let qr_w = qr.iter().map(|l| crate::fmt::width(l)).max().unwrap_or(0) as u16;
    let fits = qr_w + 40 <= area.width && qr.len() as u16 <= area.height;
    let (text_area, qr_area) = if fits {
        let [a, b] =
            Layout::horizontal([Constraint::Min(30), Constraint::Length(qr_w + 1)]).areas(area);
        (a, Some(b))
    } else {
        (area, None)
    };
    let label = |x: &str| Span::styled(format!("{x:<13}"), t.label());
    let mut lines = vec![
        Line::from(vec![label("name"), Span::raw(one_line(&c.name))]),
        Line::from(vec![label("fingerprint"), Span::raw(c.fingerprint.clone())]),
    ];
    for (i, r) in c.routes.iter().enumerate() {
        lines.push(Line::from(vec![
            label(if i == 0 { "routes" } else { "" }),
            Span::raw(one_line(r)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "Your card, for those who may write to you (`hushpost contact add NAME CARD`):",
        t.label(),
    )));
    let w = usize::from(text_area.width).saturating_sub(1);
    for piece in wrap(&c.text, w) {
        lines.push(Line::raw(piece));
    }
    if qr_area.is_none() {
        lines.push(Line::from(Span::styled(
            format!(
                "(the QR code needs a terminal of {}×{}; this one is {}×{})",
                qr_w + 40,
                qr.len() + 2,
                app.size.0,
                app.size.1
            ),
            t.dim(),
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Esc back", t.dim())));
    f.render_widget(Paragraph::new(lines), text_area);
    if let Some(q) = qr_area {
        let lines: Vec<Line> = qr.iter().map(|l| Line::raw(l.to_string())).collect();
        f.render_widget(Paragraph::new(lines), q);
    }
    let _ = Screen::Card;
}
