//! Envelope v2 end to end: sealing to classical and hybrid keys, streaming fragments that
//! verify one by one against the signed head, in any order, and every way a peer (or the
//! recipient, who holds every key) can try to make the receiver accept something else.

use hushpost_core::agelayer::{self, SealKey};
use hushpost_core::envelope::v2::{
    self, AddError, Assembly, Body, Draft, FragmentError, KeyRole, Opened, Receiver, SealTo,
    SignedKey,
};
use hushpost_core::envelope::{self, Bucket, Kind, OpenError};
use hushpost_core::hybrid::HybridKeyPair;
use hushpost_core::identity::Identity;
use hushpost_core::replay::MemorySeen;
use rand::{RngCore, SeedableRng, seq::SliceRandom};

const NOW: u64 = 1_800_000_000;

struct Bob {
    id: Identity,
    pq: HybridKeyPair,
}

fn bob() -> Bob {
    Bob {
        id: Identity::generate(),
        pq: HybridKeyPair::generate(),
    }
}

fn draft(kind: Kind) -> Draft {
    Draft {
        kind,
        msg_id: envelope::new_msg_id(),
        prev_hash: [0; 32],
        sent_at: NOW,
        expires_at: 0,
        burn_after_reading: false,
        keys: Vec::new(),
    }
}

fn random(len: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rand_chacha::ChaCha20Rng::seed_from_u64(seed).fill_bytes(&mut v);
    v
}

fn seal_all(alice: &Identity, to: &SealTo, d: &Draft, body: &Body<'_>) -> Vec<Vec<u8>> {
    let mut blobs = Vec::new();
    v2::seal(alice, to, d, body, &mut |b| {
        blobs.push(b.to_vec());
        Ok(())
    })
    .expect("seal");
    blobs
}

fn open_as(bob: &Bob, alice: &Identity, blob: &[u8], max: u64) -> Result<Opened, OpenError> {
    let xs = [bob.id.x()];
    let pqs = [&bob.pq];
    let seen = MemorySeen::default();
    let a = alice.ed_public();
    let is_contact = move |k: &[u8; 32]| *k == a;
    v2::open(
        blob,
        &Receiver {
            me: bob.id.ed_public(),
            x_keys: &xs,
            pq_keys: &pqs,
            is_contact: &is_contact,
            seen: &seen,
            now: NOW + 5,
            max_total_len: max,
        },
    )
}

fn hybrid_to(b: &Bob) -> SealTo {
    SealTo::Hybrid {
        ed: b.id.ed_public(),
        key: b.pq.public().clone(),
    }
}

