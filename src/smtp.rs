//! The SMTP connection of `report --smtp`: what the URL asks for (TLS, user), the rules it must
//! follow before any mail goes out, the check made before the cluster is measured, and what a
//! failure of lettre means in one sentence.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::{Error, Result};

/// How the connection is protected, from the URL's scheme and `?tls=` (lettre's own reading of
/// a connection URL, whose default ports it keeps: 25, 587 with `?tls=`, 465 for smtps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: plain text.
    Plain,
    /// `smtp://…?tls=opportunistic`: STARTTLS when the server offers it, else plain text.
    /// Whoever sits in between can strip the offer, so the rules below count it as plain.
    Opportunistic,
    /// `smtp://…?tls=required`: STARTTLS or no connection.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    Implicit,
}

/// A parsed `--smtp` URL.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// The host as TLS checks the certificate against it (an IPv6 address without brackets).
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// The AUTH user, percent-decoded.
    pub user: Option<String>,
    /// The name to greet with (the URL's path, as lettre reads it).
    pub hello: Option<String>,
    loopback: bool,
}

impl Endpoint {
    /// Reads an `--smtp` URL and enforces what can be known without connecting: a password
    /// never in the URL, and no AUTH in plain text to another machine.
    pub fn parse(text: &str) -> Result<Endpoint> {
        let invalid = |why: &str| Error::usage(format!("invalid --smtp URL {text:?}: {why}"));
        let url = url::Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
        if url.password().is_some() {
            return Err(Error::usage(
                "--smtp must not hold a password (the command line is visible to every user of the machine): use --smtp-password-file or $PRUNETAGS_SMTP_PASSWORD",
            ));
        }
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => Security::Plain,
            ("smtp", Some("opportunistic")) => Security::Opportunistic,
            ("smtp", Some("required")) => Security::StartTls,
            ("smtp", Some(_)) => return Err(invalid("?tls= takes required or opportunistic")),
            ("smtps", None) => Security::Implicit,
            ("smtps", Some(_)) => {
                return Err(invalid(
                    "smtps:// is TLS from the first byte and takes no ?tls=",
                ));
            }
            _ => return Err(invalid("the scheme must be smtp or smtps")),
        };
        let (host, loopback) = match url.host() {
            // smtp is not a scheme the URL standard knows: an IPv4 address stays a "domain".
            Some(url::Host::Domain(d)) => (
                d.to_owned(),
                d.eq_ignore_ascii_case("localhost")
                    || d.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()),
            ),
            Some(url::Host::Ipv4(ip)) => (ip.to_string(), ip.is_loopback()),
            Some(url::Host::Ipv6(ip)) => (ip.to_string(), IpAddr::V6(ip).is_loopback()),
            None => return Err(invalid("it names no host")),
        };
        let port = url.port().unwrap_or(match security {
            Security::Plain => 25,
            Security::Opportunistic | Security::StartTls => 587,
            Security::Implicit => 465,
        });
        // Percent-decoded the way lettre decodes a URL's user.
        let user = url::form_urlencoded::parse(
            format!("u={}", url.username().replace('+', "%2B")).as_bytes(),
        )
        .map(|(_, v)| v.into_owned())
        .next()
        .filter(|u| !u.is_empty());
        let hello = Some(url.path().trim_matches('/').to_owned()).filter(|p| !p.is_empty());
        let endpoint = Endpoint {
            host,
            port,
            security,
            user,
            hello,
            loopback,
        };
        // A relay on this machine (a sidecar in the same pod) is reached without a network in
        // between; anywhere else a password in plain text is anyone's who can see the traffic.
        if let Some(user) = &endpoint.user
            && !endpoint.encrypted()
            && !endpoint.loopback
        {
            return Err(Error::usage(format!(
                "refusing to send the password of SMTP user {user:?} to {} unencrypted: use smtps://HOST or smtp://HOST?tls=required",
                endpoint.address()
            )));
        }
        Ok(endpoint)
    }

    /// `host:port`, as messages name the server.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Whether the connection is sure to be encrypted (opportunistic STARTTLS is not).
    pub fn encrypted(&self) -> bool {
        matches!(self.security, Security::StartTls | Security::Implicit)
    }

    /// What to warn about before sending: mail in plain text over a network. Plain SMTP to a
    /// relay elsewhere is still allowed (many in-cluster relays on port 25 speak nothing else,
    /// and the report holds sizes, not secrets), but never silently.
    pub fn warning(&self) -> Option<String> {
        if self.loopback || self.encrypted() {
            return None;
        }
        let how = match self.security {
            Security::Opportunistic => {
                "may go unencrypted: ?tls=opportunistic falls back to plain text when STARTTLS is not offered"
            }
            _ => "goes unencrypted",
        };
        Some(format!(
            "the mail to {} {how}, readable by anyone on the network in between; smtps:// or ?tls=required encrypt it",
            self.address()
        ))
    }
}

