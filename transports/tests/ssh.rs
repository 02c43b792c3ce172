//! The SSH drop against the real OpenSSH sshd that scripts/servers/sshd.sh starts on
//! loopback (the README's test command runs it and exports HUSHPOST_TEST_SSH_*). Without
//! those variables the tests skip loudly, except under CI / HUSHPOST_REQUIRE_TOOLS, where
//! a missing server is a failure.

use hushpost_core::{FetchCap, Route};
use hushpost_transports::ssh::{DropKey, SshDrop, fingerprint_of_public_line};
use hushpost_transports::{Credentials, DeadDrop, DialOptions, Flow, TransportError, conformance};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Env {
    host: String,
    port: u16,
    hostkey: String,
    path: String,
    drop_user: String,
    drop_key: String,
    drop_key_file: PathBuf,
    owner_user: String,
    owner_key_file: PathBuf,
    chroot: PathBuf,
    #[allow(dead_code)]
    drop_dir: PathBuf,
    log: PathBuf,
}

fn var(k: &str) -> Option<String> {
    std::env::var(format!("HUSHPOST_TEST_SSH_{k}")).ok()
}

fn env() -> Option<Env> {
    let e = (|| {
        Some(Env {
            host: var("HOST")?,
            port: var("PORT")?.parse().ok()?,
            hostkey: var("HOSTKEY")?,
            path: var("PATH")?,
            drop_user: var("DROP_USER")?,
            drop_key: var("DROP_KEY")?,
            drop_key_file: var("DROP_KEY_FILE")?.into(),
            owner_user: var("OWNER_USER")?,
            owner_key_file: var("OWNER_KEY_FILE")?.into(),
            chroot: var("CHROOT")?.into(),
            drop_dir: var("DROP_DIR")?.into(),
            log: var("LOG")?.into(),
        })
    })();
    if e.is_none() {
        if std::env::var_os("CI").is_some() || std::env::var_os("HUSHPOST_REQUIRE_TOOLS").is_some()
        {
            panic!("HUSHPOST_TEST_SSH_* is not set: run the tests through scripts/test.sh");
        }
        eprintln!("SKIP: no loopback sshd (HUSHPOST_TEST_SSH_* unset; scripts/test.sh starts one)");
    }
    e
}

impl Env {
    fn route(&self, path: &str, hostkey: &str, dropkey: Option<&str>) -> Route {
        let mut s = format!(
            "ssh://{}@{}:{}{}#hostkey={}",
            self.drop_user, self.host, self.port, path, hostkey
        );
        if let Some(k) = dropkey {
            s.push_str(&format!("&dropkey={k}"));
        }
        s.parse().expect("route")
    }

    fn owner_dial(&self) -> DialOptions {
        DialOptions {
            timeout_secs: 10,
            credentials: Credentials {
                ssh_key_file: Some(self.owner_key_file.clone()),
                ssh_user: Some(self.owner_user.clone()),
                ..Credentials::default()
            },
            ..DialOptions::default()
        }
    }

    fn sender(&self, path: &str) -> SshDrop {
        ssh_drop(
            &self.route(path, &self.hostkey, Some(&self.drop_key)),
            &DialOptions::default(),
        )
        .expect("new")
    }

    fn owner(&self, path: &str) -> SshDrop {
        ssh_drop(&self.route(path, &self.hostkey, None), &self.owner_dial()).expect("new")
    }

    /// A fresh drop directory of its own inside the chroot, laid out like the shared one
    /// (owner:owner 3730), so tests running in parallel never see each other's files.
    fn fresh_dir(&self, name: &str) -> (String, PathBuf) {
        let dir = self.chroot.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("mkdir");
        chown(&dir, &self.owner_user, &self.owner_user);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o3730)).expect("chmod");
        (format!("/{name}"), dir)
    }
}

fn chown(p: &Path, user: &str, group: &str) {
    let ok = Command::new("chown")
        .arg(format!("{user}:{group}"))
        .arg(p)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "chown {}", p.display());
}