#[test]
fn small_messages_classical_and_hybrid_round_trip() {
    let alice = Identity::generate();
    let b = bob();
    let letter = b"Subject: hi\r\n\r\nHello Bob\r\n".to_vec();
    for to in [
        hybrid_to(&b),
        SealTo::Classical {
            ed: b.id.ed_public(),
            key: b.id.x().public(),
        },
    ] {
        let blobs = seal_all(&alice, &to, &draft(Kind::Message), &Body::new(&letter));
        assert_eq!(blobs.len(), 1);
        assert_eq!(blobs[0].len(), envelope::SMALL);
        let hybrid_header = blobs[0].windows(14).any(|w| w == b"mlkem768x25519");
        assert_eq!(hybrid_header, matches!(to, SealTo::Hybrid { .. }));
        match open_as(&b, &alice, &blobs[0], v2::DEFAULT_MAX_TOTAL_LEN).expect("open") {
            Opened::Envelope(e) => {
                assert_eq!(e.body(), Some(&letter[..]));
                assert_eq!(e.letter(), Some(&letter[..]));
                assert_eq!(e.post_quantum(), hybrid_header);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_hybrid_blob_has_exactly_one_stanza_and_pays_the_stated_cost() {
    let b = bob();
    let key = b.pq.public().clone();
    let mut out = Vec::new();
    let cap = v2::capacity(Bucket::Small, &SealKey::Hybrid(&key));
    agelayer::encrypt_to_into(&SealKey::Hybrid(&key), &vec![0u8; cap], &mut out).expect("seal");
    assert_eq!(out.len(), envelope::SMALL);
    let header = &out[..agelayer::HYBRID_HEADER_LEN];
    assert_eq!(header.windows(3).filter(|w| w == b"-> ").count(), 1);
    assert!(header.ends_with(b"\n"));
    assert_eq!(v2::hybrid_cost(Bucket::Small), 16_184 - cap);
    assert_eq!(v2::hybrid_cost(Bucket::Small), 1_459);
    assert_eq!(v2::hybrid_cost(Bucket::Large), 1_459);
}

/// Seals a message with one attachment big enough for `n` fragments.
fn big_message(alice: &Identity, b: &Bob, att: &[u8], letter: &[u8]) -> (Draft, Vec<Vec<u8>>) {
    let d = draft(Kind::Message);
    let (att, letter) = (att.to_vec(), letter.to_vec());
    let body = Body::new(&letter)
        .attach("data.bin", "application/octet-stream", &att)
        .expect("valid part");
    let blobs = seal_all(alice, &hybrid_to(b), &d, &body);
    (d, blobs)
}

fn head_of(b: &Bob, alice: &Identity, blob: &[u8]) -> Box<v2::Envelope> {
    match open_as(b, alice, blob, v2::DEFAULT_MAX_TOTAL_LEN).expect("open head") {
        Opened::Envelope(e) => e,
        other => panic!("expected a head, got {other:?}"),
    }
}

fn fragment_of(b: &Bob, alice: &Identity, blob: &[u8]) -> Box<v2::Fragment> {
    match open_as(b, alice, blob, v2::DEFAULT_MAX_TOTAL_LEN).expect("open fragment") {
        Opened::Fragment(f) => f,
        other => panic!("expected a fragment, got {other:?}"),
    }
}

#[test]
fn fragments_verify_alone_in_any_order_and_rebuild_the_content() {
    let alice = Identity::generate();
    let b = bob();
    let letter = b"Subject: big\r\n\r\nsee attachment\r\n".to_vec();
    let att = random(3 * v2::CHUNK + 12_345, 1);
    let (_, blobs) = big_message(&alice, &b, &att, &letter);
    assert_eq!(blobs[0].len(), envelope::SMALL, "the head is small");
    assert!(blobs[1..].iter().all(|x| x.len() == envelope::LARGE));
    let head = head_of(&b, &alice, &blobs[0]);
    assert_eq!(
        head.letter(),
        Some(&letter[..]),
        "text shows from the head alone"
    );
    assert_eq!(head.parts.len(), 2);
    assert_eq!(head.parts[1].name, "data.bin");
    assert_eq!(head.parts[1].len, att.len() as u64);
    assert_eq!(head.fragment_count as usize, blobs.len() - 1);
    let plan = head.plan().expect("fragmented");
    // The plan survives storage.
    let plan = v2::FragmentPlan::decode(&plan.encode()).expect("decode plan");
    let mut order: Vec<usize> = (1..blobs.len()).collect();
    order.shuffle(&mut rand_chacha::ChaCha20Rng::seed_from_u64(9));
    let mut content = head.inline().to_vec();
    let mut asm = Assembly::new(plan);
    for i in order {
        let f = fragment_of(&b, &alice, &blobs[i]);
        // Which message a fragment belongs to is known without its head.
        assert_eq!(f.message(), (alice.ed_public(), head.header.msg_id));
        assert!(asm.add(&f, &mut content).expect("verifies"));
        assert!(
            !asm.add(&f, &mut content).expect("duplicate"),
            "duplicates are ignored"
        );
    }
    assert!(asm.is_complete());
    let mut want = letter.clone();
    want.extend_from_slice(&att);
    assert_eq!(content, want);
}

#[test]
fn the_recipient_cannot_build_another_body_under_the_same_head() {
    // Bob holds every key: he decrypts a fragment, changes its chunk, re-encrypts it to his
    // own key and feeds it back. The head's Merkle root refuses it.
    let alice = Identity::generate();
    let b = bob();
    let att = random(2 * v2::CHUNK, 2);
    let (_, blobs) = big_message(&alice, &b, &att, b"Subject: x\r\n\r\n");
    let plan = head_of(&b, &alice, &blobs[0]).plan().expect("plan");
    let (mut plain, _) = agelayer::decrypt_any(&blobs[1], &[], &[&b.pq]).expect("decrypt");
    let at = plain.len() / 2;
    plain[at] ^= 0x55;
    let mut forged = Vec::new();
    agelayer::encrypt_to_into(&SealKey::Hybrid(b.pq.public()), &plain, &mut forged)
        .expect("re-seal");
    let f = fragment_of(&b, &alice, &forged);
    let mut sink = Vec::new();
    let mut asm = Assembly::new(plan);
    assert!(matches!(
        asm.add(&f, &mut sink),
        Err(AddError::Fragment(FragmentError::BadProof(0)))
    ));
    assert_eq!(asm.received(), 0);
    assert!(sink.is_empty(), "nothing unverified reached the sink");
}

#[test]
fn a_fragment_of_another_message_is_refused_as_spliced() {
    let alice = Identity::generate();
    let b = bob();
    let (_, one) = big_message(&alice, &b, &random(v2::CHUNK * 2, 3), b"Subject: 1\r\n\r\n");
    let (_, two) = big_message(&alice, &b, &random(v2::CHUNK * 2, 4), b"Subject: 2\r\n\r\n");
    let plan = head_of(&b, &alice, &one[0]).plan().expect("plan");
    let f = fragment_of(&b, &alice, &two[1]);
    assert_eq!(plan.verify(&f).err(), Some(FragmentError::WrongMessage));
}

#[test]
fn truncated_or_tampered_fragments_are_typed_errors() {
    let alice = Identity::generate();
    let b = bob();
    let (_, blobs) = big_message(&alice, &b, &random(v2::CHUNK * 2, 5), b"Subject: t\r\n\r\n");
    let f = &blobs[1];
    assert!(matches!(
        open_as(&b, &alice, &f[..f.len() - 1], u64::MAX),
        Err(OpenError::NotABucket(_))
    ));
    let mut t = f.clone();
    let n = t.len();
    t[n - 100] ^= 1;
    assert!(matches!(
        open_as(&b, &alice, &t, u64::MAX),
        Err(OpenError::Age(_))
    ));
}

#[test]
fn a_head_announcing_more_than_the_cap_is_refused() {
    let alice = Identity::generate();
    let b = bob();
    let (_, blobs) = big_message(&alice, &b, &random(v2::CHUNK * 2, 6), b"Subject: c\r\n\r\n");
    assert!(matches!(
        open_as(&b, &alice, &blobs[0], 100_000),
        Err(OpenError::TooLarge(n)) if n > 100_000
    ));
}

#[test]
fn signed_hybrid_keys_travel_verified_and_forged_ones_are_refused() {
    let alice = Identity::generate();
    let b = bob();
    let alice_pre = HybridKeyPair::generate();
    let empty: Vec<u8> = Vec::new();
    let mut d = draft(Kind::KeyUpdate);
    d.keys = vec![SignedKey::sign(
        &alice,
        &b.id.ed_public(),
        KeyRole::Prekey,
        alice_pre.public().clone(),
        NOW + 86_400,
    )];
    let blobs = seal_all(&alice, &hybrid_to(&b), &d, &Body::new(&empty));
    match open_as(&b, &alice, &blobs[0], u64::MAX).expect("open") {
        Opened::Envelope(e) => assert_eq!(e.keys[0].key, *alice_pre.public()),
        other => panic!("{other:?}"),
    }
    // Signed for someone else: refused with its own error, never stored.
    d.keys = vec![SignedKey::sign(
        &alice,
        &[9; 32],
        KeyRole::Prekey,
        alice_pre.public().clone(),
        NOW + 86_400,
    )];
    let blobs = seal_all(&alice, &hybrid_to(&b), &d, &Body::new(&empty));
    assert!(matches!(
        open_as(&b, &alice, &blobs[0], u64::MAX),
        Err(OpenError::BadKey)
    ));
}

#[test]
fn small_order_keys_are_refused_not_panicked_on() {
    let alice = Identity::generate();
    let b = bob();
    // v1: an all-zero signed prekey never verifies, and sealing to it is an error.
    let zero = envelope::SignedPrekey::sign(&b.id, &alice.ed_public(), [0; 32], NOW + 100);
    assert!(!zero.verify(&b.id.ed_public(), &alice.ed_public()));
    let r = envelope::seal(
        &alice,
        &envelope::Recipient {
            ed: b.id.ed_public(),
            key: [0; 32],
        },
        &envelope::Draft {
            kind: Kind::Message,
            msg_id: [1; 16],
            prev_hash: [0; 32],
            sent_at: NOW,
            expires_at: 0,
            burn_after_reading: false,
            prekey: None,
            body: b"x",
        },
    );
    assert!(matches!(r, Err(envelope::SealError::Key(_))));
    // v2 classical.
    let x = b"x".to_vec();
    let to = SealTo::Classical {
        ed: b.id.ed_public(),
        key: [0; 32],
    };
    let r = v2::seal(
        &alice,
        &to,
        &draft(Kind::Message),
        &Body::new(&x),
        &mut |_| Ok(()),
    );
    assert!(matches!(r, Err(envelope::SealError::Key(_))));
}

#[test]
fn v1_blobs_still_open_through_the_v2_opener() {
    let alice = Identity::generate();
    let b = bob();
    let sealed = envelope::seal(
        &alice,
        &envelope::Recipient {
            ed: b.id.ed_public(),
            key: b.id.x().public(),
        },
        &envelope::Draft {
            kind: Kind::Message,
            msg_id: [2; 16],
            prev_hash: [0; 32],
            sent_at: NOW,
            expires_at: 0,
            burn_after_reading: false,
            prekey: None,
            body: b"old mail",
        },
    )
    .expect("seal v1");
    match open_as(&b, &alice, &sealed.blobs[0], u64::MAX).expect("open") {
        Opened::V1(o) => match *o {
            envelope::Opened::Message(m) => assert_eq!(&m.body[..], b"old mail"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_message_forwarded_by_its_recipient_is_not_addressed_to_the_next_one() {
    // Surreptitious forwarding: Bob decrypts Alice's message and re-encrypts the same inner
    // bytes to Carol's hybrid key. Carol's opener sees it was addressed to Bob.
    let alice = Identity::generate();
    let b = bob();
    let carol = bob();
    let hi = b"hi".to_vec();
    let blobs = seal_all(
        &alice,
        &hybrid_to(&b),
        &draft(Kind::Message),
        &Body::new(&hi),
    );
    let (plain, _) = agelayer::decrypt_any(&blobs[0], &[], &[&b.pq]).expect("decrypt");
    let mut re = Vec::new();
    agelayer::encrypt_to_into(&SealKey::Hybrid(carol.pq.public()), &plain, &mut re).expect("seal");
    assert_eq!(re.len(), envelope::SMALL);
    assert!(matches!(
        open_as(&carol, &alice, &re, u64::MAX),
        Err(OpenError::NotAddressedToYou)
    ));
}

#[test]
fn an_interrupted_assembly_resumes_from_its_bitmap() {
    let alice = Identity::generate();
    let b = bob();
    let att = random(4 * v2::CHUNK, 8);
    let (_, blobs) = big_message(&alice, &b, &att, b"Subject: r\r\n\r\n");
    let head = head_of(&b, &alice, &blobs[0]);
    let plan = head.plan().expect("plan");
    let mut content = head.inline().to_vec();
    let mut asm = Assembly::new(plan.clone());
    let first = fragment_of(&b, &alice, &blobs[2]);
    assert!(asm.add(&first, &mut content).expect("verifies"));
    let stored = asm.bitmap().to_vec();
    // Restart: only the plan and the bitmap survived.
    let mut asm = Assembly::resume(plan.clone(), &stored).expect("resume");
    assert_eq!(asm.received(), 1);
    assert_eq!(asm.missing().count(), blobs.len() - 2);
    assert!(
        !asm.add(&first, &mut content).expect("verifies"),
        "already had it"
    );
    for blob in &blobs[1..] {
        let f = fragment_of(&b, &alice, blob);
        asm.add(&f, &mut content).expect("verifies");
    }
    assert!(asm.is_complete());
    let mut bad = stored.clone();
    bad.push(0);
    assert!(
        Assembly::resume(plan.clone(), &bad).is_none(),
        "wrong length"
    );
    let mut extra = vec![0u8; stored.len()];
    *extra.last_mut().expect("byte") = 0x80;
    assert!(
        Assembly::resume(plan, &extra).is_none(),
        "bit past the count"
    );
}

/// Seals `body` into a sink that fails on blob `at`: a typed error, nothing handed on after.
fn sink_fails_at(alice: &Identity, b: &Bob, body: &Body<'_>, at: u32) {
    let mut n = 0;
    let r = v2::seal(
        alice,
        &hybrid_to(b),
        &draft(Kind::Message),
        body,
        &mut |_| {
            n += 1;
            if n == at {
                Err(std::io::Error::other("disk full"))
            } else {
                Ok(())
            }
        },
    );
    assert!(matches!(r, Err(envelope::SealError::Sink(_))), "{r:?}");
    assert_eq!(n, at, "nothing after the failing blob");
}

#[test]
fn sealing_streams_from_a_file_and_stops_cleanly_on_sink_or_source_errors() {
    use std::io::Write;
    let alice = Identity::generate();
    let b = bob();
    let mut tmp = tempfile::NamedTempFile::new().expect("tmp");
    let data = random(3 * v2::CHUNK, 10);
    tmp.write_all(&data).expect("write");
    let file = std::fs::File::open(tmp.path()).expect("open");
    let src = v2::FileSource::new(file, data.len() as u64);
    let letter = b"Subject: f\r\n\r\n".to_vec();
    let body = Body::new(&letter)
        .attach("f.bin", "application/octet-stream", &src)
        .expect("part");
    // A sink that fails on the third blob: sealing stops there with a typed error.
    sink_fails_at(&alice, &b, &body, 3);
    // The file shrinks after the body was described: a source error, no short message.
    let all = seal_all(&alice, &hybrid_to(&b), &draft(Kind::Message), &body);
    assert_eq!(all.len(), 1 + 3);
    tmp.as_file().set_len(v2::CHUNK as u64).expect("truncate");
    let r = v2::seal(
        &alice,
        &hybrid_to(&b),
        &draft(Kind::Message),
        &body,
        &mut |_| Ok(()),
    );
    assert!(matches!(r, Err(envelope::SealError::Source(_))), "{r:?}");
}

/// A body that fails every read from `fail_from` on, once `armed` is set: the file that
/// changes between the hashing pass and the sealing pass.
struct Flaky {
    data: Vec<u8>,
    fail_from: u64,
    reads: std::sync::atomic::AtomicU64,
    arm_after: u64,
}

impl v2::ContentSource for Flaky {
    fn len(&self) -> u64 {
        self.data.len() as u64
    }
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        let n = self
            .reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n >= self.arm_after && offset + buf.len() as u64 > self.fail_from {
            return Err(std::io::Error::other("the file changed"));
        }
        buf.copy_from_slice(&self.data[offset as usize..offset as usize + buf.len()]);
        Ok(())
    }
}

#[test]
fn a_long_body_stops_cleanly_mid_pipeline_on_sink_or_source_errors() {
    let alice = Identity::generate();
    let b = bob();
    let data = random(150 * v2::CHUNK, 11);
    let letter = b"Subject: long\r\n\r\n".to_vec();
    let body = Body::new(&letter)
        .attach("f.bin", "application/octet-stream", &data)
        .expect("part");
    // The sink fails on blob 70, past the batches sealed ahead: nothing after it is handed on.
    sink_fails_at(&alice, &b, &body, 70);
    // Every read past 120 chunks fails once the hashing pass is done (one read per chunk,
    // plus the head's inline read): a source error, and no blob past the failure.
    let reads = 1 + data.len().div_ceil(v2::CHUNK) as u64;
    let flaky = Flaky {
        data: data.clone(),
        fail_from: 120 * v2::CHUNK as u64,
        reads: 0.into(),
        arm_after: reads,
    };
    let body = Body::new(&letter)
        .attach("f.bin", "application/octet-stream", &flaky)
        .expect("part");
    let mut handed = 0u32;
    let r = v2::seal(
        &alice,
        &hybrid_to(&b),
        &draft(Kind::Message),
        &body,
        &mut |_| {
            handed += 1;
            Ok(())
        },
    );
    assert!(matches!(r, Err(envelope::SealError::Source(_))), "{r:?}");
    assert!((1..=120).contains(&handed), "{handed} blobs handed on");
    // Unchanged, the same body seals whole.
    let body = Body::new(&letter)
        .attach("f.bin", "application/octet-stream", &data)
        .expect("part");
    let all = seal_all(&alice, &hybrid_to(&b), &draft(Kind::Message), &body);
    assert!(all.len() > 150, "{} blobs", all.len());
}
