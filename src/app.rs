//! Runs a parsed [`Config`]: connect, fetch, decide, render. The only place that sequences I/O.

use std::io::Write;

use jiff::Timestamp;

use crate::cli::{Command, Config, OutputArg};
use crate::cluster::{self, Cluster, Scope};
use crate::error::{Error, Result};
use crate::inventory::{Detail, stream_view};
use crate::render::{self, Palette, output, table::TableOptions};

pub async fn run(cfg: Config) -> Result<()> {
    // Commands that need no cluster.
    match &cfg.command {
        Command::Completion(shell) => {
            return print(&crate::complete::script(
                *shell,
                &crate::complete::exe_name(),
            ));
        }
        Command::Journal(j) => return crate::restore::journal_command(&cfg, j),
        _ => {}
    }
    let mut connection = cfg.connection.clone();
    // The demo cluster lives in this process for the whole run; its kubeconfig stays in memory.
    let _demo = if cfg.demo {
        let sim = crate::sim::Sim::start(crate::sim::SimOptions::default())
            .await
            .map_err(|e| Error::runtime(format!("cannot start the demo cluster: {e}")))?;
        connection.inline_kubeconfig = Some(sim.kubeconfig(crate::sim::Scenario::Seed.namespace()));
        connection.kubeconfig = None;
        Some(sim)
    } else {
        None
    };
    let cluster = cluster::connect(&connection).await?;
    if let Some(why) = cluster.tls_unverified {
        eprintln!(
            "warning: TLS verification is off ({why}): the server's certificate is not checked, and your credentials go to whoever answers"
        );
    }
    test_panic_with_credentials(&connection);
    let palette = Palette::decide(cfg.color);
    match &cfg.command {
        Command::List { streams, history } => {
            list(&cfg, &cluster, streams, *history, palette).await
        }
        Command::Prune(p) => crate::prune::run(&cfg, &cluster, p, palette).await,
        Command::Usage {
            streams,
            top,
            revisions,
            concurrency,
            by_namespace,
            over,
            namespaces,
        } => {
            let shape = UsageShape {
                top: *top,
                revisions: *revisions,
                concurrency: *concurrency,
                by_namespace: *by_namespace,
                over: *over,
                namespaces,
            };
            usage(&cfg, &cluster, streams, shape, palette).await
        }
        Command::Restore(r) => crate::restore::run(&cfg, &cluster, r, palette).await,
        Command::Pin {
            targets,
            unpin,
            confirm,
        } => crate::policy::commands::pin(&cfg, &cluster, targets, *unpin, *confirm).await,
        Command::PolicyShow { streams } => {
            crate::policy::commands::show(&cfg, &cluster, streams, palette).await
        }
        Command::PolicySet {
            stream,
            annotations,
            confirm,
        } => crate::policy::commands::set(&cfg, &cluster, stream, annotations, *confirm).await,
        Command::Report(r) => crate::mail::run(&cfg, &cluster, r, palette).await,
        Command::Completion(_) | Command::Journal(_) => Ok(()),
    }
}

