//! The mail lists: the inbox (threads collapsed to their newest message), the sent folder,
//! search results, and one conversation. Pages load as the selection nears the end.
//!
//! Must not wait for rows: a page is asked for and drawn when it arrives.

use crate::app::{App, PAGE, PromptKind, Screen};
use crate::event::{Effect, Folder, StoreCmd};
use crate::fmt::{fit, pad, relative, width};
use crate::input::LineInput;
use hushpost_ops::Listed;
use hushpost_ops::core::sanitize::one_line;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::HashMap;

/// Load the next page when the selection comes this close to the last loaded row.
const PREFETCH: usize = 50;

/// One line of a list: a message, or a conversation shown by its newest message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Index of the message shown, in `rows`.
    pub row: usize,
    /// Messages of its conversation among the loaded rows.
    pub count: usize,
    /// Any of them unread.
    pub unread: bool,
}

/// A folder as loaded so far.
#[derive(Debug, Clone)]
pub struct MailList {
    /// What it shows.
    pub folder: Folder,
    /// Conversations collapsed to one line.
    pub threaded: bool,
    /// Loaded messages, newest first.
    pub rows: Vec<Listed>,
    /// The lines shown (derived from `rows`).
    pub items: Vec<Item>,
    /// Selected line.
    pub selected: usize,
    /// First line shown.
    pub top: usize,
    /// A page is on its way.
    pub loading: bool,
    /// The store has nothing more.
    pub exhausted: bool,
    /// At least one page came.
    pub loaded: bool,
    /// Generation of the request in flight.
    pub generation: u64,
    /// Rows asked for in that request.
    pub limit: usize,
    /// Unread messages in the store.
    pub unread: u64,
}

impl MailList {
    /// An empty list of `folder`.
    pub fn new(folder: Folder, threaded: bool) -> MailList {
        MailList {
            folder,
            threaded,
            rows: Vec::new(),
            items: Vec::new(),
            selected: 0,
            top: 0,
            loading: false,
            exhausted: false,
            loaded: false,
            generation: 0,
            limit: 0,
            unread: 0,
        }
    }

    /// Notes a request in flight.
    pub fn request(&mut self, generation: u64, limit: usize) {
        self.generation = generation;
        self.limit = limit;
        self.loading = true;
    }

    /// A page arrived.
    pub fn arrived(&mut self, offset: usize, rows: Vec<Listed>, unread: u64, height: usize) {
        let keep = self.selected_row().map(|r| (r.id, r.thread));
        let n = rows.len();
        if offset == 0 {
            self.rows = rows;
        } else if offset == self.rows.len() {
            self.rows.extend(rows);
        } else {
            return;
        }
        self.exhausted = n < self.limit || self.limit == 0;
        self.loading = false;
        self.loaded = true;
        self.unread = unread;
        self.regroup();
        if let Some((id, thread)) = keep
            && let Some(i) = self
                .items
                .iter()
                .position(|it| self.rows[it.row].id == id)
                .or_else(|| {
                    self.items
                        .iter()
                        .position(|it| self.threaded && self.rows[it.row].thread == thread)
                })
        {
            self.selected = i;
        }
        self.follow(height);
    }

    /// Rebuilds the lines from the rows.
    pub fn regroup(&mut self) {
        self.items.clear();
        let mut by_thread: HashMap<i64, usize> = HashMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            if self.threaded {
                if let Some(&at) = by_thread.get(&r.thread) {
                    let it = &mut self.items[at];
                    it.count += 1;
                    it.unread |= r.unread;
                    continue;
                }
                by_thread.insert(r.thread, self.items.len());
            }
            self.items.push(Item {
                row: i,
                count: 1,
                unread: r.unread,
            });
        }
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
    }

    /// The message on the selected line.
    pub fn selected_row(&self) -> Option<&Listed> {
        self.items.get(self.selected).map(|it| &self.rows[it.row])
    }

    /// The selected line.
    pub fn selected_item(&self) -> Option<Item> {
        self.items.get(self.selected).copied()
    }

    /// Loaded messages of the selected line's conversation (just the message when flat).
    pub fn selected_rows(&self) -> Vec<&Listed> {
        let Some(r) = self.selected_row() else {
            return Vec::new();
        };
        if !self.threaded {
            return vec![r];
        }
        self.rows.iter().filter(|x| x.thread == r.thread).collect()
    }

    /// Updates a message's unread flag (and the unread count with it).
    pub fn set_unread(&mut self, id: i64, unread: bool) {
        if let Some(r) = self.rows.iter_mut().find(|r| r.id == id)
            && r.unread != unread
        {
            r.unread = unread;
            if unread {
                self.unread += 1;
            } else {
                self.unread = self.unread.saturating_sub(1);
            }
            self.regroup();
        }
    }

    /// Drops a deleted message.
    pub fn remove(&mut self, id: i64) {
        let before = self.rows.len();
        if self.rows.iter().any(|r| r.id == id && r.unread) {
            self.unread = self.unread.saturating_sub(1);
        }
        self.rows.retain(|r| r.id != id);
        if self.rows.len() != before {
            self.regroup();
        }
    }

    /// Keeps the selection inside the list and on screen.
    pub fn follow(&mut self, height: usize) {
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + height {
            self.top = self.selected + 1 - height;
        }
        let max_top = self.items.len().saturating_sub(height);
        self.top = self.top.min(max_top);
    }

    /// Whether to ask for the next page now.
    pub fn wants_more(&self) -> bool {
        self.loaded
            && !self.loading
            && !self.exhausted
            && !matches!(self.folder, Folder::Search(_))
            && self.selected + PREFETCH >= self.items.len()
    }
}

