//! Sending: build the RFC 5322 letter, seal one blob set per recipient (never a
//! multi-recipient file), and hand it to the first of the contact's routes that works —
//! only routes the user allowed for that contact, in their order, each dialled by its plan.
//! On a cover-traffic route the blobs wait in the outbox for a regular slot instead.

pub(crate) mod chaff;
mod deliver;

use crate::error::{Error, Result};
use crate::session::Session;
use hushpost_core::envelope;
use hushpost_core::letter::{self, Attachment, Letter, Party};
use hushpost_core::route::{Route, RouteKind, Via};
use hushpost_store::DeliveryState;
use serde::Serialize;
use std::path::PathBuf;

/// What to send.
#[derive(Debug, Default, Clone)]
pub struct SendRequest {
    /// Contact names.
    pub to: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// Files to attach.
    pub attachments: Vec<PathBuf>,
    /// The network mode for this message (`--via`), overriding the contact's and the
    /// global one.
    pub via: Option<Via>,
    /// Only routes of this kind (`--route`).
    pub route: Option<RouteKind>,
    /// Message-ID this replies to.
    pub in_reply_to: Option<String>,
    /// Thread ancestry.
    pub references: Vec<String>,
    /// Ask recipients to delete it after this many seconds.
    pub expire_secs: Option<u64>,
    /// Ask recipients to delete it once read.
    pub burn_after_reading: bool,
    /// Send at once even on a route with cover traffic (reveals the moment of sending).
    pub now: bool,
    /// A later route of a recipient may take it if the first fails (`--fallback`).
    pub fallback: bool,
    /// A mail client's message (`hushpost sendmail`): its MIME body and the To/Cc it showed
    /// replace `text` and `attachments`; everything else is as for any send.
    pub client: Option<crate::sendmail::ClientBody>,
}

/// Where one recipient's copy went.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// The route that took it.
    pub route: String,
    /// Number of blobs.
    pub blobs: usize,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Queued for the next cover-traffic slot of `hushpost poll` rather than sent now.
    pub queued: bool,
    /// Went through Tor.
    pub tor: bool,
}

/// The outcome for one recipient.
#[derive(Debug, Clone, Serialize)]
pub struct RecipientReport {
    /// Contact name.
    pub name: String,
    /// Sent, queued (for a cover-traffic slot, or for a retry), held (needs the user) or
    /// failed.
    pub state: DeliveryState,
    /// Where it went or waits.
    pub delivered: Option<Delivery>,
    /// It could not leave yet and is kept in the outbox, to be retried.
    pub retrying: bool,
    /// The later route it went to because the first failed (fallback was allowed).
    pub fell_back: Option<String>,
    /// When it leaves or why it waits.
    pub reason: String,
    /// Why each tried route failed.
    pub errors: Vec<String>,
}

impl RecipientReport {
    pub(crate) fn new(name: &str) -> RecipientReport {
        RecipientReport {
            name: name.to_string(),
            state: DeliveryState::Queued,
            delivered: None,
            retrying: false,
            fell_back: None,
            reason: String::new(),
            errors: Vec::new(),
        }
    }

    /// It left, or waits only for a regular cover-traffic slot.
    pub fn on_its_way(&self) -> bool {
        self.state == DeliveryState::Sent || (self.state == DeliveryState::Queued && !self.retrying)
    }
}

/// The outcome of a send.
#[derive(Debug, Clone, Serialize)]
pub struct SendReport {
    /// Local id of the sent copy.
    pub id: Option<i64>,
    /// The Message-ID.
    pub message_id: String,
    /// Per recipient.
    pub recipients: Vec<RecipientReport>,
}

impl SendReport {
    /// Whether every recipient's copy left or waits only for a cover-traffic slot.
    pub fn all_delivered(&self) -> bool {
        self.recipients.iter().all(RecipientReport::on_its_way)
    }
}

/// Progress of a send, for progress bars.
#[derive(Debug, Clone, Copy)]
pub struct SendProgress {
    /// Blobs put so far (all recipients).
    pub done: usize,
    /// Blobs in total (all recipients, first route each).
    pub total: usize,
}

/// One recipient, checked before anything is sent.
pub(crate) struct Target {
    pub(crate) name: String,
    pub(crate) card_name: String,
    pub(crate) index: usize,
    pub(crate) id: hushpost_core::PublicIdentity,
    pub(crate) routes: Vec<Route>,
}

