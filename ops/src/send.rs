//! Sending: build the RFC 5322 letter, seal one blob set per recipient (never a
//! multi-recipient file), and put it on the first of the contact's routes that works —
//! only routes the user allowed for that contact, in their order.

use crate::error::{Error, Result};
use crate::session::Session;
use hushpost_core::envelope::{self, Draft, Kind, Recipient};
use hushpost_core::letter::{self, Attachment, Letter, Party};
use hushpost_core::route::Route;
use hushpost_core::tags::PairKeys;
use hushpost_core::time::Day;
use hushpost_transports::{DeadDrop, DialOptions, PutOptions, Transport};
use serde::Serialize;
use std::path::PathBuf;

/// What to send.
#[derive(Debug, Default, Clone)]
pub struct SendRequest {
    /// Contact names.
    pub to: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// Files to attach.
    pub attachments: Vec<PathBuf>,
    /// Restrict to one route scheme (`dir`, `ssh`, `https`, `mailto`) or force a dial mode
    /// (`tor`, `direct`).
    pub via: Option<String>,
    /// Message-ID this replies to.
    pub in_reply_to: Option<String>,
    /// Thread ancestry.
    pub references: Vec<String>,
    /// Ask recipients to delete it after this many seconds.
    pub expire_secs: Option<u64>,
    /// Ask recipients to delete it once read.
    pub burn_after_reading: bool,
    /// Send at once even on a route with cover traffic (reveals the moment of sending).
    pub now: bool,
}

/// Where one recipient's copy went.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// The route that took it.
    pub route: String,
    /// Number of blobs.
    pub blobs: usize,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Queued for the next cover-traffic slot of `hushpost poll` rather than sent now.
    pub queued: bool,
}

/// The outcome for one recipient.
#[derive(Debug, Clone, Serialize)]
pub struct RecipientReport {
    /// Contact name.
    pub name: String,
    /// Where it went, if it went.
    pub delivered: Option<Delivery>,
    /// Why each tried route failed.
    pub errors: Vec<String>,
}

/// The outcome of a send.
#[derive(Debug, Clone, Serialize)]
pub struct SendReport {
    /// Local id of the sent copy.
    pub id: Option<i64>,
    /// The Message-ID.
    pub message_id: String,
    /// Per recipient.
    pub recipients: Vec<RecipientReport>,
}

impl SendReport {
    /// Whether every recipient got it.
    pub fn all_delivered(&self) -> bool {
        self.recipients.iter().all(|r| r.delivered.is_some())
    }
}

/// Progress of a send, for progress bars.
#[derive(Debug, Clone, Copy)]
pub struct SendProgress {
    /// Blobs put so far (all recipients).
    pub done: usize,
    /// Blobs in total (all recipients, first route each).
    pub total: usize,
}

const SCHEMES: [&str; 4] = ["dir", "ssh", "https", "mailto"];

