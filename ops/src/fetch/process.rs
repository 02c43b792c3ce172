//! One batch of fetched blobs: open them in parallel (trial decryption only over the keys
//! of the contact whose tag each came under), check that each came from the mailbox it
//! claims, reassemble fragmented messages, and hand complete ones to `accept`.

use super::{FetchReport, Rejection};
use crate::error::Result;
use crate::keys::Owner;
use crate::session::Session;
use hushpost_core::envelope::{
    self, AddOutcome, Kind, OpenContext, OpenError, Opened, OpenedMessage, Reassembly,
};
use hushpost_core::identity::XKeyPair;
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
    pub(super) partial: HashMap<MsgKey, (Reassembly, Vec<(usize, String)>)>,
    pub(super) accepted: HashSet<MsgKey>,
    /// Blobs outside the time window, to keep aside: (capability index, drop id, reason,
    /// sealed blob).
    pub(super) aside: Vec<(usize, String, String, Vec<u8>)>,
    /// Open as if it were this time (releasing a quarantined blob).
    pub(super) now: Option<u64>,
    /// Trying the quarantine again: what fails the window again simply stays there.
    pub(super) reopening: bool,
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
            own_chaff: HashSet::new(),
        }
    }

    fn reject(&mut self, cap: usize, id: String, reason: String) {
        self.report.rejected.push(Rejection {
            route: self.route.clone(),
            reason,
        });
        self.delete.push((cap, id));
    }
}

struct Seen<'a> {
    base: &'a (dyn SeenSet + Sync),
    run: &'a HashSet<MsgKey>,
}

impl SeenSet for Seen<'_> {
    fn contains(&self, sender: &[u8; 32], msg_id: &[u8; 16]) -> bool {
        self.run.contains(&(*sender, *msg_id)) || self.base.contains(sender, msg_id)
    }
}

fn owner_contact(o: Owner) -> Option<usize> {
    match o {
        Owner::Contact(i) => Some(i),
        Owner::Intro | Owner::Loop | Owner::Decoy => None,
    }
}

/// One opened blob: its capability index, drop id, what opening said, and the sealed bytes
/// when they must be kept aside (outside the time window).
type Outcome = (
    usize,
    String,
    std::result::Result<Opened, OpenError>,
    Option<Vec<u8>>,
);

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
        batch.retain(|f| {
            let hash = hushpost_core::pow::blob_hash(&f.blob);
            if owners.get(f.cap) == Some(&Owner::Loop) || run.own_chaff.contains(&hash) {
                run.report.loops_back.push(hash);
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
        let keys_by_owner = self.keys_by_owner(owners);
        let opened = self.open_batch(run, batch, owners, &keys_by_owner)?;
        self.note_keys_used(&opened, owners, &keys_by_owner);
        let mut complete = Vec::new();
        for (cap, id, r, blob) in opened {
            if let (Err(e), Some(blob)) = (&r, blob) {
                run.aside.push((cap, id, e.to_string(), blob));
                continue;
            }
            self.sort_one(run, cap, id, r, owners.get(cap).copied(), &mut complete);
        }
        self.keep_aside(run, owners)?;
        let ids: Vec<(usize, String)> = complete.iter().flat_map(|(_, ids)| ids.clone()).collect();
        self.accept(run, complete.into_iter().map(|(m, _)| m).collect())?;
        run.delete.extend(ids);
        Ok(())
    }

    fn keys_by_owner(&self, owners: &[Owner]) -> HashMap<Option<usize>, Vec<XKeyPair>> {
        let mut m = HashMap::new();
        for o in owners {
            let k = owner_contact(*o);
            m.entry(k).or_insert_with(|| self.keys.keys_for(k));
        }
        m
    }

    fn open_batch(
        &mut self,
        run: &Run,
        batch: Vec<Fetched>,
        owners: &[Owner],
        keys: &HashMap<Option<usize>, Vec<XKeyPair>>,
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
        let is_contact = |k: &[u8; 32]| contacts.contains(k);
        Ok(batch
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
                let aside = matches!(r, Err(OpenError::FromFuture | OpenError::TooOld));
                (f.cap, f.id, r, aside.then_some(f.blob))
            })
            .collect())
    }

    /// Which of our keys each contact used: marks prekeys in use / superseded.
    fn note_keys_used(
        &mut self,
        opened: &[Outcome],
        owners: &[Owner],
        keys: &HashMap<Option<usize>, Vec<XKeyPair>>,
    ) {
        for (cap, _, r, _) in opened {
            let Some(Owner::Contact(i)) = owners.get(*cap).copied() else {
                continue;
            };
            let ki = match r {
                Ok(Opened::Message(m)) => m.key_index,
                Ok(Opened::Fragment(f)) => f.key_index,
                Err(_) => continue,
            };
            if let Some(k) = keys.get(&Some(i)).and_then(|v| v.get(ki)) {
                self.keys.note_key_used(i, &k.public());
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
    fn mailbox_mismatch(
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

    fn sort_one(
        &mut self,
        run: &mut Run,
        cap: usize,
        id: String,
        r: std::result::Result<Opened, OpenError>,
        owner: Option<Owner>,
        complete: &mut Vec<(OpenedMessage, Vec<(usize, String)>)>,
    ) {
        let o = match r {
            Err(OpenError::Replay) => {
                run.report.duplicates += 1;
                run.delete.push((cap, id));
                return;
            }
            Err(e) => return run.reject(cap, id, e.to_string()),
            Ok(o) => o,
        };
        let (sender, kind) = match &o {
            Opened::Message(m) => (m.header.sender, m.header.kind),
            // A fragment's kind is Fragment; the head it belongs to is checked on arrival.
            Opened::Fragment(f) => (f.header.sender, Kind::Message),
        };
        if let Some(why) = self.mailbox_mismatch(owner, &sender, kind) {
            return run.reject(cap, id, why.into());
        }
        match o {
            Opened::Message(m) if m.manifest.is_none() => complete.push((m, vec![(cap, id)])),
            o => reassemble(run, cap, id, o, complete),
        }
    }
}

fn reassemble(
    run: &mut Run,
    cap: usize,
    id: String,
    o: Opened,
    complete: &mut Vec<(OpenedMessage, Vec<(usize, String)>)>,
) {
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
        run.report.rejected.push(Rejection {
            route: run.route.clone(),
            reason: e.to_string(),
        });
    }
    if let AddOutcome::Complete(m) = outcome {
        let (_, ids) = run.partial.remove(&key).expect("present");
        complete.push((*m, ids));
    }
}
