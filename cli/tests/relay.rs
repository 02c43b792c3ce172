//! `hushpost relay serve` as the real binary on 127.0.0.1 with a self-signed certificate,
//! and two identities exchanging mail through it with the CLI; afterwards the relay's data
//! directory and its logs are searched for anything that names or links them; and `kill -9`
//! during uploads loses no acknowledged blob.

mod common;
use common::*;
use hushpost_core::{FetchCap, Route};
use hushpost_transports::{DeadDrop, DialOptions, Flow, PutOptions};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn all_bytes(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).expect("ls") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            all_bytes(&p, out);
        } else {
            let mut b = Vec::new();
            std::fs::File::open(&p)
                .expect("open")
                .read_to_end(&mut b)
                .expect("read");
            out.push((p, b));
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The longest run of hex digits in `s` (tags, capabilities and hashes are 64).
fn longest_hex_run(s: &str) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c.is_ascii_hexdigit() {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

#[test]
fn two_people_exchange_mail_through_the_relay_and_it_keeps_nothing_readable() {
    let t = tempdir();
    let data = t.path().join("relay-data");
    let mut relay = RelayProc::spawn(&data, &t.path().join("relay-logs"), &["--tls-self-signed"]);
    assert!(
        relay.route.starts_with("https://127.0.0.1:") && relay.route.contains("#pin=sha256:"),
        "{}",
        relay.route
    );

    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    for (hp, name) in [(&a, "Alice Liddell"), (&b, "Bob Builder")] {
        let own = t.path().join(format!("{name}-drop"));
        std::fs::create_dir_all(&own).expect("mkdir");
        hp.init(name, &own);
        hp.cover_off();
        hp.ok(&["route", "add", &relay.route]);
        hp.ok(&["route", "remove", &format!("dir:{}", own.display())]);
        assert_eq!(hp.ok(&["route", "list"]).trim(), relay.route);
    }
    let (card_a, card_b) = (a.card(), b.card());
    a.ok(&["contact", "add", "--allow-local", "bob", &card_b]);
    b.ok(&["contact", "add", "--allow-local", "alice", &card_a]);

    let subject = "Quarterly zeppelin schedule";
    let body = "Meet at the hangar, bring the blue folder.";
    let out = a.ok_stdin(&["send", "--to", "bob", "--subject", subject], body);
    assert!(out.contains("bob: sent via https://127.0.0.1"), "{out}");
    let out = b.ok(&["fetch"]);
    assert!(out.contains("1 new message"), "{out}");
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], subject);
    let id = rows[0]["id"].as_i64().expect("id").to_string();
    assert!(b.ok(&["read", &id]).contains(body));
    // Fetched mail is deleted from the relay; a second fetch finds nothing.
    assert!(b.ok(&["fetch"]).contains("0 new messages"));

    b.ok_stdin(&["reply", &id], "Noted, blue folder it is.\n");
    assert!(a.ok(&["fetch"]).contains("1 new message"));
    assert_eq!(a.list_json(&[])[0]["subject"], format!("Re: {subject}"));

    assert_eq!(relay.stop(), 0, "SIGTERM is a clean exit");
    let banner = std::fs::read_to_string(&relay.out).expect("out");
    let logs = std::fs::read_to_string(&relay.log).expect("log");
    assert!(logs.contains("relay stopped"), "{logs}");

    // Everything that could name or link the two of them.
    let mut secrets: Vec<String> = vec![
        "Alice".into(),
        "Liddell".into(),
        "Bob Builder".into(),
        subject.into(),
        "zeppelin".into(),
        "blue folder".into(),
        card_a.clone(),
        card_b.clone(),
        card_a[card_a.len() - 40..].to_string(),
        card_b[card_b.len() - 40..].to_string(),
    ];
    for hp in [&a, &b] {
        let id: serde_json::Value = serde_json::from_str(&hp.ok(&["id", "--json"])).expect("json");
        for k in ["fingerprint", "fingerprint_hex", "age_recipient"] {
            secrets.push(id[k].as_str().expect(k).to_string());
        }
        secrets.push(hp.home.display().to_string());
    }
    let mut files = Vec::new();
    all_bytes(&data, &mut files);
    assert!(!files.is_empty());
    for (path, bytes) in &files {
        for s in &secrets {
            assert!(
                !contains(bytes, s.as_bytes()),
                "{} contains {s:?}",
                path.display()
            );
        }
    }
    for s in &secrets {
        assert!(!logs.contains(s.as_str()), "the log contains {s:?}");
        assert!(!banner.contains(s.as_str()), "the banner contains {s:?}");
    }
    // No tag, capability or blob hash (64 hex digits), no client address in the logs.
    assert!(
        longest_hex_run(&logs) < 16,
        "hex material in the log:\n{logs}"
    );
    assert!(
        !logs.contains("127.0.0.1"),
        "an address in the log:\n{logs}"
    );
}

