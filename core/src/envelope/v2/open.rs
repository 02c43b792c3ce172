//! Opening v2 (and v1) blobs: the receive procedure of `docs/PROTOCOL.md` §7.5, one typed
//! error per step, then fragments verified one by one against the signed head alone.
//!
//! A head says the total size, the parts and the Merkle root; from it a [`FragmentPlan`]
//! (small, storable) verifies every fragment on arrival, in any order, and an [`Assembly`]
//! writes each verified chunk at its offset into the caller's [`ContentSink`] and remembers
//! which arrived. Fragments that come before their head can be identified (sender, message
//! id, index) without it. Must not: release unverified bytes, trust a length before it is
//! checked against the blob, or panic on peer data.

use super::super::inner::{Header, Malformed};
use super::super::open::{OpenContext, OpenError, open_decrypted};
use super::super::{Bucket, Kind};
use super::codec::{self, Inner, signed_overhead};
use super::merkle;
use super::parts::ContentSink;
use super::{CHUNK, FLAG_BURN, PartMeta, SignedKey};
use crate::agelayer::{self, HYBRID_HEADER_LEN, KeyHit, X25519_HEADER_LEN};
use crate::hybrid::HybridKeyPair;
use crate::identity::{SigContext, XKeyPair, verify};
use crate::replay::{SeenSet, TimeCheck, check_time};
use zeroize::Zeroizing;

/// What the opener needs to know.
pub struct Receiver<'a> {
    /// Our Ed25519 identity key.
    pub me: [u8; 32],
    /// Classical keys: our identity X25519 key and live X25519 prekeys (v1 and first contact).
    pub x_keys: &'a [&'a XKeyPair],
    /// Hybrid keys: our long-term hybrid key and live hybrid prekeys.
    pub pq_keys: &'a [&'a HybridKeyPair],
    /// Whether an Ed25519 key belongs to a contact.
    pub is_contact: &'a (dyn Fn(&[u8; 32]) -> bool + Sync),
    /// Messages already accepted.
    pub seen: &'a (dyn SeenSet + Sync),
    /// Current unix time.
    pub now: u64,
    /// Largest message content accepted ([`super::DEFAULT_MAX_TOTAL_LEN`] by default).
    pub max_total_len: u64,
}

/// A verified signed v2 envelope.
#[derive(Debug)]
pub struct Envelope {
    /// Common fields (`recipient_key` is the id of the key that decrypted it).
    pub header: Header,
    /// Chain hash of the sender's previous message to us.
    pub prev_hash: [u8; 32],
    /// Unix seconds.
    pub sent_at: u64,
    /// Unix seconds, 0 = never.
    pub expires_at: u64,
    /// Delete after reading.
    pub burn_after_reading: bool,
    /// The sender's hybrid keys for us, signatures verified (owner = sender, peer = us).
    pub keys: Vec<SignedKey>,
    /// The parts: part 0 the letter (or the kind's body), then attachments.
    pub parts: Vec<PartMeta>,
    /// Number of fragments still to come (0 = complete in this blob).
    pub fragment_count: u32,
    /// Merkle root of the fragments.
    pub root: Option<[u8; 32]>,
    inline: Zeroizing<Vec<u8>>,
    /// The signature (for the chain hash).
    pub sig: [u8; 64],
    /// Which key opened it.
    pub key_hit: KeyHit,
}

impl Envelope {
    /// Total content length (all parts).
    pub fn total_len(&self) -> u64 {
        self.parts.iter().map(|p| p.len).sum()
    }

    /// Content bytes carried by this blob: `[0, inline().len())`.
    pub fn inline(&self) -> &[u8] {
        &self.inline
    }

    /// The whole content, when nothing is fragmented.
    pub fn body(&self) -> Option<&[u8]> {
        (self.fragment_count == 0).then_some(&self.inline[..])
    }

    /// Part 0 (the RFC 5322 letter), when it is entirely in this blob — so a reader shows
    /// the text and the attachment list before any fragment arrives.
    pub fn letter(&self) -> Option<&[u8]> {
        let n = usize::try_from(self.parts.first()?.len).ok()?;
        self.inline.get(..n)
    }

    /// Whether it was sealed to one of our hybrid keys (post-quantum).
    pub fn post_quantum(&self) -> bool {
        matches!(self.key_hit, KeyHit::Hybrid(_))
    }

    /// What verifies this message's fragments (fragmented heads only).
    pub fn plan(&self) -> Option<FragmentPlan> {
        Some(FragmentPlan {
            sender: self.header.sender,
            recipient: self.header.recipient,
            msg_id: self.header.msg_id,
            count: self.fragment_count,
            total_len: self.total_len(),
            inline_len: self.inline.len() as u64,
            root: self.root?,
        })
    }

