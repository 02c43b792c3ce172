//! One batch of fetched blobs: open them in parallel (v2 and v1, trial decryption only over
//! the keys of the contact whose tag each came under), check that each came from the
//! mailbox it claims — heads and fragments alike —, then hand whole messages to `accept`
//! and the heads and fragments of large messages to `large`.
//!
//! Must not: release anything that failed a step of the receive procedure, or open a blob
//! with another contact's keys.

use super::large::Assembling;
use super::{FetchReport, Rejection};
use crate::error::Result;
use crate::keys::Owner;
use crate::keys::prekeys::Opening;
use crate::session::Session;
use hushpost_core::agelayer::KeyHit;
use hushpost_core::envelope::v2::{self, Fragment};
use hushpost_core::envelope::{
    AddOutcome, Kind, OpenError, Opened as V1Opened, OpenedMessage, Reassembly,
};
use hushpost_core::replay::SeenSet;
use hushpost_transports::Fetched;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// (sender, msg_id): one logical message.
pub(super) type MsgKey = ([u8; 32], [u8; 16]);

/// What one fetch run has done so far.
pub(crate) struct Run {
    pub(super) route: String,
    pub(super) report: FetchReport,
    /// `(capability index, drop id)` of blobs to delete from the drop.
    pub(super) delete: Vec<(usize, String)>,
    /// v1 large messages being reassembled in memory.
    pub(super) partial: HashMap<MsgKey, (Reassembly, Vec<(usize, String)>)>,
    pub(super) accepted: HashSet<MsgKey>,
    /// Blobs outside the time window, to keep aside: (capability index, drop id, reason,
    /// sealed blob).
    pub(super) aside: Vec<(usize, String, String, Vec<u8>)>,
    /// Open as if it were this time (releasing a quarantined blob).
    pub(super) now: Option<u64>,
    /// Trying the quarantine again: what fails the window again simply stays there.
    pub(super) reopening: bool,
    /// v2 large messages arriving (loaded from the store on first use).
    pub(super) large: HashMap<MsgKey, Assembling>,
    /// Large messages the store is known to hold partially (as of the run's start).
    pub(super) known: Option<HashSet<MsgKey>>,
    /// Large messages that cannot be taken now (no room on disk): their pieces stay.
    pub(super) refused: HashSet<MsgKey>,
    /// Blobs left on the drop for a later pass (their head came later, or too many early).
    pub(super) left: usize,
    /// Heads that arrived in this batch (their early fragments are stored next).
    pub(super) new_heads: Vec<MsgKey>,
    /// SHA-256 of our own chaff still out (a poll's loop blobs): noted and deleted, never
    /// opened.
    pub(crate) own_chaff: HashSet<[u8; 32]>,
}

impl Run {
    pub(crate) fn new(route: String) -> Run {
        Run {
            route,
            report: FetchReport::default(),
            delete: Vec::new(),
            partial: HashMap::new(),
            accepted: HashSet::new(),
            aside: Vec::new(),
            now: None,
            reopening: false,
            large: HashMap::new(),
            known: None,
            refused: HashSet::new(),
            left: 0,
            new_heads: Vec::new(),
            own_chaff: HashSet::new(),
        }
    }

    pub(super) fn reject(&mut self, cap: usize, id: String, reason: String) {
        self.report.rejected.push(Rejection {
            route: self.route.clone(),
            reason,
        });
        self.delete.push((cap, id));
    }
}

pub(super) struct Seen<'a> {
    pub(super) base: &'a (dyn SeenSet + Sync),
    pub(super) run: &'a HashSet<MsgKey>,
}

impl SeenSet for Seen<'_> {
    fn contains(&self, sender: &[u8; 32], msg_id: &[u8; 16]) -> bool {
        self.run.contains(&(*sender, *msg_id)) || self.base.contains(sender, msg_id)
    }
}

