//! The inbox's test harness: the app with its real workers run synchronously on the test
//! thread against real stores (two identities sharing a folder drop) and a fixed clock,
//! with the screen drawn to a test backend and random values scrubbed. Shared by the
//! snapshot tests and the behaviour tests.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]
#![allow(dead_code)]

use hushpost_ops::core::route::Route;
use hushpost_ops::core::time::FixedClock;
use hushpost_ops::{Home, InitOptions, Protection, SendRequest, Session};
use hushpost_tui::app::App;
use hushpost_tui::event::{Effect, Event, StoreCmd};
use hushpost_tui::fmt::Theme;
use hushpost_tui::worker::{NetWorker, Sink, StoreWorker};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// 2025-03-14 12:00:00 UTC.
pub const T: u64 = 1_741_953_600;
pub const W: u16 = 100;
pub const H: u16 = 30;

#[derive(Default)]
pub struct Queue {
    pub events: VecDeque<Event>,
    pub store: VecDeque<StoreCmd>,
}

impl Sink for Queue {
    fn event(&mut self, ev: Event) {
        self.events.push_back(ev);
    }
    fn store(&mut self, cmd: StoreCmd) {
        self.store.push_back(cmd);
    }
}

/// The app with its workers, run on the test thread.
pub struct Harness {
    pub app: App,
    pub store: StoreWorker,
    pub net: NetWorker,
    pub term: Terminal<TestBackend>,
    pub scrub: Vec<(String, String)>,
    /// What `$EDITOR` "returns".
    pub editor: Option<String>,
    pub quit: bool,
}

impl Harness {
    pub fn new(home: &Path, now: u64, passphrase_file: Option<PathBuf>) -> Harness {
        let mut app = App::new(now, (W, H), Theme { color: false });
        app.auto_fetch = false;
        app.user = "casey".into();
        app.passphrase_file = passphrase_file.is_some();
        let mut h = Harness {
            app,
            store: StoreWorker::new(),
            net: NetWorker::new(
                Home::at(home),
                passphrase_file,
                Some(Arc::new(FixedClock(now))),
            ),
            term: Terminal::new(TestBackend::new(W, H)).expect("terminal"),
            scrub: Vec::new(),
            editor: None,
            quit: false,
        };
        let fx = h.app.start();
        h.run(fx);
        h
    }

    pub fn run(&mut self, fx: Vec<Effect>) {
        let mut q = Queue::default();
        let mut fx: VecDeque<Effect> = fx.into();
        loop {
            while let Some(e) = fx.pop_front() {
                match e {
                    Effect::Store(c) => self.store.handle(c, &mut q),
                    Effect::Net(c) => self.net.handle(c, &mut q),
                    Effect::Editor(text) => q
                        .events
                        .push_back(Event::Edited(Ok(self.editor.take().unwrap_or(text)))),
                    Effect::Suspend => {}
                    Effect::Quit => self.quit = true,
                }
                while let Some(c) = q.store.pop_front() {
                    self.store.handle(c, &mut q);
                }
            }
            let Some(ev) = q.events.pop_front() else {
                break;
            };
            fx.extend(self.app.update(ev));
        }
    }

    /// `c`, To, Subject, body, Ctrl-S.
    pub fn compose_and_send(&mut self, to: &str, subject: &str, body: &str) {
        self.key(KeyCode::Char('c'));
        self.keys(to);
        self.key(KeyCode::Enter);
        self.keys(subject);
        self.key(KeyCode::Enter);
        self.keys(body);
        self.ctrl('s');
    }

    /// One background cover-traffic tick of the net worker, as its thread runs them.
    pub fn poll_tick(&mut self) {
        let mut q = Queue::default();
        self.net.poll_tick(&mut q);
        let mut fx = Vec::new();
        while let Some(ev) = q.events.pop_front() {
            fx.extend(self.app.update(ev));
        }
        self.run(fx);
    }

    /// One look of each worker for changes other processes made, as their threads take
    /// every [`hushpost_tui::worker::WATCH`].
    pub fn watch(&mut self) {
        let mut q = Queue::default();
        self.net.watch(&mut q);
        while let Some(c) = q.store.pop_front() {
            self.store.handle(c, &mut q);
        }
        self.store.watch(&mut q);
        let mut fx = Vec::new();
        while let Some(ev) = q.events.pop_front() {
            fx.extend(self.app.update(ev));
        }
        self.run(fx);
    }

    pub fn send(&mut self, ev: TermEvent) {
        let fx = self.app.update(Event::Term(ev));
        self.run(fx);
    }

