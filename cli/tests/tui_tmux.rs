//! The real `hushpost` binary in tmux, as a person sees it: open the inbox on a store with
//! mail, read a message, reply to a second identity over a folder drop and watch it arrive
//! in that identity's inbox; a body full of escape sequences stays inert; the terminal is
//! given back on quit and on SIGTERM.
//!
//! Each test runs its own tmux server on a private socket with no config. Skips (loudly)
//! without tmux, but fails when CI or HUSHPOST_REQUIRE_TOOLS is set.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::tmux::Tmux;
use common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const ESCAPES: &str = "Before.\n\x1b[2J\x1b[H cleared?\n\x1b]52;c;ZWNobyBwd25lZA==\x07 clipboard\n\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\\n\x1b]0;pwned title\x07 title\nAfter.\n";

fn restored(t: &Tmux, name: &str) {
    assert_eq!(
        t.format(name, "#{alternate_on}"),
        "0",
        "alternate screen left"
    );
    assert_eq!(
        t.format(name, "#{mouse_any_flag}"),
        "0",
        "mouse capture off"
    );
    assert_eq!(t.format(name, "#{cursor_flag}"), "1", "cursor visible");
}

fn setup(root: &Path) -> (Hp, Hp) {
    let (a, b, _) = pair(root);
    a.ok_stdin(
        &["send", "--to", "bob", "--subject", "Lunch?"],
        "Are you free at noon?\n",
    );
    // A second apart, so the escape-laden message is the newest (dates have seconds).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    a.ok_stdin(&["send", "--to", "bob", "--subject", "Escapes"], ESCAPES);
    (a, b)
}

#[test]
fn read_reply_and_see_it_arrive_over_a_folder_drop() {
    if !require("tmux") {
        return;
    }
    let tmp = tempdir();
    let (a, b) = setup(tmp.path());
    let t = Tmux::new("mail");
    t.open("bob", &b);
    // The inbox fetches in the background on start.
    let s = t.wait_for("bob", "2 new messages");
    assert!(s.contains("Lunch?") && s.contains("alice"), "{s}");

    // The escape-laden message (newest, selected) opens inert.
    t.keys("bob", &["Enter"]);
    let s = t.wait_for("bob", "After.");
    assert!(s.contains("␛[2J␛[H cleared?"), "{s}");
    assert!(s.contains("␛]52;c;ZWNobyBwd25lZA==␇ clipboard"), "{s}");
    assert!(s.contains("␛]8;;https://evil.example␛\\click me"), "{s}");
    assert!(s.contains("␛]0;pwned title␇ title"), "{s}");
    assert!(s.contains("Before."), "the screen was not cleared:\n{s}");
    assert!(
        s.contains("hushpost · Message"),
        "title bar still drawn:\n{s}"
    );
    assert_ne!(t.format("bob", "#{pane_title}"), "pwned title");
    assert!(
        t.cmd(&["list-buffers"]).trim().is_empty(),
        "nothing reached the clipboard"
    );

    // Back, down to "Lunch?", read it, reply.
    t.keys("bob", &["q", "j", "Enter"]);
    t.wait_for("bob", "Are you free at noon?");
    t.keys("bob", &["r"]);
    let s = t.wait_for("bob", "Re: Lunch?");
    assert!(
        s.contains("folder drop · padded · sender not in the file"),
        "{s}"
    );
    t.text("bob", "Yes, see you at noon.");
    t.keys("bob", &["C-s"]);
    t.wait_for("bob", "sent to alice via dir:");

    // Alice's inbox, in a second session, shows the reply.
    t.open("alice", &a);
    let s = t.wait_for("alice", "Re: Lunch?");
    assert!(s.contains("1 new message"), "{s}");
    t.keys("alice", &["Enter"]);
    t.wait_for("alice", "Yes, see you at noon.");
    // And the CLI agrees.
    let rows = a.list_json(&[]);
    assert_eq!(rows[0]["subject"], "Re: Lunch?");

    // q quits and gives the terminal back.
    t.keys("bob", &["q", "q"]);
    assert_eq!(t.wait_exit("bob"), "0");
    restored(&t, "bob");
    t.keys("alice", &["q", "q"]);
    assert_eq!(t.wait_exit("alice"), "0");
}

#[test]
fn sigterm_restores_the_terminal() {
    if !require("tmux") {
        return;
    }
    let tmp = tempdir();
    let (_a, b) = setup(tmp.path());
    let t = Tmux::new("term");
    t.open("bob", &b);
    t.wait_for("bob", "Lunch?");
    assert_eq!(t.format("bob", "#{alternate_on}"), "1");
    let pid = t.hushpost_pid("bob");
    let st = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(st.success());
    let code = t.wait_exit("bob");
    assert_eq!(code, "0", "SIGTERM is a clean exit");
    restored(&t, "bob");
}

