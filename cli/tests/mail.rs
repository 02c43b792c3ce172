//! Two identities exchanging mail over a shared folder, through the real binary.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;

#[test]
fn two_people_exchange_mail_over_a_folder() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    let out = a.ok_stdin(
        &["send", "--to", "bob", "--subject", "Lunch?"],
        "Are you free at noon?\n",
    );
    assert!(out.contains("bob: sent via dir:"), "{out}");
    let files = drop_files(&drop);
    assert_eq!(files.len(), 1);
    assert_eq!(std::fs::metadata(&files[0]).expect("meta").len(), 16_384);
    // The file name carries only a tag and random bytes: no name, key or fingerprint.
    let name = files[0]
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let a_fp: serde_json::Value = serde_json::from_str(&a.ok(&["id", "--json"])).expect("json");
    assert!(!name.contains(a_fp["fingerprint_hex"].as_str().expect("fp")));

    let out = b.ok(&["fetch"]);
    assert!(out.contains("1 new message"), "{out}");
    assert!(
        drop_files(&drop).is_empty(),
        "fetched blob deleted from the drop"
    );
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 1);
    for k in ["id", "from", "subject", "date", "unread", "thread"] {
        assert!(rows[0].get(k).is_some(), "list --json lacks {k}");
    }
    assert_eq!(rows[0]["from"], "alice");
    assert_eq!(rows[0]["subject"], "Lunch?");
    assert_eq!(rows[0]["unread"], true);
    let id = rows[0]["id"].as_i64().expect("id").to_string();
    let text = b.ok(&["read", &id]);
    assert!(text.contains("Are you free at noon?"), "{text}");
    assert!(text.contains("From:") && text.contains("alice"));
    assert_eq!(b.list_json(&["--unread"]).len(), 0, "read marks it read");

    // Reply threads with the original on both sides.
    b.ok_stdin(&["reply", &id], "Yes, see you.\n");
    a.ok(&["fetch"]);
    let rows = a.list_json(&[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "Re: Lunch?");
    let sent = a.list_json(&["--sent"]);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        rows[0]["thread"], sent[0]["thread"],
        "the reply joins the original's thread"
    );
    let raw = a.ok(&["read", "--raw", &rows[0]["id"].to_string()]);
    assert!(raw.contains("In-Reply-To:"), "{raw}");

    // Search, delete.
    let hits: Vec<serde_json::Value> =
        serde_json::from_str(&b.ok(&["search", "noon", "--json"])).expect("json");
    assert_eq!(hits.len(), 1);
    let none: Vec<serde_json::Value> =
        serde_json::from_str(&b.ok(&["search", "zebra", "--json"])).expect("json");
    assert!(none.is_empty());
    b.ok(&["delete", &id]);
    assert!(b.list_json(&[]).is_empty());
    let (code, _, err) = b.run(&["read", &id]);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("no received message {id}")), "{err}");
}

#[test]
fn attachments_travel_and_save_under_their_names() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let file = t.path().join("report.pdf");
    let data: Vec<u8> = (0..700_000u32).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&file, &data).expect("write");
    a.ok_stdin(
        &[
            "send",
            "--to",
            "bob",
            "-s",
            "report",
            "--attach",
            file.to_str().expect("utf8"),
        ],
        "see attached\n",
    );
    b.ok(&["fetch"]);
    let rows = b.list_json(&[]);
    assert_eq!(rows[0]["attachments"], true);
    let out_dir = t.path().join("saved");
    b.ok(&[
        "read",
        &rows[0]["id"].to_string(),
        "--save-attachments",
        out_dir.to_str().expect("utf8"),
    ]);
    assert_eq!(
        std::fs::read(out_dir.join("report.pdf")).expect("saved"),
        data
    );
}

