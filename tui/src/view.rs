//! Drawing: a pure function from [`App`] to a frame. The title bar, the screen in front,
//! the bottom line (a prompt, the search field, or the status), and the help over it all.

use crate::app::{App, Phase, Screen};
use crate::event::Folder;
use crate::fmt::{pad, relative, width};
use crate::screens::{compose, contacts, help, list, reader, setup};
use hushpost_ops::core::sanitize::one_line;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the whole screen.
pub fn render(app: &App, f: &mut Frame) {
    let area = f.area();
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(
        Paragraph::new(title(app, top.width)).style(app.theme.bar()),
        top,
    );
    if !matches!(app.phase, Phase::Ready) {
        setup::render(app, f, body);
        f.render_widget(
            Paragraph::new(pad(" Ctrl-C quits", usize::from(bottom.width))).style(app.theme.bar()),
            bottom,
        );
        return;
    }
    match app.screen {
        Screen::Inbox => list::render_list(app, f, body, &app.inbox),
        Screen::Search => list::render_list(app, f, body, &app.search),
        Screen::Thread => list::render_thread(app, f, body),
        Screen::Reader => reader::render(app, f, body),
        Screen::Compose => compose::render(app, f, body),
        Screen::Contacts => contacts::render(app, f, body),
        Screen::Card => contacts::render_card(app, f, body),
    }
    bottom_line(app, f, bottom);
    if app.help {
        help::render(app, f, body);
    }
}

fn title(app: &App, w: u16) -> String {
    let what = if !matches!(app.phase, Phase::Ready) {
        "setup".to_string()
    } else {
        match app.screen {
            Screen::Inbox => {
                let name = if app.inbox.folder == Folder::Sent {
                    "Sent"
                } else {
                    "Inbox"
                };
                let n = app.inbox.rows.len();
                let more = if app.inbox.exhausted { "" } else { "+" };
                format!("{name} · {n}{more} · {} unread", app.inbox.unread)
            }
            Screen::Search => match &app.search.folder {
                Folder::Search(q) if !q.is_empty() => {
                    format!("Search “{}” · {} found", one_line(q), app.search.rows.len())
                }
                _ => "Search".into(),
            },
            Screen::Thread => format!("Conversation · {} messages", app.thread.rows.len()),
            Screen::Reader => "Message".into(),
            Screen::Compose => "Write".into(),
            Screen::Contacts => format!("Contacts · {}", app.contacts.list.len()),
            Screen::Card => "Your card".into(),
        }
    };
    let left = format!(" hushpost · {what}");
    let right = if matches!(app.phase, Phase::Ready) {
        format!("{} · ? keys ", one_line(&app.me))
    } else {
        String::new()
    };
    let gap = usize::from(w).saturating_sub(width(&left) + width(&right));
    if gap == 0 {
        return pad(&left, usize::from(w));
    }
    format!("{left}{}{right}", " ".repeat(gap))
}

/// The status: last fetch, sends pending, route errors — or the latest note.
pub fn status_text(app: &App) -> (String, bool) {
    if let Some(n) = &app.status.note {
        return (n.text.clone(), n.error);
    }
    let s = &app.status;
    let mut parts = Vec::new();
    parts.push(match (s.fetching, s.last_fetch) {
        (Some((_, 0)), _) => "fetching…".to_string(),
        (Some((_, n)), _) => format!("fetching… {n} blobs"),
        (None, Some(t)) => format!("fetched {}", relative(t, app.now)),
        (None, None) => "not fetched yet (f)".to_string(),
    });
    if s.sending > 0 {
        parts.push(format!("{} sending", s.sending));
    }
    if s.outbox > 0 {
        parts.push(format!("{} in the outbox for `hushpost poll`", s.outbox));
    }
    let mut error = false;
    if let Some((route, e)) = s.route_errors.first() {
        error = true;
        let more = if s.route_errors.len() > 1 {
            format!(" (+{} more)", s.route_errors.len() - 1)
        } else {
            String::new()
        };
        parts.push(format!("⚠ {}: {}{more}", one_line(route), one_line(e)));
    }
    (parts.join(" · "), error)
}

fn bottom_line(app: &App, f: &mut Frame, area: Rect) {
    let w = usize::from(area.width);
    if let Some(p) = &app.prompt {
        let text = format!(" {} {}", one_line(&p.question), p.input.shown());
        f.render_widget(Paragraph::new(pad(&text, w)).style(app.theme.bar()), area);
        if p.kind.is_text() {
            let x = width(&format!(" {} ", one_line(&p.question))) as u16 + p.input.cursor_col();
            f.set_cursor_position(Position::new(area.x + x.min(area.width), area.y));
        }
        return;
    }
    if let Some(s) = &app.search_input {
        let text = format!(" /{}", s.shown());
        f.render_widget(Paragraph::new(pad(&text, w)).style(app.theme.bar()), area);
        f.set_cursor_position(Position::new(area.x + 2 + s.cursor_col(), area.y));
        return;
    }
    let (text, error) = status_text(app);
    let style = if error {
        app.theme.bar().patch(app.theme.error())
    } else {
        app.theme.bar()
    };
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(pad(&format!(" {text}"), w), style))),
        area,
    );
}
