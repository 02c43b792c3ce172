//! The send slots of one destination in one tick: on a cover route exactly `send_small`
//! small and `send_large` large blobs, queued mail first and chaff for the rest; elsewhere
//! simply everything queued.

use super::Tick;
use super::state::LoopInFlight;
use hushpost_core::Route;
use hushpost_core::envelope::{Bucket, LARGE, SMALL};
use hushpost_transports::{DeadDrop, PutOptions, Transport};

pub(super) fn send(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    cover: bool,
) -> Result<(), String> {
    let label = dest.label();
    let queue = tick.outbox.queued(dest).map_err(|e| e.to_string())?;
    let mut small = queue.iter().filter(|q| q.size == SMALL);
    let mut large = queue.iter().filter(|q| q.size == LARGE);
    // The slots of this tick: fixed by the cover settings, or simply the whole queue.
    let slots: Vec<usize> = if cover {
        std::iter::repeat_n(SMALL, tick.config.cover.send_small)
            .chain(std::iter::repeat_n(LARGE, tick.config.cover.send_large))
            .collect()
    } else {
        queue.iter().map(|q| q.size).collect()
    };
    let mut queue_iter = queue.iter();
    for size in slots {
        let real = match (cover, size) {
            (true, SMALL) => small.next(),
            (true, _) => large.next(),
            (false, _) => queue_iter.next(),
        };
        match real {
            Some(q) => {
                let blob = tick.outbox.blob(q).map_err(|e| e.to_string())?;
                tick.record(&label, "put", blob.len());
                t.put(&q.tag, &blob, PutOptions { intro: q.intro })
                    .map_err(|e| e.to_string())?;
                tick.outbox.remove(q).map_err(|e| e.to_string())?;
                tick.report.sent += 1;
            }
            None => put_chaff(tick, t, dest, size)?,
        }
    }
    Ok(())
}

fn put_chaff(
    tick: &mut Tick<'_>,
    t: &mut Transport,
    dest: &Route,
    size: usize,
) -> Result<(), String> {
    let Some(tag) = tick.loop_tag else {
        return Err("no loop tag for today: unlock once so poll can precompute it".into());
    };
    let bucket = if size == SMALL {
        Bucket::Small
    } else {
        Bucket::Large
    };
    let blob = super::chaff(bucket, &mut *tick.rng);
    tick.record(&dest.label(), "put", blob.len());
    t.put(&tag, &blob, PutOptions::default())
        .map_err(|e| e.to_string())?;
    tick.state.loops.push(LoopInFlight {
        route: dest.to_string(),
        hash: hex::encode(hushpost_core::pow::blob_hash(&blob)),
        tick: tick.state.tick,
    });
    tick.report.chaff += 1;
    Ok(())
}
