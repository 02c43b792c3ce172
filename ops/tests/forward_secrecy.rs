//! Forward secrecy and expiry on a simulated clock: prekey rotation, deletion deadlines
//! (the key bytes are gone from the keyring), forged prekeys, out-of-order and duplicated
//! delivery during rotation, and expiring / burn-after-reading messages.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::envelope::v2::{self, Body, KeyRole, SealTo, SignedKey};
use hushpost_core::envelope::{self, Draft, Kind, Recipient, SignedPrekey};
use hushpost_core::hybrid::HybridKeyPair;
use hushpost_core::identity::Identity;
use hushpost_core::tags::PairKeys;
use hushpost_core::time::{Clock, Day};
use hushpost_ops::{Home, InitOptions, Protection, SendRequest, Session};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

struct TestClock(AtomicU64);
impl Clock for TestClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

const DAY: u64 = 86_400;

struct World {
    _t: tempfile::TempDir,
    clock: Arc<TestClock>,
    drop: std::path::PathBuf,
    alice: Session,
    bob: Session,
}

impl World {
    fn new() -> World {
        let t = tempfile::tempdir().expect("tmp");
        let drop = t.path().join("drop");
        std::fs::create_dir(&drop).expect("mkdir");
        let clock = Arc::new(TestClock(AtomicU64::new(hushpost_core::time::unix_now())));
        let mk = |name: &str| {
            let mut s = Session::init(
                Home::at(&t.path().join(name)),
                InitOptions {
                    name: name.into(),
                    protection: Protection::None,
                    routes: vec![format!("dir:{}", drop.display()).parse().expect("route")],
                },
            )
            .expect("init");
            s.set_clock(clock.clone());
            s
        };
        let mut alice = mk("Alice");
        let mut bob = mk("Bob");
        alice
            .contact_add("bob", &bob.card().expect("card").encode())
            .expect("add");
        alice.contact_allow_local("bob").expect("allow");
        bob.contact_add("alice", &alice.card().expect("card").encode())
            .expect("add");
        bob.contact_allow_local("alice").expect("allow");
        World {
            _t: t,
            clock,
            drop,
            alice,
            bob,
        }
    }

