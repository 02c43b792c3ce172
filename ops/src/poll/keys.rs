//! `poll-keys.json`: what an unattended `poll` needs without the passphrase, written
//! whenever the keyring is saved: our own receive routes and, for each of the coming days,
//! the list of capabilities a cover fetch presents — ours (mail from each contact, contact
//! requests, our loop) and decoys padding it to a fixed count, shuffled and unlabelled.
//!
//! It holds no key that decrypts anything, no contact's name, key or route, and no label
//! saying which capability is whose: a thief of the locked laptop learns our own routes
//! and, per day, a list of capabilities that lets them read and delete ciphertext waiting
//! for us (DESIGN.md §6). Contacts' routes appear at rest only in the outbox, for blobs
//! queued to them, and only until they have left. The file is 0600.

use crate::error::{Error, Result};
use crate::home::Home;
use crate::keys::Keys;
use hushpost_core::FetchCap;
use hushpost_core::route::Route;
use hushpost_core::time::Day;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// How many days of capabilities an unlock precomputes.
pub const DAYS_AHEAD: u64 = 14;

/// The format written now; older files are ignored until the next unlock rewrites them.
const VERSION: u32 = 3;

/// The capabilities of one day, shuffled, with no owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DayCaps {
    /// UTC day.
    pub day: u64,
    /// Capabilities, hex.
    pub caps: Vec<String>,
}

/// The unlock-time snapshot.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PollKeys {
    /// Format version.
    pub version: u32,
    /// When it was written.
    pub generated_at: u64,
    /// Our receive routes.
    pub routes: Vec<Route>,
    /// Capabilities by day.
    #[serde(default)]
    pub days: Vec<DayCaps>,
}

impl PollKeys {
    /// Whether this file is one a locked poll can work from.
    pub fn usable(&self) -> bool {
        self.version == VERSION && !self.routes.is_empty()
    }

    /// The capabilities of `day` (empty if not precomputed).
    pub fn day(&self, day: Day) -> Vec<FetchCap> {
        self.days
            .iter()
            .filter(|d| d.day == day.0)
            .flat_map(|d| d.caps.iter().filter_map(|c| FetchCap::from_hex(c)))
            .collect()
    }
}

/// Where the file lives.
pub(crate) fn path(home: &Home) -> std::path::PathBuf {
    home.data_dir.join("poll-keys.json")
}

/// The capabilities a cover fetch presents for `day`: ours (whatever they are) padded with
/// the day's decoys up to `per_day`. Locked and unlocked polls present exactly this set,
/// so the relay's view does not change with the lock. Returned in a fixed order; callers
/// shuffle.
pub(crate) fn day_set(keys: &Keys, day: Day, per_day: usize) -> Result<Vec<FetchCap>> {
    let (mut caps, _) = keys.capabilities(&[day]);
    let lp = keys.loop_key()?;
    let mut i = 0u32;
    while caps.len() < per_day {
        caps.push(lp.decoy_cap(day, i));
        i += 1;
    }
    Ok(caps)
}

/// Writes `poll-keys.json` for the next [`DAYS_AHEAD`] days from the keyring.
pub(crate) fn write(keys: &Keys, home: &Home) -> Result<()> {
    let today = Day::of(keys.now());
    let per_day = keys.config().cover.tags_per_day();
    let mut days = Vec::new();
    for d in today.0.saturating_sub(1)..=today.0 + DAYS_AHEAD {
        let mut caps: Vec<String> = day_set(keys, Day(d), per_day)?
            .iter()
            .map(FetchCap::hex)
            .collect();
        // Unlabelled and in no particular order: the list says nothing about whose is whose.
        caps.shuffle(&mut rand::rngs::OsRng);
        days.push(DayCaps { day: d, caps });
    }
    let file = PollKeys {
        version: VERSION,
        generated_at: keys.now(),
        routes: keys.routes().to_vec(),
        days,
    };
    let p = path(home);
    super::state::save(&p, &file).map_err(|e| Error::Io(e, p))
}
