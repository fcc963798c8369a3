//! `report`: the weekly mails, decided from a [`NamespaceReport`] and the namespaces'
//! annotations (pure: no I/O). The shell (`mail`) sends or prints them.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::render::{html, markdown};
use crate::usage::{NamespaceReport, human_size};

/// OpenShift's annotation on a project naming who requested it (a user name, sometimes an
/// address): recording seed-001-create-namespace-myproject carries `"openshift.io/requester": "admin"`.
pub const REQUESTER_ANNOTATION: &str = "openshift.io/requester";

/// Who to write to about one namespace, or why nobody.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Contact {
    To(Vec<String>),
    /// No address in the annotations, or the namespace could not be read (the reason).
    Nobody(String),
}

/// One mail: its recipients, subject and both parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The addresses in a namespace's annotations: `contact_key`'s value split on commas,
/// semicolons and spaces, plus `openshift.io/requester` when it is an address. Anything that
/// does not parse as an address is left out.
pub fn contacts_of(annotations: &BTreeMap<String, String>, contact_key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let values = [contact_key, REQUESTER_ANNOTATION]
        .into_iter()
        .filter_map(|k| annotations.get(k));
    for value in values {
        for word in value.split([',', ';', ' ', '\n', '\t']).map(str::trim) {
            if word.parse::<lettre::Address>().is_ok() && !out.iter().any(|o| o == word) {
                out.push(word.to_owned());
            }
        }
    }
    out
}

/// The mails of one report: one per namespace in `report` (already cut by `--over`) that has
/// a contact, and, when `platform_to` is not empty, the summary of all of them, which also
/// names the namespaces nobody could be written to.
pub fn mails(
    report: &NamespaceReport,
    contacts: &BTreeMap<String, Contact>,
    platform_to: &[String],
    now: Timestamp,
) -> Vec<Mail> {
    let mut out = Vec::new();
    let mut nobody = Vec::new();
    for ns in &report.namespaces {
        let contact = contacts
            .get(&ns.namespace)
            .cloned()
            .unwrap_or_else(|| Contact::Nobody("not looked up".into()));
        let to = match contact {
            Contact::To(to) if !to.is_empty() => to,
            Contact::To(_) => {
                nobody.push((ns.namespace.clone(), "no address".to_owned()));
                continue;
            }
            Contact::Nobody(why) => {
                nobody.push((ns.namespace.clone(), why));
                continue;
            }
        };
        let intro = format!(
            "Namespace {} holds {} of registry space of its own{}.\nRemoving old tags and revisions frees it: `oc prunetags prune -n {} --keep N --keep-revisions N`.\n\n",
            ns.namespace,
            human_size(ns.unique),
            threshold_words(report.over),
            ns.namespace
        );
        out.push(Mail {
            to,
            subject: format!(
                "Registry space of {}: {} of its own, {} in total",
                ns.namespace,
                human_size(ns.unique),
                human_size(ns.total)
            ),
            text: intro.clone() + &markdown::namespace_section(ns, true, now),
            html: html::page(
                &format!("Registry space of {}", ns.namespace),
                &format!(
                    "<p>{}</p>\n{}",
                    html::esc(&intro).replace('\n', "<br>"),
                    html::namespace_section(ns, true, now)
                ),
            ),
        });
    }
    if !platform_to.is_empty() {
        let mut text = format!(
            "{} namespaces hold more than {} of their own ({} under it). Total: {} in {} distinct images{}.\n\n",
            report.namespaces.len(),
            human_size(report.over.unwrap_or(0)),
            report.under_threshold,
            human_size(report.total),
            report.images,
            if report.complete {
                ""
            } else {
                " (some images could not be sized)"
            }
        );
        text.push_str(&markdown::namespace_table(&report.namespaces));
        let mut notes = String::new();
        for (ns, why) in &nobody {
            notes.push_str(&format!("- {ns}: not mailed ({why})\n"));
        }
        for ns in &report.namespaces {
            for m in &ns.not_measured {
                notes.push_str(&format!("- {}/{}\n", ns.namespace, m.sentence()));
            }
        }
        for u in &report.not_measured {
            notes.push_str(&format!("- {}\n", u.sentence()));
        }
        if !notes.is_empty() {
            text.push('\n');
            text.push_str(&notes);
        }
        let mut body = format!("<p>{}</p>\n", html::esc(text.lines().next().unwrap_or("")));
        body.push_str(&html::namespace_overview(&report.namespaces));
        if !notes.is_empty() {
            body.push_str("<ul>\n");
            for line in notes.lines() {
                body.push_str(&format!(
                    "<li>{}</li>\n",
                    html::esc(line.trim_start_matches("- "))
                ));
            }
            body.push_str("</ul>\n");
        }
        out.push(Mail {
            to: platform_to.to_vec(),
            subject: format!(
                "Registry space report: {} namespaces over {}",
                report.namespaces.len(),
                human_size(report.over.unwrap_or(0))
            ),
            text,
            html: html::page("Registry space report", &body),
        });
    }
    out
}

