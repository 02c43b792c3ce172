//! The agent through the real binary: unlock once and every command (and cron's `poll`)
//! works without the passphrase; `lock` and the idle timeout make it forget; another user
//! is refused (a throw-away system user, as root); processes changing contacts at the same
//! moment lose nothing, through the agent and without one; the inbox, `poll` and the CLI
//! share one agent; the README's Quick start runs on a terminal with passphrases.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::tmux::Tmux;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn pass_file(root: &Path, name: &str, pass: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = root.join(format!("{name}.pass"));
    std::fs::write(&p, format!("{pass}\n")).expect("write");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    p
}

/// An installation with a passphrase; commands get no passphrase file unless asked.
fn protected(root: &Path, name: &str) -> (Hp, PathBuf) {
    let drop = root.join("shared");
    std::fs::create_dir_all(&drop).expect("mkdir");
    let pf = pass_file(root, name, &format!("{name} passphrase"));
    let hp = Hp::new(root, name);
    hp.ok(&[
        "--passphrase-file",
        pf.to_str().expect("utf8"),
        "init",
        "--name",
        name,
        "--route",
        &format!("dir:{}", drop.display()),
    ]);
    (hp, pf)
}

fn id_json(hp: &Hp) -> serde_json::Value {
    serde_json::from_str(&hp.ok(&["id", "--json"])).expect("id --json")
}

