//! `hushpost id`: who am I.

use crate::Ctx;
use anyhow::Result;
use serde::Serialize;

/// Show your name, fingerprint and receive routes; `id card` prints your contact card.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    /// `card`: print your card.
    pub sub: Option<Sub>,
}

/// `id` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Print your one-line contact card (give it only to people who may write to you: it
    /// lets them post to you).
    Card {
        /// Also render it as a QR code for the terminal.
        #[arg(long)]
        qr: bool,
    },
}

#[derive(Serialize)]
struct IdJson {
    name: String,
    fingerprint: String,
    fingerprint_hex: String,
    age_recipient: String,
    routes: Vec<String>,
    keyring: Keyring,
}

/// The keyring's state, as `id` reports it.
#[derive(Serialize)]
struct Keyring {
    /// `unlocked` (an agent holds it), `locked`, `open` (this process, passphrase file) or
    /// `unencrypted`.
    state: &'static str,
    /// RFC 3339: when the agent locks it unless used before (null: never, or not held).
    unlocked_until: Option<String>,
    /// The agent's idle timeout in seconds.
    timeout_secs: Option<u64>,
    /// Whether the agent's memory is locked.
    memory_locked: Option<bool>,
}

impl Keyring {
    fn line(&self) -> String {
        match (self.state, &self.unlocked_until) {
            ("unlocked", Some(t)) => format!(
                "unlocked until {t} (an agent holds it; locks after {} without use)",
                humantime::format_duration(std::time::Duration::from_secs(
                    self.timeout_secs.unwrap_or(0)
                ))
            ),
            ("unlocked", None) => "unlocked until `hushpost lock` (an agent holds it)".into(),
            ("locked", _) => "locked — `hushpost unlock` to open it once".into(),
            ("unencrypted", _) => "not encrypted (init --no-passphrase)".into(),
            _ => "open in this process only (no agent)".into(),
        }
    }
}

/// The keyring's state, whether it is open, and — with an unlocked agent — a session on the
/// snapshot it gave: a look, not a use, so `id` does not move the idle deadline.
fn keyring_state(ctx: &Ctx) -> Result<(Keyring, bool, Option<hushpost_ops::Session>)> {
    use hushpost_ops::agent::Access;
    let k = |state, st: Option<&hushpost_ops::agent::Status>| Keyring {
        state,
        unlocked_until: st.and_then(|s| s.expires_at).map(hushpost_ops::rfc3339),
        timeout_secs: st.map(|s| s.timeout_secs),
        memory_locked: st.map(|s| s.memory_locked),
    };
    Ok(match hushpost_ops::agent::peek(&ctx.home)? {
        Access::Unlocked(c, snap) => {
            let st = c.status()?;
            let s = hushpost_ops::Session::attach(ctx.home.clone(), c, *snap)?;
            (k("unlocked", Some(&st)), true, Some(s))
        }
        Access::Plain => (k("unencrypted", None), true, None),
        Access::NeedPassphrase(_) if ctx.passphrase_file.is_some() => (k("open", None), true, None),
        Access::NeedPassphrase(_) => (k("locked", None), false, None),
    })
}

/// `id` with the keyring locked: what `identity.json` says, without asking.
fn locked(ctx: &Ctx, keyring: Keyring) -> Result<()> {
    use hushpost_ops::core::sanitize::one_line;
    let (name, fingerprint) = ctx.home.hint().unwrap_or_default();
    if ctx.ui.json {
        ctx.ui.json_value(&serde_json::json!({
            "name": name, "fingerprint": fingerprint, "routes": null, "keyring": keyring,
        }));
    } else {
        ctx.ui.line(format!("name:        {}", one_line(&name)));
        ctx.ui
            .line(format!("fingerprint: {}", one_line(&fingerprint)));
        // Routes are addresses: they live only inside the encrypted keyring.
        ctx.ui
            .line("route:       (kept in the locked keyring; `hushpost unlock` shows them)");
        ctx.ui.line(format!("keyring:     {}", keyring.line()));
    }
    Ok(())
}

/// Runs `id`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let (keyring, peeked) = if args.sub.is_none() {
        if !ctx.home.has_identity() {
            anyhow::bail!("no hushpost identity here yet — create one with `hushpost init`");
        }
        let (k, open, s) = keyring_state(ctx)?;
        if !open {
            return locked(ctx, k);
        }
        (Some(k), s)
    } else {
        (None, None)
    };
    let s = match peeked {
        Some(s) => s,
        None => ctx.session()?,
    };
    let card = s.card()?;
    match args.sub {
        Some(Sub::Card { qr }) => {
            ctx.ui.line(card.encode());
            if qr {
                ctx.ui.line(card.qr());
            }
        }
        None => {
            let id = IdJson {
                name: s.name().to_string(),
                fingerprint: card.identity.fingerprint().to_string(),
                fingerprint_hex: card.identity.fingerprint().hex(),
                age_recipient: card.identity.age_recipient(),
                routes: s.routes().iter().map(ToString::to_string).collect(),
                keyring: keyring.unwrap_or(Keyring {
                    state: "open",
                    unlocked_until: None,
                    timeout_secs: None,
                    memory_locked: None,
                }),
            };
            if ctx.ui.json {
                ctx.ui.json_value(&id);
            } else {
                ctx.ui.line(format!("name:        {}", id.name));
                ctx.ui.line(format!("fingerprint: {}", id.fingerprint));
                for r in &id.routes {
                    ctx.ui.line(format!("route:       {r}"));
                }
                ctx.ui.line(format!("keyring:     {}", id.keyring.line()));
            }
        }
    }
    Ok(())
}
