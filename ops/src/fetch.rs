//! Fetching: for each of our routes, present the capabilities of every contact's current
//! tags (yesterday, today, tomorrow and any missed day within retention), open what comes
//! back in parallel, store it durably, and only then delete it from the drop.
//!
//! A blob that fails any step of the receive procedure is reported (without tag or file
//! name) and deleted; pieces of a large message that is not complete yet stay in the drop
//! until a later fetch finds them all.

use crate::error::Result;
use crate::send::route_label;
use crate::session::Session;
use hushpost_core::FetchCap;
use hushpost_core::envelope::{
    self, AddOutcome, Kind, OpenContext, OpenError, Opened, OpenedMessage, Reassembly,
};
use hushpost_core::identity::{PublicIdentity, XKeyPair};
use hushpost_core::letter;
use hushpost_core::replay::SeenSet;
use hushpost_core::tags::{PairKeys, days_to_poll, intro_fetch_cap};
use hushpost_core::time::Day;
use hushpost_transports::{DeadDrop, Fetched, Flow, Transport};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Retention of drops in days: older days are not polled.
pub const RETENTION_DAYS: u64 = 14;
/// Blobs per processing batch (bounds memory: ≤ 256 × 256 KiB).
const BATCH: usize = 256;

/// One refused blob.
#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    /// The route it came from.
    pub route: String,
    /// Why (a receive-procedure step).
    pub reason: String,
}

/// The outcome of a fetch.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FetchReport {
    /// Local ids of new messages.
    pub new: Vec<i64>,
    /// Blobs refused, one per line.
    pub rejected: Vec<Rejection>,
    /// Copies of messages we already had (same message over two routes, or a replay).
    pub duplicates: usize,
    /// Routes that failed as a whole.
    pub route_errors: Vec<(String, String)>,
    /// Large messages still missing pieces.
    pub incomplete: usize,
    /// SHA-256 of each of our own loop (chaff) blobs that came back, for `poll`.
    #[serde(skip)]
    pub loops_back: Vec<[u8; 32]>,
    /// Contact requests received (intro posts are not handled yet; they are reported).
    #[serde(skip)]
    pub intros: usize,
}

/// Progress of a fetch.
#[derive(Debug, Clone, Copy)]
pub struct FetchProgress {
    /// Blobs received so far.
    pub blobs: usize,
    /// Bytes received so far.
    pub bytes: u64,
}

/// Who a capability belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// Mail from this contact (index into the keyring's contacts).
    Contact(usize),
    /// Contact requests.
    Intro,
    /// Our own chaff coming back.
    Loop,
    /// Random padding (cover traffic): never matches anything.
    Decoy,
}

struct Seen<'a> {
    base: &'a (dyn SeenSet + Sync),
    run: &'a HashSet<([u8; 32], [u8; 16])>,
}

impl SeenSet for Seen<'_> {
    fn contains(&self, sender: &[u8; 32], msg_id: &[u8; 16]) -> bool {
        self.run.contains(&(*sender, *msg_id)) || self.base.contains(sender, msg_id)
    }
}

/// (sender, msg_id): one logical message.
type MsgKey = ([u8; 32], [u8; 16]);

struct Run {
    route: String,
    /// The keyring changed (prekeys used or received) and must be saved.
    dirty: bool,
    report: FetchReport,
    delete: Vec<(usize, String)>,
    partial: HashMap<MsgKey, (Reassembly, Vec<(usize, String)>)>,
    accepted: HashSet<([u8; 32], [u8; 16])>,
}

impl Session {
    /// Fetches from every receive route.
    pub fn fetch(&mut self, progress: &mut dyn FnMut(FetchProgress)) -> Result<FetchReport> {
        let _lock = self.home.lock()?;
        self.process_spool()?;
        let mut report = FetchReport::default();
        let mut prog = FetchProgress { blobs: 0, bytes: 0 };
        for route in self.routes() {
            let dial = self.dial_options(&route, None, None)?;
            match Transport::open(&route, &dial) {
                Ok(mut t) => {
                    let r = self.fetch_route(&route, &mut t, &[], &mut prog, progress)?;
                    merge(&mut report, r);
                }
                Err(e) => report
                    .route_errors
                    .push((route_label(&route), e.to_string())),
            }
        }
        self.finish_fetch()?;
        Ok(report)
    }

