//! The `hushpost` command line: clap definitions (one file per command under
//! `commands/`), the mapping of errors to one clear line and a stable exit code, and the
//! generation of man pages and completions from the same definitions.
//!
//! Must not hold logic the TUI also needs: that lives in `hushpost-ops`.
#![forbid(unsafe_code)]

pub mod commands;
mod complete;
mod passphrase;
pub mod ui;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use hushpost_ops::agent::{self, Access};
use hushpost_ops::{Home, Session};
use std::path::PathBuf;
use std::process::ExitCode;
use ui::Ui;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: the command failed.
pub const EXIT_FAILURE: u8 = 1;
/// Exit status: bad usage (unknown flag, missing argument).
pub const EXIT_USAGE: u8 = 2;
/// Exit status: partly done — some recipients, routes or blobs failed.
pub const EXIT_PARTIAL: u8 = 3;

const AFTER_HELP: &str = "\
Environment:
  HUSHPOST_HOME             keep config, keys, mail and the default drop under this folder
  HUSHPOST_PASSPHRASE_FILE  read the keyring passphrase from this file (for scripts and cron)
  NO_COLOR                  no colour in output
  EDITOR                    editor for composing when stdin is a terminal

Exit status:
  0  success
  1  failure (one line on stderr says why)
  2  usage error
  3  partly done: some recipients, routes or blobs failed (each is listed)
  64-78  `sendmail` only: sendmail's sysexits codes (see `hushpost sendmail --help`)";

/// hushpost — private mail whose servers and wires learn neither the words nor who writes
/// to whom.
///
/// Messages are age-encrypted, signed inside, padded to 16 KiB or 256 KiB and stored under
/// unlinkable daily tags, over whatever pipe two people share: a folder or USB stick, an
/// SSH server, an HTTPS dead-drop relay, Tor, or ordinary e-mail. Run without a command on
/// a terminal to open the inbox.
#[derive(Debug, Parser)]
#[command(name = "hushpost", version, propagate_version = true, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Read the keyring passphrase from this file instead of prompting.
    #[arg(
        long,
        global = true,
        env = "HUSHPOST_PASSPHRASE_FILE",
        value_name = "FILE",
        // An empty HUSHPOST_PASSPHRASE_FILE= (a script unsetting it the shell way) is
        // taken as unset, not as clap's "a value is required" on every command.
        value_parser = clap::builder::TypedValueParser::map(clap::builder::OsStringValueParser::new(), PathBuf::from)
    )]
    pub passphrase_file: Option<PathBuf>,
    /// Only print errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail on stderr (repeat for debug); never shows secrets, tags or addresses.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The command (none: open the inbox).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create your identity (keys, a local drop, the mail store).
    Init(commands::init::Args),
    /// Show your name, fingerprint and routes, whether the keyring is unlocked, or your card.
    Id(commands::id::Args),
    /// Unlock the keyring once: an agent keeps it in memory until `lock` or the idle timeout.
    Unlock(commands::unlock::Args),
    /// Lock the keyring now: the agent forgets it.
    Lock(commands::lock::Args),
    /// Run the agent in the foreground (for a systemd user unit); `unlock` starts one itself.
    Agent(commands::agent::Args),
    /// Export keys.
    Key(commands::key::Args),
    /// Manage your own receive routes (they appear in your card).
    Route(commands::route::Args),
    /// Add, verify and configure contacts.
    Contact(commands::contact::Args),
    /// Configure the e-mail account that mailto: routes use (SMTP out, IMAP in).
    Account(commands::account::Args),
    /// Send a message (body from stdin, or $EDITOR on a terminal).
    Send(commands::send::Args),
    /// Reply to a message.
    Reply(commands::reply::Args),
    /// Fetch new mail from all your routes.
    Fetch(commands::fetch::Args),
    /// One tick of the unattended scheduler (cron), or --daemon: queued sends, cover traffic, fetch.
    Poll(commands::poll::Args),
    /// What has not left yet and why; retry or drop it.
    Outbox(commands::outbox::Args),
    /// Blobs kept aside because their date was outside the window; release or drop them.
    Quarantine(commands::quarantine::Args),
    /// What each route lets the drop operator, the network and the contact observe.
    Leaks(commands::leaks::Args),
    /// Check that the Tor proxy and your routes answer.
    Doctor(commands::doctor::Args),
    /// List messages, newest first.
    List(commands::list::Args),
    // --help: the doc comment of its Args.
    Read(commands::read::Args),
    /// Delete a message from the local store.
    Delete(commands::delete::Args),
    /// Full-text search over subject, body and sender.
    Search(commands::search::Args),
    // --help: the doc comment of its Args.
    Export(commands::export::Args),
    // --help: the doc comment of its Args.
    Sendmail(commands::sendmail::Args),
    /// Print shell completions.
    Completions(commands::completions::Args),
    /// Run a relay: an HTTPS dead drop for anyone's sealed blobs (see `relay serve --help`).
    Relay(commands::relay::Args),
    /// Open the inbox.
    Tui,
    /// Write man pages and completions (for packagers and the drift check).
    #[command(hide = true)]
    GenDocs(commands::gen_docs::Args),
}

