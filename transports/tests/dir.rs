//! The folder drop against a real directory.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::FetchCap;
use hushpost_transports::dir::DirDrop;
use hushpost_transports::{DeadDrop, Flow, TransportError, conformance};
use std::os::unix::fs::PermissionsExt;

#[test]
fn dir_passes_the_conformance_suite() {
    let d = tempfile::tempdir().expect("tmp");
    conformance::run(&mut DirDrop::new(d.path()), &[16_384, 262_144]);
}

#[test]
fn foreign_files_in_a_shared_folder_are_untouched() {
    let d = tempfile::tempdir().expect("tmp");
    std::fs::write(d.path().join("notes.txt"), b"mine").expect("write");
    let other = FetchCap([9; 32]).tag();
    let name = format!("{}.0123456789abcdef", other.hex());
    std::fs::write(d.path().join(&name), b"someone else's").expect("write");
    let mut drop = DirDrop::new(d.path());
    let caps = [FetchCap([1; 32])];
    let mut n = 0;
    drop.fetch(&caps, &mut |_| {
        n += 1;
        Flow::Continue
    })
    .expect("fetch");
    assert_eq!(n, 0);
    drop.delete(&caps, &[(0, name.clone()), (0, "notes.txt".into())])
        .expect("delete");
    assert!(d.path().join(&name).exists());
    assert!(d.path().join("notes.txt").exists());
}

#[test]
fn no_temp_file_is_left_and_names_carry_only_the_tag() {
    let d = tempfile::tempdir().expect("tmp");
    let cap = FetchCap([4; 32]);
    DirDrop::new(d.path())
        .put(&cap.tag(), &[0u8; 16_384], Default::default())
        .expect("put");
    let names: Vec<String> = std::fs::read_dir(d.path())
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1);
    assert!(names[0].starts_with(&cap.tag().hex()));
    assert_eq!(names[0].len(), 64 + 1 + 16);
}

#[test]
fn missing_and_unwritable_folders_are_clear_errors() {
    let d = tempfile::tempdir().expect("tmp");
    let gone = d.path().join("not-mounted");
    let e = DirDrop::new(&gone)
        .put(&FetchCap([1; 32]).tag(), b"x", Default::default())
        .expect_err("missing");
    assert!(matches!(e, TransportError::DirMissing(_)), "{e}");
    assert!(e.to_string().contains("does not exist"));

    let ro = d.path().join("ro");
    std::fs::create_dir(&ro).expect("mkdir");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    // Root ignores permission bits; make the folder immutable instead (ext4 chattr +i).
    let immutable = is_root()
        && std::process::Command::new("chattr")
            .arg("+i")
            .arg(&ro)
            .status()
            .is_ok_and(|s| s.success());
    if is_root() && !immutable {
        eprintln!(
            "SKIP unwritable-folder check: running as root and chattr +i is unavailable here"
        );
        return;
    }
    let r = DirDrop::new(&ro).put(&FetchCap([1; 32]).tag(), b"x", Default::default());
    if immutable {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&ro)
            .status();
    }
    let e = r.expect_err("unwritable");
    assert!(matches!(e, TransportError::PermissionDenied(_)), "{e}");
    assert!(
        std::fs::read_dir(&ro).expect("ls").next().is_none(),
        "nothing half-written left behind"
    );
}

#[test]
fn a_batch_lands_whole_in_order_and_counts_every_blob() {
    let d = tempfile::tempdir().expect("tmp");
    let cap = FetchCap([5; 32]);
    let blobs: Vec<Vec<u8>> = (0..10u8).map(|i| vec![i; 16_384]).collect();
    let refs: Vec<&[u8]> = blobs.iter().map(|b| &b[..]).collect();
    let (n, r) = DirDrop::new(d.path()).put_batch(&cap.tag(), &refs, Default::default());
    r.expect("batch");
    assert_eq!(n, 10);
    let mut got = Vec::new();
    DirDrop::new(d.path())
        .fetch(std::slice::from_ref(&cap), &mut |f| {
            got.push(f.blob[0]);
            Flow::Continue
        })
        .expect("fetch");
    got.sort_unstable();
    assert_eq!(got, (0..10u8).collect::<Vec<_>>());
    let gone = d.path().join("gone");
    let (n, r) = DirDrop::new(&gone).put_batch(&cap.tag(), &refs, Default::default());
    assert_eq!(n, 0);
    assert!(matches!(r, Err(TransportError::DirMissing(_))), "{r:?}");
}

