//! Sending: build the RFC 5322 letter (text only), attach files as parts of their own that
//! are streamed from disk, seal one envelope-v2 copy per recipient (never a multi-recipient
//! file), and hand it to the first of the contact's routes that works — only routes the
//! user allowed for that contact, in their order, each dialled by its plan. On a
//! cover-traffic route the blobs wait in the outbox for a regular slot instead.
//!
//! Must not: read an attachment whole into memory, or lose the message: the sent copy is
//! stored before anything is sealed.

pub(crate) mod chaff;
mod deliver;
mod resume;
mod seal;

use crate::error::{Error, Result};
use crate::session::Session;
use hushpost_core::envelope;
use hushpost_core::letter::{self, Letter, Party};
use hushpost_core::route::{Route, RouteKind, Via};
use hushpost_store::{DeliveryState, Incoming, NewPart, PartData};
use serde::Serialize;
use std::path::PathBuf;

pub(crate) use seal::{Attached, DraftRecord};

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
    /// Of those, on the drop now (the rest waits in the outbox).
    pub on_drop: usize,
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
    /// Part of it is on the drop and the rest waits in the outbox until the recipient makes
    /// room (a relay keeps a bounded number of blobs per mailbox): on its way, not failed.
    pub flowing: bool,
    /// The later route it went to because the first failed (fallback was allowed).
    pub fell_back: Option<String>,
    /// When it leaves or why it waits.
    pub reason: String,
    /// Queued for cover-traffic slots: about how many seconds until it has left, from the
    /// schedule (its place in the route's queue and the slots per tick).
    pub eta_secs: Option<u64>,
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
            flowing: false,
            fell_back: None,
            reason: String::new(),
            eta_secs: None,
            errors: Vec::new(),
        }
    }

    /// It left, or waits only for a regular cover-traffic slot or for the recipient to make
    /// room for the rest of a large message.
    pub fn on_its_way(&self) -> bool {
        self.state == DeliveryState::Sent
            || (self.state == DeliveryState::Queued && (!self.retrying || self.flowing))
    }
}

/// The outcome of a send.
#[derive(Debug, Clone, Serialize)]
pub struct SendReport {
    /// Local id of the sent copy.
    #[serde(skip)]
    pub id: Option<i64>,
    /// Its number among sent mail (`read s3`): `id` in JSON.
    #[serde(rename = "id")]
    pub number: Option<i64>,
    /// The Message-ID.
    pub message_id: String,
    /// Per recipient.
    pub recipients: Vec<RecipientReport>,
    /// Earlier sends that had been interrupted and were resumed first.
    pub resumed: usize,
}

impl SendReport {
    /// Whether every recipient's copy left or waits only for a cover-traffic slot.
    pub fn all_delivered(&self) -> bool {
        self.recipients.iter().all(RecipientReport::on_its_way)
    }
}

/// What a send is doing, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SendPhase {
    /// Reading the attachments once to commit to their content (the head signs it).
    Preparing,
    /// Sealing and putting blobs on the drop.
    Sending,
    /// Sealing blobs into the outbox: they wait for cover-traffic slots, or for the drop to
    /// take more (the rest of a large message, as the recipient makes room).
    Queueing,
}

/// Progress of a send, for progress bars, in bytes of the message itself (the letter and
/// the files, as the user knows their size) over the whole send (every recipient's copy).
/// `Preparing` counts what was read so far; `Sending` and `Queueing` count only what the
/// drops acknowledged — not what is sealed ahead of the upload, nor what waits in the
/// outbox: a send that leaves pieces queued ends short of the total.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SendProgress {
    /// What is happening now.
    pub phase: SendPhase,
    /// Content bytes read (`Preparing`), else content bytes on the drops.
    pub done: u64,
    /// Content bytes in all.
    pub total: u64,
    /// Blobs put on drops so far (all recipients).
    pub blobs: u64,
    /// Blobs written into the outbox instead, to leave later.
    pub queued: u64,
    /// Bytes put on drops so far.
    pub wire: u64,
}

/// One recipient, checked before anything is sent.
pub(crate) struct Target {
    pub(crate) name: String,
    pub(crate) card_name: String,
    pub(crate) index: usize,
    pub(crate) id: hushpost_core::PublicIdentity,
    pub(crate) routes: Vec<Route>,
}

/// Attachments this small in all are kept in our sent copy (they fit one blob anyway);
/// larger ones stay where the user sent them from.
const KEEP_SENT: u64 = 256 << 10;

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
        let files = seal::open_attachments(&req.attachments)?;
        // A send that was interrupted (killed mid-way) goes first, so this message's chain
        // follows it.
        let resumed = self.resume_interrupted(&mut |_| {})?;
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
            // Attachments are parts of the v2 envelope, not MIME inside the letter.
            attachments: Vec::new(),
        };
        let raw = match &req.client {
            Some(c) => c.compose(&l),
            None => letter::build(&l),
        };
        // The sent copy is stored before anything is sealed or dialled: whatever happens
        // next, the message (a piped body too) is not lost, and its deliveries say where
        // each copy stands.
        let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
        let id = self.keep_sent(req, msg_id, &raw, now, &files, &names)?;
        let reports = match id {
            Some(id) => {
                self.deliver_all(req, &targets, (id, msg_id), &raw, &files, now, progress)?
            }
            None => Vec::new(),
        };
        // A sent folder in `[maildir]` gets the copy (logic in `maildir/`).
        self.sync_live_maildir();
        let number = match id {
            Some(id) => self.store()?.num_of(id)?,
            None => None,
        };
        Ok(SendReport {
            id,
            number,
            message_id: letter::message_id_for(&msg_id),
            recipients: reports,
            resumed,
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

    /// Keeps our own copy of what was sent: the letter, and the attachments' names, types
    /// and sizes (their bytes too when they are small).
    fn keep_sent(
        &mut self,
        req: &SendRequest,
        msg_id: [u8; 16],
        raw: &[u8],
        now: u64,
        files: &[Attached],
        delivered: &[String],
    ) -> Result<Option<i64>> {
        let parsed = letter::parse(raw).ok();
        let expires_at = req.expire_secs.map_or(0, |s| now + s.max(1));
        let total: u64 = files.iter().map(|f| f.meta.len).sum();
        let kept: Vec<Option<Vec<u8>>> = files
            .iter()
            .map(|f| (total <= KEEP_SENT).then(|| f.read_all()).transpose())
            .collect::<Result<_>>()?;
        let parts: Vec<NewPart<'_>> = files
            .iter()
            .zip(kept.iter())
            .enumerate()
            .map(|(i, (f, k))| NewPart {
                idx: i as u32 + 1,
                name: f.meta.name.clone(),
                content_type: f.meta.content_type.clone(),
                len: f.meta.len,
                data: k.as_deref().map_or(PartData::NotKept, PartData::Inline),
            })
            .collect();
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
            has_attachments: !files.is_empty()
                || req.client.as_ref().is_some_and(|c| c.has_attachments()),
            expires_at,
            burn: false,
            verified: true,
            prev_hash: [0; 32],
            chain: [0; 32],
            raw,
        };
        let inserted = self.store()?.insert_full(&[Incoming {
            msg,
            parts,
            completes_partial: false,
        }])?;
        Ok(match inserted.first() {
            Some(hushpost_store::Inserted::New(id)) => Some(*id),
            _ => None,
        })
    }
}
