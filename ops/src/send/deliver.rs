//! Per recipient: rotate our prekey for them (durably, before anything carrying it leaves),
//! seal their copy into the outbox under a delivery group the mail store knows, then — for
//! mail that goes at once — flush that group through its plan. Nothing is lost on the way:
//! the sent copy is stored before anything is sealed, and whatever could not leave stays in
//! the outbox with the reason, to be retried (poll, fetch, the inbox) or sent by hand
//! (`hushpost outbox retry`). A later route is tried only where the contact (or
//! `--fallback`) allows it: the route order is a privacy order.

use super::{Delivery, RecipientReport, SendProgress, SendRequest, Target};
use crate::dial::{self, Operation, Plan};
use crate::error::Result;
use crate::outbox::{self, NewEntry, Outbox};
use crate::session::Session;
use hushpost_core::envelope::{self, Draft, Kind, Recipient, SignedPrekey};
use hushpost_core::tags::PairKeys;
use hushpost_core::time::Day;
use hushpost_store::DeliveryState;
use hushpost_transports::Transport;

/// Everything one recipient's copy needs.
struct Copy<'a> {
    target: &'a Target,
    key: [u8; 32],
    tag: hushpost_core::Tag,
    prekey: Option<SignedPrekey>,
    prev_hash: [u8; 32],
    raw: &'a [u8],
    now: u64,
    group: [u8; 16],
}

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
        (message, msg_id): (i64, [u8; 16]),
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
                group: rand::random(),
            };
            let r = self.deliver_one(req, &copy, message, msg_id, &mut counter)?;
            reports.push(r);
        }
        Ok(reports)
    }

    /// The first route of the contact whose plan works (a plan can refuse, e.g. `--via
    /// direct` to an onion), moving on only where fallback is allowed.
    fn first_plan(
        &self,
        req: &SendRequest,
        copy: &Copy<'_>,
        report: &mut RecipientReport,
    ) -> Option<(Plan, Operation)> {
        let contact = self.keys.contact_policy(&copy.target.name);
        let policy = self.keys.policy();
        let flag = dial::Override {
            via: req.via,
            fallback: req.fallback,
        };
        for route in &copy.target.routes {
            let op = Operation::delivery(self.config.cover.enabled_for(route), req.now);
            match dial::plan(&self.config, &policy, route, contact, op, flag) {
                Ok(p) => return Some((p, op)),
                Err(e) => {
                    report.errors.push(format!("{}: {e}", route.label()));
                    if !(contact.fallback || req.fallback) {
                        return None;
                    }
                }
            }
        }
        None
    }

    fn deliver_one(
        &mut self,
        req: &SendRequest,
        copy: &Copy<'_>,
        message: i64,
        msg_id: [u8; 16],
        counter: &mut Counter<'_>,
    ) -> Result<RecipientReport> {
        let mut report = RecipientReport::new(&copy.target.name);
        let Some((plan, op)) = self.first_plan(req, copy, &mut report) else {
            report.state = DeliveryState::Failed;
            self.record(copy, message, &report, "", 0)?;
            return Ok(report);
        };
        self.record(copy, message, &report, &plan.label, 0)?;
        let (blobs, large) = match self.seal_into_outbox(req, copy, &plan, msg_id, op, counter) {
            Ok(n) => n,
            Err(e) => {
                report
                    .errors
                    .push(format!("{}: could not queue: {e}", plan.label));
                report.state = DeliveryState::Failed;
                self.update(copy, &report, 0, None)?;
                return Ok(report);
            }
        };
        report.delivered = Some(Delivery {
            route: plan.label.clone(),
            blobs,
            bytes: 0,
            queued: true,
            tor: plan.tor(),
        });
        // A cover route leaves large blobs only in large slots: none configured, none leave.
        if op == Operation::SendQueued && large > 0 && self.config.cover.send_large == 0 {
            report.state = DeliveryState::Held;
            report.errors.push(format!("{}: this message needs large cover-traffic slots and the route has none: send it with `hushpost outbox retry` (it reveals the moment), or set [cover] send_large", plan.label));
        } else if op == Operation::SendQueued {
            report.state = DeliveryState::Queued;
            report.reason = crate::outbox::schedule_note(&self.home, &self.config, &plan.route);
        } else {
            self.flush_now(copy, plan, &mut report)?;
        }
        self.update(copy, &report, 0, None)?;
        Ok(report)
    }

    /// Seals the copy into the outbox under its group; returns the number of blobs, and of
    /// large ones.
    fn seal_into_outbox(
        &mut self,
        req: &SendRequest,
        copy: &Copy<'_>,
        plan: &Plan,
        msg_id: [u8; 16],
        op: Operation,
        counter: &mut Counter<'_>,
    ) -> std::result::Result<(usize, usize), String> {
        let draft = Draft {
            kind: Kind::Message,
            msg_id,
            prev_hash: copy.prev_hash,
            sent_at: copy.now,
            expires_at: req.expire_secs.map_or(0, |s| copy.now + s.max(1)),
            burn_after_reading: req.burn_after_reading,
            prekey: copy.prekey,
            body: copy.raw,
        };
        let outbox = Outbox::new(&self.home.outbox());
        let recipient = Recipient {
            ed: copy.target.id.ed,
            key: copy.key,
        };
        let (mut blobs, mut large) = (0usize, 0usize);
        let sealed = envelope::seal_each(self.keys.identity(), &recipient, &draft, &mut |blob| {
            outbox.enqueue(&NewEntry {
                route: &plan.route,
                tag: &copy.tag,
                blob,
                intro: false,
                via: plan.via(),
                group: Some(copy.group),
                cover: op == Operation::SendQueued,
            })?;
            blobs += 1;
            large += usize::from(blob.len() == envelope::LARGE);
            counter.tick();
            Ok(())
        });
        match sealed {
            Ok(sig) => {
                let chain = envelope::chain_hash(&msg_id, &sig);
                self.inbox
                    .mailbox
                    .set_chain_out(&copy.target.id.ed, &chain)
                    .map_err(|e| e.to_string())?;
                Ok((blobs, large))
            }
            Err(e) => {
                // Half a message in the outbox would be debris: take it out again.
                let _ = outbox.drop_group(&copy.group);
                Err(e.to_string())
            }
        }
    }

    /// Sends the copy's group now; on failure moves to the next route where allowed, else
    /// leaves it in the outbox (a cover route: for its next slot; otherwise: retried with
    /// backoff).
    fn flush_now(
        &mut self,
        copy: &Copy<'_>,
        mut plan: Plan,
        report: &mut RecipientReport,
    ) -> Result<()> {
        let outbox = Outbox::new(&self.home.outbox());
        loop {
            let error = match self.flush_group(&outbox, &plan, &copy.group, copy.now) {
                Ok(bytes) => {
                    if let Some(d) = report.delivered.as_mut() {
                        d.route = plan.label.clone();
                        d.bytes = bytes;
                        d.queued = false;
                        d.tor = plan.tor();
                    }
                    report.state = DeliveryState::Sent;
                    return Ok(());
                }
                Err(e) => e,
            };
            report.errors.push(format!("{}: {error}", plan.label));
            match self.next_route(copy, &plan) {
                Some(next) if plan.fallback => {
                    outbox
                        .move_group(&copy.group, &next.route, next.via())
                        .map_err(|e| crate::error::Error::Io(e, self.home.outbox()))?;
                    report.fell_back = Some(next.label.clone());
                    plan = next;
                }
                _ => break,
            }
        }
        report.state = DeliveryState::Queued;
        report.retrying = true;
        if plan.cover {
            let _ = outbox.set_cover(&copy.group, true);
            report.reason = "kept in the outbox; it leaves in the next cover-traffic slot".into();
        } else {
            report.reason = format!(
                "kept in the outbox; retried in {} (hushpost outbox)",
                humantime::format_duration(std::time::Duration::from_secs(outbox::backoff_secs(1)))
            );
        }
        Ok(())
    }

    /// Puts every waiting blob of `group` on its drop through `plan`; returns the bytes.
    pub(crate) fn flush_group(
        &mut self,
        outbox: &Outbox,
        plan: &Plan,
        group: &[u8; 16],
        now: u64,
    ) -> std::result::Result<u64, String> {
        let dial = plan
            .dial_options(&self.config, self.keys.mail_password())
            .map_err(|e| e.to_string())?;
        let mut t = Transport::open(&plan.route, &dial).map_err(|e| e.to_string())?;
        let entries: Vec<_> = outbox
            .queued(&plan.route)
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|q| q.group.as_ref() == Some(group))
            .collect();
        let mut bytes = 0u64;
        let done = outbox::flush(outbox, &mut t, &entries, now, |n| bytes += n as u64);
        match done.error {
            None => Ok(bytes),
            Some(e) => Err(e),
        }
    }

    /// The plan of the contact's route after `plan`'s, for a permitted fallback.
    fn next_route(&self, copy: &Copy<'_>, plan: &Plan) -> Option<Plan> {
        let routes = &copy.target.routes;
        let at = routes.iter().position(|r| *r == plan.route)?;
        let policy = self.keys.policy();
        let contact = self.keys.contact_policy(&copy.target.name);
        routes[at + 1..].iter().find_map(|r| {
            let flag = dial::Override {
                via: None,
                fallback: plan.fallback,
            };
            dial::plan(&self.config, &policy, r, contact, Operation::Send, flag).ok()
        })
    }

    fn record(
        &mut self,
        copy: &Copy<'_>,
        message: i64,
        report: &RecipientReport,
        route: &str,
        blobs: u64,
    ) -> Result<()> {
        let now = self.now();
        self.store()?.add_delivery(
            message,
            &copy.target.name,
            &copy.target.id.ed,
            route,
            &copy.group,
            if report.state == DeliveryState::Failed {
                DeliveryState::Failed
            } else {
                DeliveryState::Queued
            },
            &report.errors.join("; "),
            blobs,
            now,
        )?;
        Ok(())
    }

    fn update(
        &mut self,
        copy: &Copy<'_>,
        report: &RecipientReport,
        sent: u64,
        route: Option<&str>,
    ) -> Result<()> {
        let now = self.now();
        let reason = match (report.errors.last(), report.reason.is_empty()) {
            (Some(e), false) => format!("{e} — {}", report.reason),
            (Some(e), true) => e.clone(),
            (None, _) => report.reason.clone(),
        };
        let blobs = report.delivered.as_ref().map_or(0, |d| d.blobs as u64);
        let store = self.store()?;
        store.set_delivery_blobs(&copy.group, blobs)?;
        let sent = if report.state == DeliveryState::Sent {
            blobs
        } else {
            sent
        };
        let route = route.or(report.fell_back.as_deref());
        store.update_delivery(&copy.group, report.state, &reason, sent, route, now)?;
        Ok(())
    }
}
