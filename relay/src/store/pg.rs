//! The PostgreSQL store: blobs, quotas, retention, deletes and spent proof-of-work nonces in
//! one database that several relay nodes share, so any node can take a put and any other can
//! serve the fetch and the delete.
//!
//! tokio-postgres with a deadpool pool (docs/RELAY.md says why). A put is one transaction:
//! a transaction-scoped advisory lock on the tag (so two nodes cannot both admit the 128th
//! blob), a count of the tag's unexpired blobs and bytes, the insert, the commit — answered
//! only after the commit, with `synchronous_commit = on` forced for the session, so an
//! acknowledged blob is in the WAL on disk. Sweeps take a try-lock that only one node can
//! hold at a time. Must not: acknowledge before the commit, put a tag, a capability or a
//! key value into an error message or a log line (database errors are reduced to their
//! message and SQLSTATE; their DETAIL can hold key values).

use super::{BlobStore, Cursor, Meta, Page, SMALL, StoreError, StoreStats, SweepStats};
use super::{LARGE, log::StoreConfig};
use axum::body::Bytes;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use hushpost_wire::Tag;
use hushpost_wire::time::Clock;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio_postgres::NoTls;

/// Advisory lock class of the relay (`pg_advisory_xact_lock(CLASS, key)`).
pub const LOCK_CLASS: i32 = 0x4850_5231; // "HPR1"
/// The key of the sweep lock within [`LOCK_CLASS`]; tag locks use other keys.
pub const SWEEP_LOCK: i32 = i32::MIN;
/// Lock key for schema set-up, so nodes starting together do not race their DDL.
const SCHEMA_LOCK: i32 = i32::MIN + 1;
/// Seconds between refreshes of the size the tables take (for `--max-store-size`).
const SIZE_REFRESH_SECS: u64 = 5;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS hushpost_blobs (
    seq bigserial PRIMARY KEY,
    tag bytea NOT NULL,
    id bigint NOT NULL,
    flags smallint NOT NULL,
    created bigint NOT NULL,
    len integer NOT NULL,
    data bytea NOT NULL
);
ALTER TABLE hushpost_blobs ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE UNIQUE INDEX IF NOT EXISTS hushpost_blobs_tag_id ON hushpost_blobs (tag, id);
CREATE INDEX IF NOT EXISTS hushpost_blobs_tag_seq ON hushpost_blobs (tag, seq);
CREATE INDEX IF NOT EXISTS hushpost_blobs_created ON hushpost_blobs (created);
CREATE TABLE IF NOT EXISTS hushpost_nonces (nonce bytea PRIMARY KEY, expires bigint NOT NULL);
CREATE TABLE IF NOT EXISTS hushpost_meta (key text PRIMARY KEY, value bytea NOT NULL);
";

/// A database error as one line without values from the data (no DETAIL, no parameters).
fn db(e: impl Into<DbFail>) -> StoreError {
    StoreError::Db(e.into().0)
}

/// The sanitised text of a database or pool failure.
pub struct DbFail(String);

impl From<tokio_postgres::Error> for DbFail {
    fn from(e: tokio_postgres::Error) -> DbFail {
        DbFail(match e.as_db_error() {
            Some(d) => format!("{} (SQLSTATE {})", d.message(), d.code().code()),
            None if e.is_closed() => "the connection to the database was closed".into(),
            None => "the database could not be reached or did not answer".into(),
        })
    }
}

impl From<deadpool_postgres::PoolError> for DbFail {
    fn from(e: deadpool_postgres::PoolError) -> DbFail {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            _ => DbFail("no database connection available".into()),
        }
    }
}

/// The lock key of a tag: its 32 bytes folded to 32 bits (collisions only make two tags wait
/// for each other; folding all of it keeps tags that share a prefix apart).
fn tag_lock(tag: &Tag) -> i32 {
    let k = tag.0.chunks_exact(4).fold(0u32, |k, c| {
        k ^ u32::from_be_bytes([c[0], c[1], c[2], c[3]])
    });
    (k as i32).max(SCHEMA_LOCK + 1)
}

