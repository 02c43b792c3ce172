//! The copy of a message that leaves hushpost's own screens (the live Maildir, `export`,
//! `read --raw`), with headers that tell the truth: `From` is the sender the sealed
//! envelope proved (their contact name and fingerprint address), an `Authentication-Results`
//! header says so, and the sender's own From/Sender/Reply-To (which anyone can write) are
//! dropped — a claimed From that differs survives only as `X-Hushpost-Claimed-From`.
//!
//! Must not keep any header a mail client would show or obey as the author or the reply
//! address, nor an `Authentication-Results` the sender wrote; the body is left byte for byte.

use super::PeerIndex;
use hushpost_core::identity::Fingerprint;
use hushpost_core::letter::DOMAIN;
use hushpost_store::Summary;
use mail_builder::headers::Header;
use mail_builder::headers::address::Address;
use mail_builder::headers::date::Date;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_parser::MessageParser;

/// The `authserv-id` of every `Authentication-Results` header hushpost writes.
pub const AUTHSERV_ID: &str = "hushpost";

/// Headers of the sender's that are never passed on: who wrote it and where replies go are
/// hushpost's to say, as are authentication results.
const DROPPED: &[&str] = &[
    "from",
    "sender",
    "reply-to",
    "mail-reply-to",
    "mail-followup-to",
    "resent-from",
    "resent-sender",
    "return-path",
    "authentication-results",
    "arc-authentication-results",
];

/// What hushpost knows about the sender of a stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sender {
    /// The contact name (or the name at arrival, if no longer a contact).
    pub(crate) name: String,
    /// `FINGERPRINT@hushpost.invalid`.
    pub(crate) address: String,
    /// Verified by safety number (`None`: no longer a contact).
    pub(crate) verified: Option<bool>,
}

impl Sender {
    /// The sender of `s` as `peers` knows them.
    pub(crate) fn of(peers: &PeerIndex, s: &Summary) -> Sender {
        let address = format!("{}@{DOMAIN}", Fingerprint::of(&s.sender).hex());
        match peers.by_key.get(&s.sender) {
            Some((name, verified)) => Sender {
                name: name.clone(),
                address,
                verified: Some(*verified),
            },
            None => Sender {
                name: s.peer.clone(),
                address,
                verified: None,
            },
        }
    }

    fn display_name(&self) -> String {
        match self.verified {
            Some(true) => self.name.clone(),
            Some(false) => format!("{} (unverified)", self.name),
            None => format!("{} (not a contact)", self.name),
        }
    }

    fn results(&self) -> String {
        let contact = match self.verified {
            Some(true) => "verified (safety number compared)",
            Some(false) => "unverified (safety number not compared)",
            None => "none (no longer a contact)",
        };
        format!(
            "{AUTHSERV_ID}; x-hushpost-signature=pass (sealed and signed by the sender's key) header.from={}; x-hushpost-contact={contact}",
            self.address
        )
    }
}

fn header(out: &mut Vec<u8>, name: &str, value: &impl Header) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    value.write_header(out, name.len() + 2);
}

/// The copy of stored message `s` (raw RFC 5322 bytes `raw`) that may leave hushpost.
/// Mail we sent is ours already and passes unchanged.
pub(crate) fn outside_copy(peers: &PeerIndex, s: &Summary, raw: &[u8]) -> Vec<u8> {
    let (mut out, body) = outside_header(peers, s, raw);
    out.extend_from_slice(&raw[body..]);
    out
}

/// The header block of the outside copy (ending with its blank line) and where in `raw` the
/// body it goes on with starts — so a large message is never copied whole.
pub(crate) fn outside_header(peers: &PeerIndex, s: &Summary, raw: &[u8]) -> (Vec<u8>, usize) {
    if s.outgoing {
        return (Vec::new(), 0);
    }
    let sender = Sender::of(peers, s);
    let parsed = MessageParser::default().parse_headers(raw);
    let mut out = Vec::with_capacity(2048);
    header(
        &mut out,
        "From",
        &Address::new_address(Some(sender.display_name()), sender.address.clone()),
    );
    header(
        &mut out,
        "Authentication-Results",
        &Raw::new(sender.results()),
    );
    let Some(m) = parsed else {
        // Not even a header block: what the sender wrote is the body.
        out.extend_from_slice(b"\r\n");
        return (out, 0);
    };
    let claimed: Vec<String> = m
        .from()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.address())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let forged = claimed
        .iter()
        .any(|a| !a.eq_ignore_ascii_case(&sender.address));
    let mut has_date = false;
    let mut has_id = false;
    for h in m.headers() {
        // `From : x` (obsolete syntax, space before the colon) is still a From to a client.
        let name = h.name.as_str().trim().to_ascii_lowercase();
        let field = &raw[h.offset_field as usize..h.offset_end as usize];
        if name == "from" && forged {
            out.extend_from_slice(b"X-Hushpost-Claimed-From:");
            out.extend_from_slice(&raw[h.offset_start as usize..h.offset_end as usize]);
            continue;
        }
        if DROPPED.contains(&name.as_str()) || name.starts_with("x-hushpost-") {
            continue;
        }
        has_date |= name == "date";
        has_id |= name == "message-id";
        out.extend_from_slice(field);
    }
    if !has_date {
        header(&mut out, "Date", &Date::new(s.date as i64));
    }
    if !has_id && !s.message_id.is_empty() {
        header(
            &mut out,
            "Message-ID",
            &MessageId::new(s.message_id.clone()),
        );
    }
    // Our blank line ends the header block; the body follows byte for byte.
    out.extend_from_slice(b"\r\n");
    (out, body_start(raw))
}

/// Where the body begins: after the first line of the header block that holds nothing but
/// white space (where `mail-parser` ends the headers too; its header-only parse does not say).
fn body_start(raw: &[u8]) -> usize {
    let mut start = 0;
    while start < raw.len() {
        let end = raw[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| start + i + 1);
        if raw[start..end].iter().all(u8::is_ascii_whitespace) {
            return end;
        }
        start = end;
    }
    raw.len()
}

#[cfg(test)]
mod tests;
