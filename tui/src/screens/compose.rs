//! Writing a message: To (completed from contacts), Subject, the body in an in-terminal
//! editor (ratatui-textarea) or `$EDITOR` on Ctrl-E, attachments, and a badge for each
//! recipient saying which route the message will take and what that route protects.
//! Ctrl-S queues the send on the net worker and returns at once.
//!
//! Must not let quoted text a sender wrote reach the screen raw: quotes are made inert
//! before they enter the editor.

use crate::app::{App, PromptKind, Screen};
use crate::event::{Effect, NetCmd};
use crate::fmt::{fit, size};
use crate::input::LineInput;
use hushpost_ops::core::sanitize::{for_terminal, one_line};
use hushpost_ops::{ContactView, ReplyPlan, SendRequest};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_textarea::TextArea;
use std::path::PathBuf;

/// Which field has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Recipients, comma-separated contact names.
    To,
    /// Subject.
    Subject,
    /// The text.
    Body,
}

/// A message being written.
#[derive(Debug, Clone)]
pub struct Compose {
    /// Recipients.
    pub to: LineInput,
    /// Subject.
    pub subject: LineInput,
    /// The text.
    pub body: TextArea<'static>,
    /// Files to attach, with their sizes.
    pub attachments: Vec<(PathBuf, u64)>,
    /// Focused field.
    pub focus: Field,
    /// Message-ID this answers.
    pub in_reply_to: Option<String>,
    /// Thread ancestry.
    pub references: Vec<String>,
}

fn textarea(text: &str) -> TextArea<'static> {
    let lines: Vec<String> = for_terminal(text).split('\n').map(str::to_string).collect();
    let mut t = TextArea::new(lines);
    t.set_cursor_line_style(Style::default());
    t.set_placeholder_text("Write your message here (Ctrl-E opens $EDITOR)");
    t
}

impl Compose {
    /// An empty message.
    pub fn new() -> Compose {
        Compose {
            to: LineInput::default(),
            subject: LineInput::default(),
            body: textarea(""),
            attachments: Vec::new(),
            focus: Field::To,
            in_reply_to: None,
            references: Vec::new(),
        }
    }

    /// Replaces the text (from `$EDITOR`).
    pub fn set_body(&mut self, text: &str) {
        self.body = textarea(text.trim_end_matches('\n'));
    }

    /// The text as it will be sent.
    pub fn text(&self) -> String {
        let mut t = self.body.lines().join("\n");
        if !t.ends_with('\n') {
            t.push('\n');
        }
        t
    }

