//! Attachments of any size in bounded memory (issue 16, "Done when"): a 256 MiB attachment
//! goes through `send`, `fetch`, `read`, `read --save-attachments`, `export --maildir` and
//! `delete`, each measured with `/usr/bin/time` (peak RSS ≤ 128 MiB), and arrives byte for
//! byte (`cmp`) over a relay with its default quota (128 blobs per mailbox, far fewer than
//! the ~1,040 blobs of the message), where the rest waits in the sender's outbox and leaves
//! as the recipient drains the drop; a small message sent right after it arrives too. The
//! same over a folder with 64 MiB (CI time: the relay case is the one the issue asks for).
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};

const SIZE: u64 = 256 << 20;
const FOLDER_SIZE: u64 = 64 << 20;
const MAX_RSS_KIB: u64 = 128 << 10;

/// A file of `len` pseudo-random bytes, written a MiB at a time.
fn big_file(path: &Path, len: u64) {
    use rand::{RngCore, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(16);
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        rng.fill_bytes(&mut buf[..n]);
        f.write_all(&buf[..n]).expect("write");
        left -= n as u64;
    }
    f.flush().expect("flush");
}

/// Runs hushpost under `/usr/bin/time`; returns (exit code, stdout, stderr, peak RSS KiB).
fn measured(hp: &Hp, args: &[&str], stdin: &str) -> (i32, String, String, u64) {
    let report = hp
        .home
        .with_extension(format!("time-{}", rand::random::<u32>()));
    let bin = assert_cmd::cargo::cargo_bin("hushpost");
    let mut c = std::process::Command::new("/usr/bin/time");
    c.arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(bin)
        .args(args)
        .env("HUSHPOST_HOME", &hp.home)
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("spawn /usr/bin/time");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin");
    let out = child.wait_with_output().expect("wait");
    let text = std::fs::read_to_string(&report).expect("time report");
    let _ = std::fs::remove_file(&report);
    let rss = text
        .lines()
        .rev()
        .find_map(|l| l.trim().parse::<u64>().ok())
        .expect("peak RSS in the report");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        rss,
    )
}

/// Runs a command that must succeed within the memory bound; returns stdout.
fn bounded(hp: &Hp, args: &[&str], stdin: &str) -> String {
    let (code, out, err, rss) = measured(hp, args, stdin);
    assert_eq!(
        code, 0,
        "hushpost {args:?} failed\nstdout: {out}\nstderr: {err}"
    );
    eprintln!("hushpost {} — peak RSS {} MiB", args.join(" "), rss / 1024);
    assert!(
        rss <= MAX_RSS_KIB,
        "hushpost {args:?} peaked at {} MiB (bound: 128 MiB)",
        rss / 1024
    );
    out
}

fn cmp(a: &Path, b: &Path) {
    let st = std::process::Command::new("cmp")
        .arg(a)
        .arg(b)
        .status()
        .expect("cmp");
    assert!(st.success(), "{} and {} differ", a.display(), b.display());
}

/// Reads, saves, exports and deletes the large message at Bob's, each bounded; checks the
/// saved file and the exported Maildir message.
fn receive_side(t: &Path, b: &Hp, file: &Path, size: u64) {
    let rows = b.list_json(&[]);
    let big = rows
        .iter()
        .find(|r| r["subject"] == "big")
        .unwrap_or_else(|| panic!("the large message arrived: {rows:?}"));
    let id = big["id"].to_string();
    let text = bounded(b, &["read", &id], "");
    assert!(
        text.contains("the big one") && text.contains("big.bin"),
        "{text}"
    );
    let saved = t.join("saved");
    bounded(
        b,
        &[
            "read",
            &id,
            "--save-attachments",
            saved.to_str().expect("utf8"),
        ],
        "",
    );
    cmp(file, &saved.join("big.bin"));
    std::fs::remove_file(saved.join("big.bin")).expect("rm");
    let maildir = t.join("maildir");
    bounded(
        b,
        &["export", "--maildir", maildir.to_str().expect("utf8")],
        "",
    );
    let exported: Vec<PathBuf> = ["cur", "new"]
        .iter()
        .flat_map(|d| std::fs::read_dir(maildir.join(d)).expect("ls"))
        .map(|e| e.expect("entry").path())
        .collect();
    let largest = exported
        .iter()
        .map(|p| std::fs::metadata(p).expect("meta").len())
        .max()
        .expect("exported");
    assert!(
        largest > size * 4 / 3,
        "the attachment is in the export, base64"
    );
    std::fs::remove_dir_all(&maildir).expect("rm");
    bounded(b, &["delete", &id], "");
    let left: u64 = walk(&b.home);
    assert!(left < 64 << 20, "delete left {left} bytes in Bob's home");
}

fn walk(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    walk(&p)
                } else {
                    std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0)
                }
            })
            .sum()
        })
        .unwrap_or(0)
}