fn threshold_words(over: Option<u64>) -> String {
    match over {
        Some(o) if o > 0 => format!(", over the threshold of {}", human_size(o)),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::NamespaceUsage;

    fn ns(name: &str, unique: u64) -> NamespaceUsage {
        NamespaceUsage {
            namespace: name.into(),
            total: unique + 10,
            unique,
            shared: 10,
            ..Default::default()
        }
    }

    #[test]
    fn contacts_come_from_the_annotation_and_an_address_requester() {
        let a: BTreeMap<String, String> = [
            (CONTACT_KEY, "a@example.com, b@example.com;not an address"),
            (REQUESTER_ANNOTATION, "c@example.com"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(
            contacts_of(&a, CONTACT_KEY),
            ["a@example.com", "b@example.com", "c@example.com"]
        );
        // A requester that is a user name, as OpenShift writes it, is nobody to mail.
        let b: BTreeMap<String, String> =
            [(REQUESTER_ANNOTATION.to_owned(), "admin".to_owned())].into();
        assert!(contacts_of(&b, CONTACT_KEY).is_empty());
    }

    const CONTACT_KEY: &str = crate::cli::CONTACT_ANNOTATION;

    #[test]
    fn one_mail_per_contactable_namespace_and_a_summary_naming_the_others() {
        let report = NamespaceReport {
            complete: true,
            total: 100,
            images: 3,
            over: Some(5),
            under_threshold: 1,
            namespaces: vec![ns("big", 50), ns("quiet", 20)],
            not_measured: vec![crate::usage::UnreadNamespace {
                namespace: "locked".into(),
                reason: "forbidden: may not list imagestreams".into(),
            }],
        };
        let contacts: BTreeMap<String, Contact> = [
            (
                "big".to_owned(),
                Contact::To(vec!["team@example.com".into()]),
            ),
            ("quiet".to_owned(), Contact::To(vec![])),
        ]
        .into();
        let m = mails(
            &report,
            &contacts,
            &["ops@example.com".into()],
            Timestamp::now(),
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].to, ["team@example.com"]);
        assert!(m[0].subject.contains("big"), "{}", m[0].subject);
        assert!(m[0].html.contains("<svg"));
        assert_eq!(m[1].to, ["ops@example.com"]);
        assert!(
            m[1].text.contains("quiet: not mailed (no address)"),
            "{}",
            m[1].text
        );
        assert!(
            m[1].text
                .contains("- locked: not measured (forbidden: may not list imagestreams)")
                && m[1].html.contains("<li>locked: not measured (forbidden"),
            "{}",
            m[1].text
        );
        // Without --platform-to there is no summary.
        assert_eq!(mails(&report, &contacts, &[], Timestamp::now()).len(), 1);
    }
}