impl Session {
    /// Sends a message to one or more contacts.
    pub fn send(
        &mut self,
        req: &SendRequest,
        progress: &mut dyn FnMut(SendProgress),
    ) -> Result<SendReport> {
        if req.to.is_empty() {
            return Err(Error::Invalid("no recipient: use --to NAME".into()));
        }
        // Everything that can fail locally fails before anything is sent.
        let targets = self.targets(req)?;
        let attachments = read_attachments(&req.attachments)?;
        let now = self.now();
        let msg_id = envelope::new_msg_id();
        let me = self.keys.identity().public();
        let l = Letter {
            from: Party {
                name: self.keys.name().to_string(),
                fingerprint: me.fingerprint().hex(),
            },
            to: targets
                .iter()
                .map(|t| Party {
                    name: t.card_name.clone(),
                    fingerprint: t.id.fingerprint().hex(),
                })
                .collect(),
            subject: req.subject.clone(),
            date: now,
            message_id: letter::message_id_for(&msg_id),
            in_reply_to: req.in_reply_to.clone(),
            references: req.references.clone(),
            text: req.text.clone(),
            attachments,
        };
        let raw = match &req.client {
            Some(c) => c.compose(&l),
            None => letter::build(&l),
        };
        let has_attachments =
            !req.attachments.is_empty() || req.client.as_ref().is_some_and(|c| c.has_attachments());
        // The sent copy is stored before anything is sealed or dialled: whatever happens
        // next, the message (a piped body too) is not lost, and its deliveries say where
        // each copy stands.
        let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
        let id = self.keep_sent(req, msg_id, &raw, now, has_attachments, &names)?;
        let reports = match id {
            Some(id) => self.deliver_all(req, &targets, (id, msg_id), &raw, now, progress)?,
            None => Vec::new(),
        };
        // A sent folder in `[maildir]` gets the copy (logic in `maildir/`).
        self.sync_live_maildir();
        Ok(SendReport {
            id,
            message_id: letter::message_id_for(&msg_id),
            recipients: reports,
        })
    }

    /// Resolves the recipients and the routes each may use.
    fn targets(&self, req: &SendRequest) -> Result<Vec<Target>> {
        let mut out = Vec::new();
        for name in &req.to {
            let view = self.keys.contact(name)?;
            let index = self
                .keys
                .contact_index(name)
                .ok_or_else(|| Error::UnknownContact(name.clone()))?;
            let c = &self.keys.contact_states()[index];
            let (_, id) = crate::keys::contact_public(c)
                .ok_or_else(|| Error::NoRoute(name.clone(), String::new()))?;
            let mut routes = self.keys.routes_of(c);
            if let Some(kind) = req.route {
                routes.retain(|r| r.kind() == kind);
                if routes.is_empty() {
                    return Err(Error::NoRouteVia(name.clone(), kind.to_string()));
                }
            }
            if routes.is_empty() {
                return Err(Error::NoRoute(name.clone(), crate::intro::held_note(&view)));
            }
            out.push(Target {
                name: view.name,
                card_name: view.card_name,
                index,
                id,
                routes,
            });
        }
        Ok(out)
    }

    /// Keeps our own copy of what was sent.
    fn keep_sent(
        &mut self,
        req: &SendRequest,
        msg_id: [u8; 16],
        raw: &[u8],
        now: u64,
        has_attachments: bool,
        delivered: &[String],
    ) -> Result<Option<i64>> {
        let parsed = letter::parse(raw).ok();
        let expires_at = req.expire_secs.map_or(0, |s| now + s.max(1));
        let msg = hushpost_store::NewMessage {
            sender: self.keys.identity().ed_public(),
            msg_id,
            outgoing: true,
            peer: delivered.join(", "),
            subject: req.subject.clone(),
            sent_at: now,
            received_at: now,
            message_id: letter::message_id_for(&msg_id),
            in_reply_to: req.in_reply_to.clone(),
            references: req.references.clone(),
            text: parsed.map(|p| p.text).unwrap_or_default(),
            has_attachments,
            expires_at,
            burn: false,
            verified: true,
            prev_hash: [0; 32],
            chain: [0; 32],
            raw,
        };
        Ok(match self.store()?.insert_batch(&[msg])?.first() {
            Some(hushpost_store::Inserted::New(id)) => Some(*id),
            _ => None,
        })
    }
}

fn read_attachments(paths: &[PathBuf]) -> Result<Vec<Attachment>> {
    let mut out = Vec::new();
    for path in paths {
        let data = std::fs::read(path).map_err(|e| Error::Attachment(path.clone(), e))?;
        let name = hushpost_core::sanitize::file_name(
            &path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        out.push(Attachment {
            content_type: letter::guess_type(&name).into(),
            name,
            data,
        });
    }
    Ok(out)
}
