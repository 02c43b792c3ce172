//! Envelope v2 in ops (issue 17): keyrings from 0.1 gain a hybrid identity on first unlock;
//! the long-term hybrid key is announced until the contact is seen sealing to a hybrid key
//! of ours; heads *and* fragments must come from the contact whose mailbox they arrived in;
//! a message enters the replay window when it is stored (a second copy is a duplicate).
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::envelope::v2::{self, Body, KeyRole, Opened, Receiver, SealTo};
use hushpost_core::envelope::{self, Kind};
use hushpost_core::identity::{Identity, PublicIdentity};
use hushpost_core::replay::MemorySeen;
use hushpost_core::tags::PairKeys;
use hushpost_core::time::Day;
use hushpost_ops::{Home, InitOptions, Protection, SendRequest, Session};
use std::path::{Path, PathBuf};

struct World {
    t: tempfile::TempDir,
    drop: PathBuf,
}

impl World {
    fn new() -> World {
        let t = tempfile::tempdir().expect("tmp");
        let drop = t.path().join("drop");
        std::fs::create_dir(&drop).expect("mkdir");
        World { t, drop }
    }

    fn person(&self, name: &str) -> Session {
        Session::init(
            Home::at(&self.t.path().join(name)),
            InitOptions {
                name: name.into(),
                protection: Protection::None,
                routes: vec![
                    format!("dir:{}", self.drop.display())
                        .parse()
                        .expect("route"),
                ],
            },
        )
        .expect("init")
    }
}

fn befriend(a: &mut Session, a_name: &str, b: &mut Session, b_name: &str) {
    a.contact_add(b_name, &b.card().expect("card").encode())
        .expect("add");
    a.contact_allow_local(b_name).expect("allow");
    b.contact_add(a_name, &a.card().expect("card").encode())
        .expect("add");
    b.contact_allow_local(a_name).expect("allow");
}

fn send(s: &mut Session, to: &str, subject: &str) {
    let r = s
        .send(
            &SendRequest {
                to: vec![to.into()],
                subject: subject.into(),
                text: format!("{subject} body"),
                ..Default::default()
            },
            &mut |_| {},
        )
        .expect("send");
    assert!(r.all_delivered(), "{r:?}");
}

fn fetch(s: &mut Session) -> hushpost_ops::FetchReport {
    s.fetch(&mut |_| {}).expect("fetch")
}

fn keyring_json(s: &Session) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(s.home.keyring()).expect("plain keyring"))
        .expect("json")
}

