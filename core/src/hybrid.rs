//! The post-quantum age recipient `mlkem768x25519` (C2SP age spec, "The MLKEM768-X25519
//! hybrid post-quantum recipient type"): the MLKEM768-X25519 (X-Wing) KEM of
//! draft-ietf-hpke-pq-03 inside HPKE base mode (RFC 9180) with HKDF-SHA256 and
//! ChaCha20Poly1305, wrapping an age file key. Identities are `AGE-SECRET-KEY-PQ-1…`,
//! recipients `age1pq1…`, exactly as age 1.3 writes them.
//!
//! ML-KEM-768 itself is RustCrypto's `ml-kem` (FIPS 203) for key generation and
//! decapsulation, and aws-lc's for encapsulation (see [`HybridPublic::encapsulate`] for why);
//! X25519 is the `x25519-dalek` the rest of the crate uses, but for the encapsulation's
//! ephemeral half, also in aws-lc. Only the X-Wing combiner, the HPKE key schedule and the stanza
//! codec are written here, because (a) the age crate 0.12 has no hybrid identity, (b)
//! RustCrypto's `x-wing` 0.1 pulls a second major version of curve25519-dalek into the tree
//! and re-runs ML-KEM key generation on every decapsulation (it keeps only the seed), which
//! a 1 GiB message would pay 4,000 times over, and (c) the `hpke` crate's X-Wing support
//! comes with the same second curve stack. Every line is checked against the CCTV hybrid
//! vectors (tests/cctv.rs) and the npm `age-encryption` package (tests/npm_interop.rs).
//!
//! Must not: accept a non-canonical or wrongly sized stanza, an all-zero X25519 share, or
//! print a secret (Debug is redacted; secrets zeroize on drop).

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use ml_kem::array::Array;
use ml_kem::{EncodedSizeUser, KemCore, MlKem768};
use rand::RngCore;
use sha2::Sha256;
use sha3::Digest;

/// aws-lc's parsed ML-KEM-768 encapsulation key (see [`HybridPublic::encapsulate`]).
type AwsEk = aws_lc_rs::kem::EncapsulationKey<aws_lc_rs::kem::AlgorithmId>;
type MlKemDk = <MlKem768 as KemCore>::DecapsulationKey;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// Bytes of an encapsulated key (`enc`): ML-KEM-768 ciphertext (1,088) ‖ X25519 share (32).
pub const ENC_LEN: usize = 1120;
/// Bytes of a hybrid public key: ML-KEM-768 encapsulation key (1,184) ‖ X25519 key (32).
pub const PUBLIC_LEN: usize = 1216;
const MLKEM_CT_LEN: usize = 1088;
const MLKEM_EK_LEN: usize = 1184;
/// The stanza's first argument.
pub const STANZA_TAG: &str = "mlkem768x25519";
/// HPKE `info` for age's hybrid stanza.
const HPKE_INFO: &[u8] = b"age-encryption.org/mlkem768x25519";
/// X-Wing's combiner label (`\.//^\`).
const XWING_LABEL: &[u8; 6] = b"\\.//^\\";
/// HPKE suite: KEM 0x647a (MLKEM768-X25519), KDF 0x0001 (HKDF-SHA256), AEAD 0x0003
/// (ChaCha20Poly1305).
const SUITE_ID: &[u8; 10] = b"HPKE\x64\x7a\x00\x01\x00\x03";
const SECRET_HRP: &str = "age-secret-key-pq-";
const PUBLIC_HRP: &str = "age1pq";

/// Why a hybrid key or stanza was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HybridError {
    /// Not a valid ML-KEM-768 encapsulation key, or an X25519 half of small order.
    #[error("not a usable hybrid (ML-KEM-768 + X25519) public key")]
    BadPublicKey,
    /// Not an `age1pq1…` / `AGE-SECRET-KEY-PQ-1…` string.
    #[error("not an age hybrid key string")]
    BadEncoding,
    /// The stanza is malformed (argument count, non-canonical base64, lengths, all-zero share).
    #[error("malformed mlkem768x25519 stanza")]
    Stanza,
}