impl App {
    /// The list in front (inbox or search results).
    fn list(&mut self) -> &mut MailList {
        if self.screen == Screen::Search {
            &mut self.search
        } else {
            &mut self.inbox
        }
    }

    /// Moves the selection of the list in front; loads more when near the end.
    pub(crate) fn list_move(&mut self, delta: isize, fx: &mut Vec<Effect>) {
        let h = self.list_height();
        let l = self.list();
        let last = l.items.len().saturating_sub(1);
        l.selected = l.selected.saturating_add_signed(delta).min(last);
        l.follow(h);
        self.more(fx);
    }

    fn more(&mut self, fx: &mut Vec<Effect>) {
        if !self.list().wants_more() {
            return;
        }
        let generation = self.next_generation();
        let l = self.list();
        let folder = l.folder.clone();
        let offset = l.rows.len();
        l.request(generation, PAGE * 4);
        fx.push(Effect::Store(StoreCmd::List {
            generation,
            folder,
            offset,
            limit: PAGE * 4,
        }));
    }

    pub(crate) fn list_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let page = self.list_height() as isize;
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('j') | KeyCode::Down => self.list_move(1, fx),
            KeyCode::Char('k') | KeyCode::Up => self.list_move(-1, fx),
            KeyCode::Char('d') if ctrl => self.list_move(page / 2, fx),
            KeyCode::Char('u') if ctrl => self.list_move(-page / 2, fx),
            KeyCode::Char('f') if ctrl => self.list_move(page, fx),
            KeyCode::Char('b') if ctrl => self.list_move(-page, fx),
            KeyCode::PageDown | KeyCode::Char(' ') => self.list_move(page, fx),
            KeyCode::PageUp => self.list_move(-page, fx),
            KeyCode::Char('g') | KeyCode::Home => self.list_move(isize::MIN / 2, fx),
            KeyCode::Char('G') | KeyCode::End => self.list_move(isize::MAX / 2, fx),
            KeyCode::Char('n') => {
                let l = self.list();
                if let Some(i) = l
                    .items
                    .iter()
                    .enumerate()
                    .skip(l.selected + 1)
                    .find(|(_, it)| it.unread)
                    .map(|(i, _)| i)
                {
                    let d = i as isize - l.selected as isize;
                    self.list_move(d, fx);
                } else {
                    self.note("no more unread mail");
                }
            }
            KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => {
                let l = self.list();
                match (l.selected_item(), l.selected_row()) {
                    (Some(it), Some(r)) if it.count > 1 => {
                        fx.push(Effect::Store(StoreCmd::Thread { thread: r.thread }));
                    }
                    (_, Some(r)) => fx.push(Effect::Store(StoreCmd::Read { id: r.id })),
                    _ => {}
                }
            }
            KeyCode::Char('t') => {
                if let Some(r) = self.list().selected_row() {
                    let thread = r.thread;
                    fx.push(Effect::Store(StoreCmd::Thread { thread }));
                }
            }
            KeyCode::Char('r') | KeyCode::Char('R') => {
                if let Some(r) = self.list().selected_row() {
                    let (id, all) = (r.id, k.code == KeyCode::Char('R'));
                    fx.push(Effect::Store(StoreCmd::ReplyPlan { id, all }));
                }
            }
            KeyCode::Char('u') => {
                let rows: Vec<(i64, bool)> = {
                    let l = self.list();
                    let any_unread = l.selected_item().is_some_and(|it| it.unread);
                    l.selected_rows()
                        .iter()
                        .filter(|r| r.unread == any_unread)
                        .map(|r| (r.id, !any_unread))
                        .collect()
                };
                for (id, unread) in rows {
                    fx.push(Effect::Store(StoreCmd::Mark { id, unread }));
                }
            }
            KeyCode::Char('d') | KeyCode::Delete => {
                if let Some(r) = self.list().selected_row() {
                    let q = format!(
                        "Delete “{}” from {}? (y/n)",
                        fit(&subject(r), 40),
                        fit(&one_line(&r.from), 20)
                    );
                    let id = r.id;
                    self.ask(q, PromptKind::Delete(vec![id]));
                }
            }
            KeyCode::Char('S') if self.screen == Screen::Inbox => {
                let to = if self.inbox.folder == Folder::Sent {
                    Folder::Inbox
                } else {
                    Folder::Sent
                };
                self.inbox = MailList::new(to.clone(), true);
                self.load(to, fx);
            }
            KeyCode::Char('T') => {
                let h = self.list_height();
                let l = self.list();
                l.threaded = !l.threaded;
                l.regroup();
                l.follow(h);
            }
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('h') | KeyCode::Left
                if self.screen == Screen::Search =>
            {
                self.pop();
            }
            _ => {
                self.common_key(&k, fx);
            }
        }
    }

    /// `/`: the search field opens at the bottom; results follow the typing.
    pub(crate) fn start_search(&mut self, _fx: &mut Vec<Effect>) {
        let q = match &self.search.folder {
            Folder::Search(q) if self.screen == Screen::Search => q.clone(),
            _ => String::new(),
        };
        if self.screen != Screen::Search {
            self.search = MailList::new(Folder::Search(String::new()), false);
            self.push(Screen::Search);
        }
        self.search_input = Some(LineInput::with(&q));
    }

    pub(crate) fn search_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let Some(input) = self.search_input.as_mut() else {
            return;
        };
        match k.code {
            KeyCode::Esc => {
                self.search_input = None;
                if !self.search.loaded {
                    self.pop();
                }
            }
            KeyCode::Enter => self.search_input = None,
            KeyCode::Down | KeyCode::Up => {
                self.search_input = None;
                self.list_key(k, fx);
            }
            _ => {
                if !input.key(&k) {
                    return;
                }
                let q = input.text.clone();
                if q.trim().is_empty() {
                    self.search = MailList::new(Folder::Search(String::new()), false);
                    return;
                }
                let generation = self.next_generation();
                self.search.folder = Folder::Search(q.clone());
                self.search.request(generation, crate::worker::SEARCH_LIMIT);
                self.search.selected = 0;
                self.search.top = 0;
                fx.push(Effect::Store(StoreCmd::Search {
                    generation,
                    query: q,
                }));
            }
        }
    }

    pub(crate) fn thread_move(&mut self, delta: isize) {
        let h = self.list_height();
        let t = &mut self.thread;
        let last = t.rows.len().saturating_sub(1);
        t.selected = t.selected.saturating_add_signed(delta).min(last);
        if t.selected < t.top {
            t.top = t.selected;
        } else if t.selected >= t.top + h {
            t.top = t.selected + 1 - h;
        }
    }

    pub(crate) fn thread_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let page = self.list_height() as isize;
        match k.code {
            KeyCode::Char('j') | KeyCode::Down => self.thread_move(1),
            KeyCode::Char('k') | KeyCode::Up => self.thread_move(-1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.thread_move(page),
            KeyCode::PageUp => self.thread_move(-page),
            KeyCode::Char('g') | KeyCode::Home => self.thread_move(isize::MIN / 2),
            KeyCode::Char('G') | KeyCode::End => self.thread_move(isize::MAX / 2),
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('h') | KeyCode::Left => self.pop(),
            KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => {
                if let Some(r) = self.thread.rows.get(self.thread.selected) {
                    fx.push(Effect::Store(StoreCmd::Read { id: r.id }));
                }
            }
            KeyCode::Char('r') | KeyCode::Char('R') => {
                if let Some(r) = self.thread.rows.get(self.thread.selected) {
                    let (id, all) = (r.id, k.code == KeyCode::Char('R'));
                    fx.push(Effect::Store(StoreCmd::ReplyPlan { id, all }));
                }
            }
            KeyCode::Char('u') => {
                if let Some(r) = self.thread.rows.get(self.thread.selected) {
                    let (id, unread) = (r.id, !r.unread);
                    fx.push(Effect::Store(StoreCmd::Mark { id, unread }));
                }
            }
            KeyCode::Char('d') | KeyCode::Delete => {
                if let Some(r) = self.thread.rows.get(self.thread.selected) {
                    let q = format!("Delete “{}”? (y/n)", fit(&subject(r), 50));
                    let id = r.id;
                    self.ask(q, PromptKind::Delete(vec![id]));
                }
            }
            _ => {
                self.common_key(&k, fx);
            }
        }
    }
}

