//! `list`'s output, written a page of the LIST at a time: each format turns the streams of one
//! page into text that can be printed before the next page is read, so that `list` holds one
//! page and what it has yet to print, not the cluster (a platform lists tens of thousands of
//! streams). The text equals what the whole-inventory renderers (`table`, `history`,
//! `output`) print for the same streams; only plain columns differ past the first page: they
//! widen as wider cells arrive and never narrow (see [`PlainColumns`]).

use comfy_table::Cell;
use jiff::Timestamp;
use serde::Serialize;

use super::layout::PlainColumns;
use super::table::{TableOptions, headed_table, list_columns, list_rows};
use super::{Layout, Palette, history};
use crate::error::{Error, Result};
use crate::inventory::{LIST_API_VERSION, StreamView};

/// How the streams are shown.
pub enum Format {
    Json,
    Yaml,
    /// `-o name`; `namespaces` prefixes each with its namespace (`-A`).
    Name {
        namespaces: bool,
    },
    /// `--history`: `oc describe is` per stream.
    History,
    Table(TableOptions),
}

/// The output being written, one page at a time.
pub struct Listing {
    format: Format,
    layout: Layout,
    palette: Palette,
    now: Timestamp,
    /// Streams shown so far.
    count: usize,
    plain: PlainColumns,
    /// A box-drawn table (a terminal) is fitted to its widest cells and the terminal's width
    /// at once, so its rows wait for the last page: the cells only, not the streams.
    boxed_rows: Vec<Vec<Cell>>,
}

const KIND: &str = "ImageStreamInventory";

impl Listing {
    pub fn new(format: Format, layout: Layout, palette: Palette, now: Timestamp) -> Listing {
        Listing {
            format,
            layout,
            palette,
            now,
            count: 0,
            plain: PlainColumns::default(),
            boxed_rows: Vec::new(),
        }
    }

    /// How many streams have been shown.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Shows one page's streams, in the order given, handing the text to `out` stream by
    /// stream (plain columns: the page at once, aligned as one table), so that neither the
    /// page's views nor its text are held whole. `false` once `out` says its reader has gone.
    pub fn page(
        &mut self,
        streams: impl IntoIterator<Item = StreamView>,
        out: &mut dyn FnMut(&str) -> Result<bool>,
    ) -> Result<bool> {
        // Plain columns are aligned over the whole page, as one table.
        let mut plain_rows: Vec<Vec<String>> = Vec::new();
        let mut text = String::new();
        for s in streams {
            let first = self.count == 0;
            self.count += 1;
            text.clear();
            match &self.format {
                Format::Json => {
                    if first {
                        text.push_str(&json_head()?);
                    }
                    text.push_str(if first { "\n" } else { ",\n" });
                    for line in super::output::json(&s)?.lines() {
                        text.push_str("    ");
                        text.push_str(line);
                        text.push('\n');
                    }
                    text.pop();
                }
                Format::Yaml => {
                    if first {
                        text.push_str(&yaml_head()?);
                    }
                    text.push_str(&super::output::yaml(&[&s])?);
                }
                Format::Name { namespaces } => {
                    for t in s.tags.iter().filter(|t| !t.revisions.is_empty()) {
                        if *namespaces {
                            text.push_str(&s.namespace);
                            text.push('/');
                        }
                        text.push_str(&format!("imagestreamtag/{}:{}\n", s.name, t.tag));
                    }
                }
                Format::History => {
                    if !first {
                        text.push_str("\n\n");
                    }
                    history::stream_history(&mut text, &s, self.palette, self.now);
                }
                Format::Table(opts) => {
                    let rows = list_rows(&s, opts, self.palette, self.now);
                    if self.layout.boxed {
                        self.boxed_rows.extend(rows);
                        continue;
                    }
                    if first && self.layout.headers {
                        let namespaces = opts.namespaces.then_some("NAMESPACE");
                        let columns = namespaces.into_iter().chain(list_columns(opts));
                        plain_rows.push(columns.map(str::to_owned).collect());
                    }
                    plain_rows.extend(
                        rows.iter()
                            .map(|r| r.iter().map(Cell::content).collect::<Vec<_>>()),
                    );
                    continue;
                }
            }
            if !text.is_empty() && !out(&text)? {
                return Ok(false);
            }
        }
        if !plain_rows.is_empty() {
            return out(&self.plain.lines(&plain_rows));
        }
        Ok(true)
    }

