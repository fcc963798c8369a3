//! Runs a parsed [`Config`]: connect, fetch, decide, render. The only place that sequences I/O.

use std::io::Write;

use jiff::Timestamp;

use crate::cli::{Command, Config, OutputArg};
use crate::cluster::{self, Scope};
use crate::error::{Error, Result};
use crate::inventory::inventory;
use crate::render::{self, Palette, output, table::TableOptions};

pub async fn run(cfg: Config) -> Result<()> {
    let cluster = cluster::connect(&cfg.connection).await?;
    let palette = Palette::decide(cfg.color);
    match &cfg.command {
        Command::List { streams, history } => {
            list(&cfg, &cluster, streams, *history, palette).await
        }
    }
}

async fn list(
    cfg: &Config,
    cluster: &cluster::Cluster,
    names: &[String],
    history: bool,
    palette: Palette,
) -> Result<()> {
    let scope = Scope::of(cluster);
    let streams =
        cluster::list_image_streams(cluster, &scope, cfg.selector.as_deref(), names).await?;
    let inv = inventory(&streams);
    let now = Timestamp::now();
    let text = match cfg.output {
        OutputArg::Json => output::json(&inv)?,
        OutputArg::Yaml => output::yaml(&inv)?,
        OutputArg::Name => output::names(&inv, cluster.all_namespaces),
        OutputArg::Table | OutputArg::Wide if inv.items.is_empty() => {
            eprintln!("{}", nothing_found(&scope, cfg.selector.as_deref()));
            return Ok(());
        }
        OutputArg::Table | OutputArg::Wide if history => {
            render::history::history(&inv, palette, now)
        }
        OutputArg::Table | OutputArg::Wide => {
            let opts = TableOptions {
                wide: cfg.output == OutputArg::Wide,
                namespaces: cluster.all_namespaces,
            };
            render::table::list_table(&inv, &opts, palette, now) + "\n"
        }
    };
    print(&text)
}

fn nothing_found(scope: &Scope, selector: Option<&str>) -> String {
    let sel = selector
        .map(|s| format!(" matching {s:?}"))
        .unwrap_or_default();
    match scope {
        Scope::Namespace(ns) => format!("No image streams found in namespace {ns}{sel}."),
        Scope::All => format!("No image streams found in any namespace{sel}."),
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a message.
fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::runtime(format!("cannot write the output: {e}"))),
    }
}
