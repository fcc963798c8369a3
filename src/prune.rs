//! `prune`, as a pipeline of named stages: gather → plan → show → confirm → apply → report.
//!
//! # What protects a tag, and where it is read
//!
//! The planner ([`crate::plan`]) decides; this module gathers what it decides on:
//! - the streams of the scope (`-n` or `-A`), all of them, because a spec tag of any stream may
//!   refer to a tag being pruned (`from` an `ImageStreamTag` or `ImageStreamImage`, or a
//!   `DockerImage` into the integrated registry: see [`crate::references`]);
//! - the workloads of the scope (every kind `oc adm prune images` checks: see
//!   [`crate::inuse`] for the ways they name images);
//! - the **consumer namespaces**: on OpenShift a team builds in one namespace and runs in others,
//!   whose service accounts are bound to `system:image-puller` in the building one and pull
//!   `…/<building-ns>/<stream>:<tag>` or `@sha256:…`, or tag from it
//!   (`from: {kind: ImageStreamTag, namespace: <building-ns>}`). Their workloads and spec tags
//!   protect as the scope's own do. `--consumers NS,…` names them; `-A` covers them all.
//!
//! What cannot be read is one warning line each, and `--yes` then refuses to delete unless
//! `--ignore-in-use`: an unattended run never deletes on a partial view.
//!
//! # Between the confirmation and the DELETEs
//!
//! After the user said yes, [`apply`] gathers everything again and plans again: a tag is deleted
//! only if it is in the confirmed plan **and** the same planner, on the fresh state, still
//! deletes it with the same image in the same stream (same UID). Then each DELETE is decided
//! once more on the watched state of its stream (see [`crate::cluster::apply`] for the window
//! that remains).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;

use crate::app::{note, print};
use crate::cli::{Config, JournalArg, OutputArg, Prune};
use crate::cluster::{
    self, ApplyOptions, ApplyReport, Cluster, Deletion, Guard, Outcome, RetryPolicy, Scope, Stop,
    StreamTrim, StreamView, TrimOutcome, Verdict,
};
use crate::error::{Error, Result};
use crate::journal::{self, Journal};
use crate::model::ImageStream;
use crate::plan::{self, Plan};
use crate::render::{self, Palette, output};
use crate::{confirm, inuse, policy};

/// Everything the planner decides on, read from the cluster.
struct Gathered {
    /// The streams to plan (the selector's and the named ones).
    planned: Vec<ImageStream>,
    /// Every stream of the scope, and the resourceVersion of that LIST (to watch from).
    scope_streams: Vec<ImageStream>,
    scope_version: String,
    /// The consumer namespaces' streams: their spec tags may refer to ours.
    consumer_streams: Vec<ImageStream>,
    /// The consumer namespaces checked.
    consumers: Vec<String>,
    /// What the workloads use, and the spec references of all the streams above.
    context: plan::Context,
    /// One sentence per thing that could not be checked.
    unchecked: Vec<String>,
}

/// How the run prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Out {
    Table,
    /// `-o json|yaml`: one `PruneRun` document on stdout.
    Document,
    /// `-o name`: one `imagestreamtag/<stream>:<tag>` per deletion.
    Names,
}

