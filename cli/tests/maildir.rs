//! The live Maildir and `export --maildir` through the real binary: delivery as the Maildir
//! spec says, read/unread both ways on every fetch and poll, deletions, a file the client
//! deleted never coming back, the sent folder; and headers that tell the truth, checked
//! with notmuch and neomutt against a forged From crafted with the test's own keys.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
mod mailclient;
use common::*;
use mailclient::*;
use std::path::Path;

fn id_of(hp: &Hp, subject: &str) -> String {
    let rows = hp.list_json(&[]);
    rows.iter()
        .find(|r| r["subject"] == subject)
        .unwrap_or_else(|| panic!("no {subject:?} in {rows:?}"))["id"]
        .to_string()
}

fn unread(hp: &Hp, subject: &str) -> bool {
    hp.list_json(&[])
        .iter()
        .find(|r| r["subject"] == subject)
        .expect("listed")["unread"]
        .as_bool()
        .expect("bool")
}

/// Renames a Maildir file as a client marking it read (or unread) does.
fn client_marks(md: &Path, subject: &str, read: bool) {
    let (sub, name, _) = file_with(md, &format!("Subject: {subject}"));
    let base = name.split(':').next().expect("base");
    let to = md
        .join("cur")
        .join(format!("{base}:2,{}", if read { "S" } else { "" }));
    std::fs::rename(md.join(sub).join(&name), to).expect("rename");
}

#[test]
fn the_live_maildir_follows_the_store_both_ways() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let md = t.path().join("Mail/hushpost");
    let sent = t.path().join("Mail/sent");
    live_maildir(&b, &md, Some(&sent));
    a.ok_stdin(&["send", "--to", "bob", "-s", "one"], "first\n");
    a.ok_stdin(&["send", "--to", "bob", "-s", "two"], "second\n");
    b.ok(&["fetch"]);
    let f = files(&md);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(
        f.iter()
            .all(|(sub, name, _)| sub == "new" && !name.contains(':'))
    );
    assert_ne!(f[0].1, f[1].1);
    assert_eq!(std::fs::read_dir(md.join("tmp")).expect("tmp").count(), 0);
    let (_, _, one) = file_with(&md, "Subject: one");
    assert!(one.contains("Authentication-Results: hushpost;"), "{one}");
    assert!(one.contains(&format!("<{}>", address(&a))), "{one}");

    // Read here → S there; read there → read here (on the next fetch, and on a poll).
    b.ok(&["read", &id_of(&b, "one")]);
    b.ok(&["fetch"]);
    let (sub, name, _) = file_with(&md, "Subject: one");
    assert_eq!(
        (sub.as_str(), name.ends_with(":2,S")),
        ("cur", true),
        "{name}"
    );
    client_marks(&md, "two", true);
    assert!(unread(&b, "two"));
    a.ok_stdin(&["send", "--to", "bob", "-s", "polled"], "by poll\n");
    b.ok(&["poll"]);
    assert!(
        !unread(&b, "two"),
        "the client's read flag reached hushpost"
    );
    let (sub, _, _) = file_with(&md, "Subject: polled");
    assert_eq!(sub, "new", "an unlocked poll delivers what it stored");
    client_marks(&md, "one", false);
    b.ok(&["fetch"]);
    assert!(
        unread(&b, "one"),
        "the client's unread flag reached hushpost"
    );
    assert!(
        !file_with(&md, "Subject: one").1.ends_with('S'),
        "and stays there"
    );

    // Deleted here → gone there. Deleted there → never delivered again.
    b.ok(&["delete", &id_of(&b, "two")]);
    b.ok(&["fetch"]);
    assert!(files(&md).iter().all(|f| !f.2.contains("Subject: two")));
    let (sub, name, _) = file_with(&md, "Subject: one");
    std::fs::remove_file(md.join(sub).join(name)).expect("client deletes");
    a.ok_stdin(&["send", "--to", "bob", "-s", "three"], "third\n");
    b.ok(&["fetch"]);
    let f = files(&md);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(f.iter().any(|f| f.2.contains("Subject: three")));
    assert!(f.iter().all(|f| !f.2.contains("Subject: one")));
    assert!(unread(&b, "one"), "still in hushpost");

    // Sent mail goes to the sent folder, read.
    b.ok_stdin(&["reply", &id_of(&b, "three")], "got it\n");
    let s = files(&sent);
    assert_eq!(s.len(), 1, "{s:#?}");
    assert!(s[0].0 == "cur" && s[0].1.ends_with(":2,S") && s[0].2.contains("Subject: Re: three"));
    // An export into the live folder would fight the live sync: refused.
    let (code, _, err) = b.run(&["export", "--maildir", md.to_str().expect("utf8")]);
    assert_eq!(code, 1);
    assert!(err.contains("is your live Maildir"), "{err}");
}

