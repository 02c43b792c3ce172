//! The mailto: transport against the real loopback Postfix + Dovecot that
//! scripts/servers/mail.sh starts (scripts/test.sh exports its HUSHPOST_TEST_… variables):
//! the shared conformance suite, the mail as the server stores it, ordinary mail left alone,
//! TLS refused when the server offers none, wrong password, untrusted certificate, and the
//! whole session through a SOCKS5 proxy with the host name unresolved.
//!
//! Without the servers the tests skip loudly; under CI or HUSHPOST_REQUIRE_TOOLS they fail.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::agelayer;
use hushpost_core::{FetchCap, Route, Tag};
use hushpost_transports::mail::{ImapAccount, MailDrop, Security, SmtpAccount, wire};
use hushpost_transports::{
    Credentials, DeadDrop, DialOptions, Fetched, Flow, PutOptions, TransportError,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The two mailboxes are shared by every test here: one at a time.
static SERVERS: Mutex<()> = Mutex::new(());

struct Env {
    host: String,
    smtp: u16,
    smtps: u16,
    smtp_plain: u16,
    imap: u16,
    imaps: u16,
    imap_plain_host: String,
    imap_plain: u16,
    ca: PathBuf,
    alice_pw: String,
    bob_pw: String,
    maildirs: PathBuf,
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
    let port = |k: &str| -> u16 {
        get(k)
            .unwrap_or_else(|| panic!("{k} missing"))
            .parse()
            .expect("port")
    };
    let var = |k: &str| get(k).unwrap_or_else(|| panic!("{k} missing"));
    Some(Env {
        host,
        smtp: port("HUSHPOST_TEST_SMTP_PORT"),
        smtps: port("HUSHPOST_TEST_SMTPS_PORT"),
        smtp_plain: port("HUSHPOST_TEST_SMTP_PLAIN_PORT"),
        imap: port("HUSHPOST_TEST_IMAP_PORT"),
        imaps: port("HUSHPOST_TEST_IMAPS_PORT"),
        imap_plain_host: var("HUSHPOST_TEST_IMAP_PLAIN_HOST"),
        imap_plain: port("HUSHPOST_TEST_IMAP_PLAIN_PORT"),
        ca: var("HUSHPOST_TEST_MAIL_CA").into(),
        alice_pw: var("HUSHPOST_TEST_MAIL_ALICE_PASSWORD"),
        bob_pw: var("HUSHPOST_TEST_MAIL_BOB_PASSWORD"),
        maildirs: var("HUSHPOST_TEST_MAILDIRS").into(),
        _lock: lock,
    })
}

impl Env {
    fn smtp_as_alice(&self, security: Security) -> SmtpAccount {
        SmtpAccount {
            host: self.host.clone(),
            port: match security {
                Security::Implicit => self.smtps,
                Security::StartTls => self.smtp,
            },
            security,
            user: "alice".into(),
            password: self.alice_pw.clone().into(),
            from: "alice@example.test".into(),
            ca_file: Some(self.ca.clone()),
            allow_plaintext_loopback: false,
        }
    }

    fn imap_as_bob(&self, security: Security) -> ImapAccount {
        ImapAccount {
            host: self.host.clone(),
            port: match security {
                Security::Implicit => self.imaps,
                Security::StartTls => self.imap,
            },
            security,
            user: "bob".into(),
            password: self.bob_pw.clone().into(),
            folder: "INBOX".into(),
            move_to: None,
            ca_file: Some(self.ca.clone()),
            allow_plaintext_loopback: false,
        }
    }

    /// Alice's SMTP to bob's address, bob's IMAP: put = alice writes to bob, fetch = bob reads.
    fn drop(&self, smtp: SmtpAccount, imap: ImapAccount) -> MailDrop {
        let dial = DialOptions {
            timeout_secs: 20,
            credentials: Credentials {
                smtp: Some(smtp),
                imap: Some(imap),
                ..Credentials::default()
            },
            ..DialOptions::default()
        };
        mail_drop(&route(), &dial).expect("open")
    }

    fn bob_maildir(&self) -> PathBuf {
        self.maildirs.join("bob/Maildir")
    }
}

fn route() -> Route {
    "mailto:bob@example.test".parse().expect("route")
}

fn cap() -> FetchCap {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    FetchCap(b)
}

fn blob(len: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut v = vec![0u8; len];
    rand::rngs::OsRng.fill_bytes(&mut v);
    v
}

/// Every message file of a Maildir (new/ and cur/).
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

/// The stored mails that carry `tag`.
fn stored_with_tag(dir: &Path, tag: &Tag) -> Vec<PathBuf> {
    let needle = format!("{}: {}", wire::TAG_HEADER, tag.hex());
    maildir_files(dir)
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .map(|s| s.contains(&needle))
                .unwrap_or(false)
        })
        .collect()
}

