//! The real mail clients on top of hushpost: neomutt sends in batch mode through
//! `set sendmail="hushpost sendmail"`, reads the live Maildir (the From shows the verified
//! sender) and replies from it into the same thread; aerc sends with hushpost as its
//! outgoing command; `git send-email --sendmail-cmd="hushpost sendmail"` sends a
//! three-patch series that arrives as one thread, which `notmuch new` indexes and
//! `notmuch search thread:…` finds. Skips loudly without the clients, fails in CI.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
mod mailclient;
use common::*;
use mailclient::*;
use std::path::Path;
use std::process::Command;

/// A neomuttrc in `root` for `me` (called `name`), reading `folder`.
fn neomutt_rc(
    root: &Path,
    folder: &Path,
    me: &Hp,
    name: &str,
    contacts: &[(&str, &Hp)],
) -> std::path::PathBuf {
    let mut rc = format!(
        "set folder=\"{root}\"\nset spoolfile=\"{root}\"\nset sendmail=\"{} sendmail\"\nset from=\"{name} <{}>\"\nset use_from=yes\nset record=\"\"\nset copy=no\nset mbox_type=Maildir\nset header_cache=\"\"\nset message_cachedir=\"\"\nset editor=\"true\"\nset abort_unmodified=no\nset include=yes\nset fast_reply=yes\nset edit_headers=no\nset index_format=\"%4C | %-30.30n | %s\"\nset sort=threads\n",
        bin().display(),
        address(me),
        root = folder.display()
    );
    for (alias, hp) in contacts {
        rc.push_str(&format!("alias {alias} {alias} <{}>\n", address(hp)));
    }
    let path = root.join(format!("neomuttrc-{name}"));
    std::fs::write(&path, rc).expect("rc");
    path
}

#[test]
fn neomutt_sends_reads_the_live_maildir_and_replies_in_the_thread() {
    if !(require("neomutt") && require("tmux")) {
        return;
    }
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let md = t.path().join("bob-mail");
    live_maildir(&b, &md, None);
    let rc_a = neomutt_rc(t.path(), t.path(), &a, "Alice", &[("bob", &b)]);
    let file = t.path().join("notes.txt");
    std::fs::write(&file, "attached notes\n").expect("attachment");
    // Batch mode: no terminal, the body on stdin.
    let out = Command::new("neomutt")
        .env("HOME", t.path())
        .env("HUSHPOST_HOME", &a.home)
        .args(["-n", "-F"])
        .arg(&rc_a)
        .args(["-s", "from neomutt", "-a"])
        .arg(&file)
        .args(["--", "bob"])
        .stdin(std::fs::File::open(&file).expect("stdin"))
        .output()
        .expect("neomutt");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    b.ok(&["fetch"]);
    let rows = b.list_json(&[]);
    assert_eq!(rows[0]["subject"], "from neomutt");
    assert_eq!(rows[0]["attachments"], true);

    // Bob reads his live Maildir in neomutt and replies.
    let rc_b = neomutt_rc(t.path(), &md, &b, "Bob", &[]);
    let tm = Tmux::new("neomutt");
    tm.open(
        "b",
        &format!(
            "env HOME='{}' HUSHPOST_HOME='{}' TERM=xterm-256color neomutt -n -F '{}' -f '{}'",
            t.path().display(),
            b.home.display(),
            rc_b.display(),
            md.display()
        ),
    );
    let index = tm.wait_for("b", "from neomutt");
    let line = index
        .lines()
        .find(|l| l.contains("from neomutt"))
        .expect("line");
    assert!(line.contains("alice (unverified)"), "{index}");
    tm.keys("b", &["r"]);
    tm.wait_for("b", "y:Send");
    tm.keys("b", &["y"]);
    tm.wait_for("b", "Mail sent");
    a.ok(&["fetch"]);
    let got = a.list_json(&[]);
    assert_eq!(got[0]["subject"], "Re: from neomutt");
    assert_eq!(got[0]["from"], "bob");
    let sent = a.list_json(&["--sent"]);
    assert_eq!(
        got[0]["thread"], sent[0]["thread"],
        "the reply threads with what Alice sent"
    );
}