    fn advance(&self, secs: u64) {
        self.clock.0.fetch_add(secs, Ordering::SeqCst);
    }
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

fn keyring_text(s: &Session) -> String {
    std::fs::read_to_string(s.home.keyring()).expect("plain keyring")
}

fn prekey_hexes(s: &Session, contact: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&keyring_text(s)).expect("json");
    v["keyring"]["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["name"] == contact)
        .expect("contact")["my_prekeys"]
        .as_array()
        .expect("prekeys")
        .iter()
        .map(|p| p["secret"].as_str().expect("secret").to_string())
        .collect()
}

/// The hybrid halves (seeds) of our prekeys for `contact`, oldest first.
fn hybrid_prekey_seeds(s: &Session, contact: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&keyring_text(s)).expect("json");
    v["keyring"]["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["name"] == contact)
        .expect("contact")["my_prekeys"]
        .as_array()
        .expect("prekeys")
        .iter()
        .map(|p| {
            p["pq_seed"]
                .as_str()
                .expect("every prekey has a hybrid half")
                .to_string()
        })
        .collect()
}

/// A v2 blob from `from` to `to`'s mailbox, sealed to `key`, put in the drop.
fn put_v2(w: &World, from: &Identity, to: &Session, key: SealTo, draft: v2::Draft, name: &str) {
    let body = b"Subject: late\r\n\r\nlate".to_vec();
    let mut blobs = Vec::new();
    v2::seal(from, &key, &draft, &Body::new(&body), &mut |b| {
        blobs.push(b.to_vec());
        Ok(())
    })
    .expect("seal");
    let tag = PairKeys::derive(from, &to.identity().public())
        .expect("pair")
        .outgoing
        .tag(Day::of(w.clock.now()));
    std::fs::write(w.drop.join(format!("{}.{name}", tag.hex())), &blobs[0]).expect("write");
}

fn v2_draft(w: &World, kind: Kind, keys: Vec<SignedKey>) -> v2::Draft {
    v2::Draft {
        kind,
        msg_id: envelope::new_msg_id(),
        prev_hash: [0; 32],
        sent_at: w.clock.now(),
        expires_at: 0,
        burn_after_reading: false,
        keys,
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).expect("ls").count()
}

#[test]
fn prekeys_rotate_and_superseded_keys_are_really_deleted() {
    let mut w = World::new();
    // First contact: Alice → Bob goes to Bob's identity key and carries Alice's prekey A1.
    send(&mut w.alice, "bob", "one");
    assert_eq!(fetch(&mut w.bob).new.len(), 1);
    let a1 = prekey_hexes(&w.alice, "bob");
    let pq1 = hybrid_prekey_seeds(&w.alice, "bob");
    assert_eq!(a1.len(), 1);
    assert_eq!(pq1.len(), 1, "each prekey generation has a hybrid half");
    let st = w.bob.prekey_state("alice").expect("state");
    assert!(st.we_use_their_prekey, "Bob now encrypts to Alice's prekey");
    // Bob's reply is sealed to A1 (trial decryption finds it) and carries Bob's prekey.
    send(&mut w.bob, "alice", "two");
    assert_eq!(fetch(&mut w.alice).new.len(), 1);
    let st = w.alice.prekey_state("bob").expect("state");
    assert!(
        st.they_use_our_prekey && st.we_use_their_prekey && st.active(),
        "{st:?}"
    );
    assert!(
        st.post_quantum,
        "Alice seals to Bob's hybrid prekey now: {st:?}"
    );

    // A blob sealed to A1 now (an adversary kept it), to be tried after A1's deadline.
    let a1_public = {
        let v: serde_json::Value = serde_json::from_str(&keyring_text(&w.alice)).expect("json");
        v["keyring"]["contacts"][0]["my_prekeys"][0]["public"]
            .as_str()
            .expect("pub")
            .to_string()
    };
    // Eight days later Alice's next message rotates to A2; Bob answers to A2.
    w.advance(8 * DAY);
    send(&mut w.alice, "bob", "three");
    let after_rotation = prekey_hexes(&w.alice, "bob");
    assert_eq!(after_rotation.len(), 2, "A1 is kept until its deadline");
    fetch(&mut w.bob);
    send(&mut w.bob, "alice", "four");
    assert_eq!(fetch(&mut w.alice).new.len(), 1);

    // 22 days after Bob was seen using A2, A1's private key is gone from the keyring file.
    w.advance(22 * DAY);
    send(&mut w.bob, "alice", "five"); // keeps the conversation inside the replay window
    fetch(&mut w.alice);
    let now = prekey_hexes(&w.alice, "bob");
    assert!(!now.contains(&a1[0]), "A1 still present");
    let text = keyring_text(&w.alice);
    assert!(
        !text.contains(&a1[0]),
        "A1's secret bytes are still in the keyring file"
    );
    assert!(
        !text.contains(&pq1[0]),
        "A1's hybrid seed is still in the keyring file"
    );
    assert!(
        !hushpost_durable::prev_path(&w.alice.home.keyring()).exists(),
        "no old generation left behind"
    );

    // A blob sealed to A1 can no longer be opened.
    let bob_id = Identity::from_secrets(&[0; 32], &[0; 32]); // placeholder never used
    drop(bob_id);
    let bob_keys = {
        let v: serde_json::Value = serde_json::from_str(&keyring_text(&w.bob)).expect("json");
        (
            hex::decode(v["keyring"]["ed_seed"].as_str().expect("seed")).expect("hex"),
            hex::decode(v["keyring"]["x_secret"].as_str().expect("x")).expect("hex"),
        )
    };
    let bob_identity = Identity::from_secrets(
        &bob_keys.0.try_into().expect("32"),
        &bob_keys.1.try_into().expect("32"),
    );
    let a1_key: [u8; 32] = hex::decode(&a1_public)
        .expect("hex")
        .try_into()
        .expect("32");
    put_late_blobs(&w, &bob_identity, a1_key, &pq1[0]);
    let r = fetch(&mut w.alice);
    assert_eq!(r.new.len(), 0);
    assert_eq!(r.rejected.len(), 2, "{r:?}");
    assert!(
        r.rejected
            .iter()
            .all(|x| x.reason.contains("key we do not hold")),
        "{:?}",
        r.rejected
    );
}

/// What an adversary kept: a v1 blob sealed to A1 and a post-quantum blob sealed to A1's
/// hybrid half (the key Bob really used), both from Bob to Alice, put in the drop.
fn put_late_blobs(w: &World, bob_identity: &Identity, a1_key: [u8; 32], pq1_seed: &str) {
    let alice_pub = w.alice.identity().public();
    let sealed = envelope::seal(
        bob_identity,
        &Recipient {
            ed: alice_pub.ed,
            key: a1_key,
        },
        &Draft {
            kind: Kind::Message,
            msg_id: envelope::new_msg_id(),
            prev_hash: [0; 32],
            sent_at: w.clock.now(),
            expires_at: 0,
            burn_after_reading: false,
            prekey: None,
            body: b"Subject: late\r\n\r\nlate",
        },
    )
    .expect("seal");
    let tag = PairKeys::derive(bob_identity, &alice_pub)
        .expect("pair")
        .outgoing
        .tag(Day::of(w.clock.now()));
    std::fs::write(
        w.drop.join(format!("{}.0000000000000001", tag.hex())),
        &sealed.blobs[0],
    )
    .expect("write");
    // And a post-quantum blob sealed to A1's hybrid half, the key Bob really used.
    let pq1_key =
        HybridKeyPair::from_seed(&hex::decode(pq1_seed).expect("hex").try_into().expect("32"));
    put_v2(
        w,
        bob_identity,
        &w.alice,
        SealTo::Hybrid {
            ed: alice_pub.ed,
            key: pq1_key.public().clone(),
        },
        v2_draft(w, Kind::Message, vec![]),
        "0000000000000002",
    );
}

#[test]
fn at_most_three_live_prekeys_and_hard_cap() {
    let mut w = World::new();
    for i in 0..6 {
        send(&mut w.alice, "bob", &format!("m{i}"));
        fetch(&mut w.bob);
        send(&mut w.bob, "alice", &format!("r{i}"));
        fetch(&mut w.alice);
        w.advance(2 * DAY);
    }
    assert!(prekey_hexes(&w.alice, "bob").len() <= 3);
    // Rotate once more (P), then 36 days pass without Bob using anything newer: every key
    // replaced 35+ days ago is deleted; P (replaced only now) and the newest remain.
    let before = prekey_hexes(&w.alice, "bob");
    send(&mut w.alice, "bob", "rotate");
    let p = prekey_hexes(&w.alice, "bob").last().cloned().expect("P");
    assert!(!before.contains(&p));
    w.advance(36 * DAY);
    send(&mut w.alice, "bob", "rotate again");
    fetch(&mut w.alice);
    let after = prekey_hexes(&w.alice, "bob");
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0], p);
    assert!(
        before.iter().all(|k| !after.contains(k)),
        "keys replaced 36 days ago survived the hard cap"
    );
}