/// Runs with no controlling terminal (so nothing could be asked), stdin closed.
fn no_tty(hp: &Hp, args: &[&str]) -> (i32, String, String) {
    let out = Command::new("setsid")
        .arg("-w")
        .arg(assert_cmd::cargo::cargo_bin("hushpost"))
        .args(args)
        .env("HUSHPOST_HOME", &hp.home)
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("setsid");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Locks these homes' agents when the test ends, passed or not.
struct LockOnDrop(Vec<PathBuf>);

impl Drop for LockOnDrop {
    fn drop(&mut self) {
        for h in &self.0 {
            let _ = Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
                .arg("lock")
                .env("HUSHPOST_HOME", h)
                .output();
        }
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "waited 60 s for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn unlock_once_then_lock_and_the_idle_timeout_forget_it() {
    if !require("setsid") {
        return;
    }
    let tmp = tempdir();
    let (a, pf) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone(), tmp.path().join("bob")]);
    let pf = pf.to_str().expect("utf8");
    assert_eq!(id_json(&a)["keyring"]["state"], "locked");
    // Locked, `id` says where the routes are rather than leaving them out.
    let shown = a.ok(&["id"]);
    assert!(
        shown.contains("route:       (kept in the locked keyring"),
        "{shown}"
    );
    // Locked, with no terminal and no passphrase file: one line saying what to do.
    let (code, out, err) = no_tty(&a, &["list"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty() && err.contains("hushpost unlock"), "{err}");

    a.ok(&["--passphrase-file", pf, "unlock", "--timeout", "10m"]);
    let id = id_json(&a);
    assert_eq!(id["keyring"]["state"], "unlocked", "{id}");
    assert!(id["keyring"]["unlocked_until"].is_string(), "{id}");
    assert_eq!(id["keyring"]["timeout_secs"], 600);
    // Everything now works without a passphrase: reads, a keyring change, cron's poll.
    let (code, _, err) = no_tty(&a, &["list"]);
    assert_eq!(code, 0, "{err}");
    let (b, _) = protected(tmp.path(), "bob");
    b.ok(&[
        "--passphrase-file",
        tmp.path().join("bob.pass").to_str().expect("utf8"),
        "unlock",
    ]);
    let (code, _, err) = no_tty(&a, &["contact", "add", "--allow-local", "bob", &b.card()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = no_tty(&a, &["poll"]);
    assert_eq!(code, 0, "{err}");
    // The agent wrote the change into the keyring file, which still needs the passphrase.
    a.ok(&["lock"]);
    assert_eq!(id_json(&a)["keyring"]["state"], "locked");
    let socket = a.home.join("run/agent.sock");
    wait_until("the locked agent to exit", || !socket.exists());
    let (code, _, err) = no_tty(&a, &["contact", "list"]);
    assert_eq!(code, 1, "{err}");
    let listed = a.ok(&["--passphrase-file", pf, "contact", "list"]);
    assert!(listed.contains("bob"), "{listed}");

    // The idle timeout: unlocked for 2 s of no use, then forgotten and gone.
    // (Nothing may use it meanwhile — `id` would: it reads the keyring.)
    a.ok(&["--passphrase-file", pf, "unlock", "--timeout", "2s"]);
    assert!(socket.exists());
    wait_until("the idle timeout to lock it and the agent to exit", || {
        !socket.exists()
    });
    assert_eq!(id_json(&a)["keyring"]["state"], "locked");
    b.ok(&["lock"]);
}

#[test]
fn changes_from_processes_at_the_same_moment_are_all_kept() {
    let tmp = tempdir();
    let drop = tmp.path().join("shared");
    std::fs::create_dir_all(&drop).expect("mkdir");
    let others: Vec<Hp> = (0..6)
        .map(|i| {
            let h = Hp::new(tmp.path(), &format!("c{i}"));
            h.init(&format!("C{i}"), &drop);
            h
        })
        .collect();
    let cards: Vec<String> = others.iter().map(Hp::card).collect();
    let run_all = |hp: &Hp, offset: usize, n: usize| {
        let children: Vec<_> = (0..n)
            .map(|i| {
                let mut c = Command::new(assert_cmd::cargo::cargo_bin("hushpost"));
                c.env("HUSHPOST_HOME", &hp.home)
                    .env_remove("HUSHPOST_PASSPHRASE_FILE")
                    .args([
                        "contact",
                        "add",
                        &format!("c{}", i + offset),
                        &cards[i + offset],
                    ])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped());
                c.spawn().expect("spawn")
            })
            .collect();
        for ch in children {
            let out = ch.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };
    let names = |hp: &Hp| -> Vec<String> {
        let v: serde_json::Value =
            serde_json::from_str(&hp.ok(&["contact", "list", "--json"])).expect("json");
        let mut n: Vec<String> = v
            .as_array()
            .expect("array")
            .iter()
            .map(|c| c["name"].as_str().expect("name").to_string())
            .collect();
        n.sort();
        n
    };

    // Through one agent: six processes at once.
    let (a, pf) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone()]);
    a.ok(&["--passphrase-file", pf.to_str().expect("utf8"), "unlock"]);
    run_all(&a, 0, 6);
    assert_eq!(names(&a), ["c0", "c1", "c2", "c3", "c4", "c5"]);
    a.ok(&["lock"]);
    // The file has all six too.
    let mut with_file = a.cmd();
    with_file.env("HUSHPOST_PASSPHRASE_FILE", &pf);
    let out = with_file.args(["contact", "list"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!((0..6).all(|i| text.contains(&format!("c{i} "))), "{text}");

    // Without an agent (an unprotected keyring: each process owns the file in turn,
    // under its lock, re-reading what the others wrote).
    let plain = Hp::new(tmp.path(), "plain");
    plain.init("Plain", &drop);
    run_all(&plain, 0, 6);
    assert_eq!(names(&plain), ["c0", "c1", "c2", "c3", "c4", "c5"]);
}

/// A throw-away system user, removed on drop.
struct User {
    name: String,
    dir: PathBuf,
}

impl User {
    fn create() -> User {
        let name = format!("hpag{}", std::process::id() % 100_000);
        let ok = Command::new("useradd")
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                &name,
            ])
            .status()
            .expect("useradd");
        assert!(ok.success(), "useradd {name}");
        let dir = PathBuf::from(format!("/tmp/{name}-home"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("mkdir");
        let ok = Command::new("chown")
            .args([&format!("{name}:{name}"), dir.to_str().expect("utf8")])
            .status()
            .expect("chown");
        assert!(ok.success());
        std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .expect("chmod");
        User { name, dir }
    }

    /// hushpost as this user, with HUSHPOST_HOME in its own directory.
    fn hushpost(&self, args: &[&str]) -> Command {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid",
            &self.name,
            "--regid",
            &self.name,
            "--clear-groups",
        ])
        .arg(assert_cmd::cargo::cargo_bin("hushpost"))
        .args(args)
        .env("HUSHPOST_HOME", self.dir.join("hp"))
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .env_remove("XDG_RUNTIME_DIR")
        .stdin(Stdio::null());
        c
    }
}

impl Drop for User {
    fn drop(&mut self) {
        let _ = self.hushpost(&["lock"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = Command::new("userdel").arg(&self.name).status();
    }
}

#[test]
fn another_user_is_refused() {
    if !is_root() {
        eprintln!("SKIP: needs root to create a second user");
        assert!(
            std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_none(),
            "the second-user test needs root in CI"
        );
        return;
    }
    if !require("useradd") || !require("setpriv") {
        return;
    }
    let u = User::create();
    let pf = u.dir.join("pass");
    std::fs::write(&pf, "their passphrase\n").expect("write");
    let ok = Command::new("chown")
        .args([&format!("{0}:{0}", u.name), pf.to_str().expect("utf8")])
        .status()
        .expect("chown");
    assert!(ok.success());
    std::fs::set_permissions(&pf, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod");
    let pfs = pf.to_str().expect("utf8");
    let run = |c: &mut Command| {
        let out = c.output().expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&mut u.hushpost(&["--passphrase-file", pfs, "init", "--name", "Other"]));
    // Their agent, in the foreground, logging to a file we read.
    let log = std::fs::File::create(u.dir.join("agent.log")).expect("log");
    let mut agent = u
        .hushpost(&["agent"])
        .stderr(Stdio::from(log))
        .spawn()
        .expect("agent");
    let socket = u.dir.join("hp/run/agent.sock");
    wait_until("their agent's socket", || socket.exists());
    run(&mut u.hushpost(&["--passphrase-file", pfs, "unlock"]));

    // Root passes the 0700 directory (it may), reaches the socket, and is refused by uid.
    let root_lock = Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
        .arg("lock")
        .env("HUSHPOST_HOME", u.dir.join("hp"))
        .output()
        .expect("run");
    assert_eq!(root_lock.status.code(), Some(1));
    let err = String::from_utf8_lossy(&root_lock.stderr);
    assert!(err.contains("agent") && err.lines().count() == 1, "{err}");
    let out = u.hushpost(&["id", "--json"]).output().expect("id");
    let id: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(id["keyring"]["state"], "unlocked", "still unlocked: {id}");
    let text = std::fs::read_to_string(u.dir.join("agent.log")).expect("log");
    assert!(text.contains("refused a connection from uid 0"), "{text}");

    // And the other way round: they cannot even reach our agent's socket.
    let tmp = tempdir();
    let (a, apf) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone()]);
    a.ok(&["--passphrase-file", apf.to_str().expect("utf8"), "unlock"]);
    let mut theirs = Command::new("setpriv");
    theirs
        .args(["--reuid", &u.name, "--regid", &u.name, "--clear-groups"])
        .arg(assert_cmd::cargo::cargo_bin("hushpost"))
        .arg("lock")
        .env("HUSHPOST_HOME", &a.home);
    let _ = theirs.output().expect("run");
    assert_eq!(id_json(&a)["keyring"]["state"], "unlocked");
    a.ok(&["lock"]);
    let _ = agent.kill();
    let _ = agent.wait();
}

#[test]
fn the_inbox_cron_and_the_cli_share_one_agent() {
    if !require("tmux") || !require("setsid") {
        return;
    }
    let tmp = tempdir();
    let (a, pf) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone()]);
    let b = Hp::new(tmp.path(), "bob");
    b.init("Bob", &tmp.path().join("shared"));
    a.ok(&["--passphrase-file", pf.to_str().expect("utf8"), "unlock"]);
    let (code, _, err) = no_tty(&a, &["contact", "add", "--allow-local", "bob", &b.card()]);
    assert_eq!(code, 0, "{err}");
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    b.ok_stdin(&["send", "--to", "alice", "--subject", "One"], "first\n");

    // The inbox opens without asking: the agent has the keyring.
    let t = Tmux::new("agent");
    t.open("alice", &a);
    let s = t.wait_for("alice", "1 new message");
    assert!(s.contains("One") && !s.contains("Passphrase"), "{s}");

    // While it is open: the CLI adds a contact, cron's poll fetches and opens new mail.
    let carol = Hp::new(tmp.path(), "carol");
    carol.init("Carol", &tmp.path().join("shared"));
    carol.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    let (code, _, err) = no_tty(
        &a,
        &["contact", "add", "--allow-local", "carol", &carol.card()],
    );
    assert_eq!(code, 0, "{err}");
    b.ok_stdin(&["send", "--to", "alice", "--subject", "Two"], "second\n");
    let (code, _, err) = no_tty(&a, &["poll", "--json"]);
    assert_eq!(code, 0, "{err}");
    let listed = a.list_json(&[]);
    assert!(
        listed.iter().any(|m| m["subject"] == "Two"),
        "poll opened the mail with the agent's keys, not spooled it: {listed:?}"
    );
    // The inbox sees the contact the CLI added: it sends to carol.
    t.keys("alice", &["c"]);
    t.text("alice", "carol");
    t.keys("alice", &["Enter"]);
    t.text("alice", "From the inbox");
    t.keys("alice", &["Enter"]);
    t.text("alice", "hello carol");
    t.keys("alice", &["C-s"]);
    let start = Instant::now();
    while !carol
        .list_json(&[])
        .iter()
        .any(|m| m["subject"] == "From the inbox")
    {
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "carol got nothing; the inbox:\n{}",
            t.capture("alice")
        );
        std::thread::sleep(Duration::from_millis(300));
        carol.ok(&["fetch"]);
    }
    // `hushpost lock` makes the open inbox forget the keyring too: its next fetch asks for
    // the passphrase instead of going on with the keys it held.
    a.ok(&["lock"]);
    t.keys("alice", &["Escape"]);
    t.keys("alice", &["f"]);
    let s = t.wait_for("alice", " unlock ");
    assert!(s.contains("Passphrase:") && s.contains("locked"), "{s}");
    t.text("alice", "alice passphrase");
    t.keys("alice", &["Enter"]);
    let s = t.wait_for("alice", "Two");
    assert!(!s.contains(" unlock "), "{s}");
    // And it fetches again (the fetch that met the lock was answered, not left running).
    b.ok_stdin(&["send", "--to", "alice", "--subject", "Three"], "third\n");
    t.keys("alice", &["f"]);
    t.wait_for("alice", "Three");
    t.keys("alice", &["q"]);
    a.ok(&["lock"]);
}

