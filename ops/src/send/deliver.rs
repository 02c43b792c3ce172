//! Per recipient: rotate our prekey for them (durably, before anything carrying it leaves),
//! then try their routes in order, each dialled by its plan — sealing into the outbox on a
//! cover-traffic route (a regular slot takes it), or straight onto the drop otherwise.

use super::{Delivery, RecipientReport, SendProgress, SendRequest, Target};
use crate::dial::{self, Operation, Plan};
use crate::error::Result;
use crate::outbox::Outbox;
use crate::session::Session;
use hushpost_core::envelope::{self, Draft, Kind, Recipient, SignedPrekey};
use hushpost_core::tags::PairKeys;
use hushpost_core::time::Day;
use hushpost_transports::{DeadDrop, PutOptions, Transport};

/// Everything one recipient's copies share.
struct Copy<'a> {
    target: &'a Target,
    key: [u8; 32],
    tag: hushpost_core::Tag,
    prekey: Option<SignedPrekey>,
    prev_hash: [u8; 32],
    raw: &'a [u8],
    now: u64,
}

impl Copy<'_> {
    fn recipient(&self) -> Recipient {
        Recipient {
            ed: self.target.id.ed,
            key: self.key,
        }
    }
}

/// What one route took.
fn delivery(plan: &Plan, blobs: usize, bytes: u64, queued: bool) -> Delivery {
    Delivery {
        route: plan.label.clone(),
        blobs,
        bytes,
        queued,
        tor: plan.tor(),
    }
}

/// One copy on one route.
#[derive(Clone, Copy)]
struct Leg<'a> {
    plan: &'a Plan,
    copy: &'a Copy<'a>,
    draft: &'a Draft<'a>,
}

/// The head's signature and where the copy went, or why not.
type Sent = std::result::Result<([u8; 64], Delivery), String>;

/// Blob counts for the progress bar.
struct Counter<'a> {
    done: usize,
    total: usize,
    progress: &'a mut dyn FnMut(SendProgress),
}

impl Counter<'_> {
    fn tick(&mut self) {
        self.done += 1;
        (self.progress)(SendProgress {
            done: self.done,
            total: self.total,
        });
    }
}

impl Session {
    pub(super) fn deliver_all(
        &mut self,
        req: &SendRequest,
        targets: &[Target],
        msg_id: [u8; 16],
        raw: &[u8],
        now: u64,
        progress: &mut dyn FnMut(SendProgress),
    ) -> Result<Vec<RecipientReport>> {
        // Our prekey for each recipient is rotated (if due) and made durable BEFORE anything
        // carrying it leaves: a prekey announced but not saved would make replies unreadable.
        let prekeys: Vec<Option<SignedPrekey>> = targets
            .iter()
            .map(|t| self.keys.outgoing_prekey(t.index))
            .collect();
        self.keys.commit()?;
        let per_recipient = raw.len().div_ceil(envelope::FRAGMENT_CAPACITY) + 1;
        let mut counter = Counter {
            done: 0,
            total: per_recipient * targets.len(),
            progress,
        };
        let mut reports = Vec::new();
        for (target, prekey) in targets.iter().zip(prekeys) {
            let copy = Copy {
                target,
                key: self.keys.recipient_key(target.index).unwrap_or(target.id.x),
                tag: PairKeys::derive(self.keys.identity(), &target.id)
                    .map_err(|e| crate::error::Error::Invalid(format!("{}: {e}", target.name)))?
                    .outgoing
                    .tag(Day::of(now)),
                prekey,
                prev_hash: self.inbox.mailbox.chain_out(&target.id.ed)?,
                raw,
                now,
            };
            reports.push(self.deliver_one(req, &copy, msg_id, per_recipient > 2, &mut counter)?);
        }
        Ok(reports)
    }

