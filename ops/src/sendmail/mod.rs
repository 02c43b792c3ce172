//! `hushpost sendmail`: a message a mail client wrote (RFC 5322, as sendmail and msmtp take
//! it on stdin) sent through the one send path. Recipients are contact names or the
//! addresses hushpost writes (`FINGERPRINT@hushpost.invalid`, or `NAME@hushpost.invalid`
//! for clients that want an @), from the arguments or (`-t`) the To/Cc/Bcc headers; all are
//! checked before anything is sent. The address the client sends as (its From, `-f`) is
//! the user, not a recipient (git send-email copies the author into Cc). What the client wrote
//! of the message — Subject, the MIME body and its attachments — is kept; who it is from,
//! the date and the Message-ID are hushpost's; In-Reply-To/References are mapped to
//! hushpost's message ids (the client's own ids are remembered in the encrypted store when
//! hushpost replaces them, so a series or a reply threads).
//!
//! Must not send to anyone when any recipient is unknown, write a Bcc recipient into what
//! is sent, or pass on a message id hushpost did not make (it could name the client's host).

mod compose;

pub use compose::ClientBody;

use crate::error::Error;
use crate::send::{SendReport, SendRequest};
use crate::session::Session;
use hushpost_core::identity::Fingerprint;
use hushpost_core::letter::{DOMAIN, Party};
use mail_parser::{Address, HeaderValue, Message, MessageParser};

/// What a mail client asked `sendmail` to do.
#[derive(Debug, Clone, Default)]
pub struct SendmailRequest {
    /// The message as the client wrote it.
    pub message: Vec<u8>,
    /// Recipients from the command line.
    pub recipients: Vec<String>,
    /// `-t`: the To, Cc and Bcc headers name recipients too.
    pub from_headers: bool,
    /// The envelope sender the client gave (`-f ADDR`, `-r ADDR`): the user's own address
    /// in the client, like the message's From.
    pub envelope_from: Option<String>,
}

/// Why `sendmail` sent nothing.
#[derive(Debug, thiserror::Error)]
pub enum SendmailError {
    /// No recipient at all (other than ourselves).
    #[error(
        "no recipients other than you: name contacts as arguments, or use -t to take them from To, Cc and Bcc"
    )]
    NoRecipients,
    /// stdin held no RFC 5322 message.
    #[error("stdin holds no RFC 5322 message")]
    Unreadable,
    /// Recipients that are no contact; nothing was sent to anyone.
    #[error(
        "unknown recipient{}: {} (use a contact's name or FINGERPRINT@{DOMAIN}); nothing was sent",
        if .0.len() == 1 { "" } else { "s" },
        .0.join(", ")
    )]
    Unknown(Vec<String>),
    /// The send failed before anything left.
    #[error(transparent)]
    Ops(#[from] Error),
}

/// What `sendmail` did.
#[derive(Debug, Clone)]
pub struct SendmailReport {
    /// Per recipient, as `send` reports it.
    pub sent: SendReport,
    /// Things the user should know (From replaced, a header address left out).
    pub notes: Vec<String>,
}

/// A recipient string as a contact.
enum Resolved {
    /// A contact (local name).
    Contact(String),
    /// Our own address.
    Me,
    /// Neither.
    Unknown,
}