fn id_of(flag: &str, user: &str) -> u32 {
    let out = Command::new("id").arg(flag).arg(user).output().expect("id");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("numeric id")
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn blob(len: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut v = vec![0u8; len];
    rand::rngs::OsRng.fill_bytes(&mut v);
    v
}

fn cap() -> FetchCap {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    FetchCap(b)
}

/// A raw libssh2 session logged in with a key file, to ask the sftp subsystem for things
/// hushpost itself never asks.
fn raw_sftp(e: &Env, user: &str, key: &Path) -> (ssh2::Session, ssh2::Sftp) {
    let tcp = std::net::TcpStream::connect((e.host.as_str(), e.port)).expect("tcp");
    let mut s = ssh2::Session::new().expect("session");
    s.set_tcp_stream(tcp);
    s.handshake().expect("handshake");
    s.userauth_pubkey_file(user, None, key, None).expect("auth");
    let sftp = s.sftp().expect("sftp");
    (s, sftp)
}

fn sftp_code(r: Result<impl Sized, ssh2::Error>) -> i32 {
    match r {
        Ok(_) => panic!("the server allowed it"),
        Err(e) => match e.code() {
            ssh2::ErrorCode::SFTP(c) => c,
            other => panic!("not an SFTP status: {other:?} {e}"),
        },
    }
}

const FX_PERMISSION_DENIED: i32 = 3;
const FX_FAILURE: i32 = 4;

#[test]
fn ssh_passes_the_conformance_suite_with_the_owner_key() {
    let Some(e) = env() else { return };
    let (path, dir) = e.fresh_dir("conformance");
    conformance::run(&mut e.owner(&path), &[16_384, 262_144]);
    assert!(names(&dir).is_empty(), "conformance left files behind");
}

#[test]
fn the_drop_key_in_the_route_is_the_one_sshd_knows() {
    let Some(e) = env() else { return };
    // sshd.sh derives the route's seed from an ssh-keygen key: both halves must agree.
    let k = DropKey::parse(&e.drop_key).expect("dropkey");
    let pub_line =
        std::fs::read_to_string(format!("{}.pub", e.drop_key_file.display())).expect("pub");
    assert_eq!(
        fingerprint_of_public_line(&k.public_openssh("")),
        fingerprint_of_public_line(&pub_line)
    );
}

#[test]
fn a_sender_puts_with_the_drop_key_and_the_owner_fetches_and_deletes() {
    let Some(e) = env() else { return };
    let (path, dir) = e.fresh_dir("roundtrip");
    let c = cap();
    let small = blob(16_384);
    let large = blob(262_144);
    let mut s = e.sender(&path);
    s.put(&c.tag(), &small, Default::default()).expect("put");
    s.put(&c.tag(), &large, Default::default())
        .expect("put on the same session");

    // On the server: two files, exactly bucket-sized, named <tag>.<16 hex>, no temp file,
    // owned by the drop account, readable by the owner's group only.
    let files = names(&dir);
    assert_eq!(files.len(), 2, "{files:?}");
    for n in &files {
        let (tag, id) = n.split_once('.').expect("dot");
        assert_eq!(tag, c.tag().hex());
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{n}"
        );
        let m = std::fs::metadata(dir.join(n)).expect("meta");
        assert!([16_384, 262_144].contains(&m.len()));
        assert_eq!(m.mode() & 0o7777, 0o040, "{n}: only group read");
        assert_eq!(m.uid(), id_of("-u", &e.drop_user));
        assert_eq!(m.gid(), id_of("-g", &e.owner_user));
    }

    let mut o = e.owner(&path);
    let caps = [cap(), c.clone()];
    let mut got = Vec::new();
    o.fetch(&caps, &mut |f| {
        got.push((f.cap, f.id, f.blob));
        Flow::Continue
    })
    .expect("fetch");
    let mut blobs: Vec<&Vec<u8>> = got.iter().map(|(_, _, b)| b).collect();
    blobs.sort_by_key(|b| b.len());
    assert_eq!(blobs, vec![&small, &large]);
    assert!(got.iter().all(|(i, _, _)| *i == 1));
    let ids: Vec<(usize, String)> = got.iter().map(|(i, id, _)| (*i, id.clone())).collect();
    o.delete(&caps, &ids).expect("delete");
    assert!(names(&dir).is_empty());
}

