//! What an unattended `poll` needs without the passphrase, and what it remembers between
//! ticks.
//!
//! `poll-keys.json` is written whenever the keyring is unlocked: our receive routes, the
//! fetch capabilities of the coming days for every contact, the intro and loop mailboxes,
//! and where each contact's queued mail may go. It holds no key that decrypts anything —
//! only capabilities to read and delete ciphertext (DESIGN.md §6) — and is 0600.
//! `poll-state.json` is the scheduler's memory: tick count, loop blobs in flight, warnings.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// How many days of capabilities an unlock precomputes.
pub const DAYS_AHEAD: u64 = 14;

/// Who a capability belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapOwner {
    /// Mail from this contact (Ed25519 key, hex).
    Contact(String),
    /// Contact requests.
    Intro,
    /// Our own loop (chaff coming back).
    Loop,
}

/// One precomputed capability.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CapEntry {
    /// UTC day.
    pub day: u64,
    /// The capability, hex.
    pub cap: String,
    /// Whose mail it fetches.
    pub owner: CapOwner,
}

/// The unlock-time snapshot.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PollKeys {
    /// Format version.
    pub version: u32,
    /// When it was written.
    pub generated_at: u64,
    /// Our receive routes.
    pub routes: Vec<String>,
    /// Routes of contacts that cover traffic also runs on (chaff and loop fetches).
    #[serde(default)]
    pub send_routes: Vec<String>,
    /// Capabilities by day.
    pub caps: Vec<CapEntry>,
}

/// A chaff blob on its way around a loop.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LoopInFlight {
    /// The route it was put on.
    pub route: String,
    /// SHA-256 of the blob, hex.
    pub hash: String,
    /// The tick it was sent in.
    pub tick: u64,
}

/// The scheduler's memory.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PollState {
    /// Ticks done so far.
    pub tick: u64,
    /// Unix time of the last tick.
    #[serde(default)]
    pub last_tick_at: u64,
    /// Loop blobs not back yet.
    #[serde(default)]
    pub loops: Vec<LoopInFlight>,
    /// Routes whose loop blobs did not come back within 3 ticks.
    #[serde(default)]
    pub dropping: Vec<String>,
    /// Per-route errors of the last tick.
    #[serde(default)]
    pub errors: Vec<(String, String)>,
}

/// Reads a JSON file, or the default when it does not exist.
pub fn load<T: Default + for<'de> Deserialize<'de>>(path: &Path) -> std::io::Result<T> {
    match std::fs::read(path) {
        Ok(b) => serde_json::from_slice(&b).map_err(std::io::Error::other),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(e),
    }
}

/// Writes a JSON file durably with mode 0600.
pub fn save<T: Serialize>(path: &Path, v: &T) -> std::io::Result<()> {
    let b = serde_json::to_vec_pretty(v).map_err(std::io::Error::other)?;
    hushpost_durable::write_atomic(path, &b)
}