/// A hybrid public key, parsed once (ML-KEM decoding and its modulus check are not free).
#[derive(Clone)]
pub struct HybridPublic {
    bytes: Box<[u8; PUBLIC_LEN]>,
    /// Parsed once: `None` only if aws-lc refused a key ml-kem generated (never seen).
    ek: Option<std::sync::Arc<AwsEk>>,
    pk_x: [u8; 32],
}

impl PartialEq for HybridPublic {
    fn eq(&self, other: &Self) -> bool {
        self.bytes[..] == other.bytes[..]
    }
}
impl Eq for HybridPublic {}

impl std::fmt::Debug for HybridPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = self.key_id();
        write!(f, "HybridPublic({}…)", hex::encode(&id[..6]))
    }
}

impl HybridPublic {
    /// Parses and validates 1,216 bytes: the ML-KEM key must pass FIPS 203's modulus check and
    /// the X25519 half must not be of small order (it would make the classical half void).
    pub fn from_bytes(b: &[u8]) -> Result<Self, HybridError> {
        let bytes: [u8; PUBLIC_LEN] = b.try_into().map_err(|_| HybridError::BadPublicKey)?;
        if !mlkem_ek_is_canonical(&bytes[..MLKEM_EK_LEN]) {
            return Err(HybridError::BadPublicKey);
        }
        let ek = Some(aws_ek(&bytes[..MLKEM_EK_LEN]).ok_or(HybridError::BadPublicKey)?);
        let mut pk_x = [0u8; 32];
        pk_x.copy_from_slice(&bytes[MLKEM_EK_LEN..]);
        if !crate::identity::x25519_is_usable(&pk_x) {
            return Err(HybridError::BadPublicKey);
        }
        Ok(HybridPublic {
            bytes: Box::new(bytes),
            ek,
            pk_x,
        })
    }

    /// The 1,216 bytes.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_LEN] {
        &self.bytes
    }

    /// `SHA-256("hushpost v2 hybrid key id\0" || key)`: what an envelope names as the key it
    /// was sealed to (a 1,216-byte key does not belong in every blob).
    pub fn key_id(&self) -> [u8; 32] {
        let mut h = <Sha256 as sha2::Digest>::new();
        sha2::Digest::update(&mut h, b"hushpost v2 hybrid key id\0");
        sha2::Digest::update(&mut h, &self.bytes[..]);
        sha2::Digest::finalize(h).into()
    }

    /// `age1pq1…`, the recipient string age 1.3 and the npm package read.
    pub fn to_age_string(&self) -> String {
        bech32_encode(PUBLIC_HRP, &self.bytes[..])
    }

    /// Parses `age1pq1…`.
    pub fn from_age_string(s: &str) -> Result<Self, HybridError> {
        let data = bech32_decode(s, PUBLIC_HRP)?;
        Self::from_bytes(&data)
    }

    /// X-Wing encapsulation with fresh randomness: `(enc, shared secret)`.
    ///
    /// Both halves run in aws-lc (mlkem-native's AVX2 ML-KEM, s2n-bignum's X25519), which
    /// rustls already links: every fragment of a large message is its own age file with its
    /// own stanza, and with ml-kem and x25519-dalek this was a sixth of the CPU of sealing a
    /// 1 GiB body (issue 17). Decapsulation stays on ml-kem, where the CCTV vectors test it.
    fn encapsulate(&self) -> Option<([u8; ENC_LEN], Zeroizing<[u8; 32]>)> {
        use aws_lc_rs::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey, X25519};
        let (ct_m, ss_m) = self.ek.as_ref()?.encapsulate().ok()?;
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let ek_x = EphemeralPrivateKey::generate(&X25519, &rng).ok()?;
        let mut ct_x = [0u8; 32];
        ct_x.copy_from_slice(ek_x.compute_public_key().ok()?.as_ref());
        // aws-lc refuses an all-zero result (a small-order key, refused on parsing anyway).
        let ss_x = agreement::agree_ephemeral(
            ek_x,
            UnparsedPublicKey::new(&X25519, &self.pk_x),
            (),
            |ss| <[u8; 32]>::try_from(ss).map(Zeroizing::new).map_err(|_| ()),
        )
        .ok()?;
        let ss = combiner(ss_m.as_ref(), &ss_x, &ct_x, &self.pk_x);
        let mut enc = [0u8; ENC_LEN];
        enc[..MLKEM_CT_LEN].copy_from_slice(ct_m.as_ref());
        enc[MLKEM_CT_LEN..].copy_from_slice(&ct_x);
        Some((enc, ss))
    }

    /// Wraps a 16-byte age file key: `(enc, 32-byte stanza body)` (HPKE SealBase).
    pub fn wrap_file_key(
        &self,
        file_key: &[u8; 16],
    ) -> Result<([u8; ENC_LEN], [u8; 32]), HybridError> {
        let (enc, ss) = self.encapsulate().ok_or(HybridError::BadPublicKey)?;
        let (key, nonce) = key_schedule(&ss);
        let mut body = [0u8; 32];
        body[..16].copy_from_slice(file_key);
        let tag = aead_seal(&key, &nonce, &mut body[..16]);
        body[16..].copy_from_slice(&tag);
        Ok((enc, body))
    }
}

