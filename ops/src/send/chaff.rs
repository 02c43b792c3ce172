//! Cover traffic to a contact: a blob sealed exactly like mail to them (same recipient key,
//! same prekey announcement, same stanza, a bucket size), of kind `Chaff`, under today's tag
//! of the pair. The contact's client opens it, keeps the prekey it carries, and deletes it
//! like any message; nobody else — the drop, the network — can tell it from mail. This is
//! the one place chaff for a contact is sealed: when mail is sealed differently, so is this.

use crate::error::{Error, Result};
use crate::keys::contact_public;
use crate::session::Session;
use hushpost_core::Tag;
use hushpost_core::envelope::v2;
use hushpost_core::envelope::{Bucket, Kind};
use hushpost_core::tags::PairKeys;
use hushpost_core::time::Day;
use rand::RngCore;

/// The tags we write under to contact `index` over `days` (queued mail may carry an older
/// day's tag).
pub(crate) fn outgoing_tags(
    s: &Session,
    index: usize,
    days: impl Iterator<Item = Day>,
) -> Option<Vec<Tag>> {
    let (_, id) = contact_public(s.keys.contact_states().get(index)?)?;
    let pk = PairKeys::derive(s.keys.identity(), &id).ok()?;
    Some(days.map(|d| pk.outgoing.tag(d)).collect())
}

impl Session {
    /// One chaff blob of `bucket`'s size for contact `index` and the tag to put it under.
    /// Rotating our prekey for them is made durable first, as for mail.
    pub(crate) fn seal_chaff(
        &mut self,
        index: usize,
        bucket: Bucket,
        rng: &mut dyn RngCore,
    ) -> Result<(Tag, Vec<u8>)> {
        let (_, id) = contact_public(
            self.keys
                .contact_states()
                .get(index)
                .ok_or_else(|| Error::Invalid("no such contact".into()))?,
        )
        .ok_or_else(|| Error::Invalid("a contact's card does not parse".into()))?;
        let now = self.now();
        let tag = PairKeys::derive(self.keys.identity(), &id)
            .map_err(|e| Error::Invalid(e.to_string()))?
            .outgoing
            .tag(Day::of(now));
        // The same keys a message to them carries now, and the same key it is sealed to:
        // a hybrid stanza once we hold their hybrid key, as for mail (PROTOCOL.md §7.7).
        let keys = self.keys.outgoing_keys(index).unwrap_or_default();
        self.keys.commit()?;
        let to = self
            .keys
            .seal_to(index)
            .ok_or_else(|| Error::Invalid("a contact's card does not parse".into()))?;
        // A body that lands in the bucket asked for: a few bytes for a small blob, just over
        // the small capacity for a large one (random bytes; the inner layer is encrypted).
        let len = match bucket {
            Bucket::Small => 64,
            Bucket::Large => Bucket::Small.capacity() + 1024,
        };
        let mut body = vec![0u8; len];
        rng.fill_bytes(&mut body);
        let mut msg_id = [0u8; 16];
        rng.fill_bytes(&mut msg_id);
        let draft = v2::Draft {
            kind: Kind::Chaff,
            msg_id,
            prev_hash: self.inbox.mailbox.chain_out(&id.ed)?,
            sent_at: now,
            expires_at: 0,
            burn_after_reading: false,
            keys,
        };
        let mut blobs: Vec<Vec<u8>> = Vec::new();
        v2::seal(
            self.keys.identity(),
            &to,
            &draft,
            &v2::Body::new(&body),
            &mut |b| {
                blobs.push(b.to_vec());
                Ok(())
            },
        )
        .map_err(|e| Error::Invalid(format!("sealing chaff: {e}")))?;
        match <[Vec<u8>; 1]>::try_from(blobs) {
            Ok([blob]) if blob.len() == bucket.size() => Ok((tag, blob)),
            _ => Err(Error::Invalid(
                "chaff did not seal into one blob of its bucket".into(),
            )),
        }
    }
}
