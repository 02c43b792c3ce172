//! `hushpost contact`: add, list, show, verify, remove, choose routes.

use crate::Ctx;
use anyhow::{Context, Result};
use hushpost_ops::ContactView;
use hushpost_ops::core::route::{Route, Via};
use hushpost_ops::core::sanitize::one_line;
use std::io::Read;

/// Manage contacts. Adding a contact pins their keys; a key change is never accepted
/// silently. Verify a contact by comparing the safety number with theirs (in person or
/// on a call), then run `contact verify NAME`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    /// What to do.
    pub sub: Sub,
}

impl Args {
    /// Whether JSON output was asked for.
    pub fn json(&self) -> bool {
        matches!(
            self.sub,
            Sub::List { json: true } | Sub::Show { json: true, .. }
        )
    }
}

/// `contact` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Add a contact from their card (`-` reads the card from stdin).
    Add {
        /// Your name for them (what --to uses).
        name: String,
        /// Their `hushpost:…` card, or `-` for stdin.
        card: String,
        /// Also send them a contact request (your card, through their card's intro
        /// mailbox) so they can add you without meeting again.
        #[arg(long)]
        introduce: bool,
        /// A note for the contact request.
        #[arg(long, requires = "introduce", default_value = "")]
        note: String,
        /// Also use the card's routes that point at local places: folders, and loopback or
        /// private addresses. Without it they are listed but not used (a card must not be
        /// able to make your client write into your folders or knock on your own ports);
        /// `contact routes NAME ROUTE…` enables them one by one.
        #[arg(long)]
        allow_local: bool,
    },
    /// How to reach this contact's network routes: `tor` (only ever through the Tor
    /// proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default`
    /// (the `[network] via` of config.toml). Onion routes and routes whose owner asked for
    /// Tor always use Tor.
    Via {
        /// The contact.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::contacts))]
        name: String,
        /// tor, direct or default.
        via: ViaChoice,
    },
    /// Whether a later route of this contact may take mail their first route could not
    /// (`on`), or mail waits in the outbox for the first route (`off`, the default: the
    /// order of their routes is a privacy order, and falling back silently would override
    /// it). `send --fallback` allows it for one message.
    Fallback {
        /// The contact.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::contacts))]
        name: String,
        /// on or off.
        setting: OnOff,
    },
    /// Contact requests received (someone holding your card introduced themselves).
    Requests,
    /// Accept contact request N (from `contact requests`) under your NAME for them.
    Accept {
        /// The request number.
        number: usize,
        /// Your name for them.
        name: String,
        /// Also use the card's routes that point at local places (as `contact add
        /// --allow-local`).
        #[arg(long)]
        allow_local: bool,
    },
    /// Reject contact request N (from `contact requests`): it is dropped and its sender is
    /// not added.
    Reject {
        /// The request number.
        number: usize,
    },
    /// List contacts.
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Show a contact: fingerprint, safety number, verified or not, routes.
    Show {
        /// The contact.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::contacts))]
        name: String,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Mark a contact verified after comparing safety numbers.
    Verify {
        /// The contact.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::contacts))]
        name: String,
    },
    /// Remove a contact (their messages stay).
    Remove {
        /// The contact.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::contacts))]
        name: String,
    },
    /// Show the routes used for a contact, or set which of their card's routes to use and
    /// in what order (no URL after `--reset` means: back to the card's list).
    Routes {
        /// The contact.
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::contacts))]
        name: String,
        /// Routes from their card, in the order to try them.
        urls: Vec<Route>,
        /// Use all of the card's routes in the card's order again.
        #[arg(long, conflicts_with = "urls")]
        reset: bool,
    },
}

/// What a command that changed a contact shows of it: the card's details (`-q`: nothing).
fn show_unless_quiet(ctx: &Ctx, v: &ContactView) {
    if !ctx.ui.quiet {
        show(ctx, v);
    }
}

