//! Transports move opaque blobs to and from drops: a folder (`dir:`), an SFTP directory
//! (`ssh://`), a hushpost relay (`https://`) and ordinary mail (`mailto:`). Tor is a way
//! to dial, not a transport.
//!
//! Every transport implements the one small [`DeadDrop`] trait — put a blob under a tag,
//! fetch the blobs under a batch of capabilities, delete by capability — and the closed
//! [`Transport`] enum picks the implementation from a route. A transport must never see
//! plaintext, names or subjects: it gets tags, capabilities and sealed bytes only.
#![forbid(unsafe_code)]

pub mod conformance;
pub mod dir;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod https;
pub mod mail;
pub mod socks;
pub mod ssh;

pub use error::TransportError;
/// Limits of the relay API a fixed-shape fetch must stay within.
pub use hushpost_wire::api::{MAX_CAPS, MAX_DELETE, MAX_SLOTS};

/// The result of a transport operation.
pub type Result<T, E = TransportError> = std::result::Result<T, E>;

/// What a route lets whom observe: the words `hushpost leaks`, `contact show` and the TUI's
/// compose badge print. Each transport writes its own (next to the code that does what the
/// text claims); [`exposure`] picks it by route kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// How it travels, e.g. `relay via tor`.
    pub how: String,
    /// Whose identity stays hidden from the drop, e.g. `sender hidden`.
    pub who: &'static str,
    /// What stays visible, in a few words, e.g. `the relay sees your IP`.
    pub seen: String,
    /// What the drop operator (or mail provider) observes.
    pub operator: String,
    /// What the local network observes.
    pub network: String,
    /// What the contact can observe or do.
    pub contact_sees: &'static str,
}

/// How a route is used, for [`exposure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Dialled through Tor.
    pub tor: bool,
    /// Cover traffic runs on it.
    pub cover: bool,
}

impl Usage {
    /// The timing clause operators and networks share.
    pub(crate) fn timing(self) -> &'static str {
        if self.cover {
            "; cover traffic makes real sends and fetches look like the regular chaff"
        } else {
            "; when you send and fetch"
        }
    }
}

/// What a contact learns on any drop they can reach.
pub(crate) const CONTACT_KEEPS: &str =
    "your conversation with them (and they could keep it: signatures prove who wrote)";

impl Usage {
    /// What a drop of `kind` dialled at `host` exposes: Tor hides your IP from it
    /// (`seen_direct` says who sees it otherwise); what its operator sees is the drop's own
    /// text, `operator.0` through Tor and `operator.1` direct, before the timing clause.
    pub(crate) fn dialled(
        self,
        kind: &str,
        host: &str,
        seen_direct: &str,
        operator: (&str, &str),
    ) -> Exposure {
        let (seen, operator) = if self.tor {
            ("IP hidden", operator.0)
        } else {
            (seen_direct, operator.1)
        };
        Exposure {
            how: format!("{kind} {}", if self.tor { "via tor" } else { "direct" }),
            who: "sender hidden",
            seen: seen.into(),
            operator: format!("{operator}{}", self.timing()),
            network: self.network_text(host),
            contact_sees: CONTACT_KEEPS,
        }
    }

    /// What the local network sees of a connection to `host`.
    pub(crate) fn network_text(self, host: &str) -> String {
        if self.tor {
            "that you use Tor, and how much".into()
        } else {
            format!("that you connect to {host}{}", self.timing())
        }
    }
}

/// The drop's names under one of the tags of `caps`, as `(capability index, name)`, sorted
/// (names are random; the order is only for determinism).
pub(crate) fn ours(
    caps: &[FetchCap],
    names: impl IntoIterator<Item = String>,
    parse: fn(&str) -> Option<Tag>,
) -> Vec<(usize, String)> {
    let wanted: std::collections::HashMap<Tag, usize> =
        caps.iter().enumerate().map(|(i, c)| (c.tag(), i)).collect();
    let mut mine: Vec<(usize, String)> = names
        .into_iter()
        .filter_map(|n| parse(&n).and_then(|t| wanted.get(&t)).map(|i| (*i, n)))
        .collect();
    mine.sort();
    mine
}

