//! Two identities exchanging mail over ordinary e-mail through the real binary, against
//! the loopback Postfix + Dovecot of scripts/servers/mail.sh: `route add mailto:…`,
//! `account add …`, send, fetch; the stored mail's shape; a normal mail left untouched; a
//! fetch killed between storing and expunging loses nothing and shows nothing twice; TLS
//! refusal; wrong password.
//!
//! Without the servers the tests skip loudly; under CI or HUSHPOST_REQUIRE_TOOLS they fail.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// alice's and bob's mailboxes are shared by every test here: one at a time.
static SERVERS: Mutex<()> = Mutex::new(());

struct Env {
    host: String,
    smtp: u16,
    smtp_plain: u16,
    imap: u16,
    imaps: u16,
    ca: PathBuf,
    maildirs: PathBuf,
    pw: [(String, String); 2],
    _lock: MutexGuard<'static, ()>,
}

fn env() -> Option<Env> {
    let lock = SERVERS.lock().unwrap_or_else(|e| e.into_inner());
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let Some(host) = get("HUSHPOST_TEST_MAIL_HOST") else {
        if std::env::var_os("CI").is_some() || std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_some()
        {
            panic!(
                "HUSHPOST_TEST_MAIL_HOST is not set: start scripts/servers/mail.sh (scripts/test.sh does)"
            );
        }
        eprintln!(
            "SKIPPED: no loopback mail servers (HUSHPOST_TEST_MAIL_HOST unset); run scripts/test.sh"
        );
        return None;
    };
    let var = |k: &str| get(k).unwrap_or_else(|| panic!("{k} missing"));
    let port = |k: &str| -> u16 { var(k).parse().expect("port") };
    Some(Env {
        host,
        smtp: port("HUSHPOST_TEST_SMTP_PORT"),
        smtp_plain: port("HUSHPOST_TEST_SMTP_PLAIN_PORT"),
        imap: port("HUSHPOST_TEST_IMAP_PORT"),
        imaps: port("HUSHPOST_TEST_IMAPS_PORT"),
        ca: var("HUSHPOST_TEST_MAIL_CA").into(),
        maildirs: var("HUSHPOST_TEST_MAILDIRS").into(),
        pw: [
            ("alice".into(), var("HUSHPOST_TEST_MAIL_ALICE_PASSWORD")),
            ("bob".into(), var("HUSHPOST_TEST_MAIL_BOB_PASSWORD")),
        ],
        _lock: lock,
    })
}

impl Env {
    fn password(&self, user: &str) -> &str {
        &self.pw.iter().find(|(u, _)| u == user).expect("user").1
    }

    fn maildir(&self, user: &str) -> PathBuf {
        self.maildirs.join(user).join("Maildir")
    }

    /// A hushpost home whose only route is `mailto:USER@example.test`, with the account set
    /// up through `account add` (password from a file via password_command).
    fn person(&self, root: &Path, user: &str, name: &str) -> Hp {
        let hp = Hp::new(root, user);
        let address = format!("{user}@example.test");
        hp.ok(&[
            "init",
            "--name",
            name,
            "--no-passphrase",
            "--route",
            &format!("mailto:{address}"),
        ]);
        let pw_file = root.join(format!("{user}.password"));
        std::fs::write(&pw_file, format!("{}\n", self.password(user))).expect("write");
        self.account_add(&hp, user, &format!("cat {}", pw_file.display()), &[]);
        hp
    }

    /// `account add` for USER on the loopback servers (STARTTLS submission, IMAPS, the
    /// test CA), without a password source.
    fn account_args(&self, user: &str) -> Vec<String> {
        vec![
            "account".to_string(),
            "add".into(),
            "--address".into(),
            format!("{user}@example.test"),
            "--user".into(),
            user.into(),
            "--smtp".into(),
            format!("{}:{}", self.host, self.smtp),
            "--smtp-tls".into(),
            "starttls".into(),
            "--imap".into(),
            format!("{}:{}", self.host, self.imaps),
            "--imap-tls".into(),
            "implicit".into(),
            "--ca-file".into(),
            self.ca.display().to_string(),
        ]
    }

    fn account_add(&self, hp: &Hp, user: &str, password_command: &str, extra: &[&str]) {
        let mut args = self.account_args(user);
        args.extend(["--password-command".into(), password_command.into()]);
        args.extend(extra.iter().map(|s| s.to_string()));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        hp.ok(&a);
    }
}

