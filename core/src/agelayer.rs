//! The outer layer: standard age v1 files. Every age operation hushpost performs goes
//! through this module, so the C2SP CCTV vectors exercise exactly the code the envelope
//! opener and the keyring use.
//!
//! Messages are always binary age files with exactly one X25519 stanza; armor is only for
//! mail bodies (SMTP), and passphrase (scrypt) files only for the keyring.

use crate::hybrid::{AgeHybridIdentity, HybridKeyPair, HybridPublic};
use crate::identity::{KeyError, XKeyPair};
use age::secrecy::SecretString;
use base64::Engine;
use std::io::Write;
use zeroize::Zeroizing;

mod stream;
use stream::{Capturing, ChunkSealer, stream_open};

/// The header of a binary age file with one X25519 stanza is always this long.
pub const X25519_HEADER_LEN: usize = 168;
/// Written work factor for passphrase files (log2 N).
pub const SCRYPT_WRITE_LOG_N: u8 = 18;
/// Highest work factor accepted when reading (log2 N); anything above is refused before
/// any scrypt work is done.
pub const SCRYPT_MAX_LOG_N: u8 = 22;

/// Why an age file could not be opened. The variants are the failure classes of the C2SP
/// age test kit.
#[derive(Debug, thiserror::Error)]
pub enum AgeError {
    /// The header is malformed, non-canonical or of an unknown version.
    #[error("malformed age header")]
    Header,
    /// None of our keys can open the file.
    #[error("no key of ours opens this age file")]
    NoMatch,
    /// The header MAC does not verify (the header was altered).
    #[error("age header MAC does not verify")]
    HeaderMac,
    /// The payload is truncated, altered or has trailing data.
    #[error("age payload is corrupted or truncated")]
    Payload,
    /// The ASCII armor is not strict RFC 7468.
    #[error("bad ASCII armor: {0}")]
    Armor(&'static str),
    /// A passphrase file demands more scrypt work than we accept.
    #[error("passphrase file asks for scrypt work factor {0}, more than the maximum {max}", max = SCRYPT_MAX_LOG_N)]
    ExcessiveWork(u8),
}

/// The header of a binary age file with one `mlkem768x25519` stanza is always this long:
/// 22 (version line) + 18 (`-> mlkem768x25519 `) + 1,494 (enc) + 1 + 43 (body) + 1 + 48 (MAC line).
pub const HYBRID_HEADER_LEN: usize = 1627;

/// The one key a blob is sealed to: a classical X25519 key, or a hybrid post-quantum key
/// (once we hold the recipient's, every blob uses it).
#[derive(Debug, Clone, Copy)]
pub enum SealKey<'a> {
    /// `-> X25519` stanza.
    X25519(&'a [u8; 32]),
    /// `-> mlkem768x25519` stanza.
    Hybrid(&'a HybridPublic),
}

impl SealKey<'_> {
    /// Length of the age header this key produces (fixed per key type).
    pub fn header_len(&self) -> usize {
        match self {
            SealKey::X25519(_) => X25519_HEADER_LEN,
            SealKey::Hybrid(_) => HYBRID_HEADER_LEN,
        }
    }

    /// What an envelope names as the key it was sealed to: the X25519 key itself, or the
    /// hybrid key's 32-byte id ([`HybridPublic::key_id`]).
    pub fn key_id(&self) -> [u8; 32] {
        match self {
            SealKey::X25519(k) => **k,
            SealKey::Hybrid(h) => h.key_id(),
        }
    }
}

/// Encrypts `plaintext` to one X25519 public key: one stanza, binary, no armor.
///
/// Written here rather than with `age::Encryptor` because the age crate always appends a
/// random "grease" stanza of random length to every non-passphrase header, and there is
/// no way to turn it off. That would make blob sizes vary and put a second stanza in every
/// header — both break the envelope's fixed sizes. Only the framing is ours: the X25519
/// wrap uses age-core's `hkdf`/`aead_encrypt`, the payload is age's STREAM over
/// ChaCha20-Poly1305, and decryption always goes through the age crate. Go `age -d` and the
/// age crate open every file this produces (tests/interop.rs, tests/envelope.rs).
///
/// A small-order recipient key (one whose shared secret is all zero) yields an empty
/// vector: callers with keys from a peer use [`encrypt_to_into`], which says why.
pub fn encrypt_x25519(recipient: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    encrypt_x25519_into(recipient, plaintext, &mut out);
    out
}

/// [`encrypt_x25519`] into a caller-owned buffer (cleared first), so hot loops reuse memory.
/// Leaves `out` empty for a small-order key (see [`encrypt_to_into`]).
pub fn encrypt_x25519_into(recipient: &[u8; 32], plaintext: &[u8], out: &mut Vec<u8>) {
    if encrypt_to_into(&SealKey::X25519(recipient), plaintext, out).is_err() {
        out.clear();
    }
}

/// Encrypts `plaintext` to one key into `out` (cleared first): a binary age file with
/// exactly one stanza and nothing else in the header. Refuses a small-order X25519 key.
pub fn encrypt_to_into(
    key: &SealKey<'_>,
    plaintext: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), KeyError> {
    out.clear();
    out.reserve(key.header_len() + 16 + plaintext.len() + 16 * (plaintext.len() / CHUNK + 1));
    let payload_key = write_header(key, out)?;
    stream_seal(&payload_key, plaintext, out);
    Ok(())
}

/// Appends the header (version line, the one stanza, MAC) and the payload nonce to `out`
/// for a fresh random file key; returns the payload key.
fn write_header(key: &SealKey<'_>, out: &mut Vec<u8>) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    use age_core::primitives::hkdf;
    use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
    use hmac::Mac;
    use rand::RngCore;

    let mut rng = rand::rngs::OsRng;
    let mut file_key = Zeroizing::new([0u8; 16]);
    rng.fill_bytes(file_key.as_mut());
    let start = out.len();
    out.extend_from_slice(b"age-encryption.org/v1\n");
    match key {
        SealKey::X25519(recipient) => {
            // X25519 recipient stanza (age spec "X25519 recipient stanza").
            let esk = x25519_dalek::EphemeralSecret::random_from_rng(rng);
            let epk = x25519_dalek::PublicKey::from(&esk);
            let shared = esk.diffie_hellman(&x25519_dalek::PublicKey::from(**recipient));
            if !shared.was_contributory() {
                out.truncate(start);
                return Err(KeyError::BadX25519);
            }
            let mut salt = [0u8; 64];
            salt[..32].copy_from_slice(epk.as_bytes());
            salt[32..].copy_from_slice(*recipient);
            let wrap_key = Zeroizing::new(hkdf(
                &salt,
                b"age-encryption.org/v1/X25519",
                shared.as_bytes(),
            ));
            let body = age_core::primitives::aead_encrypt(&wrap_key, file_key.as_ref());
            out.extend_from_slice(b"-> X25519 ");
            out.extend_from_slice(B64.encode(epk.as_bytes()).as_bytes());
            out.push(b'\n');
            out.extend_from_slice(B64.encode(&body).as_bytes());
        }
        SealKey::Hybrid(public) => {
            let Ok((enc, body)) = public.wrap_file_key(&file_key) else {
                out.truncate(start);
                return Err(KeyError::BadHybrid);
            };
            out.extend_from_slice(b"-> mlkem768x25519 ");
            out.extend_from_slice(B64.encode(enc).as_bytes());
            out.push(b'\n');
            out.extend_from_slice(B64.encode(body).as_bytes());
        }
    }
    out.extend_from_slice(b"\n---");
    let mac_key = Zeroizing::new(hkdf(&[], b"header", file_key.as_ref()));
    // HMAC accepts keys of any length; this cannot fail.
    if let Ok(mut mac) = <hmac::Hmac<sha2::Sha256>>::new_from_slice(mac_key.as_ref()) {
        mac.update(&out[start..]);
        out.push(b' ');
        out.extend_from_slice(B64.encode(mac.finalize().into_bytes()).as_bytes());
    }
    out.push(b'\n');
    debug_assert_eq!(out.len() - start, key.header_len());

    // Payload: 16-byte nonce, then STREAM (64 KiB chunks, 11-byte counter || last flag).
    let mut nonce = [0u8; 16];
    rng.fill_bytes(&mut nonce);
    out.extend_from_slice(&nonce);
    Ok(Zeroizing::new(hkdf(&nonce, b"payload", file_key.as_ref())))
}

/// The plaintext of an age payload being built in place in the output buffer: plaintext
/// position `p` lives at `p + 16 × (p / 64 KiB)` after the nonce, because every STREAM
/// chunk is followed by its tag. Lets a sealer read file content straight into the blob
/// (no plaintext buffer, no copy).
pub struct InPlace<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl InPlace<'_> {
    /// Plaintext length.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the plaintext is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Calls `f(segment, offset_in_range)` for the contiguous pieces of plaintext
    /// `[p, p + n)`; `n` past the end is cut to it.
    pub fn each_segment<E>(
        &mut self,
        p: usize,
        n: usize,
        mut f: impl FnMut(&mut [u8], usize) -> Result<(), E>,
    ) -> Result<(), E> {
        let end = p.saturating_add(n).min(self.len);
        let mut at = p;
        while at < end {
            let in_chunk = CHUNK - at % CHUNK;
            let take = in_chunk.min(end - at);
            let phys = at + 16 * (at / CHUNK);
            f(&mut self.buf[phys..phys + take], at - p)?;
            at += take;
        }
        Ok(())
    }