    /// What follows the last page. A table of no streams prints nothing (the caller says that
    /// none were found); the documents are printed empty.
    pub fn finish(self) -> Result<String> {
        Ok(match self.format {
            Format::Json if self.count == 0 => json_head()? + "]\n}\n",
            Format::Json => "\n  ]\n}\n".into(),
            Format::Yaml if self.count == 0 => yaml_head()?.trim_end().to_owned() + " []\n",
            Format::Yaml | Format::Name { .. } => String::new(),
            Format::History => String::new(),
            Format::Table(_) if !self.layout.boxed || self.count == 0 => String::new(),
            Format::Table(opts) => {
                let mut table = headed_table(
                    self.palette,
                    self.layout,
                    opts.namespaces,
                    &list_columns(&opts),
                );
                for row in self.boxed_rows {
                    table.add_row(row);
                }
                self.layout.finish(table) + "\n"
            }
        })
    }
}

/// The document's fields before its items, as `output::json` prints an `Inventory`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    api_version: &'static str,
    kind: &'static str,
}

const HEAD: Head = Head {
    api_version: LIST_API_VERSION,
    kind: KIND,
};

/// `{`, the head's fields, and `"items": [` (the items and `]}` follow).
fn json_head() -> Result<String> {
    let head = super::output::json(&HEAD)?;
    let fields = head
        .trim_end()
        .strip_suffix('}')
        .ok_or_else(|| Error::runtime("cannot encode JSON: not an object"))?;
    Ok(format!("{},\n  \"items\": [", fields.trim_end()))
}

fn yaml_head() -> Result<String> {
    Ok(super::output::yaml(&HEAD)? + "items:\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Detail, from_views, stream_view};
    use crate::render::output;

    fn streams() -> Vec<StreamView> {
        let mut sim = crate::sim::Store::new();
        crate::sim::Scenario::Seed.build(&mut sim, Timestamp::now(), 1);
        let mut views: Vec<StreamView> = sim
            .select_streams(None, &Default::default())
            .into_iter()
            .map(|s| stream_view(s, Detail::History))
            .collect();
        views.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        views
    }

    /// Everything `format` prints for `views` split into pages of `per_page`.
    fn paged(format: Format, layout: Layout, views: &[StreamView], per_page: usize) -> String {
        let now = Timestamp::now();
        let mut l = Listing::new(format, layout, Palette::plain(), now);
        let mut out = String::new();
        for page in views.chunks(per_page.max(1)) {
            let more = l.page(page.iter().cloned(), &mut |t| {
                out.push_str(t);
                Ok(true)
            });
            assert!(more.unwrap());
        }
        out + &l.finish().unwrap()
    }

    #[test]
    fn paged_documents_equal_the_whole_document() {
        let views = streams();
        assert!(views.len() > 3, "the seed has several streams");
        let inv = from_views(views.clone());
        for per_page in [1, 2, views.len()] {
            let json = paged(Format::Json, Layout::plain(), &views, per_page);
            assert_eq!(json, output::json(&inv).unwrap(), "{per_page} per page");
            let yaml = paged(Format::Yaml, Layout::plain(), &views, per_page);
            assert_eq!(yaml, output::yaml(&inv).unwrap(), "{per_page} per page");
            let names = paged(
                Format::Name { namespaces: true },
                Layout::plain(),
                &views,
                per_page,
            );
            assert_eq!(names, output::names(&inv, true));
            let hist = paged(Format::History, Layout::plain(), &views, per_page);
            assert_eq!(
                hist,
                history::history(&inv, Palette::plain(), Timestamp::now())
            );
        }
    }

    #[test]
    fn empty_documents_are_valid_and_equal_the_whole_document() {
        let inv = from_views(vec![]);
        assert_eq!(
            paged(Format::Json, Layout::plain(), &[], 1),
            output::json(&inv).unwrap()
        );
        assert_eq!(
            paged(Format::Yaml, Layout::plain(), &[], 1),
            output::yaml(&inv).unwrap()
        );
    }

    #[test]
    fn one_page_of_table_equals_the_whole_table_and_a_box_waits_for_the_end() {
        let views = streams();
        let inv = from_views(views.clone());
        let now = Timestamp::now();
        let opts = || TableOptions {
            wide: true,
            namespaces: true,
        };
        for layout in [Layout::plain(), Layout::boxed()] {
            let whole =
                crate::render::table::list_table(&inv, &opts(), Palette::plain(), layout, now)
                    + "\n";
            let mut l = Listing::new(Format::Table(opts()), layout, Palette::plain(), now);
            let mut out = String::new();
            l.page(views.iter().cloned(), &mut |t| {
                out.push_str(t);
                Ok(true)
            })
            .unwrap();
            if layout.boxed {
                assert!(out.is_empty(), "a box is drawn once, at the end");
            }
            out += &l.finish().unwrap();
            assert_eq!(out, whole);
        }
    }
}