/// A checked-out SMTP transport and the endpoint it talks to.
pub struct Smtp {
    pub endpoint: Endpoint,
    pub transport: AsyncSmtpTransport<Tokio1Executor>,
}

/// How long one SMTP exchange may take: a relay that does not answer fails the job in
/// seconds, not after lettre's default minute.
const TIMEOUT: Duration = Duration::from_secs(20);

impl Smtp {
    /// The transport for `endpoint`: the password (already read), and `ca`, a PEM file of
    /// certificate authorities trusted besides the system's (a platform's relay often has a
    /// certificate from the cluster's own CA).
    pub fn new(endpoint: Endpoint, password: Option<String>, ca: Option<&Path>) -> Result<Smtp> {
        let mut tls = TlsParameters::builder(endpoint.host.clone());
        if let Some(path) = ca {
            for der in ca_certificates(path)? {
                let cert = Certificate::from_der(der.to_vec())
                    .map_err(|e| Error::runtime(format!("--smtp-ca {}: {e}", path.display())))?;
                tls = tls.add_root_certificate(cert);
            }
        }
        let tls = || {
            tls.clone()
                .build()
                .map_err(|e| Error::runtime(format!("cannot set up TLS for SMTP: {e}")))
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&endpoint.host)
            .port(endpoint.port)
            .timeout(Some(TIMEOUT));
        builder = match endpoint.security {
            Security::Plain => builder,
            Security::Opportunistic => builder.tls(Tls::Opportunistic(tls()?)),
            Security::StartTls => builder.tls(Tls::Required(tls()?)),
            Security::Implicit => builder.tls(Tls::Wrapper(tls()?)),
        };
        if let Some(hello) = &endpoint.hello {
            builder = builder.hello_name(ClientId::Domain(hello.clone()));
        }
        match (&endpoint.user, password) {
            (None, None) => {}
            (Some(user), Some(p)) => {
                builder = builder.credentials(Credentials::new(user.clone(), p))
            }
            (Some(user), None) => {
                return Err(Error::usage(format!(
                    "the SMTP user {user:?} needs a password: --smtp-password-file PATH or ${}",
                    crate::cli::SMTP_PASSWORD_ENV
                )));
            }
            (None, Some(_)) => {
                return Err(Error::usage(
                    "an SMTP password is set but --smtp names no user: write it as smtp://USER@HOST",
                ));
            }
        }
        Ok(Smtp {
            endpoint,
            transport: builder.build(),
        })
    }

