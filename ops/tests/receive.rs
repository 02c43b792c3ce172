//! Receiving, kept aside rather than deleted: a message dated in the future (the sender's
//! clock ahead) is quarantined, shown, and arrives once the clock agrees or on release;
//! every kind enters the replay window; a missing message and a forked chain are noticed.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::time::Clock;
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

struct Pair {
    _t: tempfile::TempDir,
    drop: PathBuf,
    a_clock: Arc<TestClock>,
    b_clock: Arc<TestClock>,
    alice: Session,
    bob: Session,
}

fn session(root: &Path, name: &str, drop: &Path, clock: &Arc<TestClock>) -> Session {
    let mut s = Session::init(
        Home::at(&root.join(name)),
        InitOptions {
            name: name.into(),
            protection: Protection::None,
            routes: vec![format!("dir:{}", drop.display()).parse().expect("route")],
        },
    )
    .expect("init");
    s.set_clock(clock.clone());
    s
}

fn pair() -> Pair {
    let t = tempfile::tempdir().expect("tmp");
    let drop = t.path().join("drop");
    std::fs::create_dir(&drop).expect("mkdir");
    let now = hushpost_core::time::unix_now();
    let a_clock = Arc::new(TestClock(AtomicU64::new(now)));
    let b_clock = Arc::new(TestClock(AtomicU64::new(now)));
    let mut alice = session(t.path(), "alice", &drop, &a_clock);
    let mut bob = session(t.path(), "bob", &drop, &b_clock);
    alice
        .contact_add("bob", &bob.card().expect("card").encode())
        .expect("add");
    alice.contact_allow_local("bob").expect("allow");
    bob.contact_add("alice", &alice.card().expect("card").encode())
        .expect("add");
    bob.contact_allow_local("alice").expect("allow");
    Pair {
        _t: t,
        drop,
        a_clock,
        b_clock,
        alice,
        bob,
    }
}

fn send(s: &mut Session, subject: &str) {
    let r = s
        .send(
            &SendRequest {
                to: vec!["bob".into()],
                subject: subject.into(),
                text: format!("{subject} body"),
                ..Default::default()
            },
            &mut |_| {},
        )
        .expect("send");
    assert!(r.all_delivered(), "{r:?}");
}

fn files(d: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(d)
        .expect("ls")
        .map(|e| e.expect("e").path())
        .collect();
    v.sort();
    v
}

#[test]
fn a_message_from_a_clock_ahead_is_kept_aside_then_arrives() {
    let mut p = pair();
    p.a_clock.0.fetch_add(20 * 60, Ordering::SeqCst);
    send(&mut p.alice, "from the future");
    let r = p.bob.fetch(&mut |_| {}).expect("fetch");
    assert!(r.new.is_empty());
    assert_eq!(r.quarantined.len(), 1, "{r:?}");
    assert!(
        files(&p.drop).is_empty(),
        "kept aside locally, not left in the drop"
    );
    let q = p.bob.quarantine_list().expect("list");
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].contact.as_deref(), Some("alice"));
    assert!(q[0].reason.contains("future"), "{q:?}");
    // Still too early: the next fetch leaves it aside.
    assert!(p.bob.fetch(&mut |_| {}).expect("fetch").new.is_empty());
    assert_eq!(p.bob.quarantine_list().expect("list").len(), 1);
    // Once the clock agrees it arrives on its own.
    p.b_clock.0.fetch_add(20 * 60, Ordering::SeqCst);
    let r = p.bob.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(r.new.len(), 1, "{r:?}");
    assert!(p.bob.quarantine_list().expect("list").is_empty());
}

#[test]
fn a_quarantined_message_can_be_released_by_hand() {
    let mut p = pair();
    p.a_clock.0.fetch_add(3 * 3600, Ordering::SeqCst);
    send(&mut p.alice, "hours ahead");
    p.bob.fetch(&mut |_| {}).expect("fetch");
    let id = p.bob.quarantine_list().expect("list")[0].id;
    let r = p.bob.quarantine_release(id).expect("release");
    assert_eq!(r.new.len(), 1);
    assert!(p.bob.quarantine_list().expect("list").is_empty());
    let rows = p.bob.inbox().list(10, false, false).expect("list");
    assert_eq!(rows[0].subject, "hours ahead");
    assert!(p.bob.quarantine_drop(id).is_err(), "gone");
}

