//! age's STREAM payload with aws-lc's ChaCha20-Poly1305, both ways: [`ChunkSealer`] seals
//! the chunks we write and [`stream_open`] opens the payloads we read, while the age crate
//! writes and reads every header. Why by hand: the age crate's STREAM (RustCrypto) was the
//! largest CPU cost of sealing and of opening a large message (docs/BENCHMARKS.md, issues
//! 16 and 17); no crate offers age's STREAM over aws-lc. The CCTV vectors (every `stream_*`
//! case) run through the opener.

use super::{AgeError, CHUNK, take_buffer};
use zeroize::Zeroizing;

/// ChaCha20-Poly1305 for the STREAM chunks we seal, from aws-lc (AVX2 assembly), which
/// rustls already links into the binary. The RustCrypto crate (portable SIMD) took about
/// 0.7 CPU-s per GiB sealed, a quarter of sealing a large body (docs/BENCHMARKS.md,
/// issue 17), against aws-lc's 0.4. The payloads we open go through it too
/// ([`stream_open`]); the age crate still reads every header.
pub(super) struct ChunkSealer(aws_lc_rs::aead::LessSafeKey);

impl ChunkSealer {
    pub(super) fn new(key: &[u8; 32]) -> Self {
        use aws_lc_rs::aead::{CHACHA20_POLY1305, LessSafeKey, UnboundKey};
        // A 32-byte key is always the right length for ChaCha20-Poly1305.
        let key = UnboundKey::new(&CHACHA20_POLY1305, key).expect("32-byte key");
        ChunkSealer(LessSafeKey::new(key))
    }

    /// The nonce of chunk `i`: u88be(i) || last.
    fn nonce(i: usize, last: bool) -> aws_lc_rs::aead::Nonce {
        let mut nonce = [0u8; 12];
        nonce[3..11].copy_from_slice(&(i as u64).to_be_bytes());
        nonce[11] = u8::from(last);
        aws_lc_rs::aead::Nonce::assume_unique_for_key(nonce)
    }

    /// Opens chunk `i` in place (`chunk` = ciphertext || tag; the plaintext is its first
    /// `len - 16` bytes); false when it does not authenticate (the bytes are then
    /// unspecified).
    fn open(&self, i: usize, last: bool, chunk: &mut [u8]) -> bool {
        self.0
            .open_in_place(Self::nonce(i, last), aws_lc_rs::aead::Aad::empty(), chunk)
            .is_ok()
    }

    /// Seals chunk `i` in place and returns its tag.
    pub(super) fn seal(&self, i: usize, last: bool, chunk: &mut [u8]) -> [u8; 16] {
        let mut out = [0u8; 16];
        // Chunks are far below ChaCha20-Poly1305's length limit, so this cannot fail.
        if let Ok(tag) = self.0.seal_in_place_separate_tag(
            Self::nonce(i, last),
            aws_lc_rs::aead::Aad::empty(),
            chunk,
        ) {
            out.copy_from_slice(tag.as_ref());
        }
        out
    }
}

/// The identity that unwrapped the file key (its position) and a copy of that key.
pub(super) type Unwrapped = std::cell::RefCell<Option<(usize, Zeroizing<[u8; 16]>)>>;

/// Passes every call to the identity it wraps, and keeps its position and a copy of the
/// file key when that identity unwraps one (`unwrap_stanzas` too: an identity may judge
/// the stanzas together).
pub(super) struct Capturing<'a> {
    pub(super) inner: &'a dyn age::Identity,
    pub(super) index: usize,
    pub(super) unwrapped: &'a Unwrapped,
}

impl Capturing<'_> {
    fn keep(
        &self,
        r: Option<Result<age_core::format::FileKey, age::DecryptError>>,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        use age_core::secrecy::ExposeSecret;
        if let Some(Ok(k)) = &r {
            *self.unwrapped.borrow_mut() = Some((self.index, Zeroizing::new(*k.expose_secret())));
        }
        r
    }
}

impl age::Identity for Capturing<'_> {
    fn unwrap_stanza(
        &self,
        stanza: &age_core::format::Stanza,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        self.keep(self.inner.unwrap_stanza(stanza))
    }

    fn unwrap_stanzas(
        &self,
        stanzas: &[age_core::format::Stanza],
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        self.keep(self.inner.unwrap_stanzas(stanzas))
    }
}

/// Opens age's STREAM (64 KiB chunks, each sealed with nonce `u88be(i) || last`) as the
/// age crate's reader does: a chunk shorter than 64 KiB + 16 must be the last one; a full
/// one is tried as a middle chunk, then as the last; nothing may follow the last chunk,
/// the stream must end with one, and an empty last chunk is allowed only when it is the
/// only one (an empty file). Any failure is `Payload`, and nothing is released.
pub(super) fn stream_open(key: &[u8; 32], chunks: &[u8]) -> Result<Zeroizing<Vec<u8>>, AgeError> {
    const SEALED: usize = CHUNK + 16;
    let aead = ChunkSealer::new(key);
    let mut out = Zeroizing::new(take_buffer(chunks.len()));
    let mut rest = chunks;
    let mut i = 0usize;
    let mut done = false;
    while !rest.is_empty() {
        if done {
            return Err(AgeError::Payload);
        }
        let (chunk, tail) = rest.split_at(rest.len().min(SEALED));
        let at = out.len();
        let short = chunk.len() < SEALED;
        out.extend_from_slice(chunk);
        let last = if aead.open(i, short, &mut out[at..]) {
            short
        } else if !short {
            // A failed open leaves the buffer unspecified: the chunk again, as the last.
            out[at..].copy_from_slice(chunk);
            if !aead.open(i, true, &mut out[at..]) {
                return Err(AgeError::Payload);
            }
            true
        } else {
            return Err(AgeError::Payload);
        };
        out.truncate(at + chunk.len() - 16);
        if last && chunk.len() == 16 && i > 0 {
            return Err(AgeError::Payload);
        }
        done = last;
        i += 1;
        rest = tail;
    }
    if !done {
        return Err(AgeError::Payload);
    }
    Ok(out)
}
