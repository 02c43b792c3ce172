//! Before the inbox: the first run creates an identity (name, passphrase twice or the
//! explicit choice of none, the default local drop), and a protected keyring asks for its
//! passphrase. Unlocking and creating run on the net worker (scrypt takes a moment).
//!
//! Must not keep a passphrase in the form after it was handed over, nor ever draw it.

use crate::app::{App, Phase};
use crate::event::{Effect, NetCmd};
use crate::input::LineInput;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use std::path::PathBuf;

/// The first-run form.
#[derive(Debug, Clone)]
pub struct InitForm {
    /// Where the default drop will be.
    pub drop: PathBuf,
    /// Display name.
    pub name: LineInput,
    /// Protect the keys with a passphrase.
    pub protect: bool,
    /// The passphrase.
    pub pass: LineInput,
    /// Again.
    pub repeat: LineInput,
    /// 0 name, 1 protect, 2 passphrase, 3 repeat.
    pub focus: usize,
    /// Creating.
    pub busy: bool,
    /// The last problem.
    pub error: Option<String>,
    /// The passphrase comes from --passphrase-file.
    pub from_file: bool,
}

impl InitForm {
    /// A form for a drop at `drop`.
    pub fn new(drop: PathBuf, from_file: bool, name: &str) -> InitForm {
        InitForm {
            drop,
            name: LineInput::with(name),
            protect: true,
            pass: LineInput::masked(),
            repeat: LineInput::masked(),
            focus: 0,
            busy: false,
            error: None,
            from_file,
        }
    }

    /// Pasted text goes to the focused field.
    pub fn paste(&mut self, text: &str) {
        let t = text.trim_end_matches(['\n', '\r']);
        match self.focus {
            0 => self.name.insert(t),
            2 => self.pass.insert(t),
            3 => self.repeat.insert(t),
            _ => {}
        }
    }

    fn last_field(&self) -> usize {
        if self.protect && !self.from_file {
            3
        } else {
            1
        }
    }
}

/// The passphrase prompt.
#[derive(Debug, Clone)]
pub struct UnlockForm {
    /// The passphrase.
    pub input: LineInput,
    /// Why the last try failed.
    pub error: Option<String>,
    /// Unlocking.
    pub busy: bool,
}

impl UnlockForm {
    /// A fresh prompt.
    pub fn new(error: Option<String>) -> UnlockForm {
        UnlockForm {
            input: LineInput::masked(),
            error,
            busy: false,
        }
    }
}

impl App {
    pub(crate) fn setup_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        match &mut self.phase {
            Phase::Booting | Phase::Failed(_) | Phase::Ready => {
                if matches!(k.code, KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter) {
                    fx.push(Effect::Quit);
                }
            }
            Phase::Unlock(f) => {
                if f.busy {
                    return;
                }
                match k.code {
                    KeyCode::Esc => fx.push(Effect::Quit),
                    KeyCode::Enter if !f.input.text.is_empty() => {
                        f.busy = true;
                        f.error = None;
                        fx.push(Effect::Net(NetCmd::Unlock(Some(f.input.take_secret()))));
                    }
                    _ => {
                        f.input.key(&k);
                    }
                }
            }
            Phase::Init(f) => {
                if f.busy {
                    return;
                }
                let last = f.last_field();
                match k.code {
                    KeyCode::Esc => fx.push(Effect::Quit),
                    KeyCode::Tab | KeyCode::Down => f.focus = (f.focus + 1).min(last),
                    KeyCode::BackTab | KeyCode::Up => f.focus = f.focus.saturating_sub(1),
                    KeyCode::Char(' ') if f.focus == 1 => {
                        if !f.from_file {
                            f.protect = !f.protect;
                        }
                    }
                    KeyCode::Enter if f.focus < last => f.focus += 1,
                    KeyCode::Enter => submit_init(f, fx),
                    _ => {
                        match f.focus {
                            0 => f.name.key(&k),
                            2 => f.pass.key(&k),
                            3 => f.repeat.key(&k),
                            _ => false,
                        };
                    }
                }
            }
        }
    }
}