    fn deliver_one(
        &mut self,
        req: &SendRequest,
        copy: &Copy<'_>,
        msg_id: [u8; 16],
        fragmented: bool,
        counter: &mut Counter<'_>,
    ) -> Result<RecipientReport> {
        let mut report = RecipientReport {
            name: copy.target.name.clone(),
            delivered: None,
            errors: Vec::new(),
        };
        let contact_via = self.keys.contact_states()[copy.target.index].via;
        let policy = self.keys.policy();
        let mut this_msg_id = msg_id;
        for route in &copy.target.routes {
            let op = Operation::delivery(self.config.cover.enabled_for(route), req.now);
            let plan = match dial::plan(&self.config, &policy, route, contact_via, op, req.via) {
                Ok(p) => p,
                Err(e) => {
                    report.errors.push(format!("{}: {e}", route.label()));
                    continue;
                }
            };
            let draft = Draft {
                kind: Kind::Message,
                msg_id: this_msg_id,
                prev_hash: copy.prev_hash,
                sent_at: copy.now,
                expires_at: req.expire_secs.map_or(0, |s| copy.now + s.max(1)),
                burn_after_reading: req.burn_after_reading,
                prekey: copy.prekey,
                body: copy.raw,
            };
            let leg = Leg {
                plan: &plan,
                copy,
                draft: &draft,
            };
            let sent = if op == Operation::SendQueued {
                self.queue(leg, counter)
            } else {
                self.put_now(leg, counter)
            };
            match sent {
                Ok((sig, delivery)) => {
                    let chain = envelope::chain_hash(&this_msg_id, &sig);
                    self.inbox
                        .mailbox
                        .set_chain_out(&copy.target.id.ed, &chain)?;
                    report.delivered = Some(delivery);
                    break;
                }
                Err(e) => report.errors.push(format!("{}: {e}", plan.label)),
            }
            if !plan.fallback {
                break;
            }
            // A fragmented message that failed half-way is re-sent under a new id so its
            // pieces never mix with the abandoned ones; a single blob keeps its id (the
            // recipient dedupes it if the first copy did land).
            if fragmented {
                this_msg_id = envelope::new_msg_id();
            }
        }
        Ok(report)
    }

    /// Seals into the outbox for the route's next cover-traffic slots.
    fn queue(&mut self, leg: Leg<'_>, counter: &mut Counter<'_>) -> Sent {
        let Leg { plan, copy, draft } = leg;
        if copy.raw.len() > envelope::Bucket::Large.capacity() && self.config.cover.send_large == 0
        {
            return Err("this message needs large slots but cover traffic on this route has none (set [cover] send_large, or send with --now)".into());
        }
        let outbox = Outbox::new(&self.home.outbox());
        let (mut blobs, mut bytes) = (0usize, 0u64);
        let via = plan.via();
        let recipient = copy.recipient();
        let sig = envelope::seal_each(self.keys.identity(), &recipient, draft, &mut |blob| {
            outbox.enqueue(&plan.route, &copy.tag, blob, false, via)?;
            blobs += 1;
            bytes += blob.len() as u64;
            counter.tick();
            Ok(())
        })
        .map_err(|e| format!("could not queue: {e}"))?;
        Ok((sig, delivery(plan, blobs, bytes, true)))
    }

    /// Seals and puts every blob on the drop now.
    fn put_now(&mut self, leg: Leg<'_>, counter: &mut Counter<'_>) -> Sent {
        let Leg { plan, copy, draft } = leg;
        let dial = plan
            .dial_options(&self.config, self.keys.mail_password())
            .map_err(|e| e.to_string())?;
        let mut t = Transport::open(&plan.route, &dial).map_err(|e| e.to_string())?;
        let recipient = copy.recipient();
        let (mut blobs, mut bytes) = (0usize, 0u64);
        let mut put_err = None;
        let sealed =
            envelope::seal_each(
                self.keys.identity(),
                &recipient,
                draft,
                &mut |blob| match t.put(&copy.tag, blob, PutOptions::default()) {
                    Ok(()) => {
                        blobs += 1;
                        bytes += blob.len() as u64;
                        counter.tick();
                        Ok(())
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        put_err = Some(e);
                        Err(std::io::Error::other(msg))
                    }
                },
            );
        match (sealed, put_err) {
            (Ok(sig), _) => Ok((sig, delivery(plan, blobs, bytes, false))),
            (Err(_), Some(e)) => Err(e.to_string()),
            (Err(e), None) => Err(e.to_string()),
        }
    }
}
