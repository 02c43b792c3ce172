//! Measures the store at mailbox scale: ingest rate, list newest 50, one-word search,
//! size on disk and peak memory, for N generated messages (default 100,000).
//!
//! Must not be mistaken for a test: it asserts nothing and its numbers depend on the
//! machine. Run: `cargo run --release -p hushpost-store --example bench_store [N]`.

use std::path::Path;
use std::time::{Duration, Instant};

use hushpost_store::{ListQuery, NewMessage, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const BATCH: usize = 1000;
const RUNS: usize = 20;

const WORDS: &str = "the of and to in is you that it he was for on are as with his they at be \
this have from or one had by word but not what all were we when your can said there use an \
each which she do how their if will up other about out many then them these so some her would \
make like him into time has look two more write go see number no way could people my than \
first water been call who oil its now find long down day did get come made may part over new \
sound take only little work know place year live me back give most very after thing our just \
name good sentence man think say great where help through much before line right too mean old \
any same tell boy follow came want show also around form three small set put end does another \
well large must big even such because turn here why ask went men read need land different home \
us move try kind hand picture again change off play spell air away animal house point page \
letter mother answer found study still learn should world meeting report invoice holiday train \
coffee draft review weekend budget family doctor concert river planning garden photo project \
deadline contract schedule lunch dinner flight hotel ticket package delivery password server \
backup update release question thanks please tomorrow yesterday morning evening monday friday";

const FIRST: &[&str] = &[
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy",
];
const LAST: &[&str] = &["Smith", "Jones", "Müller", "García", "Nakamura"];

/// Picks words with Zipf-like frequencies (rank^-1), as in real text.
struct Words {
    words: Vec<&'static str>,
    cumulative: Vec<f64>,
}

impl Words {
    fn new() -> Words {
        let words: Vec<&str> = WORDS.split_whitespace().collect();
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Words { words, cumulative }
    }

    fn pick(&self, rng: &mut StdRng) -> &'static str {
        let total = *self.cumulative.last().expect("word list is not empty");
        let x = rng.gen_range(0.0..total);
        let i = self.cumulative.partition_point(|&c| c < x);
        self.words[i.min(self.words.len() - 1)]
    }

    fn text(&self, rng: &mut StdRng, bytes: usize) -> String {
        let mut s = String::with_capacity(bytes + 16);
        let mut line = 0u32;
        while s.len() < bytes {
            s.push_str(self.pick(rng));
            line += 1;
            s.push_str(if line.is_multiple_of(12) {
                ".\r\n"
            } else {
                " "
            });
        }
        s
    }
}

struct Generated {
    sender: [u8; 32],
    msg_id: [u8; 16],
    peer: String,
    subject: String,
    sent_at: u64,
    message_id: String,
    in_reply_to: Option<String>,
    text: String,
    raw: Vec<u8>,
}

fn generate(n: usize, words: &Words, rng: &mut StdRng, peers: &[(String, [u8; 32])]) -> Generated {
    let (peer, sender) = &peers[rng.gen_range(0..peers.len())];
    let subject_len = rng.gen_range(3..8);
    let subject: Vec<&str> = (0..subject_len).map(|_| words.pick(rng)).collect();
    let subject = subject.join(" ");
    let body_len = rng.gen_range(1024..3072);
    let mut text = words.text(rng, body_len);
    if n.is_multiple_of(997) {
        // A word outside the list, in about 0.1% of messages.
        text.push_str(" zanzibar");
    }
    // Mail arrives roughly in date order, with a few hours of jitter.
    let sent_at = 1_700_000_000 + n as u64 * 60 + rng.gen_range(0..4 * 3600);
    let message_id = format!("<{n}.{:08x}@hushpost>", rng.r#gen::<u32>());
    let in_reply_to =
        (n > 10 && rng.gen_bool(0.3)).then(|| format!("<{}.x@hushpost>", n - rng.gen_range(1..10)));
    let raw = format!(
        "From: {peer} <fp@hushpost>\r\nTo: Me <me@hushpost>\r\nSubject: {subject}\r\n\
         Date: {sent_at}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    )
    .into_bytes();
    let mut msg_id = [0u8; 16];
    rng.fill(&mut msg_id);
    Generated {
        sender: *sender,
        msg_id,
        peer: peer.clone(),
        subject,
        sent_at,
        message_id,
        in_reply_to,
        text,
        raw,
    }
}

fn median_ms(mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut found = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        found = f();
        times.push(t.elapsed());
    }
    times.sort();
    (ms(times[RUNS / 2]), found)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).expect("read store dir").flatten() {
        let meta = e.metadata().expect("stat");
        total += if meta.is_dir() {
            dir_size(&e.path())
        } else {
            meta.len()
        };
    }
    total
}

