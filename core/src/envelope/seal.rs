//! Sealing: draft → one blob, or a signed head plus fragments sealed in parallel.

use super::inner::{
    FLAG_BURN, FLAG_FRAGMENTED, FRAGMENT_CAPACITY, Header, MAC_LEN, MANIFEST_LEN, PREKEY_LEN,
    SIGNED_OVERHEAD, fragment_prefix, signed_prefix,
};
use super::{Bucket, Kind, MAX_FRAGMENTS, SignedPrekey};
use crate::agelayer::{encrypt_x25519, encrypt_x25519_into};
use crate::identity::{Identity, SigContext};
use crate::secret::Secret32;
use rayon::prelude::*;

/// How many fragments are sealed per parallel batch (bounds memory to ~32 MiB).
const BATCH: usize = 128;

thread_local! {
    /// Per-thread plaintext buffer for fragments (wiped after every use).
    static INNER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(Bucket::Large.capacity()));
}

/// Why a draft could not be sealed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Only `Message` bodies may be split into fragments; this body does not fit one blob.
    #[error("a {0:?} body of {1} bytes does not fit in one blob")]
    TooLargeForKind(Kind, usize),
    /// More than the protocol's fragment limit.
    #[error("body of {0} bytes exceeds the maximum message size")]
    TooLarge(usize),
    /// Fragments are produced by `seal`, never drafted.
    #[error("a draft cannot be of kind Fragment")]
    FragmentDraft,
    /// The sink refused a blob (e.g. disk full); sealing stopped there.
    #[error("could not store a sealed blob: {0}")]
    Sink(#[source] std::io::Error),
    /// The body could not be read (a file shrank or failed while it was being sealed).
    #[error("could not read the message body: {0}")]
    Source(#[source] std::io::Error),
    /// The recipient's key is unusable (small-order X25519, bad hybrid key).
    #[error("the recipient's key is unusable: {0}")]
    Key(#[from] crate::identity::KeyError),
}

/// Who a blob is for: the identity it is addressed to and the X25519 key to encrypt to
/// (their newest verified prekey, or their identity key).
#[derive(Debug, Clone, Copy)]
pub struct Recipient {
    /// Recipient's Ed25519 identity key.
    pub ed: [u8; 32],
    /// X25519 key to encrypt to.
    pub key: [u8; 32],
}

/// What to seal.
#[derive(Debug, Clone)]
pub struct Draft<'a> {
    /// Any kind but `Fragment`.
    pub kind: Kind,
    /// Unique id ([`super::new_msg_id`]).
    pub msg_id: [u8; 16],
    /// [`super::chain_hash`] of our previous message to this recipient, or zeros.
    pub prev_hash: [u8; 32],
    /// Unix seconds.
    pub sent_at: u64,
    /// Unix seconds, 0 = never.
    pub expires_at: u64,
    /// Ask the recipient's client to delete the message once read.
    pub burn_after_reading: bool,
    /// Our newest receiving prekey for this recipient.
    pub prekey: Option<SignedPrekey>,
    /// The body bytes.
    pub body: &'a [u8],
}

/// The result of [`seal`].
#[derive(Debug)]
pub struct Sealed {
    /// The blobs, head first.
    pub blobs: Vec<Vec<u8>>,
    /// The head's signature (feeds the sender's [`super::chain_hash`]).
    pub sig: [u8; 64],
}

/// Seals a draft into blobs held in memory.
pub fn seal(sender: &Identity, to: &Recipient, draft: &Draft<'_>) -> Result<Sealed, SealError> {
    let mut blobs = Vec::new();
    let sig = seal_each(sender, to, draft, &mut |b| {
        blobs.push(b.to_vec());
        Ok(())
    })?;
    Ok(Sealed { blobs, sig })
}

/// Seals a draft, handing each blob to `sink` in order (head first) as soon as its batch is
/// ready; returns the head's signature. Large bodies never exist twice in memory.
pub fn seal_each(
    sender: &Identity,
    to: &Recipient,
    draft: &Draft<'_>,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<[u8; 64], SealError> {
    if draft.kind == Kind::Fragment {
        return Err(SealError::FragmentDraft);
    }
    if !crate::identity::x25519_is_usable(&to.key) {
        return Err(SealError::Key(crate::identity::KeyError::BadX25519));
    }
    let prekey_len = if draft.prekey.is_some() {
        PREKEY_LEN
    } else {
        0
    };
    let fixed = SIGNED_OVERHEAD + prekey_len;
    let mut flags = if draft.burn_after_reading {
        FLAG_BURN
    } else {
        0
    };
    let header = |flags: u8| Header {
        kind: draft.kind,
        flags,
        sender: sender.ed_public(),
        recipient: to.ed,
        recipient_key: to.key,
        msg_id: draft.msg_id,
    };

    if fixed + draft.body.len() <= Bucket::Large.capacity() {
        let bucket = if fixed + draft.body.len() <= Bucket::Small.capacity() {
            Bucket::Small
        } else {
            Bucket::Large
        };
        let (blob, sig) = seal_signed(sender, to, draft, header(flags), draft.body, bucket);
        sink(&blob).map_err(SealError::Sink)?;
        return Ok(sig);
    }
    if draft.kind != Kind::Message {
        return Err(SealError::TooLargeForKind(draft.kind, draft.body.len()));
    }
    let count = draft.body.len().div_ceil(FRAGMENT_CAPACITY);
    if count > MAX_FRAGMENTS as usize {
        return Err(SealError::TooLarge(draft.body.len()));
    }
    let count = count as u32;
    let frag_key = Secret32::random();
    let mut manifest = Vec::with_capacity(MANIFEST_LEN);
    manifest.extend_from_slice(frag_key.expose());
    manifest.extend_from_slice(&count.to_be_bytes());
    manifest.extend_from_slice(&(draft.body.len() as u64).to_be_bytes());
    flags |= FLAG_FRAGMENTED;
    let (head, sig) = seal_signed(sender, to, draft, header(flags), &manifest, Bucket::Small);
    zeroize::Zeroize::zeroize(&mut manifest);
    sink(&head).map_err(SealError::Sink)?;

    let frag_header = Header {
        kind: Kind::Fragment,
        flags: 0,
        ..header(0)
    };
    let mac_key = fragment_mac_key(&frag_key);
    let chunks: Vec<&[u8]> = draft.body.chunks(FRAGMENT_CAPACITY).collect();
    // Output buffers are reused from batch to batch and each worker thread reuses one
    // plaintext buffer: a 1 GiB body then costs no page-fault churn.
    let mut outs: Vec<Vec<u8>> = (0..BATCH.min(chunks.len()))
        .map(|_| Vec::with_capacity(Bucket::Large.size()))
        .collect();
    for (batch_no, batch) in chunks.chunks(BATCH).enumerate() {
        batch
            .par_iter()
            .zip(outs.par_iter_mut())
            .enumerate()
            .for_each(|(i, (chunk, out))| {
                let index = (batch_no * BATCH + i) as u32;
                INNER.with(|cell| {
                    let mut inner = cell.borrow_mut();
                    inner.clear();
                    inner.extend_from_slice(&fragment_prefix(&frag_header, index, count, &[]));
                    let len_at = inner.len() - 4;
                    inner[len_at..].copy_from_slice(&(chunk.len() as u32).to_be_bytes());
                    inner.extend_from_slice(chunk);
                    let mac = fragment_mac(&mac_key, index, &inner);
                    inner.extend_from_slice(&mac);
                    inner.resize(Bucket::Large.capacity(), 0);
                    encrypt_x25519_into(&to.key, &inner, out);
                });
            });
        for out in outs.iter().take(batch.len()) {
            sink(out).map_err(SealError::Sink)?;
        }
    }
    // Wipe the per-thread plaintext buffers once, rather than after every fragment.
    rayon::broadcast(|_| INNER.with(|cell| zeroize::Zeroize::zeroize(&mut *cell.borrow_mut())));
    Ok(sig)
}

fn seal_signed(
    sender: &Identity,
    to: &Recipient,
    draft: &Draft<'_>,
    header: Header,
    body: &[u8],
    bucket: Bucket,
) -> (Vec<u8>, [u8; 64]) {
    let prefix = signed_prefix(
        &header,
        &draft.prev_hash,
        draft.sent_at,
        draft.expires_at,
        draft.prekey.as_ref(),
        body,
    );
    let sig = sender.sign(SigContext::Envelope, &prefix);
    let mut inner = zeroize::Zeroizing::new(prefix);
    inner.extend_from_slice(&sig);
    inner.resize(bucket.capacity(), 0);
    (encrypt_x25519(&to.key, &inner), sig)
}

/// The key of the fragment MACs: `HKDF(ikm = frag_key, salt = "hushpost v1 fragment mac")`.
pub(crate) fn fragment_mac_key(frag_key: &Secret32) -> Secret32 {
    let mut k = [0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(b"hushpost v1 fragment mac"), frag_key.expose())
        .expand(&[], &mut k)
        .expect("32 bytes is a valid HKDF length");
    Secret32::from_bytes(k)
}

/// A fragment's MAC: the ChaCha20-Poly1305 tag of an empty plaintext under `mac_key`, nonce
/// `0^8 || u32be(index)`, with every fragment byte before the MAC as associated data.
/// A fresh key per message and a distinct nonce per fragment make it a one-time Poly1305
/// MAC; it runs over the bytes in place and costs about a third of HMAC-SHA-256.
pub(crate) fn fragment_mac(
    mac_key: &Secret32,
    index: u32,
    bytes_before_mac: &[u8],
) -> [u8; MAC_LEN] {
    use chacha20poly1305::aead::{AeadInPlace, KeyInit};
    let aead = chacha20poly1305::ChaCha20Poly1305::new(mac_key.expose().into());
    let mut nonce = [0u8; 12];
    nonce[8..].copy_from_slice(&index.to_be_bytes());
    let tag = aead
        .encrypt_in_place_detached((&nonce).into(), bytes_before_mac, &mut [])
        .expect("associated data is far below the limit");
    tag.into()
}
