//! Known-answer tests for envelope v1 (`testdata/kat/`, described in its README.md).
//!
//! Ed25519 is deterministic, so the inner plaintext of a blob is a pure function of the fixed
//! secrets and fields below; it is rebuilt here with `encode_inner` and `Identity::sign`
//! (independently of `seal`) and must hash to the committed value. age encryption is
//! randomized, so the sealed blobs are committed as produced once by `regenerate_kat`; they
//! must decrypt to exactly the rebuilt inner bytes and open with every field intact.
//!
//! Regenerating (`cargo test -p hushpost-core --test kat -- --ignored regenerate_kat`) is
//! never needed unless v1 deliberately changes, which it must not.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::agelayer;
use hushpost_core::envelope::{
    self, AddOutcome, Bucket, Draft, FRAGMENT_CAPACITY, Header, Inner, Kind, OpenContext, Opened,
    OpenedMessage, Reassembly, Recipient, SignedPrekey, chain_hash, encode_inner, parse_inner,
    seal,
};
use hushpost_core::identity::{Identity, SigContext, XKeyPair, age_recipient_string};
use hushpost_core::replay::MemorySeen;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const ALICE_ED_SEED: [u8; 32] = [0xa1; 32];
const ALICE_X_SECRET: [u8; 32] = [0xa2; 32];
const ALICE_PREKEY_SECRET: [u8; 32] = [0xa3; 32];
const BOB_ED_SEED: [u8; 32] = [0xb1; 32];
const BOB_X_SECRET: [u8; 32] = [0xb2; 32];
const BOB_PREKEY_SECRET: [u8; 32] = [0xb3; 32];

/// 2026-01-01T00:00:00Z.
const T0: u64 = 1_767_225_600;
/// How long after `sent_at` the tests open the blobs.
const OPEN_DELAY: u64 = 60;
const FLAG_FRAGMENTED: u8 = 0x01;
const FLAG_BURN: u8 = 0x02;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kat")
}

fn alice() -> Identity {
    Identity::from_secrets(&ALICE_ED_SEED, &ALICE_X_SECRET)
}
fn bob() -> Identity {
    Identity::from_secrets(&BOB_ED_SEED, &BOB_X_SECRET)
}
fn bob_prekey() -> XKeyPair {
    XKeyPair::from_bytes(&BOB_PREKEY_SECRET)
}
fn alice_prekey() -> XKeyPair {
    XKeyPair::from_bytes(&ALICE_PREKEY_SECRET)
}

/// Deterministic body bytes: SHA-256(label || u32be(i)) for i = 0, 1, … concatenated and cut
/// to `len` (documented in the README so other implementations can reproduce it).
fn generated_body(label: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut i = 0u32;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update(i.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        i += 1;
    }
    out.truncate(len);
    out
}

// ------------------------------------------------------------------ the case definitions

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum BodySpec {
    /// Literal UTF-8 text.
    Text(String),
    /// `generated_body(label, len)`.
    Generated { label: String, len: usize },
}