/// Postfix delivers after it has queued: wait until `n` mails under `tag` are in the Maildir.
fn wait_delivered(dir: &Path, tag: &Tag, n: usize) {
    let t0 = Instant::now();
    while stored_with_tag(dir, tag).len() < n {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "mail under the tag not delivered within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The conformance suite assumes a put is visible to the next fetch; mail is delivered
/// asynchronously after the MTA accepted it, so this wrapper waits for delivery.
struct Delivered<'a> {
    inner: MailDrop,
    maildir: &'a Path,
}

impl DeadDrop for Delivered<'_> {
    fn put(&mut self, tag: &Tag, blob: &[u8], opts: PutOptions) -> Result<(), TransportError> {
        let before = stored_with_tag(self.maildir, tag).len();
        self.inner.put(tag, blob, opts)?;
        wait_delivered(self.maildir, tag, before + 1);
        Ok(())
    }

    fn fetch(
        &mut self,
        caps: &[FetchCap],
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<(), TransportError> {
        self.inner.fetch(caps, sink)
    }

    fn delete(
        &mut self,
        caps: &[FetchCap],
        items: &[(usize, String)],
    ) -> Result<(), TransportError> {
        self.inner.delete(caps, items)
    }
}

fn fetch_all(d: &mut MailDrop, caps: &[FetchCap]) -> Vec<Fetched> {
    let mut got = Vec::new();
    d.fetch(caps, &mut |f| {
        got.push(f);
        Flow::Continue
    })
    .expect("fetch");
    got
}

#[test]
fn conformance_suite_over_starttls() {
    let Some(e) = env() else { return };
    let maildir = e.bob_maildir();
    let mut d = Delivered {
        inner: e.drop(
            e.smtp_as_alice(Security::StartTls),
            e.imap_as_bob(Security::StartTls),
        ),
        maildir: &maildir,
    };
    hushpost_transports::conformance::run(&mut d, &[16_384, 262_144]);
}

#[test]
fn conformance_suite_over_implicit_tls() {
    let Some(e) = env() else { return };
    let maildir = e.bob_maildir();
    let mut d = Delivered {
        inner: e.drop(
            e.smtp_as_alice(Security::Implicit),
            e.imap_as_bob(Security::Implicit),
        ),
        maildir: &maildir,
    };
    hushpost_transports::conformance::run(&mut d, &[16_384, 262_144]);
}

#[test]
fn stored_mail_has_constant_headers_and_fixed_length() {
    let Some(e) = env() else { return };
    let mut d = e.drop(
        e.smtp_as_alice(Security::StartTls),
        e.imap_as_bob(Security::StartTls),
    );
    let (c1, c2) = (cap(), cap());
    let (b1, b2) = (blob(16_384), blob(16_384));
    d.put(&c1.tag(), &b1, PutOptions::default()).expect("put");
    d.put(&c2.tag(), &b2, PutOptions::default()).expect("put");
    let dir = e.bob_maildir();
    wait_delivered(&dir, &c1.tag(), 1);
    wait_delivered(&dir, &c2.tag(), 1);
    let machine = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .expect("hostname")
        .trim()
        .to_string();
    let mut bodies = Vec::new();
    let mut heads = Vec::new();
    for (c, b) in [(&c1, &b1), (&c2, &b2)] {
        let files = stored_with_tag(&dir, &c.tag());
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(&files[0]).expect("read");
        // Maildir files have LF line ends.
        let (head, body) = text.split_once("\n\n").expect("header and body");
        let fields: Vec<(String, String)> = unfold(head);
        let names: Vec<String> = fields.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        // What the client wrote, in order; only the MTA's own trace fields come before it.
        let ours = [
            "date",
            "from",
            "to",
            "subject",
            "message-id",
            "mime-version",
            "content-type",
            "content-transfer-encoding",
            "hushpost-tag",
        ];
        let mta = ["return-path", "x-original-to", "delivered-to", "received"];
        assert!(
            names
                .iter()
                .all(|n| ours.contains(&n.as_str()) || mta.contains(&n.as_str())),
            "unexpected header in {names:?}"
        );
        let client: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| ours.contains(n))
            .collect();
        assert_eq!(client, ours);
        let get = |n: &str| {
            fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("Subject"), wire::SUBJECT);
        assert_eq!(get("From"), "alice@example.test");
        assert_eq!(get("To"), "bob@example.test");
        assert_eq!(get(wire::TAG_HEADER), c.tag().hex());
        let date = get("Date");
        assert!(
            date.ends_with(":00:00 +0000"),
            "Date not hour-rounded UTC: {date}"
        );
        let mid = get("Message-ID");
        let local = mid
            .strip_prefix('<')
            .and_then(|m| m.strip_suffix("@example.test>"))
            .expect("Message-ID at the From domain");
        assert!(
            local.len() == 32 && local.bytes().all(|c| c.is_ascii_hexdigit()),
            "{mid}"
        );
        // The EHLO name the MTA recorded is the fixed address literal, and the machine's
        // own name appears nowhere in the header.
        assert!(
            get("Received").starts_with("from [127.0.0.1]"),
            "{}",
            get("Received")
        );
        assert!(
            !head
                .to_ascii_lowercase()
                .contains(&machine.to_ascii_lowercase())
                || machine.len() < 3,
            "host name {machine:?} in the stored header"
        );
        for h in ["x-mailer", "user-agent", "x-originating-ip", "organization"] {
            assert!(!names.iter().any(|n| n == h), "{h} present");
        }
        // The body is exactly one armored blob of a bucket size: the fixed armored length.
        assert_eq!(body.len(), agelayer::armored_len(16_384));
        assert_eq!(body, agelayer::armor(b));
        bodies.push(body.len());
        heads.push(head.len() - get("Received").len() - get("Date").len());
    }
    assert_eq!(bodies[0], bodies[1]);
    // Headers differ only in the MTA's trace fields (queue ids, times).
    assert!(heads[0].abs_diff(heads[1]) <= 4, "{heads:?}");
    // Clean up through the transport.
    let caps = [c1, c2];
    let got = fetch_all(&mut d, &caps);
    assert_eq!(got.len(), 2);
    let items: Vec<(usize, String)> = got.into_iter().map(|f| (f.cap, f.id)).collect();
    d.delete(&caps, &items).expect("delete");
    assert!(stored_with_tag(&dir, &caps[0].tag()).is_empty());
}

