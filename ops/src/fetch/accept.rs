//! Storing verified whole messages durably (one transaction per batch), keeping the keys
//! they carry, and keeping contact requests; v2 envelopes and v1 ones (hushpost 0.1, for the
//! 35-day window) alike.
//!
//! Must not store anything that did not pass the receive procedure.

use super::process::Run;
use crate::error::Result;
use crate::session::Session;
use hushpost_core::envelope::v2::Envelope;
use hushpost_core::envelope::{self, Kind, OpenedMessage};
use hushpost_core::letter;
use hushpost_store::{Incoming, NewPart, PartData};

/// What every stored message says about itself, whatever the envelope version.
pub(super) struct Common {
    pub(super) sender: [u8; 32],
    pub(super) msg_id: [u8; 16],
    pub(super) sent_at: u64,
    pub(super) expires_at: u64,
    pub(super) burn: bool,
    pub(super) prev_hash: [u8; 32],
    pub(super) chain: [u8; 32],
}

impl Session {
    /// Stores verified v1 messages durably and handles non-mail kinds.
    pub(super) fn accept(&mut self, run: &mut Run, msgs: Vec<OpenedMessage>) -> Result<()> {
        let now = self.now();
        let mut letters = Vec::new();
        for m in &msgs {
            if let Some(spk) = m.prekey {
                self.keys.remember_prekey(&m.header.sender, spk);
            }
            match m.header.kind {
                Kind::Message => letters.push(m),
                Kind::Intro if self.remember_intro(&m.header.sender, &m.body)? => {
                    run.report.intros += 1;
                }
                _ => {}
            }
        }
        let parsed: Vec<Option<letter::Letter>> = letters
            .iter()
            .map(|m| letter::parse(&m.body).ok())
            .collect();
        let new: Vec<Incoming<'_>> = letters
            .iter()
            .zip(parsed.iter())
            .map(|(m, l)| {
                let c = Common {
                    sender: m.header.sender,
                    msg_id: m.header.msg_id,
                    sent_at: m.sent_at,
                    expires_at: m.expires_at,
                    burn: m.burn_after_reading,
                    prev_hash: m.prev_hash,
                    chain: envelope::chain_hash(&m.header.msg_id, &m.sig),
                };
                let has = l.as_ref().is_some_and(|l| !l.attachments.is_empty());
                Incoming {
                    msg: self.new_message_from(&c, l.as_ref(), &m.body, has, now),
                    parts: Vec::new(),
                    completes_partial: false,
                }
            })
            .collect();
        self.store_batch(run, &new)?;
        let others: Vec<([u8; 32], [u8; 16], Kind, u64)> = msgs
            .iter()
            .map(|m| (m.header.sender, m.header.msg_id, m.header.kind, m.sent_at))
            .collect();
        self.mark_others(run, &others)
    }

    /// Stores verified v2 messages that came whole (letter and attachments in one blob),
    /// keeps the keys every envelope carries, and handles non-mail kinds.
    pub(super) fn accept_v2(
        &mut self,
        run: &mut Run,
        whole: Vec<(Box<Envelope>, (usize, String))>,
    ) -> Result<()> {
        let now = self.now();
        let mut letters = Vec::new();
        for (e, _) in &whole {
            self.keys.remember_keys(&e.header.sender, &e.keys);
            let body = e.body().unwrap_or_default();
            match e.header.kind {
                Kind::Message => letters.push(e),
                Kind::Intro if self.remember_intro(&e.header.sender, body)? => {
                    run.report.intros += 1;
                }
                _ => {}
            }
            // The live Maildir, if any, gets what was just stored (logic in `maildir/`).
            self.sync_live_maildir();
        }
        let parsed: Vec<Option<letter::Letter>> = letters
            .iter()
            .map(|e| letter::parse(e.letter().unwrap_or_default()).ok())
            .collect();
        let new: Vec<Incoming<'_>> = letters
            .iter()
            .zip(parsed.iter())
            .map(|(e, l)| {
                let c = Common {
                    sender: e.header.sender,
                    msg_id: e.header.msg_id,
                    sent_at: e.sent_at,
                    expires_at: e.expires_at,
                    burn: e.burn_after_reading,
                    prev_hash: e.prev_hash,
                    chain: e.chain_hash(),
                };
                let raw = e.letter().unwrap_or_default();
                Incoming {
                    // Attachments are v2 parts, or MIME inside a mail client's letter.
                    msg: self.new_message_from(
                        &c,
                        l.as_ref(),
                        raw,
                        e.parts.len() > 1 || l.as_ref().is_some_and(|l| !l.attachments.is_empty()),
                        now,
                    ),
                    parts: inline_parts(e),
                    completes_partial: false,
                }
            })
            .collect();
        self.store_batch(run, &new)?;
        let others: Vec<([u8; 32], [u8; 16], Kind, u64)> = whole
            .iter()
            .map(|(e, _)| (e.header.sender, e.header.msg_id, e.header.kind, e.sent_at))
            .collect();
        self.mark_others(run, &others)?;
        // Only now is every one of them durable (or known): they may leave the drop.
        run.delete.extend(whole.into_iter().map(|(_, d)| d));
        Ok(())
    }