    /// After fetching: prune prekeys past their deadline and save the keyring if anything
    /// changed, then refresh what unattended polls use.
    pub(crate) fn finish_fetch(&mut self) -> Result<()> {
        let pruned = self.prune_prekeys() > 0;
        if pruned || std::mem::take(&mut self.keyring_dirty) {
            self.save()?;
        }
        self.write_poll_keys()
    }

    /// Fetches one route through an open transport: our capabilities for the days to poll,
    /// plus `extra` (decoys padding a cover-traffic fetch). Stores, then deletes.
    pub(crate) fn fetch_route(
        &mut self,
        route: &hushpost_core::Route,
        transport: &mut Transport,
        extra: &[FetchCap],
        prog: &mut FetchProgress,
        progress: &mut dyn FnMut(FetchProgress),
    ) -> Result<FetchReport> {
        let label = route_label(route);
        let last_key = format!("last-fetch:{route}");
        let today = Day::of(self.now());
        let last = self
            .store()?
            .meta_get(&last_key)?
            .and_then(|d| d.parse().ok())
            .map(Day);
        let days = days_to_poll(today, last, RETENTION_DAYS);
        let (mut caps, mut owners) = self.capabilities(&days);
        for c in extra {
            caps.push(c.clone());
            owners.push(Owner::Decoy);
        }
        let mut run = Run {
            dirty: false,
            route: label.clone(),
            report: FetchReport::default(),
            delete: Vec::new(),
            partial: HashMap::new(),
            accepted: HashSet::new(),
        };
        let mut batch: Vec<Fetched> = Vec::new();
        let mut failure = None;
        let fetched = transport.fetch(&caps, &mut |f| {
            prog.blobs += 1;
            prog.bytes += f.blob.len() as u64;
            progress(*prog);
            batch.push(f);
            if batch.len() >= BATCH
                && let Err(e) = self.process(&mut run, std::mem::take(&mut batch), &owners)
            {
                failure = Some(e);
                return Flow::Stop;
            }
            Flow::Continue
        });
        if failure.is_none()
            && !batch.is_empty()
            && let Err(e) = self.process(&mut run, std::mem::take(&mut batch), &owners)
        {
            failure = Some(e);
        }
        // Whatever was stored durably (or refused) is deleted from the drop, even if the
        // fetch stopped early.
        if !run.delete.is_empty()
            && let Err(e) = transport.delete(&caps, &run.delete)
        {
            run.report.route_errors.push((
                label.clone(),
                format!("could not delete fetched blobs: {e}"),
            ));
        }
        run.report.incomplete = run.partial.len();
        self.keyring_dirty |= run.dirty;
        if let Some(e) = failure {
            return Err(e);
        }
        match fetched {
            Ok(()) => self
                .store()?
                .meta_set(&last_key, &today.0.saturating_sub(1).to_string())?,
            Err(e) => run.report.route_errors.push((label, e.to_string())),
        }
        Ok(run.report)
    }

    /// The capabilities to present and who each belongs to.
    fn capabilities(&self, days: &[Day]) -> (Vec<FetchCap>, Vec<Owner>) {
        let mut caps = Vec::new();
        let mut owners = Vec::new();
        for (i, c) in self.state.contacts.iter().enumerate() {
            let Some((_, id)) = Session::contact_public(c) else {
                continue;
            };
            let Ok(pk) = PairKeys::derive(&self.identity, &id) else {
                continue;
            };
            for d in days {
                caps.push(pk.incoming.fetch_cap(*d));
                owners.push(Owner::Contact(i));
            }
        }
        for d in days {
            caps.push(intro_fetch_cap(&self.state.intro_cap.0, *d));
            owners.push(Owner::Intro);
        }
        if let Ok(lp) = PairKeys::loopback(&self.identity) {
            for d in days {
                caps.push(lp.fetch_cap(*d));
                owners.push(Owner::Loop);
            }
        }
        (caps, owners)
    }

