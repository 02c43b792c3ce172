//! What the inbox does beyond drawing, through `App::update` with the real workers: it
//! follows changes other processes make to the store and the keyring, writes to the
//! contact chosen (not a draft kept for someone else), drops a status that unlocking made
//! untrue, says how to use a contact's held-back local routes, and counts lifetimes down as
//! the command line does.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use hushpost_ops::core::time::FixedClock;
use hushpost_ops::{Home, InitOptions, Protection, SendRequest, Session};
use ratatui::crossterm::event::KeyCode;
use std::sync::Arc;

/// Alice writes to Bob and Bob's other process (the CLI, cron's `poll`) fetches it, so it
/// is in Bob's store without the inbox's own fetch having seen it.
fn stored_elsewhere(w: &mut World, subject: &str) {
    send_at(
        &mut w.alice,
        T - 60,
        SendRequest {
            to: vec!["bob".into()],
            subject: subject.into(),
            text: "Stored by another process.\n".into(),
            ..SendRequest::default()
        },
    );
    w.bob.set_clock(Arc::new(FixedClock(T)));
    let got = w.bob.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(got.new.len(), 1, "{got:?}");
}

#[test]
fn a_fetch_that_finds_nothing_still_shows_mail_another_process_stored() {
    let mut w = world();
    let mut h = w.bob_tui();
    stored_elsewhere(&mut w, "From the cron job");
    assert!(!h.screen().contains("From the cron job"));
    h.key(KeyCode::Char('f'));
    let s = h.screen();
    assert!(s.contains("From the cron job"), "{s}");
    assert!(s.contains("Inbox · 4 ·"), "{s}");
}

#[test]
fn a_poll_tick_with_nothing_new_still_reloads_the_list() {
    let mut w = world();
    std::fs::write(
        w.root.join("bob").join("config.toml"),
        "[cover]\nschemes = [\"dir\"]\n",
    )
    .expect("config");
    let mut h = w.bob_tui();
    stored_elsewhere(&mut w, "Between two ticks");
    h.poll_tick();
    let s = h.screen();
    assert!(s.contains("Between two ticks"), "{s}");
}

#[test]
fn the_inbox_notices_mail_stored_elsewhere_without_a_key() {
    let mut w = world();
    let mut h = w.bob_tui();
    // The first look notes where the store stands; nothing changed since the fetch.
    h.watch();
    let before = h.app.generation;
    h.watch();
    assert_eq!(h.app.generation, before, "no reload while nothing changed");
    stored_elsewhere(&mut w, "Arrived meanwhile");
    h.watch();
    let s = h.screen();
    assert!(s.contains("Arrived meanwhile"), "{s}");
}

#[test]
fn a_contact_removed_elsewhere_leaves_the_open_contacts_screen() {
    let mut w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('C'));
    assert!(h.screen().contains("✓ alice"));
    w.bob.contact_remove("alice").expect("remove");
    h.watch();
    let s = h.screen();
    assert!(!s.contains("alice") && s.contains("no contacts yet"), "{s}");
}

#[test]
fn writing_to_a_contact_never_opens_a_draft_kept_for_someone_else() {
    let mut w = world();
    let frank = person(&w.root, "frank", "Frank", &w.root.join("shared"));
    w.bob
        .contact_add("frank", &frank.card().expect("card").encode())
        .expect("add");
    w.bob.contact_allow_local("frank").expect("allow");
    let mut h = w.bob_tui();
    std::fs::remove_dir_all(w.root.join("shared")).expect("rm");
    h.compose_and_send("alice", "Failed", "This one did not go.");
    assert!(h.screen().contains("NOT sent to alice"));

    // Contacts, down to frank, write: a new message to frank.
    h.key(KeyCode::Char('C'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("To:      frank"), "{s}");
    assert!(!s.contains("Failed") && !s.contains("did not go"), "{s}");
    assert!(s.contains("your unsent message to alice is kept"), "{s}");
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('y'));

    // Back on alice, the kept draft is hers: it comes back.
    h.key(KeyCode::Char('k'));
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("To:      alice") && s.contains("Failed"), "{s}");
    assert!(s.contains("your unsent message is back"), "{s}");
}

#[test]
fn unlocking_clears_the_status_the_lock_left() {
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("locked");
    Session::init(
        Home::at(&home),
        InitOptions {
            name: "Dana".into(),
            protection: Protection::Passphrase("correct horse".into()),
            routes: Vec::new(),
        },
    )
    .expect("init");
    let mut h = Harness::new(&home, T, None);
    // What a fetch that ran into `hushpost lock` leaves in the status line.
    h.app
        .error("fetch failed: the keyring was locked (hushpost lock, or the idle timeout)");
    h.keys("correct horse");
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Inbox · 0 · 0 unread"), "{s}");
    assert!(!s.contains("keyring was locked"), "{s}");
}

#[test]
fn a_contact_whose_card_has_only_a_local_route_says_how_to_use_it() {
    let w = world();
    let card = w.bob.card().expect("card").encode();
    let mut carol = person(&w.root, "carol", "Carol", &w.root.join("shared"));
    carol
        .introduce("bob", &card, "hello", true)
        .expect("introduce");
    let mut h = w.bob_tui();
    h.keys("Cj");
    h.key(KeyCode::Enter);
    h.keys("carol");
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("added carol — compare the safety number, then press v · only local routes: L enables them"),
        "{s}"
    );
    h.keys("gj"); // alice, carol
    let s = h.screen();
    assert!(s.contains("none usable"), "{s}");
    assert!(
        s.contains("not used yet (local places on their card):"),
        "{s}"
    );
    assert!(s.contains("L enables them here, or in a shell:"), "{s}");
    assert!(
        s.contains("│   hushpost contact routes carol dir:<tmp>/shared"),
        "{s}"
    );
    h.key(KeyCode::Char('L'));
    assert!(h.screen().contains("Only for a card you trust (y/n)"));
    h.key(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("carol is reached on the local routes"), "{s}");
    assert!(
        !s.contains("none usable") && s.contains("folder drop"),
        "{s}"
    );
}

#[test]
fn a_lifetime_reads_as_the_command_line_says_it() {
    let mut w = world();
    send_at(
        &mut w.alice,
        T,
        SendRequest {
            to: vec!["bob".into()],
            subject: "Soon gone".into(),
            text: "Forty-five seconds.\n".into(),
            expire_secs: Some(45),
            ..SendRequest::default()
        },
    );
    let mut h = w.bob_tui();
    let s = h.screen();
    assert!(s.contains("exp 45s"), "{s}");
    // The report from `world` expires in 3 days less 2 hours: days and hours, as `list`.
    assert!(s.contains("exp 2days 22h"), "{s}");
}
