//! `list`: one row per status or spec tag, in `oc describe is`'s order, each with its own
//! source in `oc describe`'s words (an alias is a row of its own, not folded into its target).

use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table, presets};
use jiff::Timestamp;

use super::layout::Sheet;
use super::{Layout, Palette, STALE_REVISIONS, age::ago, short_digest};
use crate::inventory::{Inventory, StreamView, TagKind, TagView};

pub struct TableOptions {
    pub wide: bool,
    /// Show the namespace column (`-A`).
    pub namespaces: bool,
}

pub fn list_table(
    inv: &Inventory,
    opts: &TableOptions,
    palette: Palette,
    layout: Layout,
    now: Timestamp,
) -> String {
    let mut table = headed_table(palette, layout, opts.namespaces, &list_columns(opts));
    for stream in &inv.items {
        for row in list_rows(stream, opts, palette, now) {
            table.add_row(row);
        }
    }
    layout.finish(table)
}

/// `list`'s columns after NAMESPACE (which [`headed_table`] adds for `-A`).
pub fn list_columns(opts: &TableOptions) -> Vec<&'static str> {
    let mut columns = vec![
        "STREAM",
        "TAG",
        "KIND",
        "SOURCE",
        "IMAGE",
        "UPDATED",
        "REVISIONS",
    ];
    if opts.wide {
        columns.push("IMAGE REFERENCE");
    }
    columns
}

/// One stream's rows of `list`, one per tag: what the table holds of it, so that a caller
/// printing page by page needs nothing else of the stream.
pub fn list_rows(
    stream: &StreamView,
    opts: &TableOptions,
    palette: Palette,
    now: Timestamp,
) -> Vec<Vec<Cell>> {
    let mut rows = Vec::with_capacity(stream.tags.len());
    for tag in &stream.tags {
        let mut row = Vec::new();
        if opts.namespaces {
            row.push(Cell::new(&stream.namespace));
        }
        row.push(Cell::new(&stream.name));
        row.push(tag_cell(tag, palette));
        row.push(Cell::new(match tag.kind {
            TagKind::Semver => "semver",
            TagKind::Other => "other",
        }));
        row.push(Cell::new(&tag.source.text));
        let current = tag.current();
        row.push(Cell::new(
            current.map_or("<none>", |r| short_digest(&r.image)),
        ));
        row.push(Cell::new(
            current.map_or_else(|| "<none>".to_owned(), |r| ago(r.created, now)),
        ));
        row.push(revisions_cell(tag.revision_count, palette));
        if opts.wide {
            row.push(Cell::new(
                current.map_or("<none>", |r| r.docker_image_reference.as_str()),
            ));
        }
        rows.push(row);
    }
    rows
}

pub(crate) fn new_table(palette: Palette) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    // Unfitted until [`Layout::finish`] knows the terminal's width: a plain table has none.
    table.set_content_arrangement(ContentArrangement::Disabled);
    if palette.enabled {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// A table whose header is `columns`, after a NAMESPACE column when listing across namespaces.
pub(crate) fn headed_table(
    palette: Palette,
    layout: Layout,
    namespaces: bool,
    columns: &[&str],
) -> Sheet {
    let names: Vec<&str> = namespaces
        .then_some("NAMESPACE")
        .into_iter()
        .chain(columns.iter().copied())
        .collect();
    layout.sheet(
        new_table(palette),
        names.iter().map(|h| head(h, palette)).collect(),
        &names,
    )
}

pub(crate) fn head(text: &str, palette: Palette) -> Cell {
    let cell = Cell::new(text);
    if palette.enabled {
        cell.add_attribute(comfy_table::Attribute::Bold)
    } else {
        cell
    }
}

fn tag_cell(tag: &TagView, palette: Palette) -> Cell {
    let cell = Cell::new(&tag.tag);
    if !palette.enabled {
        return cell;
    }
    match tag.kind {
        TagKind::Semver => cell.fg(Color::DarkGreen),
        TagKind::Other => cell.fg(Color::DarkCyan),
    }
}

fn revisions_cell(n: usize, palette: Palette) -> Cell {
    let cell = Cell::new(n).set_alignment(CellAlignment::Right);
    if palette.enabled && n > STALE_REVISIONS {
        cell.fg(Color::DarkYellow)
    } else {
        cell
    }
}
