//! The bodies of the client-side `cargo fuzz` targets (what a server hands back to the
//! transports), as plain functions so they also run on stable:
//! `transports/tests/fuzz_smoke.rs` includes this file (`#[path]`) and feeds it the seeds in
//! `transports/fuzz/seeds/`, seeded random inputs and every crash the fuzzer found. Each
//! function must never panic; the `assert!`s are the properties checked beyond "no panic".
//! Must not: reimplement what it checks (it drives `hushpost_transports::fuzzing`).
//!
//! - `sftp_listing`: directory entries of an SSH drop (any bytes) → our blobs and deletes.
//! - `imap_fetch`: an IMAP server's answers to `UID FETCH` → tags and blobs.
//! - `relay_pages`: relay fetch pages (real encoder, then one byte perhaps flipped) → blobs
//!   assembled across slots and pages.

use hushpost_core::FetchCap;
use hushpost_transports::fuzzing;
use hushpost_wire::api::{self, BlobId, SlotHead};
use hushpost_wire::{LARGE, SMALL};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Up to four capabilities, a fixed set so the fuzzer can learn their tags.
fn caps(n: u8) -> Vec<FetchCap> {
    (0..=(n % 4)).map(|k| FetchCap([k + 1; 32])).collect()
}

/// Byte 0: the capabilities; then entries split at `\n`. An entry `\x01 K rest` stands for
/// `<tag of capability K>.rest`, so accepted names are within reach. Properties: every blob
/// handed over is named `<its capability's tag>.<16 hex>`, and deleting all of them removes
/// exactly them; `.tmp` names parse to the tag of the name without `.tmp`.
pub fn sftp_listing(data: &[u8]) -> bool {
    let Some((&n, rest)) = data.split_first() else {
        return false;
    };
    let caps = caps(n);
    let entries: Vec<Vec<u8>> = rest
        .split(|b| *b == b'\n')
        .map(|e| match e {
            [1, k, tail @ ..] => {
                let mut v = caps[usize::from(*k) % caps.len()].tag().hex().into_bytes();
                v.extend_from_slice(tail);
                v
            }
            e => e.to_vec(),
        })
        .collect();
    let paths: Vec<&Path> = entries
        .iter()
        .map(|e| Path::new(OsStr::from_bytes(e)))
        .collect();
    let (ours, gone) = fuzzing::sftp_listing(&caps, &paths);
    for (cap, name) in &ours {
        let (tag, tmp) = fuzzing::sftp_names(name);
        assert_eq!(tag, Some(caps[*cap].tag()), "{name:?}");
        assert!(tmp.is_none(), "{name:?} is both a blob and an upload");
        assert_eq!(name.len(), 64 + 1 + 16, "{name:?}");
        assert!(name[..64].eq_ignore_ascii_case(&caps[*cap].tag().hex()));
    }
    let names: Vec<&String> = ours.iter().map(|(_, n)| n).collect();
    assert_eq!(gone.iter().collect::<Vec<_>>(), names, "delete ≠ listed");
    for e in &entries {
        let name = String::from_utf8_lossy(e);
        if let (_, Some(t)) = fuzzing::sftp_names(&name) {
            let base = name.strip_suffix(".tmp").expect(".tmp");
            assert_eq!(fuzzing::sftp_names(base).0, Some(t));
        }
    }
    !ours.is_empty()
}

