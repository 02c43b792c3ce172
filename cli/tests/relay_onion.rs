//! Two identities exchange mail through a relay that is only reachable as a `.onion`, over
//! a private Tor network on loopback (`scripts/servers/tornet.sh`: three directory
//! authorities made with tor-gencert, three relays, the onion service, a client SocksPort),
//! with the real CLI: `init`, `route add http://….onion`, `contact add`, `send`, `fetch`,
//! `reply`, each identity's `[network] tor_proxy` pointing at the client's SocksPort. No
//! byte leaves the machine: the network knows only its own authorities.
//!
//! The network bootstraps while the rest of the suite builds and runs; this test waits (up to
//! four minutes) until the onion service answers, then measures nothing but correctness.

#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::*;
use hushpost_core::{FetchCap, Route};
use hushpost_transports::{DeadDrop, DialOptions, Flow};
use std::time::{Duration, Instant};

struct TorNet {
    socks: String,
    onion: String,
    hs_port: String,
}

fn tornet() -> Option<TorNet> {
    let get = |k: &str| std::env::var(k).ok();
    match (
        get("HUSHPOST_TEST_TOR_SOCKS"),
        get("HUSHPOST_TEST_TOR_ONION"),
        get("HUSHPOST_TEST_TOR_HS_PORT"),
    ) {
        (Some(socks), Some(onion), Some(hs_port)) => Some(TorNet {
            socks,
            onion,
            hs_port,
        }),
        _ if std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_some() => {
            panic!("the private Tor network is required (scripts/servers/tornet.sh)")
        }
        _ => {
            eprintln!("SKIP: no private Tor network (scripts/servers/tornet.sh)");
            None
        }
    }
}

/// Waits until a fetch through Tor reaches the relay behind the onion service.
fn wait_for_onion(net: &TorNet, route: &Route) -> Duration {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(240);
    let dial = DialOptions {
        proxy: Some(net.socks.clone()),
        timeout_secs: 30,
        ..Default::default()
    };
    let cap = FetchCap(rand::random());
    loop {
        let mut d = relay_drop(route, &dial).expect("drop");
        match d.fetch(std::slice::from_ref(&cap), &mut |_| Flow::Continue) {
            Ok(()) => return started.elapsed(),
            Err(e) => {
                assert!(
                    Instant::now() < deadline,
                    "the onion service never answered through the private Tor network: {e}"
                );
                std::thread::sleep(Duration::from_secs(2));
            }
        }
    }
}

fn tor_config(hp: &Hp, socks: &str) {
    std::fs::write(
        hp.home.join("config.toml"),
        format!(
            "[network]\nvia = \"tor\"\ntor_proxy = \"{socks}\"\ntimeout_secs = 60\n\
             [cover]\nschemes = []\n"
        ),
    )
    .expect("config");
}

#[test]
fn two_people_exchange_mail_over_an_onion_relay() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let Some(net) = tornet() else { return };
    let t = tempdir();
    let listen = format!("127.0.0.1:{}", net.hs_port);
    let mut relay = RelayProc::spawn_on(
        &listen,
        &t.path().join("relay-data"),
        &t.path().join("relay-logs"),
        &["--plain-http"],
    );
    let url = format!("http://{}", net.onion);
    let route: Route = url.parse().expect("onion route");
    let waited = wait_for_onion(&net, &route);
    eprintln!(
        "onion service reachable after {} s of waiting",
        waited.as_secs()
    );

    let a = Hp::new(t.path(), "alice");
    let b = Hp::new(t.path(), "bob");
    for (hp, name) in [(&a, "Alice"), (&b, "Bob")] {
        let own = t.path().join(format!("{name}-drop"));
        std::fs::create_dir_all(&own).expect("mkdir");
        hp.init(name, &own);
        tor_config(hp, &net.socks);
        hp.ok(&["route", "add", &url]);
        hp.ok(&["route", "remove", &format!("dir:{}", own.display())]);
        assert_eq!(hp.ok(&["route", "list"]).trim(), url);
    }
    a.ok(&["contact", "add", "bob", &b.card()]);
    b.ok(&["contact", "add", "alice", &a.card()]);

    let body = "Over the onion, as agreed.";
    let out = a.ok_stdin(&["send", "--to", "bob", "--subject", "Onion"], body);
    assert!(out.contains("bob: sent via http://"), "{out}");
    let out = b.ok(&["fetch"]);
    assert!(out.contains("1 new message"), "{out}");
    let rows = b.list_json(&[]);
    assert_eq!(rows.len(), 1);
    let id = rows[0]["id"].as_i64().expect("id").to_string();
    assert!(b.ok(&["read", &id]).contains(body));

    b.ok_stdin(&["reply", &id], "Received through Tor.\n");
    assert!(a.ok(&["fetch"]).contains("1 new message"));
    assert_eq!(a.list_json(&[])[0]["subject"], "Re: Onion");

    assert_eq!(relay.stop(), 0);
    let logs = std::fs::read_to_string(&relay.log).expect("log");
    assert!(!logs.contains(&net.onion), "the relay logs no route");
}
