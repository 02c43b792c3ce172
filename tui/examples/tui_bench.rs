//! Sets up the TUI benchmark (bench/tui.sh): Bob's store filled with N messages through
//! the store's batch insert, and M real sealed messages from Alice waiting in their shared
//! folder drop for Bob's next fetch. Not a test.
//!
//! Usage: tui_bench DIR N M
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_ops::core::letter::{self, Letter, Party};
use hushpost_ops::core::route::Route;
use hushpost_ops::{Home, InitOptions, Protection, SendRequest, Session};
use std::time::Instant;

fn person(dir: &std::path::Path, name: &str, drop: &std::path::Path) -> Session {
    Session::init(
        Home::at(dir),
        InitOptions {
            name: name.into(),
            protection: Protection::None,
            routes: vec![Route::Dir(hushpost_ops::core::route::DirRoute {
                path: drop.to_path_buf(),
            })],
        },
    )
    .expect("init")
}

const WORDS: &[&str] = &[
    "lunch", "report", "meeting", "budget", "travel", "garden", "invoice", "concert", "draft",
    "weekend", "review", "photos", "recipe", "train", "deadline", "party",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, n, m) = match args.as_slice() {
        [_, d, n, m] => (
            std::path::PathBuf::from(d),
            n.parse::<usize>().expect("N"),
            m.parse::<usize>().expect("M"),
        ),
        _ => {
            eprintln!("usage: tui_bench DIR N M");
            std::process::exit(2);
        }
    };
    let drop = dir.join("shared");
    std::fs::create_dir_all(&drop).expect("drop");
    let mut alice = person(&dir.join("alice"), "Alice", &drop);
    let mut bob = person(&dir.join("bob"), "Bob", &drop);
    alice
        .contact_add("bob", &bob.card().expect("card").encode())
        .expect("add");
    bob.contact_add("alice", &alice.card().expect("card").encode())
        .expect("add");
    let sender = alice.identity().ed_public();
    let now = hushpost_ops::core::time::unix_now();

    let t = Instant::now();
    let batch = 5000;
    let mut i = 0;
    while i < n {
        let k = batch.min(n - i);
        let owned: Vec<(String, String, Vec<u8>, u64)> = (i..i + k)
            .map(|j| {
                let w = WORDS[j % WORDS.len()];
                let subject = format!("About the {w} #{j}");
                let text = format!(
                    "Hello Bob,\n\nmore on the {w}: item {j} of {n}, with {} and {}.\n\nAlice\n",
                    WORDS[(j * 7) % WORDS.len()],
                    WORDS[(j * 13) % WORDS.len()]
                );
                // Oldest first, a minute apart, ending an hour ago.
                let sent_at = now - 3600 - (n - j) as u64 * 60;
                let raw = letter::build(&Letter {
                    from: Party {
                        name: "Alice".into(),
                        fingerprint: String::new(),
                    },
                    to: Vec::new(),
                    subject: subject.clone(),
                    date: sent_at,
                    message_id: format!("<bench-{j}@hushpost>"),
                    in_reply_to: None,
                    references: Vec::new(),
                    text: text.clone(),
                    attachments: Vec::new(),
                });
                (subject, text, raw, sent_at)
            })
            .collect();
        let msgs: Vec<hushpost_store::NewMessage> = owned
            .iter()
            .enumerate()
            .map(
                |(o, (subject, text, raw, sent_at))| hushpost_store::NewMessage {
                    sender,
                    msg_id: {
                        let mut id = [0u8; 16];
                        id[..8].copy_from_slice(&((i + o) as u64).to_be_bytes());
                        id
                    },
                    outgoing: false,
                    peer: "alice".into(),
                    subject: subject.clone(),
                    sent_at: *sent_at,
                    received_at: *sent_at,
                    message_id: format!("<bench-{}@hushpost>", i + o),
                    in_reply_to: None,
                    references: Vec::new(),
                    text: text.clone(),
                    has_attachments: (i + o) % 17 == 0,
                    expires_at: 0,
                    burn: false,
                    verified: true,
                    prev_hash: [0; 32],
                    chain: [0; 32],
                    raw,
                },
            )
            .collect();
        bob.store()
            .expect("store")
            .insert_batch(&msgs)
            .expect("insert");
        i += k;
    }
    eprintln!("stored {n} messages in {:.1} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    for j in 0..m {
        let r = alice
            .send(
                &SendRequest {
                    to: vec!["bob".into()],
                    subject: format!("Fresh news #{j}"),
                    text: format!("Just arrived: number {j}.\n"),
                    ..SendRequest::default()
                },
                &mut |_| {},
            )
            .expect("send");
        assert!(r.all_delivered());
    }
    eprintln!(
        "{m} messages sealed into the drop in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}
