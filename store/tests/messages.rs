//! The store's behaviour as its callers see it: insert, list, get, dedupe, flags, search,
//! threading, expiry, meta, pending fragments, the replay window and reopening.
//!
//! Must not depend on timing or on the on-disk format (see `at_rest.rs` for that).

mod common;

use common::{T0, msg, new_id, open, raw};
use hushpost_core::replay::{SeenSet, WINDOW_SECS};
use hushpost_store::{Inserted, ListQuery, Store, StoreError};

#[test]
fn insert_list_get_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r1 = raw("first", "hello one");
    let r2 = raw("second", "hello two");
    let mut a = msg(1, &r1);
    a.has_attachments = true;
    a.expires_at = T0 + 1000;
    a.burn = true;
    let mut b = msg(2, &r2);
    b.outgoing = true;
    let ids = s.insert_batch(&[a.clone(), b.clone()]).unwrap();
    let (Inserted::New(ia), Inserted::New(ib)) = (ids[0], ids[1]) else {
        panic!("{ids:?}")
    };

    let all = s.list(&ListQuery::default()).unwrap();
    assert_eq!(all.iter().map(|m| m.id).collect::<Vec<_>>(), vec![ib, ia]);
    let first = &all[1];
    assert_eq!(first.sender, a.sender);
    assert_eq!(first.peer, a.peer);
    assert_eq!(first.subject, "subject 1");
    assert_eq!(first.date, a.sent_at);
    assert_eq!(first.received_at, a.received_at);
    assert!(first.unread);
    assert_eq!(first.thread, ia);
    assert!(first.has_attachments);
    assert!(!first.outgoing);
    assert_eq!(first.expires_at, T0 + 1000);
    assert!(first.burn);
    assert!(first.verified);
    assert_eq!(first.size, r1.len() as u64);
    assert_eq!(first.message_id, "<m1@hushpost>");
    assert!(all[0].outgoing);
    assert!(!all[0].unread, "our own sent mail is not unread");

    let (summary, body) = s.get(ia).unwrap().unwrap();
    assert_eq!(&summary, first);
    assert_eq!(&body[..], &r1[..]);
    assert!(s.get(9999).unwrap().is_none());
    assert_eq!(s.count().unwrap(), 2);

    // The summary's JSON form leaves the raw sender key out.
    let json = serde_json::to_value(first).unwrap();
    assert!(json.get("sender").is_none());
    assert_eq!(json["subject"], "subject 1");
}

#[test]
fn list_orders_by_date_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    // Stored out of date order: 3 is oldest.
    let mut m = vec![msg(10, &r), msg(30, &r), msg(3, &r), msg(20, &r)];
    m[3].outgoing = true;
    let ids: Vec<i64> = s
        .insert_batch(&m)
        .unwrap()
        .into_iter()
        .map(|i| match i {
            Inserted::New(id) => id,
            Inserted::Duplicate => panic!(),
        })
        .collect();
    let dates = |v: Vec<hushpost_store::Summary>| v.iter().map(|s| s.date - T0).collect::<Vec<_>>();
    assert_eq!(
        dates(s.list(&ListQuery::default()).unwrap()),
        [30, 20, 10, 3]
    );
    let page = ListQuery {
        limit: 2,
        offset: 1,
        ..Default::default()
    };
    assert_eq!(dates(s.list(&page).unwrap()), [20, 10]);
    let out = ListQuery {
        outgoing: Some(true),
        ..Default::default()
    };
    assert_eq!(dates(s.list(&out).unwrap()), [20]);
    let inc = ListQuery {
        outgoing: Some(false),
        ..Default::default()
    };
    assert_eq!(dates(s.list(&inc).unwrap()), [30, 10, 3]);
    let thread = ListQuery {
        thread: Some(ids[2]),
        ..Default::default()
    };
    assert_eq!(dates(s.list(&thread).unwrap()), [3]);
    assert_eq!(s.all_ids().unwrap(), vec![ids[2], ids[0], ids[3], ids[1]]);
}

