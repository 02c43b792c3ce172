//! Shared helpers for the store's integration tests: a fresh store in a temp dir and
//! messages with sensible defaults.
//!
//! Must not hide what a test checks: helpers only build inputs.
#![allow(dead_code)]

use std::path::Path;

use hushpost_store::{NewMessage, Store};

/// The key every test store uses.
pub const KEY: [u8; 32] = [7; 32];

/// A base time (2025-ish) for dates.
pub const T0: u64 = 1_750_000_000;

/// Opens (creating) a store under `dir/store`.
pub fn open(dir: &Path) -> Store {
    Store::open(&dir.join("store"), &KEY).expect("open store")
}

/// Message `n`: sender `[n % 251; 32]`-ish, unique msg_id, dated `T0 + n`.
pub fn msg<'a>(n: u64, raw: &'a [u8]) -> NewMessage<'a> {
    let mut sender = [0u8; 32];
    sender[0] = (n % 7) as u8 + 1;
    let mut msg_id = [0u8; 16];
    msg_id[..8].copy_from_slice(&n.to_be_bytes());
    NewMessage {
        sender,
        msg_id,
        outgoing: false,
        peer: format!("Peer {}", n % 7),
        subject: format!("subject {n}"),
        sent_at: T0 + n,
        received_at: T0 + n + 5,
        message_id: format!("<m{n}@hushpost>"),
        in_reply_to: None,
        references: Vec::new(),
        text: format!("body text of message {n}"),
        has_attachments: false,
        expires_at: 0,
        burn: false,
        verified: true,
        prev_hash: [1; 32],
        chain: [2; 32],
        raw,
    }
}

/// A raw RFC 5322 message with `subject` and `body`.
pub fn raw(subject: &str, body: &str) -> Vec<u8> {
    format!("From: A <a@x>\r\nSubject: {subject}\r\n\r\n{body}\r\n").into_bytes()
}

/// The one id an insert of a single new message returned.
pub fn new_id(r: &[hushpost_store::Inserted]) -> i64 {
    match r {
        [hushpost_store::Inserted::New(id)] => *id,
        other => panic!("expected one new message, got {other:?}"),
    }
}
