//! Contact cards: the one line (`hushpost:…`) a person gives to those who may write to
//! them. A card carries a display name, both public keys, the owner's receive routes and
//! the intro capability, is signed by the owner's identity key, and ends in a checksum so
//! that a typo is detected instead of misparsed.
//!
//! ```text
//! payload = u8 version=1 | u8 name_len | name | ed[32] | x[32] | intro_cap[32]
//!         | u64 issued_at | u8 route_count | (u16 len | route)* | sig[64]
//! card    = "hushpost:" || base64url_nopad(payload || SHA-256("hushpost v1 card checksum" || payload)[..4])
//! ```

use crate::identity::{Identity, KeyError, PublicIdentity, SigContext, verify};
use crate::route::{Route, RouteError};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The text every card starts with.
pub const PREFIX: &str = "hushpost:";
const VERSION: u8 = 1;
const MAX_NAME: usize = 64;
const MAX_ROUTES: usize = 8;
const MAX_ROUTE_LEN: usize = 1024;
const CHECKSUM_LEN: usize = 4;
const MIN_PAYLOAD: usize = 1 + 1 + 1 + 96 + 8 + 1 + 64;

/// Why a card was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CardError {
    /// It does not start with `hushpost:`.
    #[error("not a hushpost card (it should start with \"hushpost:\")")]
    NotACard,
    /// Characters outside base64url, or too short to be a card.
    #[error(
        "the card is truncated or contains characters that do not belong (was it cut off when copying?)"
    )]
    Truncated,
    /// The checksum does not match: a typo, or a card cut short.
    #[error("the card's checksum does not match: it was mistyped or cut short")]
    Checksum,
    /// Made by a newer hushpost.
    #[error("card version {0} is not supported by this hushpost (upgrade to read it)")]
    UnsupportedVersion(u8),
    /// The checksum matched but the contents are not a valid card.
    #[error("malformed card: {0}")]
    Malformed(&'static str),
    /// A public key in the card is unusable.
    #[error("the card carries an unusable key: {0}")]
    Key(#[from] KeyError),
    /// The owner's signature over the card does not verify.
    #[error("the card's signature does not verify (it was altered)")]
    BadSignature,
    /// A route in the card is invalid.
    #[error("the card carries an invalid route: {0}")]
    Route(#[from] RouteError),
    /// The display name is empty, too long or contains control characters.
    #[error("display names must be 1–64 bytes of printable text")]
    Name,
}

/// A parsed, verified contact card.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    /// Display name chosen by the owner.
    pub name: String,
    /// The owner's public keys.
    pub identity: PublicIdentity,
    /// Lets card holders post a first-contact request.
    pub intro_cap: [u8; 32],
    /// Unix seconds when the owner issued this card (newer cards supersede older ones).
    pub issued_at: u64,
    /// Where the owner receives mail, in the owner's order of preference.
    pub routes: Vec<Route>,
    sig: [u8; 64],
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Card")
            .field("name", &self.name)
            .field("identity", &self.identity)
            .field("routes", &self.routes.len())
            .finish_non_exhaustive()
    }
}

/// Checks a display name: 1–64 bytes, no control characters.
pub fn valid_name(name: &str) -> bool {
    !name.trim().is_empty() && name.len() <= MAX_NAME && !name.chars().any(char::is_control)
}

fn payload_unsigned(
    name: &str,
    id: &PublicIdentity,
    intro: &[u8; 32],
    issued_at: u64,
    routes: &[String],
) -> Vec<u8> {
    let mut p = Vec::with_capacity(256);
    p.push(VERSION);
    p.push(name.len() as u8);
    p.extend_from_slice(name.as_bytes());
    p.extend_from_slice(&id.ed);
    p.extend_from_slice(&id.x);
    p.extend_from_slice(intro);
    p.extend_from_slice(&issued_at.to_be_bytes());
    p.push(routes.len() as u8);
    for r in routes {
        p.extend_from_slice(&(r.len() as u16).to_be_bytes());
        p.extend_from_slice(r.as_bytes());
    }
    p
}

fn checksum(payload: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut h = Sha256::new();
    h.update(b"hushpost v1 card checksum");
    h.update(payload);
    let d = h.finalize();
    let mut c = [0u8; CHECKSUM_LEN];
    c.copy_from_slice(&d[..CHECKSUM_LEN]);
    c
}

impl Card {
    /// Issues and signs a card for `owner`.
    pub fn issue(
        owner: &Identity,
        name: &str,
        intro_cap: [u8; 32],
        routes: Vec<Route>,
        issued_at: u64,
    ) -> Result<Card, CardError> {
        if !valid_name(name) {
            return Err(CardError::Name);
        }
        if routes.len() > MAX_ROUTES {
            return Err(CardError::Malformed("more than 8 routes"));
        }
        let texts: Vec<String> = routes.iter().map(ToString::to_string).collect();
        if texts.iter().any(|t| t.len() > MAX_ROUTE_LEN) {
            return Err(CardError::Malformed("route longer than 1024 bytes"));
        }
        let identity = owner.public();
        let sig = owner.sign(
            SigContext::Card,
            &payload_unsigned(name, &identity, &intro_cap, issued_at, &texts),
        );
        Ok(Card {
            name: name.to_string(),
            identity,
            intro_cap,
            issued_at,
            routes,
            sig,
        })
    }

