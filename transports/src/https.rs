//! A hushpost relay over HTTPS (issue: relay).
//!
//! Placeholder until the transport lands: opening a route of this kind is refused with a
//! clear error, so nothing pretends to work.

use crate::{DialOptions, Drop, Fetched, Flow, PutOptions, TransportError};
use hushpost_core::{FetchCap, Route, Tag};

/// The drop.
#[derive(Debug)]
pub struct RelayDrop {
    _private: (),
}

impl RelayDrop {
    /// Refused until implemented.
    pub fn new(route: &Route, _dial: &DialOptions) -> Result<Self, TransportError> {
        Err(TransportError::Unsupported(route.scheme()))
    }
}

impl Drop for RelayDrop {
    fn put(&mut self, _tag: &Tag, _blob: &[u8], _opts: PutOptions) -> Result<(), TransportError> {
        Err(TransportError::Unsupported("https"))
    }

    fn fetch(
        &mut self,
        _caps: &[FetchCap],
        _sink: &mut dyn FnMut(Fetched) -> Flow,
    ) -> Result<(), TransportError> {
        Err(TransportError::Unsupported("https"))
    }

    fn delete(
        &mut self,
        _caps: &[FetchCap],
        _items: &[(usize, String)],
    ) -> Result<(), TransportError> {
        Err(TransportError::Unsupported("https"))
    }
}