/// A hybrid identity: the 32-byte seed and the keys expanded from it (kept expanded, so a
/// decapsulation costs ML-KEM.Decaps and one X25519, not a key generation).
pub struct HybridKeyPair {
    seed: Zeroizing<[u8; 32]>,
    dk_m: Box<MlKemDk>,
    sk_x: StaticSecret,
    public: HybridPublic,
}

impl std::fmt::Debug for HybridKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HybridKeyPair({:?})", self.public)
    }
}

impl HybridKeyPair {
    /// A fresh key pair from the OS CSPRNG.
    pub fn generate() -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(seed.as_mut());
        Self::from_seed(&seed)
    }

    /// `expandKey(seed)`: SHAKE256(seed, 96) → ML-KEM-768 KeyGen_internal(d ‖ z) and the
    /// X25519 scalar.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        use sha3::digest::{ExtendableOutput, Update, XofReader};
        let mut x = sha3::Shake256::default();
        x.update(seed);
        let mut full = Zeroizing::new([0u8; 96]);
        x.finalize_xof().read(full.as_mut());
        let mut d = Zeroizing::new([0u8; 32]);
        d.copy_from_slice(&full[..32]);
        let mut z = Zeroizing::new([0u8; 32]);
        z.copy_from_slice(&full[32..64]);
        let (dk_m, ek_m) = MlKem768::generate_deterministic(&Array::from(*d), &Array::from(*z));
        let mut sk_bytes = Zeroizing::new([0u8; 32]);
        sk_bytes.copy_from_slice(&full[64..]);
        let sk_x = StaticSecret::from(*sk_bytes);
        let pk_x = PublicKey::from(&sk_x).to_bytes();
        let mut bytes = Box::new([0u8; PUBLIC_LEN]);
        bytes[..MLKEM_EK_LEN].copy_from_slice(ek_m.as_bytes().as_slice());
        bytes[MLKEM_EK_LEN..].copy_from_slice(&pk_x);
        let public = HybridPublic {
            ek: aws_ek(&bytes[..MLKEM_EK_LEN]),
            bytes,
            pk_x,
        };
        HybridKeyPair {
            seed: Zeroizing::new(*seed),
            dk_m: Box::new(dk_m),
            sk_x,
            public,
        }
    }

    /// The 32-byte seed (the whole secret), for the keyring only.
    pub fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(*self.seed)
    }

    /// The public key.
    pub fn public(&self) -> &HybridPublic {
        &self.public
    }

    /// `AGE-SECRET-KEY-PQ-1…`, the identity format age 1.3 (`age -d -i`) and the npm
    /// `age-encryption` package read.
    pub fn age_secret_string(&self) -> Zeroizing<String> {
        Zeroizing::new(bech32_encode(SECRET_HRP, &self.seed[..]).to_uppercase())
    }

    /// Parses `AGE-SECRET-KEY-PQ-1…` (upper case, as age writes it).
    pub fn from_age_secret_string(s: &str) -> Result<Self, HybridError> {
        let t = s.trim();
        if t.chars().any(|c| c.is_ascii_lowercase()) {
            return Err(HybridError::BadEncoding);
        }
        let data = Zeroizing::new(bech32_decode(&t.to_ascii_lowercase(), SECRET_HRP)?);
        let seed: [u8; 32] = data[..].try_into().map_err(|_| HybridError::BadEncoding)?;
        let seed = Zeroizing::new(seed);
        Ok(Self::from_seed(&seed))
    }

    /// Unwraps a stanza's file key: `Ok(None)` when it is not for us (AEAD failure),
    /// `Err` when the stanza is malformed or its X25519 share is of small order.
    pub fn unwrap(&self, args: &[String], body: &[u8]) -> Result<Option<[u8; 16]>, HybridError> {
        let [arg] = args else {
            return Err(HybridError::Stanza);
        };
        let enc = B64.decode(arg).map_err(|_| HybridError::Stanza)?;
        let enc: [u8; ENC_LEN] = enc.try_into().map_err(|_| HybridError::Stanza)?;
        // Checked before any decryption (partitioning oracles, C2SP age spec).
        let body: [u8; 32] = body.try_into().map_err(|_| HybridError::Stanza)?;
        let ss = self.decapsulate(&enc)?;
        let (key, nonce) = key_schedule(&ss);
        let mut pt = Zeroizing::new([0u8; 16]);
        pt.copy_from_slice(&body[..16]);
        let mut tag = [0u8; 16];
        tag.copy_from_slice(&body[16..]);
        if !aead_open(&key, &nonce, pt.as_mut(), &tag) {
            return Ok(None);
        }
        Ok(Some(*pt))
    }

    fn decapsulate(&self, enc: &[u8; ENC_LEN]) -> Result<Zeroizing<[u8; 32]>, HybridError> {
        use ml_kem::kem::Decapsulate;
        let ct_m = Array::try_from(&enc[..MLKEM_CT_LEN]).map_err(|_| HybridError::Stanza)?;
        let mut ct_x = [0u8; 32];
        ct_x.copy_from_slice(&enc[MLKEM_CT_LEN..]);
        let ss_m = self
            .dk_m
            .decapsulate(&ct_m)
            .map_err(|()| HybridError::Stanza)?;
        let ss_x = self.sk_x.diffie_hellman(&PublicKey::from(ct_x));
        if !ss_x.was_contributory() {
            return Err(HybridError::Stanza);
        }
        Ok(combiner(
            ss_m.as_slice(),
            ss_x.as_bytes(),
            &ct_x,
            &self.public.pk_x,
        ))
    }
}