pub(super) fn owner_contact(o: Owner) -> Option<usize> {
    match o {
        Owner::Contact(i) => Some(i),
        Owner::Intro | Owner::Loop | Owner::Decoy => None,
    }
}

/// One opened blob: its capability index, drop id, what opening said, and the sealed bytes
/// when they may have to be kept (outside the time window, or a fragment whose head is not
/// known yet).
pub(super) type Outcome = (
    usize,
    String,
    std::result::Result<v2::Opened, OpenError>,
    Option<Vec<u8>>,
);

/// A fragment waiting for its head's plan: where it came from and, when its head is not
/// known, the sealed blob (to keep as an early fragment).
pub(super) struct Piece {
    pub(super) origin: super::large::Origin,
    pub(super) fragment: Box<Fragment>,
    pub(super) sealed: Option<Vec<u8>>,
}

impl Session {
    pub(crate) fn process(
        &mut self,
        run: &mut Run,
        mut batch: Vec<Fetched>,
        owners: &[Owner],
    ) -> Result<()> {
        // Our own chaff: nothing to open (it is sealed to a throw-away key); note that it
        // came back and delete it like real mail. A contact request a relay took without
        // its proof of work is refused: anyone could flood the intro mailbox that way.
        // Hashing every blob (a GiB for a large message) is only needed while our own
        // chaff may be among them, and then runs on every core.
        let hashes: Vec<Option<[u8; 32]>> = batch
            .par_iter()
            .map(|f| {
                (owners.get(f.cap) == Some(&Owner::Loop) || !run.own_chaff.is_empty())
                    .then(|| hushpost_core::pow::blob_hash(&f.blob))
            })
            .collect();
        let mut hashes = hashes.into_iter();
        batch.retain(|f| {
            let hash = hashes.next().flatten();
            if owners.get(f.cap) == Some(&Owner::Loop)
                || hash.is_some_and(|h| run.own_chaff.contains(&h))
            {
                run.report.loops_back.extend(hash);
                run.delete.push((f.cap, f.id.clone()));
                false
            } else if owners.get(f.cap) == Some(&Owner::Intro) && f.unstamped {
                run.reject(
                    f.cap,
                    f.id.clone(),
                    "contact request posted without the relay's proof of work".into(),
                );
                false
            } else {
                true
            }
        });
        let keys = self.keys_by_owner(owners, &batch);
        self.load_known(run)?;
        let opened = self.open_batch(run, batch, owners, &keys)?;
        self.note_keys_used(&opened, owners, &keys);
        let mut v1_complete = Vec::new();
        let mut whole = Vec::new();
        let mut pieces = Vec::new();
        for (cap, id, r, blob) in opened {
            let owner = owners.get(cap).copied();
            match r {
                Err(e @ (OpenError::FromFuture | OpenError::TooOld)) if blob.is_some() => {
                    run.aside
                        .push((cap, id, e.to_string(), blob.unwrap_or_default()));
                }
                Err(OpenError::Replay) => {
                    run.report.duplicates += 1;
                    run.delete.push((cap, id));
                }
                Err(e) => run.reject(cap, id, e.to_string()),
                Ok(v2::Opened::V1(o)) => self.sort_v1(run, cap, id, *o, owner, &mut v1_complete),
                Ok(v2::Opened::Envelope(e)) => {
                    if let Some(why) = self.mailbox_mismatch(owner, &e.header.sender, e.header.kind)
                    {
                        run.reject(cap, id, why.into());
                    } else if e.fragment_count == 0 {
                        whole.push((e, (cap, id)));
                    } else {
                        self.start_large(run, cap, id, e)?;
                    }
                }
                Ok(v2::Opened::Fragment(f)) => {
                    // A fragment's own kind is Fragment; it must come, like its head, from
                    // the contact whose mailbox it arrived in.
                    if let Some(why) = self.mailbox_mismatch(owner, &f.header.sender, Kind::Message)
                    {
                        run.reject(cap, id, why.into());
                    } else {
                        pieces.push(Piece {
                            origin: super::large::Origin::Drop(cap, id),
                            fragment: f,
                            sealed: blob,
                        });
                    }
                }
            }
        }
        self.keep_aside(run, owners)?;
        let ids: Vec<(usize, String)> = v1_complete
            .iter()
            .flat_map(|(_, ids)| ids.clone())
            .collect();
        self.accept(run, v1_complete.into_iter().map(|(m, _)| m).collect())?;
        run.delete.extend(ids);
        self.accept_v2(run, whole)?;
        self.add_pieces(run, pieces)?;
        self.drain_early(run)?;
        Ok(())
    }