/// Byte 0: bit 0 asks for bodies (else headers); bit 1 wraps the rest as the literal of one
/// well-formed `* 1 FETCH (UID 1 BODY[…] {n}…)` answer (so the classification gets deep
/// inputs), else the rest is the server's raw answer. Properties: only asked-for UIDs come
/// back; a tag comes only from a header that names it; a blob is always a bucket size.
pub fn imap_fetch(data: &[u8]) -> bool {
    let Some((&mode, rest)) = data.split_first() else {
        return false;
    };
    let bodies = mode & 1 != 0;
    let answers = if mode & 2 != 0 {
        let section = if bodies { "TEXT" } else { "HEADER" };
        let mut a = format!(
            "* 1 FETCH (UID {} BODY[{section}] {{{}}}\r\n",
            1 + mode / 4 % 3,
            rest.len()
        )
        .into_bytes();
        a.extend_from_slice(rest);
        a.extend_from_slice(b")");
        a
    } else {
        rest.to_vec()
    };
    let asked = [1, 2, 5, 7];
    let got = fuzzing::imap_fetch(&answers, &asked, bodies);
    let text = String::from_utf8_lossy(&answers).to_lowercase();
    for (uid, tag) in &got.tagged {
        assert!(asked.contains(uid), "uid {uid} was not asked for");
        assert!(text.contains(&tag.hex()), "a tag the header does not hold");
    }
    for (uid, blob) in &got.blobs {
        assert!(asked.contains(uid), "uid {uid} was not asked for");
        if let Ok(b) = blob {
            assert!(
                b.len() == SMALL || b.len() == LARGE,
                "a blob of {}",
                b.len()
            );
        }
    }
    !got.tagged.is_empty() || got.blobs.iter().any(|(_, b)| b.is_ok())
}

/// A chunk's bytes, from what it claims to be (so a mixed-up assembly shows).
fn chunk_bytes(cap: u16, id: u64, chunk: u16, out: &mut [u8]) {
    let seed = (u64::from(cap) << 48) ^ (id << 16) ^ u64::from(chunk);
    for (i, b) in out.iter_mut().enumerate() {
        *b = (seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (i % 57)) as u8 ^ i as u8;
    }
}

/// Byte 0: capabilities; byte 1: slots per page (1–8); then 6 bytes per slot, pages of
/// `slots` slots each: [kind, cap, chunk, id, flip-at, flip-at]. kind bit 0: an empty slot;
/// bit 1: a large blob (16 chunks) else small; bit 2: flip one byte of the encoded page at
/// the given offset. Properties: every blob handed over has the length its head says; when
/// no byte was flipped, it is exactly its chunks 0‥n of one (capability, id) in order.
pub fn relay_pages(data: &[u8]) -> bool {
    let [n, s, rest @ ..] = data else {
        return false;
    };
    let caps = caps(*n);
    let slots = usize::from(*s % 8) + 1;
    let mut pages = Vec::new();
    let mut flipped = false;
    for page in rest.chunks(6 * slots).take(64) {
        let mut flip = None;
        let body = api::encode_page(slots, None, &[0x5a; SMALL], |i, out| {
            let d = page.get(i * 6..i * 6 + 6)?;
            if d[0] & 4 != 0 {
                flip = Some(usize::from(u16::from_be_bytes([d[4], d[5]])));
            }
            if d[0] & 1 != 0 {
                return None;
            }
            let (len, chunks) = if d[0] & 2 != 0 {
                (LARGE, 16)
            } else {
                (SMALL, 1)
            };
            let head = SlotHead {
                cap: u16::from(d[1]) % caps.len() as u16,
                flags: 0,
                chunk: u16::from(d[2]) % chunks,
                chunks,
                len: len as u32,
                id: BlobId(u64::from(d[3])),
            };
            chunk_bytes(head.cap, head.id.0, head.chunk, out);
            Some(head)
        });
        let mut body = body;
        if let Some(at) = flip {
            let at = at % body.len();
            body[at] ^= 0x41;
            flipped = true;
        }
        pages.push(body);
    }
    let (blobs, _refused) = fuzzing::relay_pages(&pages, &caps, slots);
    for (h, blob) in &blobs {
        assert_eq!(blob.len(), h.len as usize);
        if flipped {
            continue;
        }
        let mut want = vec![0u8; blob.len()];
        for (c, chunk) in want.chunks_exact_mut(SMALL).enumerate() {
            chunk_bytes(h.cap, h.id.0, c as u16, chunk);
        }
        assert!(*blob == want, "a blob assembled from chunks of others");
    }
    !blobs.is_empty()
}