/// Waits until the whole pane history shows `what` `n` times.
fn wait_count(t: &Tmux, what: &str, n: usize) {
    wait_until(&format!("{n} × {what:?}"), || {
        t.capture_all("q").matches(what).count() >= n
    });
}

/// The README's Quick start, as written, in a terminal: `init` asks for a new passphrase
/// (twice) for each person, and nothing after that asks again.
#[test]
fn the_quick_start_runs_as_written_with_passphrases() {
    if !require("tmux") {
        return;
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README");
    let section = readme
        .split("## Quick start")
        .nth(1)
        .expect("a Quick start section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("its sh block");
    let tmp = tempdir();
    let _locks = LockOnDrop(vec![tmp.path().join("alice"), tmp.path().join("bob")]);
    let root = tmp.path().to_str().expect("utf8");
    let script = block.replace("/tmp/", &format!("{root}/"));
    assert!(script.contains("hushpost init"), "{script}");
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let bindir = bin.parent().expect("dir").to_str().expect("utf8");
    std::fs::write(
        tmp.path().join("quickstart.sh"),
        format!("set -e\n{script}"),
    )
    .expect("write");
    let t = Tmux::new("quick");
    t.open_shell(
        "q",
        &format!(
            "env PATH='{bindir}':\"$PATH\" NO_COLOR=1 XDG_RUNTIME_DIR='{root}/run' bash '{root}/quickstart.sh'; echo \"QUICKSTART $?\"; sleep 600"
        ),
    );
    for (n, who) in ["alice", "bob"].iter().enumerate() {
        wait_count(&t, "New passphrase:", n + 1);
        t.text("q", &format!("{who} secret"));
        t.keys("q", &["Enter"]);
        wait_count(&t, "Repeat passphrase:", n + 1);
        t.text("q", &format!("{who} secret"));
        t.keys("q", &["Enter"]);
        wait_count(&t, "Unlocked for", n + 1);
    }
    t.wait_for("q", "QUICKSTART ");
    let s = t.capture_all("q");
    assert!(s.contains("QUICKSTART 0"), "{s}");
    assert_eq!(
        s.matches("passphrase:").count(),
        4,
        "asked only at init:\n{s}"
    );
    assert!(
        s.contains("Lunch at noon?"),
        "bob read alice's message:\n{s}"
    );
    let alice = Hp::new(tmp.path(), "alice");
    let got = alice.ok(&["fetch"]);
    assert!(got.contains("1 new message"), "the reply arrived: {got}");
    alice.ok(&["lock"]);
    Hp::new(tmp.path(), "bob").ok(&["lock"]);
}

/// A mail client's `sendmail` cannot answer a prompt: with the agent unlocked it gets in,
/// locked it is told to retry (75).
#[test]
fn sendmail_uses_an_unlocked_agent() {
    if !require("setsid") {
        return;
    }
    let tmp = tempdir();
    let (a, pf) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone()]);
    let msg = "To: bob\nSubject: later\n\nx\n";
    let mut cmd = a.cmd();
    let out = cmd
        .args(["sendmail", "bob"])
        .write_stdin(msg)
        .output()
        .expect("sendmail");
    assert_eq!(out.status.code(), Some(75), "locked");
    a.ok(&["--passphrase-file", pf.to_str().expect("utf8"), "unlock"]);
    let (code, _, err) = a.run_stdin(&["sendmail", "bob"], msg);
    assert_eq!(code, 67, "past the lock, on to the recipients: {err}");
    assert!(err.contains("unknown recipient: bob"), "{err}");
    a.ok(&["lock"]);
}

