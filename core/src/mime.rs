//! Rebuilds a standard RFC 5322 / MIME message from a v2 message's parts, as a stream: the
//! letter (part 0) keeps its headers, the attachments become base64 MIME parts. This is what
//! a Maildir export and `read --raw` hand to notmuch, mutt or aerc, in bounded memory
//! (57 KiB of content and 78 KiB of base64 at a time), however large the attachments.
//!
//! Must not: hold an attachment in memory, or let a part name break out of its header.

use crate::envelope::v2::{ContentSource, PartMeta};
use base64::Engine;
use std::io::{self, Write};

/// Content bytes read and encoded per step (a multiple of 57, so lines stay 76 columns).
const STEP: usize = 57 * 1024;

/// Writes the message: `letter` is part 0's bytes, `content` the whole content (all parts
/// concatenated, as the receiver stored it), `parts` the head's part list.
pub fn write_message(
    letter: &[u8],
    parts: &[PartMeta],
    content: &dyn ContentSource,
    out: &mut dyn Write,
) -> io::Result<()> {
    if parts.len() <= 1 {
        return out.write_all(letter);
    }
    let (head, body) = split_header(letter);
    let boundary = boundary_for(body);
    let mut inner_type: Vec<&[u8]> = Vec::new();
    for field in header_fields(head) {
        let name = field.split(|b| *b == b':').next().unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        if lower == b"content-type" || lower == b"content-transfer-encoding" {
            inner_type.push(field);
        } else if lower != b"mime-version" {
            out.write_all(field)?;
        }
    }
    write!(
        out,
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n"
    )?;
    if inner_type.is_empty() {
        out.write_all(b"Content-Type: text/plain; charset=utf-8\r\n")?;
    }
    for f in inner_type {
        out.write_all(f)?;
    }
    out.write_all(b"\r\n")?;
    out.write_all(body)?;
    // The line break before a boundary belongs to the boundary (RFC 2046 §5.1.1).
    out.write_all(b"\r\n")?;
    let mut offset = parts[0].len;
    let mut raw = vec![0u8; STEP];
    let mut text = Vec::with_capacity(STEP / 57 * 78);
    for p in &parts[1..] {
        let name = header_param("filename", &p.name);
        let ctype = if crate::envelope::v2::valid_content_type(&p.content_type) {
            p.content_type.as_str()
        } else {
            "application/octet-stream"
        };
        write!(
            out,
            "--{boundary}\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; {name}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        )?;
        let mut left = p.len;
        while left > 0 {
            let n = left.min(STEP as u64) as usize;
            content.read_exact_at(&mut raw[..n], offset)?;
            text.clear();
            for line in raw[..n].chunks(57) {
                let at = text.len();
                text.resize(at + 76, 0);
                let w = base64::engine::general_purpose::STANDARD
                    .encode_slice(line, &mut text[at..])
                    .map_err(|_| io::Error::other("base64 line overflow"))?;
                text.truncate(at + w);
                text.extend_from_slice(b"\r\n");
            }
            out.write_all(&text)?;
            offset += n as u64;
            left -= n as u64;
        }
    }
    write!(out, "--{boundary}--\r\n")
}

/// Splits at the first empty line (CRLF or LF); no empty line = all header.
fn split_header(m: &[u8]) -> (&[u8], &[u8]) {
    for (sep, len) in [(&b"\r\n\r\n"[..], 4usize), (&b"\n\n"[..], 2)] {
        if let Some(i) = m.windows(len).position(|w| w == sep) {
            return (&m[..i + len / 2], &m[i + len..]);
        }
    }
    (m, &[])
}

/// Header fields with their folded continuation lines, each ending in its line break.
fn header_fields(h: &[u8]) -> Vec<&[u8]> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < h.len() {
        if h[i] == b'\n' {
            let next = h.get(i + 1);
            if !matches!(next, Some(b' ' | b'\t')) {
                fields.push(&h[start..=i]);
                start = i + 1;
            }
        }
        i += 1;
    }
    if start < h.len() {
        fields.push(&h[start..]);
    }
    fields
}

/// A boundary that does not occur in the letter's body (the attachments are base64).
fn boundary_for(body: &[u8]) -> String {
    use rand::RngCore;
    loop {
        let mut r = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut r);
        let b = format!("hushpost-{}", hex::encode(r));
        if !body.windows(b.len()).any(|w| w == b.as_bytes()) {
            return b;
        }
    }
}

/// `filename="name"` for plain ASCII names, else RFC 2231 `filename*=utf-8''%XX…`.
fn header_param(param: &str, value: &str) -> String {
    let plain = value
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' && b != b'%');
    if plain {
        return format!("{param}=\"{value}\"");
    }
    let mut s = format!("{param}*=utf-8''");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::v2::Body;

    #[test]
    fn rebuilt_message_parses_with_its_attachments() {
        let letter = crate::letter::build(&crate::letter::Letter {
            from: crate::letter::Party {
                name: "Alice".into(),
                fingerprint: "aa".repeat(20),
            },
            to: vec![],
            subject: "files".into(),
            date: 1_750_000_000,
            message_id: "x@hushpost.invalid".into(),
            in_reply_to: None,
            references: vec![],
            text: "two files\n".into(),
            attachments: vec![],
        });
        let a: Vec<u8> = (0..200_000u32).map(|i| (i * 7) as u8).collect();
        let b = b"tiny".to_vec();
        let body = Body::new(&letter)
            .attach("a.bin", "application/octet-stream", &a)
            .and_then(|x| x.attach("Grüße \"q\".txt", "text/plain", &b))
            .expect("parts");
        let mut out = Vec::new();
        write_message(&letter, body.parts(), &body, &mut out).expect("write");
        let parsed = crate::letter::parse(&out).expect("parses");
        assert_eq!(parsed.subject, "files");
        assert_eq!(parsed.text.replace("\r\n", "\n"), "two files\n");
        assert_eq!(parsed.attachments.len(), 2);
        assert_eq!(parsed.attachments[0].data, a);
        assert_eq!(parsed.attachments[1].name, "Grüße \"q\".txt");
        assert_eq!(parsed.attachments[1].data, b);
        assert!(out.split(|c| *c == b'\n').all(|l| l.len() <= 998));
    }
}
