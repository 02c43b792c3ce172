//! Where the keyring state lives and how a change reaches it: this process owns the file
//! (it writes under `keyring.lock`, re-reading first if someone else wrote since it read),
//! or a running agent holds the state (the change travels as [`KeyOp`]s over its socket and
//! the agent applies them with the same code). The only writer of the keyring file.
//!
//! Must not: write a state it did not just read under the lock (that would drop another
//! process's change), or write anything but the keyring, `poll-keys.json` and the identity
//! hint.

use super::Keys;
use super::change::{self, KeyOp};
use crate::error::{Error, Result};
use hushpost_keyring::{Protection, Sealer, Stamp, State, Writer};

/// Where the state lives.
pub(crate) enum Backend {
    /// This process reads and writes the keyring file.
    File {
        /// `None`: plain JSON; else the passphrase (and in the agent a precomputed key).
        sealer: Option<Sealer>,
        /// What we last read or wrote; `None` when our copy may be behind the file.
        stamp: Option<Stamp>,
    },
    /// A running agent holds it.
    Agent {
        /// The connection.
        client: crate::agent::Client,
        /// Whether the file the agent holds is encrypted.
        encrypted: bool,
        /// The agent's generation of our copy.
        generation: u64,
    },
    /// A read-only copy (deriving `poll-keys.json` from a state just written).
    Detached,
}

impl Backend {
    pub(crate) fn file(protection: Protection, stamp: Option<Stamp>) -> Backend {
        let sealer = match protection {
            Protection::Passphrase(p) => {
                Some(Sealer::new(p, hushpost_core::agelayer::SCRYPT_WRITE_LOG_N))
            }
            Protection::None => None,
        };
        Backend::File { sealer, stamp }
    }

    pub(crate) fn encrypted(&self) -> bool {
        match self {
            Backend::File { sealer, .. } => sealer.is_some(),
            Backend::Agent { encrypted, .. } => *encrypted,
            Backend::Detached => false,
        }
    }
}

fn writer(sealer: Option<&Sealer>) -> Writer<'_> {
    sealer.map_or(Writer::Plain, Writer::Sealer)
}

impl Keys {
    /// Writes the pending side effects and, if given, the user's change `op` — to the
    /// file (under its lock, onto what is on disk now) or to the agent.
    pub(super) fn write(&mut self, op: Option<KeyOp>) -> Result<()> {
        match &mut self.backend {
            Backend::Detached => Err(Error::Invalid("this keyring copy is read-only".into())),
            Backend::Agent {
                client, generation, ..
            } => {
                let user = op.is_some();
                let mut ops = std::mem::take(&mut self.pending);
                let side = ops.len();
                ops.extend(op);
                let (state, refused) = match client.apply(&ops) {
                    Ok(r) => r,
                    Err(e) => {
                        // Not applied: the side effects stay pending for the next try.
                        ops.truncate(side);
                        self.pending = ops;
                        return Err(e);
                    }
                };
                // After a user's change the copy follows the agent; after side effects it
                // stays as it is, so indices the running operation holds stay valid.
                if user {
                    self.adopt(state);
                } else {
                    // Our copy is not the agent's: make the next refresh re-read it.
                    *generation = u64::MAX;
                }
                refused.map_or(Ok(()), Err)
            }
            Backend::File { .. } => self.write_file(op),
        }
    }

    fn write_file(&mut self, op: Option<KeyOp>) -> Result<()> {
        let path = self.home.keyring();
        let _lock = hushpost_keyring::lock(&path)?;
        let on_disk = hushpost_keyring::stamp(&path)?;
        let Backend::File { sealer, stamp } = &mut self.backend else {
            unreachable!("write_file is only called for the file backend");
        };
        if *stamp == Some(on_disk) {
            // Nobody wrote since we read: our copy (side effects applied) is the file's.
            if let Some(op) = &op {
                change::apply(&mut self.state, &self.identity, op)?;
            }
            *stamp = Some(hushpost_keyring::save_with(
                &path,
                writer(sealer.as_ref()),
                &self.state,
            )?);
            self.pending.clear();
            return self.write_derived();
        }
        // Someone else wrote: apply our changes onto theirs.
        let pass = sealer.as_ref().map(Sealer::passphrase);
        let (mut fresh, _) = hushpost_keyring::load_stamped(&path, pass)?;
        for p in &self.pending {
            let _ = change::apply(&mut fresh, &self.identity, p);
        }
        if let Some(op) = &op {
            change::apply(&mut fresh, &self.identity, op)?;
        }
        let written = hushpost_keyring::save_with(&path, writer(sealer.as_ref()), &fresh)?;
        self.pending.clear();
        if op.is_some() {
            *stamp = Some(written);
            self.adopt(fresh);
            self.write_derived()
        } else {
            // Our copy lacks the other writer's change: the next write re-reads the file.
            *stamp = None;
            self.derived_from(fresh)
        }
    }

