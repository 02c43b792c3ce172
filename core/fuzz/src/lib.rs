//! The bodies of the `cargo fuzz` targets, as plain functions so they can also run on stable:
//! `core/tests/fuzz_smoke.rs` includes this file (`#[path]`) and feeds it seeded random and
//! mutated inputs. Each function must never panic on any input; the `assert!`s are the
//! properties the fuzzer checks beyond "no panic".

use hushpost_core::agelayer;
use hushpost_core::card::Card;
use hushpost_core::envelope::{self, OpenContext, Opened};
use hushpost_core::identity::Identity;
use hushpost_core::replay::MemorySeen;
use std::sync::OnceLock;

/// `envelope::parse_inner` is total, and whatever it accepts is canonical:
/// re-encoding to the input's length gives back exactly the input.
/// Every target returns whether the input was accepted (the smoke test counts them).
pub fn inner_parse(data: &[u8]) -> bool {
    let Ok(inner) = envelope::parse_inner(data) else {
        return false;
    };
    let again = envelope::encode_inner(&inner, data.len());
    assert!(
        again == data,
        "parse_inner accepted a non-canonical encoding"
    );
    true
}

/// `Card::parse` is total on any UTF-8, and an accepted card survives encode → parse.
pub fn card_parse(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(card) = Card::parse(text) else {
        return false;
    };
    let again = Card::parse(&card.encode()).expect("a re-encoded card parses");
    assert!(again == card, "card changed across encode/parse");
    true
}

/// The fixed identity the `open_blob` target opens as (its secrets are public: tests only).
pub fn fuzz_identity() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| Identity::from_secrets(&[0x5a; 32], &[0xa5; 32]))
}

/// The whole receive procedure on arbitrary bytes, padded with zeros or truncated to a small
/// bucket: never panics, and anything accepted is addressed to us.
pub fn open_blob(data: &[u8]) -> bool {
    let me = fuzz_identity();
    let mut blob = data.to_vec();
    blob.resize(envelope::SMALL, 0);
    let keys = [me.x()];
    let seen = MemorySeen::default();
    let r = envelope::open(
        &blob,
        &OpenContext {
            me: me.ed_public(),
            keys: &keys,
            is_contact: &|_| true,
            seen: &seen,
            now: 1_800_000_000,
        },
    );
    match r {
        Ok(Opened::Message(m)) => assert_eq!(m.header.recipient, me.ed_public()),
        Ok(Opened::Fragment(f)) => assert_eq!(f.header.recipient, me.ed_public()),
        Err(_) => return false,
    }
    true
}

/// Strict armor decoding: total, and whatever it accepts is exactly our canonical armor of
/// the decoded bytes, up to surrounding whitespace and CRLF line ends (armor is not
/// malleable).
pub fn dearmor(data: &[u8]) -> bool {
    let Ok(bin) = agelayer::dearmor(data) else {
        return false;
    };
    let canonical = agelayer::armor(&bin);
    let text = std::str::from_utf8(data).expect("accepted armor is ASCII");
    let normalized = text
        .trim_matches([' ', '\t', '\r', '\n'])
        .replace("\r\n", "\n");
    assert_eq!(
        normalized,
        canonical.trim_end(),
        "dearmor accepted a non-canonical armor"
    );
    assert_eq!(agelayer::dearmor(canonical.as_bytes()).ok(), Some(bin));
    true
}

/// `envelope::v2::parse_inner` is total, and whatever it accepts is canonical: encoding it
/// back (padded to the input's length) gives exactly the input.
pub fn v2_inner_parse(data: &[u8]) -> bool {
    let Ok(inner) = envelope::v2::parse_inner(data) else {
        return false;
    };
    let again = envelope::v2::encode_inner(&inner, data, data.len());
    assert!(
        again == data,
        "v2 parse_inner accepted a non-canonical encoding"
    );
    true
}

/// The hybrid key the `hybrid_stanza` target unwraps with (public test secret).
pub fn fuzz_hybrid() -> &'static hushpost_core::hybrid::HybridKeyPair {
    static K: OnceLock<hushpost_core::hybrid::HybridKeyPair> = OnceLock::new();
    K.get_or_init(|| hushpost_core::hybrid::HybridKeyPair::from_seed(&[0x5b; 32]))
}

/// An `mlkem768x25519` stanza from arbitrary bytes: the first byte picks how many arguments,
/// the next two how long the first is; the rest is arguments (lossy UTF-8) and body. Never
/// panics; unwrapping succeeds only for stanzas made with the key (`seed` marks those).
pub fn hybrid_stanza(data: &[u8]) -> bool {
    let Some((&n_args, rest)) = data.split_first() else {
        return false;
    };
    let (len, rest) = match rest {
        [a, b, tail @ ..] => (usize::from(u16::from_be_bytes([*a, *b])), tail),
        _ => (0, rest),
    };
    let cut = len.min(rest.len());
    let arg = String::from_utf8_lossy(&rest[..cut]).into_owned();
    let args: Vec<String> = (0..n_args % 4).map(|_| arg.clone()).collect();
    let body = &rest[cut..];
    matches!(fuzz_hybrid().unwrap(&args, body), Ok(Some(_)))
}