/// Orders a listing small blobs first (stable, so the order within a size stays). The head
/// of a large message is usually a small blob: taken first, the fragments after it go
/// straight into place, while a head listed late (a folder or SFTP listing is in no order)
/// left them to be kept aside or read again in a second pass — a 1 GiB fetch took 3.7 s
/// or 5.3 s by where its head happened to be listed.
pub(crate) fn small_first(mine: &mut [(usize, String)], size: impl Fn(&str) -> u64) {
    mine.sort_by_cached_key(|(_, name)| size(name) > hushpost_core::envelope::SMALL as u64);
}

/// Reads each of `mine` with `read` (`None`: gone meanwhile, another device took it) and
/// hands it to `sink` until it says stop.
pub(crate) fn hand_over(
    mine: Vec<(usize, String)>,
    mut read: impl FnMut(&str) -> Result<Option<Vec<u8>>>,
    sink: &mut dyn FnMut(Fetched) -> Flow,
) -> Result<()> {
    for (cap, id) in mine {
        let Some(blob) = read(&id)? else { continue };
        if sink(Fetched {
            cap,
            id,
            blob,
            unstamped: false,
        }) == Flow::Stop
        {
            break;
        }
    }
    Ok(())
}

/// The names of `items` that a capability really opens: only those may ever be deleted.
pub(crate) fn deletable<'a>(
    caps: &'a [FetchCap],
    items: &'a [(usize, String)],
    parse: fn(&str) -> Option<Tag>,
) -> impl Iterator<Item = &'a str> {
    items.iter().filter_map(move |(cap, name)| {
        let c = caps.get(*cap)?;
        parse(name).filter(|t| c.opens(t)).map(|_| name.as_str())
    })
}

/// What `route`, used as `usage` says, exposes.
pub fn exposure(route: &Route, usage: Usage) -> Exposure {
    match route {
        Route::Dir(r) => dir::exposure(r, usage),
        Route::Ssh(r) => ssh::exposure(r, usage),
        Route::Https(r) => https::exposure(r, usage),
        Route::Mailto(r) => mail::exposure(r, usage),
    }
}

use hushpost_core::{FetchCap, Route, Tag};

/// One blob a drop handed back.
#[derive(Debug)]
pub struct Fetched {
    /// Index into the capability slice given to [`DeadDrop::fetch`].
    pub cap: usize,
    /// The drop's handle for this blob (file name, relay id, IMAP UID…), for [`DeadDrop::delete`].
    pub id: String,
    /// The sealed bytes.
    pub blob: Vec<u8>,
    /// The drop stamps posts with proof of work (the relay) and this one came without:
    /// a contact request like that is refused.
    pub unstamped: bool,
}

/// What the sink wants after each blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep going.
    Continue,
    /// Stop fetching (e.g. the local disk is full).
    Stop,
}

/// Extra facts about a put.
#[derive(Debug, Clone, Copy, Default)]
pub struct PutOptions {
    /// This is an intro (first-contact) post: relays ask for proof of work.
    pub intro: bool,
}

/// Where a fixed-shape fetch left off, kept by the caller from one tick to the next: a page
/// holds only so many slots, so a full mailbox is read over several ticks, and a large blob
/// may arrive over several pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageState {
    /// Where the next page starts (the relay): more was waiting when the last page filled.
    #[serde(default)]
    pub resume: Option<Resume>,
    /// The large blob in progress, if any.
    #[serde(default)]
    pub partial: Option<PartialBlob>,
    /// More was waiting when the last page filled (SSH: slot files still to read).
    #[serde(default)]
    pub after: Option<String>,
    /// The SSH drop's slot files ([`ssh::slots`]).
    #[serde(default)]
    pub slots: ssh::slots::Slots,
}

