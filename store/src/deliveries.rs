//! What became of sent mail, per recipient: sent, queued (waiting for a slot or a retry),
//! held (needs the user), failed, dropped — with the reason, the route and the outbox group
//! its blobs wait under; and the quarantine of blobs that failed the time window, kept sealed
//! until released or until the clock agrees.
//!
//! Must not hold a blob that is not sealed: the quarantine keeps the age file as it came.

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError, to_sql_u64};

/// Where one recipient's copy of a sent message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// On the drop.
    Sent,
    /// Waiting in the outbox for a cover-traffic slot or a retry.
    Queued,
    /// Waiting for the user (e.g. it needs `--now`).
    Held,
    /// Could not be sealed or queued.
    Failed,
    /// The user dropped it.
    Dropped,
}

impl DeliveryState {
    fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Sent => "sent",
            DeliveryState::Queued => "queued",
            DeliveryState::Held => "held",
            DeliveryState::Failed => "failed",
            DeliveryState::Dropped => "dropped",
        }
    }

    fn parse(s: &str) -> DeliveryState {
        match s {
            "sent" => DeliveryState::Sent,
            "queued" => DeliveryState::Queued,
            "held" => DeliveryState::Held,
            "dropped" => DeliveryState::Dropped,
            _ => DeliveryState::Failed,
        }
    }
}

/// One recipient's delivery.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    /// Row id.
    pub id: i64,
    /// The local id of the sent copy.
    pub message: i64,
    /// The contact's name at send time.
    pub recipient: String,
    /// The contact's Ed25519 key.
    #[serde(skip)]
    pub recipient_ed: [u8; 32],
    /// The route's label.
    pub route: String,
    /// The outbox group of its blobs.
    #[serde(skip)]
    pub group: [u8; 16],
    /// Where it stands.
    pub state: DeliveryState,
    /// Why, for anything but sent.
    pub reason: String,
    /// Blobs of this copy.
    pub blobs: u64,
    /// Blobs already on the drop.
    pub sent_blobs: u64,
    /// A later route of the contact may take it if this one keeps failing.
    pub fallback: bool,
    /// Unix seconds of the last change.
    pub updated_at: u64,
    /// What the sender recorded to seal this copy again the same way (opaque here).
    #[serde(skip)]
    pub draft: Option<Vec<u8>>,
}

/// A blob kept aside because its `sent_at` was outside the window.
#[derive(Debug, Clone)]
pub struct Quarantined {
    /// Row id.
    pub id: i64,
    /// The route it came from (label).
    pub route: String,
    /// The Ed25519 key of the contact whose mailbox it arrived in (zeros: intro or loop).
    pub owner: [u8; 32],
    /// Why it was kept aside.
    pub reason: String,
    /// The sealed blob.
    pub blob: Vec<u8>,
    /// Unix seconds.
    pub received_at: u64,
}

fn delivery(r: &rusqlite::Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: r.get(0)?,
        message: r.get(1)?,
        recipient: r.get(2)?,
        recipient_ed: r.get(3)?,
        route: r.get(4)?,
        group: r.get(5)?,
        state: DeliveryState::parse(&r.get::<_, String>(6)?),
        reason: r.get(7)?,
        blobs: r.get::<_, i64>(8)? as u64,
        sent_blobs: r.get::<_, i64>(9)? as u64,
        fallback: r.get::<_, i64>(10)? != 0,
        updated_at: r.get::<_, i64>(11)? as u64,
        draft: r.get(12)?,
    })
}

const COLUMNS: &str = "id, message, recipient, recipient_ed, route, grp, state, reason, blobs,
    sent_blobs, fallback, updated_at, draft";

impl Store {
    /// Records a recipient's delivery of sent message `message`; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub fn add_delivery(
        &mut self,
        message: i64,
        recipient: &str,
        recipient_ed: &[u8; 32],
        route: &str,
        group: &[u8; 16],
        state: DeliveryState,
        reason: &str,
        blobs: u64,
        now: u64,
    ) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO deliveries (message, recipient, recipient_ed, route, grp, state,
                     reason, blobs, sent_blobs, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                message,
                recipient,
                &recipient_ed[..],
                route,
                &group[..],
                state.as_str(),
                reason,
                to_sql_u64(blobs),
                if state == DeliveryState::Sent {
                    to_sql_u64(blobs)
                } else {
                    0
                },
                to_sql_u64(now)
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Moves the delivery of outbox group `group` to `state` (with `reason`), counting
    /// `sent_now` more blobs as on the drop, and on a re-route to `route`.
    pub fn update_delivery(
        &mut self,
        group: &[u8; 16],
        state: DeliveryState,
        reason: &str,
        sent_now: u64,
        route: Option<&str>,
        now: u64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE deliveries SET state = ?2, reason = ?3,
                     sent_blobs = min(blobs, sent_blobs + ?4), route = coalesce(?5, route),
                     updated_at = ?6
                 WHERE grp = ?1",
            )?
            .execute(params![
                &group[..],
                state.as_str(),
                reason,
                to_sql_u64(sent_now),
                route,
                to_sql_u64(now)
            ])?;
        Ok(())
    }

    /// Keeps what the sender needs to seal a delivery again the same way.
    pub fn set_delivery_draft(&mut self, group: &[u8; 16], draft: &[u8]) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE deliveries SET draft = ?2 WHERE grp = ?1")?
            .execute(params![&group[..], draft])?;
        Ok(())
    }

    /// Sets how many blobs a delivery's copy has (known once it is sealed).
    pub fn set_delivery_blobs(&mut self, group: &[u8; 16], blobs: u64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE deliveries SET blobs = ?2 WHERE grp = ?1")?
            .execute(params![&group[..], to_sql_u64(blobs)])?;
        Ok(())
    }

    /// The deliveries of sent message `message`.
    pub fn deliveries_of(&self, message: i64) -> Result<Vec<Delivery>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM deliveries WHERE message = ?1 ORDER BY id"
        ))?;
        Ok(stmt
            .query_map([message], delivery)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Every delivery not sent or dropped yet, oldest first.
    pub fn open_deliveries(&self) -> Result<Vec<Delivery>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM deliveries WHERE state NOT IN ('sent', 'dropped') ORDER BY id"
        ))?;
        Ok(stmt
            .query_map([], delivery)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// The delivery of outbox group `group`.
    pub fn delivery(&self, group: &[u8; 16]) -> Result<Option<Delivery>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM deliveries WHERE grp = ?1"))?
            .query_row([&group[..]], delivery)
            .optional()?)
    }

    /// Keeps a blob aside; returns its id.
    pub fn quarantine_add(
        &mut self,
        route: &str,
        owner: &[u8; 32],
        reason: &str,
        blob: &[u8],
        now: u64,
    ) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO quarantine (route, owner, reason, blob, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![route, &owner[..], reason, blob, to_sql_u64(now)])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Everything kept aside, oldest first.
    pub fn quarantined(&self) -> Result<Vec<Quarantined>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, route, owner, reason, blob, received_at FROM quarantine ORDER BY id",
        )?;
        Ok(stmt
            .query_map([], |r| {
                Ok(Quarantined {
                    id: r.get(0)?,
                    route: r.get(1)?,
                    owner: r.get(2)?,
                    reason: r.get(3)?,
                    blob: r.get(4)?,
                    received_at: r.get::<_, i64>(5)? as u64,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Forgets a quarantined blob (released or dropped).
    pub fn quarantine_remove(&mut self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM quarantine WHERE id = ?1")?
            .execute([id])?
            == 1)
    }
}
