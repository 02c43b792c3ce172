//! `hushpost relay migrate`: copies a segment store's unexpired blobs into PostgreSQL with
//! their ids, flags and arrival times, in batches of one transaction each.
//!
//! Idempotent and resumable: a blob already in the database (same tag and id) is skipped,
//! so running it again after an interruption finishes the job and changes nothing else. The
//! segment store is left as it was (opened, so recovered and swept, as a start would).
//! Must not: run beside a relay serving the same directory (the store's lock refuses), or
//! log a tag.

use crate::RelayError;
use crate::store::log::{LogStore, StoreConfig};
use crate::store::pg::PgStore;
use crate::store::{BlobStore, StoreError};
use hushpost_wire::time::{Clock, SystemClock};
use std::path::Path;
use std::sync::Arc;

/// Blobs per transaction.
const BATCH: usize = 128;

/// What a migration did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Migrated {
    /// Blobs copied now.
    pub copied: u64,
    /// Bytes copied now.
    pub bytes: u64,
    /// Blobs that were in the database already (an earlier, interrupted run).
    pub present: u64,
}

/// Copies the blobs of the segment store under `data` (the relay's `--data` directory) into
/// the PostgreSQL store at `url`. `progress` is called after every batch.
pub fn migrate(
    data: &Path,
    url: &str,
    cfg: StoreConfig,
    mut progress: impl FnMut(&Migrated),
) -> Result<Migrated, RelayError> {
    let blobs = data.join("blobs");
    if !blobs.is_dir() {
        return Err(RelayError::Config(format!(
            "{} holds no relay data (no blobs/ directory)",
            data.display()
        )));
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let src = LogStore::open(&blobs, cfg.clone(), clock.clone())
        .map_err(|e| RelayError::Io(e, blobs.display().to_string()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| RelayError::Io(e, "runtime".into()))?;
    let dst = rt
        .block_on(PgStore::open(url, cfg, clock))
        .map_err(|e| RelayError::Config(format!("PostgreSQL store: {e}")))?;
    let mut done = Migrated::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut flush = |batch: &mut Vec<_>, done: &mut Migrated| -> Result<(), StoreError> {
        let bytes: u64 = batch
            .iter()
            .map(|b: &crate::store::pg::Import| b.data.len() as u64)
            .sum();
        let fresh = rt.block_on(dst.import(batch))?;
        done.copied += fresh;
        done.present += batch.len() as u64 - fresh;
        done.bytes += bytes;
        batch.clear();
        progress(done);
        Ok(())
    };
    src.export(|b| {
        batch.push(crate::store::pg::Import {
            tag: b.tag,
            id: b.id,
            flags: b.flags,
            time: b.time,
            data: b.data.to_vec(),
        });
        if batch.len() == BATCH {
            flush(&mut batch, &mut done)?;
        }
        Ok(())
    })
    .map_err(|e| RelayError::Config(format!("migration stopped: {e}")))?;
    if !batch.is_empty() {
        flush(&mut batch, &mut done)
            .map_err(|e| RelayError::Config(format!("migration stopped: {e}")))?;
    }
    src.shutdown();
    dst.shutdown();
    Ok(done)
}
