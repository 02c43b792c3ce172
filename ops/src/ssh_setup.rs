//! `hushpost route ssh-setup`: everything a user needs to turn an OpenSSH server into an SSH
//! drop — a fresh drop key, the root commands, the `sshd_config` block, the route to add
//! and the `[ssh]` settings — as data; the CLI decides how to show it.
//!
//! The layout (README, "SSH drop: server set-up"): two chrooted, sftp-only accounts. The
//! *drop* account (its key is in the route, so every contact has it) is in the owner's
//! group; the drop directory is owned by the owner, mode 3730 (setgid, sticky, group
//! write+search but no read), so the drop account can create files there but not list
//! them; its internal-sftp runs with umask 0737, so what it creates has no permission for
//! its creator (not even to re-open or truncate it) and only group read (the owner);
//! and `-p` allows only the requests an upload needs (no readdir, read, remove, setstat,
//! posix-rename, link…). The *owner* account (the user's own key) can do everything.
//! Must not: touch the network or the server; it only prints.

use crate::error::{Error, Result};
use hushpost_core::route::Route;
pub use hushpost_transports::ssh::DropKey;
use hushpost_transports::ssh::fingerprint_of_public_line;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// internal-sftp for the drop key: only the requests an upload needs (`realpath` lets a
/// stock `sftp` client start), and a umask that leaves the creator no access to the file.
pub const DROP_SFTP: &str = "internal-sftp -u 0737 -p realpath,open,close,write,fsync,rename";
/// internal-sftp for the owner: everything, files private to the owner.
pub const OWNER_SFTP: &str = "internal-sftp -u 0077";

/// What to set up.
#[derive(Debug, Clone)]
pub struct SshSetupOptions {
    /// Host name or address senders dial.
    pub host: String,
    /// SSH port.
    pub port: u16,
    /// Pinned host key fingerprint (`SHA256:…`).
    pub host_key: String,
    /// The owner's public key line (`ssh-ed25519 AAAA… comment`).
    pub owner_public: String,
    /// The owner's private key file, if known (for the `[ssh]` snippet).
    pub owner_key_file: Option<PathBuf>,
    /// Account senders log in as.
    pub drop_user: String,
    /// Account the owner fetches as.
    pub owner_user: String,
    /// The chroot (root-owned, like every directory above it).
    pub chroot: PathBuf,
    /// The drop directory's name inside the chroot.
    pub dir: String,
    /// Where sshd reads the two accounts' `authorized_keys` (root-owned).
    pub keys_dir: PathBuf,
}

/// Everything to print.
#[derive(Debug, Clone, Serialize)]
pub struct SshSetup {
    /// The route, with pinned host key and drop key (`hushpost route add` it).
    pub route: String,
    /// Commands to run as root on the server (accounts, directories, authorized keys).
    pub server_script: String,
    /// The block to append to `/etc/ssh/sshd_config`.
    pub sshd_config: String,
    /// The `[ssh]` section for our `config.toml`.
    pub config_toml: String,
    /// The drop key's public half (as it appears in `authorized_keys`).
    pub drop_public: String,
}

fn valid_user(u: &str) -> bool {
    let mut b = u.bytes();
    u.len() <= 32
        && b.next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == b'_')
        && b.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-')
}

fn plain_path(p: &Path) -> bool {
    p.is_absolute()
        && p.to_str().is_some_and(|s| {
            s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"/._-".contains(&c))
        })
}

/// Reads a host key fingerprint from `SHA256:…`, a `.pub` file or a public key line.
pub fn host_key_fingerprint(arg: &str) -> Result<String> {
    if arg.starts_with("SHA256:") {
        return Ok(arg.to_string());
    }
    let text = if Path::new(arg).is_file() {
        std::fs::read_to_string(arg).map_err(|e| Error::Io(e, PathBuf::from(arg)))?
    } else {
        arg.to_string()
    };
    fingerprint_of_public_line(text.trim()).ok_or_else(|| {
        Error::Invalid(format!(
            "{arg:?} is neither SHA256:… nor a public host key (try /etc/ssh/ssh_host_ed25519_key.pub)"
        ))
    })
}

/// Refuses options that would not make a safe, working set-up.
fn validate(o: &SshSetupOptions) -> Result<()> {
    for u in [&o.drop_user, &o.owner_user] {
        if !valid_user(u) {
            return Err(Error::Invalid(format!(
                "{u:?} is not a valid account name (lowercase letters, digits, - and _)"
            )));
        }
    }
    if o.drop_user == o.owner_user {
        return Err(Error::Invalid(
            "the drop account and the owner account must differ".into(),
        ));
    }
    for p in [&o.chroot, &o.keys_dir] {
        if !plain_path(p) || p == Path::new("/") {
            return Err(Error::Invalid(format!(
                "{} must be an absolute path of letters, digits, '.', '_', '-' (not /)",
                p.display()
            )));
        }
    }
    if o.dir.is_empty()
        || o.dir.starts_with('.')
        || !o
            .dir
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(&c))
    {
        return Err(Error::Invalid(format!(
            "--dir {:?} must be one directory name",
            o.dir
        )));
    }
    let owner_line = o.owner_public.trim();
    if fingerprint_of_public_line(owner_line).is_none() || owner_line.contains(['\n', '"']) {
        return Err(Error::Invalid(
            "the owner key must be one public key line (ssh-ed25519 AAAA…)".into(),
        ));
    }
    Ok(())
}