#[test]
fn duplicates_within_and_across_batches_and_after_delete() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let out = s
        .insert_batch(&[msg(1, &r), msg(1, &r), msg(2, &r)])
        .unwrap();
    assert!(matches!(out[0], Inserted::New(_)));
    assert_eq!(out[1], Inserted::Duplicate);
    assert!(matches!(out[2], Inserted::New(_)));

    let again = s.insert_batch(&[msg(2, &r), msg(3, &r)]).unwrap();
    assert_eq!(again[0], Inserted::Duplicate);
    assert!(matches!(again[1], Inserted::New(_)));
    assert_eq!(s.count().unwrap(), 3);

    let Inserted::New(id1) = out[0] else { panic!() };
    s.delete(id1).unwrap();
    assert_eq!(s.count().unwrap(), 2);
    assert!(s.is_seen(&msg(1, &r).sender, &msg(1, &r).msg_id).unwrap());
    assert_eq!(
        s.insert_batch(&[msg(1, &r)]).unwrap(),
        [Inserted::Duplicate]
    );
    assert_eq!(s.count().unwrap(), 2);
    assert!(matches!(s.delete(id1), Err(StoreError::NotFound(id)) if id == id1));
}

#[test]
fn deleted_ids_are_never_reused() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let a = new_id(&s.insert_batch(&[msg(1, &r)]).unwrap());
    s.delete(a).unwrap();
    let b = new_id(&s.insert_batch(&[msg(2, &r)]).unwrap());
    assert!(b > a, "id {a} was reused as {b}");
}

#[test]
fn unread_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let out = s
        .insert_batch(&[msg(1, &r), msg(2, &r), msg(3, &r)])
        .unwrap();
    let Inserted::New(id2) = out[1] else { panic!() };
    assert_eq!(s.unread_count().unwrap(), 3);
    s.set_unread(id2, false).unwrap();
    assert_eq!(s.unread_count().unwrap(), 2);
    let unread = ListQuery {
        unread_only: true,
        ..Default::default()
    };
    let ids: Vec<i64> = s.list(&unread).unwrap().iter().map(|m| m.id).collect();
    assert!(!ids.contains(&id2));
    assert_eq!(ids.len(), 2);
    assert!(!s.get(id2).unwrap().unwrap().0.unread);
    s.set_unread(id2, true).unwrap();
    assert_eq!(s.unread_count().unwrap(), 3);
    assert!(matches!(
        s.set_unread(424242, false),
        Err(StoreError::NotFound(424242))
    ));
}

#[test]
fn search_by_subject_body_and_peer() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let mut a = msg(1, &r);
    a.subject = "Quarterly budget review".into();
    a.text = "nothing special here".into();
    a.peer = "Alice Liddell".into();
    let mut b = msg(2, &r);
    b.subject = "lunch".into();
    b.text = "Let us meet at the lighthouse café on Friday".into();
    b.peer = "Bob".into();
    let mut c = msg(3, &r);
    c.subject = "budget again".into();
    c.text = "see the budget".into();
    c.peer = "Carol".into();
    let ids: Vec<i64> = s
        .insert_batch(&[a, b, c])
        .unwrap()
        .into_iter()
        .map(|i| match i {
            Inserted::New(id) => id,
            Inserted::Duplicate => panic!(),
        })
        .collect();
    let found = |q: &str| -> Vec<i64> { s.search(q, 50).unwrap().iter().map(|m| m.id).collect() };

    assert_eq!(found("quarterly"), [ids[0]], "subject word");
    assert_eq!(found("LIGHTHOUSE"), [ids[1]], "body word, any case");
    assert_eq!(found("cafe"), [ids[1]], "diacritics folded");
    assert_eq!(found("liddell"), [ids[0]], "peer name");
    assert_eq!(found("budget"), [ids[2], ids[0]], "newest first");
    assert_eq!(found("budget carol"), [ids[2]], "all words must match");
    assert_eq!(found("lightho"), [ids[1]], "last word is a prefix");
    assert!(
        found("lightho ").is_empty(),
        "a trailing space ends the word"
    );
    assert!(found("\"lightho\"").is_empty(), "so does a quote");
    assert_eq!(found("lighthouse "), [ids[1]]);
    assert_eq!(s.search("budget", 1).unwrap().len(), 1);
    assert!(found("nonexistentword").is_empty());
    assert!(found("").is_empty());
    assert!(found("   ").is_empty());

    // FTS5 syntax in user text is just text.
    for q in [
        "\"",
        "budget\"",
        "\"budget",
        "bud*get",
        "-budget",
        "budget OR lunch",
        "NEAR(budget lunch)",
        "subject:budget",
        "(budget",
        "budget AND",
        "^budget",
        "'; DROP TABLE messages; --",
        "*",
        "\u{0}",
        "\u{0345}",
        "budget \u{0345}",
        "\u{0345} budget",
        "😀",
    ] {
        if let Err(e) = s.search(q, 50) {
            panic!("search {q:?} failed: {e}");
        }
    }
    assert_eq!(found("budget\""), [ids[2], ids[0]]);
    assert_eq!(
        found("lunch 😀"),
        [ids[1]],
        "unsearchable words are ignored"
    );
    assert_eq!(
        found("budget OR lunch"),
        Vec::<i64>::new(),
        "OR is a word here"
    );
    assert_eq!(s.count().unwrap(), 3);
}