#[test]
fn a_replayed_intro_is_refused_like_a_replayed_message() {
    let mut p = pair();
    let carol_dir = p._t.path().join("carol-drop");
    std::fs::create_dir(&carol_dir).expect("mkdir");
    let clock = Arc::new(TestClock(AtomicU64::new(hushpost_core::time::unix_now())));
    let mut carol = session(p._t.path(), "carol", &carol_dir, &clock);
    carol
        .introduce("bob", &p.bob.card().expect("card").encode(), "hello", true)
        .expect("introduce");
    let blob = files(&p.drop).pop().expect("the intro post");
    let copy = std::fs::read(&blob).expect("read");
    let r = p.bob.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(r.intros, 1);
    // The relay (or anyone with the drop) puts the same post again.
    let name = blob
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let (tag, _) = name.split_once('.').expect("tag.random");
    std::fs::write(p.drop.join(format!("{tag}.00000000000000aa")), &copy).expect("replay");
    let r = p.bob.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(r.intros, 0, "{r:?}");
    assert_eq!(r.duplicates, 1, "the replay is refused: {r:?}");
}

#[test]
fn a_missing_message_and_a_forked_chain_are_noticed() {
    let mut p = pair();
    send(&mut p.alice, "one");
    p.bob.fetch(&mut |_| {}).expect("fetch");
    send(&mut p.alice, "two");
    // The drop loses "two".
    for f in files(&p.drop) {
        std::fs::remove_file(f).expect("rm");
    }
    send(&mut p.alice, "three");
    p.bob.fetch(&mut |_| {}).expect("fetch");
    assert!(
        p.bob.inbox().chain_warnings().expect("w").is_empty(),
        "not before the grace period: mail arrives out of order"
    );
    p.b_clock.0.fetch_add(2 * 3600, Ordering::SeqCst);
    let w = p.bob.inbox().chain_warnings().expect("w");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].missing, w[0].fork), (1, false));
    assert!(
        w[0].text.contains("a message from alice is missing"),
        "{w:?}"
    );

    // A second device with Alice's key continues from an older point of her chain.
    let bob_ed = hex::encode(p.bob.identity().ed_public());
    let key = format!("chain-out:{bob_ed}");
    let before = p
        .alice
        .store()
        .expect("store")
        .meta_get(&key)
        .expect("meta")
        .expect("chain");
    send(&mut p.alice, "four");
    p.alice
        .store()
        .expect("store")
        .meta_set(&key, &before)
        .expect("rewind");
    send(&mut p.alice, "four, again");
    p.bob.fetch(&mut |_| {}).expect("fetch");
    let w = p.bob.inbox().chain_warnings().expect("w");
    assert!(w.iter().any(|w| w.fork), "{w:?}");
}

/// More mail than one processing batch (256 blobs), written newest-last but dated
/// oldest-last, in the drop's own listing order: ids of the whole fetch follow `sent_at`, and
/// the fetch reports the permanent ids.
#[test]
fn ids_of_one_fetch_follow_sent_at_across_its_batches() {
    let mut p = pair();
    let base = p.a_clock.now();
    for i in 0..300u64 {
        p.a_clock.0.store(base - i, Ordering::SeqCst);
        send(&mut p.alice, &format!("m{i}"));
    }
    let r = p.bob.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(r.new.len(), 300, "{r:?}");
    let mut rows: Vec<(i64, u64)> = p
        .bob
        .inbox()
        .list(0, false, false)
        .expect("list")
        .iter()
        .map(|l| (l.id, l.timestamp))
        .collect();
    rows.sort_unstable();
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(r.new, ids, "the fetch reports the ids the messages kept");
    let dates: Vec<u64> = rows.iter().map(|r| r.1).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted, "ids follow sent_at");
    assert_eq!(dates.first(), Some(&(base - 299)));
}
