//! Runs the client-side `cargo fuzz` target bodies (`transports/fuzz/src/lib.rs`, included
//! verbatim) on stable: every seed in `transports/fuzz/seeds/<target>/`, every input the
//! fuzzer once crashed on, and seeded mutations of the seeds — so the suite exercises the
//! SFTP listing, IMAP fetch and relay page paths on hostile input without nightly.
//! Must not: assert anything the targets do not (their properties are the checks).

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod targets;

use rand::{Rng, RngCore, SeedableRng};
use std::path::Path;

/// Inputs the fuzzer once crashed on, per target (each new one is a regression test).
const CRASHES: &[(&str, &[u8])] = &[];

type Target = fn(&[u8]) -> bool;
const TARGETS: [(&str, Target); 3] = [
    ("sftp_listing", targets::sftp_listing),
    ("imap_fetch", targets::imap_fetch),
    ("relay_pages", targets::relay_pages),
];

fn seed() -> u64 {
    let s = std::env::var("HUSHPOST_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("fuzz smoke seed {s} (replay: HUSHPOST_FUZZ_SEED={s})");
    s
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut v: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| std::fs::read(e.expect("entry").path()).expect("seed"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no seeds for {target}");
    v
}

/// A seed with a few bytes flipped, inserted, removed or the tail cut.
fn mutate(r: &mut rand::rngs::StdRng, s: &[u8]) -> Vec<u8> {
    let mut v = s.to_vec();
    for _ in 0..r.gen_range(1..6) {
        if v.is_empty() {
            v.push(r.r#gen());
            continue;
        }
        let at = r.gen_range(0..v.len());
        match r.gen_range(0..4) {
            0 => v[at] ^= 1 << r.gen_range(0..8),
            1 => v.insert(at, r.r#gen()),
            2 => {
                v.remove(at);
            }
            _ => v.truncate(at),
        }
    }
    v
}

#[test]
fn every_client_side_fuzz_target_survives_its_seeds_and_their_mutations() {
    for (name, input) in CRASHES {
        let (_, f) = TARGETS.iter().find(|(t, _)| t == name).expect("target");
        eprintln!("regression input for {name}");
        f(input);
    }
    let mut r = rand::rngs::StdRng::seed_from_u64(seed());
    for (name, f) in TARGETS {
        let seeds = seeds(name);
        let deep = seeds.iter().filter(|s| f(s)).count();
        assert!(
            deep > 0,
            "{name}: no seed is accepted, so nothing deep is fuzzed"
        );
        let mut accepted = 0;
        for i in 0..1_500 {
            let input = if i % 5 == 0 {
                let mut b = vec![0u8; r.gen_range(0..300)];
                r.fill_bytes(&mut b);
                b
            } else {
                mutate(&mut r, &seeds[i % seeds.len()])
            };
            accepted += usize::from(f(&input));
        }
        eprintln!(
            "{name}: {deep} of {} seeds and {accepted} of 1500 mutations accepted",
            seeds.len()
        );
    }
}
