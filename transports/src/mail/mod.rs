//! Ordinary e-mail as a drop (`mailto:ADDRESS` routes): blobs go out over SMTP submission,
//! one mail per blob, and come back over IMAP from the owner's folder.
//!
//! The provider sees what SMTP cannot hide — both addresses, the time, and (in one header)
//! the day's tag; every other part of a hushpost mail is constant or random: the subject,
//! the header set, the length (one strictly armored blob of a bucket size), the EHLO name,
//! the Message-ID, the hour-rounded UTC Date ([`wire`] says why for each). TLS is required
//! both ways (implicit or STARTTLS); plaintext only to a loopback test server the user
//! explicitly allowed. With a proxy in the dial options every connection goes through it.
//!
//! Fetch hands over only mails whose tag one of the caller's capabilities opens; delete
//! re-checks that before marking anything, so ordinary mail in the same folder is never
//! read (beyond the headers of mails with our subject), flagged, moved or expunged.
//!
//! Must not: see plaintext, names or subjects; put a tag or password into an error or log
//! line, or an address into a log line; touch a mail that is not ours.

pub(crate) mod imap;
mod net;
mod smtp;
pub mod wire;

pub use net::{Security, is_loopback};

use crate::{DeadDrop, DialOptions, Fetched, Flow, PutOptions, Result, TransportError, socks};
use hushpost_core::route::MailtoRoute;
use hushpost_core::{FetchCap, Tag};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use zeroize::Zeroizing;

/// Bodies downloaded per IMAP round trip (a large blob is ≈ 360 KB armored).
const BODY_BATCH: usize = 8;

/// An SMTP submission account (local configuration, never in a card).
#[derive(Clone, Default)]
pub struct SmtpAccount {
    /// Server host.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Implicit TLS or STARTTLS.
    pub security: Security,
    /// Login.
    pub user: String,
    /// Password (from the password command).
    pub password: Zeroizing<String>,
    /// The From address (envelope and header).
    pub from: String,
    /// Extra CA certificate (PEM) to trust.
    pub ca_file: Option<PathBuf>,
    /// Talk in the clear to a loopback server that offers no TLS (tests only).
    pub allow_plaintext_loopback: bool,
}

/// An IMAP account for fetching.
#[derive(Clone, Default)]
pub struct ImapAccount {
    /// Server host.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Implicit TLS or STARTTLS.
    pub security: Security,
    /// Login.
    pub user: String,
    /// Password (from the password command).
    pub password: Zeroizing<String>,
    /// Folder to fetch from.
    pub folder: String,
    /// Move fetched mails to this folder instead of deleting them.
    pub move_to: Option<String>,
    /// Extra CA certificate (PEM) to trust.
    pub ca_file: Option<PathBuf>,
    /// Talk in the clear to a loopback server that offers no TLS (tests only).
    pub allow_plaintext_loopback: bool,
}

impl std::fmt::Debug for SmtpAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpAccount")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ImapAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapAccount")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("folder", &self.folder)
            .finish_non_exhaustive()
    }
}

fn dialer(dial: &DialOptions) -> Result<net::Dialer> {
    Ok(net::Dialer {
        proxy: dial.proxy.as_deref().map(socks::Proxy::parse).transpose()?,
        isolation: dial.isolation.clone(),
        timeout: Duration::from_secs(if dial.timeout_secs == 0 {
            60
        } else {
            dial.timeout_secs
        }),
    })
}

fn no_account(what: &str) -> TransportError {
    TransportError::NoAccount(format!("no {what} account for mailto: routes"))
}

/// Logs in to the given servers (IMAP also selects the folder) and logs out again: the
/// check behind `hushpost account test`.
pub fn check_login(
    smtp: Option<&SmtpAccount>,
    imap: Option<&ImapAccount>,
    dial: &DialOptions,
) -> Result<()> {
    let dialer = dialer(dial)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TransportError::Io(e, "tokio runtime".into()))?;
    rt.block_on(async {
        if let Some(a) = smtp {
            smtp::Session::open(a, &dialer).await?.close().await;
        }
        if let Some(a) = imap {
            imap::Session::open(a, &dialer).await?.close().await;
        }
        Ok(())
    })
}

