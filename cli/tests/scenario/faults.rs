//! The scenario's faults, each injected from the seed and healed a few steps later: kill -9
//! of a relay (then started again on the same port and data — it must come back), a clean
//! relay restart, the SSH drop's sshd killed, the SOCKS proxy stopped, the folder drop's
//! disk filled, a person's clock 20 minutes fast, a poll or fetch SIGKILLed half-way, and
//! the relay or sshd SIGKILLed in the middle of a poll or fetch that talks to it.
//! Must not: leave a fault on after `heal_all`, or inject one that is already on.

use super::Rng;
use super::world::{ANN, BEN, CAT, DAN, TOM, World};
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    RelayKill(bool),
    RelayRestart,
    SshdDown,
    ProxyDown,
    DiskFull,
    Skew(usize),
    KillPoll,
    KillFetch,
    /// ben's relay killed while someone's poll talks to it (it stays down a while).
    RelayKillMidPoll,
    /// cat's sshd killed while cat fetches or someone's poll puts to it.
    SshdKillMidTransfer,
    /// A drop hands a blob over twice: one in ann's folder or cat's SSH drop copied under
    /// a new name (a replaying or restored-from-backup drop).
    Replay,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::RelayKill(_) => "relay kill -9",
            Kind::RelayRestart => "relay restart",
            Kind::SshdDown => "sshd down",
            Kind::ProxyDown => "proxy stopped",
            Kind::DiskFull => "disk full",
            Kind::Skew(_) => "clock skew",
            Kind::KillPoll => "poll kill -9",
            Kind::KillFetch => "fetch kill -9",
            Kind::RelayKillMidPoll => "relay kill -9 mid-poll",
            Kind::SshdKillMidTransfer => "sshd kill -9 mid-transfer",
            Kind::Replay => "blob replayed",
        }
    }
}

#[derive(Default)]
pub struct Faults {
    /// Active faults and the step at which each heals.
    active: Vec<(Kind, usize)>,
    pub injected: BTreeMap<&'static str, usize>,
    /// Kinds injected at least once (their index in `inject`).
    tried: Vec<usize>,
}

