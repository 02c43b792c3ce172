//! Screen snapshots of every view, driven by key events through `App::update`, with the
//! real workers run synchronously against real stores (two identities sharing a folder
//! drop) and a fixed clock. Random values (keys, safety numbers, temp paths, the card and
//! its QR code) are replaced by placeholders before the comparison.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::*;
use hushpost_ops::core::time::FixedClock;
use hushpost_ops::{Home, InitOptions, Protection, Session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode};
use std::path::Path;
use std::sync::Arc;

#[test]
fn inbox_after_a_background_fetch() {
    let w = world();
    let mut h = w.bob_tui();
    let s = h.screen();
    assert!(s.contains("3 new messages"), "{s}");
    insta::assert_snapshot!("inbox", s);
    // The status line shows the fetch once the note is gone.
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('k'));
    let s = h.screen();
    assert!(s.contains("fetched now"), "{s}");
}

#[test]
fn a_body_full_of_escape_sequences_renders_inert() {
    let w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(!s.contains('\x1b') && !s.contains('\x07'), "{s:?}");
    assert!(s.contains("␛[2J␛[H cleared?"), "{s}");
    assert!(s.contains("␛]52;c;ZWNobyBwd25lZA==␇ clipboard"), "{s}");
    assert!(s.contains("␛]8;;https://evil.example␛\\click me"), "{s}");
    insta::assert_snapshot!("reader_escapes", s);
}

#[test]
fn reader_lists_attachments_and_saves_one() {
    let w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    let s = h.screen();
    insta::assert_snapshot!("reader_attachment", s);
    h.key(KeyCode::Char('s'));
    assert!(h.screen().contains("Save to"), "prompt shown");
    let target = w.root.join("saved.txt");
    h.ctrl('u');
    h.keys(&target.display().to_string());
    h.key(KeyCode::Enter);
    assert_eq!(
        std::fs::read_to_string(&target).expect("saved"),
        "quarterly numbers\n"
    );
    assert!(h.screen().contains("saved <tmp>/saved.txt"));
    // Saving never replaces a file.
    h.key(KeyCode::Char('s'));
    h.ctrl('u');
    h.keys(&target.display().to_string());
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("cannot save"));
}

#[test]
fn reply_with_route_badge_is_sent_and_threads() {
    let mut w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Are you free at noon?"));
    h.key(KeyCode::Char('r'));
    h.keys("Yes, see you at noon.");
    let s = h.screen();
    assert!(
        s.contains("folder drop · padded · sender not in the file · folder readers see file times and owners"),
        "{s}"
    );
    insta::assert_snapshot!("compose_reply", s);
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("sent to alice via dir:<tmp>/shared"), "{s}");
    // Alice gets it, in the thread of her message.
    w.alice.set_clock(Arc::new(FixedClock(T)));
    let rep = w.alice.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(rep.new.len(), 1);
    let got = w.alice.inbox().read(rep.new[0], true).expect("read");
    assert_eq!(got.letter.subject, "Re: Lunch?");
    let text = got.letter.text.replace("\r\n", "\n");
    assert!(
        text.starts_with("Yes, see you at noon.\n\n> Are you free at noon?"),
        "{text:?}"
    );
    let sent = w.alice.inbox().list(10, false, true).expect("sent");
    let lunch = sent.iter().find(|r| r.subject == "Lunch?").expect("lunch");
    assert_eq!(got.summary.thread, lunch.thread);
    // Bob's side: back from the message he answered, the sent folder has the reply, and
    // the conversation view shows both.
    assert!(h.screen().contains("hushpost · Message"));
    h.key(KeyCode::Char('q'));
    h.key(KeyCode::Char('S'));
    let s = h.screen();
    assert!(s.contains("Re: Lunch?"), "{s}");
    h.key(KeyCode::Char('t'));
    insta::assert_snapshot!("thread", h.screen());
}