#[test]
fn forged_prekey_is_ignored() {
    let mut w = World::new();
    send(&mut w.alice, "bob", "hello");
    fetch(&mut w.bob);
    let good = w.bob.prekey_state("alice").expect("state");
    assert!(good.we_use_their_prekey);
    // Alice's message carrying a prekey signed by someone else.
    let alice_seed = {
        let v: serde_json::Value = serde_json::from_str(&keyring_text(&w.alice)).expect("json");
        (
            hex::decode(v["keyring"]["ed_seed"].as_str().expect("s")).expect("hex"),
            hex::decode(v["keyring"]["x_secret"].as_str().expect("x")).expect("hex"),
        )
    };
    let alice_id = Identity::from_secrets(
        &alice_seed.0.try_into().expect("32"),
        &alice_seed.1.try_into().expect("32"),
    );
    let mallory = Identity::generate();
    let bob_pub = w.bob.identity().public();
    let mut forged = SignedPrekey::sign(&mallory, &bob_pub.ed, [9; 32], w.clock.now() + 30 * DAY);
    forged.sig[0] ^= 0; // signed by the wrong identity
    let sealed = envelope::seal(
        &alice_id,
        &Recipient {
            ed: bob_pub.ed,
            key: bob_pub.x,
        },
        &Draft {
            kind: Kind::KeyUpdate,
            msg_id: envelope::new_msg_id(),
            prev_hash: [0; 32],
            sent_at: w.clock.now(),
            expires_at: 0,
            burn_after_reading: false,
            prekey: Some(forged),
            body: b"",
        },
    )
    .expect("seal");
    let tag = PairKeys::derive(&alice_id, &bob_pub)
        .expect("pair")
        .outgoing
        .tag(Day::of(w.clock.now()));
    std::fs::write(
        w.drop.join(format!("{}.00000000000000aa", tag.hex())),
        &sealed.blobs[0],
    )
    .expect("write");
    let before = keyring_text(&w.bob);
    let pq_of = |text: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(text).expect("json");
        v["keyring"]["contacts"][0]["their_pq_prekey"]["key"]
            .as_str()
            .expect("Alice's hybrid prekey")
            .to_string()
    };
    let genuine = pq_of(&before);
    fetch(&mut w.bob);
    let v: serde_json::Value = serde_json::from_str(&keyring_text(&w.bob)).expect("json");
    assert_ne!(
        v["keyring"]["contacts"][0]["their_prekey"]["key"].as_str(),
        Some(hex::encode([9u8; 32]).as_str()),
        "the forged v1 prekey was adopted"
    );
    assert_eq!(pq_of(&keyring_text(&w.bob)), genuine);
    // The same in v2: a hybrid prekey Mallory signed, in a key update "from" Alice, is
    // refused as a whole (bad key) and never stored.
    let forged = SignedKey::sign(
        &mallory,
        &bob_pub.ed,
        KeyRole::Prekey,
        HybridKeyPair::generate().public().clone(),
        w.clock.now() + 30 * DAY,
    );
    put_v2(
        &w,
        &alice_id,
        &w.bob,
        SealTo::Classical {
            ed: bob_pub.ed,
            key: bob_pub.x,
        },
        v2_draft(&w, Kind::KeyUpdate, vec![forged]),
        "00000000000000ab",
    );
    let r = fetch(&mut w.bob);
    assert_eq!(r.rejected.len(), 1, "{r:?}");
    assert!(
        r.rejected[0].reason.contains("signed key does not verify"),
        "{r:?}"
    );
    assert_eq!(
        pq_of(&keyring_text(&w.bob)),
        genuine,
        "the forged hybrid prekey was adopted"
    );
}

