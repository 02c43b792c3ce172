//! Envelope throughput for bench/envelope.sh (not a test): seals a file into blobs written
//! back to back into one output file, opens such a file back into the body, or times one
//! small message. The keys are fixed so the two halves can run as separate processes.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::envelope::{
    self, AddOutcome, Draft, Kind, OpenContext, Opened, Reassembly, Recipient,
};
use hushpost_core::identity::Identity;
use hushpost_core::replay::MemorySeen;
use rayon::prelude::*;
use std::io::Write;
use std::time::Instant;

fn ids() -> (Identity, Identity) {
    (
        Identity::from_secrets(&[1; 32], &[2; 32]),
        Identity::from_secrets(&[3; 32], &[4; 32]),
    )
}

fn draft(body: &[u8]) -> Draft<'_> {
    Draft {
        kind: Kind::Message,
        msg_id: envelope::new_msg_id(),
        prev_hash: [0; 32],
        sent_at: hushpost_core::time::unix_now(),
        expires_at: 0,
        burn_after_reading: false,
        prekey: None,
        body,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (alice, bob) = ids();
    let to = Recipient {
        ed: bob.ed_public(),
        key: bob.x().public(),
    };
    match args.get(1).map(String::as_str) {
        Some("seal") => {
            let body = std::fs::read(&args[2]).expect("read body");
            let mut out = std::fs::File::create(&args[3]).expect("create");
            envelope::seal_each(&alice, &to, &draft(&body), &mut |b| out.write_all(b))
                .expect("seal");
        }
        Some("open") => {
            let all = std::fs::read(&args[2]).expect("read");
            // head (small) first, then large fragments
            let mut blobs: Vec<&[u8]> = vec![&all[..envelope::SMALL]];
            blobs.extend(all[envelope::SMALL..].chunks(envelope::LARGE));
            let seen = MemorySeen::default();
            let known = alice.ed_public();
            let is_contact = move |k: &[u8; 32]| *k == known;
            let keys = [bob.x()];
            let ctx = OpenContext {
                me: bob.ed_public(),
                keys: &keys,
                is_contact: &is_contact,
                seen: &seen,
                now: hushpost_core::time::unix_now(),
            };
            let mut r = Reassembly::new();
            let mut body = None;
            for batch in blobs.chunks(128) {
                let opened: Vec<Opened> = batch
                    .par_iter()
                    .map(|b| envelope::open(b, &ctx).expect("open"))
                    .collect();
                let (outcome, errors) = r.add(opened);
                assert!(errors.is_empty());
                if let AddOutcome::Complete(m) = outcome {
                    body = Some(m.body);
                }
            }
            let body = body.expect("complete");
            std::fs::write(&args[3], &*body).expect("write");
        }
        Some("small") => {
            let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
            let body = vec![b'x'; 1000];
            let t = Instant::now();
            let blobs: Vec<Vec<u8>> = (0..n)
                .map(|_| {
                    envelope::seal(&alice, &to, &draft(&body))
                        .expect("seal")
                        .blobs
                        .remove(0)
                })
                .collect();
            let seal_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
            let seen = MemorySeen::default();
            let known = alice.ed_public();
            let is_contact = move |k: &[u8; 32]| *k == known;
            let keys = [bob.x()];
            let ctx = OpenContext {
                me: bob.ed_public(),
                keys: &keys,
                is_contact: &is_contact,
                seen: &seen,
                now: hushpost_core::time::unix_now(),
            };
            let t = Instant::now();
            for b in &blobs {
                envelope::open(b, &ctx).expect("open");
            }
            let open_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
            println!("{seal_us:.1} {open_us:.1}");
        }
        _ => {
            eprintln!("usage: bench_envelope seal BODY OUT | open OUT BODY | small [N]");
            std::process::exit(2);
        }
    }
}