/// Runs a batch of commands with the stock OpenSSH `sftp` client and the drop key.
fn stock_sftp(e: &Env, batch: &str) -> (bool, String) {
    let mut c = Command::new("sftp")
        .args(["-P", &e.port.to_string(), "-i"])
        .arg(&e.drop_key_file)
        .args([
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-b",
            "-",
        ])
        .arg(format!("{}@{}", e.drop_user, e.host))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sftp");
    c.stdin
        .take()
        .expect("stdin")
        .write_all(batch.as_bytes())
        .expect("batch");
    let out = c.wait_with_output().expect("sftp");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_drop_key_cannot_list_read_overwrite_or_delete() {
    let Some(e) = env() else { return };
    let (path, dir) = e.fresh_dir("refusals");
    let c = cap();
    let original = blob(16_384);
    e.sender(&path)
        .put(&c.tag(), &original, Default::default())
        .expect("put");
    // A blob the owner put, too.
    e.owner(&path)
        .put(&c.tag(), &blob(16_384), Default::default())
        .expect("owner put");
    let files = names(&dir);
    assert_eq!(files.len(), 2);
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|n| std::fs::read(dir.join(n)).expect("read"))
        .collect();

    let (_s, sftp) = raw_sftp(&e, &e.drop_user, &e.drop_key_file);
    let d = PathBuf::from(&path);
    assert_eq!(sftp_code(sftp.readdir(&d)), FX_PERMISSION_DENIED, "list");
    assert_eq!(sftp_code(sftp.opendir(&d)), FX_PERMISSION_DENIED, "opendir");
    for n in &files {
        let p = d.join(n);
        assert_eq!(sftp_code(sftp.open(&p)), FX_PERMISSION_DENIED, "read {n}");
        assert_eq!(sftp_code(sftp.stat(&p)), FX_PERMISSION_DENIED, "stat {n}");
        assert_eq!(
            sftp_code(sftp.open_mode(
                &p,
                ssh2::OpenFlags::WRITE | ssh2::OpenFlags::TRUNCATE,
                0o640,
                ssh2::OpenType::File
            )),
            FX_PERMISSION_DENIED,
            "overwrite {n}"
        );
        // Creating the same name again fails (O_EXCL; sshd reports EEXIST as a failure).
        assert_eq!(
            sftp_code(sftp.open_mode(
                &p,
                ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::EXCLUSIVE,
                0o640,
                ssh2::OpenType::File
            )),
            FX_FAILURE,
            "re-create {n}"
        );
        assert_eq!(
            sftp_code(sftp.unlink(&p)),
            FX_PERMISSION_DENIED,
            "delete {n}"
        );
        let chmod = ssh2::FileStat {
            size: None,
            uid: None,
            gid: None,
            perm: Some(0o644),
            atime: None,
            mtime: None,
        };
        assert_eq!(
            sftp_code(sftp.setstat(&p, chmod)),
            FX_PERMISSION_DENIED,
            "chmod {n}"
        );
        assert_eq!(
            sftp_code(sftp.symlink(&p, &d.join("link"))),
            FX_PERMISSION_DENIED,
            "symlink"
        );
    }
    // Renaming an upload onto an existing name does not replace it.
    let tmp = d.join("mine.tmp");
    let mut f = sftp
        .open_mode(
            &tmp,
            ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::EXCLUSIVE,
            0o640,
            ssh2::OpenType::File,
        )
        .expect("the drop key may create");
    f.write_all(&blob(16_384)).expect("write");
    drop(f);
    assert!(
        sftp.rename(&tmp, &d.join(&files[0]), None).is_err(),
        "rename over an existing blob"
    );
    assert_eq!(
        sftp_code(sftp.mkdir(&d.join("sub"), 0o700)),
        FX_PERMISSION_DENIED,
        "mkdir"
    );
    let after: Vec<Vec<u8>> = files
        .iter()
        .map(|n| std::fs::read(dir.join(n)).expect("still there"))
        .collect();
    assert_eq!(before, after, "a refused request changed a blob");

    // The same refusals through the stock OpenSSH sftp client.
    let sftp_cli = |batch: &str| stock_sftp(&e, batch);
    let (ok, out) = sftp_cli(&format!("ls {path}\n"));
    assert!(!ok, "sftp ls succeeded: {out}");
    let (ok, out) = sftp_cli(&format!("rm {path}/{}\n", files[0]));
    assert!(!ok && out.contains("Permission denied"), "sftp rm: {out}");
    let (ok, out) = sftp_cli(&format!("get {path}/{} /dev/null\n", files[0]));
    assert!(!ok, "sftp get: {out}");
    assert!(dir.join(&files[0]).exists());
}

