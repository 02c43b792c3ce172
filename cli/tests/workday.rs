//! Issue 18 §3, what trips a new user up, through the real binary: `list --sent` marks a
//! recipient verified only when they are; a fetch that fails prints nothing on stdout and
//! one inert line per route on stderr; lock files are 0600.
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
}

#[test]
fn a_failed_fetch_prints_nothing_on_stdout() {
    let tmp = tempdir();
    let (a, _b, drop) = pair(tmp.path());
    std::fs::remove_dir_all(&drop).expect("rm");
    let (code, out, err) = a.run(&["fetch"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "stdout: {out:?}");
    assert!(err.contains("no route could be fetched"), "{err}");
    assert!(err.lines().all(|l| l.starts_with("hushpost: ")), "{err}");
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
