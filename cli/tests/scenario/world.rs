//! The scenario's world: five identities, each receiving over a different transport — ann
//! on a folder drop (a small tmpfs), ben on our relay (real TLS), cat on an SSH drop (a
//! private real sshd), dan over SMTP/IMAP (the loopback Postfix + Dovecot), and tom on a
//! second relay that he reaches only from inside the Tor test bed's network namespace and
//! that every contact of his reaches only through a SOCKS proxy (`contact via tom tor`) —
//! with cover traffic on wherever it is by default (relays, SSH). Must not: use any server
//! the faults cannot stop except the shared mail servers and sshd's chroot.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

use super::run::{Person, Runner};
use super::servers::{Proxy, Relay, SynCounter, Tmpfs};
use crate::common::ssh::{Env as SshEnv, Sshd};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub const ANN: usize = 0;
pub const BEN: usize = 1;
pub const CAT: usize = 2;
pub const DAN: usize = 3;
pub const TOM: usize = 4;
pub const NAMES: [&str; 5] = ["ann", "ben", "cat", "dan", "tom"];

/// What the scenario needs from the environment scripts/test.sh sets up.
pub struct Env {
    pub ssh: SshEnv,
    pub smtp: String,
    pub imaps: String,
    pub mail_ca: String,
    pub alice_pw: String,
    pub bob_pw: String,
    pub ns: String,
    pub gateway: String,
}

/// Everything the scenario needs, or None (a loud skip; a failure under CI).
pub fn env() -> Option<Env> {
    let v = |k: &str| std::env::var(k).ok().filter(|s| !s.is_empty());
    let mut missing = Vec::new();
    if !crate::common::is_root() {
        missing.push("root".to_string());
    }
    for tool in ["nft", "ip", "unshare", "python3"] {
        if !crate::common::require(tool) {
            missing.push(tool.into());
        }
    }
    if !Path::new("/usr/bin/time").is_file() {
        missing.push("/usr/bin/time (Debian: time)".into());
    }
    if crate::common::faketime_lib().is_none() {
        missing.push("libfaketime (Debian: faketime)".into());
    }
    let ssh = crate::common::ssh::env();
    let e = (|| {
        let host = v("HUSHPOST_TEST_MAIL_HOST")?;
        let socks = v("HUSHPOST_TEST_SOCKS")?;
        let gateway = socks
            .strip_prefix("socks5h://")?
            .rsplit_once(':')?
            .0
            .to_string();
        Some(Env {
            ssh: ssh?,
            smtp: format!("{host}:{}", v("HUSHPOST_TEST_SMTP_PORT")?),
            imaps: format!("{host}:{}", v("HUSHPOST_TEST_IMAPS_PORT")?),
            mail_ca: v("HUSHPOST_TEST_MAIL_CA")?,
            alice_pw: v("HUSHPOST_TEST_MAIL_ALICE_PASSWORD")?,
            bob_pw: v("HUSHPOST_TEST_MAIL_BOB_PASSWORD")?,
            ns: v("HUSHPOST_TEST_NETNS")?,
            gateway,
        })
    })();
    if e.is_none() {
        missing.push("the loopback servers (HUSHPOST_TEST_{SSH,MAIL,NETNS,SOCKS}_*)".into());
    }
    if missing.is_empty() {
        return e;
    }
    assert!(
        std::env::var_os("CI").is_none() && std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_none(),
        "the scenario needs {missing:?}: run it through scripts/test.sh (as root)"
    );
    eprintln!("SKIP: the scenario needs {missing:?}");
    None
}

/// The running world.
pub struct World {
    pub r: Runner,
    pub people: Vec<Person>,
    /// Whom each knows (contact names are the lower-case names).
    pub knows: Vec<Vec<usize>>,
    pub relay_b: Relay,
    pub relay_t: Relay,
    pub sshd: Sshd,
    pub sshd_up: bool,
    pub ssh_dir: PathBuf,
    pub proxy: Proxy,
    /// Connection attempts to tom's relay from the root namespace.
    pub syn: SynCounter,
    /// Connection attempts from inside the namespace to anything but the proxy's host.
    pub ns_syn: NsCounter,
    pub fs: Tmpfs,
    pub attachment: PathBuf,
    pub root: PathBuf,
}

/// An nftables counter inside the Tor namespace: TCP connection attempts to any address
/// but the gateway (where the proxies listen).
pub struct NsCounter {
    ns: String,
    table: String,
}

impl NsCounter {
    fn new(ns: &str, gateway: &str) -> NsCounter {
        let table = format!("hpscen{}", std::process::id());
        let rules = format!(
            "table inet {table} {{\n chain out {{\n  type filter hook output priority 0; policy accept;\n  ip daddr != {gateway} tcp flags & (syn | ack) == syn counter\n }}\n}}\n"
        );
        assert!(ns_nft(ns, &rules), "nft rules in the namespace");
        NsCounter {
            ns: ns.into(),
            table,
        }
    }

