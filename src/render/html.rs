//! `usage -o html`: one self-contained page (no scripts, no external assets, inline styles only,
//! as mail clients drop `<style>` sheets and block remote content), with the space as a
//! picture: an inline SVG bar per namespace and per stream, unique beside shared.

use std::fmt::Write;

use jiff::Timestamp;

use super::{age::ago, short_digest};
use crate::usage::{NamespaceReport, NamespaceUsage, StreamUsage, UsageReport, human_size};

/// Width in pixels of the longest bar of a chart; the others are to scale.
pub const BAR_WIDTH: f64 = 400.0;
const UNIQUE_COLOR: &str = "#c0392b";
const SHARED_COLOR: &str = "#95a5a6";

const TABLE: &str = "border-collapse:collapse;font-family:sans-serif;font-size:14px";
const TH: &str = "border:1px solid #ccc;padding:4px 8px;background:#eee;text-align:left";
const TD: &str = "border:1px solid #ccc;padding:4px 8px";
const NUM: &str = "border:1px solid #ccc;padding:4px 8px;text-align:right";

/// `usage -o html`.
pub fn streams(r: &UsageReport, revisions: bool, now: Timestamp) -> String {
    let mut body = String::from("<h1>Registry space per image stream</h1>\n");
    body.push_str(&total_line(r.complete, r.total, r.images));
    body.push_str(&stream_chart(&r.streams));
    body.push_str(&stream_table(&r.streams, revisions, now));
    page("Registry space per image stream", &body)
}

/// `usage --by namespace -o html`.
pub fn namespaces(r: &NamespaceReport, revisions: bool, now: Timestamp) -> String {
    let mut body = String::from("<h1>Registry space per namespace</h1>\n");
    body.push_str(&total_line(r.complete, r.total, r.images));
    if let Some(over) = r.over {
        let _ = writeln!(
            body,
            "<p>Namespaces holding more than {} of their own ({} under it not shown).</p>",
            human_size(over),
            r.under_threshold
        );
    }
    body.push_str(&namespace_overview(&r.namespaces));
    if !r.not_measured.is_empty() {
        body.push_str("<ul class=\"not-measured\">\n");
        for u in &r.not_measured {
            let _ = writeln!(body, "<li>{}</li>", esc(&u.sentence()));
        }
        body.push_str("</ul>\n");
    }
    for ns in &r.namespaces {
        body.push_str(&namespace_section(ns, revisions, now));
    }
    page("Registry space per namespace", &body)
}

/// The namespace chart and table.
pub fn namespace_overview(namespaces: &[NamespaceUsage]) -> String {
    let bars: Vec<Bar> = namespaces
        .iter()
        .map(|n| Bar {
            label: &n.namespace,
            unique: n.unique,
            shared: n.shared,
        })
        .collect();
    let mut out = chart("namespaces", &bars);
    let _ = writeln!(
        out,
        "<table style=\"{TABLE}\"><tr>{}</tr>",
        ["Namespace", "Images", "Tags", "Total", "Unique", "Shared"]
            .map(|h| format!("<th style=\"{TH}\">{h}</th>"))
            .join("")
    );
    for n in namespaces {
        let _ = writeln!(
            out,
            "<tr><td style=\"{TD}\">{}</td>{}{}{}{}{}</tr>",
            esc(&n.namespace),
            num(&n.images.to_string()),
            num(&n.tags.to_string()),
            num(&human_size(n.total)),
            num(&human_size(n.unique)),
            num(&human_size(n.shared)),
        );
    }
    out.push_str("</table>\n");
    out
}

/// One namespace: figures, what could not be measured, its streams as a chart and a table.
pub fn namespace_section(ns: &NamespaceUsage, revisions: bool, now: Timestamp) -> String {
    let mut out = format!(
        "<h2>{}</h2>\n<p>{} in total: <b>{} only here</b>, {} shared with other namespaces; {} images, {} tags.</p>\n",
        esc(&ns.namespace),
        human_size(ns.total),
        human_size(ns.unique),
        human_size(ns.shared),
        ns.images,
        ns.tags
    );
    if !ns.not_measured.is_empty() {
        out.push_str("<ul>\n");
        for m in &ns.not_measured {
            let _ = writeln!(out, "<li>{}</li>", esc(&m.sentence()));
        }
        out.push_str("</ul>\n");
    }
    out.push_str(&stream_chart(&ns.streams));
    out.push_str(&stream_table(&ns.streams, revisions, now));
    out
}

/// A whole HTML document around `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"font-family:sans-serif\">\n{body}</body></html>\n",
        esc(title)
    )
}