/// Shared state of one invocation.
#[derive(Debug)]
pub struct Ctx {
    /// Output.
    pub ui: Ui,
    /// Where hushpost lives.
    pub home: Home,
    /// Global flags.
    pub passphrase_file: Option<PathBuf>,
    /// `-v` count.
    pub verbose: u8,
}

impl Ctx {
    /// Opens the keyring: through the running agent when it holds it unlocked; else with
    /// the passphrase file, or a prompt on the terminal — after which an agent is started
    /// with it (`[agent] autostart`), so the next commands ask nothing.
    pub fn session(&self) -> Result<Session> {
        match agent::access(&self.home)? {
            Access::Unlocked(c, snap) => Ok(Session::attach(self.home.clone(), c, *snap)?),
            Access::Plain => Ok(Session::unlock(self.home.clone(), None)?),
            Access::NeedPassphrase(running) => {
                let config = hushpost_ops::config::Config::load(&self.home.config_file())?;
                if let Some(f) = &self.passphrase_file {
                    let pass = passphrase::from_file(f)?;
                    return Ok(agent::open_with(&self.home, pass, running, false, None)?);
                }
                let s =
                    self.open_prompted(passphrase::prompt, running, config.agent.autostart, None)?;
                // Say that the keyring stays open, as `init` and `unlock` do.
                if let Some(st) = agent::live(&self.home).and_then(|c| c.status().ok())
                    && st.unlocked
                {
                    self.ui.note(format!(
                        "Unlocked for {} of inactivity (`hushpost lock` locks it now).",
                        humantime::format_duration(std::time::Duration::from_secs(st.timeout_secs))
                    ));
                }
                Ok(s)
            }
        }
    }

    /// Opens the keyring with a passphrase typed at `prompt`: a typo is asked again (three
    /// tries, as sudo does). `start`: hand it to a newly started agent for `timeout`.
    pub(crate) fn open_prompted(
        &self,
        prompt: fn(&str) -> Result<secrecy::SecretString>,
        running: Option<agent::Client>,
        start: bool,
        timeout: Option<std::time::Duration>,
    ) -> Result<Session> {
        // An agent that ran before is asked again; one started for a wrong try was stopped.
        let had_agent = running.is_some();
        let mut running = running;
        let mut tries = 1;
        loop {
            let pass = prompt(&passphrase::unlock_prompt(&self.home))?;
            match agent::open_with(&self.home, pass, running.take(), start, timeout) {
                Err(hushpost_ops::Error::Keyring(hushpost_ops::KeyringError::WrongPassphrase))
                    if tries < 3 =>
                {
                    eprintln!("Wrong passphrase; try again.");
                    tries += 1;
                    running = if had_agent {
                        agent::live(&self.home)
                    } else {
                        // Let the agent started for the wrong try finish exiting, so the
                        // next try starts a fresh one rather than reaching the old socket.
                        for _ in 0..100 {
                            if !agent::running(&self.home) {
                                break;
                            }
                            std::thread::sleep(std::time::Duration::from_millis(20));
                        }
                        None
                    };
                }
                other => return Ok(other?),
            }
        }
    }

    /// A session if one can be had without asking anyone (cron's `poll`): the agent, an
    /// unprotected keyring, or the passphrase file. `None`: locked.
    pub fn session_if_open(&self) -> Result<Option<Session>> {
        match agent::access(&self.home)? {
            Access::NeedPassphrase(_) if self.passphrase_file.is_none() => Ok(None),
            _ => self.session().map(Some),
        }
    }
}

/// A command's verdict when it did not simply succeed or fail.
#[derive(Debug)]
pub struct Partial;

impl std::fmt::Display for Partial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("partly done")
    }
}

impl std::error::Error for Partial {}

/// A failure the command has already explained on stderr, line by line: exit 1 without
/// another line that would only repeat it.
#[derive(Debug)]
pub struct Said;

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed (said above)")
    }
}

impl std::error::Error for Said {}

