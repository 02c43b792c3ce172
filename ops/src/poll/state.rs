//! What the scheduler remembers between ticks (`poll-state.json`): tick count, loop blobs
//! in flight, where each of our cover routes' fetch left off, warnings; and the JSON file
//! helpers `poll` uses.

use hushpost_transports::PageState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A chaff blob on its way around a loop.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LoopInFlight {
    /// The route it was put on.
    pub route: String,
    /// SHA-256 of the blob, hex.
    pub hash: String,
    /// The tick it was sent in.
    pub tick: u64,
    /// Fetches of the route since then that went through the whole mailbox without it.
    #[serde(default)]
    pub passes: u32,
    /// Whether the put is known to have succeeded. The record is written before the put
    /// (so a poll killed in between still knows the blob as ours when it comes back); one
    /// never confirmed is forgotten after its passes without raising the loop alarm.
    #[serde(default = "yes")]
    pub confirmed: bool,
}

fn yes() -> bool {
    true
}

/// One of our cover routes between ticks.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RoutePage {
    /// Where its fixed-shape fetch left off.
    #[serde(default)]
    pub page: PageState,
    /// Blobs fetched but not deleted yet (a delete request holds only so many): capability
    /// (hex) and drop id.
    #[serde(default)]
    pub pending: Vec<(String, String)>,
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
    /// Our cover routes' fetch positions, by route.
    #[serde(default)]
    pub pages: BTreeMap<String, RoutePage>,
}

impl PollState {
    /// SHA-256 of every loop blob of ours still out, to tell our chaff from mail.
    pub fn loop_hashes(&self) -> std::collections::HashSet<[u8; 32]> {
        self.loops
            .iter()
            .filter_map(|l| hex::decode(&l.hash).ok()?.try_into().ok())
            .collect()
    }
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
