//! The conformance suite against the segment store, plus what only a segment store has:
//! corruption in the middle of a segment, compaction keeping disk use proportional to the
//! live blobs, and the data directory's lock.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod conformance;
use conformance::*;
use hushpost_relay::store::log::{HEADER, LogStore, StoreConfig};
use hushpost_relay::store::{BlobStore, SMALL};
use std::path::PathBuf;
use std::sync::Arc;

struct LogBed {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl LogBed {
    fn new() -> LogBed {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("blobs");
        LogBed { _dir: dir, path }
    }

    fn segments(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.path)
            .expect("ls")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        v.sort();
        v
    }
}

impl Bed for LogBed {
    type S = LogStore;
    fn open(&mut self, cfg: StoreConfig, clock: Arc<ManualClock>) -> LogStore {
        LogStore::open(&self.path, cfg, clock).expect("the store opens")
    }
    fn disk_bytes(&self) -> Option<u64> {
        Some(
            self.segments()
                .iter()
                .map(|p| std::fs::metadata(p).expect("meta").len())
                .sum(),
        )
    }
}

#[test]
fn the_segment_store_matches_the_model_over_random_runs() {
    for seed in seeds(4) {
        model_run(&mut LogBed::new(), seed, ops(500));
    }
}

#[test]
fn quota_and_nonces_hold_under_concurrency() {
    let rt = runtime();
    let mut bed = LogBed::new();
    let cfg = StoreConfig {
        tag_quota: 20,
        min_free_bytes: 0,
        ..StoreConfig::default()
    };
    let s = Arc::new(rt.block_on(async { bed.open(cfg, Arc::new(ManualClock::new(1_000))) }));
    quota_holds_under_concurrent_puts(&rt, std::slice::from_ref(&s), 20);
    large_blobs_leave_room_for_small_ones(&rt, std::slice::from_ref(&s), 20);
    nonces_are_single_use(&rt, std::slice::from_ref(&s));
}

fn one_lane() -> StoreConfig {
    StoreConfig {
        lanes: 1,
        min_free_bytes: 0,
        ..StoreConfig::default()
    }
}

#[test]
fn corruption_in_the_middle_of_a_segment_skips_the_bad_record_and_keeps_the_rest() {
    let rt = runtime();
    let mut bed = LogBed::new();
    let clock = Arc::new(ManualClock::new(1_000));
    let t = tag(0);
    {
        let s = rt.block_on(async { bed.open(one_lane(), clock.clone()) });
        for n in 0..10 {
            rt.block_on(s.put(t, content(n, SMALL).into(), 0))
                .expect("put");
        }
    }
    let segs = bed.segments();
    assert_eq!(segs.len(), 1);
    let mut bytes = std::fs::read(&segs[0]).expect("read");
    let rec = HEADER + SMALL;
    bytes[3 * rec + HEADER + 100] ^= 0x40; // blob 3: its data no longer matches its CRC
    bytes[6 * rec] = b'X'; // blob 6: its magic is gone
    bytes[7 * rec + 8..7 * rec + 12].copy_from_slice(&7u32.to_le_bytes()); // 7: bad length
    std::fs::write(&segs[0], &bytes).expect("write");

    let s = rt.block_on(async { bed.open(one_lane(), clock.clone()) });
    let got: Vec<u64> = fetch_all(&rt, &s, &[t], 16)
        .iter()
        .map(|(_, _, d)| u64::from_le_bytes(d[..8].try_into().expect("8")))
        .collect();
    assert_eq!(
        got,
        vec![0, 1, 2, 4, 5, 8, 9],
        "only the damaged records are lost"
    );
    assert_eq!(
        std::fs::metadata(&segs[0]).expect("meta").len(),
        bytes.len() as u64,
        "nothing after the damage was cut"
    );
    drop(s);

    // A torn tail (half a record, as a crash mid-write leaves) is still cut, and the
    // records before it kept.
    let mut torn = std::fs::read(&segs[0]).expect("read");
    let keep = torn.len();
    torn.extend_from_slice(&bytes[..HEADER + 300]);
    std::fs::write(&segs[0], &torn).expect("write");
    let s = rt.block_on(async { bed.open(one_lane(), clock.clone()) });
    assert_eq!(fetch_all(&rt, &s, &[t], 16).len(), 7);
    let len = std::fs::metadata(&segs[0]).map(|m| m.len()).unwrap_or(0);
    assert!(
        len == keep as u64 || len == 0,
        "the torn tail is cut (or the segment compacted)"
    );
}

#[test]
fn compaction_keeps_disk_use_proportional_to_live_blobs() {
    let rt = runtime();
    let mut bed = LogBed::new();
    let clock = Arc::new(ManualClock::new(1_000));
    let cfg = StoreConfig {
        segment_bytes: 8 * (HEADER + SMALL) as u64,
        lanes: 2,
        min_free_bytes: 0,
        ..StoreConfig::default()
    };
    let s = rt.block_on(async { bed.open(cfg.clone(), clock.clone()) });
    let tags: Vec<_> = (0..40).map(tag).collect();
    for round in 0..5u64 {
        for (i, t) in tags.iter().enumerate() {
            let n = round * 1000 + i as u64;
            rt.block_on(s.put(*t, content(n, SMALL).into(), 0))
                .expect("put");
        }
    }
    // Read and delete four in five, scattered over every segment.
    let all = fetch_all(&rt, &s, &tags, 64);
    assert_eq!(all.len(), 200);
    let del: Vec<_> = all
        .iter()
        .filter(|(_, _, d)| {
            let n = u64::from_le_bytes(d[..8].try_into().expect("8"));
            (n / 1000 + n % 1000) % 5 != 0
        })
        .map(|(c, id, _)| (tags[usize::from(*c)], *id))
        .collect();
    rt.block_on(s.delete(del)).expect("delete");
    let before = bed.disk_bytes().expect("bytes");
    let st = s.sweep().expect("sweep");
    let after = bed.disk_bytes().expect("bytes");
    let live = 40 * (HEADER + SMALL) as u64;
    let slack = cfg.lanes as u64 * cfg.segment_bytes;
    assert!(st.segments_compacted > 0, "{st:?}");
    assert!(
        after <= 2 * live + slack,
        "{after} bytes on disk for {live} live (was {before})"
    );
    assert!(after < before / 2, "{before} -> {after}");
    assert_eq!(fetch_all(&rt, &s, &tags, 64).len(), 40);

    // Everything read: only the lanes' current segments are left.
    let rest: Vec<_> = fetch_all(&rt, &s, &tags, 64)
        .iter()
        .map(|(c, id, _)| (tags[usize::from(*c)], *id))
        .collect();
    rt.block_on(s.delete(rest)).expect("delete");
    s.sweep().expect("sweep");
    let end = bed.disk_bytes().expect("bytes");
    assert!(end <= slack, "{end} bytes with nothing alive");
}

#[test]
fn a_second_process_cannot_open_the_same_directory() {
    let mut bed = LogBed::new();
    let clock = Arc::new(ManualClock::new(1_000));
    let _s = bed.open(one_lane(), clock.clone());
    let err = LogStore::open(&bed.path, one_lane(), clock).expect_err("locked");
    assert!(err.to_string().contains("another relay process"), "{err}");
}
