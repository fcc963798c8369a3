//! Runs a parsed [`Config`]: connect, fetch, decide, render. The only place that sequences I/O.

use std::io::Write;

use jiff::Timestamp;

use crate::cli::{Command, Config, OutputArg, Prune};
use crate::cluster::{self, ApplyOptions, Cluster, Deletion, RetryPolicy, Scope, StreamTrim};
use crate::error::{Error, Result};
use crate::inventory::{Detail, from_views, stream_view};
use crate::plan::{self, Plan, PlanOptions};
use crate::render::{self, Palette, output, table::TableOptions};
use crate::{confirm, inuse};

pub async fn run(cfg: Config) -> Result<()> {
    // Commands that need no cluster.
    match &cfg.command {
        Command::Completion(shell) => {
            return print(&crate::complete::script(
                *shell,
                &crate::complete::exe_name(),
            ));
        }
        Command::Man => return print(&crate::complete::man_page(&crate::complete::exe_name())?),
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
        Command::Prune(p) => prune(&cfg, &cluster, p, palette).await,
        Command::Usage {
            streams,
            top,
            revisions,
        } => usage(&cfg, &cluster, streams, *top, *revisions, palette).await,
        Command::Completion(_) | Command::Man => Ok(()),
    }
}

async fn list(
    cfg: &Config,
    cluster: &Cluster,
    names: &[String],
    history: bool,
    palette: Palette,
) -> Result<()> {
    let scope = Scope::of(cluster);
    let detail = match cfg.output {
        OutputArg::Json | OutputArg::Yaml => Detail::History,
        _ if history => Detail::History,
        _ => Detail::Current,
    };
    let views = cluster::list_image_streams_as(
        cluster,
        &scope,
        cfg.selector.as_deref(),
        names,
        |s| stream_view(&s, detail),
        |v| (v.namespace.as_str(), v.name.as_str()),
    )
    .await?;
    let inv = from_views(views);
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

/// Requests in flight while gathering sizes.
const SIZE_CONCURRENCY: usize = 16;

async fn usage(
    cfg: &Config,
    cluster: &Cluster,
    names: &[String],
    top: Option<usize>,
    revisions: bool,
    palette: Palette,
) -> Result<()> {
    let scope = Scope::of(cluster);
    let streams =
        cluster::list_image_streams(cluster, &scope, cfg.selector.as_deref(), names).await?;
    if streams.is_empty() && !matches!(cfg.output, OutputArg::Json | OutputArg::Yaml) {
        eprintln!("{}", nothing_found(&scope, cfg.selector.as_deref()));
        return Ok(());
    }
    let sizes = cluster::gather_sizes(cluster, &streams, SIZE_CONCURRENCY).await;
    for text in &sizes.notes {
        note(&format!("{} {text}", palette.warn("note:")));
    }
    let report = crate::usage::account(&streams, &sizes.index);
    for u in &report.unsized_images {
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
    let text = match cfg.output {
        OutputArg::Json => output::json(&UsageDocument::new(&report))?,
        OutputArg::Yaml => output::yaml(&UsageDocument::new(&report))?,
        OutputArg::Name => report
            .streams
            .iter()
            .map(|s| format!("imagestream/{}\n", s.name))
            .collect(),
        OutputArg::Table | OutputArg::Wide => {
            let opts = render::usage::UsageOptions {
                top,
                revisions,
                namespaces: cluster.all_namespaces,
            };
            render::usage::usage_table(&report, &opts, palette, Timestamp::now())
        }
    };
    print(&text)
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

/// What `prune -o json|yaml` prints: the plan, and what applying it did.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PruneDocument<'a> {
    api_version: &'static str,
    kind: &'static str,
    dry_run: bool,
    /// Bytes no longer referenced by any remaining tag or revision of the namespace, in the
    /// API's view: the registry's pruner reclaims them later.
    freed_bytes: u64,
    plan: &'a Plan,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<PruneResult<'a>>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PruneResult<'a> {
    deletions: Vec<DeletionResult<'a>>,
    trims: &'a [cluster::TrimOutcome],
    interrupted: bool,
    retries: u32,
}

#[derive(serde::Serialize)]
struct DeletionResult<'a> {
    #[serde(flatten)]
    deletion: &'a Deletion,
    #[serde(flatten)]
    outcome: &'a cluster::Outcome,
}

async fn prune(cfg: &Config, cluster: &Cluster, p: &Prune, palette: Palette) -> Result<()> {
    let scope = Scope::of(cluster);
    let streams =
        cluster::list_image_streams(cluster, &scope, cfg.selector.as_deref(), &p.streams).await?;
    // A spec tag of any stream may reference a tag of the ones we prune: read them all.
    let all_streams = if cfg.selector.is_some() || !p.streams.is_empty() {
        cluster::list_image_streams(cluster, &scope, None, &[]).await?
    } else {
        streams.clone()
    };
    let mut unchecked = Vec::new();
    let in_use = if p.ignore_in_use {
        Default::default()
    } else {
        let found = cluster::workload_images(cluster, &scope).await;
        unchecked = found.unchecked;
        inuse::resolve(&found.uses, &all_streams)
    };
    let now = Timestamp::now();
    let options = PlanOptions {
        keep: p.keep.unwrap_or(usize::MAX),
        selector: p.selector.clone(),
        keep_younger_than: p.keep_younger_than,
        now,
        ignore_in_use: p.ignore_in_use,
        keep_revisions: p.keep_revisions,
    };
    let mut plan = plan::build(
        &streams,
        &plan::Context::new(in_use, &all_streams),
        &options,
    );
    // Space is measured over every stream in scope: a layer shared with a stream we do not
    // prune is not freed.
    let sizes = cluster::gather_sizes(cluster, &all_streams, p.concurrency).await;
    let accounting = crate::usage::Accounting::new(&all_streams, &sizes.index);
    let mut freed = freed_by(&accounting, &plan);
    let machine = matches!(cfg.output, OutputArg::Json | OutputArg::Yaml);
    let scope_text = match &scope {
        Scope::Namespace(ns) => format!("in namespace {ns:?}"),
        Scope::All => "across all namespaces".to_owned(),
    };
    for why in &unchecked {
        note(&format!("{} {why}", palette.warn("warning:")));
    }

    if !machine {
        if plan.streams.is_empty() {
            eprintln!("{}", nothing_found(&scope, cfg.selector.as_deref()));
            return Ok(());
        }
        print(&(render::plan::plan_table(&plan, palette, now, cluster.all_namespaces) + "\n"))?;
    }
    let nothing_to_do = plan.delete_count() == 0 && plan.trim_count() == 0;
    if nothing_to_do || p.dry_run {
        if machine {
            print_document(cfg, &plan, p.dry_run || nothing_to_do, freed, None)?;
        } else if nothing_to_do {
            eprintln!("Nothing to prune {scope_text}.");
        } else {
            eprintln!(
                "Dry run: would {}, freeing {}. Nothing was changed.",
                render::plan::summary(&plan, &scope_text, &cluster.context),
                crate::usage::human_size(freed)
            );
        }
        return Ok(());
    }
    if !unchecked.is_empty() && !p.ignore_in_use && p.yes {
        return Err(Error::refused(
            "refusing to delete unattended: some workloads could not be checked for images in use (see the warnings); grant list on them or pass --ignore-in-use",
        ));
    }

    let summary = render::plan::summary(&plan, &scope_text, &cluster.context);
    if !p.yes {
        if !confirm::interactive() {
            return Err(Error::refused(format!(
                "refusing to {summary} without confirmation: no terminal to ask on; pass --yes to delete unattended, or --dry-run to only show the plan"
            )));
        }
        if p.interactive {
            plan = choose(plan)?;
            if plan.delete_count() == 0 && plan.trim_count() == 0 {
                return Err(Error::refused("nothing selected: nothing was deleted"));
            }
            freed = freed_by(&accounting, &plan);
        }
        let question = format!(
            "{} (frees {})?",
            capitalise(&render::plan::summary(&plan, &scope_text, &cluster.context)),
            crate::usage::human_size(freed)
        );
        if !confirm::ask(&question)? {
            return Err(Error::refused("declined: nothing was deleted"));
        }
    }

    let deletions: Vec<Deletion> = plan
        .deletions()
        .map(|(s, tag, digest)| Deletion {
            namespace: s.namespace.clone(),
            stream: s.name.clone(),
            tag: tag.to_owned(),
            digest: digest.to_owned(),
        })
        .collect();
    let apply_options = ApplyOptions {
        concurrency: p.concurrency,
        retry: RetryPolicy::default(),
        progress: !machine && std::io::IsTerminal::is_terminal(&std::io::stderr()),
    };
    let applied = cluster::apply(cluster, deletions, &apply_options).await;
    let trims = if applied.interrupted {
        Vec::new()
    } else {
        cluster::trim(cluster, trims_of(&plan), RetryPolicy::default()).await
    };

    if machine {
        let result = PruneResult {
            deletions: applied
                .results
                .iter()
                .map(|(deletion, outcome)| DeletionResult { deletion, outcome })
                .collect(),
            trims: &trims,
            interrupted: applied.interrupted,
            retries: applied.retries,
        };
        print_document(cfg, &plan, false, freed, Some(result))?;
    } else {
        eprint!(
            "{}",
            crate::redact::redact(&render::plan::report(&applied, &trims, palette))
        );
        if applied.failed() == 0 && !applied.interrupted {
            eprintln!(
                "Freed {} in the API's view.",
                crate::usage::human_size(freed)
            );
        }
    }
    let failed = applied.failed() + trims.iter().filter(|t| t.error.is_some()).count();
    if failed > 0 {
        return Err(Error::runtime(format!(
            "{} could not be pruned (see above)",
            render::plan::plural(failed, "item")
        )));
    }
    if applied.interrupted {
        return Err(Error::runtime(
            "interrupted before every planned tag was deleted; run again to finish",
        ));
    }
    Ok(())
}

fn print_document(
    cfg: &Config,
    plan: &Plan,
    dry_run: bool,
    freed_bytes: u64,
    result: Option<PruneResult<'_>>,
) -> Result<()> {
    let doc = PruneDocument {
        api_version: crate::inventory::API_VERSION,
        kind: "PruneRun",
        dry_run,
        freed_bytes,
        plan,
        result,
    };
    print(&match cfg.output {
        OutputArg::Yaml => output::yaml(&doc)?,
        _ => output::json(&doc)?,
    })
}

/// `--interactive`: the user deselects deletions; deselected tags are kept, and said so.
fn choose(mut plan: Plan) -> Result<Plan> {
    let items: Vec<(usize, usize)> = plan
        .streams
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.tags
                .iter()
                .enumerate()
                .filter(|(_, t)| t.is_delete())
                .map(move |(ti, _)| (si, ti))
        })
        .collect();
    let labels: Vec<String> = items
        .iter()
        .map(|&(si, ti)| {
            format!(
                "{}:{}",
                plan.streams[si].name, plan.streams[si].tags[ti].tag
            )
        })
        .collect();
    let chosen = confirm::choose("Tags to delete (space toggles, enter accepts)", &labels)?;
    for (i, &(si, ti)) in items.iter().enumerate() {
        if !chosen.contains(&i) {
            let t = &mut plan.streams[si].tags[ti];
            t.action = plan::Action::Keep;
            t.reasons = vec![plan::Reason::Deselected];
        }
    }
    Ok(plan)
}