#[test]
fn first_run_creates_the_identity_in_the_inbox() {
    if !require("tmux") {
        return;
    }
    let tmp = tempdir();
    let hp = Hp::new(tmp.path(), "new");
    let t = Tmux::new("init");
    t.open("new", &hp);
    t.wait_for("new", "welcome to hushpost");
    t.keys("new", &["C-u"]);
    t.text("new", "Frank");
    t.keys("new", &["Enter", "Space", "Enter"]);
    t.wait_for("new", "identity created");
    let out = hp.ok(&["id", "--json"]);
    assert!(out.contains("Frank"), "{out}");
    t.keys("new", &["Escape"]);
    t.wait_for("new", "Inbox ·");
    t.keys("new", &["q"]);
    assert_eq!(t.wait_exit("new"), "0");
    restored(&t, "new");
}

/// The pid of the agent serving `home` (found by its command line and environment).
fn agent_of(home: &Path) -> Option<u32> {
    let want = format!("HUSHPOST_HOME={}", home.display());
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
        let env = std::fs::read(e.path().join("environ")).ok()?;
        let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        (has(&cmd, b"agent\0--detached") && env.split(|b| *b == 0).any(|v| v == want.as_bytes()))
            .then_some(pid)
    })
}

/// A first run with a passphrase hands it to an agent, as `hushpost init` does: the
/// commands right after it (no terminal to ask on) open the keyring without asking.
#[test]
fn first_run_with_a_passphrase_unlocks_an_agent() {
    if !require("tmux") {
        return;
    }
    let tmp = tempdir();
    let hp = Hp::new(tmp.path(), "new");
    let t = Tmux::new("init-agent");
    t.open("new", &hp);
    t.wait_for("new", "welcome to hushpost");
    t.keys("new", &["C-u"]);
    t.text("new", "Grace");
    // name → the protect box (ticked) → passphrase → repeat → create
    t.keys("new", &["Enter", "Enter"]);
    t.text("new", "correct horse battery");
    t.keys("new", &["Enter"]);
    t.text("new", "correct horse battery");
    t.keys("new", &["Enter"]);
    t.wait_for("new", "identity created");
    struct Lock<'a>(&'a Hp);
    impl Drop for Lock<'_> {
        fn drop(&mut self) {
            let _ = self.0.run(&["lock"]);
        }
    }
    let _lock = Lock(&hp);
    // stdin is no terminal here: without the agent this would fail.
    let (code, out, err) = hp.run(&["contact", "list"]);
    assert_eq!(code, 0, "{out}{err}");
    let id = hp.ok(&["id"]);
    assert!(id.contains("unlocked"), "{id}");
    // The agent holds no copy of the inbox's terminal (it outlives the inbox).
    let agent = agent_of(&hp.home).expect("an agent runs for this home");
    for fd in std::fs::read_dir(format!("/proc/{agent}/fd"))
        .expect("fds")
        .flatten()
    {
        let to = std::fs::read_link(fd.path()).unwrap_or_default();
        let to = to.to_string_lossy();
        assert!(
            !to.starts_with("/dev/pts") && !to.starts_with("/dev/tty"),
            "the agent inherited the terminal as fd {:?}: {to}",
            fd.file_name()
        );
    }
    t.keys("new", &["Escape"]);
    t.wait_for("new", "Inbox ·");
    t.keys("new", &["q"]);
    assert_eq!(t.wait_exit("new"), "0");
    restored(&t, "new");
}