#[test]
fn compose_completes_contacts_and_uses_the_editor() {
    let w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('c'));
    h.keys("al");
    assert!(h.screen().contains("Tab → alice"));
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.keys("Plans");
    h.key(KeyCode::Enter);
    h.editor = Some("Written in the editor.\n".into());
    h.ctrl('e');
    let s = h.screen();
    assert!(s.contains("To:      alice"), "{s}");
    assert!(s.contains("Written in the editor."), "{s}");
    h.ctrl('a');
    h.keys(&w.root.join("report.txt").display().to_string());
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Attach:  report.txt (18 B)"), "{s}");
    h.ctrl('a');
    h.keys("/nonexistent/file");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("cannot attach /nonexistent/file"));
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Discard this message? (y/n)"));
    h.key(KeyCode::Char('y'));
    assert!(h.screen().contains("Inbox"));
}

#[test]
fn search_uses_the_store_index() {
    let w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('/'));
    h.keys("noon");
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Lunch?") && !s.contains("Report"), "{s}");
    insta::assert_snapshot!("search", s);
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Inbox"));
}

#[test]
fn delete_and_mark_unread() {
    let w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('q'));
    assert!(h.screen().contains("2 unread"));
    h.key(KeyCode::Char('u'));
    assert!(h.screen().contains("3 unread") || h.app.inbox.items[0].unread);
    h.key(KeyCode::Char('d'));
    assert!(h.screen().contains("(y/n)"));
    h.key(KeyCode::Char('y'));
    let s = h.screen();
    assert!(!s.contains("Escapes"), "{s}");
    assert_eq!(h.app.inbox.rows.len(), 2);
}

#[test]
fn contacts_show_safety_number_routes_and_verify() {
    let w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('C'));
    insta::assert_snapshot!("contacts", h.screen());
}

#[test]
fn add_and_verify_a_contact_from_a_pasted_card() {
    let w = world();
    let carol = person(&w.root, "carol", "Carol", &w.root.join("shared"));
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('C'));
    h.key(KeyCode::Char('a'));
    h.keys("carol");
    h.key(KeyCode::Enter);
    // Pasted over several lines, as a terminal would.
    let card = carol.card().expect("card").encode();
    let (a, b) = card.split_at(40);
    h.send(TermEvent::Paste(format!("{a}\n{b}\n")));
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("added carol"), "{s}");
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('v'));
    let s = h.screen();
    assert!(s.contains("(y/n)"), "{s}");
    h.key(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("carol is verified"), "{s}");
}

#[test]
fn help_lists_the_keys() {
    let w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('?'));
    insta::assert_snapshot!("help", h.screen());
    h.key(KeyCode::Char('x'));
    assert!(!h.screen().contains("any key closes this"));
}

#[test]
fn route_errors_show_in_the_status_line() {
    let w = world();
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('j'));
    std::fs::remove_dir_all(w.root.join("shared")).expect("rm");
    h.key(KeyCode::Char('f'));
    h.key(KeyCode::Char('k'));
    let s = h.screen();
    assert!(s.contains("⚠ dir:<tmp>/shared"), "{s}");
    insta::assert_snapshot!("status_route_error", s);
}

#[test]
fn first_run_walks_through_init_and_shows_the_card() {
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("new");
    let mut h = Harness::new(&home, T, None);
    h.scrub = vec![(tmp.path().display().to_string(), "<tmp>".into())];
    insta::assert_snapshot!("init_form", h.screen());
    // Passphrases that differ are refused.
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    h.keys("one");
    h.key(KeyCode::Enter);
    h.keys("two");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("the passphrases differ"));
    // The explicit no-passphrase choice.
    h.key(KeyCode::Up);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Enter);
    assert!(hushpost_keyring_exists(&home));
    let s = h.screen();
    assert!(s.contains("identity created"), "{s}");
    let fp = Session::unlock(Home::at(&home), None)
        .expect("unlock")
        .card()
        .expect("card")
        .identity
        .fingerprint()
        .to_string();
    h.scrub.push((fp, "<fingerprint>".into()));
    let s = h.screen();
    assert!(s.contains("the QR code needs a terminal of"), "{s}");
    // Big enough for the QR code.
    h.term = Terminal::new(TestBackend::new(150, 45)).expect("t");
    h.send(TermEvent::Resize(150, 45));
    let s = h.screen();
    assert!(s.contains('▒'), "{s}");
    insta::assert_snapshot!("own_card", s);
}

