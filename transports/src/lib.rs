//! Transports move opaque blobs to and from drops: a folder (`dir:`), an SFTP directory
//! (`ssh://`), a hushpost relay (`https://`) and ordinary mail (`mailto:`). Tor is a way
//! to dial, not a transport.
//!
//! Every transport implements the one small [`Drop`] trait — put a blob under a tag,
//! fetch the blobs under a batch of capabilities, delete by capability — and the closed
//! [`Transport`] enum picks the implementation from a route. A transport must never see
//! plaintext, names or subjects: it gets tags, capabilities and sealed bytes only.
#![forbid(unsafe_code)]

pub mod conformance;
pub mod dir;
mod error;

pub use error::TransportError;

use hushpost_core::{FetchCap, Route, Tag};

/// One blob a drop handed back.
#[derive(Debug)]
pub struct Fetched {
    /// Index into the capability slice given to [`Drop::fetch`].
    pub cap: usize,
    /// The drop's handle for this blob (file name, relay id, IMAP UID…), for [`Drop::delete`].
    pub id: String,
    /// The sealed bytes.
    pub blob: Vec<u8>,
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

/// The three operations every drop supports.
pub trait Drop {
    /// Stores `blob` under `tag`. When this returns `Ok`, the drop has the blob durably.
    fn put(&mut self, tag: &Tag, blob: &[u8], opts: PutOptions) -> Result<(), TransportError>;

    /// Hands every blob stored under the tags of `caps` to `sink`, which decides whether to
    /// go on. One request per batch where the drop allows it.
    fn fetch(
        &mut self,
        caps: &[FetchCap],
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<(), TransportError>;

    /// Deletes blobs previously fetched: `(capability index, id)` pairs into `caps`.
    fn delete(
        &mut self,
        caps: &[FetchCap],
        items: &[(usize, String)],
    ) -> Result<(), TransportError>;
}

/// How to reach network drops (Tor, timeouts). Ignored by `dir:`.
#[derive(Debug, Clone, Default)]
pub struct DialOptions {
    /// SOCKS5 proxy to dial through (`socks5h://host:port`); `None` = direct.
    pub proxy: Option<String>,
    /// Connect/read timeout in seconds (0 = the transport's default).
    pub timeout_secs: u64,
}

/// The closed set of transports, opened lazily from a route.
#[non_exhaustive]
pub enum Transport {
    /// A folder.
    Dir(dir::DirDrop),
}

impl Transport {
    /// Opens the transport for a route. Nothing dials out here; network transports connect
    /// on first use.
    pub fn open(route: &Route, _dial: &DialOptions) -> Result<Transport, TransportError> {
        match route {
            Route::Dir { path } => Ok(Transport::Dir(dir::DirDrop::new(path))),
            other => Err(TransportError::Unsupported(other.scheme())),
        }
    }

    fn inner(&mut self) -> &mut dyn Drop {
        match self {
            Transport::Dir(d) => d,
        }
    }
}

impl Drop for Transport {
    fn put(&mut self, tag: &Tag, blob: &[u8], opts: PutOptions) -> Result<(), TransportError> {
        self.inner().put(tag, blob, opts)
    }

    fn fetch(
        &mut self,
        caps: &[FetchCap],
        sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<(), TransportError> {
        self.inner().fetch(caps, sink)
    }

    fn delete(
        &mut self,
        caps: &[FetchCap],
        items: &[(usize, String)],
    ) -> Result<(), TransportError> {
        self.inner().delete(caps, items)
    }
}
