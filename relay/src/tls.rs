//! TLS for the relay: the operator's certificate files, or a self-signed certificate made
//! once and kept in the data directory, and the pin (`sha256:` + SHA-256 of the leaf
//! certificate's DER) that goes into route URLs.
//!
//! The crypto provider is passed explicitly (aws-lc-rs), so nothing here depends on which
//! process-wide default is installed.

use crate::RelayError;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;
use std::sync::Arc;

/// A certificate chain and its key.
pub struct Identity {
    /// Leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The private key.
    pub key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("certs", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// SHA-256 of the leaf certificate.
    pub fn pin(&self) -> [u8; 32] {
        Sha256::digest(self.chain[0].as_ref()).into()
    }
}

/// `sha256:<64 hex>`, the form route URLs carry.
pub fn pin_string(pin: &[u8; 32]) -> String {
    format!("sha256:{}", hex::encode(pin))
}

/// Loads PEM files given by the operator.
pub fn load(cert: &Path, key: &Path) -> Result<Identity, RelayError> {
    let tls = |p: &Path, e: rustls::pki_types::pem::Error| {
        RelayError::Tls(format!("cannot read {}: {e}", p.display()))
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| tls(cert, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| tls(cert, e))?;
    if chain.is_empty() {
        return Err(RelayError::Tls(format!(
            "{} holds no certificate",
            cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| tls(key, e))?;
    Ok(Identity { chain, key })
}

fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(data)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(path.parent().unwrap_or(Path::new(".")))?.sync_all()
}

/// The self-signed identity kept in `dir` (`cert.pem`, `key.pem`), made on first use.
/// Returns it and whether it was just made.
pub fn self_signed(dir: &Path, listen: &SocketAddr) -> Result<(Identity, bool), RelayError> {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    if cert.exists() && key.exists() {
        return Ok((load(&cert, &key)?, false));
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| RelayError::Io(e, dir.display().to_string()))?;
    // Nodes of one route may share this directory and start together: one makes the
    // certificate, the others wait for it and load it (so all have the same pin).
    let lock_path = dir.join("lock");
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&lock_path)
        .map_err(|e| RelayError::Io(e, lock_path.display().to_string()))?;
    lock.lock()
        .map_err(|e| RelayError::Io(e, lock_path.display().to_string()))?;
    if cert.exists() && key.exists() {
        return Ok((load(&cert, &key)?, false));
    }
    let mut names = vec!["hushpost-relay".to_string(), "localhost".to_string()];
    if !listen.ip().is_unspecified() {
        names.push(listen.ip().to_string());
    }
    // Ed25519, not rcgen's default ECDSA: an ECDSA signature is DER with a length that
    // varies by a byte or two per handshake, which would make otherwise identical cover
    // ticks differ on the wire; Ed25519 signatures are always 64 bytes.
    let made = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)
        .and_then(|k| Ok((rcgen::CertificateParams::new(names)?.self_signed(&k)?, k)))
        .map_err(|e| RelayError::Tls(format!("cannot make a certificate: {e}")))?;
    write_private(&key, made.1.serialize_pem().as_bytes())
        .map_err(|e| RelayError::Io(e, key.display().to_string()))?;
    write_private(&cert, made.0.pem().as_bytes())
        .map_err(|e| RelayError::Io(e, cert.display().to_string()))?;
    Ok((load(&cert, &key)?, true))
}

/// A rustls server configuration over aws-lc-rs, offering HTTP/2 and HTTP/1.1.
pub fn server_config(id: Identity) -> Result<Arc<ServerConfig>, RelayError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut cfg = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| RelayError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(id.chain, id.key)
        .map_err(|e| RelayError::Tls(format!("certificate and key do not fit: {e}")))?;
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}
