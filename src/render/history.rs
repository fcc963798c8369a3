//! `list --history`: every revision under its tag, the way `oc describe is` prints it.

use std::collections::BTreeSet;
use std::fmt::Write;

use jiff::Timestamp;

use super::{Palette, age::ago, table::source_text};
use crate::inventory::{Inventory, StreamView, TagKind, TagView};

pub fn history(inv: &Inventory, palette: Palette, now: Timestamp) -> String {
    let mut out = String::new();
    for (i, stream) in inv.items.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        stream_history(&mut out, stream, palette, now);
    }
    out
}

fn stream_history(out: &mut String, s: &StreamView, palette: Palette, now: Timestamp) {
    let field = |out: &mut String, k: &str, v: &str| {
        // Pad before colouring so escape codes do not upset the alignment.
        let label = format!("{k}:");
        let pad = " ".repeat(18usize.saturating_sub(label.len()));
        let _ = writeln!(out, "{}{pad}{v}", palette.heading(&label));
    };
    field(out, "Name", &s.name);
    field(out, "Namespace", &s.namespace);
    field(
        out,
        "Created",
        &s.created
            .map_or_else(|| "<unknown>".into(), |t| ago(t, now)),
    );
    let labels = if s.labels.is_empty() {
        "<none>".to_owned()
    } else {
        s.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    field(out, "Labels", &labels);
    field(
        out,
        "Image Repository",
        if s.image_repository.is_empty() {
            "<none>"
        } else {
            &s.image_repository
        },
    );
    field(out, "Unique Images", &s.unique_images.to_string());
    field(out, "Tags", &s.tags.len().to_string());

    let aliases: BTreeSet<&str> = s
        .tags
        .iter()
        .flat_map(|t| t.aliases.iter().map(String::as_str))
        .collect();
    for tag in &s.tags {
        // An alias is printed in its target's heading, `3.8-ubi8 (latest)`, not on its own.
        if aliases.contains(tag.tag.as_str()) && tag.is_alias_in(s) {
            continue;
        }
        out.push('\n');
        tag_history(out, s, tag, palette, now);
    }
}

fn tag_history(out: &mut String, s: &StreamView, tag: &TagView, palette: Palette, now: Timestamp) {
    let name = match tag.kind {
        TagKind::Semver => palette.semver(&tag.tag),
        TagKind::Other => palette.other_tag(&tag.tag),
    };
    if tag.aliases.is_empty() {
        let _ = writeln!(out, "{name}");
    } else {
        let _ = writeln!(out, "{name} ({})", tag.aliases.join(", "));
    }
    let _ = writeln!(out, "  {}", source_text(tag, &s.namespace));
    if tag.reference_policy.as_deref() == Some("Local") {
        let _ = writeln!(
            out,
            "    prefer registry pullthrough when referencing this tag"
        );
    }
    out.push('\n');
    if tag.revisions.is_empty() {
        let _ = writeln!(out, "  {}", palette.dim("no image imported yet"));
        return;
    }
    for (i, rev) in tag.revisions.iter().enumerate() {
        let mark = if i == 0 { "*" } else { " " };
        let reference = if i == 0 {
            rev.docker_image_reference.clone()
        } else {
            palette.dim(&rev.docker_image_reference)
        };
        let _ = writeln!(out, "  {mark} {reference}");
        let _ = writeln!(out, "      {}", ago(rev.created, now));
    }
}
