//! One dialing decision, proven on the wire: every command that may connect, run for a
//! contact whose plan says Tor while the Tor proxy is stopped, sends not one packet anywhere
//! but to the (dead) proxy address.
//!
//! Each case runs in a private network namespace of its own with only a loopback interface
//! (so nothing could leave even if hushpost tried) and an nftables counter on the output
//! hook that counts every packet except the ones to and from the proxy's address,
//! 127.0.0.1:1099, where nothing listens. DNS goes to 127.0.0.1:53 there (nothing listens
//! either), so a local name lookup is a counted packet too. The TUI runs inside the same
//! namespace under tmux.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PROXY: &str = "socks5h://127.0.0.1:1099";
const PIN: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const HOSTKEY: &str = "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// A network namespace with only `lo` and a packet counter.
struct Sealed {
    ns: String,
}

fn sh(args: &[&str]) -> std::process::Output {
    Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

impl Sealed {
    fn new() -> Option<Sealed> {
        if !is_root() || !require("nft") || !require("ip") {
            assert!(
                std::env::var_os("CI").is_none(),
                "the sealed-namespace test needs root, ip and nft in CI"
            );
            return None;
        }
        static N: AtomicUsize = AtomicUsize::new(0);
        let ns = format!(
            "hp-seal-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let etc = format!("/etc/netns/{ns}");
        std::fs::create_dir_all(&etc).expect("mkdir /etc/netns");
        std::fs::write(
            format!("{etc}/resolv.conf"),
            "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
        )
        .expect("resolv.conf");
        std::fs::write(format!("{etc}/hosts"), "127.0.0.1 localhost\n").expect("hosts");
        assert!(sh(&["ip", "netns", "add", &ns]).status.success());
        assert!(
            sh(&["ip", "netns", "exec", &ns, "ip", "link", "set", "lo", "up"])
                .status
                .success()
        );
        let rules = "table inet hpseal {\n chain out {\n  type filter hook output priority 0; policy accept;\n  ip daddr 127.0.0.1 tcp dport 1099 accept\n  ip saddr 127.0.0.1 tcp sport 1099 accept\n  counter\n }\n}\n";
        let mut c = Command::new("ip")
            .args(["netns", "exec", &ns, "nft", "-f", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("nft");
        use std::io::Write;
        c.stdin
            .take()
            .expect("stdin")
            .write_all(rules.as_bytes())
            .expect("rules");
        assert!(c.wait().expect("nft").success(), "nft rules");
        Some(Sealed { ns })
    }

    /// Packets that left for anything but the proxy address so far.
    fn leaked(&self) -> u64 {
        let out = sh(&[
            "ip", "netns", "exec", &self.ns, "nft", "list", "table", "inet", "hpseal",
        ]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let n = text
            .split("counter packets ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok());
        n.unwrap_or_else(|| panic!("no counter in: {text}"))
    }

    fn run(&self, hp: &Hp, args: &[&str], stdin: &str) -> (i32, String, String) {
        use std::io::Write;
        let mut c = Command::new("ip")
            .args(["netns", "exec", &self.ns])
            .arg(assert_cmd::cargo::cargo_bin("hushpost"))
            .args(args)
            .env("HUSHPOST_HOME", &hp.home)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
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

    /// Runs a command and checks that nothing but the proxy was contacted.
    fn check(&self, hp: &Hp, args: &[&str], stdin: &str) -> (i32, String) {
        let before = self.leaked();
        let (code, out, err) = self.run(hp, args, stdin);
        let after = self.leaked();
        assert_eq!(
            after - before,
            0,
            "`hushpost {}` sent {} packet(s) somewhere other than the Tor proxy\n{out}{err}",
            args.join(" "),
            after - before
        );
        (code, format!("{out}{err}"))
    }
}

impl Drop for Sealed {
    fn drop(&mut self) {
        let _ = sh(&["ip", "netns", "del", &self.ns]);
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.ns));
    }
}

/// Alice, and Bob whose card has a relay, an SSH drop (with a drop key) and a mail route,
/// none of them reachable: names resolve nowhere in the namespace.
fn people(t: &std::path::Path) -> (Hp, Hp) {
    let drop = t.join("alice-drop");
    std::fs::create_dir_all(&drop).expect("mkdir");
    let a = Hp::new(t, "alice");
    let b = Hp::new(t, "bob");
    a.init("Alice", &drop);
    b.ok(&[
        "init",
        "--name",
        "Bob",
        "--no-passphrase",
        "--route",
        &format!("https://hp-relay.test:8443#pin=sha256:{PIN}"),
        "--route",
        &format!("ssh://drop@hp-ssh.test/drop#hostkey={HOSTKEY}&dropkey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"),
        "--route",
        "mailto:bob@hp-mail.test",
    ]);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    (a, b)
}

fn config(hp: &Hp, global: &str, extra: &str) {
    std::fs::write(
        hp.home.join("config.toml"),
        format!(
            "[network]\nvia = \"{global}\"\ntor_proxy = \"{PROXY}\"\ntimeout_secs = 3\n\
             [cover]\nmean_interval_secs = 1\n{extra}"
        ),
    )
    .expect("config");
}

const ACCOUNT: &str = "[account]\naddress = \"alice@hp-mail.test\"\nuser = \"alice\"\n\
    smtp_host = \"hp-mail.test\"\nsmtp_port = 465\nimap_host = \"hp-mail.test\"\nimap_port = 993\n\
    password_command = \"echo secret\"\n";

#[test]
fn a_tor_contact_makes_no_connection_when_the_proxy_is_stopped() {
    let Some(seal) = Sealed::new() else { return };
    let t = tempdir();
    let (a, _b) = people(t.path());
    // Only the contact says Tor; the global default is direct.
    config(&a, "direct", ACCOUNT);
    a.ok(&["contact", "via", "bob", "tor"]);

    // Queued on the relay (cover traffic): no network at all yet.
    let (code, out) = seal.check(&a, &["send", "--to", "bob", "-s", "queued"], "q\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("queued"), "{out}");
    // poll: the queued mail, chaff and loop fetches on bob's cover routes.
    let (code, out) = seal.check(&a, &["poll", "-v"], "");
    assert_ne!(code, 0, "the proxy is down: {out}");
    assert!(out.contains("not answering"), "{out}");
    // send --now tries every route in order, each through the proxy.
    let (code, out) = seal.check(&a, &["send", "--to", "bob", "--now", "-s", "now"], "n\n");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not answering"), "{out}");
    // A route kind with no cover traffic sends at once.
    let (code, out) = seal.check(&a, &["send", "--to", "bob", "--route", "mailto"], "m\n");
    assert_eq!(code, 1, "{out}");
    // Reply (to our own sent copy: it goes to bob again), queued and --now.
    let (code, out) = seal.check(&a, &["reply", "s1"], "r\n");
    assert_eq!(code, 0, "{out}");
    let (code, out) = seal.check(&a, &["reply", "s1", "--now"], "r\n");
    assert_eq!(code, 1, "{out}");
    // Our own folder route needs no network; fetch must not dial bob's routes.
    let (code, out) = seal.check(&a, &["fetch"], "");
    assert_eq!(code, 0, "{out}");
    // What is shown is what happens.
    let (_, out) = seal.check(&a, &["leaks", "bob"], "");
    assert!(
        !out.contains("direct"),
        "leaks must describe Tor for every route of bob: {out}"
    );
    let (_, out) = seal.check(&a, &["contact", "show", "bob"], "");
    assert!(
        out.contains("relay via tor") && out.contains("ssh drop via tor"),
        "{out}"
    );
    // The open inbox: its workers send the queued mail in their own cover ticks.
    tui_in_namespace(&seal, &a);
    // The instrument itself: a contact set to direct does make packets (a DNS query for the
    // relay's name, then nothing else can leave), and the counter sees them.
    a.ok(&["contact", "via", "bob", "direct"]);
    let before = seal.leaked();
    let _ = seal.run(
        &a,
        &["send", "--to", "bob", "--now", "--route", "https"],
        "d\n",
    );
    assert!(
        seal.leaked() > before,
        "the counter must see a direct attempt"
    );
}

#[test]
fn with_tor_as_the_default_nothing_connects_when_the_proxy_is_stopped() {
    let Some(seal) = Sealed::new() else { return };
    let t = tempdir();
    let (a, b) = people(t.path());
    config(&a, "tor", ACCOUNT);
    a.ok(&[
        "route",
        "add",
        &format!("https://hp-relay.test:9443#pin=sha256:{PIN}"),
    ]);
    for args in [
        &["fetch"][..],
        &["poll"],
        &["doctor"],
        &["account", "test"],
        &["send", "--to", "bob", "--now"],
    ] {
        let (code, out) = seal.check(&a, args, "x\n");
        assert_ne!(code, 0, "{args:?}: the proxy is down: {out}");
    }
    // An intro post (first contact) to a new person whose card has only network routes.
    let c = Hp::new(t.path(), "carol");
    c.ok(&[
        "init",
        "--name",
        "Carol",
        "--no-passphrase",
        "--route",
        &format!("https://hp-relay.test:7443#pin=sha256:{PIN}"),
    ]);
    let (code, out) = seal.check(
        &a,
        &["contact", "add", "carol", &c.card(), "--introduce"],
        "",
    );
    assert_eq!(code, 1, "{out}");
    let _ = b;
}

fn tui_in_namespace(seal: &Sealed, a: &Hp) {
    if !require("tmux") {
        return;
    }
    let sock = format!("hp-seal-tmux-{}", std::process::id());
    let before = seal.leaked();
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let cmd = format!(
        "env HUSHPOST_HOME={} NO_COLOR=1 {} ; echo exit=$? > {}/tui-exit",
        a.home.display(),
        bin.display(),
        a.home.display()
    );
    let ok = Command::new("ip")
        .args([
            "netns",
            "exec",
            &seal.ns,
            "tmux",
            "-L",
            &sock,
            "new-session",
            "-d",
            "-x",
            "110",
            "-y",
            "32",
            &cmd,
        ])
        .status()
        .expect("tmux");
    assert!(ok.success());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &sock])
            .args(args)
            .output()
            .expect("tmux")
    };
    let screen = || String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
    let wait = |what: &str| {
        let end = Instant::now() + Duration::from_secs(30);
        while !screen().contains(what) {
            assert!(Instant::now() < end, "waiting for {what:?}:\n{}", screen());
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait("Inbox");
    for k in [
        &["c"][..],
        &["-l", "bob"],
        &["Enter"],
        &["-l", "From the inbox"],
        &["Enter"],
        &["-l", "hello"],
        &["C-s"],
    ] {
        tmux(&[&["send-keys"][..], k].concat());
        std::thread::sleep(Duration::from_millis(150));
    }
    wait("cover traffic) for bob");
    // Several cover ticks (mean 1 s) run while the inbox is open.
    std::thread::sleep(Duration::from_secs(4));
    tmux(&["send-keys", "q", "q"]);
    let end = Instant::now() + Duration::from_secs(20);
    while !a.home.join("tui-exit").exists() {
        assert!(
            Instant::now() < end,
            "the inbox did not quit:\n{}",
            screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = tmux(&["kill-server"]);
    assert_eq!(
        seal.leaked() - before,
        0,
        "the inbox's workers left the proxy"
    );
}