/// What bash offers at a Tab after `words`, through the script `hushpost completions bash`
/// prints (the shell runs hushpost again for the candidates), with no terminal to ask on.
fn bash_offers(hp: &Hp, words: &[&str]) -> Vec<String> {
    let script = hp.ok(&["completions", "bash"]);
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let dir = bin.parent().expect("bin dir");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    // bash gives the function the word without the quote the user opened (COMP_WORDS
    // keeps it), as readline does.
    let last = words.last().copied().unwrap_or("").trim_start_matches('"');
    let prev = words.len().checked_sub(2).map_or("hushpost", |i| words[i]);
    let line = words.join(" ");
    let prog = format!(
        "{script}\nCOMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{line}'; COMP_POINT={}; COMP_TYPE=9\n\
         _clap_complete_hushpost hushpost '{last}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words.len() - 1,
        line.len()
    );
    let out = Command::new("setsid")
        .args(["-w", "bash", "-c", &prog])
        .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .env("HUSHPOST_HOME", &hp.home)
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Tab after `send --to` and every contact NAME offers the contacts while the agent holds
/// the keyring unlocked; locked, it offers none and asks nothing; subcommands and flags
/// complete either way.
#[test]
fn tab_completes_contact_names_from_the_unlocked_agent() {
    if !require("setsid") || !require("bash") {
        return;
    }
    let tmp = tempdir();
    let (a, pf) = protected(tmp.path(), "alice");
    let (b, bpf) = protected(tmp.path(), "bob");
    let _locks = LockOnDrop(vec![a.home.clone(), b.home.clone()]);
    let pf = pf.to_str().expect("utf8");
    let card = b.ok(&[
        "--passphrase-file",
        bpf.to_str().expect("utf8"),
        "id",
        "card",
    ]);
    let card = card.trim();
    a.ok(&["--passphrase-file", pf, "contact", "add", "bobby", card]);
    let sub = bash_offers(&a, &["hushpost", "sen"]);
    assert!(
        sub.contains(&"send".to_string()) && sub.contains(&"sendmail".to_string()),
        "{sub:?}"
    );
    let flags = bash_offers(&a, &["hushpost", "send", "--su"]);
    assert_eq!(flags, ["--subject"]);
    // Locked: no names, no prompt (stdin is closed and there is no terminal: a prompt would
    // fail the script), no error text in the line.
    assert!(bash_offers(&a, &["hushpost", "send", "--to", "bo"]).is_empty());
    a.ok(&["--passphrase-file", pf, "unlock"]);
    assert_eq!(
        bash_offers(&a, &["hushpost", "send", "--to", "bo"]),
        ["bobby"]
    );
    // An empty word also offers the flags (clap's engine does for every positional).
    let names =
        |w: Vec<String>| -> Vec<String> { w.into_iter().filter(|x| !x.starts_with('-')).collect() };
    assert_eq!(
        names(bash_offers(&a, &["hushpost", "contact", "verify", ""])),
        ["bobby"]
    );
    assert_eq!(
        bash_offers(&a, &["hushpost", "contact", "via", "b"]),
        ["bobby"]
    );
    // A name with a space comes escaped, so bash keeps it one word.
    let f = Hp::new(tmp.path(), "frank");
    f.init("Frank", &tmp.path().join("shared"));
    a.ok(&["contact", "add", "frank smith", &f.card()]);
    assert_eq!(
        bash_offers(&a, &["hushpost", "contact", "show", "fr"]),
        ["frank\\ smith"]
    );
    // Inside a quote the user opened it comes as it is (bash closes the quote).
    assert_eq!(
        bash_offers(&a, &["hushpost", "contact", "show", "\"fr"]),
        ["frank smith"]
    );
    a.ok(&["lock"]);
    assert!(names(bash_offers(&a, &["hushpost", "contact", "show", ""])).is_empty());
}

/// The idle timeout holds against lookers and follows a later `unlock --timeout`: `id` (a
/// status bar polling it) does not keep the keyring unlocked, a second `unlock --timeout`
/// sets the new one, and timeouts under a second or over a year are refused with a line
/// (under a second used to mean "never lock"; a huge one panicked every later `id`).
#[test]
fn the_idle_timeout_is_not_moved_by_id_and_follows_a_new_unlock() {
    let tmp = tempdir();
    let (a, pf) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone()]);
    let pf = pf.to_str().expect("utf8");
    for (t, why) in [
        ("500ms", "under a second"),
        ("99999999999h", "longer than a year"),
    ] {
        let (code, _, err) = a.run(&["--passphrase-file", pf, "unlock", "--timeout", t]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(why), "{err}");
    }
    let started = Instant::now();
    a.ok(&["--passphrase-file", pf, "unlock", "--timeout", "4s"]);
    for _ in 0..3 {
        std::thread::sleep(Duration::from_secs(1));
        assert_eq!(id_json(&a)["keyring"]["state"], "unlocked");
    }
    // 4 s after the unlock, whatever `id` did in between.
    std::thread::sleep(Duration::from_millis(4_500).saturating_sub(started.elapsed()));
    wait_until("the idle timeout to lock it", || {
        id_json(&a)["keyring"]["state"] == "locked"
    });
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "locked {:?} after the unlock: `id` moved the deadline",
        started.elapsed()
    );
    // Already unlocked with the default: a new --timeout applies from now.
    a.ok(&["--passphrase-file", pf, "unlock"]);
    let (code, _, err) = a.run(&["unlock", "--timeout", "2s"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("already unlocked; now until"), "{err}");
    assert_eq!(id_json(&a)["keyring"]["timeout_secs"], 2, "{}", id_json(&a));
    wait_until("the new 2 s timeout to lock it", || {
        id_json(&a)["keyring"]["state"] == "locked"
    });
}