    fn store_batch(&mut self, run: &mut Run, new: &[Incoming<'_>]) -> Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        let inserted = self.store()?.insert_arrivals(new)?;
        for (n, ins) in new.iter().zip(inserted) {
            match ins {
                hushpost_store::Inserted::New(id) => run.report.new.push(id),
                hushpost_store::Inserted::Duplicate => run.report.duplicates += 1,
            }
            run.accepted.insert((n.msg.sender, n.msg.msg_id));
        }
        Ok(())
    }

    /// Every kind enters the replay window, not only stored mail: a replayed key update or
    /// intro is refused like a replayed message.
    fn mark_others(
        &mut self,
        run: &mut Run,
        all: &[([u8; 32], [u8; 16], Kind, u64)],
    ) -> Result<()> {
        let now = self.now();
        for (sender, msg_id, kind, sent_at) in all {
            run.accepted.insert((*sender, *msg_id));
            if *kind != Kind::Message {
                self.store()?
                    .mark_seen(sender, msg_id, (*sent_at).max(now))?;
            }
        }
        Ok(())
    }

    pub(super) fn new_message_from<'a>(
        &self,
        c: &Common,
        l: Option<&letter::Letter>,
        raw: &'a [u8],
        has_attachments: bool,
        now: u64,
    ) -> hushpost_store::NewMessage<'a> {
        hushpost_store::NewMessage {
            sender: c.sender,
            msg_id: c.msg_id,
            outgoing: false,
            peer: self
                .keys
                .contact_name_by_key(&c.sender)
                .unwrap_or_else(|| "(unknown)".into()),
            subject: l.map(|l| l.subject.clone()).unwrap_or_default(),
            sent_at: c.sent_at,
            received_at: now,
            message_id: l
                .map(|l| l.message_id.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| letter::message_id_for(&c.msg_id)),
            in_reply_to: l.and_then(|l| l.in_reply_to.clone()),
            references: l.map(|l| l.references.clone()).unwrap_or_default(),
            text: l
                .map(|l| l.text.clone())
                .unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned()),
            has_attachments,
            expires_at: c.expires_at,
            burn: c.burn,
            verified: true,
            prev_hash: c.prev_hash,
            chain: c.chain,
            raw,
        }
    }

    /// Keeps a contact request (an intro post: the sender's card and a note) for
    /// `contact requests`; returns whether it is new.
    pub(crate) fn remember_intro(&mut self, sender: &[u8; 32], body: &[u8]) -> Result<bool> {
        let text = String::from_utf8_lossy(body);
        let (card_text, note) = text.split_once('\n').unwrap_or((&text, ""));
        let Ok(card) = hushpost_core::Card::parse(card_text) else {
            return Ok(false);
        };
        if card.identity.ed != *sender {
            return Ok(false);
        }
        let mut reqs = self.inbox.mailbox.contact_requests()?;
        if reqs.iter().any(|r| r.card == card.encode())
            || self.keys.contact_name_by_key(&card.identity.ed).is_some()
        {
            return Ok(false);
        }
        reqs.push(crate::intro::ContactRequest {
            number: reqs.iter().map(|r| r.number).max().unwrap_or(0) + 1,
            name: card.name.clone(),
            card: card.encode(),
            note: note.trim().to_string(),
            received_at: self.now(),
        });
        self.inbox.mailbox.set_contact_requests(&reqs)?;
        Ok(true)
    }
}

/// The attachments of a message that came whole, as slices of its content.
fn inline_parts(e: &Envelope) -> Vec<NewPart<'_>> {
    let body = e.body().unwrap_or_default();
    let mut at = 0usize;
    let mut out = Vec::new();
    for (i, p) in e.parts.iter().enumerate() {
        let len = usize::try_from(p.len).unwrap_or(usize::MAX);
        let bytes = body.get(at..at.saturating_add(len)).unwrap_or_default();
        at = at.saturating_add(len);
        if i > 0 {
            out.push(NewPart {
                idx: i as u32,
                name: p.name.clone(),
                content_type: p.content_type.clone(),
                len: p.len,
                data: PartData::Inline(bytes),
            });
        }
    }
    out
}
