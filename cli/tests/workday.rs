//! Issue 18 §3, what trips a new user up, through the real binary: `list --sent` marks a
//! recipient verified only when they are; a fetch that fails prints nothing on stdout and
//! one inert line per route on stderr; lock files are 0600; `read N` opens received mail
//! and `read sN` sent mail; `--json` `to` is a list of {name, fingerprint}; ids of mail
//! fetched together follow `sent_at`; search finds short prefixes and CJK.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn sent_mail_is_marked_verified_only_when_the_recipient_is() {
    let tmp = tempdir();
    let (a, _b, _) = pair(tmp.path());
    a.ok_stdin(&["send", "--to", "bob", "--subject", "Hi"], "hello\n");
    let sent = a.list_json(&["--sent"]);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]["verified"], false,
        "bob is not verified yet: {sent:?}"
    );
    assert!(!a.ok(&["list", "--sent"]).contains('✓'));
    a.ok(&["contact", "verify", "bob"]);
    let sent = a.list_json(&["--sent"]);
    assert_eq!(sent[0]["verified"], true, "{sent:?}");
    assert!(a.ok(&["list", "--sent"]).contains('✓'));

    // With several recipients each name carries its own mark.
    let c = Hp::new(tmp.path(), "carol");
    c.init("Carol", &tmp.path().join("shared"));
    a.ok(&["contact", "add", "--allow-local", "carol", &c.card()]);
    a.ok_stdin(
        &["send", "--to", "carol", "--to", "bob", "--subject", "Both"],
        "hello\n",
    );
    let out = a.ok(&["list", "--sent"]);
    let line = out.lines().find(|l| l.contains("Both")).expect("the line");
    assert!(line.contains("bob ✓") && !line.contains("carol ✓"), "{out}");
    let sent = a.list_json(&["--sent"]);
    let both = sent.iter().find(|m| m["subject"] == "Both").expect("json");
    assert_eq!(both["verified"], false, "not every recipient is verified");
}

#[test]
fn a_failed_fetch_prints_nothing_on_stdout() {
    let tmp = tempdir();
    let (a, _b, drop) = pair(tmp.path());
    std::fs::remove_dir_all(&drop).expect("rm");
    let (code, out, err) = a.run(&["fetch"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "stdout: {out:?}");
    // One route: one line, naming it and why (it said that, then "no route could be
    // fetched").
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("hushpost: dir:") && err.contains("drop"),
        "{err}"
    );
    let (code, out, _) = a.run(&["fetch", "--json"]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "stdout: {out:?}");
}

#[test]
fn lock_files_are_private() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    a.ok_stdin(&["send", "--to", "bob"], "hi\n");
    b.ok(&["fetch"]);
    for (hp, f) in [(&a, "keyring.lock"), (&b, "lock"), (&b, "keyring.lock")] {
        let mode = std::fs::metadata(hp.home.join(f))
            .expect(f)
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f} is {mode:o}");
    }
}

