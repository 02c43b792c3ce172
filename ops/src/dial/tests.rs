//! The dialing plan as a table: every operation × route kind × `via` setting (global,
//! contact, flag, `.onion`, the owner's `via=tor`), first as explicit rows, then as
//! invariants over the whole cross product.

use super::*;
use crate::config::Config;
use hushpost_core::route::RouteKind;

const HOSTKEY: &str = "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

fn r(s: &str) -> Route {
    s.parse().expect(s)
}

fn routes() -> Vec<(&'static str, Route)> {
    vec![
        ("dir", r("dir:/tmp/hp-drop")),
        (
            "ssh",
            r(&format!("ssh://u@ssh.example/drop#hostkey={HOSTKEY}")),
        ),
        (
            "ssh-dropkey",
            r(&format!(
                "ssh://u@ssh.example/drop#hostkey={HOSTKEY}&dropkey=AAAA"
            )),
        ),
        ("https", r("https://relay.example")),
        ("https-owner-tor", r("https://relay.example:8443#via=tor")),
        (
            "onion",
            r("http://abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz23.onion"),
        ),
        ("mailto", r("mailto:bob@example.org")),
    ]
}

fn config(global: Via, cover: &[RouteKind]) -> Config {
    let mut c = Config::default();
    c.network.via = global;
    c.cover.schemes = cover.to_vec();
    c
}

struct Row {
    route: &'static str,
    op: Operation,
    global: Via,
    contact: Option<Via>,
    flag: Option<Via>,
    cover: bool,
    shared_tor: bool,
    ours: bool,
    want: std::result::Result<(bool, Reason), ()>,
}

fn run(row: &Row) -> Result<Plan> {
    let all = routes();
    let route = &all.iter().find(|(n, _)| *n == row.route).expect("route").1;
    let cover: Vec<RouteKind> = if row.cover {
        RouteKind::ALL.to_vec()
    } else {
        vec![]
    };
    let cfg = config(row.global, &cover);
    let mut policy = Policy::default();
    if row.ours {
        policy.own.push(route.clone());
    }
    policy.users.push((route.clone(), row.contact));
    if row.shared_tor {
        policy.users.push((route.clone(), Some(Via::Tor)));
    }
    plan(&cfg, &policy, route, row.contact, row.op, row.flag)
}