#[test]
fn search_forgets_deleted_messages_and_handles_out_of_order_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    // Many matches stored newest-date-first, then one very old and one very new: the
    // early-stopping walk must still return the true newest by date.
    let mut batch: Vec<_> = (0..200u64).rev().map(|n| msg(100 + n, &r)).collect();
    batch.push(msg(1, &r));
    batch.push(msg(10_000, &r));
    for m in &mut batch {
        m.text = "common word".into();
    }
    s.insert_batch(&batch).unwrap();
    let got: Vec<u64> = s
        .search("common", 3)
        .unwrap()
        .iter()
        .map(|m| m.date - T0)
        .collect();
    assert_eq!(got, [10_000, 299, 298]);
    let all = s.search("common", 0).unwrap();
    assert_eq!(all.len(), 202);
    assert!(all.windows(2).all(|w| w[0].date >= w[1].date));

    let newest = s.search("common", 1).unwrap()[0].id;
    s.delete(newest).unwrap();
    let got: Vec<u64> = s
        .search("common", 2)
        .unwrap()
        .iter()
        .map(|m| m.date - T0)
        .collect();
    assert_eq!(got, [299, 298]);
}

#[test]
fn threads_follow_in_reply_to_and_references() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let root = new_id(&s.insert_batch(&[msg(1, &r)]).unwrap());

    let mut reply = msg(2, &r);
    reply.in_reply_to = Some("<m1@hushpost>".into());
    let mut unrelated = msg(3, &r);
    unrelated.in_reply_to = Some("<nowhere@x>".into());
    // References only, and the nearest known one (last first) wins: <m2> is in the same
    // batch, stored just before.
    let mut by_refs = msg(4, &r);
    by_refs.references = vec!["<unknown@x>".into(), "<m2@hushpost>".into()];
    let out = s.insert_batch(&[reply, unrelated, by_refs]).unwrap();
    let ids: Vec<i64> = out
        .iter()
        .map(|i| match i {
            Inserted::New(id) => *id,
            Inserted::Duplicate => panic!(),
        })
        .collect();
    let thread_of = |id: i64| s.get(id).unwrap().unwrap().0.thread;
    assert_eq!(thread_of(root), root);
    assert_eq!(thread_of(ids[0]), root);
    assert_eq!(thread_of(ids[1]), ids[1], "unknown parent: its own thread");
    assert_eq!(thread_of(ids[2]), root);

    let in_thread = ListQuery {
        thread: Some(root),
        ..Default::default()
    };
    assert_eq!(s.list(&in_thread).unwrap().len(), 3);
}

