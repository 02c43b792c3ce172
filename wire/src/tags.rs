//! Tags and fetch capabilities: the only names a drop ever sees.
//!
//! ```text
//! tag = SHA-256("hushpost v1 tag" || fetch_cap)
//! ```
//! Senders write under a tag; only whoever holds its capability (the hash preimage) may
//! read or delete. How a client derives capabilities from its keys is `hushpost-core`'s
//! business; a relay only ever turns a capability into its tag.

use sha2::{Digest, Sha256};

const TAG_LABEL: &[u8] = b"hushpost v1 tag";

/// The public name of a mailbox for one direction of one pair on one day.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub [u8; 32]);

impl Tag {
    /// 64 lower-case hex digits (file names, URLs).
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Option<Tag> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Tag(out))
    }
}

impl std::fmt::Debug for Tag {
    // Tags are metadata: even debug output shows only a short prefix.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tag({}…)", &hex::encode(&self.0[..3]))
    }
}

/// The read/delete capability for one tag: its hash preimage.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FetchCap(pub [u8; 32]);

impl FetchCap {
    /// The tag this capability opens.
    pub fn tag(&self) -> Tag {
        let mut h = Sha256::new();
        h.update(TAG_LABEL);
        h.update(self.0);
        Tag(h.finalize().into())
    }

    /// Constant-time check that this capability opens `tag`.
    pub fn opens(&self, tag: &Tag) -> bool {
        let t = self.tag();
        let mut diff = 0u8;
        for (a, b) in t.0.iter().zip(tag.0.iter()) {
            diff |= a ^ b;
        }
        diff == 0
    }

    /// 64 lower-case hex digits.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Option<FetchCap> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(FetchCap(out))
    }
}

impl std::fmt::Debug for FetchCap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FetchCap(<redacted>)")
    }
}

/// Serde as 64 hex digits (request bodies, headers).
mod hex_serde {
    use super::{FetchCap, Tag};
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    impl Serialize for Tag {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&self.hex())
        }
    }

    impl<'de> Deserialize<'de> for Tag {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = <&str>::deserialize(d)?;
            Tag::from_hex(s).ok_or_else(|| D::Error::custom("a tag is 64 hex digits"))
        }
    }

    impl Serialize for FetchCap {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&self.hex())
        }
    }

    impl<'de> Deserialize<'de> for FetchCap {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = <&str>::deserialize(d)?;
            FetchCap::from_hex(s).ok_or_else(|| D::Error::custom("a capability is 64 hex digits"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capability_opens_only_its_own_tag() {
        let c = FetchCap([1; 32]);
        assert!(c.opens(&c.tag()));
        assert!(!c.opens(&FetchCap([2; 32]).tag()));
        assert_eq!(FetchCap::from_hex(&c.hex()), Some(c.clone()));
        assert_eq!(Tag::from_hex(&c.tag().hex()), Some(c.tag()));
        assert_eq!(Tag::from_hex("zz"), None);
        assert_eq!(format!("{c:?}"), "FetchCap(<redacted>)");
    }
}