/// The drop for a `mailto:` route: SMTP to put (to the route's address), IMAP to fetch and
/// delete (our own account; the route is then our own address).
pub struct MailDrop {
    address: String,
    dialer: net::Dialer,
    smtp_account: Option<SmtpAccount>,
    imap_account: Option<ImapAccount>,
    rt: Option<tokio::runtime::Runtime>,
    smtp: Option<smtp::Session>,
    imap: Option<imap::Session>,
}

impl std::fmt::Debug for MailDrop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailDrop")
            .field("smtp", &self.smtp_account)
            .field("imap", &self.imap_account)
            .field("proxied", &self.dialer.proxy.is_some())
            .finish_non_exhaustive()
    }
}

/// What e-mail exposes.
pub(crate) fn exposure(_: &MailtoRoute, u: crate::Usage) -> crate::Exposure {
    crate::Exposure {
        how: if u.tor { "e-mail via tor" } else { "e-mail" }.into(),
        // The e-mail's own headers carry both addresses.
        who: "content hidden",
        seen: "the provider sees both addresses".into(),
        operator: "the mail providers: BOTH e-mail addresses, the time, the day's tag (as a relay would), a constant size; not the words, subject or real size".into(),
        network: if u.tor {
            "that you use Tor".into()
        } else {
            "which mail servers you talk to, and when".into()
        },
        contact_sees: "your conversation with them, and your e-mail address",
    }
}

impl MailDrop {
    /// The drop for a `mailto:` route. Nothing dials out until the first operation.
    pub fn new(route: &MailtoRoute, dial: &DialOptions) -> Result<Self> {
        Ok(MailDrop {
            address: route.address.clone(),
            dialer: dialer(dial)?,
            smtp_account: dial.credentials.smtp.clone(),
            imap_account: dial.credentials.imap.clone(),
            rt: None,
            smtp: None,
            imap: None,
        })
    }

    fn runtime(&mut self) -> Result<&tokio::runtime::Runtime> {
        if self.rt.is_none() {
            // A private current-thread runtime: the Drop trait is synchronous and nothing
            // here may depend on a caller's runtime (so: never call from an async task).
            self.rt = Some(
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| TransportError::Io(e, "tokio runtime".into()))?,
            );
        }
        Ok(self.rt.as_ref().expect("just built"))
    }

    /// Runs `f` with a live IMAP session, (re)connecting first if needed; a session that
    /// failed is dropped so the next call starts afresh.
    fn with_imap<T>(&mut self, f: impl AsyncFnOnce(&mut imap::Session) -> Result<T>) -> Result<T> {
        let acct = self
            .imap_account
            .clone()
            .ok_or_else(|| no_account("IMAP"))?;
        self.runtime()?;
        let rt = self.rt.as_ref().expect("runtime");
        let mut session = match self.imap.take() {
            Some(s) => s,
            None => rt.block_on(imap::Session::open(&acct, &self.dialer))?,
        };
        let r = rt.block_on(f(&mut session));
        if r.is_ok() {
            self.imap = Some(session);
        }
        r
    }
}

