//! Where a v2 message's content comes from and goes to, without ever being whole in memory:
//! a re-readable [`ContentSource`] (read at any offset, any number of times: sealing reads
//! the body twice, once to hash and once to encrypt) and a random-access [`ContentSink`]
//! (fragments land in any order, each at its offset).
//!
//! The content of a message is its parts concatenated: part 0 (the RFC 5322 letter), then
//! every attachment's raw bytes. Must not: open files or paths (the caller hands in
//! handles it opened), or buffer more than the slice it is asked for.

use super::PartMeta;
use std::io;

/// Bytes that can be read at any offset, as often as needed, from any thread.
pub trait ContentSource: Sync {
    /// Total length in bytes.
    fn len(&self) -> u64;
    /// Whether it is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fills `buf` with the bytes at `offset` (an error if fewer are available).
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()>;
}

impl ContentSource for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| io::ErrorKind::UnexpectedEof)?;
        let src = start
            .checked_add(buf.len())
            .and_then(|end| self.get(start..end))
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

impl ContentSource for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.as_slice().read_exact_at(buf, offset)
    }
}

/// A file (or anything with positional reads) of a length fixed when it was opened; the
/// caller opens it. Reads use `pread`, so both sealing threads share one handle.
pub struct FileSource<F> {
    file: F,
    len: u64,
}

impl<F: std::os::unix::fs::FileExt + Sync> FileSource<F> {
    /// Wraps a handle whose content has `len` bytes (a file that changes length while it
    /// is being sealed makes sealing fail, never produces a short message).
    pub fn new(file: F, len: u64) -> Self {
        FileSource { file, len }
    }
}

impl<F: std::os::unix::fs::FileExt + Sync> ContentSource for FileSource<F> {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        if offset
            .checked_add(buf.len() as u64)
            .is_none_or(|end| end > self.len)
        {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.file.read_exact_at(buf, offset)
    }
}

/// A message's parts and their sources: the letter first, then each attachment.
pub struct Body<'a> {
    metas: Vec<PartMeta>,
    sources: Vec<&'a dyn ContentSource>,
    starts: Vec<u64>,
}

impl<'a> Body<'a> {
    /// A body with only part 0 (the letter, or the body of a non-message kind).
    pub fn new(letter: &'a dyn ContentSource) -> Self {
        Body {
            metas: vec![PartMeta {
                name: String::new(),
                content_type: String::new(),
                len: letter.len(),
            }],
            sources: vec![letter],
            starts: vec![0],
        }
    }

    /// Adds an attachment; `None` if the name or type would be refused by a receiver.
    pub fn attach(
        mut self,
        name: &str,
        content_type: &str,
        source: &'a dyn ContentSource,
    ) -> Option<Self> {
        let meta = PartMeta::attachment(name, content_type, source.len())?;
        let start = self.total_len();
        self.metas.push(meta);
        self.sources.push(source);
        self.starts.push(start);
        Some(self)
    }

    /// The parts as the head will list them.
    pub fn parts(&self) -> &[PartMeta] {
        &self.metas
    }

    /// Total content length.
    pub fn total_len(&self) -> u64 {
        self.metas.iter().map(|p| p.len).sum()
    }
}

impl ContentSource for Body<'_> {
    fn len(&self) -> u64 {
        self.total_len()
    }
    fn read_exact_at(&self, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
        // The part holding `offset`, then onward across part boundaries.
        let mut i = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        while !buf.is_empty() {
            let (meta, src) = (self.metas.get(i), self.sources.get(i));
            let (Some(meta), Some(src)) = (meta, src) else {
                return Err(io::ErrorKind::UnexpectedEof.into());
            };
            let within = offset - self.starts[i];
            let n = (meta.len.saturating_sub(within)).min(buf.len() as u64) as usize;
            let (now, rest) = buf.split_at_mut(n);
            src.read_exact_at(now, within)?;
            buf = rest;
            offset += n as u64;
            i += 1;
        }
        Ok(())
    }
}

/// Where verified content goes: each call writes bytes at an offset of the content
/// (concatenated parts). Calls come in any order and never overlap.
pub trait ContentSink {
    /// Writes `bytes` at `offset`; must be durable or fail before the caller records the
    /// range as received.
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()>;
}

impl ContentSink for Vec<u8> {
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| io::ErrorKind::InvalidInput)?;
        let end = start + bytes.len();
        if self.len() < end {
            self.resize(end, 0);
        }
        self[start..end].copy_from_slice(bytes);
        Ok(())
    }
}