    /// The keys of each owner that has a blob in this batch (trial decryption is per
    /// contact: a blob is only ever tried with the keys of the mailbox it arrived in).
    pub(super) fn keys_by_owner(
        &self,
        owners: &[Owner],
        batch: &[Fetched],
    ) -> HashMap<Option<usize>, Opening> {
        let mut m = HashMap::new();
        for f in batch {
            let k = owners.get(f.cap).copied().and_then(owner_contact);
            m.entry(k).or_insert_with(|| self.keys.keys_for(k));
        }
        m
    }

    /// Which large messages the store holds partially (read once per run).
    fn load_known(&mut self, run: &mut Run) -> Result<()> {
        if run.known.is_none() {
            let keys = self.store()?.partials()?.into_iter().map(|p| p.key);
            run.known = Some(keys.collect());
        }
        Ok(())
    }

    fn open_batch(
        &mut self,
        run: &Run,
        batch: Vec<Fetched>,
        owners: &[Owner],
        keys: &HashMap<Option<usize>, Opening>,
    ) -> Result<Vec<Outcome>> {
        let me = self.keys.identity().ed_public();
        let contacts: HashSet<[u8; 32]> = (0..self.keys.contact_states().len())
            .filter_map(|i| self.keys.contact_ed(i))
            .collect();
        let base = self.store()?.seen_snapshot()?;
        let now = run.now.unwrap_or_else(|| self.now());
        let seen = Seen {
            base: &base,
            run: &run.accepted,
        };
        let known = |k: &MsgKey| {
            run.large.contains_key(k) || run.known.as_ref().is_some_and(|s| s.contains(k))
        };
        let is_contact = |k: &[u8; 32]| contacts.contains(k);
        Ok(batch
            .into_par_iter()
            .map(|f| {
                let owner = owners.get(f.cap).copied().and_then(owner_contact);
                let (x, pq) = keys[&owner].refs();
                let rx = v2::Receiver {
                    me,
                    x_keys: &x,
                    pq_keys: &pq,
                    is_contact: &is_contact,
                    seen: &seen,
                    now,
                    max_total_len: v2::DEFAULT_MAX_TOTAL_LEN,
                };
                let r = v2::open(&f.blob, &rx);
                let keep = match &r {
                    Err(OpenError::FromFuture | OpenError::TooOld) => true,
                    Ok(v2::Opened::Fragment(fr)) => !known(&fr.message()),
                    _ => false,
                };
                (f.cap, f.id, r, keep.then_some(f.blob))
            })
            .collect())
    }

    /// Which of our keys each contact used: marks prekeys in use / superseded.
    fn note_keys_used(
        &mut self,
        opened: &[Outcome],
        owners: &[Owner],
        keys: &HashMap<Option<usize>, Opening>,
    ) {
        for (cap, _, r, _) in opened {
            let Some(Owner::Contact(i)) = owners.get(*cap).copied() else {
                continue;
            };
            let hit = match r {
                Ok(v2::Opened::Envelope(e)) => e.key_hit,
                Ok(v2::Opened::V1(o)) => match o.as_ref() {
                    V1Opened::Message(m) => KeyHit::X25519(m.key_index),
                    V1Opened::Fragment(f) => KeyHit::X25519(f.key_index),
                },
                _ => continue,
            };
            if let Some(k) = keys.get(&Some(i)) {
                self.keys.note_key_used(i, k, hit);
            }
        }
    }

