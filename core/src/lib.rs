//! The hushpost protocol: identities, contact cards, the sealed envelope (wire formats v1
//! and v2, classical and post-quantum), tags and capabilities, proof of work and the replay
//! window.
//!
//! Everything a drop, a wire or a relay could ever see is produced here, so this crate is
//! pure: it must not touch the network, the terminal or (outside tests) the disk. The
//! normative description is `docs/PROTOCOL.md`; every label below is quoted there.
#![forbid(unsafe_code)]

pub mod agelayer;
pub mod card;
pub mod envelope;
pub mod hybrid;
pub mod identity;
pub mod letter;
pub mod mime;
pub mod replay;
pub mod route;
pub mod sanitize;
pub mod secret;
pub mod tags;

pub use hushpost_wire::{pow, time};

pub use card::{Card, CardError};
pub use envelope::{Bucket, Kind};
pub use identity::{Fingerprint, Identity, PublicIdentity, SafetyNumber};
pub use route::Route;
pub use secret::Secret32;
pub use tags::{FetchCap, Tag};
pub use time::Day;