/// The PostgreSQL store.
pub struct PgStore {
    pool: Pool,
    cfg: StoreConfig,
    clock: Arc<dyn Clock>,
    rt: tokio::runtime::Handle,
    pow_key: [u8; 32],
    blobs: AtomicU64,
    bytes: AtomicU64,
    size_checked: AtomicU64,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

/// One blob for [`PgStore::import`].
#[derive(Debug, Clone)]
pub struct Import {
    /// Its tag.
    pub tag: Tag,
    /// Its relay id (kept, so clients' ids stay valid).
    pub id: u64,
    /// Its flags.
    pub flags: u8,
    /// When it arrived (unix seconds; retention counts from here).
    pub time: u64,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// A planned chunk: its bytes, fetched with the plan.
pub type PgLoc = Bytes;

impl PgStore {
    /// Connects to `url` (`postgres://USER@HOST:PORT/DB`, libpq's URL form), creates the
    /// tables if they are missing and loads the shared proof-of-work key. Must run inside a
    /// multi-threaded tokio runtime, which then drives the store's connections.
    pub async fn open(
        url: &str,
        cfg: StoreConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<PgStore, StoreError> {
        let mut pg = tokio_postgres::Config::from_str(url).map_err(|_| {
            StoreError::Db("not a PostgreSQL URL (postgres://USER@HOST:PORT/DB)".into())
        })?;
        // Durability must not depend on the server's configuration.
        pg.options("-c synchronous_commit=on")
            .connect_timeout(std::time::Duration::from_secs(10))
            .application_name("hushpost-relay");
        let mgr = Manager::from_config(
            pg,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(mgr)
            .max_size(32)
            .build()
            .map_err(|_| StoreError::Db("cannot build the connection pool".into()))?;
        let mut c = pool.get().await.map_err(db)?;
        let t = c.transaction().await.map_err(db)?;
        t.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&LOCK_CLASS, &SCHEMA_LOCK],
        )
        .await
        .map_err(db)?;
        t.batch_execute(SCHEMA).await.map_err(db)?;
        let fresh: [u8; 32] = rand::random();
        t.execute(
            "INSERT INTO hushpost_meta (key, value) VALUES ('pow_key', $1) ON CONFLICT DO NOTHING",
            &[&&fresh[..]],
        )
        .await
        .map_err(db)?;
        let row = t
            .query_one("SELECT value FROM hushpost_meta WHERE key = 'pow_key'", &[])
            .await
            .map_err(db)?;
        t.commit().await.map_err(db)?;
        let key: Vec<u8> = row.get(0);
        let pow_key = key
            .try_into()
            .map_err(|_| StoreError::Db("the stored proof-of-work key is not 32 bytes".into()))?;
        drop(c);
        let store = PgStore {
            pool,
            cfg,
            clock,
            rt: tokio::runtime::Handle::current(),
            pow_key,
            blobs: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            size_checked: AtomicU64::new(0),
        };
        store.refresh_stats().await?;
        Ok(store)
    }

    fn cutoff(&self) -> i64 {
        self.clock.now().saturating_sub(self.cfg.retention_secs) as i64
    }

