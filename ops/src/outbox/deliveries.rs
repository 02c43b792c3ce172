//! The outbox as the user sees it, joined with the deliveries the encrypted mail store
//! keeps: what is waiting, for whom, on which route, why, and when it is tried again; retry
//! and drop by delivery id; retries of due mail (fetch, poll, the inbox); and reconciling the
//! store with what a locked `poll` sent meanwhile.
//!
//! Must not send a cover-route blob outside its slot unless the user asked (`retry`).

use super::{GroupState, Outbox, Queued};
use crate::dial::{self, Operation};
use crate::error::{Error, Result};
use crate::session::Session;
use hushpost_core::Route;
use hushpost_store::{Delivery, DeliveryState};
use serde::Serialize;

/// One delivery that has not (fully) left.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxItem {
    /// The delivery id (`hushpost outbox retry ID`).
    pub id: i64,
    /// The number of the sent copy, as `list --sent` shows it (`read sN`).
    pub message: i64,
    /// Its subject.
    pub subject: String,
    /// The recipient.
    pub recipient: String,
    /// The route it waits for.
    pub route: String,
    /// Queued, held or failed.
    pub state: DeliveryState,
    /// Why it waits, or the last error.
    pub reason: String,
    /// Blobs of the copy.
    pub blobs: u64,
    /// Blobs still waiting.
    pub waiting: u64,
    /// Failed attempts.
    pub attempts: u32,
    /// Unix seconds of the next attempt (0: the next cover-traffic slot or now).
    pub next_at: u64,
    /// It leaves in the route's cover-traffic slots (not on a retry backoff).
    pub slots: bool,
}

/// What a retry pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RetryReport {
    /// Blobs that left.
    pub sent: usize,
    /// Per route: what failed.
    pub errors: Vec<(String, String)>,
    /// Deliveries that moved to a later route (allowed fallback): (recipient, route).
    pub fell_back: Vec<(String, String)>,
    /// Blobs that wait for their recipient to make room (a full mailbox on a relay).
    pub waiting: usize,
    /// Interrupted sends that were resumed.
    pub resumed: usize,
}

impl Session {
    fn outbox(&self) -> Outbox {
        Outbox::new(&self.home.outbox())
    }

    /// Brings the deliveries in the store up to date with the outbox, whatever sent the
    /// blobs (`outbox retry`, a retry by fetch or the inbox, a `poll`, locked or not): blobs
    /// that left are counted, a delivery whose blobs all left is sent, held mail the user
    /// sent by hand is on its way once its rest no longer waits for cover-traffic slots, and
    /// the others get their last error.
    pub fn reconcile(&mut self) -> Result<()> {
        let groups = self
            .outbox()
            .groups()
            .map_err(|e| Error::Io(e, self.home.outbox()))?;
        let now = self.now();
        for d in self.store()?.open_deliveries()? {
            // Failed copies have nothing queued; a copy still being sealed has not handed
            // all its blobs on yet, so its empty outbox says nothing.
            let open = matches!(d.state, DeliveryState::Queued | DeliveryState::Held);
            if !open || still_sealing(&d) {
                continue;
            }
            let g = groups.get(&d.group);
            let waiting = g.map_or(0, |g| g.waiting as u64);
            let sent_now = d.blobs.saturating_sub(waiting).saturating_sub(d.sent_blobs);
            let (state, reason) = match g {
                None => (DeliveryState::Sent, String::new()),
                Some(g) if d.state == DeliveryState::Held && !g.cover => {
                    let room = g.error.as_deref().unwrap_or(super::WINDOW_WAIT);
                    (DeliveryState::Queued, super::flowing_reason(room))
                }
                Some(g) => (d.state, g.error.clone().unwrap_or(d.reason.clone())),
            };
            self.store()?
                .update_delivery(&d.group, state, &reason, sent_now, None, now)?;
        }
        Ok(())
    }

    /// Every delivery that has not left yet.
    pub fn outbox_list(&mut self) -> Result<Vec<OutboxItem>> {
        self.reconcile()?;
        let groups = self
            .outbox()
            .groups()
            .map_err(|e| Error::Io(e, self.home.outbox()))?;
        let mut out = Vec::new();
        for d in self.store()?.open_deliveries()? {
            let g = groups.get(&d.group).cloned().unwrap_or_default();
            let (subject, num) = self
                .store()?
                .get(d.message)?
                .map(|(s, _)| (s.subject, s.num))
                .unwrap_or_default();
            let mut it = item(&d, &g, subject);
            it.message = num;
            out.push(it);
        }
        Ok(out)
    }

