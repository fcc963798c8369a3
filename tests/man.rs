//! The man pages: `man/` holds one page per command of each installed name, equal to what the
//! program generates from its clap definition, and every `name(1)` a page refers to is a page
//! in `man/`. The release archive ships `man/` (tests/krew.rs).
//!
//! Regenerate the committed pages with `UPDATE_MAN=1 cargo test --test man`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use clap::CommandFactory;
use prunetags::cli::Cli;
use prunetags::man::pages;

const NAMES: [&str; 2] = ["oc-prunetags", "kubectl-prunetags"];

fn man_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/man"))
}

fn committed() -> BTreeSet<String> {
    std::fs::read_dir(man_dir())
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn committed_pages_match_the_program() {
    let update = std::env::var_os("UPDATE_MAN").is_some();
    if update {
        std::fs::create_dir_all(man_dir()).unwrap();
    }
    let mut stale = Vec::new();
    let mut generated = BTreeSet::new();
    for name in NAMES {
        for page in pages(name) {
            let path = man_dir().join(&page.file);
            if update {
                std::fs::write(&path, &page.roff).unwrap();
            } else if std::fs::read_to_string(&path).unwrap_or_default() != page.roff {
                stale.push(page.file.clone());
            }
            generated.insert(page.file);
        }
    }
    let extra: Vec<String> = committed().difference(&generated).cloned().collect();
    if update {
        for f in &extra {
            std::fs::remove_file(man_dir().join(f)).unwrap();
        }
        return;
    }
    assert!(
        stale.is_empty() && extra.is_empty(),
        "man/ is out of date with the CLI (stale: {stale:?}, no longer generated: {extra:?}); \
         regenerate it with `UPDATE_MAN=1 cargo test --test man` and commit the result"
    );
}

/// One page for the program and one per subcommand `--help` lists (nested ones too: `journal`
/// lists `journal-list`), under each name, depth first.
#[test]
fn one_page_per_visible_subcommand() {
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let path = format!("{prefix}-{}", sub.get_name());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut subs = Vec::new();
    walk(&Cli::command(), "", &mut subs);
    assert!(subs.contains(&"-prune".to_owned()), "{subs:?}");
    assert!(subs.contains(&"-journal-list".to_owned()), "{subs:?}");
    for name in NAMES {
        let files: Vec<String> = pages(name).into_iter().map(|p| p.file).collect();
        let mut want = vec![format!("{name}.1")];
        want.extend(subs.iter().map(|s| format!("{name}{s}.1")));
        assert_eq!(files, want);
    }
}

/// Each page documents its command's flags, the globals included.
#[test]
fn pages_document_the_flags() {
    let mut root = Cli::command();
    root.build();
    for page in pages("oc-prunetags") {
        let cmd = match page.file.strip_prefix("oc-prunetags-") {
            Some(path) => path
                .trim_end_matches(".1")
                .split('-')
                .fold(root.clone(), |cmd, sub| {
                    cmd.find_subcommand(sub).unwrap().clone()
                }),
            None => root.clone(),
        };
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                // roff writes a hyphen as `\-`.
                let flag = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(page.roff.contains(&flag), "{}: no {flag}", page.file);
            }
        }
    }
}

/// Every cross-reference `name(1)` (the top-level page's SUBCOMMANDS, SEE ALSO) is a page.
#[test]
fn cross_references_name_existing_pages() {
    let re = regex::Regex::new(r"([a-z][a-z_\\-]*)\(1\)").unwrap();
    // Against the generated pages (committed_pages_match_the_program holds man/ equal to them).
    let files: BTreeSet<String> = NAMES
        .iter()
        .flat_map(|n| pages(n).into_iter().map(|p| p.file))
        .collect();
    let mut refs = 0;
    for name in NAMES {
        for page in pages(name) {
            for cap in re.captures_iter(&page.roff) {
                let target = format!("{}.1", &cap[1].replace("\\-", "-"));
                assert!(files.contains(&target), "{} refers to {target}", page.file);
                refs += 1;
            }
        }
    }
    assert!(
        refs >= 2 * 5,
        "the top-level pages list their subcommands: {refs} refs"
    );
}

/// `man` renders each committed page without a warning (groff's -ww: every warning on).
#[test]
fn pages_render_cleanly() {
    if Command::new("groff").arg("--version").output().is_err() {
        eprintln!("skipping: no groff on this machine");
        return;
    }
    for file in committed() {
        let out = Command::new("groff")
            .args(["-man", "-ww", "-z"])
            .arg(man_dir().join(&file))
            .output()
            .unwrap();
        assert!(out.status.success(), "{file}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{file}");
    }
}
