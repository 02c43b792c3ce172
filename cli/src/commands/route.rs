//! `hushpost route`: your own receive routes.

use crate::Ctx;
use anyhow::Result;
use hushpost_ops::core::route::Route;
use hushpost_ops::ssh_setup::{SshSetupOptions, host_key_fingerprint};
use std::path::PathBuf;

/// Manage your receive routes. Your card lists them; after a change, give contacts your new
/// card (`hushpost id card`).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    /// What to do with your receive routes.
    pub change: RouteChange,
}

/// `route` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum RouteChange {
    /// Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…,
    /// https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS.
    Add {
        /// The route URL.
        url: String,
    },
    /// List your routes in order.
    List,
    /// Remove a route.
    Remove {
        /// The route URL, as `route list` shows it.
        url: String,
    },
    /// Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key,
    /// the commands to run as root, the sshd_config block, the route to add and the [ssh]
    /// settings for config.toml. Senders log in with the drop key and can only create
    /// files; you fetch with your own key. Changes nothing, here or on the server.
    SshSetup(SshSetupArgs),
}

/// `route ssh-setup` options.
#[derive(Debug, clap::Args)]
pub struct SshSetupArgs {
    /// Host name or address that senders dial.
    #[arg(long)]
    pub host: String,
    /// SSH port.
    #[arg(long, default_value_t = 22)]
    pub port: u16,
    /// The server's host key to pin: SHA256:… (ssh-keygen -lf on the server) or its .pub file.
    #[arg(
        long,
        value_name = "SHA256:…|FILE",
        default_value = "/etc/ssh/ssh_host_ed25519_key.pub"
    )]
    pub host_key: String,
    /// Your public key (the owner's), for fetching. Default: the .pub beside [ssh] key_file.
    #[arg(long, value_name = "FILE")]
    pub owner_key: Option<PathBuf>,
    /// Account that senders log in as (created by the printed commands).
    #[arg(long, default_value = "hpdrop")]
    pub drop_user: String,
    /// Account that you fetch as (created by the printed commands).
    #[arg(long, default_value = "hpowner")]
    pub owner_user: String,
    /// Chroot of both accounts (it and every directory above it must be root-owned).
    #[arg(long, default_value = "/srv/hushpost")]
    pub chroot: PathBuf,
    /// Name of the drop directory inside the chroot.
    #[arg(long, default_value = "drop")]
    pub dir: String,
    /// Root-owned directory for the two accounts' authorized_keys files.
    #[arg(long, default_value = "/etc/ssh/hushpost")]
    pub keys_dir: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `route`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // ssh-setup only prints: it needs no unlocked keyring.
    let sub = match args.change {
        RouteChange::SshSetup(a) => return ssh_setup(ctx, a),
        other => other,
    };
    let mut s = ctx.session()?;
    match sub {
        RouteChange::SshSetup(a) => return ssh_setup(ctx, a),
        RouteChange::Add { url } => {
            let r: Route = url.parse()?;
            s.route_add(r.clone())?;
            ctx.ui.note(format!(
                "added {r}; your card changed — give contacts the new one (hushpost id card)"
            ));
        }
        RouteChange::List => {
            for r in s.routes() {
                ctx.ui.line(r.to_string());
            }
        }
        RouteChange::Remove { url } => {
            let r: Route = url.parse()?;
            s.route_remove(&r)?;
            ctx.ui.note(format!(
                "removed {r}; your card changed — give contacts the new one"
            ));
        }
    }
    Ok(())
}

fn ssh_setup(ctx: &Ctx, a: SshSetupArgs) -> Result<()> {
    let config = hushpost_ops::config::Config::load(&ctx.home.config_file())?;
    let owner_key_file = config.ssh.key_file.clone();
    let owner_pub = match (&a.owner_key, &owner_key_file) {
        // Absolute: the printed config is read from wherever hushpost runs later.
        (Some(p), _) => {
            std::path::absolute(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
        (None, Some(k)) => PathBuf::from(format!("{}.pub", k.display())),
        (None, None) => anyhow::bail!(
            "pass --owner-key FILE.pub (your own public key), or set key_file under [ssh] in {}",
            ctx.home.config_file().display()
        ),
    };
    let owner_public = std::fs::read_to_string(&owner_pub)
        .map_err(|e| anyhow::anyhow!("{}: {e}", owner_pub.display()))?;
    let host_key = host_key_fingerprint(&a.host_key).map_err(|e| {
        anyhow::anyhow!("{e}; pass --host-key SHA256:… (run ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server)")
    })?;
    let setup = hushpost_ops::ssh_setup::ssh_setup(&SshSetupOptions {
        host: a.host.clone(),
        port: a.port,
        host_key,
        owner_public,
        owner_key_file: owner_key_file.or_else(|| {
            // FILE.pub → FILE, when the private half sits beside it.
            let s = owner_pub.to_str()?.strip_suffix(".pub")?;
            std::path::Path::new(s).is_file().then(|| PathBuf::from(s))
        }),
        drop_user: a.drop_user.clone(),
        owner_user: a.owner_user.clone(),
        chroot: a.chroot.clone(),
        dir: a.dir.clone(),
        keys_dir: a.keys_dir.clone(),
    })?;
    if a.json {
        ctx.ui.json_value(&setup);
        return Ok(());
    }
    let ui = &ctx.ui;
    ui.line(format!(
        "# SSH drop on {host}: senders log in as {d} with the drop key in your route and can only\n\
         # create files in {c}/{dir}; you fetch as {o} with your own key.\n",
        host = a.host,
        d = a.drop_user,
        o = a.owner_user,
        c = a.chroot.display(),
        dir = a.dir
    ));
    ui.line(format!("## 1. On {}, as root:\n", a.host));
    ui.line(setup.server_script.trim_end());
    ui.line(
        "\n## 2. Append to /etc/ssh/sshd_config (and add both accounts to any AllowUsers),\n\
         ##    then: sshd -t && systemctl reload ssh\n",
    );
    ui.line(setup.sshd_config.trim_end());
    ui.line("\n## 3. Here: add the route (your card changes; give contacts the new one)\n");
    ui.line(format!("hushpost route add '{}'", setup.route));
    ui.line(format!(
        "\n## 4. Here: in {}\n",
        ctx.home.config_file().display()
    ));
    ui.line(setup.config_toml.trim_end());
    Ok(())
}