    /// The next message's `prev_hash` ([`crate::envelope::chain_hash`]).
    pub fn chain_hash(&self) -> [u8; 32] {
        crate::envelope::chain_hash(&self.header.msg_id, &self.sig)
    }
}

/// A fragment that decrypted, parsed and is addressed to us, not yet verified.
#[derive(Debug)]
pub struct Fragment {
    /// Common fields (sender and message id say which message it belongs to).
    pub header: Header,
    /// 0-based position.
    pub index: u32,
    /// Number of fragments the sender announced.
    pub count: u32,
    plain: Zeroizing<Vec<u8>>,
    chunk: std::ops::Range<usize>,
    proof: Vec<[u8; 32]>,
}

impl Drop for Fragment {
    fn drop(&mut self) {
        agelayer::give_back(std::mem::take(&mut *self.plain));
    }
}

impl Fragment {
    /// Sender and message id: the key under which a receiver keeps fragments of one message.
    pub fn message(&self) -> ([u8; 32], [u8; 16]) {
        (self.header.sender, self.header.msg_id)
    }
}

/// The result of [`open`].
#[derive(Debug)]
pub enum Opened {
    /// A v1 blob, opened by the v1 procedure (readable for the 35-day replay window).
    V1(Box<crate::envelope::Opened>),
    /// A signed v2 envelope (a whole message, a head, or another kind).
    Envelope(Box<Envelope>),
    /// A v2 fragment awaiting verification against its head.
    Fragment(Box<Fragment>),
}

/// Opens one blob, v1 or v2.
pub fn open(blob: &[u8], rx: &Receiver<'_>) -> Result<Opened, OpenError> {
    // 1. size
    let bucket = Bucket::of_len(blob.len()).ok_or(OpenError::NotABucket(blob.len()))?;
    // 2. age (classical and hybrid keys; trial decryption)
    let (plain, hit) = agelayer::decrypt_any(blob, rx.x_keys, rx.pq_keys)?;
    let (key_id, header_len) = match hit {
        KeyHit::X25519(i) => (rx.x_keys.get(i).map(|k| k.public()), X25519_HEADER_LEN),
        KeyHit::Hybrid(i) => (
            rx.pq_keys.get(i).map(|k| k.public().key_id()),
            HYBRID_HEADER_LEN,
        ),
    };
    let key_id = key_id.ok_or(agelayer::AgeError::NoMatch)?;
    if !codec::is_v2(&plain) {
        let KeyHit::X25519(i) = hit else {
            // v1 was never sealed to a hybrid key: whatever this is, it is not ours.
            return Err(if plain.starts_with(crate::envelope::inner::MAGIC) {
                Malformed("a v1 envelope inside a hybrid age file")
            } else {
                Malformed("not a hushpost envelope (bad magic)")
            }
            .into());
        };
        let ctx = OpenContext {
            me: rx.me,
            keys: rx.x_keys,
            is_contact: rx.is_contact,
            seen: rx.seen,
            now: rx.now,
        };
        return open_decrypted(bucket, plain, i, &ctx).map(|o| Opened::V1(Box::new(o)));
    }
    // 3. strict parse; the plaintext length pins "exactly one stanza of this type".
    if plain.len() != agelayer::capacity(bucket.size(), header_len) {
        return Err(
            Malformed("plaintext length does not match the bucket (extra age stanzas?)").into(),
        );
    }
    let inner = codec::parse(&plain)?;
    let header = match &inner {
        Inner::Signed(s) => &s.header,
        Inner::Fragment(f) => &f.header,
    };
    // 4. addressed to us, with the key that actually decrypted it
    if header.recipient != rx.me || header.recipient_key != key_id {
        return Err(OpenError::NotAddressedToYou);
    }
    // 5. known sender (or an intro, whose card travels inside)
    if header.kind != Kind::Intro && !(rx.is_contact)(&header.sender) {
        return Err(OpenError::UnknownSender);
    }
    match inner {
        Inner::Fragment(f) => {
            // Fragments are authenticated by their head (Merkle proof); replay by id.
            if rx.seen.contains(&f.header.sender, &f.header.msg_id) {
                return Err(OpenError::Replay);
            }
            Ok(Opened::Fragment(Box::new(Fragment {
                header: f.header,
                index: f.index,
                count: f.count,
                chunk: f.chunk,
                proof: f.proof,
                plain,
            })))
        }
        Inner::Signed(s) => open_signed(s, &plain, hit, rx).map(|e| Opened::Envelope(Box::new(e))),
    }
}