/// `list`: page by page, each page of the LIST shown before the next is read, so that memory
/// holds a page, not the cluster. Streams come in the server's order (etcd's key order:
/// namespace, then name). Named streams (`list NAME…`) are few: their output waits until the
/// LIST has shown that every name exists, so that a wrong name prints only the error.
async fn list(
    cfg: &Config,
    cluster: &Cluster,
    names: &[String],
    history: bool,
    palette: Palette,
) -> Result<()> {
    use render::listing::{Format, Listing};
    let scope = Scope::of(cluster);
    let table = history || matches!(cfg.output, OutputArg::Table | OutputArg::Wide);
    let (format, detail) = match cfg.output {
        OutputArg::Json => (Format::Json, Detail::History),
        OutputArg::Yaml => (Format::Yaml, Detail::History),
        OutputArg::Name => (
            Format::Name {
                namespaces: cluster.all_namespaces,
            },
            Detail::Current,
        ),
        // Refused when parsing the flags (`usage` only).
        OutputArg::Markdown | OutputArg::Html => {
            return Err(Error::usage("-o markdown and -o html are for usage"));
        }
        OutputArg::Table | OutputArg::Wide if history => (Format::History, Detail::History),
        OutputArg::Table | OutputArg::Wide => (
            Format::Table(TableOptions {
                wide: cfg.output == OutputArg::Wide,
                namespaces: cluster.all_namespaces,
            }),
            Detail::Current,
        ),
    };
    let layout = render::Layout::of(std::io::stdout(), cfg.no_headers, palette);
    let mut listing = Listing::new(format, layout, palette, Timestamp::now());
    let mut out = Stdout::new(!names.is_empty());
    let mut found: Vec<String> = Vec::new();
    let mut pages = cluster::StreamPages::new(cluster, &scope, cfg.selector.as_deref());
    while let Some(page) = pages.next().await? {
        let views = page
            .iter()
            .filter(|s| names.is_empty() || names.iter().any(|n| n == s.name()))
            .inspect(|s| found.extend((!names.is_empty()).then(|| s.name().to_owned())))
            .map(|s| stream_view(s, detail));
        if !listing.page(views, &mut |text| out.write(text))? {
            return Ok(());
        }
    }
    if let Some(e) = cluster::missing_names(
        &found,
        names,
        String::as_str,
        &scope,
        cfg.selector.as_deref(),
    ) {
        return Err(e);
    }
    if table && listing.count() == 0 {
        eprintln!(
            "{}",
            crate::prune::nothing_found(&scope, cfg.selector.as_deref())
        );
        return Ok(());
    }
    let rest = listing.finish()?;
    out.write(&rest)?;
    out.flush()
}

/// stdout for output printed as it is made; or held until the end (`hold`).
struct Stdout {
    held: Option<String>,
    closed: bool,
}

impl Stdout {
    fn new(hold: bool) -> Stdout {
        Stdout {
            held: hold.then(String::new),
            closed: false,
        }
    }

    /// Writes (or holds) `text`; `false` once the reader has gone (`| head`): nothing more is
    /// worth reading from the cluster.
    fn write(&mut self, text: &str) -> Result<bool> {
        if let Some(held) = &mut self.held {
            held.push_str(text);
            return Ok(true);
        }
        if !self.closed && !text.is_empty() {
            self.closed = !write_out(text)?;
        }
        Ok(!self.closed)
    }

    fn flush(&mut self) -> Result<()> {
        if let Some(held) = self.held.take() {
            write_out(&held)?;
        }
        Ok(())
    }
}

/// `usage`'s options beside the streams.
struct UsageShape<'a> {
    top: Option<usize>,
    revisions: bool,
    concurrency: usize,
    by_namespace: bool,
    over: Option<u64>,
    namespaces: &'a [String],
}