/// alice and bob, each with the other as a contact, each receiving on their own address.
fn pair(e: &Env, root: &Path) -> (Hp, Hp) {
    let a = e.person(root, "alice", "Alice");
    let b = e.person(root, "bob", "Bob");
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    (a, b)
}

fn maildir_files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            v.extend(rd.flatten().map(|e| e.path()));
        }
    }
    v.sort();
    v
}

/// Stored hushpost mails (any tag) in a Maildir.
fn hushpost_mails(dir: &Path) -> Vec<PathBuf> {
    maildir_files(dir)
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .map(|s| s.contains("\nHushpost-Tag: "))
                .unwrap_or(false)
        })
        .collect()
}

/// Removes leftovers of earlier (failed) runs from a mailbox.
fn clear(dir: &Path) {
    for p in hushpost_mails(dir) {
        let _ = std::fs::remove_file(p);
    }
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !ok() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn two_people_exchange_mail_over_email() {
    let Some(e) = env() else { return };
    let t = tempdir();
    clear(&e.maildir("alice"));
    clear(&e.maildir("bob"));
    let (a, b) = pair(&e, t.path());

    // What a user is told about this route before using it.
    let shown = a.ok(&["contact", "show", "bob"]);
    assert!(
        shown.contains("mailto:bob@example.test") && shown.contains("provider sees both addresses"),
        "{shown}"
    );
    let acct = a.ok(&["account", "show"]);
    assert!(
        acct.contains("smtp_host = \"127.0.0.1\"") && !acct.contains(e.password("alice")),
        "{acct}"
    );

    let out = a.ok_stdin(
        &["send", "--to", "bob", "--subject", "Lunch?"],
        "Are you free at noon?\n",
    );
    assert!(
        out.contains("bob: sent via mailto:bob@example.test"),
        "{out}"
    );
    wait_for("delivery to bob", || {
        hushpost_mails(&e.maildir("bob")).len() == 1
    });

    // The mail as the server stored it: constant subject, no client headers, fixed length.
    let stored = std::fs::read_to_string(&hushpost_mails(&e.maildir("bob"))[0]).expect("read");
    let (head, body) = stored.split_once("\n\n").expect("header/body");
    assert!(head.contains("\nSubject: Encrypted message\n"), "{head}");
    assert!(!head.contains("Lunch"), "the real subject leaked: {head}");
    for h in ["X-Mailer:", "User-Agent:", "Alice", "Bob"] {
        assert!(!head.contains(h), "{h} in {head}");
    }
    assert!(head.contains("Received: from [127.0.0.1]"), "{head}");
    let armored = |n: usize| {
        let b64 = n.div_ceil(3) * 4;
        "-----BEGIN AGE ENCRYPTED FILE-----\n".len()
            + b64
            + b64.div_ceil(64)
            + "-----END AGE ENCRYPTED FILE-----\n".len()
    };
    assert_eq!(
        body.len(),
        armored(16_384),
        "body is one armored 16 KiB blob"
    );
    assert!(!body.contains("noon"));

    let mut got = String::new();
    wait_for("bob's fetch", || {
        got = b.ok(&["fetch"]);
        got.contains("1 new message")
    });
    assert!(
        hushpost_mails(&e.maildir("bob")).is_empty(),
        "fetched mail expunged"
    );
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["from"], "alice");
    assert_eq!(rows[0]["subject"], "Lunch?");
    let id = rows[0]["id"].as_i64().expect("id").to_string();
    assert!(b.ok(&["read", &id]).contains("Are you free at noon?"));

    // And back.
    b.ok_stdin(&["reply", &id], "Yes, see you.\n");
    wait_for("alice's fetch", || {
        a.ok(&["fetch"]).contains("1 new message")
    });
    let rows = a.list_json(&[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "Re: Lunch?");
    assert!(hushpost_mails(&e.maildir("alice")).is_empty());
}

#[test]
fn a_normal_mail_in_the_inbox_is_untouched() {
    let Some(e) = env() else { return };
    let t = tempdir();
    clear(&e.maildir("bob"));
    let (a, b) = pair(&e, t.path());
    let name = format!("normal-{}.hushpost-cli-test", std::process::id());
    let text = "From: carol@example.test\nTo: bob@example.test\nSubject: Encrypted message\n\nJust a normal mail that happens to share the subject.\n";
    let p = e.maildir("bob").join("new").join(&name);
    std::fs::write(&p, text).expect("write");
    let _ = std::process::Command::new("chown")
        .arg("65534:65534")
        .arg(&p)
        .status();

    a.ok_stdin(&["send", "--to", "bob", "--subject", "hi"], "hello\n");
    wait_for("delivery", || hushpost_mails(&e.maildir("bob")).len() == 1);
    wait_for("bob's fetch", || b.ok(&["fetch"]).contains("1 new message"));
    assert_eq!(b.list_json(&[]).len(), 1);
    let left: Vec<PathBuf> = maildir_files(&e.maildir("bob"))
        .into_iter()
        .filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&name))
        })
        .collect();
    assert_eq!(left.len(), 1, "the normal mail is still there");
    let fname = left[0]
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_string();
    let flags = fname.split_once(":2,").map(|(_, f)| f).unwrap_or("");
    assert_eq!(flags, "", "not marked read or deleted: {fname}");
    assert_eq!(std::fs::read_to_string(&left[0]).expect("read"), text);
    std::fs::remove_file(&left[0]).expect("clean up");
}

