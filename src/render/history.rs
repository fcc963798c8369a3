//! `list --history`: every tag and its revisions, line for line what `oc describe is` prints
//! (openshift/oc `pkg/helpers/describe`: `DescribeImageStream`, `formatMeta` and
//! `formatImageStreamTags`). oc aligns the header with a tabwriter; we pad to one column.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use jiff::{SignedDuration, Timestamp};

use super::{Palette, age::human_duration};
use crate::inventory::{Inventory, StreamView, TagKind, TagView, local_references};

/// The column the header's values start at.
const VALUE_COLUMN: usize = 18;

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

/// `formatString`: `Label:` and the value, one line per line of the value, `<none>` when empty.
fn field(out: &mut String, palette: Palette, label: &str, value: &str) {
    let value = if value.is_empty() { "<none>" } else { value };
    for (i, line) in value.split('\n').enumerate() {
        let label = if i == 0 {
            format!("{label}:")
        } else {
            String::new()
        };
        // Pad before colouring so escape codes do not upset the alignment.
        let pad = " ".repeat(VALUE_COLUMN.saturating_sub(label.len()));
        let _ = writeln!(out, "{}{pad}{line}", palette.heading(&label));
    }
}

/// `formatMapStringString`: one `key=value` per line, keys sorted, `<none>` when empty.
fn map_field(out: &mut String, palette: Palette, label: &str, map: &BTreeMap<&str, &str>) {
    if map.is_empty() {
        return field(out, palette, label, "");
    }
    for (i, (k, v)) in map.iter().enumerate() {
        if i == 0 {
            field(out, palette, label, &format!("{k}={v}"));
        } else {
            let _ = writeln!(out, "{}{k}={v}", " ".repeat(VALUE_COLUMN));
        }
    }
}

pub(crate) fn stream_history(out: &mut String, s: &StreamView, palette: Palette, now: Timestamp) {
    // formatMeta
    field(out, palette, "Name", &s.name);
    if !s.namespace.is_empty() {
        field(out, palette, "Namespace", &s.namespace);
    }
    if let Some(created) = s.created {
        field(out, palette, "Created", &ago(Some(created), now));
    }
    let labels = s.labels.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    map_field(out, palette, "Labels", &labels.collect());
    // formatAnnotations: `description` is printed on its own, before the others.
    let mut annotations: BTreeMap<&str, &str> = s
        .annotations
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Some(d) = annotations.remove("description").filter(|d| !d.is_empty()) {
        field(out, palette, "Description", d);
    }
    map_field(out, palette, "Annotations", &annotations);
    // DescribeImageStream
    field(out, palette, "Image Repository", s.repository());
    field(
        out,
        palette,
        "Image Lookup",
        &format!("local={}", s.image_lookup_local),
    );
    // formatImageStreamTags
    if s.tags.is_empty() {
        return field(out, palette, "Tags", "");
    }
    field(out, palette, "Unique Images", &s.unique_images.to_string());
    field(out, palette, "Tags", &s.tags.len().to_string());
    out.push('\n');

    // A spec tag that ends, through references, at another spec tag is printed only in that
    // tag's heading, `3.8-ubi8 (latest)`; its own revisions are not shown.
    let mut folded = local_references(s);
    let aliases: BTreeSet<&str> = folded.values().flatten().copied().collect();
    for refs in folded.values_mut() {
        crate::inventory::prioritize_tags(refs, |t| t);
    }
    let mut first = true;
    for tag in s.tags.iter().filter(|t| !aliases.contains(t.tag.as_str())) {
        if !first {
            out.push('\n');
        }
        first = false;
        let refs = folded.get(tag.tag.as_str()).map_or(&[][..], Vec::as_slice);
        tag_history(out, tag, refs, palette, now);
    }
}

fn tag_history(out: &mut String, tag: &TagView, refs: &[&str], palette: Palette, now: Timestamp) {
    let name = match tag.kind {
        TagKind::Semver => palette.semver(&tag.tag),
        TagKind::Other => palette.other_tag(&tag.tag),
    };
    if refs.is_empty() {
        let _ = writeln!(out, "{name}");
    } else {
        let _ = writeln!(out, "{name} ({})", refs.join(", "));
    }
    let _ = writeln!(out, "  {}", tag.source.text);
    if tag.insecure {
        let _ = writeln!(out, "    will use insecure HTTPS or HTTP connections");
    }
    if tag.reference_policy.as_deref() == Some("Local") {
        let _ = writeln!(
            out,
            "    prefer registry pullthrough when referencing this tag"
        );
    }
    out.push('\n');

    // The spec tag's annotations the describer knows, then a blank line if any was printed.
    let note = |key: &str| tag.annotations.get(key).filter(|v| !v.is_empty());
    let list = |v: &str| v.split(',').collect::<Vec<_>>().join(", ");
    let mut extra = false;
    if let Some(d) = note("description") {
        let _ = writeln!(out, "  {d}");
        extra = true;
    }
    for (key, label) in [("tags", "Tags"), ("supports", "Supports")] {
        if let Some(v) = note(key) {
            let _ = writeln!(out, "  {label}: {}", list(v));
            extra = true;
        }
    }
    if let Some(v) = note("sampleRepo") {
        let _ = writeln!(out, "  Example Repo: {v}");
        extra = true;
    }
    if extra {
        out.push('\n');
    }

    if tag.importing {
        let _ = writeln!(out, "  ~ importing latest image ...");
    }
    for c in tag.import_failures() {
        let line = format!(
            "! error: Import failed ({}): {}",
            c.reason.as_deref().unwrap_or_default(),
            c.message.as_deref().unwrap_or_default()
        );
        let _ = writeln!(out, "  {}", palette.danger(&line));
        let _ = writeln!(out, "      {}", ago(c.last_transition_time, now));
    }

    for (i, rev) in tag.revisions.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "  * {}", rev.docker_image_reference);
        } else {
            let _ = writeln!(out, "    {}", palette.dim(&rev.docker_image_reference));
        }
        let age = ago(Some(rev.created), now);
        match shown_id(&rev.docker_image_reference, &rev.image) {
            Some(id) => {
                let _ = writeln!(out, "      {age}  {id}");
            }
            None => {
                let _ = writeln!(out, "      {age}");
            }
        }
    }
}

/// The image ID, when the reference does not name it by digest (`ref.ID != id`): a reference
/// by tag, or one whose digest is another (a manifest list's). oc skips it when the reference
/// does not parse; we take an empty one as such.
fn shown_id<'a>(reference: &str, image: &'a str) -> Option<&'a str> {
    if image.is_empty() || reference.is_empty() {
        return None;
    }
    let digest = reference.split_once('@').map_or("", |(_, d)| d);
    (digest != image).then_some(image)
}

/// `units.HumanDuration(now.Sub(t)) + " ago"`, as oc prints every age. Go's `Sub` saturates at
/// about 292 years, which is what a missing time (Go's zero time) reads as; a time in the future
/// reads "Less than a second ago".
fn ago(t: Option<Timestamp>, now: Timestamp) -> String {
    let max = SignedDuration::from_nanos(i64::MAX);
    let d = t.map_or(max, |t| now.duration_since(t).min(max));
    format!("{} ago", human_duration(d))
}
