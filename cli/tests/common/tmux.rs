//! tmux for tests: a private server per test, sessions of a given size, keys in, screen out.
#![allow(dead_code)]

use super::Hp;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(tag: &str) -> Tmux {
        let socket = format!("hp-{tag}-{}", std::process::id());
        Tmux { socket }
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

    /// Starts `hushpost` for `hp` in a new 100×30 session named `name`.
    pub fn open(&self, name: &str, hp: &Hp) {
        let bin = assert_cmd::cargo::cargo_bin("hushpost");
        // The shell stays after hushpost exits, so the pane's modes afterwards (alternate
        // screen, mouse, cursor) show what hushpost left behind.
        let cmd = format!(
            "env HUSHPOST_HOME='{}' NO_COLOR=1 TERM=xterm-256color '{}'; echo \"EXITED $?\"; sleep 600",
            hp.home.display(),
            bin.display()
        );
        self.cmd(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            &cmd,
        ]);
        // Let an OSC 52 in a message reach tmux's buffers, so we can see it did not.
        self.cmd(&["set-option", "-g", "set-clipboard", "on"]);
    }

    /// Runs `cmd` in a shell in a new 100×30 session `name` (the pane is a terminal).
    pub fn open_shell(&self, name: &str, cmd: &str) {
        self.cmd(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            cmd,
        ]);
    }

    /// The pane including what scrolled off.
    pub fn capture_all(&self, name: &str) -> String {
        self.cmd(&["capture-pane", "-p", "-S", "-", "-t", name])
    }

    pub fn capture(&self, name: &str) -> String {
        self.cmd(&["capture-pane", "-p", "-t", name])
    }

    pub fn keys(&self, name: &str, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", name];
        a.extend_from_slice(keys);
        self.cmd(&a);
    }

    pub fn text(&self, name: &str, text: &str) {
        self.cmd(&["send-keys", "-t", name, "-l", text]);
    }

    pub fn format(&self, name: &str, f: &str) -> String {
        self.cmd(&["display-message", "-p", "-t", name, f])
            .trim()
            .to_string()
    }

    /// Waits until the pane shows `what`; panics with the screen after 30 s.
    pub fn wait_for(&self, name: &str, what: &str) -> String {
        self.wait_within(name, what, Duration::from_secs(30))
    }

    /// Waits until the pane shows `what`; panics with the screen after `limit`.
    pub fn wait_within(&self, name: &str, what: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let s = self.capture(name);
            if s.contains(what) {
                return s;
            }
            if start.elapsed() > limit {
                panic!("waited {limit:?} for {what:?}; the screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for hushpost to exit; returns its exit status.
    pub fn wait_exit(&self, name: &str) -> String {
        let s = self.wait_for(name, "EXITED ");
        let tail = s.split("EXITED ").nth(1).unwrap_or("");
        tail.split_whitespace().next().unwrap_or("").to_string()
    }

    /// The pid of hushpost: the child of the pane's shell.
    pub fn hushpost_pid(&self, name: &str) -> String {
        let sh = self.format(name, "#{pane_pid}");
        let children = std::fs::read_to_string(format!("/proc/{sh}/task/{sh}/children"))
            .expect("children of the pane's shell");
        children
            .split_whitespace()
            .next()
            .expect("hushpost runs")
            .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let path = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "display-message",
                "-p",
                "#{socket_path}",
            ])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        // tmux leaves its socket file behind.
        if let Some(p) = path.filter(|p| !p.is_empty()) {
            let _ = std::fs::remove_file(p);
        }
    }
}