    pub fn key(&mut self, code: KeyCode) {
        self.send(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.send(TermEvent::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    /// Types each character as a key press.
    pub fn keys(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn screen(&mut self) -> String {
        self.term
            .draw(|f| hushpost_tui::view::render(&self.app, f))
            .expect("draw");
        let mut text = format!("{}", self.term.backend());
        for (from, to) in &self.scrub {
            text = text.replace(from.as_str(), to.as_str());
        }
        scrub_card(&text)
    }
}

/// The card text and its QR code are random; keep their shape only.
pub fn scrub_card(text: &str) -> String {
    text.lines()
        .map(|line| {
            let chars: Vec<char> = line.chars().collect();
            let is_qr = |c: char| matches!(c, '█' | '▀' | '▄');
            let (Some(a), Some(b)) = (
                chars.iter().position(|c| is_qr(*c)),
                chars.iter().rposition(|c| is_qr(*c)),
            ) else {
                return scrub_card_text(line);
            };
            let mut out: String = chars[..a].iter().collect();
            out.extend(std::iter::repeat_n('▒', b - a + 1));
            out.extend(chars[b + 1..].iter());
            scrub_card_text(&out)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Long base64url runs (the card) become `#`.
pub fn scrub_card_text(line: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 30 {
            out.extend(std::iter::repeat_n('#', run.chars().count()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in line.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

pub fn person(root: &Path, dir: &str, name: &str, drop: &Path) -> Session {
    let mut s = Session::init(
        Home::at(&root.join(dir)),
        InitOptions {
            name: name.into(),
            protection: Protection::None,
            routes: vec![Route::Dir(hushpost_ops::core::route::DirRoute {
                path: drop.to_path_buf(),
            })],
        },
    )
    .expect("init");
    s.set_clock(Arc::new(FixedClock(T)));
    s
}

pub fn send_at(s: &mut Session, at: u64, req: SendRequest) {
    s.set_clock(Arc::new(FixedClock(at)));
    let r = s.send(&req, &mut |_| {}).expect("send");
    assert!(r.all_delivered(), "{r:?}");
}

pub const ESCAPES: &str = "Before.\n\x1b[2J\x1b[H cleared?\n\x1b]52;c;ZWNobyBwd25lZA==\x07 clipboard\n\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\\n\x1b]0;pwned title\x07 title\nAfter.\n";

/// Alice and Bob share a folder; Alice has written to Bob (not fetched yet).
pub struct World {
    pub _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub alice: Session,
    pub bob: Session,
}

pub fn world() -> World {
    let tmp = tempfile::Builder::new()
        .prefix("hp-tui-")
        .tempdir()
        .expect("tmp");
    let root = tmp.path().to_path_buf();
    let drop = root.join("shared");
    std::fs::create_dir(&drop).expect("drop");
    let mut alice = person(&root, "alice", "Alice", &drop);
    let mut bob = person(&root, "bob", "Bob", &drop);
    alice
        .contact_add("bob", &bob.card().expect("card").encode())
        .expect("add");
    alice.contact_allow_local("bob").expect("allow");
    bob.contact_add("alice", &alice.card().expect("card").encode())
        .expect("add");
    bob.contact_allow_local("alice").expect("allow");
    bob.contact_verify("alice").expect("verify");
    let report = root.join("report.txt");
    std::fs::write(&report, "quarterly numbers\n").expect("write");
    send_at(
        &mut alice,
        T - 5 * 3600,
        SendRequest {
            to: vec!["bob".into()],
            subject: "Lunch?".into(),
            text: "Are you free at noon?\n\nAlice\n".into(),
            ..SendRequest::default()
        },
    );
    send_at(
        &mut alice,
        T - 2 * 3600,
        SendRequest {
            to: vec!["bob".into()],
            subject: "Report".into(),
            text: "The report is attached.\n".into(),
            attachments: vec![report],
            expire_secs: Some(3 * 86_400),
            ..SendRequest::default()
        },
    );
    send_at(
        &mut alice,
        T - 30 * 60,
        SendRequest {
            to: vec!["bob".into()],
            subject: "Escapes \x1b]0;evil\x07".into(),
            text: ESCAPES.into(),
            ..SendRequest::default()
        },
    );
    World {
        _tmp: tmp,
        root,
        alice,
        bob,
    }
}

impl World {
    /// Bob's inbox, fetched through the TUI (`f`).
    pub fn bob_tui(&self) -> Harness {
        let mut h = Harness::new(&self.root.join("bob"), T, None);
        let alice = self.bob.contact("alice").expect("alice");
        h.scrub = vec![
            (self.root.display().to_string(), "<tmp>".into()),
            (alice.safety_number.clone(), "<safety number>".into()),
            (alice.fingerprint.clone(), "<alice fingerprint>".into()),
            (
                self.bob
                    .card()
                    .expect("card")
                    .identity
                    .fingerprint()
                    .to_string(),
                "<bob fingerprint>".into(),
            ),
        ];
        h.key(KeyCode::Char('f'));
        h
    }
}