impl BodySpec {
    fn bytes(&self) -> Vec<u8> {
        match self {
            BodySpec::Text(t) => t.as_bytes().to_vec(),
            BodySpec::Generated { label, len } => generated_body(label, *len),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PrekeyJson {
    key: String,
    not_after: u64,
    sig: String,
}

/// The inputs of one case: what `seal` was called with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CaseInput {
    name: String,
    kind: String,
    /// `bob_x` (Bob's identity X25519 key) or `bob_prekey`.
    encrypted_to: String,
    msg_id: String,
    prev_hash: String,
    sent_at: u64,
    expires_at: u64,
    burn_after_reading: bool,
    /// Alice's signed prekey for Bob, carried in the envelope.
    prekey: Option<PrekeyJson>,
    body: BodySpec,
}

/// One committed blob and its inner plaintext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct BlobJson {
    file: String,
    size: usize,
    inner_sha256: String,
    inner_first_300_hex: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CaseJson {
    #[serde(flatten)]
    input: CaseInput,
    /// The head's Ed25519 signature (deterministic).
    signature: String,
    /// `chain_hash(msg_id, signature)`: the next message's `prev_hash`.
    chain_hash: String,
    /// Fragmented messages only: the random fragment key chosen by `seal`, as found in the
    /// committed head's manifest.
    fragment_key: Option<String>,
    blobs: Vec<BlobJson>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KeyJson {
    ed_seed: Option<String>,
    x_secret: String,
    ed_public: Option<String>,
    x_public: String,
    age_recipient: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KatFile {
    comment: String,
    alice: KeyJson,
    alice_prekey: KeyJson,
    bob: KeyJson,
    bob_prekey: KeyJson,
    open_at_sent_at_plus: u64,
    cases: Vec<CaseJson>,
}

fn key_json(ed: Option<&Identity>, x: &XKeyPair) -> KeyJson {
    KeyJson {
        ed_seed: ed.map(|i| hex::encode(*i.ed_seed())),
        x_secret: hex::encode(*x.secret_bytes()),
        ed_public: ed.map(|i| hex::encode(i.ed_public())),
        x_public: hex::encode(x.public()),
        age_recipient: age_recipient_string(&x.public()),
    }
}

fn kind_name(k: Kind) -> String {
    format!("{k:?}")
}

fn kind_of(name: &str) -> Kind {
    Kind::ALL
        .into_iter()
        .find(|k| kind_name(*k) == name)
        .unwrap_or_else(|| panic!("unknown kind {name}"))
}

fn arr<const N: usize>(h: &str) -> [u8; N] {
    hex::decode(h)
        .expect("hex")
        .try_into()
        .expect("right length")
}

/// The four cases. Case 2 chains onto case 1 (its `prev_hash` is case 1's chain hash), so the
/// inputs are computed, not literal.
fn case_inputs() -> Vec<CaseInput> {
    let a = alice();
    let b = bob();
    let small = CaseInput {
        name: "small_message".into(),
        kind: kind_name(Kind::Message),
        encrypted_to: "bob_x".into(),
        msg_id: hex::encode([0x01; 16]),
        prev_hash: hex::encode([0u8; 32]),
        sent_at: T0,
        expires_at: 0,
        burn_after_reading: false,
        prekey: None,
        body: BodySpec::Text(
            "From: Alice <alice@hushpost.invalid>\r\nTo: Bob <bob@hushpost.invalid>\r\n\
             Subject: known answer\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n\r\n\
             Hello Bob, this is the hushpost v1 small-bucket known-answer test.\r\n"
                .into(),
        ),
    };
    let small_sig = signed_inner(&a, &small).1;
    let large = CaseInput {
        name: "large_message".into(),
        kind: kind_name(Kind::Message),
        encrypted_to: "bob_x".into(),
        msg_id: hex::encode([0x02; 16]),
        prev_hash: hex::encode(chain_hash(&[0x01; 16], &small_sig)),
        sent_at: T0 + 3_600,
        expires_at: T0 + 3_600 + 7 * 86_400,
        burn_after_reading: true,
        prekey: None,
        body: BodySpec::Generated {
            label: "hushpost kat large".into(),
            len: 100_000,
        },
    };
    let pk = SignedPrekey::sign(
        &a,
        &b.ed_public(),
        alice_prekey().public(),
        T0 + 21 * 86_400,
    );
    let key_update = CaseInput {
        name: "key_update".into(),
        kind: kind_name(Kind::KeyUpdate),
        encrypted_to: "bob_prekey".into(),
        msg_id: hex::encode([0x03; 16]),
        prev_hash: hex::encode([0x33; 32]),
        sent_at: T0 + 7_200,
        expires_at: 0,
        burn_after_reading: false,
        prekey: Some(PrekeyJson {
            key: hex::encode(pk.key),
            not_after: pk.not_after,
            sig: hex::encode(pk.sig),
        }),
        body: BodySpec::Text(String::new()),
    };
    let fragmented = CaseInput {
        name: "fragmented_message".into(),
        kind: kind_name(Kind::Message),
        encrypted_to: "bob_x".into(),
        msg_id: hex::encode([0x04; 16]),
        prev_hash: hex::encode([0x44; 32]),
        sent_at: T0 + 10_800,
        expires_at: 0,
        burn_after_reading: false,
        prekey: None,
        body: BodySpec::Generated {
            label: "hushpost kat fragmented".into(),
            len: 300_000,
        },
    };
    vec![small, large, key_update, fragmented]
}

fn prekey_of(c: &CaseInput) -> Option<SignedPrekey> {
    c.prekey.as_ref().map(|p| SignedPrekey {
        key: arr(&p.key),
        not_after: p.not_after,
        sig: arr(&p.sig),
    })
}

fn recipient_key(c: &CaseInput) -> [u8; 32] {
    match c.encrypted_to.as_str() {
        "bob_x" => bob().x().public(),
        "bob_prekey" => bob_prekey().public(),
        other => panic!("unknown encrypted_to {other}"),
    }
}

fn is_fragmented(c: &CaseInput) -> bool {
    c.body.bytes().len() > Bucket::Large.capacity() - 240
}

fn header(c: &CaseInput, kind: Kind, flags: u8) -> Header {
    Header {
        kind,
        flags,
        sender: alice().ed_public(),
        recipient: bob().ed_public(),
        recipient_key: recipient_key(c),
        msg_id: arr(&c.msg_id),
    }
}

fn encoded_len(inner: &Inner) -> usize {
    match inner {
        Inner::Signed { prekey, body, .. } => {
            240 + if prekey.is_some() { 104 } else { 0 } + body.len()
        }
        Inner::Fragment { chunk, .. } => 123 + 12 + chunk.len() + 16,
    }
}

/// The manifest a fragmented head carries: `frag_key || u32be(count) || u64be(total_len)`.
fn manifest(frag_key: &[u8; 32], total: usize) -> Vec<u8> {
    let mut m = frag_key.to_vec();
    m.extend_from_slice(&(total.div_ceil(FRAGMENT_CAPACITY) as u32).to_be_bytes());
    m.extend_from_slice(&(total as u64).to_be_bytes());
    m
}

/// Rebuilds the signed (head) inner from the inputs: every byte but the signature is the
/// encoding of the fields, the signature is Ed25519 over the envelope label and those bytes.
/// For a fragmented message, `body` is the manifest.
fn signed_inner_with(
    sender: &Identity,
    c: &CaseInput,
    flags: u8,
    body: Vec<u8>,
) -> (Inner, [u8; 64]) {
    let mut inner = Inner::Signed {
        header: header(c, kind_of(&c.kind), flags),
        prev_hash: arr(&c.prev_hash),
        sent_at: c.sent_at,
        expires_at: c.expires_at,
        prekey: prekey_of(c),
        body,
        sig: [0; 64],
    };
    let n = encoded_len(&inner);
    let unsigned = encode_inner(&inner, n);
    let new_sig = sender.sign(SigContext::Envelope, &unsigned[..n - 64]);
    if let Inner::Signed { sig, .. } = &mut inner {
        *sig = new_sig;
    }
    (inner, new_sig)
}

fn flags_of(c: &CaseInput) -> u8 {
    (if c.burn_after_reading { FLAG_BURN } else { 0 })
        | (if is_fragmented(c) { FLAG_FRAGMENTED } else { 0 })
}

/// Unfragmented cases only.
fn signed_inner(sender: &Identity, c: &CaseInput) -> (Inner, [u8; 64]) {
    assert!(!is_fragmented(c));
    signed_inner_with(sender, c, flags_of(c), c.body.bytes())
}

/// The inner plaintexts of every blob of a case, rebuilt from the inputs (and, for a
/// fragmented message, the fragment key), padded to their buckets.
fn rebuild(c: &CaseInput, frag_key: Option<&[u8; 32]>) -> (Vec<Vec<u8>>, [u8; 64]) {
    let a = alice();
    let body = c.body.bytes();
    if !is_fragmented(c) {
        let (inner, sig) = signed_inner(&a, c);
        let bucket = if encoded_len(&inner) <= Bucket::Small.capacity() {
            Bucket::Small
        } else {
            Bucket::Large
        };
        return (vec![encode_inner(&inner, bucket.capacity())], sig);
    }
    let frag_key = frag_key.expect("a fragmented case needs its fragment key");
    let (head, sig) = signed_inner_with(&a, c, flags_of(c), manifest(frag_key, body.len()));
    let mut out = vec![encode_inner(&head, Bucket::Small.capacity())];
    let chunks: Vec<&[u8]> = body.chunks(FRAGMENT_CAPACITY).collect();
    let count = chunks.len() as u32;
    for (i, chunk) in chunks.iter().enumerate() {
        let mut frag = Inner::Fragment {
            header: header(c, Kind::Fragment, 0),
            index: i as u32,
            count,
            chunk: chunk.to_vec(),
            mac: [0; 16],
        };
        let n = encoded_len(&frag);
        let unmacced = encode_inner(&frag, n);
        // PROTOCOL.md §3.4: mac_key = HKDF(ikm = frag_key, salt = "hushpost v1 fragment mac");
        // tag of ChaCha20-Poly1305(mac_key, nonce = 0^8 || u32be(index), pt = "", aad = bytes).
        let mut mac_key = [0u8; 32];
        hkdf::Hkdf::<Sha256>::new(Some(b"hushpost v1 fragment mac"), frag_key)
            .expand(&[], &mut mac_key)
            .expect("hkdf");
        let mut nonce = [0u8; 12];
        nonce[8..].copy_from_slice(&(i as u32).to_be_bytes());
        use chacha20poly1305::aead::{AeadInPlace, KeyInit};
        let tag: [u8; 16] = chacha20poly1305::ChaCha20Poly1305::new((&mac_key).into())
            .encrypt_in_place_detached((&nonce).into(), &unmacced[..n - 16], &mut [])
            .expect("tag")
            .into();
        if let Inner::Fragment { mac, .. } = &mut frag {
            *mac = tag;
        }
        out.push(encode_inner(&frag, Bucket::Large.capacity()));
    }
    (out, sig)
}

fn load() -> KatFile {
    let text = std::fs::read_to_string(dir().join("cases.json")).expect("read cases.json");
    serde_json::from_str(&text).expect("parse cases.json")
}

fn bob_keys() -> (Identity, XKeyPair) {
    (bob(), bob_prekey())
}

// ------------------------------------------------------------------ the tests

#[test]
fn kat_file_matches_the_fixed_secrets_and_inputs() {
    let kat = load();
    let a = alice();
    let b = bob();
    assert_eq!(kat.alice, key_json(Some(&a), a.x()));
    assert_eq!(kat.bob, key_json(Some(&b), b.x()));
    assert_eq!(kat.alice_prekey, key_json(None, &alice_prekey()));
    assert_eq!(kat.bob_prekey, key_json(None, &bob_prekey()));
    let inputs: Vec<CaseInput> = kat.cases.iter().map(|c| c.input.clone()).collect();
    assert_eq!(inputs, case_inputs());
    assert_eq!(kat.cases.len(), 4);
    // The pinned public keys (independent of this file's helper functions).
    assert_eq!(
        kat.alice.ed_public.as_deref(),
        Some(hex::encode(
            ed25519_dalek::SigningKey::from_bytes(&ALICE_ED_SEED)
                .verifying_key()
                .to_bytes()
        ))
        .as_deref()
    );
}

#[test]
fn inner_plaintexts_are_reproducible_from_the_inputs() {
    let kat = load();
    for case in &kat.cases {
        let frag_key = case.fragment_key.as_deref().map(arr::<32>);
        let (inners, sig) = rebuild(&case.input, frag_key.as_ref());
        assert_eq!(
            hex::encode(sig),
            case.signature,
            "{}: signature",
            case.input.name
        );
        assert_eq!(
            hex::encode(chain_hash(&arr(&case.input.msg_id), &sig)),
            case.chain_hash,
            "{}: chain hash",
            case.input.name
        );
        assert_eq!(
            inners.len(),
            case.blobs.len(),
            "{}: blob count",
            case.input.name
        );
        for (i, (inner, want)) in inners.iter().zip(&case.blobs).enumerate() {
            let what = format!("{} blob {i}", case.input.name);
            assert_eq!(
                inner.len(),
                Bucket::of_len(want.size).expect("bucket").capacity(),
                "{what}"
            );
            assert_eq!(
                hex::encode(&inner[..300]),
                want.inner_first_300_hex,
                "{what}: first 300 bytes"
            );
            assert_eq!(
                hex::encode(Sha256::digest(inner)),
                want.inner_sha256,
                "{what}: SHA-256"
            );
            // The rebuilt bytes are canonical v1.
            let parsed = parse_inner(inner).expect("rebuilt inner parses");
            assert_eq!(encode_inner(&parsed, inner.len()), *inner, "{what}");
        }
    }
}

#[test]
fn inner_layout_is_pinned_byte_by_byte() {
    // A hand check of the small case's first bytes against the layout in PROTOCOL.md §3, so a
    // reader of cases.json can see where each field is.
    let kat = load();
    let c = &kat.cases[0];
    let b = hex::decode(&c.blobs[0].inner_first_300_hex).expect("hex");
    assert_eq!(&b[..8], b"hushpost");
    assert_eq!(b[8], 1, "version");
    assert_eq!(b[9], Kind::Message as u8);
    assert_eq!(b[10], 0, "flags");
    assert_eq!(b[11..43], alice().ed_public());
    assert_eq!(b[43..75], bob().ed_public());
    assert_eq!(b[75..107], bob().x().public());
    assert_eq!(b[107..123], [0x01; 16]);
    assert_eq!(b[123..155], [0; 32], "prev_hash");
    assert_eq!(b[155..163], T0.to_be_bytes());
    assert_eq!(b[163..171], 0u64.to_be_bytes());
    assert_eq!(b[171], 0, "no prekey");
    let body = c.input.body.bytes();
    assert_eq!(b[172..176], (body.len() as u32).to_be_bytes());
    assert_eq!(b[176..300], body[..124]);
}

#[test]
fn committed_blobs_decrypt_to_the_rebuilt_inners() {
    let kat = load();
    let (b, bp) = bob_keys();
    for case in &kat.cases {
        let frag_key = case.fragment_key.as_deref().map(arr::<32>);
        let (inners, _) = rebuild(&case.input, frag_key.as_ref());
        for (want, inner) in case.blobs.iter().zip(&inners) {
            let blob = std::fs::read(dir().join(&want.file)).expect("read blob");
            assert_eq!(blob.len(), want.size, "{}", want.file);
            assert!(Bucket::of_len(blob.len()).is_some());
            let (plain, idx) = agelayer::decrypt_x25519(&blob, &[b.x(), &bp]).expect("decrypt");
            let expect_idx = usize::from(case.input.encrypted_to == "bob_prekey");
            assert_eq!(idx, expect_idx, "{}: key index", want.file);
            assert!(
                plain.as_slice() == inner.as_slice(),
                "{}: plaintext differs",
                want.file
            );
        }
    }
}

fn open_case(case: &CaseInput, blob: &[u8]) -> Opened {
    let (b, bp) = bob_keys();
    let keys = [b.x(), &bp];
    let seen = MemorySeen::default();
    let alice_ed = alice().ed_public();
    envelope::open(
        blob,
        &OpenContext {
            me: b.ed_public(),
            keys: &keys,
            is_contact: &move |k| *k == alice_ed,
            seen: &seen,
            now: case.sent_at + OPEN_DELAY,
        },
    )
    .unwrap_or_else(|e| panic!("{}: open: {e}", case.name))
}

fn check_message(case: &CaseJson, m: &OpenedMessage, body: &[u8]) {
    let c = &case.input;
    let name = &c.name;
    assert_eq!(m.header.kind, kind_of(&c.kind), "{name}");
    assert_eq!(m.header.flags, flags_of(c), "{name}");
    assert_eq!(m.header.sender, alice().ed_public(), "{name}");
    assert_eq!(m.header.recipient, bob().ed_public(), "{name}");
    assert_eq!(m.header.recipient_key, recipient_key(c), "{name}");
    assert_eq!(hex::encode(m.header.msg_id), c.msg_id, "{name}");
    assert_eq!(hex::encode(m.prev_hash), c.prev_hash, "{name}");
    assert_eq!(m.sent_at, c.sent_at, "{name}");
    assert_eq!(m.expires_at, c.expires_at, "{name}");
    assert_eq!(m.burn_after_reading, c.burn_after_reading, "{name}");
    assert_eq!(m.prekey, prekey_of(c), "{name}");
    if let Some(p) = &m.prekey {
        assert!(
            p.verify(&alice().ed_public(), &bob().ed_public()),
            "{name}: prekey signature"
        );
        assert_eq!(p.key, alice_prekey().public());
    }
    assert_eq!(hex::encode(m.sig), case.signature, "{name}");
    assert_eq!(
        m.key_index,
        usize::from(c.encrypted_to == "bob_prekey"),
        "{name}"
    );
    assert!(m.body.as_slice() == body, "{name}: body differs");
}

#[test]
fn committed_blobs_open_with_every_field() {
    let kat = load();
    for case in &kat.cases {
        let c = &case.input;
        let blobs: Vec<Vec<u8>> = case
            .blobs
            .iter()
            .map(|b| std::fs::read(dir().join(&b.file)).expect("read blob"))
            .collect();
        let body = c.body.bytes();
        if !is_fragmented(c) {
            assert_eq!(blobs.len(), 1);
            let Opened::Message(m) = open_case(c, &blobs[0]) else {
                panic!("{}: expected a message", c.name)
            };
            assert!(m.manifest.is_none());
            check_message(case, &m, &body);
            continue;
        }
        // Head plus fragments, added out of order.
        assert_eq!(blobs.len(), 3, "300 KB is a head and two fragments");
        let mut opened: Vec<Opened> = blobs.iter().map(|b| open_case(c, b)).collect();
        match &opened[0] {
            Opened::Message(m) => {
                let man = m.manifest.as_ref().expect("head has a manifest");
                assert_eq!(man.count, 2);
                assert_eq!(man.total_len, body.len() as u64);
                assert_eq!(
                    Some(hex::encode(man.frag_key.expose())),
                    case.fragment_key,
                    "fragment key"
                );
            }
            Opened::Fragment(_) => panic!("blob 0 must be the head"),
        }
        for (i, o) in opened.iter().enumerate().skip(1) {
            let Opened::Fragment(f) = o else {
                panic!("blob {i} must be a fragment")
            };
            assert_eq!((f.index, f.count), (i as u32 - 1, 2));
            assert_eq!(f.header.kind, Kind::Fragment);
            assert_eq!(f.header.flags, 0);
            assert_eq!(hex::encode(f.header.msg_id), c.msg_id);
        }
        opened.reverse();
        let mut r = Reassembly::new();
        let (outcome, errors) = r.add(opened);
        assert!(errors.is_empty(), "{errors:?}");
        let AddOutcome::Complete(m) = outcome else {
            panic!("reassembly incomplete: {outcome:?}")
        };
        check_message(case, &m, &body);
    }
}

// ------------------------------------------------------------------ the generator

/// Writes `testdata/kat/`. Run only when v1 deliberately changes (it must not):
/// `cargo test -p hushpost-core --test kat -- --ignored regenerate_kat`.
#[test]
#[ignore = "writes testdata/kat; run by hand only"]
fn regenerate_kat() {
    let a = alice();
    let b = bob();
    let bp = bob_prekey();
    let d = dir();
    std::fs::create_dir_all(&d).expect("mkdir testdata/kat");
    let mut cases = Vec::new();
    for input in case_inputs() {
        let body = input.body.bytes();
        let draft = Draft {
            kind: kind_of(&input.kind),
            msg_id: arr(&input.msg_id),
            prev_hash: arr(&input.prev_hash),
            sent_at: input.sent_at,
            expires_at: input.expires_at,
            burn_after_reading: input.burn_after_reading,
            prekey: prekey_of(&input),
            body: &body,
        };
        let to = Recipient {
            ed: b.ed_public(),
            key: recipient_key(&input),
        };
        let sealed = seal(&a, &to, &draft).expect("seal");
        // The real seal path must agree with the independent rebuild.
        let plains: Vec<Vec<u8>> = sealed
            .blobs
            .iter()
            .map(|blob| {
                agelayer::decrypt_x25519(blob, &[b.x(), &bp])
                    .expect("decrypt")
                    .0
                    .to_vec()
            })
            .collect();
        let fragment_key = match parse_inner(&plains[0]).expect("head parses") {
            Inner::Signed { header, body, .. } if header.flags & FLAG_FRAGMENTED != 0 => {
                Some(hex::encode(&body[..32]))
            }
            _ => None,
        };
        let (rebuilt, sig) = rebuild(&input, fragment_key.as_deref().map(arr::<32>).as_ref());
        assert_eq!(sig, sealed.sig);
        assert!(
            rebuilt == plains,
            "{}: seal and rebuild disagree",
            input.name
        );
        let mut blobs = Vec::new();
        for (i, (blob, plain)) in sealed.blobs.iter().zip(&plains).enumerate() {
            let file = if sealed.blobs.len() == 1 {
                format!("{}.age", input.name)
            } else {
                format!("{}.{i}.age", input.name)
            };
            std::fs::write(d.join(&file), blob).expect("write blob");
            blobs.push(BlobJson {
                file,
                size: blob.len(),
                inner_sha256: hex::encode(Sha256::digest(plain)),
                inner_first_300_hex: hex::encode(&plain[..300]),
            });
        }
        cases.push(CaseJson {
            signature: hex::encode(sig),
            chain_hash: hex::encode(chain_hash(&arr(&input.msg_id), &sig)),
            fragment_key,
            blobs,
            input,
        });
    }
    let kat = KatFile {
        comment: "hushpost envelope v1 known-answer tests; see README.md".into(),
        alice: key_json(Some(&a), a.x()),
        alice_prekey: key_json(None, &alice_prekey()),
        bob: key_json(Some(&b), b.x()),
        bob_prekey: key_json(None, &bp),
        open_at_sent_at_plus: OPEN_DELAY,
        cases,
    };
    let mut text = serde_json::to_string_pretty(&kat).expect("json");
    text.push('\n');
    std::fs::write(d.join("cases.json"), text).expect("write cases.json");
}
