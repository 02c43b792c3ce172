//! Saving attachments a hostile contact named: a link planted in the folder is never
//! followed, U+202E and control characters and leading dots leave the name, a 300-byte
//! name is shortened keeping its extension, and when one file cannot be written the others
//! are saved and `read` exits 3 (nothing half written is left).
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::path::Path;

/// A message with one attachment per (file name, contents), as a client would write it.
fn with_attachments(files: &[(&str, &[u8])]) -> String {
    use std::fmt::Write;
    let mut m = String::from(
        "To: bob\nSubject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nsee attached\n",
    );
    for (name, data) in files {
        let b64 = base64_lines(data);
        write!(
            m,
            "--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"{name}\"\nContent-Transfer-Encoding: base64\n\n{b64}\n"
        )
        .expect("write");
    }
    m.push_str("--b--\n");
    m
}

/// Standard base64 in 76-column lines (test data only).
fn base64_lines(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s.as_bytes()
        .chunks(76)
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
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
fn hostile_names_and_planted_links_are_harmless() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let long = format!("{}.pdf", "n".repeat(300));
    let msg = with_attachments(&[
        ("report.txt", b"mine now"),
        ("a\u{202e}txt.sh", b"#!/bin/sh"),
        ("../../.profile", b"escape"),
        (&long, b"long"),
    ]);
    a.ok_stdin(&["sendmail", "bob"], &msg);
    b.ok(&["fetch"]);
    let dir = t.path().join("saved");
    std::fs::create_dir(&dir).expect("mkdir");
    let outside = t.path().join("outside.txt");
    std::os::unix::fs::symlink(&outside, dir.join("report.txt")).expect("plant");
    let id = b.list_json(&[])[0]["id"].to_string();
    let (code, _, err) = b.run(&[
        "read",
        &id,
        "--save-attachments",
        dir.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!outside.exists(), "wrote through the planted link");
    let got = names(&dir);
    let short = format!("{}.pdf", "n".repeat(196));
    let want = vec![
        "2-report.txt".to_string(),
        "atxt.sh".into(),
        short.clone(),
        "profile".into(),
        "report.txt".into(),
    ];
    assert_eq!(got, want);
    assert_eq!(
        std::fs::read(dir.join("2-report.txt")).expect("read"),
        b"mine now"
    );
    assert_eq!(std::fs::read(dir.join(short)).expect("read"), b"long");
    assert!(!t.path().join(".profile").exists());
    // What read shows of the names is what was saved.
    let shown = b.ok(&["read", &id]);
    assert!(
        shown.contains("atxt.sh") && !shown.contains('\u{202e}'),
        "{shown}"
    );
}

#[test]
fn one_file_that_cannot_be_written_leaves_the_others_saved_and_exits_3() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let big = vec![7u8; 3 * 1024 * 1024];
    a.ok_stdin(
        &["sendmail", "bob"],
        &with_attachments(&[("small.txt", b"fits"), ("big.bin", &big)]),
    );
    b.ok(&["fetch"]);
    let id = b.list_json(&[])[0]["id"].to_string();
    b.ok(&["read", &id]);
    let dir = t.path().join("saved");
    // A file size limit of 1 MiB (512-byte blocks) makes writing big.bin fail with EFBIG
    // (SIGXFSZ ignored), a real failure of the kind a full disk gives.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 2048; exec '{}' read {id} --save-attachments '{}'",
            assert_cmd::cargo::cargo_bin("hushpost").display(),
            dir.display()
        ))
        .env("HUSHPOST_HOME", &b.home)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("big.bin: not saved"), "{err}");
    assert_eq!(names(&dir), vec!["small.txt"], "nothing half written");
    assert_eq!(std::fs::read(dir.join("small.txt")).expect("read"), b"fits");
}