pub async fn run(cfg: &Config, cluster: &Cluster, p: &Prune, palette: Palette) -> Result<()> {
    let scope = Scope::of(cluster);
    let out = match cfg.output {
        OutputArg::Json | OutputArg::Yaml => Out::Document,
        OutputArg::Name => Out::Names,
        OutputArg::Table | OutputArg::Wide => Out::Table,
        // Refused when parsing the flags (`usage` only).
        OutputArg::Markdown | OutputArg::Html => Out::Table,
    };
    let scope_text = match &scope {
        Scope::Namespace(ns) => format!("in namespace {ns:?}"),
        Scope::All => "across all namespaces".to_owned(),
    };

    // gather
    let state = gather(cluster, &scope, cfg.selector.as_deref(), p).await?;
    for why in &state.unchecked {
        note(&format!("{} {why}", palette.warn("warning:")));
    }
    if !state.consumers.is_empty() && out == Out::Table {
        eprintln!(
            "Also checked for images in use: consumer namespace{} {}.",
            if state.consumers.len() == 1 { "" } else { "s" },
            state.consumers.join(", ")
        );
    }

    // policy: each stream's own options, or why it is skipped
    let now = Timestamp::now();
    let policies = policy::stage::resolve(cluster, &scope, p, &state.planned, now).await;
    for (warning, text) in policies.messages() {
        match warning {
            true => note(&format!("{} {text}", palette.warn("warning:"))),
            false => note(&text),
        }
    }

    // plan
    let mut plan = policies.build(&state.planned, &state.context);
    // Space is measured over every stream in scope: a layer shared with a stream we do not
    // prune is not freed.
    let candidates = freeable_images(&state.scope_streams, &plan);
    let sizes =
        cluster::sizes_for_removal(cluster, &state.scope_streams, &candidates, p.concurrency).await;
    for text in &sizes.notes {
        note(&format!("{} {text}", palette.warn("warning:")));
    }
    for text in sizes.hints(matches!(&scope, Scope::All)) {
        note(&text);
    }
    let accounting = crate::usage::Accounting::new(&state.scope_streams, &sizes.index);
    // A figure short of images that could not be read is a lower bound, and says so.
    let space = Space {
        complete: candidates
            .iter()
            .all(|d| sizes.index.image_size(d).is_some()),
    };

    // show
    let asking = !p.yes && !p.dry_run;
    if state.planned.is_empty() && out != Out::Document {
        eprintln!("{}", nothing_found(&scope, cfg.selector.as_deref()));
        return Ok(());
    }
    let table = |layout| {
        render::plan::plan_table(&plan, palette, layout, now, cluster.all_namespaces)
            + "\n"
            + &policy::stage::policy_text(&plan)
    };
    match out {
        Out::Table => print(&table(render::Layout::of(
            std::io::stdout(),
            cfg.no_headers,
            palette,
        )))?,
        // The user must see what they confirm, also when stdout is a machine format.
        _ if asking && confirm::interactive() => eprint!(
            "{}",
            crate::redact::redact(&table(render::Layout::of(
                std::io::stderr(),
                cfg.no_headers,
                palette
            )))
        ),
        _ => {}
    }
    let nothing_to_do = plan.is_empty();
    if nothing_to_do || p.dry_run {
        let freed = freed_by(&accounting, &plan);
        match out {
            Out::Document => print_document(
                cfg,
                &plan,
                true,
                (freed, space),
                None,
                None,
                &policies.skipped,
            )?,
            Out::Names => print(&names(
                plan.deletions().map(|(s, t, _)| (s.name.as_str(), t)),
            ))?,
            Out::Table => {}
        }
        if !nothing_to_do {
            eprintln!(
                "Dry run: would {}, freeing {}. Nothing was changed.",
                render::plan::summary(&plan, &scope_text, &cluster.context),
                space.text(freed)
            );
        } else if policies.malformed() == 0 {
            // With streams skipped "nothing to prune" would be untrue: the error line says why.
            eprintln!("Nothing to prune {scope_text}.");
        }
        return malformed_policies(&policies);
    }
    if !state.unchecked.is_empty() && !p.ignore_in_use && p.yes {
        return Err(Error::refused(
            "refusing to delete unattended: some workloads or namespaces could not be checked for images in use (see the warnings); grant what they name, or pass --ignore-in-use",
        ));
    }

    // confirm
    let stop = Arc::new(Stop::default());
    let listener = cluster::on_signals(stop.clone(), confirm::on_interrupt);
    if asking {
        plan = confirm_plan(
            plan,
            p.interactive,
            (&accounting, space),
            &scope_text,
            &cluster.context,
        )?;
    }

    // apply
    let apply_options = ApplyOptions {
        concurrency: p.concurrency,
        retry: RetryPolicy::default(),
        progress: out == Out::Table && std::io::IsTerminal::is_terminal(&std::io::stderr()),
    };
    confirm::applying();
    let stage = JournalStage {
        // The demo cluster vanishes with the process: a journal of it could restore nothing.
        target: match &p.journal {
            JournalArg::Default if cfg.demo => JournalArg::Off,
            other => other.clone(),
        },
        cluster,
        scope: &scope,
        freed: (freed_by(&accounting, &plan), space),
    };
    let (applied, written) = apply(
        cluster,
        (&scope, cfg, p),
        &plan,
        &stage,
        stop.clone(),
        &apply_options,
    )
    .await?;
    let trims = if applied.interrupted {
        Vec::new()
    } else {
        cluster::trim(cluster, trims_of(&plan), RetryPolicy::default()).await
    };
    listener.abort();

    // report
    let freed = freed_by_outcome(&accounting, &plan, &applied, &trims);
    let result = || PruneResult {
        deletions: applied
            .results
            .iter()
            .map(|(deletion, outcome)| DeletionResult { deletion, outcome })
            .collect(),
        trims: &trims,
        interrupted: applied.interrupted,
        retries: applied.retries,
    };
    let record = written.as_ref().map(|w| &w.journal);
    let journal_path = written.as_ref().and_then(|w| w.path.as_deref());
    let done = document(
        &plan,
        false,
        (freed, space),
        Some(result()),
        record,
        &policies.skipped,
    );
    // The journal file and `-o json` are the same document: serialized once for both.
    let json = match (journal_path, out, &cfg.output) {
        (Some(_), _, _) | (None, Out::Document, OutputArg::Json) => Some(output::json(&done)?),
        _ => None,
    };
    if let (Some(path), Some(text)) = (journal_path, &json) {
        // The record now says what the run did; the one written before the DELETEs stays if
        // this fails, and still restores.
        if let Err(e) = journal::store::write_atomically(path, text) {
            note(&format!("{} {}", palette.warn("warning:"), e.message));
        }
        if out == Out::Table {
            eprintln!(
                "Journal: {} (undo with `oc prunetags restore`).",
                path.display()
            );
        }
    }
    match out {
        Out::Document => print(&match (&cfg.output, json) {
            (OutputArg::Yaml, _) => output::yaml(&done)?,
            (_, Some(text)) => text,
            (_, None) => output::json(&done)?,
        })?,
        Out::Names => print(&names(
            applied
                .deleted()
                .map(|d| (d.stream.as_str(), d.tag.as_str())),
        ))?,
        Out::Table => {}
    }
    if out != Out::Document {
        eprint!(
            "{}",
            crate::redact::redact(&render::plan::report(&applied, &trims, palette))
        );
        eprintln!("Freed {} in the API's view.", space.text(freed));
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
    malformed_policies(&policies)
}

/// A malformed policy skipped its stream, said in a warning; the run then exits 1.
fn malformed_policies(policies: &policy::stage::Policies) -> Result<()> {
    match policies.malformed() {
        0 => Ok(()),
        n => Err(Error::runtime(format!(
            "{} skipped: a policy annotation is malformed or could not be read (see the warnings)",
            render::plan::plural(n, "image stream")
        ))),
    }
}

/// Reads the streams, workloads and consumer namespaces the plan is decided on.
async fn gather(
    cluster: &Cluster,
    scope: &Scope,
    selector: Option<&str>,
    p: &Prune,
) -> Result<Gathered> {
    let planned = async {
        if selector.is_some() || !p.streams.is_empty() {
            cluster::list_image_streams(cluster, scope, selector, &p.streams)
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    };
    let all = cluster::list_image_streams_at(cluster, scope);
    let workloads = async {
        if p.ignore_in_use {
            cluster::WorkloadImages::default()
        } else {
            cluster::workload_images(cluster, scope).await
        }
    };
    let consumers = consumer_namespaces(cluster, scope, p);
    let (planned, all, workloads, (consumers, consumer_unchecked)) =
        tokio::join!(planned, all, workloads, consumers);
    let (scope_streams, scope_version) = all?;
    let planned = planned?.unwrap_or_else(|| scope_streams.clone());
    let mut uses = workloads.uses;
    let mut unchecked = workloads.unchecked;
    unchecked.extend(consumer_unchecked);
    let mut consumer_streams = Vec::new();
    let reads = consumers.iter().map(|ns| read_consumer(cluster, ns, p));
    for (ns, streams, workloads) in futures_util::future::join_all(reads).await {
        // What this namespace would not let us read, said in one line.
        let mut forbidden: Vec<&str> = Vec::new();
        let mut other = Vec::new();
        match streams {
            Ok(s) => consumer_streams.extend(s),
            Err(e) if e.message.contains("(403)") => forbidden.push("imagestreams"),
            Err(e) => other.push(format!("its image streams: {}", e.message)),
        }
        forbidden.extend(workloads.forbidden.iter().copied());
        other.extend(
            workloads
                .unchecked
                .iter()
                .filter(|why| {
                    !workloads
                        .forbidden
                        .iter()
                        .any(|k| why.contains(&format!(" {k} use:")))
                })
                .cloned(),
        );
        if !forbidden.is_empty() {
            unchecked.push(format!(
                "cannot check consumer namespace {ns:?} for images in use: you may not list {} there (apply deploy/consumer-namespace.yaml in it, or leave it out with --consumers)",
                forbidden.join(", ")
            ));
        }
        unchecked.extend(
            other
                .into_iter()
                .map(|why| format!("in consumer namespace {ns:?}: {why}")),
        );
        uses.extend(
            workloads
                .uses
                .into_iter()
                .map(|(who, refs)| (format!("{ns}/{who}"), refs)),
        );
    }
    let context: Vec<ImageStream> = scope_streams
        .iter()
        .chain(&consumer_streams)
        .cloned()
        .collect();
    let context = plan::Context {
        in_use: inuse::resolve(&uses, &context),
        references: plan::spec_references(&context),
    };
    Ok(Gathered {
        planned,
        scope_streams,
        scope_version,
        consumer_streams,
        consumers,
        context,
        unchecked,
    })
}

/// The namespaces that pull from the pruned one: `--consumers`, else those bound to an
/// image-pulling role in it; none with `-A` (every namespace is already in scope).
async fn consumer_namespaces(
    cluster: &Cluster,
    scope: &Scope,
    p: &Prune,
) -> (Vec<String>, Vec<String>) {
    let Scope::Namespace(ns) = scope else {
        return (Vec::new(), Vec::new());
    };
    if let Some(given) = &p.consumers {
        let mut list: Vec<String> = given.iter().filter(|c| *c != ns).cloned().collect();
        list.sort();
        list.dedup();
        return (list, Vec::new());
    }
    if p.ignore_in_use {
        return (Vec::new(), Vec::new());
    }
    let found = cluster::discover_consumers(cluster, ns).await;
    (found.namespaces.into_iter().collect(), found.unchecked)
}

async fn read_consumer(
    cluster: &Cluster,
    ns: &str,
    p: &Prune,
) -> (String, Result<Vec<ImageStream>>, cluster::WorkloadImages) {
    let scope = Scope::Namespace(ns.to_owned());
    let streams = cluster::list_image_streams(cluster, &scope, None, &[]);
    let workloads = async {
        if p.ignore_in_use {
            cluster::WorkloadImages::default()
        } else {
            cluster::workload_images(cluster, &scope).await
        }
    };
    let (streams, workloads) = tokio::join!(streams, workloads);
    (ns.to_owned(), streams, workloads)
}

/// Asks (after `--interactive`'s choice); the confirmed plan, or why not.
fn confirm_plan(
    plan: Plan,
    interactive: bool,
    (accounting, space): (&crate::usage::Accounting, Space),
    scope_text: &str,
    context: &str,
) -> Result<Plan> {
    let summary = render::plan::summary(&plan, scope_text, context);
    if !confirm::interactive() {
        return Err(Error::refused(format!(
            "refusing to {summary} without confirmation: no terminal to ask on; pass --yes to delete unattended, or --dry-run to only show the plan"
        )));
    }
    let plan = if interactive {
        let plan = choose(plan)?;
        if plan.is_empty() {
            return Err(Error::refused("nothing selected: nothing was deleted"));
        }
        plan
    } else {
        plan
    };
    // dialoguer redraws the question on every key; wider than the terminal, each redraw leaves
    // a wrapped copy behind. So the details go on the line above, printed once, and the
    // question stays short.
    eprintln!(
        "{}, freeing {}.",
        capitalise(&render::plan::summary(&plan, scope_text, context)),
        space.text(freed_by(accounting, &plan))
    );
    let question = format!("{}?", capitalise(&render::plan::actions(&plan)));
    if !confirm::ask(&question)? {
        return Err(Error::refused("declined: nothing was deleted"));
    }
    Ok(plan)
}

/// Re-reads and re-plans, keeps what is still planned, writes the journal, and deletes it.
async fn apply(
    cluster: &Cluster,
    (scope, cfg, p): (&Scope, &Config, &Prune),
    confirmed: &Plan,
    stage: &JournalStage<'_>,
    stop: Arc<Stop>,
    opts: &ApplyOptions,
) -> Result<(ApplyReport, Option<Written>)> {
    let fresh = gather(cluster, scope, cfg.selector.as_deref(), p).await?;
    let policies =
        policy::stage::resolve(cluster, scope, p, &fresh.planned, Timestamp::now()).await;
    let fresh_plan = policies.build(&fresh.planned, &fresh.context);
    let mut decided = Vec::new();
    let mut deletions = Vec::new();
    for (s, tag, digest) in confirmed.deletions() {
        let d = Deletion {
            namespace: s.namespace.clone(),
            stream: s.name.clone(),
            tag: tag.to_owned(),
            digest: digest.to_owned(),
            uid: s.uid.clone(),
        };
        if let Some(reason) = policies.skip_reason(&d.namespace, &d.stream) {
            decided.push((d, Outcome::Skipped { reason }));
            continue;
        }
        match still_planned(&fresh_plan, &d) {
            Verdict::Delete => deletions.push(d),
            Verdict::Gone => decided.push((d, Outcome::AlreadyGone)),
            Verdict::Keep(reason) => decided.push((d, Outcome::Skipped { reason })),
        }
    }
    // journal: before the first DELETE (and the trims), or nothing is deleted.
    let written = if deletions.is_empty() && confirmed.trim_count() == 0 {
        None
    } else {
        Some(write_journal(stage, confirmed, &fresh.planned, &deletions)?)
    };
    if deletions.is_empty() {
        decided.sort_by(|a, b| a.0.cmp(&b.0));
        let report = ApplyReport {
            results: decided,
            ..ApplyReport::default()
        };
        return Ok((report, written));
    }
    let view = Arc::new(
        StreamView::start(
            cluster,
            scope,
            fresh.scope_streams.clone(),
            &fresh.scope_version,
        )
        .await,
    );
    let guard = guard(&fresh, policies.resolver.clone());
    let mut report = cluster::apply(cluster, deletions, view, guard, stop, opts).await;
    report.results.extend(decided);
    report.results.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((report, written))
}

/// What the journal stage needs besides the plan.
struct JournalStage<'a> {
    target: JournalArg,
    cluster: &'a Cluster,
    scope: &'a Scope,
    /// What the plan frees, for the record (the run's figures replace it afterwards).
    freed: (u64, Space),
}

/// The journal, and where it was written (`None`: `--no-journal`).
struct Written {
    journal: Journal,
    path: Option<std::path::PathBuf>,
}

/// Records every tag about to be deleted, with its history and spec tag as just read, and
/// writes the record; an error here stops the run before any DELETE.
fn write_journal(
    stage: &JournalStage<'_>,
    confirmed: &Plan,
    streams: &[ImageStream],
    deletions: &[Deletion],
) -> Result<Written> {
    let record = Journal {
        time: Timestamp::now(),
        context: stage.cluster.context.clone(),
        server: stage.cluster.url.clone(),
        namespace: stage.scope.namespace().map(str::to_owned),
        tags: journal::record(
            streams,
            deletions
                .iter()
                .map(|d| (d.namespace.as_str(), d.stream.as_str(), d.tag.as_str())),
        ),
    };
    let target = match &stage.target {
        JournalArg::Off => {
            return Ok(Written {
                journal: record,
                path: None,
            });
        }
        JournalArg::Path(p) => journal::store::Target::File(p.clone()),
        JournalArg::Default => journal::store::Target::Dir(
            journal::store::default_dir().map_err(|e| not_written(e.message))?,
        ),
    };
    let text = output::json(&document(
        confirmed,
        false,
        stage.freed,
        None,
        Some(&record),
        // The run's final record, written after the DELETEs, carries the skipped streams.
        &[],
    ))?;
    let path =
        journal::store::write_new(&target, &record, &text).map_err(|e| not_written(e.message))?;
    Ok(Written {
        journal: record,
        path: Some(path),
    })
}

fn not_written(why: String) -> Error {
    Error::runtime(format!(
        "{why}; nothing was deleted (pass --journal PATH to write it elsewhere, or --no-journal to prune without one)"
    ))
}

/// Whether `plan` deletes `d`'s tag with the same image in the same stream.
fn still_planned(plan: &Plan, d: &Deletion) -> Verdict {
    let Some(s) = plan.stream(&d.namespace, &d.stream) else {
        return Verdict::Gone;
    };
    if d.uid.is_some() && s.uid != d.uid {
        return Verdict::Keep(
            "the image stream was replaced since the plan (its UID changed)".into(),
        );
    }
    let Some(t) = s.tag(&d.tag) else {
        return Verdict::Gone;
    };
    if t.revisions == 0 {
        return Verdict::Gone;
    }
    if t.digest.as_deref().unwrap_or_default() != d.digest {
        return Verdict::Keep(format!(
            "changed since the plan: now {} (planned {})",
            render::short_digest(t.digest.as_deref().unwrap_or_default()),
            render::short_digest(&d.digest)
        ));
    }
    if !t.is_delete() {
        let why: Vec<String> = t.reasons.iter().map(ToString::to_string).collect();
        return Verdict::Keep(format!("no longer planned: {}", why.join("; ")));
    }
    Verdict::Delete
}

/// The per-DELETE decision: the planner again, on the stream as the view has it now, with
/// spec references recomputed whenever the view changed.
fn guard(fresh: &Gathered, policy: Arc<policy::Resolver>) -> Guard {
    let in_use = fresh.context.in_use.clone();
    let consumer_streams = fresh.consumer_streams.clone();
    let cached: Mutex<Option<(u64, Arc<plan::Context>)>> = Mutex::new(None);
    Arc::new(
        move |d: &Deletion, current: Option<&ImageStream>, view: &StreamView| {
            let Some(stream) = current else {
                return Verdict::Gone;
            };
            // Recomputed only when a stream's spec changed (or a stream came or went): the
            // MODIFIED event of each of our own DELETEs leaves the references as they were.
            let ctx = {
                let mut slot = cached.lock().unwrap_or_else(|e| e.into_inner());
                match &*slot {
                    Some((v, ctx)) if *v == view.version() => ctx.clone(),
                    _ => {
                        let (version, streams) = view.streams(None);
                        let all: Vec<ImageStream> = streams
                            .into_iter()
                            .chain(consumer_streams.clone())
                            .collect();
                        let ctx = Arc::new(plan::Context {
                            in_use: in_use.clone(),
                            references: plan::spec_references(&all),
                        });
                        *slot = Some((version, ctx.clone()));
                        ctx
                    }
                }
            };
            // The stream's policy as it is now: disabled or broken since the plan keeps it.
            let annotations = stream.metadata.annotations.as_ref();
            let opts = match policy.decide(stream.namespace(), annotations, Timestamp::now()) {
                policy::Decision::Plan(opts, _) => opts,
                policy::Decision::Disabled(_) => {
                    return Verdict::Keep("its policy now says disabled".into());
                }
                policy::Decision::Malformed { problem, .. } => {
                    return Verdict::Keep(format!("its policy is now malformed: {problem}"));
                }
            };
            let plan = plan::build(std::slice::from_ref(stream), &ctx, &opts);
            still_planned(&plan, d)
        },
    )
}

/// What `prune -o json|yaml` prints: the plan, and what applying it did.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PruneDocument<'a> {
    api_version: &'static str,
    kind: &'static str,
    dry_run: bool,
    /// Bytes no longer referenced by any remaining tag or revision of the namespace, in the
    /// API's view: the registry's pruner reclaims them later. After a run, of what was
    /// actually deleted and trimmed.
    freed_bytes: u64,
    /// False when some image it may free could not be read: `freedBytes` is then a lower bound.
    freed_complete: bool,
    plan: &'a Plan,
    /// What each deleted tag held, for `restore` (absent in a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    journal: Option<&'a Journal>,
    /// Streams not planned: `disabled`, or a malformed policy (see [`crate::policy`]).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    skipped_streams: &'a [policy::stage::Skipped],
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<PruneResult<'a>>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PruneResult<'a> {
    deletions: Vec<DeletionResult<'a>>,
    trims: &'a [TrimOutcome],
    interrupted: bool,
    retries: u32,
}

#[derive(serde::Serialize)]
struct DeletionResult<'a> {
    #[serde(flatten)]
    deletion: &'a Deletion,
    #[serde(flatten)]
    outcome: &'a Outcome,
}

