//! The conformance suite every transport must pass (run from each transport's tests
//! against the real server): blobs come back intact and only under their own tag, a
//! capability deletes only its own tag's blobs, delete is idempotent, and fetching an
//! empty tag is not an error.
//!
//! Test-support code; it panics with a message naming the broken rule.

use crate::{DeadDrop, Flow};
use hushpost_core::FetchCap;
use std::collections::BTreeMap;

fn cap(seed: u8) -> FetchCap {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b[0] = seed;
    FetchCap(b)
}

fn blob(fill: u8, len: usize) -> Vec<u8> {
    let mut v = vec![fill; len];
    // Make every blob distinct even with the same fill.
    use rand::RngCore;
    rand::rngs::OsRng.fill_bytes(&mut v[..16]);
    v
}

fn fetch_all(d: &mut dyn DeadDrop, caps: &[FetchCap]) -> BTreeMap<usize, Vec<(String, Vec<u8>)>> {
    let mut got: BTreeMap<usize, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    d.fetch(caps, &mut |f| {
        got.entry(f.cap).or_default().push((f.id, f.blob));
        Flow::Continue
    })
    .expect("conformance: fetch failed");
    got
}

/// Runs the suite. `sizes` are the blob sizes this drop accepts (relays only take the two
/// bucket sizes).
pub fn run(d: &mut dyn DeadDrop, sizes: &[usize]) {
    let (a, b, empty) = (cap(1), cap(2), cap(3));
    let caps = [a.clone(), b.clone(), empty.clone()];

    // put → fetch returns exactly what was put, under the right capability
    let mut put_a = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        let x = blob(i as u8, *size);
        d.put(&a.tag(), &x, Default::default())
            .expect("conformance: put failed");
        put_a.push(x);
    }
    let y = blob(0xEE, sizes[0]);
    d.put(&b.tag(), &y, Default::default())
        .expect("conformance: put failed");

    let got = fetch_all(d, &caps);
    let mut got_a: Vec<Vec<u8>> = got
        .get(&0)
        .map(|v| v.iter().map(|(_, b)| b.clone()).collect())
        .unwrap_or_default();
    got_a.sort();
    put_a.sort();
    assert_eq!(
        got_a, put_a,
        "conformance: blobs under tag A came back changed or incomplete"
    );
    assert_eq!(
        got.get(&1).map(|v| v.len()),
        Some(1),
        "conformance: tag B must hold exactly one blob"
    );
    assert_eq!(got[&1][0].1, y, "conformance: tag B's blob changed");
    assert!(
        !got.contains_key(&2),
        "conformance: an empty tag returned blobs"
    );

    // a capability deletes only its own tag's blobs, even when handed another tag's id
    let b_id = got[&1][0].0.clone();
    d.delete(&caps, &[(0, b_id.clone())])
        .expect("conformance: delete with the wrong capability must not error");
    let again = fetch_all(d, &caps);
    assert_eq!(
        again.get(&1).map(|v| v.len()),
        Some(1),
        "conformance: capability A deleted a blob of tag B"
    );

    // delete removes exactly the named blobs and is idempotent
    let a_ids: Vec<(usize, String)> = again[&0].iter().map(|(id, _)| (0, id.clone())).collect();
    d.delete(&caps, &a_ids).expect("conformance: delete failed");
    d.delete(&caps, &a_ids)
        .expect("conformance: a second delete of the same blobs must succeed");
    let after = fetch_all(d, &caps);
    assert!(
        !after.contains_key(&0),
        "conformance: deleted blobs came back"
    );
    assert_eq!(
        after.get(&1).map(|v| v.len()),
        Some(1),
        "conformance: deleting A's blobs touched B"
    );
    d.delete(&caps, &[(1, b_id)])
        .expect("conformance: delete failed");
    assert!(
        fetch_all(d, &caps).is_empty(),
        "conformance: drop not empty at the end"
    );

    // the sink can stop a fetch early
    for i in 0..3 {
        d.put(&a.tag(), &blob(i, sizes[0]), Default::default())
            .expect("conformance: put failed");
    }
    let mut seen = 0;
    d.fetch(&caps, &mut |_| {
        seen += 1;
        Flow::Stop
    })
    .expect("conformance: fetch failed");
    assert_eq!(seen, 1, "conformance: fetch ignored Flow::Stop");
    let rest: Vec<(usize, String)> = fetch_all(d, &caps)[&0]
        .iter()
        .map(|(id, _)| (0, id.clone()))
        .collect();
    d.delete(&caps, &rest).expect("conformance: delete failed");
}
