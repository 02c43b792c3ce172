//! A 32-byte secret that zeroizes on drop and never prints its bytes.
//!
//! Every symmetric secret of the protocol (pair keys, direction keys, intro capabilities,
//! fragment keys, the store key) lives in this type so that `Debug` or a stray `{}` can
//! never leak it; reading the bytes needs an explicit `expose()`.

use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// 32 secret bytes. Not `Clone`, not `Display`; `Debug` prints a placeholder.
#[derive(Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Secret32([u8; 32]);

impl Secret32 {
    /// Wraps bytes the caller already owns (they are moved, the caller's copy is theirs to wipe).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Secret32(bytes)
    }

    /// Fresh random bytes from the operating system's CSPRNG.
    pub fn random() -> Self {
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        Secret32(b)
    }

    /// The raw bytes. Named so that every use is easy to audit.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// An explicit copy (secrets are not `Clone` so that copies are always visible in review).
    pub fn duplicate(&self) -> Self {
        Secret32(self.0)
    }
}

impl std::fmt::Debug for Secret32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret32(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_bytes() {
        let s = Secret32::from_bytes([0xAB; 32]);
        let shown = format!("{s:?}");
        assert!(!shown.to_lowercase().contains("ab"), "{shown}");
        assert!(shown.contains("redacted"));
    }
}
