//! One message: headers, the body with every terminal control sequence made inert, the
//! attachments (saved on request), reply and reply-all, scrolling.
//!
//! Must not put a byte the sender chose on screen without `sanitize::for_terminal` or
//! `one_line`: a body may hold escape sequences that clear the screen, set the title,
//! write the clipboard (OSC 52) or hide a link (OSC 8).

use crate::app::{App, PromptKind};
use crate::event::{Effect, Saving, StoreCmd};
use crate::fmt::{relative, size, wrap, wrapped_len};
use hushpost_ops::Reading;
use hushpost_ops::attachments::safe_name as file_name;
use hushpost_ops::core::sanitize::{for_terminal, one_line};
use hushpost_ops::core_store::PartSource;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::sync::Arc;

/// An open message.
#[derive(Debug, Clone)]
pub struct ReaderView {
    /// The message.
    pub reading: Reading,
    /// The body, inert, one entry per line, tabs expanded.
    pub body: Vec<String>,
    /// First body line shown (after wrapping).
    pub scroll: usize,
    /// The attachments: those the letter carried (v1 mail), then the stored parts (v2).
    pub atts: Vec<Att>,
    /// Selected attachment.
    pub attachment: usize,
    /// Burned after reading: gone from the store now.
    pub burned: bool,
}

/// One attachment as the reader lists it.
#[derive(Debug, Clone)]
pub struct Att {
    /// The sender's file name (not yet made safe).
    pub name: String,
    /// MIME type, as the sender gave it.
    pub content_type: String,
    /// Size in bytes.
    pub len: u64,
    /// What saving it writes; `None`: a large attachment we sent, not kept in the store.
    pub saving: Option<Saving>,
}

impl ReaderView {
    /// Prepares a message for showing; `sources` are its stored parts opened by index.
    pub fn new(reading: Reading, sources: Vec<(u32, Arc<PartSource>)>, burned: bool) -> ReaderView {
        let text = for_terminal(&reading.letter.text.replace("\r\n", "\n"));
        let body = text.split('\n').map(|l| l.replace('\t', "    ")).collect();
        let inline = reading.letter.attachments.iter().map(|a| Att {
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            len: a.data.len() as u64,
            saving: Some(Saving::Bytes(Arc::new(a.data.clone()))),
        });
        let stored = reading.parts.iter().map(|p| Att {
            name: p.name.clone(),
            content_type: p.content_type.clone(),
            len: p.len,
            saving: sources
                .iter()
                .find(|(i, _)| *i == p.idx)
                .map(|(_, s)| Saving::Part(s.clone())),
        });
        let atts = inline.chain(stored).collect();
        ReaderView {
            reading,
            body,
            atts,
            scroll: 0,
            attachment: 0,
            burned,
        }
    }

    /// Local id.
    pub fn id(&self) -> i64 {
        self.reading.summary.id
    }

    fn header_lines(&self, app: &App) -> Vec<Line<'static>> {
        let t = app.theme;
        let s = &self.reading.summary;
        let l = &self.reading.letter;
        let label = |x: &str| Span::styled(format!("{x:<9}"), t.label());
        let mut out = Vec::new();
        let from = if s.from == "me" {
            vec![label("From:"), Span::raw("me")]
        } else {
            vec![
                label("From:"),
                Span::raw(one_line(&s.from)),
                if s.verified {
                    Span::styled(" ✓ verified", t.good())
                } else {
                    Span::styled(
                        " (unverified: compare safety numbers in contacts)",
                        t.error(),
                    )
                },
            ]
        };
        out.push(Line::from(from));
        let to: Vec<String> = self
            .reading
            .recipient_names()
            .iter()
            .map(|n| one_line(n))
            .collect();
        if !to.is_empty() {
            out.push(Line::from(vec![label("To:"), Span::raw(to.join(", "))]));
        }
        out.push(Line::from(vec![
            label("Date:"),
            Span::raw(format!("{} ({})", s.date, relative(s.timestamp, app.now))),
        ]));
        let subject = if l.subject.trim().is_empty() {
            "(no subject)".to_string()
        } else {
            one_line(&l.subject)
        };
        out.push(Line::from(vec![label("Subject:"), Span::raw(subject)]));
        if self.burned {
            out.push(Line::from(Span::styled(
                "burn after reading: deleted from your store now that you opened it",
                t.error(),
            )));
        } else if s.expires_at > 0 {
            out.push(Line::from(Span::styled(
                format!(
                    "the sender asked that this be deleted {} ({})",
                    crate::fmt::due(s.expires_at, app.now),
                    hushpost_ops::rfc3339(s.expires_at)
                ),
                t.dim(),
            )));
        }
        for (i, a) in self.atts.iter().enumerate() {
            let sel = i == self.attachment;
            out.push(Line::from(vec![
                label(if i == 0 { "Attach:" } else { "" }),
                Span::styled(
                    format!(
                        "{}[{}] {} ({}, {}{})",
                        if sel && self.atts.len() > 1 {
                            "›"
                        } else {
                            ""
                        },
                        i + 1,
                        one_line(&file_name(&a.name)),
                        one_line(&a.content_type),
                        size(a.len),
                        if a.saving.is_none() { ", not kept" } else { "" }
                    ),
                    if sel { t.label() } else { t.text() },
                ),
            ]));
        }
        out.push(Line::from(Span::styled(
            "─".repeat(usize::from(app.size.0)),
            t.dim(),
        )));
        out
    }

    fn body_height(&self, app: &App) -> usize {
        let content = usize::from(app.size.1).saturating_sub(2);
        content.saturating_sub(self.header_lines(app).len()).max(1)
    }
}

