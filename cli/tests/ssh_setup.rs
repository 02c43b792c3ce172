//! The set-up `hushpost route ssh-setup` prints, applied to a real OpenSSH sshd on this
//! machine (accounts, chroot, keys, `Match` blocks): mail flows through it, and the drop key
//! it puts in the route cannot list, read, overwrite, change or delete.
#![allow(
    clippy::disallowed_methods,
    reason = "test and benchmark fixtures are throw-away files"
)]

mod common;
use common::ssh::*;
use common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Removes what the set-up test created on this machine, even when it fails.
struct SetupCleanup {
    root: PathBuf,
    users: [String; 2],
}

impl Drop for SetupCleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
        for u in &self.users {
            let _ = Command::new("userdel")
                .arg(u)
                .stderr(Stdio::null())
                .status();
        }
        let _ = Command::new("groupdel")
            .arg(&self.users[1])
            .stderr(Stdio::null())
            .status();
    }
}

fn sftp_batch(port: u16, key: &Path, user: &str, batch: &str) -> (bool, String) {
    use std::io::Write;
    let mut c = Command::new("sftp")
        .args(["-P", &port.to_string(), "-i"])
        .arg(key)
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
        .arg(format!("{user}@127.0.0.1"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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
fn the_set_up_route_ssh_setup_prints_works_and_refuses_what_it_should() {
    let Some(e) = env() else { return };
    if !require("useradd") || !require("sftp") {
        return;
    }
    let t = tempdir();
    let root = PathBuf::from(format!("/srv/hushpost-setup-test.{}", std::process::id()));
    let (du, ou) = ("hpt-s-drop".to_string(), "hpt-s-owner".to_string());
    let _cleanup = SetupCleanup {
        root: root.clone(),
        users: [du.clone(), ou.clone()],
    };
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let owner_key = t.path().join("owner");
    run_ok(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&owner_key),
    );

    // The port is chosen first: the printed route must name it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let a = Hp::new(t.path(), "alice");
    a.init("Alice", &t.path().join("alice-drop").tap_mkdir());
    a.cover_off();
    let (chroot, keys) = (root.join("chroot"), root.join("keys"));
    let json = a.ok(&[
        "route",
        "ssh-setup",
        "--host",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--host-key",
        e.hostkey_pub.to_str().expect("utf8"),
        "--owner-key",
        &format!("{}.pub", owner_key.display()),
        "--drop-user",
        &du,
        "--owner-user",
        &ou,
        "--chroot",
        chroot.to_str().expect("utf8"),
        "--keys-dir",
        keys.to_str().expect("utf8"),
        "--json",
    ]);
    let setup: serde_json::Value = serde_json::from_str(&json).expect("json");
    let field = |k: &str| setup[k].as_str().expect(k).to_string();

    // Run the printed root commands, then an sshd with the printed config block.
    run_ok(Command::new("bash").arg("-c").arg(field("server_script")));
    let mut sshd = setup_sshd(&e, t.path(), port, &field("sshd_config"));
    sshd.restart();

    // Alice adds the printed route and [ssh] settings; Bob writes to her through it.
    let route = field("route");
    a.ok(&["route", "add", &route]);
    write_config(&a, &field("config_toml"));
    let b = Hp::new(t.path(), "bob");
    b.init("Bob", &t.path().join("bob-drop").tap_mkdir());
    b.cover_off();
    befriend(&a, "alice", &b, "bob");
    let out = b.ok_stdin(
        &["send", "--to", "alice", "--via", "ssh", "--subject", "hi"],
        "x\n",
    );
    assert!(out.contains("sent via ssh://"), "{out}");
    let drop_dir = chroot.join("drop");
    let names = files(&drop_dir);
    assert_eq!(names.len(), 1);
    let m = std::fs::metadata(drop_dir.join(&names[0])).expect("meta");
    assert_eq!(m.mode() & 0o7777, 0o040);
    let dmeta = std::fs::metadata(&drop_dir).expect("meta");
    assert_eq!(dmeta.mode() & 0o7777, 0o3730);
    let before = std::fs::read(drop_dir.join(&names[0])).expect("read");

    // The drop key (from the route) cannot list, read, overwrite, change or delete.
    let dropkey = route
        .split("dropkey=")
        .nth(1)
        .expect("dropkey")
        .split('&')
        .next()
        .expect("value");
    let key = hushpost_ops::ssh_setup::DropKey::parse(dropkey).expect("key");
    let key_file = t.path().join("dropkey");
    std::fs::write(&key_file, key.private_openssh().as_bytes()).expect("write");
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let n = &names[0];
    drop_key_refusals(port, &key_file, &du, n, t.path(), &drop_dir, &before);
    // The owner can list, read and delete.
    let (ok, out) = sftp_batch(
        port,
        &owner_key,
        &ou,
        &format!(
            "ls /drop\nget /drop/{n} {}\nrm /drop/new\n",
            t.path().join("got").display()
        ),
    );
    assert!(ok && out.contains(n.as_str()), "owner: {out}");
    assert_eq!(std::fs::read(t.path().join("got")).expect("got"), before);

    // And Alice fetches with the printed [ssh] settings.
    let out = a.ok(&["fetch"]);
    assert!(out.contains("1 new message"), "{out}");
    assert!(files(&drop_dir).is_empty());
}

/// An sshd on `port` with the test server's base settings and the printed `Match` blocks.
fn setup_sshd(e: &Env, tmp: &std::path::Path, port: u16, printed: &str) -> Sshd {
    let base = std::fs::read_to_string(&e.config).expect("config");
    let mut config: String = base
        .lines()
        .take_while(|l| !l.starts_with("Match "))
        .filter(|l| !l.starts_with("AllowUsers ") && !l.starts_with("AuthorizedKeysFile "))
        .map(|l| {
            if l.starts_with("Port ") {
                format!("Port {port}\n")
            } else if l.starts_with("PidFile ") {
                format!("PidFile {}\n", tmp.join("setup-sshd.pid").display())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    config.push_str(printed);
    let config_path = tmp.join("sshd_config");
    std::fs::write(&config_path, &config).expect("write");
    run_ok(Command::new(&e.sshd).arg("-t").arg("-f").arg(&config_path));
    Sshd {
        child: None,
        port,
        config: config_path,
        sshd: e.sshd.clone(),
    }
}

/// What the printed route's drop key may not do on the set-up server (and the one thing
/// it may: create).
fn drop_key_refusals(
    port: u16,
    key_file: &std::path::Path,
    du: &str,
    n: &str,
    tmp: &std::path::Path,
    drop_dir: &std::path::Path,
    before: &[u8],
) {
    let junk = tmp.join("junk");
    std::fs::write(&junk, vec![0u8; 16_384]).expect("junk");
    let (ok, out) = sftp_batch(port, key_file, du, "ls /drop\n");
    assert!(!ok, "list: {out}");
    let (ok, out) = sftp_batch(port, key_file, du, &format!("get /drop/{n} /dev/null\n"));
    assert!(!ok, "read: {out}");
    let (ok, out) = sftp_batch(
        port,
        key_file,
        du,
        &format!("put {} /drop/{n}\n", junk.display()),
    );
    assert!(!ok && out.contains("Permission denied"), "overwrite: {out}");
    let (ok, out) = sftp_batch(port, key_file, du, &format!("chmod 644 /drop/{n}\n"));
    assert!(!ok && out.contains("Permission denied"), "chmod: {out}");
    let (ok, out) = sftp_batch(port, key_file, du, &format!("rm /drop/{n}\n"));
    assert!(!ok && out.contains("Permission denied"), "delete: {out}");
    let (ok, out) = sftp_batch(port, key_file, du, "mkdir /drop/x\n");
    assert!(!ok, "mkdir: {out}");
    // …but can create, which is all it is for.
    let (ok, out) = sftp_batch(
        port,
        key_file,
        du,
        &format!("put {} /drop/new\n", junk.display()),
    );
    assert!(ok, "create: {out}");
    assert_eq!(
        std::fs::read(drop_dir.join(n)).expect("still there"),
        before
    );
}
