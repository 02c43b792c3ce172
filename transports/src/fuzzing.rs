//! Entry points for the client-side fuzz targets (transports/fuzz) and their stable smoke
//! test (transports/tests/fuzz_smoke.rs): what a server hands back, through the real parsing
//! code — SFTP directory entries into our blobs and what may be deleted, IMAP FETCH answers
//! (async-imap's parser on scripted server bytes) into tags and blobs, and relay fetch pages
//! (the real page decoder) assembled into blobs across pages. Hidden from the docs; must not
//! hold logic of its own beyond driving those functions, and nothing else may call it.

use crate::https::slot_blob;
use crate::mail::{imap, wire};
use crate::{PartialBlob, ssh};
use hushpost_core::{FetchCap, Tag};
use hushpost_wire::api::{self, SlotHead};
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

/// The SSH drop's listing: directory entries as the server named them → our blobs (by
/// capability) and the names a delete of all of them would remove.
pub fn sftp_listing(caps: &[FetchCap], entries: &[&Path]) -> (Vec<(usize, String)>, Vec<String>) {
    let names = entries.iter().filter_map(|p| ssh::entry_name(p));
    let ours = crate::ours(caps, names, ssh::parse_name);
    let gone = crate::deletable(caps, &ours, ssh::parse_name)
        .map(String::from)
        .collect();
    (ours, gone)
}

/// `<tag>.<id>` and `<tag>.<id>.tmp` name parsing of the SSH drop.
pub fn sftp_names(name: &str) -> (Option<Tag>, Option<Tag>) {
    (ssh::parse_name(name), ssh::parse_tmp_name(name))
}

/// A server that says `script` and ignores what it is told.
#[derive(Debug)]
struct Script {
    data: Vec<u8>,
    at: usize,
}

impl tokio::io::AsyncRead for Script {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = buf.remaining().min(self.data.len() - self.at);
        let at = self.at;
        buf.put_slice(&self.data[at..at + n]);
        self.at += n;
        Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncWrite for Script {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, b: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(b.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
}

/// What one IMAP fetch made of the server's answers.
#[derive(Debug, Default)]
pub struct ImapFetch {
    /// `(uid, tag)` of the hushpost mails among the header answers.
    pub tagged: Vec<(u32, Tag)>,
    /// `(uid, blob or why not)` for the body answers.
    pub blobs: Vec<(u32, Result<Vec<u8>, String>)>,
}

/// One IMAP session on scripted server bytes: the greeting and LOGIN succeed, then
/// `answers` is everything the server says to a `UID FETCH` of `asked` — headers
/// (`(UID BODY.PEEK[HEADER])`, as `tags` asks) or bodies (`(UID BODY.PEEK[TEXT])`, as
/// `bodies` asks) — followed by the tagged OK. Whatever async-imap accepts goes through the
/// same classification as a real fetch.
pub fn imap_fetch(answers: &[u8], asked: &[u32], bodies: bool) -> ImapFetch {
    let mut data = b"* OK IMAP4rev1 ready\r\nA0001 OK LOGIN completed\r\n".to_vec();
    data.extend_from_slice(answers);
    data.extend_from_slice(b"\r\nA0002 OK FETCH completed\r\n");
    runtime().block_on(async {
        use futures_util::TryStreamExt;
        let mut c = async_imap::Client::new(Script { data, at: 0 });
        let mut out = ImapFetch::default();
        if !matches!(c.read_response().await, Ok(Some(_))) {
            return out;
        }
        let Ok(mut s) = c.login("u", "p").await else {
            return out;
        };
        let what = if bodies {
            "(UID BODY.PEEK[TEXT])"
        } else {
            "(UID BODY.PEEK[HEADER])"
        };
        let Ok(stream) = s.uid_fetch("1:*", what).await else {
            return out;
        };
        let Ok(fetched) = stream.try_collect::<Vec<_>>().await else {
            return out;
        };
        if bodies {
            out.blobs = imap::texts(&fetched, asked)
                .into_iter()
                .map(|(uid, body)| (uid, wire::blob_of(&body)))
                .collect();
        } else {
            out.tagged = imap::tagged(&fetched, asked);
        }
        out
    })
}

/// The relay client's page handling over a run of pages: each is decoded by the real page
/// decoder for `caps` capabilities and `slots` slots, and its chunks go through the same
/// assembly as a fetch (a large blob carried across slots and pages). Returns the blobs
/// handed over, with the head of the slot that completed each, and how many pages were
/// refused.
pub fn relay_pages(
    pages: &[Vec<u8>],
    caps: &[FetchCap],
    slots: usize,
) -> (Vec<(SlotHead, Vec<u8>)>, usize) {
    let mut partial: Option<PartialBlob> = None;
    let mut out = Vec::new();
    let mut refused = 0;
    for body in pages {
        let Ok(page) = api::decode_page(body, caps.len(), slots) else {
            refused += 1;
            continue;
        };
        for (h, data) in page.slots {
            if let Some(blob) = slot_blob(&mut partial, &caps[usize::from(h.cap)], &h, data) {
                out.push((h, blob));
            }
        }
    }
    (out, refused)
}
