//! Tor for every network route, proven with real SOCKS5 proxies and a network namespace
//! (scripts/servers/socks.sh): the client runs where the only way out is the proxy, route
//! host names resolve only on the proxy's side, and a DNS trap logs any local lookup. So a
//! successful exchange proves the traffic went through the proxy, and an empty trap log
//! proves no DNS query was made. A proxy that is down gives a clear error and — tested
//! outside the namespace, where a direct connection WOULD work — no fallback.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;

struct Bed {
    ns: String,
    socks: String,
    logging: String,
    socks_log: PathBuf,
    dns_log: PathBuf,
}

fn bed() -> Option<Bed> {
    let v = |k: &str| std::env::var(k).ok();
    let b = (|| {
        Some(Bed {
            ns: v("HUSHPOST_TEST_NETNS")?,
            socks: v("HUSHPOST_TEST_SOCKS")?,
            logging: v("HUSHPOST_TEST_SOCKS_LOGGING")?,
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
        eprintln!("SKIP: no Tor test bed (scripts/servers/socks.sh)");
    }
    b
}

/// Runs hushpost inside the namespace.
fn in_ns(bed: &Bed, hp: &Hp, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut c = Command::new("ip")
        .args(["netns", "exec", &bed.ns])
        .arg(assert_cmd::cargo::cargo_bin("hushpost"))
        .args(args)
        .env("HUSHPOST_HOME", &hp.home)
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

fn tor_config(hp: &Hp, proxy: &str, extra: &str) {
    std::fs::write(
        hp.home.join("config.toml"),
        format!("[network]\nvia = \"tor\"\ntor_proxy = \"{proxy}\"\ntimeout_secs = 10\n[cover]\nschemes = []\n{extra}"),
    )
    .expect("config");
}

fn log_lines(p: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

fn relay_pair(t: &std::path::Path, bed: &Bed, proxy: &str) -> (Hp, Hp, RelayProc, String) {
    let relay = RelayProc::spawn(
        &t.join("relay"),
        &t.join("relay-logs"),
        &["--tls-self-signed"],
    );
    // https://127.0.0.1:PORT#pin=… → the same relay under a name only the proxy resolves.
    let named = relay.route.replace("127.0.0.1", "hp-relay.test");
    let drop = t.join("unused-drop");
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
        &named,
    ]);
    tor_config(&a, proxy, "");
    tor_config(&b, proxy, "");
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    let _ = bed;
    (a, b, relay, named)
}

#[test]
fn relay_route_over_tor_makes_no_direct_connection_and_no_dns_query() {
    let Some(bed) = bed() else { return };
    let t = tempdir();
    let (a, b, relay, _) = relay_pair(t.path(), &bed, &bed.logging);
    // Tests run in parallel and share the proxy's log: look only at this relay's port.
    let port: String = relay
        .route
        .split_once("127.0.0.1:")
        .expect("port")
        .1
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let mine = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .filter(|l| l.ends_with(&format!("port={port}")))
            .collect()
    };
    let before = log_lines(&bed.socks_log).len();
    let dns_before = log_lines(&bed.dns_log).len();
    let (code, out, err) = in_ns(
        &bed,
        &a,
        &["send", "--to", "bob", "-s", "over tor"],
        "hidden ip\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = in_ns(&bed, &b, &["fetch"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 new message"), "{out}");
    // Through the proxy, with the name unresolved, and fresh credentials per operation.
    let lines: Vec<String> = mine(log_lines(&bed.socks_log).split_off(before));
    assert!(lines.len() >= 2, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains("atyp=3 host=hp-relay.test")),
        "{lines:?}"
    );
    let users: std::collections::HashSet<&str> = lines
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        users.len() >= 2 && !users.contains("user=-"),
        "no stream isolation: {lines:?}"
    );
    assert_eq!(
        log_lines(&bed.dns_log).len(),
        dns_before,
        "a DNS query leaked: {:?}",
        log_lines(&bed.dns_log)
    );
    // And with microsocks (Debian's), a second message the same way.
    tor_config(&a, &bed.socks, "");
    tor_config(&b, &bed.socks, "");
    let (code, _, err) = in_ns(
        &bed,
        &a,
        &["send", "--to", "bob", "-s", "via microsocks"],
        "x\n",
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = in_ns(&bed, &b, &["fetch"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 new message"), "{out}");
    assert_eq!(
        log_lines(&bed.dns_log).len(),
        dns_before,
        "a DNS query leaked"
    );
}

#[test]
fn a_proxy_that_is_down_is_a_clear_error_and_never_a_direct_connection() {
    let Some(bed) = bed() else { return };
    let t = tempdir();
    // Outside the namespace the relay IS reachable directly on 127.0.0.1: a fallback would
    // succeed. It must not.
    let (a, b, relay, _) = relay_pair(t.path(), &bed, "socks5h://127.0.0.1:1");
    b.ok(&["route", "add", &relay.route]);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    a.ok(&["contact", "routes", "bob", &relay.route]);
    let (code, _, err) = a.run_stdin(&["send", "--to", "bob", "-s", "no"], "x\n");
    assert_eq!(code, 1);
    assert!(
        err.contains("Tor proxy") && err.contains("not connecting directly"),
        "{err}"
    );
    let (code, _, err) = b.run(&["fetch"]);
    assert_ne!(code, 0);
    assert!(err.contains("Tor proxy"), "{err}");
    // The relay never saw a request.
    let log = std::fs::read_to_string(&relay.log).unwrap_or_default();
    assert!(!log.contains("PUT") && !log.contains("put"), "{log}");
    // doctor says so too.
    let (code, out, _) = a.run(&["doctor"]);
    assert_eq!(code, 3);
    assert!(out.contains("FAIL Tor proxy"), "{out}");
}

#[test]
fn an_onion_route_goes_to_the_proxy_even_when_direct_is_the_default() {
    let Some(bed) = bed() else { return };
    let t = tempdir();
    let drop = t.path().join("d");
    std::fs::create_dir_all(&drop).expect("mkdir");
    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    a.init("Alice", &drop);
    b.ok(&[
        "init",
        "--name",
        "Bob",
        "--no-passphrase",
        "--route",
        "http://hushpostexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxx.onion",
    ]);
    std::fs::write(a.home.join("config.toml"), format!("[network]\nvia = \"direct\"\ntor_proxy = \"{}\"\ntimeout_secs = 5\n[cover]\nschemes = []\n", bed.logging)).expect("config");
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    let before = log_lines(&bed.socks_log).len();
    let (code, _, err) = a.run_stdin(&["send", "--to", "bob"], "x\n");
    assert_eq!(code, 1, "the proxy cannot reach an onion offline: {err}");
    let lines = log_lines(&bed.socks_log).split_off(before);
    assert!(
        lines.iter().any(|l| l.contains(".onion")),
        "the onion did not go to the proxy: {lines:?} {err}"
    );
    // --via direct is refused for it.
    let (code, _, err) = a.run_stdin(&["send", "--to", "bob", "--via", "direct"], "x\n");
    assert_eq!(code, 1);
    assert!(err.contains("only accepts connections over Tor"), "{err}");
}

#[test]
fn ssh_route_over_tor() {
    let Some(bed) = bed() else { return };
    let v = |k: &str| std::env::var(format!("HUSHPOST_TEST_SSH_{k}")).ok();
    let Some(port) = v("PORT") else {
        assert!(std::env::var_os("CI").is_none(), "sshd test server missing");
        return;
    };
    let (hostkey, drop_user, drop_key, owner, owner_key, chroot) = (
        v("HOSTKEY").expect("hostkey"),
        v("DROP_USER").expect("user"),
        v("DROP_KEY").expect("key"),
        v("OWNER_USER").expect("owner"),
        v("OWNER_KEY_FILE").expect("owner key"),
        PathBuf::from(v("CHROOT").expect("chroot")),
    );
    // A drop directory of our own in the chroot (owner:owner 3730, as the set-up prescribes).
    let dir = chroot.join("tor-drop");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).expect("mkdir");
    assert!(
        Command::new("chown")
            .arg(format!("{owner}:{owner}"))
            .arg(&dir)
            .status()
            .expect("chown")
            .success()
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o3730)).expect("chmod");
    let route = format!(
        "ssh://{drop_user}@hp-ssh.test:{port}/tor-drop#hostkey={hostkey}&dropkey={drop_key}"
    );
    let t = tempdir();
    let d = t.path().join("d");
    std::fs::create_dir_all(&d).expect("mkdir");
    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    a.init("Alice", &d);
    b.ok(&[
        "init",
        "--name",
        "Bob",
        "--no-passphrase",
        "--route",
        &route,
    ]);
    tor_config(&a, &bed.logging, "");
    tor_config(
        &b,
        &bed.logging,
        &format!("[ssh]\nuser = \"{owner}\"\nkey_file = \"{owner_key}\"\n"),
    );
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    let before = log_lines(&bed.socks_log).len();
    let dns_before = log_lines(&bed.dns_log).len();
    let (code, out, err) = in_ns(
        &bed,
        &a,
        &["send", "--to", "bob", "-s", "ssh over tor"],
        "x\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = in_ns(&bed, &b, &["fetch"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 new message"), "{out}");
    let lines: Vec<String> = log_lines(&bed.socks_log)
        .split_off(before)
        .into_iter()
        .filter(|l| l.ends_with(&format!("port={port}")))
        .collect();
    assert!(
        lines.len() >= 2 && lines.iter().all(|l| l.contains("atyp=3 host=hp-ssh.test")),
        "{lines:?}"
    );
    assert_eq!(
        log_lines(&bed.dns_log).len(),
        dns_before,
        "a DNS query leaked"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_documented_torrc_snippet_is_valid() {
    if !require("tor") {
        return;
    }
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/RELAY.md"),
    )
    .expect("RELAY.md");
    let snippet: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("HiddenService"))
        .collect();
    assert_eq!(
        snippet.len(),
        2,
        "RELAY.md should show HiddenServiceDir and HiddenServicePort"
    );
    let t = tempdir();
    let hs = t.path().join("hs");
    std::fs::create_dir(&hs).expect("mkdir");
    std::fs::set_permissions(&hs, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("chmod");
    let mut torrc = format!(
        "DataDirectory {}\nSocksPort 0\n",
        t.path().join("data").display()
    );
    for l in snippet {
        // Same directives, with the directory moved into the test's temp dir.
        if l.starts_with("HiddenServiceDir") {
            torrc.push_str(&format!("HiddenServiceDir {}\n", hs.display()));
        } else {
            torrc.push_str(l);
            torrc.push('\n');
        }
    }
    let p = t.path().join("torrc");
    std::fs::write(&p, torrc).expect("write");
    let out = Command::new("tor")
        .arg("--verify-config")
        .arg("-f")
        .arg(&p)
        .output()
        .expect("tor");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The first bug behind the typed dialing plan: `contact via NAME tor` was ignored by
/// `hushpost poll`, so mail queued for a Tor contact left by a direct connection while
/// `contact show` claimed "relay via tor". Here the global default is direct, only the
/// contact says tor, cover traffic queues the message, and `poll` — run where the only way
/// out is the logging proxy — must carry it through the proxy, with the name unresolved.
#[test]
fn contact_via_tor_is_obeyed_by_poll_for_queued_mail() {
    let Some(bed) = bed() else { return };
    let t = tempdir();
    let (a, b, relay, named) = relay_pair(t.path(), &bed, &bed.logging);
    // Alice: global direct; cover traffic on relays (the default), so `send` queues.
    std::fs::write(
        a.home.join("config.toml"),
        format!(
            "[network]\nvia = \"direct\"\ntor_proxy = \"{}\"\ntimeout_secs = 10\n",
            bed.logging
        ),
    )
    .expect("config");
    a.ok(&["contact", "via", "bob", "tor"]);
    let show = a.ok(&["contact", "show", "bob"]);
    assert!(show.contains("relay via tor"), "{show}");
    let port: String = relay
        .route
        .split_once("127.0.0.1:")
        .expect("port")
        .1
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let mine = |from: usize| -> Vec<String> {
        log_lines(&bed.socks_log)
            .split_off(from)
            .into_iter()
            .filter(|l| l.ends_with(&format!("port={port}")))
            .collect()
    };
    let before = log_lines(&bed.socks_log).len();
    let out = a.ok_stdin(&["send", "--to", "bob", "-s", "queued for tor"], "q\n");
    assert!(out.contains("queued"), "{out}");
    assert!(mine(before).is_empty(), "send only queues");
    // Outside the namespace a direct connection would work: the plan alone keeps it on Tor.
    let (code, out, err) = a.run(&["poll", "-v"]);
    assert_eq!(code, 0, "{out}{err}");
    let lines = mine(before);
    assert!(
        !lines.is_empty()
            && lines
                .iter()
                .all(|l| l.contains("atyp=3 host=hp-relay.test")),
        "the queued mail did not go through the proxy: {lines:?}"
    );
    let (code, out, err) = in_ns(&bed, &b, &["fetch"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 new message"), "{out}");
    let _ = named;
}