fn unfold(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(l) = out.last_mut() {
                l.1.push(' ');
                l.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.to_string(), v.trim().to_string()));
        }
    }
    out
}

/// Drops a mail into bob's Maildir the way an MTA delivers one.
fn deliver_raw(e: &Env, name: &str, text: &str) -> PathBuf {
    let dir = e.bob_maildir();
    let p = dir.join("new").join(format!("{name}.hushpost-test"));
    std::fs::write(&p, text).expect("write");
    let _ = std::process::Command::new("chown")
        .arg("65534:65534")
        .arg(&p)
        .status();
    p
}

/// The current file of a Maildir message whose name starts with `name` (Dovecot moves new/
/// to cur/ and appends flags), and its flags.
fn find_maildir(e: &Env, name: &str) -> Option<(PathBuf, String)> {
    maildir_files(&e.bob_maildir()).into_iter().find_map(|p| {
        let f = p.file_name()?.to_str()?.to_string();
        f.starts_with(name).then(|| {
            (
                p.clone(),
                f.split_once(":2,")
                    .map(|(_, fl)| fl.to_string())
                    .unwrap_or_default(),
            )
        })
    })
}

#[test]
fn ordinary_mail_in_the_folder_is_never_touched() {
    let Some(e) = env() else { return };
    use rand::RngCore;
    let mut r = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut r);
    let id = hex::encode(r);
    let theirs = cap();
    let armored = agelayer::armor(&blob(16_384));
    // A normal mail; a look-alike with our subject but no tag; one under somebody else's
    // tag; one under OUR tag whose body is not strict armor (a footer appended).
    let normal = format!(
        "From: carol@example.test\nTo: bob@example.test\nSubject: lunch {id}\n\nsee you at noon\n"
    );
    let lookalike = format!(
        "From: carol@example.test\nTo: bob@example.test\nSubject: {}\n\nnot a hushpost mail\n",
        wire::SUBJECT
    );
    let foreign = format!(
        "From: dave@example.test\nTo: bob@example.test\nSubject: {}\n{}: {}\n\n{armored}",
        wire::SUBJECT,
        wire::TAG_HEADER,
        theirs.tag().hex()
    );
    let mine = cap();
    let mangled = format!(
        "From: alice@example.test\nTo: bob@example.test\nSubject: {}\n{}: {}\n\n{armored}-- \nsent from my gateway\n",
        wire::SUBJECT,
        wire::TAG_HEADER,
        mine.tag().hex()
    );
    let names: Vec<String> = ["normal", "lookalike", "foreign", "mangled"]
        .iter()
        .map(|n| format!("{id}-{n}"))
        .collect();
    for (n, text) in names.iter().zip([&normal, &lookalike, &foreign, &mangled]) {
        deliver_raw(&e, n, text);
    }
    let mut d = e.drop(
        e.smtp_as_alice(Security::StartTls),
        e.imap_as_bob(Security::StartTls),
    );
    let b = blob(16_384);
    d.put(&mine.tag(), &b, PutOptions::default()).expect("put");
    wait_delivered(&e.bob_maildir(), &mine.tag(), 2);
    let caps = [mine.clone()];
    let got = fetch_all(&mut d, &caps);
    assert_eq!(got.len(), 1, "only the well-formed mail under our tag");
    assert_eq!(got[0].blob, b);
    // A capability deletes nothing that is not under its tag, whatever ids it is handed.
    let validity = got[0].id.split_once('.').expect("id").0.to_string();
    let every: Vec<(usize, String)> = (1..2000u32)
        .map(|uid| (0, format!("{validity}.{uid}")))
        .chain((1..50u32).map(|uid| (0, uid.to_string())))
        .collect();
    d.delete(&[cap()], &every)
        .expect("delete with an unrelated capability");
    assert_eq!(stored_with_tag(&e.bob_maildir(), &mine.tag()).len(), 2);
    // What fetch handed over is what the caller deletes: ours goes, the mangled mail under
    // our tag (never handed over) stays for the user to look at.
    d.delete(&caps, &[(0, got[0].id.clone())]).expect("delete");
    assert_eq!(stored_with_tag(&e.bob_maildir(), &mine.tag()).len(), 1);
    for (n, text) in names.iter().zip([&normal, &lookalike, &foreign, &mangled]) {
        let (path, flags) = find_maildir(&e, n).unwrap_or_else(|| panic!("{n} was removed"));
        assert_eq!(flags, "", "{n} got flags {flags:?} (read or deleted)");
        assert_eq!(
            &std::fs::read_to_string(&path).expect("read"),
            text,
            "{n} changed"
        );
        std::fs::remove_file(path).expect("clean up");
    }
}