#[test]
fn a_64_mib_attachment_over_a_folder_in_bounded_memory() {
    if !require("cmp") {
        return;
    }
    let t = tempdir();
    let (a, b, _drop) = pair(t.path());
    a.cover_off();
    b.cover_off();
    let file = t.path().join("big.bin");
    big_file(&file, FOLDER_SIZE);
    let path = file.to_str().expect("utf8");
    bounded(
        &a,
        &["send", "--to", "bob", "-s", "big", "--attach", path],
        "the big one\n",
    );
    bounded(&a, &["send", "--to", "bob", "-s", "small"], "right after\n");
    let out = bounded(&b, &["fetch"], "");
    assert!(out.contains("2 new message"), "{out}");
    receive_side(t.path(), &b, &file, FOLDER_SIZE);
}

#[test]
fn a_256_mib_attachment_over_a_relay_with_default_quota_arrives() {
    if !require("cmp") {
        return;
    }
    let t = tempdir();
    let data = t.path().join("relay-data");
    let mut relay = RelayProc::spawn(&data, &t.path().join("relay-logs"), &["--tls-self-signed"]);
    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    for (hp, name) in [(&a, "Alice"), (&b, "Bob")] {
        let own = t.path().join(format!("{name}-drop"));
        std::fs::create_dir_all(&own).expect("mkdir");
        hp.init(name, &own);
        hp.cover_off();
        hp.ok(&["route", "add", &relay.route]);
        hp.ok(&["route", "remove", &format!("dir:{}", own.display())]);
    }
    let (card_a, card_b) = (a.card(), b.card());
    a.ok(&["contact", "add", "--allow-local", "bob", &card_b]);
    b.ok(&["contact", "add", "--allow-local", "alice", &card_a]);
    let file = t.path().join("big.bin");
    big_file(&file, SIZE);
    let path = file.to_str().expect("utf8");
    let out = bounded(
        &a,
        &["send", "--to", "bob", "-s", "big", "--attach", path],
        "the big one\n",
    );
    eprintln!("{out}");
    // Small mail to the same contact is not blocked by the large message in flight.
    bounded(&a, &["send", "--to", "bob", "-s", "small"], "right after\n");
    let mut rounds = 0;
    loop {
        let out = bounded(&b, &["fetch"], "");
        eprintln!("fetch {rounds}: {}", out.trim());
        let rows = b.list_json(&[]);
        if rows.iter().any(|r| r["subject"] == "big") {
            assert!(
                rows.iter().any(|r| r["subject"] == "small"),
                "the small message arrived too: {rows:?}"
            );
            break;
        }
        rounds += 1;
        assert!(rounds < 40, "the large message never completed");
        // The sender's outbox sends what the drained mailbox takes now.
        let (code, out, err, rss) = measured(&a, &["outbox", "retry"], "");
        assert!(
            rss <= MAX_RSS_KIB,
            "outbox retry peaked at {} MiB",
            rss / 1024
        );
        eprintln!("retry {rounds}: {code} {} {}", out.trim(), err.trim());
    }
    assert!(
        rounds >= 3,
        "the quota really held blobs back ({rounds} rounds)"
    );
    receive_side(t.path(), &b, &file, SIZE);
    relay.stop();
}

#[test]
fn a_send_killed_mid_seal_resumes_where_it_stopped() {
    if !require("cmp") {
        return;
    }
    const KILL_SIZE: u64 = 128 << 20;
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    a.cover_off();
    b.cover_off();
    let file = t.path().join("big.bin");
    big_file(&file, KILL_SIZE);
    // ≈ 520 blobs; killed once 300 are on the drop.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
        .args(["send", "--to", "bob", "-s", "big", "--attach"])
        .arg(&file)
        .env("HUSHPOST_HOME", &a.home)
        .env_remove("HUSHPOST_PASSPHRASE_FILE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn send");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"the big one\n")
        .expect("stdin");
    let before = loop {
        let n = drop_files(&drop).len();
        if n >= 300 {
            break n;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "send finished before it could be killed ({n} blobs)"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let killed_at = drop_files(&drop).len();
    assert!(
        killed_at < 530,
        "killed mid-way: {before}..{killed_at} blobs"
    );
    // The next command that tends the outbox resumes the seal from its record.
    let out = a.ok(&["outbox", "retry"]);
    eprintln!("{out}");
    let total = drop_files(&drop).len();
    eprintln!("killed with {killed_at} blobs on the drop; {total} after the resume");
    // Restarting from zero would put every blob again (≥ killed_at + 520); a resume re-puts
    // at most the blobs after the last recorded count (64).
    assert!(
        total <= 530 + 64,
        "resumed from zero? {killed_at} blobs before the kill, {total} after"
    );
    b.ok(&["fetch"]);
    let rows = b.list_json(&[]);
    let id = rows
        .iter()
        .find(|r| r["subject"] == "big")
        .unwrap_or_else(|| panic!("the resumed message arrived: {rows:?}"))["id"]
        .to_string();
    let saved = t.path().join("saved");
    b.ok(&[
        "read",
        &id,
        "--save-attachments",
        saved.to_str().expect("utf8"),
    ]);
    cmp(&file, &saved.join("big.bin"));
}