    /// Writes `bytes` at plaintext position `p`.
    pub fn put(&mut self, p: usize, bytes: &[u8]) {
        let _ = self.each_segment(p, bytes.len(), |seg, off| -> Result<(), ()> {
            seg.copy_from_slice(&bytes[off..off + seg.len()]);
            Ok(())
        });
    }

    /// Zeroes plaintext `[p, len)`.
    pub fn zero_from(&mut self, p: usize) {
        let _ = self.each_segment(p, usize::MAX, |seg, _| -> Result<(), ()> {
            seg.fill(0);
            Ok(())
        });
    }
}

/// [`encrypt_to_into`] for a plaintext of `len` bytes that `fill` writes in place (it must
/// write every position). `out` keeps its allocation and, once it has the blob's length,
/// is not cleared between uses.
pub fn encrypt_in_place<E: From<KeyError>>(
    key: &SealKey<'_>,
    len: usize,
    out: &mut Vec<u8>,
    fill: impl FnOnce(&mut InPlace<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut head = Vec::with_capacity(key.header_len() + 16);
    let payload_key = write_header(key, &mut head)?;
    let n_chunks = len.div_ceil(CHUNK).max(1);
    let total = head.len() + len + 16 * n_chunks;
    if out.len() != total {
        out.clear();
        out.resize(total, 0);
    }
    out[..head.len()].copy_from_slice(&head);
    let body = &mut out[head.len()..];
    fill(&mut InPlace { buf: body, len })?;
    let aead = ChunkSealer::new(&payload_key);
    for i in 0..n_chunks {
        let start = i * (CHUNK + 16);
        let n = (len - i * CHUNK).min(CHUNK);
        let (chunk, rest) = body[start..].split_at_mut(n);
        rest[..16].copy_from_slice(&aead.seal(i, i + 1 == n_chunks, chunk));
    }
    Ok(())
}

/// Inner plaintext bytes that fit in a blob of `blob_len` bytes sealed with a header of
/// `header_len`: blob − header − 16 (nonce) − 16 per 64 KiB chunk.
pub fn capacity(blob_len: usize, header_len: usize) -> usize {
    let payload = blob_len - header_len - 16;
    let chunks = payload.div_ceil(CHUNK + 16);
    payload - 16 * chunks
}

const CHUNK: usize = 64 * 1024;

/// age's STREAM: each 64 KiB chunk sealed with ChaCha20-Poly1305 under
/// nonce = u88be(counter) || (1 if last else 0); an empty plaintext is one empty last chunk.
fn stream_seal(key: &[u8; 32], plaintext: &[u8], out: &mut Vec<u8>) {
    let aead = ChunkSealer::new(key);
    let n_chunks = plaintext.len().div_ceil(CHUNK).max(1);
    for i in 0..n_chunks {
        let chunk =
            &plaintext[(i * CHUNK).min(plaintext.len())..((i + 1) * CHUNK).min(plaintext.len())];
        let at = out.len();
        out.extend_from_slice(chunk);
        let tag = aead.seal(i, i + 1 == n_chunks, &mut out[at..]);
        out.extend_from_slice(&tag);
    }
}

/// Decrypts a binary age file with one of `keys`; returns the plaintext and the index of
/// the key that opened it.
pub fn decrypt_x25519(
    blob: &[u8],
    keys: &[&XKeyPair],
) -> Result<(Zeroizing<Vec<u8>>, usize), AgeError> {
    decrypt_tracked(
        blob,
        keys.iter().map(|k| k.age_identity() as &dyn age::Identity),
    )
}

/// Which of the caller's keys opened a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHit {
    /// `x_keys[i]` (an `X25519` stanza).
    X25519(usize),
    /// `pq_keys[i]` (an `mlkem768x25519` stanza).
    Hybrid(usize),
}