#[test]
fn a_reply_stored_before_its_parent_joins_the_parent_thread() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let mut reply = msg(2, &r);
    reply.in_reply_to = Some("<m1@hushpost>".into());
    let reply_id = new_id(&s.insert_batch(&[reply]).unwrap());
    let parent_id = new_id(&s.insert_batch(&[msg(1, &r)]).unwrap());
    assert_eq!(s.get(reply_id).unwrap().unwrap().0.thread, parent_id);
}

#[test]
fn expired_lists_only_past_nonzero_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let mut a = msg(1, &r);
    a.expires_at = T0 + 100;
    let mut b = msg(2, &r);
    b.expires_at = T0 + 200;
    let c = msg(3, &r); // never
    let out = s.insert_batch(&[a, b, c]).unwrap();
    let Inserted::New(ia) = out[0] else { panic!() };
    let Inserted::New(ib) = out[1] else { panic!() };
    assert!(s.expired(T0 + 99).unwrap().is_empty());
    assert_eq!(s.expired(T0 + 100).unwrap(), [ia]);
    assert_eq!(s.expired(T0 + 1_000_000).unwrap(), [ia, ib]);
}

#[test]
fn meta_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    assert_eq!(s.meta_get("cursor").unwrap(), None);
    s.meta_set("cursor", "1").unwrap();
    s.meta_set("cursor", "2").unwrap();
    s.meta_set("other", "x").unwrap();
    assert_eq!(s.meta_get("cursor").unwrap().as_deref(), Some("2"));
    assert_eq!(s.meta_get("other").unwrap().as_deref(), Some("x"));
}

#[test]
fn pending_fragments_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let (sender, id) = ([9; 32], [8; 16]);
    s.add_pending(&sender, &id, 1, &[1; 32], b"part one", T0)
        .unwrap();
    s.add_pending(&sender, &id, -1, &[0; 32], b"head", T0)
        .unwrap();
    s.add_pending(&sender, &id, 1, &[1; 32], b"part one", T0 + 1)
        .unwrap(); // again
    s.add_pending(&sender, &id, 0, &[2; 32], b"part zero", T0)
        .unwrap();
    s.add_pending(&[5; 32], &[5; 16], 0, &[3; 32], b"other", T0)
        .unwrap();

    let parts = s.take_pending(&sender, &id).unwrap();
    assert_eq!(
        parts,
        vec![
            (-1, b"head".to_vec()),
            (0, b"part zero".to_vec()),
            (1, b"part one".to_vec())
        ]
    );
    assert_eq!(
        s.take_pending(&sender, &id).unwrap().len(),
        3,
        "take keeps them"
    );
    assert_eq!(
        s.pending_ids().unwrap(),
        vec![([5; 32], [5; 16]), (sender, id)]
    );
    s.drop_pending(&sender, &id).unwrap();
    assert!(s.take_pending(&sender, &id).unwrap().is_empty());
    assert_eq!(s.pending_ids().unwrap(), vec![([5; 32], [5; 16])]);
}

#[test]
fn replay_window_snapshot_and_prune() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let a = msg(1, &r); // seen at received_at = T0 + 6
    let id = new_id(&s.insert_batch(std::slice::from_ref(&a)).unwrap());
    let snap = s.seen_snapshot().unwrap();
    assert!(snap.contains(&a.sender, &a.msg_id));
    assert!(!snap.contains(&a.sender, &[0xff; 16]));
    assert_eq!(snap.len(), 1);
    fn is_sync<T: Sync + Send>(_: &T) {}
    is_sync(&snap);

    s.delete(id).unwrap();
    assert_eq!(s.prune_seen(T0 + 6 + WINDOW_SECS).unwrap(), 0);
    assert!(s.is_seen(&a.sender, &a.msg_id).unwrap());
    assert_eq!(s.prune_seen(T0 + 7 + WINDOW_SECS).unwrap(), 1);
    assert!(!s.is_seen(&a.sender, &a.msg_id).unwrap());
    assert!(s.seen_snapshot().unwrap().is_empty());
}