impl Session {
    /// Sends a message to one or more contacts.
    pub fn send(
        &mut self,
        req: &SendRequest,
        progress: &mut dyn FnMut(SendProgress),
    ) -> Result<SendReport> {
        if req.to.is_empty() {
            return Err(Error::Invalid("no recipient: use --to NAME".into()));
        }
        if let Some(v) = &req.via
            && !SCHEMES.contains(&v.as_str())
            && v != "tor"
            && v != "direct"
        {
            return Err(Error::Invalid(format!(
                "--via must be one of dir, ssh, https, mailto, tor, direct (got {v:?})"
            )));
        }
        // Everything that can fail locally fails before anything is sent.
        let mut recipients = Vec::new();
        for name in &req.to {
            let view = self.contact(name)?;
            let c = self
                .state
                .contact(name)
                .ok_or_else(|| Error::UnknownContact(name.clone()))?;
            let (card, id) =
                Session::contact_public(c).ok_or_else(|| Error::NoRoute(name.clone()))?;
            let mut routes = self.routes_of(c, &card);
            if let Some(scheme) = req.via.as_deref().filter(|v| SCHEMES.contains(v)) {
                routes.retain(|r| r.scheme() == scheme);
                if routes.is_empty() {
                    return Err(Error::NoRouteVia(name.clone(), scheme.into()));
                }
            }
            if routes.is_empty() {
                return Err(Error::NoRoute(name.clone()));
            }
            recipients.push((view, id, routes));
        }
        let mut attachments = Vec::new();
        for path in &req.attachments {
            let data = std::fs::read(path).map_err(|e| Error::Attachment(path.clone(), e))?;
            let name = hushpost_core::sanitize::file_name(
                &path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            attachments.push(Attachment {
                content_type: letter::guess_type(&name).into(),
                name,
                data,
            });
        }

        let now = self.now();
        let msg_id = envelope::new_msg_id();
        let me = self.identity.public();
        let letter = Letter {
            from: Party {
                name: self.state.name.clone(),
                fingerprint: me.fingerprint().hex(),
            },
            to: recipients
                .iter()
                .map(|(v, id, _)| Party {
                    name: v.card_name.clone(),
                    fingerprint: id.fingerprint().hex(),
                })
                .collect(),
            subject: req.subject.clone(),
            date: now,
            message_id: letter::message_id_for(&msg_id),
            in_reply_to: req.in_reply_to.clone(),
            references: req.references.clone(),
            text: req.text.clone(),
            attachments,
        };
        let has_attachments = !letter.attachments.is_empty();
        let raw = letter::build(&letter);
        drop(letter);
        let expires_at = req.expire_secs.map_or(0, |s| now + s.max(1));

        // Our prekey for each recipient is rotated (if due) and made durable BEFORE anything
        // carrying it leaves: a prekey announced but not saved would make replies unreadable.
        let mut dirty = false;
        let mut prekeys = Vec::new();
        for (view, _, _) in &recipients {
            let idx = self.state.contacts.iter().position(|c| c.name == view.name);
            prekeys.push(idx.and_then(|i| self.outgoing_prekey(i, &mut dirty)));
        }
        if dirty {
            self.save()?;
        }

        let per_recipient = raw.len().div_ceil(envelope::FRAGMENT_CAPACITY) + 1;
        let total = per_recipient * recipients.len();
        let mut done = 0usize;
        let mut reports = Vec::new();
        let mut any = false;
        for ((view, id, routes), prekey) in recipients.iter().zip(prekeys) {
            let key = self.recipient_key(&view.name, id);
            let tag = PairKeys::derive(&self.identity, id)
                .map_err(|e| Error::Invalid(format!("{}: {e}", view.name)))?
                .outgoing
                .tag(Day::of(now));
            let chain_key = format!("chain-out:{}", hex::encode(id.ed));
            let prev_hash = self
                .store()?
                .meta_get(&chain_key)?
                .and_then(|h| hex::decode(h).ok())
                .and_then(|b| b.try_into().ok())
                .unwrap_or([0u8; 32]);
            let mut report = RecipientReport {
                name: view.name.clone(),
                delivered: None,
                errors: Vec::new(),
            };
            let mut this_msg_id = msg_id;
            for route in routes {
                // On a cover-traffic route the blobs wait in the outbox for `poll`'s regular
                // slots, so the moment of sending is not visible; `--now` overrides.
                if self.config.cover.enabled_for(route) && !req.now {
                    let draft = Draft {
                        kind: Kind::Message,
                        msg_id: this_msg_id,
                        prev_hash,
                        sent_at: now,
                        expires_at,
                        burn_after_reading: req.burn_after_reading,
                        prekey,
                        body: &raw,
                    };
                    let outbox = crate::outbox::Outbox::new(&self.home.outbox());
                    if raw.len() > envelope::Bucket::Large.capacity()
                        && self.config.cover.send_large == 0
                    {
                        report.errors.push(format!("{}: this message needs large slots but cover traffic on this route has none (set [cover] send_large, or send with --now)", route_label(route)));
                        continue;
                    }
                    let (mut blobs, mut bytes) = (0usize, 0u64);
                    let sealed = envelope::seal_each(
                        &self.identity,
                        &Recipient { ed: id.ed, key },
                        &draft,
                        &mut |blob| {
                            outbox.enqueue(route, &tag, blob, false)?;
                            blobs += 1;
                            bytes += blob.len() as u64;
                            done += 1;
                            progress(SendProgress { done, total });
                            Ok(())
                        },
                    );
                    match sealed {
                        Ok(sig) => {
                            self.store()?.meta_set(
                                &chain_key,
                                &hex::encode(envelope::chain_hash(&this_msg_id, &sig)),
                            )?;
                            report.delivered = Some(Delivery {
                                route: route_label(route),
                                blobs,
                                bytes,
                                queued: true,
                            });
                            break;
                        }
                        Err(e) => report
                            .errors
                            .push(format!("{}: could not queue: {e}", route_label(route))),
                    }
                    continue;
                }
                let dial = self.dial_options(route, view.via.as_deref(), req.via.as_deref());
                let mut transport =
                    match dial.and_then(|d| Transport::open(route, &d).map_err(Error::from)) {
                        Ok(t) => t,
                        Err(e) => {
                            report.errors.push(format!("{}: {e}", route_label(route)));
                            continue;
                        }
                    };
                let draft = Draft {
                    kind: Kind::Message,
                    msg_id: this_msg_id,
                    prev_hash,
                    sent_at: now,
                    expires_at,
                    burn_after_reading: req.burn_after_reading,
                    prekey,
                    body: &raw,
                };
                let mut blobs = 0usize;
                let mut bytes = 0u64;
                let mut put_err = None;
                let sealed = envelope::seal_each(
                    &self.identity,
                    &Recipient { ed: id.ed, key },
                    &draft,
                    &mut |blob| match transport.put(&tag, blob, PutOptions::default()) {
                        Ok(()) => {
                            blobs += 1;
                            bytes += blob.len() as u64;
                            done += 1;
                            progress(SendProgress { done, total });
                            Ok(())
                        }
                        Err(e) => {
                            let msg = e.to_string();
                            put_err = Some(e);
                            Err(std::io::Error::other(msg))
                        }
                    },
                );
                match (sealed, put_err) {
                    (Ok(sig), _) => {
                        let chain = envelope::chain_hash(&this_msg_id, &sig);
                        self.store()?.meta_set(&chain_key, &hex::encode(chain))?;
                        report.delivered = Some(Delivery {
                            route: route_label(route),
                            blobs,
                            bytes,
                            queued: false,
                        });
                        break;
                    }
                    (Err(_), Some(e)) => report.errors.push(format!("{}: {e}", route_label(route))),
                    (Err(e), None) => report.errors.push(format!("{}: {e}", route_label(route))),
                }
                // A fragmented message that failed half-way is re-sent under a new id so its
                // pieces never mix with the abandoned ones; a single blob keeps its id (the
                // recipient dedupes it if the first copy did land).
                if per_recipient > 2 {
                    this_msg_id = envelope::new_msg_id();
                }
            }
            any |= report.delivered.is_some();
            reports.push(report);
        }

        let id = if any {
            let sent: Vec<String> = reports
                .iter()
                .filter(|r| r.delivered.is_some())
                .map(|r| r.name.clone())
                .collect();
            let parsed = letter::parse(&raw).ok();
            let msg = hushpost_store::NewMessage {
                sender: me.ed,
                msg_id,
                outgoing: true,
                peer: sent.join(", "),
                subject: req.subject.clone(),
                sent_at: now,
                received_at: now,
                message_id: letter::message_id_for(&msg_id),
                in_reply_to: req.in_reply_to.clone(),
                references: req.references.clone(),
                text: parsed.map(|p| p.text).unwrap_or_default(),
                has_attachments,
                expires_at,
                burn: false,
                verified: true,
                prev_hash: [0; 32],
                chain: [0; 32],
                raw: &raw,
            };
            match self.store()?.insert_batch(&[msg])?.first() {
                Some(hushpost_store::Inserted::New(id)) => Some(*id),
                _ => None,
            }
        } else {
            None
        };
        Ok(SendReport {
            id,
            message_id: letter::message_id_for(&msg_id),
            recipients: reports,
        })
    }

    /// The X25519 key to encrypt to: the newest verified, unexpired prekey the contact gave
    /// us, else their identity key.
    fn recipient_key(&self, name: &str, id: &hushpost_core::PublicIdentity) -> [u8; 32] {
        let now = self.now();
        self.state
            .contact(name)
            .and_then(|c| c.their_prekey.as_ref())
            .filter(|p| p.not_after > now)
            .and_then(|p| {
                let key: [u8; 32] = hex::decode(&p.key).ok()?.try_into().ok()?;
                let sig: [u8; 64] = hex::decode(&p.sig).ok()?.try_into().ok()?;
                let spk = envelope::SignedPrekey {
                    key,
                    not_after: p.not_after,
                    sig,
                };
                spk.verify(&id.ed, &self.identity.ed_public())
                    .then_some(key)
            })
            .unwrap_or(id.x)
    }

    /// How to dial a route (see [`dial_for`]).
    pub(crate) fn dial_options(
        &self,
        route: &Route,
        contact_via: Option<&str>,
        cmd_via: Option<&str>,
    ) -> Result<DialOptions> {
        let stored = self.state.mail_password.as_ref().map(|p| p.expose());
        dial_for(
            &self.config,
            &self.routes(),
            route,
            contact_via,
            cmd_via,
            stored,
        )
    }
}

/// How to dial a route. The command's `--via` wins, then the contact's setting, then the
/// global default; a route that demands Tor (an `.onion`, or its owner asked with
/// `via=tor`) never goes direct. Through Tor every call gets fresh SOCKS credentials (Tor's
/// IsolateSOCKSAuth gives it its own circuit), so the drop cannot link one operation to
/// another through a shared circuit. Needs only `config.toml`, so an unattended `poll`
/// dials exactly like an unlocked session — except that a mail password kept in the keyring
/// (`stored`) is only there while it is unlocked.
pub(crate) fn dial_for(
    config: &crate::config::Config,
    own_routes: &[Route],
    route: &Route,
    contact_via: Option<&str>,
    cmd_via: Option<&str>,
    stored_mail_password: Option<&str>,
) -> Result<DialOptions> {
    let net = &config.network;
    let chosen = [cmd_via, contact_via, Some(net.via.as_str())]
        .into_iter()
        .flatten()
        .find(|v| *v == "tor" || *v == "direct");
    let tor = match (route.required_via(), chosen) {
        (Some(hushpost_core::route::Via::Tor), Some("direct")) if cmd_via == Some("direct") => {
            return Err(Error::Invalid(format!(
                "{} only accepts connections over Tor; drop --via direct",
                route_label(route)
            )));
        }
        (Some(hushpost_core::route::Via::Tor), _) => true,
        (_, v) => v == Some("tor"),
    };
    let mut dial = DialOptions {
        proxy: (tor && route.is_network()).then(|| net.tor_proxy.clone()),
        timeout_secs: net.timeout_secs,
        ..DialOptions::default()
    };
    if dial.proxy.is_some() {
        let mut b = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
        dial.isolation = Some((format!("hp-{}", hex::encode(&b[..6])), hex::encode(&b[6..])));
    }
    let ours = own_routes.contains(route);
    // Our SSH key goes only to our own drops, or to a contact's drop that has no drop key
    // (then it is the only way in); the owner login only to our own.
    if let Route::Ssh(r) = route {
        if ours || r.dropkey.is_none() {
            dial.credentials.ssh_key_file = config.ssh.key_file.clone();
            dial.credentials.ssh_agent = config.ssh.agent;
        }
        if ours {
            dial.credentials.ssh_user = config.ssh.user.clone();
        }
    }
    // Our mail account: SMTP to send to any mailto: route, IMAP only to fetch our own.
    // The password command runs here, i.e. only when a mail server is about to be used.
    if let (Route::Mailto(_), Some(acct)) = (route, &config.account) {
        let (smtp, imap) = crate::account::accounts(acct, stored_mail_password)?;
        dial.credentials.smtp = Some(smtp);
        if ours {
            dial.credentials.imap = Some(imap);
        }
    }
    Ok(dial)
}

/// A route as shown to the user: scheme and host or path, never credentials.
pub fn route_label(route: &Route) -> String {
    route.label()
}
