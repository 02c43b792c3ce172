//! Test support for the SSH drop tests: the loopback sshd of scripts/servers/sshd.sh
//! (HUSHPOST_TEST_SSH_*), a private sshd of the same set-up, and helpers.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use super::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Env {
    pub host: String,
    pub port: u16,
    pub hostkey: String,
    pub hostkey_pub: PathBuf,
    pub drop_user: String,
    pub drop_key: String,
    pub owner_user: String,
    pub owner_key_file: PathBuf,
    pub chroot: PathBuf,
    pub config: PathBuf,
    pub sshd: PathBuf,
}

pub fn var(k: &str) -> Option<String> {
    std::env::var(format!("HUSHPOST_TEST_SSH_{k}")).ok()
}

pub fn env() -> Option<Env> {
    let e = (|| {
        Some(Env {
            host: var("HOST")?,
            port: var("PORT")?.parse().ok()?,
            hostkey: var("HOSTKEY")?,
            hostkey_pub: var("HOSTKEY_PUB")?.into(),
            drop_user: var("DROP_USER")?,
            drop_key: var("DROP_KEY")?,
            owner_user: var("OWNER_USER")?,
            owner_key_file: var("OWNER_KEY_FILE")?.into(),
            chroot: var("CHROOT")?.into(),
            config: var("CONFIG")?.into(),
            sshd: var("SSHD")?.into(),
        })
    })();
    if e.is_none() {
        if std::env::var_os("CI").is_some() || std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_some()
        {
            panic!("HUSHPOST_TEST_SSH_* is not set: run the tests through scripts/test.sh");
        }
        eprintln!("SKIP: no loopback sshd (HUSHPOST_TEST_SSH_* unset; scripts/test.sh starts one)");
    }
    e
}

impl Env {
    pub fn route(&self, port: u16, path: &str) -> String {
        format!(
            "ssh://{}@{}:{port}{path}#hostkey={}&dropkey={}",
            self.drop_user, self.host, self.hostkey, self.drop_key
        )
    }

    /// A drop directory of this test's own in the chroot (owner:owner 3730, as set up).
    pub fn fresh_dir(&self, name: &str) -> (String, PathBuf) {
        let dir = self.chroot.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("mkdir");
        run_ok(
            Command::new("chown")
                .arg(format!("{0}:{0}", self.owner_user))
                .arg(&dir),
        );
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o3730)).expect("chmod");
        (format!("/{name}"), dir)
    }

    /// The owner's `[ssh]` settings for a hushpost home.
    pub fn owner_config(&self, hp: &Hp) {
        write_config(
            hp,
            &format!(
                "[ssh]\nuser = \"{}\"\nkey_file = \"{}\"\n",
                self.owner_user,
                self.owner_key_file.display()
            ),
        );
    }
}

pub fn write_config(hp: &Hp, text: &str) {
    let p = hp.home.join("config.toml");
    // Transport tests want `send` to go out at once: cover traffic off (tested in poll.rs).
    std::fs::write(&p, format!("{text}\n[cover]\nschemes = []\n")).expect("config");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

pub fn run_ok(c: &mut Command) -> String {
    let out = c.output().expect("run");
    assert!(
        out.status.success(),
        "{c:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn init_on(hp: &Hp, name: &str, route: &str) {
    hp.ok(&["init", "--name", name, "--no-passphrase", "--route", route]);
    hp.cover_off();
}

pub fn befriend(a: &Hp, a_name: &str, b: &Hp, b_name: &str) {
    a.ok(&["contact", "add", "--allow-local", b_name, &b.card()]);
    b.ok(&["contact", "add", "--allow-local", a_name, &a.card()]);
}

pub fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Blobs lying in an SSH drop, cleared ones not counted: files of their own, and the slots
/// of the owner's slot files that still begin with an age header.
pub fn blobs_in(dir: &Path) -> usize {
    files(dir)
        .iter()
        .map(|f| {
            if !f.ends_with(".slots") {
                return 1;
            }
            let bytes = std::fs::read(dir.join(f)).expect("slot file");
            bytes
                .chunks(16_384)
                .filter(|c| c.starts_with(b"age-encryption.org/v1\n"))
                .count()
        })
        .sum()
}

pub fn fingerprint_hex(hp: &Hp) -> String {
    let v: serde_json::Value = serde_json::from_str(&hp.ok(&["id", "--json"])).expect("json");
    v["fingerprint_hex"].as_str().expect("fp").to_string()
}

/// A private sshd on its own port (same set-up), so killing it disturbs no other test.
pub struct Sshd {
    pub child: Option<Child>,
    pub port: u16,
    pub config: PathBuf,
    pub sshd: PathBuf,
}

impl Sshd {
    pub fn start(e: &Env, dir: &Path) -> Sshd {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let base = std::fs::read_to_string(&e.config).expect("config");
        let text: String = base
            .lines()
            .map(|l| {
                if l.starts_with("Port ") {
                    format!("Port {port}\n")
                } else if l.starts_with("PidFile ") {
                    format!("PidFile {}\n", dir.join("sshd.pid").display())
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        let config = dir.join("sshd_config");
        std::fs::write(&config, text).expect("write");
        let mut s = Sshd {
            child: None,
            port,
            config,
            sshd: e.sshd.clone(),
        };
        s.restart();
        s
    }

    pub fn restart(&mut self) {
        let child = Command::new(&self.sshd)
            .args(["-D", "-e", "-f"])
            .arg(&self.config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sshd");
        self.child = Some(child);
        let t = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(t.elapsed() < Duration::from_secs(10), "sshd did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL the listener and every session process under it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let mut pids = descendants(c.id());
            pids.push(c.id());
            let _ = Command::new("kill")
                .arg("-9")
                .args(pids.iter().map(u32::to_string))
                .stderr(Stdio::null())
                .status();
            let _ = c.wait();
        }
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every process below `root`, from /proc.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut parent = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid …; comm may hold spaces, so split after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pp) = ppid {
            parent.push((pid, pp));
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for (c, pp) in &parent {
            if *pp == p && !out.contains(c) {
                out.push(*c);
                frontier.push(*c);
            }
        }
    }
    out
}

pub trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}

impl TapMkdir for PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).expect("mkdir");
        self
    }
}
