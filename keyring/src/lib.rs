//! The keyring: the identity, the contacts and every other secret, in one file that is an
//! age file with a single scrypt stanza (or, when the user explicitly chose no passphrase,
//! plain JSON), written atomically with the previous generation kept until the new one is
//! durable.
//!
//! Must not print or log a secret: secret fields are [`SecretHex`], which zeroizes on drop
//! and whose `Debug` is redacted; the serialized form only exists in zeroizing buffers.
#![forbid(unsafe_code)]

mod seal;
mod state;

pub use seal::Sealer;
pub use state::{ContactState, OwnPrekey, PeerHybridKey, PeerPrekey, SecretHex, SecretText, State};

use hushpost_core::agelayer::{self, AgeError};
use secrecy::SecretString;
use std::io;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// What protects the keyring file.
pub enum Protection {
    /// An age scrypt file under this passphrase.
    Passphrase(SecretString),
    /// Plain JSON, chosen explicitly with `init --no-passphrase`.
    None,
}

impl std::fmt::Debug for Protection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Protection::Passphrase(_) => "Protection::Passphrase(<redacted>)",
            Protection::None => "Protection::None",
        })
    }
}

/// Why the keyring could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// No keyring file at the path.
    #[error("no hushpost identity at {0} — create one with `hushpost init`")]
    NotFound(PathBuf),
    /// `create` found an existing keyring.
    #[error("an identity already exists at {0}; refusing to overwrite it")]
    AlreadyExists(PathBuf),
    /// The passphrase did not open the file.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The file is protected but no passphrase was given.
    #[error(
        "the keyring is passphrase-protected; enter the passphrase on a terminal or pass --passphrase-file"
    )]
    NeedsPassphrase,
    /// Group/world-accessible keyring file or directory.
    #[error("refusing to use it: {0}")]
    NotPrivate(String),
    /// The scrypt work factor is above 22.
    #[error("the keyring asks for scrypt work factor {0}, above the limit of 22; refusing")]
    ExcessiveWork(u8),
    /// The file decrypted (or was plain) but is not a keyring.
    #[error("the keyring file is corrupted: {0}")]
    Corrupt(String),
    /// An I/O error on a path.
    #[error("{1}: {0}")]
    Io(#[source] io::Error, PathBuf),
}

const PLAIN_MAGIC: &str = "hushpost-keyring-unencrypted";
const ENCRYPTED_MAGIC: &str = "hushpost-keyring";

/// Whether a keyring file exists at `path`.
pub fn exists(path: &Path) -> bool {
    path.exists() || hushpost_durable::prev_path(path).exists()
}

/// Whether the keyring at `path` needs a passphrase.
pub fn is_protected(path: &Path) -> Result<bool, KeyringError> {
    let (bytes, _) = read(path)?;
    Ok(!bytes.starts_with(b"{"))
}

fn read(path: &Path) -> Result<(Zeroizing<Vec<u8>>, bool), KeyringError> {
    if let Some(dir) = path.parent()
        && let Ok(Err(np)) = hushpost_durable::check_private(dir)
    {
        return Err(KeyringError::NotPrivate(np.to_string()));
    }
    match hushpost_durable::read_generation(path) {
        Ok((b, fell_back)) => {
            let used = if fell_back {
                hushpost_durable::prev_path(path)
            } else {
                path.to_path_buf()
            };
            if let Ok(Err(np)) = hushpost_durable::check_private(&used) {
                return Err(KeyringError::NotPrivate(np.to_string()));
            }
            Ok((Zeroizing::new(b), fell_back))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(KeyringError::NotFound(path.to_path_buf()))
        }
        Err(e) => Err(KeyringError::Io(e, path.to_path_buf())),
    }
}

/// Reads and decrypts the keyring. Nothing is ever written by a load, so a wrong passphrase
/// cannot damage anything.
pub fn load(path: &Path, passphrase: Option<&SecretString>) -> Result<State, KeyringError> {
    parse(read(path)?.0, passphrase)
}