    /// Connects, greets, starts TLS and logs in as a send would, then quits: a wrong password
    /// or an untrusted certificate is found in a second, before minutes of measuring.
    pub async fn check(&self) -> Result<()> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::runtime(format!(
                "cannot send mail: {} did not answer NOOP",
                self.endpoint.address()
            ))),
            Err(e) => Err(Error::runtime(format!(
                "cannot send mail: {}",
                self.reason(&e)
            ))),
        }
    }

    /// One sentence for what lettre reports, naming the server and, where there is one, the fix.
    pub fn reason(&self, e: &lettre::transport::smtp::Error) -> String {
        use rustls::CertificateError as C;
        let addr = self.endpoint.address();
        let io = find::<std::io::Error>(e);
        if let Some(tls) = find::<rustls::Error>(e) {
            return match tls {
                rustls::Error::InvalidCertificate(C::UnknownIssuer) => format!(
                    "the certificate of {addr} is not trusted; --smtp-ca FILE trusts a private CA"
                ),
                rustls::Error::InvalidCertificate(
                    C::NotValidForName | C::NotValidForNameContext { .. },
                ) => format!(
                    "the certificate of {addr} is not valid for {:?}",
                    self.endpoint.host
                ),
                rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
                    format!("the certificate of {addr} has expired")
                }
                other => format!("the TLS handshake with {addr} failed: {other}"),
            };
        }
        if let Some(code) = e.status() {
            let text = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let text = text.lines().next().unwrap_or_default();
            // 535 bad credentials, 534 mechanism too weak, 538 encryption needed, 454
            // temporary failure (RFC 4954): only AUTH answers these.
            if let Some(user) = &self.endpoint.user
                && matches!(code.to_string().as_str(), "535" | "534" | "538" | "454")
            {
                return format!("the SMTP server {addr} rejected user {user:?} ({code} {text})");
            }
            return format!("{addr} answered {code} {text}");
        }
        if e.is_timeout() {
            return format!("{addr} did not answer within {}s", TIMEOUT.as_secs());
        }
        let text = e.to_string();
        if text.contains("STARTTLS is not supported") {
            return format!("{addr} does not offer STARTTLS, which ?tls=required asks for");
        }
        if text.contains("No compatible authentication mechanism") {
            return format!(
                "{addr} offers no AUTH mechanism this tool speaks (PLAIN, LOGIN) on this connection"
            );
        }
        if let Some(io) = io {
            return format!("cannot connect to {addr}: {io}");
        }
        format!("{addr}: {}", text.lines().next().unwrap_or_default().trim())
    }
}

/// The first error of type `T` in `e`'s chain, looking inside I/O errors too (lettre wraps the
/// TLS handshake's rustls error in an I/O error, itself in one or two of its own).
fn find<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut next = Some(e);
    while let Some(e) = next {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        // io::Error's source() skips the error it wraps: get_ref() is that error.
        next = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// The certificates of a PEM file: at least one, or an error that says which file is wrong.
fn ca_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::runtime(format!("cannot read --smtp-ca {}: {e}", path.display())))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::runtime(format!("--smtp-ca {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::runtime(format!(
            "--smtp-ca {} holds no PEM certificate",
            path.display()
        )));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_tls_choose_the_security_and_lettres_default_ports() {
        let e = |u: &str| Endpoint::parse(u).unwrap();
        assert_eq!(
            (e("smtp://127.0.0.1").security, e("smtp://127.0.0.1").port),
            (Security::Plain, 25)
        );
        let s = e("smtp://relay.example.com?tls=required");
        assert_eq!((s.security, s.port), (Security::StartTls, 587));
        let s = e("smtps://relay.example.com");
        assert_eq!((s.security, s.port), (Security::Implicit, 465));
        let s = e("smtp://relay.example.com:2525?tls=opportunistic");
        assert_eq!((s.security, s.port), (Security::Opportunistic, 2525));
        assert_eq!(e("smtp://[::1]:25").address(), "[::1]:25");
    }

    #[test]
    fn auth_in_plain_text_only_to_this_machine() {
        assert!(Endpoint::parse("smtp://u@127.0.0.1:25").is_ok());
        assert!(Endpoint::parse("smtp://u@localhost").is_ok());
        assert!(Endpoint::parse("smtp://u@relay.example.com?tls=required").is_ok());
        assert!(Endpoint::parse("smtps://u@relay.example.com").is_ok());
        for url in [
            "smtp://u@relay.example.com",
            "smtp://u@10.0.0.1?tls=opportunistic",
        ] {
            let e = Endpoint::parse(url).unwrap_err();
            assert!(e.message.contains("refusing to send the password"), "{e}");
        }
    }

    #[test]
    fn plain_text_to_another_machine_warns() {
        let w = |u: &str| Endpoint::parse(u).unwrap().warning();
        assert_eq!(w("smtp://127.0.0.1:2525"), None);
        assert_eq!(w("smtp://relay.example.com?tls=required"), None);
        assert!(
            w("smtp://relay.example.com")
                .unwrap()
                .contains("goes unencrypted")
        );
        assert!(
            w("smtp://relay.example.com?tls=opportunistic")
                .unwrap()
                .contains("may go unencrypted")
        );
    }

    #[test]
    fn users_are_percent_decoded() {
        let e = Endpoint::parse("smtp://mailer%40example.com@127.0.0.1").unwrap();
        assert_eq!(e.user.as_deref(), Some("mailer@example.com"));
    }
}
