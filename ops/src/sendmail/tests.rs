//! What `sendmail` seals from a client's message: hushpost's headers over the client's MIME
//! entity, nothing else of the client's header block.

use super::compose::{ClientBody, crlf};
use super::*;
use hushpost_core::letter::Letter;
use mail_parser::MimeHeaders;

const NEOMUTT: &str = "Date: Tue, 17 Jun 2025 10:00:00 +0200\n\
From: Alice <alice@laptop.local>\n\
To: Bob <bob@elsewhere.example>\n\
Bcc: carol\n\
Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=\n\
Message-ID: <20250617.abc@laptop.local>\n\
In-Reply-To: <x@laptop.local>\n\
User-Agent: NeoMutt/20220429\n\
Received: from laptop.local\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"b1\"\n\
Content-Disposition: inline\n\
\n\
--b1\n\
Content-Type: text/plain; charset=utf-8\n\
\n\
hello\n\
.\n\
--b1\n\
Content-Type: application/octet-stream\n\
Content-Disposition: attachment; filename=\"a.bin\"\n\
Content-Transfer-Encoding: base64\n\
\n\
AAEC\n\
--b1--\n";

fn party(name: &str, c: u8) -> Party {
    Party {
        name: name.into(),
        fingerprint: hex::encode([c; 20]),
    }
}

#[test]
fn only_bare_lf_becomes_crlf() {
    assert_eq!(crlf(b"a\nb\r\nc\n\n"), b"a\r\nb\r\nc\r\n\r\n");
    assert_eq!(crlf(b""), b"");
}

#[test]
fn the_client_body_goes_under_hushpost_headers() {
    let raw = crlf(NEOMUTT.as_bytes());
    let m = MessageParser::default().parse(&raw).expect("parses");
    let body = ClientBody::of(&m, &raw, vec![party("Bob", 2)], vec![party("Dan", 4)]);
    assert!(body.has_attachments());
    let l = Letter {
        from: party("Alice", 1),
        to: vec![party("Bob", 2), party("Carol", 3)],
        subject: "Grüße".into(),
        date: 1_750_000_000,
        message_id: "00ff@hushpost.invalid".into(),
        in_reply_to: Some("11ee@hushpost.invalid".into()),
        references: vec!["11ee@hushpost.invalid".into()],
        text: String::new(),
        attachments: Vec::new(),
    };
    let out = body.compose(&l);
    let text = String::from_utf8_lossy(&out);
    for gone in [
        "laptop.local",
        "User-Agent",
        "Received",
        "Bcc",
        "carol",
        "Carol",
        "elsewhere",
    ] {
        assert!(!text.contains(gone), "{gone} leaked:\n{text}");
    }
    assert!(
        !out.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
        "bare LF"
    );
    let p = MessageParser::default().parse(&out).expect("parses");
    let addr = |a: Option<&mail_parser::Address<'_>>| {
        a.map(|a| {
            a.iter()
                .filter_map(|x| x.address())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    assert_eq!(
        addr(p.from()),
        vec![format!("{}@{DOMAIN}", hex::encode([1u8; 20]))]
    );
    assert_eq!(
        addr(p.to()),
        vec![format!("{}@{DOMAIN}", hex::encode([2u8; 20]))]
    );
    assert_eq!(
        addr(p.cc()),
        vec![format!("{}@{DOMAIN}", hex::encode([4u8; 20]))]
    );
    assert_eq!(p.subject(), Some("Grüße"));
    assert_eq!(p.message_id(), Some("00ff@hushpost.invalid"));
    assert_eq!(p.date().map(|d| d.to_timestamp()), Some(1_750_000_000));
    assert_eq!(
        ids(p.in_reply_to()),
        vec!["11ee@hushpost.invalid".to_string()]
    );
    // The MIME entity is the client's: text, the lone "." line and the attachment.
    assert_eq!(p.body_text(0).as_deref(), Some("hello\r\n."));
    let a = p.attachments().next().expect("attachment");
    assert_eq!(a.attachment_name(), Some("a.bin"));
    assert_eq!(a.contents(), &[0, 1, 2]);
    assert_eq!(text.matches("MIME-Version").count(), 1, "{text}");
}

#[test]
fn addresses_are_bare() {
    assert_eq!(bare(" Bob <ab@hushpost.invalid> "), "ab@hushpost.invalid");
    assert_eq!(bare("bob"), "bob");
    assert_eq!(bare("a>b<"), "a>b<");
}

#[test]
fn only_hushpost_shaped_ids_pass_unmapped() {
    assert!(is_ours(&format!("{}@{DOMAIN}", "ab".repeat(16))));
    assert!(!is_ours("20250617.32366-1-aaaa@hushpost.invalid"));
    assert!(!is_ours(&format!("{}@laptop", "ab".repeat(16))));
}