/// A passphrase mistyped at the prompt is asked again (three tries, as sudo does), and the
/// third wrong one ends with one line and exit 1.
#[test]
fn a_mistyped_passphrase_is_asked_again() {
    if !require("tmux") {
        return;
    }
    let tmp = tempdir();
    let (a, _) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone()]);
    a.ok(&["lock"]);
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let t = Tmux::new("retry");
    let run = |name: &str| {
        t.open_shell(
            name,
            &format!(
                "env HUSHPOST_HOME='{}' NO_COLOR=1 '{}' contact list; echo \"DONE $?\"; sleep 600",
                a.home.display(),
                bin.display()
            ),
        );
    };
    run("ok");
    t.wait_for("ok", "Passphrase for");
    t.text("ok", "not it");
    t.keys("ok", &["Enter"]);
    t.wait_for("ok", "Wrong passphrase; try again.");
    t.text("ok", "alice passphrase");
    t.keys("ok", &["Enter"]);
    let s = t.wait_for("ok", "DONE ");
    assert!(s.contains("DONE 0"), "{s}");
    // It says the keyring stays open (an agent holds it), as `init` and `unlock` do.
    assert!(s.contains("Unlocked for 15m"), "{s}");
    a.ok(&["lock"]);
    run("no");
    for _ in 0..3 {
        wait_until("a prompt", || {
            let s = t.capture("no");
            s.trim_end().ends_with(':') || s.contains("DONE ")
        });
        t.text("no", "wrong");
        t.keys("no", &["Enter"]);
        std::thread::sleep(Duration::from_millis(300));
    }
    let s = t.wait_for("no", "DONE ");
    assert!(
        s.contains("DONE 1") && s.contains("wrong passphrase"),
        "{s}"
    );
    assert_eq!(s.matches("Wrong passphrase; try again.").count(), 2, "{s}");
}

