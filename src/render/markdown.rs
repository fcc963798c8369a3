//! `usage -o markdown`: the same views as the table, as GitHub-flavoured Markdown (a wiki page,
//! an issue, the text part of the weekly mail).

use jiff::Timestamp;

use super::{age::ago, short_digest};
use crate::usage::{NamespaceReport, NamespaceUsage, StreamUsage, UsageReport, human_size};

/// `usage -o markdown`: one table, a row per stream and per tag (and revision with `revisions`).
pub fn streams(r: &UsageReport, revisions: bool, now: Timestamp) -> String {
    let mut out = String::from("# Registry space per image stream\n\n");
    out.push_str(&total_line(r.complete, r.total, r.images));
    out.push_str(&stream_table(&r.streams, revisions, now));
    out
}

/// `usage --by namespace -o markdown`: the namespace table, then each namespace's streams.
pub fn namespaces(r: &NamespaceReport, revisions: bool, now: Timestamp) -> String {
    let mut out = String::from("# Registry space per namespace\n\n");
    out.push_str(&total_line(r.complete, r.total, r.images));
    if let Some(over) = r.over {
        out.push_str(&format!(
            "Namespaces holding more than {} of their own ({} under it not shown).\n\n",
            human_size(over),
            r.under_threshold
        ));
    }
    out.push_str(&namespace_table(&r.namespaces));
    if !r.not_measured.is_empty() {
        out.push('\n');
        for u in &r.not_measured {
            out.push_str(&format!("- {}\n", u.sentence()));
        }
    }
    for ns in &r.namespaces {
        out.push('\n');
        out.push_str(&namespace_section(ns, revisions, now));
    }
    out
}

/// The namespace summary table.
pub fn namespace_table(namespaces: &[NamespaceUsage]) -> String {
    let mut out = String::from(
        "| Namespace | Images | Tags | Total | Unique | Shared |\n|---|--:|--:|--:|--:|--:|\n",
    );
    for n in namespaces {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(&n.namespace),
            n.images,
            n.tags,
            human_size(n.total),
            human_size(n.unique),
            human_size(n.shared)
        ));
    }
    out
}

/// One namespace: its figures, what could not be measured, its streams.
pub fn namespace_section(ns: &NamespaceUsage, revisions: bool, now: Timestamp) -> String {
    let mut out = format!(
        "## {}\n\n{} in total: {} only here, {} shared with other namespaces; {} images, {} tags.\n\n",
        ns.namespace,
        human_size(ns.total),
        human_size(ns.unique),
        human_size(ns.shared),
        ns.images,
        ns.tags
    );
    for m in &ns.not_measured {
        out.push_str(&format!("- {}\n", m.sentence()));
    }
    if !ns.not_measured.is_empty() {
        out.push('\n');
    }
    out.push_str(&stream_table(&ns.streams, revisions, now));
    out
}

fn total_line(complete: bool, total: u64, images: usize) -> String {
    format!(
        "Total: {}{} in {images} distinct images{}.\n\n",
        if complete { "" } else { "at least " },
        human_size(total),
        if complete {
            ""
        } else {
            " (some images could not be sized)"
        }
    )
}

fn stream_table(streams: &[StreamUsage], revisions: bool, now: Timestamp) -> String {
    let mut out = String::from(
        "| Stream / tag / revision | Images | Total | Unique | Shared |\n|---|--:|--:|--:|--:|\n",
    );
    for s in streams {
        out.push_str(&format!(
            "| **{}** | {} | {} | {} | {} |\n",
            cell(&s.name),
            s.images,
            human_size(s.total),
            human_size(s.unique),
            human_size(s.shared)
        ));
        for t in &s.tags {
            out.push_str(&format!(
                "| {}:{} | {} | {} | {} | {} |\n",
                cell(&s.name),
                cell(&t.tag),
                t.images,
                human_size(t.total),
                human_size(t.unique),
                human_size(t.shared)
            ));
            if !revisions {
                continue;
            }
            let mut revs: Vec<_> = t.revisions.iter().collect();
            revs.sort_by_key(|r| r.index);
            for rev in revs {
                let (total, unique, shared) = if rev.sized {
                    (
                        human_size(rev.total),
                        human_size(rev.unique),
                        human_size(rev.shared),
                    )
                } else {
                    ("unknown".into(), String::new(), String::new())
                };
                out.push_str(&format!(
                    "| &nbsp;&nbsp;{}`{}` {} | | {total} | {unique} | {shared} |\n",
                    if rev.index == 0 { "* " } else { "" },
                    short_digest(&rev.image),
                    ago(rev.created.0, now)
                ));
            }
        }
    }
    out
}

/// A table cell: a `|` would end it.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
