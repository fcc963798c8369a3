//! `report`'s shell: measure, read the contacts, decide the mails (`report::mails`), then print
//! them (`--dry-run`) or send them with lettre.

use std::collections::BTreeMap;

use jiff::Timestamp;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};

use crate::cli::{Config, Report, SMTP_PASSWORD_ENV};
use crate::cluster::{self, Cluster, Scope};
use crate::error::{Error, Result};
use crate::render::Palette;
use crate::report::{Contact, Mail, contacts_of, mails};
use crate::smtp::Smtp;

pub async fn run(cfg: &Config, cluster: &Cluster, r: &Report, palette: Palette) -> Result<()> {
    // Resolve the credentials and check the connection first (TLS, AUTH): a missing or wrong
    // password or an untrusted certificate must not cost a whole measurement of the cluster.
    let transport = match (&r.smtp, r.dry_run) {
        (Some(endpoint), false) => {
            if let Some(text) = endpoint.warning() {
                crate::app::note(&format!("{} {text}", palette.warn("warning:")));
            }
            let smtp = Smtp::new(endpoint.clone(), password(r)?, r.smtp_ca.as_deref())?;
            smtp.check().await?;
            Some(smtp)
        }
        _ => None,
    };
    let scope = Scope::of(cluster);
    let Some(crate::app::Measured {
        acc,
        report: usage,
        not_measured,
    }) = crate::app::measure(
        cfg,
        cluster,
        &scope,
        &r.namespaces,
        &[],
        r.concurrency,
        palette,
    )
    .await?
    else {
        return Ok(());
    };
    let mut report = acc.by_namespace(&usage, Some(r.over));
    report.not_measured = not_measured;
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
        match transport.transport.send(msg).await {
            Ok(_) => println!("sent \"{}\" to {}", m.subject, m.to.join(", ")),
            Err(e) => {
                failed += 1;
                crate::app::note(&format!(
                    "{} could not send \"{}\" to {}: {}",
                    palette.warn("error:"),
                    m.subject,
                    m.to.join(", "),
                    transport.reason(&e)
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

/// The SMTP password: from `--smtp-password-file` (a mounted Secret, its final newline
/// dropped), else from the environment; never from the command line.
fn password(r: &Report) -> Result<Option<String>> {
    let Some(path) = &r.smtp_password_file else {
        return Ok(std::env::var(SMTP_PASSWORD_ENV).ok());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::runtime(format!(
            "cannot read --smtp-password-file {}: {e}",
            path.display()
        ))
    })?;
    Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
}