impl App {
    pub(crate) fn reader_scroll(&mut self, delta: isize) {
        let w = usize::from(self.size.0);
        let Some(r) = self.reader.as_ref() else {
            return;
        };
        let h = r.body_height(self);
        let max = wrapped_len(&r.body, w).saturating_sub(h);
        if let Some(r) = self.reader.as_mut() {
            r.scroll = r.scroll.saturating_add_signed(delta).min(max);
        }
    }

    pub(crate) fn reader_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let Some(r) = self.reader.as_ref() else {
            self.pop();
            return;
        };
        let page = r.body_height(self) as isize;
        let id = r.id();
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('j') | KeyCode::Down => self.reader_scroll(1),
            KeyCode::Char('k') | KeyCode::Up => self.reader_scroll(-1),
            KeyCode::Char('d') if ctrl => self.reader_scroll(page / 2),
            KeyCode::Char('u') if ctrl => self.reader_scroll(-page / 2),
            KeyCode::Char(' ') | KeyCode::PageDown => self.reader_scroll(page),
            KeyCode::Char('f') if ctrl => self.reader_scroll(page),
            KeyCode::Char('b') | KeyCode::PageUp => self.reader_scroll(-page),
            KeyCode::Char('g') | KeyCode::Home => self.reader_scroll(isize::MIN / 2),
            KeyCode::Char('G') | KeyCode::End => self.reader_scroll(isize::MAX / 2),
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('h') | KeyCode::Left => self.pop(),
            KeyCode::Char('r') | KeyCode::Char('R') => {
                if r.burned {
                    // The store no longer has it; the plan needs it. Quote by hand instead.
                    self.error("this message burned after reading; write a new message with c");
                } else {
                    let all = k.code == KeyCode::Char('R');
                    fx.push(Effect::Store(StoreCmd::ReplyPlan { id, all }));
                }
            }
            KeyCode::Char('u') if !r.burned => {
                fx.push(Effect::Store(StoreCmd::Mark { id, unread: true }));
            }
            KeyCode::Char('d') | KeyCode::Delete if !r.burned => {
                let q = format!(
                    "Delete “{}”? (y/n)",
                    crate::fmt::fit(&one_line(&r.reading.letter.subject), 50)
                );
                self.ask(q, PromptKind::Delete(vec![id]));
            }
            KeyCode::Char('a') | KeyCode::Tab => {
                let n = r.atts.len();
                if let Some(r) = self.reader.as_mut().filter(|_| n > 0) {
                    r.attachment = (r.attachment + 1) % n;
                }
            }
            KeyCode::Char('s') => {
                let Some(a) = r.atts.get(r.attachment) else {
                    self.note("this message has no attachments");
                    return;
                };
                let name = file_name(&a.name);
                let Some(data) = a.saving.clone() else {
                    self.note(format!(
                        "{} was sent from a file on this computer and is not kept in the store",
                        one_line(&name)
                    ));
                    return;
                };
                self.ask(
                    "Save to (a new file; relative paths start where hushpost started):".into(),
                    PromptKind::Save(data),
                );
                if let Some(p) = self.prompt.as_mut() {
                    p.input.set(&name);
                }
            }
            _ => {
                self.common_key(&k, fx);
            }
        }
    }
}

/// Draws the open message.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(r) = app.reader.as_ref() else {
        return;
    };
    let w = usize::from(area.width);
    let mut lines = r.header_lines(app);
    let mut skipped = 0usize;
    'outer: for src in &r.body {
        for piece in wrap(src, w) {
            if skipped < r.scroll {
                skipped += 1;
                continue;
            }
            if lines.len() >= usize::from(area.height) {
                break 'outer;
            }
            lines.push(Line::from(piece));
        }
    }
    f.render_widget(Paragraph::new(lines), area);
}
