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