/// FIPS 203 §7.2 "modulus check" of an encapsulation key: every 12-bit coefficient of the
/// three encoded polynomials is below q = 3,329 (ByteEncode12(ByteDecode12(ek)) == ek).
/// Hand-written because `ml-kem` 0.2's `from_bytes` does not check (0.3 does, but cannot be
/// linked beside the age crate's 0.2).
fn mlkem_ek_is_canonical(ek: &[u8]) -> bool {
    ek.len() == MLKEM_EK_LEN
        && ek[..3 * 384].chunks_exact(3).all(|t| {
            let a = u16::from(t[0]) | (u16::from(t[1] & 0x0f) << 8);
            let b = u16::from(t[1] >> 4) | (u16::from(t[2]) << 4);
            a < 3329 && b < 3329
        })
}

/// The encapsulation key parsed by aws-lc (which runs its own FIPS 203 checks too).
fn aws_ek(bytes: &[u8]) -> Option<std::sync::Arc<AwsEk>> {
    AwsEk::new(&aws_lc_rs::kem::ML_KEM_768, bytes)
        .ok()
        .map(std::sync::Arc::new)
}

/// `SHA3-256(ss_PQ || ss_T || ct_T || ek_T || "\.//^\")`.
fn combiner(ss_m: &[u8], ss_x: &[u8; 32], ct_x: &[u8; 32], pk_x: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut h = sha3::Sha3_256::new();
    h.update(ss_m);
    h.update(ss_x);
    h.update(ct_x);
    h.update(pk_x);
    h.update(XWING_LABEL);
    Zeroizing::new(h.finalize().into())
}

