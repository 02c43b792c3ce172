//! Writing passphrase-protected keyrings without paying scrypt on the critical path: a
//! [`Sealer`] keeps the passphrase and can derive the scrypt key for the *next* file in a
//! background thread, so a long-lived process (the agent) saves a change in about a
//! millisecond while every file stays a standard age file with one scrypt stanza, a fresh
//! random salt and a fresh file key.
//!
//! Why not reuse one derived key with a new file key each time: age wraps the file key with
//! ChaCha20-Poly1305 under a zero nonce, so two files wrapped under the same scrypt key
//! would reuse a (key, nonce) pair — that leaks the XOR of the file keys and the Poly1305
//! key. Each derived key here is used for exactly one file (taken by value).
//!
//! Hand-written, not `age::scrypt::Recipient`, because that recipient derives inside
//! `wrap_file_key` with no way to hand it a precomputed key. Only the stanza is ours (the
//! same three fields age writes); the header, MAC and payload are the age crate's, and the
//! age crate's own scrypt identity reads what this writes (tests below and in ops).
//!
//! Must not: reuse a salt or a derived key, log or Debug-print the passphrase or a key.

use age::secrecy::{ExposeSecret, SecretString};
use age_core::format::{FileKey, Stanza};
use base64::Engine;
use std::collections::HashSet;
use std::io::Write;
use std::sync::Mutex;
use std::thread::JoinHandle;
use zeroize::Zeroizing;

const SALT_LABEL: &[u8] = b"age-encryption.org/v1/scrypt";

/// One scrypt derivation, for one file.
struct Derived {
    salt: [u8; 16],
    log_n: u8,
    key: Zeroizing<[u8; 32]>,
}

fn derive(passphrase: &SecretString, log_n: u8) -> Derived {
    use rand::RngCore;
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let mut inner = Vec::with_capacity(SALT_LABEL.len() + salt.len());
    inner.extend_from_slice(SALT_LABEL);
    inner.extend_from_slice(&salt);
    let params = scrypt::Params::new(log_n, 8, 1, 32).expect("valid scrypt parameters");
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(
        passphrase.expose_secret().as_bytes(),
        &inner,
        &params,
        key.as_mut(),
    )
    .expect("32 bytes is a valid scrypt output length");
    Derived { salt, log_n, key }
}

/// The scrypt stanza for a key derived beforehand.
struct Prederived(Derived);

impl age::Recipient for Prederived {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        let body = age_core::primitives::aead_encrypt(&self.0.key, file_key.expose_secret());
        let salt = base64::engine::general_purpose::STANDARD_NO_PAD.encode(self.0.salt);
        Ok((
            vec![Stanza {
                tag: "scrypt".to_owned(),
                args: vec![salt, self.0.log_n.to_string()],
                body,
            }],
            // A label no other recipient carries: scrypt must stay the only stanza.
            std::iter::once("hushpost-keyring-scrypt".to_owned()).collect(),
        ))
    }
}

/// Keeps the passphrase and, once [`Sealer::prepare`] was called, the next derived key.
pub struct Sealer {
    passphrase: SecretString,
    log_n: u8,
    next: Mutex<Option<JoinHandle<Derived>>>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(<redacted>)")
    }
}

impl Sealer {
    /// A sealer for `passphrase` at work factor `log_n` (18 for keyrings).
    pub fn new(passphrase: SecretString, log_n: u8) -> Sealer {
        Sealer {
            passphrase,
            log_n,
            next: Mutex::new(None),
        }
    }

    /// The passphrase (to open a file another process wrote).
    pub fn passphrase(&self) -> &SecretString {
        &self.passphrase
    }

    /// Starts deriving the key for the next file in the background (≈0.9 s of CPU and
    /// 256 MiB at log2 N = 18), unless one is already on its way.
    pub fn prepare(&self) {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        if next.is_none() {
            let pass = self.passphrase.clone();
            let log_n = self.log_n;
            let spawned = std::thread::Builder::new()
                .name("hushpost-scrypt".into())
                .spawn(move || derive(&pass, log_n));
            // No thread (resource limits): the next seal derives in place.
            *next = spawned.ok();
        }
    }

    /// Encrypts `plaintext` as an age scrypt file. Uses the key [`Sealer::prepare`]
    /// derived (waiting for it if it is still on its way), else derives one now.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let pending = self.next.lock().unwrap_or_else(|p| p.into_inner()).take();
        let derived = pending
            .and_then(|h| h.join().ok())
            .unwrap_or_else(|| derive(&self.passphrase, self.log_n));
        let r = Prederived(derived);
        let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
            .expect("one scrypt stanza is a valid recipient set");
        let mut out = Vec::with_capacity(plaintext.len() + 256);
        let mut w = enc
            .wrap_output(&mut out)
            .expect("writing to a Vec cannot fail");
        w.write_all(plaintext)
            .expect("writing to a Vec cannot fail");
        w.finish().expect("writing to a Vec cannot fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(file: &[u8]) -> String {
        let end = file.windows(4).position(|w| w == b"\n---").unwrap();
        String::from_utf8(file[..end].to_vec()).unwrap()
    }

    #[test]
    fn files_open_with_the_age_crate_and_never_share_a_salt() {
        let pass = SecretString::from("correct horse".to_string());
        let s = Sealer::new(pass.clone(), 10);
        s.prepare();
        let a = s.seal(b"first");
        let b = s.seal(b"second");
        s.prepare();
        let c = s.seal(b"third");
        for (file, want) in [(&a, &b"first"[..]), (&b, b"second"), (&c, b"third")] {
            assert!(hushpost_core::agelayer::is_passphrase_file(file));
            let got = hushpost_core::agelayer::decrypt_passphrase(&pass, file).unwrap();
            assert_eq!(&got[..], want);
            let wrong = SecretString::from("wrong".to_string());
            assert!(hushpost_core::agelayer::decrypt_passphrase(&wrong, file).is_err());
        }
        let (ha, hb, hc) = (header(&a), header(&b), header(&c));
        let stanza = ha.lines().nth(1).unwrap();
        assert!(
            stanza.starts_with("-> scrypt ") && stanza.ends_with(" 10"),
            "{stanza}"
        );
        assert_ne!(ha, hb, "each file has its own salt and wrapped key");
        assert_ne!(hb, hc);
        assert_eq!(
            ha.lines().count(),
            3,
            "version line, one stanza line, its body"
        );
    }
}