#[test]
fn explicit_rows() {
    use Operation::*;
    use Reason::*;
    use Via::{Direct as D, Tor as T};
    let row = |route, op, global, contact, flag, cover, shared_tor, want| Row {
        route,
        op,
        global,
        contact,
        flag,
        cover,
        shared_tor,
        ours: false,
        want,
    };
    let rows = vec![
        // A folder never dials.
        row(
            "dir",
            Send,
            T,
            Some(T),
            Some(T),
            true,
            true,
            Ok((false, Local)),
        ),
        row(
            "dir",
            Fetch,
            T,
            None,
            None,
            false,
            false,
            Ok((false, Local)),
        ),
        // Defaults: global direct.
        row(
            "https",
            Send,
            D,
            None,
            None,
            false,
            false,
            Ok((false, Global)),
        ),
        row(
            "https",
            Send,
            T,
            None,
            None,
            false,
            false,
            Ok((true, Global)),
        ),
        // The contact's choice beats the global one, the flag beats both.
        row(
            "https",
            Send,
            D,
            Some(T),
            None,
            false,
            false,
            Ok((true, Contact)),
        ),
        row(
            "https",
            Send,
            T,
            Some(D),
            None,
            false,
            false,
            Ok((false, Contact)),
        ),
        row(
            "https",
            Send,
            T,
            Some(T),
            Some(D),
            false,
            false,
            Ok((false, Flag)),
        ),
        row(
            "ssh",
            Send,
            D,
            Some(D),
            Some(T),
            false,
            false,
            Ok((true, Flag)),
        ),
        // The bug this module fixes: a Tor contact's queued mail goes through Tor.
        row(
            "https",
            SendQueued,
            D,
            Some(T),
            None,
            true,
            false,
            Ok((true, Contact)),
        ),
        row(
            "ssh",
            SendQueued,
            D,
            Some(T),
            None,
            true,
            false,
            Ok((true, Contact)),
        ),
        row(
            "mailto",
            SendQueued,
            D,
            Some(T),
            None,
            true,
            false,
            Ok((true, Contact)),
        ),
        // One shape per cover route: another contact's Tor makes chaff and queued mail Tor.
        row(
            "https",
            Chaff,
            D,
            None,
            None,
            true,
            true,
            Ok((true, SharedCoverRoute)),
        ),
        row(
            "https",
            SendQueued,
            D,
            Some(D),
            None,
            true,
            true,
            Ok((true, SharedCoverRoute)),
        ),
        row(
            "https",
            SendQueued,
            T,
            Some(D),
            None,
            true,
            false,
            Ok((true, Global)),
        ),
        row("https", SendQueued, D, None, Some(D), true, true, Err(())),
        // …but not outside the cover shape: `--now` follows the contact.
        row(
            "https",
            Send,
            D,
            Some(D),
            None,
            true,
            true,
            Ok((false, Contact)),
        ),
        // Without cover traffic queued-shaped ops follow the contact.
        row(
            "https",
            SendQueued,
            D,
            Some(D),
            None,
            false,
            true,
            Ok((false, Contact)),
        ),
        // Routes that demand Tor.
        row(
            "onion",
            Send,
            D,
            Some(D),
            None,
            false,
            false,
            Ok((true, RouteRequiresTor)),
        ),
        row(
            "onion",
            Fetch,
            D,
            None,
            None,
            true,
            false,
            Ok((true, RouteRequiresTor)),
        ),
        row("onion", Send, D, None, Some(D), false, false, Err(())),
        row(
            "https-owner-tor",
            Chaff,
            D,
            Some(D),
            None,
            true,
            false,
            Ok((true, RouteRequiresTor)),
        ),
        row(
            "https-owner-tor",
            Send,
            D,
            None,
            Some(T),
            false,
            false,
            Ok((true, RouteRequiresTor)),
        ),
        // Mail over Tor is allowed; a folder ignores it.
        row(
            "mailto",
            Send,
            T,
            None,
            None,
            false,
            false,
            Ok((true, Global)),
        ),
        row(
            "mailto",
            Intro,
            D,
            Some(T),
            None,
            false,
            false,
            Ok((true, Contact)),
        ),
        row(
            "https",
            Intro,
            D,
            None,
            Some(T),
            false,
            false,
            Ok((true, Flag)),
        ),
        row(
            "ssh",
            Check,
            T,
            None,
            None,
            false,
            false,
            Ok((true, Global)),
        ),
        row(
            "mailto",
            AccountTest,
            T,
            None,
            None,
            false,
            false,
            Ok((true, Global)),
        ),
        row(
            "https",
            LoopFetch,
            D,
            Some(T),
            None,
            true,
            false,
            Ok((true, Contact)),
        ),
    ];
    for (i, row) in rows.iter().enumerate() {
        let got = run(row);
        match (&row.want, got) {
            (Ok((tor, reason)), Ok(p)) => {
                assert_eq!(
                    (p.tor(), p.reason),
                    (*tor, *reason),
                    "row {i}: {} {:?}",
                    row.route,
                    row.op
                );
                if p.tor() {
                    assert_eq!(
                        p.network,
                        Network::Tor {
                            proxy: "socks5h://127.0.0.1:9050".into()
                        }
                    );
                }
            }
            (Err(()), Err(_)) => {}
            (want, got) => panic!(
                "row {i}: {} {:?}: want {want:?}, got {got:?}",
                row.route, row.op
            ),
        }
    }
}

