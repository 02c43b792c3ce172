//! What a hushpost mail looks like on the wire, and how a fetched one is recognised.
//!
//! Every hushpost mail is the same few headers and one strictly armored age blob of a bucket
//! size, so all of them have the same length (up to the two addresses) and nothing in them
//! names the contact, the subject or the program that sent it — except the one marker
//! header that carries the tag (see [`TAG_HEADER`] for why the tag travels and what that
//! costs). Must not: add a header that varies with the sender's machine, clock precision,
//! time zone, contact or message.

use hushpost_core::Tag;
use hushpost_core::agelayer;
use hushpost_core::envelope::{LARGE, SMALL};

/// The constant subject of every hushpost mail. Neutral on purpose: a person who sees one in
/// webmail learns it is encrypted (the armored body says so anyway), nothing more. It is
/// also what the IMAP search asks for (`SEARCH SUBJECT` works on every server; `SEARCH
/// HEADER` on arbitrary fields does not), and the header check below then picks ours.
pub const SUBJECT: &str = "Encrypted message";

/// The one marker header. Its value is the blob's tag (64 lower-case hex digits).
///
/// Why the tag travels in a header: the recipient presents fetch capabilities for the tags
/// of the coming days, and the transport must hand back only the blobs under those tags,
/// mapped to the capability (= the contact), so nothing is trial-decrypted against every
/// key and other mail in the folder is never touched. Alternatives, and why not:
/// - a `+tag` subaddress: the tag (64 hex digits) does not fit the 64-octet local-part
///   limit next to a name, many providers do not support subaddressing, and it would also
///   show in every MTA's envelope log;
/// - the subject: then the subject would not be constant;
/// - no tag at all: every mail would have to be downloaded and trial-decrypted against
///   every contact's keys, and a foreign mail could not be told from a corrupted one.
///
/// What it costs: the provider (and anyone reading the mailbox) sees the tag, exactly what a
/// relay or SSH drop sees. A tag is random-looking, changes every UTC day and differs per
/// direction, so it links mails of one pair on one day and nothing across days — and the
/// provider already sees both addresses and the time of every mail, which link far more.
/// The one thing it adds: when several hushpost identities share one mailbox, the provider
/// can tell their correspondences apart within a day.
pub const TAG_HEADER: &str = "Hushpost-Tag";

/// The EHLO name. Never the machine's host name (a fingerprint the submission server would
/// write into a `Received:` header of every mail): an address literal for "this host", as
/// Thunderbird's privacy settings and TorBirdy do.
pub const HELO: std::net::Ipv4Addr = std::net::Ipv4Addr::LOCALHOST;

/// The blob sizes a mail may carry.
pub fn is_bucket(len: usize) -> bool {
    len == SMALL || len == LARGE
}

