//! What the workers' answers do to the state: pages and threads arrive, messages open,
//! marks and deletions land, fetches and sends end. Part of [`App::update`].
//!
//! Must not do I/O, like the rest of `App`.

use crate::app::{App, Phase, Screen, ThreadView};
use crate::event::{Effect, Event, Folder, StoreCmd};
use crate::screens::reader::ReaderView;
use crate::screens::setup::{InitForm, UnlockForm};
use hushpost_ops::core_store::PartSource;
use hushpost_ops::{FetchReport, Listed, Reading, poll::PollReport};
use std::sync::Arc;

impl App {
    pub(crate) fn worker_event(&mut self, ev: Event, fx: &mut Vec<Effect>) {
        match ev {
            Event::NeedInit { drop } => {
                self.phase = Phase::Init(InitForm::new(drop, self.passphrase_file, &self.user));
            }
            Event::NeedPassphrase { error } => {
                self.phase = Phase::Unlock(UnlockForm::new(error));
            }
            Event::InitFailed(e) => {
                if let Phase::Init(f) = &mut self.phase {
                    f.busy = false;
                    f.error = Some(e);
                } else {
                    self.phase = Phase::Failed(e);
                }
            }
            Event::Fatal(e) => self.phase = Phase::Failed(e),
            Event::Ready { name, created } => self.ready(name, created, fx),
            Event::Listed {
                generation,
                folder,
                offset,
                rows,
                unread,
            } => {
                let h = self.list_height();
                let list = if matches!(folder, Folder::Search(_)) {
                    &mut self.search
                } else {
                    &mut self.inbox
                };
                if list.generation == generation && list.folder == folder {
                    list.arrived(offset, rows, unread, h);
                }
            }
            Event::Thread { thread, rows } => self.thread_arrived(thread, rows),
            Event::Opened(r, sources) => self.opened(r, sources),
            Event::Marked { id, unread } => self.marked(id, unread),
            Event::Deleted { id } => self.deleted(id),
            Event::ReplyPlanned(plan) => self.open_reply(*plan),
            Event::Outbox(n) => self.status.outbox = n,
            Event::Polled(Ok(r)) => self.polled(&r, fx),
            Event::Polled(Err(e)) => self.error(e),
            Event::Contacts {
                contacts,
                requests,
                card,
            } => {
                self.contacts.selected = self
                    .contacts
                    .selected
                    .min((contacts.len() + requests.len()).saturating_sub(1));
                self.contacts.list = contacts;
                self.contacts.requests = requests;
                self.contacts.loaded = true;
                if card.is_some() {
                    self.card = card;
                }
            }
            Event::ContactChanged(msg) => {
                self.note(msg);
                // Names and verified marks in the lists come from the contacts.
                self.reload(fx);
            }
            Event::Changed => {
                if matches!(self.phase, Phase::Ready) {
                    self.reload(fx);
                    // Contact requests live in the store, contacts in the keyring: either
                    // may be what changed.
                    fx.push(Effect::Store(StoreCmd::Contacts));
                }
            }
            Event::Saved(p) => self.note(format!("saved {}", p.display())),
            Event::Attachable { path, size } => {
                if let Some(c) = self.compose.as_mut() {
                    c.attachments.push((path, size));
                }
            }
            Event::FetchProgress(p) => {
                if let Some(f) = self.status.fetching.as_mut() {
                    f.1 = p.blobs;
                }
            }
            Event::Fetched(r) => self.fetched(r, fx),
            Event::Sent { ticket, result } => self.sent(ticket, result, fx),
            Event::Edited(r) => match r {
                Ok(text) => {
                    if let Some(c) = self.compose.as_mut() {
                        c.set_body(&text);
                    }
                }
                Err(e) => self.error(e),
            },
            Event::Failed(e) => self.error(e),
            Event::Term(_) | Event::Tick(_) | Event::Terminate => {}
        }
    }

    fn ready(&mut self, name: String, created: bool, fx: &mut Vec<Effect>) {
        self.phase = Phase::Ready;
        // What went wrong while locked ("fetch failed: the keyring was locked") is over
        // once unlocked; a note left from then would say the opposite of the truth.
        self.status.note = None;
        self.me = name;
        self.load(Folder::Inbox, fx);
        fx.push(Effect::Store(StoreCmd::Contacts));
        if created {
            self.push(Screen::Card);
            self.note("identity created: give this card to the people who may write to you");
        }
        if self.auto_fetch {
            self.fetch(fx);
        }
    }

