//! The letter `hushpost sendmail` seals: hushpost's own header block (From us, the To/Cc the
//! client showed, Subject, Date, Message-ID, threading) over the client's MIME entity —
//! its Content-* headers and body exactly as written, line ends made CRLF as an MTA makes
//! them on the way out.
//!
//! Must not copy any other header of the client's (User-Agent, its Message-ID, Received,
//! Bcc… could name the host, the software or a hidden recipient).

use hushpost_core::letter::{DOMAIN, Letter, Party};
use mail_builder::headers::Header;
use mail_builder::headers::address::Address;
use mail_builder::headers::date::Date;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::text::Text;
use mail_parser::Message;

/// What a mail client wrote, ready to go under hushpost's headers.
#[derive(Clone, Default)]
pub struct ClientBody {
    /// The To the client showed, as hushpost addresses.
    to: Vec<Party>,
    /// The Cc the client showed.
    cc: Vec<Party>,
    /// The client's Content-* headers, the blank line and the body (CRLF).
    entity: Vec<u8>,
    /// Whether the body has attachments (for the store's list).
    attachments: bool,
}

impl std::fmt::Debug for ClientBody {
    /// Sizes only: a message's words do not belong in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientBody({} bytes)", self.entity.len())
    }
}

/// `bytes` with every bare LF made CRLF.
pub(crate) fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

fn header(out: &mut Vec<u8>, name: &str, value: &impl Header) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    value.write_header(out, name.len() + 2);
}

fn list(parties: &[Party]) -> Address<'static> {
    Address::new_list(
        parties
            .iter()
            .map(|p| {
                Address::new_address(Some(p.name.clone()), format!("{}@{DOMAIN}", p.fingerprint))
            })
            .collect(),
    )
}

impl ClientBody {
    /// The MIME entity of `m` (parsed from `raw`, already CRLF) under the To and Cc shown.
    pub(crate) fn of(m: &Message<'_>, raw: &[u8], to: Vec<Party>, cc: Vec<Party>) -> ClientBody {
        let mut entity = Vec::new();
        for h in m.headers() {
            let name = h.name.as_str().trim().to_ascii_lowercase();
            if name.starts_with("content-") {
                entity.extend_from_slice(&raw[h.offset_field as usize..h.offset_end as usize]);
            }
        }
        entity.extend_from_slice(b"\r\n");
        let body = (m.root_part().offset_body as usize).min(raw.len());
        entity.extend_from_slice(&raw[body..]);
        ClientBody {
            to,
            cc,
            entity,
            attachments: m.attachment_count() > 0,
        }
    }

    /// Whether the client attached files.
    pub(crate) fn has_attachments(&self) -> bool {
        self.attachments
    }

    /// The RFC 5322 bytes: `l`'s From, Subject, Date, Message-ID and threading (its To is
    /// the delivery list, which may hold Bcc recipients: the client's To/Cc are used
    /// instead), then the client's entity.
    pub(crate) fn compose(&self, l: &Letter) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.entity.len() + 1024);
        header(
            &mut out,
            "From",
            &Address::new_address(
                Some(l.from.name.clone()),
                format!("{}@{DOMAIN}", l.from.fingerprint),
            ),
        );
        if !self.to.is_empty() {
            header(&mut out, "To", &list(&self.to));
        }
        if !self.cc.is_empty() {
            header(&mut out, "Cc", &list(&self.cc));
        }
        header(&mut out, "Subject", &Text::new(l.subject.clone()));
        header(&mut out, "Date", &Date::new(l.date as i64));
        header(
            &mut out,
            "Message-ID",
            &MessageId::new(l.message_id.clone()),
        );
        if let Some(r) = &l.in_reply_to {
            header(&mut out, "In-Reply-To", &MessageId::new(r.clone()));
        }
        if !l.references.is_empty() {
            header(
                &mut out,
                "References",
                &MessageId::new_list(l.references.iter().map(String::as_str)),
            );
        }
        out.extend_from_slice(b"MIME-Version: 1.0\r\n");
        out.extend_from_slice(&self.entity);
        out
    }
}