fn hushpost_keyring_exists(home: &Path) -> bool {
    home.join("keyring.age").exists()
}

#[test]
fn a_protected_keyring_asks_for_its_passphrase() {
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
    h.keys("wrong");
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("wrong passphrase"), "{s}");
    assert!(!s.contains("wrong\n") && s.contains("Passphrase:"), "{s}");
    insta::assert_snapshot!("unlock", s);
    h.keys("correct horse");
    assert!(h.screen().contains("•••••••••••••"), "masked");
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Inbox · 0 · 0 unread"), "{s}");
    assert!(s.contains("Dana"));
}

#[test]
fn the_passphrase_file_unlocks_without_a_prompt() {
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("locked");
    Session::init(
        Home::at(&home),
        InitOptions {
            name: "Eve".into(),
            protection: Protection::Passphrase("pw".into()),
            routes: Vec::new(),
        },
    )
    .expect("init");
    let pf = tmp.path().join("pass");
    std::fs::write(&pf, "pw\n").expect("write");
    let mut h = Harness::new(&home, T, Some(pf.clone()));
    assert!(h.screen().contains("Inbox"));
    // A first run with a passphrase file protects the new keyring with it.
    let fresh = tmp.path().join("fresh");
    let mut h = Harness::new(&fresh, T, Some(pf));
    assert!(h.screen().contains("passphrase from --passphrase-file"));
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("identity created"));
    assert!(Session::needs_passphrase(&Home::at(&fresh)).expect("probe"));
}

#[test]
fn resize_redraws_at_the_new_size() {
    let w = world();
    let mut h = w.bob_tui();
    h.term = Terminal::new(TestBackend::new(60, 12)).expect("t");
    h.send(TermEvent::Resize(60, 12));
    let s = h.screen();
    assert!(s.lines().count() == 12 && s.contains("Escapes"), "{s}");
}

#[test]
fn quitting_asks_while_a_send_is_pending() {
    let w = world();
    let mut h = w.bob_tui();
    h.app.status.sending = 1;
    h.key(KeyCode::Char('q'));
    assert!(!h.quit && h.screen().contains("still sending"));
    h.key(KeyCode::Char('y'));
    assert!(h.quit);
}

#[test]
fn paging_loads_more_as_the_selection_moves() {
    let w = world();
    let mut h = w.bob_tui();
    // Cut the page size down by hand: pretend only one row was asked for.
    let gen_before = h.app.generation;
    h.app.inbox.exhausted = false;
    h.key(KeyCode::Char('G'));
    assert!(h.app.generation > gen_before, "a next page was asked for");
    assert_eq!(
        h.app.inbox.rows.len(),
        3,
        "no duplicates after the next page"
    );
}

#[test]
fn a_failed_send_keeps_the_message_to_try_again() {
    let w = world();
    let mut h = w.bob_tui();
    std::fs::remove_dir_all(w.root.join("shared")).expect("rm");
    h.compose_and_send("alice", "Hello", "Are you there?");
    let s = h.screen();
    assert!(s.contains("NOT sent to alice"), "{s}");
    assert!(h.app.status.sending == 0);
    h.key(KeyCode::Char('c'));
    let s = h.screen();
    assert!(
        s.contains("Subject: Hello") && s.contains("Are you there?"),
        "{s}"
    );
}

