//! The body of a message: an RFC 5322 e-mail built with `mail-builder` and parsed with
//! `mail-parser`, so exports to Maildir, notmuch and mutt are ordinary mail.
//!
//! Addresses are `"Name" <FINGERPRINT@hushpost.invalid>`: they exist only inside the
//! encryption, and the sender shown to the user always comes from the verified envelope,
//! never from these headers. Attachments travel with `Content-Transfer-Encoding: binary`
//! (the envelope is 8-bit clean), so a 1 GiB file costs 1 GiB, not 1.37.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::message_id::MessageId;
use mail_builder::mime::{BodyPart, MimePart};
use mail_parser::{MessageParser, MimeHeaders};

/// The domain used in every hushpost address and message id.
pub const DOMAIN: &str = "hushpost.invalid";

/// Why a body could not be read as a letter.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// Not parseable as RFC 5322.
    #[error("the message body is not a valid e-mail")]
    Unparseable,
}

/// A person in a header: display name and fingerprint (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Display name.
    pub name: String,
    /// Identity fingerprint, lower-case hex.
    pub fingerprint: String,
}

impl Party {
    fn address(&self) -> String {
        format!("{}@{DOMAIN}", self.fingerprint)
    }
}

/// An attached file.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name (no directories).
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Attachment({:?}, {} bytes)", self.name, self.data.len())
    }
}

/// A message as the user writes and reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// Author.
    pub from: Party,
    /// Recipients (everyone this message was sent to, for reply-all).
    pub to: Vec<Party>,
    /// Subject line.
    pub subject: String,
    /// Unix seconds.
    pub date: u64,
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// The message this replies to.
    pub in_reply_to: Option<String>,
    /// The thread's ancestry, oldest first.
    pub references: Vec<String>,
    /// Plain-text body.
    pub text: String,
    /// Attached files.
    pub attachments: Vec<Attachment>,
}

/// The Message-ID for an envelope msg_id.
pub fn message_id_for(msg_id: &[u8; 16]) -> String {
    format!("{}@{DOMAIN}", hex::encode(msg_id))
}

/// Guesses a MIME type from a file name (a short table; anything else is octet-stream).
pub fn guess_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "md" => "text/plain",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "zip" => "application/zip",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        _ => "application/octet-stream",
    }
}

/// Builds the RFC 5322 bytes.
pub fn build(l: &Letter) -> Vec<u8> {
    let to: Vec<Address<'_>> =
        l.to.iter()
            .map(|p| Address::new_address(Some(p.name.clone()), p.address()))
            .collect();
    let mut b = MessageBuilder::new()
        .from(Address::new_address(
            Some(l.from.name.clone()),
            l.from.address(),
        ))
        .to(Address::new_list(to))
        .subject(l.subject.clone())
        .date(l.date as i64)
        .message_id(l.message_id.clone());
    if let Some(r) = &l.in_reply_to {
        b = b.in_reply_to(r.clone());
    }
    if !l.references.is_empty() {
        b = b.references(MessageId::new_list(l.references.iter().map(String::as_str)));
    }
    let text = MimePart::new(
        "text/plain; charset=utf-8",
        BodyPart::Text(l.text.clone().into()),
    );
    let b = if l.attachments.is_empty() {
        b.body(text)
    } else {
        let mut parts = vec![text];
        for a in &l.attachments {
            parts.push(
                MimePart::new(
                    a.content_type.clone(),
                    BodyPart::Binary(a.data.as_slice().into()),
                )
                .attachment(a.name.clone())
                .transfer_encoding("binary"),
            );
        }
        b.body(MimePart::new("multipart/mixed", parts))
    };
    b.write_to_vec().expect("writing to a Vec cannot fail")
}

fn party_of(addr: Option<&mail_parser::Address<'_>>) -> Vec<Party> {
    addr.map(|a| {
        a.iter()
            .map(|x| Party {
                name: x.name().unwrap_or_default().to_string(),
                fingerprint: x
                    .address()
                    .and_then(|s| s.strip_suffix(&format!("@{DOMAIN}")))
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect()
    })
    .unwrap_or_default()
}

fn ids(v: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    match v {
        mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
        mail_parser::HeaderValue::TextList(l) => l.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

/// Parses RFC 5322 bytes.
pub fn parse(raw: &[u8]) -> Result<Letter, LetterError> {
    let m = MessageParser::default()
        .parse(raw)
        .ok_or(LetterError::Unparseable)?;
    let from = party_of(m.from())
        .into_iter()
        .next()
        .ok_or(LetterError::Unparseable)?;
    let attachments = m
        .attachments()
        .map(|p| Attachment {
            name: p.attachment_name().unwrap_or("attachment").to_string(),
            content_type: p
                .content_type()
                .map(|c| match c.subtype() {
                    Some(s) => format!("{}/{}", c.ctype(), s),
                    None => c.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            data: p.contents().to_vec(),
        })
        .collect();
    Ok(Letter {
        from,
        to: party_of(m.to()),
        subject: m.subject().unwrap_or_default().to_string(),
        date: m
            .date()
            .map(|d| d.to_timestamp().max(0) as u64)
            .unwrap_or(0),
        message_id: m.message_id().unwrap_or_default().to_string(),
        in_reply_to: ids(m.in_reply_to()).into_iter().next(),
        references: ids(m.references()),
        text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        attachments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Letter {
        Letter {
            from: Party {
                name: "Alice Ä".into(),
                fingerprint: "aa".repeat(20),
            },
            to: vec![Party {
                name: "Bob".into(),
                fingerprint: "bb".repeat(20),
            }],
            subject: "Grüße — über alles".into(),
            date: 1_750_000_000,
            message_id: message_id_for(&[1; 16]),
            in_reply_to: Some(message_id_for(&[2; 16])),
            references: vec![message_id_for(&[3; 16]), message_id_for(&[2; 16])],
            text: "Hello Bob,\nline two\n".into(),
            attachments: vec![Attachment {
                name: "data.bin".into(),
                content_type: "application/octet-stream".into(),
                data: (0..=255u8).cycle().take(70_000).collect(),
            }],
        }
    }

    #[test]
    fn round_trip_with_binary_attachment() {
        let l = sample();
        let raw = build(&l);
        assert!(!String::from_utf8_lossy(&raw).contains("User-Agent"));
        let p = parse(&raw).expect("parse");
        assert_eq!(p.from, l.from);
        assert_eq!(p.to, l.to);
        assert_eq!(p.subject, l.subject);
        assert_eq!(p.date, l.date);
        assert_eq!(p.message_id, l.message_id);
        assert_eq!(p.in_reply_to, l.in_reply_to);
        assert_eq!(p.references, l.references);
        assert_eq!(p.text.replace("\r\n", "\n"), l.text);
        assert_eq!(p.attachments, l.attachments);
        // binary transfer encoding: no base64 expansion
        assert!(raw.len() < 70_000 + 2_000, "{}", raw.len());
    }

    #[test]
    fn no_attachments_is_a_single_part() {
        let mut l = sample();
        l.attachments.clear();
        let p = parse(&build(&l)).expect("parse");
        assert!(p.attachments.is_empty());
        assert_eq!(p.text.replace("\r\n", "\n"), l.text);
    }
}