#[test]
fn a_wrong_pinned_host_key_is_refused_before_authentication() {
    let Some(e) = env() else { return };
    let wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    // A key sshd has never seen: if it appeared in sshd's log, we would have offered it.
    let k = DropKey::generate();
    let fp = fingerprint_of_public_line(&k.public_openssh("")).expect("fp");
    let mut d = ssh_drop(
        &e.route(&e.path, wrong, Some(&k.encode())),
        &DialOptions::default(),
    )
    .expect("new");
    let err = d
        .put(&cap().tag(), &blob(16_384), Default::default())
        .expect_err("must refuse");
    assert!(
        matches!(err, TransportError::HostKeyMismatch { .. }),
        "{err}"
    );
    let msg = err.to_string();
    assert!(msg.contains(wrong) && msg.contains(&e.hostkey), "{msg}");
    assert!(!msg.contains('\n'));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = std::fs::read_to_string(&e.log).unwrap_or_default();
    assert!(
        !log.contains(&fp),
        "the key was offered to a server with the wrong host key"
    );
}

#[test]
fn auth_refused_unreachable_and_missing_credentials_are_clear() {
    let Some(e) = env() else { return };
    // A drop key the server does not know.
    let stranger = DropKey::generate().encode();
    let err = ssh_drop(
        &e.route(&e.path, &e.hostkey, Some(&stranger)),
        &DialOptions::default(),
    )
    .expect("new")
    .put(&cap().tag(), &blob(16_384), Default::default())
    .expect_err("refused");
    assert!(matches!(err, TransportError::AuthRefused(_)), "{err}");
    assert!(err.to_string().contains("authentication refused"), "{err}");
    assert!(!err.to_string().contains(&stranger));

    // The owner with the drop account's key file.
    let mut dial = e.owner_dial();
    dial.credentials.ssh_key_file = Some(e.drop_key_file.clone());
    let err = ssh_drop(&e.route(&e.path, &e.hostkey, None), &dial)
        .expect("new")
        .fetch(&[cap()], &mut |_| Flow::Continue)
        .expect_err("refused");
    assert!(matches!(err, TransportError::AuthRefused(_)), "{err}");

    // Nobody listening: new() does not dial, the first use reports it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let r: Route = format!(
        "ssh://{}@127.0.0.1:{port}/drop#hostkey={}&dropkey={}",
        e.drop_user, e.hostkey, e.drop_key
    )
    .parse()
    .expect("route");
    let mut d = ssh_drop(&r, &DialOptions::default()).expect("new never dials");
    let err = d
        .put(&cap().tag(), &blob(16_384), Default::default())
        .expect_err("unreachable");
    assert!(matches!(err, TransportError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("connection refused"), "{err}");
    assert!(err.is_retryable());

    // No drop key and no credentials: refused before dialling (the port is closed, so a
    // dial would have said "unreachable").
    let r: Route = format!(
        "ssh://{}@127.0.0.1:{port}/drop#hostkey={}",
        e.drop_user, e.hostkey
    )
    .parse()
    .expect("route");
    let err = ssh_drop(&r, &DialOptions::default())
        .expect("new")
        .put(&cap().tag(), &blob(16_384), Default::default())
        .expect_err("no creds");
    assert!(matches!(err, TransportError::NoCredentials(_)), "{err}");
    assert!(err.to_string().contains("[ssh]"), "{err}");

    // A missing directory.
    let err = e
        .sender("/no-such-dir")
        .put(&cap().tag(), &blob(16_384), Default::default())
        .expect_err("missing");
    assert!(
        matches!(
            err,
            TransportError::RemoteDirMissing(_) | TransportError::PermissionDenied(_)
        ),
        "{err}"
    );
}

/// Unmounts the tiny tmpfs even when the test fails.
struct Mount(PathBuf);

impl std::ops::Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

#[test]
fn a_full_disk_on_the_server_is_reported_as_full() {
    let Some(e) = env() else { return };
    let dir = e.chroot.join("full");
    let _ = Command::new("umount")
        .arg(&dir)
        .stderr(std::process::Stdio::null())
        .status();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).expect("mkdir");
    let opts = format!(
        "size=64k,mode=3730,uid={},gid={}",
        id_of("-u", &e.owner_user),
        id_of("-g", &e.owner_user)
    );
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &opts, "tmpfs"])
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        mounted,
        "mount -t tmpfs needs root (the test script runs as root)"
    );
    let _guard = Mount(dir.clone());

    let mut s = e.sender("/full");
    let c = cap();
    let mut err = None;
    for _ in 0..10 {
        if let Err(x) = s.put(&c.tag(), &blob(16_384), Default::default()) {
            err = Some(x);
            break;
        }
    }
    let err = err.expect("a 64 KiB disk cannot take ten 16 KiB blobs");
    assert!(matches!(err, TransportError::DiskFull(_)), "{err}");
    assert!(err.to_string().contains("is full"), "{err}");
    assert!(err.is_retryable());
    // Every complete blob is intact; the half-written one stayed a .tmp nobody fetches.
    let mut o = e.owner("/full");
    let mut n = 0;
    o.fetch(std::slice::from_ref(&c), &mut |f| {
        assert_eq!(f.blob.len(), 16_384);
        n += 1;
        Flow::Continue
    })
    .expect("fetch");
    assert!(n >= 2, "only {n} blobs fit");
}

