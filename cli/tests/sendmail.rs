//! `hushpost sendmail` through the real binary, as mail clients call it: recipients from
//! arguments or -t, Bcc never sent, From always ours, the MIME body and attachments kept,
//! client message ids mapped so a series threads, sysexits for unknown recipients (nothing
//! sent to anyone) and a locked keyring, and queueing on a cover-traffic route.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
mod mailclient;
use common::*;
use mailclient::address;

/// A neomutt-style message: LF line ends, its own From, Message-ID, User-Agent.
fn message(headers: &str, body: &str) -> String {
    format!(
        "From: Someone Else <me@laptop.example>\nUser-Agent: NeoMutt/20220429\nDate: Tue, 17 Jun 2025 10:00:00 +0200\n{headers}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: inline\n\n{body}"
    )
}

/// Whether a header line starting with `name` holds every one of `parts`.
fn has_line(raw: &str, name: &str, parts: &[&str]) -> bool {
    raw.lines()
        .any(|l| l.starts_with(name) && parts.iter().all(|p| l.contains(p)))
}

fn raw_of(hp: &Hp, subject: &str) -> String {
    let rows = hp.list_json(&[]);
    let row = rows
        .iter()
        .find(|r| r["subject"] == subject)
        .unwrap_or_else(|| panic!("no {subject:?} in {rows:?}"));
    // Header lines unfolded, as a mail reader sees them.
    mailclient::unfold(&hp.ok(&["read", "--raw", &row["id"].to_string()]))
}

#[test]
fn a_client_message_arrives_with_its_body_subject_and_attachment() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let msg = "From: Someone Else <me@laptop.example>\nTo: bob\nSubject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=\nMessage-ID: <1.2@laptop.example>\nUser-Agent: NeoMutt/20220429\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"zz\"\n\n--zz\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHallo Bob, anbei die Datei.\n.\nEnde.\n--zz\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"data.bin\"\nContent-Transfer-Encoding: base64\n\nAAECAwQF\n--zz--\n";
    let (code, out, err) = a.run_stdin(
        &[
            "sendmail",
            "-oem",
            "-oi",
            "-f",
            "me@laptop.example",
            "--",
            "bob",
        ],
        msg,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "", "sendmail prints nothing on success");
    assert!(
        err.contains("From: replaced by your hushpost identity (Alice)"),
        "{err}"
    );
    b.ok(&["fetch"]);
    let raw = raw_of(&b, "Grüße");
    assert!(
        has_line(&raw, "From:", &["alice (unverified)", &address(&a)]),
        "{raw}"
    );
    assert!(
        !raw.contains("laptop.example") && !raw.contains("NeoMutt"),
        "{raw}"
    );
    assert!(
        raw.contains("Hallo Bob, anbei die Datei.\r\n.\r\nEnde."),
        "{raw}"
    );
    let id = b.list_json(&[])[0]["id"].to_string();
    let dir = t.path().join("saved");
    b.ok(&[
        "read",
        &id,
        "--save-attachments",
        dir.to_str().expect("utf8"),
    ]);
    assert_eq!(
        std::fs::read(dir.join("data.bin")).expect("saved"),
        [0, 1, 2, 3, 4, 5]
    );
    assert_eq!(b.list_json(&[])[0]["attachments"], true);
    // Alice's own copy is in her sent mail.
    assert_eq!(a.list_json(&["--sent"])[0]["subject"], "Grüße");
}

#[test]
fn t_takes_to_cc_and_bcc_and_never_sends_bcc() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    let c = Hp::new(t.path(), "carol");
    let d = Hp::new(t.path(), "dan");
    c.init("Carol", &drop);
    d.init("Dan", &drop);
    for (hp, name) in [(&c, "carol"), (&d, "dan")] {
        a.ok(&["contact", "add", "--allow-local", name, &hp.card()]);
        hp.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    }
    b.ok(&["contact", "add", "--allow-local", "carol", &c.card()]);
    let msg = message(
        &format!(
            "To: Bob <{}>\nCc: carol@hushpost.invalid, Me <me@laptop.example>\nBcc: Dan <{}>\nSubject: plans\n",
            address(&b),
            address(&d)
        ),
        "Let us meet.\n",
    );
    let (code, _, err) = a.run_stdin(&["sendmail", "-t", "-i"], &msg);
    assert_eq!(code, 0, "{err}");
    for hp in [&b, &c, &d] {
        hp.ok(&["fetch"]);
        let raw = raw_of(hp, "plans");
        assert!(!raw.to_ascii_lowercase().contains("bcc"), "{raw}");
        assert!(
            !raw.contains(&address(&d)) && !raw.contains("Dan"),
            "Bcc leaked: {raw}"
        );
        // `NAME@hushpost.invalid` is the contact; the client's own From address is Alice.
        assert!(
            has_line(&raw, "Cc:", &["Carol", &address(&c), &address(&a)]),
            "{raw}"
        );
        assert!(!raw.contains("laptop.example"), "{raw}");
    }
    // Bob's reply-all goes to Alice and Carol (To and Cc), never to the hidden Dan.
    let id = b.list_json(&[])[0]["id"].to_string();
    let out = b.ok_stdin(&["reply", &id, "--all"], "ok\n");
    let mut names: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_once(": sent via ").map(|(n, _)| n))
        .collect();
    names.sort_unstable();
    assert_eq!(names, vec!["alice", "carol"]);
}

