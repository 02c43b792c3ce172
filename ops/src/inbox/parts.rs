//! A stored message's attachments as streams: listed without decrypting them, saved one
//! bounded buffer at a time, and rebuilt into standard RFC 5322 (`read --raw`, the Maildir
//! export) by `mime::write_message` reading the stored parts at their offsets.
//!
//! Must not: hold an attachment whole in memory, or leave a half-written export file.

use super::Inbox;
use crate::error::{Error, Result};
use hushpost_core::envelope::v2::{ContentSource, PartMeta};
use hushpost_store::{PartSource, StoredPart};
use std::io::{self, Write};

/// One message's content for `mime::write_message`: the letter, then the attachments the
/// store keeps, concatenated (parts we sent but did not keep are left out).
struct StoredContent<'a> {
    letter: &'a [u8],
    parts: Vec<(u64, PartSource)>,
    len: u64,
}

impl ContentSource for StoredContent<'_> {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let eof = || io::Error::from(io::ErrorKind::UnexpectedEof);
        let mut done = 0usize;
        while done < buf.len() {
            let at = offset + done as u64;
            let letter_len = self.letter.len() as u64;
            if at < letter_len {
                let from = at as usize;
                let n = (buf.len() - done).min(self.letter.len() - from);
                buf[done..done + n].copy_from_slice(&self.letter[from..from + n]);
                done += n;
                continue;
            }
            let (start, src) = self
                .parts
                .iter()
                .rev()
                .find(|(s, _)| *s <= at)
                .map(|(s, p)| (*s, p))
                .ok_or_else(eof)?;
            let within = at - start;
            let avail = src
                .len()
                .checked_sub(within)
                .filter(|n| *n > 0)
                .ok_or_else(eof)?;
            let n = (buf.len() - done).min(usize::try_from(avail).unwrap_or(usize::MAX));
            src.read_exact_at(&mut buf[done..done + n], within)?;
            done += n;
        }
        Ok(())
    }
}

impl Inbox {
    /// The attachments stored for message `id` (v2 mail; v1 mail carries its attachments
    /// inside the letter), without reading them.
    pub fn parts(&mut self, id: i64) -> Result<Vec<StoredPart>> {
        Ok(self.store()?.parts_of(id)?)
    }

    /// The kept attachments of message `id`, opened for reading. They stay readable after
    /// the message is deleted (a burn-after-reading message read right after this).
    pub fn part_sources(&mut self, id: i64) -> Result<Vec<(StoredPart, PartSource)>> {
        let mut out = Vec::new();
        for p in self.parts(id)?.into_iter().filter(|p| p.kept) {
            if let Some(src) = self.store()?.part_source(id, p.idx)? {
                out.push((p, src));
            }
        }
        Ok(out)
    }

    /// Writes message `id` as standard RFC 5322 (attachments as base64 MIME parts), as a
    /// stream, to `out`.
    pub fn write_message(&mut self, id: i64, out: &mut dyn Write) -> Result<()> {
        let (s, stored) = self.store()?.get(id)?.ok_or(Error::NoSuchMessage(id))?;
        // The copy that leaves hushpost: headers that tell the truth about the sender.
        let raw = zeroize::Zeroizing::new(super::outside_copy(&self.peers, &s, &stored));
        let sources = self.part_sources(id)?;
        let io = |e| Error::Io(e, std::path::PathBuf::from("-"));
        if sources.is_empty() {
            return out.write_all(&raw).map_err(io);
        }
        let mut metas = vec![PartMeta {
            name: String::new(),
            content_type: "text/plain".into(),
            len: raw.len() as u64,
        }];
        let mut parts = Vec::new();
        let mut at = raw.len() as u64;
        for (p, src) in sources {
            metas.push(PartMeta {
                name: p.name,
                content_type: p.content_type,
                len: p.len,
            });
            parts.push((at, src));
            at += p.len;
        }
        let content = StoredContent {
            letter: &raw,
            parts,
            len: at,
        };
        hushpost_core::mime::write_message(&raw, &metas, &content, out).map_err(io)
    }
}