    fn thread_arrived(&mut self, thread: i64, rows: Vec<Listed>) {
        if rows.is_empty() {
            self.error("that conversation is gone");
            return;
        }
        let keep = self.thread.thread == thread;
        let sel = if keep {
            self.thread.selected
        } else {
            rows.len() - 1
        };
        self.thread = ThreadView {
            thread,
            selected: sel.min(rows.len() - 1),
            top: if keep { self.thread.top } else { 0 },
            rows,
        };
        self.thread_move(0);
        // A reload of the open conversation does not pull the user back to it.
        if self.screen != Screen::Thread && !self.back.contains(&Screen::Thread) {
            self.push(Screen::Thread);
        }
    }

    fn opened(&mut self, r: Box<Reading>, sources: Vec<(u32, Arc<PartSource>)>) {
        let id = r.summary.id;
        let burned = r.summary.burn_after_reading && r.summary.from != "me";
        for l in [&mut self.inbox, &mut self.search] {
            if burned {
                l.remove(id);
            } else {
                l.set_unread(id, false);
            }
        }
        if let Some(row) = self.thread.rows.iter_mut().find(|x| x.id == id) {
            row.unread = false;
        }
        self.reader = Some(ReaderView::new(*r, sources, burned));
        self.push(Screen::Reader);
    }

    fn marked(&mut self, id: i64, unread: bool) {
        for l in [&mut self.inbox, &mut self.search] {
            l.set_unread(id, unread);
        }
        if let Some(row) = self.thread.rows.iter_mut().find(|x| x.id == id) {
            row.unread = unread;
        }
        self.note(if unread {
            "marked unread"
        } else {
            "marked read"
        });
    }

    fn deleted(&mut self, id: i64) {
        let h = self.list_height();
        for l in [&mut self.inbox, &mut self.search] {
            l.remove(id);
            l.follow(h);
        }
        self.thread.rows.retain(|r| r.id != id);
        self.thread.selected = self
            .thread
            .selected
            .min(self.thread.rows.len().saturating_sub(1));
        if self.reader.as_ref().is_some_and(|r| r.id() == id) {
            self.reader = None;
            if self.screen == Screen::Reader {
                self.pop();
            }
        }
        if self.screen == Screen::Thread && self.thread.rows.is_empty() {
            self.pop();
        }
        self.note("deleted");
    }

    fn polled(&mut self, r: &PollReport, fx: &mut Vec<Effect>) {
        if r.skipped {
            return;
        }
        self.status.outbox = r.queued;
        if !r.errors.is_empty() {
            self.status.route_errors = r.errors.clone();
        }
        if r.new > 0 {
            let n = r.new;
            self.note(format!("{n} new message{}", if n == 1 { "" } else { "s" }));
        }
        // Even with nothing new to this tick, another process (a cron `poll`, a CLI
        // `fetch`) may have stored mail since the list was read.
        self.reload(fx);
        if let Some(route) = r.dropping.first() {
            self.error(format!(
                "{route} may be dropping mail: our loop blobs did not come back within 3 ticks"
            ));
        }
    }

    fn fetched(&mut self, r: Result<FetchReport, String>, fx: &mut Vec<Effect>) {
        self.status.fetching = None;
        match r {
            Ok(rep) => {
                self.status.last_fetch = Some(self.now);
                self.status.route_errors = rep.route_errors.clone();
                if rep.intros > 0 {
                    // New contact requests: the contacts screen lists them.
                    fx.push(Effect::Store(StoreCmd::Contacts));
                }
                let n = rep.new.len();
                if n > 0 {
                    self.note(format!("{n} new message{}", if n == 1 { "" } else { "s" }));
                }
                if !rep.rejected.is_empty() {
                    self.error(format!(
                        "{} blob(s) refused: {}",
                        rep.rejected.len(),
                        rep.rejected[0].reason
                    ));
                }
            }
            Err(e) => self.error(format!("fetch failed: {e}")),
        }
        // Also when this fetch found nothing (or failed part way): mail another process
        // stored meanwhile (a cron `poll`, a CLI `fetch`) shows after every `f`.
        self.reload(fx);
    }
}
