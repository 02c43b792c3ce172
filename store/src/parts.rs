//! Attachment files: each attachment of a large message is its own file under
//! `<store>/parts/`, encrypted in records that are written in any order, once each, as the
//! message's fragments arrive, and read back at any offset.
//!
//! Why hand-written: no maintained crate does random-access authenticated encryption at
//! rest (age and the STREAM constructions are sequential; a fragment of a large message may
//! arrive before the one in front of it). The construction is the simplest one that is
//! sound for this use: one ChaCha20-Poly1305 key per file, `HKDF-SHA256(ikm = the store's
//! part key, salt = 32 random bytes kept in the file's (SQLCipher) row, info = label)`, and
//! record `r` sealed with nonce `0^4 || u64be(r)`, so records cannot be moved within a
//! file or between files, and a missing or altered record fails to decrypt. Deleting the
//! row (SQLCipher `secure_delete` zeroes it) deletes the salt, so the file's remains are
//! undecryptable even by someone who later learns the store key.
//!
//! Layout: the records follow the message's fragment plan (`PartLayout`): a record ends
//! wherever a fragment of the message ends (content offset `inline_len + k × CHUNK`) or the
//! part ends, so each fragment writes whole records and no record is ever rewritten.
//! Record `r` holds plaintext part bytes `[start(r), start(r+1))` and sits at file offset
//! `start(r) + 16 r` (16 bytes of tag per record before it).
//!
//! Must not: return bytes that did not authenticate, write plaintext to disk, or rewrite a
//! record in place with different bytes (each record is written once).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use aws_lc_rs::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// Sub-directory of the store holding attachment files.
pub(crate) const PARTS_DIR: &str = "parts";

/// Content bytes per fragment (envelope v2's fixed chunk), which sets the record grid.
pub const CHUNK: u64 = hushpost_core::envelope::v2::CHUNK as u64;

const TAG_LEN: u64 = 16;
const FILE_KEY_INFO: &[u8] = b"hushpost v2 store part file";

/// Where a part lies in its message's content, which fixes its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartLayout {
    /// Offset of the part in the content (all parts concatenated).
    pub start: u64,
    /// Length of the part.
    pub len: u64,
    /// Content bytes carried by the message's head; fragment `k` starts at
    /// `inline_len + k × CHUNK`.
    pub inline_len: u64,
}

impl PartLayout {
    /// Fragment boundaries `inline_len + k × CHUNK` (k ≥ 0) in `(start, x]`.
    fn boundaries_through(&self, x: u64) -> u64 {
        let upto = |y: u64| {
            if y < self.inline_len {
                0
            } else {
                (y - self.inline_len) / CHUNK + 1
            }
        };
        upto(x) - upto(self.start)
    }

    /// Number of records.
    pub fn records(&self) -> u64 {
        if self.len == 0 {
            return 0;
        }
        self.boundaries_through(self.start + self.len - 1) + 1
    }

    /// The record holding part offset `o`.
    fn record_of(&self, o: u64) -> u64 {
        self.boundaries_through(self.start + o)
    }

    /// Part offset where record `r` starts.
    fn record_start(&self, r: u64) -> u64 {
        if r == 0 {
            return 0;
        }
        // The r-th boundary after `start`.
        let first_k = if self.start < self.inline_len {
            0
        } else {
            (self.start - self.inline_len) / CHUNK + 1
        };
        (self.inline_len + (first_k + r - 1) * CHUNK - self.start).min(self.len)
    }

    fn record_len(&self, r: u64) -> u64 {
        self.record_start(r + 1).min(self.len) - self.record_start(r)
    }

    /// Size of the finished file.
    pub fn file_len(&self) -> u64 {
        self.len + TAG_LEN * self.records()
    }
}

/// An open attachment file: write records as they arrive, read back at any offset.
pub struct PartFile {
    file: File,
    path: PathBuf,
    cipher: RecordCipher,
    layout: PartLayout,
    /// The last record decrypted (its index and plaintext): readers that step through a
    /// file in pieces smaller than a record (base64 lines for a Maildir export) decrypt
    /// each record once, not once per piece.
    last: std::sync::Mutex<Option<(u64, Zeroizing<Vec<u8>>)>>,
}