fn total_line(complete: bool, total: u64, images: usize) -> String {
    format!(
        "<p>Total: {}{} in {images} distinct images{}. Bars: <span style=\"color:{UNIQUE_COLOR}\">&#9632; unique</span> <span style=\"color:{SHARED_COLOR}\">&#9632; shared</span>.</p>\n",
        if complete { "" } else { "at least " },
        human_size(total),
        if complete {
            ""
        } else {
            " (some images could not be sized)"
        }
    )
}

fn stream_chart(streams: &[StreamUsage]) -> String {
    let bars: Vec<Bar> = streams
        .iter()
        .map(|s| Bar {
            label: &s.name,
            unique: s.unique,
            shared: s.shared,
        })
        .collect();
    chart("streams", &bars)
}

struct Bar<'a> {
    label: &'a str,
    unique: u64,
    shared: u64,
}

const ROW: f64 = 22.0;
const LABEL: f64 = 180.0;

/// A horizontal bar chart: one row per entity, its unique bytes then its shared bytes, scaled
/// so that the largest total is [`BAR_WIDTH`] wide.
fn chart(kind: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.unique + b.shared).max().unwrap_or(0);
    let scale = |bytes: u64| {
        if max == 0 {
            0.0
        } else {
            bytes as f64 / max as f64 * BAR_WIDTH
        }
    };
    let width = LABEL + BAR_WIDTH + 100.0;
    let height = ROW * bars.len() as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{kind}\" width=\"{width}\" height=\"{height}\" role=\"img\" style=\"font-family:sans-serif;font-size:12px\">\n"
    );
    for (i, b) in bars.iter().enumerate() {
        let y = ROW * i as f64;
        let (u, s) = (scale(b.unique), scale(b.shared));
        let _ = writeln!(
            out,
            "<g class=\"bar\" data-name=\"{name}\"><title>{name}: {} unique, {} shared</title>\
<text x=\"0\" y=\"{ty}\">{name}</text>\
<rect class=\"unique\" x=\"{LABEL}\" y=\"{y}\" width=\"{u:.2}\" height=\"16\" fill=\"{UNIQUE_COLOR}\"/>\
<rect class=\"shared\" x=\"{sx:.2}\" y=\"{y}\" width=\"{s:.2}\" height=\"16\" fill=\"{SHARED_COLOR}\"/>\
<text x=\"{tx:.2}\" y=\"{ty}\">{}</text></g>",
            human_size(b.unique),
            human_size(b.shared),
            human_size(b.unique + b.shared),
            name = esc(b.label),
            ty = y + 12.0,
            sx = LABEL + u,
            tx = LABEL + u + s + 4.0,
        );
    }
    out.push_str("</svg>\n");
    out
}

fn stream_table(streams: &[StreamUsage], revisions: bool, now: Timestamp) -> String {
    let mut out = format!(
        "<table style=\"{TABLE}\"><tr>{}</tr>\n",
        [
            "Stream / tag / revision",
            "Images",
            "Total",
            "Unique",
            "Shared"
        ]
        .map(|h| format!("<th style=\"{TH}\">{h}</th>"))
        .join("")
    );
    for s in streams {
        let _ = writeln!(
            out,
            "<tr><td style=\"{TD}\"><b>{}</b></td>{}{}{}{}</tr>",
            esc(&s.name),
            num(&s.images.to_string()),
            num(&human_size(s.total)),
            num(&human_size(s.unique)),
            num(&human_size(s.shared))
        );
        for t in &s.tags {
            let _ = writeln!(
                out,
                "<tr><td style=\"{TD};padding-left:20px\">{}</td>{}{}{}{}</tr>",
                esc(&t.tag),
                num(&t.images.to_string()),
                num(&human_size(t.total)),
                num(&human_size(t.unique)),
                num(&human_size(t.shared))
            );
            if !revisions {
                continue;
            }
            let mut revs: Vec<_> = t.revisions.iter().collect();
            revs.sort_by_key(|r| r.index);
            for rev in revs {
                let figures = if rev.sized {
                    [rev.total, rev.unique, rev.shared]
                        .map(|b| num(&human_size(b)))
                        .join("")
                } else {
                    format!("{}{}{}", num("unknown"), num(""), num(""))
                };
                let _ = writeln!(
                    out,
                    "<tr><td style=\"{TD};padding-left:40px;font-family:monospace\">{}{} {}</td>{}{figures}</tr>",
                    if rev.index == 0 { "* " } else { "" },
                    short_digest(&rev.image),
                    ago(rev.created.0, now),
                    num("")
                );
            }
        }
    }
    out.push_str("</table>\n");
    out
}

fn num(text: &str) -> String {
    format!("<td style=\"{NUM}\">{}</td>", esc(text))
}

/// Text in HTML (and in SVG, which is XML): the five characters that could start markup.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