#[test]
fn invariants_over_every_combination() {
    let vias = [None, Some(Via::Direct), Some(Via::Tor)];
    let mut n = 0;
    for (name, route) in routes() {
        for op in Operation::ALL {
            for global in [Via::Direct, Via::Tor] {
                for contact in vias {
                    for flag in vias {
                        for cover in [false, true] {
                            for shared_tor in [false, true] {
                                for ours in [false, true] {
                                    n += 1;
                                    let row = Row {
                                        route: name,
                                        op,
                                        global,
                                        contact,
                                        flag,
                                        cover,
                                        shared_tor,
                                        ours,
                                        want: Err(()),
                                    };
                                    check(&route, &row, run(&row));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(n, 7 * 8 * 2 * 3 * 3 * 2 * 2 * 2);
}

fn check(route: &Route, row: &Row, got: Result<Plan>) {
    let what = format!("{route} {:?} {row:?}", row.op);
    let requires_tor = route.required_via() == Some(Via::Tor);
    let shape_tor = row.cover
        && row.op.in_cover_shape()
        && (row.global == Via::Tor || row.shared_tor || row.contact == Some(Via::Tor));
    let p = match got {
        Err(_) => {
            // Refusals happen only for an explicit --via direct that would break a promise.
            assert_eq!(row.flag, Some(Via::Direct), "{what}");
            assert!(requires_tor || shape_tor, "{what}");
            return;
        }
        Ok(p) => p,
    };
    if !route.is_network() {
        assert!(!p.tor(), "{what}: a folder never dials");
        return;
    }
    if requires_tor || shape_tor || row.flag == Some(Via::Tor) {
        assert!(p.tor(), "{what}: must go through Tor");
    }
    if !requires_tor && !shape_tor {
        let chosen = row.flag.or(row.contact).unwrap_or(row.global);
        assert_eq!(p.tor(), chosen == Via::Tor, "{what}: flag, contact, global");
    }
    // Credentials: our SSH key never goes to someone else's drop that has a drop key; the
    // IMAP login only to our own account; the owner login only to our own drops.
    match route {
        Route::Ssh(s) => {
            assert_eq!(p.grant.ssh_key, row.ours || s.dropkey.is_none(), "{what}");
            assert_eq!(p.grant.ssh_owner, row.ours, "{what}");
        }
        Route::Mailto(_) => {
            if p.grant.imap {
                assert!(row.ours, "{what}");
            }
            assert!(!p.grant.ssh_key && !p.grant.ssh_owner, "{what}");
        }
        _ => assert_eq!(p.grant, Grant::default(), "{what}"),
    }
    assert_eq!(
        p.fallback,
        matches!(
            row.op,
            Operation::Send | Operation::SendQueued | Operation::Intro
        )
    );
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "global={} contact={:?} flag={:?} cover={} shared_tor={} ours={}",
            self.global, self.contact, self.flag, self.cover, self.shared_tor, self.ours
        )
    }
}

#[test]
fn cover_routes_have_one_network_mode_for_every_tick() {
    // Whatever fills a slot (chaff, queued mail of any contact, a fetch), one route's ticks
    // all dial alike.
    for (_, route) in routes() {
        for global in [Via::Direct, Via::Tor] {
            for shared in [None, Some(Via::Direct), Some(Via::Tor)] {
                let cfg = config(global, &RouteKind::ALL);
                let mut policy = Policy::default();
                policy.users.push((route.clone(), shared));
                policy.users.push((route.clone(), None));
                let modes: Vec<bool> = [
                    (Operation::Chaff, None),
                    (Operation::SendQueued, None),
                    (Operation::SendQueued, shared),
                    (Operation::LoopFetch, None),
                ]
                .into_iter()
                .map(|(op, cv)| {
                    plan(&cfg, &policy, &route, cv, op, None)
                        .expect("plan")
                        .tor()
                })
                .collect();
                assert!(
                    modes.iter().all(|m| *m == modes[0]),
                    "{route} global={global} shared={shared:?}: {modes:?}"
                );
            }
        }
    }
}

#[test]
fn the_badge_describes_the_plan() {
    let cfg = config(Via::Direct, &[RouteKind::Https]);
    let relay = r("https://relay.example");
    let policy = Policy {
        own: vec![],
        users: vec![(relay.clone(), Some(Via::Tor))],
    };
    let p = plan(
        &cfg,
        &policy,
        &relay,
        Some(Via::Tor),
        Operation::SendQueued,
        None,
    )
    .expect("plan");
    assert_eq!(
        p.badge(),
        "relay via tor · padded · cover traffic · sender hidden · IP hidden"
    );
    let p = plan(
        &cfg,
        &Policy::default(),
        &relay,
        None,
        Operation::Send,
        None,
    )
    .expect("plan");
    assert_eq!(
        p.badge(),
        "relay direct · padded · cover traffic · sender hidden · the relay sees your IP"
    );
    let dir = r("dir:/tmp/drop");
    let p = plan(
        &cfg,
        &Policy::default(),
        &dir,
        Some(Via::Tor),
        Operation::Send,
        None,
    )
    .expect("plan");
    assert_eq!(
        p.badge(),
        "folder drop · padded · sender hidden · folder readers see file times"
    );
    let mail = r("mailto:a@example.org");
    let p = plan(&cfg, &Policy::default(), &mail, None, Operation::Send, None).expect("plan");
    assert!(p.badge().contains("both addresses"), "{}", p.badge());
}

#[test]
fn dial_options_carry_fresh_isolation_and_only_granted_credentials() {
    let mut cfg = config(Via::Tor, &[]);
    cfg.ssh.key_file = Some("/home/me/.ssh/id_ed25519".into());
    let theirs = r(&format!(
        "ssh://u@ssh.example/drop#hostkey={HOSTKEY}&dropkey=AAAA"
    ));
    let p = plan(
        &cfg,
        &Policy::default(),
        &theirs,
        None,
        Operation::Send,
        None,
    )
    .expect("plan");
    let a = p.dial_options(&cfg, None).expect("dial");
    let b = p.dial_options(&cfg, None).expect("dial");
    assert_eq!(a.proxy.as_deref(), Some("socks5h://127.0.0.1:9050"));
    assert!(
        a.isolation.is_some() && a.isolation != b.isolation,
        "fresh per operation"
    );
    assert!(
        a.credentials.ssh_key_file.is_none(),
        "our key is not offered to their drop"
    );
    let policy = Policy {
        own: vec![theirs.clone()],
        users: vec![],
    };
    let p = plan(&cfg, &policy, &theirs, None, Operation::Fetch, None).expect("plan");
    assert!(
        p.dial_options(&cfg, None)
            .expect("dial")
            .credentials
            .ssh_key_file
            .is_some()
    );
}
