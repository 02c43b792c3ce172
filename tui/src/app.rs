//! The state of the inbox and the one function that changes it: [`App::update`] takes an
//! [`Event`] (a key, a tick, a worker's answer) and returns the [`Effect`]s the runtime
//! must carry out. Drawing is [`crate::view::render`], a function of this state alone.
//!
//! Must not do I/O: everything slow is an effect, answered later by an event.

use crate::event::{Effect, Event, Folder, NetCmd, OwnCard, StoreCmd};
use crate::input::LineInput;
use crate::screens::compose::Compose;
use crate::screens::list::MailList;
use crate::screens::reader::ReaderView;
use crate::screens::setup::{InitForm, UnlockForm};
use hushpost_ops::core::sanitize::one_line;
use hushpost_ops::{ContactView, Listed};
use ratatui::crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};
use std::collections::HashMap;

/// Rows asked for per page of a folder.
pub const PAGE: usize = 200;
/// Fetch in the background this often (seconds) while the inbox is open.
pub const FETCH_EVERY: u64 = 300;

/// Where in its life the app is.
pub enum Phase {
    /// Finding out whether there is an identity.
    Booting,
    /// First run: create the identity.
    Init(InitForm),
    /// The keyring needs its passphrase.
    Unlock(UnlockForm),
    /// Cannot go on.
    Failed(String),
    /// Unlocked.
    Ready,
}

/// The screen in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Received (or sent) mail.
    Inbox,
    /// Search results.
    Search,
    /// One conversation.
    Thread,
    /// One message.
    Reader,
    /// Writing.
    Compose,
    /// Contacts.
    Contacts,
    /// Our own card.
    Card,
}

/// A question in the bottom line.
pub struct Prompt {
    /// What is asked.
    pub question: String,
    /// What answering does.
    pub kind: PromptKind,
    /// The answer so far (text prompts).
    pub input: LineInput,
}

/// What a prompt is for.
pub enum PromptKind {
    /// y/n: delete these messages.
    Delete(Vec<i64>),
    /// y/n: mark this contact verified.
    Verify(String),
    /// y/n: use the local routes on this contact's card.
    AllowLocal(String),
    /// y/n: quit although sends are pending.
    Quit,
    /// y/n: throw away the message being written.
    Discard,
    /// Path to save an attachment to.
    Save(crate::event::Saving),
    /// Path of a file to attach.
    Attach,
    /// Name of the contact being added.
    ContactName,
    /// Their card.
    ContactCard(String),
    /// Our name for the sender of the contact request with this card.
    AcceptName(String),
    /// y/n: reject the contact request with this card.
    Reject(String),
}

impl PromptKind {
    /// Whether the prompt takes text (else y/n).
    pub fn is_text(&self) -> bool {
        !matches!(
            self,
            PromptKind::Delete(_)
                | PromptKind::Verify(_)
                | PromptKind::AllowLocal(_)
                | PromptKind::Quit
                | PromptKind::Discard
                | PromptKind::Reject(_)
        )
    }
}

/// A line in the status bar.
#[derive(Debug, Clone)]
pub struct Note {
    /// The text (already one line and inert).
    pub text: String,
    /// Shown as an error.
    pub error: bool,
    /// When (app clock).
    pub at: u64,
}

/// Background work and its results, for the status line.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// When the last fetch ended.
    pub last_fetch: Option<u64>,
    /// A fetch is running: when it started and blobs so far.
    pub fetching: Option<(u64, usize)>,
    /// Sends queued or running.
    pub sending: usize,
    /// Blobs waiting in the outbox for a cover-traffic slot (`hushpost poll`).
    pub outbox: usize,
    /// Per-route failures of the last fetch or send.
    pub route_errors: Vec<(String, String)>,
    /// The latest message.
    pub note: Option<Note>,
}

/// One conversation, oldest first.
#[derive(Debug, Clone, Default)]
pub struct ThreadView {
    /// Thread id.
    pub thread: i64,
    /// Its messages.
    pub rows: Vec<Listed>,
    /// Selected row.
    pub selected: usize,
    /// First row shown.
    pub top: usize,
}

/// The contact list.
#[derive(Debug, Clone, Default)]
pub struct ContactsView {
    /// Sorted by name.
    pub list: Vec<ContactView>,
    /// Pending contact requests, listed after the contacts.
    pub requests: Vec<hushpost_ops::ContactRequest>,
    /// Selected row.
    pub selected: usize,
    /// At least one answer came.
    pub loaded: bool,
}

