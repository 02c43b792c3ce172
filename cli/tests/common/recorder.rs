//! A recording TCP proxy: what a network observer between hushpost and one server sees —
//! every connection, and how many bytes went each way on it. It forwards bytes unchanged
//! (TLS and SSH pass through untouched) and never looks inside them.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One connection through the proxy.
#[derive(Debug)]
pub struct Conn {
    pub opened: Instant,
    pub up: AtomicU64,
    pub down: AtomicU64,
    /// Number of directions that have ended (2 = closed).
    pub ended: AtomicU64,
}

/// The proxy; it stops when dropped.
pub struct Recorder {
    pub port: u16,
    conns: Arc<Mutex<Vec<Arc<Conn>>>>,
    stop: Arc<AtomicBool>,
}

impl Recorder {
    /// Listens on a free loopback port and forwards every connection to `upstream`.
    pub fn start(upstream: String) -> Recorder {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind recorder");
        let port = l.local_addr().expect("addr").port();
        l.set_nonblocking(true).expect("nonblocking");
        let conns: Arc<Mutex<Vec<Arc<Conn>>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (c2, s2) = (conns.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s2.load(Ordering::Relaxed) {
                match l.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).expect("blocking");
                        let conn = Arc::new(Conn {
                            opened: Instant::now(),
                            up: AtomicU64::new(0),
                            down: AtomicU64::new(0),
                            ended: AtomicU64::new(0),
                        });
                        c2.lock().expect("lock").push(conn.clone());
                        let server = TcpStream::connect(&upstream).expect("upstream");
                        pipe(client, server, conn);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(2))
                    }
                    Err(e) => panic!("accept: {e}"),
                }
            }
        });
        Recorder { port, conns, stop }
    }

    /// Connections opened since `since`, in the order they were opened, as (up, down)
    /// bytes, once all of them have closed (waits up to 10 s for the last bytes).
    pub fn since(&self, since: Instant) -> Vec<(u64, u64)> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v: Vec<Arc<Conn>> = self
                .conns
                .lock()
                .expect("lock")
                .iter()
                .filter(|c| c.opened >= since)
                .cloned()
                .collect();
            if v.iter().all(|c| c.ended.load(Ordering::SeqCst) == 2) || Instant::now() > deadline {
                return v
                    .iter()
                    .map(|c| (c.up.load(Ordering::SeqCst), c.down.load(Ordering::SeqCst)))
                    .collect();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn pipe(client: TcpStream, server: TcpStream, conn: Arc<Conn>) {
    let (c2, s2) = (
        client.try_clone().expect("clone"),
        server.try_clone().expect("clone"),
    );
    let k = conn.clone();
    std::thread::spawn(move || copy(client, s2, &k.up, &k.ended));
    std::thread::spawn(move || copy(server, c2, &conn.down, &conn.ended));
}

fn copy(mut from: TcpStream, mut to: TcpStream, count: &AtomicU64, ended: &AtomicU64) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                count.fetch_add(n as u64, Ordering::SeqCst);
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    ended.fetch_add(1, Ordering::SeqCst);
}

/// What one tick looked like: per route, its connections as (bytes up, bytes down).
pub type Tick = (Vec<(u64, u64)>, Vec<(u64, u64)>);

/// A tick for a failure message, its two routes named `names`.
pub fn show(t: &Tick, names: (&str, &str)) -> String {
    let f = |v: &[(u64, u64)]| {
        v.iter()
            .map(|(u, d)| format!("{u} B up / {d} B down"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{}: [{}]; {}: [{}]", names.0, f(&t.0), names.1, f(&t.1))
}
