//! The folder operations on a real directory: names only this store's instance claims,
//! delivery through `tmp/` that never replaces a file, flag renames as clients make them.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

use super::*;

fn folder() -> (tempfile::TempDir, Folder) {
    let t = tempfile::tempdir().expect("tmp");
    let f = Folder::open(&t.path().join("md"), "0a1b2c3d").expect("open");
    (t, f)
}

/// Writes and delivers one message.
fn put(f: &Folder, base: &str, parts: &[&[u8]], seen: bool) -> std::io::Result<()> {
    let p = f.write(base, parts, seen)?;
    f.deliver(vec![p]).1
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn delivery_goes_through_tmp_into_new_or_cur() {
    let (_t, f) = folder();
    let a = f.base(7, 1_750_000_000);
    assert_eq!(a, "1750000000.hp0a1b2c3d-7.hushpost");
    put(
        &f,
        &a,
        &[b"Subject: a\r\n".as_slice(), b"\r\nx".as_slice()],
        false,
    )
    .expect("deliver");
    let b = f.base(8, 1_750_000_001);
    put(&f, &b, &[b"Subject: b\r\n\r\ny".as_slice()], true).expect("deliver");
    f.sync().expect("sync");
    assert_eq!(names(&f.dir().join("new")), vec![a.clone()]);
    assert_eq!(names(&f.dir().join("cur")), vec![format!("{b}:2,S")]);
    assert!(names(&f.dir().join("tmp")).is_empty());
    // A name already there is refused, not replaced.
    let e = put(&f, &a, &[b"other".as_slice()], false).expect_err("exists");
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(
        std::fs::read(f.dir().join("new").join(&a)).expect("read"),
        b"Subject: a\r\n\r\nx"
    );
    assert!(names(&f.dir().join("tmp")).is_empty());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(f.dir().join("new").join(&a))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_batch_stops_at_its_first_failure_and_leaves_nothing_in_tmp() {
    let (_t, f) = folder();
    let taken = f.base(2, 20);
    put(&f, &taken, &[b"first".as_slice()], false).expect("deliver");
    let batch = (1..=3)
        .map(|id| {
            f.write(&f.base(id, 20), &[b"x".as_slice()], false)
                .expect("write")
        })
        .collect();
    let (done, result) = f.deliver(batch);
    assert_eq!(
        done, 1,
        "id 1 delivered, id 2's name is taken, id 3 not linked"
    );
    assert_eq!(
        result.expect_err("taken").kind(),
        std::io::ErrorKind::AlreadyExists
    );
    assert_eq!(
        names(&f.dir().join("new")),
        vec![f.base(1, 20), taken.clone()]
    );
    assert_eq!(
        std::fs::read(f.dir().join("new").join(&taken)).expect("read"),
        b"first"
    );
    assert!(names(&f.dir().join("tmp")).is_empty());
}

#[test]
fn scan_claims_only_this_instance_and_reads_flags() {
    let (_t, f) = folder();
    put(&f, &f.base(1, 10), &[b"a".as_slice()], false).expect("deliver");
    put(&f, &f.base(2, 11), &[b"b".as_slice()], true).expect("deliver");
    // Another store's file, an old export's, a client's own, and one of ours left in tmp/.
    for (sub, name) in [
        ("cur", "12.hpffffffff-3.hushpost:2,S"),
        ("new", "13.hp4.hushpost"),
        ("cur", "1750000000.M1P2.host:2,FS"),
        ("tmp", "14.hp0a1b2c3d-5.hushpost"),
    ] {
        std::fs::write(f.dir().join(sub).join(name), b"z").expect("write");
    }
    let found = f.scan().expect("scan");
    let mut ids: Vec<i64> = found.keys().copied().collect();
    ids.sort_unstable();
    assert_eq!(ids, vec![1, 2]);
    assert!(!found[&1].seen() && found[&2].seen());
    assert_eq!(names(&f.dir().join("tmp")), Vec::<String>::new());
    assert_eq!(
        names(&f.dir().join("cur")).len(),
        3,
        "others' files untouched"
    );
}

#[test]
fn flags_move_as_a_client_would_move_them() {
    let (_t, f) = folder();
    let base = f.base(9, 20);
    put(&f, &base, &[b"m".as_slice()], false).expect("deliver");
    let found = f.scan().expect("scan");
    f.set_seen(&found[&9], true).expect("seen");
    assert_eq!(names(&f.dir().join("cur")), vec![format!("{base}:2,S")]);
    assert!(names(&f.dir().join("new")).is_empty());
    // A client flagged and replied to it; hushpost marks it unread: the other flags stay.
    let path = f.dir().join("cur").join(format!("{base}:2,S"));
    std::fs::rename(&path, f.dir().join("cur").join(format!("{base}:2,FRS"))).expect("mv");
    let found = f.scan().expect("scan");
    assert_eq!(found[&9].flags, "FRS");
    f.set_seen(&found[&9], false).expect("unseen");
    assert_eq!(names(&f.dir().join("cur")), vec![format!("{base}:2,FR")]);
    assert!(!f.scan().expect("scan")[&9].seen());
}

#[test]
fn one_sync_at_a_time() {
    let (_t, f) = folder();
    let held = f.lock().expect("lock");
    let other = std::fs::File::open(f.dir().join("tmp")).expect("open");
    assert!(other.try_lock().is_err(), "a second holder must wait");
    drop(held);
    assert!(other.try_lock().is_ok());
}