fn parse(
    bytes: Zeroizing<Vec<u8>>,
    passphrase: Option<&SecretString>,
) -> Result<State, KeyringError> {
    let plain = if bytes.starts_with(b"{") {
        bytes
    } else {
        let pass = passphrase.ok_or(KeyringError::NeedsPassphrase)?;
        agelayer::decrypt_passphrase(pass, &bytes).map_err(|e| match e {
            AgeError::NoMatch => KeyringError::WrongPassphrase,
            AgeError::ExcessiveWork(n) => KeyringError::ExcessiveWork(n),
            other => KeyringError::Corrupt(other.to_string()),
        })?
    };
    let disk: state::OnDisk =
        serde_json::from_slice(&plain).map_err(|e| KeyringError::Corrupt(e.to_string()))?;
    if disk.format != PLAIN_MAGIC && disk.format != ENCRYPTED_MAGIC {
        return Err(KeyringError::Corrupt("not a hushpost keyring".into()));
    }
    if disk.version != state::VERSION {
        return Err(KeyringError::Corrupt(format!(
            "unsupported keyring version {}",
            disk.version
        )));
    }
    Ok(disk.keyring)
}

/// What identifies one written version of the keyring file: the SHA-256 of its bytes. A
/// process that holds the state compares it with the file's before a change, to tell
/// whether someone else wrote it since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp([u8; 32]);

fn stamp_of(bytes: &[u8]) -> Stamp {
    use sha2::Digest;
    Stamp(sha2::Sha256::digest(bytes).into())
}

/// The stamp of the keyring as it is on disk now.
pub fn stamp(path: &Path) -> Result<Stamp, KeyringError> {
    Ok(stamp_of(&read(path)?.0))
}

/// [`load`], and the stamp of the bytes it read.
pub fn load_stamped(
    path: &Path,
    passphrase: Option<&SecretString>,
) -> Result<(State, Stamp), KeyringError> {
    let (bytes, _) = read(path)?;
    let stamp = stamp_of(&bytes);
    Ok((parse(bytes, passphrase)?, stamp))
}

/// Takes the keyring's write lock (`keyring.lock` beside it, 0600), waiting for another
/// process that holds it. Held across read, change and write, so two processes' changes
/// are applied one after the other, never to the same old state.
pub fn lock(path: &Path) -> Result<std::fs::File, KeyringError> {
    let p = path.with_extension("lock");
    let f = hushpost_durable::open_private(&p).map_err(|e| KeyringError::Io(e, p.clone()))?;
    f.lock().map_err(|e| KeyringError::Io(e, p))?;
    Ok(f)
}

/// How [`save_with`] encrypts.
#[derive(Debug, Clone, Copy)]
pub enum Writer<'a> {
    /// Plain JSON (`init --no-passphrase`).
    Plain,
    /// A fresh scrypt derivation for this file (≈0.9 s).
    Passphrase(&'a SecretString),
    /// A key a [`Sealer`] derived beforehand.
    Sealer(&'a Sealer),
}

/// Encrypts (or not) and writes the keyring durably.
pub fn save(path: &Path, protection: &Protection, state: &State) -> Result<(), KeyringError> {
    let w = match protection {
        Protection::None => Writer::Plain,
        Protection::Passphrase(p) => Writer::Passphrase(p),
    };
    save_with(path, w, state).map(|_| ())
}

/// Writes the keyring durably with `writer`; returns the stamp of what it wrote.
pub fn save_with(path: &Path, writer: Writer<'_>, state: &State) -> Result<Stamp, KeyringError> {
    let io_err = |e| KeyringError::Io(e, path.to_path_buf());
    if let Some(dir) = path.parent() {
        hushpost_durable::create_private_dir(dir).map_err(io_err)?;
    }
    let disk = state::OnDiskRef {
        format: match writer {
            Writer::Plain => PLAIN_MAGIC,
            _ => ENCRYPTED_MAGIC,
        },
        version: state::VERSION,
        keyring: state,
    };
    let mut json = Zeroizing::new(Vec::with_capacity(4096));
    serde_json::to_writer_pretty(&mut *json, &disk)
        .map_err(|e| KeyringError::Corrupt(e.to_string()))?;
    let bytes = match writer {
        Writer::Plain => json,
        Writer::Passphrase(p) => Zeroizing::new(agelayer::encrypt_passphrase(p, &json)),
        Writer::Sealer(s) => Zeroizing::new(s.seal(&json)),
    };
    hushpost_durable::write_generation(path, &bytes).map_err(io_err)?;
    Ok(stamp_of(&bytes))
}

/// Creates a new keyring; refuses to overwrite an existing one.
pub fn create(path: &Path, protection: &Protection, state: &State) -> Result<(), KeyringError> {
    if exists(path) {
        return Err(KeyringError::AlreadyExists(path.to_path_buf()));
    }
    save(path, protection, state)
}
