//! Forward secrecy: rotating per-contact receiving prekeys (PROTOCOL.md §5 and §7.4,
//! ARCHITECTURE.md "Forward secrecy"), and which key each message is sealed to.
//!
//! A prekey generation is an X25519 key and a hybrid (ML-KEM-768 + X25519) key made
//! together, with one lifecycle. Every message we send carries our newest hybrid prekey for
//! that contact (and our long-term hybrid key until they are seen sealing to a hybrid key of
//! ours); they seal to it from then on. We rotate when the generation is 7 days old, or at
//! least a day old and already in use by the contact; a superseded generation is deleted 21
//! days after the contact was first seen using a newer one, never kept more than 35 days
//! after it was superseded, and at most 3 are kept per contact. Deleting means rewriting the
//! keyring without it, which is what makes old mail undecryptable — classical and
//! post-quantum alike.
//!
//! Must not: hand out a key whose signature does not verify, or keep one that expired.

use super::change::HybridSlot;
use super::{KeyOp, Keys, contact_public};
use hushpost_core::agelayer::KeyHit;
use hushpost_core::envelope::SignedPrekey;
use hushpost_core::envelope::v2::{KeyRole, SealTo, SignedKey};
use hushpost_core::hybrid::{HybridKeyPair, HybridPublic};
use hushpost_core::identity::XKeyPair;
use hushpost_keyring::{OwnPrekey, PeerHybridKey, SecretHex};

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
    /// Whether what we send them is sealed to a hybrid (post-quantum) key of theirs.
    pub post_quantum: bool,
}

impl PrekeyState {
    /// Forward secrecy holds in both directions.
    pub fn active(&self) -> bool {
        self.they_use_our_prekey && self.we_use_their_prekey
    }
}

/// The keys that may open mail from one contact, and which prekey each one is (`None`:
/// our identity key).
pub(crate) struct Opening {
    /// The live X25519 prekeys (newest first), then our identity X25519 key.
    pub(crate) x: Vec<XKeyPair>,
    /// The live hybrid prekeys (newest first), then our long-term hybrid key.
    pub(crate) pq: Vec<HybridKeyPair>,
    x_prekey: Vec<Option<usize>>,
    pq_prekey: Vec<Option<usize>>,
}

impl Opening {
    /// References in the shape `v2::Receiver` wants.
    pub(crate) fn refs(&self) -> (Vec<&XKeyPair>, Vec<&HybridKeyPair>) {
        (self.x.iter().collect(), self.pq.iter().collect())
    }
}

fn peer_key(
    k: &PeerHybridKey,
    role: KeyRole,
    owner: &[u8; 32],
    me: &[u8; 32],
) -> Option<SignedKey> {
    let key = HybridPublic::from_bytes(&hex::decode(&k.key).ok()?).ok()?;
    let sig: [u8; 64] = hex::decode(&k.sig).ok()?.try_into().ok()?;
    let sk = SignedKey {
        role,
        key,
        not_after: k.not_after,
        sig,
    };
    sk.verify(owner, me).then_some(sk)
}