    fn process(&mut self, run: &mut Run, mut batch: Vec<Fetched>, owners: &[Owner]) -> Result<()> {
        // Our own chaff: nothing to open (it is sealed to a throw-away key); note that it
        // came back and delete it like real mail.
        batch.retain(|f| {
            if owners.get(f.cap) == Some(&Owner::Loop) {
                run.report
                    .loops_back
                    .push(hushpost_core::pow::blob_hash(&f.blob));
                run.delete.push((f.cap, f.id.clone()));
                false
            } else {
                true
            }
        });
        let me = self.identity.ed_public();
        let contacts: HashMap<[u8; 32], String> = self
            .state
            .contacts
            .iter()
            .filter_map(|c| Session::contact_public(c).map(|(_, id)| (id.ed, c.name.clone())))
            .collect();
        let base = self.store()?.seen_snapshot()?;
        let now = self.now();
        let mut keys_by_owner: HashMap<Option<usize>, Vec<XKeyPair>> = HashMap::new();
        for o in owners {
            let k = owner_contact(*o);
            if let std::collections::hash_map::Entry::Vacant(e) = keys_by_owner.entry(k) {
                e.insert(self.keys_for(k));
            }
        }
        let opened: Vec<(usize, String, Result<Opened, OpenError>)> = {
            let seen = Seen {
                base: &base,
                run: &run.accepted,
            };
            let is_contact = |k: &[u8; 32]| contacts.contains_key(k);
            // Trial decryption only over the keys of the contact whose tag it came under.
            let keys = &keys_by_owner;
            batch
                .into_par_iter()
                .map(|f| {
                    let owner = owners.get(f.cap).copied().and_then(owner_contact);
                    let refs: Vec<&XKeyPair> = keys[&owner].iter().collect();
                    let ctx = OpenContext {
                        me,
                        keys: &refs,
                        is_contact: &is_contact,
                        seen: &seen,
                        now,
                    };
                    let r = envelope::open(&f.blob, &ctx);
                    (f.cap, f.id, r)
                })
                .collect()
        };
        // Which of our keys each contact used: marks prekeys in use / superseded.
        for (cap, _, r) in &opened {
            let Some(Owner::Contact(i)) = owners.get(*cap).copied() else {
                continue;
            };
            let ki = match r {
                Ok(Opened::Message(m)) => m.key_index,
                Ok(Opened::Fragment(f)) => f.key_index,
                Err(_) => continue,
            };
            if let Some(k) = keys_by_owner.get(&Some(i)).and_then(|v| v.get(ki)) {
                self.note_key_used(i, &k.public(), &mut run.dirty);
            }
        }

        let mut complete: Vec<OpenedMessage> = Vec::new();
        let mut complete_ids: Vec<(usize, String)> = Vec::new();
        for (cap, id, r) in opened {
            let owner = owners.get(cap).copied();
            match r {
                Err(OpenError::Replay) => {
                    run.report.duplicates += 1;
                    run.delete.push((cap, id));
                }
                Err(e) => {
                    run.report.rejected.push(crate::fetch::Rejection {
                        route: run.route.clone(),
                        reason: e.to_string(),
                    });
                    run.delete.push((cap, id));
                }
                Ok(Opened::Message(m)) if m.manifest.is_none() => {
                    let expected_sender = match owner {
                        Some(Owner::Contact(i)) => {
                            Session::contact_public(&self.state.contacts[i]).map(|(_, p)| p.ed)
                        }
                        _ => None,
                    };
                    // A contact's tag must carry that contact's messages: anything else is a
                    // contact replaying mail from someone else into our pair's mailbox.
                    if matches!(owner, Some(Owner::Contact(_)))
                        && expected_sender != Some(m.header.sender)
                    {
                        run.report.rejected.push(crate::fetch::Rejection {
                            route: run.route.clone(),
                            reason: "sender does not match the mailbox it arrived in".into(),
                        });
                        run.delete.push((cap, id));
                        continue;
                    }
                    if matches!(owner, Some(Owner::Intro)) != (m.header.kind == Kind::Intro) {
                        run.report.rejected.push(crate::fetch::Rejection {
                            route: run.route.clone(),
                            reason: "intro and mailbox kinds do not match".into(),
                        });
                        run.delete.push((cap, id));
                        continue;
                    }
                    complete.push(m);
                    complete_ids.push((cap, id));
                }
                Ok(o) => {
                    let key = match &o {
                        Opened::Message(m) => (m.header.sender, m.header.msg_id),
                        Opened::Fragment(f) => (f.header.sender, f.header.msg_id),
                    };
                    let entry = run
                        .partial
                        .entry(key)
                        .or_insert_with(|| (Reassembly::new(), Vec::new()));
                    entry.1.push((cap, id));
                    let (outcome, errors) = entry.0.add(vec![o]);
                    for e in errors {
                        run.report.rejected.push(crate::fetch::Rejection {
                            route: run.route.clone(),
                            reason: e.to_string(),
                        });
                    }
                    if let AddOutcome::Complete(m) = outcome {
                        let (_, ids) = run.partial.remove(&key).expect("present");
                        complete.push(*m);
                        complete_ids.extend(ids);
                    }
                }
            }
        }
        self.accept(run, complete, &contacts)?;
        run.delete.extend(complete_ids);
        Ok(())
    }