#[test]
fn aerc_sends_with_hushpost_as_its_outgoing_command() {
    if !(require("aerc") && require("tmux")) {
        return;
    }
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let cfg = t.path().join("xdg/aerc");
    let run = t.path().join("run");
    let md = t.path().join("alice-mail");
    for d in [
        &cfg,
        &run,
        &md.join("INBOX/cur"),
        &md.join("INBOX/new"),
        &md.join("INBOX/tmp"),
    ] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(
        cfg.join("accounts.conf"),
        format!(
            "[hushpost]\nsource = maildir://{}\noutgoing = {} sendmail\ndefault = INBOX\nfrom = Alice <{}>\ncopy-to =\n",
            md.display(),
            bin().display(),
            address(&a)
        ),
    )
    .expect("accounts.conf");
    std::fs::write(
        cfg.join("aerc.conf"),
        "[general]\nunsafe-accounts-conf=true\n[compose]\neditor=true\n",
    )
    .expect("aerc.conf");
    let env = format!(
        "env HOME='{home}' XDG_CONFIG_HOME='{xdg}' XDG_RUNTIME_DIR='{run}' HUSHPOST_HOME='{hp}' TERM=xterm-256color",
        home = t.path().display(),
        xdg = t.path().join("xdg").display(),
        run = run.display(),
        hp = a.home.display()
    );
    let tm = Tmux::new("aerc");
    tm.open("a", &format!("{env} aerc"));
    tm.wait_for("a", "INBOX");
    // A second `aerc mailto:` hands the compose to the running one over its socket.
    let mailto = format!(
        "mailto:{}?subject=from%20aerc&body=written%20in%20aerc",
        address(&b)
    );
    eventually("aerc to take the mailto: over its socket", || {
        Command::new("sh")
            .arg("-c")
            .arg(format!("{env} aerc '{mailto}'"))
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("success"))
    });
    eventually("aerc's review screen", || {
        tm.keys("a", &["C-l"]);
        tm.capture("a").contains("Send this email?")
    });
    tm.keys("a", &["y"]);
    eventually("the message in the drop and in Bob's store", || {
        b.ok(&["fetch"]);
        b.list_json(&[]).iter().any(|r| r["subject"] == "from aerc")
    });
    let id = b.list_json(&[])[0]["id"].to_string();
    assert!(b.ok(&["read", &id]).contains("written in aerc"));
    assert_eq!(a.list_json(&["--sent"])[0]["subject"], "from aerc");
}

fn git(repo: &Path, home: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(repo)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Alice")
        .env("GIT_COMMITTER_NAME", "Alice")
        .args(args)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn git_send_email_series_is_one_thread_that_notmuch_finds() {
    if !(require("git") && require("notmuch")) {
        return;
    }
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let md = t.path().join("bob-mail");
    live_maildir(&b, &md, None);
    let repo = t.path().join("repo");
    std::fs::create_dir(&repo).expect("mkdir");
    git(&repo, t.path(), &["init", "-q"]);
    // The author's everyday address, as in most git configs: git send-email copies it into
    // Cc and names it to sendmail, which takes it for the user (the message's From), not
    // for an unknown recipient.
    git(
        &repo,
        t.path(),
        &["config", "user.email", "alice@work.example"],
    );
    for i in 1..=3 {
        std::fs::write(repo.join(format!("f{i}")), format!("{i}\n")).expect("write");
        git(&repo, t.path(), &["add", "."]);
        git(
            &repo,
            t.path(),
            &["commit", "-q", "-m", &format!("step {i}")],
        );
    }
    git(
        &repo,
        t.path(),
        &["format-patch", "-q", "-3", "-o", "../patches"],
    );
    let mut patches: Vec<String> = std::fs::read_dir(t.path().join("patches"))
        .expect("patches")
        .map(|e| e.expect("entry").path().display().to_string())
        .collect();
    patches.sort();
    let mut args = vec![
        "send-email".to_string(),
        "--confirm=never".into(),
        format!("--to={}", address(&b)),
        format!(
            "--sendmail-cmd=HUSHPOST_HOME='{}' '{}' sendmail",
            a.home.display(),
            bin().display()
        ),
    ];
    args.extend(patches);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    git(&repo, t.path(), &args);

    b.ok(&["fetch"]);
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows.iter().all(|r| r["thread"] == rows[0]["thread"]),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| r["from"] == "alice"));
    let raw = unfold(&b.ok(&["read", "--raw", &rows[0]["id"].to_string()]));
    assert!(!raw.contains("work.example"), "{raw}");
    assert!(
        raw.lines()
            .any(|l| l.starts_with("Cc:") && l.contains(&address(&a))),
        "the author's Cc is Alice as hushpost knows her: {raw}"
    );
    let nm = Notmuch::new(t.path(), &md);
    nm.run(&["new"]);
    let threads = nm.run(&["search", "--output=threads", "subject:step"]);
    let threads: Vec<&str> = threads.lines().collect();
    assert_eq!(threads.len(), 1, "{threads:?}");
    let found = nm.run(&["search", threads[0]]);
    assert!(
        found.contains("[3/3]") && found.contains("alice"),
        "{found}"
    );
    assert_eq!(nm.run(&["count", threads[0]]).trim(), "3");
}
