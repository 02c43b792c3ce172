//! Nothing lost on the sending side: a send that cannot complete keeps exactly what is
//! missing in the outbox (and the message in the store), says so, exits 1 or 3, and goes
//! out later — by hand (`outbox retry`) or on its own; `list --sent` shows each recipient's
//! state and why.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;

fn outbox(hp: &Hp) -> Vec<serde_json::Value> {
    serde_json::from_str(&hp.ok(&["outbox", "--json"])).expect("outbox --json")
}

#[test]
fn a_send_that_cannot_leave_is_kept_and_sent_later() {
    let t = tempdir();
    let (a, b, drop) = pair(t.path());
    let away = t.path().join("unplugged");
    std::fs::rename(&drop, &away).expect("unplug the shared folder");
    let body = "A piped body that must not be lost.\n";
    let (code, out, err) = a.run_stdin(&["send", "--to", "bob", "-s", "kept"], body);
    assert_eq!(code, 1, "nothing left: {out}{err}");
    assert!(err.contains("kept in the outbox"), "{err}");
    assert!(err.contains("does not exist"), "the reason: {err}");
    let items = outbox(&a);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["recipient"], "bob");
    assert_eq!(items[0]["waiting"], 1);
    assert!(
        items[0]["reason"]
            .as_str()
            .expect("reason")
            .contains("does not exist")
    );
    let sent = a.list_json(&["--sent"]);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["deliveries"][0]["state"], "queued");
    let id = format!("s{}", sent[0]["id"].as_i64().expect("id"));
    assert_eq!(sent[0]["ref"], id.as_str());
    assert!(
        a.ok(&["read", &id]).contains("must not be lost"),
        "the body is in the store"
    );
    let text = a.ok(&["list", "--sent"]);
    assert!(
        text.contains("bob via dir:") && text.contains("queued"),
        "{text}"
    );

    // Still unplugged: a retry fails again, keeps it, and exits 1 (nothing left; 3 would
    // say "partly").
    let (code, _, err) = a.run(&["outbox", "retry"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(outbox(&a).len(), 1);

    std::fs::rename(&away, &drop).expect("plug it back");
    let delivery = items[0]["id"].as_i64().expect("id").to_string();
    a.ok(&["outbox", "retry", &delivery]);
    assert!(outbox(&a).is_empty(), "nothing waits any more");
    assert_eq!(
        a.list_json(&["--sent"])[0]["deliveries"][0]["state"],
        "sent"
    );
    assert!(b.ok(&["fetch"]).contains("1 new message"));
    let got = b.list_json(&[]);
    let bid = got[0]["id"].as_i64().expect("id").to_string();
    assert!(b.ok(&["read", &bid]).contains("must not be lost"));
}

#[test]
fn a_partial_multi_recipient_send_keeps_only_what_is_missing() {
    let t = tempdir();
    let (a, b, _shared) = pair(t.path());
    let carol_drop = t.path().join("carol-drop");
    std::fs::create_dir_all(&carol_drop).expect("mkdir");
    let c = Hp::new(t.path(), "carol");
    c.init("Carol", &carol_drop);
    a.ok(&["contact", "add", "--allow-local", "carol", &c.card()]);
    c.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    let away = t.path().join("carol-away");
    std::fs::rename(&carol_drop, &away).expect("unplug");
    let (code, out, err) = a.run_stdin(
        &["send", "--to", "bob", "--to", "carol", "-s", "both"],
        "x\n",
    );
    assert_eq!(code, 3, "partly done: {out}{err}");
    assert!(out.contains("bob: sent via"), "{out}");
    assert!(err.contains("carol: not sent: dir:"), "{err}");
    let sent = a.list_json(&["--sent"]);
    let states: Vec<(String, String)> = sent[0]["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| (d["recipient"].to_string(), d["state"].to_string()))
        .collect();
    assert_eq!(
        states,
        vec![
            ("\"bob\"".to_string(), "\"sent\"".to_string()),
            ("\"carol\"".to_string(), "\"queued\"".to_string())
        ]
    );
    assert!(b.ok(&["fetch"]).contains("1 new message"));
    std::fs::rename(&away, &carol_drop).expect("plug");
    a.ok(&["outbox", "retry"]);
    assert!(c.ok(&["fetch"]).contains("1 new message"));
    // Bob got exactly one copy: only carol's was retried.
    assert!(b.ok(&["fetch"]).contains("0 new messages"));
    let sent = a.list_json(&["--sent"]);
    assert!(
        sent[0]["deliveries"]
            .as_array()
            .expect("deliveries")
            .iter()
            .all(|d| d["state"] == "sent")
    );
}

#[test]
fn dropping_a_delivery_takes_its_blobs_out_of_the_outbox() {
    let t = tempdir();
    let (a, _b, drop) = pair(t.path());
    std::fs::rename(&drop, t.path().join("gone")).expect("unplug");
    let _ = a.run_stdin(&["send", "--to", "bob"], "x\n");
    let id = outbox(&a)[0]["id"].as_i64().expect("id").to_string();
    let out = a.run(&["outbox", "drop", &id]);
    assert_eq!(out.0, 0, "{out:?}");
    assert!(outbox(&a).is_empty());
    assert_eq!(
        a.list_json(&["--sent"])[0]["deliveries"][0]["state"],
        "dropped"
    );
    let (code, _, err) = a.run(&["outbox", "drop", &id]);
    assert_eq!(code, 1);
    assert!(err.contains("no delivery"), "{err}");
}

#[test]
fn large_mail_on_a_cover_route_without_large_slots_is_held_and_says_how_to_send_it() {
    let t = tempdir();
    let (a, b, _drop) = pair(t.path());
    std::fs::write(a.home.join("config.toml"), "[cover]\nschemes = [\"dir\"]\n").expect("config");
    let file = t.path().join("big.bin");
    std::fs::write(&file, vec![7u8; 40_000]).expect("attachment");
    let (code, out, err) = a.run_stdin(
        &[
            "send",
            "--to",
            "bob",
            "-s",
            "big",
            "--attach",
            file.to_str().expect("utf8"),
        ],
        "see attached\n",
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("needs large cover-traffic slots"), "{err}");
    assert!(err.contains("hushpost outbox retry"), "{err}");
    let items = outbox(&a);
    assert_eq!(items[0]["state"], "held");
    // The list says it leaves only by hand, not "now or in the next slot" beside a backoff.
    let listed = a.ok(&["outbox"]);
    assert!(
        listed.contains("only by hand") && !listed.contains("next slot"),
        "{listed}"
    );
    // A poll never sends it (no large slots), and never pretends it was sent.
    a.ok(&["poll"]);
    assert_eq!(outbox(&a).len(), 1);
    assert_eq!(
        a.list_json(&["--sent"])[0]["deliveries"][0]["state"],
        "held"
    );
    let id = items[0]["id"].as_i64().expect("id").to_string();
    a.ok(&["outbox", "retry", &id]);
    // What left by hand is what the records say: sent, every blob counted, nothing waits.
    assert!(outbox(&a).is_empty(), "{:?}", outbox(&a));
    let d = &a.list_json(&["--sent"])[0]["deliveries"][0];
    assert_eq!(d["state"], "sent", "{d}");
    assert_eq!(d["sent_blobs"], d["blobs"], "{d}");
    assert!(b.ok(&["fetch"]).contains("1 new message"));
}

/// Queued on a cover route, a message says when it leaves from the schedule of the slots it
/// needs: large blobs wait for large slots (it counted small slots only), and a
/// passphrase-protected keyring pauses an unattended poll's contact lanes.
#[test]
fn queued_mail_says_when_it_leaves_from_its_slots_and_the_lock() {
    let t = tempdir();
    let drop = t.path().join("d");
    std::fs::create_dir(&drop).expect("mkdir");
    let pw = t.path().join("pw");
    std::fs::write(&pw, "correct horse\n").expect("write");
    let mut a = Hp::new(t.path(), "alice");
    a.pass_file = Some(pw);
    a.ok(&[
        "init",
        "--name",
        "Alice",
        "--route",
        &format!("dir:{}", drop.display()),
    ]);
    let b = Hp::new(t.path(), "bob");
    b.init("Bob", &drop);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    std::fs::write(
        a.home.join("config.toml"),
        "[cover]\nschemes = [\"dir\"]\nsend_large = 1\nmean_interval_secs = 600\n",
    )
    .expect("config");
    let file = t.path().join("big.bin");
    let bytes: Vec<u8> = (0..700_000u64).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&file, bytes).expect("attachment");
    let (code, out, err) = a.run_stdin(
        &[
            "send",
            "--to",
            "bob",
            "-s",
            "big",
            "--attach",
            file.to_str().expect("utf8"),
        ],
        "see attached\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    let said = format!("{out}{err}");
    let large: u64 = said
        .split(" large blob(s) queued")
        .next()
        .and_then(|h| h.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("counts large blobs: {said}"));
    assert!(large >= 3, "{said}");
    // One large slot a tick, a tick every 10 minutes on average.
    let eta = humantime::format_duration(std::time::Duration::from_secs(large * 600)).to_string();
    assert!(said.contains(&format!("expect about {eta} ")), "{said}");
    assert!(
        said.contains("only while the keyring is unlocked"),
        "{said}"
    );
}

/// Held large mail sent by hand that the drop fills up under half-way: what left counts
/// (it said "1 blob sent", or 0), the exit says "partly" (3), and the rest is no longer held
/// "only by hand" but retried by fetch and poll after the backoff (it stalled for ever).
#[test]
fn held_mail_sent_by_hand_that_fills_the_drop_halfway_follows_on_its_own() {
    if !is_root() {
        eprintln!("SKIP: mounting a tiny tmpfs needs root");
        return;
    }
    let Some(faketime) = faketime_lib() else {
        assert!(std::env::var_os("CI").is_none(), "CI installs faketime");
        eprintln!("SKIP: no libfaketime");
        return;
    };
    let t = tempdir();
    let small = t.path().join("small");
    std::fs::create_dir(&small).expect("mkdir");
    let mount = |size: &str| {
        std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&small)
            .status()
            .is_ok_and(|s| s.success())
    };
    assert!(mount("600k"), "mount tmpfs");
    struct Unmount<'a>(&'a std::path::Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            while std::process::Command::new("umount")
                .arg(self.0)
                .status()
                .is_ok_and(|s| s.success())
            {}
        }
    }
    let _unmount = Unmount(&small);
    let (a, b) = (Hp::new(t.path(), "alice"), Hp::new(t.path(), "bob"));
    a.init("Alice", &small);
    b.init("Bob", &small);
    b.ok(&["contact", "add", "--allow-local", "alice", &a.card()]);
    a.ok(&["contact", "add", "--allow-local", "bob", &b.card()]);
    std::fs::write(a.home.join("config.toml"), "[cover]\nschemes = [\"dir\"]\n").expect("config");
    let file = t.path().join("big.bin");
    let bytes: Vec<u8> = (0..1_200_000u64).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&file, &bytes).expect("attachment");
    let (code, _, err) = a.run_stdin(
        &[
            "send",
            "--to",
            "bob",
            "-s",
            "big",
            "--attach",
            file.to_str().expect("utf8"),
        ],
        "see attached\n",
    );
    assert_eq!(code, 1, "held: {err}");
    let id = outbox(&a)[0]["id"].as_i64().expect("id").to_string();
    let (code, out, err) = a.run(&["outbox", "retry", &id, "--json"]);
    assert_eq!(code, 3, "partly sent: {out}{err}");
    let r: serde_json::Value = serde_json::from_str(&out).expect("json");
    let on_drop = std::fs::read_dir(&small).expect("ls").count() as u64;
    assert!(on_drop > 0, "some blobs fit");
    assert_eq!(r["sent"], on_drop, "what left is counted: {r}");
    let items = outbox(&a);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["state"], "queued", "no longer held: {items:?}");
    assert_eq!(items[0]["slots"], false, "{items:?}");
    assert_eq!(
        items[0]["waiting"].as_u64().expect("n") + on_drop,
        items[0]["blobs"].as_u64().expect("n")
    );

    // Room again (the same tmpfs, grown); after the backoff alice's own fetch sends the
    // rest, and bob gets the attachment whole.
    assert!(
        std::process::Command::new("mount")
            .args(["-o", "remount,size=8m"])
            .arg(&small)
            .status()
            .is_ok_and(|s| s.success()),
        "grow the tmpfs"
    );
    let later = a
        .cmd()
        .env("LD_PRELOAD", &faketime)
        .env("FAKETIME", "+5m")
        .arg("fetch")
        .output()
        .expect("fetch");
    assert!(
        later.status.success(),
        "{}",
        String::from_utf8_lossy(&later.stderr)
    );
    assert!(outbox(&a).is_empty(), "the rest left: {:?}", outbox(&a));
    assert!(b.ok(&["fetch"]).contains("1 new message"));
    let rows = b.list_json(&[]);
    let saved = t.path().join("saved");
    let id = rows[0]["id"].to_string();
    b.ok(&[
        "read",
        &id,
        "--save-attachments",
        saved.to_str().expect("utf8"),
    ]);
    assert_eq!(std::fs::read(saved.join("big.bin")).expect("saved"), bytes);
}
