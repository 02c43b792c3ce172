//! Reassembly of fragmented messages: fragments may arrive before their head, twice, out of
//! order or over several routes. A piece is accepted only once its MAC verifies under the
//! head's fragment key; the body is released only when every piece is present.

use super::inner::FRAGMENT_CAPACITY;
use super::inner::MAC_LEN;
use super::open::{Opened, OpenedFragment, OpenedMessage};
use super::seal::{fragment_mac, fragment_mac_key};
use crate::secret::Secret32;
use rayon::prelude::*;
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// Why a piece was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReassemblyError {
    /// The piece belongs to another message (sender or id differ).
    #[error("fragment belongs to a different message")]
    WrongMessage,
    /// The piece's MAC does not verify under the head's key (forged or corrupted).
    #[error("fragment {0} failed authentication")]
    BadMac(u32),
    /// The piece disagrees with the head about the fragment count.
    #[error("fragment {0} disagrees with the manifest")]
    Inconsistent(u32),
    /// A second head for the same message.
    #[error("second head for the same message")]
    DuplicateHead,
    /// The head announces more than [`super::v2::DEFAULT_MAX_TOTAL_LEN`] (a v1 head may ask for
    /// 8.5 GB, which v1 reassembly would have to allocate).
    #[error("message of {0} bytes is larger than this client accepts")]
    TooLarge(u64),
}

/// Progress after adding pieces.
#[derive(Debug)]
pub enum AddOutcome {
    /// Still waiting: `have` verified pieces of `need` (unknown until the head arrives).
    Waiting {
        /// Pieces held (verified or awaiting the head).
        have: u32,
        /// Total pieces, once the head is known.
        need: Option<u32>,
    },
    /// Every piece arrived and verified: the head with its full body.
    Complete(Box<OpenedMessage>),
}

/// The state of one fragmented message.
#[derive(Debug, Default)]
pub struct Reassembly {
    id: Option<([u8; 32], [u8; 16])>,
    head: Option<OpenedMessage>,
    mac_key: Option<Secret32>,
    /// Pieces that arrived before the head (unverified), keyed by index and MAC so that
    /// identical copies collapse while a forged piece cannot shadow the genuine one.
    early: BTreeMap<(u32, [u8; MAC_LEN]), OpenedFragment>,
    /// Body under construction, once the head is known.
    body: Option<Zeroizing<Vec<u8>>>,
    have: Vec<bool>,
    have_count: u32,
}

impl Reassembly {
    /// An empty reassembly.
    pub fn new() -> Self {
        Self::default()
    }

    fn check_id(&mut self, sender: &[u8; 32], msg_id: &[u8; 16]) -> Result<(), ReassemblyError> {
        match self.id {
            None => {
                self.id = Some((*sender, *msg_id));
                Ok(())
            }
            Some((s, m)) if s == *sender && m == *msg_id => Ok(()),
            Some(_) => Err(ReassemblyError::WrongMessage),
        }
    }

    /// Adds opened blobs of this message (a head and/or fragments). MACs are checked in
    /// parallel. Bad pieces are dropped and reported; good ones are kept.
    pub fn add(&mut self, items: Vec<Opened>) -> (AddOutcome, Vec<ReassemblyError>) {
        let mut errors = Vec::new();
        let mut frags = Vec::new();
        for item in items {
            match item {
                Opened::Message(m) => {
                    if let Err(e) = self.add_head(m) {
                        errors.push(e);
                    }
                }
                Opened::Fragment(f) => match self.check_id(&f.header.sender, &f.header.msg_id) {
                    Ok(()) => frags.push(f),
                    Err(e) => errors.push(e),
                },
            }
        }
        if self.head.is_some() {
            let early = std::mem::take(&mut self.early);
            frags.extend(early.into_values());
            errors.extend(self.place(frags));
        } else {
            for f in frags {
                self.early.entry((f.index, f.mac)).or_insert(f);
            }
        }
        (self.outcome(), errors)
    }

    fn add_head(&mut self, m: OpenedMessage) -> Result<(), ReassemblyError> {
        self.check_id(&m.header.sender, &m.header.msg_id)?;
        if self.head.is_some() {
            return Err(ReassemblyError::DuplicateHead);
        }
        let Some(man) = &m.manifest else {
            return Err(ReassemblyError::Inconsistent(0));
        };
        if man.total_len > super::v2::DEFAULT_MAX_TOTAL_LEN {
            return Err(ReassemblyError::TooLarge(man.total_len));
        }
        self.body = Some(Zeroizing::new(vec![0u8; man.total_len as usize]));
        self.mac_key = Some(fragment_mac_key(&man.frag_key));
        self.have = vec![false; man.count as usize];
        self.head = Some(m);
        Ok(())
    }

    fn place(&mut self, frags: Vec<OpenedFragment>) -> Vec<ReassemblyError> {
        let (Some(head), Some(body)) = (&self.head, &mut self.body) else {
            return Vec::new();
        };
        let (Some(man), Some(mac_key)) = (&head.manifest, &self.mac_key) else {
            return Vec::new();
        };
        let checked: Vec<Result<OpenedFragment, ReassemblyError>> = frags
            .into_par_iter()
            .map(|f| {
                if f.count != man.count || f.index >= man.count {
                    return Err(ReassemblyError::Inconsistent(f.index));
                }
                let expected_len = if f.index + 1 == man.count {
                    man.total_len as usize - (man.count as usize - 1) * FRAGMENT_CAPACITY
                } else {
                    FRAGMENT_CAPACITY
                };
                if f.chunk().len() != expected_len {
                    return Err(ReassemblyError::Inconsistent(f.index));
                }
                let mac = fragment_mac(mac_key, f.index, f.mac_input());
                if !ct_eq(&mac, &f.mac) {
                    return Err(ReassemblyError::BadMac(f.index));
                }
                Ok(f)
            })
            .collect();
        let mut errors = Vec::new();
        for r in checked {
            match r {
                Ok(f) => {
                    let i = f.index as usize;
                    if !self.have[i] {
                        let at = i * FRAGMENT_CAPACITY;
                        body[at..at + f.chunk().len()].copy_from_slice(f.chunk());
                        self.have[i] = true;
                        self.have_count += 1;
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        errors
    }

    fn outcome(&mut self) -> AddOutcome {
        match &self.head {
            Some(h) => {
                let need = h.manifest.as_ref().map_or(0, |m| m.count);
                if self.have_count == need
                    && let Some(mut head) = self.head.take()
                {
                    head.body = self.body.take().unwrap_or_default();
                    head.manifest = None;
                    AddOutcome::Complete(Box::new(head))
                } else {
                    AddOutcome::Waiting {
                        have: self.have_count,
                        need: Some(need),
                    }
                }
            }
            None => AddOutcome::Waiting {
                have: self.early.len() as u32,
                need: None,
            },
        }
    }

    /// Which fragment indices are still missing (empty until the head is known).
    pub fn missing(&self) -> Vec<u32> {
        self.have
            .iter()
            .enumerate()
            .filter(|(_, h)| !**h)
            .map(|(i, _)| i as u32)
            .collect()
    }
}

fn ct_eq(a: &[u8; MAC_LEN], b: &[u8; MAC_LEN]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
