//! Fetching without the passphrase: present the capabilities precomputed at unlock (padded
//! with decoys on a cover route), keep what arrives sealed in the spool for the next unlock,
//! recognise our own chaff coming back, and delete only what is durable.

use super::keys::{CapEntry, CapOwner};
use super::{Tick, decoys, spool_dir};
use crate::error::{Error, Result};
use crate::fetch::FetchReport;
use hushpost_core::{FetchCap, Route};
use hushpost_transports::{DeadDrop, Fetched, Flow, Transport};
use rand::RngCore;

pub(super) fn fetch(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    is_own: bool,
    cover: bool,
) -> Result<(FetchReport, usize)> {
    let label = dest.label();
    let today = tick.today();
    let wanted = |c: &&CapEntry| {
        (c.day + 1 >= today.0 && c.day <= today.0 + 1) && (is_own || c.owner == CapOwner::Loop)
    };
    let mut caps: Vec<FetchCap> = Vec::new();
    let mut owners: Vec<Option<CapOwner>> = Vec::new();
    for c in tick.keys.caps.iter().filter(wanted) {
        if let Some(cap) = FetchCap::from_hex(&c.cap) {
            caps.push(cap);
            owners.push(Some(c.owner.clone()));
        }
    }
    let pad = if cover {
        tick.config.cover.fetch_tags.saturating_sub(caps.len())
    } else {
        0
    };
    for d in decoys(pad, &mut *tick.rng) {
        caps.push(d);
        owners.push(None);
    }
    tick.record(&label, "fetch", 32 * caps.len());
    let mut report = FetchReport::default();
    let mut done: Vec<(usize, String)> = Vec::new();
    let mut spooled = 0;
    let dir = spool_dir(tick.home);
    let mut failure: Option<Error> = None;
    let r = t.fetch(&caps, &mut |f: Fetched| {
        match owners.get(f.cap).cloned().flatten() {
            Some(CapOwner::Loop) => {
                report
                    .loops_back
                    .push(hushpost_core::pow::blob_hash(&f.blob));
                done.push((f.cap, f.id));
            }
            Some(owner) => {
                if let Err(e) = spool(&dir, &owner, &f.blob) {
                    failure = Some(Error::Io(e, dir.clone()));
                    return Flow::Stop;
                }
                spooled += 1;
                done.push((f.cap, f.id));
            }
            None => {}
        }
        Flow::Continue
    });
    // Delete only what is durable in the spool (or was our own chaff).
    if !done.is_empty()
        && let Err(e) = t.delete(&caps, &done)
    {
        report.route_errors.push((
            label.clone(),
            format!("could not delete fetched blobs: {e}"),
        ));
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if let Err(e) = r {
        report.route_errors.push((label, e.to_string()));
    }
    Ok((report, spooled))
}

fn spool(dir: &std::path::Path, owner: &CapOwner, blob: &[u8]) -> std::io::Result<()> {
    hushpost_durable::create_private_dir(dir)?;
    let mut bytes = serde_json::to_vec(owner).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    bytes.extend_from_slice(blob);
    let mut r = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut r);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    hushpost_durable::write_new(
        &dir.join(format!("{nanos:024}-{}.blob", hex::encode(r))),
        &bytes,
    )
}
