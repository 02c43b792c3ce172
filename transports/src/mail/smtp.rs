//! Submission over SMTP with lettre: connect (through the dialer), TLS (implicit or
//! STARTTLS, which must succeed), AUTH, then one mail per blob on the same connection.
//!
//! Must not: send EHLO with the machine's name, authenticate or send anything in the
//! clear (except to an explicitly allowed loopback test server), or let lettre pick TLS
//! settings of its own.

use super::net::{self, Dialer, Security, Stream};
use super::{SmtpAccount, wire};
use crate::Result;
use crate::TransportError;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

/// An authenticated submission session.
pub struct Session {
    conn: AsyncSmtpConnection,
    label: String,
    user: String,
}

fn label(a: &SmtpAccount) -> String {
    format!("SMTP server {}:{}", a.host, a.port)
}

/// Maps a lettre error to what the user can act on.
fn smtp_error(label: &str, user: &str, e: lettre::transport::smtp::Error) -> TransportError {
    let code = e.status().map(u16::from);
    if e.is_timeout() {
        return TransportError::Unreachable {
            host: label.into(),
            reason: "timed out".into(),
        };
    }
    // lettre reports a failed STARTTLS handshake as a connection error.
    let text = e.to_string();
    if e.is_tls() || text.contains("certificate") || text.contains("handshake") {
        return net::tls_error(label, &text.replace("Connection error: ", ""));
    }
    match code {
        Some(535 | 534 | 530 | 538) => net::auth_refused(label, user),
        Some(c) if e.is_transient() => TransportError::Retryable(format!("{label}: {c} {e}")),
        _ if e.is_transient() => TransportError::Retryable(format!("{label}: {e}")),
        _ => TransportError::Protocol(label.into(), e.to_string()),
    }
}

impl Session {
    /// Connects, secures and logs in.
    pub async fn open(acct: &SmtpAccount, dial: &Dialer) -> Result<Session> {
        let label = label(acct);
        let plain_ok = dial.plaintext_ok(&label, &acct.host, acct.allow_plaintext_loopback)?;
        let hello = ClientId::Ipv4(wire::HELO);
        let tcp = dial.tcp(&acct.host, acct.port).await?;
        let t = dial.timeout;
        let with_timeout = |what: &'static str| TransportError::Unreachable {
            host: label.clone(),
            reason: format!("timed out during {what}"),
        };
        let mut conn = match acct.security {
            Security::Implicit => {
                let cfg = net::tls_config(acct.ca_file.as_deref())?;
                let s = net::tls(tcp, &acct.host, cfg, t, &label).await?;
                tokio::time::timeout(
                    t,
                    AsyncSmtpConnection::connect_with_transport(Box::new(s), &hello),
                )
                .await
                .map_err(|_| with_timeout("greeting"))?
                .map_err(|e| smtp_error(&label, &acct.user, e))?
            }
            Security::StartTls => {
                let mut conn = tokio::time::timeout(
                    t,
                    AsyncSmtpConnection::connect_with_transport(
                        Box::new(Stream::Plain(tcp)),
                        &hello,
                    ),
                )
                .await
                .map_err(|_| with_timeout("greeting"))?
                .map_err(|e| smtp_error(&label, &acct.user, e))?;
                if conn.can_starttls() {
                    let params = tls_parameters(acct)?;
                    tokio::time::timeout(t, conn.starttls(params, &hello))
                        .await
                        .map_err(|_| with_timeout("STARTTLS"))?
                        .map_err(|e| smtp_error(&label, &acct.user, e))?;
                } else if plain_ok {
                    tracing::warn!(
                        "{label} offers no TLS; talking in the clear as allow_plaintext_loopback permits"
                    );
                } else {
                    conn.abort().await;
                    return Err(TransportError::NoTls(label));
                }
                conn
            }
        };
        let creds = Credentials::new(acct.user.clone(), acct.password.to_string());
        tokio::time::timeout(t, conn.auth(&[Mechanism::Plain, Mechanism::Login], &creds))
            .await
            .map_err(|_| with_timeout("login"))?
            .map_err(|e| smtp_error(&label, &acct.user, e))?;
        Ok(Session {
            conn,
            label,
            user: acct.user.clone(),
        })
    }

    /// Submits one mail. `Ok` = the server accepted responsibility for it (2xx after DATA).
    pub async fn send(
        &mut self,
        from: &lettre::Address,
        to: &lettre::Address,
        mail: &[u8],
        timeout: std::time::Duration,
    ) -> Result<()> {
        let env = lettre::address::Envelope::new(Some(from.clone()), vec![to.clone()])
            .map_err(|e| TransportError::Protocol(self.label.clone(), e.to_string()))?;
        // lettre ends DATA with CRLF "." CRLF itself; a mail that already ends in CRLF would
        // get an empty line appended, and every stored body would be 1 byte too long.
        let mail = mail.strip_suffix(b"\r\n").unwrap_or(mail);
        tokio::time::timeout(timeout, self.conn.send(&env, mail))
            .await
            .map_err(|_| TransportError::Unreachable {
                host: self.label.clone(),
                reason: "timed out sending".into(),
            })?
            .map_err(|e| smtp_error(&self.label, &self.user, e))?;
        Ok(())
    }

    /// Whether the connection can take another mail.
    pub fn is_usable(&self) -> bool {
        !self.conn.has_broken()
    }

    /// QUIT, best effort.
    pub async fn close(mut self) {
        let _ = self.conn.quit().await;
    }
}

/// lettre's STARTTLS upgrade takes its own parameters: the same policy as
/// [`net::tls_config`] (system roots plus `ca_file`, TLS ≥ 1.2, names verified).
fn tls_parameters(acct: &SmtpAccount) -> Result<TlsParameters> {
    let label = label(acct);
    let mut b = TlsParameters::builder(
        acct.host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    );
    if let Some(f) = &acct.ca_file {
        for c in net::ca_certs(f)? {
            let cert = Certificate::from_der(c.to_vec())
                .map_err(|e| TransportError::Protocol(label.clone(), e.to_string()))?;
            b = b.add_root_certificate(cert);
        }
    }
    b.build_rustls()
        .map_err(|e| TransportError::Protocol(label, e.to_string()))
}