/// A disk that fills up half-way through a batch: the count says how many are on the
/// drop, exactly those are there whole, and no temp file is left.
#[test]
fn a_batch_on_a_full_disk_keeps_the_whole_prefix_and_no_temp_files() {
    let d = tempfile::tempdir().expect("tmp");
    let small = d.path().join("small");
    if !tiny_tmpfs(&small, "100k") {
        return;
    }
    let cap = FetchCap([6; 32]);
    let blobs: Vec<Vec<u8>> = (0..10u8).map(|i| vec![i; 16_384]).collect();
    let refs: Vec<&[u8]> = blobs.iter().map(|b| &b[..]).collect();
    let (n, r) = DirDrop::new(&small).put_batch(&cap.tag(), &refs, Default::default());
    let names: Vec<String> = std::fs::read_dir(&small)
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    let sizes: Vec<u64> = std::fs::read_dir(&small)
        .expect("ls")
        .map(|e| e.expect("e").metadata().expect("stat").len())
        .collect();
    let _ = std::process::Command::new("umount").arg(&small).status();
    assert!(matches!(r, Err(TransportError::DiskFull(_))), "{r:?}");
    assert!(n > 0 && n < 10, "{n}");
    assert_eq!(names.len(), n, "{names:?}");
    assert!(names.iter().all(|x| !x.ends_with(".tmp")), "{names:?}");
    assert!(sizes.iter().all(|s| *s == 16_384), "{sizes:?}");
}

/// Mounts a tmpfs of `size` at `at` (created); false, with a SKIP line, where that needs
/// root this test does not have (CI has it, and must be able to).
fn tiny_tmpfs(at: &std::path::Path, size: &str) -> bool {
    std::fs::create_dir(at).expect("mkdir");
    let ok = is_root()
        && std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
    assert!(
        ok || !is_root() || std::env::var_os("CI").is_none(),
        "CI must mount tmpfs"
    );
    if !ok {
        eprintln!("SKIP: cannot mount a tiny tmpfs (needs root)");
    }
    ok
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// Small blobs come first whatever the listing order (a large message's head is one), and
/// a delete of many blobs (made on several threads) removes each of them and nothing else.
#[test]
fn small_blobs_are_fetched_first_and_many_deletes_remove_exactly_those() {
    let d = tempfile::tempdir().expect("tmp");
    let cap = FetchCap([7; 32]);
    let mut drop = DirDrop::new(d.path());
    let large: Vec<Vec<u8>> = (0..600u32)
        .map(|i| vec![(i % 200) as u8; 262_144])
        .collect();
    let refs: Vec<&[u8]> = large.iter().map(|b| &b[..]).collect();
    let (n, r) = drop.put_batch(&cap.tag(), &refs, Default::default());
    r.expect("large");
    assert_eq!(n, 600);
    for i in 0..3u8 {
        drop.put(&cap.tag(), &[200 + i; 16_384], Default::default())
            .expect("small");
    }
    std::fs::write(d.path().join("notes.txt"), b"mine").expect("write");
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    drop.fetch(std::slice::from_ref(&cap), &mut |f| {
        sizes.push(f.blob.len());
        ids.push((0, f.id));
        Flow::Continue
    })
    .expect("fetch");
    assert_eq!(sizes.len(), 603);
    assert!(sizes[..3].iter().all(|s| *s == 16_384), "{:?}", &sizes[..4]);
    assert!(sizes[3..].iter().all(|s| *s == 262_144));
    // Deleting all but the last one leaves exactly that one (and the foreign file).
    let keep = ids.pop().expect("one");
    drop.delete(std::slice::from_ref(&cap), &ids)
        .expect("delete");
    let mut left: Vec<String> = std::fs::read_dir(d.path())
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let mut want = vec![keep.1, "notes.txt".to_string()];
    want.sort();
    assert_eq!(left, want);
}
