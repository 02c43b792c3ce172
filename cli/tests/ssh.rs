//! Mail through an SSH drop on the real OpenSSH sshd that scripts/servers/sshd.sh starts
//! (HUSHPOST_TEST_SSH_*), through the real binary: two people exchanging mail, a killed
//! sshd in the middle of a fetch, the set-up `route ssh-setup` prints, and the errors a
//! user sees. Skips loudly without the server, except under CI / HUSHPOST_REQUIRE_TOOLS.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Env {
    host: String,
    port: u16,
    hostkey: String,
    hostkey_pub: PathBuf,
    drop_user: String,
    drop_key: String,
    owner_user: String,
    owner_key_file: PathBuf,
    chroot: PathBuf,
    config: PathBuf,
    sshd: PathBuf,
}

fn var(k: &str) -> Option<String> {
    std::env::var(format!("HUSHPOST_TEST_SSH_{k}")).ok()
}

fn env() -> Option<Env> {
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
    fn route(&self, port: u16, path: &str) -> String {
        format!(
            "ssh://{}@{}:{port}{path}#hostkey={}&dropkey={}",
            self.drop_user, self.host, self.hostkey, self.drop_key
        )
    }

    /// A drop directory of this test's own in the chroot (owner:owner 3730, as set up).
    fn fresh_dir(&self, name: &str) -> (String, PathBuf) {
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
    fn owner_config(&self, hp: &Hp) {
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

fn write_config(hp: &Hp, text: &str) {
    let p = hp.home.join("config.toml");
    // Transport tests want `send` to go out at once: cover traffic off (tested in poll.rs).
    std::fs::write(&p, format!("{text}\n[cover]\nschemes = []\n")).expect("config");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

fn run_ok(c: &mut Command) -> String {
    let out = c.output().expect("run");
    assert!(
        out.status.success(),
        "{c:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn init_on(hp: &Hp, name: &str, route: &str) {
    hp.ok(&["init", "--name", name, "--no-passphrase", "--route", route]);
    hp.cover_off();
}

fn befriend(a: &Hp, a_name: &str, b: &Hp, b_name: &str) {
    a.ok(&["contact", "add", b_name, &b.card()]);
    b.ok(&["contact", "add", a_name, &a.card()]);
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn fingerprint_hex(hp: &Hp) -> String {
    let v: serde_json::Value = serde_json::from_str(&hp.ok(&["id", "--json"])).expect("json");
    v["fingerprint_hex"].as_str().expect("fp").to_string()
}

#[test]
fn two_people_exchange_mail_through_an_ssh_drop() {
    let Some(e) = env() else { return };
    let t = tempdir();
    let (path, dir) = e.fresh_dir("cli-exchange");
    let route = e.route(e.port, &path);
    let (a, b) = (Hp::new(t.path(), "alice"), Hp::new(t.path(), "bob"));
    init_on(&a, "Alice", &route);
    init_on(&b, "Bob", &route);
    e.owner_config(&a);
    e.owner_config(&b);
    befriend(&a, "alice", &b, "bob");

    let out = a.ok_stdin(&["send", "--to", "bob", "--subject", "Lunch?"], "Noon?\n");
    assert!(out.contains("bob: sent via ssh://"), "{out}");
    // What the server stores: one bucket-sized file named <tag>.<random>, nothing else.
    let names = files(&dir);
    assert_eq!(names.len(), 1, "{names:?}");
    let n = &names[0];
    let m = std::fs::metadata(dir.join(n)).expect("meta");
    assert_eq!(m.len(), 16_384);
    assert_eq!(
        m.mode() & 0o777,
        0o040,
        "only the owner's group may read it"
    );
    let (tag, id) = n.split_once('.').expect("dot");
    assert!(tag.len() == 64 && id.len() == 16, "{n}");
    assert!(n.bytes().all(|c| c.is_ascii_hexdigit() || c == b'.'), "{n}");
    for secret in [
        fingerprint_hex(&a),
        fingerprint_hex(&b),
        e.drop_key.clone(),
        "alice".into(),
        "bob".into(),
    ] {
        assert!(!n.to_lowercase().contains(&secret.to_lowercase()), "{n}");
    }

    let out = b.ok(&["fetch"]);
    assert!(out.contains("1 new message"), "{out}");
    assert!(files(&dir).is_empty(), "fetched blobs are deleted");
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "Lunch?");
    let id = rows[0]["id"].to_string();
    assert!(b.ok(&["read", &id]).contains("Noon?"));

    b.ok_stdin(&["reply", &id], "Yes.\n");
    assert!(a.ok(&["fetch"]).contains("1 new message"));
    assert_eq!(a.list_json(&[])[0]["subject"], "Re: Lunch?");
    assert!(files(&dir).is_empty());
}

/// A private sshd on its own port (same set-up), so killing it disturbs no other test.
struct Sshd {
    child: Option<Child>,
    port: u16,
    config: PathBuf,
    sshd: PathBuf,
}

impl Sshd {
    fn start(e: &Env, dir: &Path) -> Sshd {
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

    fn restart(&mut self) {
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
    fn kill(&mut self) {
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
fn descendants(root: u32) -> Vec<u32> {
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

/// The most bytes any sshd session process has read (the sftp server reading blobs).
fn server_read_bytes(root: u32) -> u64 {
    descendants(root)
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/io")).ok())
        .filter_map(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("rchar: "))
                .and_then(|v| v.trim().parse::<u64>().ok())
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn a_killed_sshd_in_the_middle_of_a_fetch_loses_nothing_and_a_retry_completes() {
    let Some(e) = env() else { return };
    let t = tempdir();
    let mut sshd = Sshd::start(&e, t.path());
    let (path, dir) = e.fresh_dir("cli-kill");
    let (a, b) = (Hp::new(t.path(), "alice"), Hp::new(t.path(), "bob"));
    init_on(&a, "Alice", &e.route(sshd.port, &path));
    b.init("Bob", &t.path().join("bob-drop").tap_mkdir());
    b.cover_off();
    e.owner_config(&a);
    befriend(&a, "alice", &b, "bob");

    // 40 small messages and one large one of ~260 fragments: more blobs than one fetch
    // batch (256), so the kill can land after some mail is already stored.
    const SMALL: usize = 40;
    for i in 0..SMALL {
        b.ok_stdin(
            &["send", "--to", "alice", "--subject", &format!("m{i}")],
            "hi\n",
        );
    }
    let big = t.path().join("big.bin");
    let data: Vec<u8> = (0..66u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&big, &data).expect("write");
    b.ok_stdin(
        &[
            "send",
            "--to",
            "alice",
            "--subject",
            "big",
            "--attach",
            big.to_str().expect("utf8"),
        ],
        "attached\n",
    );
    let stored = files(&dir);
    assert!(stored.len() > 256, "{} blobs", stored.len());
    let total: u64 = stored
        .iter()
        .map(|n| std::fs::metadata(dir.join(n)).expect("meta").len())
        .sum();

    // Fetch, and kill sshd (listener and sessions) once the server has read 95% of it.
    let mut fetch = Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
        .arg("fetch")
        .env("HUSHPOST_HOME", &a.home)
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fetch");
    let root = sshd.child.as_ref().expect("running").id();
    let t0 = Instant::now();
    loop {
        if server_read_bytes(root) * 100 >= total * 95 {
            sshd.kill();
            break;
        }
        if fetch.try_wait().expect("wait").is_some() {
            panic!("the fetch finished before sshd could be killed");
        }
        assert!(t0.elapsed() < Duration::from_secs(120), "fetch stalled");
        std::thread::sleep(Duration::from_millis(2));
    }
    let out = fetch.wait_with_output().expect("fetch");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(0),
        "the interrupted fetch must not claim success"
    );
    assert!(
        err.contains("cannot reach") || err.contains("connection lost"),
        "{err}"
    );
    let first = a.list_json(&[]).len();
    assert!(first < SMALL + 1, "the kill came too late to test anything");

    // Nothing was lost: after a restart, a retry brings every message exactly once.
    sshd.restart();
    let out = a.ok(&["fetch"]);
    assert!(out.contains("new message"), "{out}");
    let rows = a.list_json(&[]);
    let subjects: Vec<String> = rows
        .iter()
        .map(|r| r["subject"].as_str().expect("subject").to_string())
        .collect();
    let unique: BTreeSet<&String> = subjects.iter().collect();
    assert_eq!(subjects.len(), SMALL + 1, "{subjects:?}");
    assert_eq!(
        unique.len(),
        SMALL + 1,
        "a message arrived twice: {subjects:?}"
    );
    assert!(
        files(&dir).is_empty(),
        "blobs left on the server: {:?}",
        files(&dir)
    );
    let big_id = rows.iter().find(|r| r["subject"] == "big").expect("big")["id"].to_string();
    let save = t.path().join("saved");
    std::fs::create_dir(&save).expect("mkdir");
    a.ok(&[
        "read",
        &big_id,
        "--save-attachments",
        save.to_str().expect("utf8"),
    ]);
    assert!(std::fs::read(save.join("big.bin")).expect("saved") == data);
    assert!(a.ok(&["fetch"]).contains("0 new messages"));
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}

impl TapMkdir for PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).expect("mkdir");
        self
    }
}

/// Removes what the set-up test created on this machine, even when it fails.
struct SetupCleanup {
    root: PathBuf,
    users: [String; 2],
}

impl Drop for SetupCleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
        for u in &self.users {
            let _ = Command::new("userdel")
                .arg(u)
                .stderr(Stdio::null())
                .status();
        }
        let _ = Command::new("groupdel")
            .arg(&self.users[1])
            .stderr(Stdio::null())
            .status();
    }
}

fn sftp_batch(port: u16, key: &Path, user: &str, batch: &str) -> (bool, String) {
    use std::io::Write;
    let mut c = Command::new("sftp")
        .args(["-P", &port.to_string(), "-i"])
        .arg(key)
        .args([
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-b",
            "-",
        ])
        .arg(format!("{user}@127.0.0.1"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sftp");
    c.stdin
        .take()
        .expect("stdin")
        .write_all(batch.as_bytes())
        .expect("batch");
    let out = c.wait_with_output().expect("sftp");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_set_up_route_ssh_setup_prints_works_and_refuses_what_it_should() {
    let Some(e) = env() else { return };
    if !require("useradd") || !require("sftp") {
        return;
    }
    let t = tempdir();
    let root = PathBuf::from(format!("/srv/hushpost-setup-test.{}", std::process::id()));
    let (du, ou) = ("hpt-s-drop".to_string(), "hpt-s-owner".to_string());
    let _cleanup = SetupCleanup {
        root: root.clone(),
        users: [du.clone(), ou.clone()],
    };
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let owner_key = t.path().join("owner");
    run_ok(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&owner_key),
    );

    // The port is chosen first: the printed route must name it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let a = Hp::new(t.path(), "alice");
    a.init("Alice", &t.path().join("alice-drop").tap_mkdir());
    a.cover_off();
    let (chroot, keys) = (root.join("chroot"), root.join("keys"));
    let json = a.ok(&[
        "route",
        "ssh-setup",
        "--host",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--host-key",
        e.hostkey_pub.to_str().expect("utf8"),
        "--owner-key",
        &format!("{}.pub", owner_key.display()),
        "--drop-user",
        &du,
        "--owner-user",
        &ou,
        "--chroot",
        chroot.to_str().expect("utf8"),
        "--keys-dir",
        keys.to_str().expect("utf8"),
        "--json",
    ]);
    let setup: serde_json::Value = serde_json::from_str(&json).expect("json");
    let field = |k: &str| setup[k].as_str().expect(k).to_string();

    // Run the printed root commands, then an sshd with the printed config block.
    run_ok(Command::new("bash").arg("-c").arg(field("server_script")));
    let mut sshd = setup_sshd(&e, t.path(), port, &field("sshd_config"));
    sshd.restart();

    // Alice adds the printed route and [ssh] settings; Bob writes to her through it.
    let route = field("route");
    a.ok(&["route", "add", &route]);
    write_config(&a, &field("config_toml"));
    let b = Hp::new(t.path(), "bob");
    b.init("Bob", &t.path().join("bob-drop").tap_mkdir());
    b.cover_off();
    befriend(&a, "alice", &b, "bob");
    let out = b.ok_stdin(
        &["send", "--to", "alice", "--via", "ssh", "--subject", "hi"],
        "x\n",
    );
    assert!(out.contains("sent via ssh://"), "{out}");
    let drop_dir = chroot.join("drop");
    let names = files(&drop_dir);
    assert_eq!(names.len(), 1);
    let m = std::fs::metadata(drop_dir.join(&names[0])).expect("meta");
    assert_eq!(m.mode() & 0o7777, 0o040);
    let dmeta = std::fs::metadata(&drop_dir).expect("meta");
    assert_eq!(dmeta.mode() & 0o7777, 0o3730);
    let before = std::fs::read(drop_dir.join(&names[0])).expect("read");

    // The drop key (from the route) cannot list, read, overwrite, change or delete.
    let dropkey = route
        .split("dropkey=")
        .nth(1)
        .expect("dropkey")
        .split('&')
        .next()
        .expect("value");
    let key = hushpost_ops::ssh_setup::DropKey::parse(dropkey).expect("key");
    let key_file = t.path().join("dropkey");
    std::fs::write(&key_file, key.private_openssh().as_bytes()).expect("write");
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let n = &names[0];
    drop_key_refusals(port, &key_file, &du, n, t.path(), &drop_dir, &before);
    // The owner can list, read and delete.
    let (ok, out) = sftp_batch(
        port,
        &owner_key,
        &ou,
        &format!(
            "ls /drop\nget /drop/{n} {}\nrm /drop/new\n",
            t.path().join("got").display()
        ),
    );
    assert!(ok && out.contains(n.as_str()), "owner: {out}");
    assert_eq!(std::fs::read(t.path().join("got")).expect("got"), before);

    // And Alice fetches with the printed [ssh] settings.
    let out = a.ok(&["fetch"]);
    assert!(out.contains("1 new message"), "{out}");
    assert!(files(&drop_dir).is_empty());
}

/// An sshd on `port` with the test server's base settings and the printed `Match` blocks.
fn setup_sshd(e: &Env, tmp: &std::path::Path, port: u16, printed: &str) -> Sshd {
    let base = std::fs::read_to_string(&e.config).expect("config");
    let mut config: String = base
        .lines()
        .take_while(|l| !l.starts_with("Match "))
        .filter(|l| !l.starts_with("AllowUsers ") && !l.starts_with("AuthorizedKeysFile "))
        .map(|l| {
            if l.starts_with("Port ") {
                format!("Port {port}\n")
            } else if l.starts_with("PidFile ") {
                format!("PidFile {}\n", tmp.join("setup-sshd.pid").display())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    config.push_str(printed);
    let config_path = tmp.join("sshd_config");
    std::fs::write(&config_path, &config).expect("write");
    run_ok(Command::new(&e.sshd).arg("-t").arg("-f").arg(&config_path));
    Sshd {
        child: None,
        port,
        config: config_path,
        sshd: e.sshd.clone(),
    }
}

/// What the printed route's drop key may not do on the set-up server (and the one thing
/// it may: create).
fn drop_key_refusals(
    port: u16,
    key_file: &std::path::Path,
    du: &str,
    n: &str,
    tmp: &std::path::Path,
    drop_dir: &std::path::Path,
    before: &[u8],
) {
    let junk = tmp.join("junk");
    std::fs::write(&junk, vec![0u8; 16_384]).expect("junk");
    let (ok, out) = sftp_batch(port, key_file, du, "ls /drop\n");
    assert!(!ok, "list: {out}");
    let (ok, out) = sftp_batch(port, key_file, du, &format!("get /drop/{n} /dev/null\n"));
    assert!(!ok, "read: {out}");
    let (ok, out) = sftp_batch(
        port,
        key_file,
        du,
        &format!("put {} /drop/{n}\n", junk.display()),
    );
    assert!(!ok && out.contains("Permission denied"), "overwrite: {out}");
    let (ok, out) = sftp_batch(port, key_file, du, &format!("chmod 644 /drop/{n}\n"));
    assert!(!ok && out.contains("Permission denied"), "chmod: {out}");
    let (ok, out) = sftp_batch(port, key_file, du, &format!("rm /drop/{n}\n"));
    assert!(!ok && out.contains("Permission denied"), "delete: {out}");
    let (ok, out) = sftp_batch(port, key_file, du, "mkdir /drop/x\n");
    assert!(!ok, "mkdir: {out}");
    // …but can create, which is all it is for.
    let (ok, out) = sftp_batch(
        port,
        key_file,
        du,
        &format!("put {} /drop/new\n", junk.display()),
    );
    assert!(ok, "create: {out}");
    assert_eq!(
        std::fs::read(drop_dir.join(n)).expect("still there"),
        before
    );
}

#[test]
fn errors_name_the_problem_in_one_line() {
    let Some(e) = env() else { return };
    let t = tempdir();
    let (path, _dir) = e.fresh_dir("cli-errors");
    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    let wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let stranger = hushpost_ops::ssh_setup::DropKey::generate().encode();
    init_on(
        &a,
        "Alice",
        &e.route(e.port, &path).replace(&e.hostkey, wrong),
    );
    a.ok(&[
        "route",
        "add",
        &e.route(e.port, &path).replace(&e.drop_key, &stranger),
    ]);
    a.ok(&["route", "add", &e.route(closed, &path)]);
    b.init("Bob", &t.path().join("bob-drop").tap_mkdir());
    b.cover_off();
    befriend(&a, "alice", &b, "bob");

    let (code, _, err) = b.run_stdin(&["send", "--to", "alice", "--subject", "x"], "x\n");
    assert_ne!(code, 0);
    assert!(
        err.contains(&format!(
            "host key mismatch for {}:{}: expected {wrong}, got {}",
            e.host, e.port, e.hostkey
        )),
        "{err}"
    );
    assert!(err.contains("authentication refused"), "{err}");
    assert!(
        err.contains(&format!(
            "cannot reach {}:{closed}: connection refused",
            e.host
        )),
        "{err}"
    );
    assert!(
        !err.contains(&e.drop_key) && !err.contains(&stranger),
        "{err}"
    );

    // Fetching our own drop without [ssh] credentials.
    let (code, out, err) = a.run(&["fetch"]);
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("no SSH credentials"), "{err}");
}

#[test]
fn the_owner_can_fetch_with_ssh_agent() {
    let Some(e) = env() else { return };
    if !require("ssh-agent") {
        return;
    }
    let t = tempdir();
    let (path, dir) = e.fresh_dir("cli-agent");
    let sock = t.path().join("agent.sock");
    let out = run_ok(Command::new("ssh-agent").arg("-s").arg("-a").arg(&sock));
    let pid: u32 = out
        .split("SSH_AGENT_PID=")
        .nth(1)
        .and_then(|s| s.split(';').next())
        .and_then(|s| s.parse().ok())
        .expect("agent pid");
    struct Agent(u32);
    impl Drop for Agent {
        fn drop(&mut self) {
            let _ = Command::new("kill").arg(self.0.to_string()).status();
        }
    }
    let _agent = Agent(pid);
    run_ok(
        Command::new("ssh-add")
            .arg(&e.owner_key_file)
            .env("SSH_AUTH_SOCK", &sock)
            .stderr(Stdio::null()),
    );

    let (a, b) = (Hp::new(t.path(), "alice"), Hp::new(t.path(), "bob"));
    init_on(&a, "Alice", &e.route(e.port, &path));
    write_config(
        &a,
        &format!("[ssh]\nuser = \"{}\"\nagent = true\n", e.owner_user),
    );
    b.init("Bob", &t.path().join("bob-drop").tap_mkdir());
    b.cover_off();
    befriend(&a, "alice", &b, "bob");
    b.ok_stdin(&["send", "--to", "alice", "--subject", "agent"], "x\n");
    assert_eq!(files(&dir).len(), 1);
    let out = a
        .cmd()
        .arg("fetch")
        .env("SSH_AUTH_SOCK", &sock)
        .output()
        .expect("fetch");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 new message"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(files(&dir).is_empty());
}