/// A position in a relay mailbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resume {
    /// The capability of the tag (its place in the list changes with every shuffle).
    pub cap: FetchCap,
    /// The position of the blob under that tag.
    pub blob: u32,
    /// The chunk of that blob.
    pub chunk: u16,
}

/// The part of a large blob already fetched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartialBlob {
    /// The capability of its tag.
    pub cap: FetchCap,
    /// Its id on the drop.
    pub id: String,
    /// Its full length.
    pub len: u32,
    /// The chunks received so far, in order.
    #[serde(with = "hex_bytes")]
    pub data: Vec<u8>,
}

/// Sealed bytes as hex in the caller's state file.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(crate) fn serialize<S: Serializer>(b: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<Vec<u8>, D::Error> {
        hex::decode(String::deserialize(d)?).map_err(D::Error::custom)
    }
}

/// The three operations every drop supports. (Named so it does not shadow `std::ops::Drop`.)
pub trait DeadDrop {
    /// Stores `blob` under `tag`. When this returns `Ok`, the drop has the blob durably.
    fn put(&mut self, tag: &Tag, blob: &[u8], opts: PutOptions) -> Result<()>;

    /// Stores `blobs` under `tag`, in order, as one batch. Returns how many of the first
    /// blobs the drop now has durably (all, or those before the error, which comes with
    /// the count); a blob past that count is not on the drop. A drop that can make a batch
    /// durable at once does (the folder drop: one flush per batch instead of two per blob);
    /// the rest put one at a time.
    fn put_batch(&mut self, tag: &Tag, blobs: &[&[u8]], opts: PutOptions) -> (usize, Result<()>) {
        for (n, b) in blobs.iter().enumerate() {
            if let Err(e) = self.put(tag, b, opts) {
                return (n, Err(e));
            }
        }
        (blobs.len(), Ok(()))
    }

    /// Hands every blob stored under the tags of `caps` to `sink`, which decides whether to
    /// go on. One request per batch where the drop allows it.
    fn fetch(&mut self, caps: &[FetchCap], sink: &mut dyn FnMut(Fetched) -> Flow) -> Result<()>;

    /// Deletes blobs previously fetched: `(capability index, id)` pairs into `caps`.
    fn delete(&mut self, caps: &[FetchCap], items: &[(usize, String)]) -> Result<()>;

    /// A fetch of one fixed shape, for cover traffic: on a drop that pages (the relay),
    /// exactly one request of `slots` slots whatever waits, continuing a large blob from
    /// `state` and leaving what does not fit for the next tick. Elsewhere: [`DeadDrop::fetch`].
    fn fetch_page(
        &mut self,
        caps: &[FetchCap],
        slots: usize,
        state: &mut PageState,
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<()> {
        let _ = (slots, state);
        self.fetch(caps, sink)
    }

    /// Deletes `items`, on a drop that takes requests (the relay) as exactly one request of
    /// `slots` items whatever there is to delete (padded with items that match nothing;
    /// what does not fit is left to the caller's next tick). Elsewhere: [`DeadDrop::delete`].
    /// Returns how many of `items` were handled.
    fn delete_padded(
        &mut self,
        caps: &[FetchCap],
        items: &[(usize, String)],
        slots: usize,
    ) -> Result<usize> {
        let _ = slots;
        self.delete(caps, items)?;
        Ok(items.len())
    }
}

/// How to reach network drops (Tor, timeouts, local accounts). Ignored by `dir:`.
#[derive(Debug, Clone, Default)]
pub struct DialOptions {
    /// SOCKS5 proxy to dial through (`socks5h://[user:pass@]host:port`); `None` = direct.
    /// When set, the transport must never connect directly nor resolve names locally.
    pub proxy: Option<String>,
    /// SOCKS username/password for Tor stream isolation (one per logical operation).
    pub isolation: Option<(String, String)>,
    /// Connect/read timeout in seconds (0 = the transport's default).
    pub timeout_secs: u64,
    /// Credentials for routes we own (SSH key, mail accounts): see each transport.
    pub credentials: Credentials,
    /// Where a transport may keep small state of its own between runs (the SSH drop's
    /// slot counters); `None`: it keeps none.
    pub state_dir: Option<std::path::PathBuf>,
}

/// Local credentials a transport may need. Never part of a card.
#[derive(Clone, Default)]
pub struct Credentials {
    /// SSH private key file of the drop owner (for fetching from our own SSH drop).
    pub ssh_key_file: Option<std::path::PathBuf>,
    /// Use ssh-agent for the owner's key.
    pub ssh_agent: bool,
    /// The owner's login on their own SSH drops (default: the route's user).
    pub ssh_user: Option<String>,
    /// SMTP submission account for sending mail routes.
    pub smtp: Option<mail::SmtpAccount>,
    /// IMAP account for fetching our own mailto: route.
    pub imap: Option<mail::ImapAccount>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("ssh_key_file", &self.ssh_key_file.is_some())
            .field("ssh_agent", &self.ssh_agent)
            .field("ssh_user", &self.ssh_user)
            .field("smtp", &self.smtp.is_some())
            .field("imap", &self.imap.is_some())
            .finish()
    }
}