    pub fn count(&self) -> u64 {
        let out = std::process::Command::new("ip")
            .args(["netns", "exec", &self.ns, "nft", "list", "table", "inet"])
            .arg(&self.table)
            .output()
            .expect("nft list");
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_once("counter packets ")
            .and_then(|(_, r)| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no counter in {text}"))
    }
}

impl Drop for NsCounter {
    fn drop(&mut self) {
        let _ = ns_nft(&self.ns, &format!("delete table inet {}\n", self.table));
    }
}

fn ns_nft(ns: &str, script: &str) -> bool {
    use std::io::Write;
    let mut c = std::process::Command::new("ip")
        .args(["netns", "exec", ns, "nft", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("nft");
    c.stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("rules");
    c.wait().expect("nft").success()
}

fn write_private(p: &Path, text: &str) {
    std::fs::write(p, text).expect("write");
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

impl World {
    pub fn build(e: &Env, root: &Path) -> World {
        let fs = Tmpfs::mount(&root.join("annfs"), "6m");
        let ann_drop = fs.dir.join("drop");
        std::fs::create_dir_all(&ann_drop).expect("mkdir");
        let relay_b = Relay::new("relay-ben", root);
        let relay_t = Relay::new("relay-tom", root);
        let sshd = Sshd::start(&e.ssh, root);
        let (ssh_path, ssh_dir) = e.ssh.fresh_dir(&format!("scenario-{}", std::process::id()));
        let proxy = Proxy::new(&e.gateway, root);
        let syn = SynCounter::new(relay_t.port);
        let ns_syn = NsCounter::new(&e.ns, &e.gateway);
        let routes = [
            format!("dir:{}", ann_drop.display()),
            relay_b.route.clone(),
            e.ssh.route(sshd.port, &ssh_path),
            "mailto:bob@example.test".to_string(),
            relay_t.route.clone(),
        ];
        let people: Vec<Person> = NAMES
            .iter()
            .map(|n| Person {
                name: n.to_string(),
                home: root.join(n),
                ns: (*n == "tom").then(|| e.ns.clone()),
                skew: None,
            })
            .collect();
        let mut r = Runner::new(&root.join("scratch"));
        for (i, p) in people.iter().enumerate() {
            let display = format!("{}{}", NAMES[i][..1].to_uppercase(), &NAMES[i][1..]);
            r.ok(
                p,
                &[
                    "init",
                    "--name",
                    &display,
                    "--no-passphrase",
                    "--route",
                    &routes[i],
                ],
                "",
            );
            let via = if i == TOM { "tor" } else { "direct" };
            let mut cfg = format!(
                "[network]\nvia = \"{via}\"\ntor_proxy = \"{}\"\ntimeout_secs = 10\n\n[cover]\nsend_small = 2\nsend_large = 1\n",
                proxy.url()
            );
            if i == CAT {
                cfg.push_str(&format!(
                    "\n[ssh]\nuser = \"{}\"\nkey_file = \"{}\"\n",
                    e.ssh.owner_user,
                    e.ssh.owner_key_file.display()
                ));
            }
            write_private(&p.home.join("config.toml"), &cfg);
        }
        let knows = vec![
            vec![BEN, CAT, DAN, TOM],
            vec![ANN, CAT, DAN, TOM],
            vec![ANN, BEN, DAN, TOM],
            vec![ANN, BEN, CAT],
            vec![ANN, BEN, CAT],
        ];
        let attachment = root.join("photo.bin");
        let data: Vec<u8> = (0..40_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        std::fs::write(&attachment, data).expect("attachment");
        let mut w = World {
            r,
            people,
            knows,
            relay_b,
            relay_t,
            sshd,
            sshd_up: true,
            ssh_dir,
            proxy,
            syn,
            ns_syn,
            fs,
            attachment,
            root: root.to_path_buf(),
        };
        w.accounts(e);
        w.befriend();
        w
    }

    /// SMTP for everyone who writes to dan (as alice@), SMTP + IMAP for dan (bob@).
    fn accounts(&mut self, e: &Env) {
        for i in [ANN, BEN, CAT, DAN] {
            let (user, pw) = if i == DAN {
                ("bob", &e.bob_pw)
            } else {
                ("alice", &e.alice_pw)
            };
            let pw_file = self.root.join(format!("{}-mail.pw", NAMES[i]));
            write_private(&pw_file, &format!("{pw}\n"));
            let address = format!("{user}@example.test");
            let cmd = format!("cat {}", pw_file.display());
            let args = [
                "account",
                "add",
                "--address",
                &address,
                "--user",
                user,
                "--smtp",
                &e.smtp,
                "--smtp-tls",
                "starttls",
                "--imap",
                &e.imaps,
                "--imap-tls",
                "implicit",
                "--ca-file",
                &e.mail_ca,
                "--password-command",
                &cmd,
            ];
            let p = &self.people[i];
            self.r.ok(p, &args, "");
        }
    }

    fn befriend(&mut self) {
        let cards: Vec<String> = (0..self.people.len())
            .map(|i| {
                let p = &self.people[i];
                self.r.ok(p, &["id", "card"], "").trim().to_string()
            })
            .collect();
        for i in 0..self.people.len() {
            for &j in &self.knows[i].clone() {
                let p = &self.people[i];
                self.r.ok(
                    p,
                    &["contact", "add", "--allow-local", NAMES[j], &cards[j]],
                    "",
                );
                if j == TOM {
                    self.r.ok(p, &["contact", "via", "tom", "tor"], "");
                }
            }
        }
    }

    /// Connections that reached tom's relay, or anything outside the namespace, other than
    /// through the proxy.
    pub fn direct_connections(&self) -> u64 {
        let proxied = self.proxy.connections_to(self.relay_t.port) as u64;
        self.syn.count().saturating_sub(proxied) + self.ns_syn.count()
    }
}