/// The Date header for `now`: UTC, rounded down to the hour.
///
/// Why round at all: the provider stamps its own `Received:` time to the second, so this
/// hides nothing from it; what it hides is the sender's clock (skew to the second is a
/// device fingerprint), compose time and time zone from everyone who reads the mail later.
/// Why the hour and not the day: mail up to an hour "old" is normal, while spam filters
/// start scoring a Date in the past at 3 hours (SpamAssassin's `DATE_IN_PAST_03_06`) and
/// mail clients would sort day-rounded mail far from where it arrived. Rounded down, never
/// up: a Date in the future is scored too (`DATE_IN_FUTURE_*`).
pub fn date_header(now: u64) -> String {
    let t = now - now % 3600;
    let days = t / 86_400;
    let secs = t % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        WD[(days % 7) as usize],
        d,
        MON[(m - 1) as usize],
        y,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Days since 1970-01-01 → (year, month 1–12, day 1–31) (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A fresh Message-ID: 16 random bytes in hex at the domain of the From address — nothing
/// from this machine (no host name, no time, no counter).
pub fn message_id(from: &str) -> String {
    use rand::RngCore;
    let mut r = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut r);
    let domain = from.rsplit_once('@').map_or("invalid", |(_, d)| d);
    format!("<{}@{domain}>", hex::encode(r))
}

/// The complete mail (RFC 5322, CRLF line ends) for one blob. The header set and order are
/// fixed; the body is exactly `agelayer::armor(blob)`.
pub fn compose(from: &str, to: &str, tag: &Tag, blob: &[u8], now: u64) -> Vec<u8> {
    let mut m = String::with_capacity(agelayer::armored_len(blob.len()) + 4096 + 512);
    for (name, value) in [
        ("Date", date_header(now)),
        ("From", from.to_string()),
        ("To", to.to_string()),
        ("Subject", SUBJECT.to_string()),
        ("Message-ID", message_id(from)),
        ("MIME-Version", "1.0".into()),
        ("Content-Type", "text/plain; charset=us-ascii".into()),
        ("Content-Transfer-Encoding", "7bit".into()),
        (TAG_HEADER, tag.hex()),
    ] {
        m.push_str(name);
        m.push_str(": ");
        m.push_str(&value);
        m.push_str("\r\n");
    }
    m.push_str("\r\n");
    for line in agelayer::armor(blob).lines() {
        m.push_str(line);
        m.push_str("\r\n");
    }
    m.into_bytes()
}

/// The tag of a fetched mail, from its header block, if it is a hushpost mail: the subject
/// is exactly [`SUBJECT`] and there is exactly one [`TAG_HEADER`] holding a canonical tag.
/// Anything else is somebody else's mail and is left alone.
pub fn tag_of(header: &[u8]) -> Option<Tag> {
    let text = std::str::from_utf8(header).ok()?;
    let mut subject = None;
    let mut tag = None;
    let mut tags = 0;
    for (name, value) in fields(text) {
        if name.eq_ignore_ascii_case("Subject") {
            if subject.is_some() {
                return None;
            }
            subject = Some(value);
        } else if name.eq_ignore_ascii_case(TAG_HEADER) {
            tags += 1;
            tag = Some(value);
        }
    }
    if subject.as_deref().map(str::trim) != Some(SUBJECT) || tags != 1 {
        return None;
    }
    let hex = tag?.trim().to_string();
    let t = Tag::from_hex(&hex)?;
    (t.hex() == hex).then_some(t)
}

/// Header fields, unfolded: (name, value).
fn fields(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((n, v)) = line.split_once(':') {
            out.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

/// The blob in a fetched mail's body: strict armor (nothing but whitespace around the one
/// block, canonical base64, 64-column lines) holding exactly a bucket-size blob.
pub fn blob_of(body: &[u8]) -> Result<Vec<u8>, String> {
    let blob = agelayer::dearmor(body).map_err(|e| e.to_string())?;
    if !is_bucket(blob.len()) {
        return Err(format!(
            "the armored blob is {} bytes, not {SMALL} or {LARGE}",
            blob.len()
        ));
    }
    Ok(blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_is_utc_and_rounded_down_to_the_hour() {
        // 2026-11-29 14:03:43 UTC
        assert_eq!(
            date_header(1_795_961_023),
            "Sun, 29 Nov 2026 14:00:00 +0000"
        );
        assert_eq!(date_header(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        // 2000-02-29 23:59:59 (leap day)
        assert_eq!(date_header(951_868_799), "Tue, 29 Feb 2000 23:00:00 +0000");
        assert_eq!(date_header(951_868_800), "Wed, 01 Mar 2000 00:00:00 +0000");
    }

    #[test]
    fn message_id_is_random_at_the_from_domain() {
        let a = message_id("alice@example.test");
        let b = message_id("alice@example.test");
        assert_ne!(a, b);
        assert!(a.starts_with('<') && a.ends_with("@example.test>"), "{a}");
        assert_eq!(a.len(), 1 + 32 + 1 + "example.test".len() + 1);
    }

    #[test]
    fn composed_mail_round_trips_and_has_a_fixed_shape() {
        let tag = Tag([7; 32]);
        let blob = vec![0xA5; SMALL];
        let m = compose("a@x.test", "b@y.test", &tag, &blob, 1_795_961_023);
        let text = String::from_utf8(m.clone()).expect("ASCII");
        let (head, body) = text.split_once("\r\n\r\n").expect("header/body");
        assert_eq!(tag_of(head.as_bytes()), Some(tag));
        assert_eq!(blob_of(body.as_bytes()).expect("blob"), blob);
        let names: Vec<&str> = head
            .split("\r\n")
            .map(|l| l.split_once(':').expect("field").0)
            .collect();
        assert_eq!(
            names,
            [
                "Date",
                "From",
                "To",
                "Subject",
                "Message-ID",
                "MIME-Version",
                "Content-Type",
                "Content-Transfer-Encoding",
                TAG_HEADER
            ]
        );
        // Same addresses → same length, whatever the tag, blob bytes or time.
        let other = compose("a@x.test", "b@y.test", &Tag([9; 32]), &[1; SMALL], 42);
        assert_eq!(m.len(), other.len());
        // Body = the armored blob, CRLF.
        let armored = agelayer::armor(&blob);
        assert_eq!(armored.len(), agelayer::armored_len(SMALL));
        assert_eq!(body.len(), armored.len() + armored.matches('\n').count());
        assert!(
            body.lines()
                .all(|l| l.len() <= 64 || l.starts_with("-----"))
        );
    }

    #[test]
    fn foreign_or_malformed_headers_are_not_ours() {
        let tag = Tag([0xab; 32]).hex();
        let ok = format!("Subject: {SUBJECT}\r\n{TAG_HEADER}: {tag}\r\n");
        assert!(tag_of(ok.as_bytes()).is_some());
        // folded subject still matches
        let folded = format!("Subject: Encrypted\r\n message\r\n{TAG_HEADER}: {tag}\r\n");
        assert!(tag_of(folded.as_bytes()).is_some());
        for bad in [
            format!("Subject: Re: {SUBJECT}\r\n{TAG_HEADER}: {tag}\r\n"),
            format!("Subject: {SUBJECT}\r\n"),
            format!("Subject: {SUBJECT}\r\n{TAG_HEADER}: {tag}\r\n{TAG_HEADER}: {tag}\r\n"),
            format!(
                "Subject: {SUBJECT}\r\n{TAG_HEADER}: {}\r\n",
                tag.to_uppercase()
            ),
            format!("Subject: {SUBJECT}\r\n{TAG_HEADER}: {}\r\n", &tag[..62]),
            format!("{TAG_HEADER}: {tag}\r\n"),
            format!("Subject: {SUBJECT}\r\nSubject: x\r\n{TAG_HEADER}: {tag}\r\n"),
        ] {
            assert_eq!(tag_of(bad.as_bytes()), None, "{bad}");
        }
        // a header block ends at the first empty line
        let late = format!("Subject: {SUBJECT}\r\n\r\n{TAG_HEADER}: {tag}\r\n");
        assert_eq!(tag_of(late.as_bytes()), None);
    }

    #[test]
    fn body_must_be_exactly_one_strict_armored_bucket_blob() {
        let blob = vec![1u8; SMALL];
        let a = agelayer::armor(&blob);
        assert!(blob_of(a.as_bytes()).is_ok());
        assert!(blob_of(format!("\r\n{a}\r\n").as_bytes()).is_ok());
        assert!(blob_of(format!("hello\n{a}").as_bytes()).is_err());
        assert!(blob_of(format!("{a}-- \nsig\n").as_bytes()).is_err());
        assert!(blob_of(agelayer::armor(&[1u8; 100]).as_bytes()).is_err());
    }
}
