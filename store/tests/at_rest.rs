//! What is on disk: nothing readable without the key (database, WAL, body files), private
//! modes, large bodies in their own encrypted files, and a wrong key that changes nothing.
//!
//! Must not assert on SQLite's file format beyond "the marker bytes are absent".
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{KEY, msg, new_id};
use hushpost_store::{Store, StoreError};

const BODY_MARKER: &str = "ZEBRAFISH-BODY-MARKER-7731";
const SUBJECT_MARKER: &str = "QUOKKA-SUBJECT-MARKER-5521";
const PEER_MARKER: &str = "Wombat Marker-Person";
const TEXT_MARKER: &str = "AXOLOTLINDEXED";

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn assert_no_plaintext(dir: &Path) {
    let files = files_under(dir);
    assert!(!files.is_empty());
    for f in files {
        let bytes = fs::read(&f).unwrap();
        for marker in [
            BODY_MARKER,
            SUBJECT_MARKER,
            PEER_MARKER,
            TEXT_MARKER,
            "Marker-Person",
        ] {
            assert!(
                !contains(&bytes, marker),
                "{} contains {marker:?} in plaintext",
                f.display()
            );
        }
    }
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A 3 MiB RFC 5322 message with the markers in it.
fn big_raw() -> Vec<u8> {
    let mut raw = format!("Subject: {SUBJECT_MARKER}\r\n\r\n").into_bytes();
    let line = format!("{BODY_MARKER} lorem ipsum dolor sit amet {PEER_MARKER}\r\n");
    while raw.len() < 3 * 1024 * 1024 {
        raw.extend_from_slice(line.as_bytes());
    }
    raw
}

#[test]
fn large_body_goes_to_an_encrypted_file_and_nothing_is_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let mut s = Store::open(&dir, &KEY).unwrap();
    let big = big_raw();
    let small = format!("Subject: {SUBJECT_MARKER}\r\n\r\n{BODY_MARKER}\r\n").into_bytes();
    let mut m_big = msg(1, &big);
    m_big.subject = SUBJECT_MARKER.into();
    m_big.peer = PEER_MARKER.into();
    m_big.text = format!("{TEXT_MARKER} {BODY_MARKER}");
    let mut m_small = m_big.clone();
    m_small.msg_id = [0xaa; 16];
    m_small.raw = &small;
    let out = s.insert_batch(&[m_big, m_small]).unwrap();
    let (hushpost_store::Inserted::New(big_id), hushpost_store::Inserted::New(small_id)) =
        (out[0], out[1])
    else {
        panic!("{out:?}")
    };

    let body_files: Vec<_> = files_under(&dir.join("bodies"));
    assert_eq!(body_files.len(), 1, "only the 3 MiB body is external");
    assert!(dir.join("store.db-wal").exists(), "checking the WAL too");
    assert_no_plaintext(&dir);

    // Searchable all the same.
    assert_eq!(s.search(&TEXT_MARKER.to_lowercase(), 10).unwrap().len(), 2);
    assert_eq!(s.search("wombat", 10).unwrap().len(), 2);

    let (summary, body) = s.get(big_id).unwrap().unwrap();
    assert_eq!(summary.size, big.len() as u64);
    assert_eq!(&body[..], &big[..], "returned intact");
    assert_eq!(&s.get(small_id).unwrap().unwrap().1[..], &small[..]);

    s.delete(big_id).unwrap();
    assert!(
        files_under(&dir.join("bodies")).is_empty(),
        "body file removed on delete"
    );
    assert!(s.get(big_id).unwrap().is_none());
    assert_eq!(s.search(&TEXT_MARKER.to_lowercase(), 10).unwrap().len(), 1);
    assert_no_plaintext(&dir);
    drop(s);
    assert_no_plaintext(&dir);
}

#[test]
fn large_body_survives_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let big = big_raw();
    let id = {
        let mut s = Store::open(&dir, &KEY).unwrap();
        new_id(&s.insert_batch(&[msg(1, &big)]).unwrap())
    };
    let s = Store::open(&dir, &KEY).unwrap();
    assert_eq!(&s.get(id).unwrap().unwrap().1[..], &big[..]);
}

