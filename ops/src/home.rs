//! Where hushpost keeps things. `HUSHPOST_HOME=DIR` puts everything under DIR (tests,
//! portable installs); otherwise the XDG paths of the `directories` crate.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Where per-session runtime files go without `HUSHPOST_HOME`: `$XDG_RUNTIME_DIR`, else
/// `/run/user/UID` when it is ours (cron jobs often lack the variable), else the data dir.
fn runtime_base(data_dir: &Path) -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(d);
    }
    let uid = nix::unistd::geteuid().as_raw();
    let run = PathBuf::from(format!("/run/user/{uid}"));
    if hushpost_durable::owner(&run).is_ok_and(|o| o == uid) {
        return run;
    }
    data_dir.to_path_buf()
}

/// The directories of one hushpost installation.
#[derive(Debug, Clone)]
pub struct Home {
    /// Holds `config.toml`.
    pub config_dir: PathBuf,
    /// Holds the keyring, the store, the outbox and the default drop.
    pub data_dir: PathBuf,
    /// Holds the agent's socket (a 0700 directory): `$XDG_RUNTIME_DIR/hushpost`, or
    /// `run/` under `HUSHPOST_HOME`.
    pub runtime_dir: PathBuf,
}

impl Home {
    /// From `HUSHPOST_HOME`, else XDG.
    pub fn from_env() -> Result<Home> {
        if let Some(dir) = std::env::var_os("HUSHPOST_HOME").filter(|v| !v.is_empty()) {
            let dir = PathBuf::from(dir);
            let dir = if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir()
                    .map_err(|e| Error::Io(e, dir.clone()))?
                    .join(dir)
            };
            return Ok(Home::at(&dir));
        }
        let pd =
            directories::ProjectDirs::from("org", "hushpost", "hushpost").ok_or_else(|| {
                Error::Invalid("cannot find a home directory; set HUSHPOST_HOME".into())
            })?;
        Ok(Home {
            config_dir: pd.config_dir().to_path_buf(),
            data_dir: pd.data_dir().to_path_buf(),
            runtime_dir: runtime_base(pd.data_dir()).join("hushpost"),
        })
    }

    /// Everything under one folder.
    pub fn at(dir: &Path) -> Home {
        Home {
            config_dir: dir.to_path_buf(),
            data_dir: dir.to_path_buf(),
            runtime_dir: dir.join("run"),
        }
    }

    /// The agent's socket.
    pub fn agent_socket(&self) -> PathBuf {
        self.runtime_dir.join("agent.sock")
    }

    /// Our display name and fingerprint in plain text, so a passphrase prompt can say
    /// whose keyring it opens (both are on the card we give out).
    pub fn identity_hint(&self) -> PathBuf {
        self.data_dir.join("identity.json")
    }

    /// Whether an identity has been created here (`init` ran).
    pub fn has_identity(&self) -> bool {
        hushpost_keyring::exists(&self.keyring())
    }

    /// The keyring file.
    pub fn keyring(&self) -> PathBuf {
        self.data_dir.join("keyring.age")
    }

    /// The mail store directory.
    pub fn store(&self) -> PathBuf {
        self.data_dir.join("store")
    }

    /// The default local drop created by `init`.
    pub fn default_drop(&self) -> PathBuf {
        self.data_dir.join("drop")
    }

    /// Sealed blobs waiting to be sent.
    pub fn outbox(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// The configuration file.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// The lock taken by fetch, send and poll.
    pub fn lock_file(&self) -> PathBuf {
        self.data_dir.join("lock")
    }

    /// Our name and fingerprint as `identity.json` has them (no unlock needed).
    pub fn hint(&self) -> Option<(String, String)> {
        let text = std::fs::read_to_string(self.identity_hint()).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        Some((
            v.get("name")?.as_str()?.to_string(),
            v.get("fingerprint")?.as_str()?.to_string(),
        ))
    }

    /// Creates the directories (0700) for a new identity.
    pub fn create(&self) -> Result<()> {
        for d in [&self.config_dir, &self.data_dir] {
            hushpost_durable::create_private_dir(d).map_err(|e| Error::Io(e, d.clone()))?;
        }
        self.check()
    }

    /// Refuses group/world-accessible directories (as OpenSSH does).
    pub fn check(&self) -> Result<()> {
        for d in [&self.config_dir, &self.data_dir] {
            if let Ok(Err(np)) = hushpost_durable::check_private(d) {
                return Err(Error::NotPrivate(np.to_string()));
            }
        }
        Ok(())
    }

    /// Takes the exclusive lock; `Err(Locked)` if another process has it.
    pub fn lock(&self) -> Result<std::fs::File> {
        let p = self.lock_file();
        let f = hushpost_durable::open_private(&p).map_err(|e| Error::Io(e, p.clone()))?;
        match f.try_lock() {
            Ok(()) => Ok(f),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Locked),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::Io(e, p)),
        }
    }
}