/// Decrypts a binary age file with any of our classical and hybrid keys; returns the
/// plaintext and which key opened it. Nothing is released unless the whole payload
/// authenticated.
pub fn decrypt_any(
    blob: &[u8],
    x_keys: &[&XKeyPair],
    pq_keys: &[&HybridKeyPair],
) -> Result<(Zeroizing<Vec<u8>>, KeyHit), AgeError> {
    let hybrid: Vec<AgeHybridIdentity<'_>> = pq_keys.iter().map(|k| AgeHybridIdentity(k)).collect();
    let (pt, idx) = decrypt_tracked(
        blob,
        x_keys
            .iter()
            .map(|k| k.age_identity() as &dyn age::Identity)
            .chain(hybrid.iter().map(|h| h as &dyn age::Identity)),
    )?;
    let hit = if idx < x_keys.len() {
        KeyHit::X25519(idx)
    } else {
        KeyHit::Hybrid(idx - x_keys.len())
    };
    Ok((pt, hit))
}

/// Decrypts a binary age file with any identities (the CCTV harness uses this directly).
/// Nothing is released unless the whole payload authenticated.
pub fn decrypt_with<'a>(
    blob: &[u8],
    identities: impl Iterator<Item = &'a dyn age::Identity>,
) -> Result<Zeroizing<Vec<u8>>, AgeError> {
    decrypt_tracked(blob, identities).map(|(pt, _)| pt)
}