#[test]
fn a_sender_clock_ahead_keeps_the_seen_entry_as_long_as_sent_at_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let mut a = msg(1, &r);
    a.received_at = T0;
    a.sent_at = T0 + 600; // ten minutes ahead, still accepted
    s.insert_batch(std::slice::from_ref(&a)).unwrap();
    let now = T0 + 600 + WINDOW_SECS; // check_time still says Ok for sent_at here
    assert_eq!(
        hushpost_core::replay::check_time(a.sent_at, now),
        hushpost_core::replay::TimeCheck::Ok
    );
    s.prune_seen(now).unwrap();
    assert!(s.seen_snapshot().unwrap().contains(&a.sender, &a.msg_id));
}

#[test]
fn data_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let r = raw("durable", "still here");
    let id = {
        let mut s = open(dir.path());
        let id = new_id(&s.insert_batch(&[msg(1, &r)]).unwrap());
        s.meta_set("k", "v").unwrap();
        s.set_unread(id, false).unwrap();
        id
        // dropped here: the process "ends"
    };
    let mut s = open(dir.path());
    let (summary, body) = s.get(id).unwrap().unwrap();
    assert_eq!(&body[..], &r[..]);
    assert!(!summary.unread);
    assert_eq!(s.meta_get("k").unwrap().as_deref(), Some("v"));
    assert_eq!(
        s.insert_batch(&[msg(1, &r)]).unwrap(),
        [Inserted::Duplicate]
    );
    assert_eq!(
        s.search("durable", 10).unwrap().len(),
        0,
        "raw is not indexed"
    );
    assert_eq!(s.search("message", 10).unwrap()[0].id, id, "text is");
}

#[test]
fn the_store_can_move_to_another_thread() {
    fn is_send<T: Send>() {}
    is_send::<Store>();
}

#[test]
fn an_empty_batch_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("x"), &common::KEY).unwrap();
    assert!(s.insert_batch(&[]).unwrap().is_empty());
}

#[test]
fn short_words_and_cjk_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let mut a = msg(1, &r);
    a.subject = "Lunch".into();
    a.text = "at noon".into();
    let mut b = msg(2, &r);
    b.subject = "旅行".into();
    b.text = "東京の日本橋で日本語を話します".into();
    let mut c = msg(3, &r);
    c.subject = "本".into();
    c.text = "語本日".into();
    let ids: Vec<i64> = s
        .insert_batch(&[a, b, c])
        .unwrap()
        .into_iter()
        .map(|i| match i {
            Inserted::New(id) => id,
            Inserted::Duplicate => panic!(),
        })
        .collect();
    let found = |q: &str| -> Vec<i64> { s.search(q, 50).unwrap().iter().map(|m| m.id).collect() };
    assert_eq!(found("lun"), [ids[0]], "a 3-letter prefix");
    assert_eq!(found("noon"), [ids[0]]);
    assert_eq!(
        found("日本"),
        [ids[1]],
        "two characters in the middle of a run"
    );
    assert_eq!(found("日本語"), [ids[1]]);
    assert_eq!(found("本語"), [ids[1]], "side by side, not anywhere");
    assert_eq!(found("本"), [ids[2], ids[1]], "one character");
    assert_eq!(found("語本"), [ids[2]]);
    assert_eq!(
        found("旅行 日本"),
        [ids[1]],
        "subject and body words together"
    );
    assert!(found("日語").is_empty(), "characters that are not adjacent");
}

#[test]
fn ids_within_a_batch_follow_sent_at() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let r = raw("s", "b");
    let mut late = msg(1, &r);
    late.sent_at = T0 + 300;
    let mut early = msg(2, &r);
    early.sent_at = T0 + 100;
    let mut middle = msg(3, &r);
    middle.sent_at = T0 + 200;
    let got = s.insert_batch(&[late, early, middle]).unwrap();
    let id = |i: usize| match got[i] {
        Inserted::New(id) => id,
        Inserted::Duplicate => panic!("{got:?}"),
    };
    assert!(id(1) < id(2) && id(2) < id(0), "{got:?}");
}
