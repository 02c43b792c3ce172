//! Envelope v1 end to end: every kind in both buckets, fragmentation, the receive
//! procedure's refusals in order, surreptitious forwarding and replay.

use hushpost_core::envelope::{
    self, AddOutcome, Draft, Kind, OpenContext, OpenError, Opened, Reassembly, Recipient,
    SignedPrekey, chain_hash, new_msg_id, open, seal,
};
use hushpost_core::identity::{Identity, XKeyPair};
use hushpost_core::replay::{MemorySeen, WINDOW_SECS};

const NOW: u64 = 1_800_000_000;

struct World {
    alice: Identity,
    bob: Identity,
    carol: Identity,
}

fn world() -> World {
    World {
        alice: Identity::generate(),
        bob: Identity::generate(),
        carol: Identity::generate(),
    }
}

fn draft(kind: Kind, body: &[u8]) -> Draft<'_> {
    Draft {
        kind,
        msg_id: new_msg_id(),
        prev_hash: [0; 32],
        sent_at: NOW,
        expires_at: 0,
        burn_after_reading: false,
        prekey: None,
        body,
    }
}

fn to(id: &Identity) -> Recipient {
    Recipient {
        ed: id.ed_public(),
        key: id.x().public(),
    }
}

fn open_as(
    me: &Identity,
    known: &[&Identity],
    seen: &MemorySeen,
    blob: &[u8],
) -> Result<Opened, OpenError> {
    let known: Vec<[u8; 32]> = known.iter().map(|i| i.ed_public()).collect();
    let is_contact = move |k: &[u8; 32]| known.contains(k);
    let keys = [me.x()];
    open(
        blob,
        &OpenContext {
            me: me.ed_public(),
            keys: &keys,
            is_contact: &is_contact,
            seen,
            now: NOW,
        },
    )
}

fn message(o: Opened) -> envelope::OpenedMessage {
    match o {
        Opened::Message(m) => m,
        Opened::Fragment(_) => panic!("expected a message"),
    }
}

#[test]
fn every_signed_kind_round_trips_in_both_buckets() {
    let w = world();
    let seen = MemorySeen::default();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Fragment) {
        for (len, size) in [(100usize, envelope::SMALL), (100_000, envelope::LARGE)] {
            let body: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let d = draft(kind, &body);
            let sealed = seal(&w.alice, &to(&w.bob), &d).expect("seal");
            assert_eq!(sealed.blobs.len(), 1);
            assert_eq!(sealed.blobs[0].len(), size, "{kind:?}");
            let m = message(open_as(&w.bob, &[&w.alice], &seen, &sealed.blobs[0]).expect("open"));
            assert_eq!(m.header.kind, kind);
            assert_eq!(m.header.sender, w.alice.ed_public());
            assert_eq!(m.header.msg_id, d.msg_id);
            assert_eq!(m.body.as_slice(), body.as_slice());
            assert_eq!(m.sig, sealed.sig);
        }
    }
}

#[test]
fn body_at_the_exact_small_limit_stays_small() {
    let w = world();
    let seen = MemorySeen::default();
    let fits = 16_184 - 240;
    let sealed = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, &vec![1; fits])).expect("seal");
    assert_eq!(sealed.blobs[0].len(), envelope::SMALL);
    let sealed = seal(
        &w.alice,
        &to(&w.bob),
        &draft(Kind::Message, &vec![1; fits + 1]),
    )
    .expect("seal");
    assert_eq!(sealed.blobs[0].len(), envelope::LARGE);
    assert!(open_as(&w.bob, &[&w.alice], &seen, &sealed.blobs[0]).is_ok());
}

#[test]
fn prekey_and_metadata_survive() {
    let w = world();
    let seen = MemorySeen::default();
    let pk = XKeyPair::generate();
    let spk = SignedPrekey::sign(&w.alice, &w.bob.ed_public(), pk.public(), NOW + 86_400);
    let mut d = draft(Kind::KeyUpdate, b"");
    d.prekey = Some(spk);
    d.prev_hash = [9; 32];
    d.expires_at = NOW + 3600;
    d.burn_after_reading = true;
    let sealed = seal(&w.alice, &to(&w.bob), &d).expect("seal");
    let m = message(open_as(&w.bob, &[&w.alice], &seen, &sealed.blobs[0]).expect("open"));
    assert_eq!(m.prekey, Some(spk));
    assert!(
        m.prekey
            .expect("prekey")
            .verify(&w.alice.ed_public(), &w.bob.ed_public())
    );
    assert_eq!(m.prev_hash, [9; 32]);
    assert_eq!(m.expires_at, NOW + 3600);
    assert!(m.burn_after_reading);
}

