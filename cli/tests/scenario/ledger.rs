//! What the scenario sent, and the invariant over it: every message is shown exactly once to
//! each recipient, or waits in its sender's outbox with a reason (or is on its way: the
//! sender's record says sent and the recipient has not fetched yet); and its sender keeps
//! the sent copy. Must not: infer expectations from what hushpost shows (only from what the
//! scenario did).

use super::run::{Person, Runner};
use super::world::NAMES;
use std::collections::HashMap;

pub struct Msg {
    pub subject: String,
    pub from: usize,
    pub to: Vec<usize>,
}

#[derive(Default)]
pub struct Ledger {
    pub msgs: Vec<Msg>,
    /// (message, replier) pairs already replied to.
    pub replied: Vec<(usize, usize)>,
}

/// The outcome for one (message, recipient).
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub shown: usize,
    pub duplicated: usize,
    /// In the sender's outbox with a reason.
    pub kept: usize,
    /// Sent, not fetched yet.
    pub in_flight: usize,
    pub lost: usize,
}

/// The (message, recipient) pairs not shown yet, with their state: for the failure message.
pub type Waiting = Vec<String>;

/// One person's view: subjects shown (received), sent subjects, and outbox entries.
struct View {
    shown: HashMap<String, usize>,
    sent: HashMap<String, Vec<(String, String)>>,
    sent_copies: HashMap<String, usize>,
    outbox: HashMap<(String, String), String>,
}

fn view(r: &mut Runner, p: &Person) -> View {
    let mut shown = HashMap::new();
    for row in r.json(p, &["list", "--json", "--limit", "0"]) {
        let s = row["subject"].as_str().unwrap_or_default().to_string();
        *shown.entry(s).or_insert(0) += 1;
    }
    let mut sent = HashMap::new();
    let mut sent_copies = HashMap::new();
    for row in r.json(p, &["list", "--sent", "--json", "--limit", "0"]) {
        let s = row["subject"].as_str().unwrap_or_default().to_string();
        *sent_copies.entry(s.clone()).or_insert(0) += 1;
        let d: Vec<(String, String)> = row["deliveries"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                (
                    d["recipient"].as_str().unwrap_or_default().to_string(),
                    d["state"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        sent.insert(s, d);
    }
    let mut outbox = HashMap::new();
    for item in r.json(p, &["outbox", "list", "--json"]) {
        let key = (
            item["subject"].as_str().unwrap_or_default().to_string(),
            item["recipient"].as_str().unwrap_or_default().to_string(),
        );
        outbox.insert(key, item["reason"].as_str().unwrap_or_default().to_string());
    }
    View {
        shown,
        sent,
        sent_copies,
        outbox,
    }
}

impl Ledger {
    /// Checks the invariant now; returns the tally and every violation (lost, duplicated,
    /// shown to someone it was not for, a sent copy missing).
    pub fn check(&self, r: &mut Runner, people: &[Person]) -> (Tally, Vec<String>, Waiting) {
        let views: Vec<View> = people.iter().map(|p| view(r, p)).collect();
        let mut t = Tally::default();
        let mut bad = Vec::new();
        let mut waits = Vec::new();
        for m in &self.msgs {
            let sender = &views[m.from];
            match sender.sent_copies.get(&m.subject).copied().unwrap_or(0) {
                1 => {}
                n => bad.push(format!(
                    "{}'s sent copy of {:?} is there {n} times",
                    NAMES[m.from], m.subject
                )),
            }
            for &to in &m.to {
                let rcpt = NAMES[to];
                let shown = views[to].shown.get(&m.subject).copied().unwrap_or(0);
                let state = sender
                    .sent
                    .get(&m.subject)
                    .and_then(|d| d.iter().find(|(r, _)| r == rcpt))
                    .map(|(_, s)| s.as_str());
                let waiting = sender.outbox.get(&(m.subject.clone(), rcpt.to_string()));
                match (shown, state, waiting) {
                    (1, _, _) => t.shown += 1,
                    (0, _, Some(reason)) if !reason.is_empty() => {
                        t.kept += 1;
                        waits.push(format!(
                            "kept: {:?} from {} to {rcpt}: {reason}",
                            m.subject, NAMES[m.from]
                        ));
                    }
                    (0, Some("sent"), _) => {
                        t.in_flight += 1;
                        waits.push(format!(
                            "sent, never shown: {:?} from {} to {rcpt}",
                            m.subject, NAMES[m.from]
                        ));
                    }
                    (0, _, _) => {
                        t.lost += 1;
                        bad.push(format!(
                            "LOST: {:?} from {} to {rcpt}: not shown, delivery {state:?}, outbox {waiting:?}",
                            m.subject, NAMES[m.from]
                        ));
                    }
                    (n, _, _) => {
                        t.duplicated += 1;
                        bad.push(format!(
                            "DUPLICATED: {:?} from {} shown {n} times to {rcpt}",
                            m.subject, NAMES[m.from]
                        ));
                    }
                }
            }
        }
        for (i, v) in views.iter().enumerate() {
            for (s, n) in &v.shown {
                let ok = self
                    .msgs
                    .iter()
                    .any(|m| &m.subject == s && m.to.contains(&i));
                if !ok {
                    bad.push(format!(
                        "{} was shown {s:?} ({n}×), not sent to them",
                        NAMES[i]
                    ));
                }
            }
        }
        (t, bad, waits)
    }
}