/// RFC 9180 §5.1 KeySchedule in base mode (no PSK) with HKDF-SHA256: `(key, base_nonce)`.
fn key_schedule(shared_secret: &[u8; 32]) -> (Zeroizing<[u8; 32]>, [u8; 12]) {
    let psk_id_hash = labeled_extract(b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(b"", b"info_hash", HPKE_INFO);
    let mut ctx = [0u8; 65];
    ctx[1..33].copy_from_slice(&psk_id_hash);
    ctx[33..].copy_from_slice(&info_hash);
    let secret = Zeroizing::new(labeled_extract(shared_secret, b"secret", b""));
    let mut key = Zeroizing::new([0u8; 32]);
    labeled_expand(&secret, b"key", &ctx, key.as_mut());
    let mut nonce = [0u8; 12];
    labeled_expand(&secret, b"base_nonce", &ctx, &mut nonce);
    (key, nonce)
}

fn labeled_extract(salt: &[u8], label: &[u8], ikm: &[u8]) -> [u8; 32] {
    let mut labeled = Zeroizing::new(Vec::with_capacity(7 + 10 + label.len() + ikm.len()));
    labeled.extend_from_slice(b"HPKE-v1");
    labeled.extend_from_slice(SUITE_ID);
    labeled.extend_from_slice(label);
    labeled.extend_from_slice(ikm);
    let (prk, _) = hkdf::Hkdf::<Sha256>::extract(Some(salt), &labeled);
    prk.into()
}

fn labeled_expand(prk: &[u8; 32], label: &[u8], info: &[u8], out: &mut [u8]) {
    let mut labeled = Vec::with_capacity(2 + 7 + 10 + label.len() + info.len());
    labeled.extend_from_slice(&(out.len() as u16).to_be_bytes());
    labeled.extend_from_slice(b"HPKE-v1");
    labeled.extend_from_slice(SUITE_ID);
    labeled.extend_from_slice(label);
    labeled.extend_from_slice(info);
    // A 32-byte PRK is always a valid HKDF-SHA256 PRK and `out` is at most 32 bytes.
    if let Ok(h) = hkdf::Hkdf::<Sha256>::from_prk(prk) {
        let _ = h.expand(&labeled, out);
    }
}

fn aead_seal(key: &[u8; 32], nonce: &[u8; 12], buf: &mut [u8]) -> [u8; 16] {
    use chacha20poly1305::aead::{AeadInPlace, KeyInit};
    let aead = chacha20poly1305::ChaCha20Poly1305::new(key.into());
    aead.encrypt_in_place_detached(nonce.into(), &[], buf)
        .map(Into::into)
        .unwrap_or([0u8; 16])
}

fn aead_open(key: &[u8; 32], nonce: &[u8; 12], buf: &mut [u8], tag: &[u8; 16]) -> bool {
    use chacha20poly1305::aead::{AeadInPlace, KeyInit};
    let aead = chacha20poly1305::ChaCha20Poly1305::new(key.into());
    aead.decrypt_in_place_detached(nonce.into(), &[], buf, tag.into())
        .is_ok()
}

/// Bech32 (BIP 173 checksum) without BIP 173's 90-character limit: age's hybrid recipients
/// are 1,950 characters, and the `bech32` crate's standard checksum type caps codes at 1,023.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LongBech32 {}

impl bech32::Checksum for LongBech32 {
    type MidstateRepr = u32;
    const CODE_LENGTH: usize = 16_384;
    const CHECKSUM_LENGTH: usize = 6;
    const GENERATOR_SH: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    const TARGET_RESIDUE: u32 = 1;
}

fn bech32_encode(hrp: &str, data: &[u8]) -> String {
    let hrp = bech32::Hrp::parse_unchecked(hrp);
    bech32::encode::<LongBech32>(hrp, data).unwrap_or_default()
}

fn bech32_decode(s: &str, want_hrp: &str) -> Result<Vec<u8>, HybridError> {
    let t = s.trim();
    if t.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(HybridError::BadEncoding);
    }
    let checked = bech32::primitives::decode::CheckedHrpstring::new::<LongBech32>(t)
        .map_err(|_| HybridError::BadEncoding)?;
    if checked.hrp().as_str() != want_hrp {
        return Err(HybridError::BadEncoding);
    }
    Ok(checked.byte_iter().collect())
}