async fn usage(
    cfg: &Config,
    cluster: &Cluster,
    names: &[String],
    shape: UsageShape<'_>,
    palette: Palette,
) -> Result<()> {
    let UsageShape {
        top,
        revisions,
        concurrency,
        by_namespace,
        over,
        namespaces,
    } = shape;
    let scope = Scope::of(cluster);
    let Some(Measured {
        acc,
        report,
        not_measured,
    }) = measure(
        cfg,
        cluster,
        &scope,
        namespaces,
        names,
        concurrency,
        palette,
    )
    .await?
    else {
        return Ok(());
    };
    if by_namespace {
        let mut by_ns = acc.by_namespace(&report, over);
        by_ns.not_measured = not_measured;
        let now = Timestamp::now();
        let text = match cfg.output {
            OutputArg::Json => return print_json(&NamespaceDocument::new(&by_ns)),
            OutputArg::Yaml => output::yaml(&NamespaceDocument::new(&by_ns))?,
            OutputArg::Name => by_ns
                .namespaces
                .iter()
                .map(|n| format!("namespace/{}\n", n.namespace))
                .collect(),
            OutputArg::Markdown => render::markdown::namespaces(&by_ns, revisions, now),
            OutputArg::Html => render::html::namespaces(&by_ns, revisions, now),
            OutputArg::Table | OutputArg::Wide => render::namespaces::namespace_table(
                &by_ns,
                palette,
                render::Layout::of(std::io::stdout(), cfg.no_headers, palette),
            ),
        };
        return print(&text);
    }
    // The per-stream views have no place for a namespace without streams: say it on stderr.
    for u in &not_measured {
        note(&format!(
            "{} namespace {}",
            palette.warn("warning:"),
            u.sentence()
        ));
    }
    let text = match cfg.output {
        OutputArg::Json => return print_json(&UsageDocument::new(&report)),
        OutputArg::Yaml => output::yaml(&UsageDocument::new(&report))?,
        OutputArg::Name => report
            .streams
            .iter()
            .map(|s| format!("imagestream/{}\n", s.name))
            .collect(),
        OutputArg::Markdown => render::markdown::streams(&report, revisions, Timestamp::now()),
        OutputArg::Html => render::html::streams(&report, revisions, Timestamp::now()),
        OutputArg::Table | OutputArg::Wide => {
            let opts = render::usage::UsageOptions {
                top,
                revisions,
                namespaces: cluster.all_namespaces || !namespaces.is_empty(),
            };
            let layout = render::Layout::of(std::io::stdout(), cfg.no_headers, palette);
            render::usage::usage_table(&report, &opts, palette, layout, Timestamp::now())
        }
    };
    print(&text)
}

/// What [`measure`] found.
pub(crate) struct Measured {
    pub acc: crate::usage::Accounting,
    pub report: crate::usage::UsageReport,
    /// The namespaces of `--namespaces` that have no figures, and why.
    pub not_measured: Vec<crate::usage::UnreadNamespace>,
}

/// The stages before any `usage` view: list the streams (of `scope`, or of each of
/// `namespaces` when given), size their images, account. `None` when there is nothing to
/// measure (said on stderr).
pub(crate) async fn measure(
    cfg: &Config,
    cluster: &Cluster,
    scope: &Scope,
    namespaces: &[String],
    names: &[String],
    concurrency: usize,
    palette: Palette,
) -> Result<Option<Measured>> {
    // Each stream is turned into its compact form as its page arrives: only one page of decoded
    // streams is alive at a time, and each digest is held once (issue #16, "Scale").
    let compactor = crate::usage::Compactor::new();
    let compact = |s: crate::model::ImageStream| compactor.stream(&s);
    fn key(s: &crate::usage::UsageStream) -> (&str, &str) {
        (s.namespace(), s.name())
    }
    let selector = cfg.selector.as_deref();
    let (streams, unread) = if namespaces.is_empty() {
        let streams =
            cluster::list_image_streams_as(cluster, scope, selector, names, compact, key).await?;
        (streams, Vec::new())
    } else {
        cluster::list_image_streams_in(cluster, namespaces, selector, names, compact, key).await?
    };
    let streams = compactor.finish(streams);
    let not_measured: Vec<crate::usage::UnreadNamespace> = unread
        .into_iter()
        .map(|(namespace, reason)| crate::usage::UnreadNamespace { namespace, reason })
        .collect();
    if streams.is_empty()
        && not_measured.is_empty()
        && !matches!(cfg.output, OutputArg::Json | OutputArg::Yaml)
    {
        eprintln!(
            "{}",
            crate::prune::nothing_found(scope, cfg.selector.as_deref())
        );
        return Ok(None);
    }
    let sizes = cluster::sizes_of_streams(cluster, &streams, concurrency).await;
    for text in &sizes.notes {
        note(&format!("{} {text}", palette.warn("warning:")));
    }
    for text in sizes.hints(matches!(scope, Scope::All)) {
        note(&text);
    }
    let acc = crate::usage::Accounting::of(streams, &sizes.index);
    drop(sizes);
    let report = acc.report();
    // Refused and failed reads were summed up in the notes; an image that is gone is named.
    let named = |u: &&crate::usage::UnsizedImage| {
        !matches!(
            u.reason,
            crate::usage::UnsizedReason::Forbidden | crate::usage::UnsizedReason::Failed
        )
    };
    for u in report.unsized_images.iter().filter(named) {
        let tags: Vec<String> = u
            .references
            .iter()
            .map(|r| format!("{}:{}", r.stream, r.tag))
            .collect();
        eprintln!(
            "{} could not size image {} ({}): not counted",
            palette.warn("warning:"),
            crate::render::short_digest(&u.image),
            tags.join(", ")
        );
    }
    Ok(Some(Measured {
        acc,
        report,
        not_measured,
    }))
}