/// A command's own exit status (sendmail's sysexits) and the one line that says why.
#[derive(Debug)]
pub struct Exit {
    /// The exit status.
    pub code: u8,
    /// Why, for stderr.
    pub line: String,
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

impl std::error::Error for Exit {}

fn init_logging(verbose: u8, relay: bool) {
    let level = match verbose {
        // A relay is a service: its operator wants start, stop and retention lines.
        0 if relay => "info",
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("HUSHPOST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level))
        // async-imap traces every command and response verbatim: LOGIN with the password,
        // and every header (addresses, tags). Never shown, whatever HUSHPOST_LOG says.
        .add_directive("async_imap=info".parse().expect("a valid directive"));
    // Colours only for a terminal: a relay's log file or journal gets plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// Disables core dumps (and ptrace by other processes of the same user) so a crash never
/// writes unlocked keys to disk. Best effort: failures are ignored.
fn no_core_dumps() {
    let _ = nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0);
    let _ = nix::sys::prctl::set_dumpable(false);
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    no_core_dumps();
    // A shell asking for completions (COMPLETE=bash …, from the scripts in completions/):
    // answered here, before anything else runs or prints.
    // Our own variable: a generic COMPLETE=… left in someone's environment must not turn
    // every command into a completion request.
    clap_complete::CompleteEnv::with_factory(command)
        .var(complete::VAR)
        .complete();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    // Exactly one rustls crypto provider, installed before anything builds a TLS config.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    init_logging(cli.verbose, matches!(cli.command, Some(Command::Relay(_))));
    let json = match &cli.command {
        Some(Command::Id(a)) => a.json,
        Some(Command::Contact(a)) => a.json(),
        Some(Command::Fetch(a)) => a.json,
        Some(Command::Poll(a)) => a.json,
        Some(Command::Outbox(a)) => a.json,
        Some(Command::Quarantine(a)) => a.json,
        Some(Command::Leaks(a)) => a.json,
        Some(Command::Doctor(a)) => a.json,
        Some(Command::Account(commands::account::Args {
            action: commands::account::AccountAction::Show { json },
        })) => *json,
        Some(Command::List(a)) => a.json,
        Some(Command::Search(a)) => a.json,
        Some(Command::Read(a)) => a.json,
        Some(Command::Send(a)) => a.json,
        _ => false,
    };
    let ui = Ui::detect(json, cli.quiet);
    let home = match Home::from_env() {
        Ok(h) => h,
        Err(e) => {
            ui.error(&e.to_string());
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    // Every command that may use the installation reads config.toml first and stops on any
    // error in it: nothing runs, let alone connects, with settings it could not read.
    if !matches!(
        cli.command,
        Some(Command::Relay(_) | Command::Completions(_) | Command::GenDocs(_))
    ) && let Err(e) = hushpost_ops::config::Config::load(&home.config_file())
    {
        ui.error(&e.to_string());
        return ExitCode::from(EXIT_FAILURE);
    }
    let ctx = Ctx {
        ui,
        home,
        passphrase_file: cli
            .passphrase_file
            .clone()
            .filter(|p| !p.as_os_str().is_empty()),
        verbose: cli.verbose,
    };
    let result = match cli.command {
        None | Some(Command::Tui) => commands::tui::run(&ctx),
        Some(Command::Init(a)) => commands::init::run(&ctx, a),
        Some(Command::Id(a)) => commands::id::run(&ctx, a),
        Some(Command::Unlock(a)) => commands::unlock::run(&ctx, a),
        Some(Command::Lock(a)) => commands::lock::run(&ctx, a),
        Some(Command::Agent(a)) => commands::agent::run(&ctx, a),
        Some(Command::Key(a)) => commands::key::run(&ctx, a),
        Some(Command::Route(a)) => commands::route::run(&ctx, a),
        Some(Command::Contact(a)) => commands::contact::run(&ctx, a),
        Some(Command::Account(a)) => commands::account::run(&ctx, a),
        Some(Command::Send(a)) => commands::send::run(&ctx, a),
        Some(Command::Reply(a)) => commands::reply::run(&ctx, a),
        Some(Command::Fetch(a)) => commands::fetch::run(&ctx, a),
        Some(Command::Poll(a)) => commands::poll::run(&ctx, a),
        Some(Command::Outbox(a)) => commands::outbox::run(&ctx, a),
        Some(Command::Quarantine(a)) => commands::quarantine::run(&ctx, a),
        Some(Command::Leaks(a)) => commands::leaks::run(&ctx, a),
        Some(Command::Doctor(a)) => commands::doctor::run(&ctx, a),
        Some(Command::List(a)) => commands::list::run(&ctx, a),
        Some(Command::Read(a)) => commands::read::run(&ctx, a),
        Some(Command::Delete(a)) => commands::delete::run(&ctx, a),
        Some(Command::Search(a)) => commands::search::run(&ctx, a),
        Some(Command::Export(a)) => commands::export::run(&ctx, a),
        Some(Command::Sendmail(a)) => commands::sendmail::run(&ctx, a),
        Some(Command::Completions(a)) => commands::completions::run(&ctx, a),
        Some(Command::Relay(a)) => commands::relay::run(&ctx, a),
        Some(Command::GenDocs(a)) => commands::gen_docs::run(&ctx, a),
    };
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) if e.is::<Partial>() => ExitCode::from(EXIT_PARTIAL),
        Err(e) if e.is::<Said>() => ExitCode::from(EXIT_FAILURE),
        Err(e) => {
            ctx.ui.error(&error_line(&e));
            ExitCode::from(e.downcast_ref::<Exit>().map_or(EXIT_FAILURE, |x| x.code))
        }
    }
}

/// One line for an error chain: the outermost message, then causes not already in it.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !line.contains(&c) {
            line.push_str(": ");
            line.push_str(&c);
        }
    }
    hushpost_ops::core::sanitize::one_line(&line)
}

/// The clap command tree (man pages, completions).
pub fn command() -> clap::Command {
    Cli::command()
}