impl std::fmt::Debug for PartFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartFile")
            .field("path", &self.path)
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

/// One file's ChaCha20-Poly1305 key, from aws-lc (AVX2 assembly, already linked in by
/// rustls): the RustCrypto crate cost about twice the CPU per GiB, and a large message is
/// sealed at rest once on arrival and opened at every save (docs/BENCHMARKS.md, issue 16).
/// Same construction either way: nonce `0^4 || u64be(r)`, no associated data, 16-byte tag.
pub(crate) struct RecordCipher(LessSafeKey);

impl RecordCipher {
    fn nonce(r: u64) -> Nonce {
        let mut n = [0u8; 12];
        n[4..].copy_from_slice(&r.to_be_bytes());
        Nonce::assume_unique_for_key(n)
    }

    /// Seals record `r` in place; returns its tag.
    fn seal(&self, r: u64, data: &mut [u8]) -> io::Result<[u8; TAG_LEN as usize]> {
        let tag = self
            .0
            .seal_in_place_separate_tag(Self::nonce(r), Aad::empty(), data)
            .map_err(|_| io::Error::other("record encryption failed"))?;
        let mut out = [0u8; TAG_LEN as usize];
        out.copy_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Opens record `r` (`sealed` = ciphertext || tag) in place; the plaintext is the
    /// first `sealed.len() - 16` bytes. `false` when it does not authenticate.
    fn open(&self, r: u64, sealed: &mut [u8]) -> bool {
        self.0
            .open_in_place(Self::nonce(r), Aad::empty(), sealed)
            .is_ok()
    }
}

/// The key of one file.
pub(crate) fn file_cipher(part_key: &[u8; 32], salt: &[u8; 32]) -> RecordCipher {
    let mut okm = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), part_key)
        .expand(FILE_KEY_INFO, okm.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    // A 32-byte key is always the right length for ChaCha20-Poly1305.
    let key = UnboundKey::new(&CHACHA20_POLY1305, okm.as_ref()).expect("32-byte key");
    RecordCipher(LessSafeKey::new(key))
}

