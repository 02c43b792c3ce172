//! Benchmark corpus for bench/store.sh (not a test): seals N messages from the identity at
//! HUSHPOST_HOME to the holder of CARD into a drop folder, and writes the very same RFC 5322
//! messages into a Maildir so notmuch indexes an identical corpus.
//!
//! usage: gen_corpus CARD DROP_DIR MAILDIR N
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::card::Card;
use hushpost_core::envelope::{self, Draft, Kind, Recipient};
use hushpost_core::letter::{self, Letter, Party};
use hushpost_core::tags::PairKeys;
use hushpost_core::time::{Day, unix_now};
use hushpost_ops::{Home, Session};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

const WORDS: &[&str] = &[
    "meeting",
    "budget",
    "garden",
    "coffee",
    "report",
    "travel",
    "invoice",
    "project",
    "family",
    "weekend",
    "review",
    "draft",
    "contract",
    "holiday",
    "schedule",
    "dinner",
    "question",
    "update",
    "photos",
    "ticket",
    "concert",
    "library",
    "kitchen",
    "bicycle",
    "river",
    "mountain",
    "letter",
    "answer",
    "thanks",
    "morning",
    "evening",
    "tomorrow",
    "yesterday",
    "please",
    "another",
    "important",
    "private",
    "secure",
    "network",
    "server",
    "window",
    "market",
    "school",
    "doctor",
    "garage",
    "weather",
    "birthday",
    "museum",
    "station",
    "harbour",
    "lunch",
    "日本語",
];

fn words(rng: &mut impl Rng, n: usize) -> String {
    (0..n)
        .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 5 {
        eprintln!("usage: gen_corpus CARD DROP_DIR MAILDIR N");
        std::process::exit(2);
    }
    let card = Card::parse(&a[1]).expect("card");
    let drop = std::path::PathBuf::from(&a[2]);
    let maildir = std::path::PathBuf::from(&a[3]);
    let n: usize = a[4].parse().expect("N");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("maildir");
    }
    let s = Session::unlock(Home::from_env().expect("home"), None).expect("unlock (no passphrase)");
    let me = s.identity();
    let to = Recipient {
        ed: card.identity.ed,
        key: card.identity.x,
    };
    let now = unix_now();
    let tag = PairKeys::derive(me, &card.identity)
        .expect("pair")
        .outgoing
        .tag(Day::of(now));
    let from = Party {
        name: s.name().to_string(),
        fingerprint: me.public().fingerprint().hex(),
    };
    let rcpt = Party {
        name: card.name.clone(),
        fingerprint: card.identity.fingerprint().hex(),
    };
    (0..n).into_par_iter().for_each(|i| {
        let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
        let msg_id = envelope::new_msg_id();
        let body_words = rng.gen_range(150..450);
        let l = Letter {
            from: from.clone(),
            to: vec![rcpt.clone()],
            subject: words(&mut rng, 4),
            date: now - (n - i) as u64,
            message_id: letter::message_id_for(&msg_id),
            in_reply_to: None,
            references: Vec::new(),
            text: words(&mut rng, body_words),
            attachments: Vec::new(),
        };
        let raw = letter::build(&l);
        let d = Draft {
            kind: Kind::Message,
            msg_id,
            prev_hash: [0; 32],
            sent_at: now - 60,
            expires_at: 0,
            burn_after_reading: false,
            prekey: None,
            body: &raw,
        };
        let sealed = envelope::seal(me, &to, &d).expect("seal");
        std::fs::write(
            drop.join(format!("{}.{:016x}", tag.hex(), i)),
            &sealed.blobs[0],
        )
        .expect("write blob");
        std::fs::write(maildir.join("new").join(format!("{}.{i}.bench", now)), &raw)
            .expect("write maildir");
    });
}