#[test]
fn a_send_on_a_cover_traffic_route_waits_in_the_outbox() {
    let w = world();
    let carol = Session::init(
        Home::at(&w.root.join("carol")),
        InitOptions {
            name: "Carol".into(),
            protection: Protection::None,
            routes: vec!["https://relay.example".parse().expect("route")],
        },
    )
    .expect("init");
    let mut h = w.bob_tui();
    h.key(KeyCode::Char('C'));
    h.key(KeyCode::Char('a'));
    h.keys("carol");
    h.key(KeyCode::Enter);
    h.send(TermEvent::Paste(carol.card().expect("card").encode()));
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('j'));
    let s = h.screen();
    assert!(
        s.contains("relay direct · padded · cover traffic · sender hidden")
            && s.contains("the relay sees your IP"),
        "{s}"
    );
    h.key(KeyCode::Enter);
    h.key(KeyCode::Tab);
    h.keys("Hi");
    h.key(KeyCode::Enter);
    h.keys("Queued, not sent.");
    let s = h.screen();
    assert!(s.contains("carol → https://relay.example"), "{s}");
    assert!(s.contains("cover traffic"), "{s}");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("for carol via https://relay.example"), "{s}");
    h.key(KeyCode::Char('k'));
    let s = h.screen();
    assert!(s.contains("in the outbox for `hushpost poll`"), "{s}");
}

#[test]
fn the_inbox_runs_cover_ticks_that_move_queued_mail() {
    let mut w = world();
    // Without cover traffic on any route, the worker schedules no ticks.
    let h = w.bob_tui();
    assert!(h.net.next_poll(None).is_none());
    drop(h);

    std::fs::write(
        w.root.join("bob").join("config.toml"),
        "[cover]\nschemes = [\"dir\"]\n",
    )
    .expect("config");
    let mut h = w.bob_tui();
    assert!(h.net.next_poll(None).is_some(), "cover on: ticks scheduled");
    h.compose_and_send("alice", "Cover", "Sent in a regular slot.");
    let s = h.screen();
    // When, as `send` says it: one small blob, one small slot a tick, a tick every 10m.
    assert!(
        s.contains("queued (about 10m, cover traffic) for alice"),
        "{s}"
    );
    h.key(KeyCode::Char('k'));
    let s = h.screen();
    assert!(s.contains("1 in the outbox for `hushpost poll`"), "{s}");
    w.alice.set_clock(Arc::new(FixedClock(T)));
    let before = w.alice.fetch(&mut |_| {}).expect("fetch").new.len();
    assert_eq!(before, 0, "queued, not sent");

    h.poll_tick();
    let s = h.screen();
    assert!(!s.contains("in the outbox"), "the tick carried it: {s}");
    w.alice.set_clock(Arc::new(FixedClock(T)));
    let got = w.alice.fetch(&mut |_| {}).expect("fetch");
    assert_eq!(
        got.new.len(),
        1,
        "alice received the queued message: {got:?}"
    );
}

#[test]
fn contact_requests_are_listed_accepted_and_rejected() {
    let w = world();
    let card = w.bob.card().expect("card").encode();
    for (dir, name) in [("carol", "Carol"), ("dave", "Dave")] {
        let mut p = person(&w.root, dir, name, &w.root.join("shared"));
        p.introduce("bob", &card, name, true).expect("introduce");
    }
    let mut h = w.bob_tui();
    h.keys("Cj"); // contacts, then the first request (right after alice)
    let s = h.screen();
    assert!(s.contains("requests (2)"), "{s}");
    assert!(s.contains("contact request"), "{s}");
    let (a, b) = [("carol", "Dave"), ("dave", "Carol")][usize::from(!s.contains("\"Carol\""))];
    h.key(KeyCode::Enter);
    h.keys(a);
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains(&format!("added {a}")), "{s}");
    assert!(s.contains("requests (1)"), "{s}");
    h.keys("Gxy"); // the other one, past both contacts now: reject it
    let s = h.screen();
    assert!(s.contains(&format!("rejected the request from {b}")), "{s}");
    assert!(!s.contains("requests ("), "{s}");
}