    /// Sends the blobs of delivery `id` now (or of every delivery that is kept for a retry
    /// when `None`), whatever the backoff — and, for a cover-traffic route, outside its
    /// slots (the caller says that this reveals the moment).
    pub fn outbox_retry(&mut self, id: Option<i64>) -> Result<RetryReport> {
        let outbox = self.outbox();
        let mut report = RetryReport {
            resumed: self.resume_interrupted(&mut |_| {})?,
            ..RetryReport::default()
        };
        let chosen: Vec<Delivery> = self
            .store()?
            .open_deliveries()?
            .into_iter()
            .filter(|d| id.is_none_or(|i| d.id == i))
            .collect();
        if let Some(i) = id
            && chosen.is_empty()
        {
            return Err(Error::Invalid(format!(
                "no delivery {i} is waiting (see `hushpost outbox`)"
            )));
        }
        let groups = outbox
            .groups()
            .map_err(|e| Error::Io(e, self.home.outbox()))?;
        // One window per tag for the whole run: two large messages to one contact must
        // not fill the relay's mailbox between them (small mail would find no room); and,
        // as in `retry_due`, small deliveries go first.
        let mut window_used = super::WindowUsed::new();
        let mut chosen = chosen;
        chosen.sort_by_key(|d| groups.get(&d.group).map_or(0, |g| g.waiting));
        for d in chosen {
            let Some(g) = groups.get(&d.group) else {
                continue;
            };
            let Some(route) = g.route.clone() else {
                continue;
            };
            let _ = outbox.make_due(&d.group);
            let sent = self.retry_group(&outbox, &d, &route, (&mut report, &mut window_used))?;
            // Sent by hand, the moment is revealed already: what the drop could not take yet
            // follows on its own (fetch, poll, the inbox, with backoff) as after `send
            // --now`, instead of waiting for cover-traffic slots. Held mail does so even
            // when the attempt failed (no slot would ever take it; a half-sent message
            // stalled); slot-queued mail that did not leave keeps its slot.
            if sent > 0 || d.state == DeliveryState::Held {
                outbox
                    .set_cover(&d.group, false)
                    .map_err(|e| Error::Io(e, self.home.outbox()))?;
            }
        }
        self.reconcile()?;
        Ok(report)
    }

    /// Forgets delivery `id`: its blobs leave the outbox and it is marked dropped.
    pub fn outbox_drop(&mut self, id: i64) -> Result<usize> {
        let Some(d) = self
            .store()?
            .open_deliveries()?
            .into_iter()
            .find(|d| d.id == id)
        else {
            return Err(Error::Invalid(format!(
                "no delivery {id} is waiting (see `hushpost outbox`)"
            )));
        };
        let n = self
            .outbox()
            .drop_group(&d.group)
            .map_err(|e| Error::Io(e, self.home.outbox()))?;
        let now = self.now();
        self.store()?.update_delivery(
            &d.group,
            DeliveryState::Dropped,
            "dropped by you",
            0,
            None,
            now,
        )?;
        Ok(n)
    }

    /// Retries what is due on routes without cover traffic (cover routes wait for their
    /// slots); a delivery that keeps failing moves to the contact's next route where they
    /// allow it. Called by fetch, poll and the inbox.
    pub fn retry_due(&mut self) -> Result<RetryReport> {
        let mut report = RetryReport {
            resumed: self.resume_interrupted(&mut |_| {})?,
            ..RetryReport::default()
        };
        let outbox = self.outbox();
        let now = self.now();
        let deliveries = self.store()?.open_deliveries()?;
        // One window per tag for the whole run (see `outbox_retry`).
        let mut window_used = super::WindowUsed::new();
        for (route, _) in outbox
            .destinations()
            .map_err(|e| Error::Io(e, self.home.outbox()))?
        {
            // Entries that wait for cover-traffic slots stay for them; on a cover route the
            // others are the rest of a `send --now` (the user chose to reveal the moment).
            let all = outbox
                .queued(&route)
                .map_err(|e| Error::Io(e, self.home.outbox()))?;
            let due: Vec<Queued> = all
                .iter()
                .filter(|q| !q.cover && q.next_at <= now)
                .cloned()
                .collect();
            // Small deliveries first: a large message in flight never holds up small mail.
            let mut groups: Vec<[u8; 16]> = due.iter().filter_map(|q| q.group).collect();
            groups.sort();
            groups.dedup();
            let size = |g: &[u8; 16]| all.iter().filter(|q| q.group.as_ref() == Some(g)).count();
            groups.sort_by_key(size);
            for g in groups {
                match deliveries.iter().find(|d| d.group == g) {
                    Some(d) => {
                        self.retry_group(&outbox, d, &route, (&mut report, &mut window_used))?;
                    }
                    None => self.retry_orphans(&outbox, &route, &due, &mut report),
                }
            }
        }
        self.reconcile()?;
        Ok(report)
    }