    /// Recipient names typed so far.
    pub fn names(&self) -> Vec<String> {
        self.to
            .text
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Contacts whose name starts with the name being typed (case-insensitive).
    pub fn candidates<'a>(&self, contacts: &'a [ContactView]) -> Vec<&'a str> {
        let last = self
            .to
            .text
            .rsplit(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_lowercase();
        if last.is_empty() {
            return Vec::new();
        }
        contacts
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| n.to_lowercase().starts_with(&last) && n.to_lowercase() != last)
            .collect()
    }

    fn complete(&mut self, name: &str) {
        let keep = match self.to.text.rfind(',') {
            Some(i) => format!("{}, ", self.to.text[..i].trim_end()),
            None => String::new(),
        };
        self.to.set(&format!("{keep}{name}"));
    }

    /// Pasted text goes to the focused field.
    pub fn paste(&mut self, text: &str) {
        match self.focus {
            Field::To => self.to.insert(&text.replace(['\n', '\r'], " ")),
            Field::Subject => self.subject.insert(&text.replace(['\n', '\r'], " ")),
            Field::Body => {
                self.body.insert_str(for_terminal(text));
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.to.text.is_empty()
            && self.subject.text.is_empty()
            && self.body.is_empty()
            && self.attachments.is_empty()
    }
}

impl Default for Compose {
    fn default() -> Self {
        Compose::new()
    }
}

impl App {
    /// `c`: a new message, or the one that failed to send. From the contacts screen it is
    /// always a message to the selected contact: the kept one comes back there only when
    /// it was for that contact alone, so the recipient chosen is never swapped for another.
    pub(crate) fn open_compose(&mut self) {
        let chosen = (self.screen == Screen::Contacts)
            .then(|| self.contacts.list.get(self.contacts.selected))
            .flatten()
            .map(|v| v.name.clone());
        let kept_fits = match (&chosen, &self.unsent) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(name), Some(u)) => u.names() == [name.as_str()],
        };
        if kept_fits && let Some(c) = self.unsent.take() {
            self.compose = Some(c);
            self.note("your unsent message is back; Ctrl-S tries again");
        } else {
            let mut c = Compose::new();
            if let Some(name) = &chosen {
                c.to.set(name);
                c.focus = Field::Subject;
            }
            self.compose = Some(c);
            if let Some(u) = &self.unsent {
                self.note(format!(
                    "your unsent message to {} is kept: c in the inbox brings it back",
                    one_line(&u.names().join(", "))
                ));
            }
        }
        self.push(Screen::Compose);
    }

    /// A reply, planned by the store worker.
    pub(crate) fn open_reply(&mut self, plan: ReplyPlan) {
        if plan.to.is_empty() {
            self.error("none of the people on this message is your contact; nobody to reply to");
            return;
        }
        let mut c = Compose::new();
        c.to.set(&plan.to.join(", "));
        c.subject.set(&one_line(&plan.subject));
        let quoted: String = plan.quote.lines().map(|l| format!("> {l}\n")).collect();
        c.set_body(&format!("\n\n{quoted}"));
        c.in_reply_to = Some(plan.in_reply_to);
        c.references = plan.references;
        c.focus = Field::Body;
        self.compose = Some(c);
        self.push(Screen::Compose);
    }

    pub(crate) fn compose_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let Some(c) = self.compose.as_mut() else {
            self.pop();
            return;
        };
        match k.code {
            KeyCode::Char('s') if ctrl => self.send(fx),
            KeyCode::Char('e') if ctrl => fx.push(Effect::Editor(c.text())),
            KeyCode::Char('a') if ctrl => {
                self.ask("Attach file:".into(), PromptKind::Attach);
            }
            KeyCode::Char('x') if ctrl => {
                if let Some((p, _)) = c.attachments.pop() {
                    let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                    self.note(format!("removed {}", name.unwrap_or_default()));
                }
            }
            KeyCode::Esc => {
                if c.is_empty() {
                    self.compose = None;
                    self.pop();
                } else {
                    self.ask("Discard this message? (y/n)".into(), PromptKind::Discard);
                }
            }
            KeyCode::BackTab => {
                c.focus = match c.focus {
                    Field::To | Field::Subject => Field::To,
                    Field::Body => Field::Subject,
                };
            }
            KeyCode::Tab if c.focus == Field::To => {
                let first = c
                    .candidates(&self.contacts.list)
                    .first()
                    .map(|s| s.to_string());
                match first {
                    Some(n) => c.complete(&n),
                    None => c.focus = Field::Subject,
                }
            }
            KeyCode::Tab | KeyCode::Enter | KeyCode::Down if c.focus == Field::Subject => {
                c.focus = Field::Body;
            }
            KeyCode::Enter | KeyCode::Down if c.focus == Field::To => c.focus = Field::Subject,
            KeyCode::Up if c.focus == Field::Subject => c.focus = Field::To,
            _ => match c.focus {
                Field::To => {
                    c.to.key(&k);
                }
                Field::Subject => {
                    c.subject.key(&k);
                }
                Field::Body => {
                    c.body.input(k);
                }
            },
        }
    }

    fn send(&mut self, fx: &mut Vec<Effect>) {
        let Some(c) = self.compose.take() else {
            return;
        };
        let to = c.names();
        if to.is_empty() {
            self.error("who is it for? type a contact name in To");
            self.compose = Some(c);
            return;
        }
        if let Some(unknown) = to
            .iter()
            .find(|n| !self.contacts.list.iter().any(|v| &v.name == *n))
        {
            self.error(format!("{} is not one of your contacts", one_line(unknown)));
            self.compose = Some(c);
            return;
        }
        let req = SendRequest {
            to: to.clone(),
            subject: c.subject.text.clone(),
            text: c.text(),
            attachments: c.attachments.iter().map(|(p, _)| p.clone()).collect(),
            in_reply_to: c.in_reply_to.clone(),
            references: c.references.clone(),
            ..SendRequest::default()
        };
        self.tickets += 1;
        let ticket = self.tickets;
        self.in_flight.insert(ticket, c);
        self.status.sending += 1;
        fx.push(Effect::Net(NetCmd::Send {
            ticket,
            req: Box::new(req),
        }));
        self.note(format!("sending to {}…", one_line(&to.join(", "))));
        self.pop();
    }

    /// A send ended.
    pub(crate) fn sent(
        &mut self,
        ticket: u64,
        result: Result<hushpost_ops::SendReport, String>,
        fx: &mut Vec<Effect>,
    ) {
        self.status.sending = self.status.sending.saturating_sub(1);
        let draft = self.in_flight.remove(&ticket);
        match result {
            Ok(rep) => {
                let failed: Vec<_> = rep.recipients.iter().filter(|r| !r.on_its_way()).collect();
                if failed.is_empty() {
                    let (queued, now): (Vec<_>, Vec<_>) = rep
                        .recipients
                        .iter()
                        .filter_map(|r| r.delivered.as_ref().map(|d| (r, d)))
                        .partition(|(_, d)| d.queued);
                    let list =
                        |v: &[(&hushpost_ops::RecipientReport, &hushpost_ops::Delivery)]| {
                            v.iter()
                                .map(|(r, d)| {
                                    format!("{} via {}", one_line(&r.name), one_line(&d.route))
                                })
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                    let mut parts = Vec::new();
                    if !now.is_empty() {
                        parts.push(format!("sent to {}", list(&now)));
                    }
                    if !queued.is_empty() {
                        // As `send` says it: when, from the schedule of the slots it needs;
                        // first, so a long route does not cut it off the status line.
                        let eta = queued
                            .iter()
                            .filter_map(|(r, _)| r.eta_secs)
                            .max()
                            .and_then(hushpost_ops::fmt_left)
                            .map(|s| format!("about {s}, "))
                            .unwrap_or_default();
                        parts.push(format!("queued ({eta}cover traffic) for {}", list(&queued)));
                    }
                    self.note(parts.join("; "));
                } else {
                    for r in &failed {
                        for e in &r.errors {
                            let (route, err) = e.split_once(": ").unwrap_or(("", e));
                            self.status
                                .route_errors
                                .push((route.to_string(), err.to_string()));
                        }
                    }
                    let names: Vec<String> = failed.iter().map(|r| r.name.clone()).collect();
                    let kept = failed.iter().any(|r| r.delivered.is_some());
                    // Held mail waits for the user (large cover slots are off), not for a retry.
                    let held = failed
                        .iter()
                        .any(|r| r.state == hushpost_ops::core_store::DeliveryState::Held);
                    self.error(format!(
                        "NOT sent to {}: {}{}",
                        one_line(&names.join(", ")),
                        one_line(&failed[0].errors.join("; ")),
                        if held {
                            " — held in the outbox: `hushpost outbox retry` sends it"
                        } else if kept {
                            " — kept in the outbox, retried on its own (hushpost outbox)"
                        } else {
                            " — c reopens the message"
                        }
                    ));
                    if let Some(mut d) = draft {
                        d.to.set(&names.join(", "));
                        self.unsent = Some(d);
                    }
                }
                if rep.id.is_some() {
                    self.reload(fx);
                }
            }
            Err(e) => {
                self.error(format!("not sent: {e} — c reopens the message"));
                self.unsent = draft;
            }
        }
    }
}

