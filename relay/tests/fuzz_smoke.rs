//! Runs the relay's `cargo fuzz` target bodies (`relay/fuzz/src/lib.rs`, included verbatim)
//! on seeded random inputs and on well-formed requests with one field broken, so the stable
//! suite exercises them without nightly; every crash the fuzzer finds is added to `CRASHES`.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Inputs the fuzzer once crashed on (none so far; each new one is a regression test).
const CRASHES: &[(&str, &[u8])] = &[];

fn seed() -> u64 {
    let s = std::env::var("HUSHPOST_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("fuzz smoke seed {s} (replay: HUSHPOST_FUZZ_SEED={s})");
    s
}

/// Requests that get past the first checks: real JSON with a bad field, real headers.
fn structured(r: &mut ChaCha8Rng) -> Vec<u8> {
    let hex = |r: &mut ChaCha8Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdefXz"[r.gen_range(0..18)]))
            .collect()
    };
    let caps: Vec<String> = (0..r.gen_range(0..5))
        .map(|_| format!("\"{}\"", hex(r, 64)))
        .collect();
    let body = match r.gen_range(0..4) {
        0 => format!(
            "{{\"caps\":[{}],\"slots\":{}}}",
            caps.join(","),
            r.gen_range(0..70)
        ),
        1 => format!(
            "{{\"caps\":[{}],\"cursor\":\"{}\"}}",
            caps.join(","),
            hex(r, 32)
        ),
        2 => format!(
            "{{\"items\":[{{\"cap\":{},\"id\":\"{}\"}}]}}",
            caps.first().cloned().unwrap_or_default(),
            hex(r, 16)
        ),
        _ => String::new(),
    };
    let sel: u8 = r.r#gen();
    format!(
        "{}{}\n{}:{}\n{body}",
        char::from(sel & 0x7f),
        hex(r, 64),
        hex(r, 64),
        r.gen_range(0..1000u32)
    )
    .into_bytes()
}

#[test]
fn relay_request_handling_survives_random_and_broken_requests() {
    for (name, input) in CRASHES {
        eprintln!("regression input {name}");
        targets::relay_request(input);
    }
    let mut r = ChaCha8Rng::seed_from_u64(seed());
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..3_000 {
        let input = if i % 2 == 0 {
            structured(&mut r)
        } else {
            let mut b = vec![0u8; r.gen_range(0..300)];
            r.fill_bytes(&mut b);
            b
        };
        *statuses.entry(targets::relay_request(&input)).or_insert(0) += 1;
    }
    eprintln!("statuses: {statuses:?}");
    assert!(
        statuses.len() >= 4,
        "the inputs reach several handlers: {statuses:?}"
    );
}

#[test]
fn the_fetch_page_parser_survives_random_pages() {
    let mut r = ChaCha8Rng::seed_from_u64(seed());
    let mut accepted = 0;
    for _ in 0..2_000 {
        let mut b = vec![0u8; r.gen_range(0..200)];
        r.fill_bytes(&mut b);
        accepted += usize::from(targets::decode_page(&b));
    }
    assert!(
        accepted > 0,
        "some pages are accepted, so their slots get parsed"
    );
}
