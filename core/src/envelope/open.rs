//! Opening a blob: the receive procedure of `docs/PROTOCOL.md` §3.4, one typed error per
//! step, and no plaintext released unless every step passed.

use super::inner::{
    FLAG_BURN, FLAG_FRAGMENTED, FRAGMENT_CAPACITY, Header, Malformed, View, parse_view,
    signed_prefix,
};
use super::{Bucket, Kind, MAX_FRAGMENTS, SignedPrekey};
use crate::agelayer::{AgeError, decrypt_x25519};
use crate::identity::{SigContext, XKeyPair, verify};
use crate::replay::{SeenSet, TimeCheck, check_time};
use crate::secret::Secret32;
use zeroize::Zeroizing;

/// Why a blob was refused. Variants are in receive-procedure order.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Step 1: the blob is not 16,384 or 262,144 bytes long; nothing was decrypted.
    #[error("not a hushpost blob: {0} bytes is not a bucket size")]
    NotABucket(usize),
    /// Step 2: the age layer refused it (corrupted, truncated, or for a key we do not hold).
    #[error("corrupted, or sealed to a key we do not hold: {0}")]
    Age(#[from] AgeError),
    /// Step 3: it decrypted, but the inner envelope is not canonical v1.
    #[error(transparent)]
    Malformed(#[from] Malformed),
    /// Step 4: the inner recipient is not us, or the file was re-encrypted to a different key
    /// than the one the sender named (surreptitious forwarding).
    #[error("not addressed to you (forwarded or re-encrypted)")]
    NotAddressedToYou,
    /// Step 5: the sender is not a contact (and this is not an intro).
    #[error("sender is not one of your contacts")]
    UnknownSender,
    /// Step 6: the Ed25519 signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// Step 7: this message was already accepted.
    #[error("replayed message (already received)")]
    Replay,
    /// Step 7: sent more than 35 days ago.
    #[error("message is older than the 35-day replay window")]
    TooOld,
    /// Step 7: dated more than 10 minutes in the future.
    #[error("message is dated in the future")]
    FromFuture,
    /// v2, step 6: a hybrid key the sender signed for us does not verify.
    #[error("the sender's signed key does not verify")]
    BadKey,
    /// v2: the head announces more content than this receiver accepts.
    #[error("message of {0} bytes is larger than this client accepts")]
    TooLarge(u64),
}

/// What the opener needs to know.
pub struct OpenContext<'a> {
    /// Our Ed25519 identity key.
    pub me: [u8; 32],
    /// Candidate decryption keys: our identity X25519 key and the live prekeys.
    pub keys: &'a [&'a XKeyPair],
    /// Whether an Ed25519 key belongs to a contact.
    pub is_contact: &'a (dyn Fn(&[u8; 32]) -> bool + Sync),
    /// Messages already accepted.
    pub seen: &'a (dyn SeenSet + Sync),
    /// Current unix time.
    pub now: u64,
}

/// A fragment manifest carried by the head of a large message.
#[derive(Debug)]
pub struct Manifest {
    /// Key of the fragment MACs.
    pub frag_key: Secret32,
    /// Number of fragments.
    pub count: u32,
    /// Length of the reassembled body.
    pub total_len: u64,
}

/// A verified signed envelope.
#[derive(Debug)]
pub struct OpenedMessage {
    /// Common fields.
    pub header: Header,
    /// Chain hash of the sender's previous message to us.
    pub prev_hash: [u8; 32],
    /// Unix seconds.
    pub sent_at: u64,
    /// Unix seconds, 0 = never.
    pub expires_at: u64,
    /// Delete after reading.
    pub burn_after_reading: bool,
    /// The sender's prekey for us (signature not yet checked: see [`SignedPrekey::verify`]).
    pub prekey: Option<SignedPrekey>,
    /// The body (for a fragmented message, empty until reassembled).
    pub body: Zeroizing<Vec<u8>>,
    /// The signature (for the chain hash).
    pub sig: [u8; 64],
    /// Present on the head of a fragmented message.
    pub manifest: Option<Manifest>,
    /// Index of the key in [`OpenContext::keys`] that decrypted it.
    pub key_index: usize,
}

/// A fragment that decrypted and parsed; its MAC is checked during reassembly.
#[derive(Debug)]
pub struct OpenedFragment {
    /// Common fields.
    pub header: Header,
    /// 0-based position.
    pub index: u32,
    /// Number of fragments.
    pub count: u32,
    /// The decrypted inner plaintext; the chunk is `plain[chunk_range]`.
    plain: Zeroizing<Vec<u8>>,
    chunk_range: std::ops::Range<usize>,
    /// The MAC to check under the head's fragment key.
    pub mac: [u8; super::inner::MAC_LEN],
    /// Index of the key that decrypted it.
    pub key_index: usize,
}

impl OpenedFragment {
    /// The body bytes this fragment carries.
    pub fn chunk(&self) -> &[u8] {
        &self.plain[self.chunk_range.clone()]
    }