impl Keys {
    /// The keys our next message to contact `idx` carries: our newest hybrid prekey for
    /// them (rotated first if due — then the change is pending: commit before anything
    /// carrying it leaves), and our long-term hybrid key until they are seen sealing to one
    /// of ours.
    pub(crate) fn outgoing_keys(&mut self, idx: usize) -> Option<Vec<SignedKey>> {
        let now = self.now();
        let (_, their) = contact_public(self.state.contacts.get(idx)?)?;
        let due = match self.state.contacts[idx].my_prekeys.last() {
            None => true,
            // A generation from before envelope v2 has no hybrid half to announce.
            Some(p) if p.pq_seed.is_none() => true,
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
                    pq_seed: Some(SecretHex::random()),
                },
            });
        }
        let c = &self.state.contacts[idx];
        let p = c.my_prekeys.last()?;
        let pq = HybridKeyPair::from_seed(p.pq_seed.as_ref()?.expose());
        let mut keys = vec![SignedKey::sign(
            &self.identity,
            &their.ed,
            KeyRole::Prekey,
            pq.public().clone(),
            p.not_after,
        )];
        if c.pq_seen_at.is_none() {
            keys.push(SignedKey::sign(
                &self.identity,
                &their.ed,
                KeyRole::Identity,
                self.hybrid.public().clone(),
                0,
            ));
        }
        Some(keys)
    }

    /// Keys that may open mail from contact `idx` (or, for `None`, the intro mailbox): the
    /// identity keys first, then our live prekeys for them (newest first).
    pub(crate) fn keys_for(&self, idx: Option<usize>) -> Opening {
        // Prekeys first, newest first: a contact seals to our newest live prekey, and age
        // tries the keys in order — a miss on a hybrid stanza costs a whole ML-KEM + X25519
        // decapsulation, which with the identity first doubled the key work of every blob.
        let mut o = Opening {
            x: Vec::new(),
            pq: Vec::new(),
            x_prekey: Vec::new(),
            pq_prekey: Vec::new(),
        };
        if let Some(c) = idx.and_then(|i| self.state.contacts.get(i)) {
            for (at, p) in c.my_prekeys.iter().enumerate().rev() {
                o.x.push(XKeyPair::from_bytes(p.secret.expose()));
                o.x_prekey.push(Some(at));
                if let Some(seed) = &p.pq_seed {
                    o.pq.push(HybridKeyPair::from_seed(seed.expose()));
                    o.pq_prekey.push(Some(at));
                }
            }
        }
        o.x.push(XKeyPair::from_bytes(self.state.x_secret.expose()));
        o.x_prekey.push(None);
        o.pq.push(HybridKeyPair::from_seed(&self.hybrid.seed()));
        o.pq_prekey.push(None);
        o
    }

    /// Records which of our keys contact `idx` sealed to; a prekey in use makes older ones
    /// superseded, and any hybrid key in use means they hold our hybrid keys.
    pub(crate) fn note_key_used(&mut self, idx: usize, opening: &Opening, hit: KeyHit) {
        let (prekey, hybrid) = match hit {
            KeyHit::X25519(i) => (opening.x_prekey.get(i).copied().flatten(), false),
            KeyHit::Hybrid(i) => (opening.pq_prekey.get(i).copied().flatten(), true),
        };
        let Some(ed) = self.contact_ed(idx) else {
            return;
        };
        let contact = hex::encode(ed);
        let at = self.now();
        if hybrid {
            self.record(KeyOp::HybridSeen {
                contact: contact.clone(),
                at,
            });
        }
        // A generation is named by its X25519 half, whichever half they sealed to.
        let key = prekey.and_then(|pos| self.state.contacts[idx].my_prekeys.get(pos));
        if let Some(key) = key.map(|p| p.public.clone()) {
            self.record(KeyOp::PrekeyUsed { contact, key, at });
        }
    }

    /// Deletes private prekeys (both halves) past their deadline; returns how many.
    pub(crate) fn prune_prekeys(&mut self) -> usize {
        let at = self.now();
        let before: usize = self.state.contacts.iter().map(|c| c.my_prekeys.len()).sum();
        self.record(KeyOp::PrekeysPrune { at });
        let after: usize = self.state.contacts.iter().map(|c| c.my_prekeys.len()).sum();
        before - after
    }

    /// Keeps a contact's newer v1 prekey if its signature verifies; returns whether it
    /// changed (v1 mail, readable for the 35-day window after the switch).
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

    /// Keeps the hybrid keys a contact signed for us (v2 heads and messages): the newest
    /// live prekey, and their long-term key. `v2::open` verified each signature already; it
    /// is checked again here so nothing unverified is ever stored.
    pub(crate) fn remember_keys(&mut self, sender: &[u8; 32], keys: &[SignedKey]) {
        let now = self.now();
        let me = self.identity.ed_public();
        if self.contact_by_key(sender).is_none() {
            return;
        }
        for k in keys {
            if !k.verify(sender, &me) {
                tracing::warn!("ignored a hybrid key whose signature does not verify");
                continue;
            }
            if k.role == KeyRole::Prekey && k.not_after <= now {
                continue;
            }
            self.record(KeyOp::HybridReceived {
                contact: hex::encode(sender),
                slot: match k.role {
                    KeyRole::Prekey => HybridSlot::Prekey,
                    KeyRole::Identity => HybridSlot::LongTerm,
                },
                key: PeerHybridKey {
                    key: hex::encode(k.key.as_bytes()),
                    not_after: k.not_after,
                    sig: hex::encode(k.sig),
                    received_at: now,
                },
            });
        }
    }

    /// What to seal to for contact `idx`, in the order of PROTOCOL.md §7.4: their live hybrid
    /// prekey, their long-term hybrid key, their live X25519 prekey, their card's X25519 key.
    pub(crate) fn seal_to(&self, idx: usize) -> Option<SealTo> {
        let now = self.now();
        let c = self.state.contacts.get(idx)?;
        let (_, id) = contact_public(c)?;
        let me = self.identity.ed_public();
        let pq = c
            .their_pq_prekey
            .as_ref()
            .filter(|p| p.not_after > now)
            .and_then(|p| peer_key(p, KeyRole::Prekey, &id.ed, &me))
            .or_else(|| {
                c.their_pq_identity
                    .as_ref()
                    .and_then(|p| peer_key(p, KeyRole::Identity, &id.ed, &me))
            });
        if let Some(k) = pq {
            return Some(SealTo::Hybrid {
                ed: id.ed,
                key: k.key,
            });
        }
        Some(SealTo::Classical {
            ed: id.ed,
            key: self.their_x_prekey(idx).unwrap_or(id.x),
        })
    }

    /// The newest verified, unexpired X25519 prekey contact `idx` gave us (v1).
    fn their_x_prekey(&self, idx: usize) -> Option<[u8; 32]> {
        let now = self.now();
        let c = self.state.contacts.get(idx)?;
        let (_, id) = contact_public(c)?;
        let p = c.their_prekey.as_ref().filter(|p| p.not_after > now)?;
        let spk = SignedPrekey {
            key: hex::decode(&p.key).ok()?.try_into().ok()?,
            not_after: p.not_after,
            sig: hex::decode(&p.sig).ok()?.try_into().ok()?,
        };
        spk.verify(&id.ed, &self.identity.ed_public())
            .then_some(spk.key)
    }

    /// Forward-secrecy state of a contact.
    pub fn prekey_state(&self, name: &str) -> Option<PrekeyState> {
        let c = self.state.contact(name)?;
        let idx = self.contact_index(name)?;
        let now = self.now();
        let pq_live = c
            .their_pq_prekey
            .as_ref()
            .is_some_and(|p| p.not_after > now);
        Some(PrekeyState {
            our_prekey_age: c
                .my_prekeys
                .last()
                .map(|p| now.saturating_sub(p.created_at)),
            they_use_our_prekey: c.my_prekeys.iter().any(|p| p.seen_in_use_at.is_some()),
            we_use_their_prekey: pq_live
                || c.their_prekey.as_ref().is_some_and(|p| p.not_after > now),
            live: c.my_prekeys.len(),
            post_quantum: matches!(self.seal_to(idx), Some(SealTo::Hybrid { .. })),
        })
    }
}