/// User + system CPU seconds of this process so far (clock ticks of 1/100 s, Linux's
/// `USER_HZ`): on a busy machine wall time alone says little about the store.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("N must be a number"))
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    let key = [0x5a; 32];
    let (stored, ingest, ingest_cpu) = ingest(n, &dir, &key);

    // Queries on a freshly opened store: SQLite's page cache starts empty.
    let t = Instant::now();
    let store = Store::open(&dir, &key).expect("reopen store");
    let open_ms = ms(t.elapsed());
    let newest = ListQuery {
        limit: 50,
        ..Default::default()
    };
    let t = Instant::now();
    store.list(&newest).expect("list");
    let list_first = ms(t.elapsed());
    let (list_ms, listed) = median_ms(|| store.list(&newest).expect("list").len());
    let unread = ListQuery {
        limit: 50,
        unread_only: true,
        ..Default::default()
    };
    let (unread_ms, _) = median_ms(|| store.list(&unread).expect("list").len());

    let t = Instant::now();
    store.search("budget", 50).expect("search");
    let search_first = ms(t.elapsed());
    let search = |q: &'static str| median_ms(|| store.search(q, 50).expect("search").len());
    let (common_ms, common_n) = search("budget");
    let (exact_ms, exact_n) = search("budget ");
    let (very_common_ms, very_common_n) = search("the");
    let (prefix_ms, prefix_n) = search("ther");
    let (rare_ms, rare_n) = search("zanzibar");
    let (two_ms, two_n) = search("coffee garden");
    let t = Instant::now();
    store.count().expect("count");
    let count_first = ms(t.elapsed());
    let (count_ms, count) = median_ms(|| store.count().expect("count") as usize);
    let size = dir_size(&dir);

    let (delete_ms, compact_s) = maintenance(store);

    let rate = stored as f64 / ingest.as_secs_f64();
    let rows: Vec<(String, String)> = vec![
        (
            "ingest (batches of 1000)".into(),
            format!(
                "{rate:.0} msg/s ({:.1} s wall, {ingest_cpu:.1} s CPU = {:.0} msg/s per CPU-second)",
                ingest.as_secs_f64(),
                stored as f64 / ingest_cpu
            ),
        ),
        ("open existing store".into(), format!("{open_ms:.2} ms")),
        (
            "list newest 50: first after open / median".into(),
            format!("{list_first:.2} ms / {list_ms:.3} ms ({listed} rows)"),
        ),
        (
            "list newest 50 unread, median".into(),
            format!("{unread_ms:.3} ms"),
        ),
        (
            "search `budget` (prefix): first / median".into(),
            format!("{search_first:.2} ms / {common_ms:.3} ms ({common_n} hits)"),
        ),
        (
            "search `budget ` (whole word), median".into(),
            format!("{exact_ms:.3} ms ({exact_n} hits)"),
        ),
        (
            "search `the` (in every message), median".into(),
            format!("{very_common_ms:.3} ms ({very_common_n} hits)"),
        ),
        (
            "search `zanzibar` (0.1% of messages), median".into(),
            format!("{rare_ms:.3} ms ({rare_n} hits)"),
        ),
        (
            "search `coffee garden`, median".into(),
            format!("{two_ms:.3} ms ({two_n} hits)"),
        ),
        (
            "search `ther` (common prefix), median".into(),
            format!("{prefix_ms:.3} ms ({prefix_n} hits)"),
        ),
        (
            "count: first / median".into(),
            format!("{count} ({count_first:.2} ms / {count_ms:.3} ms)"),
        ),
        (
            "delete one message (mean of 100)".into(),
            format!("{delete_ms:.2} ms"),
        ),
        (
            "compact (purge deleted words)".into(),
            format!("{compact_s:.1} s"),
        ),
        (
            "size on disk (db + wal + bodies)".into(),
            format!("{:.1} MiB", size as f64 / 1048576.0),
        ),
        (
            "peak RSS (VmHWM)".into(),
            format!("{:.1} MiB", peak_rss_mib()),
        ),
    ];
    print_rows(n, rows);
}