#[test]
fn several_recipients_get_one_blob_each() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    let c = Hp::new(t.path(), "carol");
    c.init("Carol", &drop);
    a.ok(&["contact", "add", "--allow-local", "carol", &c.card()]);
    c.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    let out = a.ok_stdin(
        &["send", "--to", "bob", "--to", "carol", "-s", "hi all"],
        "hello\n",
    );
    assert!(
        out.contains("bob: sent") && out.contains("carol: sent"),
        "{out}"
    );
    assert_eq!(drop_files(&drop).len(), 2);
    b.ok(&["fetch"]);
    c.ok(&["fetch"]);
    assert_eq!(b.list_json(&[]).len(), 1);
    assert_eq!(c.list_json(&[]).len(), 1);
}

#[test]
fn contact_routes_choose_the_transport_per_contact() {
    let t = tempdir();
    let drop1 = t.path().join("d1");
    let drop2 = t.path().join("d2");
    std::fs::create_dir_all(&drop1).expect("mkdir");
    std::fs::create_dir_all(&drop2).expect("mkdir");
    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    a.init("Alice", &drop1);
    b.init("Bob", &drop1);
    b.ok(&["route", "add", &format!("dir:{}", drop2.display())]);
    assert_eq!(b.ok(&["route", "list"]).lines().count(), 2);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    // Only the second route, for Bob.
    a.ok(&[
        "contact",
        "routes",
        "bob",
        &format!("dir:{}", drop2.display()),
    ]);
    a.ok_stdin(&["send", "--to", "bob"], "via d2\n");
    assert!(drop_files(&drop1).is_empty());
    assert_eq!(drop_files(&drop2).len(), 1);
    b.ok(&["fetch"]);
    assert_eq!(b.list_json(&[]).len(), 1, "fetch covers all own routes");
    // A route not on the card is refused.
    let (code, _, err) = a.run(&["contact", "routes", "bob", "dir:/nowhere"]);
    assert_eq!(code, 1);
    assert!(err.contains("not on bob's card"), "{err}");
    // --via a scheme the contact lacks.
    let (code, _, err) = a.run_stdin(&["send", "--to", "bob", "--via", "ssh"], "x");
    assert_eq!(code, 1);
    assert!(err.contains("has no ssh route"), "{err}");
    a.ok(&["contact", "routes", "bob", "--reset"]);
    let shown = a.ok(&["contact", "routes", "bob"]);
    assert_eq!(shown.lines().count(), 2);
}

