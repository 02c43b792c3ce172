//! Identities: an Ed25519 signing key (who you are) and an X25519 key (what you decrypt
//! with), their age encodings, fingerprints, pair safety numbers and domain-separated
//! signatures.
//!
//! Secret halves never implement `Clone`, `Display` or a revealing `Debug`; they zeroize on
//! drop (ed25519-dalek and x25519-dalek are built with their `zeroize` features).

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256, Sha512};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// Why a public key or a signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The 32 bytes are not a valid Ed25519 point (or are a weak, small-order point).
    #[error("not a valid Ed25519 public key")]
    BadEd25519,
    /// An X25519 key whose Diffie-Hellman output is all zero (a small-order point).
    #[error("not a usable X25519 public key (small-order point)")]
    BadX25519,
    /// A hybrid (ML-KEM-768 + X25519) key that does not parse or encapsulate.
    #[error("not a usable hybrid post-quantum key")]
    BadHybrid,
    /// A string that is not an `age1…` recipient.
    #[error("not an age recipient (age1…)")]
    BadAgeRecipient,
}

/// What a signature is for. Each context has its own label, so a signature made in one
/// context can never verify in another (SECURITY.md requirement 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigContext {
    /// The inner envelope of a message, ack, key update, intro or chaff.
    Envelope,
    /// A receiving prekey handed to one contact.
    Prekey,
    /// A contact card.
    Card,
    /// The inner envelope v2 (signed heads and single messages).
    EnvelopeV2,
    /// A v2 signed hybrid key (prekey or long-term) handed to one contact.
    KeyV2,
}

impl SigContext {
    /// Every context, for exhaustive tests.
    pub const ALL: [SigContext; 5] = [
        SigContext::Envelope,
        SigContext::Prekey,
        SigContext::Card,
        SigContext::EnvelopeV2,
        SigContext::KeyV2,
    ];

    /// The NUL-terminated label prefixed to the signed bytes.
    pub fn label(self) -> &'static [u8] {
        match self {
            SigContext::Envelope => b"hushpost v1 envelope signature\0",
            SigContext::Prekey => b"hushpost v1 prekey signature\0",
            SigContext::Card => b"hushpost v1 card signature\0",
            SigContext::EnvelopeV2 => b"hushpost v2 envelope signature\0",
            SigContext::KeyV2 => b"hushpost v2 key signature\0",
        }
    }
}

fn labelled(ctx: SigContext, msg: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(ctx.label().len() + msg.len());
    v.extend_from_slice(ctx.label());
    v.extend_from_slice(msg);
    v
}

/// An X25519 key pair: the identity's decryption key or a prekey.
pub struct XKeyPair {
    secret: StaticSecret,
    public: [u8; 32],
    age: age::x25519::Identity,
}

impl XKeyPair {
    /// A fresh key pair from the OS CSPRNG.
    pub fn generate() -> Self {
        Self::from_secret(StaticSecret::random_from_rng(rand::rngs::OsRng))
    }

    /// Rebuilds a key pair from its 32 secret bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self::from_secret(StaticSecret::from(*bytes))
    }

    fn from_secret(secret: StaticSecret) -> Self {
        let public = PublicKey::from(&secret).to_bytes();
        // The age crate only builds identities from their Bech32 text form; going through it
        // (in a zeroizing buffer) avoids re-implementing age's X25519 unwrap here.
        let text = Zeroizing::new(encode_age_secret(&secret.to_bytes()));
        let age = text
            .parse::<age::x25519::Identity>()
            .expect("a 32-byte X25519 secret always encodes to a valid age identity");
        XKeyPair {
            secret,
            public,
            age,
        }
    }

    /// The public half.
    pub fn public(&self) -> [u8; 32] {
        self.public
    }

    /// The secret bytes, for the keyring only.
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret.to_bytes())
    }

    /// The age identity that decrypts files sent to this key.
    pub fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }

    /// Parses `AGE-SECRET-KEY-1…` (upper case, as age writes it).
    pub fn from_age_secret_string(s: &str) -> Result<Self, KeyError> {
        let t = s.trim();
        if t.chars().any(|c| c.is_ascii_lowercase()) {
            return Err(KeyError::BadAgeRecipient);
        }
        let lower = Zeroizing::new(t.to_ascii_lowercase());
        let (hrp, data) = bech32::decode(&lower).map_err(|_| KeyError::BadAgeRecipient)?;
        let data = Zeroizing::new(data);
        if hrp.as_str() != "age-secret-key-" {
            return Err(KeyError::BadAgeRecipient);
        }
        let bytes: [u8; 32] = data[..].try_into().map_err(|_| KeyError::BadAgeRecipient)?;
        let bytes = Zeroizing::new(bytes);
        Ok(Self::from_bytes(&bytes))
    }

    /// `AGE-SECRET-KEY-1…`, the format `age -d -i` reads.
    pub fn age_secret_string(&self) -> Zeroizing<String> {
        Zeroizing::new(encode_age_secret(&self.secret.to_bytes()))
    }

    /// X25519 with a peer key; refuses a non-contributory (all-zero) result.
    pub fn dh(&self, their: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        let shared = self.secret.diffie_hellman(&PublicKey::from(*their));
        if !shared.was_contributory() {
            return Err(KeyError::BadX25519);
        }
        Ok(Zeroizing::new(shared.to_bytes()))
    }
}