fn show(ctx: &Ctx, v: &ContactView) {
    ctx.ui.line(format!("name:          {}", one_line(&v.name)));
    ctx.ui
        .line(format!("card name:     {}", one_line(&v.card_name)));
    ctx.ui.line(format!("fingerprint:   {}", v.fingerprint));
    ctx.ui.line(format!("safety number: {}", v.safety_number));
    ctx.ui.line(format!(
        "verified:      {}",
        if v.verified {
            "yes"
        } else {
            "NO — compare the safety number, then `hushpost contact verify`"
        }
    ));
    for (i, p) in v.plans.iter().enumerate() {
        ctx.ui
            .line(format!("route {}:       {}", i + 1, route_line(p)));
    }
    for r in &v.held_local {
        ctx.ui.line(format!(
            "not used:      {} (a local place on their card: `hushpost contact routes {} …` enables it)",
            one_line(r),
            one_line(&v.name)
        ));
    }
}

/// A route with a short statement of what it protects: its dialing plan's badge (the same
/// the inbox shows).
fn route_line(p: &hushpost_ops::ContactRoute) -> String {
    format!("{} ({})", one_line(&p.route), p.badge)
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    /// Allowed.
    On,
    /// Not allowed.
    Off,
}

/// `contact via`'s choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ViaChoice {
    /// Only ever through the Tor proxy.
    Tor,
    /// Direct connections.
    Direct,
    /// The `[network] via` of config.toml.
    Default,
}

/// Runs `contact`.
pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut s = ctx.session()?;
    match args.sub {
        Sub::Via { name, via } => {
            let v = match via {
                ViaChoice::Tor => Some(Via::Tor),
                ViaChoice::Direct => Some(Via::Direct),
                ViaChoice::Default => None,
            };
            let view = s.contact_set_via(&name, v)?;
            ctx.ui.note(format!(
                "{}: {}",
                one_line(&view.name),
                view.via
                    .map_or("default (config.toml)".to_string(), |v| v.to_string())
            ));
            if v == Some(Via::Tor) {
                // Cover ticks on a route keep one shape: when a Tor contact shares one of
                // our own routes, our polls and fetches there move to Tor as well.
                let own: Vec<String> = s.routes().iter().map(ToString::to_string).collect();
                for r in view
                    .plans
                    .iter()
                    .filter(|r| r.cover && own.contains(&r.route))
                {
                    ctx.ui.note(format!(
                        "{} is also your own receive route, with cover traffic: your polls and fetches there now go through Tor too, so that {}'s mail does not stand out",
                        r.label,
                        one_line(&view.name)
                    ));
                }
            }
        }
        Sub::Fallback { name, setting } => {
            let v = s.contact_set_fallback(&name, setting == OnOff::On)?;
            ctx.ui.note(format!(
                "{}: {}",
                one_line(&v.name),
                if setting == OnOff::On {
                    "a later route may take mail the first could not (stderr and --json say when)"
                } else {
                    "mail waits in the outbox for the first route that works in order"
                }
            ));
        }
        Sub::Requests => requests(ctx, &mut s)?,
        Sub::List { .. } => list(ctx, &s),
        Sub::Add {
            name,
            card,
            introduce,
            note,
            allow_local,
        } => add(ctx, &mut s, &name, card, (introduce, allow_local), &note)?,
        Sub::Accept {
            number,
            name,
            allow_local,
        } => {
            let mut v = s.contact_accept(number, &name)?;
            if allow_local {
                v = s.contact_allow_local(&name)?;
            }
            warn_held(ctx, &v);
            ctx.ui.note(format!(
                "added {} — compare the safety number before trusting them",
                one_line(&v.name)
            ));
            show_unless_quiet(ctx, &v);
        }
        Sub::Reject { number } => {
            let r = s.contact_reject(number)?;
            ctx.ui
                .note(format!("rejected the request from {}", one_line(&r.name)));
        }
        Sub::Show { name, .. } => {
            let v = s.contact(&name)?;
            if ctx.ui.json {
                ctx.ui.json_value(&v);
            } else {
                show(ctx, &v);
            }
        }
        Sub::Verify { name } => {
            let v = s.contact_verify(&name)?;
            ctx.ui.note(format!("{} is verified", one_line(&v.name)));
        }
        Sub::Remove { name } => {
            s.contact_remove(&name)?;
            ctx.ui.note(format!("removed {}", one_line(&name)));
        }
        Sub::Routes { name, urls, reset } => {
            let v = if !urls.is_empty() || reset {
                s.contact_set_routes(&name, &urls)?
            } else {
                s.contact(&name)?
            };
            for p in &v.plans {
                ctx.ui.line(route_line(p));
            }
        }
    }
    Ok(())
}