/// Receives content split by part: part 0 (the letter) and each attachment as its own file.
pub trait PartWriter {
    /// Writes `bytes` at `offset` within part `part`.
    fn write_part_at(&mut self, part: usize, offset: u64, bytes: &[u8]) -> io::Result<()>;
}

/// Adapts a [`PartWriter`] to a [`ContentSink`] for a manifest's part list, so a receiver
/// stores each attachment as its own file without base64 and without copying.
pub struct PartsSink<'a, W: PartWriter> {
    starts: Vec<u64>,
    lens: Vec<u64>,
    writer: &'a mut W,
}

impl<'a, W: PartWriter> PartsSink<'a, W> {
    /// For the parts a verified head lists.
    pub fn new(parts: &[PartMeta], writer: &'a mut W) -> Self {
        let mut starts = Vec::with_capacity(parts.len());
        let mut at = 0u64;
        for p in parts {
            starts.push(at);
            at += p.len;
        }
        PartsSink {
            starts,
            lens: parts.iter().map(|p| p.len).collect(),
            writer,
        }
    }
}

impl<W: PartWriter> ContentSink for PartsSink<'_, W> {
    fn write_at(&mut self, mut offset: u64, mut bytes: &[u8]) -> io::Result<()> {
        let mut i = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        while !bytes.is_empty() {
            let (Some(start), Some(len)) = (self.starts.get(i), self.lens.get(i)) else {
                return Err(io::ErrorKind::InvalidInput.into());
            };
            let within = offset - start;
            let n = len.saturating_sub(within).min(bytes.len() as u64) as usize;
            if n > 0 {
                self.writer.write_part_at(i, within, &bytes[..n])?;
            }
            bytes = &bytes[n..];
            offset += n as u64;
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_reads_across_part_boundaries() {
        let (a, b, c) = (b"letter".to_vec(), vec![1u8; 10], vec![2u8; 3]);
        let body = Body::new(&a)
            .attach("b.bin", "application/octet-stream", &b)
            .and_then(|x| x.attach("c.bin", "application/octet-stream", &c))
            .expect("parts");
        let mut all = a.clone();
        all.extend(&b);
        all.extend(&c);
        assert_eq!(body.total_len(), all.len() as u64);
        for start in 0..all.len() {
            for end in start..=all.len() {
                let mut buf = vec![0u8; end - start];
                body.read_exact_at(&mut buf, start as u64).expect("read");
                assert_eq!(buf, &all[start..end], "{start}..{end}");
            }
        }
        let mut over = [0u8; 2];
        assert!(body.read_exact_at(&mut over, all.len() as u64 - 1).is_err());
    }

    #[test]
    fn refused_part_names_are_refused_before_sealing() {
        let a = b"x".to_vec();
        for bad in ["", ".", "..", "a/b", "a\\b", "tab\there"] {
            assert!(
                Body::new(&a).attach(bad, "text/plain", &a).is_none(),
                "{bad:?}"
            );
        }
        assert!(Body::new(&a).attach("ok.txt", "nonsense", &a).is_none());
        assert!(
            Body::new(&a)
                .attach("ok.txt", "text/plain; charset=utf-8", &a)
                .is_some()
        );
    }

    #[derive(Default)]
    struct Files(Vec<Vec<u8>>);

    impl PartWriter for Files {
        fn write_part_at(&mut self, part: usize, offset: u64, bytes: &[u8]) -> io::Result<()> {
            if self.0.len() <= part {
                self.0.resize(part + 1, Vec::new());
            }
            self.0[part].write_at(offset, bytes)
        }
    }

    #[test]
    fn parts_sink_splits_content_writes_by_part() {
        let parts = [
            PartMeta {
                name: String::new(),
                content_type: String::new(),
                len: 4,
            },
            PartMeta {
                name: "a".into(),
                content_type: "a/b".into(),
                len: 0,
            },
            PartMeta {
                name: "b".into(),
                content_type: "a/b".into(),
                len: 5,
            },
        ];
        let mut files = Files::default();
        let mut sink = PartsSink::new(&parts, &mut files);
        // Out of order, straddling the empty part.
        sink.write_at(6, b"RST").expect("write");
        sink.write_at(0, b"abcdPQ").expect("write");
        assert!(sink.write_at(9, b"!").is_err(), "past the last part");
        assert_eq!(files.0[0], b"abcd");
        assert_eq!(files.0[2], b"PQRST");
    }
}
