//! Mail through an SSH drop on the real OpenSSH sshd that scripts/servers/sshd.sh starts
//! (HUSHPOST_TEST_SSH_*), through the real binary: two people exchanging mail, a killed
//! sshd in the middle of a fetch, the set-up `route ssh-setup` prints, and the errors a
//! user sees. Skips loudly without the server, except under CI / HUSHPOST_REQUIRE_TOOLS.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::ssh::*;
use common::*;
use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

    // Alice's route order is a privacy order: without --fallback only the first is tried.
    let (code, _, err) = b.run_stdin(&["send", "--to", "alice", "--subject", "x"], "x\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("host key mismatch"), "{err}");
    assert!(
        !err.contains("authentication refused"),
        "no silent fallback: {err}"
    );
    assert!(err.contains("kept in the outbox"), "{err}");
    let (code, _, err) = b.run_stdin(
        &["send", "--to", "alice", "--subject", "x", "--fallback"],
        "x\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("falling back"), "{err}");
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
