//! Unit tests of the segment store: torn tails, deletes, compaction, restarts.

use super::*;
use hushpost_wire::time::FixedClock;
use std::fs::OpenOptions;

/// The segment store plans without waiting: its future is ready at the first poll.
fn ready<F: std::future::Future>(f: F) -> F::Output {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(f).poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the segment store's plan waited"),
    }
}

fn cfg() -> StoreConfig {
    StoreConfig {
        min_free_bytes: 0,
        lanes: 2,
        ..StoreConfig::default()
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

fn blob(fill: u8) -> Bytes {
    Bytes::from(vec![fill; SMALL])
}

fn read_all(st: &LogStore, tag: Tag) -> Vec<Vec<u8>> {
    let (plan, _) = ready(st.plan(&[tag], Cursor::default(), 1000)).expect("plan");
    plan.iter()
        .map(|p| {
            let mut b = vec![0u8; SMALL];
            st.read(&p.loc, &mut b).expect("read");
            b
        })
        .collect()
}

#[test]
fn torn_tail_is_cut_and_everything_before_it_survives() {
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(FixedClock(1_000_000));
    let tag = Tag([7; 32]);
    {
        let st = LogStore::open(t.path(), cfg(), clock.clone()).expect("open");
        rt().block_on(async {
            for i in 0..5 {
                st.put(tag, blob(i), 0).await.expect("put");
            }
        });
    }
    // Append half a record to the newest segment, as a crash mid-write would.
    let mut segs: Vec<_> = fs::read_dir(t.path())
        .expect("ls")
        .map(|e| e.expect("e").path())
        .collect();
    segs.sort();
    let last = segs.last().expect("a segment");
    let f = OpenOptions::new().append(true).open(last).expect("open");
    let mut junk = Vec::new();
    let head = segment::RecordHead {
        tag,
        len: SMALL as u32,
        seq: 99,
        id: 99,
        time: 1_000_000,
        flags: 0,
    };
    segment::encode_record(&mut junk, &head, &[9u8; SMALL]);
    junk.truncate(HEADER + 100);
    f.write_all_at(&junk, f.metadata().expect("meta").len())
        .expect("write");
    let st = LogStore::open(t.path(), cfg(), clock).expect("reopen");
    let got = read_all(&st, tag);
    assert_eq!(got.len(), 5);
    for (i, b) in got.iter().enumerate() {
        assert_eq!(b[0], i as u8);
    }
}

#[test]
fn deleted_blobs_stay_deleted_and_are_scrubbed() {
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(FixedClock(1_000_000));
    let tag = Tag([8; 32]);
    {
        let st = LogStore::open(t.path(), cfg(), clock.clone()).expect("open");
        rt().block_on(async {
            st.put(tag, blob(0xAB), 0).await.expect("put");
            st.put(tag, blob(0xCD), 0).await.expect("put");
            let (plan, _) = ready(st.plan(&[tag], Cursor::default(), 10)).expect("plan");
            st.delete(vec![(tag, plan[0].id)]).await.expect("delete");
        });
    }
    let st = LogStore::open(t.path(), cfg(), clock).expect("reopen");
    let got = read_all(&st, tag);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0][0], 0xCD);
    let mut on_disk = Vec::new();
    for e in fs::read_dir(t.path()).expect("ls") {
        on_disk.extend(fs::read(e.expect("e").path()).expect("read"));
    }
    assert!(
        !on_disk.windows(64).any(|w| w.iter().all(|b| *b == 0xAB)),
        "deleted ciphertext is still on disk"
    );
}

#[test]
fn sparse_segments_are_compacted_and_survive_a_restart() {
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(FixedClock(1_000_000));
    let small = StoreConfig {
        segment_bytes: 4 * (HEADER + SMALL) as u64,
        lanes: 1,
        ..cfg()
    };
    let tag = Tag([10; 32]);
    {
        let st = LogStore::open(t.path(), small.clone(), clock.clone()).expect("open");
        rt().block_on(async {
            for i in 0..8 {
                st.put(tag, blob(0x30 + i), 0).await.expect("put");
            }
            let (plan, _) = ready(st.plan(&[tag], Cursor::default(), 10)).expect("plan");
            // Three of the first segment's four blobs are read and deleted.
            let ids = [0, 2, 3].iter().map(|&i| (tag, plan[i].id)).collect();
            st.delete(ids).await.expect("delete");
        });
        let s = st.sweep().expect("sweep");
        assert_eq!(s.segments_compacted, 1);
        assert_eq!(s.segments_removed, 1);
        let got: Vec<u8> = read_all(&st, tag).iter().map(|b| b[0]).collect();
        assert_eq!(got, vec![0x31, 0x34, 0x35, 0x36, 0x37]);
    }
    let st = LogStore::open(t.path(), small, clock).expect("reopen");
    let got: Vec<u8> = read_all(&st, tag).iter().map(|b| b[0]).collect();
    assert_eq!(
        got,
        vec![0x31, 0x34, 0x35, 0x36, 0x37],
        "one live copy each"
    );
    let n_segs = fs::read_dir(t.path())
        .expect("ls")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "log"))
        })
        .count();
    assert_eq!(n_segs, 2);
}