/// Decrypts with `identities`; returns the plaintext and the position of the identity that
/// unwrapped the file key, so the opener can check the inner `recipient key` against the
/// key that really decrypted the file.
///
/// The age crate parses the header, unwraps the file key (trying the identities in
/// order) and checks the header MAC; the payload is then opened here, with aws-lc's
/// ChaCha20-Poly1305, as [`ChunkSealer`] seals it: the age crate's STREAM reader
/// (RustCrypto) was the largest user-time item of opening a large message (half of it,
/// docs/BENCHMARKS.md issue 16). [`stream_open`] follows that reader rule for rule, and
/// the CCTV vectors (every `stream_*` case among them) go through this function.
fn decrypt_tracked<'a>(
    blob: &[u8],
    identities: impl Iterator<Item = &'a dyn age::Identity>,
) -> Result<(Zeroizing<Vec<u8>>, usize), AgeError> {
    let unwrapped = stream::Unwrapped::new(None);
    let mut rest: &[u8] = blob;
    {
        let dec = age::Decryptor::new_buffered(&mut rest).map_err(|e| map_err(&e, false))?;
        let capturing: Vec<Capturing<'_>> = identities
            .enumerate()
            .map(|(index, inner)| Capturing {
                inner,
                index,
                unwrapped: &unwrapped,
            })
            .collect();
        // Ok means: a file key was unwrapped and the header MAC checks out with it. The
        // reader it returns is dropped unread; `rest` now starts at the payload's chunks.
        dec.decrypt(capturing.iter().map(|c| c as &dyn age::Identity))
            .map_err(|e| map_err(&e, false))?;
    }
    let (index, file_key) = unwrapped.take().ok_or(AgeError::NoMatch)?;
    let start = blob.len() - rest.len();
    // The 16-byte nonce the decryptor read just before the chunks.
    let nonce = blob
        .get(start.wrapping_sub(16)..start)
        .ok_or(AgeError::Header)?;
    let payload_key = Zeroizing::new(age_core::primitives::hkdf(
        nonce,
        b"payload",
        file_key.as_ref(),
    ));
    Ok((stream_open(&payload_key, rest)?, index))
}