/// The bare address of `s`: `Name <addr>` → `addr`.
fn bare(s: &str) -> &str {
    let s = s.trim();
    match (s.rfind('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => s[a + 1..b].trim(),
        _ => s,
    }
}

fn addresses(a: Option<&Address<'_>>) -> Vec<String> {
    a.map(|a| {
        a.iter()
            .filter_map(|x| x.address().or(x.name()))
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

const ID_KEY: &str = "sendmail-id:";

/// Whether `id` has the shape of a Message-ID hushpost makes (32 hex digits at its domain).
fn is_ours(id: &str) -> bool {
    id.strip_suffix(&format!("@{DOMAIN}"))
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The addresses the client sends as (the message's From, `-f`), lower case: the user, not
/// a recipient (git send-email copies the patch author, often that address, into Cc).
fn own_addresses(req: &SendmailRequest, m: &Message<'_>) -> Vec<String> {
    let mut own: Vec<String> = addresses(m.from())
        .into_iter()
        .chain(req.envelope_from.clone())
        .map(|a| bare(&a).to_ascii_lowercase())
        .filter(|a| a.contains('@'))
        .collect();
    own.dedup();
    own
}

impl Session {
    fn resolve(&self, who: &str, own: &[String]) -> Resolved {
        let who = bare(who);
        let lower = who.to_ascii_lowercase();
        if own.contains(&lower) {
            return Resolved::Me;
        }
        if let Some(fp) = lower.strip_suffix(&format!("@{DOMAIN}")) {
            if fp == self.keys.identity().public().fingerprint().hex() {
                return Resolved::Me;
            }
            if let Some(n) = self.inbox.peers.name_by_fingerprint(fp) {
                return Resolved::Contact(n.to_string());
            }
            // `NAME@hushpost.invalid`: a contact's name where the client wants an address
            // (aerc and others refuse a To without an @).
            let name = &who[..fp.len()];
            return match self.keys.contact(name) {
                Ok(v) => Resolved::Contact(v.name),
                Err(_) => Resolved::Unknown,
            };
        }
        match self.keys.contact(who) {
            Ok(v) => Resolved::Contact(v.name),
            Err(_) => Resolved::Unknown,
        }
    }

    /// The party a header shows for a resolved address.
    fn party(&self, r: &Resolved) -> Option<Party> {
        match r {
            Resolved::Contact(n) => self.keys.contact(n).ok().map(|v| Party {
                name: v.card_name,
                fingerprint: Fingerprint::of(&v.ed).hex(),
            }),
            Resolved::Me => Some(Party {
                name: self.keys.name().to_string(),
                fingerprint: self.keys.identity().public().fingerprint().hex(),
            }),
            Resolved::Unknown => None,
        }
    }

    /// The contacts to send to, all checked; unknown ones are an error naming each.
    fn recipients(
        &self,
        req: &SendmailRequest,
        m: &Message<'_>,
        own: &[String],
    ) -> Result<Vec<String>, SendmailError> {
        let mut wanted = req.recipients.clone();
        if req.from_headers {
            wanted.extend(addresses(m.to()));
            wanted.extend(addresses(m.cc()));
            wanted.extend(addresses(m.bcc()));
        }
        let (mut names, mut unknown) = (Vec::new(), Vec::new());
        for w in wanted.iter().filter(|w| !w.trim().is_empty()) {
            match self.resolve(w, own) {
                Resolved::Contact(n) if !names.contains(&n) => names.push(n),
                Resolved::Unknown if !unknown.contains(w) => unknown.push(w.clone()),
                _ => {}
            }
        }
        if !unknown.is_empty() {
            return Err(SendmailError::Unknown(unknown));
        }
        if names.is_empty() {
            return Err(SendmailError::NoRecipients);
        }
        Ok(names)
    }

    /// The parties of a To or Cc header, as hushpost addresses them.
    fn shown(
        &self,
        a: Option<&Address<'_>>,
        own: &[String],
        notes: &mut Vec<String>,
    ) -> Vec<Party> {
        let mut out: Vec<Party> = Vec::new();
        for w in addresses(a) {
            match self.party(&self.resolve(&w, own)) {
                Some(p) if !out.contains(&p) => out.push(p),
                Some(_) => {}
                None => notes.push(format!(
                    "{}: not a hushpost contact, left out of To/Cc",
                    hushpost_core::sanitize::one_line(&w)
                )),
            }
        }
        out
    }

    /// Message ids as hushpost knows them: the client's are mapped to the ids hushpost gave
    /// those messages, hushpost's own pass, the rest are dropped. (A client's id may end in
    /// `@hushpost.invalid` too: git send-email takes the domain from From.)
    fn mapped_ids(&mut self, v: &HeaderValue<'_>) -> crate::Result<Vec<String>> {
        let mut out = Vec::new();
        for id in ids(v) {
            let id = match self.store()?.meta_get(&format!("{ID_KEY}{id}"))? {
                Some(ours) => Some(ours),
                None => is_ours(&id).then_some(id),
            };
            if let Some(id) = id.filter(|i| !out.contains(i)) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Sends a message a mail client wrote; see the module documentation.
    pub fn sendmail(&mut self, req: &SendmailRequest) -> Result<SendmailReport, SendmailError> {
        let raw = compose::crlf(&req.message);
        let m = MessageParser::default()
            .parse(&raw)
            .filter(|m| !m.headers().is_empty())
            .ok_or(SendmailError::Unreadable)?;
        let own = own_addresses(req, &m);
        let to = self.recipients(req, &m, &own)?;
        let mut notes = Vec::new();
        let me = format!(
            "{}@{DOMAIN}",
            self.keys.identity().public().fingerprint().hex()
        );
        if addresses(m.from())
            .iter()
            .any(|a| !bare(a).eq_ignore_ascii_case(&me))
        {
            notes.push(format!(
                "From: replaced by your hushpost identity ({})",
                hushpost_core::sanitize::one_line(self.keys.name())
            ));
        }
        let body = ClientBody::of(
            &m,
            &raw,
            self.shown(m.to(), &own, &mut notes),
            self.shown(m.cc(), &own, &mut notes),
        );
        let request = SendRequest {
            to,
            // One line: an encoded line break must not become a header of its own.
            subject: m.subject().unwrap_or_default().replace(['\r', '\n'], " "),
            in_reply_to: self.mapped_ids(m.in_reply_to())?.into_iter().next(),
            references: self.mapped_ids(m.references())?,
            client: Some(body),
            ..SendRequest::default()
        };
        let sent = self.send(&request, &mut |_| {})?;
        if let Some(theirs) = m.message_id().filter(|i| !i.is_empty())
            && sent.id.is_some()
        {
            self.store()?
                .meta_set(&format!("{ID_KEY}{theirs}"), &sent.message_id)
                .map_err(Error::from)?;
        }
        Ok(SendmailReport { sent, notes })
    }
}

#[cfg(test)]
mod tests;
