//! Fetching over IMAP with async-imap: connect (through the dialer), TLS (implicit or
//! STARTTLS, which must succeed), LOGIN, SELECT the folder; find hushpost mails by their
//! constant subject, keep those whose tag header matches, download their bodies with
//! `BODY.PEEK` (no \Seen flag set on anything), and remove only mails whose tag the caller's
//! capability opens.
//!
//! Must not: log in or read in the clear (except to an allowed loopback test server), set a
//! flag on, move or expunge any mail that is not a hushpost mail under one of the caller's
//! tags, or run a bare `EXPUNGE` (it would also remove mails other clients marked).

use super::net::{self, Dialer, Security, Stream};
use super::{ImapAccount, wire};
use crate::Result;
use crate::TransportError;
use async_imap::error::Error as ImapError;
use futures_util::TryStreamExt;
use hushpost_core::Tag;
use std::future::Future;
use std::time::Duration;

/// A logged-in session with the folder selected.
pub struct Session {
    s: async_imap::Session<Stream>,
    label: String,
    /// UIDVALIDITY of the selected folder: UIDs handed out as ids are only meaningful with it.
    pub uidvalidity: u32,
    uidplus: bool,
    can_move: bool,
    timeout: Duration,
}

fn label(a: &ImapAccount) -> String {
    format!("IMAP server {}:{}", a.host, a.port)
}

fn imap_error(label: &str, e: ImapError) -> TransportError {
    match e {
        ImapError::Io(e) => TransportError::Unreachable {
            host: label.into(),
            reason: e.to_string(),
        },
        ImapError::ConnectionLost => TransportError::Unreachable {
            host: label.into(),
            reason: "the server closed the connection".into(),
        },
        ImapError::No(m) => TransportError::Protocol(label.into(), format!("refused: {m}")),
        ImapError::Bad(m) => TransportError::Protocol(label.into(), format!("bad command: {m}")),
        other => TransportError::Protocol(label.into(), other.to_string()),
    }
}

/// Runs one IMAP step with the timeout.
async fn step<T>(
    label: &str,
    t: Duration,
    what: &str,
    f: impl Future<Output = Result<T, ImapError>>,
) -> Result<T> {
    tokio::time::timeout(t, f)
        .await
        .map_err(|_| TransportError::Unreachable {
            host: label.into(),
            reason: format!("timed out during {what}"),
        })?
        .map_err(|e| imap_error(label, e))
}

/// A UID set for a command: "1,5,9".
/// The tag of each hushpost mail among the server's `BODY.PEEK[HEADER]` answers to a fetch
/// of `asked` (answers for other UIDs, and others' mail, are left out).
pub(crate) fn tagged(fetched: &[async_imap::types::Fetch], asked: &[u32]) -> Vec<(u32, Tag)> {
    let mut out = Vec::new();
    for f in fetched {
        if let (Some(uid), Some(h)) = (f.uid, f.header())
            && asked.contains(&uid)
            && let Some(tag) = wire::tag_of(h)
        {
            out.push((uid, tag));
        }
    }
    out
}

/// The bodies among the server's `BODY.PEEK[TEXT]` answers to a fetch of `asked`.
pub(crate) fn texts(fetched: &[async_imap::types::Fetch], asked: &[u32]) -> Vec<(u32, Vec<u8>)> {
    fetched
        .iter()
        .filter_map(|f| Some((f.uid?, f.text()?.to_vec())))
        .filter(|(uid, _)| asked.contains(uid))
        .collect()
}

fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Session {
    /// Connects, secures, logs in and selects the account's folder.
    pub async fn open(acct: &ImapAccount, dial: &Dialer) -> Result<Session> {
        let label = label(acct);
        let t = dial.timeout;
        let plain_ok = dial.plaintext_ok(&label, &acct.host, acct.allow_plaintext_loopback)?;
        let tcp = dial.tcp(&acct.host, acct.port).await?;
        let closed = || TransportError::Unreachable {
            host: label.clone(),
            reason: "the server closed the connection".into(),
        };
        let client = match acct.security {
            Security::Implicit => {
                let cfg = net::tls_config(acct.ca_file.as_deref())?;
                let s = net::tls(tcp, &acct.host, cfg, t, &label).await?;
                let mut c = async_imap::Client::new(s);
                step(&label, t, "greeting", async {
                    Ok(c.read_response().await?)
                })
                .await?
                .ok_or_else(closed)?;
                c
            }
            Security::StartTls => {
                let mut c = async_imap::Client::new(Stream::Plain(tcp));
                step(&label, t, "greeting", async {
                    Ok(c.read_response().await?)
                })
                .await?
                .ok_or_else(closed)?;
                match step(
                    &label,
                    t,
                    "STARTTLS",
                    c.run_command_and_check_ok("STARTTLS", None),
                )
                .await
                {
                    Ok(()) => {
                        let Stream::Plain(tcp) = c.into_inner() else {
                            unreachable!("the stream is plain before STARTTLS")
                        };
                        let cfg = net::tls_config(acct.ca_file.as_deref())?;
                        async_imap::Client::new(net::tls(tcp, &acct.host, cfg, t, &label).await?)
                    }
                    Err(TransportError::Protocol(..)) if plain_ok => {
                        tracing::warn!(
                            "{label} offers no TLS; talking in the clear as allow_plaintext_loopback permits"
                        );
                        c
                    }
                    Err(TransportError::Protocol(..)) => return Err(TransportError::NoTls(label)),
                    Err(e) => return Err(e),
                }
            }
        };
        let mut s =
            match tokio::time::timeout(t, client.login(&acct.user, acct.password.as_str())).await {
                Err(_) => {
                    return Err(TransportError::Unreachable {
                        host: label,
                        reason: "timed out during login".into(),
                    });
                }
                Ok(Ok(s)) => s,
                Ok(Err((ImapError::No(_) | ImapError::Bad(_), _))) => {
                    return Err(net::auth_refused(&label, &acct.user));
                }
                Ok(Err((e, _))) => return Err(imap_error(&label, e)),
            };
        let caps = step(&label, t, "CAPABILITY", s.capabilities()).await?;
        let (uidplus, can_move) = (caps.has_str("UIDPLUS"), caps.has_str("MOVE"));
        let mbox = step(&label, t, "SELECT", s.select(&acct.folder))
            .await
            .map_err(|e| match e {
                TransportError::Protocol(l, m) => {
                    TransportError::Protocol(l, format!("folder {:?}: {m}", acct.folder))
                }
                e => e,
            })?;
        let uidvalidity = mbox.uid_validity.ok_or_else(|| {
            TransportError::Protocol(label.clone(), "the folder has no UIDVALIDITY".into())
        })?;
        Ok(Session {
            s,
            label,
            uidvalidity,
            uidplus,
            can_move,
            timeout: t,
        })
    }

    fn drain(&mut self) {
        while self.s.unsolicited_responses.try_recv().is_ok() {}
    }

    /// UIDs of the mails that may be hushpost mails (constant subject), oldest first.
    /// Without UIDPLUS, mails we already marked \Deleted are skipped: we cannot expunge
    /// them one by one and must not expunge others'.
    pub async fn candidates(&mut self) -> Result<Vec<u32>> {
        let mut q = format!("SUBJECT \"{}\"", wire::SUBJECT);
        if !self.uidplus {
            q.push_str(" UNDELETED");
        }
        // NOOP first: a session kept open since the last call learns of newly arrived mail.
        step(&self.label, self.timeout, "NOOP", self.s.noop()).await?;
        let found = step(&self.label, self.timeout, "SEARCH", self.s.uid_search(&q)).await?;
        self.drain();
        let mut v: Vec<u32> = found.into_iter().collect();
        v.sort_unstable();
        Ok(v)
    }

    /// The tag of each hushpost mail among `uids` (others are left out).
    pub async fn tags(&mut self, uids: &[u32]) -> Result<Vec<(u32, Tag)>> {
        let mut out = Vec::new();
        for chunk in uids.chunks(256) {
            let (label, t) = (self.label.clone(), self.timeout);
            let set = uid_set(chunk);
            let fetched: Vec<async_imap::types::Fetch> = step(&label, t, "FETCH", async {
                self.s
                    .uid_fetch(&set, "(UID BODY.PEEK[HEADER])")
                    .await?
                    .try_collect()
                    .await
            })
            .await?;
            out.extend(tagged(&fetched, chunk));
            self.drain();
        }
        Ok(out)
    }

    /// The bodies of `uids` (`BODY.PEEK[TEXT]`: nothing is marked as read).
    pub async fn bodies(&mut self, uids: &[u32]) -> Result<Vec<(u32, Vec<u8>)>> {
        let (label, t) = (self.label.clone(), self.timeout);
        let set = uid_set(uids);
        let fetched: Vec<async_imap::types::Fetch> = step(&label, t, "FETCH", async {
            self.s
                .uid_fetch(&set, "(UID BODY.PEEK[TEXT])")
                .await?
                .try_collect()
                .await
        })
        .await?;
        self.drain();
        Ok(texts(&fetched, uids))
    }

    /// Removes `uids` (already checked to be ours): UID MOVE to `move_to`, or \Deleted +
    /// UID EXPUNGE of exactly these UIDs. Without UIDPLUS the mails stay marked \Deleted for
    /// the user's own client to expunge; [`Session::candidates`] skips them.
    pub async fn remove(&mut self, uids: &[u32], move_to: Option<&str>) -> Result<()> {
        if uids.is_empty() {
            return Ok(());
        }
        let (label, t) = (self.label.clone(), self.timeout);
        for chunk in uids.chunks(256) {
            let set = uid_set(chunk);
            if let Some(folder) = move_to {
                if self.can_move {
                    step(&label, t, "MOVE", self.s.uid_mv(&set, folder)).await?;
                    self.drain();
                    continue;
                }
                step(&label, t, "COPY", self.s.uid_copy(&set, folder)).await?;
            }
            step(&label, t, "STORE", async {
                self.s
                    .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await?;
            pause_before_expunge();
            if self.uidplus {
                step(&label, t, "EXPUNGE", async {
                    self.s
                        .uid_expunge(&set)
                        .await?
                        .try_collect::<Vec<_>>()
                        .await
                })
                .await?;
            }
            self.drain();
        }
        Ok(())
    }

    /// LOGOUT, best effort.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.s.logout()).await;
    }
}

/// Test hook, compiled into debug builds only: with `HUSHPOST_TEST_PAUSE_BEFORE_EXPUNGE`
/// set to a path, the fetch writes that file after marking the mails \Deleted and then
/// waits forever, so a test can SIGKILL it exactly between "stored locally" and "expunged"
/// (the crash-safety test in cli/tests/mail_transport.rs).
fn pause_before_expunge() {
    #[cfg(debug_assertions)]
    if let Some(p) = std::env::var_os("HUSHPOST_TEST_PAUSE_BEFORE_EXPUNGE") {
        // A test hook's marker file (HUSHPOST_TEST_* only), not user data.
        #[allow(clippy::disallowed_methods)]
        let _ = std::fs::write(&p, b"paused before expunge\n");
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}
