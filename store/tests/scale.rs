//! A mailbox of realistic size: 20k messages stored in batches of 1000, then list and
//! search still give the right answers.
//!
//! Must not assert on time: speed is measured by `examples/bench_store.rs`, not here.

mod common;

use common::{T0, msg, open};
use hushpost_store::{Inserted, ListQuery};

const WORDS: &[&str] = &[
    "meeting", "report", "garden", "invoice", "holiday", "train", "coffee", "draft", "review",
    "weekend", "budget", "family", "doctor", "concert", "river", "planning", "letter", "photo",
];

#[test]
fn twenty_thousand_messages_list_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let raws: Vec<Vec<u8>> = (0..1000u64)
        .map(|i| common::raw("s", &"lorem ipsum ".repeat(100 + (i % 50) as usize)))
        .collect();
    let mut stored = 0;
    for batch in 0..20u64 {
        let msgs: Vec<_> = (0..1000u64)
            .map(|i| {
                let n = batch * 1000 + i;
                let mut m = msg(n, &raws[i as usize]);
                let w = |k: u64| WORDS[((n * 7 + k * 13) % WORDS.len() as u64) as usize];
                m.subject = format!("{} {}", w(1), w(2));
                m.text = format!("{} {} {} number{n}", w(3), w(4), w(5));
                // Dates wobble around insertion order, like real mail.
                m.sent_at = T0 + n * 10 - (n % 17) * 25;
                m
            })
            .collect();
        let out = s.insert_batch(&msgs).unwrap();
        stored += out.iter().filter(|i| matches!(i, Inserted::New(_))).count();
    }
    assert_eq!(stored, 20_000);
    assert_eq!(s.count().unwrap(), 20_000);

    let newest = s
        .list(&ListQuery {
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(newest.len(), 50);
    assert!(
        newest
            .windows(2)
            .all(|w| (w[0].date, w[0].id) > (w[1].date, w[1].id))
    );
    let mut all_dates: Vec<u64> = (0..20_000u64)
        .map(|n| T0 + n * 10 - (n % 17) * 25)
        .collect();
    all_dates.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(
        newest.iter().map(|m| m.date).collect::<Vec<_>>(),
        all_dates[..50]
    );

    // A common word: the top 50 by date must match a full (limit 0) search's top 50.
    let top = s.search("meeting", 50).unwrap();
    assert_eq!(top.len(), 50);
    let full = s.search("meeting", 0).unwrap();
    assert!(full.len() > 1000);
    assert_eq!(
        top.iter().map(|m| m.id).collect::<Vec<_>>(),
        full[..50].iter().map(|m| m.id).collect::<Vec<_>>()
    );
    // A rare one.
    let one = s.search("number12345", 50).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].date, T0 + 12345 * 10 - (12345 % 17) * 25);
}