/// Plaintext buffers of opened fragments, returned (wiped) when the fragment is dropped.
/// Opening a 1 GiB message otherwise allocates 4,000 fresh 256 KiB buffers, each above
/// malloc's mmap threshold: 262,000 page faults, a third of the opener's system time.
static POOL: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
const POOL_MAX: usize = 128;

/// An empty buffer with at least `cap` bytes of capacity, from the pool when one is there.
pub(crate) fn take_buffer(cap: usize) -> Vec<u8> {
    let pooled = POOL.lock().ok().and_then(|mut p| p.pop());
    match pooled {
        Some(mut v) => {
            v.reserve(cap);
            v
        }
        None => Vec::with_capacity(cap),
    }
}

/// Wipes a plaintext buffer and keeps it for [`take_buffer`] (or frees it if the pool is full).
pub(crate) fn give_back(mut v: Vec<u8>) {
    // A plain memset over the whole capacity, kept by `black_box` (the buffer lives on, so
    // the writes cannot be elided): `zeroize`'s byte-by-byte volatile writes cost 8 % of
    // opening a 1 GiB message. A buffer the pool does not keep is freed already wiped.
    let cap = v.capacity();
    v.clear();
    v.resize(cap, 0);
    std::hint::black_box(&mut v);
    v.clear();
    if let Ok(mut p) = POOL.lock()
        && p.len() < POOL_MAX
    {
        p.push(v);
    }
}

fn map_err(e: &age::DecryptError, _payload: bool) -> AgeError {
    use age::DecryptError as D;
    match e {
        D::InvalidMac => AgeError::HeaderMac,
        D::NoMatchingKeys | D::DecryptionFailed | D::KeyDecryptionFailed => AgeError::NoMatch,
        D::ExcessiveWork { required, .. } => AgeError::ExcessiveWork(*required),
        // Everything else, including an I/O error while reading the header or the 16-byte
        // payload nonce (a file that ends there): the CCTV kit classes a missing or short
        // nonce, an empty file and a truncated header MAC as header failures
        // (`stream_no_nonce`, `stream_short_nonce`, `empty`, `hmac_missing`,
        // `hmac_truncated`). Payload failures come only from reading the STREAM.
        _ => AgeError::Header,
    }
}

/// Encrypts with a passphrase (one scrypt stanza, work factor [`SCRYPT_WRITE_LOG_N`]).
pub fn encrypt_passphrase(passphrase: &SecretString, plaintext: &[u8]) -> Vec<u8> {
    encrypt_passphrase_with(passphrase, plaintext, SCRYPT_WRITE_LOG_N)
}