    /// Stores verified messages durably (one transaction) and handles non-mail kinds.
    fn accept(
        &mut self,
        run: &mut Run,
        msgs: Vec<OpenedMessage>,
        contacts: &HashMap<[u8; 32], String>,
    ) -> Result<()> {
        let now = self.now();
        let mut prekeys_changed = false;
        let mut letters = Vec::new();
        for m in &msgs {
            if let Some(spk) = m.prekey {
                prekeys_changed |= self.remember_prekey(&m.header.sender, spk, now);
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
            .map(|(m, l)| hushpost_store::NewMessage {
                sender: m.header.sender,
                msg_id: m.header.msg_id,
                outgoing: false,
                peer: contacts
                    .get(&m.header.sender)
                    .cloned()
                    .unwrap_or_else(|| "(unknown)".into()),
                subject: l.as_ref().map(|l| l.subject.clone()).unwrap_or_default(),
                sent_at: m.sent_at,
                received_at: now,
                message_id: l
                    .as_ref()
                    .map(|l| l.message_id.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| letter::message_id_for(&m.header.msg_id)),
                in_reply_to: l.as_ref().and_then(|l| l.in_reply_to.clone()),
                references: l.as_ref().map(|l| l.references.clone()).unwrap_or_default(),
                text: l
                    .as_ref()
                    .map(|l| l.text.clone())
                    .unwrap_or_else(|| String::from_utf8_lossy(&m.body).into_owned()),
                has_attachments: l.as_ref().is_some_and(|l| !l.attachments.is_empty()),
                expires_at: m.expires_at,
                burn: m.burn_after_reading,
                verified: true,
                prev_hash: m.prev_hash,
                chain: envelope::chain_hash(&m.header.msg_id, &m.sig),
                raw: &m.body,
            })
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
        }
        for m in &msgs {
            run.accepted.insert((m.header.sender, m.header.msg_id));
        }
        run.dirty |= prekeys_changed;
        Ok(())
    }

    /// Keeps a contact's newer prekey if its signature verifies; returns whether it changed.
    fn remember_prekey(
        &mut self,
        sender: &[u8; 32],
        spk: envelope::SignedPrekey,
        now: u64,
    ) -> bool {
        let me = self.identity.ed_public();
        if !spk.verify(sender, &me) || spk.not_after <= now {
            tracing::warn!("ignored a prekey whose signature does not verify or that has expired");
            return false;
        }
        let Some(c) = self.state.contacts.iter_mut().find(|c| {
            Session::contact_public(c).is_some_and(|(_, id): (_, PublicIdentity)| id.ed == *sender)
        }) else {
            return false;
        };
        let newer = c
            .their_prekey
            .as_ref()
            .is_none_or(|p| p.not_after < spk.not_after);
        if newer {
            c.their_prekey = Some(hushpost_keyring::PeerPrekey {
                key: hex::encode(spk.key),
                not_after: spk.not_after,
                sig: hex::encode(spk.sig),
                received_at: now,
            });
        }
        newer
    }
}

fn owner_contact(o: Owner) -> Option<usize> {
    match o {
        Owner::Contact(i) => Some(i),
        Owner::Intro | Owner::Loop | Owner::Decoy => None,
    }
}

pub(crate) fn merge(into: &mut FetchReport, from: FetchReport) {
    into.new.extend(from.new);
    into.rejected.extend(from.rejected);
    into.duplicates += from.duplicates;
    into.route_errors.extend(from.route_errors);
    into.incomplete += from.incomplete;
    into.loops_back.extend(from.loops_back);
    into.intros += from.intros;
}

impl Session {
    /// How many capabilities a fetch of `route` presents (for padding cover fetches).
    pub(crate) fn capability_count(&mut self, route: &hushpost_core::Route) -> Result<usize> {
        let today = Day::of(self.now());
        let last = self
            .store()?
            .meta_get(&format!("last-fetch:{route}"))?
            .and_then(|d| d.parse().ok())
            .map(Day);
        let days = days_to_poll(today, last, RETENTION_DAYS);
        Ok(self.capabilities(&days).0.len())
    }

