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

fn c(via: Option<Via>) -> Contact {
    Contact {
        via,
        fallback: false,
    }
}

fn o(via: Option<Via>) -> Override {
    Override {
        via,
        fallback: false,
    }
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
    plan(&cfg, &policy, route, c(row.contact), row.op, o(row.flag))
}

/// `route op global contact flag cover shared => tor|direct|refused reason`; `-` is none,
/// `D`/`T` direct/tor, `c` cover on, `s` another contact on the route wants Tor.
const TABLE: &str = "
    dir   Send       T T T c s => direct Local
    dir   Fetch      T - - - - => direct Local
    https Send       D - - - - => direct Global
    https Send       T - - - - => tor    Global
    https Send       D T - - - => tor    Contact
    https Send       T D - - - => direct Contact
    https Send       T T D - - => direct Flag
    ssh-dropkey Send D D T - - => tor    Flag
    ssh   Send       D - - - - => refused -
    https SendQueued D T - c - => tor    Contact
    ssh-dropkey SendQueued D T - c - => tor Contact
    mailto SendQueued D T - c - => tor   Contact
    https Chaff      D - - c s => tor    SharedCoverRoute
    https SendQueued D D - c s => tor    SharedCoverRoute
    https SendQueued T D - c - => tor    Global
    https SendQueued D - D c s => refused -
    https Send       D D - c s => direct Contact
    https SendQueued D D - - s => direct Contact
    onion Send       D D - - - => tor    RouteRequiresTor
    onion Fetch      D - - c - => tor    RouteRequiresTor
    onion Send       D - D - - => refused -
    https-owner-tor Chaff D D - c - => tor RouteRequiresTor
    https-owner-tor Send  D - T - - => tor RouteRequiresTor
    mailto Send      T - - - - => tor    Global
    mailto Intro     D T - - - => tor    Contact
    https Intro      D - T - - => tor    Flag
    ssh-dropkey Check T - - - - => tor   Global
    mailto AccountTest T - - - - => tor  Global
    https LoopFetch  D T - c - => tor    Contact
";

fn via(s: &str) -> Option<Via> {
    match s {
        "D" => Some(Via::Direct),
        "T" => Some(Via::Tor),
        _ => None,
    }
}

fn op(s: &str) -> Operation {
    *Operation::ALL
        .iter()
        .find(|o| format!("{o:?}") == s)
        .unwrap_or_else(|| panic!("operation {s}"))
}

#[test]
fn explicit_rows() {
    for (i, line) in TABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let w: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(w.len(), 10, "row {i}: {line}");
        let r = Row {
            route: routes()
                .into_iter()
                .find(|(n, _)| *n == w[0])
                .expect("route")
                .0,
            op: op(w[1]),
            global: via(w[2]).expect("global"),
            contact: via(w[3]),
            flag: via(w[4]),
            cover: w[5] == "c",
            shared_tor: w[6] == "s",
            ours: false,
        };
        match (w[8], run(&r)) {
            ("refused", Err(_)) => {}
            (mode, Ok(p)) if mode != "refused" => {
                assert_eq!(p.tor(), mode == "tor", "row {i}: {line}");
                assert_eq!(format!("{:?}", p.reason), w[9], "row {i}: {line}");
                if p.tor() {
                    let want = Network::Tor {
                        proxy: "socks5h://127.0.0.1:9050".into(),
                    };
                    assert_eq!(p.network, want);
                }
            }
            (_, got) => panic!("row {i}: {line}: got {got:?}"),
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
    let ssh_without_dropkey = matches!(route, Route::Ssh(s) if s.dropkey.is_none());
    let p = match got {
        // Someone else's SSH route without a drop key could only be entered with our own
        // SSH keys: refused whatever the operation.
        Err(e) if ssh_without_dropkey && !row.ours => {
            assert!(e.to_string().contains("no drop key"), "{what}: {e}");
            return;
        }
        Err(_) => {
            // Other refusals happen only for an explicit --via direct that would break a
            // promise.
            assert_eq!(row.flag, Some(Via::Direct), "{what}");
            assert!(requires_tor || shape_tor, "{what}");
            return;
        }
        Ok(p) => p,
    };
    assert!(
        !ssh_without_dropkey || row.ours,
        "{what}: planned a way into someone else's SSH server with our keys"
    );
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
    // Credentials: our SSH key never goes to someone else's drop; the IMAP login only to
    // our own account; the owner login only to our own drops.
    match route {
        Route::Ssh(_) => {
            assert_eq!(p.grant.ssh_key, row.ours, "{what}");
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
    // No contact here allows fallback and no flag asks for it: only intro posts may try
    // a card's later routes.
    assert_eq!(p.fallback, row.op == Operation::Intro, "{what}");
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
    // all dial alike. (Someone else's SSH route without a drop key is never dialled.)
    for (name, route) in routes() {
        if name == "ssh" {
            continue;
        }
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
                    plan(&cfg, &policy, &route, c(cv), op, o(None))
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
        c(Some(Via::Tor)),
        Operation::SendQueued,
        o(None),
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
        c(None),
        Operation::Send,
        o(None),
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
        c(Some(Via::Tor)),
        Operation::Send,
        o(None),
    )
    .expect("plan");
    assert_eq!(
        p.badge(),
        "folder drop · padded · sender not in the file · folder readers see file times and owners"
    );
    let mail = r("mailto:a@example.org");
    let p = plan(
        &cfg,
        &Policy::default(),
        &mail,
        c(None),
        Operation::Send,
        o(None),
    )
    .expect("plan");
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
        c(None),
        Operation::Send,
        o(None),
    )
    .expect("plan");
    let a = p.dial_options(&cfg, None, None).expect("dial");
    let b = p.dial_options(&cfg, None, None).expect("dial");
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
    let p = plan(&cfg, &policy, &theirs, c(None), Operation::Fetch, o(None)).expect("plan");
    assert!(
        p.dial_options(&cfg, None, None)
            .expect("dial")
            .credentials
            .ssh_key_file
            .is_some()
    );
}

#[test]
fn a_later_route_only_where_the_contact_or_the_command_allows_it() {
    let cfg = config(Via::Direct, &[]);
    let relay = r("https://relay.example");
    let p = |contact: bool, flag: bool, op| {
        plan(
            &cfg,
            &Policy::default(),
            &relay,
            Contact {
                via: None,
                fallback: contact,
            },
            op,
            Override {
                via: None,
                fallback: flag,
            },
        )
        .expect("plan")
        .fallback
    };
    assert!(!p(false, false, Operation::Send));
    assert!(p(true, false, Operation::Send));
    assert!(p(false, true, Operation::SendQueued));
    assert!(
        !p(true, true, Operation::Chaff),
        "cover-traffic puts never move"
    );
    assert!(p(false, false, Operation::Intro));
}
