//! Tags and fetch capabilities: the only names a drop ever sees.
//!
//! ```text
//! K_pair  = HKDF-SHA256(ikm = X25519(my_x, their_X), salt = "hushpost v1 pair",
//!                       info = min(ed_a, ed_b) || max(ed_a, ed_b))
//! K_dir   = HKDF-SHA256(ikm = K_pair, salt = "hushpost v1 dir", info = ed_from || ed_to)
//! fetch_e = HMAC-SHA256(K_dir, "hushpost v1 fetch" || u64be(day))
//! tag_e   = SHA-256("hushpost v1 tag" || fetch_e)
//! ```
//! Senders write under `tag_e`; only the recipient (who can compute `fetch_e`) may read or
//! delete. A drop checks a capability against a tag with [`FetchCap::tag`] and a
//! constant-time comparison. Intro tags come from the card's intro capability instead of
//! a pair key; loop tags (for chaff) are the pair "me → me".

use crate::identity::{Identity, KeyError, PublicIdentity};
use crate::secret::Secret32;
use crate::time::Day;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
pub use hushpost_wire::{FetchCap, Tag};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const PAIR_SALT: &[u8] = b"hushpost v1 pair";
const DIR_SALT: &[u8] = b"hushpost v1 dir";
const FETCH_LABEL: &[u8] = b"hushpost v1 fetch";
const INTRO_LABEL: &[u8] = b"hushpost v1 intro fetch";
const DECOY_LABEL: &[u8] = b"hushpost v1 decoy fetch";

/// The key of one direction of one pair.
#[derive(Debug)]
pub struct DirKey(Secret32);

impl DirKey {
    /// The capability for `day`.
    pub fn fetch_cap(&self, day: Day) -> FetchCap {
        let mut mac =
            HmacSha256::new_from_slice(self.0.expose()).expect("HMAC takes any key length");
        mac.update(FETCH_LABEL);
        mac.update(&day.0.to_be_bytes());
        FetchCap(mac.finalize().into_bytes().into())
    }

    /// The tag for `day` (what a sender writes under).
    pub fn tag(&self, day: Day) -> Tag {
        self.fetch_cap(day).tag()
    }

    /// The `index`-th decoy capability of `day`: a cover fetch pads its list with these.
    /// Derived from the loop key, so a decoy recurs over the same three days as a real
    /// capability and our own chaff can be put under it; nobody else can derive it.
    pub fn decoy_cap(&self, day: Day, index: u32) -> FetchCap {
        let mut mac =
            HmacSha256::new_from_slice(self.0.expose()).expect("HMAC takes any key length");
        mac.update(DECOY_LABEL);
        mac.update(&day.0.to_be_bytes());
        mac.update(&index.to_be_bytes());
        FetchCap(mac.finalize().into_bytes().into())
    }
}

/// Both directions of the pair (me, them).
#[derive(Debug)]
pub struct PairKeys {
    /// Me → them: I write under these tags.
    pub outgoing: DirKey,
    /// Them → me: I fetch these capabilities.
    pub incoming: DirKey,
}

impl PairKeys {
    /// Derives the pair keys from my identity and their public identity.
    pub fn derive(me: &Identity, them: &PublicIdentity) -> Result<PairKeys, KeyError> {
        let shared = me.x().dh(&them.x)?;
        let my_ed = me.ed_public();
        let (lo, hi) = if my_ed <= them.ed {
            (&my_ed, &them.ed)
        } else {
            (&them.ed, &my_ed)
        };
        let mut info = [0u8; 64];
        info[..32].copy_from_slice(lo);
        info[32..].copy_from_slice(hi);
        let mut k_pair = [0u8; 32];
        Hkdf::<Sha256>::new(Some(PAIR_SALT), shared.as_ref())
            .expand(&info, &mut k_pair)
            .expect("32 bytes is a valid HKDF length");
        let k_pair = Secret32::from_bytes(k_pair);
        Ok(PairKeys {
            outgoing: dir_key(&k_pair, &my_ed, &them.ed),
            incoming: dir_key(&k_pair, &them.ed, &my_ed),
        })
    }

    /// The loop pair (me → me), used for chaff that comes back to its sender.
    pub fn loopback(me: &Identity) -> Result<DirKey, KeyError> {
        Ok(PairKeys::derive(me, &me.public())?.outgoing)
    }
}

fn dir_key(k_pair: &Secret32, from: &[u8; 32], to: &[u8; 32]) -> DirKey {
    let mut info = [0u8; 64];
    info[..32].copy_from_slice(from);
    info[32..].copy_from_slice(to);
    let mut out = [0u8; 32];
    Hkdf::<Sha256>::new(Some(DIR_SALT), k_pair.expose())
        .expand(&info, &mut out)
        .expect("32 bytes is a valid HKDF length");
    DirKey(Secret32::from_bytes(out))
}