#[test]
fn an_unknown_recipient_is_67_and_nothing_goes_to_anyone() {
    let t = tempdir();
    let (a, _b, drop) = pair(t.path());
    let msg = message("To: bob\nSubject: x\n", "x\n");
    let (code, out, err) = a.run_stdin(
        &["sendmail", "bob", "mallory", "ffff@hushpost.invalid"],
        &msg,
    );
    assert_eq!(code, 67, "{out}{err}");
    assert!(
        err.contains("unknown recipients: mallory, ffff@hushpost.invalid"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    let msg = message("To: bob\nCc: mallory\nSubject: x\n", "x\n");
    let (code, _, err) = a.run_stdin(&["sendmail", "-t"], &msg);
    assert_eq!(code, 67, "{err}");
    assert!(drop_files(&drop).is_empty(), "a blob left for bob");
    assert!(a.list_json(&["--sent"]).is_empty());
    // Sending only to ourselves, to nobody, or no message at all.
    let (code, _, err) = a.run_stdin(&["sendmail", &address(&a)], &msg);
    assert_eq!(code, 64, "{err}");
    let (code, _, err) = a.run_stdin(&["sendmail"], &msg);
    assert_eq!(code, 64, "{err}");
    assert!(err.contains("no recipients"), "{err}");
    let (code, _, err) = a.run_stdin(&["sendmail", "bob"], "");
    assert_eq!(code, 65, "{err}");
    let (code, _, err) = a.run_stdin(&["sendmail", "-bs"], &msg);
    assert_eq!(code, 64, "{err}");
    assert!(drop_files(&drop).is_empty());
}

#[test]
fn a_locked_keyring_is_75_so_the_client_retries() {
    let t = tempdir();
    let drop = t.path().join("shared");
    std::fs::create_dir(&drop).expect("mkdir");
    let pass = t.path().join("pass");
    std::fs::write(&pass, "correct horse\n").expect("pass");
    let mut a = Hp::new(t.path(), "alice");
    a.pass_file = Some(pass.clone());
    // Each unlock is an scrypt at age's work factor (seconds on a loaded machine): two here.
    a.ok(&[
        "init",
        "--name",
        "Alice",
        "--route",
        &format!("dir:{}", drop.display()),
    ]);
    let locked = Hp::new(t.path(), "alice");
    let msg = message("To: bob\nSubject: later\n", "x\n");
    let (code, _, err) = locked.run_stdin(&["sendmail", "bob"], &msg);
    assert_eq!(code, 75, "{err}");
    assert!(err.contains("locked"), "{err}");
    // With the passphrase file the same keyring opens: past the lock, on to the recipients.
    let (code, _, err) = a.run_stdin(&["sendmail", "bob"], &msg);
    assert_eq!(code, 67, "{err}");
    assert!(err.contains("unknown recipient: bob"), "{err}");
    assert!(drop_files(&drop).is_empty());
}

#[test]
fn a_series_threads_through_the_client_message_ids() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let first = message(
        "To: bob\nSubject: [PATCH 1/2] one\nMessage-ID: <p1@build.example>\n",
        "one\n",
    );
    a.ok_stdin(&["sendmail", "-i", "bob"], &first);
    let second = message(
        "To: bob\nSubject: [PATCH 2/2] two\nMessage-ID: <p2@build.example>\nIn-Reply-To: <p1@build.example>\nReferences: <p1@build.example> <elsewhere@other.example>\n",
        "two\n",
    );
    a.ok_stdin(&["sendmail", "-i", "bob"], &second);
    b.ok(&["fetch"]);
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["thread"], rows[1]["thread"], "{rows:?}");
    let raw = raw_of(&b, "[PATCH 2/2] two");
    assert!(!raw.contains("example"), "client ids passed on: {raw}");
    let sent = a.list_json(&["--sent"]);
    assert_eq!(sent[0]["thread"], sent[1]["thread"], "{sent:?}");
}

#[test]
fn a_cover_traffic_route_queues_as_send_does() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    std::fs::write(a.home.join("config.toml"), "[cover]\nschemes = [\"dir\"]\n").expect("cfg");
    let msg = message("To: bob\nSubject: queued\n", "waits for a slot\n");
    let (code, out, err) = a.run_stdin(&["sendmail", "bob"], &msg);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        drop_files(&drop).is_empty(),
        "sent at once on a cover route"
    );
    assert!(
        std::fs::read_dir(a.home.join("outbox"))
            .expect("outbox")
            .count()
            > 0
    );
    a.ok(&["poll"]);
    b.ok(&["fetch"]);
    assert!(b.list_json(&[]).iter().any(|r| r["subject"] == "queued"));
}

#[test]
fn a_copy_that_cannot_leave_now_is_queued_like_an_mta_would() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    let away = t.path().join("unplugged");
    std::fs::rename(&drop, &away).expect("unplug the shared folder");
    let msg = message("To: bob\nSubject: later\n", "kept, not lost\n");
    let (code, _, err) = a.run_stdin(&["sendmail", "bob"], &msg);
    assert_eq!(
        code, 0,
        "accepted for later delivery, so the client does not resend: {err}"
    );
    assert!(
        err.contains("bob: not sent yet") && err.contains("kept in the outbox"),
        "{err}"
    );
    std::fs::rename(&away, &drop).expect("plug it back");
    a.ok(&["outbox", "retry"]);
    b.ok(&["fetch"]);
    assert!(raw_of(&b, "later").contains("kept, not lost"));
}
