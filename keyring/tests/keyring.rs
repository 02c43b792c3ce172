//! Keyring at rest: encryption, permissions, wrong passphrase, generations.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_keyring::{
    KeyringError, Protection, SecretHex, State, create, is_protected, load, save,
};
use secrecy::SecretString;
use std::os::unix::fs::PermissionsExt;

fn state() -> State {
    State {
        name: "Alice".into(),
        ed_seed: SecretHex::from_bytes([0x11; 32]),
        x_secret: SecretHex::from_bytes([0x22; 32]),
        intro_cap: SecretHex::random(),
        store_key: SecretHex::random(),
        routes: vec!["dir:/tmp/x".parse().expect("route")],
        card_issued_at: 1,
        created_at: 1,
        contacts: vec![],
        pq_seed: None,
        mail_password: None,
    }
}

fn pass(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

#[test]
fn passphrase_file_is_an_age_scrypt_file_with_work_factor_18() {
    let d = tempfile::tempdir().expect("tmp");
    let p = d.path().join("home/keyring.age");
    create(&p, &Protection::Passphrase(pass("pw")), &state()).expect("create");
    let bytes = std::fs::read(&p).expect("read");
    let text = String::from_utf8_lossy(&bytes[..120]);
    assert!(
        text.starts_with("age-encryption.org/v1\n-> scrypt "),
        "{text}"
    );
    let line = text.lines().nth(1).expect("stanza");
    assert!(line.ends_with(" 18"), "{line}");
    assert_eq!(text.matches("\n-> ").count(), 1, "exactly one stanza");
    // No secret in the clear.
    assert!(
        !bytes.windows(6).any(|w| w == b"111111"),
        "ed seed hex visible"
    );
    assert!(!bytes.windows(5).any(|w| w == b"Alice"));
    assert!(is_protected(&p).expect("probe"));
    let s = load(&p, Some(&pass("pw"))).expect("load");
    assert_eq!(s.ed_seed.expose(), &[0x11; 32]);
    // Modes: dir 0700, file 0600, created with the mode.
    let m = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(m, 0o600);
    let m = std::fs::metadata(p.parent().expect("dir"))
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(m, 0o700);
}

#[test]
fn wrong_passphrase_is_one_clear_error_and_nothing_is_rewritten() {
    let d = tempfile::tempdir().expect("tmp");
    let p = d.path().join("home/keyring.age");
    create(&p, &Protection::Passphrase(pass("right")), &state()).expect("create");
    let before = std::fs::read(&p).expect("read");
    let e = load(&p, Some(&pass("wrong"))).expect_err("wrong passphrase");
    assert!(matches!(e, KeyringError::WrongPassphrase));
    assert_eq!(e.to_string(), "wrong passphrase");
    assert_eq!(std::fs::read(&p).expect("read"), before);
    assert!(matches!(load(&p, None), Err(KeyringError::NeedsPassphrase)));
}

#[test]
fn unencrypted_only_when_chosen_and_round_trips() {
    let d = tempfile::tempdir().expect("tmp");
    let p = d.path().join("home/keyring.json");
    create(&p, &Protection::None, &state()).expect("create");
    assert!(!is_protected(&p).expect("probe"));
    let text = std::fs::read_to_string(&p).expect("read");
    assert!(text.contains("hushpost-keyring-unencrypted"));
    let s = load(&p, None).expect("load");
    assert_eq!(s.name, "Alice");
    assert!(matches!(
        create(&p, &Protection::None, &state()),
        Err(KeyringError::AlreadyExists(_))
    ));
}

#[test]
fn group_readable_keyring_is_refused_with_a_fix() {
    let d = tempfile::tempdir().expect("tmp");
    let p = d.path().join("home/keyring.json");
    create(&p, &Protection::None, &state()).expect("create");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let e = load(&p, None).expect_err("refused");
    assert!(e.to_string().contains("chmod 600"), "{e}");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    std::fs::set_permissions(
        d.path().join("home"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    let e = load(&p, None).expect_err("refused");
    assert!(e.to_string().contains("chmod 700"), "{e}");
}

#[test]
fn missing_keyring_says_run_init() {
    let d = tempfile::tempdir().expect("tmp");
    let e = load(&d.path().join("home/nope"), None).expect_err("missing");
    assert!(e.to_string().contains("hushpost init"), "{e}");
}

#[test]
fn corrupted_keyring_is_reported_not_misread() {
    let d = tempfile::tempdir().expect("tmp");
    let p = d.path().join("home/keyring.age");
    create(&p, &Protection::Passphrase(pass("pw")), &state()).expect("create");
    let mut b = std::fs::read(&p).expect("read");
    let n = b.len();
    b[n - 5] ^= 0x40;
    std::fs::write(&p, &b).expect("write");
    let e = load(&p, Some(&pass("pw"))).expect_err("corrupt");
    assert!(matches!(e, KeyringError::Corrupt(_)), "{e:?}");
}

#[test]
fn save_replaces_and_deleted_secrets_are_gone() {
    let d = tempfile::tempdir().expect("tmp");
    let p = d.path().join("home/keyring.json");
    let mut s = state();
    s.intro_cap = SecretHex::from_bytes([0xAB; 32]);
    create(&p, &Protection::None, &s).expect("create");
    s.intro_cap = SecretHex::from_bytes([0xCD; 32]);
    save(&p, &Protection::None, &s).expect("save");
    let all: Vec<u8> = std::fs::read_dir(d.path().join("home"))
        .expect("ls")
        .flat_map(|e| std::fs::read(e.expect("entry").path()).expect("read"))
        .collect();
    let old = hex::encode([0xAB; 32]);
    assert!(
        !all.windows(old.len()).any(|w| w == old.as_bytes()),
        "old secret still on disk"
    );
}

/// Envelope v2 added hybrid seeds and keys: a keyring written without them loads (and is
/// written back byte for byte the same), and one with them keeps them, encrypted.
#[test]
fn hybrid_fields_are_optional_and_round_trip() {
    let d = tempfile::tempdir().expect("tmp");
    let p = d.path().join("home/keyring.json");
    create(&p, &Protection::None, &state()).expect("create");
    let old = std::fs::read(&p).expect("read");
    assert!(
        !String::from_utf8_lossy(&old).contains("pq_"),
        "no hybrid fields written"
    );
    let loaded = load(&p, None).expect("old keyring loads");
    assert!(loaded.pq_seed.is_none());
    save(&p, &Protection::None, &loaded).expect("save");
    assert_eq!(
        std::fs::read(&p).expect("read"),
        old,
        "unchanged when unused"
    );

    let mut s = state();
    s.pq_seed = Some(SecretHex::from_bytes([0x33; 32]));
    s.contacts.push(hushpost_keyring::ContactState {
        name: "bob".into(),
        card: "hushpost:x".into(),
        verified: false,
        added_at: 1,
        use_routes: None,
        via: None,
        fallback: false,
        allow_local: false,
        my_prekeys: vec![hushpost_keyring::OwnPrekey {
            secret: SecretHex::from_bytes([0x44; 32]),
            public: "00".repeat(32),
            created_at: 1,
            not_after: 2,
            seen_in_use_at: None,
            superseded_at: None,
            pq_seed: Some(SecretHex::from_bytes([0x55; 32])),
        }],
        their_prekey: None,
        their_pq_prekey: Some(hushpost_keyring::PeerHybridKey {
            key: "ab".repeat(1216),
            not_after: 9,
            sig: "cd".repeat(64),
            received_at: 3,
        }),
        their_pq_identity: None,
        pq_seen_at: Some(4),
    });
    let e = d.path().join("enc/keyring.age");
    create(&e, &Protection::Passphrase(pass("pw")), &s).expect("create");
    let bytes = std::fs::read(&e).expect("read");
    assert!(
        !bytes
            .windows(8)
            .any(|w| w == b"33333333" || w == b"55555555")
    );
    let back = load(&e, Some(&pass("pw"))).expect("load");
    assert_eq!(back.pq_seed.as_ref().map(|x| *x.expose()), Some([0x33; 32]));
    let c = &back.contacts[0];
    assert_eq!(
        c.my_prekeys[0].pq_seed.as_ref().map(|x| *x.expose()),
        Some([0x55; 32])
    );
    assert_eq!(c.their_pq_prekey.as_ref().map(|k| k.not_after), Some(9));
    assert_eq!(c.pq_seen_at, Some(4));
}