#[test]
fn rotation_out_of_order_duplicates_and_two_routes_open_exactly_once() {
    let mut w = World::new();
    let second = w.drop.parent().expect("p").join("drop2");
    std::fs::create_dir(&second).expect("mkdir");
    w.bob
        .route_add(format!("dir:{}", second.display()).parse().expect("route"))
        .expect("route add");
    w.alice
        .contact_add("bob", &w.bob.card().expect("card").encode())
        .expect("refresh card");
    send(&mut w.alice, "bob", "a");
    fetch(&mut w.bob);
    send(&mut w.bob, "alice", "b");
    fetch(&mut w.alice);
    w.advance(8 * DAY);
    // Three messages across a rotation, each copied onto both routes, delivered reversed.
    for s in ["c", "d", "e"] {
        send(&mut w.alice, "bob", s);
        w.advance(60);
    }
    for f in std::fs::read_dir(&w.drop).expect("ls") {
        let f = f.expect("e").path();
        std::fs::copy(&f, second.join(f.file_name().expect("n"))).expect("copy");
    }
    assert_eq!(count_files(&second), count_files(&w.drop));
    let r = fetch(&mut w.bob);
    assert_eq!(r.new.len(), 3, "{r:?}");
    assert_eq!(r.duplicates, 3);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(count_files(&w.drop) + count_files(&second), 0);
}

#[test]
fn expired_and_burned_messages_leave_store_index_and_export() {
    let mut w = World::new();
    let r = w
        .alice
        .send(
            &SendRequest {
                to: vec!["bob".into()],
                subject: "ephemeral".into(),
                text: "zanzibar secret".into(),
                expire_secs: Some(3600),
                ..Default::default()
            },
            &mut |_| {},
        )
        .expect("send");
    assert!(r.all_delivered());
    w.alice
        .send(
            &SendRequest {
                to: vec!["bob".into()],
                subject: "burn".into(),
                text: "quokka".into(),
                burn_after_reading: true,
                ..Default::default()
            },
            &mut |_| {},
        )
        .expect("send");
    fetch(&mut w.bob);
    assert_eq!(count_files(&w.drop), 0, "drop copies deleted");
    let rows = w.bob.inbox().list(50, false, false).expect("list");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|r| r.expires_at > 0));
    assert_eq!(
        w.bob.inbox().search("zanzibar", 10).expect("search").len(),
        1
    );
    // Burn after reading: gone once read.
    let burn = rows.iter().find(|r| r.burn_after_reading).expect("burn").id;
    let m = w.bob.inbox().read(burn, false).expect("read");
    assert!(m.letter.text.contains("quokka"));
    assert!(
        w.bob.inbox().read(burn, false).is_err(),
        "burned message is gone"
    );
    assert!(
        w.bob
            .inbox()
            .search("quokka", 10)
            .expect("search")
            .is_empty()
    );
    // Expiry: two hours later the other one is gone from list, search and export.
    w.advance(2 * 3600);
    assert!(
        w.bob
            .inbox()
            .list(50, false, false)
            .expect("list")
            .is_empty()
    );
    assert!(
        w.bob
            .inbox()
            .search("zanzibar", 10)
            .expect("search")
            .is_empty()
    );
    let md = w.drop.parent().expect("p").join("Maildir");
    assert_eq!(
        w.bob.inbox().export_maildir(&md).expect("export").delivered,
        0
    );
}