    /// The one-line text form.
    pub fn encode(&self) -> String {
        let texts: Vec<String> = self.routes.iter().map(ToString::to_string).collect();
        let mut p = payload_unsigned(
            &self.name,
            &self.identity,
            &self.intro_cap,
            self.issued_at,
            &texts,
        );
        p.extend_from_slice(&self.sig);
        let c = checksum(&p);
        p.extend_from_slice(&c);
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(p)
        )
    }

    /// Parses and verifies a card. Whitespace inside the card (line wrapping from a paste)
    /// is ignored.
    pub fn parse(text: &str) -> Result<Card, CardError> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let body = compact.strip_prefix(PREFIX).ok_or(CardError::NotACard)?;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| CardError::Truncated)?;
        if raw.len() < MIN_PAYLOAD + CHECKSUM_LEN {
            return Err(CardError::Truncated);
        }
        let (payload, sum) = raw.split_at(raw.len() - CHECKSUM_LEN);
        if checksum(payload) != sum {
            return Err(CardError::Checksum);
        }
        if payload[0] != VERSION {
            return Err(CardError::UnsupportedVersion(payload[0]));
        }
        let mut at = 1usize;
        let mut take = |n: usize, why: &'static str| -> Result<&[u8], CardError> {
            let s = payload.get(at..at + n).ok_or(CardError::Malformed(why))?;
            at += n;
            Ok(s)
        };
        let name_len = take(1, "truncated name length")?[0] as usize;
        let name = std::str::from_utf8(take(name_len, "truncated name")?)
            .map_err(|_| CardError::Name)?
            .to_string();
        if !valid_name(&name) {
            return Err(CardError::Name);
        }
        let arr = |s: &[u8]| -> [u8; 32] { s.try_into().unwrap_or([0; 32]) };
        let ed = arr(take(32, "truncated key")?);
        let x = arr(take(32, "truncated key")?);
        let intro_cap = arr(take(32, "truncated intro capability")?);
        let issued_at = u64::from_be_bytes(take(8, "truncated date")?.try_into().unwrap_or([0; 8]));
        let n = take(1, "truncated route count")?[0] as usize;
        if n > MAX_ROUTES {
            return Err(CardError::Malformed("more than 8 routes"));
        }
        let mut texts = Vec::with_capacity(n);
        for _ in 0..n {
            let l = take(2, "truncated route length")?;
            let len = u16::from_be_bytes([l[0], l[1]]) as usize;
            if len == 0 || len > MAX_ROUTE_LEN {
                return Err(CardError::Malformed("route length out of range"));
            }
            let r = std::str::from_utf8(take(len, "truncated route")?)
                .map_err(|_| CardError::Malformed("route is not UTF-8"))?;
            texts.push(r.to_string());
        }
        let sig: [u8; 64] = take(64, "truncated signature")?
            .try_into()
            .map_err(|_| CardError::Malformed("truncated signature"))?;
        if at != payload.len() {
            return Err(CardError::Malformed("trailing bytes"));
        }
        let identity = PublicIdentity { ed, x };
        identity.validate()?;
        let unsigned = payload_unsigned(&name, &identity, &intro_cap, issued_at, &texts);
        if !verify(&ed, SigContext::Card, &unsigned, &sig) {
            return Err(CardError::BadSignature);
        }
        let mut routes = Vec::with_capacity(n);
        for t in &texts {
            let r: Route = t.parse()?;
            // Canonical: the text must be exactly how we would print the route.
            if r.to_string() != *t {
                return Err(CardError::Malformed("route is not in canonical form"));
            }
            routes.push(r);
        }
        Ok(Card {
            name,
            identity,
            intro_cap,
            issued_at,
            routes,
            sig,
        })
    }

    /// The card as a terminal QR code (half-block characters, two modules per line).
    pub fn qr(&self) -> String {
        qr_text(&self.encode())
    }
}

/// Renders any text as a terminal QR code with a quiet zone.
pub fn qr_text(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::L) {
        Ok(code) => code
            .render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
        Err(_) => String::from("(too long for a QR code)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Identity, Card) {
        let id = Identity::generate();
        let card = Card::issue(
            &id,
            "Alice",
            [7; 32],
            vec![
                "dir:/tmp/drop".parse().expect("route"),
                "mailto:a@example.org".parse().expect("route"),
            ],
            1_700_000_000,
        )
        .expect("issue");
        (id, card)
    }

    #[test]
    fn round_trip_and_wrapped_paste() {
        let (_, card) = sample();
        let text = card.encode();
        assert!(text.starts_with("hushpost:"));
        assert_eq!(Card::parse(&text).expect("parse"), card);
        let wrapped: String = text
            .chars()
            .enumerate()
            .flat_map(|(i, c)| if i % 40 == 39 { vec![c, '\n'] } else { vec![c] })
            .collect();
        assert_eq!(Card::parse(&wrapped).expect("parse wrapped"), card);
    }

    #[test]
    fn every_single_character_typo_is_detected() {
        let (_, card) = sample();
        let text = card.encode();
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for pos in PREFIX.len()..text.len() {
            let orig = text.as_bytes()[pos] as char;
            let repl = alphabet.chars().find(|c| *c != orig).expect("other char");
            let mut typo = text.clone();
            typo.replace_range(pos..pos + 1, &repl.to_string());
            assert!(Card::parse(&typo).is_err(), "typo at {pos} accepted");
        }
    }

    #[test]
    fn truncation_and_prefix_errors() {
        let (_, card) = sample();
        let text = card.encode();
        assert_eq!(Card::parse("hello"), Err(CardError::NotACard));
        assert!(matches!(
            Card::parse(&text[..text.len() - 10]),
            Err(CardError::Checksum | CardError::Truncated)
        ));
        assert_eq!(Card::parse(&text[..30]), Err(CardError::Truncated));
        assert_eq!(Card::parse("hushpost:!!!"), Err(CardError::Truncated));
    }

    #[test]
    fn qr_renders() {
        let (_, card) = sample();
        let q = card.qr();
        assert!(q.lines().count() > 20);
    }
}