    /// Blobs outside the time window (a sender's clock running ahead, mail delayed past
    /// the window) go to the quarantine, sealed as they came, and leave the drop: the user
    /// sees them (`fetch -v`, `hushpost quarantine`) and can release them; the ones dated in
    /// the future are also tried again at every fetch, so they arrive once the clock agrees.
    fn keep_aside(&mut self, run: &mut Run, owners: &[Owner]) -> Result<()> {
        if run.reopening {
            run.aside.clear();
            return Ok(());
        }
        let now = self.now();
        for (cap, id, reason, blob) in std::mem::take(&mut run.aside) {
            let owner = match owners.get(cap) {
                Some(Owner::Contact(i)) => self.keys.contact_ed(*i).unwrap_or([0; 32]),
                _ => [0; 32],
            };
            self.store()?
                .quarantine_add(&run.route, &owner, &reason, &blob, now)?;
            run.report.quarantined.push(Rejection {
                route: run.route.clone(),
                reason,
            });
            run.delete.push((cap, id));
        }
        Ok(())
    }

    /// A message must come from the mailbox it arrived in, and intro posts only from the
    /// intro mailbox: anything else is a contact replaying someone else's mail to us.
    pub(super) fn mailbox_mismatch(
        &self,
        owner: Option<Owner>,
        sender: &[u8; 32],
        kind: Kind,
    ) -> Option<&'static str> {
        if let Some(Owner::Contact(i)) = owner
            && self.keys.contact_ed(i) != Some(*sender)
        {
            return Some("sender does not match the mailbox it arrived in");
        }
        if matches!(owner, Some(Owner::Intro)) != (kind == Kind::Intro) {
            return Some("intro and mailbox kinds do not match");
        }
        None
    }

    /// A v1 blob (sent by hushpost 0.1, readable for the 35-day window).
    fn sort_v1(
        &mut self,
        run: &mut Run,
        cap: usize,
        id: String,
        o: V1Opened,
        owner: Option<Owner>,
        complete: &mut Vec<(OpenedMessage, Vec<(usize, String)>)>,
    ) {
        let (sender, kind) = match &o {
            V1Opened::Message(m) => (m.header.sender, m.header.kind),
            // A fragment's kind is Fragment; the head it belongs to is checked on arrival.
            V1Opened::Fragment(f) => (f.header.sender, Kind::Message),
        };
        if let Some(why) = self.mailbox_mismatch(owner, &sender, kind) {
            return run.reject(cap, id, why.into());
        }
        match o {
            V1Opened::Message(m) if m.manifest.is_none() => complete.push((m, vec![(cap, id)])),
            o => reassemble_v1(run, cap, id, o, complete),
        }
    }
}

fn reassemble_v1(
    run: &mut Run,
    cap: usize,
    id: String,
    o: V1Opened,
    complete: &mut Vec<(OpenedMessage, Vec<(usize, String)>)>,
) {
    let key = match &o {
        V1Opened::Message(m) => (m.header.sender, m.header.msg_id),
        V1Opened::Fragment(f) => (f.header.sender, f.header.msg_id),
    };
    let entry = run
        .partial
        .entry(key)
        .or_insert_with(|| (Reassembly::new(), Vec::new()));
    entry.1.push((cap, id));
    let (outcome, errors) = entry.0.add(vec![o]);
    for e in errors {
        run.report.rejected.push(Rejection {
            route: run.route.clone(),
            reason: e.to_string(),
        });
    }
    if let AddOutcome::Complete(m) = outcome
        && let Some((_, ids)) = run.partial.remove(&key)
    {
        complete.push((*m, ids));
    }
}
