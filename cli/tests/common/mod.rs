//! Test support: one hushpost installation per temp folder, driven through the real binary.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]
#![allow(dead_code)]

pub mod recorder;
pub mod ssh;
pub mod tmux;

use assert_cmd::Command;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

/// A hushpost home in a temp dir.
pub struct Hp {
    pub home: PathBuf,
    pub pass_file: Option<PathBuf>,
}

impl Hp {
    pub fn new(root: &Path, name: &str) -> Hp {
        Hp {
            home: root.join(name),
            pass_file: None,
        }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("hushpost").expect("binary");
        c.env("HUSHPOST_HOME", &self.home)
            .env_remove("HUSHPOST_PASSPHRASE_FILE")
            .env("NO_COLOR", "1");
        if let Some(p) = &self.pass_file {
            // As the README asks (else every command warns that others can read it).
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600));
            c.env("HUSHPOST_PASSPHRASE_FILE", p);
        }
        c
    }

    /// Runs and returns (status code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_stdin(args, "")
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        let out = self
            .cmd()
            .args(args)
            .write_stdin(stdin)
            .output()
            .expect("run");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_stdin(args, "")
    }

    pub fn ok_stdin(&self, args: &[&str], stdin: &str) -> String {
        let (code, out, err) = self.run_stdin(args, stdin);
        assert_eq!(
            code, 0,
            "hushpost {args:?} failed\nstdout: {out}\nstderr: {err}"
        );
        out
    }

    pub fn init(&self, name: &str, drop: &Path) {
        self.ok(&[
            "init",
            "--name",
            name,
            "--no-passphrase",
            "--route",
            &format!("dir:{}", drop.display()),
        ]);
    }

    /// Turns cover traffic off for every route (transport tests want `send` to go out at
    /// once; cover traffic has its own tests in poll.rs).
    pub fn cover_off(&self) {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.home.join("config.toml");
        if std::fs::read_to_string(&path).is_ok_and(|c| c.contains("[cover]")) {
            return;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&path)
            .expect("config.toml");
        f.write_all(b"\n[cover]\nschemes = []\n")
            .expect("write config");
    }

    pub fn card(&self) -> String {
        self.ok(&["id", "card"]).trim().to_string()
    }

    pub fn list_json(&self, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut a = vec!["list", "--json"];
        a.extend_from_slice(extra);
        serde_json::from_str(&self.ok(&a)).expect("list --json is JSON")
    }
}

/// Two people sharing one folder, each with the other as a contact.
pub fn pair(root: &Path) -> (Hp, Hp, PathBuf) {
    let drop = root.join("shared");
    std::fs::create_dir_all(&drop).expect("mkdir");
    let a = Hp::new(root, "alice");
    let b = Hp::new(root, "bob");
    a.init("Alice", &drop);
    b.init("Bob", &drop);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    (a, b, drop)
}

pub fn drop_files(drop: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(drop)
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("hp-cli-")
        .tempdir()
        .expect("tempdir")
}

pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// In CI (or the README's test command) a missing tool is a failure, never a silent skip.
pub fn require(tool: &str) -> bool {
    let found = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var_os("CI").is_some() || std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_some()
        {
            panic!("{tool} is required in CI but not installed");
        }
        eprintln!("SKIP: {tool} not installed");
    }
    found
}

/// A relay process whose stdout (banner) and stderr (logs) go to files.
pub struct RelayProc {
    pub child: Child,
    pub route: String,
    pub out: PathBuf,
    pub log: PathBuf,
}

impl RelayProc {
    // The child is waited for by `stop` or by `Drop`.
    #[allow(clippy::zombie_processes)]
    pub fn spawn(data: &Path, logs: &Path, extra: &[&str]) -> RelayProc {
        Self::spawn_on("127.0.0.1:0", data, logs, extra)
    }

