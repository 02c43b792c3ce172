//! Bad input: each case gives one clear line, a non-zero exit where the command failed,
//! and loses nothing already stored.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;

fn one_line(err: &str) -> &str {
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got: {err}");
    lines[0]
}

#[test]
fn missing_identity_says_run_init() {
    let t = tempdir();
    let hp = Hp::new(t.path(), "nobody");
    std::fs::create_dir(&hp.home).expect("mkdir");
    std::fs::set_permissions(&hp.home, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let (code, _, err) = hp.run(&["list"]);
    assert_eq!(code, 1);
    assert!(one_line(&err).contains("hushpost init"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let t = tempdir();
    let hp = Hp::new(t.path(), "x");
    let (code, _, _) = hp.run(&["send"]);
    assert_eq!(code, 2);
    let (code, _, _) = hp.run(&["no-such-command"]);
    assert_eq!(code, 2);
}

#[test]
fn unknown_contact() {
    let t = tempdir();
    let (a, _, drop) = pair(t.path());
    let (code, _, err) = a.run_stdin(&["send", "--to", "mallory"], "hi");
    assert_eq!(code, 1);
    assert!(
        one_line(&err).contains("no contact named \"mallory\""),
        "{err}"
    );
    assert!(drop_files(&drop).is_empty());
}

#[test]
fn mangled_cards_are_refused_clearly() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    let card = b.card();
    let cases: Vec<(String, &str)> = vec![
        ("not a card".into(), "not a hushpost card"),
        (format!("{card}x"), "cut"),
        (card[..card.len() / 2].to_string(), "cut"),
        (card[..20].to_string(), "truncated"),
        (
            {
                let mut c = card.clone().into_bytes();
                let i = c.len() - 30;
                c[i] = if c[i] == b'A' { b'B' } else { b'A' };
                String::from_utf8(c).expect("ascii")
            },
            "checksum",
        ),
    ];
    for (bad, why) in cases {
        let (code, _, err) = a.run(&["contact", "add", "eve", &bad]);
        assert_eq!(code, 1, "{bad}");
        assert!(one_line(&err).to_lowercase().contains(why), "{why}: {err}");
    }
    let (code, _, err) = a.run(&["contact", "add", "me-again", &a.card()]);
    assert_eq!(code, 1);
    assert!(err.contains("your own card"), "{err}");
    assert_eq!(
        a.ok(&["contact", "list"]).lines().count(),
        1,
        "bob is still the only contact"
    );
}

#[test]
fn card_from_stdin() {
    let t = tempdir();
    let (a, b, _) = pair(t.path());
    a.ok(&["contact", "remove", "bob"]);
    a.ok_stdin(&["contact", "add", "bob", "-"], &format!("{}\n", b.card()));
    assert!(a.ok(&["contact", "show", "bob"]).contains("safety number"));
}

#[test]
fn key_change_is_never_silent() {
    let t = tempdir();
    let (a, _, drop) = pair(t.path());
    let impostor = Hp::new(t.path(), "impostor");
    impostor.init("Bob", &drop);
    let (code, _, err) = a.run(&["contact", "add", "bob", &impostor.card()]);
    assert_eq!(code, 1);
    assert!(one_line(&err).contains("DIFFERENT key"), "{err}");
}

#[test]
fn wrong_passphrase_rewrites_nothing() {
    let t = tempdir();
    let drop = t.path().join("d");
    std::fs::create_dir(&drop).expect("mkdir");
    let pw = t.path().join("pw");
    std::fs::write(&pw, "correct horse\n").expect("write");
    let mut hp = Hp::new(t.path(), "alice");
    hp.pass_file = Some(pw.clone());
    hp.ok(&[
        "init",
        "--name",
        "Alice",
        "--route",
        &format!("dir:{}", drop.display()),
    ]);
    let keyring = hp.home.join("keyring.age");
    let before = std::fs::read(&keyring).expect("read");
    assert!(before.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    let bad = t.path().join("bad");
    std::fs::write(&bad, "battery staple\n").expect("write");
    hp.pass_file = Some(bad);
    let (code, _, err) = hp.run(&["id"]);
    assert_eq!(code, 1);
    assert_eq!(one_line(&err), "hushpost: wrong passphrase");
    assert_eq!(std::fs::read(&keyring).expect("read"), before);
    // --passphrase-file works as well as the environment variable.
    hp.pass_file = None;
    let (code, out, _) = hp.run(&["--passphrase-file", pw.to_str().expect("utf8"), "id"]);
    assert_eq!(code, 0);
    assert!(out.contains("Alice"));
    // No terminal and no passphrase file: a clear refusal, not a hang (`id` itself answers
    // from the public identity.json and says the keyring is locked).
    let (code, _, err) = hp.run(&["contact", "list"]);
    assert_eq!(code, 1);
    assert!(one_line(&err).contains("--passphrase-file"), "{err}");
}

#[test]
fn group_readable_home_is_refused_with_the_fix() {
    let t = tempdir();
    let (a, _, _) = pair(t.path());
    std::fs::set_permissions(&a.home, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let (code, _, err) = a.run(&["list"]);
    assert_eq!(code, 1);
    let line = one_line(&err);
    assert!(line.contains("chmod 700"), "{line}");
    std::fs::set_permissions(&a.home, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    a.ok(&["list"]);
}

#[test]
fn missing_attachment_sends_nothing() {
    let t = tempdir();
    let (a, _, drop) = pair(t.path());
    let (code, _, err) = a.run_stdin(
        &["send", "--to", "bob", "--attach", "/no/such/file.pdf"],
        "hi",
    );
    assert_eq!(code, 1);
    assert!(one_line(&err).contains("/no/such/file.pdf"), "{err}");
    assert!(drop_files(&drop).is_empty());
    assert!(a.list_json(&["--sent"]).is_empty());
}

#[test]
fn flipped_byte_is_rejected_and_the_rest_still_arrives() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    a.ok_stdin(&["send", "--to", "bob", "-s", "one"], "1\n");
    let first = drop_files(&drop)[0].clone();
    let mut bytes = std::fs::read(&first).expect("read");
    bytes[9000] ^= 0x01;
    std::fs::write(&first, bytes).expect("write");
    a.ok_stdin(&["send", "--to", "bob", "-s", "two"], "2\n");
    let (code, out, err) = b.run(&["fetch"]);
    assert_eq!(code, 3, "partial: one blob refused\n{out}\n{err}");
    assert!(out.contains("1 new message"), "{out}");
    assert!(one_line(&err).contains("rejected a blob"), "{err}");
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "two");
    assert!(
        !err.contains(&first.file_name().expect("n").to_string_lossy().to_string()),
        "no file name (tag) in the error"
    );
}

#[test]
fn replayed_blob_is_not_shown_again() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    a.ok_stdin(&["send", "--to", "bob", "-s", "once"], "only once\n");
    let f = drop_files(&drop)[0].clone();
    let copy = std::fs::read(&f).expect("read");
    b.ok(&["fetch"]);
    // The drop (or an attacker) puts the same blob back, under a new name too.
    std::fs::write(&f, &copy).expect("write");
    let renamed = drop.join(format!(
        "{}.{}",
        f.file_name()
            .expect("n")
            .to_string_lossy()
            .split('.')
            .next()
            .expect("tag"),
        "00112233aabbccdd"
    ));
    std::fs::write(&renamed, &copy).expect("write");
    let out = b.ok(&["fetch"]);
    assert!(out.contains("0 new messages"), "{out}");
    assert_eq!(b.list_json(&[]).len(), 1);
    assert!(
        drop_files(&drop).is_empty(),
        "replays are cleaned from the drop"
    );
    // Even after deleting the message locally it does not come back.
    let id = b.list_json(&[])[0]["id"].to_string();
    b.ok(&["delete", &id]);
    std::fs::write(&f, &copy).expect("write");
    b.ok(&["fetch"]);
    assert!(b.list_json(&[]).is_empty());
}

#[test]
fn unwritable_drop_folder_is_a_clear_error_and_nothing_is_lost() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    a.ok_stdin(&["send", "--to", "bob", "-s", "before"], "kept\n");
    b.ok(&["fetch"]);
    std::fs::set_permissions(&drop, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let immutable = is_root()
        && std::process::Command::new("chattr")
            .arg("+i")
            .arg(&drop)
            .status()
            .is_ok_and(|s| s.success());
    if is_root() && !immutable {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root on ext4 and needs chattr"
        );
        eprintln!("SKIP: root without chattr +i");
        return;
    }
    let (code, _, err) = a.run_stdin(&["send", "--to", "bob", "-s", "after"], "x\n");
    if immutable {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&drop)
            .status();
    }
    assert_eq!(code, 1);
    assert!(err.contains("permission denied"), "{err}");
    assert!(err.contains("bob: not sent: "), "{err}");
    assert!(err.contains("kept in the outbox"), "{err}");
    assert_eq!(b.list_json(&[]).len(), 1, "bob's mail is intact");
    // The message is not lost: its sent copy is stored, and its delivery says why it waits.
    let sent = a.list_json(&["--sent"]);
    assert_eq!(sent.len(), 2, "{sent:?}");
    let d = &sent[0]["deliveries"][0];
    assert_eq!(d["state"], "queued", "{sent:?}");
    assert!(
        d["reason"]
            .as_str()
            .expect("reason")
            .contains("permission denied"),
        "{sent:?}"
    );
    assert_eq!(sent[1]["deliveries"][0]["state"], "sent", "{sent:?}");
}