impl std::fmt::Debug for XKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "XKeyPair({})", age_recipient_string(&self.public))
    }
}

fn encode_age_secret(bytes: &[u8; 32]) -> String {
    let hrp = bech32::Hrp::parse_unchecked("age-secret-key-");
    bech32::encode::<bech32::Bech32>(hrp, bytes)
        .expect("32 bytes fit in a Bech32 string")
        .to_uppercase()
}

/// `age1…` text form of an X25519 public key.
pub fn age_recipient_string(public: &[u8; 32]) -> String {
    let hrp = bech32::Hrp::parse_unchecked("age");
    bech32::encode::<bech32::Bech32>(hrp, public).expect("32 bytes fit in a Bech32 string")
}

/// Parses an `age1…` recipient into its 32 bytes.
pub fn parse_age_recipient(s: &str) -> Result<[u8; 32], KeyError> {
    let (hrp, data) = bech32::decode(s.trim()).map_err(|_| KeyError::BadAgeRecipient)?;
    if hrp.as_str() != "age" || s.trim().chars().any(|c| c.is_ascii_uppercase()) {
        return Err(KeyError::BadAgeRecipient);
    }
    data.try_into().map_err(|_| KeyError::BadAgeRecipient)
}

/// A hushpost identity: the long-term signing key and the long-term X25519 key.
pub struct Identity {
    signing: SigningKey,
    x: XKeyPair,
}

impl Identity {
    /// A fresh identity from the OS CSPRNG.
    pub fn generate() -> Self {
        Identity {
            signing: SigningKey::generate(&mut rand::rngs::OsRng),
            x: XKeyPair::generate(),
        }
    }

    /// Rebuilds an identity from its two 32-byte secrets (keyring, test vectors).
    pub fn from_secrets(ed_seed: &[u8; 32], x_secret: &[u8; 32]) -> Self {
        Identity {
            signing: SigningKey::from_bytes(ed_seed),
            x: XKeyPair::from_bytes(x_secret),
        }
    }

    /// The Ed25519 seed, for the keyring only.
    pub fn ed_seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.signing.to_bytes())
    }

    /// The long-term X25519 key pair.
    pub fn x(&self) -> &XKeyPair {
        &self.x
    }

    /// The public identity.
    pub fn public(&self) -> PublicIdentity {
        PublicIdentity {
            ed: self.signing.verifying_key().to_bytes(),
            x: self.x.public(),
        }
    }

    /// The Ed25519 public key.
    pub fn ed_public(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// Signs `msg` in the given context.
    pub fn sign(&self, ctx: SigContext, msg: &[u8]) -> [u8; 64] {
        self.signing.sign(&labelled(ctx, msg)).to_bytes()
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity({})", self.public().fingerprint())
    }
}

/// Verifies an Ed25519 signature made with [`Identity::sign`] in context `ctx`.
/// Uses `verify_strict`: non-canonical `S`, small-order `A` and `R` are rejected.
pub fn verify(ed_public: &[u8; 32], ctx: SigContext, msg: &[u8], sig: &[u8; 64]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(ed_public) else {
        return false;
    };
    if key.is_weak() {
        return false;
    }
    let sig = ed25519_dalek::Signature::from_bytes(sig);
    key.verify_strict(&labelled(ctx, msg), &sig).is_ok()
}

/// Whether an X25519 public key is usable: a small-order point gives an all-zero shared
/// secret with anyone (X25519 clamps scalars to multiples of the cofactor, so one fixed
/// probe scalar detects every small-order point).
pub fn x25519_is_usable(public: &[u8; 32]) -> bool {
    let probe = StaticSecret::from([7u8; 32]);
    probe
        .diffie_hellman(&PublicKey::from(*public))
        .was_contributory()
}

/// Checks an Ed25519 public key: a valid point and not of small order.
pub fn ed25519_is_usable(ed: &[u8; 32]) -> Result<(), KeyError> {
    let key = VerifyingKey::from_bytes(ed).map_err(|_| KeyError::BadEd25519)?;
    if key.is_weak() {
        return Err(KeyError::BadEd25519);
    }
    Ok(())
}

