//! Contact requests on the contacts screen: people holding our card who introduced
//! themselves, listed after the contacts; Enter or A accepts one under a name we choose,
//! x rejects it (after a y/n).
//!
//! Must not add anyone without the user naming them, nor show the request's text unsanitised
//! (the name and note are the sender's words).

use crate::app::{App, PromptKind};
use crate::fmt::fit;
use hushpost_ops::ContactRequest;
use hushpost_ops::core::sanitize::one_line;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

impl App {
    /// The request under the cursor, if the cursor is past the contacts.
    fn selected_request(&self) -> Option<&ContactRequest> {
        let i = self
            .contacts
            .selected
            .checked_sub(self.contacts.list.len())?;
        self.contacts.requests.get(i)
    }

    /// Keys for a selected request; whether the key was taken.
    pub(crate) fn request_key(&mut self, k: &KeyEvent) -> bool {
        let Some(r) = self.selected_request() else {
            return false;
        };
        let (name, card) = (one_line(&r.name), r.card.clone());
        match k.code {
            KeyCode::Enter | KeyCode::Char('A') => {
                self.ask(
                    format!("Your name for {} (accept the request):", fit(&name, 20)),
                    PromptKind::AcceptName(card),
                );
                true
            }
            KeyCode::Char('x') => {
                self.ask(
                    format!("Reject the contact request from {}? (y/n)", fit(&name, 20)),
                    PromptKind::Reject(card),
                );
                true
            }
            KeyCode::Char('v') => true,
            _ => false,
        }
    }
}

/// The requests' rows under the contacts in the left pane.
pub fn list_lines(app: &App, lines: &mut Vec<Line<'static>>) {
    let t = app.theme;
    if app.contacts.requests.is_empty() {
        return;
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        format!("requests ({})", app.contacts.requests.len()),
        t.label(),
    )));
    for (i, r) in app.contacts.requests.iter().enumerate() {
        let sel = app.contacts.list.len() + i == app.contacts.selected;
        let text = format!(
            "{}+ {}",
            if sel { "›" } else { " " },
            fit(&one_line(&r.name), 21)
        );
        let style = if sel { t.selected() } else { t.text() };
        lines.push(Line::from(Span::styled(crate::fmt::pad(&text, 25), style)));
    }
}

/// The selected request in the right pane.
pub fn render(app: &App, f: &mut Frame, right: Rect) {
    let t = app.theme;
    let Some(r) = app.selected_request() else {
        return;
    };
    let label = |x: &str| Span::styled(format!("{x:<15}"), t.label());
    let fingerprint = hushpost_ops::core::Card::parse(&r.card)
        .map(|c| c.identity.fingerprint().to_string())
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(Span::styled("contact request", t.label())),
        Line::from(vec![label("card name"), Span::raw(one_line(&r.name))]),
        Line::from(vec![label("fingerprint"), Span::raw(fingerprint)]),
        Line::from(vec![
            label("received"),
            Span::raw(hushpost_ops::rfc3339(r.received_at)),
        ]),
    ];
    if !r.note.is_empty() {
        lines.push(Line::from(vec![
            label("note"),
            Span::raw(format!("\"{}\"", one_line(&r.note))),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "They hold your card and wrote to you. Accepting adds them as an unverified contact.",
        t.dim(),
    )));
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "Enter/A accept · x reject · Esc back",
        t.dim(),
    )));
    let inner = Rect {
        x: right.x + 1,
        width: right.width.saturating_sub(1),
        ..right
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