/// What `usage --by namespace -o json|yaml` prints.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct NamespaceDocument<'a> {
    api_version: &'static str,
    kind: &'static str,
    #[serde(flatten)]
    report: &'a crate::usage::NamespaceReport,
}

impl<'a> NamespaceDocument<'a> {
    fn new(report: &'a crate::usage::NamespaceReport) -> Self {
        NamespaceDocument {
            api_version: crate::inventory::API_VERSION,
            kind: "NamespaceUsageReport",
            report,
        }
    }
}

/// What `usage -o json|yaml` prints: the report, typed like the other documents.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct UsageDocument<'a> {
    api_version: &'static str,
    kind: &'static str,
    #[serde(flatten)]
    report: &'a crate::usage::UsageReport,
}

impl<'a> UsageDocument<'a> {
    fn new(report: &'a crate::usage::UsageReport) -> Self {
        UsageDocument {
            api_version: crate::inventory::API_VERSION,
            kind: "UsageReport",
            report,
        }
    }
}

/// Test-only: `OC_PRUNETAGS_TEST_PANIC=secret` panics after connecting, with the kubeconfig's
/// bearer token in the message, to prove that the panic hook masks credentials it never built.
fn test_panic_with_credentials(connection: &crate::cli::Connection) {
    if std::env::var_os("OC_PRUNETAGS_TEST_PANIC").is_none_or(|v| v != "secret") {
        return;
    }
    let path = connection
        .kubeconfig
        .clone()
        .or_else(|| std::env::var_os("KUBECONFIG").map(Into::into));
    let yaml = path
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let token = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .unwrap_or_default()
        .trim_matches('"');
    panic!("test panic holding the credentials: Bearer {token} / {token}");
}

/// One message line to stderr, credentials masked (see `redact`).
pub fn note(text: &str) {
    eprintln!("{}", crate::redact::redact(text));
}

/// `value` as `-o json` to stdout, as [`output::json`] writes it, streamed: a cluster's usage
/// report is 150 MB of JSON at 400,000 revisions, never held whole (issue #16, "Scale").
fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut out = crate::redact::Redacting::new(stdout);
    let written = match serde_json::to_writer_pretty(&mut out, value) {
        Ok(()) => out.write_all(b"\n").and_then(|()| out.finish()),
        Err(e) if e.is_io() => Err(std::io::Error::from(e)),
        Err(e) => return Err(Error::runtime(format!("cannot encode JSON: {e}"))),
    };
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::runtime(format!("cannot write the output: {e}"))),
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a message.
pub fn print(text: &str) -> Result<()> {
    write_out(text).map(|_| ())
}

/// [`print`], telling whether the reader is still there (`false`: the pipe was closed).
fn write_out(text: &str) -> Result<bool> {
    let text = crate::redact::redact(text);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Error::runtime(format!("cannot write the output: {e}"))),
    }
}
