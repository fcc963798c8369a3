//! `usage`: space per stream, tag and revision, as a tree in one table.

use comfy_table::{Cell, CellAlignment, Color};
use jiff::Timestamp;

use super::table::headed_table;
use super::{Layout, Palette, age::ago, short_digest};
use crate::usage::{UsageReport, human_size};

pub struct UsageOptions {
    /// Show only the N streams with the most unique bytes.
    pub top: Option<usize>,
    /// One row per revision under each tag.
    pub revisions: bool,
    pub namespaces: bool,
}

pub fn usage_table(
    r: &UsageReport,
    opts: &UsageOptions,
    palette: Palette,
    layout: Layout,
    now: Timestamp,
) -> String {
    let mut table = headed_table(
        palette,
        layout,
        opts.namespaces,
        &[
            "STREAM / TAG / REVISION",
            "IMAGES",
            "TOTAL",
            "UNIQUE",
            "SHARED",
        ],
    );
    let streams = match opts.top {
        Some(n) => r.top(n),
        None => &r.streams[..],
    };
    // The heaviest stream stands out: it is where to look first.
    let heaviest = streams
        .first()
        .map(|s| (s.namespace.clone(), s.name.clone()));
    for s in streams {
        let heavy = palette.enabled
            && s.unique > 0
            && heaviest == Some((s.namespace.clone(), s.name.clone()));
        let name = Cell::new(&s.name);
        let mut row = Vec::new();
        if opts.namespaces {
            row.push(Cell::new(&s.namespace));
        }
        row.push(if heavy {
            name.fg(Color::DarkRed)
                .add_attribute(comfy_table::Attribute::Bold)
        } else {
            name
        });
        row.extend(figures(
            s.images,
            s.total,
            s.unique,
            s.shared,
            s.unsized_images,
        ));
        table.add_row(row);
        for t in &s.tags {
            let mut row = Vec::new();
            if opts.namespaces {
                row.push(Cell::new(""));
            }
            row.push(Cell::new(format!("  {}", t.tag)));
            row.extend(figures(
                t.images,
                t.total,
                t.unique,
                t.shared,
                t.unsized_images,
            ));
            table.add_row(row);
            if !opts.revisions {
                continue;
            }
            let mut revs: Vec<_> = t.revisions.iter().collect();
            revs.sort_by_key(|r| r.index);
            for rev in revs {
                let mut row = Vec::new();
                if opts.namespaces {
                    row.push(Cell::new(""));
                }
                let mark = if rev.index == 0 { "*" } else { " " };
                row.push(Cell::new(format!(
                    "    {mark} {} {}",
                    short_digest(&rev.image),
                    ago(rev.created.0, now)
                )));
                row.push(Cell::new(""));
                if rev.sized {
                    row.extend([rev.total, rev.unique, rev.shared].map(size_cell));
                } else {
                    row.extend(
                        ["unknown", "", ""]
                            .map(|s| Cell::new(s).set_alignment(CellAlignment::Right)),
                    );
                }
                table.add_row(row);
            }
        }
    }
    let mut out = layout.finish(table);
    let unsized_note = if r.complete {
        String::new()
    } else {
        format!(
            " (incomplete: {} of them could not be sized, see the warnings)",
            r.unsized_images.len()
        )
    };
    out.push_str(&format!(
        "\nTotal: {}{} in {} distinct images{unsized_note}{}\n",
        if r.complete { "" } else { "at least " },
        human_size(r.total),
        r.images,
        if opts.top.is_some_and(|n| n < r.streams.len()) {
            format!(
                " (showing {} of {} image streams)",
                streams.len(),
                r.streams.len()
            )
        } else {
            String::new()
        }
    ));
    out
}

fn figures(
    images: usize,
    total: u64,
    unique: u64,
    shared: u64,
    unsized_images: usize,
) -> Vec<Cell> {
    let images = if unsized_images > 0 {
        format!("{images} ({unsized_images} unsized)")
    } else {
        images.to_string()
    };
    let mut cells = vec![Cell::new(images).set_alignment(CellAlignment::Right)];
    cells.extend([total, unique, shared].map(size_cell));
    cells
}

fn size_cell(bytes: u64) -> Cell {
    Cell::new(human_size(bytes)).set_alignment(CellAlignment::Right)
}
