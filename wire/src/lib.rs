//! What a hushpost client and a relay (or any drop) must agree on, and nothing else: tags
//! and fetch capabilities, proof-of-work stamps, the two bucket sizes, UTC day epochs and
//! the clock, and the relay's HTTP request and answer formats.
//!
//! Both `hushpost-core` (the client protocol) and `hushpost-relay` (the server) depend on
//! this crate, so the relay never links client code. Must not: hold keys, know who talks to
//! whom, or touch the network or the disk.
#![forbid(unsafe_code)]

pub mod api;
pub mod pow;
mod tags;
pub mod time;

pub use tags::{FetchCap, Tag};

/// Size of the small bucket in bytes (also the relay's fetch slot size).
pub const SMALL: usize = 16_384;
/// Size of the large bucket in bytes.
pub const LARGE: usize = 262_144;

/// Whether `len` is one of the two blob sizes. There is never a third.
pub fn is_bucket(len: usize) -> bool {
    len == SMALL || len == LARGE
}
