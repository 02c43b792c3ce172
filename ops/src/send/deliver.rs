//! Per recipient: rotate our prekey for them (durably, before anything carrying it leaves),
//! seal their copy into the outbox under a delivery group the mail store knows, then — for
//! mail that goes at once — flush that group through its plan. Nothing is lost on the way:
//! the sent copy is stored before anything is sealed, and whatever could not leave stays in
//! the outbox with the reason, to be retried (poll, fetch, the inbox) or sent by hand
//! (`hushpost outbox retry`). A later route is tried only where the contact (or
//! `--fallback`) allows it: the route order is a privacy order.

use super::seal::{DraftRecord, Job, Meter, Sealed};
use super::{Attached, Delivery, RecipientReport, SendProgress, SendRequest, Target};
use crate::dial::{self, Operation, Plan};
use crate::error::{Error, Result};
use crate::outbox::{self, Outbox};
use crate::session::Session;
use hushpost_core::envelope::{self, Kind, v2};
use hushpost_core::tags::PairKeys;
use hushpost_core::time::Day;
use hushpost_store::DeliveryState;
use hushpost_transports::Transport;

/// Everything one recipient's copy needs besides what is sealed.
pub(super) struct Copy<'a> {
    pub(super) target: &'a Target,
    pub(super) tag: hushpost_core::Tag,
    pub(super) now: u64,
    pub(super) group: [u8; 16],
}

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn deliver_all(
        &mut self,
        req: &SendRequest,
        targets: &[Target],
        (message, msg_id): (i64, [u8; 16]),
        raw: &[u8],
        files: &[Attached],
        now: u64,
        progress: &mut dyn FnMut(SendProgress),
    ) -> Result<Vec<RecipientReport>> {
        // Our prekey for each recipient is rotated (if due) and made durable BEFORE anything
        // carrying it leaves: a prekey announced but not saved would make replies unreadable.
        let keys: Vec<Vec<v2::SignedKey>> = targets
            .iter()
            .map(|t| self.keys.outgoing_keys(t.index).unwrap_or_default())
            .collect();
        self.keys.commit()?;
        let content = raw.len() as u64 + files.iter().map(|f| f.meta.len).sum::<u64>();
        let mut meter = Meter::new(content, targets.len() as u64, progress);
        let mut reports = Vec::new();
        for (target, keys) in targets.iter().zip(keys) {
            let to = self
                .keys
                .seal_to(target.index)
                .ok_or_else(|| Error::NoRoute(target.name.clone(), String::new()))?;
            let draft = v2::Draft {
                kind: Kind::Message,
                msg_id,
                prev_hash: self.inbox.mailbox.chain_out(&target.id.ed)?,
                sent_at: now,
                expires_at: req.expire_secs.map_or(0, |s| now + s.max(1)),
                burn_after_reading: req.burn_after_reading,
                keys,
            };
            let copy = Copy {
                target,
                tag: PairKeys::derive(self.keys.identity(), &target.id)
                    .map_err(|e| Error::Invalid(format!("{}: {e}", target.name)))?
                    .outgoing
                    .tag(Day::of(now)),
                now,
                group: rand::random(),
            };
            let r =
                self.deliver_one(req, &copy, message, (&draft, &to), (raw, files), &mut meter)?;
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
        content: u64,
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
            let mails = content.div_ceil(envelope::LARGE as u64).max(1);
            let planned = match self.over_mail_budget(route, mails) {
                Some(why) => Err(why),
                None => dial::plan(&self.config, &policy, route, contact, op, flag)
                    .map_err(|e| e.to_string()),
            };
            match planned {
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
        (draft, to): (&v2::Draft, &v2::SealTo),
        (raw, files): (&[u8], &[Attached]),
        meter: &mut Meter<'_>,
    ) -> Result<RecipientReport> {
        let mut report = RecipientReport::new(&copy.target.name);
        let content = raw.len() as u64 + files.iter().map(|f| f.meta.len).sum::<u64>();
        let Some((plan, op)) = self.first_plan(req, copy, content, &mut report) else {
            report.state = DeliveryState::Failed;
            self.record(copy, message, &report, "", 0)?;
            return Ok(report);
        };
        self.record(copy, message, &report, &plan.label, 0)?;
        let rec = DraftRecord::new(draft, to, files);
        self.store()?
            .set_delivery_draft(&copy.group, &rec.encode())?;
        // Held while sealing: a resume (after a crash) never runs beside this.
        let _sealing = self.seal_lock(&copy.group)?;
        let queued = op == Operation::SendQueued;
        let (direct, unreachable) = if queued {
            (None, None)
        } else {
            match self.open_transport(&plan) {
                Ok(t) => (Some(t), None),
                Err(e) => (None, Some(e.to_string())),
            }
        };
        let mut job = Job {
            route: &plan.route,
            tag: copy.tag,
            via: plan.via(),
            group: copy.group,
            cover: queued,
            direct,
            skip: Default::default(),
            skip_below: 0,
        };
        let mut sealed = match self.seal_copy(&mut job, (draft, to), raw, files, meter) {
            Ok(s) => s,
            Err(e) => {
                // Half a message in the outbox would be debris: take it out again.
                let _ = Outbox::new(&self.home.outbox()).drop_group(&copy.group);
                report
                    .errors
                    .push(format!("{}: could not queue: {e}", plan.label));
                report.state = DeliveryState::Failed;
                self.update(copy, &report, 0, None)?;
                return Ok(report);
            }
        };
        // A route that could not be dialled is why nothing went straight to the drop:
        // said once, where the copy is settled.
        sealed.error = sealed.error.take().or(unreachable);
        if let Some(why) = sealing_failed(&sealed, files) {
            let _ = Outbox::new(&self.home.outbox()).drop_group(&copy.group);
            report.errors.push(format!("{}: {why}", plan.label));
            report.state = DeliveryState::Failed;
            self.update(copy, &report, u64::from(sealed.direct), None)?;
            return Ok(report);
        }
        if let Some(sig) = &sealed.sig {
            self.record_sealed(&copy.group, sealed.blobs, sig)?;
            let chain = envelope::chain_hash(&draft.msg_id, sig);
            self.inbox
                .mailbox
                .set_chain_out(&copy.target.id.ed, &chain)?;
        }
        self.settle(copy, plan, op, &sealed, &mut report)?;
        self.update(copy, &report, u64::from(sealed.direct), None)?;
        Ok(report)
    }

    /// Where the copy stands after sealing: sent, waiting for a slot, held, or partly sent
    /// with the rest in the outbox (retried, or following as the recipient makes room).
    pub(super) fn settle(
        &mut self,
        copy: &Copy<'_>,
        plan: Plan,
        op: Operation,
        s: &Sealed,
        report: &mut RecipientReport,
    ) -> Result<()> {
        report.delivered = Some(Delivery {
            route: plan.label.clone(),
            blobs: s.blobs as usize,
            on_drop: s.direct as usize,
            bytes: s.wire,
            queued: s.direct < s.blobs,
            tor: plan.tor(),
        });
        let large = s.large > 0;
        // A cover route leaves large blobs only in large slots: none configured, none leave.
        if op == Operation::SendQueued && large && self.config.cover.send_large == 0 {
            report.state = DeliveryState::Held;
            report.errors.push(format!(
                "{}: this message needs large cover-traffic slots and the route has none ([cover] send_large = 0)",
                plan.label
            ));
            report.reason = "it waits in the outbox: send it with `hushpost outbox retry` (this reveals the moment), or set [cover] send_large".into();
        } else if op == Operation::SendQueued {
            report.state = DeliveryState::Queued;
            let (note, eta) = crate::outbox::schedule_note(&self.home, &self.config, &plan.route);
            report.reason = note;
            report.eta_secs = Some(eta);
        } else if s.direct == s.blobs {
            report.state = DeliveryState::Sent;
        } else if let (Some(room), None) = (&s.room, &s.error) {
            report.state = DeliveryState::Queued;
            report.retrying = true;
            report.flowing = true;
            report.reason = outbox::flowing_reason(room);
        } else {
            if let Some(e) = &s.error {
                report.errors.push(format!("{}: {e}", plan.label));
            }
            if s.direct == 0 {
                // Nothing of it reached this route: it may go elsewhere, whole. The route
                // is tried again first only if nothing was tried yet.
                self.flush_now(copy, plan, s.error.is_none(), (large, s.blobs), report)?;
            } else {
                // Part of it is on the drop and the rest failed: that was an attempt (the
                // outbox said "0 attempt(s)" beside the error) and the rest waits its backoff.
                if let Some(e) = &s.error {
                    let _ = Outbox::new(&self.home.outbox()).note_group_failure(
                        &copy.group,
                        e,
                        copy.now,
                    );
                }
                self.keep_for_retry(copy, &plan, large, report);
            }
        }
        Ok(())
    }

    pub(super) fn open_transport(&self, plan: &Plan) -> Result<Transport> {
        let dial = plan.dial_options(
            &self.config,
            self.keys.mail_password(),
            Some(&self.home.data_dir),
        )?;
        Ok(Transport::open(&plan.route, &dial)?)
    }

    /// Sends the copy's group now (through `plan` first if `try_here`, i.e. nothing was
    /// tried there yet); on failure moves to the next route where allowed, else leaves it in
    /// the outbox (a cover route: for its next slot; otherwise: retried with backoff).
    fn flush_now(
        &mut self,
        copy: &Copy<'_>,
        mut plan: Plan,
        mut try_here: bool,
        (large, blobs): (bool, u32),
        report: &mut RecipientReport,
    ) -> Result<()> {
        let outbox = Outbox::new(&self.home.outbox());
        if !try_here && let Some(e) = report.errors.last() {
            // The route could not be dialled when the copy was sealed: that was the attempt.
            let _ = outbox.note_group_failure(&copy.group, e, copy.now);
        }
        loop {
            if try_here {
                let mut used = outbox::WindowUsed::new();
                match self.flush_group(&outbox, &plan, &copy.group, (copy.now, &mut used)) {
                    Ok((bytes, waiting)) => {
                        if let Some(d) = report.delivered.as_mut() {
                            d.route = plan.label.clone();
                            d.on_drop = d.blobs.saturating_sub(waiting);
                            d.bytes = bytes;
                            d.queued = waiting > 0;
                            d.tor = plan.tor();
                        }
                        if waiting == 0 {
                            report.state = DeliveryState::Sent;
                        } else {
                            report.state = DeliveryState::Queued;
                            report.retrying = true;
                            report.flowing = true;
                            report.reason = outbox::flowing_reason(outbox::WINDOW_WAIT);
                        }
                        return Ok(());
                    }
                    Err(e) => report.errors.push(format!("{}: {e}", plan.label)),
                }
            }
            match self.next_route(copy, &plan, u64::from(blobs), report) {
                Some(next) if plan.fallback => {
                    outbox
                        .move_group(&copy.group, &next.route, next.via())
                        .map_err(|e| crate::error::Error::Io(e, self.home.outbox()))?;
                    report.fell_back = Some(next.label.clone());
                    plan = next;
                    try_here = true;
                }
                _ => break,
            }
        }
        self.keep_for_retry(copy, &plan, large, report);
        Ok(())
    }

    /// The copy stays in the outbox: for the next cover-traffic slot, or for a retry with
    /// backoff — large mail on a cover route without large slots too, as no slot would
    /// ever take it.
    fn keep_for_retry(
        &self,
        copy: &Copy<'_>,
        plan: &Plan,
        large: bool,
        report: &mut RecipientReport,
    ) {
        report.state = DeliveryState::Queued;
        report.retrying = true;
        if plan.cover && (!large || self.config.cover.send_large > 0) {
            let _ = Outbox::new(&self.home.outbox()).set_cover(&copy.group, true);
            report.reason = "kept in the outbox: it leaves in the next cover-traffic slot (`hushpost outbox retry` sends it now)".into();
        } else {
            report.reason = format!(
                "kept in the outbox: fetch and poll retry it after {} (`hushpost outbox retry` sends it now)",
                humantime::format_duration(std::time::Duration::from_secs(outbox::backoff_secs(1)))
            );
        }
    }

    /// Puts every waiting blob of `group` on its drop through `plan`; returns the bytes put
    /// and how many blobs wait for the recipient to make room.
    pub(crate) fn flush_group(
        &mut self,
        outbox: &Outbox,
        plan: &Plan,
        group: &[u8; 16],
        (now, window_used): (u64, &mut outbox::WindowUsed),
    ) -> std::result::Result<(u64, usize), String> {
        let mut t = match self.open_transport(plan) {
            Ok(t) => t,
            Err(e) => {
                // Not dialled is an attempt too: the delivery waits its backoff.
                let e = e.to_string();
                let _ = outbox.note_group_failure(group, &e, now);
                return Err(e);
            }
        };
        let entries: Vec<_> = outbox
            .queued(&plan.route)
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|q| q.group.as_ref() == Some(group))
            .collect();
        let mut bytes = 0u64;
        let window = outbox::window_for(&plan.route);
        let done = outbox::flush(outbox, &mut t, &entries, now, (window, window_used), |n| {
            bytes += n as u64
        });
        match done.error {
            Some(e) => Err(e),
            None => Ok((bytes, done.waiting)),
        }
    }

    /// Why a message of `mails` blobs may not go over `route` when that is e-mail: every
    /// blob is one mail, and a provider cuts off an account that sends more than its daily
    /// limit ([account] max_per_day) half-way through a message. Before sealing the count
    /// is a lower bound (a whole 256 KiB blob per fragment), so nothing that fits is refused.
    pub(crate) fn over_mail_budget(
        &self,
        route: &hushpost_core::Route,
        mails: u64,
    ) -> Option<String> {
        if !matches!(route, hushpost_core::Route::Mailto(_)) {
            return None;
        }
        let limit = self.config.account.as_ref()?.max_per_day;
        (mails > u64::from(limit)).then(|| {
            format!(
                "this message needs at least {mails} mails and your account sends at most {limit} a day ([account] max_per_day): send it over another route, or raise the limit if your provider allows more"
            )
        })
    }

    /// The plan of the contact's route after `plan`'s, for a permitted fallback: one that
    /// can take the copy's `blobs` (an e-mail account within its daily limit; a route it
    /// cannot take is said in `report`).
    fn next_route(
        &self,
        copy: &Copy<'_>,
        plan: &Plan,
        blobs: u64,
        report: &mut RecipientReport,
    ) -> Option<Plan> {
        let routes = &copy.target.routes;
        let at = routes.iter().position(|r| *r == plan.route)?;
        let policy = self.keys.policy();
        let contact = self.keys.contact_policy(&copy.target.name);
        routes[at + 1..].iter().find_map(|r| {
            if let Some(why) = self.over_mail_budget(r, blobs) {
                report.errors.push(format!("{}: {why}", r.label()));
                return None;
            }
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

    pub(super) fn update(
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

/// Why a sealed copy cannot be delivered whole: sealing failed, or a file changed meanwhile.
fn sealing_failed(s: &Sealed, files: &[Attached]) -> Option<String> {
    if let Some(e) = &s.failed {
        return Some(format!("could not seal it: {e}"));
    }
    files.iter().find(|f| !f.unchanged()).map(|f| {
        format!(
            "{} changed while it was being sent, so the copy cannot be completed; send it again",
            f.path.display()
        )
    })
}