    /// The size the blob table takes on disk (cheap: no scan), for `--max-store-size`.
    async fn refresh_size(&self) -> Result<(), StoreError> {
        let c = self.pool.get().await.map_err(db)?;
        let row = c
            .query_one("SELECT pg_total_relation_size('hushpost_blobs')", &[])
            .await
            .map_err(db)?;
        self.bytes
            .store(row.get::<_, i64>(0) as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Blob count (a scan, so only at start and after sweeps) and size.
    async fn refresh_stats(&self) -> Result<(), StoreError> {
        let c = self.pool.get().await.map_err(db)?;
        let row = c
            .query_one(
                "SELECT count(*), pg_total_relation_size('hushpost_blobs') FROM hushpost_blobs \
                 WHERE created > $1",
                &[&self.cutoff()],
            )
            .await
            .map_err(db)?;
        self.blobs
            .store(row.get::<_, i64>(0) as u64, Ordering::Relaxed);
        self.bytes
            .store(row.get::<_, i64>(1) as u64, Ordering::Relaxed);
        self.size_checked.store(self.clock.now(), Ordering::Relaxed);
        Ok(())
    }

    /// Inserts blobs as `relay migrate` moves them, in one transaction: same ids, flags and
    /// arrival times, no quota (the source already held them). Returns how many were new
    /// (the others were there already).
    pub async fn import(&self, blobs: &[Import]) -> Result<u64, StoreError> {
        let mut c = self.pool.get().await.map_err(db)?;
        let t = c.transaction().await.map_err(db)?;
        let st = t
            .prepare(
                "INSERT INTO hushpost_blobs (tag, id, flags, created, len, data) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tag, id) DO NOTHING",
            )
            .await
            .map_err(db)?;
        let mut fresh = 0;
        for b in blobs {
            fresh += t
                .execute(
                    &st,
                    &[
                        &&b.tag.0[..],
                        &(b.id as i64),
                        &i16::from(b.flags),
                        &(b.time as i64),
                        &(b.data.len() as i32),
                        &b.data,
                    ],
                )
                .await
                .map_err(db)?;
        }
        t.commit().await.map_err(db)?;
        Ok(fresh)
    }

    async fn put_once(&self, tag: &Tag, blob: &[u8], flags: u8) -> Result<(), StoreError> {
        let mut c = self.pool.get().await.map_err(db)?;
        let t = c.transaction().await.map_err(db)?;
        t.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&LOCK_CLASS, &tag_lock(tag)],
        )
        .await
        .map_err(db)?;
        // A statement of its own, after the lock: its snapshot sees every put committed by
        // a node that held the lock before.
        let held = t
            .query_one(
                "SELECT count(*), coalesce(sum(len), 0)::bigint FROM hushpost_blobs \
                 WHERE tag = $1 AND created > $2",
                &[&&tag.0[..], &self.cutoff()],
            )
            .await
            .map_err(db)?;
        let (n, bytes): (i64, i64) = (held.get(0), held.get(1));
        super::admit(
            self.cfg.tag_quota,
            self.cfg.tag_max_bytes,
            (n as usize, bytes as u64),
            blob.len(),
        )?;
        let id: u64 = rand::random();
        t.execute(
            "INSERT INTO hushpost_blobs (tag, id, flags, created, len, data) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &&tag.0[..],
                &(id as i64),
                &i16::from(flags),
                &(self.clock.now() as i64),
                &(blob.len() as i32),
                &blob,
            ],
        )
        .await
        .map_err(db)?;
        t.commit().await.map_err(db)
    }

    async fn plan_async(
        &self,
        tags: &[Tag],
        from: Cursor,
        slots: usize,
    ) -> Result<Page<PgLoc>, StoreError> {
        let c = self.pool.get().await.map_err(db)?;
        let keys: Vec<&[u8]> = tags.iter().map(|t| &t.0[..]).collect();
        let rows = c
            .query(
                "SELECT tag, seq, id, flags, len FROM hushpost_blobs \
                 WHERE tag = ANY($1) AND created > $2 ORDER BY seq",
                &[&keys, &self.cutoff()],
            )
            .await
            .map_err(db)?;
        let mut by_tag: HashMap<Vec<u8>, Vec<(i64, Meta)>> = HashMap::new();
        for r in rows {
            let m = Meta {
                id: r.get::<_, i64>(2) as u64,
                flags: r.get::<_, i16>(3) as u8,
                len: r.get::<_, i32>(4) as u32,
            };
            by_tag.entry(r.get(0)).or_default().push((r.get(1), m));
        }
        let lists: Vec<&[(i64, Meta)]> = tags
            .iter()
            .map(|t| by_tag.get(&t.0[..]).map_or(&[][..], |v| &v[..]))
            .collect();
        let (plan, next) = super::plan_page(
            &lists,
            from,
            slots,
            |e| (e.1.len as usize == SMALL || e.1.len as usize == LARGE).then_some(e.1),
            |e, chunk| (e.0, i32::from(chunk) * SMALL as i32 + 1),
        );
        if plan.is_empty() {
            return Ok((Vec::new(), next));
        }
        let seqs: Vec<i64> = plan.iter().map(|p| p.loc.0).collect();
        let offs: Vec<i32> = plan.iter().map(|p| p.loc.1).collect();
        let rows = c
            .query(
                "SELECT u.i, substring(b.data FROM u.off FOR 16384) \
                 FROM unnest($1::int8[], $2::int4[]) WITH ORDINALITY AS u(seq, off, i) \
                 JOIN hushpost_blobs b ON b.seq = u.seq",
                &[&seqs, &offs],
            )
            .await
            .map_err(db)?;
        let mut data: HashMap<i64, Vec<u8>> =
            rows.into_iter().map(|r| (r.get(0), r.get(1))).collect();
        // A blob deleted between the two queries simply leaves its slots empty.
        let out = plan
            .into_iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let d = data.remove(&(i as i64 + 1)).filter(|d| d.len() == SMALL)?;
                Some(p.with_loc(Bytes::from(d)))
            })
            .collect();
        Ok((out, next))
    }

    async fn sweep_async(&self) -> Result<SweepStats, StoreError> {
        let mut c = self.pool.get().await.map_err(db)?;
        let t = c.transaction().await.map_err(db)?;
        let got: bool = t
            .query_one(
                "SELECT pg_try_advisory_xact_lock($1, $2)",
                &[&LOCK_CLASS, &SWEEP_LOCK],
            )
            .await
            .map_err(db)?
            .get(0);
        if !got {
            return Ok(SweepStats {
                skipped: true,
                ..SweepStats::default()
            });
        }
        let expired = t
            .execute(
                "DELETE FROM hushpost_blobs WHERE created <= $1",
                &[&self.cutoff()],
            )
            .await
            .map_err(db)?;
        t.execute(
            "DELETE FROM hushpost_nonces WHERE expires <= $1",
            &[&(self.clock.now() as i64)],
        )
        .await
        .map_err(db)?;
        t.commit().await.map_err(db)?;
        drop(c);
        self.refresh_stats().await?;
        Ok(SweepStats {
            expired,
            ..SweepStats::default()
        })
    }
}