fn requests(ctx: &Ctx, s: &mut hushpost_ops::Session) -> Result<()> {
    let reqs = s.contact_requests()?;
    if reqs.is_empty() {
        ctx.ui.note("no contact requests");
    }
    for r in &reqs {
        let card = hushpost_ops::core::Card::parse(&r.card)?;
        ctx.ui.line(format!(
            "{}. {} — fingerprint {}{}",
            r.number,
            one_line(&r.name),
            card.identity.fingerprint(),
            if r.note.is_empty() {
                String::new()
            } else {
                format!(" — \"{}\"", one_line(&r.note))
            }
        ));
    }
    Ok(())
}

fn list(ctx: &Ctx, s: &hushpost_ops::Session) {
    let all = s.contacts();
    if ctx.ui.json {
        ctx.ui.json_value(&all);
    } else if all.is_empty() {
        ctx.ui
            .note("no contacts yet: add one with `hushpost contact add NAME CARD`");
    } else {
        for v in &all {
            ctx.ui.line(format!(
                "{:<20} {} {}",
                one_line(&v.name),
                v.fingerprint,
                if v.verified {
                    "✓ verified"
                } else {
                    "unverified"
                }
            ));
        }
    }
}

fn add(
    ctx: &Ctx,
    s: &mut hushpost_ops::Session,
    name: &str,
    card: String,
    (introduce, allow_local): (bool, bool),
    note: &str,
) -> Result<()> {
    let text = if card == "-" {
        let mut t = String::new();
        std::io::stdin()
            .read_to_string(&mut t)
            .context("cannot read the card from stdin")?;
        t
    } else {
        card
    };
    // The same person's newer card (same key) updates the contact: say so.
    let existed = s.contacts().iter().any(|c| c.name == name);
    let v = if introduce {
        s.introduce(name, &text, note, allow_local)?
    } else if allow_local {
        match s.contact_add(name, &text) {
            // The same card again, to enable its local routes (what the hint about held
            // routes tells people to do): nothing to add, only that.
            Err(hushpost_ops::Error::ContactExists(_)) => {
                let v = s.contact_allow_local(name)?;
                ctx.ui
                    .note(format!("{}: local routes enabled", one_line(&v.name)));
                show_unless_quiet(ctx, &v);
                return Ok(());
            }
            other => other?,
        };
        s.contact_allow_local(name)?
    } else {
        s.contact_add(name, &text)?
    };
    ctx.ui.note(format!(
        "{} {}{}",
        if existed { "updated" } else { "added" },
        one_line(&v.name),
        if introduce {
            " and sent them a contact request"
        } else {
            ""
        }
    ));
    show_unless_quiet(ctx, &v);
    warn_held(ctx, &v);
    Ok(())
}

/// The line saying which of a new contact's card routes wait for the user's say-so.
fn warn_held(ctx: &Ctx, v: &hushpost_ops::ContactView) {
    if !v.held_local.is_empty() {
        ctx.ui.warn(format!(
            "{}{}",
            one_line(&v.name),
            hushpost_ops::held_note(v)
        ));
    }
}
