//! UTC day epochs and the clock.
//!
//! Tags rotate per UTC day; every place that asks "what time is it" goes through [`Clock`]
//! so tests can run the protocol on a simulated clock.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds in one tag epoch.
pub const DAY_SECS: u64 = 86_400;

/// A UTC day number: `floor(unix_seconds / 86400)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub u64);

impl Day {
    /// The day containing the given unix time.
    pub fn of(unix_secs: u64) -> Day {
        Day(unix_secs / DAY_SECS)
    }

    /// The day before.
    pub fn prev(self) -> Day {
        Day(self.0.saturating_sub(1))
    }

    /// The day after.
    pub fn next(self) -> Day {
        Day(self.0 + 1)
    }
}

/// A source of the current unix time in seconds.
pub trait Clock: Send + Sync {
    /// Seconds since the unix epoch.
    fn now(&self) -> u64;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// A clock fixed at a given time (tests, simulations).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

/// Current unix time from the system clock.
pub fn unix_now() -> u64 {
    SystemClock.now()
}