/// What the plan would free: its deleted tags and trimmed revisions, measured together.
fn freed_by(accounting: &crate::usage::Accounting, plan: &Plan) -> u64 {
    let mut removal = crate::usage::Removal::new();
    for (s, tag, _) in plan.deletions() {
        removal.tag(&s.namespace, &s.name, tag);
    }
    for (s, t, r) in plan.trims() {
        removal.revision(&s.namespace, &s.name, &t.tag, &r.digest);
    }
    accounting.freed_by(&removal)
}

fn trims_of(plan: &Plan) -> Vec<StreamTrim> {
    plan.streams
        .iter()
        .filter(|s| s.trim_count() > 0)
        .map(|s| StreamTrim {
            namespace: s.namespace.clone(),
            stream: s.name.clone(),
            tags: s
                .tags
                .iter()
                .filter(|t| !t.trim.is_empty())
                .map(|t| {
                    (
                        t.tag.clone(),
                        t.trim.iter().map(|r| r.digest.clone()).collect(),
                    )
                })
                .collect(),
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
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
fn note(text: &str) {
    eprintln!("{}", crate::redact::redact(text));
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a message.
fn print(text: &str) -> Result<()> {
    let text = crate::redact::redact(text);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::runtime(format!("cannot write the output: {e}"))),
    }
}