#[test]
fn ten_mib_body_fragments_and_reassembles_in_any_order_with_duplicates() {
    let w = world();
    let seen = MemorySeen::default();
    let body: Vec<u8> = (0..10 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let sealed = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, &body)).expect("seal");
    let n = sealed.blobs.len();
    assert_eq!(n, 1 + body.len().div_ceil(envelope::FRAGMENT_CAPACITY));
    assert_eq!(sealed.blobs[0].len(), envelope::SMALL);
    assert!(sealed.blobs[1..].iter().all(|b| b.len() == envelope::LARGE));

    // Fragments first (reversed), then one duplicate, the head last.
    let mut order: Vec<usize> = (1..n).rev().collect();
    order.push(3);
    order.push(0);
    let mut r = Reassembly::new();
    let mut done = None;
    for i in order {
        let o = open_as(&w.bob, &[&w.alice], &seen, &sealed.blobs[i]).expect("open");
        let (outcome, errors) = r.add(vec![o]);
        assert!(errors.is_empty(), "{errors:?}");
        if let AddOutcome::Complete(m) = outcome {
            done = Some(m);
        }
    }
    let m = done.expect("complete after the head");
    assert_eq!(m.body.len(), body.len());
    assert!(m.body.as_slice() == body.as_slice());
}

#[test]
fn missing_fragment_keeps_waiting_and_forged_fragment_is_refused() {
    let w = world();
    let seen = MemorySeen::default();
    let body = vec![5u8; 600_000];
    let a = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, &body)).expect("seal");
    // Same msg_id, different key: a fragment from another sealing cannot pass the MAC.
    let mut d2 = draft(Kind::Message, &body);
    d2.msg_id = match open_as(&w.bob, &[&w.alice], &seen, &a.blobs[0]).expect("open") {
        Opened::Message(m) => m.header.msg_id,
        Opened::Fragment(_) => unreachable!(),
    };
    let b = seal(&w.alice, &to(&w.bob), &d2).expect("seal");
    let mut r = Reassembly::new();
    let items: Vec<Opened> = [&a.blobs[0], &a.blobs[1], &b.blobs[2]]
        .iter()
        .map(|x| open_as(&w.bob, &[&w.alice], &seen, x).expect("open"))
        .collect();
    let (outcome, errors) = r.add(items);
    assert_eq!(errors.len(), 1, "the foreign fragment fails its MAC");
    assert!(matches!(
        outcome,
        AddOutcome::Waiting {
            have: 1,
            need: Some(3)
        }
    ));
    assert_eq!(r.missing(), vec![1, 2]);
    let (outcome, errors) = r.add(vec![
        open_as(&w.bob, &[&w.alice], &seen, &a.blobs[2]).expect("open"),
        open_as(&w.bob, &[&w.alice], &seen, &a.blobs[3]).expect("open"),
    ]);
    assert!(errors.is_empty());
    assert!(matches!(outcome, AddOutcome::Complete(_)));
}

#[test]
fn surreptitious_forwarding_is_not_addressed_to_you() {
    let w = world();
    let seen = MemorySeen::default();
    let sealed = seal(
        &w.alice,
        &to(&w.bob),
        &draft(Kind::Message, b"for Bob only"),
    )
    .expect("seal");
    // Bob opens it, then re-encrypts the very same inner bytes to Carol.
    let (inner, _) = hushpost_core::agelayer::decrypt_x25519(&sealed.blobs[0], &[w.bob.x()])
        .expect("bob decrypts");
    let forwarded = hushpost_core::agelayer::encrypt_x25519(&w.carol.x().public(), &inner);
    assert_eq!(forwarded.len(), envelope::SMALL);
    let r = open_as(&w.carol, &[&w.alice, &w.bob], &seen, &forwarded);
    assert!(matches!(r, Err(OpenError::NotAddressedToYou)), "{r:?}");

    // Same if only the outer recipient changes: Bob holds a second key and re-encrypts.
    let other = XKeyPair::generate();
    let swapped = hushpost_core::agelayer::encrypt_x25519(&other.public(), &inner);
    let known = [w.alice.ed_public()];
    let is_contact = |k: &[u8; 32]| known.contains(k);
    let keys = [w.bob.x(), &other];
    let r = open(
        &swapped,
        &OpenContext {
            me: w.bob.ed_public(),
            keys: &keys,
            is_contact: &is_contact,
            seen: &seen,
            now: NOW,
        },
    );
    assert!(matches!(r, Err(OpenError::NotAddressedToYou)), "{r:?}");
}

#[test]
fn receive_procedure_refusals() {
    let w = world();
    let mut seen = MemorySeen::default();
    let sealed = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, b"hi")).expect("seal");
    let blob = &sealed.blobs[0];

    assert!(matches!(
        open_as(&w.bob, &[&w.alice], &seen, &blob[..100]),
        Err(OpenError::NotABucket(100))
    ));
    assert!(matches!(
        open_as(&w.carol, &[&w.alice], &seen, blob),
        Err(OpenError::Age(_))
    ));
    assert!(matches!(
        open_as(&w.bob, &[&w.carol], &seen, blob),
        Err(OpenError::UnknownSender)
    ));

    let m = message(open_as(&w.bob, &[&w.alice], &seen, blob).expect("open"));
    seen.insert(m.header.sender, m.header.msg_id, NOW);
    assert!(matches!(
        open_as(&w.bob, &[&w.alice], &seen, blob),
        Err(OpenError::Replay)
    ));

    let seen = MemorySeen::default();
    let mut old = draft(Kind::Message, b"old");
    old.sent_at = NOW - WINDOW_SECS - 1;
    let s = seal(&w.alice, &to(&w.bob), &old).expect("seal");
    assert!(matches!(
        open_as(&w.bob, &[&w.alice], &seen, &s.blobs[0]),
        Err(OpenError::TooOld)
    ));
    let mut future = draft(Kind::Message, b"future");
    future.sent_at = NOW + 601;
    let s = seal(&w.alice, &to(&w.bob), &future).expect("seal");
    assert!(matches!(
        open_as(&w.bob, &[&w.alice], &seen, &s.blobs[0]),
        Err(OpenError::FromFuture)
    ));
}