    /// Every byte the MAC covers (from the magic to the end of the chunk).
    pub(crate) fn mac_input(&self) -> &[u8] {
        &self.plain[..self.chunk_range.end]
    }
}

/// The result of [`open`].
// Both variants are large and each value is moved once into a reassembly or the store;
// boxing would only add an allocation per blob.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Opened {
    /// A signed envelope (every kind but `Fragment`).
    Message(OpenedMessage),
    /// A fragment awaiting reassembly.
    Fragment(OpenedFragment),
}

/// Opens one blob.
pub fn open(blob: &[u8], ctx: &OpenContext<'_>) -> Result<Opened, OpenError> {
    // 1. size
    let bucket = Bucket::of_len(blob.len()).ok_or(OpenError::NotABucket(blob.len()))?;
    // 2. age
    let (plain, key_index) = decrypt_x25519(blob, ctx.keys)?;
    open_decrypted(bucket, plain, key_index, ctx)
}

/// Steps 3–7 of the v1 receive procedure on a plaintext the age layer released (the v2
/// opener decrypts once and hands v1 inners here).
pub(crate) fn open_decrypted(
    bucket: Bucket,
    plain: Zeroizing<Vec<u8>>,
    key_index: usize,
    ctx: &OpenContext<'_>,
) -> Result<Opened, OpenError> {
    // 3. strict parse; the plaintext length pins "exactly one X25519 stanza".
    if plain.len() != bucket.capacity() {
        return Err(
            Malformed("plaintext length does not match the bucket (extra age stanzas?)").into(),
        );
    }
    let inner = parse_view(&plain)?;
    let header = match &inner {
        View::Signed { header, .. } | View::Fragment { header, .. } => header,
    };
    // 4. addressed to us, with the key that actually decrypted it
    let used = ctx.keys.get(key_index).map(|k| k.public());
    if header.recipient != ctx.me || Some(header.recipient_key) != used {
        return Err(OpenError::NotAddressedToYou);
    }
    // 5. known sender (or an intro, whose card travels inside)
    if header.kind != Kind::Intro && !(ctx.is_contact)(&header.sender) {
        return Err(OpenError::UnknownSender);
    }
    match inner {
        View::Fragment {
            header,
            index,
            count,
            chunk,
            mac,
        } => {
            if ctx.seen.contains(&header.sender, &header.msg_id) {
                return Err(OpenError::Replay);
            }
            Ok(Opened::Fragment(OpenedFragment {
                header,
                index,
                count,
                plain,
                chunk_range: chunk,
                mac,
                key_index,
            }))
        }
        View::Signed {
            header,
            prev_hash,
            sent_at,
            expires_at,
            prekey,
            body,
            sig,
        } => {
            // 6. signature over exactly the bytes before it
            let body = Zeroizing::new(body.to_vec());
            let prefix = Zeroizing::new(signed_prefix(
                &header,
                &prev_hash,
                sent_at,
                expires_at,
                prekey.as_ref(),
                &body,
            ));
            if !verify(&header.sender, SigContext::Envelope, &prefix, &sig) {
                return Err(OpenError::BadSignature);
            }
            // 7. replay window
            if ctx.seen.contains(&header.sender, &header.msg_id) {
                return Err(OpenError::Replay);
            }
            match check_time(sent_at, ctx.now) {
                TimeCheck::Ok => {}
                TimeCheck::TooOld => return Err(OpenError::TooOld),
                TimeCheck::FromFuture => return Err(OpenError::FromFuture),
            }
            let manifest = if header.flags & FLAG_FRAGMENTED != 0 {
                Some(parse_manifest(&body)?)
            } else {
                None
            };
            Ok(Opened::Message(OpenedMessage {
                burn_after_reading: header.flags & FLAG_BURN != 0,
                header,
                prev_hash,
                sent_at,
                expires_at,
                prekey,
                body: if manifest.is_some() {
                    Zeroizing::new(Vec::new())
                } else {
                    body
                },
                sig,
                manifest,
                key_index,
            }))
        }
    }
}

fn parse_manifest(body: &[u8]) -> Result<Manifest, Malformed> {
    let bad = Malformed("fragment manifest is inconsistent");
    let key: [u8; 32] = body.get(..32).and_then(|s| s.try_into().ok()).ok_or(bad)?;
    let count = u32::from_be_bytes(
        body.get(32..36)
            .and_then(|s| s.try_into().ok())
            .ok_or(bad)?,
    );
    let total_len = u64::from_be_bytes(
        body.get(36..44)
            .and_then(|s| s.try_into().ok())
            .ok_or(bad)?,
    );
    if count == 0
        || count > MAX_FRAGMENTS
        || total_len.div_ceil(FRAGMENT_CAPACITY as u64) != u64::from(count)
    {
        return Err(bad);
    }
    Ok(Manifest {
        frag_key: Secret32::from_bytes(key),
        count,
        total_len,
    })
}