fn open_signed(
    s: codec::Signed,
    plain: &[u8],
    hit: KeyHit,
    rx: &Receiver<'_>,
) -> Result<Envelope, OpenError> {
    // 6. signature over exactly the bytes before it (the parse is canonical)
    let signed_len =
        signed_overhead(s.keys.len(), &s.parts, s.root.is_some()) - 64 + s.inline.len();
    let signed = plain
        .get(..signed_len)
        .ok_or(Malformed("truncated signed bytes"))?;
    if !verify(&s.header.sender, SigContext::EnvelopeV2, signed, &s.sig) {
        return Err(OpenError::BadSignature);
    }
    if s.keys.iter().any(|k| !k.verify(&s.header.sender, &rx.me)) {
        return Err(OpenError::BadKey);
    }
    // 7. replay window, clock, size cap
    if rx.seen.contains(&s.header.sender, &s.header.msg_id) {
        return Err(OpenError::Replay);
    }
    match check_time(s.sent_at, rx.now) {
        TimeCheck::Ok => {}
        TimeCheck::TooOld => return Err(OpenError::TooOld),
        TimeCheck::FromFuture => return Err(OpenError::FromFuture),
    }
    let total = s.total_len();
    if total > rx.max_total_len {
        return Err(OpenError::TooLarge(total));
    }
    Ok(Envelope {
        burn_after_reading: s.header.flags & FLAG_BURN != 0,
        header: s.header,
        prev_hash: s.prev_hash,
        sent_at: s.sent_at,
        expires_at: s.expires_at,
        keys: s.keys,
        parts: s.parts,
        fragment_count: s.fragment_count,
        root: s.root,
        inline: Zeroizing::new(s.inline),
        sig: s.sig,
        key_hit: hit,
    })
}

/// Why a fragment was refused against its head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FragmentError {
    /// It belongs to another message (sender, recipient or message id differ): spliced in.
    #[error("fragment belongs to a different message")]
    WrongMessage,
    /// It disagrees with the head about the count or its chunk length.
    #[error("fragment {0} disagrees with its head")]
    Inconsistent(u32),
    /// Its content is not what the head signed (tampered, or a body the head never signed).
    #[error("fragment {0} does not match the signed head")]
    BadProof(u32),
}

/// Everything needed to verify a message's fragments, taken from its verified head. Small
/// (133 bytes encoded) so a receiver can store it beside a partial message and verify
/// fragments that arrive days later, after the keys that opened the head are gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FragmentPlan {
    /// Sender's Ed25519 key.
    pub sender: [u8; 32],
    /// Our Ed25519 key.
    pub recipient: [u8; 32],
    /// The message id.
    pub msg_id: [u8; 16],
    /// Number of fragments.
    pub count: u32,
    /// Total content length.
    pub total_len: u64,
    /// Content bytes the head carried.
    pub inline_len: u64,
    /// The signed Merkle root.
    pub root: [u8; 32],
}

/// A fragment's chunk, verified against its head: write `bytes` at `offset`.
#[derive(Debug)]
pub struct VerifiedChunk<'a> {
    /// Fragment index.
    pub index: u32,
    /// Offset in the content.
    pub offset: u64,
    /// The verified bytes.
    pub bytes: &'a [u8],
}

impl FragmentPlan {
    const ENCODED_LEN: usize = 1 + 32 + 32 + 16 + 4 + 8 + 8 + 32;

    /// Verifies a fragment against the head alone (no other fragment needed).
    pub fn verify<'f>(&self, f: &'f Fragment) -> Result<VerifiedChunk<'f>, FragmentError> {
        if f.header.sender != self.sender
            || f.header.recipient != self.recipient
            || f.header.msg_id != self.msg_id
        {
            return Err(FragmentError::WrongMessage);
        }
        if f.count != self.count || f.index >= self.count {
            return Err(FragmentError::Inconsistent(f.index));
        }
        let offset = self.inline_len + u64::from(f.index) * CHUNK as u64;
        let want = if f.index + 1 == self.count {
            self.total_len.saturating_sub(offset)
        } else {
            CHUNK as u64
        };
        let bytes = f
            .plain
            .get(f.chunk.clone())
            .ok_or(FragmentError::Inconsistent(f.index))?;
        if bytes.len() as u64 != want {
            return Err(FragmentError::Inconsistent(f.index));
        }
        let leaf = merkle::leaf(&self.msg_id, f.index, bytes);
        if !merkle::verify(&self.root, self.count, f.index, leaf, &f.proof) {
            return Err(FragmentError::BadProof(f.index));
        }
        Ok(VerifiedChunk {
            index: f.index,
            offset,
            bytes,
        })
    }

    /// Fixed-size encoding (version byte 1, then the fields in order, big-endian).
    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(Self::ENCODED_LEN);
        v.push(1);
        v.extend_from_slice(&self.sender);
        v.extend_from_slice(&self.recipient);
        v.extend_from_slice(&self.msg_id);
        v.extend_from_slice(&self.count.to_be_bytes());
        v.extend_from_slice(&self.total_len.to_be_bytes());
        v.extend_from_slice(&self.inline_len.to_be_bytes());
        v.extend_from_slice(&self.root);
        v
    }

    /// Parses [`FragmentPlan::encode`]'s output.
    pub fn decode(b: &[u8]) -> Option<FragmentPlan> {
        if b.len() != Self::ENCODED_LEN || b[0] != 1 {
            return None;
        }
        let a32 = |r: std::ops::Range<usize>| -> Option<[u8; 32]> { b.get(r)?.try_into().ok() };
        Some(FragmentPlan {
            sender: a32(1..33)?,
            recipient: a32(33..65)?,
            msg_id: b.get(65..81)?.try_into().ok()?,
            count: u32::from_be_bytes(b.get(81..85)?.try_into().ok()?),
            total_len: u64::from_be_bytes(b.get(85..93)?.try_into().ok()?),
            inline_len: u64::from_be_bytes(b.get(93..101)?.try_into().ok()?),
            root: a32(101..133)?,
        })
    }
}