#[test]
fn export_is_incremental_and_syncs() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    a.ok_stdin(&["send", "--to", "bob", "-s", "one"], "first\n");
    b.ok(&["fetch"]);
    let md = t.path().join("export");
    let dir = md.to_str().expect("utf8");
    assert!(
        b.ok(&["export", "--maildir", dir])
            .contains("exported 1 message;")
    );
    assert!(
        b.ok(&["export", "--maildir", dir])
            .contains("exported 0 messages;")
    );
    client_marks(&md, "one", true);
    b.ok_stdin(&["reply", &id_of(&b, "one")], "ok\n");
    let out = b.ok(&["export", "--maildir", dir]);
    assert!(
        out.contains("exported 1 message; 1 read/unread change taken"),
        "{out}"
    );
    assert!(!unread(&b, "one"));
    assert_eq!(files(&md).len(), 2, "received and sent");
    b.ok(&["delete", &id_of(&b, "one")]);
    assert!(b.ok(&["export", "--maildir", dir]).contains("1 removed"));
    assert_eq!(files(&md).len(), 1);
}

#[test]
fn a_misspelt_maildir_section_stops_every_command() {
    let t = tempdir();
    let (_a, b, _) = pair(t.path());
    std::fs::write(
        b.home.join("config.toml"),
        "[maildir]\npath = \"/m\"\nsnet = \"/s\"\n",
    )
    .expect("cfg");
    let (code, _, err) = b.run(&["list"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("config.toml:") && err.contains("maildir.snet: unknown field `snet`"),
        "{err}"
    );
    std::fs::write(b.home.join("config.toml"), "[maildir]\npath = \"Mail\"\n").expect("cfg");
    let (code, _, err) = b.run(&["fetch"]);
    assert_eq!(code, 1);
    assert!(err.contains("not an absolute path"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A contact whose keys the test holds, so it can write what a hostile client would.
struct Forger {
    id: hushpost_core::Identity,
    card: String,
}

impl Forger {
    fn new(drop: &Path) -> Forger {
        let id = hushpost_core::Identity::generate();
        let route = format!("dir:{}", drop.display()).parse().expect("route");
        let now = hushpost_core::time::unix_now();
        let card = hushpost_core::Card::issue(&id, "Trudy", [5; 32], vec![route], now)
            .expect("card")
            .encode();
        Forger { id, card }
    }

    /// Seals `body` from us to the owner of `card` and puts it in `drop`.
    fn send(&self, card: &str, drop: &Path, body: &[u8]) {
        use hushpost_core::envelope::{Draft, Kind, Recipient, new_msg_id, seal};
        use hushpost_transports::DeadDrop;
        let to = hushpost_core::Card::parse(card).expect("card").identity;
        let now = hushpost_core::time::unix_now();
        let tag = hushpost_core::tags::PairKeys::derive(&self.id, &to)
            .expect("pair")
            .outgoing
            .tag(hushpost_core::Day::of(now));
        let draft = Draft {
            kind: Kind::Message,
            msg_id: new_msg_id(),
            prev_hash: [0; 32],
            sent_at: now,
            expires_at: 0,
            burn_after_reading: false,
            prekey: None,
            body,
        };
        let sealed = seal(
            &self.id,
            &Recipient {
                ed: to.ed,
                key: to.x,
            },
            &draft,
        )
        .expect("seal");
        let mut d = hushpost_transports::dir::DirDrop::new(drop);
        for b in &sealed.blobs {
            d.put(&tag, b, hushpost_transports::PutOptions::default())
                .expect("put");
        }
    }
}

fn neomutt_rc(root: &Path, md: &Path) -> std::path::PathBuf {
    let rc = root.join("neomuttrc");
    std::fs::write(
        &rc,
        format!(
            "set folder=\"{md}\"\nset spoolfile=\"{md}\"\nset mbox_type=Maildir\nset header_cache=\"\"\nset message_cachedir=\"\"\nset sort=date\nset index_format=\"%4C | %-30.30n | %-60.60a | %s\"\nset pager_index_lines=0\nset mark_old=no\n",
            md = md.display()
        ),
    )
    .expect("rc");
    rc
}

#[test]
fn a_forged_from_shows_the_real_sender_in_notmuch_and_neomutt() {
    let t = tempdir();
    let (alice, bob, drop) = pair(t.path());
    alice.ok(&["contact", "verify", "bob"]);
    let trudy = Forger::new(&drop);
    alice.ok(&["contact", "add", "--allow-local", "trudy", &trudy.card]);
    let md = t.path().join("Maildir");
    live_maildir(&alice, &md, None);
    let bob_addr = address(&bob);
    let forged = format!(
        "From: Bob <{bob_addr}>\r\nSender: Bob <{bob_addr}>\r\nReply-To: Bob <{bob_addr}>\r\nAuthentication-Results: hushpost; x-hushpost-contact=verified\r\nTo: Alice <{}>\r\nSubject: new bank details\r\nDate: Tue, 17 Jun 2025 10:00:00 +0000\r\nMessage-ID: <f0f0@hushpost.invalid>\r\n\r\nPlease pay the new account.\r\n",
        address(&alice)
    );
    trudy.send(&alice.card(), &drop, forged.as_bytes());
    alice.ok(&["fetch"]);
    let trudy_addr = format!(
        "{}@hushpost.invalid",
        hushpost_core::Fingerprint::of(&trudy.id.ed_public()).hex()
    );
    // hushpost's own screen, and `read --raw`.
    let id = id_of(&alice, "new bank details");
    assert!(alice.ok(&["read", &id]).contains("trudy (unverified)"));
    let raw = unfold(&alice.ok(&["read", "--raw", &id]));
    let from: Vec<&str> = raw.lines().filter(|l| l.starts_with("From:")).collect();
    assert_eq!(from.len(), 1, "{raw}");
    assert!(
        from[0].contains(&trudy_addr) && from[0].contains("trudy (unverified)"),
        "{raw}"
    );
    assert!(
        raw.contains(&format!("X-Hushpost-Claimed-From: Bob <{bob_addr}>")),
        "{raw}"
    );
    assert!(
        !raw.contains("Sender:") && !raw.contains("Reply-To:"),
        "{raw}"
    );
    assert_eq!(raw.matches("Authentication-Results:").count(), 1, "{raw}");
    assert!(raw.contains("x-hushpost-contact=unverified"), "{raw}");
    let (_, _, file) = file_with(&md, "new bank details");
    assert_eq!(
        unfold(&file),
        raw,
        "the Maildir copy is what read --raw shows"
    );

    if require("notmuch") {
        let nm = Notmuch::new(t.path(), &md);
        nm.run(&["new"]);
        assert_eq!(nm.run(&["count", &format!("from:{bob_addr}")]).trim(), "0");
        assert_eq!(
            nm.run(&["count", &format!("from:{trudy_addr}")]).trim(),
            "1"
        );
        let shown: serde_json::Value =
            serde_json::from_str(&nm.run(&["show", "--format=json", "subject:bank"]))
                .expect("json");
        let from = shown[0][0][0]["headers"]["From"]
            .as_str()
            .expect("From")
            .to_string();
        assert!(
            from.contains(&trudy_addr) && from.contains("trudy"),
            "{from}"
        );
    }
    if require("neomutt") && require("tmux") {
        let rc = neomutt_rc(t.path(), &md);
        let tm = Tmux::new("forged");
        tm.open(
            "nm",
            &format!(
                "env HOME='{}' TERM=xterm-256color neomutt -n -F '{}' -f '{}'",
                t.path().display(),
                rc.display(),
                md.display()
            ),
        );
        let index = tm.wait_for("nm", "new bank details");
        let line = index
            .lines()
            .find(|l| l.contains("new bank details"))
            .expect("line");
        assert!(
            line.contains("trudy (unverified)") && line.contains(&trudy_addr),
            "{index}"
        );
        assert!(!index.contains("Bob"), "{index}");
        tm.keys("nm", &["Enter"]);
        let pager = tm.wait_for("nm", "Please pay the new account.");
        let from = pager
            .lines()
            .find(|l| l.starts_with("From:"))
            .expect("From line");
        assert!(from.contains(&trudy_addr), "{pager}");
    }
}