#[test]
fn a_tampered_body_file_is_refused_not_returned() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let mut s = Store::open(&dir, &KEY).unwrap();
    let big = big_raw();
    let id = new_id(&s.insert_batch(&[msg(1, &big)]).unwrap());
    let file = files_under(&dir.join("bodies")).pop().unwrap();
    let mut bytes = fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    fs::write(&file, &bytes).unwrap();
    assert!(matches!(s.get(id), Err(StoreError::Corrupt(_))));
    fs::remove_file(&file).unwrap();
    assert!(matches!(s.get(id), Err(StoreError::Io(..))));
    // Deleting the message still works when its file is already gone.
    s.delete(id).unwrap();
    assert_eq!(s.count().unwrap(), 0);
}

#[test]
fn orphan_body_files_are_swept_only_when_old() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let big = big_raw();
    {
        let mut s = Store::open(&dir, &KEY).unwrap();
        s.insert_batch(&[msg(1, &big)]).unwrap();
    }
    let bodies = dir.join("bodies");
    let young = bodies.join(format!("{}.age", "ab".repeat(16)));
    let old = bodies.join(format!("{}.age", "cd".repeat(16)));
    let foreign = bodies.join("notes.txt");
    for p in [&young, &old, &foreign] {
        fs::write(p, b"x").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for p in [&old, &foreign] {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let s = Store::open(&dir, &KEY).unwrap();
    assert!(young.exists(), "may belong to another process's insert");
    assert!(!old.exists(), "unreferenced and old: swept");
    assert!(foreign.exists(), "not ours: left alone");
    assert_eq!(files_under(&bodies).len(), 3, "the referenced body stays");
    assert_eq!(s.count().unwrap(), 1);
}

#[test]
fn wrong_key_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    {
        let mut s = Store::open(&dir, &KEY).unwrap();
        let r = common::raw("s", "b");
        s.insert_batch(&[msg(1, &r)]).unwrap();
    }
    let snapshot = || -> BTreeMap<PathBuf, Vec<u8>> {
        files_under(&dir)
            .into_iter()
            .map(|p| {
                let b = fs::read(&p).unwrap();
                (p, b)
            })
            .collect()
    };
    let before = snapshot();
    let mut wrong = KEY;
    wrong[0] ^= 1;
    assert!(matches!(
        Store::open(&dir, &wrong),
        Err(StoreError::WrongKey)
    ));
    assert_eq!(snapshot(), before, "a wrong key must not touch the files");

    // Also while another connection holds the store open (WAL present).
    let s = Store::open(&dir, &KEY).unwrap();
    let db_before = fs::read(dir.join("store.db")).unwrap();
    assert!(matches!(
        Store::open(&dir, &wrong),
        Err(StoreError::WrongKey)
    ));
    assert_eq!(fs::read(dir.join("store.db")).unwrap(), db_before);
    assert_eq!(s.count().unwrap(), 1);
    drop(s);
    assert_eq!(Store::open(&dir, &KEY).unwrap().count().unwrap(), 1);

    let msg = StoreError::WrongKey.to_string();
    assert!(msg.contains("key"), "{msg}");
}

#[test]
fn a_file_that_is_not_a_store_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("store.db"), vec![0x42; 8192]).unwrap();
    assert!(matches!(Store::open(&dir, &KEY), Err(StoreError::WrongKey)));
}

#[test]
fn files_and_directories_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a").join("store");
    let mut s = Store::open(&dir, &KEY).unwrap();
    let big = big_raw();
    s.insert_batch(&[msg(1, &big)]).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("bodies")), 0o700);
    for name in ["store.db", "store.db-wal", "store.db-shm"] {
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }
    for f in files_under(&dir.join("bodies")) {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}

#[test]
fn errors_read_well() {
    assert_eq!(StoreError::NotFound(7).to_string(), "no message with id 7");
    assert!(StoreError::DiskFull.to_string().contains("disk is full"));
    let io = StoreError::Io(
        std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        "/x/store.db".into(),
    );
    assert!(io.to_string().starts_with("/x/store.db: "));
    assert!(std::error::Error::source(&io).is_some());
}