#[test]
fn the_open_inbox_sends_queued_mail_in_its_own_cover_ticks() {
    if !require("tmux") {
        return;
    }
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    // Cover traffic on the folder route, with ticks about a second apart.
    std::fs::write(
        b.home.join("config.toml"),
        "[cover]\nschemes = [\"dir\"]\nmean_interval_secs = 1\n",
    )
    .expect("config");
    let t = Tmux::new("cover");
    t.open("bob", &b);
    t.wait_for("bob", "Inbox");
    t.keys("bob", &["c"]);
    t.text("bob", "alice");
    t.keys("bob", &["Enter"]);
    t.text("bob", "Tick");
    t.keys("bob", &["Enter"]);
    t.text("bob", "Carried by a cover tick.");
    t.keys("bob", &["C-s"]);
    t.wait_for("bob", "cover traffic) for alice");

    // No cron, no `hushpost poll`: the open inbox's own ticks carry it.
    let start = Instant::now();
    loop {
        let out = a.ok(&["fetch"]);
        if out.contains("1 new message") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the queued message never left: {out}\n{}",
            t.capture("bob")
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(a.list_json(&[])[0]["subject"], "Tick");
    t.keys("bob", &["q", "q"]);
    assert_eq!(t.wait_exit("bob"), "0");
}

/// Mail a CLI `fetch` stores and a contact a CLI `contact remove` drops show in the open
/// inbox on their own, within a few seconds and without a key pressed.
#[test]
fn the_open_inbox_follows_what_other_processes_change() {
    if !require("tmux") {
        return;
    }
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    let t = Tmux::new("follow");
    t.open("bob", &b);
    t.wait_for("bob", "fetched now");
    a.ok_stdin(
        &["send", "--to", "bob", "--subject", "Fetched by cron"],
        "Stored by another process.\n",
    );
    let out = b.ok(&["fetch"]);
    assert!(out.contains("1 new message"), "{out}");
    let s = t.wait_within("bob", "Fetched by cron", Duration::from_secs(8));
    assert!(s.contains("Inbox · 1 · 1 unread"), "{s}");

    t.keys("bob", &["C"]);
    t.wait_for("bob", "card name      Alice");
    b.ok(&["contact", "remove", "alice"]);
    t.wait_within("bob", "no contacts yet", Duration::from_secs(8));
    t.keys("bob", &["q", "q"]);
    assert_eq!(t.wait_exit("bob"), "0");
}

/// After `hushpost lock` from another shell and an unlock inside the inbox, the status line
/// no longer says the keyring was locked.
#[test]
fn unlocking_in_the_inbox_clears_what_the_lock_left() {
    if !require("tmux") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempdir();
    let pf = tmp.path().join("pass");
    std::fs::write(&pf, "correct horse battery\n").expect("write");
    std::fs::set_permissions(&pf, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let drop = tmp.path().join("shared");
    std::fs::create_dir_all(&drop).expect("mkdir");
    let hp = Hp::new(tmp.path(), "dana");
    let pass = ["--passphrase-file", pf.to_str().expect("utf8")];
    hp.ok(&[
        &pass[..],
        &["init", "--name", "Dana", "--route"],
        &[format!("dir:{}", drop.display()).as_str()],
    ]
    .concat());
    // An agent, which the inbox then attaches to.
    hp.ok(&[&pass[..], &["unlock"]].concat());
    struct Lock<'a>(&'a Hp);
    impl Drop for Lock<'_> {
        fn drop(&mut self) {
            let _ = self.0.run(&["lock"]);
        }
    }
    let _lock = Lock(&hp);
    let t = Tmux::new("relock");
    t.open("dana", &hp);
    t.wait_for("dana", "fetched now");
    hp.ok(&["lock"]);
    // A fetch right after the lock runs into it (as the trial's did).
    t.keys("dana", &["f"]);
    t.wait_for("dana", "Passphrase:");
    t.text("dana", "correct horse battery");
    t.keys("dana", &["Enter"]);
    let s = t.wait_for("dana", "Inbox ·");
    assert!(!s.contains("keyring was locked"), "{s}");
    let s = t.wait_for("dana", "fetched now");
    assert!(!s.contains("keyring was locked"), "{s}");
    t.keys("dana", &["q"]);
    assert_eq!(t.wait_exit("dana"), "0");
}

/// The seconds a message has left read the same in the inbox as in `hushpost list`, and
/// never more than it was sent with, also when it arrives between two clock ticks.
#[test]
fn a_lifetime_in_the_inbox_agrees_with_the_command_line() {
    if !require("tmux") {
        return;
    }
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    let t = Tmux::new("expiry");
    t.open("bob", &b);
    t.wait_for("bob", "fetched now");
    // Some seconds after the inbox read the clock last.
    std::thread::sleep(Duration::from_secs(3));
    a.ok_stdin(
        &[
            "send",
            "--to",
            "bob",
            "--subject",
            "Soon",
            "--expire",
            "45s",
        ],
        "Gone in 45 seconds.\n",
    );
    t.keys("bob", &["f"]);
    let s = t.wait_for("bob", "exp ");
    let shown = seconds_after(&s, "exp ");
    let cli = seconds_after(&b.ok(&["list"]), "expires in ");
    assert!(shown <= 45, "more than the message was sent with: {s}");
    assert!(
        cli <= shown && shown - cli <= 3,
        "inbox {shown}s, CLI {cli}s"
    );
    t.keys("bob", &["q"]);
    assert_eq!(t.wait_exit("bob"), "0");
}

/// The number of seconds in `45s` after the first `label` in `text`.
fn seconds_after(text: &str, label: &str) -> u64 {
    let rest = text
        .split(label)
        .nth(1)
        .unwrap_or_else(|| panic!("no {label:?} in {text}"));
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    assert!(
        rest[digits.len()..].starts_with('s'),
        "not seconds: {rest:?}"
    );
    digits.parse().expect("a number")
}