impl PartFile {
    pub(crate) fn open(
        path: &Path,
        cipher: RecordCipher,
        layout: PartLayout,
        create: bool,
    ) -> io::Result<PartFile> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(create)
            .create_new(create)
            .mode(hushpost_durable::FILE_MODE)
            .open(path)?;
        Ok(PartFile {
            file,
            path: path.to_path_buf(),
            cipher,
            layout,
            last: std::sync::Mutex::new(None),
        })
    }

    /// Reopens for writing (resuming a message that is still arriving).
    pub(crate) fn reopen_for_writing(
        path: &Path,
        cipher: RecordCipher,
        layout: PartLayout,
    ) -> io::Result<PartFile> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)?;
        Ok(PartFile {
            file,
            path: path.to_path_buf(),
            cipher,
            layout,
            last: std::sync::Mutex::new(None),
        })
    }

    /// The part's layout.
    pub fn layout(&self) -> &PartLayout {
        &self.layout
    }

    /// Seals and writes the record starting at part offset `offset`; `bytes` must be that
    /// whole record (a fragment's share of the part). Not durable until [`PartFile::sync`].
    pub fn write_record(&self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let (at, sealed) = self.seal_record(offset, bytes)?;
        self.write_sealed(at, &sealed)
    }

    /// [`PartFile::write_record`] in two steps, so that records can be sealed on many
    /// threads and written by one (writers of one file only queue on its inode lock):
    /// the sealed record and the file offset it goes to.
    pub fn seal_record(&self, offset: u64, bytes: &[u8]) -> io::Result<(u64, Vec<u8>)> {
        let r = self.layout.record_of(offset);
        if self.layout.record_start(r) != offset || self.layout.record_len(r) != bytes.len() as u64
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a write that is not one whole record of the attachment file",
            ));
        }
        // Sealed in place: once sealed the buffer holds only ciphertext, so it needs no
        // wiping (wiping every record cost 3 % of a large fetch); a failure wipes it.
        let mut buf = Vec::with_capacity(bytes.len() + TAG_LEN as usize);
        buf.extend_from_slice(bytes);
        match self.cipher.seal(r, &mut buf[..]) {
            Ok(tag) => buf.extend_from_slice(&tag),
            Err(e) => {
                buf.zeroize();
                return Err(e);
            }
        }
        Ok((offset + TAG_LEN * r, buf))
    }

    /// Writes a record [`PartFile::seal_record`] made at the offset it gave.
    pub fn write_sealed(&self, at: u64, sealed: &[u8]) -> io::Result<()> {
        self.file.write_all_at(sealed, at)
    }

    /// Makes every record written so far durable.
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Reads and authenticates part bytes at `offset` (every record it touches must have
    /// been written).
    pub fn read_exact_at(&self, out: &mut [u8], offset: u64) -> io::Result<()> {
        let end = offset
            .checked_add(out.len() as u64)
            .filter(|e| *e <= self.layout.len)
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        let mut at = offset;
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        while at < end {
            let r = self.layout.record_of(at);
            let start = self.layout.record_start(r);
            let len = self.layout.record_len(r) as usize;
            if last.as_ref().is_none_or(|(i, _)| *i != r) {
                let mut rec = last
                    .take()
                    .map(|(_, v)| v)
                    .unwrap_or_else(|| Zeroizing::new(Vec::new()));
                rec.resize(len + TAG_LEN as usize, 0);
                self.file.read_exact_at(&mut rec, start + TAG_LEN * r)?;
                if !self.cipher.open(r, &mut rec[..]) {
                    // Nothing of a record that failed is kept (it was decrypted in place).
                    rec.zeroize();
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "attachment file {} is damaged (record {r} does not authenticate)",
                            self.path.display()
                        ),
                    ));
                }
                rec.truncate(len);
                *last = Some((r, rec));
            }
            let data = &last.as_ref().map(|(_, v)| v).ok_or(io::ErrorKind::Other)?[..];
            let from = (at - start) as usize;
            let n = (len - from).min((end - at) as usize);
            let o = (at - offset) as usize;
            out[o..o + n].copy_from_slice(&data[from..from + n]);
            at += n as u64;
        }
        Ok(())
    }
}