    /// Opens and stores blobs a locked poll spooled; removes the spool files that were
    /// stored or refused (pieces of incomplete large messages stay).
    pub(crate) fn ingest_spooled(
        &mut self,
        items: Vec<(std::path::PathBuf, crate::pollstate::CapOwner, Vec<u8>)>,
    ) -> Result<FetchReport> {
        use crate::pollstate::CapOwner;
        let by_key: HashMap<String, usize> = self
            .state
            .contacts
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Session::contact_public(c).map(|(_, id)| (hex::encode(id.ed), i)))
            .collect();
        let mut owners = Vec::new();
        let mut batch = Vec::new();
        for (i, (path, owner, blob)) in items.into_iter().enumerate() {
            owners.push(match owner {
                CapOwner::Contact(k) => by_key.get(&k).map_or(Owner::Decoy, |i| Owner::Contact(*i)),
                CapOwner::Intro => Owner::Intro,
                CapOwner::Loop => Owner::Loop,
            });
            batch.push(Fetched {
                cap: i,
                id: path.to_string_lossy().into_owned(),
                blob,
            });
        }
        let mut run = Run {
            dirty: false,
            route: "spool".into(),
            report: FetchReport::default(),
            delete: Vec::new(),
            partial: HashMap::new(),
            accepted: HashSet::new(),
        };
        // Blobs whose contact was removed meanwhile cannot be opened: refuse them.
        for (f, o) in batch.iter().zip(owners.iter()) {
            if *o == Owner::Decoy {
                run.report.rejected.push(Rejection {
                    route: "spool".into(),
                    reason: "sender is not one of your contacts".into(),
                });
                run.delete.push((f.cap, f.id.clone()));
            }
        }
        batch.retain(|f| owners[f.cap] != Owner::Decoy);
        for chunk in batch.chunks(BATCH).map(|c| {
            c.iter()
                .map(|f| Fetched {
                    cap: f.cap,
                    id: f.id.clone(),
                    blob: f.blob.clone(),
                })
                .collect::<Vec<_>>()
        }) {
            self.process(&mut run, chunk, &owners)?;
        }
        for (_, id) in &run.delete {
            let _ = hushpost_durable::remove_durable(std::path::Path::new(id));
        }
        run.report.incomplete = run.partial.len();
        self.keyring_dirty |= run.dirty;
        Ok(run.report)
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
        let mut reqs = self.contact_requests()?;
        if reqs.iter().any(|r| r.card == card.encode())
            || self.contact_name_by_key(&card.identity.ed).is_some()
        {
            return Ok(false);
        }
        reqs.push(crate::contacts::ContactRequest {
            name: card.name.clone(),
            card: card.encode(),
            note: note.trim().to_string(),
            received_at: self.now(),
        });
        let json = serde_json::to_string(&reqs)
            .map_err(|e| crate::error::Error::Invalid(e.to_string()))?;
        self.store()?.meta_set("contact-requests", &json)?;
        Ok(true)
    }
}
