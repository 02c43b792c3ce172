//! Shared by the mail-client tests: a live Maildir in config.toml, reading a Maildir's
//! files, notmuch with its own config, and a private tmux server for the clients that need
//! a terminal (neomutt reading, aerc). Each tmux server has its own socket and no config,
//! and is killed when the test ends.
#![allow(dead_code)]

use super::common::Hp;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The hushpost binary under test.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("hushpost")
}

/// `hp`'s fingerprint address (`hex@hushpost.invalid`).
pub fn address(hp: &Hp) -> String {
    let id: serde_json::Value = serde_json::from_str(&hp.ok(&["id", "--json"])).expect("json");
    format!(
        "{}@hushpost.invalid",
        id["fingerprint_hex"].as_str().expect("fingerprint_hex")
    )
}

/// A message with its header lines unfolded, as a mail reader shows them.
pub fn unfold(raw: &str) -> String {
    raw.replace("\r\n ", " ").replace("\r\n\t", " ")
}

/// Appends `[maildir]` to `hp`'s config.toml.
pub fn live_maildir(hp: &Hp, path: &Path, sent: Option<&Path>) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(hp.home.join("config.toml"))
        .expect("config.toml");
    let mut text = format!("\n[maildir]\npath = \"{}\"\n", path.display());
    if let Some(s) = sent {
        text.push_str(&format!("sent = \"{}\"\n", s.display()));
    }
    f.write_all(text.as_bytes()).expect("write config");
}

/// The message files of a Maildir: (`new` or `cur`, file name, contents), sorted.
pub fn files(dir: &Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in rd {
            let e = e.expect("entry");
            out.push((
                sub.to_string(),
                e.file_name().to_string_lossy().into_owned(),
                String::from_utf8_lossy(&std::fs::read(e.path()).expect("read")).into_owned(),
            ));
        }
    }
    out.sort();
    out
}

/// The one file whose contents contain `needle`.
pub fn file_with(dir: &Path, needle: &str) -> (String, String, String) {
    let all = files(dir);
    let mut hits: Vec<_> = all
        .iter()
        .filter(|f| f.2.contains(needle))
        .cloned()
        .collect();
    assert_eq!(hits.len(), 1, "one file with {needle:?} in {all:#?}");
    hits.remove(0)
}

/// A notmuch database over `maildir`, with its config at `root/notmuch-config`.
pub struct Notmuch {
    config: PathBuf,
}

impl Notmuch {
    pub fn new(root: &Path, maildir: &Path) -> Notmuch {
        let config = root.join("notmuch-config");
        std::fs::write(
            &config,
            format!(
                "[database]\npath={}\n[user]\nname=Test\nprimary_email=test@example.invalid\n[new]\ntags=unread;inbox\n[maildir]\nsynchronize_flags=true\n",
                maildir.display()
            ),
        )
        .expect("notmuch config");
        Notmuch { config }
    }

    /// Runs notmuch; panics on failure; returns stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("notmuch")
            .env("NOTMUCH_CONFIG", &self.config)
            .args(args)
            .output()
            .expect("notmuch");
        assert!(
            out.status.success(),
            "notmuch {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// A tmux server of our own.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(tag: &str) -> Tmux {
        Tmux {
            socket: format!("hp-mail-{tag}-{}", std::process::id()),
        }
    }

    pub fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs the shell command `line` in a new 160×40 session `name`.
    pub fn open(&self, name: &str, line: &str) {
        let line = format!("{line}; echo \"EXITED $?\"; sleep 600");
        self.cmd(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "160",
            "-y",
            "40",
            &line,
        ]);
    }

    pub fn capture(&self, name: &str) -> String {
        self.cmd(&["capture-pane", "-p", "-t", name])
    }

    pub fn keys(&self, name: &str, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", name];
        a.extend_from_slice(keys);
        self.cmd(&a);
    }

    /// Waits until the pane shows `what`; panics with the screen after 30 s.
    pub fn wait_for(&self, name: &str, what: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.capture(name);
            if s.contains(what) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waited 30 s for {what:?}; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Waits until `f` holds; panics after 30 s (a real client and a real server on loopback
/// answer in well under a second; the bound only stops a hung test).
pub fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "waited 30 s for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