    /// As [`RelayProc::spawn`], listening on `listen`.
    #[allow(clippy::zombie_processes)]
    pub fn spawn_on(listen: &str, data: &Path, logs: &Path, extra: &[&str]) -> RelayProc {
        std::fs::create_dir_all(logs).expect("mkdir");
        let n = std::fs::read_dir(logs).expect("ls").count();
        let out = logs.join(format!("out-{n}.txt"));
        let log = logs.join(format!("log-{n}.txt"));
        let child = StdCommand::new(assert_cmd::cargo::cargo_bin("hushpost"))
            .args(["relay", "serve", "--listen", listen, "--data"])
            .arg(data)
            .args(extra)
            .env_remove("HUSHPOST_LOG")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).expect("out"))
            .stderr(std::fs::File::create(&log).expect("log"))
            .spawn()
            .expect("spawn relay");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            if let Some(l) = text.lines().find(|l| l.starts_with("route: ")) {
                return RelayProc {
                    child,
                    route: l["route: ".len()..].trim().to_string(),
                    out,
                    log,
                };
            }
            assert!(
                Instant::now() < deadline,
                "relay did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then the exit code.
    pub fn stop(&mut self) -> i32 {
        let pid = self.child.id().to_string();
        StdCommand::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                return s.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "relay ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl std::ops::Drop for RelayProc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A bare HTTP/1.1 client on one kept connection: relay tests that must know exactly
/// which request was answered (the relay client retries) or send what no client would.
pub struct Http {
    r: std::io::BufReader<std::net::TcpStream>,
}

impl Http {
    pub fn connect(port: u16) -> std::io::Result<Http> {
        let s = std::net::TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Http {
            r: std::io::BufReader::new(s),
        })
    }

    /// One request on the kept connection: (status, body).
    pub fn call(
        &mut self,
        method: &str,
        path: &str,
        header: Option<(&str, &str)>,
        body: &[u8],
    ) -> std::io::Result<(u16, Vec<u8>)> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: relay\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some((k, v)) = header {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let s = self.r.get_mut();
        s.write_all(head.as_bytes())?;
        s.write_all(body)?;
        let mut line = String::new();
        self.r.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut len = 0usize;
        loop {
            line.clear();
            if self.r.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; len];
        self.r.read_exact(&mut body)?;
        Ok((status, body))
    }
}

/// The relay client for a route parsed from a string (tests build routes from strings).
pub fn relay_drop(
    r: &hushpost_core::Route,
    d: &hushpost_transports::DialOptions,
) -> Result<hushpost_transports::https::RelayDrop, hushpost_transports::TransportError> {
    match r {
        hushpost_core::Route::Https(x) => hushpost_transports::https::RelayDrop::new(x, d),
        other => panic!("not a relay route: {other}"),
    }
}

/// A relay with a self-signed certificate, and Alice and Bob (no passphrase) each with it as
/// their route and `config` as their config.toml.
pub fn pair_on_relay(root: &Path, config: &str) -> (RelayProc, Hp, Hp) {
    let relay = RelayProc::spawn(
        &root.join("data"),
        &root.join("logs"),
        &["--tls-self-signed"],
    );
    let (a, b) = (Hp::new(root, "alice"), Hp::new(root, "bob"));
    for (hp, name) in [(&a, "Alice"), (&b, "Bob")] {
        hp.ok(&[
            "init",
            "--name",
            name,
            "--no-passphrase",
            "--route",
            &relay.route,
        ]);
        std::fs::write(hp.home.join("config.toml"), config).expect("config.toml");
    }
    (relay, a, b)
}

/// libfaketime's multi-threaded library (Debian's `faketime` package), if installed.
pub fn faketime_lib() -> Option<PathBuf> {
    let dirs = std::fs::read_dir("/usr/lib").ok()?;
    for d in dirs.flatten() {
        let p = d.path().join("faketime/libfaketimeMT.so.1");
        if p.is_file() {
            return Some(p);
        }
    }
    None
}