/// The closed set of transports, opened lazily from a route.
#[non_exhaustive]
pub enum Transport {
    /// A folder.
    Dir(dir::DirDrop),
    /// An SFTP directory.
    Ssh(ssh::SshDrop),
    /// A hushpost relay.
    Https(https::RelayDrop),
    /// Ordinary mail (SMTP out, IMAP in); boxed, it carries two accounts and TLS settings.
    Mail(Box<mail::MailDrop>),
}

impl Transport {
    /// Opens the transport for a route. Nothing dials out here; network transports connect
    /// on first use.
    pub fn open(route: &Route, dial: &DialOptions) -> Result<Transport> {
        match route {
            Route::Dir(r) => Ok(Transport::Dir(dir::DirDrop::new(&r.path))),
            Route::Ssh(r) => Ok(Transport::Ssh(ssh::SshDrop::new(r, dial)?)),
            Route::Https(r) => Ok(Transport::Https(https::RelayDrop::new(r, dial)?)),
            Route::Mailto(r) => Ok(Transport::Mail(Box::new(mail::MailDrop::new(r, dial)?))),
        }
    }

    fn inner(&mut self) -> &mut dyn DeadDrop {
        match self {
            Transport::Dir(d) => d,
            Transport::Ssh(d) => d,
            Transport::Https(d) => d,
            Transport::Mail(d) => d.as_mut(),
        }
    }
}

impl DeadDrop for Transport {
    fn put(&mut self, tag: &Tag, blob: &[u8], opts: PutOptions) -> Result<()> {
        self.inner().put(tag, blob, opts)
    }

    fn put_batch(&mut self, tag: &Tag, blobs: &[&[u8]], opts: PutOptions) -> (usize, Result<()>) {
        self.inner().put_batch(tag, blobs, opts)
    }

    fn fetch(&mut self, caps: &[FetchCap], sink: &mut dyn FnMut(Fetched) -> Flow) -> Result<()> {
        self.inner().fetch(caps, sink)
    }

    fn delete(&mut self, caps: &[FetchCap], items: &[(usize, String)]) -> Result<()> {
        self.inner().delete(caps, items)
    }

    fn fetch_page(
        &mut self,
        caps: &[FetchCap],
        slots: usize,
        state: &mut PageState,
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<()> {
        self.inner().fetch_page(caps, slots, state, sink)
    }

    fn delete_padded(
        &mut self,
        caps: &[FetchCap],
        items: &[(usize, String)],
        slots: usize,
    ) -> Result<usize> {
        self.inner().delete_padded(caps, items, slots)
    }
}
