//! Where a table goes: a terminal gets a box-drawn table fitted to its width, anything else
//! (a pipe, a file, `watch`) gets kubectl's plain aligned columns, as `oc get` prints them.

use std::io::IsTerminal;
use std::os::fd::AsFd;

use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table};
use unicode_width::UnicodeWidthStr;

use super::Palette;

/// How tables are laid out, decided once per run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Box drawing (a terminal), or kubectl's plain columns.
    pub boxed: bool,
    /// The terminal's width, which a boxed table is fitted to; `None`: as wide as its content.
    pub width: Option<u16>,
    /// Print the header row (`--no-headers` turns it off, as kubectl's).
    pub headers: bool,
}

/// kubectl's printers use a tabwriter with a padding of 3 between columns.
const GAP: usize = 3;

/// Columns that may wrap to fit the terminal: free text, image pull specs, and ages (which wrap
/// between words: "2 weeks" / "ago"). Every other column (names, tags, digests, counts) keeps
/// its content's width, so a tag name is never cut.
const SHRINKABLE: &[&str] = &["SOURCE", "IMAGE REFERENCE", "WHY", "UPDATED"];

impl Layout {
    /// A table written to a terminal (`out`: stdout, or stderr for the plan beside a machine
    /// format) is box-drawn as wide as the terminal; otherwise plain columns, unless colour is
    /// forced (`--color always`, for `less -R`): then the terminal's table, as wide as its
    /// content (plain columns carry no colour).
    pub fn of<F: IsTerminal + AsFd>(out: F, no_headers: bool, palette: Palette) -> Layout {
        let terminal = out.is_terminal();
        // A terminal that reports no size is taken as 80 wide, as terminals start.
        let width =
            terminal.then(|| terminal_size::terminal_size_of(&out).map_or(80, |(w, _)| w.0));
        Layout {
            boxed: terminal || palette.enabled,
            width,
            headers: !no_headers,
        }
    }

    /// kubectl-style plain columns with a header: what library callers and tests get.
    pub fn plain() -> Layout {
        Layout {
            boxed: false,
            width: None,
            headers: true,
        }
    }

    /// A box-drawn table as wide as its content, with a header.
    pub fn boxed() -> Layout {
        Layout {
            boxed: true,
            width: None,
            headers: true,
        }
    }

    /// A table headed by `columns` (unless `--no-headers`); `names` are the columns' names.
    pub(crate) fn sheet(&self, mut table: Table, columns: Vec<Cell>, names: &[&str]) -> Sheet {
        if self.headers {
            table.set_header(columns);
        }
        Sheet {
            table,
            fixed: names.iter().map(|n| !SHRINKABLE.contains(n)).collect(),
        }
    }

    /// The finished table as text, without a trailing newline.
    pub fn finish(&self, sheet: Sheet) -> String {
        let Sheet { mut table, fixed } = sheet;
        if !self.boxed {
            return plain(&table);
        }
        if let Some(width) = self.width {
            // Columns exist once a header or a row does, so constraints go on last. A
            // shrinkable column has none: the dynamic arrangement gives it what the fixed
            // ones leave, and wraps its text there.
            for (i, column) in table.column_iter_mut().enumerate() {
                if fixed.get(i).copied().unwrap_or(true) {
                    column.set_constraint(ColumnConstraint::ContentWidth);
                }
            }
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        table.to_string()
    }
}

/// A table being filled, and which of its columns must keep their content's width.
pub struct Sheet {
    table: Table,
    fixed: Vec<bool>,
}

impl std::ops::Deref for Sheet {
    type Target = Table;
    fn deref(&self) -> &Table {
        &self.table
    }
}

impl std::ops::DerefMut for Sheet {
    fn deref_mut(&mut self) -> &mut Table {
        &mut self.table
    }
}

/// Left-aligned columns, three spaces apart, no trailing blanks, as kubectl's tabwriter; the
/// text is the cells' content (a plain table carries no colour).
fn plain(table: &Table) -> String {
    let rows: Vec<Vec<String>> = table
        .header()
        .into_iter()
        .chain(table.row_iter())
        .map(|r| r.cell_iter().map(|c| c.content()).collect())
        .collect();
    let mut out = PlainColumns::default().lines(&rows);
    out.pop();
    out
}

/// Plain columns printed a chunk at a time (`list` prints each page of the LIST as it
/// arrives, so that its memory does not grow with the cluster). A column is as wide as the
/// widest cell seen so far and never narrower; lines already printed are not re-aligned. That
/// is how kubectl lays out `kubectl get --watch`: its tabwriter (github.com/liggitt/tabwriter,
/// a fork of Go's) is flushed per event with `RememberWidths`. One chunk is laid out exactly as
/// a whole table is.
#[derive(Debug, Default)]
pub struct PlainColumns {
    widths: Vec<usize>,
}

impl PlainColumns {
    /// `rows` as lines, each ending in a newline.
    pub fn lines(&mut self, rows: &[Vec<String>]) -> String {
        for row in rows {
            if self.widths.len() < row.len() {
                self.widths.resize(row.len(), 0);
            }
            for (w, cell) in self.widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let mut out = String::new();
        for row in rows {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.extend(std::iter::repeat_n(
                        ' ',
                        self.widths[i] - cell.width() + GAP,
                    ));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use comfy_table::{Cell, Table};

    use super::{Layout, Sheet};

    fn table(layout: &Layout) -> Sheet {
        let mut t = layout.sheet(
            Table::new(),
            vec![Cell::new("NAME"), Cell::new("SOURCE")],
            &["NAME", "SOURCE"],
        );
        t.add_row(vec!["myapp", "pushed"]);
        t.add_row(vec!["frontend-long", ""]);
        t
    }

    #[test]
    fn plain_columns_are_three_spaces_apart_without_trailing_blanks() {
        let l = Layout::plain();
        assert_eq!(
            l.finish(table(&l)),
            "NAME            SOURCE\nmyapp           pushed\nfrontend-long"
        );
    }

    #[test]
    fn no_headers_drops_only_the_header() {
        let l = Layout {
            headers: false,
            ..Layout::plain()
        };
        assert_eq!(l.finish(table(&l)), "myapp           pushed\nfrontend-long");
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn chunked_columns_widen_and_never_narrow() {
        let mut cols = super::PlainColumns::default();
        let first = cols.lines(&[row(&["NAME", "SOURCE"]), row(&["a", "pushed"])]);
        assert_eq!(first, "NAME   SOURCE\na      pushed\n");
        // A longer name widens the column from here on; a shorter one keeps the width.
        let second = cols.lines(&[row(&["frontend", "x"])]);
        assert_eq!(second, "frontend   x\n");
        let third = cols.lines(&[row(&["b", "y"])]);
        assert_eq!(third, "b          y\n");
    }

    #[test]
    fn one_chunk_is_the_whole_table() {
        let l = Layout::plain();
        let whole = l.finish(table(&l));
        let rows = [
            row(&["NAME", "SOURCE"]),
            row(&["myapp", "pushed"]),
            row(&["frontend-long", ""]),
        ];
        assert_eq!(super::PlainColumns::default().lines(&rows), whole + "\n");
    }
}