#[test]
fn move_to_folder_instead_of_deleting() {
    let Some(e) = env() else { return };
    // A folder to move into (created once; CREATE of an existing one is harmless here).
    let archive = e.bob_maildir().join(".hushpost-done");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(archive.join(sub)).expect("mkdir");
    }
    let _ = std::process::Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(&archive)
        .status();
    let mut imap = e.imap_as_bob(Security::Implicit);
    imap.move_to = Some("hushpost-done".into());
    let mut d = e.drop(e.smtp_as_alice(Security::Implicit), imap);
    let c = cap();
    d.put(&c.tag(), &blob(16_384), PutOptions::default())
        .expect("put");
    wait_delivered(&e.bob_maildir(), &c.tag(), 1);
    let caps = [c.clone()];
    let got = fetch_all(&mut d, &caps);
    assert_eq!(got.len(), 1);
    d.delete(&caps, &[(0, got[0].id.clone())]).expect("move");
    assert!(stored_with_tag(&e.bob_maildir(), &c.tag()).is_empty());
    assert_eq!(
        stored_with_tag(&archive, &c.tag()).len(),
        1,
        "moved, not lost"
    );
    for p in stored_with_tag(&archive, &c.tag()) {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn starttls_missing_means_refusal_never_plaintext() {
    let Some(e) = env() else { return };
    // SMTP: a submission port that offers no STARTTLS (but would take AUTH in the clear).
    let mut smtp = e.smtp_as_alice(Security::StartTls);
    smtp.port = e.smtp_plain;
    let mut d = e.drop(smtp.clone(), e.imap_as_bob(Security::StartTls));
    let c = cap();
    let err = d
        .put(&c.tag(), &blob(16_384), PutOptions::default())
        .expect_err("must refuse");
    assert!(matches!(err, TransportError::NoTls(_)), "{err}");
    assert!(
        err.to_string()
            .contains("does not offer TLS; refusing to send in the clear"),
        "{err}"
    );
    // Implicit TLS to a plaintext port fails the handshake; no fallback.
    let mut implicit = smtp.clone();
    implicit.security = Security::Implicit;
    let mut d = e.drop(implicit, e.imap_as_bob(Security::StartTls));
    assert!(
        d.put(&c.tag(), &blob(16_384), PutOptions::default())
            .is_err()
    );
    // IMAP: a listener with no TLS.
    let mut imap = e.imap_as_bob(Security::StartTls);
    imap.host = e.imap_plain_host.clone();
    imap.port = e.imap_plain;
    let mut d = e.drop(e.smtp_as_alice(Security::StartTls), imap.clone());
    let err = d
        .fetch(std::slice::from_ref(&c), &mut |_| Flow::Continue)
        .expect_err("must refuse");
    assert!(matches!(err, TransportError::NoTls(_)), "{err}");
    // Plaintext to a non-loopback host is refused even when allowed, before dialling.
    let mut far = smtp.clone();
    far.host = "mail.example.test".into();
    far.allow_plaintext_loopback = true;
    let mut d = e.drop(far, imap.clone());
    let err = d
        .put(&c.tag(), &blob(16_384), PutOptions::default())
        .expect_err("must refuse");
    assert!(
        matches!(err, TransportError::PlaintextNotLoopback(_)),
        "{err}"
    );
    // The explicit loopback test allowance does work (both protocols), so the refusals
    // above are the policy and not a broken server.
    smtp.allow_plaintext_loopback = true;
    imap.allow_plaintext_loopback = true;
    let mut d = e.drop(smtp, imap);
    d.put(&c.tag(), &blob(16_384), PutOptions::default())
        .expect("plaintext to an allowed loopback server");
    wait_delivered(&e.bob_maildir(), &c.tag(), 1);
    let caps = [c];
    let got = fetch_all(&mut d, &caps);
    assert_eq!(got.len(), 1);
    d.delete(&caps, &[(0, got[0].id.clone())]).expect("delete");
}

#[test]
fn wrong_password_is_a_clear_error() {
    let Some(e) = env() else { return };
    let mut smtp = e.smtp_as_alice(Security::StartTls);
    smtp.password = "wrong".to_string().into();
    let mut imap = e.imap_as_bob(Security::Implicit);
    imap.password = "wrong".to_string().into();
    let mut d = e.drop(smtp, imap);
    let c = cap();
    for err in [
        d.put(&c.tag(), &blob(16_384), PutOptions::default())
            .expect_err("smtp"),
        d.fetch(std::slice::from_ref(&c), &mut |_| Flow::Continue)
            .expect_err("imap"),
    ] {
        assert!(matches!(err, TransportError::AuthRefused(_)), "{err}");
        let msg = err.to_string();
        assert!(msg.ends_with("authentication refused"), "{msg}");
        assert!(msg.contains("password_command"), "{msg}");
        assert!(!msg.contains("wrong"), "password in the message: {msg}");
    }
}

#[test]
fn untrusted_certificate_is_refused() {
    let Some(e) = env() else { return };
    let mut smtp = e.smtp_as_alice(Security::StartTls);
    smtp.ca_file = None;
    let mut imap = e.imap_as_bob(Security::Implicit);
    imap.ca_file = None;
    let mut d = e.drop(smtp, imap);
    let c = cap();
    let err = d
        .put(&c.tag(), &blob(16_384), PutOptions::default())
        .expect_err("untrusted");
    assert!(err.to_string().contains("TLS"), "{err}");
    let err = d
        .fetch(&[c], &mut |_| Flow::Continue)
        .expect_err("untrusted");
    assert!(err.to_string().contains("ca_file"), "{err}");
}

#[test]
fn wrong_size_is_refused_before_dialling() {
    // No server needed: nothing may leave that is not a bucket-size blob.
    let dial = DialOptions::default();
    let mut d = mail_drop(&route(), &dial).expect("open");
    let err = d
        .put(&cap().tag(), &[0u8; 1000], PutOptions::default())
        .expect_err("size");
    assert!(err.to_string().contains("16384 or 262144"), "{err}");
    let err = d
        .put(&cap().tag(), &blob(16_384), PutOptions::default())
        .expect_err("no account");
    assert!(matches!(err, TransportError::NoAccount(_)), "{err}");
    assert!(err.to_string().contains("hushpost account add"), "{err}");
}

/// A minimal SOCKS5 proxy (no auth or user/password) that records each CONNECT target.
/// CONNECT targets the proxy saw: (SOCKS address type, "host:port").
type Seen = std::sync::Arc<Mutex<Vec<(u8, String)>>>;

fn socks_proxy() -> (u16, Seen) {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            let seen = seen2.clone();
            std::thread::spawn(move || {
                let mut c = c;
                let mut h = [0u8; 2];
                c.read_exact(&mut h).ok()?;
                let mut m = vec![0u8; h[1] as usize];
                c.read_exact(&mut m).ok()?;
                if m.contains(&2) {
                    c.write_all(&[5, 2]).ok()?;
                    let mut v = [0u8; 2];
                    c.read_exact(&mut v).ok()?;
                    let mut u = vec![0u8; v[1] as usize];
                    c.read_exact(&mut u).ok()?;
                    let mut pl = [0u8; 1];
                    c.read_exact(&mut pl).ok()?;
                    let mut p = vec![0u8; pl[0] as usize];
                    c.read_exact(&mut p).ok()?;
                    c.write_all(&[1, 0]).ok()?;
                } else {
                    c.write_all(&[5, 0]).ok()?;
                }
                let mut req = [0u8; 4];
                c.read_exact(&mut req).ok()?;
                let host = match req[3] {
                    1 => {
                        let mut a = [0u8; 4];
                        c.read_exact(&mut a).ok()?;
                        std::net::Ipv4Addr::from(a).to_string()
                    }
                    3 => {
                        let mut l = [0u8; 1];
                        c.read_exact(&mut l).ok()?;
                        let mut n = vec![0u8; l[0] as usize];
                        c.read_exact(&mut n).ok()?;
                        String::from_utf8(n).ok()?
                    }
                    _ => return None,
                };
                let mut p = [0u8; 2];
                c.read_exact(&mut p).ok()?;
                let port = u16::from_be_bytes(p);
                seen.lock().ok()?.push((req[3], format!("{host}:{port}")));
                let target = if host == "localhost" {
                    "127.0.0.1".to_string()
                } else {
                    host
                };
                let up = TcpStream::connect((target.as_str(), port)).ok()?;
                c.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).ok()?;
                let (mut a, mut b) = (c.try_clone().ok()?, up.try_clone().ok()?);
                let t = std::thread::spawn(move || {
                    let _ = std::io::copy(&mut a, &mut b);
                    let _ = b.shutdown(std::net::Shutdown::Write);
                });
                let (mut c2, mut up2) = (c, up);
                let _ = std::io::copy(&mut up2, &mut c2);
                let _ = c2.shutdown(std::net::Shutdown::Write);
                let _ = t.join();
                Some(())
            });
        }
    });
    (port, seen)
}

