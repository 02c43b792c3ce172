//! The scenario's own servers, which its faults stop and start: relays on fixed ports (so
//! cards stay valid across `kill -9` and restart), a logging SOCKS5 proxy beside the Tor test
//! bed's, an nftables counter of connections to the Tor contact's relay, and a tiny tmpfs
//! for the folder drop whose disk gets filled. Must not: touch the servers the lead started
//! (the shared proxies and sshd are never stopped here).
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on `host` (bound and released).
pub fn free_port(host: &str) -> u16 {
    let l = std::net::TcpListener::bind((host, 0)).expect("bind");
    l.local_addr().expect("addr").port()
}

/// `hushpost relay serve` on a fixed port of 127.0.0.1, restartable.
pub struct Relay {
    pub name: String,
    pub port: u16,
    pub data: PathBuf,
    pub logs: PathBuf,
    pub route: String,
    pub child: Option<Child>,
    pub starts: usize,
    /// Peak RSS (KiB) over every run, from /proc before each stop.
    pub hwm: u64,
}

impl Relay {
    pub fn new(name: &str, root: &Path) -> Relay {
        let logs = root.join(format!("{name}-logs"));
        std::fs::create_dir_all(&logs).expect("mkdir");
        let mut r = Relay {
            name: name.into(),
            port: free_port("127.0.0.1"),
            data: root.join(format!("{name}-data")),
            logs,
            route: String::new(),
            child: None,
            starts: 0,
            hwm: 0,
        };
        r.start().unwrap_or_else(|e| panic!("{e}"));
        r
    }

