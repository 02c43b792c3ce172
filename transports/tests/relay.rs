//! The relay client against a real relay over real TLS (started in process on 127.0.0.1:0
//! with a self-signed certificate): the shared conformance suite, certificate pinning,
//! clear errors, intro posts with proof of work, SOCKS5 without local DNS or direct
//! connections, and fetch answers that look the same on the wire with and without mail.

use hushpost_core::{FetchCap, Route};
use hushpost_relay::{Config, OffsetClock, Relay, TlsMode};
use hushpost_transports::https::RelayDrop;
use hushpost_transports::{DeadDrop, DialOptions, Flow, PutOptions, Transport, TransportError};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

const SMALL: usize = 16_384;

fn provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

fn relay(tune: impl FnOnce(&mut Config)) -> (Relay, tempfile::TempDir) {
    provider();
    let dir = tempfile::tempdir().expect("tmp");
    let mut cfg = Config::new(
        "127.0.0.1:0".parse().expect("addr"),
        dir.path().to_path_buf(),
        TlsMode::SelfSigned,
    );
    cfg.store.min_free_bytes = 0;
    tune(&mut cfg);
    let r = Relay::start(cfg, Arc::new(OffsetClock::default())).expect("start relay");
    (r, dir)
}

fn route(host: &str, port: u16, pin: Option<[u8; 32]>) -> Route {
    let mut s = format!("https://{host}:{port}");
    if let Some(p) = pin {
        s.push_str(&format!("#pin=sha256:{}", hex::encode(p)));
    }
    s.parse().expect("route")
}

fn pinned(r: &Relay) -> Route {
    route("127.0.0.1", r.addr().port(), r.pin())
}

fn blob() -> Vec<u8> {
    (0..SMALL).map(|_| rand::random::<u8>()).collect()
}

fn count(d: &mut dyn DeadDrop, caps: &[FetchCap]) -> usize {
    let mut n = 0;
    d.fetch(caps, &mut |_| {
        n += 1;
        Flow::Continue
    })
    .expect("fetch");
    n
}

#[test]
fn conformance_over_tls_with_a_pinned_certificate() {
    let (r, _dir) = relay(|_| {});
    let mut t = Transport::open(&pinned(&r), &DialOptions::default()).expect("open");
    hushpost_transports::conformance::run(&mut t, &[16_384, 262_144]);
}