#[test]
fn through_a_socks5_proxy_with_the_name_unresolved() {
    let Some(e) = env() else { return };
    let (port, seen) = socks_proxy();
    let mut smtp = e.smtp_as_alice(Security::StartTls);
    smtp.host = "localhost".into();
    let mut imap = e.imap_as_bob(Security::Implicit);
    imap.host = "localhost".into();
    let dial = DialOptions {
        proxy: Some(format!("socks5h://127.0.0.1:{port}")),
        isolation: Some(("iso-user".into(), "iso-pass".into())),
        timeout_secs: 20,
        credentials: Credentials {
            smtp: Some(smtp),
            imap: Some(imap),
            ..Credentials::default()
        },
        state_dir: None,
    };
    let mut d = mail_drop(&route(), &dial).expect("open");
    let c = cap();
    let b = blob(16_384);
    d.put(&c.tag(), &b, PutOptions::default())
        .expect("put via proxy");
    wait_delivered(&e.bob_maildir(), &c.tag(), 1);
    let caps = [c];
    let got = fetch_all(&mut d, &caps);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].blob, b);
    d.delete(&caps, &[(0, got[0].id.clone())]).expect("delete");
    let seen: BTreeSet<(u8, String)> = seen.lock().expect("lock").iter().cloned().collect();
    let want: BTreeSet<(u8, String)> = [
        (3u8, format!("localhost:{}", e.smtp)),
        (3u8, format!("localhost:{}", e.imaps)),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        seen, want,
        "every connection went through the proxy, by name"
    );
    // Plaintext is never allowed through a proxy.
    let mut plain = e.smtp_as_alice(Security::StartTls);
    plain.port = e.smtp_plain;
    plain.allow_plaintext_loopback = true;
    let dial = DialOptions {
        proxy: Some(format!("socks5h://127.0.0.1:{port}")),
        credentials: Credentials {
            smtp: Some(plain),
            ..Credentials::default()
        },
        ..DialOptions::default()
    };
    let mut d = mail_drop(&route(), &dial).expect("open");
    let err = d
        .put(&cap().tag(), &blob(16_384), PutOptions::default())
        .expect_err("refused");
    assert!(
        matches!(err, TransportError::PlaintextNotLoopback(_)),
        "{err}"
    );
}

/// The typed constructor for a parsed route (tests build routes from strings).
fn mail_drop(
    r: &hushpost_core::Route,
    d: &hushpost_transports::DialOptions,
) -> Result<MailDrop, hushpost_transports::TransportError> {
    match r {
        hushpost_core::Route::Mailto(x) => MailDrop::new(x, d),
        other => panic!("not a Mailto route: {other}"),
    }
}