/// Everything the screen shows.
pub struct App {
    /// The clock (unix seconds); relative dates are computed against it.
    pub now: u64,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Colours or not.
    pub theme: crate::fmt::Theme,
    /// Booting, setup or ready.
    pub phase: Phase,
    /// Our display name.
    pub me: String,
    /// The screen in front.
    pub screen: Screen,
    /// Where Esc goes back to.
    pub back: Vec<Screen>,
    /// Inbox or Sent.
    pub inbox: MailList,
    /// Search results.
    pub search: MailList,
    /// The search field while typing.
    pub search_input: Option<LineInput>,
    /// The open conversation.
    pub thread: ThreadView,
    /// The open message.
    pub reader: Option<ReaderView>,
    /// The message being written.
    pub compose: Option<Compose>,
    /// A message that failed to send, kept to try again (`c` reopens it).
    pub unsent: Option<Compose>,
    /// Messages being sent, by ticket.
    pub in_flight: HashMap<u64, Compose>,
    /// Contacts.
    pub contacts: ContactsView,
    /// Our card.
    pub card: Option<OwnCard>,
    /// Status line.
    pub status: Status,
    /// The key map is shown.
    pub help: bool,
    /// A question in the bottom line.
    pub prompt: Option<Prompt>,
    /// Fetch at start and every [`FETCH_EVERY`] seconds.
    pub auto_fetch: bool,
    /// The passphrase comes from a file (init does not ask for one).
    pub passphrase_file: bool,
    /// The login name, offered as the display name on the first run.
    pub user: String,
    /// Last request generation handed out.
    pub generation: u64,
    /// Last send ticket handed out.
    pub tickets: u64,
    /// When the last fetch was started.
    pub fetch_started: u64,
}

fn ctrl(k: &KeyEvent) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL)
}

impl App {
    /// A fresh app at time `now` on a terminal of `size`.
    pub fn new(now: u64, size: (u16, u16), theme: crate::fmt::Theme) -> App {
        App {
            now,
            size,
            theme,
            phase: Phase::Booting,
            me: String::new(),
            screen: Screen::Inbox,
            back: Vec::new(),
            inbox: MailList::new(Folder::Inbox, true),
            search: MailList::new(Folder::Search(String::new()), false),
            search_input: None,
            thread: ThreadView::default(),
            reader: None,
            compose: None,
            unsent: None,
            in_flight: HashMap::new(),
            contacts: ContactsView::default(),
            card: None,
            status: Status::default(),
            help: false,
            prompt: None,
            auto_fetch: true,
            passphrase_file: false,
            user: String::new(),
            generation: 0,
            tickets: 0,
            fetch_started: 0,
        }
    }