/// A foreground agent outlives `lock`: the next unlock without `--timeout` gets the
/// agent's own timeout (15 minutes by default), not the one the previous unlock asked for.
#[test]
fn an_unlock_without_a_timeout_gets_the_default_again() {
    let tmp = tempdir();
    let (a, pf) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone()]);
    let pf = pf.to_str().expect("utf8");
    let mut agent = Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
        .arg("agent")
        .env("HUSHPOST_HOME", &a.home)
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("agent");
    let socket = a.home.join("run").join("agent.sock");
    wait_until("the agent's socket", || socket.exists());
    a.ok(&["--passphrase-file", pf, "unlock", "--timeout", "30s"]);
    assert_eq!(id_json(&a)["keyring"]["timeout_secs"], 30);
    a.ok(&["lock"]);
    a.ok(&["--passphrase-file", pf, "unlock"]);
    let id = id_json(&a);
    let _ = agent.kill();
    let _ = agent.wait();
    assert_eq!(id["keyring"]["timeout_secs"], 900, "{id}");
}

/// Bad input is said the same way through the agent: a mangled card is "the card's
/// checksum does not match…", not "agent: …".
#[test]
fn a_mangled_card_through_the_agent_is_said_as_it_is() {
    let tmp = tempdir();
    let (a, pf) = protected(tmp.path(), "alice");
    let _locks = LockOnDrop(vec![a.home.clone()]);
    let b = Hp::new(tmp.path(), "bob");
    b.init("Bob", &tmp.path().join("shared"));
    a.ok(&["--passphrase-file", pf.to_str().expect("utf8"), "unlock"]);
    let mut card = b.card().into_bytes();
    let i = card.len() - 30;
    card[i] = if card[i] == b'A' { b'B' } else { b'A' };
    let card = String::from_utf8(card).expect("ascii");
    let (code, _, err) = a.run(&["contact", "add", "eve", &card]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("checksum"), "{err}");
    assert!(!err.contains("agent:"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
