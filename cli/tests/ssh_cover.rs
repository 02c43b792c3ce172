//! Cover traffic on an SSH drop whose sender holds only the drop key (the common case: Bob
//! may write into Alice's drop, never list or read it). Bob's chaff for Alice is sealed to
//! Alice, so her fetch takes it like mail and clears it unseen (a slot of her slot files,
//! or a file of its own): nothing piles up in her drop, and every poll on both sides is
//! healthy (exit 0), over the real loopback sshd.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::ssh::*;
use common::*;

/// Alice owns an SSH drop at `name` with cover traffic; Bob's own route is a folder; both
/// run cover on ssh routes, and they are contacts.
fn pair_on_ssh(e: &Env, t: &std::path::Path, name: &str) -> (Hp, Hp, std::path::PathBuf) {
    let (path, dir) = e.fresh_dir(name);
    let (a, b) = (Hp::new(t, "alice"), Hp::new(t, "bob"));
    // Alice owns the SSH drop; Bob's own route is a folder; both run cover on ssh routes.
    a.ok(&[
        "init",
        "--name",
        "Alice",
        "--no-passphrase",
        "--route",
        &e.route(e.port, &path),
    ]);
    std::fs::create_dir_all(t.join("bobdrop")).expect("mkdir");
    b.ok(&[
        "init",
        "--name",
        "Bob",
        "--no-passphrase",
        "--route",
        &format!("dir:{}", t.join("bobdrop").display()),
    ]);
    let cover = "[cover]\nschemes = [\"ssh\"]\n";
    std::fs::write(
        a.home.join("config.toml"),
        format!(
            "[ssh]\nuser = \"{}\"\nkey_file = \"{}\"\n{cover}",
            e.owner_user,
            e.owner_key_file.display()
        ),
    )
    .expect("config");
    std::fs::write(b.home.join("config.toml"), cover).expect("config");
    befriend(&a, "alice", &b, "bob");
    (a, b, dir)
}

#[test]
fn chaff_from_a_drop_key_sender_never_accumulates_and_polls_exit_0() {
    let Some(e) = env() else { return };
    let t = tempdir();
    let (a, b, dir) = pair_on_ssh(&e, t.path(), "cli-cover-chaff");

    let mut counts = Vec::new();
    for tick in 0..10 {
        for (who, hp) in [("bob", &b), ("alice", &a)] {
            let (code, out, err) = hp.run(&["-v", "poll"]);
            assert_eq!(code, 0, "{who}'s poll at tick {tick}: {out}{err}");
        }
        counts.push(blobs_in(&dir));
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    // Each tick Bob's lane puts one chaff into Alice's drop and Alice's loop puts one of
    // hers; her next tick takes both: nothing is left but the blobs of the last tick.
    // (Ticks are a second apart: SFTP mtimes are whole seconds, and one written in the
    // second of Alice's look is only found by her sweep, some ticks later. Cron and the
    // daemon tick minutes apart.)
    assert!(
        counts.iter().all(|&n| n <= 2),
        "blobs in Alice's drop after each tick: {counts:?}"
    );
    assert!(a.list_json(&[]).is_empty(), "chaff is never shown as mail");
    // Real mail still goes the same way and arrives.
    b.ok_stdin(&["send", "--to", "alice", "-s", "real"], "hello\n");
    b.ok(&["poll"]);
    // At Alice's next tick, or the one after when it landed in the second of her look.
    for _ in 0..3 {
        a.ok(&["poll"]);
        if !a.list_json(&[]).is_empty() {
            break;
        }
    }
    let got = a.list_json(&[]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["subject"], "real");
}

#[test]
fn a_new_pairs_first_mail_arrives_at_the_owners_next_ticks() {
    // The first tick lays out the slot files; a baseline taken then (not a change seen at
    // the next tick), and changes our own writes explain ranked last, let the file Bob
    // wrote be read first. A newcomer saw both messages wait 10 polls.
    let Some(e) = env() else { return };
    let t = tempdir();
    let (a, b, _) = pair_on_ssh(&e, t.path(), "cli-cover-first");
    a.ok(&["poll"]);
    // SFTP mtimes are whole seconds: a write in the very second of Alice's look leaves her
    // nothing to notice until the sweep comes round (README). Cron ticks are minutes apart.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    b.ok_stdin(&["send", "--to", "alice", "-s", "queued"], "one\n");
    b.ok_stdin(&["send", "--to", "alice", "--now", "-s", "now"], "two\n");
    b.ok(&["poll"]);
    a.ok(&["poll"]);
    a.ok(&["poll"]);
    let mut got: Vec<String> = a
        .list_json(&[])
        .iter()
        .filter_map(|m| m["subject"].as_str().map(String::from))
        .collect();
    got.sort();
    assert_eq!(got, ["now", "queued"], "within two ticks");
}

#[test]
fn a_fetch_clears_blob_files_past_the_retention_whatever_their_tag() {
    // Files no fetch asks for (a decoy's large loop chaff, a former contact's mail) would
    // otherwise lie in the drop for ever. A newcomer found three after a day.
    let Some(e) = env() else { return };
    let t = tempdir();
    let (a, _b, dir) = pair_on_ssh(&e, t.path(), "cli-cover-expired");
    let name = |n: u8| format!("{}.0123456789abcdef", format!("{n:02x}").repeat(32));
    for (n, age) in [(7u8, "20 days ago"), (8u8, "2 days ago")] {
        let p = dir.join(name(n));
        std::fs::write(&p, [0u8; 64]).expect("blob");
        let ok = std::process::Command::new("touch")
            .args(["-d", age])
            .arg(&p)
            .status()
            .expect("touch");
        assert!(ok.success());
    }
    a.ok(&["fetch"]);
    let left = files(&dir);
    assert!(!left.contains(&name(7)), "past the retention: {left:?}");
    assert!(left.contains(&name(8)), "still within it: {left:?}");
}