    /// What to do first: find out whether there is an identity.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![Effect::Net(NetCmd::Probe)]
    }

    /// Shows a note in the status line.
    pub fn note(&mut self, text: impl Into<String>) {
        self.status.note = Some(Note {
            text: one_line(&text.into()),
            error: false,
            at: self.now,
        });
    }

    /// Shows an error in the status line.
    pub fn error(&mut self, text: impl Into<String>) {
        self.status.note = Some(Note {
            text: one_line(&text.into()),
            error: true,
            at: self.now,
        });
    }

    /// Rows available to a list (the screen minus title, column header and status).
    pub fn list_height(&self) -> usize {
        usize::from(self.size.1).saturating_sub(3).max(1)
    }

    /// A new request generation.
    pub fn next_generation(&mut self) -> u64 {
        self.generation += 1;
        self.generation
    }

    /// Goes to `s`, remembering where we were.
    pub fn push(&mut self, s: Screen) {
        if self.screen != s {
            self.back.push(self.screen);
            self.screen = s;
        }
    }

    /// Goes back one screen (to the inbox at the bottom).
    pub fn pop(&mut self) {
        self.screen = self.back.pop().unwrap_or(Screen::Inbox);
        if self.screen == Screen::Reader && self.reader.is_none() {
            self.pop();
        }
    }

    /// Applies one event.
    pub fn update(&mut self, ev: Event) -> Vec<Effect> {
        let mut fx = Vec::new();
        match ev {
            Event::Term(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => {
                self.key(k, &mut fx);
            }
            Event::Term(TermEvent::Key(_)) => {}
            Event::Term(TermEvent::Mouse(m)) => {
                let delta = match m.kind {
                    MouseEventKind::ScrollDown => 3,
                    MouseEventKind::ScrollUp => -3,
                    _ => 0,
                };
                if delta != 0 && matches!(self.phase, Phase::Ready) && self.prompt.is_none() {
                    self.scroll(delta, &mut fx);
                }
            }
            Event::Term(TermEvent::Paste(text)) => self.paste(&text),
            Event::Term(TermEvent::Resize(w, h)) => {
                self.size = (w, h);
                self.follow_selection();
            }
            Event::Term(_) => {}
            Event::Tick(now) => {
                self.now = now;
                if self.auto_fetch
                    && matches!(self.phase, Phase::Ready)
                    && self.status.fetching.is_none()
                    && now >= self.fetch_started + FETCH_EVERY
                {
                    self.fetch(&mut fx);
                }
            }
            Event::Terminate => fx.push(Effect::Quit),
            other => self.worker_event(other, &mut fx),
        }
        fx
    }

    /// Starts a background fetch.
    pub fn fetch(&mut self, fx: &mut Vec<Effect>) {
        if self.status.fetching.is_some() {
            self.note("a fetch is already running");
            return;
        }
        self.status.fetching = Some((self.now, 0));
        self.fetch_started = self.now;
        fx.push(Effect::Net(NetCmd::Fetch));
    }

    fn key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        if ctrl(&k) && k.code == KeyCode::Char('c') {
            fx.push(Effect::Quit);
            return;
        }
        if ctrl(&k) && k.code == KeyCode::Char('z') {
            fx.push(Effect::Suspend);
            return;
        }
        if !matches!(self.phase, Phase::Ready) {
            self.setup_key(k, fx);
            return;
        }
        if self.help {
            self.help = false;
            return;
        }
        if self.prompt.is_some() {
            self.prompt_key(k, fx);
            return;
        }
        if self.search_input.is_some() {
            self.search_key(k, fx);
            return;
        }
        // A note lasts until the next key; then the status line shows the state again.
        self.status.note = None;
        if k.code == KeyCode::Char('?') && self.screen != Screen::Compose {
            self.help = true;
            return;
        }
        match self.screen {
            Screen::Inbox | Screen::Search => self.list_key(k, fx),
            Screen::Thread => self.thread_key(k, fx),
            Screen::Reader => self.reader_key(k, fx),
            Screen::Compose => self.compose_key(k, fx),
            Screen::Contacts => self.contacts_key(k, fx),
            Screen::Card => {
                if matches!(
                    k.code,
                    KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('h')
                ) {
                    self.pop();
                }
            }
        }
    }

    /// Keys every mail screen shares: compose, contacts, card, fetch, quit.
    pub(crate) fn common_key(&mut self, k: &KeyEvent, fx: &mut Vec<Effect>) -> bool {
        match k.code {
            KeyCode::Char('c') => {
                // Contacts another process added meanwhile are offered in the To field.
                fx.push(Effect::Net(NetCmd::Refresh));
                self.open_compose();
            }
            KeyCode::Char('C') => {
                fx.push(Effect::Net(NetCmd::Refresh));
                fx.push(Effect::Store(StoreCmd::Contacts));
                self.push(Screen::Contacts);
            }
            KeyCode::Char('I') => {
                fx.push(Effect::Store(StoreCmd::Contacts));
                self.push(Screen::Card);
            }
            KeyCode::Char('f') => self.fetch(fx),
            KeyCode::Char('/') => self.start_search(fx),
            KeyCode::Char('q') if self.screen == Screen::Inbox => self.quit(fx),
            _ => return false,
        }
        true
    }

    fn quit(&mut self, fx: &mut Vec<Effect>) {
        if self.status.sending > 0 {
            self.ask(
                format!(
                    "{} message(s) still sending; quit anyway? (y/n)",
                    self.status.sending
                ),
                PromptKind::Quit,
            );
        } else {
            fx.push(Effect::Quit);
        }
    }

    /// Asks a question in the bottom line.
    pub fn ask(&mut self, question: String, kind: PromptKind) {
        self.prompt = Some(Prompt {
            question,
            kind,
            input: LineInput::default(),
        });
    }

    fn prompt_key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let Some(mut p) = self.prompt.take() else {
            return;
        };
        if !p.kind.is_text() {
            if matches!(k.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                self.confirm(p.kind, fx);
            }
            return;
        }
        match k.code {
            KeyCode::Esc => {}
            KeyCode::Enter => self.answer(p.kind, p.input.text.trim().to_string(), fx),
            _ => {
                p.input.key(&k);
                self.prompt = Some(p);
            }
        }
    }

    fn confirm(&mut self, kind: PromptKind, fx: &mut Vec<Effect>) {
        match kind {
            PromptKind::Delete(ids) => {
                for id in ids {
                    fx.push(Effect::Store(StoreCmd::Delete { id }));
                }
            }
            PromptKind::Verify(name) => {
                self.note(format!("verifying {name}…"));
                fx.push(Effect::Net(NetCmd::ContactVerify { name }));
            }
            PromptKind::AllowLocal(name) => {
                self.note(format!("enabling {}'s local routes…", one_line(&name)));
                fx.push(Effect::Net(NetCmd::ContactAllowLocal { name }));
            }
            PromptKind::Reject(card) => {
                self.note("rejecting the request…".to_string());
                fx.push(Effect::Net(NetCmd::RequestReject { card }));
            }
            PromptKind::Quit => fx.push(Effect::Quit),
            PromptKind::Discard => {
                self.compose = None;
                self.pop();
            }
            _ => {}
        }
    }

    fn answer(&mut self, kind: PromptKind, text: String, fx: &mut Vec<Effect>) {
        if text.is_empty() {
            return;
        }
        match kind {
            PromptKind::Save(data) => {
                fx.push(Effect::Store(StoreCmd::Save {
                    path: expand_home(&text),
                    data,
                }));
            }
            PromptKind::Attach => {
                fx.push(Effect::Store(StoreCmd::Stat {
                    path: expand_home(&text),
                }));
            }
            PromptKind::ContactName => {
                self.ask(
                    format!("Paste {}'s card (hushpost:…):", one_line(&text)),
                    PromptKind::ContactCard(text),
                );
            }
            PromptKind::ContactCard(name) => {
                self.note(format!("adding {}…", one_line(&name)));
                fx.push(Effect::Net(NetCmd::ContactAdd { name, card: text }));
            }
            PromptKind::AcceptName(card) => {
                self.note(format!("adding {}…", one_line(&text)));
                fx.push(Effect::Net(NetCmd::RequestAccept { card, name: text }));
            }
            PromptKind::Delete(_)
            | PromptKind::Reject(_)
            | PromptKind::Verify(_)
            | PromptKind::AllowLocal(_)
            | PromptKind::Quit
            | PromptKind::Discard => {}
        }
    }

    fn paste(&mut self, text: &str) {
        if let Some(p) = self.prompt.as_mut().filter(|p| p.kind.is_text()) {
            // A pasted card may be wrapped over several lines: the card ignores whitespace.
            let flat: String = if matches!(p.kind, PromptKind::ContactCard(_)) {
                text.split_whitespace().collect()
            } else {
                text.replace(['\n', '\r'], " ")
            };
            p.input.insert(&flat);
        } else if let Some(s) = self.search_input.as_mut() {
            s.insert(&text.replace(['\n', '\r'], " "));
        } else if self.screen == Screen::Compose {
            if let Some(c) = self.compose.as_mut() {
                c.paste(text);
            }
        } else if let Phase::Init(f) = &mut self.phase {
            f.paste(text);
        } else if let Phase::Unlock(f) = &mut self.phase {
            f.input.insert(text.trim_end_matches(['\n', '\r']));
        }
    }

    fn scroll(&mut self, delta: isize, fx: &mut Vec<Effect>) {
        match self.screen {
            Screen::Inbox | Screen::Search => self.list_move(delta, fx),
            Screen::Thread => self.thread_move(delta),
            Screen::Reader => self.reader_scroll(delta),
            Screen::Contacts => self.contacts_move(delta),
            Screen::Compose | Screen::Card => {}
        }
    }

    /// Keeps each list's selection on screen after a resize.
    fn follow_selection(&mut self) {
        let h = self.list_height();
        self.inbox.follow(h);
        self.search.follow(h);
        self.reader_scroll(0);
    }

    /// Asks for the first page of a folder.
    pub fn load(&mut self, folder: Folder, fx: &mut Vec<Effect>) {
        let generation = self.next_generation();
        let limit = PAGE.max(self.inbox.rows.len());
        if self.inbox.folder != folder {
            self.inbox = MailList::new(folder.clone(), true);
        }
        self.inbox.request(generation, limit);
        fx.push(Effect::Store(StoreCmd::List {
            generation,
            folder,
            offset: 0,
            limit,
        }));
    }

    /// Reloads whatever lists are open (after new mail, a send, a contact change).
    pub fn reload(&mut self, fx: &mut Vec<Effect>) {
        if !matches!(self.phase, Phase::Ready) {
            return;
        }
        self.load(self.inbox.folder.clone(), fx);
        if let Folder::Search(q) = self.search.folder.clone()
            && !q.is_empty()
        {
            let generation = self.next_generation();
            self.search.generation = generation;
            fx.push(Effect::Store(StoreCmd::Search {
                generation,
                query: q,
            }));
        }
        if self.screen == Screen::Thread || self.back.contains(&Screen::Thread) {
            fx.push(Effect::Store(StoreCmd::Thread {
                thread: self.thread.thread,
            }));
        }
    }
}

/// `~/x` → `$HOME/x`.
fn expand_home(p: &str) -> std::path::PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(h)) => std::path::PathBuf::from(h).join(rest),
        _ => std::path::PathBuf::from(p),
    }
}
