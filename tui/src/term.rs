//! The terminal and the process around it: raw mode and the alternate screen (left again
//! on every exit path — drop, panic, SIGTERM/SIGHUP/SIGINT, and around `$EDITOR` and
//! Ctrl-Z), the input reader thread, and stderr sent to a log file while the screen is
//! ours (a stray log line would tear the picture apart).
//!
//! Must not leave the terminal in raw mode, whatever happens.

use crate::event::Event;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::io::Stdout;
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

/// The terminal type the inbox draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static SAVED_STDERR: Mutex<Option<OwnedFd>> = Mutex::new(None);
static HOOK: Once = Once::new();

/// Raw mode, alternate screen, mouse and bracketed paste; installs the panic hook once.
pub fn enter() -> std::io::Result<Term> {
    HOOK.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            leave();
            restore_stderr();
            prev(info);
        }));
    });
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    let mut t = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    t.clear()?;
    Ok(t)
}

/// Gives the terminal back as it was; safe to call from any thread, any number of times.
pub fn leave() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(
            std::io::stdout(),
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            ratatui::crossterm::cursor::Show
        );
        let _ = disable_raw_mode();
    }
}

/// Leaves the terminal and puts stderr back when dropped.
#[derive(Debug)]
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        leave();
        restore_stderr();
    }
}

/// Sends stderr to `to` (appending, 0600) until [`restore_stderr`].
pub fn redirect_stderr(to: &Path) -> std::io::Result<()> {
    // Close-on-exec (F_DUPFD_CLOEXEC), unlike dup(2): the editor and an agent started from
    // the inbox must not inherit the terminal under another number.
    let saved = std::os::fd::AsFd::as_fd(&std::io::stderr()).try_clone_to_owned()?;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(to)?;
    nix::unistd::dup2_stderr(&f)?;
    if let Ok(mut s) = SAVED_STDERR.lock() {
        *s = Some(saved);
    }
    Ok(())
}

/// Puts stderr back.
pub fn restore_stderr() {
    // try_lock: a panic while the lock is held must not deadlock the panic hook.
    if let Ok(mut s) = SAVED_STDERR.try_lock()
        && let Some(fd) = s.take()
    {
        let _ = nix::unistd::dup2_stderr(&fd);
    }
}

/// Lets the main thread stop the input thread from reading while another program (the
/// editor, the shell after Ctrl-Z) owns the terminal.
#[derive(Debug, Default)]
pub struct InputControl {
    paused: AtomicBool,
    reading: Mutex<()>,
}

impl InputControl {
    /// Returns once the input thread is not reading and will not start until resumed.
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        drop(self.reading.lock());
    }

    /// Lets it read again.
    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }
}

/// Reads terminal events on a thread of their own and forwards them.
pub fn spawn_input(tx: Sender<Event>) -> std::io::Result<Arc<InputControl>> {
    let ctl = Arc::new(InputControl::default());
    let c = ctl.clone();
    std::thread::Builder::new()
        .name("hushpost-input".into())
        .spawn(move || {
            loop {
                let guard = c.reading.lock();
                if c.paused.load(Ordering::SeqCst) {
                    drop(guard);
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                let ev = match event::poll(Duration::from_millis(50)) {
                    Ok(true) => match event::read() {
                        Ok(ev) => ev,
                        Err(_) => return,
                    },
                    Ok(false) => continue,
                    Err(_) => return,
                };
                drop(guard);
                if tx.send(Event::Term(ev)).is_err() {
                    return;
                }
            }
        })?;
    Ok(ctl)
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT become [`Event::Terminate`]; if the UI has not
/// left two seconds later, the terminal is restored here and the process exits.
pub fn spawn_signals(tx: Sender<Event>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new()
        .name("hushpost-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let _ = tx.send(Event::Terminate);
                std::thread::sleep(Duration::from_secs(2));
                leave();
                restore_stderr();
                // The UI did not leave in time: the terminal was restored just above and the
                // process must end on the signal.
                #[allow(clippy::disallowed_methods)]
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

/// Edits `text` in the user's editor (`hushpost_ops::editor`) on a private draft file,
/// removed afterwards. The caller has left the screen.
pub fn run_editor(text: &str, draft: &Path) -> Result<String, String> {
    let r = hushpost_ops::editor::edit(draft, text).map_err(|e| e.to_string());
    if r.is_ok() {
        let _ = std::fs::remove_file(draft);
    }
    r
}

/// Stops the process (Ctrl-Z) with the terminal given back; returns after `fg`.
pub fn suspend() {
    leave();
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
}
