//! The terminal inbox (ratatui + crossterm): read, write, and manage contacts without
//! leaving the terminal, with what each route protects shown where it matters.
//!
//! Shape (STYLE.md habit 7): [`app::App`] is the state and [`app::App::update`] the only
//! way it changes; [`view::render`] draws it and nothing else. Three threads feed one
//! channel of typed [`event::Event`]s to the UI thread: the terminal reader, the store
//! worker (local reads, ~1 ms each) and the net worker (unlock, fetch, send, contact
//! changes) — see [`worker`]. The UI thread never touches disk or network; it only
//! draws, waits on the channel, and hands [`event::Effect`]s to the workers.
//!
//! Must not block on network or disk in the render loop, and holds no logic the CLI lacks:
//! every operation is a `hushpost_ops::Session` call.
#![forbid(unsafe_code)]

mod answers;
pub mod app;
pub mod event;
pub mod fmt;
pub mod input;
pub mod screens;
mod term;
pub mod view;
pub mod worker;

use app::App;
use event::{Effect, Event};
use hushpost_ops::Home;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// How often the clock ticks (relative dates, the status line, the periodic fetch): every
/// second, so a lifetime shown in seconds ("exp 45s") counts down as the command line's
/// would, never showing more than is left.
const TICK: Duration = Duration::from_secs(1);

/// Opens the inbox on this terminal; returns when the user quits.
pub fn run(home: &Home, passphrase_file: Option<&Path>) -> anyhow::Result<()> {
    // Until the identity exists there is no data dir to keep a log in.
    let log = if home.data_dir.is_dir() {
        home.data_dir.join("tui.log")
    } else {
        std::path::PathBuf::from("/dev/null")
    };
    term::redirect_stderr(&log)?;
    let guard = term::Guard;
    let (tx, rx) = std::sync::mpsc::channel::<Event>();
    let workers = worker::spawn(
        home.clone(),
        passphrase_file.map(Path::to_path_buf),
        None,
        tx.clone(),
    )?;
    let r = inbox(home, passphrase_file, &workers, tx, &rx);
    // The terminal is the user's again while the workers finish what they are on.
    drop(guard);
    drop(rx);
    workers.stop(QUIT_WAIT);
    r
}

/// How long quitting waits for a fetch or send in flight to finish before the process
/// exits under it (the store is crash-safe, so this only spares redoing that work).
const QUIT_WAIT: Duration = Duration::from_secs(3);

/// The UI loop, until the user quits.
fn inbox(
    home: &Home,
    passphrase_file: Option<&Path>,
    workers: &worker::Workers,
    tx: std::sync::mpsc::Sender<Event>,
    rx: &std::sync::mpsc::Receiver<Event>,
) -> anyhow::Result<()> {
    let mut terminal = term::enter()?;
    term::spawn_signals(tx.clone())?;
    let input = term::spawn_input(tx)?;
    let size = terminal.size()?;
    let mut app = App::new(
        hushpost_ops::core::time::unix_now(),
        (size.width, size.height),
        fmt::Theme::from_env(),
    );
    app.passphrase_file = passphrase_file.is_some();
    app.user = std::env::var("USER").unwrap_or_default();
    let mut fx: VecDeque<Effect> = app.start().into();
    let mut queue: VecDeque<Event> = VecDeque::new();
    let mut next_tick = Instant::now() + TICK;
    loop {
        while let Some(e) = fx.pop_front() {
            match e {
                Effect::Store(c) => {
                    let _ = workers.store.send(c);
                }
                Effect::Net(c) => {
                    let _ = workers.net.send(c);
                }
                Effect::Quit => return Ok(()),
                Effect::Editor(text) => {
                    input.pause();
                    term::leave();
                    let r = term::run_editor(&text, &hushpost_ops::editor::draft_path(home, "tui"));
                    terminal = term::enter()?;
                    input.resume();
                    queue.push_back(Event::Edited(r));
                }
                Effect::Suspend => {
                    input.pause();
                    term::suspend();
                    terminal = term::enter()?;
                    input.resume();
                }
            }
        }
        terminal.draw(|f| view::render(&app, f))?;
        if queue.is_empty() {
            let wait = next_tick.saturating_duration_since(Instant::now());
            match rx.recv_timeout(wait) {
                Ok(ev) => queue.push_back(ev),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            // Take whatever else is waiting, so a burst (a paste, fetch progress) costs
            // one frame rather than one frame per event.
            while queue.len() < 512 {
                match rx.try_recv() {
                    Ok(ev) => queue.push_back(ev),
                    Err(_) => break,
                }
            }
        }
        // The clock moves before what arrived is applied, so rows that just came are
        // measured against the time now, not the time of the last tick.
        let now = hushpost_ops::core::time::unix_now();
        if Instant::now() >= next_tick || now != app.now {
            next_tick = Instant::now() + TICK;
            queue.push_front(Event::Tick(now));
        }
        while let Some(ev) = queue.pop_front() {
            fx.extend(app.update(ev));
            if !fx.is_empty() {
                // Effects first (an editor must run before later keys are applied).
                break;
            }
        }
    }
}