#[test]
fn full_drop_disk_is_reported_and_nothing_is_half_written() {
    if !is_root() {
        eprintln!("SKIP: mounting a tiny tmpfs needs root");
        return;
    }
    let t = tempdir();
    let small = t.path().join("small");
    std::fs::create_dir(&small).expect("mkdir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&small)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and must be able to mount tmpfs"
        );
        eprintln!("SKIP: cannot mount tmpfs");
        return;
    }
    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    a.init("Alice", &small);
    b.init("Bob", &small);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    let big = t.path().join("big.bin");
    std::fs::write(&big, vec![7u8; 600_000]).expect("write");
    let (code, _, err) = a.run_stdin(
        &["send", "--to", "bob", "-a", big.to_str().expect("utf8")],
        "x\n",
    );
    let leftovers: Vec<String> = std::fs::read_dir(&small)
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    let _ = std::process::Command::new("umount").arg(&small).status();
    // The first blob fitted: partly sent (3), the rest kept, and the line says so.
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("is full") && err.contains("partly sent"),
        "{err}"
    );
    assert!(
        leftovers.iter().all(|n| !n.ends_with(".tmp")),
        "no temp files left: {leftovers:?}"
    );
    // Kept, and counted as the attempt it was (it said "0 attempt(s)" beside the error).
    let items: Vec<serde_json::Value> =
        serde_json::from_str(&a.ok(&["outbox", "--json"])).expect("json");
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["attempts"], 1, "{items:?}");
}