fn submit_init(f: &mut InitForm, fx: &mut Vec<Effect>) {
    let name = f.name.text.trim().to_string();
    if !hushpost_ops::core::card::valid_name(&name) {
        f.error = Some("your name must be 1–64 bytes of printable text".into());
        f.focus = 0;
        return;
    }
    let passphrase = if f.protect && !f.from_file {
        if f.pass.text.is_empty() {
            f.error = Some(
                "an empty passphrase is not allowed; untick the box to store keys without one"
                    .into(),
            );
            f.focus = 2;
            return;
        }
        if f.pass.text != f.repeat.text {
            f.error = Some("the passphrases differ; type them again".into());
            f.pass.take_secret();
            f.repeat.take_secret();
            f.focus = 2;
            return;
        }
        f.repeat.take_secret();
        Some(f.pass.take_secret())
    } else {
        None
    };
    f.busy = true;
    f.error = None;
    fx.push(Effect::Net(NetCmd::Init { name, passphrase }));
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Draws whatever comes before the inbox.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = app.theme;
    match &app.phase {
        Phase::Booting => {
            f.render_widget(
                Paragraph::new(Span::styled("  opening hushpost…", t.dim())),
                area,
            );
        }
        Phase::Ready => {}
        Phase::Failed(e) => {
            let b = centered(area, 80, 7);
            let p = Paragraph::new(vec![
                Line::from(Span::styled(
                    hushpost_ops::core::sanitize::one_line(e),
                    t.error(),
                )),
                Line::raw(""),
                Line::from(Span::styled("q quits", t.dim())),
            ])
            .wrap(Wrap { trim: false })
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .title(" cannot open hushpost "),
            );
            f.render_widget(p, b);
        }
        Phase::Unlock(u) => {
            let b = centered(area, 64, 8);
            let mut lines = vec![
                Line::raw("Your keyring is protected by a passphrase."),
                Line::raw(""),
                Line::from(vec![
                    Span::styled("Passphrase: ", t.label()),
                    Span::raw(u.input.shown()),
                ]),
                Line::raw(""),
            ];
            lines.push(match (&u.error, u.busy) {
                (_, true) => Line::from(Span::styled("unlocking…", t.dim())),
                (Some(e), _) => Line::from(Span::styled(e.clone(), t.error())),
                (None, _) => Line::from(Span::styled("Enter unlocks · Esc quits", t.dim())),
            });
            f.render_widget(
                Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(" unlock ")),
                b,
            );
            if !u.busy {
                f.set_cursor_position(Position::new(b.x + 13 + u.input.cursor_col(), b.y + 3));
            }
        }
        Phase::Init(form) => render_init(app, form, f, area),
    }
}

fn render_init(app: &App, form: &InitForm, f: &mut Frame, area: Rect) {
    let t = app.theme;
    let b = centered(area, 86, 18);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(" welcome to hushpost ");
    let inner = block.inner(b);
    f.render_widget(block, b);
    let [intro, fields, foot] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Min(1),
    ])
    .areas(inner);
    f.render_widget(
        Paragraph::new(vec![
            Line::raw("No identity here yet: let's create one. You get signing and encryption"),
            Line::raw("keys, an encrypted mail store, and a local drop folder to receive mail in:"),
            Line::from(Span::styled(
                format!(
                    "  {}",
                    hushpost_ops::core::sanitize::one_line(&form.drop.display().to_string())
                ),
                t.dim(),
            )),
            Line::raw("(add SSH, relay or e-mail routes later with `hushpost route add`)."),
        ]),
        intro,
    );
    let mark = |i: usize| if form.focus == i { "›" } else { " " };
    let mut lines = vec![Line::from(vec![
        Span::raw(mark(0)),
        Span::styled(" Your name:   ", t.label()),
        Span::raw(form.name.shown()),
    ])];
    let protect = if form.from_file {
        "[x] protect the keys with the passphrase from --passphrase-file".to_string()
    } else if form.protect {
        "[x] protect the keys with a passphrase (Space to change)".to_string()
    } else {
        "[ ] no passphrase: keys stored UNENCRYPTED (only if the disk is encrypted)".to_string()
    };
    lines.push(Line::from(vec![
        Span::raw(mark(1)),
        Span::raw(" "),
        Span::styled(
            protect,
            if form.protect || form.from_file {
                t.text()
            } else {
                t.error()
            },
        ),
    ]));
    if form.protect && !form.from_file {
        lines.push(Line::from(vec![
            Span::raw(mark(2)),
            Span::styled(" Passphrase:  ", t.label()),
            Span::raw(form.pass.shown()),
        ]));
        lines.push(Line::from(vec![
            Span::raw(mark(3)),
            Span::styled(" Again:       ", t.label()),
            Span::raw(form.repeat.shown()),
        ]));
    }
    f.render_widget(Paragraph::new(lines), fields);
    let foot_line = match (&form.error, form.busy) {
        (_, true) => Line::from(Span::styled("creating your identity…", t.dim())),
        (Some(e), _) => Line::from(Span::styled(e.clone(), t.error())),
        (None, _) => Line::from(Span::styled(
            "Enter next / create · Tab/↑↓ move · Esc quits",
            t.dim(),
        )),
    };
    f.render_widget(Paragraph::new(foot_line).wrap(Wrap { trim: false }), foot);
    if !form.busy {
        let (col, row) = match form.focus {
            0 => (15 + form.name.cursor_col(), 0),
            2 => (15 + form.pass.cursor_col(), 2),
            3 => (15 + form.repeat.cursor_col(), 3),
            _ => (2, 1),
        };
        f.set_cursor_position(Position::new(fields.x + col, fields.y + row));
    }
}