/// The subject, inert, or a placeholder.
pub fn subject(r: &Listed) -> String {
    if r.subject.trim().is_empty() {
        "(no subject)".into()
    } else {
        one_line(&r.subject)
    }
}

/// Who, as a list shows it: the sender, or for sent mail the recipients.
pub fn who(r: &Listed) -> String {
    let name = if r.from == "me" {
        format!("to {}", r.to_names())
    } else {
        r.from.clone()
    };
    format!(
        "{}{}",
        one_line(&name),
        if r.verified && r.from != "me" {
            " ✓"
        } else {
            ""
        }
    )
}

/// The marks column: remaining lifetime for expiring mail.
pub fn lifetime(r: &Listed, now: u64) -> String {
    if r.burn_after_reading {
        "burns".into()
    } else if r.expires_at > now {
        format!("exp {}", crate::fmt::left(r.expires_at, now))
    } else if r.expires_at > 0 {
        "expired".into()
    } else {
        String::new()
    }
}

/// One list line: `› ● who  subject  (n) @ exp  date`.
fn row_line<'a>(
    app: &App,
    r: &Listed,
    count: usize,
    unread: bool,
    sel: bool,
    w: usize,
) -> Line<'a> {
    let t = app.theme;
    let date = relative(r.timestamp, app.now);
    let count_s = if count > 1 {
        format!("({count})")
    } else {
        String::new()
    };
    let marks = format!(
        "{:>5} {} {:>6} {:>10}",
        count_s,
        if r.attachments { "@" } else { " " },
        lifetime(r, app.now),
        date
    );
    let who_w = 22usize.min(w / 4);
    let fixed = 3 + who_w + 1 + 1 + width(&marks);
    let subj_w = w.saturating_sub(fixed);
    let text = format!(
        "{}{} {} {} {}",
        if sel { "›" } else { " " },
        if unread { "●" } else { " " },
        pad(&who(r), who_w),
        pad(&subject(r), subj_w),
        marks
    );
    let style = if sel {
        t.selected()
    } else if unread {
        t.unread()
    } else {
        t.text()
    };
    Line::from(Span::styled(pad(&text, w), style))
}