fn drop_files(drop: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(drop)
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

/// Opens a blob with everything `s` can open (its exported keys), as `s` would.
fn open_as(s: &Session, blob: &[u8]) -> v2::Envelope {
    let keys = s.receiving_keys();
    let x: Vec<_> = keys.classical.iter().map(|(_, k)| k).collect();
    let pq: Vec<_> = keys.hybrid.iter().map(|(_, k)| k).collect();
    let rx = Receiver {
        me: s.identity().ed_public(),
        x_keys: &x,
        pq_keys: &pq,
        is_contact: &|_| true,
        seen: &MemorySeen::default(),
        now: hushpost_core::time::unix_now(),
        max_total_len: v2::DEFAULT_MAX_TOTAL_LEN,
    };
    match v2::open(blob, &rx).expect("opens") {
        Opened::Envelope(e) => *e,
        _ => panic!("not a v2 envelope"),
    }
}

#[test]
fn an_old_keyring_gains_a_hybrid_identity_on_first_unlock() {
    let w = World::new();
    let s = w.person("alice");
    let home = s.home.clone();
    drop(s);
    // Make it a 0.1 keyring: no hybrid seed anywhere.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.keyring()).expect("read"))
            .expect("json");
    v["keyring"]
        .as_object_mut()
        .expect("object")
        .remove("pq_seed")
        .expect("a new keyring has a hybrid seed");
    std::fs::write(home.keyring(), serde_json::to_vec_pretty(&v).expect("json")).expect("write");
    assert!(
        !std::fs::read_to_string(home.keyring())
            .expect("read")
            .contains("pq_seed")
    );

    let s = Session::unlock(home.clone(), None).expect("unlock");
    let seed = keyring_json(&s)["keyring"]["pq_seed"]
        .as_str()
        .expect("upgraded on first unlock, durably")
        .to_string();
    let exported = s.receiving_keys().hybrid[0].1.public().to_age_string();
    drop(s);
    let s = Session::unlock(home, None).expect("unlock again");
    assert_eq!(
        keyring_json(&s)["keyring"]["pq_seed"].as_str(),
        Some(seed.as_str())
    );
    assert_eq!(
        s.receiving_keys().hybrid[0].1.public().to_age_string(),
        exported,
        "the same hybrid identity after the upgrade"
    );
}

#[test]
fn the_long_term_hybrid_key_is_announced_until_the_contact_uses_ours() {
    let w = World::new();
    let mut alice = w.person("alice");
    let mut bob = w.person("bob");
    befriend(&mut alice, "alice", &mut bob, "bob");
    send(&mut alice, "bob", "one");
    let first = std::fs::read(&drop_files(&w.drop)[0]).expect("blob");
    let e = open_as(&bob, &first);
    assert!(
        !e.post_quantum(),
        "the first message is sealed to the card's X25519 key"
    );
    let roles: Vec<KeyRole> = e.keys.iter().map(|k| k.role).collect();
    assert!(
        roles.contains(&KeyRole::Prekey) && roles.contains(&KeyRole::Identity),
        "{roles:?}"
    );
    assert_eq!(fetch(&mut bob).new.len(), 1);
    // Bob's reply is post-quantum; once Alice has opened it she stops sending her
    // long-term hybrid key.
    send(&mut bob, "alice", "two");
    let reply = std::fs::read(&drop_files(&w.drop)[0]).expect("blob");
    assert!(open_as(&alice, &reply).post_quantum());
    assert_eq!(fetch(&mut alice).new.len(), 1);
    assert!(
        keyring_json(&alice)["keyring"]["contacts"][0]["pq_seen_at"].is_u64(),
        "Alice noted that Bob seals to her hybrid keys"
    );
    send(&mut alice, "bob", "three");
    let third = std::fs::read(&drop_files(&w.drop)[0]).expect("blob");
    let e = open_as(&bob, &third);
    assert!(e.post_quantum());
    let roles: Vec<KeyRole> = e.keys.iter().map(|k| k.role).collect();
    assert_eq!(roles, vec![KeyRole::Prekey], "only the prekey now");
    assert_eq!(fetch(&mut bob).new.len(), 1);
    let st = bob.prekey_state("alice").expect("state");
    assert!(st.post_quantum, "{st:?}");
}

/// Seals `body` from `from` to `to` (post-quantum when `to` holds `from`'s view of it),
/// and writes every blob into the drop under the tag of the pair (`tag_from`, `to`).
fn put_message(
    w: &World,
    from: &Identity,
    tag_from: &Identity,
    to: &Session,
    body: &[u8],
) -> usize {
    let to_pub: PublicIdentity = to.identity().public();
    let seal_to = SealTo::Classical {
        ed: to_pub.ed,
        key: to_pub.x,
    };
    let draft = v2::Draft {
        kind: Kind::Message,
        msg_id: envelope::new_msg_id(),
        prev_hash: [0; 32],
        sent_at: hushpost_core::time::unix_now(),
        expires_at: 0,
        burn_after_reading: false,
        keys: vec![],
    };
    let tag = PairKeys::derive(tag_from, &to_pub)
        .expect("pair")
        .outgoing
        .tag(Day::of(hushpost_core::time::unix_now()));
    let mut n = 0usize;
    v2::seal(
        from,
        &seal_to,
        &draft,
        &Body::new(&body.to_vec()),
        &mut |b| {
            std::fs::write(w.drop.join(format!("{}.{n:016x}", tag.hex())), b)?;
            n += 1;
            Ok(())
        },
    )
    .expect("seal");
    n
}

fn letter(text: &str, pad: usize) -> Vec<u8> {
    let mut v = format!("Subject: {text}\r\n\r\n{text}\r\n").into_bytes();
    v.extend(std::iter::repeat_n(b'x', pad));
    v
}

#[test]
fn heads_and_fragments_from_another_contact_mailbox_are_refused() {
    let w = World::new();
    let mut alice = w.person("alice");
    let mut bob = w.person("bob");
    let mut carol = w.person("carol");
    befriend(&mut alice, "alice", &mut bob, "bob");
    befriend(&mut alice, "alice", &mut carol, "carol");
    // Bob signs a large message but posts it in the Carol→Alice mailbox: the head and
    // every fragment name Bob as their sender, so none is Carol's mail.
    let n = put_message(
        &w,
        bob.identity(),
        carol.identity(),
        &alice,
        &letter("spliced", 700_000),
    );
    assert!(n >= 3, "a fragmented message: {n} blobs");
    let r = fetch(&mut alice);
    assert!(r.new.is_empty(), "{r:?}");
    assert_eq!(
        r.rejected.len(),
        n,
        "head and every fragment refused: {r:?}"
    );
    assert!(
        r.rejected
            .iter()
            .all(|x| x.reason.contains("sender does not match the mailbox")),
        "{r:?}"
    );
    assert_eq!(r.incomplete, 0, "nothing kept as arriving: {r:?}");
    assert!(
        drop_files(&w.drop).is_empty(),
        "refused blobs leave the drop"
    );
    // The same message in Bob's own mailbox arrives.
    let n = put_message(
        &w,
        bob.identity(),
        bob.identity(),
        &alice,
        &letter("genuine", 700_000),
    );
    let r = fetch(&mut alice);
    assert_eq!(r.new.len(), 1, "{r:?} ({n} blobs)");
}

#[test]
fn a_stored_message_enters_the_replay_window_whole_or_fragmented() {
    let w = World::new();
    let mut alice = w.person("alice");
    let mut bob = w.person("bob");
    befriend(&mut alice, "alice", &mut bob, "bob");
    for (name, pad) in [("small", 0usize), ("large", 700_000)] {
        let n = put_message(
            &w,
            bob.identity(),
            bob.identity(),
            &alice,
            &letter(name, pad),
        );
        let copies: Vec<(PathBuf, Vec<u8>)> = drop_files(&w.drop)
            .into_iter()
            .map(|p| {
                let b = std::fs::read(&p).expect("read");
                (p, b)
            })
            .collect();
        assert_eq!(copies.len(), n);
        let r = fetch(&mut alice);
        assert_eq!(r.new.len(), 1, "{name}: {r:?}");
        // A drop (or a contact) puts the very same blobs back.
        for (p, b) in &copies {
            std::fs::write(p, b).expect("write");
        }
        let r = fetch(&mut alice);
        assert!(r.new.is_empty(), "{name} stored twice: {r:?}");
        assert!(
            r.duplicates >= 1,
            "{name}: the head is a known duplicate: {r:?}"
        );
        assert_eq!(r.incomplete, 0, "{name}: no second copy arriving: {r:?}");
        assert!(
            drop_files(&w.drop).is_empty(),
            "{name}: duplicates leave the drop"
        );
    }
}