/// The intro capability of a card: whoever holds the card can post a contact request.
///
/// Card holders can derive both the tag and the fetch capability of the intro mailbox, so
/// they could also delete intro requests others posted there; the requests themselves are
/// sealed to the owner. `docs/PROTOCOL.md` §4.3 discusses why this is accepted.
pub fn intro_fetch_cap(intro_cap: &Secret32, day: Day) -> FetchCap {
    let mut mac =
        HmacSha256::new_from_slice(intro_cap.expose()).expect("HMAC takes any key length");
    mac.update(INTRO_LABEL);
    mac.update(&day.0.to_be_bytes());
    FetchCap(mac.finalize().into_bytes().into())
}

/// The days a recipient polls at `today`: yesterday, today and tomorrow, plus every day
/// since `last_success` (exclusive) that is still within `retention_days`.
pub fn days_to_poll(today: Day, last_success: Option<Day>, retention_days: u64) -> Vec<Day> {
    let oldest = Day(today.0.saturating_sub(retention_days));
    let from = match last_success {
        Some(d) if d.0 < today.0 => Day(d.0.max(oldest.0)),
        _ => today.prev(),
    };
    let from = from.min(today.prev());
    (from.0..=today.next().0).map(Day).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn both_sides_derive_matching_directions() {
        let a = Identity::generate();
        let b = Identity::generate();
        let ab = PairKeys::derive(&a, &b.public()).expect("derive");
        let ba = PairKeys::derive(&b, &a.public()).expect("derive");
        let d = Day(20_000);
        assert_eq!(ab.outgoing.tag(d), ba.incoming.tag(d));
        assert_eq!(ab.incoming.tag(d), ba.outgoing.tag(d));
        assert_ne!(ab.outgoing.tag(d), ab.incoming.tag(d));
    }

    #[test]
    fn capability_opens_only_its_tag() {
        let a = Identity::generate();
        let b = Identity::generate();
        let k = PairKeys::derive(&a, &b.public()).expect("derive");
        let cap = k.outgoing.fetch_cap(Day(5));
        assert!(cap.opens(&k.outgoing.tag(Day(5))));
        assert!(!cap.opens(&k.outgoing.tag(Day(6))));
        assert_ne!(cap.0, cap.tag().0, "tag and capability differ");
    }

    #[test]
    fn a_thousand_pairs_seven_days_two_directions_are_all_distinct() {
        let ids: Vec<Identity> = (0..1001).map(|_| Identity::generate()).collect();
        let mut tags = HashSet::new();
        let mut caps = HashSet::new();
        for i in 0..1000 {
            let k = PairKeys::derive(&ids[i], &ids[i + 1].public()).expect("derive");
            for day in 0..7u64 {
                for dir in [&k.outgoing, &k.incoming] {
                    let cap = dir.fetch_cap(Day(19_000 + day));
                    assert!(tags.insert(cap.tag()), "tag collision");
                    assert!(caps.insert(cap.0), "capability collision");
                }
            }
        }
        assert_eq!(tags.len(), 14_000);
        // No tag is also somebody's capability.
        assert!(caps.iter().all(|c| !tags.contains(&Tag(*c))));
        // Rough uniformity: each bit of the tags is set about half the time.
        for bit in 0..256 {
            let ones = tags
                .iter()
                .filter(|t| t.0[bit / 8] >> (bit % 8) & 1 == 1)
                .count();
            assert!((6_500..7_500).contains(&ones), "bit {bit}: {ones}");
        }
    }

    #[test]
    fn decoys_are_stable_per_day_and_distinct_from_the_real_capability() {
        let me = Identity::generate();
        let lp = PairKeys::loopback(&me).expect("loop");
        let d = Day(20_000);
        assert_eq!(lp.decoy_cap(d, 3), lp.decoy_cap(d, 3), "recomputable");
        let mut all = HashSet::new();
        for day in [Day(20_000), Day(20_001)] {
            assert!(all.insert(lp.fetch_cap(day).0));
            for i in 0..16 {
                assert!(all.insert(lp.decoy_cap(day, i).0), "decoy collision");
            }
        }
        // Another identity derives other decoys.
        let other = PairKeys::loopback(&Identity::generate()).expect("loop");
        assert!(!all.contains(&other.decoy_cap(d, 0).0));
    }

    #[test]
    fn poll_days_cover_skew_and_missed_days() {
        assert_eq!(
            days_to_poll(Day(100), None, 14),
            vec![Day(99), Day(100), Day(101)]
        );
        assert_eq!(
            days_to_poll(Day(100), Some(Day(95)), 14),
            (95..=101).map(Day).collect::<Vec<_>>()
        );
        assert_eq!(
            days_to_poll(Day(100), Some(Day(10)), 14).first(),
            Some(&Day(86))
        );
    }

    #[test]
    fn tag_debug_shows_only_a_prefix() {
        let t = Tag([0xcd; 32]);
        assert!(format!("{t:?}").len() < 20);
        assert_eq!(format!("{:?}", FetchCap([1; 32])), "FetchCap(<redacted>)");
    }
}