fn header_line<'a>(app: &App, w: usize, title: &str) -> Line<'a> {
    let who_w = 22usize.min(w / 4);
    let text = format!("   {} {}", pad("from", who_w), title);
    Line::from(Span::styled(pad(&text, w), app.theme.dim()))
}

/// Draws the inbox or the search results.
pub fn render_list(app: &App, f: &mut Frame, area: Rect, l: &MailList) {
    let w = usize::from(area.width);
    let h = usize::from(area.height).saturating_sub(1);
    let mut lines = vec![header_line(app, w, "subject")];
    if l.items.is_empty() {
        let msg = match (&l.folder, l.loaded) {
            (_, false) if l.loading => "loading…".to_string(),
            (Folder::Search(q), _) if q.is_empty() => {
                "type to search subject, text and sender".into()
            }
            (Folder::Search(q), _) => format!("nothing matches “{}”", one_line(q)),
            (Folder::Sent, true) => "nothing sent yet".into(),
            (_, true) => "no mail yet — f fetches, c writes, C opens contacts".into(),
            (_, false) => String::new(),
        };
        lines.push(Line::from(Span::styled(
            format!("  {msg}"),
            app.theme.dim(),
        )));
    }
    for (i, it) in l.items.iter().enumerate().skip(l.top).take(h) {
        let r = &l.rows[it.row];
        lines.push(row_line(app, r, it.count, it.unread, i == l.selected, w));
    }
    if l.loading && l.loaded && lines.len() <= h {
        lines.push(Line::from(Span::styled("  loading more…", app.theme.dim())));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// Draws one conversation, oldest first.
pub fn render_thread(app: &App, f: &mut Frame, area: Rect) {
    let w = usize::from(area.width);
    let h = usize::from(area.height).saturating_sub(1);
    let t = &app.thread;
    let title = t
        .rows
        .first()
        .map(|r| format!("conversation: {}", subject(r)))
        .unwrap_or_default();
    let mut lines = vec![header_line(app, w, &title)];
    for (i, r) in t.rows.iter().enumerate().skip(t.top).take(h) {
        lines.push(row_line(app, r, 1, r.unread, i == t.selected, w));
    }
    f.render_widget(Paragraph::new(lines), area);
}