#[test]
fn fully_dead_segments_are_removed() {
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(FixedClock(1_000_000));
    let small = StoreConfig {
        segment_bytes: 3 * (HEADER + SMALL) as u64,
        lanes: 1,
        ..cfg()
    };
    let st = LogStore::open(t.path(), small, clock).expect("open");
    let tag = Tag([9; 32]);
    rt().block_on(async {
        for i in 0..7 {
            st.put(tag, blob(i), 0).await.expect("put");
        }
        let (plan, _) = ready(st.plan(&[tag], Cursor::default(), 10)).expect("plan");
        let ids = plan.iter().take(6).map(|p| (tag, p.id)).collect();
        st.delete(ids).await.expect("delete");
    });
    let before = fs::read_dir(t.path()).expect("ls").count();
    let s = st.sweep().expect("sweep");
    assert_eq!(s.segments_removed, 2);
    assert_eq!(fs::read_dir(t.path()).expect("ls").count(), before - 2);
    assert_eq!(read_all(&st, tag).len(), 1);
}

/// Regression: 40 puts, 36 deletes, then a reopen from inside an async runtime (as
/// `relay serve` does) compacts the sparse segment instead of panicking.
#[test]
fn reopening_inside_a_runtime_compacts_a_sparse_segment() {
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(FixedClock(1_000_000));
    let tag = Tag([11; 32]);
    rt().block_on(async {
        let st = LogStore::open(t.path(), cfg(), clock.clone()).expect("open");
        for i in 0..40 {
            st.put(tag, blob(i), 0).await.expect("put");
        }
        let (plan, _) = ready(st.plan(&[tag], Cursor::default(), 100)).expect("plan");
        let ids = plan.iter().take(36).map(|p| (tag, p.id)).collect();
        st.delete(ids).await.expect("delete");
    });
    let got = rt().block_on(async {
        let st = LogStore::open(t.path(), cfg(), clock.clone()).expect("reopen in a runtime");
        read_all(&st, tag).iter().map(|b| b[0]).collect::<Vec<u8>>()
    });
    assert_eq!(got, vec![36, 37, 38, 39]);
}

/// A relay refusing puts for space reclaims what was fetched and deleted, while it runs:
/// the open segment of a lane (which only fills up on a busy relay) is sealed and removed
/// by the next sweep. Before, its dead blobs held the space until a restart.
#[test]
fn under_pressure_the_open_segment_is_reclaimed_without_a_restart() {
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(FixedClock(1_000_000));
    let capped = StoreConfig {
        max_bytes: Some(20 * (HEADER + SMALL) as u64),
        lanes: 1,
        ..cfg()
    };
    let st = LogStore::open(t.path(), capped, clock).expect("open");
    let tag = Tag([12; 32]);
    rt().block_on(async {
        for i in 0..20 {
            st.put(tag, blob(i), 0).await.expect("put");
        }
        assert!(
            matches!(st.put(tag, blob(20), 0).await, Err(StoreError::StorageFull)),
            "the cap is reached"
        );
        let (plan, _) = ready(st.plan(&[tag], Cursor::default(), 100)).expect("plan");
        let ids = plan.iter().map(|p| (tag, p.id)).collect();
        st.delete(ids).await.expect("delete");
    });
    let s = st.sweep().expect("sweep");
    assert_eq!(s.segments_removed, 1, "{s:?}");
    rt().block_on(async {
        st.put(tag, blob(21), 0).await.expect("room again");
    });
    assert_eq!(read_all(&st, tag).len(), 1);
}

/// A delete gives the disk space back at once (the blob's bytes are punched out of its
/// segment), not when the segment is compacted or removed: a relay on a small disk that
/// refused puts after one large message took new mail again only after a restart.
#[test]
fn deleted_blobs_give_their_disk_space_back_at_once() {
    use std::os::unix::fs::MetadataExt;
    let t = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(FixedClock(1_000_000));
    let one = StoreConfig { lanes: 1, ..cfg() };
    let st = LogStore::open(t.path(), one, clock).expect("open");
    let tag = Tag([13; 32]);
    let blocks = || -> u64 {
        fs::read_dir(t.path())
            .expect("ls")
            .map(|e| e.expect("e").metadata().expect("meta").blocks())
            .sum()
    };
    rt().block_on(async {
        for i in 0..40 {
            st.put(tag, blob(i), 0).await.expect("put");
        }
    });
    let full = blocks();
    rt().block_on(async {
        let (plan, _) = ready(st.plan(&[tag], Cursor::default(), 100)).expect("plan");
        st.delete(plan.iter().map(|p| (tag, p.id)).collect())
            .await
            .expect("delete");
        // The lane frees the bytes right after it answers the delete.
        st.barrier().await.expect("barrier");
    });
    let after = blocks();
    // 40 × 16 KiB is 1,280 blocks of 512 bytes; the record heads and the partial 4 KiB
    // pages at both ends of each blob's bytes stay (about a quarter for small blobs, a
    // thirtieth for large ones).
    assert!(
        after * 3 < full,
        "{full} blocks before, {after} after the delete"
    );
}