/// Generates and stores `n` messages in batches; returns (stored, wall, CPU seconds).
fn ingest(n: usize, dir: &std::path::Path, key: &[u8; 32]) -> (usize, Duration, f64) {
    let mut rng = StdRng::seed_from_u64(42);
    let words = Words::new();
    let peers: Vec<(String, [u8; 32])> = (0..50)
        .map(|i| {
            let name = format!("{} {}", FIRST[i % FIRST.len()], LAST[i / FIRST.len()]);
            (name, rng.r#gen())
        })
        .collect();

    let mut store = Store::open(dir, key).expect("open store");
    let mut ingest = Duration::ZERO;
    let mut ingest_cpu = 0.0;
    let mut stored = 0;
    let mut done = 0;
    while done < n {
        let count = BATCH.min(n - done);
        let generated: Vec<Generated> = (done..done + count)
            .map(|i| generate(i, &words, &mut rng, &peers))
            .collect();
        let batch: Vec<NewMessage<'_>> = generated
            .iter()
            .map(|g| NewMessage {
                sender: g.sender,
                msg_id: g.msg_id,
                outgoing: false,
                peer: g.peer.clone(),
                subject: g.subject.clone(),
                sent_at: g.sent_at,
                received_at: g.sent_at + 30,
                message_id: g.message_id.clone(),
                in_reply_to: g.in_reply_to.clone(),
                references: Vec::new(),
                text: g.text.clone(),
                has_attachments: false,
                expires_at: 0,
                burn: false,
                verified: true,
                prev_hash: [0; 32],
                chain: [0; 32],
                raw: &g.raw,
            })
            .collect();
        let t = Instant::now();
        let cpu = cpu_secs();
        let out = store.insert_batch(&batch).expect("insert");
        ingest += t.elapsed();
        ingest_cpu += cpu_secs() - cpu;
        stored += out
            .iter()
            .filter(|i| matches!(i, hushpost_store::Inserted::New(_)))
            .count();
        done += count;
    }
    (stored, ingest, ingest_cpu)
}

/// Deletes 100 messages (as burns do) and purges their words from the index.
fn maintenance(mut store: Store) -> (f64, f64) {
    // Maintenance: deleting (a burn) and purging the deleted words from the index.
    let victims: Vec<i64> = store
        .list(&ListQuery {
            limit: 100,
            offset: 1000,
            ..Default::default()
        })
        .expect("list")
        .iter()
        .map(|m| m.id)
        .collect();
    let t = Instant::now();
    for id in &victims {
        store.delete(*id).expect("delete");
    }
    let delete_ms = ms(t.elapsed()) / victims.len().max(1) as f64;
    let t = Instant::now();
    store.compact().expect("compact");
    let compact_s = t.elapsed().as_secs_f64();

    (delete_ms, compact_s)
}

fn print_rows(n: usize, rows: Vec<(String, String)>) {
    println!("hushpost-store bench: {n} messages, medians of {RUNS} runs");
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    println!("| {:width$} | value |", "measure");
    println!("|{}|-------|", "-".repeat(width + 2));
    for (k, v) in rows {
        println!("| {k:width$} | {v} |");
    }
}
