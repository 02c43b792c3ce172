//! Unit tests of the slot files' pure parts: slot states, ids, which slots a tick reads.
use super::*;

#[test]
fn slots_are_told_apart_by_their_first_and_last_bytes() {
    let mut b = vec![0u8; SLOT];
    assert_eq!(classify(&b), Slot::Empty);
    b[..MAGIC.len()].copy_from_slice(MAGIC);
    assert_eq!(classify(&b), Slot::Writing, "the end is not there yet");
    b[SLOT - 1] = 7;
    assert_eq!(classify(&b), Slot::Blob);
    b[..WIPE].fill(0);
    assert_eq!(classify(&b), Slot::Cleared);
    let mut junk = vec![0u8; SLOT];
    junk[0] = b'x';
    assert_eq!(
        classify(&junk),
        Slot::Blob,
        "junk is taken, so it is cleared"
    );
}

#[test]
fn slot_ids_parse_strictly() {
    let t = Tag([7; 32]);
    assert_eq!(parse_slot_id(&slot_id(&t, 3)), Some((t, 3)));
    for bad in [
        "x.slots#1",
        &slot_id(&t, 0),
        &format!("{}.slots#{}", t.hex(), SENDER_SLOTS + 1),
    ] {
        assert_eq!(parse_slot_id(bad), None, "{bad}");
    }
    assert_eq!(super::super::parse_name(&slot_id(&t, 3)), None);
    assert_eq!(super::super::parse_name(&file_name(&t)), None);
}

#[test]
fn the_loop_is_read_back_where_its_counter_says_and_never_meets_the_sender() {
    let t = Tag([3; 32]);
    let mut s = Slots::default();
    s.files.insert(t.hex(), SlotFile::default());
    let mut loops = BTreeMap::new();
    assert!(
        SshDrop::choose(&[t], &mut s, &loops, 1)[0].1 < LOOP_FROM,
        "nothing of the loop is out: the sweep"
    );
    // Two loop blobs out (the top two written; the counter points below them).
    let top = SENDER_SLOTS;
    loops.insert(counter_key(&t, Lane::Loop), (top - 2, 0));
    assert_eq!(SshDrop::choose(&[t], &mut s, &loops, 1), vec![(t, top)]);
    s.files.get_mut(&t.hex()).expect("file").top = top;
    assert_eq!(SshDrop::choose(&[t], &mut s, &loops, 1), vec![(t, top - 1)]);
    s.files.get_mut(&t.hex()).expect("file").top = top - 1;
    assert!(SshDrop::choose(&[t], &mut s, &loops, 1)[0].1 < LOOP_FROM);
    // The lanes end where the other begins.
    assert_eq!(Lane::Sender.after(LOOP_FROM - 1), None);
    assert_eq!(Lane::Loop.after(LOOP_FROM), None);
    assert_eq!(Lane::Loop.after(Lane::Loop.first()), Some(SENDER_SLOTS - 1));
}

#[test]
fn the_sweep_covers_every_taken_slot_and_hot_files_come_first() {
    let (a, b) = (Tag([1; 32]), Tag([2; 32]));
    let mut s = Slots::default();
    s.files.insert(
        a.hex(),
        SlotFile {
            low: 2,
            ..SlotFile::default()
        },
    );
    s.files.insert(
        b.hex(),
        SlotFile {
            low: 0,
            hot: true,
            ..SlotFile::default()
        },
    );
    let first = SshDrop::choose(&[a, b], &mut s, &BTreeMap::new(), 2);
    assert_eq!(first[0], (b, 1), "the hot file's next slot first");
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..8 {
        for p in SshDrop::choose(&[b, a], &mut s, &BTreeMap::new(), 2)
            .into_iter()
            .skip(1)
        {
            seen.insert(p);
        }
    }
    for want in [(a, 1), (a, 2), (a, 3), (b, 1)] {
        assert!(seen.contains(&want), "{want:?} in {seen:?}");
    }
}

#[test]
fn a_file_a_sender_wrote_is_read_before_files_our_own_writes_moved() {
    // `scratch` is the lowest tag: its padding writes explain its change.
    let (scratch, loop_file, senders) = (Tag([1; 32]), Tag([2; 32]), Tag([3; 32]));
    let mut s = Slots::default();
    let moved = SlotFile {
        hot: true,
        changed: true,
        ..SlotFile::default()
    };
    for t in [scratch, loop_file, senders] {
        s.files.insert(t.hex(), moved.clone());
    }
    // Our loop put into `loop_file` since the last look (its counter moved): also ours.
    let mut loops = BTreeMap::new();
    loops.insert(counter_key(&loop_file, Lane::Loop), (SENDER_SLOTS, 0));
    let chosen = SshDrop::choose(&[scratch, loop_file, senders], &mut s, &loops, 2);
    assert_eq!(chosen[0], (senders, 1), "{chosen:?}");

    // A file on a streak gets its next slots in turn, the sweep keeps one read.
    let mut s = Slots::default();
    s.files.insert(
        senders.hex(),
        SlotFile {
            low: 4,
            hot: true,
            streak: true,
            ..SlotFile::default()
        },
    );
    let chosen = SshDrop::choose(&[senders], &mut s, &BTreeMap::new(), 4);
    assert_eq!(&chosen[..3], &[(senders, 5), (senders, 6), (senders, 7)]);
    assert_eq!(chosen.len(), 4);
}