/// `<32 hex>.part`, the only names the store creates here.
pub(crate) fn is_part_name(name: &str) -> bool {
    name.strip_suffix(".part")
        .is_some_and(|stem| stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
#[allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]
mod tests {
    use super::*;

    fn layouts() -> Vec<PartLayout> {
        let mut v = Vec::new();
        for inline_len in [0, 10, 1000, CHUNK + 5] {
            for start in [
                0,
                5,
                999,
                1000,
                1001,
                inline_len + CHUNK,
                inline_len + 3 * CHUNK - 1,
            ] {
                for len in [0, 1, 7, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
                    v.push(PartLayout {
                        start,
                        len,
                        inline_len,
                    });
                }
            }
        }
        v
    }

    #[test]
    fn records_tile_the_part_along_fragment_boundaries() {
        for l in layouts() {
            let n = l.records();
            let mut at = 0;
            for r in 0..n {
                assert_eq!(l.record_start(r), at, "{l:?} r{r}");
                let len = l.record_len(r);
                assert!(
                    len > 0 && len <= CHUNK.max(l.inline_len),
                    "{l:?} r{r}: {len}"
                );
                // A record never straddles a fragment boundary.
                let first = l.start + at;
                let last = l.start + at + len - 1;
                assert_eq!(l.record_of(at), r);
                assert_eq!(l.record_of(at + len - 1), r);
                let frag = |x: u64| (x >= l.inline_len).then(|| (x - l.inline_len) / CHUNK);
                assert_eq!(frag(first), frag(last), "{l:?} r{r}");
                at += len;
            }
            assert_eq!(at, l.len, "{l:?}");
        }
    }

    /// The records are the construction the module describes, byte for byte, computed here
    /// with another implementation (RustCrypto, which wrote the files of earlier versions):
    /// files written before the move to aws-lc still open, and new ones are the same format.
    #[test]
    fn records_are_chacha20poly1305_with_the_record_nonce_as_before() {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let dir = tempfile::tempdir().expect("tmp");
        let l = PartLayout {
            start: 0,
            len: 2 * CHUNK + 77,
            inline_len: 0,
        };
        let data: Vec<u8> = (0..l.len).map(|i| (i * 7 % 253) as u8).collect();
        let (key, salt) = ([3u8; 32], [4u8; 32]);
        let path = dir.path().join("y.part");
        let f = PartFile::open(&path, file_cipher(&key, &salt), l, true).expect("create");
        for r in 0..l.records() {
            let s = l.record_start(r) as usize;
            f.write_record(s as u64, &data[s..s + l.record_len(r) as usize])
                .expect("write");
        }
        let mut okm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&salt), &key)
            .expand(FILE_KEY_INFO, &mut okm)
            .expect("hkdf");
        let peer = chacha20poly1305::ChaCha20Poly1305::new(&okm.into());
        let file = std::fs::read(&path).expect("read");
        assert_eq!(file.len() as u64, l.file_len());
        for r in 0..l.records() {
            let s = l.record_start(r) as usize;
            let plain = &data[s..s + l.record_len(r) as usize];
            let mut n = [0u8; 12];
            n[4..].copy_from_slice(&r.to_be_bytes());
            let want = peer.encrypt(&n.into(), plain).expect("seal");
            let at = s + TAG_LEN as usize * r as usize;
            assert_eq!(&file[at..at + want.len()], &want[..], "record {r}");
        }
    }

    #[test]
    fn out_of_order_records_read_back_and_tampering_is_caught() {
        let dir = tempfile::tempdir().expect("tmp");
        let l = PartLayout {
            start: 300,
            len: 2 * CHUNK + 1234,
            inline_len: 1000,
        };
        let data: Vec<u8> = (0..l.len).map(|i| (i * 31 % 251) as u8).collect();
        let path = dir.path().join("x.part");
        let key = [7u8; 32];
        let salt = [9u8; 32];
        let f = PartFile::open(&path, file_cipher(&key, &salt), l, true).expect("create");
        for r in (0..l.records()).rev() {
            let s = l.record_start(r) as usize;
            let e = s + l.record_len(r) as usize;
            f.write_record(s as u64, &data[s..e]).expect("write");
        }
        assert!(f.write_record(1, &data[1..3]).is_err(), "not a record");
        f.sync().expect("sync");
        assert_eq!(std::fs::metadata(&path).expect("meta").len(), l.file_len());
        let g = PartFile::open(&path, file_cipher(&key, &salt), l, false).expect("open");
        let mut all = vec![0u8; l.len as usize];
        g.read_exact_at(&mut all, 0).expect("read");
        assert_eq!(all, data);
        let mut mid = vec![0u8; 5000];
        // Across the record boundary at part offset 1000 - 300 + CHUNK.
        let b = (1000 - 300 + CHUNK) as usize;
        g.read_exact_at(&mut mid, (b - 2500) as u64)
            .expect("read across records");
        assert_eq!(mid, &data[b - 2500..b + 2500]);
        // Another file's key, a flipped bit: refused.
        let other = PartFile::open(&path, file_cipher(&key, &[8u8; 32]), l, false).expect("open");
        assert!(other.read_exact_at(&mut mid, 0).is_err());
        let raw = std::fs::read(&path).expect("raw");
        let mut bad = raw.clone();
        bad[100] ^= 1;
        std::fs::write(&path, &bad).expect("write");
        assert!(g.read_exact_at(&mut mid, 0).is_err());
        assert!(
            !raw.windows(64).any(|w| w == &data[..64]),
            "plaintext on disk"
        );
    }
}
