//! `report`'s shell: measure, read the contacts, decide the mails (`report::mails`), then print
//! them (`--dry-run`) or send them with lettre.

use std::collections::BTreeMap;

use jiff::Timestamp;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::cli::{Config, Report, SMTP_PASSWORD_ENV};
use crate::cluster::{self, Cluster, Scope};
use crate::error::{Error, Result};
use crate::render::Palette;
use crate::report::{Contact, Mail, contacts_of, mails};

pub async fn run(cfg: &Config, cluster: &Cluster, r: &Report, palette: Palette) -> Result<()> {
    // Resolve the SMTP credentials first: a missing password must not cost a whole measurement.
    let transport = match (&r.smtp, r.dry_run) {
        (Some(url), false) => Some(transport(url, r)?),
        _ => None,
    };
    let scope = Scope::of(cluster);
    let Some((acc, usage)) =
        crate::app::measure(cfg, cluster, &scope, &[], r.concurrency, palette).await?
    else {
        return Ok(());
    };
    let report = acc.by_namespace(&usage, Some(r.over));
    let mut contacts = BTreeMap::new();
    for ns in &report.namespaces {
        let contact = match cluster::namespace_annotations(cluster, &ns.namespace).await? {
            Some(a) => Contact::To(contacts_of(&a, &r.contact_annotation)),
            None => Contact::Nobody("the namespace is gone".into()),
        };
        contacts.insert(ns.namespace.clone(), contact);
    }
    let mails = mails(&report, &contacts, &r.platform_to, Timestamp::now());
    let from: Mailbox = r
        .from
        .parse()
        .map_err(|e| Error::usage(format!("invalid --from address {:?}: {e}", r.from)))?;
    let messages: Vec<(Message, &Mail)> = mails
        .iter()
        .map(|m| message(&from, m).map(|msg| (msg, m)))
        .collect::<Result<_>>()?;
    let Some(transport) = transport else {
        let mut out = String::new();
        for (msg, _) in &messages {
            out.push_str(&String::from_utf8_lossy(&msg.formatted()));
            out.push_str("\n\n");
        }
        out.push_str(&format!(
            "{} mail{} not sent (--dry-run); {} namespace{} under {} not mailed.\n",
            messages.len(),
            if messages.len() == 1 { "" } else { "s" },
            report.under_threshold,
            if report.under_threshold == 1 { "" } else { "s" },
            crate::usage::human_size(r.over)
        ));
        return crate::app::print(&out);
    };
    let mut failed = 0;
    for (msg, m) in messages {
        match transport.send(msg).await {
            Ok(_) => println!("sent \"{}\" to {}", m.subject, m.to.join(", ")),
            Err(e) => {
                failed += 1;
                crate::app::note(&format!(
                    "{} could not send \"{}\" to {}: {}",
                    palette.warn("error:"),
                    m.subject,
                    m.to.join(", "),
                    e.to_string().lines().next().unwrap_or_default()
                ));
            }
        }
    }
    if failed > 0 {
        return Err(Error::runtime(format!(
            "{failed} of {} mails could not be sent",
            mails.len()
        )));
    }
    Ok(())
}

fn message(from: &Mailbox, m: &Mail) -> Result<Message> {
    let mut b = Message::builder().from(from.clone()).subject(&m.subject);
    for to in &m.to {
        let to: Mailbox = to
            .parse()
            .map_err(|e| Error::runtime(format!("invalid address {to:?}: {e}")))?;
        b = b.to(to);
    }
    b.multipart(MultiPart::alternative_plain_html(
        m.text.clone(),
        m.html.clone(),
    ))
    .map_err(|e| Error::runtime(format!("cannot build the mail \"{}\": {e}", m.subject)))
}

/// The SMTP transport of `--smtp`: lettre reads the scheme, host, port and `?tls=`; the user
/// name comes from the URL, its password from `--smtp-password-file` or the environment.
fn transport(url: &str, r: &Report) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
    let parsed = url::Url::parse(url)
        .map_err(|e| Error::usage(format!("invalid --smtp URL {url:?}: {e}")))?;
    let password = match &r.smtp_password_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| {
                    Error::runtime(format!(
                        "cannot read --smtp-password-file {}: {e}",
                        path.display()
                    ))
                })?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
        ),
        None => std::env::var(SMTP_PASSWORD_ENV).ok(),
    };
    // Percent-decoded the way lettre decodes a URL's user.
    let user = url::form_urlencoded::parse(
        format!("u={}", parsed.username().replace('+', "%2B")).as_bytes(),
    )
    .map(|(_, v)| v.into_owned())
    .next()
    .unwrap_or_default();
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| Error::usage(format!("invalid --smtp URL {url:?}: {e}")))?;
    match (user.is_empty(), password) {
        (true, None) => {}
        (false, Some(p)) => builder = builder.credentials(Credentials::new(user, p)),
        (false, None) => {
            return Err(Error::usage(format!(
                "the SMTP user {user:?} needs a password: --smtp-password-file PATH or ${SMTP_PASSWORD_ENV}"
            )));
        }
        (true, Some(_)) => {
            return Err(Error::usage(
                "an SMTP password is set but --smtp names no user: write it as smtp://USER@HOST",
            ));
        }
    }
    Ok(builder.build())
}