/// An age identity file (what `hushpost key export --age` prints): one identity per line,
/// hybrid keys as `AGE-SECRET-KEY-PQ-1…`, classical ones as `AGE-SECRET-KEY-1…`, each after a
/// `#` comment naming it. age 1.3, rage and the npm `age-encryption` package read it; Go age
/// 1.1 (Debian's) reads the classical lines and refuses the file when a hybrid line is in it,
/// so callers that target it export the classical keys alone.
pub fn age_identity_file(
    classical: &[(&str, &crate::identity::XKeyPair)],
    hybrid: &[(&str, &HybridKeyPair)],
) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::new());
    for (label, k) in hybrid {
        // The public key ends the line, as in age-keygen's "# public key: age1…".
        s.push_str(&format!("# post-quantum {label}\n"));
        s.push_str(&k.age_secret_string());
        s.push('\n');
    }
    for (label, k) in classical {
        s.push_str(&format!("# {label}\n"));
        s.push_str(&k.age_secret_string());
        s.push('\n');
    }
    s
}

/// An age identity for the hybrid stanza, so the age crate's decryptor (header parsing,
/// header MAC, STREAM) is the one that opens hybrid files too.
pub(crate) struct AgeHybridIdentity<'a>(pub &'a HybridKeyPair);

impl age::Identity for AgeHybridIdentity<'_> {
    fn unwrap_stanza(
        &self,
        stanza: &age_core::format::Stanza,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        if stanza.tag != STANZA_TAG {
            return None;
        }
        match self.0.unwrap(&stanza.args, &stanza.body) {
            Err(_) => Some(Err(age::DecryptError::InvalidHeader)),
            Ok(None) => None,
            Ok(Some(k)) => {
                let k = Zeroizing::new(k);
                Some(Ok(age_core::format::FileKey::init_with_mut(|fk| {
                    fk.copy_from_slice(&k[..])
                })))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_unwrap_round_trip_and_wrong_key() {
        let k = HybridKeyPair::generate();
        let fk = [7u8; 16];
        let (enc, body) = k.public().wrap_file_key(&fk).expect("wrap");
        let args = vec![B64.encode(enc)];
        assert_eq!(k.unwrap(&args, &body), Ok(Some(fk)));
        let other = HybridKeyPair::generate();
        assert_eq!(other.unwrap(&args, &body), Ok(None));
        assert_eq!(k.unwrap(&args, &body[..31]), Err(HybridError::Stanza));
    }

    #[test]
    fn strings_round_trip() {
        let k = HybridKeyPair::generate();
        let s = k.age_secret_string();
        assert!(s.starts_with("AGE-SECRET-KEY-PQ-1"));
        let again = HybridKeyPair::from_age_secret_string(&s).expect("parse");
        assert_eq!(again.public(), k.public());
        let r = k.public().to_age_string();
        assert!(r.starts_with("age1pq1"));
        assert_eq!(
            HybridPublic::from_age_string(&r).expect("parse"),
            *k.public()
        );
    }

    #[test]
    fn small_order_x25519_half_is_refused() {
        let k = HybridKeyPair::generate();
        let mut b = *k.public().as_bytes();
        b[MLKEM_EK_LEN..].copy_from_slice(&[0u8; 32]);
        assert_eq!(HybridPublic::from_bytes(&b), Err(HybridError::BadPublicKey));
    }

    #[test]
    fn debug_shows_no_secret() {
        let k = HybridKeyPair::generate();
        let shown = format!("{k:?}");
        assert!(!shown.contains(&hex::encode(*k.seed())));
    }
}