#[test]
fn forged_signature_is_refused() {
    let w = world();
    let seen = MemorySeen::default();
    let sealed = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, b"hi")).expect("seal");
    let (mut inner, _) =
        hushpost_core::agelayer::decrypt_x25519(&sealed.blobs[0], &[w.bob.x()]).expect("decrypt");
    // Change one body byte but keep the old signature; the attacker can re-encrypt freely.
    let body_at = 123 + 32 + 8 + 8 + 1 + 4;
    inner[body_at] ^= 1;
    let tampered = hushpost_core::agelayer::encrypt_x25519(&w.bob.x().public(), &inner);
    assert!(matches!(
        open_as(&w.bob, &[&w.alice], &seen, &tampered),
        Err(OpenError::BadSignature)
    ));
}

#[test]
fn nonzero_padding_is_malformed() {
    let w = world();
    let seen = MemorySeen::default();
    let sealed = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, b"hi")).expect("seal");
    let (mut inner, _) =
        hushpost_core::agelayer::decrypt_x25519(&sealed.blobs[0], &[w.bob.x()]).expect("decrypt");
    let last = inner.len() - 1;
    inner[last] = 1;
    let tampered = hushpost_core::agelayer::encrypt_x25519(&w.bob.x().public(), &inner);
    assert!(matches!(
        open_as(&w.bob, &[&w.alice], &seen, &tampered),
        Err(OpenError::Malformed(_))
    ));
}

#[test]
fn chain_hash_links_messages() {
    let w = world();
    let seen = MemorySeen::default();
    let first = seal(&w.alice, &to(&w.bob), &draft(Kind::Message, b"1")).expect("seal");
    let m1 = message(open_as(&w.bob, &[&w.alice], &seen, &first.blobs[0]).expect("open"));
    let mut d = draft(Kind::Message, b"2");
    d.prev_hash = chain_hash(&m1.header.msg_id, &first.sig);
    let second = seal(&w.alice, &to(&w.bob), &d).expect("seal");
    let m2 = message(open_as(&w.bob, &[&w.alice], &seen, &second.blobs[0]).expect("open"));
    assert_eq!(m2.prev_hash, chain_hash(&m1.header.msg_id, &m1.sig));
}

#[test]
fn only_messages_fragment() {
    let w = world();
    let big = vec![0u8; 300_000];
    assert!(seal(&w.alice, &to(&w.bob), &draft(Kind::Ack, &big)).is_err());
    assert!(seal(&w.alice, &to(&w.bob), &draft(Kind::Fragment, b"x")).is_err());
}

#[test]
fn a_v1_head_announcing_eight_gigabytes_is_refused_before_allocating() {
    // A contact signs a v1 head whose manifest claims the maximum 32,768 fragments
    // (8.6 GB): reassembly must refuse it with a typed error instead of allocating the body.
    use hushpost_core::agelayer;
    use hushpost_core::envelope::{
        FRAGMENT_CAPACITY, Header, Inner, ReassemblyError, encode_inner,
    };
    use hushpost_core::identity::SigContext;
    let w = world();
    let count: u32 = 32_768;
    let total = u64::from(count) * FRAGMENT_CAPACITY as u64;
    let mut manifest = vec![7u8; 32];
    manifest.extend_from_slice(&count.to_be_bytes());
    manifest.extend_from_slice(&total.to_be_bytes());
    let mut inner = Inner::Signed {
        header: Header {
            kind: Kind::Message,
            flags: 0x01,
            sender: w.alice.ed_public(),
            recipient: w.bob.ed_public(),
            recipient_key: w.bob.x().public(),
            msg_id: [9; 16],
        },
        prev_hash: [0; 32],
        sent_at: NOW,
        expires_at: 0,
        prekey: None,
        body: manifest,
        sig: [0; 64],
    };
    let cap = envelope::Bucket::Small.capacity();
    let unsigned = encode_inner(&inner, cap);
    let used = 240 + 44 - 64;
    let sig = w.alice.sign(SigContext::Envelope, &unsigned[..used]);
    if let Inner::Signed { sig: s, .. } = &mut inner {
        *s = sig;
    }
    let blob = agelayer::encrypt_x25519(&w.bob.x().public(), &encode_inner(&inner, cap));
    let head = open_as(&w.bob, &[&w.alice], &MemorySeen::default(), &blob).expect("a valid head");
    let mut r = Reassembly::new();
    let (_, errors) = r.add(vec![head]);
    assert_eq!(errors, vec![ReassemblyError::TooLarge(total)]);
}