impl BlobStore for PgStore {
    type Loc = PgLoc;

    async fn put(&self, tag: Tag, blob: Bytes, flags: u8) -> Result<(), StoreError> {
        if blob.len() != SMALL && blob.len() != LARGE {
            return Err(StoreError::BadSize(blob.len()));
        }
        let now = self.clock.now();
        if now >= self.size_checked.load(Ordering::Relaxed) + SIZE_REFRESH_SECS {
            self.size_checked.store(now, Ordering::Relaxed);
            self.refresh_size().await?;
        }
        if let Some(max) = self.cfg.max_bytes
            && self.bytes.load(Ordering::Relaxed) + blob.len() as u64 > max
        {
            return Err(StoreError::StorageFull);
        }
        match self.put_once(&tag, &blob, flags).await {
            // A random id that collided with one under the same tag: draw another.
            Err(StoreError::Db(m)) if m.contains("SQLSTATE 23505") => {
                self.put_once(&tag, &blob, flags).await
            }
            r => r,
        }
    }

    async fn plan(
        &self,
        tags: &[Tag],
        from: Cursor,
        slots: usize,
    ) -> Result<Page<PgLoc>, StoreError> {
        self.plan_async(tags, from, slots).await
    }

    fn read(&self, loc: &PgLoc, out: &mut [u8]) -> Result<(), StoreError> {
        out.copy_from_slice(&loc[..out.len()]);
        Ok(())
    }

    async fn delete(&self, items: Vec<(Tag, u64)>) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        let tags: Vec<&[u8]> = items.iter().map(|(t, _)| &t.0[..]).collect();
        let ids: Vec<i64> = items.iter().map(|(_, id)| *id as i64).collect();
        let c = self.pool.get().await.map_err(db)?;
        c.execute(
            "DELETE FROM hushpost_blobs b USING unnest($1::bytea[], $2::int8[]) AS d(tag, id) \
             WHERE b.tag = d.tag AND b.id = d.id",
            &[&tags, &ids],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn spend_nonce(&self, nonce: [u8; 16], expires: u64) -> Result<bool, StoreError> {
        let c = self.pool.get().await.map_err(db)?;
        let n = c
            .execute(
                "INSERT INTO hushpost_nonces (nonce, expires) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
                &[&&nonce[..], &(expires as i64)],
            )
            .await
            .map_err(db)?;
        Ok(n == 1)
    }

    fn pow_key(&self) -> [u8; 32] {
        self.pow_key
    }

    fn sweep(&self) -> Result<SweepStats, StoreError> {
        self.rt.block_on(self.sweep_async())
    }

    fn stats(&self) -> StoreStats {
        StoreStats {
            blobs: self.blobs.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }

    fn shutdown(&self) {
        self.pool.close();
    }
}