/// Which fragments of one message have been written to the sink; resumable from
/// [`Assembly::bitmap`] after a restart.
#[derive(Debug, Clone)]
pub struct Assembly {
    plan: FragmentPlan,
    have: Vec<u8>,
    have_count: u32,
}

impl Assembly {
    /// Nothing received yet.
    pub fn new(plan: FragmentPlan) -> Self {
        let n = (plan.count as usize).div_ceil(8);
        Assembly {
            plan,
            have: vec![0; n],
            have_count: 0,
        }
    }

    /// Resumes from a stored bitmap (`None` if it does not fit the plan).
    pub fn resume(plan: FragmentPlan, bitmap: &[u8]) -> Option<Self> {
        let mut a = Assembly::new(plan);
        if bitmap.len() != a.have.len() {
            return None;
        }
        a.have.copy_from_slice(bitmap);
        a.have_count = (0..a.plan.count).filter(|i| a.has(*i)).count() as u32;
        let spare_bits = a.have.len() * 8 - a.plan.count as usize;
        if spare_bits > 0 && a.have.last().is_some_and(|l| l >> (8 - spare_bits) != 0) {
            return None;
        }
        Some(a)
    }

    /// The plan it follows.
    pub fn plan(&self) -> &FragmentPlan {
        &self.plan
    }

    fn has(&self, i: u32) -> bool {
        self.have
            .get((i / 8) as usize)
            .is_some_and(|b| b & (1 << (i % 8)) != 0)
    }

    /// Verifies `f` against the plan and, if new, writes its chunk into `sink`; returns
    /// whether it was new (a duplicate is verified, then ignored).
    pub fn add(&mut self, f: &Fragment, sink: &mut dyn ContentSink) -> Result<bool, AddError> {
        let c = self.plan.verify(f)?;
        self.accept(&c, sink)
    }

    /// Writes an already verified chunk (verify in parallel, then accept in any order).
    pub fn accept(
        &mut self,
        c: &VerifiedChunk<'_>,
        sink: &mut dyn ContentSink,
    ) -> Result<bool, AddError> {
        if c.index >= self.plan.count {
            return Err(AddError::Fragment(FragmentError::Inconsistent(c.index)));
        }
        if self.has(c.index) {
            return Ok(false);
        }
        sink.write_at(c.offset, c.bytes).map_err(AddError::Sink)?;
        self.have[(c.index / 8) as usize] |= 1 << (c.index % 8);
        self.have_count += 1;
        Ok(true)
    }

    /// Records fragment `index` as received when the caller verified (with
    /// [`FragmentPlan::verify`]) and wrote its chunk itself, e.g. from several threads at once
    /// with positional writes; returns whether it was new. Call only once the write is durable.
    pub fn mark_written(&mut self, index: u32) -> bool {
        if index >= self.plan.count || self.has(index) {
            return false;
        }
        self.have[(index / 8) as usize] |= 1 << (index % 8);
        self.have_count += 1;
        true
    }

    /// Every fragment arrived.
    pub fn is_complete(&self) -> bool {
        self.have_count == self.plan.count
    }

    /// Fragments received so far.
    pub fn received(&self) -> u32 {
        self.have_count
    }

    /// Indices still missing.
    pub fn missing(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.plan.count).filter(|i| !self.has(*i))
    }

    /// The received-set, for storing beside the plan.
    pub fn bitmap(&self) -> &[u8] {
        &self.have
    }
}

/// Why [`Assembly::add`] refused a fragment.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// It does not belong or does not verify.
    #[error(transparent)]
    Fragment(#[from] FragmentError),
    /// The sink failed (disk full…); the fragment is not marked received.
    #[error("could not store a fragment: {0}")]
    Sink(#[source] std::io::Error),
}
