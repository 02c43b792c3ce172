//! Sends that were interrupted while sealing (a crash, a kill -9, the machine turned off):
//! their delivery says what was recorded (the draft, the blobs handed on), and they are
//! sealed again the same way — same message id, times, keys and key, so the same head — and
//! only the blobs that had not left yet are handed on. A copy whose files are gone or
//! changed fails with one line instead.
//!
//! A seal in progress holds an exclusive lock on its delivery's lock file, so a resume never
//! runs beside a send that is merely slow.
//!
//! Must not: resume a copy another process is still sealing, or send a different message
//! under the same message id.

use super::Target;
use super::deliver::Copy;
use super::seal::{DraftRecord, Job, Meter};
use super::{RecipientReport, SendProgress};
use crate::dial::{self, Operation};
use crate::error::{Error, Result};
use crate::outbox::Outbox;
use crate::session::Session;
use hushpost_core::envelope;
use hushpost_core::tags::PairKeys;
use hushpost_core::time::Day;
use hushpost_store::{Delivery, DeliveryState};
use std::fs::File;
use std::path::PathBuf;

/// The lock a seal holds while it runs.
pub(crate) struct SealLock {
    _file: File,
    path: PathBuf,
}

impl Drop for SealLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Session {
    /// Takes the seal lock of a delivery; `None` if another process holds it.
    pub(crate) fn seal_lock(&self, group: &[u8; 16]) -> Result<Option<SealLock>> {
        let dir = self.home.data_dir.join("sealing");
        hushpost_durable::create_private_dir(&dir).map_err(|e| Error::Io(e, dir.clone()))?;
        let path = dir.join(format!("{}.lock", hex::encode(group)));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::Io(e, path.clone()))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SealLock { _file: file, path })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::Io(e, path)),
        }
    }

    /// Resumes every copy whose sealing was interrupted; returns how many.
    pub(crate) fn resume_interrupted(
        &mut self,
        progress: &mut dyn FnMut(SendProgress),
    ) -> Result<usize> {
        let mut n = 0;
        for d in self.store()?.open_deliveries()? {
            let Some(rec) = d.draft.as_deref().and_then(DraftRecord::decode) else {
                continue;
            };
            if d.state != DeliveryState::Queued || rec.done {
                continue;
            }
            let Some(lock) = self.seal_lock(&d.group)? else {
                continue;
            };
            self.resume_one(&d, &rec, progress)?;
            drop(lock);
            n += 1;
        }
        Ok(n)
    }

    fn resume_one(
        &mut self,
        d: &Delivery,
        rec: &DraftRecord,
        progress: &mut dyn FnMut(SendProgress),
    ) -> Result<()> {
        let now = self.now();
        let fail = |s: &mut Session, why: String| -> Result<()> {
            let _ = Outbox::new(&s.home.outbox()).drop_group(&d.group);
            s.store()?
                .update_delivery(&d.group, DeliveryState::Failed, &why, 0, None, now)?;
            Ok(())
        };
        let (draft, to, files) = match rec.restore(self.keys.identity()) {
            Ok(x) => x,
            Err(why) => {
                return fail(
                    self,
                    format!("the interrupted send could not resume: {why}"),
                );
            }
        };
        let Some(letter) = self.store()?.get(d.message)?.map(|(_, raw)| raw) else {
            return fail(self, "the sent message is gone".into());
        };
        let Some((target, plan)) = self.resume_target(d)? else {
            return fail(
                self,
                format!("{} has no usable route any more", d.recipient),
            );
        };
        let outbox = Outbox::new(&self.home.outbox());
        let queued: Vec<_> = outbox
            .queued(&plan.route)
            .map_err(|e| Error::Io(e, self.home.outbox()))?
            .into_iter()
            .filter(|q| q.group == Some(d.group))
            .collect();
        let cover = queued.iter().any(|q| q.cover);
        let (direct, unreachable) = if cover {
            (None, None)
        } else {
            match self.open_transport(&plan) {
                Ok(t) => (Some(t), None),
                Err(e) => (None, Some(e.to_string())),
            }
        };
        let mut job = Job {
            route: &plan.route,
            tag: PairKeys::derive(self.keys.identity(), &target.id)
                .map_err(|e| Error::Invalid(e.to_string()))?
                .outgoing
                .tag(Day::of(now)),
            via: plan.via(),
            group: d.group,
            cover,
            direct,
            skip: queued.iter().filter_map(|q| q.index).collect(),
            skip_below: rec.handed,
        };
        let content = letter.len() as u64 + files.iter().map(|f| f.meta.len).sum::<u64>();
        let mut meter = Meter::new(content, 1, progress);
        let mut s = self.seal_copy(&mut job, (&draft, &to), &letter, &files, &mut meter)?;
        s.error = s.error.take().or(unreachable);
        let sig = match (&s.failed, s.sig) {
            (None, Some(sig)) if rec.same_head(&sig) => sig,
            _ => {
                return fail(
                    self,
                    "an attachment changed while it was being sent; send it again".into(),
                );
            }
        };
        self.record_sealed(&d.group, s.blobs, &sig)?;
        let chain = envelope::chain_hash(&draft.msg_id, &sig);
        self.inbox.mailbox.set_chain_out(&target.id.ed, &chain)?;
        let copy = Copy {
            target: &target,
            tag: job.tag,
            now,
            group: d.group,
        };
        let mut report = RecipientReport::new(&d.recipient);
        let op = if cover {
            Operation::SendQueued
        } else {
            Operation::Send
        };
        self.settle(&copy, plan, op, &s, &mut report)?;
        self.update(&copy, &report, u64::from(s.direct), None)
    }

    /// The recipient of an interrupted delivery and the plan of the route it was on.
    fn resume_target(&self, d: &Delivery) -> Result<Option<(Target, dial::Plan)>> {
        let Some(index) = self.keys.contact_by_key(&d.recipient_ed) else {
            return Ok(None);
        };
        let c = &self.keys.contact_states()[index];
        let Some((card, id)) = crate::keys::contact_public(c) else {
            return Ok(None);
        };
        let routes = self.keys.routes_of(c);
        let Some(route) = routes.iter().find(|r| r.label() == d.route).cloned() else {
            return Ok(None);
        };
        let policy = self.keys.policy();
        let contact = self.keys.contact_policy(&c.name);
        let plan = dial::plan(
            &self.config,
            &policy,
            &route,
            contact,
            Operation::Send,
            dial::Override::default(),
        )?;
        Ok(Some((
            Target {
                name: c.name.clone(),
                card_name: card.name,
                index,
                id,
                routes,
            },
            plan,
        )))
    }
}
