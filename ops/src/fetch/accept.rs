//! Storing verified messages durably (one transaction per batch), keeping the prekeys they
//! carry, and keeping contact requests.

use super::process::Run;
use crate::error::Result;
use crate::session::Session;
use hushpost_core::envelope::{self, Kind, OpenedMessage};
use hushpost_core::letter;

impl Session {
    /// Stores verified messages durably and handles non-mail kinds.
    pub(super) fn accept(&mut self, run: &mut Run, msgs: Vec<OpenedMessage>) -> Result<()> {
        let now = self.now();
        let mut letters = Vec::new();
        for m in &msgs {
            if let Some(spk) = m.prekey {
                self.keys.remember_prekey(&m.header.sender, spk);
            }
            match m.header.kind {
                Kind::Message => letters.push(m),
                Kind::Intro if self.remember_intro(m)? => run.report.intros += 1,
                _ => {}
            }
        }
        let parsed: Vec<Option<letter::Letter>> = letters
            .iter()
            .map(|m| letter::parse(&m.body).ok())
            .collect();
        let new: Vec<hushpost_store::NewMessage<'_>> = letters
            .iter()
            .zip(parsed.iter())
            .map(|(m, l)| self.new_message(m, l.as_ref(), now))
            .collect();
        if !new.is_empty() {
            let inserted = self.store()?.insert_batch(&new)?;
            for (n, ins) in new.iter().zip(inserted) {
                match ins {
                    hushpost_store::Inserted::New(id) => run.report.new.push(id),
                    hushpost_store::Inserted::Duplicate => run.report.duplicates += 1,
                }
                run.accepted.insert((n.sender, n.msg_id));
            }
            // The live Maildir, if any, gets what was just stored (logic in `maildir/`).
            self.sync_live_maildir();
        }
        for m in &msgs {
            run.accepted.insert((m.header.sender, m.header.msg_id));
            // Every kind enters the replay window, not only stored mail: a replayed key
            // update or intro is refused like a replayed message.
            if m.header.kind != Kind::Message {
                let at = m.sent_at.max(now);
                self.store()?
                    .mark_seen(&m.header.sender, &m.header.msg_id, at)?;
            }
        }
        Ok(())
    }

    fn new_message<'a>(
        &self,
        m: &'a OpenedMessage,
        l: Option<&letter::Letter>,
        now: u64,
    ) -> hushpost_store::NewMessage<'a> {
        hushpost_store::NewMessage {
            sender: m.header.sender,
            msg_id: m.header.msg_id,
            outgoing: false,
            peer: self
                .keys
                .contact_name_by_key(&m.header.sender)
                .unwrap_or_else(|| "(unknown)".into()),
            subject: l.map(|l| l.subject.clone()).unwrap_or_default(),
            sent_at: m.sent_at,
            received_at: now,
            message_id: l
                .map(|l| l.message_id.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| letter::message_id_for(&m.header.msg_id)),
            in_reply_to: l.and_then(|l| l.in_reply_to.clone()),
            references: l.map(|l| l.references.clone()).unwrap_or_default(),
            text: l
                .map(|l| l.text.clone())
                .unwrap_or_else(|| String::from_utf8_lossy(&m.body).into_owned()),
            has_attachments: l.is_some_and(|l| !l.attachments.is_empty()),
            expires_at: m.expires_at,
            burn: m.burn_after_reading,
            verified: true,
            prev_hash: m.prev_hash,
            chain: envelope::chain_hash(&m.header.msg_id, &m.sig),
            raw: &m.body,
        }
    }

    /// Keeps a contact request (an intro post: the sender's card and a note) for
    /// `contact requests`; returns whether it is new.
    pub(crate) fn remember_intro(&mut self, m: &OpenedMessage) -> Result<bool> {
        let text = String::from_utf8_lossy(&m.body);
        let (card_text, note) = text.split_once('\n').unwrap_or((&text, ""));
        let Ok(card) = hushpost_core::Card::parse(card_text) else {
            return Ok(false);
        };
        if card.identity.ed != m.header.sender {
            return Ok(false);
        }
        let mut reqs = self.inbox.mailbox.contact_requests()?;
        if reqs.iter().any(|r| r.card == card.encode())
            || self.keys.contact_name_by_key(&card.identity.ed).is_some()
        {
            return Ok(false);
        }
        reqs.push(crate::intro::ContactRequest {
            name: card.name.clone(),
            card: card.encode(),
            note: note.trim().to_string(),
            received_at: self.now(),
        });
        self.inbox.mailbox.set_contact_requests(&reqs)?;
        Ok(true)
    }
}
