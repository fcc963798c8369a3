//! `usage --by namespace`: one row per namespace (team), as a table.

use comfy_table::{Cell, CellAlignment};

use super::table::headed_table;
use super::{Layout, Palette};
use crate::usage::{NamespaceReport, human_size};

pub fn namespace_table(r: &NamespaceReport, palette: Palette, layout: Layout) -> String {
    let mut table = headed_table(
        palette,
        layout,
        true,
        &["IMAGES", "TAGS", "TOTAL", "UNIQUE", "SHARED"],
    );
    let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
    for n in &r.namespaces {
        table.add_row(vec![
            Cell::new(&n.namespace),
            right(n.images.to_string()),
            right(n.tags.to_string()),
            right(human_size(n.total)),
            right(human_size(n.unique)),
            right(human_size(n.shared)),
        ]);
    }
    let mut out = layout.finish(table);
    out.push('\n');
    for n in &r.namespaces {
        for m in &n.not_measured {
            out.push_str(&format!("{}/{}\n", n.namespace, m.sentence()));
        }
    }
    for u in &r.not_measured {
        out.push_str(&format!("{}\n", u.sentence()));
    }
    out.push_str(&format!(
        "Total: {}{} in {} distinct images",
        if r.complete { "" } else { "at least " },
        human_size(r.total),
        r.images
    ));
    if let Some(over) = r.over {
        out.push_str(&format!(
            "; {} namespace{} with no more than {} of their own not shown",
            r.under_threshold,
            if r.under_threshold == 1 { "" } else { "s" },
            human_size(over)
        ));
    }
    out.push_str(" (-o markdown or -o html adds each namespace's streams)\n");
    out
}
