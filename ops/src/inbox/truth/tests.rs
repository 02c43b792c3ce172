//! The outside copy against crafted headers: forgeries, obsolete syntax, a sender's own
//! authentication results, and bodies that must come through byte for byte.

use super::*;
use mail_parser::MessageParser;

const TRUDY: [u8; 32] = [7; 32];

fn peers(verified: bool) -> PeerIndex {
    let mut p = PeerIndex::default();
    p.by_key.insert(TRUDY, ("trudy".into(), verified));
    p
}

fn summary(outgoing: bool) -> Summary {
    Summary {
        id: 1,
        sender: TRUDY,
        peer: "trudy".into(),
        subject: "s".into(),
        date: 1_750_000_000,
        received_at: 1_750_000_000,
        unread: true,
        thread: 1,
        has_attachments: false,
        outgoing,
        expires_at: 0,
        burn: false,
        verified: false,
        size: 0,
        message_id: "abc@hushpost.invalid".into(),
        num: 1,
    }
}

fn addr(fp_of: &[u8; 32]) -> String {
    format!("{}@{DOMAIN}", Fingerprint::of(fp_of).hex())
}

fn header_values(raw: &[u8], name: &str) -> Vec<String> {
    let m = MessageParser::default().parse(raw).expect("parses");
    m.headers()
        .iter()
        .filter(|h| h.name.as_str().eq_ignore_ascii_case(name))
        .map(|h| {
            String::from_utf8_lossy(&raw[h.offset_start as usize..h.offset_end as usize])
                .trim()
                .to_string()
        })
        .collect()
}

#[test]
fn a_forged_from_shows_the_real_sender() {
    let bob = addr(&[9; 32]);
    let raw = format!(
        "From: Bob <{bob}>\r\nSender: Bob <{bob}>\r\nReply-To: bob@evil.example\r\nFrom : Bob <{bob}>\r\nAuthentication-Results: hushpost; x-hushpost-contact=verified\r\nX-Hushpost-Claimed-From: nobody\r\nMail-Followup-To: x@evil.example\r\nTo: Alice <a@{DOMAIN}>\r\nSubject: pay me\r\nDate: Mon, 16 Jun 2025 12:00:00 +0000\r\nMessage-ID: <abc@hushpost.invalid>\r\n\r\nbody line\r\nFrom: Bob in the body stays\r\n"
    );
    let out = outside_copy(&peers(false), &summary(false), raw.as_bytes());
    let m = MessageParser::default().parse(&out).expect("parses");
    let from = m.from().and_then(|a| a.first()).expect("a From");
    assert_eq!(from.address(), Some(addr(&TRUDY).as_str()));
    assert_eq!(from.name(), Some("trudy (unverified)"));
    assert_eq!(
        header_values(&out, "From").len(),
        1,
        "{}",
        String::from_utf8_lossy(&out)
    );
    for gone in ["Sender", "Reply-To", "Mail-Followup-To"] {
        assert!(header_values(&out, gone).is_empty(), "{gone} survived");
    }
    let ar = header_values(&out, "Authentication-Results");
    assert_eq!(ar.len(), 1, "{ar:?}");
    assert!(
        ar[0].starts_with("hushpost; x-hushpost-signature=pass"),
        "{ar:?}"
    );
    assert!(ar[0].contains("x-hushpost-contact=unverified"), "{ar:?}");
    assert!(
        ar[0].contains(&format!("header.from={}", addr(&TRUDY))),
        "{ar:?}"
    );
    let claimed = header_values(&out, "X-Hushpost-Claimed-From");
    assert_eq!(
        claimed,
        vec![format!("Bob <{bob}>"), format!("Bob <{bob}>")]
    );
    assert_eq!(m.subject(), Some("pay me"));
    assert!(out.ends_with(b"\r\n\r\nbody line\r\nFrom: Bob in the body stays\r\n"));
}

#[test]
fn an_honest_verified_sender_gets_no_claimed_header() {
    let raw = format!(
        "From: Trudy T <{}>\r\nSubject: hi\r\n\r\nhello\r\n",
        addr(&TRUDY)
    );
    let out = outside_copy(&peers(true), &summary(false), raw.as_bytes());
    let m = MessageParser::default().parse(&out).expect("parses");
    assert_eq!(
        m.from().and_then(|a| a.first()).and_then(|a| a.name()),
        Some("trudy")
    );
    assert!(header_values(&out, "X-Hushpost-Claimed-From").is_empty());
    assert!(
        header_values(&out, "Authentication-Results")[0].contains("x-hushpost-contact=verified")
    );
    // What the sender left out is filled in from the envelope and the store.
    assert_eq!(m.message_id(), Some("abc@hushpost.invalid"));
    assert_eq!(m.date().map(|d| d.to_timestamp()), Some(1_750_000_000));
    assert_eq!(m.body_text(0).as_deref(), Some("hello\r\n"));
}

#[test]
fn a_sender_no_longer_a_contact_is_named_so() {
    let raw = b"From: x@y\nSubject: lf only\n\nbody\n";
    let out = outside_copy(&PeerIndex::default(), &summary(false), raw);
    let m = MessageParser::default().parse(&out).expect("parses");
    let from = m.from().and_then(|a| a.first()).expect("from");
    assert_eq!(from.name(), Some("trudy (not a contact)"));
    assert!(header_values(&out, "Authentication-Results")[0].contains("x-hushpost-contact=none"));
    assert_eq!(m.subject(), Some("lf only"));
    assert!(
        out.ends_with(b"\r\nbody\n"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn sent_mail_passes_unchanged() {
    let raw = b"From: me <m@hushpost.invalid>\r\n\r\nx\r\n";
    assert_eq!(
        outside_copy(&peers(true), &summary(true), raw),
        raw.to_vec()
    );
}

#[test]
fn a_non_ascii_contact_name_is_encoded() {
    let mut p = PeerIndex::default();
    p.by_key.insert(TRUDY, ("Zoë \"Z\" <x>".into(), true));
    let out = outside_copy(&p, &summary(false), b"Subject: a\r\n\r\nb");
    assert!(out.is_ascii(), "{}", String::from_utf8_lossy(&out));
    let m = MessageParser::default().parse(&out).expect("parses");
    let from = m.from().and_then(|a| a.first()).expect("from");
    assert_eq!(from.name(), Some("Zoë \"Z\" <x>"));
    assert_eq!(from.address(), Some(addr(&TRUDY).as_str()));
}

#[test]
fn the_body_starts_after_the_first_blank_line() {
    assert_eq!(body_start(b"A: b\r\n folded\r\n\r\nbody"), 17);
    assert_eq!(body_start(b"A: b\n \t\nbody\n\nmore"), 8);
    assert_eq!(body_start(b"A: b\r\n"), 6);
    assert_eq!(body_start(b""), 0);
}