fn fingerprint_hex(hp: &Hp) -> String {
    let v: serde_json::Value = serde_json::from_str(&hp.ok(&["id", "--json"])).expect("json");
    v["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .replace(' ', "")
        .to_lowercase()
}

#[test]
fn received_and_sent_mail_do_not_share_read_ids() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    a.ok_stdin(
        &["send", "--to", "bob", "--subject", "Lunch"],
        "Lunch at noon?\n",
    );
    b.ok(&["fetch"]);
    b.ok_stdin(&["reply", "1"], "Yes.\n");
    a.ok(&["fetch"]);
    // Alice's store: her sent message came first, bob's answer second; each direction
    // counts on its own, so her first received message is 1 and her first sent one s1.
    let got = a.list_json(&[]);
    assert_eq!(got.len(), 1);
    let sent = a.list_json(&["--sent"]);
    assert_eq!(sent[0]["ref"], format!("s{}", sent[0]["id"]));
    let sid = sent[0]["ref"].as_str().expect("ref").to_string();
    let rid = got[0]["ref"].as_str().expect("ref").to_string();
    assert_eq!((rid.as_str(), sid.as_str()), ("1", "s1"));
    assert_eq!(rid, got[0]["id"].to_string());
    assert!(a.ok(&["read", &rid]).contains("Yes."));
    assert!(a.ok(&["read", &sid]).contains("Lunch at noon?"));
    let (code, _, err) = a.run(&["read", "2"]);
    assert_eq!(code, 1);
    assert!(err.contains("no received message 2"), "{err}");
    let (code, _, err) = a.run(&["read", "s2"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no sent message s2"), "{err}");
    // Bob's side: his first sent message is s1 too, his received mail 1.
    assert_eq!(b.list_json(&["--sent"])[0]["ref"], "s1");
    assert_eq!(b.list_json(&[])[0]["ref"], "1");
    assert!(a.ok(&["list", "--sent"]).contains(&sid));

    // `to`: a list of {name, fingerprint}, for sent and for received mail.
    assert_eq!(
        sent[0]["to"],
        serde_json::json!([{"name": "bob", "fingerprint": fingerprint_hex(&b)}])
    );
    assert_eq!(
        got[0]["to"],
        serde_json::json!([{"name": "me", "fingerprint": fingerprint_hex(&a)}])
    );
}

#[test]
fn mail_fetched_together_is_numbered_in_the_order_it_was_written() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    for s in ["first", "second", "third"] {
        a.ok_stdin(&["send", "--to", "bob", "--subject", s], "x\n");
        // Sent one second apart: sent_at has whole seconds.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    b.ok(&["fetch"]);
    let mut rows = b.list_json(&[]);
    rows.sort_by_key(|r| r["id"].as_i64());
    let subjects: Vec<&str> = rows
        .iter()
        .map(|r| r["subject"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(subjects, ["first", "second", "third"]);
}

/// Mail written within one second (`sent_at` has whole seconds) is numbered in the order
/// it was written too: the sender's chain orders it.
#[test]
fn mail_written_in_one_second_keeps_its_order() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    let subjects = ["one", "two", "three", "four", "five", "six"];
    for s in subjects {
        a.ok_stdin(&["send", "--to", "bob", "--subject", s], "x\n");
    }
    b.ok(&["fetch"]);
    let mut rows = b.list_json(&[]);
    rows.sort_by_key(|r| r["id"].as_i64());
    let got: Vec<&str> = rows
        .iter()
        .map(|r| r["subject"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(got, subjects);
}

#[test]
fn search_finds_short_prefixes_and_cjk() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    a.ok_stdin(&["send", "--to", "bob", "--subject", "Lunch"], "at noon\n");
    a.ok_stdin(
        &["send", "--to", "bob", "--subject", "旅行"],
        "東京で日本語を話します\n",
    );
    b.ok(&["fetch"]);
    let hits = |q: &str| -> Vec<String> {
        let v: Vec<serde_json::Value> =
            serde_json::from_str(&b.ok(&["search", "--json", q])).expect("json");
        v.iter()
            .map(|m| m["subject"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(hits("lun"), ["Lunch"]);
    assert_eq!(hits("日本"), ["旅行"]);
    assert_eq!(hits("語を"), ["旅行"]);
    assert!(hits("日語").is_empty());
    // Two letters match whole words only, and an empty answer says so.
    let (code, out, err) = b.run(&["search", "lu"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("under 3 letters"), "{err}");
}

#[test]
fn contact_requests_can_be_rejected_and_go_once_the_sender_is_a_contact() {
    let tmp = tempdir();
    let drop = tmp.path().join("shared");
    std::fs::create_dir_all(&drop).expect("mkdir");
    let bob = Hp::new(tmp.path(), "bob");
    bob.init("Bob", &drop);
    let mut others = Vec::new();
    for (dir, name) in [("carol", "Carol"), ("dave", "Dave")] {
        let hp = Hp::new(tmp.path(), dir);
        hp.init(name, &drop);
        hp.ok(&[
            "contact",
            "add",
            "--allow-local",
            "bob",
            &bob.card(),
            "--introduce",
        ]);
        others.push(hp);
    }
    let (code, _, err) = bob.run(&["fetch"]);
    assert_eq!(code, 0, "{err}");
    let reqs = bob.ok(&["contact", "requests"]);
    assert_eq!(reqs.lines().count(), 2, "{reqs}");
    // Request 1 is rejected; request 2 keeps its number (`reject 1` then `accept 2` means
    // what was listed).
    let name_of = |n: &str| -> String {
        let line = reqs
            .lines()
            .find(|l| l.starts_with(&format!("{n}. ")))
            .unwrap_or_else(|| panic!("request {n}: {reqs}"));
        if line.contains("Carol") {
            "Carol"
        } else {
            "Dave"
        }
        .to_string()
    };
    let (first, second) = (name_of("1"), name_of("2"));
    assert_ne!(first, second);
    let (_, _, err) = bob.run(&["contact", "reject", "1"]);
    assert!(
        err.contains(&format!("rejected the request from {first}")),
        "{err}"
    );
    let reqs = bob.ok(&["contact", "requests"]);
    assert!(
        !reqs.contains(&first) && reqs.contains(&format!("2. {second}")),
        "{reqs}"
    );
    assert!(
        bob.ok(&["contact", "list"])
            .lines()
            .all(|l| !l.contains(&first.to_lowercase()))
    );
    let (code, _, err) = bob.run(&["contact", "reject", "1"]);
    assert_eq!(code, 1);
    assert!(err.contains("no contact request number 1"), "{err}");
    let remaining = if second == "Dave" { 1 } else { 0 };
    // The other card reaches Bob another way: the request is gone without an accept.
    bob.ok(&[
        "contact",
        "add",
        "--allow-local",
        &second.to_lowercase(),
        &others[remaining].card(),
    ]);
    let (_, out, err) = bob.run(&["contact", "requests"]);
    assert!(!out.contains(&second), "{out}");
    assert!(err.contains("no contact requests"), "{err}");
}

#[test]
fn ssh_setup_writes_absolute_key_paths() {
    if !require("ssh-keygen") {
        return;
    }
    let tmp = tempdir();
    let (a, _, _) = pair(tmp.path());
    let keys = tmp.path().join("keys");
    std::fs::create_dir_all(&keys).expect("mkdir");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(keys.join("owner"))
        .status()
        .expect("ssh-keygen");
    assert!(status.success());
    let host = keys.join("owner.pub");
    let out = a
        .cmd()
        .current_dir(&keys)
        .args(["route", "ssh-setup", "--host", "example.org", "--json"])
        .args(["--host-key", host.to_str().expect("utf8")])
        .args(["--owner-key", "owner.pub"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let config = v["config_toml"].as_str().expect("config_toml");
    let want = format!("{:?}", keys.join("owner").display().to_string());
    assert!(config.contains(&want), "{config}");
}

#[test]
fn saved_attachments_are_private() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    let file = tmp.path().join("plan.txt");
    std::fs::write(&file, "the plan\n").expect("write");
    a.ok_stdin(
        &[
            "send",
            "--to",
            "bob",
            "-s",
            "plan",
            "-a",
            file.to_str().expect("utf8"),
        ],
        "attached\n",
    );
    b.ok(&["fetch"]);
    let id = b.list_json(&[])[0]["ref"]
        .as_str()
        .expect("ref")
        .to_string();
    let dir = tmp.path().join("saved").join("here");
    b.ok(&[
        "read",
        &id,
        "--save-attachments",
        dir.to_str().expect("utf8"),
    ]);
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "the folder it made");
    assert_eq!(mode(&dir.join("plan.txt")), 0o600);
    assert_eq!(
        std::fs::read_to_string(dir.join("plan.txt")).expect("read"),
        "the plan\n"
    );
}

#[test]
fn the_relay_log_has_no_colours_when_stderr_is_a_file() {
    let tmp = tempdir();
    let mut relay = RelayProc::spawn(
        &tmp.path().join("relay-data"),
        &tmp.path().join("logs"),
        &["--tls-self-signed"],
    );
    relay.stop();
    let log = std::fs::read_to_string(&relay.log).expect("log");
    assert!(!log.trim().is_empty(), "the relay logged nothing");
    assert!(!log.contains('\x1b'), "{log:?}");
}

/// The README's install line, with its `cargo install` left out (the test runs the
/// binary it built): afterwards `man hushpost` finds the page, whose NAME says hushpost once.
#[test]
fn man_hushpost_works_after_the_readme_install() {
    if !require("man") {
        return;
    }
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo install --locked --path cli && "))
        .expect("the install line");
    let steps: Vec<&str> = line.split(" && ").collect();
    assert_eq!(steps.last(), Some(&"hushpost"), "{line}");
    let man_step = steps[1..steps.len() - 1].join(" && ");
    assert!(man_step.contains("man/"), "{line}");
    let tmp = tempdir();
    let home = tmp.path();
    std::fs::create_dir_all(home.join(".cargo/bin")).expect("mkdir");
    let run = |cmd: &str| {
        let out = std::process::Command::new("bash")
            .args(["-c", cmd])
            .current_dir(root)
            .env("HOME", home)
            .env(
                "PATH",
                format!("{}/.cargo/bin:/usr/bin:/bin", home.display()),
            )
            .env_remove("MANPATH")
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&man_step);
    let page = run("man -w hushpost");
    assert!(
        page.trim().starts_with(&home.display().to_string()),
        "{page}"
    );
    let text = run("MANWIDTH=200 man -P cat hushpost 2>/dev/null");
    let name = text
        .lines()
        .skip_while(|l| l.trim() != "NAME")
        .nth(1)
        .expect("NAME");
    assert_eq!(name.matches("hushpost").count(), 1, "{name}");
}

#[test]
fn fetch_reports_its_totals_in_bytes() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    a.ok_stdin(&["send", "--to", "bob", "-s", "one"], "x\n");
    a.ok_stdin(&["send", "--to", "bob", "-s", "two"], "y\n");
    let (code, out, err) = b.run(&["fetch"]);
    assert_eq!(code, 0, "{err}");
    // Two 16,384-byte blobs.
    assert!(
        out.contains("2 new messages (2 blobs, 32.00 KiB in "),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&b.ok(&["fetch", "--json"])).expect("json");
    assert_eq!(
        (v["blobs"].as_u64(), v["bytes"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(b.ok(&["fetch"]).trim(), "0 new messages", "nothing came");
    a.ok_stdin(&["send", "--to", "bob", "-s", "three"], "z\n");
    let v: serde_json::Value = serde_json::from_str(&b.ok(&["fetch", "--json"])).expect("json");
    assert_eq!(
        (v["blobs"].as_u64(), v["bytes"].as_u64()),
        (Some(1), Some(16_384))
    );
}

/// Mail to several people: each recipient's `list --json` and `search --json` name every
/// recipient the sender addressed (by fingerprint; "me" for themselves), not only "me".
#[test]
fn received_group_mail_lists_every_recipient_in_json() {
    let tmp = tempdir();
    let (a, b, drop) = pair(tmp.path());
    let c = Hp::new(tmp.path(), "carol");
    c.init("Carol", &drop);
    a.ok(&["contact", "add", "--allow-local", "carol", &c.card()]);
    c.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    a.ok_stdin(
        &[
            "send",
            "--to",
            "bob",
            "--to",
            "carol",
            "--subject",
            "Team lunch",
        ],
        "Noon?\n",
    );
    b.ok(&["fetch"]);
    let fps = |v: &serde_json::Value| -> Vec<String> {
        let mut f: Vec<String> = v
            .as_array()
            .expect("to is a list")
            .iter()
            .map(|r| r["fingerprint"].as_str().expect("fingerprint").to_string())
            .collect();
        f.sort();
        f
    };
    let mut want = vec![fingerprint_hex(&b), fingerprint_hex(&c)];
    want.sort();
    let got = b.list_json(&[]);
    assert_eq!(fps(&got[0]["to"]), want, "{}", got[0]);
    let me = got[0]["to"]
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["fingerprint"] == fingerprint_hex(&b).as_str())
        .expect("bob is a recipient");
    assert_eq!(me["name"], "me");
    let found: Vec<serde_json::Value> =
        serde_json::from_str(&b.ok(&["search", "--json", "lunch"])).expect("json");
    assert_eq!(fps(&found[0]["to"]), want, "{}", found[0]);

    // `read` names the recipients as bob knows them (his name for carol), in JSON too,
    // with the exact text.
    b.ok(&["contact", "add", "carrie", &c.card()]);
    let read: serde_json::Value =
        serde_json::from_str(&b.ok(&["read", "--json", "1"])).expect("json");
    let mut names: Vec<&str> = read["to"]
        .as_array()
        .expect("to")
        .iter()
        .map(|r| r["name"].as_str().expect("name"))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["carrie", "me"], "{read}");
    assert_eq!(read["text"], "Noon?\n");
    assert_eq!(read["subject"], "Team lunch");
    assert_eq!(read["attachments"], serde_json::json!([]));
    let shown = b.ok(&["read", "1"]);
    assert!(shown.contains("carrie"), "{shown}");
    let to_line = shown
        .lines()
        .find(|l| l.starts_with("To:"))
        .expect("a To: line");
    assert!(
        !to_line.contains("carol"),
        "alice's name for carol: {shown}"
    );
}

/// `doctor` with a Tor proxy that does not answer: `--` (not `ok`) while nothing needs it,
/// `FAIL` and exit 3 once a contact's mail must go over Tor.
#[test]
fn doctor_does_not_call_a_silent_tor_proxy_ok() {
    let tmp = tempdir();
    let (a, _b, _drop) = pair(tmp.path());
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let cfg = a.home.join("config.toml");
    let mut text = std::fs::read_to_string(&cfg).unwrap_or_default();
    text.push_str(&format!(
        "\n[network]\ntor_proxy = \"socks5h://127.0.0.1:{port}\"\n"
    ));
    std::fs::write(&cfg, text).expect("config");
    let out = a.ok(&["doctor"]);
    let tor = out
        .lines()
        .find(|l| l.contains("Tor proxy"))
        .expect("a Tor line");
    assert!(tor.starts_with("-- "), "{out}");
    assert!(tor.contains("not answering"), "{out}");
    a.ok(&["contact", "via", "bob", "tor"]);
    let (code, out, _) = a.run(&["doctor"]);
    assert_eq!(code, 3, "{out}");
    let tor = out
        .lines()
        .find(|l| l.contains("Tor proxy"))
        .expect("a Tor line");
    assert!(tor.starts_with("FAIL"), "{out}");
}

/// A contact's newer card (same key, a new route) updates them, and says "updated".
#[test]
fn a_newer_card_of_a_contact_says_updated() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    let extra = tmp.path().join("second-drop");
    std::fs::create_dir_all(&extra).expect("mkdir");
    b.ok(&["route", "add", &format!("dir:{}", extra.display())]);
    let (code, _, err) = a.run(&["contact", "add", "--allow-local", "bob", &b.card()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("updated bob"), "{err}");
    assert!(!err.contains("added bob"), "{err}");
}

/// The hint for a card's held local routes says `contact add --allow-local`; for a contact
/// already added, that same command with the same card enables them (it used to refuse:
/// "a contact named … already exists").
#[test]
fn adding_the_same_card_with_allow_local_enables_its_local_routes() {
    let tmp = tempdir();
    let (a, _b, drop) = pair(tmp.path());
    let c = Hp::new(tmp.path(), "carol");
    c.init("Carol", &drop);
    let (code, _, err) = a.run(&["contact", "add", "carol", &c.card()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("--allow-local"), "the hint: {err}");
    let (code, _, err) = a.run(&["contact", "add", "--allow-local", "carol", &c.card()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("local routes enabled"), "{err}");
    a.ok_stdin(&["send", "--to", "carol", "--subject", "hi"], "x\n");
    c.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    assert!(c.ok(&["fetch"]).contains("1 new message"));
}

#[test]
fn a_list_cut_at_its_limit_says_there_is_more() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    for i in 0..3 {
        a.ok_stdin(&["send", "--to", "bob", "-s", &format!("m{i}")], "hi\n");
    }
    b.ok(&["fetch"]);
    let (code, out, err) = b.run(&["list", "-n", "2"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        err.contains("`hushpost list --limit 4` shows more"),
        "{err}"
    );
    let (_, out, err) = b.run(&["list", "-n", "3"]);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(!err.contains("more"), "nothing was cut: {err}");
    assert_eq!(b.list_json(&["--limit", "0"]).len(), 3, "0 lists all");
}

#[test]
fn list_and_search_say_when_their_answer_was_cut() {
    let tmp = tempdir();
    let (a, b, _) = pair(tmp.path());
    for n in 0..4 {
        b.ok_stdin(
            &["send", "--to", "alice", "--subject", &format!("lunch {n}")],
            "where?\n",
        );
    }
    a.ok(&["fetch"]);
    let (code, out, err) = a.run(&["list", "--limit", "3"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.contains("lunch")).count(),
        3,
        "{out}"
    );
    assert!(
        err.contains("more below") && err.contains("`hushpost list --limit 6`"),
        "{err}"
    );
    let (_, _, err) = a.run(&["list", "--limit", "4"]);
    assert!(!err.contains("more below"), "all four fit: {err}");

    let (code, out, err) = a.run(&["search", "--json", "lunch where", "--limit", "2"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).expect("one JSON array");
    assert_eq!(rows.len(), 2, "{out}");
    assert!(
        err.contains("`hushpost search --json 'lunch where' --limit 4`"),
        "the hint keeps the query and --json: {err}"
    );
    let (_, out, err) = a.run(&["search", "lunch", "--limit", "0"]);
    assert_eq!(
        out.lines().filter(|l| l.contains("lunch")).count(),
        4,
        "{out}"
    );
    assert!(!err.contains("more below"), "{err}");
}
