//! Envelope throughput for bench/envelope.sh (not a test): seals a file into v2 blobs
//! written back to back into one output file (streaming, to a hybrid key), opens such a file
//! back into the body (fragments verified one by one and written at their offsets), or
//! times one small message classical and hybrid. Keys are fixed so the halves can run as
//! separate processes. Memory stays bounded: nothing holds the body.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use hushpost_core::envelope::v2::{
    self, Assembly, Body, ContentSink, Draft, FileSource, Opened, Receiver, SealTo,
};
use hushpost_core::envelope::{self, Kind};
use hushpost_core::hybrid::HybridKeyPair;
use hushpost_core::identity::Identity;
use hushpost_core::replay::MemorySeen;
use rayon::prelude::*;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::time::Instant;

fn ids() -> (Identity, Identity, HybridKeyPair) {
    (
        Identity::from_secrets(&[1; 32], &[2; 32]),
        Identity::from_secrets(&[3; 32], &[4; 32]),
        HybridKeyPair::from_seed(&[5; 32]),
    )
}

fn draft() -> Draft {
    Draft {
        kind: Kind::Message,
        msg_id: envelope::new_msg_id(),
        prev_hash: [0; 32],
        sent_at: hushpost_core::time::unix_now(),
        expires_at: 0,
        burn_after_reading: false,
        keys: Vec::new(),
    }
}

struct FileSink<'a>(&'a std::fs::File);

impl ContentSink for FileSink<'_> {
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        self.0.write_all_at(bytes, offset)
    }
}

fn seal_file(body_path: &str, out_path: &str) {
    let (alice, bob, bob_pq) = ids();
    let f = std::fs::File::open(body_path).expect("open body");
    let len = f.metadata().expect("stat").len();
    let src = FileSource::new(f, len);
    let letter = b"Subject: bench\r\n\r\nsee attachment\r\n".to_vec();
    let body = Body::new(&letter)
        .attach("body.bin", "application/octet-stream", &src)
        .expect("part");
    let to = SealTo::Hybrid {
        ed: bob.ed_public(),
        key: bob_pq.public().clone(),
    };
    // Unbuffered: every blob is one 256 KiB write (a BufWriter would copy each one).
    let mut out = std::fs::File::create(out_path).expect("create");
    v2::seal(&alice, &to, &draft(), &body, &mut |b| out.write_all(b)).expect("seal");
}

fn open_file(sealed: &str, out_path: &str) {
    let (alice, bob, bob_pq) = ids();
    let input = std::fs::File::open(sealed).expect("open");
    let out = std::fs::File::create(out_path).expect("create");
    let seen = MemorySeen::default();
    let known = alice.ed_public();
    let is_contact = move |k: &[u8; 32]| *k == known;
    let xs = [bob.x()];
    let pqs = [&bob_pq];
    let rx = Receiver {
        me: bob.ed_public(),
        x_keys: &xs,
        pq_keys: &pqs,
        is_contact: &is_contact,
        seen: &seen,
        now: hushpost_core::time::unix_now(),
        max_total_len: v2::DEFAULT_MAX_TOTAL_LEN,
    };
    let mut head = vec![0u8; envelope::SMALL];
    input.read_exact_at(&mut head, 0).expect("head");
    let Ok(Opened::Envelope(h)) = v2::open(&head, &rx) else {
        panic!("the first blob is not a head")
    };
    // Write the attachment only (part 1), as `read --save-attachments` would.
    let skip = h.parts[0].len;
    Skip(FileSink(&out), skip)
        .write_at(0, h.inline())
        .expect("inline");
    let mut asm = Assembly::new(h.plan().expect("fragmented"));
    let plan = asm.plan().clone();
    // Every step of a fragment runs on a worker: positional read of the blob, open, verify
    // against the head, positional write of the chunk. Batches bound memory.
    let input = &input;
    let count = plan.count;
    for batch in (0..count).collect::<Vec<u32>>().chunks(64) {
        let done: Vec<u32> = batch
            .par_iter()
            .map(|&i| {
                let mut blob = vec![0u8; envelope::LARGE];
                let at = envelope::SMALL as u64 + u64::from(i) * envelope::LARGE as u64;
                input.read_exact_at(&mut blob, at).expect("read blob");
                let Ok(Opened::Fragment(f)) = v2::open(&blob, &rx) else {
                    panic!("blob {i} is not a fragment")
                };
                let c = plan.verify(&f).expect("verifies");
                // Content offsets count the letter (part 0); the file holds part 1.
                Skip(FileSink(&out), skip)
                    .write_at(c.offset, c.bytes)
                    .expect("write");
                c.index
            })
            .collect();
        for index in done {
            asm.mark_written(index);
        }
    }
    assert!(asm.is_complete());
}

/// Drops the first `.1` bytes of the content (the letter).
struct Skip<S>(S, u64);

impl<S: ContentSink> ContentSink for Skip<S> {
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        let end = offset + bytes.len() as u64;
        if end <= self.1 {
            return Ok(());
        }
        let from = self.1.saturating_sub(offset) as usize;
        self.0
            .write_at(offset + from as u64 - self.1, &bytes[from..])
    }
}

fn small(n: usize) {
    let (alice, bob, bob_pq) = ids();
    let letter = vec![b'x'; 1000];
    let seen = MemorySeen::default();
    let known = alice.ed_public();
    let is_contact = move |k: &[u8; 32]| *k == known;
    let xs = [bob.x()];
    let pqs = [&bob_pq];
    let rx = Receiver {
        me: bob.ed_public(),
        x_keys: &xs,
        pq_keys: &pqs,
        is_contact: &is_contact,
        seen: &seen,
        now: hushpost_core::time::unix_now(),
        max_total_len: v2::DEFAULT_MAX_TOTAL_LEN,
    };
    let mut line = Vec::new();
    for to in [
        SealTo::Classical {
            ed: bob.ed_public(),
            key: bob.x().public(),
        },
        SealTo::Hybrid {
            ed: bob.ed_public(),
            key: bob_pq.public().clone(),
        },
    ] {
        let t = Instant::now();
        let mut blobs = Vec::with_capacity(n);
        for _ in 0..n {
            v2::seal(&alice, &to, &draft(), &Body::new(&letter), &mut |b| {
                blobs.push(b.to_vec());
                Ok(())
            })
            .expect("seal");
        }
        let seal_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let t = Instant::now();
        for b in &blobs {
            v2::open(b, &rx).expect("open");
        }
        let open_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        line.push(format!("{seal_us:.1} {open_us:.1}"));
    }
    println!("{}", line.join(" "));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2), args.get(3)) {
        (Some("seal"), Some(a), Some(b)) => seal_file(a, b),
        (Some("open"), Some(a), Some(b)) => open_file(a, b),
        (Some("small"), n, _) => small(n.and_then(|s| s.parse().ok()).unwrap_or(2000)),
        _ => {
            eprintln!("usage: bench_envelope seal BODY OUT | open SEALED BODY | small [N]");
            std::process::exit(2);
        }
    }
}
