//! The replay window: `(sender, msg_id)` pairs are remembered for 35 days, and `sent_at`
//! must be neither older than that nor more than 10 minutes in the future.
//!
//! The durable set lives in the mail store; [`MemorySeen`] is the in-memory version for
//! tests and single-shot tools.

use std::collections::HashMap;

/// How long a `(sender, msg_id)` is remembered, and the oldest `sent_at` accepted.
pub const WINDOW_SECS: u64 = 35 * 86_400;
/// How far in the future `sent_at` may be (clock skew).
pub const FUTURE_SKEW_SECS: u64 = 600;

/// Where a `sent_at` falls relative to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeCheck {
    /// Inside the window.
    Ok,
    /// Older than [`WINDOW_SECS`].
    TooOld,
    /// More than [`FUTURE_SKEW_SECS`] ahead of `now`.
    FromFuture,
}

/// Classifies `sent_at` against `now`.
pub fn check_time(sent_at: u64, now: u64) -> TimeCheck {
    if sent_at > now.saturating_add(FUTURE_SKEW_SECS) {
        TimeCheck::FromFuture
    } else if sent_at.saturating_add(WINDOW_SECS) < now {
        TimeCheck::TooOld
    } else {
        TimeCheck::Ok
    }
}

/// Something that remembers which messages were already accepted.
pub trait SeenSet {
    /// Whether `(sender, msg_id)` was accepted before.
    fn contains(&self, sender: &[u8; 32], msg_id: &[u8; 16]) -> bool;
}

/// An in-memory [`SeenSet`] with expiry.
#[derive(Debug, Default)]
pub struct MemorySeen {
    seen: HashMap<([u8; 32], [u8; 16]), u64>,
}

impl MemorySeen {
    /// Records an accepted message at time `now`.
    pub fn insert(&mut self, sender: [u8; 32], msg_id: [u8; 16], now: u64) {
        self.seen.insert((sender, msg_id), now);
    }

    /// Forgets entries older than the window.
    pub fn prune(&mut self, now: u64) {
        self.seen
            .retain(|_, at| at.saturating_add(WINDOW_SECS) >= now);
    }

    /// Number of remembered entries.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

impl SeenSet for MemorySeen {
    fn contains(&self, sender: &[u8; 32], msg_id: &[u8; 16]) -> bool {
        self.seen.contains_key(&(*sender, *msg_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_edges() {
        let now = 10_000_000;
        assert_eq!(check_time(now, now), TimeCheck::Ok);
        assert_eq!(check_time(now + 600, now), TimeCheck::Ok);
        assert_eq!(check_time(now + 601, now), TimeCheck::FromFuture);
        assert_eq!(check_time(now - WINDOW_SECS, now), TimeCheck::Ok);
        assert_eq!(check_time(now - WINDOW_SECS - 1, now), TimeCheck::TooOld);
    }

    #[test]
    fn memory_seen_prunes_after_the_window() {
        let mut s = MemorySeen::default();
        s.insert([1; 32], [2; 16], 100);
        assert!(s.contains(&[1; 32], &[2; 16]));
        s.prune(100 + WINDOW_SECS);
        assert!(s.contains(&[1; 32], &[2; 16]));
        s.prune(101 + WINDOW_SECS);
        assert!(!s.contains(&[1; 32], &[2; 16]));
    }
}