    /// Starts it on its port and data directory; the route (and its pin) must not change.
    // The child is waited for by `kill9`, `stop` or on every path that gives up on it.
    #[allow(clippy::zombie_processes)]
    pub fn start(&mut self) -> Result<(), String> {
        let mut last = String::new();
        // The port may still be held for a moment by the killed process's sockets.
        for _attempt in 0..5 {
            self.starts += 1;
            let out = self.logs.join(format!("out-{}.txt", self.starts));
            let log = self.logs.join(format!("log-{}.txt", self.starts));
            let mut child = Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
                .args(["relay", "serve", "--tls-self-signed", "--listen"])
                .arg(format!("127.0.0.1:{}", self.port))
                .arg("--data")
                .arg(&self.data)
                .env_remove("HUSHPOST_LOG")
                .env("RUST_BACKTRACE", "1")
                .stdin(Stdio::null())
                .stdout(std::fs::File::create(&out).expect("out"))
                .stderr(std::fs::File::create(&log).expect("log"))
                .spawn()
                .expect("spawn relay");
            let t0 = Instant::now();
            loop {
                let text = std::fs::read_to_string(&out).unwrap_or_default();
                if let Some(l) = text.lines().find(|l| l.starts_with("route: ")) {
                    let route = l["route: ".len()..].trim().to_string();
                    if !self.route.is_empty() && route != self.route {
                        return Err(format!(
                            "{}: the route changed on restart: {} -> {route}",
                            self.name, self.route
                        ));
                    }
                    self.route = route;
                    self.child = Some(child);
                    return Ok(());
                }
                if let Some(s) = child.try_wait().expect("wait") {
                    let text = std::fs::read_to_string(&log).unwrap_or_default();
                    last = format!("{} exited {s} on start {}: {text}", self.name, self.starts);
                    // Only the port still held by the killed process is worth a retry.
                    if !text.contains("cannot listen") {
                        return Err(format!("the relay does not restart: {last}"));
                    }
                    break;
                }
                if t0.elapsed() > Duration::from_secs(60) {
                    let _ = child.kill();
                    let _ = child.wait();
                    last = format!("{} did not start within 60 s", self.name);
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        Err(format!("the relay does not restart: {last}"))
    }

    fn note_hwm(&mut self) {
        if let Some(c) = &self.child {
            self.hwm = self.hwm.max(vm_hwm(c.id()));
        }
    }

    /// SIGKILL.
    pub fn kill9(&mut self) {
        self.note_hwm();
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM; the exit code (0 is a clean stop).
    pub fn stop(&mut self) -> i32 {
        self.note_hwm();
        let Some(mut c) = self.child.take() else {
            return 0;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let t0 = Instant::now();
        loop {
            if let Some(s) = c.try_wait().expect("wait") {
                return s.code().unwrap_or(-1);
            }
            if t0.elapsed() > Duration::from_secs(30) {
                let _ = c.kill();
                let _ = c.wait();
                return -1;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every log line of every run.
    pub fn all_logs(&self) -> String {
        let mut s = String::new();
        for e in std::fs::read_dir(&self.logs)
            .into_iter()
            .flatten()
            .flatten()
        {
            s.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
        s
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Peak resident set (KiB) of a live process.
pub fn vm_hwm(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A logging SOCKS5 proxy of our own (scripts/servers/socks_proxy.py) on the Tor test
/// bed's gateway address, so the namespace can reach it and the scenario can stop it.
pub struct Proxy {
    pub host: String,
    pub port: u16,
    pub log: PathBuf,
    hosts: PathBuf,
    child: Option<Child>,
}

impl Proxy {
    pub fn new(gateway: &str, root: &Path) -> Proxy {
        let hosts = root.join("proxy-hosts");
        std::fs::write(&hosts, "127.0.0.1 localhost\n").expect("hosts");
        let log = root.join("socks-log.txt");
        std::fs::write(&log, "").expect("log");
        let mut p = Proxy {
            host: gateway.into(),
            port: free_port(gateway),
            log,
            hosts,
            child: None,
        };
        p.start();
        p
    }

    pub fn url(&self) -> String {
        format!("socks5h://{}:{}", self.host, self.port)
    }

    pub fn start(&mut self) {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/servers/socks_proxy.py");
        let child = Command::new("unshare")
            .args(["-m", "sh", "-c"])
            .arg(format!(
                "mount --bind '{}' /etc/hosts && exec /usr/bin/python3 '{}' '{}' '{}' {}",
                self.hosts.display(),
                script.display(),
                self.log.display(),
                self.host,
                self.port
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("socks proxy");
        self.child = Some(child);
        let t0 = Instant::now();
        while std::net::TcpStream::connect((self.host.as_str(), self.port)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "the proxy did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Connections the proxy made to 127.0.0.1:`port`.
    pub fn connections_to(&self, port: u16) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.ends_with(&format!(" port={port}")))
            .count()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An nftables table counting TCP connection attempts (SYN without ACK) to one port of
/// 127.0.0.1, on the root namespace's output hook (where the proxy's and any direct
/// connection would both show).
pub struct SynCounter {
    table: String,
}

fn nft(script: &str) -> bool {
    use std::io::Write;
    let mut c = Command::new("nft")
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("nft");
    c.stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("rules");
    c.wait().expect("nft").success()
}

impl SynCounter {
    pub fn new(port: u16) -> SynCounter {
        let table = format!("hpscen{}", std::process::id());
        let rules = format!(
            "table inet {table} {{\n chain out {{\n  type filter hook output priority 0; policy accept;\n  ip daddr 127.0.0.1 tcp dport {port} tcp flags & (syn | ack) == syn counter\n }}\n}}\n"
        );
        assert!(nft(&rules), "nft rules");
        SynCounter { table }
    }

    pub fn count(&self) -> u64 {
        let out = Command::new("nft")
            .args(["list", "table", "inet", &self.table])
            .output()
            .expect("nft list");
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_once("counter packets ")
            .and_then(|(_, r)| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no counter in {text}"))
    }
}

impl Drop for SynCounter {
    fn drop(&mut self) {
        let _ = nft(&format!("delete table inet {}\n", self.table));
    }
}

/// A small tmpfs (the folder drop whose disk the scenario fills).
pub struct Tmpfs {
    pub dir: PathBuf,
    filler: PathBuf,
}

impl Tmpfs {
    pub fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).expect("mkdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mounting a tmpfs failed (the scenario runs as root)");
        Tmpfs {
            dir: dir.to_path_buf(),
            filler: dir.join(".filler"),
        }
    }

    /// Fills the disk to the last byte.
    pub fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(&self.filler).expect("filler");
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let mut small = [0u8; 512];
        while f.write_all(&small).is_ok() {
            small[0] ^= 1;
        }
        let _ = f.write_all(&[0u8]);
        let _ = f.sync_all();
    }

    pub fn free(&self) {
        let _ = std::fs::remove_file(&self.filler);
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}