#[test]
fn a_certificate_that_does_not_match_the_pin_is_refused_naming_both() {
    let (r, _dir) = relay(|_| {});
    let wrong = [0x42u8; 32];
    let mut d = relay_drop(
        &route("127.0.0.1", r.addr().port(), Some(wrong)),
        &DialOptions::default(),
    )
    .expect("new");
    let e = d
        .put(&FetchCap([1; 32]).tag(), &blob(), PutOptions::default())
        .expect_err("must refuse");
    match &e {
        TransportError::PinMismatch {
            host,
            expected,
            got,
        } => {
            assert_eq!(expected, &hex::encode(wrong));
            assert_eq!(got, &hex::encode(r.pin().expect("pin")));
            assert!(host.contains("127.0.0.1"));
        }
        other => panic!("expected PinMismatch, got {other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains(&hex::encode(wrong)) && msg.contains(&hex::encode(r.pin().expect("pin"))));
    assert_eq!(r.stats().blobs, 0, "nothing was sent");
}

#[test]
fn without_a_pin_a_self_signed_relay_fails_webpki_with_a_hint() {
    let (r, _dir) = relay(|_| {});
    let mut d = relay_drop(
        &route("127.0.0.1", r.addr().port(), None),
        &DialOptions::default(),
    )
    .expect("new");
    let e = d
        .fetch(&[FetchCap([1; 32])], &mut |_| Flow::Continue)
        .expect_err("untrusted certificate");
    let msg = e.to_string();
    assert!(matches!(e, TransportError::Protocol(..)), "{e:?}");
    assert!(msg.contains("pin=sha256"), "{msg}");
}

#[test]
fn an_unreachable_relay_is_a_clear_retryable_error() {
    provider();
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut d = relay_drop(
        &route("127.0.0.1", port, Some([0; 32])),
        &DialOptions {
            timeout_secs: 2,
            ..Default::default()
        },
    )
    .expect("new");
    let e = d
        .put(&FetchCap([1; 32]).tag(), &blob(), PutOptions::default())
        .expect_err("nobody listens");
    assert!(matches!(e, TransportError::Unreachable { .. }), "{e:?}");
    assert!(e.is_retryable());
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")));
}

#[test]
fn intro_posts_mint_proof_of_work_and_the_relay_accepts_them() {
    let (r, _dir) = relay(|c| c.pow_difficulty = 12);
    let mut d = relay_drop(&pinned(&r), &DialOptions::default()).expect("new");
    let cap = FetchCap(rand::random());
    d.put(&cap.tag(), &blob(), PutOptions { intro: true })
        .expect("intro put");
    d.put(&cap.tag(), &blob(), PutOptions { intro: true })
        .expect("second intro put (fresh nonce)");
    assert_eq!(count(&mut d, std::slice::from_ref(&cap)), 2);
}

#[test]
fn a_full_mailbox_is_a_clear_retryable_error() {
    let (r, _dir) = relay(|c| c.store.tag_quota = 2);
    let mut d = relay_drop(&pinned(&r), &DialOptions::default()).expect("new");
    let tag = FetchCap([5; 32]).tag();
    d.put(&tag, &blob(), PutOptions::default()).expect("1");
    d.put(&tag, &blob(), PutOptions::default()).expect("2");
    let e = d
        .put(&tag, &blob(), PutOptions::default())
        .expect_err("quota");
    assert!(e.is_retryable(), "{e:?}");
    assert!(e.to_string().contains("full"), "{e}");
}

#[test]
fn a_tor_route_without_a_proxy_never_dials() {
    let r: Route = "http://abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcd.onion"
        .parse()
        .expect("route");
    let e = relay_drop(&r, &DialOptions::default()).expect_err("needs Tor");
    assert!(matches!(e, TransportError::TorRequired(_)), "{e:?}");
    let r: Route = "https://relay.example.org#via=tor".parse().expect("route");
    assert!(matches!(
        relay_drop(&r, &DialOptions::default()),
        Err(TransportError::TorRequired(_))
    ));
}

/// What the test SOCKS5 proxy saw: (user, password, host name asked for, port).
type Seen = Arc<Mutex<Vec<(String, String, String, u16)>>>;

/// A minimal SOCKS5 proxy (RFC 1928 + RFC 1929 user/password) that knows one host name,
/// `relay.hushpost.test`, which no resolver on this machine knows.
fn socks_proxy(target: SocketAddr) -> (SocketAddr, Seen) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    thread::spawn(move || {
        for c in l.incoming() {
            let Ok(mut c) = c else { continue };
            let seen = s2.clone();
            thread::spawn(move || {
                let mut b = [0u8; 262];
                c.read_exact(&mut b[..2])?;
                let n = usize::from(b[1]);
                c.read_exact(&mut b[..n])?;
                let (mut user, mut pass) = (String::new(), String::new());
                if b[..n].contains(&2) {
                    c.write_all(&[5, 2])?;
                    c.read_exact(&mut b[..2])?;
                    let ul = usize::from(b[1]);
                    c.read_exact(&mut b[..ul])?;
                    user = String::from_utf8_lossy(&b[..ul]).into_owned();
                    c.read_exact(&mut b[..1])?;
                    let pl = usize::from(b[0]);
                    c.read_exact(&mut b[..pl])?;
                    pass = String::from_utf8_lossy(&b[..pl]).into_owned();
                    c.write_all(&[1, 0])?;
                } else {
                    c.write_all(&[5, 0])?;
                }
                c.read_exact(&mut b[..4])?;
                let host = match b[3] {
                    3 => {
                        c.read_exact(&mut b[..1])?;
                        let l = usize::from(b[0]);
                        c.read_exact(&mut b[..l])?;
                        String::from_utf8_lossy(&b[..l]).into_owned()
                    }
                    1 => {
                        c.read_exact(&mut b[..4])?;
                        format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
                    }
                    _ => {
                        c.read_exact(&mut b[..16])?;
                        "ipv6".into()
                    }
                };
                c.read_exact(&mut b[..2])?;
                let port = u16::from_be_bytes([b[0], b[1]]);
                seen.lock()
                    .expect("lock")
                    .push((user, pass, host.clone(), port));
                if host != "relay.hushpost.test" {
                    c.write_all(&[5, 4, 0, 1, 0, 0, 0, 0, 0, 0])?;
                    return Ok::<(), std::io::Error>(());
                }
                let up = TcpStream::connect(target)?;
                c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
                pipe(c, up);
                Ok(())
            });
        }
    });
    (addr, seen)
}

fn pipe(a: TcpStream, b: TcpStream) {
    let (mut a2, mut b2) = (a.try_clone().expect("clone"), b.try_clone().expect("clone"));
    let t = thread::spawn(move || {
        let mut a = a;
        let mut b = b;
        let _ = std::io::copy(&mut a, &mut b);
        let _ = b.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut b2, &mut a2);
    let _ = a2.shutdown(Shutdown::Write);
    let _ = t.join();
}

#[test]
fn through_a_socks5_proxy_with_isolation_and_remote_dns_only() {
    let (r, _dir) = relay(|_| {});
    let (proxy, seen) = socks_proxy(r.addr());
    let dial = DialOptions {
        proxy: Some(format!("socks5h://{proxy}")),
        isolation: Some(("iso-user-1".into(), "iso-pass-1".into())),
        timeout_secs: 10,
        ..Default::default()
    };
    // A name only the proxy can resolve: a direct connection or a local lookup would fail.
    let rt = route("relay.hushpost.test", r.addr().port(), r.pin());
    let mut d = relay_drop(&rt, &dial).expect("new");
    let cap = FetchCap(rand::random());
    d.put(&cap.tag(), &blob(), PutOptions::default())
        .expect("put via proxy");
    assert_eq!(count(&mut d, std::slice::from_ref(&cap)), 1);
    let seen = seen.lock().expect("lock").clone();
    assert!(!seen.is_empty());
    for (u, p, host, port) in &seen {
        assert_eq!((u.as_str(), p.as_str()), ("iso-user-1", "iso-pass-1"));
        assert_eq!(host, "relay.hushpost.test", "the proxy resolved the name");
        assert_eq!(*port, r.addr().port());
    }
}

#[test]
fn a_proxy_that_is_down_is_an_error_and_never_a_direct_connection() {
    let (r, _dir) = relay(|_| {});
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let dial = DialOptions {
        proxy: Some(format!("socks5h://{dead}")),
        timeout_secs: 3,
        ..Default::default()
    };
    // The relay itself is reachable directly; the client must still refuse.
    let mut d = relay_drop(&pinned(&r), &dial).expect("new");
    let e = d
        .put(&FetchCap([3; 32]).tag(), &blob(), PutOptions::default())
        .expect_err("proxy down");
    assert!(matches!(e, TransportError::ProxyDown(_)), "{e:?}");
    assert_eq!(r.stats().blobs, 0, "no direct connection was made");
}

/// A TCP forwarder that records the TLS records the server sends: (content type, length).
fn record_counter(target: SocketAddr) -> (SocketAddr, mpsc::Receiver<Vec<(u8, usize)>>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for c in l.incoming() {
            let Ok(client) = c else { continue };
            let tx = tx.clone();
            thread::spawn(move || {
                let server = TcpStream::connect(target).expect("connect");
                let (mut c2, mut s2) = (
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                let up = thread::spawn(move || {
                    let mut client = client;
                    let mut server = server;
                    let _ = std::io::copy(&mut client, &mut server);
                    let _ = server.shutdown(Shutdown::Write);
                });
                let mut records = Vec::new();
                let mut h = [0u8; 5];
                while s2.read_exact(&mut h).is_ok() {
                    let len = usize::from(u16::from_be_bytes([h[3], h[4]]));
                    let mut body = vec![0u8; len];
                    if s2.read_exact(&mut body).is_err() {
                        break;
                    }
                    records.push((h[0], len));
                    if c2.write_all(&h).is_err() || c2.write_all(&body).is_err() {
                        break;
                    }
                }
                let _ = c2.shutdown(Shutdown::Write);
                let _ = up.join();
                let _ = tx.send(records);
            });
        }
    });
    (addr, rx)
}

#[test]
fn a_fetch_looks_the_same_on_the_wire_with_and_without_mail() {
    let (r, _dir) = relay(|_| {});
    let (fwd, records) = record_counter(r.addr());
    let caps: Vec<FetchCap> = (0..4).map(|_| FetchCap(rand::random())).collect();
    let via_counter = route("127.0.0.1", fwd.port(), r.pin());
    let one_fetch = || {
        let mut d = relay_drop(&via_counter, &DialOptions::default()).expect("new");
        let n = count(&mut d, &caps);
        drop(d);
        (n, records.recv().expect("records"))
    };
    let (n0, empty) = one_fetch();
    let mut d = relay_drop(&pinned(&r), &DialOptions::default()).expect("new");
    d.put(&caps[2].tag(), &blob(), PutOptions::default())
        .expect("put");
    let (n1, with_mail) = one_fetch();
    assert_eq!((n0, n1), (0, 1));
    // Everything after the server's first encrypted handshake record, whose ECDSA signature
    // varies in length from one connection to the next whatever is in the mailbox.
    let app = |v: &[(u8, usize)]| -> Vec<usize> {
        v.iter()
            .filter(|(t, _)| *t == 23)
            .skip(1)
            .map(|(_, l)| *l)
            .collect()
    };
    assert_eq!(
        app(&empty),
        app(&with_mail),
        "application-data records (count and sizes) differ"
    );
    assert_eq!(empty.len(), with_mail.len(), "record count differs");
}

/// The typed constructor for a parsed route (tests build routes from strings).
fn relay_drop(
    r: &hushpost_core::Route,
    d: &hushpost_transports::DialOptions,
) -> Result<RelayDrop, hushpost_transports::TransportError> {
    match r {
        hushpost_core::Route::Https(x) => RelayDrop::new(x, d),
        other => panic!("not a Https route: {other}"),
    }
}