/// The second bug behind the typed policy: `via = "Tor"` (capital T) used to dial direct.
/// Now every command refuses a config.toml it cannot read — one line naming the file, the
/// line, the key, the value and the allowed values — before it touches the network.
#[test]
fn a_misspelt_via_in_config_stops_every_command_with_one_line() {
    let t = tempdir();
    let (a, _, drop) = pair(t.path());
    let before = drop_files(&drop).len();
    let cfg = a.home.join("config.toml");
    let cases = [
        (
            "[network]\nvia = \"Tor\"\n",
            "config.toml:2: network.via: unknown variant `Tor`, expected `direct` or `tor`",
        ),
        (
            "[network]\nvai = \"tor\"\n",
            "network.vai: unknown field `vai`, expected one of `tor_proxy`, `via`, `timeout_secs`",
        ),
        (
            "[cover]\nschemes = [\"https\", \"smtp\"]\n",
            "config.toml:2: cover.schemes[1]: unknown variant `smtp`, expected one of `dir`, `ssh`, `https`, `mailto`",
        ),
        (
            "[network]\ntor_proxy = \"127.0.0.1:9050\"\n",
            "network.tor_proxy: \"127.0.0.1:9050\" is not a SOCKS5 URL",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(&cfg, text).expect("config");
        for args in [
            &["list"][..],
            &["send", "--to", "bob", "--now"],
            &["fetch"],
            &["poll"],
            &["contact", "list"],
            &["leaks"],
            &["doctor"],
            &["id"],
        ] {
            let (code, out, err) = a.run_stdin(args, "must not be sent\n");
            assert_eq!(code, 1, "{args:?} with {text:?}: {err}");
            assert!(out.is_empty(), "{args:?}: nothing on stdout: {out}");
            let line = one_line(&err);
            assert!(line.contains(want), "{args:?}: {line}");
            assert!(
                line.contains(&cfg.display().to_string()),
                "names the file: {line}"
            );
        }
    }
    assert_eq!(drop_files(&drop).len(), before, "nothing was sent");
}

/// An empty pipe is refused as an empty editor buffer is: nothing sent, nothing stored,
/// exit 1; `init` over an identity refuses before asking for a passphrase it could not use.
#[test]
fn an_empty_piped_body_is_not_sent_and_init_refuses_first() {
    let t = tempdir();
    let (a, _, drop) = pair(t.path());
    let before = drop_files(&drop).len();
    let (code, _, err) = a.run_stdin(&["send", "--to", "bob", "--subject", "oops"], "\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("empty message on stdin"), "{err}");
    assert_eq!(drop_files(&drop).len(), before);
    assert!(a.list_json(&["--sent"]).is_empty());
    let (code, _, err) = a.run(&["init", "--name", "Again"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("refusing to overwrite") && !err.contains("terminal"),
        "{err}"
    );
}

#[test]
fn an_empty_passphrase_file_variable_counts_as_unset() {
    // `HUSHPOST_PASSPHRASE_FILE= hushpost …` (how shells and systemd units blank a
    // variable) stopped every command with clap's "a value is required".
    let t = tempdir();
    let (a, _, _) = pair(t.path());
    let out = a
        .cmd()
        .env("HUSHPOST_PASSPHRASE_FILE", "")
        .args(["list", "--json"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // An explicit --passphrase-file beside the empty variable is parsed as usual.
    let o = a
        .cmd()
        .env("HUSHPOST_PASSPHRASE_FILE", "")
        .args(["--passphrase-file", "/nonexistent/pass", "list"])
        .output()
        .expect("run");
    let pf_err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !pf_err.contains("a value is required"),
        "an explicit file beside an empty variable: {pf_err}"
    );
}

/// A fetch that stored its mail but could not delete it from the drop (it went read-only,
/// or down) makes that delete first next time, instead of downloading everything again.
#[test]
fn blobs_stored_but_not_deleted_are_deleted_first_next_time_not_downloaded_again() {
    if !is_root() {
        eprintln!("SKIP: bind mounts need root");
        return;
    }
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    let big = t.path().join("big.bin");
    std::fs::write(&big, vec![5u8; 700_000]).expect("write");
    a.ok_stdin(
        &["send", "--to", "bob", "-a", big.to_str().expect("utf8")],
        "x\n",
    );
    let on_drop = drop_files(&drop).len();
    assert!(on_drop >= 4, "{on_drop}");
    let mount = |args: &[&str]| {
        std::process::Command::new("mount")
            .args(args)
            .arg(&drop)
            .arg(&drop)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !mount(&["--bind"]) {
        assert!(std::env::var_os("CI").is_none(), "CI can bind-mount");
        eprintln!("SKIP: cannot bind-mount");
        return;
    }
    let ro = std::process::Command::new("mount")
        .args(["-o", "remount,bind,ro"])
        .arg(&drop)
        .status()
        .is_ok_and(|s| s.success());
    let (code, out, err) = b.run(&["fetch", "--json"]);
    let _ = std::process::Command::new("umount").arg(&drop).status();
    assert!(ro, "remount read-only");
    assert_eq!(code, 3, "stored, not deleted: {out}{err}");
    assert!(out.contains("could not delete"), "route_errors: {out}");
    assert_eq!(drop_files(&drop).len(), on_drop, "all still on the drop");
    let (code, out, err) = b.run(&["fetch", "--json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(r["blobs"], 0, "nothing downloaded again: {r}");
    assert_eq!(r["duplicates"], 0, "{r}");
    assert!(drop_files(&drop).is_empty(), "deleted now");
    assert_eq!(b.list_json(&[]).len(), 1, "shown once");
}
