//! The keyring's contents. Every field added after v1 must carry `#[serde(default)]` so
//! older files keep loading.

use hushpost_core::Secret32;
use hushpost_core::route::{Route, Via};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroize;

/// Current on-disk version.
pub const VERSION: u32 = 1;

/// 32 secret bytes, serialized as 64 hex digits through stack buffers that are wiped.
#[derive(Debug, PartialEq, Eq)]
pub struct SecretHex(pub Secret32);

impl SecretHex {
    /// Fresh random secret.
    pub fn random() -> Self {
        SecretHex(Secret32::random())
    }

    /// Wraps bytes.
    pub fn from_bytes(b: [u8; 32]) -> Self {
        SecretHex(Secret32::from_bytes(b))
    }

    /// The bytes.
    pub fn expose(&self) -> &[u8; 32] {
        self.0.expose()
    }

    /// An explicit copy.
    pub fn duplicate(&self) -> Self {
        SecretHex(self.0.duplicate())
    }
}

impl Serialize for SecretHex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 64];
        hex::encode_to_slice(self.0.expose(), &mut buf).map_err(serde::ser::Error::custom)?;
        let r = s.serialize_str(std::str::from_utf8(&buf).map_err(serde::ser::Error::custom)?);
        buf.zeroize();
        r
    }
}

impl<'de> Deserialize<'de> for SecretHex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SecretHex;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("64 hex digits")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SecretHex, E> {
                let mut out = [0u8; 32];
                hex::decode_to_slice(v, &mut out).map_err(E::custom)?;
                Ok(SecretHex(Secret32::from_bytes(out)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A secret string (the mail account's password): wiped on drop, never `Debug`-printed.
#[derive(PartialEq, Eq)]
pub struct SecretText(zeroize::Zeroizing<String>);

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SecretText::new)
    }
}

impl SecretText {
    /// Wraps a string.
    pub fn new(s: String) -> Self {
        SecretText(zeroize::Zeroizing::new(s))
    }

    /// The text.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// An explicit copy.
    pub fn duplicate(&self) -> Self {
        SecretText::new(self.expose().to_string())
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText(..)")
    }
}

/// A receiving prekey we generated for one contact (forward secrecy).
#[derive(Debug, Serialize, Deserialize)]
pub struct OwnPrekey {
    /// X25519 secret.
    pub secret: SecretHex,
    /// Hex of the public key.
    pub public: String,
    /// When we generated it.
    pub created_at: u64,
    /// What we told the contact (senders stop using it after this).
    pub not_after: u64,
    /// When the contact was first seen encrypting to it.
    #[serde(default)]
    pub seen_in_use_at: Option<u64>,
    /// When the contact was first seen using a newer prekey instead.
    #[serde(default)]
    pub superseded_at: Option<u64>,
    /// The hybrid (ML-KEM-768 + X25519) half of this prekey generation: its 32-byte seed.
    /// Same lifecycle as `secret`. `None` for v1-only prekeys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pq_seed: Option<SecretHex>,
}

/// The newest verified prekey a contact gave us.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PeerPrekey {
    /// Hex of the X25519 public key.
    pub key: String,
    /// Unix time after which we must not use it.
    pub not_after: u64,
    /// Hex of their signature.
    pub sig: String,
    /// When we received it.
    pub received_at: u64,
}

/// A hybrid key a contact signed for us (envelope v2 `SignedKey`), as received.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PeerHybridKey {
    /// Hex of the 1,216-byte hybrid public key.
    pub key: String,
    /// Unix time after which we must not use it (0: a long-term key, no expiry).
    pub not_after: u64,
    /// Hex of their signature.
    pub sig: String,
    /// When we received it.
    pub received_at: u64,
}

/// One contact.
#[derive(Debug, Serialize, Deserialize)]
pub struct ContactState {
    /// Local name (what `--to NAME` matches).
    pub name: String,
    /// Their card, as last accepted.
    pub card: String,
    /// Whether the safety number was confirmed.
    #[serde(default)]
    pub verified: bool,
    /// When added.
    pub added_at: u64,
    /// The user's choice of this contact's routes, in order (`contact routes NAME URL…`);
    /// `None` = the card's routes in the card's order, without those that point at local
    /// places unless `allow_local`.
    #[serde(default)]
    pub use_routes: Option<Vec<Route>>,
    /// The card's routes to local places (folders, loopback and private addresses) may be
    /// used (`contact add --allow-local`).
    #[serde(default)]
    pub allow_local: bool,
    /// `tor` / `direct` for this contact (overrides the global default).
    #[serde(default)]
    pub via: Option<Via>,
    /// A later route of theirs may take mail the first could not (`contact fallback`); off
    /// by default: the route order is a privacy order.
    #[serde(default)]
    pub fallback: bool,
    /// Our receiving prekeys for this contact, newest last.
    #[serde(default)]
    pub my_prekeys: Vec<OwnPrekey>,
    /// Their newest verified prekey for us.
    #[serde(default)]
    pub their_prekey: Option<PeerPrekey>,
    /// Their newest verified hybrid prekey for us (envelope v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub their_pq_prekey: Option<PeerHybridKey>,
    /// Their long-term hybrid key (envelope v2), sealed to when no hybrid prekey is live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub their_pq_identity: Option<PeerHybridKey>,
    /// When the contact was first seen sealing to a hybrid key of ours: from then on our
    /// messages stop carrying our long-term hybrid key (they have it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pq_seen_at: Option<u64>,
}

/// Everything the keyring holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct State {
    /// Display name.
    pub name: String,
    /// Ed25519 seed.
    pub ed_seed: SecretHex,
    /// Long-term X25519 secret.
    pub x_secret: SecretHex,
    /// Intro capability published in our card.
    pub intro_cap: SecretHex,
    /// Key of the encrypted mail store.
    pub store_key: SecretHex,
    /// Our receive routes, in order.
    pub routes: Vec<Route>,
    /// When the current card was issued.
    pub card_issued_at: u64,
    /// When the identity was created.
    pub created_at: u64,
    /// Contacts.
    #[serde(default)]
    pub contacts: Vec<ContactState>,
    /// Seed of our long-term hybrid key (announced as `KeyRole::Identity`); keyrings from
    /// before envelope v2 get one on their first unlock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pq_seed: Option<SecretHex>,
    /// The password of the `[account]` in config.toml, when the user chose to keep it here
    /// rather than behind a `password_command`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_password: Option<SecretText>,
}

impl State {
    /// Finds a contact by name.
    pub fn contact(&self, name: &str) -> Option<&ContactState> {
        self.contacts.iter().find(|c| c.name == name)
    }

    /// Finds a contact by name, mutably.
    pub fn contact_mut(&mut self, name: &str) -> Option<&mut ContactState> {
        self.contacts.iter_mut().find(|c| c.name == name)
    }
}

#[derive(Serialize)]
pub(crate) struct OnDiskRef<'a> {
    pub format: &'a str,
    pub version: u32,
    pub keyring: &'a State,
}

#[derive(Deserialize)]
pub(crate) struct OnDisk {
    pub format: String,
    pub version: u32,
    pub keyring: State,
}