/// Encrypts with a passphrase and an explicit work factor (tests use a small one).
pub fn encrypt_passphrase_with(passphrase: &SecretString, plaintext: &[u8], log_n: u8) -> Vec<u8> {
    let mut r = age::scrypt::Recipient::new(passphrase.clone());
    r.set_work_factor(log_n);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        .expect("one scrypt recipient is always valid");
    let mut out = Vec::with_capacity(plaintext.len() + 256);
    let mut w = enc
        .wrap_output(&mut out)
        .expect("writing to a Vec cannot fail");
    w.write_all(plaintext)
        .expect("writing to a Vec cannot fail");
    w.finish().expect("writing to a Vec cannot fail");
    out
}

/// Decrypts a passphrase file, refusing work factors above [`SCRYPT_MAX_LOG_N`] (and any
/// header where scrypt is not the only stanza — age enforces that).
pub fn decrypt_passphrase(
    passphrase: &SecretString,
    file: &[u8],
) -> Result<Zeroizing<Vec<u8>>, AgeError> {
    let mut id = age::scrypt::Identity::new(passphrase.clone());
    id.set_max_work_factor(SCRYPT_MAX_LOG_N);
    decrypt_with(file, std::iter::once(&id as &dyn age::Identity))
}

/// Whether a file looks like a binary age passphrase file (one scrypt stanza).
pub fn is_passphrase_file(file: &[u8]) -> bool {
    age::Decryptor::new_buffered(file)
        .map(|d| d.is_scrypt())
        .unwrap_or(false)
}

const BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
const END: &str = "-----END AGE ENCRYPTED FILE-----";

/// ASCII armor (RFC 7468 strict, 64 columns, LF line ends, trailing newline).
pub fn armor(blob: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(blob);
    let mut s = String::with_capacity(b64.len() + b64.len() / 64 + BEGIN.len() + END.len() + 4);
    s.push_str(BEGIN);
    s.push('\n');
    for line in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        s.push('\n');
    }
    s.push_str(END);
    s.push('\n');
    s
}

/// The exact length of [`armor`]'s output for a blob of `len` bytes.
pub fn armored_len(len: usize) -> usize {
    let b64 = len.div_ceil(3) * 4;
    BEGIN.len() + 1 + b64 + b64.div_ceil(64) + END.len() + 1
}