fn document<'a>(
    plan: &'a Plan,
    dry_run: bool,
    (freed_bytes, space): (u64, Space),
    result: Option<PruneResult<'a>>,
    journal: Option<&'a Journal>,
    skipped_streams: &'a [policy::stage::Skipped],
) -> PruneDocument<'a> {
    PruneDocument {
        api_version: crate::inventory::API_VERSION,
        kind: "PruneRun",
        dry_run,
        freed_bytes,
        freed_complete: space.complete,
        plan,
        journal,
        skipped_streams,
        result,
    }
}

fn print_document(
    cfg: &Config,
    plan: &Plan,
    dry_run: bool,
    freed: (u64, Space),
    result: Option<PruneResult<'_>>,
    journal: Option<&Journal>,
    skipped_streams: &[policy::stage::Skipped],
) -> Result<()> {
    let doc = document(plan, dry_run, freed, result, journal, skipped_streams);
    print(&match cfg.output {
        OutputArg::Yaml => output::yaml(&doc)?,
        _ => output::json(&doc)?,
    })
}

/// `imagestreamtag/<stream>:<tag>` lines, as `oc delete istag -o name` prints them.
fn names<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    tags.map(|(stream, tag)| format!("imagestreamtag/{stream}:{tag}\n"))
        .collect()
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
    let namespaces = {
        let mut ns: Vec<&str> = plan.streams.iter().map(|s| s.namespace.as_str()).collect();
        ns.dedup();
        ns.len() > 1
    };
    let labels: Vec<String> = items
        .iter()
        .map(|&(si, ti)| {
            let s = &plan.streams[si];
            if namespaces {
                format!("{}/{}:{}", s.namespace, s.name, s.tags[ti].tag)
            } else {
                format!("{}:{}", s.name, s.tags[ti].tag)
            }
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

/// The images whose blobs the plan may free: those of its deleted tags and trimmed revisions
/// that no remaining revision in scope references (an image still referenced frees nothing).
fn freeable_images(scope: &[ImageStream], plan: &Plan) -> BTreeSet<String> {
    let deleted: BTreeSet<(&str, &str, &str)> = plan
        .deletions()
        .map(|(s, tag, _)| (s.namespace.as_str(), s.name.as_str(), tag))
        .collect();
    let trimmed: BTreeSet<(&str, &str, &str, &str)> = plan
        .trims()
        .map(|(s, t, r)| {
            (
                s.namespace.as_str(),
                s.name.as_str(),
                t.tag.as_str(),
                r.digest.as_str(),
            )
        })
        .collect();
    let (mut removed, mut kept) = (BTreeSet::new(), BTreeSet::new());
    for s in scope {
        for t in s.status_tags() {
            let whole = deleted.contains(&(s.namespace(), s.name(), t.tag.as_str()));
            for r in t.revisions().iter().filter(|r| !r.image.is_empty()) {
                let key = (s.namespace(), s.name(), t.tag.as_str(), r.image.as_str());
                if whole || trimmed.contains(&key) {
                    removed.insert(r.image.clone());
                } else {
                    kept.insert(r.image.as_str());
                }
            }
        }
    }
    removed.retain(|d| !kept.contains(d.as_str()));
    removed
}

/// Whether the space figures count every image they should.
#[derive(Clone, Copy, Debug)]
struct Space {
    complete: bool,
}

impl Space {
    fn text(self, bytes: u64) -> String {
        let size = crate::usage::human_size(bytes);
        if self.complete {
            size
        } else {
            format!("at least {size} (some images could not be sized, see the warnings)")
        }
    }
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

/// What the run freed: the tags it deleted and the revisions of the streams it trimmed.
fn freed_by_outcome(
    accounting: &crate::usage::Accounting,
    plan: &Plan,
    applied: &ApplyReport,
    trims: &[TrimOutcome],
) -> u64 {
    let mut removal = crate::usage::Removal::new();
    for d in applied.deleted() {
        removal.tag(&d.namespace, &d.stream, &d.tag);
    }
    let trimmed: BTreeMap<(&str, &str), bool> = trims
        .iter()
        .map(|t| ((t.namespace.as_str(), t.stream.as_str()), t.error.is_none()))
        .collect();
    for (s, t, r) in plan.trims() {
        if trimmed.get(&(s.namespace.as_str(), s.name.as_str())) == Some(&true) {
            removal.revision(&s.namespace, &s.name, &t.tag, &r.digest);
        }
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

pub fn nothing_found(scope: &Scope, selector: Option<&str>) -> String {
    let sel = selector
        .map(|s| format!(" matching {s:?}"))
        .unwrap_or_default();
    match scope {
        Scope::Namespace(ns) => format!("No image streams found in namespace {ns}{sel}."),
        Scope::All => format!("No image streams found in any namespace{sel}."),
    }
}