impl DeadDrop for MailDrop {
    fn put(&mut self, tag: &Tag, blob: &[u8], _opts: PutOptions) -> Result<()> {
        if !wire::is_bucket(blob.len()) {
            return Err(TransportError::Protocol(
                "mail".into(),
                format!(
                    "a hushpost mail carries one blob of 16384 or 262144 bytes, not {}",
                    blob.len()
                ),
            ));
        }
        let acct = self
            .smtp_account
            .clone()
            .ok_or_else(|| no_account("SMTP"))?;
        let bad_address = |a: &str| {
            TransportError::Protocol(format!("mailto:{a}"), "not a valid e-mail address".into())
        };
        let from: lettre::Address = acct.from.parse().map_err(|_| bad_address(&acct.from))?;
        let to: lettre::Address = self
            .address
            .parse()
            .map_err(|_| bad_address(&self.address))?;
        let mail = wire::compose(
            &acct.from,
            &self.address,
            tag,
            blob,
            hushpost_core::time::unix_now(),
        );
        self.runtime()?;
        let rt = self.rt.as_ref().expect("runtime");
        let t = self.dialer.timeout;
        let mut session = match self.smtp.take() {
            Some(s) if s.is_usable() => s,
            _ => rt.block_on(smtp::Session::open(&acct, &self.dialer))?,
        };
        rt.block_on(session.send(&from, &to, &mail, t))?;
        // Kept for the next blob (a fragmented message is many mails).
        self.smtp = Some(session);
        Ok(())
    }

    fn fetch(&mut self, caps: &[FetchCap], sink: &mut dyn FnMut(Fetched) -> Flow) -> Result<()> {
        let mut by_tag: HashMap<Tag, usize> = HashMap::new();
        for (i, c) in caps.iter().enumerate() {
            by_tag.entry(c.tag()).or_insert(i);
        }
        self.with_imap(async |s| {
            let uids = s.candidates().await?;
            let ours: Vec<(u32, usize)> = s
                .tags(&uids)
                .await?
                .into_iter()
                .filter_map(|(uid, tag)| by_tag.get(&tag).map(|&cap| (uid, cap)))
                .collect();
            let cap_of: HashMap<u32, usize> = ours.iter().copied().collect();
            for batch in ours.chunks(BODY_BATCH) {
                let uids: Vec<u32> = batch.iter().map(|(u, _)| *u).collect();
                for (uid, body) in s.bodies(&uids).await? {
                    let blob = match wire::blob_of(&body) {
                        Ok(b) => b,
                        Err(why) => {
                            // Under one of our tags but not a well-formed blob (a gateway
                            // that appends a footer, or tampering): left in the folder for
                            // the user to look at, never deleted unseen.
                            tracing::warn!(
                                "a mail under one of your tags in the IMAP folder is malformed ({why}); left there"
                            );
                            continue;
                        }
                    };
                    let f = Fetched {
                        cap: cap_of[&uid],
                        id: format!("{}.{uid}", s.uidvalidity),
                        blob,
                        unstamped: false,
                    };
                    if sink(f) == Flow::Stop {
                        return Ok(());
                    }
                }
            }
            Ok(())
        })
    }

    fn delete(&mut self, caps: &[FetchCap], items: &[(usize, String)]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let move_to = self.imap_account.as_ref().and_then(|a| a.move_to.clone());
        self.with_imap(async |s| {
            let mut wanted: HashMap<u32, Tag> = HashMap::new();
            for (cap, id) in items {
                let Some(cap) = caps.get(*cap) else { continue };
                let Some((validity, uid)) = id.split_once('.') else {
                    continue;
                };
                // A UID from another UIDVALIDITY epoch may name a different mail now.
                if validity.parse() != Ok(s.uidvalidity) {
                    continue;
                }
                if let Ok(uid) = uid.parse::<u32>() {
                    wanted.insert(uid, cap.tag());
                }
            }
            let mut uids: Vec<u32> = wanted.keys().copied().collect();
            uids.sort_unstable();
            // Only mails whose tag the given capability opens: never another tag's mail,
            // never an ordinary mail, whatever id we were handed.
            let ours: Vec<u32> = s
                .tags(&uids)
                .await?
                .into_iter()
                .filter(|(uid, tag)| wanted.get(uid) == Some(tag))
                .map(|(uid, _)| uid)
                .collect();
            s.remove(&ours, move_to.as_deref()).await
        })
    }
}

impl std::ops::Drop for MailDrop {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            if let Some(s) = self.smtp.take() {
                let _ = rt.block_on(async {
                    tokio::time::timeout(Duration::from_secs(2), s.close()).await
                });
            }
            if let Some(s) = self.imap.take() {
                rt.block_on(s.close());
            }
        }
    }
}