/// Builds the set-up with a fresh drop key.
pub fn ssh_setup(o: &SshSetupOptions) -> Result<SshSetup> {
    validate(o)?;
    let owner_line = o.owner_public.trim();
    let key = DropKey::generate();
    let drop_public = key.public_openssh("hushpost-drop");
    let host = if o.host.contains(':') {
        format!("[{}]", o.host)
    } else {
        o.host.clone()
    };
    let port = if o.port == 22 {
        String::new()
    } else {
        format!(":{}", o.port)
    };
    let route_text = format!(
        "ssh://{}@{host}{port}/{}#hostkey={}&dropkey={}",
        o.drop_user,
        o.dir,
        o.host_key,
        key.encode()
    );
    // Parsing it back is the check that the user will be able to add it.
    let route: Route = route_text.parse()?;

    let (du, ou) = (&o.drop_user, &o.owner_user);
    let chroot = o.chroot.display();
    let keys = o.keys_dir.display();
    let server_script = format!(
        "set -eu
# the owner's group also holds the drop account; '*' = no password (keys only), not locked
id {ou} >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --password '*' {ou}
id {du} >/dev/null 2>&1 || useradd --system --user-group --groups {ou} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --password '*' {du}
usermod --append --groups {ou} {du}
# the chroot (and every directory above it) must be root-owned and not writable by others
install -d -o root -g root -m 0755 {chroot} {keys}
# setgid+sticky, owner rwx, group write+search only: the drop account creates, cannot list
install -d -o {ou} -g {ou} -m 3730 {chroot}/{dir}
cat > {keys}/{du} <<'KEYS'
restrict,command=\"{DROP_SFTP}\" {drop_public}
KEYS
cat > {keys}/{ou} <<'KEYS'
restrict,command=\"{OWNER_SFTP}\" {owner_line}
KEYS
chmod 0644 {keys}/{du} {keys}/{ou}
",
        dir = o.dir,
    );
    let block = |u: &str, cmd: &str| {
        format!(
            "Match User {u}
    ChrootDirectory {chroot}
    ForceCommand {cmd}
    AuthorizedKeysFile {keys}/%u
    AuthenticationMethods publickey
    DisableForwarding yes
    PermitTTY no
    PermitTunnel no
"
        )
    };
    let sshd_config = format!(
        "# hushpost SSH drop (hushpost route ssh-setup)\n{}{}Match all\n",
        block(du, DROP_SFTP),
        block(ou, OWNER_SFTP)
    );
    let mut config_toml = format!("[ssh]\nuser = \"{ou}\"\n");
    match &o.owner_key_file {
        Some(k) => config_toml.push_str(&format!(
            "key_file = \"{}\"\n",
            k.display()
                .to_string()
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
        )),
        None => config_toml.push_str("agent = true\n"),
    }
    Ok(SshSetup {
        route: route.to_string(),
        server_script,
        sshd_config,
        config_toml,
        drop_public,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> SshSetupOptions {
        SshSetupOptions {
            host: "mail.example.org".into(),
            port: 2222,
            host_key: "SHA256:jfLBieFDbjbFcysFWqvYC2k5Mqg0Zwm8JaTgHEOP5vs".into(),
            owner_public: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDwffjnvBBilnkmzUyB+ELXFKXGbvP2AJogSER1Z2Jiy me".into(),
            owner_key_file: Some("/home/me/.ssh/id_ed25519".into()),
            drop_user: "hpdrop".into(),
            owner_user: "hpowner".into(),
            chroot: "/srv/hushpost".into(),
            dir: "drop".into(),
            keys_dir: "/etc/ssh/hushpost".into(),
        }
    }

    #[test]
    fn the_route_parses_and_carries_a_fresh_drop_key() {
        let a = ssh_setup(&opts()).expect("setup");
        let b = ssh_setup(&opts()).expect("setup");
        assert_ne!(a.route, b.route, "each run makes a new drop key");
        let r: Route = a.route.parse().expect("route");
        let Route::Ssh(hushpost_core::route::SshRoute {
            user,
            port,
            path,
            dropkey,
            ..
        }) = r
        else {
            panic!("not ssh")
        };
        assert_eq!(
            (user.as_str(), port, path.as_str()),
            ("hpdrop", 2222, "/drop")
        );
        assert!(DropKey::parse(&dropkey.expect("dropkey")).is_ok());
        assert!(a.server_script.contains(&a.drop_public));
        assert!(a.server_script.contains("-m 3730 /srv/hushpost/drop"));
        assert!(
            a.sshd_config
                .contains("ForceCommand internal-sftp -u 0737 -p ")
        );
        assert!(a.config_toml.contains("user = \"hpowner\""));
    }

    #[test]
    fn refuses_what_would_break_the_shell_or_sshd() {
        let mut o = opts();
        o.drop_user = "root; rm".into();
        assert!(ssh_setup(&o).is_err());
        let mut o = opts();
        o.chroot = "/srv/my drop".into();
        assert!(ssh_setup(&o).is_err());
        let mut o = opts();
        o.dir = "../etc".into();
        assert!(ssh_setup(&o).is_err());
        let mut o = opts();
        o.owner_public = "not a key".into();
        assert!(ssh_setup(&o).is_err());
        assert!(host_key_fingerprint("nonsense").is_err());
    }
}
