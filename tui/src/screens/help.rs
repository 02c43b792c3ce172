//! The key map (`?`), for the screen in front and for every screen.

use crate::app::{App, Screen};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const MOVE: &[(&str, &str)] = &[
    ("j k ↓ ↑", "move (mouse wheel too)"),
    (
        "Space PgDn PgUp",
        "page down / up (Ctrl-F Ctrl-B, half: Ctrl-D Ctrl-U)",
    ),
    ("g G Home End", "first / last (G loads more mail)"),
];

fn screen_keys(s: Screen) -> &'static [(&'static str, &'static str)] {
    match s {
        Screen::Inbox | Screen::Search => &[
            (
                "Enter l →",
                "open the message, or the conversation when it has several",
            ),
            ("t", "open the conversation"),
            ("n", "next unread"),
            ("r R", "reply / reply to all"),
            ("u", "mark read / unread"),
            ("d", "delete (asks first)"),
            ("S", "switch between received and sent mail"),
            ("T", "conversations collapsed / one line per message"),
            (
                "/",
                "search subject, text and sender (Enter keeps, Esc leaves)",
            ),
        ],
        Screen::Thread => &[
            ("Enter l →", "open the message"),
            ("r R u d", "reply, reply all, read/unread, delete"),
            ("Esc q h ←", "back"),
        ],
        Screen::Reader => &[
            ("r R", "reply / reply to all"),
            ("a Tab", "select the next attachment"),
            ("s", "save the selected attachment"),
            ("u d", "mark unread / delete"),
            ("Esc q h ←", "back"),
        ],
        Screen::Compose => &[
            ("Tab", "complete the contact name, or next field"),
            ("Shift-Tab", "previous field"),
            ("Ctrl-S", "send (in the background)"),
            ("Ctrl-E", "write the text in $EDITOR"),
            ("Ctrl-A Ctrl-X", "attach a file / drop the last attachment"),
            ("Esc", "cancel"),
        ],
        Screen::Contacts => &[
            ("a", "add a contact from their card (paste it)"),
            ("v", "mark verified after comparing the safety number"),
            (
                "Enter",
                "write to the selected contact (a failed draft for them comes back)",
            ),
            (
                "L",
                "enable the local routes held back on their card (asks first)",
            ),
            ("A", "accept the selected contact request (Enter too)"),
            ("x", "reject the selected contact request"),
            ("Esc", "back"),
        ],
        Screen::Card => &[("Esc", "back")],
    }
}

const ANYWHERE: &[(&str, &str)] = &[
    ("c", "write a message (reopens one that failed to send)"),
    ("C", "contacts"),
    ("I", "your own card and QR code"),
    ("f", "fetch now (also every 5 minutes)"),
    ("/", "search"),
    ("?", "this help"),
    ("q", "back; quit from the inbox"),
    ("Ctrl-C Ctrl-Z", "quit / suspend"),
];

/// Draws the key map over the screen.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = app.theme;
    let mut lines = Vec::new();
    let mut section = |title: &str, keys: &[(&str, &str)]| {
        lines.push(Line::from(Span::styled(title.to_string(), t.label())));
        for (k, what) in keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {k:<18}"), t.good()),
                Span::raw((*what).to_string()),
            ]));
        }
    };
    section("This screen", screen_keys(app.screen));
    if app.screen != Screen::Compose {
        section("Moving", MOVE);
        section("Anywhere", ANYWHERE);
    }
    lines.push(Line::from(Span::styled("any key closes this", t.dim())));
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = 84.min(area.width);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(" keys ")),
        r,
    );
}