#[test]
fn serve_refuses_plain_http_off_loopback_and_needs_a_tls_choice() {
    let t = tempdir();
    let hp = Hp::new(t.path(), "x");
    let data = t.path().join("d");
    let d = data.to_str().expect("utf8");
    let (code, _, err) = hp.run(&[
        "relay",
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--data",
        d,
        "--plain-http",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("loopback"), "{err}");
    let (code, _, err) = hp.run(&["relay", "serve", "--listen", "127.0.0.1:0", "--data", d]);
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = hp.run(&["relay", "serve", "--help"]);
    assert_eq!(code, 0);
    for want in [
        "[Service]",
        "ExecStart=",
        "HiddenServiceDir",
        "HiddenServicePort",
    ] {
        assert!(out.contains(want), "--help lacks {want}");
    }
}

#[test]
fn the_self_signed_certificate_and_its_pin_survive_a_restart() {
    let t = tempdir();
    let data = t.path().join("relay-data");
    let logs = t.path().join("logs");
    let mut r1 = RelayProc::spawn(&data, &logs, &["--tls-self-signed"]);
    let pin1 = r1.route.split_once("#pin=").expect("pin").1.to_string();
    assert!(
        std::fs::read_to_string(&r1.out)
            .expect("out")
            .contains("made a self-signed certificate")
    );
    assert_eq!(r1.stop(), 0);
    let mut r2 = RelayProc::spawn(&data, &logs, &["--tls-self-signed"]);
    assert_eq!(r2.route.split_once("#pin=").expect("pin").1, pin1);
    let key = data.join("tls").join("key.pem");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).expect("key").permissions().mode() & 0o077,
        0,
        "the key is private"
    );
    assert_eq!(r2.stop(), 0);

    // Plain HTTP on loopback, for an onion service.
    let mut r3 = RelayProc::spawn(&t.path().join("plain"), &logs, &["--plain-http"]);
    assert!(r3.route.starts_with("http://127.0.0.1:"), "{}", r3.route);
    assert!(
        std::fs::read_to_string(&r3.out)
            .expect("out")
            .contains("onion")
    );
    assert_eq!(r3.stop(), 0);
}

const SMALL: usize = 16_384;
const LARGE: usize = 262_144;

/// kill -9 of the relay in the middle of uploads: uploaders record every put that returned
/// Ok; the relay is killed, started again on the same data directory, and every recorded
/// blob must come back intact.
#[test]
fn kill_9_during_uploads_loses_no_acknowledged_blob() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let t = tempfile::Builder::new()
        .prefix("hp-relay-crash-")
        .tempdir()
        .expect("tmp");
    let data = t.path().join("data");
    let logs = t.path().join("logs");
    let relay = RelayProc::spawn(&data, &logs, &["--tls-self-signed"]);
    let route: Route = relay.route.parse().expect("route");

    type Acked = Arc<Mutex<Vec<(FetchCap, Vec<u8>)>>>;
    let acked: Acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..6u8 {
        let (route, acked, stop) = (route.clone(), acked.clone(), stop.clone());
        workers.push(std::thread::spawn(move || {
            let dial = DialOptions {
                timeout_secs: 5,
                ..Default::default()
            };
            let mut d = relay_drop(&route, &dial).expect("drop");
            let mut cap = FetchCap(rand::random());
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                if n % 100 == 99 {
                    cap = FetchCap(rand::random());
                }
                let len = if w == 0 && n.is_multiple_of(4) {
                    LARGE
                } else {
                    SMALL
                };
                let blob: Vec<u8> = (0..len).map(|_| rand::random::<u8>()).collect();
                match d.put(&cap.tag(), &blob, PutOptions::default()) {
                    Ok(()) => acked.lock().expect("lock").push((cap.clone(), blob)),
                    Err(_) => return,
                }
                n += 1;
            }
        }));
    }
    // Let uploads run, then kill -9 while they are in full flight.
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.lock().expect("lock").len() < 300 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut relay = relay;
    relay.child.kill().expect("kill -9");
    relay.child.wait().expect("wait");
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("worker");
    }
    let acked = std::mem::take(&mut *acked.lock().expect("lock"));
    assert!(
        acked.len() >= 100,
        "only {} puts before the kill",
        acked.len()
    );

    let mut again = RelayProc::spawn(&data, &logs, &["--tls-self-signed"]);
    assert_eq!(
        again.route.split_once('#').map(|x| x.1),
        relay.route.split_once('#').map(|x| x.1),
        "same certificate after the crash"
    );
    let mut want: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut caps: Vec<FetchCap> = Vec::new();
    for (c, b) in &acked {
        *want.entry(b.clone()).or_default() += 1;
        if !caps.contains(c) {
            caps.push(c.clone());
        }
    }
    let mut d = relay_drop(
        &again.route.parse().expect("route"),
        &DialOptions::default(),
    )
    .expect("drop");
    let mut got = 0usize;
    d.fetch(&caps, &mut |f| {
        if let Some(n) = want.get_mut(&f.blob)
            && *n > 0
        {
            *n -= 1;
            got += 1;
        }
        Flow::Continue
    })
    .expect("fetch after restart");
    assert_eq!(
        got,
        acked.len(),
        "acknowledged blobs lost by kill -9: {} of {}",
        acked.len() - got,
        acked.len()
    );
    assert_eq!(again.stop(), 0);
}