    /// `poll-keys.json` for a state that is not our copy.
    fn derived_from(&self, state: State) -> Result<()> {
        let copy = Keys::assemble(
            &self.home,
            Backend::Detached,
            state,
            self.config.clone(),
            self.clock.clone(),
        );
        copy.write_derived()
    }

    /// The agent's side: applies ops a client sent, in order, onto the file's current
    /// state, and writes it if anything changed. Returns the first refusal (a user's change
    /// that does not apply); side effects are never refused.
    pub(crate) fn apply_sent(&mut self, ops: &[KeyOp]) -> Result<Option<Error>> {
        let path = self.home.keyring();
        let _lock = hushpost_keyring::lock(&path)?;
        self.reload_if_changed()?;
        let mut changed = false;
        let mut refused = None;
        for op in ops {
            match change::apply(&mut self.state, &self.identity, op) {
                Ok(c) => changed |= c,
                Err(e) => {
                    refused.get_or_insert(e);
                }
            }
        }
        if changed {
            let Backend::File { sealer, stamp } = &mut self.backend else {
                return Err(Error::Invalid(
                    "only the keyring's owner applies ops".into(),
                ));
            };
            *stamp = Some(hushpost_keyring::save_with(
                &path,
                writer(sealer.as_ref()),
                &self.state,
            )?);
            if let Some(s) = sealer {
                s.prepare();
            }
            self.write_derived()?;
        }
        Ok(refused)
    }

    /// Re-reads the file if another process wrote it since we read it (agent and TUI).
    pub(crate) fn reload_if_changed(&mut self) -> Result<bool> {
        let path = self.home.keyring();
        match &mut self.backend {
            Backend::File { sealer, stamp } => {
                let on_disk = hushpost_keyring::stamp(&path)?;
                if *stamp == Some(on_disk) {
                    return Ok(false);
                }
                let pass = sealer.as_ref().map(Sealer::passphrase);
                let (state, read) = hushpost_keyring::load_stamped(&path, pass)?;
                *stamp = Some(read);
                self.adopt(state);
                Ok(true)
            }
            Backend::Agent {
                client, generation, ..
            } if self.pending.is_empty() => {
                let st = client.status()?;
                if !st.unlocked {
                    // `hushpost lock` (or the idle timeout) means every process stops using
                    // the keyring, also one that still holds a copy (an open inbox).
                    return Err(Error::Agent(
                        "the keyring was locked (`hushpost lock` or the idle timeout); unlock it again".into(),
                    ));
                }
                if st.generation == *generation {
                    return Ok(false);
                }
                let snap = client.snapshot()?;
                *generation = snap.generation;
                self.adopt(snap.state);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Starts deriving the key for the next save in the background (the agent does this
    /// after unlocking and after every save, so no save waits for scrypt).
    pub(crate) fn prepare_sealer(&self) {
        if let Backend::File {
            sealer: Some(s), ..
        } = &self.backend
        {
            s.prepare();
        }
    }

    /// The state, for the agent's snapshot answers.
    pub(crate) fn state(&self) -> &State {
        &self.state
    }

    /// `identity.json`: our name and fingerprint in plain text (both are on our card), so
    /// a passphrase prompt can say whose keyring it opens. Written once.
    pub(super) fn write_hint(&self) -> Result<()> {
        let path = self.home.identity_hint();
        if path.exists() {
            return Ok(());
        }
        let hint = serde_json::json!({
            "name": self.state.name,
            "fingerprint": self.identity.public().fingerprint().to_string(),
        });
        hushpost_durable::write_atomic(&path, hint.to_string().as_bytes())
            .map_err(|e| Error::Io(e, path.clone()))
    }
}