/// The public half of an identity, as pinned for a contact.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicIdentity {
    /// Ed25519 public key.
    pub ed: [u8; 32],
    /// Long-term X25519 public key.
    pub x: [u8; 32],
}

impl PublicIdentity {
    /// Checks both keys are usable (valid, not small-order).
    pub fn validate(&self) -> Result<(), KeyError> {
        ed25519_is_usable(&self.ed)?;
        if !x25519_is_usable(&self.x) {
            return Err(KeyError::BadX25519);
        }
        Ok(())
    }

    /// The identity fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.ed)
    }

    /// The `age1…` form of the long-term X25519 key.
    pub fn age_recipient(&self) -> String {
        age_recipient_string(&self.x)
    }
}

impl std::fmt::Debug for PublicIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicIdentity({})", self.fingerprint())
    }
}

/// A short hash of an Ed25519 identity key: 20 bytes shown as 10 groups of 4 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 20]);

impl Fingerprint {
    /// Fingerprint of an Ed25519 public key.
    pub fn of(ed: &[u8; 32]) -> Self {
        let mut h = Sha256::new();
        h.update(b"hushpost v1 fingerprint\0");
        h.update(ed);
        let d = h.finalize();
        let mut out = [0u8; 20];
        out.copy_from_slice(&d[..20]);
        Fingerprint(out)
    }

    /// Lower-case hex without separators (machine use, JSON).
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = hex::encode_upper(self.0);
        for (i, chunk) in h.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(std::str::from_utf8(chunk).map_err(|_| std::fmt::Error)?)?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// The number two people compare to verify each other: 60 decimal digits in 12 groups of 5,
/// derived from both Ed25519 keys in sorted order (so both sides compute the same number).
#[derive(Clone, PartialEq, Eq)]
pub struct SafetyNumber(pub [u32; 12]);

impl SafetyNumber {
    /// The safety number for two identities (order-independent).
    pub fn of(a: &[u8; 32], b: &[u8; 32]) -> Self {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let mut h = Sha512::new();
        h.update(b"hushpost v1 safety number\0");
        h.update(lo);
        h.update(hi);
        let d = h.finalize();
        let mut groups = [0u32; 12];
        for (i, g) in groups.iter_mut().enumerate() {
            let c = &d[i * 5..i * 5 + 5];
            let v = c.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            *g = (v % 100_000) as u32;
        }
        SafetyNumber(groups)
    }
}

impl std::fmt::Display for SafetyNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, g) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{g:05}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for SafetyNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SafetyNumber({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_number_is_order_independent_and_pair_specific() {
        let a = Identity::generate().ed_public();
        let b = Identity::generate().ed_public();
        let c = Identity::generate().ed_public();
        assert_eq!(SafetyNumber::of(&a, &b), SafetyNumber::of(&b, &a));
        assert_ne!(SafetyNumber::of(&a, &b), SafetyNumber::of(&a, &c));
        assert_eq!(SafetyNumber::of(&a, &b).to_string().len(), 12 * 5 + 11);
    }

    #[test]
    fn signatures_are_domain_separated() {
        let id = Identity::generate();
        let msg = b"the same bytes";
        for signed_in in SigContext::ALL {
            let sig = id.sign(signed_in, msg);
            for checked_in in SigContext::ALL {
                assert_eq!(
                    verify(&id.ed_public(), checked_in, msg, &sig),
                    signed_in == checked_in,
                    "{signed_in:?} vs {checked_in:?}"
                );
            }
        }
    }

    #[test]
    fn age_encodings_round_trip_with_the_age_crate() {
        let kp = XKeyPair::generate();
        let recip = age_recipient_string(&kp.public());
        let parsed: age::x25519::Recipient = recip.parse().expect("age parses our recipient");
        assert_eq!(parsed.to_string(), recip);
        assert_eq!(parse_age_recipient(&recip).expect("parse"), kp.public());
        use secrecy::ExposeSecret;
        assert_eq!(
            kp.age_identity().to_string().expose_secret(),
            kp.age_secret_string().as_str()
        );
    }

    #[test]
    fn small_order_x25519_key_is_refused() {
        let mut p = Identity::generate().public();
        p.x = [0u8; 32];
        assert_eq!(p.validate(), Err(KeyError::BadX25519));
    }

    #[test]
    fn debug_of_identity_shows_no_secret() {
        let id = Identity::generate();
        let shown = format!("{id:?} {:?}", id.x());
        assert!(!shown.contains(&hex::encode(*id.ed_seed())));
        assert!(!shown.contains(id.x().age_secret_string().as_str()));
    }
}