    /// Puts the waiting blobs of delivery `d` on `route`; returns how many left.
    fn retry_group(
        &mut self,
        outbox: &Outbox,
        d: &Delivery,
        route: &Route,
        (report, window_used): (&mut RetryReport, &mut super::WindowUsed),
    ) -> Result<usize> {
        let contact = self.keys.contact_policy(&d.recipient);
        let policy = self.keys.policy();
        let via = outbox
            .queued(route)
            .ok()
            .and_then(|q| q.into_iter().find(|e| e.group == Some(d.group)))
            .and_then(|e| e.via);
        let c = dial::Contact {
            via: via.or(contact.via),
            fallback: contact.fallback,
        };
        let plan = dial::plan(
            &self.config,
            &policy,
            route,
            c,
            Operation::Send,
            dial::Override::default(),
        )?;
        let now = self.now();
        let count = || {
            outbox
                .queued(route)
                .map(|q| q.iter().filter(|e| e.group == Some(d.group)).count())
                .unwrap_or(0)
        };
        let before = count();
        let flushed = self.flush_group(outbox, &plan, &d.group, (now, window_used));
        // What left is what the outbox no longer holds, whether or not the pass ended in an
        // error half-way (a relay that filled up): those blobs are on the drop and count.
        let after = count();
        let sent = before.saturating_sub(after);
        report.sent += sent;
        report.waiting += after;
        if let Err(e) = flushed {
            report.errors.push((plan.label.clone(), e.clone()));
            self.maybe_fall_back(outbox, d, route, &plan, report)?;
        }
        Ok(sent)
    }

    /// After three failed attempts on a route, a contact who allows fallback gets the mail
    /// on their next route.
    fn maybe_fall_back(
        &mut self,
        outbox: &Outbox,
        d: &Delivery,
        route: &Route,
        plan: &dial::Plan,
        report: &mut RetryReport,
    ) -> Result<()> {
        let (attempts, waiting) = outbox
            .groups()
            .ok()
            .and_then(|g| g.get(&d.group).map(|s| (s.attempts, s.waiting)))
            .unwrap_or((0, 0));
        if !plan.fallback || attempts < 3 {
            return Ok(());
        }
        let Some(c) = self.keys.contact_state(&d.recipient) else {
            return Ok(());
        };
        let routes = self.keys.routes_of(c);
        let contact = self.keys.contact_policy(&d.recipient);
        let policy = self.keys.policy();
        let at = routes
            .iter()
            .position(|r| r == route)
            .unwrap_or(usize::MAX - 1);
        // An e-mail account that may not send what waits in a day is no way out either.
        let next = routes.iter().skip(at + 1).find_map(|r| {
            if self.over_mail_budget(r, waiting as u64).is_some() {
                return None;
            }
            dial::plan(
                &self.config,
                &policy,
                r,
                contact,
                Operation::Send,
                dial::Override::default(),
            )
            .ok()
        });
        if let Some(next) = next {
            outbox
                .move_group(&d.group, &next.route, next.via())
                .map_err(|e| Error::Io(e, self.home.outbox()))?;
            let now = self.now();
            let reason = format!("{} kept failing; moved to {}", plan.label, next.label);
            self.store()?.update_delivery(
                &d.group,
                DeliveryState::Queued,
                &reason,
                0,
                Some(&next.label),
                now,
            )?;
            report.fell_back.push((d.recipient.clone(), next.label));
        }
        Ok(())
    }

    /// Entries the store does not know (written by an older hushpost): sent as they are.
    fn retry_orphans(
        &mut self,
        outbox: &Outbox,
        route: &Route,
        due: &[Queued],
        report: &mut RetryReport,
    ) {
        let policy = self.keys.policy();
        let plan = match dial::plan(
            &self.config,
            &policy,
            route,
            dial::Contact::default(),
            Operation::Send,
            dial::Override::default(),
        ) {
            Ok(p) => p,
            Err(e) => return report.errors.push((route.label(), e.to_string())),
        };
        let orphans: Vec<Queued> = due.iter().filter(|q| q.group.is_none()).cloned().collect();
        if orphans.is_empty() {
            return;
        }
        let opened = plan
            .dial_options(
                &self.config,
                self.keys.mail_password(),
                Some(&self.home.data_dir),
            )
            .and_then(|d| Ok(hushpost_transports::Transport::open(route, &d)?));
        match opened {
            Ok(mut t) => {
                let window = super::window_for(route);
                let done = super::flush(
                    outbox,
                    &mut t,
                    &orphans,
                    self.now(),
                    (window, &mut super::WindowUsed::new()),
                    |_| {},
                );
                report.sent += done.sent.len();
                if let Some(e) = done.error {
                    report.errors.push((plan.label.clone(), e));
                }
            }
            Err(e) => report.errors.push((plan.label.clone(), e.to_string())),
        }
    }
}

/// Whether a copy is still being sealed (or its sealing was interrupted and waits to be
/// resumed): not every blob of it is in the outbox or on the drop yet.
fn still_sealing(d: &Delivery) -> bool {
    d.draft
        .as_deref()
        .and_then(crate::send::DraftRecord::decode)
        .is_some_and(|r| !r.done)
}

fn item(d: &Delivery, g: &GroupState, subject: String) -> OutboxItem {
    OutboxItem {
        id: d.id,
        message: d.message,
        subject,
        recipient: d.recipient.clone(),
        route: g
            .route
            .as_ref()
            .map_or_else(|| d.route.clone(), Route::label),
        state: d.state,
        reason: g.error.clone().unwrap_or_else(|| d.reason.clone()),
        blobs: d.blobs,
        waiting: g.waiting as u64,
        attempts: g.attempts,
        next_at: g.next_at,
        slots: g.cover,
    }
}
