//! The prune plan as a table, and the final report.

use comfy_table::{Attribute, Cell, Color};
use jiff::Timestamp;

use super::table::headed_table;
use super::{Layout, Palette, age::ago, short_digest};
use crate::cluster::{ApplyReport, Outcome, TrimOutcome};
use crate::plan::{Action, Plan, Reason};

/// One row per tag: what happens to it and why.
pub fn plan_table(
    plan: &Plan,
    palette: Palette,
    layout: Layout,
    now: Timestamp,
    namespaces: bool,
) -> String {
    let mut table = headed_table(
        palette,
        layout,
        namespaces,
        &["STREAM", "TAG", "ACTION", "WHY", "IMAGE", "UPDATED"],
    );
    for s in &plan.streams {
        for t in &s.tags {
            let mut row = Vec::new();
            if namespaces {
                row.push(Cell::new(&s.namespace));
            }
            row.push(Cell::new(&s.name));
            row.push(Cell::new(&t.tag));
            // `untouched` is dimmed, not coloured: grey is white on many palettes, unreadable
            // on a light background; dim derives from the terminal's own foreground.
            let (action, colour) = match t.action {
                Action::Delete => ("delete".to_owned(), Some(Color::DarkRed)),
                Action::Keep if !t.trim.is_empty() => (
                    format!("keep, trim {}", t.trim.len()),
                    Some(Color::DarkYellow),
                ),
                Action::Keep if t.is_protected() => ("keep".to_owned(), Some(Color::DarkYellow)),
                Action::Keep
                    if matches!(t.reason(), Some(Reason::NotMatched | Reason::NotAVersion)) =>
                {
                    ("untouched".to_owned(), None)
                }
                Action::Keep => ("keep".to_owned(), Some(Color::DarkGreen)),
            };
            let cell = Cell::new(action);
            row.push(match colour {
                _ if !palette.enabled => cell,
                Some(c) => cell.fg(c),
                None => cell.add_attribute(Attribute::Dim),
            });
            row.push(Cell::new(
                t.reasons
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ));
            row.push(Cell::new(
                t.digest.as_deref().map_or("<none>", short_digest),
            ));
            row.push(Cell::new(
                t.created
                    .map_or_else(|| "<none>".to_owned(), |c| ago(c, now)),
            ));
            table.add_row(row);
        }
    }
    layout.finish(table)
}

/// "delete 16 tags in 1 image stream in namespace "mynamespace" on context "x"".
pub fn summary(plan: &Plan, scope: &str, context: &str) -> String {
    let streams = plan
        .streams
        .iter()
        .filter(|s| s.delete_count() > 0 || s.trim_count() > 0)
        .count();
    format!(
        "{} in {} {scope} on context {context:?}",
        actions(plan),
        plural(streams, "image stream")
    )
}

/// What the plan does, without where: `delete 16 tags and trim 3 old revisions`.
pub fn actions(plan: &Plan) -> String {
    let mut parts = Vec::new();
    if plan.delete_count() > 0 {
        parts.push(format!("delete {}", plural(plan.delete_count(), "tag")));
    }
    if plan.trim_count() > 0 {
        parts.push(format!(
            "trim {}",
            plural(plan.trim_count(), "old revision")
        ));
    }
    parts.join(" and ")
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closing report: counts, then every tag that was not deleted as planned, with why.
pub fn report(apply: &ApplyReport, trims: &[TrimOutcome], palette: Palette) -> String {
    let deleted = apply.count(|o| matches!(o, Outcome::Deleted));
    let gone = apply.count(|o| matches!(o, Outcome::AlreadyGone));
    let skipped = apply.count(|o| matches!(o, Outcome::Skipped { .. }));
    let failed = apply.failed();
    let not_sent = apply.count(|o| matches!(o, Outcome::NotSent { .. }));
    let mut out =
        format!("deleted {deleted}, already gone {gone}, skipped {skipped}, failed {failed}");
    if not_sent > 0 {
        out.push_str(&format!(", not sent {not_sent}"));
    }
    let trimmed: usize = trims.iter().map(|t| t.trimmed).sum();
    if !trims.is_empty() {
        out.push_str(&format!("; trimmed {}", plural(trimmed, "revision")));
    }
    if apply.retries > 0 {
        out.push_str(&format!(
            " ({} retried)",
            plural(apply.retries as usize, "request")
        ));
    }
    out.push('\n');
    for (d, o) in &apply.results {
        let line = match o {
            Outcome::Skipped { reason } => palette.warn(&format!(
                "skipped {}:{} ({}): {reason}",
                d.stream, d.tag, d.namespace
            )),
            Outcome::Failed { reason } => palette.danger(&format!(
                "failed {}:{} ({}): {reason}",
                d.stream, d.tag, d.namespace
            )),
            _ => continue,
        };
        out.push_str(&line);
        out.push('\n');
    }
    for t in trims.iter().filter(|t| t.error.is_some()) {
        out.push_str(&palette.danger(&format!(
            "could not trim {} ({}): {}",
            t.stream,
            t.namespace,
            t.error.as_deref().unwrap_or_default()
        )));
        out.push('\n');
    }
    // Not-sent tags are counted, never listed: a signal in a 16,000-tag run is one line.
    if apply.interrupted {
        out.push_str(&palette.warn(&format!(
            "interrupted: {} not sent; run again to finish",
            plural(not_sent, "delete")
        )));
        out.push('\n');
    } else if not_sent > 0 {
        out.push_str(&palette.warn(&format!(
            "{} not sent after an earlier delete was forbidden",
            plural(not_sent, "delete")
        )));
        out.push('\n');
    }
    if deleted > 0 {
        out.push_str("The images stay in the registry until the cluster's image pruner (oc adm prune images) reclaims them.\n");
    }
    out
}