/// Strict armor decoding: whitespace may surround the block, nothing else may; lines are
/// exactly 64 columns except the last (1–64), LF or CRLF; base64 is padded and canonical.
/// Our own parser because the age crate's armor reader is deliberately lenient about
/// leading data and line shapes (rage's test kit lists the vectors it lets through).
pub fn dearmor(text: &[u8]) -> Result<Vec<u8>, AgeError> {
    let is_ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = text.iter().position(|c| !is_ws(c)).unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|c| !is_ws(c))
        .map_or(start, |p| p + 1);
    let body = std::str::from_utf8(&text[start..end]).map_err(|_| AgeError::Armor("not ASCII"))?;
    let mut lines: Vec<&str> = body.split('\n').collect();
    for l in lines.iter_mut() {
        if let Some(stripped) = l.strip_suffix('\r') {
            *l = stripped;
        }
    }
    if lines.len() < 2 || lines[0] != BEGIN {
        return Err(AgeError::Armor("missing or wrong BEGIN line"));
    }
    if lines[lines.len() - 1] != END {
        return Err(AgeError::Armor("missing or wrong END line"));
    }
    let data = &lines[1..lines.len() - 1];
    let mut b64 = String::with_capacity(data.len() * 64);
    for (i, l) in data.iter().enumerate() {
        let last = i + 1 == data.len();
        if l.is_empty() || l.len() > 64 || (!last && l.len() != 64) {
            return Err(AgeError::Armor("line of the wrong length"));
        }
        if !l
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=')
        {
            return Err(AgeError::Armor("invalid character"));
        }
        if !last && l.contains('=') {
            return Err(AgeError::Armor("padding before the last line"));
        }
        b64.push_str(l);
    }
    base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| AgeError::Armor("base64 is not canonical or not padded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x25519_header_is_exactly_168_bytes() {
        let k = XKeyPair::generate();
        let f = encrypt_x25519(&k.public(), &[0u8; 100]);
        assert_eq!(f.len(), 168 + 16 + 100 + 16);
        let (pt, idx) = decrypt_x25519(&f, &[&XKeyPair::generate(), &k]).expect("decrypt");
        assert_eq!(idx, 1);
        assert_eq!(pt.as_slice(), &[0u8; 100]);
    }

    #[test]
    fn in_place_sealing_matches_the_plaintext_at_every_chunk_boundary() {
        let k = XKeyPair::generate();
        let mut out = Vec::new();
        for n in [0usize, 1, 65_535, 65_536, 65_537, 200_000, 261_896] {
            let pt: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
            // Written in uneven pieces, reusing the same (dirty) output buffer.
            encrypt_in_place(
                &SealKey::X25519(&k.public()),
                n,
                &mut out,
                |ip| -> Result<(), KeyError> {
                    let cut = n / 3;
                    ip.put(cut, &pt[cut..]);
                    ip.each_segment(0, cut, |seg, off| -> Result<(), KeyError> {
                        seg.copy_from_slice(&pt[off..off + seg.len()]);
                        Ok(())
                    })
                },
            )
            .expect("seal");
            let (got, _) = decrypt_x25519(&out, &[&k]).expect("decrypt");
            assert_eq!(got.as_slice(), pt.as_slice(), "n={n}");
        }
    }

    #[test]
    fn wrong_key_is_no_match() {
        let k = XKeyPair::generate();
        let f = encrypt_x25519(&k.public(), b"x");
        assert!(matches!(
            decrypt_x25519(&f, &[&XKeyPair::generate()]),
            Err(AgeError::NoMatch)
        ));
    }

    #[test]
    fn armor_round_trip_and_exact_length() {
        for n in [0usize, 1, 47, 48, 49, 16_384] {
            let blob: Vec<u8> = (0..n).map(|i| i as u8).collect();
            let a = armor(&blob);
            assert_eq!(a.len(), armored_len(n), "n={n}");
            assert_eq!(dearmor(a.as_bytes()).expect("dearmor"), blob);
        }
    }

    #[test]
    fn armor_rejects_surrounding_garbage() {
        let a = armor(b"hello");
        assert!(dearmor(format!("x{a}").as_bytes()).is_err());
        assert!(dearmor(format!("{a}x").as_bytes()).is_err());
        assert!(dearmor(format!("\n \t{a}\r\n").as_bytes()).is_ok());
    }

    #[test]
    fn passphrase_round_trip_and_wrong_passphrase() {
        let p = SecretString::from("correct horse".to_string());
        let f = encrypt_passphrase_with(&p, b"keys", 10);
        assert!(is_passphrase_file(&f));
        assert_eq!(
            decrypt_passphrase(&p, &f).expect("decrypt").as_slice(),
            b"keys"
        );
        let wrong = SecretString::from("battery staple".to_string());
        assert!(matches!(
            decrypt_passphrase(&wrong, &f),
            Err(AgeError::NoMatch)
        ));
    }

    #[test]
    fn excessive_work_factor_is_refused_before_work() {
        let p = SecretString::from("pw".to_string());
        let f = encrypt_passphrase_with(&p, b"keys", 10);
        // Rewrite the work factor in the stanza line "-> scrypt <salt> 10" to 23.
        let text = f.clone();
        let pos = text
            .windows(3)
            .position(|w| w == b" 10")
            .expect("work factor in header");
        let mut patched = text[..pos].to_vec();
        patched.extend_from_slice(b" 23");
        patched.extend_from_slice(&text[pos + 3..]);
        // 2^23 scrypt would need 8 GiB; the refusal comes from the header alone.
        assert!(matches!(
            decrypt_passphrase(&p, &patched),
            Err(AgeError::ExcessiveWork(23))
        ));
    }
}