/// The route a message to `v` takes first, and what it protects.
pub fn badge_for(_app: &App, v: &ContactView) -> (String, String) {
    match v.plans.first() {
        Some(p) => (p.label.clone(), p.badge.clone()),
        None => (String::new(), "no usable route".into()),
    }
}

/// Draws the message being written.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(c) = app.compose.as_ref() else {
        return;
    };
    let t = app.theme;
    let w = usize::from(area.width);
    let label = |x: &str, on: bool| {
        Span::styled(
            format!("{x:<9}"),
            if on {
                t.label().add_modifier(ratatui::style::Modifier::UNDERLINED)
            } else {
                t.label()
            },
        )
    };
    let mut lines = Vec::new();
    let mut cursor = None;
    lines.push(Line::from(vec![
        label("To:", c.focus == Field::To),
        Span::raw(c.to.shown()),
    ]));
    if c.focus == Field::To {
        cursor = Some((9 + c.to.cursor_col(), 0u16));
        let cands = c.candidates(&app.contacts.list);
        if !cands.is_empty() {
            let list: Vec<String> = cands.iter().take(6).map(|n| one_line(n)).collect();
            lines.push(Line::from(Span::styled(
                format!("         Tab → {}", list.join(" · ")),
                t.dim(),
            )));
        }
    }
    if c.focus == Field::Subject {
        cursor = Some((9 + c.subject.cursor_col(), lines.len() as u16));
    }
    lines.push(Line::from(vec![
        label("Subject:", c.focus == Field::Subject),
        Span::raw(c.subject.shown()),
    ]));
    let names = c.names();
    if names.is_empty() {
        lines.push(Line::from(vec![
            label("Route:", false),
            Span::styled("(chosen per contact when you add one to To)", t.dim()),
        ]));
    }
    for (i, n) in names.iter().enumerate().take(4) {
        let head = label(if i == 0 { "Route:" } else { "" }, false);
        match app.contacts.list.iter().find(|v| &v.name == n) {
            Some(v) => {
                let (route, badge) = badge_for(app, v);
                let mut first = vec![
                    head,
                    Span::raw(format!(
                        "{} → {}",
                        one_line(n),
                        fit(&one_line(&route), w / 2)
                    )),
                ];
                if !v.verified {
                    first.push(Span::styled("  (unverified)", t.error()));
                }
                lines.push(Line::from(first));
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(9)),
                    Span::styled(badge, t.badge()),
                ]));
            }
            None => lines.push(Line::from(vec![
                head,
                Span::styled(
                    format!("{}: not one of your contacts", one_line(n)),
                    t.error(),
                ),
            ])),
        }
    }
    for (i, (p, n)) in c.attachments.iter().enumerate() {
        let name = p
            .file_name()
            .map(|x| one_line(&x.to_string_lossy()))
            .unwrap_or_default();
        lines.push(Line::from(vec![
            label(if i == 0 { "Attach:" } else { "" }, false),
            Span::raw(format!("{name} ({})", size(*n))),
        ]));
    }
    lines.push(Line::from(Span::styled("─".repeat(w), t.dim())));
    let head = lines.len() as u16;
    let hint = Line::from(Span::styled(
        "Ctrl-S send · Ctrl-E $EDITOR · Ctrl-A attach · Ctrl-X drop attachment · Tab next field · Esc cancel",
        t.dim(),
    ));
    f.render_widget(Paragraph::new(lines), area);
    let body_area = Rect {
        x: area.x,
        y: area.y + head.min(area.height),
        width: area.width,
        height: area.height.saturating_sub(head + 1),
    };
    f.render_widget(&c.body, body_area);
    let hint_area = Rect {
        x: area.x,
        y: area.y + area.height.saturating_sub(1),
        width: area.width,
        height: 1.min(area.height),
    };
    f.render_widget(Paragraph::new(hint), hint_area);
    if let Some((x, y)) = cursor
        && app.prompt.is_none()
    {
        f.set_cursor_position(Position::new(area.x + x, area.y + y));
    }
}
