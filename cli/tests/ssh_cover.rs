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

#[test]
fn chaff_from_a_drop_key_sender_never_accumulates_and_polls_exit_0() {
    let Some(e) = env() else { return };
    let t = tempdir();
    let (path, dir) = e.fresh_dir("cli-cover-chaff");
    let (a, b) = (Hp::new(t.path(), "alice"), Hp::new(t.path(), "bob"));
    // Alice owns the SSH drop; Bob's own route is a folder; both run cover on ssh routes.
    a.ok(&[
        "init",
        "--name",
        "Alice",
        "--no-passphrase",
        "--route",
        &e.route(e.port, &path),
    ]);
    std::fs::create_dir_all(t.path().join("bobdrop")).expect("mkdir");
    b.ok(&[
        "init",
        "--name",
        "Bob",
        "--no-passphrase",
        "--route",
        &format!("dir:{}", t.path().join("bobdrop").display()),
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

    let mut counts = Vec::new();
    for tick in 0..10 {
        for (who, hp) in [("bob", &b), ("alice", &a)] {
            let (code, out, err) = hp.run(&["-v", "poll"]);
            assert_eq!(code, 0, "{who}'s poll at tick {tick}: {out}{err}");
        }
        counts.push(blobs_in(&dir));
    }
    // Each tick Bob's lane puts one chaff into Alice's drop and Alice's loop puts one of
    // hers; her next fetch takes both. Nothing is left but the blobs of the last tick.
    assert!(
        counts.iter().all(|&n| n <= 2),
        "blobs in Alice's drop after each tick: {counts:?}"
    );
    assert!(a.list_json(&[]).is_empty(), "chaff is never shown as mail");
    // Real mail still goes the same way and arrives.
    b.ok_stdin(&["send", "--to", "alice", "-s", "real"], "hello\n");
    b.ok(&["poll"]);
    a.ok(&["poll"]);
    let got = a.list_json(&[]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["subject"], "real");
}
