//! The outbox on a simulated clock: mail kept after a failure is retried by `fetch` once
//! its backoff has passed (not before), and a contact who allows fallback gets it on their
//! next route after three failed attempts — one who does not, never.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::time::Clock;
use hushpost_ops::core_store::DeliveryState;
use hushpost_ops::{Home, InitOptions, Protection, SendRequest, Session};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

struct TestClock(AtomicU64);
impl Clock for TestClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

fn session(root: &Path, name: &str, routes: &[&Path], clock: &Arc<TestClock>) -> Session {
    let mut s = Session::init(
        Home::at(&root.join(name)),
        InitOptions {
            name: name.into(),
            protection: Protection::None,
            routes: routes
                .iter()
                .map(|d| format!("dir:{}", d.display()).parse().expect("route"))
                .collect(),
        },
    )
    .expect("init");
    s.set_clock(clock.clone());
    s
}

fn mkdir(root: &Path, name: &str) -> PathBuf {
    let d = root.join(name);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn now_send(s: &mut Session, to: &str) -> hushpost_ops::SendReport {
    s.send(
        &SendRequest {
            to: vec![to.into()],
            subject: "retry me".into(),
            text: "kept until it can leave".into(),
            ..Default::default()
        },
        &mut |_| {},
    )
    .expect("send")
}

#[test]
fn fetch_retries_kept_mail_after_its_backoff_and_not_before() {
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(TestClock(AtomicU64::new(hushpost_core::time::unix_now())));
    let shared = mkdir(t.path(), "shared");
    let mut alice = session(t.path(), "alice", &[&mkdir(t.path(), "a")], &clock);
    let mut bob = session(t.path(), "bob", &[&shared], &clock);
    alice
        .contact_add("bob", &bob.card().expect("card").encode())
        .expect("add");
    alice.contact_allow_local("bob").expect("allow");
    bob.contact_add("alice", &alice.card().expect("card").encode())
        .expect("add");
    bob.contact_allow_local("alice").expect("allow");
    let away = t.path().join("away");
    std::fs::rename(&shared, &away).expect("unplug");
    let r = now_send(&mut alice, "bob");
    assert!(!r.all_delivered() && r.recipients[0].retrying, "{r:?}");
    std::fs::rename(&away, &shared).expect("plug");

    // Not due yet: fetch leaves it alone.
    alice.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(alice.outbox_list().expect("list").len(), 1);
    assert!(bob.fetch(&mut |_| {}).expect("fetch").new.is_empty());
    // After the backoff (one minute) the next fetch sends it.
    clock.0.fetch_add(61, Ordering::SeqCst);
    let f = alice.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(f.retried, 1, "{f:?}");
    assert!(alice.outbox_list().expect("list").is_empty());
    assert_eq!(bob.fetch(&mut |_| {}).expect("fetch").new.len(), 1);
    let sent = alice.inbox().list(10, false, true).expect("sent");
    assert_eq!(sent[0].deliveries[0].state, DeliveryState::Sent);
}

#[test]
fn fallback_happens_only_where_the_contact_allows_it() {
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(TestClock(AtomicU64::new(hushpost_core::time::unix_now())));
    let first = mkdir(t.path(), "first");
    let second = mkdir(t.path(), "second");
    let mut alice = session(t.path(), "alice", &[&mkdir(t.path(), "a")], &clock);
    let mut bob = session(t.path(), "bob", &[&first, &second], &clock);
    alice
        .contact_add("bob", &bob.card().expect("card").encode())
        .expect("add");
    alice.contact_allow_local("bob").expect("allow");
    bob.contact_add("alice", &alice.card().expect("card").encode())
        .expect("add");
    bob.contact_allow_local("alice").expect("allow");
    std::fs::rename(&first, t.path().join("first-away")).expect("unplug the first route");

    // Not allowed: it waits for the first route however often it fails.
    let r = now_send(&mut alice, "bob");
    assert!(r.recipients[0].fell_back.is_none());
    for _ in 0..5 {
        clock.0.fetch_add(3_601, Ordering::SeqCst);
        let rep = alice.retry_due().expect("retry");
        assert!(rep.fell_back.is_empty(), "{rep:?}");
    }
    assert_eq!(alice.outbox_list().expect("list").len(), 1);
    assert!(bob.fetch(&mut |_| {}).expect("fetch").new.is_empty());

    // Allowed: after three failed attempts it moves to the second route and leaves.
    alice
        .contact_set_fallback("bob", true)
        .expect("fallback on");
    let mut moved = false;
    for _ in 0..5 {
        clock.0.fetch_add(3_601, Ordering::SeqCst);
        let rep = alice.retry_due().expect("retry");
        moved |= !rep.fell_back.is_empty();
    }
    assert!(moved, "it fell back");
    assert!(alice.outbox_list().expect("list").is_empty());
    assert_eq!(bob.fetch(&mut |_| {}).expect("fetch").new.len(), 1);
    let sent = alice.inbox().list(10, false, true).expect("sent");
    assert!(
        sent[0].deliveries[0].route.contains("second"),
        "{:?}",
        sent[0].deliveries
    );
}