#[test]
fn export_writes_a_maildir_notmuch_can_read() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    a.ok_stdin(&["send", "--to", "bob", "-s", "one"], "first\n");
    a.ok_stdin(&["send", "--to", "bob", "-s", "two"], "second\n");
    b.ok(&["fetch"]);
    let id = b.list_json(&[])[0]["id"].to_string();
    b.ok(&["read", &id]);
    let md = t.path().join("Maildir");
    let out = b.ok(&["export", "--maildir", md.to_str().expect("utf8")]);
    assert!(out.contains("exported 2"), "{out}");
    assert_eq!(std::fs::read_dir(md.join("cur")).expect("cur").count(), 1);
    assert_eq!(std::fs::read_dir(md.join("new")).expect("new").count(), 1);
    // Idempotent.
    assert!(
        b.ok(&["export", "--maildir", md.to_str().expect("utf8")])
            .contains("exported 0")
    );
    if require("notmuch") {
        let cfg = t.path().join("notmuch-config");
        std::fs::write(&cfg, format!("[database]\npath={}\n[user]\nname=Bob\nprimary_email=bob@example.invalid\n[new]\ntags=inbox\n", md.display())).expect("cfg");
        let st = std::process::Command::new("notmuch")
            .env("NOTMUCH_CONFIG", &cfg)
            .arg("new")
            .output()
            .expect("notmuch new");
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        let o = std::process::Command::new("notmuch")
            .env("NOTMUCH_CONFIG", &cfg)
            .args(["search", "subject:two"])
            .output()
            .expect("search");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("two"),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

#[test]
fn quiet_prints_only_errors() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    let (code, out, err) = a.run_stdin(&["-q", "send", "--to", "bob", "-s", "hush"], "x\n");
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert_eq!(drop_files(&drop).len(), 1, "quiet, but sent");
    // Junk under a real tag is still reported: -q keeps the errors.
    let name = drop_files(&drop)[0]
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let tag = name.split('.').next().expect("tag");
    std::fs::write(
        drop.join(format!("{tag}.0011223344556677")),
        vec![7u8; 16_384],
    )
    .expect("junk");
    let (code, out, err) = b.run(&["fetch", "--quiet"]);
    assert_eq!(code, 3, "a rejected blob makes the exit code 3: {err}");
    assert_eq!(out, "", "no summary line under -q");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("rejected a blob"), "{err}");
    assert_eq!(b.list_json(&[]).len(), 1, "the real message arrived");
    // Data a command exists to print is not a status line: -q keeps it.
    assert!(b.ok(&["-q", "id", "card"]).starts_with("hushpost:"));
    // Setting up quietly: nothing on stdout or stderr.
    let c = Hp::new(t.path(), "carol");
    let route = format!("dir:{}", drop.display());
    let (code, out, err) = c.run(&[
        "-q",
        "init",
        "--name",
        "Carol",
        "--no-passphrase",
        "--route",
        &route,
    ]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, out, err) = c.run(&["-q", "contact", "add", "--allow-local", "bob", &b.card()]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn key_export_opens_blobs_with_stock_age() {
    if !require("age") {
        return;
    }
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    a.ok_stdin(
        &["send", "--to", "bob", "-s", "for age"],
        "opened by age -d\n",
    );
    // Debian's Go age is 1.1: it refuses a file with a post-quantum line, so the classical
    // keys alone (the first message to a contact is sealed to the card's X25519 key).
    // No format named: a usage error (exit 2), and no key printed.
    let (code, keys, _) = b.run(&["key", "export"]);
    assert_eq!((code, keys.as_str()), (2, ""));
    let (code, keys, err) = b.run(&["key", "export", "--age", "--classical-only"]);
    assert_eq!(code, 0);
    assert!(err.contains("SECRET"), "warning on stderr: {err}");
    let kf = t.path().join("bob.key");
    std::fs::write(&kf, keys).expect("write");
    let blob = &drop_files(&drop)[0];
    let out = std::process::Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&kf)
        .arg(blob)
        .output()
        .expect("age");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout.len(), 16_184, "the padded inner envelope");
    assert!(String::from_utf8_lossy(&out.stdout).contains("opened by age -d"));
}

#[test]
fn completions_for_every_shell() {
    let t = tempdir();
    let hp = Hp::new(t.path(), "x");
    for sh in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = hp.ok(&["completions", sh]);
        assert!(out.contains("hushpost"), "{sh}");
    }
}

#[test]
fn first_contact_through_the_intro_mailbox() {
    let t = tempdir();
    let drop = t.path().join("shared");
    std::fs::create_dir_all(&drop).expect("mkdir");
    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    a.init("Alice", &drop);
    b.init("Bob", &drop);
    // Bob has Alice's card; Alice has nothing of Bob.
    b.ok(&[
        "contact",
        "add",
        "alice",
        &a.card(),
        "--allow-local",
        "--introduce",
        "--note",
        "met at the conference",
    ]);
    let (_, _, err) = a.run(&["fetch"]);
    assert!(err.contains("contact request"), "{err}");
    let reqs = a.ok(&["contact", "requests"]);
    assert!(
        reqs.contains("Bob") && reqs.contains("met at the conference"),
        "{reqs}"
    );
    // Bob's card names a local folder: without --allow-local that route is not used.
    a.ok(&["contact", "accept", "1", "bob", "--allow-local"]);
    assert!(a.ok(&["contact", "requests"]).is_empty());
    a.ok_stdin(&["send", "--to", "bob", "-s", "welcome"], "hello Bob\n");
    b.ok(&["fetch"]);
    assert_eq!(b.list_json(&[])[0]["subject"], "welcome");
    // A second accept of the same number fails clearly.
    let (code, _, err) = a.run(&["contact", "accept", "1", "bob2"]);
    assert_eq!(code, 1);
    assert!(err.contains("no contact request number 1"), "{err}");
}