impl Faults {
    pub fn summary(&self) -> String {
        self.injected
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn inject(&mut self, w: &mut World, rng: &mut Rng, step: usize) {
        // Every kind once before any repeats, so even the short CI seed meets them all.
        const KINDS: usize = 11;
        let fresh: Vec<usize> = (0..KINDS).filter(|k| !self.tried.contains(k)).collect();
        let pick = if fresh.is_empty() {
            rng.below(KINDS)
        } else {
            fresh[rng.below(fresh.len())]
        };
        let kind = match pick {
            0 => Kind::RelayKill(rng.below(2) == 0),
            1 => Kind::RelayRestart,
            2 => Kind::SshdDown,
            3 => Kind::ProxyDown,
            4 => Kind::DiskFull,
            5 => Kind::Skew(rng.below(w.people.len())),
            6 => Kind::KillPoll,
            7 => Kind::KillFetch,
            8 => Kind::RelayKillMidPoll,
            9 => Kind::SshdKillMidTransfer,
            _ => Kind::Replay,
        };
        // What stays on: a mid-transfer kill leaves the server down like a plain kill.
        let lasting = match kind {
            Kind::RelayKillMidPoll | Kind::RelayRestart => Kind::RelayKill(false),
            Kind::SshdKillMidTransfer => Kind::SshdDown,
            k => k,
        };
        let busy = self
            .active
            .iter()
            .any(|(k, _)| std::mem::discriminant(k) == std::mem::discriminant(&lasting));
        if busy {
            return;
        }
        self.tried.push(pick);
        w.r.note(format!("FAULT {kind:?}"));
        *self.injected.entry(kind.name()).or_insert(0) += 1;
        let heal_at = step + 1 + rng.below(6);
        match kind {
            Kind::RelayKill(tom) => {
                relay(w, tom).kill9();
                self.active.push((kind, heal_at));
            }
            Kind::RelayRestart => {
                for tom in [false, true] {
                    let code = relay(w, tom).stop();
                    assert_eq!(code, 0, "SIGTERM is a clean stop");
                    relay(w, tom).start().unwrap_or_else(|e| panic!("{e}"));
                }
            }
            Kind::SshdDown => {
                w.sshd.kill();
                w.sshd_up = false;
                self.active.push((kind, heal_at));
            }
            Kind::ProxyDown => {
                w.proxy.stop();
                self.active.push((kind, heal_at));
            }
            Kind::DiskFull => {
                w.fs.fill();
                self.active.push((kind, heal_at));
            }
            Kind::Skew(who) => {
                w.people[who].skew = Some("+20m".into());
                self.active.push((kind, heal_at));
            }
            Kind::RelayKillMidPoll => {
                let who = rng.pick(&[ANN, BEN, CAT, DAN]);
                let delay = Duration::from_millis(rng.below(300) as u64);
                let (p, relay) = (&w.people[who], &mut w.relay_b);
                w.r.run_during(p, &["poll"], delay, || relay.kill9());
                self.active.push((Kind::RelayKill(false), heal_at));
            }
            Kind::SshdKillMidTransfer => {
                let (who, what) =
                    rng.pick(&[(CAT, "fetch"), (CAT, "poll"), (ANN, "poll"), (BEN, "poll")]);
                let delay = Duration::from_millis(rng.below(300) as u64);
                let (p, sshd) = (&w.people[who], &mut w.sshd);
                w.r.run_during(p, &[what], delay, || sshd.kill());
                w.sshd_up = false;
                self.active.push((Kind::SshdDown, heal_at));
            }
            Kind::Replay => {
                let dir = if rng.below(2) == 0 {
                    w.fs.dir.join("drop")
                } else {
                    w.ssh_dir.clone()
                };
                replay(&dir, rng);
            }
            Kind::KillPoll | Kind::KillFetch => {
                // Not tom: the kill must land on hushpost itself, not `ip netns exec`.
                let who = (rng.below(w.people.len() - 1) + TOM + 1) % w.people.len();
                let what = if kind == Kind::KillPoll {
                    "poll"
                } else {
                    "fetch"
                };
                let delay = Duration::from_millis(rng.below(400) as u64);
                let p = &w.people[who];
                w.r.run_killed(p, &[what], delay);
            }
        }
    }

    pub fn heal_due(&mut self, w: &mut World, step: usize) {
        let (due, keep): (Vec<_>, Vec<_>) = self.active.drain(..).partition(|(_, at)| *at <= step);
        self.active = keep;
        for (k, _) in due {
            heal(w, k);
        }
    }

    pub fn heal_all(&mut self, w: &mut World) {
        for (k, _) in std::mem::take(&mut self.active) {
            heal(w, k);
        }
    }
}

fn relay(w: &mut World, tom: bool) -> &mut super::servers::Relay {
    if tom { &mut w.relay_t } else { &mut w.relay_b }
}

fn heal(w: &mut World, k: Kind) {
    w.r.note(format!("HEAL {k:?}"));
    match k {
        Kind::RelayKill(tom) => relay(w, tom).start().unwrap_or_else(|e| panic!("{e}")),
        Kind::SshdDown => {
            w.sshd.restart();
            w.sshd_up = true;
        }
        Kind::ProxyDown => w.proxy.start(),
        Kind::DiskFull => w.fs.free(),
        Kind::Skew(who) => w.people[who].skew = None,
        Kind::RelayRestart
        | Kind::KillPoll
        | Kind::KillFetch
        | Kind::RelayKillMidPoll
        | Kind::SshdKillMidTransfer
        | Kind::Replay => {}
    }
}

/// Copies one blob of `dir` (`<tag>.<id>`) to `<tag>.<new id>`, owner and mode kept.
fn replay(dir: &std::path::Path, rng: &mut Rng) {
    use std::os::unix::fs::MetadataExt;
    let mut blobs: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap_or_default().to_string_lossy();
            n.len() == 81 && !n.starts_with('.')
        })
        .collect();
    blobs.sort();
    if blobs.is_empty() {
        return;
    }
    let from = &blobs[rng.below(blobs.len())];
    let name = from.file_name().unwrap_or_default().to_string_lossy();
    let to = dir.join(format!("{}.{:016x}", &name[..64], rng.next_u64()));
    if std::fs::copy(from, &to).is_ok()
        && let Ok(m) = std::fs::metadata(from)
    {
        let _ = std::os::unix::fs::chown(&to, Some(m.uid()), Some(m.gid()));
    }
}
