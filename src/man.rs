//! The man pages, generated from the clap definition in [`crate::cli`] so they never drift from
//! the flags: one page per command, as clap_mangen lays them out. The top-level page lists each
//! subcommand as `<name>-<subcommand>(1)`, so each of those is a page of its own.
//!
//! The pages are committed in `man/` (tests/man.rs keeps them equal to these, like
//! `completions/`), and the release archive ships that directory: packaging never has to run
//! the binary, which a cross-compiled one cannot do on the build machine.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::complete::command_name;

/// A man page: its file name (`oc-prunetags-prune.1`) and its roff text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub file: String,
    pub roff: String,
}

/// Every page of the program installed as `name` (`oc-prunetags` or `kubectl-prunetags`): the
/// top level, then each visible subcommand, in clap's order.
pub fn pages(name: &str) -> Vec<Page> {
    let name = command_name(name);
    let mut root = Cli::command().name(name).bin_name(name);
    // Gives each subcommand its `<name>-<subcommand>` display name and the global flags.
    root.build();
    let mut pages = Vec::new();
    add_pages(&root, name, &mut pages);
    pages
}

/// `cmd`'s page, then its visible subcommands' (`journal` lists `journal-list(1)`, so that is a
/// page too), depth first.
fn add_pages(cmd: &clap::Command, program: &str, pages: &mut Vec<Page>) {
    pages.push(page(cmd, program));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        add_pages(sub, program, pages);
    }
}

fn page(cmd: &clap::Command, program: &str) -> Page {
    let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_owned();
    // No date: the same sources give the same pages (the archive is reproducible).
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .section("1")
        .source(format!("{program} {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands");
    let mut roff = Vec::new();
    man.render(&mut roff)
        .expect("rendering into memory cannot fail");
    Page {
        file: man.get_filename(),
        roff: String::from_utf8_lossy(&roff).into_owned(),
    }
}