/// A minimal SOCKS5 proxy that records what the client asked for and relays to sshd.
fn socks_proxy(target: (String, u16)) -> (u16, std::sync::mpsc::Receiver<(u8, String)>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut c, _) = l.accept().expect("accept");
        let mut h = [0u8; 2];
        c.read_exact(&mut h).expect("greeting");
        let mut m = vec![0u8; h[1] as usize];
        c.read_exact(&mut m).expect("methods");
        c.write_all(&[5, 0]).expect("choose");
        let mut r = [0u8; 4];
        c.read_exact(&mut r).expect("request");
        let host = match r[3] {
            3 => {
                let mut l = [0u8; 1];
                c.read_exact(&mut l).expect("len");
                let mut n = vec![0u8; l[0] as usize];
                c.read_exact(&mut n).expect("name");
                String::from_utf8_lossy(&n).into_owned()
            }
            1 => {
                let mut a = [0u8; 4];
                c.read_exact(&mut a).expect("ip");
                std::net::Ipv4Addr::from(a).to_string()
            }
            _ => panic!("unexpected ATYP"),
        };
        let mut p = [0u8; 2];
        c.read_exact(&mut p).expect("port");
        tx.send((r[3], host)).expect("send");
        let up = std::net::TcpStream::connect((target.0.as_str(), target.1)).expect("upstream");
        c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])
            .expect("reply");
        let (mut a, mut b) = (
            c.try_clone().expect("clone"),
            up.try_clone().expect("clone"),
        );
        let (mut c2, mut up2) = (c, up);
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut a, &mut up2);
        });
        let _ = std::io::copy(&mut b, &mut c2);
    });
    (port, rx)
}

#[test]
fn through_a_socks_proxy_the_host_name_is_not_resolved_locally() {
    let Some(e) = env() else { return };
    let (path, dir) = e.fresh_dir("socks");
    let (port, seen) = socks_proxy((e.host.clone(), e.port));
    // "localhost" stands for an onion name: it must reach the proxy as a name.
    let r: Route = format!(
        "ssh://{}@localhost:{}{path}#hostkey={}&dropkey={}",
        e.drop_user, e.port, e.hostkey, e.drop_key
    )
    .parse()
    .expect("route");
    let dial = DialOptions {
        proxy: Some(format!("socks5h://127.0.0.1:{port}")),
        timeout_secs: 10,
        ..DialOptions::default()
    };
    let t0 = std::time::Instant::now();
    ssh_drop(&r, &dial)
        .expect("new")
        .put(&cap().tag(), &blob(16_384), Default::default())
        .expect("put through the proxy");
    assert!(
        t0.elapsed() < std::time::Duration::from_secs(5),
        "closing the session through the proxy waited for a timeout"
    );
    assert_eq!(
        seen.recv().expect("proxy saw a request"),
        (3, "localhost".into())
    );
    assert_eq!(names(&dir).len(), 1);

    // A proxy that is down is an error, never a direct connection.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let dial = DialOptions {
        proxy: Some(format!("socks5h://127.0.0.1:{closed}")),
        ..DialOptions::default()
    };
    let err = ssh_drop(&r, &dial)
        .expect("new")
        .put(&cap().tag(), &blob(16_384), Default::default())
        .expect_err("proxy down");
    assert!(matches!(err, TransportError::ProxyDown(_)), "{err}");
    assert_eq!(names(&dir).len(), 1);
}

/// The typed constructor for a parsed route (tests build routes from strings).
fn ssh_drop(
    r: &hushpost_core::Route,
    d: &hushpost_transports::DialOptions,
) -> Result<SshDrop, hushpost_transports::TransportError> {
    match r {
        hushpost_core::Route::Ssh(x) => SshDrop::new(x, d),
        other => panic!("not a Ssh route: {other}"),
    }
}
