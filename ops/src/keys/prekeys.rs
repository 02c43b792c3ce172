//! Forward secrecy: rotating per-contact receiving prekeys (PROTOCOL.md §5,
//! ARCHITECTURE.md "Forward secrecy").
//!
//! Every message we send carries our newest receiving prekey for that contact; they
//! encrypt to it from then on. We rotate it when it is 7 days old, or at least a day old
//! and already in use by the contact; a superseded private prekey is deleted 21 days after
//! the contact was first seen using a newer one, never kept more than 35 days after it
//! was superseded, and at most 3 are kept per contact. Deleting means rewriting the keyring
//! without it, which is what makes old mail undecryptable.

use super::{KeyOp, Keys, contact_public};
use hushpost_core::envelope::SignedPrekey;
use hushpost_core::identity::XKeyPair;
use hushpost_keyring::{OwnPrekey, SecretHex};

/// Rotate a prekey this old.
pub const ROTATE_SECS: u64 = 7 * 86_400;
/// Or this old once the contact uses it.
pub const ROTATE_IN_USE_SECS: u64 = 86_400;
/// Delete a superseded prekey this long after the contact was seen using a newer one.
pub const GRACE_SECS: u64 = 21 * 86_400;
/// Never keep a superseded prekey longer than this.
pub const HARD_CAP_SECS: u64 = 35 * 86_400;
/// How long senders may use a prekey (its signed `not_after`).
pub const VALIDITY_SECS: u64 = 35 * 86_400;
/// Live private prekeys kept per contact (trial decryption cost per blob).
pub const MAX_LIVE: usize = 3;

/// The forward-secrecy state of one contact, for `contact show` and the TUI badge.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PrekeyState {
    /// Age in seconds of our newest prekey for them (None: none sent yet).
    pub our_prekey_age: Option<u64>,
    /// Whether they have been seen encrypting to one of our prekeys.
    pub they_use_our_prekey: bool,
    /// Whether we encrypt to a verified prekey of theirs.
    pub we_use_their_prekey: bool,
    /// Private prekeys kept for them.
    pub live: usize,
}

impl PrekeyState {
    /// Forward secrecy holds in both directions.
    pub fn active(&self) -> bool {
        self.they_use_our_prekey && self.we_use_their_prekey
    }
}

impl Keys {
    /// Our newest receiving prekey for contact `idx`, rotated first if due (then the change
    /// is pending: commit before anything carrying the new key leaves).
    pub(crate) fn outgoing_prekey(&mut self, idx: usize) -> Option<SignedPrekey> {
        let now = self.now();
        let (_, their) = contact_public(self.state.contacts.get(idx)?)?;
        let due = match self.state.contacts[idx].my_prekeys.last() {
            None => true,
            Some(p) => {
                let age = now.saturating_sub(p.created_at);
                age >= ROTATE_SECS || (p.seen_in_use_at.is_some() && age >= ROTATE_IN_USE_SECS)
            }
        };
        if due {
            let kp = XKeyPair::generate();
            self.record(KeyOp::PrekeyAdd {
                contact: hex::encode(their.ed),
                prekey: OwnPrekey {
                    secret: SecretHex::from_bytes(*kp.secret_bytes()),
                    public: hex::encode(kp.public()),
                    created_at: now,
                    not_after: now + VALIDITY_SECS,
                    seen_in_use_at: None,
                    superseded_at: None,
                },
            });
        }
        let p = self.state.contacts[idx].my_prekeys.last()?;
        let key: [u8; 32] = hex::decode(&p.public).ok()?.try_into().ok()?;
        Some(SignedPrekey::sign(
            &self.identity,
            &their.ed,
            key,
            p.not_after,
        ))
    }

    /// Keys that may open mail from contact `idx`: the identity key first, then our live
    /// prekeys for them (newest first).
    pub(crate) fn keys_for(&self, idx: Option<usize>) -> Vec<XKeyPair> {
        let mut v = vec![XKeyPair::from_bytes(self.state.x_secret.expose())];
        if let Some(c) = idx.and_then(|i| self.state.contacts.get(i)) {
            for p in c.my_prekeys.iter().rev() {
                v.push(XKeyPair::from_bytes(p.secret.expose()));
            }
        }
        v
    }

    /// Records that contact `idx` encrypted to `key`; marks older prekeys superseded.
    pub(crate) fn note_key_used(&mut self, idx: usize, key: &[u8; 32]) {
        let Some(ed) = self.contact_ed(idx) else {
            return;
        };
        let at = self.now();
        self.record(KeyOp::PrekeyUsed {
            contact: hex::encode(ed),
            key: hex::encode(key),
            at,
        });
    }

    /// Deletes private prekeys past their deadline; returns how many.
    pub(crate) fn prune_prekeys(&mut self) -> usize {
        let at = self.now();
        let before: usize = self.state.contacts.iter().map(|c| c.my_prekeys.len()).sum();
        self.record(KeyOp::PrekeysPrune { at });
        let after: usize = self.state.contacts.iter().map(|c| c.my_prekeys.len()).sum();
        before - after
    }

    /// Keeps a contact's newer prekey if its signature verifies; returns whether it changed.
    pub(crate) fn remember_prekey(&mut self, sender: &[u8; 32], spk: SignedPrekey) -> bool {
        let now = self.now();
        let me = self.identity.ed_public();
        if !spk.verify(sender, &me) || spk.not_after <= now {
            tracing::warn!("ignored a prekey whose signature does not verify or that has expired");
            return false;
        }
        if self.contact_by_key(sender).is_none() {
            return false;
        }
        self.record(KeyOp::PrekeyReceived {
            contact: hex::encode(sender),
            prekey: hushpost_keyring::PeerPrekey {
                key: hex::encode(spk.key),
                not_after: spk.not_after,
                sig: hex::encode(spk.sig),
                received_at: now,
            },
        })
    }

    /// The X25519 key to encrypt to for contact `idx`: the newest verified, unexpired prekey
    /// they gave us, else their identity key.
    pub(crate) fn recipient_key(&self, idx: usize) -> Option<[u8; 32]> {
        let now = self.now();
        let c = self.state.contacts.get(idx)?;
        let (_, id) = contact_public(c)?;
        let prekey = c
            .their_prekey
            .as_ref()
            .filter(|p| p.not_after > now)
            .and_then(|p| {
                let key: [u8; 32] = hex::decode(&p.key).ok()?.try_into().ok()?;
                let sig: [u8; 64] = hex::decode(&p.sig).ok()?.try_into().ok()?;
                let spk = SignedPrekey {
                    key,
                    not_after: p.not_after,
                    sig,
                };
                spk.verify(&id.ed, &self.identity.ed_public())
                    .then_some(key)
            });
        Some(prekey.unwrap_or(id.x))
    }

    /// Forward-secrecy state of a contact.
    pub fn prekey_state(&self, name: &str) -> Option<PrekeyState> {
        let c = self.state.contact(name)?;
        let now = self.now();
        Some(PrekeyState {
            our_prekey_age: c
                .my_prekeys
                .last()
                .map(|p| now.saturating_sub(p.created_at)),
            they_use_our_prekey: c.my_prekeys.iter().any(|p| p.seen_in_use_at.is_some()),
            we_use_their_prekey: c.their_prekey.as_ref().is_some_and(|p| p.not_after > now),
            live: c.my_prekeys.len(),
        })
    }
}
