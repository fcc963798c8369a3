//! Everything the user sees: tables, the history view, machine output. Colours live here only.

pub mod age;
pub mod history;
pub mod html;
pub mod layout;
pub mod listing;
pub mod markdown;
pub mod namespaces;
pub mod output;
pub mod plan;
pub mod progress;
pub mod table;
pub mod usage;

use std::io::IsTerminal;

use owo_colors::{OwoColorize, Style};

use crate::cli::ColorArg;
pub use layout::Layout;

/// Whether to colour, decided once: `--color`, then `NO_COLOR`, then whether stdout is a TTY.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    pub enabled: bool,
}

impl Palette {
    pub fn decide(choice: ColorArg) -> Palette {
        let enabled = match choice {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                    && std::io::stdout().is_terminal()
            }
        };
        Palette { enabled }
    }

    pub fn plain() -> Palette {
        Palette { enabled: false }
    }

    fn paint(&self, s: &str, style: Style) -> String {
        if self.enabled {
            s.style(style).to_string()
        } else {
            s.to_owned()
        }
    }

    pub fn semver(&self, s: &str) -> String {
        self.paint(s, Style::new().green())
    }
    pub fn other_tag(&self, s: &str) -> String {
        self.paint(s, Style::new().cyan())
    }
    pub fn heading(&self, s: &str) -> String {
        self.paint(s, Style::new().bold())
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint(s, Style::new().dimmed())
    }
    pub fn warn(&self, s: &str) -> String {
        self.paint(s, Style::new().yellow())
    }
    pub fn danger(&self, s: &str) -> String {
        self.paint(s, Style::new().red().bold())
    }
}

/// More revisions than this under one tag is what seed 001's nightly pruner would trim.
pub const STALE_REVISIONS: usize = 3;

/// `sha256:30e1e90d383435…` → `30e1e90d3834`, as docker prints short image IDs.
pub fn short_digest(digest: &str) -> &str {
    let hex = digest.split_once(':').map_or(digest, |(_, h)| h);
    &hex[..hex.len().min(12)]
}