#[test]
fn fetch_killed_between_store_and_expunge_loses_nothing_and_shows_nothing_twice() {
    let Some(e) = env() else { return };
    let t = tempdir();
    clear(&e.maildir("bob"));
    let (a, b) = pair(&e, t.path());
    a.ok_stdin(
        &["send", "--to", "bob", "--subject", "crash test"],
        "survive me\n",
    );
    wait_for("delivery", || hushpost_mails(&e.maildir("bob")).len() == 1);

    // Debug builds pause here (after \Deleted is set, before UID EXPUNGE) and write the
    // marker file; the test then kills the process as hard as a power cut would.
    let marker = t.path().join("paused");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
        .args(["fetch"])
        .env("HUSHPOST_HOME", &b.home)
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .env("NO_COLOR", "1")
        .env("HUSHPOST_TEST_PAUSE_BEFORE_EXPUNGE", &marker)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let t0 = Instant::now();
    while !marker.exists() {
        if let Ok(Some(st)) = child.try_wait() {
            panic!("fetch ended ({st}) before reaching the expunge step");
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "fetch never reached the expunge step"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    nix_kill9(child.id());
    let _ = child.wait();

    // Stored locally, still on the server (marked \Deleted, not expunged).
    assert_eq!(b.list_json(&[]).len(), 1, "stored before the kill");
    let on_server = hushpost_mails(&e.maildir("bob"));
    assert_eq!(on_server.len(), 1, "not expunged yet");
    let fname = on_server[0]
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_string();
    let flags = fname.split_once(":2,").map(|(_, f)| f).unwrap_or("");
    assert!(
        flags.contains('T'),
        "marked \\Deleted (Maildir flag T): {fname}"
    );

    // The next fetch makes the delete the killed one could not finish first (it kept the
    // list in the store), so it downloads nothing again, shows nothing new, and cleans up.
    let out = b.ok(&["fetch", "--json"]);
    let r: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(r["new"], 0, "{out}");
    assert_eq!(r["blobs"], 0, "nothing downloaded again: {out}");
    assert_eq!(r["rejected"].as_array().map(Vec::len), Some(0), "{out}");
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 1, "shown exactly once");
    assert_eq!(rows[0]["subject"], "crash test");
    assert!(hushpost_mails(&e.maildir("bob")).is_empty(), "expunged now");
}

fn nix_kill9(pid: u32) {
    let st = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(st.success());
}

#[test]
fn no_tls_means_no_send_and_wrong_password_is_clear() {
    let Some(e) = env() else { return };
    let t = tempdir();
    clear(&e.maildir("bob"));
    let (a, _b) = pair(&e, t.path());

    // A submission server that offers no STARTTLS: refused, nothing sent in the clear.
    let pw = t.path().join("alice.password");
    let cmd = format!("cat {}", pw.display());
    let mut args = vec![
        "account",
        "add",
        "--address",
        "alice@example.test",
        "--user",
        "alice",
    ];
    let smtp_plain = format!("{}:{}", e.host, e.smtp_plain);
    let imap = format!("{}:{}", e.host, e.imap);
    args.extend([
        "--smtp",
        &smtp_plain,
        "--imap",
        &imap,
        "--password-command",
        &cmd,
    ]);
    args.extend(["--ca-file", e.ca.to_str().expect("utf-8")]);
    a.ok(&args);
    let (code, out, err) = a.run_stdin(&["send", "--to", "bob"], "secret words\n");
    assert_ne!(code, 0, "{out}{err}");
    assert!(
        err.contains("does not offer TLS; refusing to send in the clear"),
        "stdout: {out}\nstderr: {err}"
    );
    assert!(hushpost_mails(&e.maildir("bob")).is_empty());

    // allow_plaintext_loopback is refused for a host that is not this machine.
    let (code, _, err) = a.run(&[
        "account",
        "add",
        "--address",
        "alice@example.test",
        "--smtp",
        "mail.example.test:587",
        "--imap",
        "mail.example.test:993",
        "--password-command",
        "true",
        "--allow-plaintext-loopback",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("allow_plaintext_loopback is only for a server on this machine"),
        "{err}"
    );

    // Wrong password: one clear line naming the server and where the password comes from.
    e.account_add(&a, "alice", "echo not-the-password", &[]);
    let (code, _, err) = a.run(&["account", "test"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("authentication refused"), "{err}");
    assert!(err.contains("password_command"), "{err}");
    assert!(!err.contains("not-the-password"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // A failing password command is its own clear error.
    e.account_add(&a, "alice", "exit 3", &[]);
    let (code, _, err) = a.run(&["account", "test"]);
    assert_eq!(code, 1);
    assert!(err.contains("password_command failed"), "{err}");
    // And the right one logs in.
    std::fs::write(&pw, format!("{}\n", e.password("alice"))).expect("write");
    e.account_add(&a, "alice", &cmd, &["--test"]);
}

/// The Tor test bed of scripts/servers/socks.sh: a network namespace whose only way out is
/// a SOCKS5 proxy that resolves hp-mail.test (and logs every CONNECT), and a DNS trap.
struct TorBed {
    ns: String,
    proxy: String,
    socks_log: PathBuf,
    dns_log: PathBuf,
}

fn tor_bed() -> Option<TorBed> {
    let v = |k: &str| std::env::var(k).ok().filter(|s| !s.is_empty());
    let b = (|| {
        Some(TorBed {
            ns: v("HUSHPOST_TEST_NETNS")?,
            proxy: v("HUSHPOST_TEST_SOCKS_LOGGING")?,
            socks_log: v("HUSHPOST_TEST_SOCKS_LOG")?.into(),
            dns_log: v("HUSHPOST_TEST_DNS_TRAP_LOG")?.into(),
        })
    })();
    if b.is_none() {
        assert!(
            std::env::var_os("CI").is_none()
                && std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_none(),
            "the Tor test bed is not running: run the tests through scripts/test.sh (as root)"
        );
        eprintln!("SKIPPED: no Tor test bed (scripts/servers/socks.sh)");
    }
    b
}

/// Runs hushpost inside the namespace, where only the proxy is reachable.
fn in_ns(bed: &TorBed, hp: &Hp, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut c = std::process::Command::new("ip")
        .args(["netns", "exec", &bed.ns])
        .arg(assert_cmd::cargo::cargo_bin("hushpost"))
        .args(args)
        .env("HUSHPOST_HOME", &hp.home)
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ip netns exec");
    c.stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    let out = c.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn lines_of(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn mail_over_tor_goes_only_through_the_proxy_with_names_unresolved() {
    let Some(e) = env() else { return };
    let Some(bed) = tor_bed() else { return };
    let t = tempdir();
    clear(&e.maildir("bob"));
    // Both run where the mail servers are reachable only through the proxy, by a name only
    // the proxy can resolve.
    let mut people = Vec::new();
    for (user, name) in [("alice", "Alice"), ("bob", "Bob")] {
        let hp = Hp::new(t.path(), user);
        hp.ok(&[
            "init",
            "--name",
            name,
            "--no-passphrase",
            "--route",
            &format!("mailto:{user}@example.test"),
        ]);
        std::fs::write(
            hp.home.join("config.toml"),
            format!(
                "[network]\nvia = \"tor\"\ntor_proxy = \"{}\"\ntimeout_secs = 20\n",
                bed.proxy
            ),
        )
        .expect("config");
        let pw = t.path().join(format!("{user}.pw"));
        std::fs::write(&pw, format!("{}\n", e.password(user))).expect("write");
        hp.ok(&[
            "account",
            "add",
            "--address",
            &format!("{user}@example.test"),
            "--user",
            user,
            "--smtp",
            &format!("hp-mail.test:{}", e.smtp),
            "--smtp-tls",
            "starttls",
            "--imap",
            &format!("hp-mail.test:{}", e.imaps),
            "--imap-tls",
            "implicit",
            "--ca-file",
            e.ca.to_str().expect("utf-8"),
            "--password-command",
            &format!("cat {}", pw.display()),
        ]);
        people.push(hp);
    }
    let (a, b) = (&people[0], &people[1]);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);

    let before = lines_of(&bed.socks_log).len();
    let dns_before = lines_of(&bed.dns_log).len();
    let (code, out, err) = in_ns(
        &bed,
        a,
        &["send", "--to", "bob", "-s", "over tor"],
        "hidden\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    wait_for("delivery", || hushpost_mails(&e.maildir("bob")).len() == 1);
    let (code, out, err) = in_ns(&bed, b, &["fetch"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 new message"), "{out}{err}");
    assert!(hushpost_mails(&e.maildir("bob")).is_empty());

    let ports = [format!("port={}", e.smtp), format!("port={}", e.imaps)];
    let mine: Vec<String> = lines_of(&bed.socks_log)
        .split_off(before)
        .into_iter()
        .filter(|l| ports.iter().any(|p| l.ends_with(p.as_str())))
        .collect();
    assert_eq!(mine.len(), 2, "one SMTP and one IMAP connection: {mine:?}");
    assert!(
        mine.iter().all(|l| l.contains("atyp=3 host=hp-mail.test")),
        "names must reach the proxy unresolved: {mine:?}"
    );
    assert!(
        mine.iter().all(|l| !l.starts_with("user=-")),
        "no stream isolation: {mine:?}"
    );
    assert_eq!(
        lines_of(&bed.dns_log).len(),
        dns_before,
        "a DNS query leaked: {:?}",
        lines_of(&bed.dns_log)
    );
}

/// Every file under `dir`, recursively.
fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn the_password_can_live_in_the_encrypted_keyring() {
    let Some(e) = env() else { return };
    let t = tempdir();
    clear(&e.maildir("bob"));
    let b = e.person(t.path(), "bob", "Bob");

    // Alice protects her keyring with a passphrase and keeps the mail password in it.
    let mut a = Hp::new(t.path(), "alice");
    let pass = t.path().join("alice.passphrase");
    std::fs::write(&pass, "correct horse battery staple\n").expect("write");
    a.pass_file = Some(pass);
    a.ok(&[
        "init",
        "--name",
        "Alice",
        "--route",
        "mailto:alice@example.test",
    ]);
    let base = e.account_args("alice");
    let base: Vec<&str> = base.iter().map(String::as_str).collect();
    // Neither a command nor --password-stdin, and no terminal: refused, nothing written.
    let (code, _, err) = a.run(&base);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--password-stdin"), "{err}");
    assert!(a.run(&["account", "show"]).0 != 0, "no [account] was saved");

    let mut args = base.clone();
    args.extend(["--password-stdin", "--test"]);
    let out = a.ok_stdin(&args, &format!("{}\n", e.password("alice")));
    assert!(
        out.is_empty() || !out.contains(e.password("alice")),
        "{out}"
    );
    let shown = a.ok(&["account", "show"]);
    assert!(shown.contains("password_in_keyring = true"), "{shown}");
    assert!(!shown.contains("password_command"), "{shown}");

    // The password is in no file in clear.
    let mut files = Vec::new();
    all_files(&a.home, &mut files);
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        assert!(
            !bytes
                .windows(e.password("alice").len())
                .any(|w| w == e.password("alice").as_bytes()),
            "the mail password is readable in {}",
            f.display()
        );
    }

    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    let out = a.ok_stdin(&["send", "--to", "bob", "-s", "from the keyring"], "hi\n");
    assert!(out.contains("bob: sent via mailto:"), "{out}");
    wait_for("bob's fetch", || b.ok(&["fetch"]).contains("1 new message"));

    // Removing the account unlocks the keyring to forget the stored password.
    a.pass_file = None;
    let (code, _, err) = a.run(&["account", "remove"]);
    assert_ne!(code, 0, "removing needs the keyring: {err}");
    assert!(a.ok(&["account", "show"]).contains("password_in_keyring"));
}

/// Large mail over e-mail: each blob is one mail, so an attachment is several; a message
/// that needs more mails than the account may send a day is refused with one line before
/// anything leaves (a provider would cut it off half-way), and one within the limit
/// arrives whole through Postfix and Dovecot.
/// Changes `[account] max_per_day` in `hp`'s config from `from` (which must be there).
fn set_mail_limit(hp: &Hp, from: u32, to: u32) {
    let config = hp.home.join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let (was, now) = (
        format!("max_per_day = {from}"),
        format!("max_per_day = {to}"),
    );
    assert!(text.contains(&was), "{was} is written: {text}");
    std::fs::write(&config, text.replace(&was, &now)).expect("config");
}

/// A 1 MB attachment (four mails of 256 KiB and some): its path and bytes.
fn megabyte(root: &Path) -> (PathBuf, Vec<u8>) {
    let big = root.join("big.bin");
    let bytes: Vec<u8> = (0..1_000_000u64).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&big, &bytes).expect("attachment");
    (big, bytes)
}

#[test]
fn an_attachment_travels_as_mails_within_the_accounts_daily_limit() {
    let Some(e) = env() else { return };
    let t = tempdir();
    clear(&e.maildir("alice"));
    clear(&e.maildir("bob"));
    let (a, b) = pair(&e, t.path());
    set_mail_limit(&a, 300, 3);
    let (big, bytes) = megabyte(t.path());
    let path = big.to_str().expect("utf8");
    let (code, out, err) = a.run_stdin(
        &["send", "--to", "bob", "-s", "too big", "--attach", path],
        "see attached\n",
    );
    assert_eq!(code, 1, "{out}{err}");
    let said: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(said.len(), 1, "one line: {err}");
    assert!(
        said[0].contains("at least 4 mails") && said[0].contains("max_per_day"),
        "{err}"
    );
    let sent = a.list_json(&["--sent"]);
    assert_eq!(sent[0]["deliveries"][0]["state"], "failed", "{sent:?}");
    std::thread::sleep(Duration::from_millis(500));
    assert!(hushpost_mails(&e.maildir("bob")).is_empty(), "nothing left");

    // Within the limit: 700 kB is four mails.
    set_mail_limit(&a, 3, 300);
    let bytes = &bytes[..700_000];
    std::fs::write(&big, bytes).expect("attachment");
    let out = a.ok_stdin(
        &["send", "--to", "bob", "-s", "photo", "--attach", path],
        "see attached\n",
    );
    assert!(
        out.contains("bob: sent via mailto:bob@example.test"),
        "{out}"
    );
    let mut got = String::new();
    wait_for("bob's fetch of the attachment", || {
        got = b.ok(&["fetch"]);
        got.contains("1 new message")
    });
    let rows = b.list_json(&[]);
    let id = rows[0]["id"].as_i64().expect("id").to_string();
    let dir = t.path().join("saved");
    b.ok(&[
        "read",
        &id,
        "--save-attachments",
        dir.to_str().expect("utf8"),
    ]);
    assert_eq!(
        std::fs::read(dir.join("big.bin")).expect("saved"),
        bytes,
        "the attachment arrives whole over SMTP and IMAP"
    );
    assert!(hushpost_mails(&e.maildir("bob")).is_empty(), "all expunged");
}

#[test]
fn a_fallback_to_e_mail_keeps_to_the_accounts_daily_limit() {
    let Some(e) = env() else { return };
    let t = tempdir();
    clear(&e.maildir("bob"));
    let a = e.person(t.path(), "alice", "Alice");
    let b = e.person(t.path(), "bob", "Bob");
    // Bob's first route is a folder that is gone by the time Alice sends; his mailbox
    // comes second. Alice lets a failed route fall back.
    let gone = t.path().join("gone");
    std::fs::create_dir(&gone).expect("mkdir");
    let folder = format!("dir:{}", gone.display());
    b.ok(&["route", "add", &folder]);
    std::fs::remove_dir(&gone).expect("rmdir");
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    let mailbox = "mailto:bob@example.test";
    a.ok(&["contact", "routes", "bob", &folder, mailbox]);
    set_mail_limit(&a, 300, 3);
    let (big, _) = megabyte(t.path());
    let attach = format!("--attach={}", big.display());
    let args = ["send", "--to", "bob", "-s", "big", "--fallback", &attach];
    let (code, out, err) = a.run_stdin(&args, "see attached\n");
    assert_ne!(code, 0, "{out}{err}");
    assert!(
        err.contains("max_per_day") && err.contains(mailbox),
        "the fallback says why e-mail was not used: {err}"
    );
    assert!(!out.contains("sent via mailto"), "{out}");
    std::thread::sleep(Duration::from_millis(500));
    let left = hushpost_mails(&e.maildir("bob"));
    assert!(left.is_empty(), "no mail over the account's limit");
}