/// The restart that used to crash-loop: 40 puts under one tag, a fetch, 36 of them deleted,
/// SIGTERM, start again. The start-up sweep found the segment less than half alive and
/// compacted it by waiting on a tokio channel from inside the runtime
/// (`Cannot block the current thread from within a runtime`, exit 101 on every retry).
#[test]
fn the_relay_restarts_after_40_puts_and_36_deletes_under_one_tag() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let t = tempdir();
    let data = t.path().join("data");
    let logs = t.path().join("logs");
    let mut relay = RelayProc::spawn(&data, &logs, &["--tls-self-signed"]);
    let cap = FetchCap(rand::random());
    let mut blobs = Vec::new();
    {
        let mut d = relay_drop(
            &relay.route.parse().expect("route"),
            &DialOptions::default(),
        )
        .expect("drop");
        for i in 0..40u8 {
            let blob = vec![i; SMALL];
            d.put(&cap.tag(), &blob, PutOptions::default())
                .expect("put");
            blobs.push(blob);
        }
        let mut ids = Vec::new();
        d.fetch(std::slice::from_ref(&cap), &mut |f| {
            ids.push((f.blob[0], f.id));
            Flow::Continue
        })
        .expect("fetch");
        assert_eq!(ids.len(), 40);
        ids.sort();
        let gone: Vec<(usize, String)> = ids[..36].iter().map(|(_, id)| (0, id.clone())).collect();
        d.delete(std::slice::from_ref(&cap), &gone)
            .expect("delete 36");
    }
    assert_eq!(relay.stop(), 0);
    for round in 0..3 {
        let mut again = RelayProc::spawn(&data, &logs, &["--tls-self-signed"]);
        let log = std::fs::read_to_string(&again.log).unwrap_or_default();
        assert!(!log.contains("panicked"), "round {round}: {log}");
        let mut d = relay_drop(
            &again.route.parse().expect("route"),
            &DialOptions::default(),
        )
        .expect("drop");
        let mut left = Vec::new();
        d.fetch(std::slice::from_ref(&cap), &mut |f| {
            left.push(f.blob);
            Flow::Continue
        })
        .expect("fetch after restart");
        left.sort();
        assert_eq!(
            left,
            blobs[36..].to_vec(),
            "round {round}: the 4 unread blobs"
        );
        assert_eq!(again.stop(), 0, "round {round}: clean exit");
        let log = std::fs::read_to_string(&again.log).unwrap_or_default();
        assert!(!log.contains("panicked"), "round {round}: {log}");
    }
}

/// A start that fails after the relay made its runtime — the port taken, as a crash-looping
/// unit would meet it, or a store it cannot open (a full disk) — is one error line and exit
/// 1, never a panic ("Cannot drop a runtime in a context where blocking is not allowed").
#[test]
fn a_start_that_cannot_listen_or_open_its_store_says_why_without_panicking() {
    let t = tempdir();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
        .args(["relay", "serve", "--tls-self-signed", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data")
        .arg(t.path().join("data"))
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("cannot listen"), "{err}");
    // A store it cannot open: the blobs directory is a file.
    let data = t.path().join("data2");
    std::fs::create_dir_all(&data).expect("mkdir");
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(data.join("blobs"))
            .and_then(|mut f| f.write_all(b"not a directory"))
            .expect("file");
    }
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("hushpost"))
        .args([
            "relay",
            "serve",
            "--tls-self-signed",
            "--listen",
            "127.0.0.1:0",
            "--data",
        ])
        .arg(&data)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
