//! `restore`: brings deleted tags back from a prune's journal, as a pipeline of named stages:
//! load → select → gather → decide → show → confirm → apply → report.
//!
//! # How a tag comes back
//!
//! An ImageStreamTag DELETE leaves the Image objects until the image pruner reclaims them, and
//! a namespace `edit` user may create `imagestreammappings`. POSTing one per revision, oldest
//! first, with only the image's `metadata.name` (the digest) and `dockerImageReference`,
//! re-creates the history in its order; the server fills layers and size from the existing
//! Image, and stamps every revision with the time of the POST (recordings
//! openshift-4.13-round2/214–218). Then the spec tag (`from`, annotations, policies) is
//! written back the way `oc tag` writes one: GET the istag, PUT it with `tag` set.
//!
//! Once an Image was reclaimed, the same POST still answers 201 but creates an **empty** Image
//! (221–224). So every restored tag is read back through `/layers`, one GET per stream; where
//! revisions came back empty, the tag is deleted again and re-created from the revisions
//! whose images survived (none: the tag stays deleted, "already reclaimed by the image
//! pruner"). No empty tag is left behind. The empty Image objects themselves are
//! cluster-scoped: only an admin (or the next pruner run) removes them.

pub mod decide;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Value, json};

use crate::app::{note, print};
use crate::cli::{Config, OutputArg, Restore};
use crate::cluster::{self, ApiContext, Cluster, RetryPolicy, Scope, api_error, with_retries};
use crate::error::{Error, Result};
use crate::journal::{JournalTag, store};
use crate::model::{ImageStream, ImageStreamLayers, TagEvent, TagReference};
use crate::render::{Palette, output, short_digest};
use decide::{Action, Step};

/// What happened to one tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// Every revision is back, and the spec tag if there was one.
    Restored {
        revisions: usize,
    },
    /// Some revisions' images were already reclaimed: the tag holds the others.
    PartlyReclaimed {
        revisions: usize,
        reclaimed: Vec<String>,
    },
    /// Every image of the tag was already reclaimed: nothing was left behind.
    AlreadyReclaimed {
        reclaimed: Vec<String>,
    },
    /// A tag of that name exists now: left alone.
    Exists,
    Failed {
        reason: String,
    },
    /// `--dry-run`, or a step that writes nothing.
    NotSent,
}

impl Outcome {
    fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failed { .. })
    }
}

/// What `restore -o json|yaml` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RestoreDocument<'a> {
    api_version: &'static str,
    kind: &'static str,
    journal: String,
    dry_run: bool,
    tags: Vec<StepResult<'a>>,
}

#[derive(Serialize)]
struct StepResult<'a> {
    #[serde(flatten)]
    step: &'a Step,
    #[serde(flatten)]
    outcome: &'a Outcome,
}

pub async fn run(cfg: &Config, cluster: &Cluster, r: &Restore, palette: Palette) -> Result<()> {
    let machine = matches!(cfg.output, OutputArg::Json | OutputArg::Yaml);
    // load
    let entry = load(cluster, r)?;
    if entry.journal.context != cluster.context {
        note(&format!(
            "{} the journal was written in context {:?}; restoring into context {:?}",
            palette.warn("warning:"),
            entry.journal.context,
            cluster.context
        ));
    }
    // select
    let tags = decide::select(&entry.journal.tags, r.tags.as_deref())?;
    // gather
    let streams = gather(cluster, &tags).await?;
    // decide
    let steps = decide::decide(&tags, &streams, r.force);
    // show
    let with_ns = {
        let ns: BTreeSet<&str> = steps.iter().map(|s| s.tag.namespace.as_str()).collect();
        ns.len() > 1
    };
    let table = show(&entry, &steps, with_ns);
    if !machine {
        print(&table)?;
    } else if !r.yes && !r.dry_run && crate::confirm::interactive() {
        // The user must see what they confirm, also when stdout is a machine format.
        eprint!("{}", crate::redact::redact(&table));
    }
    let writing = steps.iter().filter(|s| s.writes()).count();
    if r.dry_run || writing == 0 {
        let outcomes: Vec<Outcome> = steps
            .iter()
            .map(|s| match s.action {
                Action::Exists => Outcome::Exists,
                Action::StreamGone => Outcome::Failed {
                    reason: stream_gone(&s.tag),
                },
                _ => Outcome::NotSent,
            })
            .collect();
        if machine {
            document(cfg, &entry, &steps, &outcomes, r.dry_run)?;
        }
        if r.dry_run {
            eprintln!(
                "Dry run: would restore {}. Nothing was changed.",
                crate::render::plan::plural(writing, "tag")
            );
        } else {
            eprintln!("Nothing to restore.");
        }
        return finish(&outcomes);
    }
    // confirm
    confirm(r, writing, cluster)?;
    // apply
    let mut outcomes = Vec::new();
    let previous: BTreeMap<(&str, &str), &ImageStream> = streams
        .iter()
        .map(|s| ((s.namespace(), s.name()), s))
        .collect();
    for step in &steps {
        let before = previous
            .get(&(step.tag.namespace.as_str(), step.tag.stream.as_str()))
            .copied();
        outcomes.push(apply(cluster, step, before).await?);
    }
    // report
    if machine {
        document(cfg, &entry, &steps, &outcomes, false)?;
    }
    eprint!(
        "{}",
        crate::redact::redact(&report(&steps, &outcomes, with_ns))
    );
    finish(&outcomes)
}

/// The journal named, or the newest of the current context and namespace.
fn load(cluster: &Cluster, r: &Restore) -> Result<store::Entry> {
    let dir = store::default_dir();
    match &r.journal {
        Some(run) => store::find(dir.as_deref().unwrap_or(std::path::Path::new(".")), run),
        None => {
            let dir = dir?;
            let ns = (!cluster.all_namespaces).then_some(cluster.namespace.as_str());
            let all = store::list(&dir)?;
            store::newest(&all, &cluster.context, ns).ok_or_else(|| {
                Error::usage(format!(
                    "no journal of a prune in context {:?}, {} in {}; name one (`oc prunetags journal list` shows them)",
                    cluster.context,
                    ns.map_or("across all namespaces".to_owned(), |n| format!("namespace {n:?}")),
                    dir.display()
                ))
            })
        }
    }
}

/// The streams of the journal's namespaces as they are now.
async fn gather(cluster: &Cluster, tags: &[JournalTag]) -> Result<Vec<ImageStream>> {
    let namespaces: BTreeSet<&str> = tags.iter().map(|t| t.namespace.as_str()).collect();
    let mut out = Vec::new();
    for ns in namespaces {
        let scope = Scope::Namespace(ns.to_owned());
        out.extend(cluster::list_image_streams(cluster, &scope, None, &[]).await?);
    }
    Ok(out)
}

fn stream_gone(t: &JournalTag) -> String {
    format!(
        "image stream {:?} no longer exists in namespace {:?}: create it first (oc create imagestream {})",
        t.stream, t.namespace, t.stream
    )
}

/// The plan, one row per tag.
fn show(entry: &store::Entry, steps: &[Step], with_ns: bool) -> String {
    let j = &entry.journal;
    let mut out = format!(
        "Journal {} (prune of {}, context {}, {}):\n",
        entry.path.display(),
        j.time.strftime("%Y-%m-%d %H:%M:%S UTC"),
        j.context,
        j.namespace
            .as_deref()
            .map_or("all namespaces".to_owned(), |n| format!("namespace {n}"))
    );
    let rows: Vec<[String; 4]> = steps
        .iter()
        .map(|s| {
            [
                s.tag.name(with_ns),
                s.tag.revisions.len().to_string(),
                spec_text(s.tag.spec.as_ref()),
                match &s.action {
                    Action::Restore => "restore".to_owned(),
                    Action::OnTop { current } => format!(
                        "restore on top of the existing tag ({})",
                        crate::render::plan::plural(*current, "revision")
                    ),
                    Action::Exists => "exists now: left alone (--force restores on top)".into(),
                    Action::StreamGone => "its image stream is gone: cannot restore".into(),
                },
            ]
        })
        .collect();
    let head = ["TAG", "REVISIONS", "SPEC TAG", "ACTION"].map(String::from);
    let width = |i: usize| {
        rows.iter()
            .chain(std::iter::once(&head))
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for r in std::iter::once(&head).chain(&rows) {
        out.push_str(&format!(
            "{:w0$}  {:w1$}  {:w2$}  {}\n",
            r[0], r[1], r[2], r[3]
        ));
    }
    if steps.iter().any(Step::writes) {
        out.push_str(
            "Revisions come back in their order; the server stamps each with the time of the restore.\n",
        );
    }
    out
}

fn spec_text(spec: Option<&TagReference>) -> String {
    match spec.and_then(|s| s.from.as_ref()) {
        Some(from) => format!("{} {}", from.kind, from.name),
        None if spec.is_some() => "spec tag".into(),
        None => "no spec tag".into(),
    }
}

fn confirm(r: &Restore, writing: usize, cluster: &Cluster) -> Result<()> {
    if r.yes {
        return Ok(());
    }
    let what = format!(
        "restore {} in context {}",
        crate::render::plan::plural(writing, "tag"),
        cluster.context
    );
    if !crate::confirm::interactive() {
        return Err(Error::refused(format!(
            "refusing to {what} without confirmation: no terminal to ask on; pass --yes to restore unattended, or --dry-run to only show the plan"
        )));
    }
    let mut c = what.chars();
    let question = c
        .next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str() + "?")
        .unwrap_or_default();
    if !crate::confirm::ask(&question)? {
        return Err(Error::refused("declined: nothing was restored"));
    }
    Ok(())
}

/// Restores one tag. `Err` only for what stops the whole run (a 403: nothing else would
/// succeed either).
async fn apply(cluster: &Cluster, step: &Step, before: Option<&ImageStream>) -> Result<Outcome> {
    let t = &step.tag;
    match step.action {
        Action::Exists => return Ok(Outcome::Exists),
        Action::StreamGone => {
            return Ok(Outcome::Failed {
                reason: stream_gone(t),
            });
        }
        Action::Restore | Action::OnTop { .. } => {}
    }
    let journal_revs = decide::oldest_first(&t.revisions);
    // What a forced restore goes on top of, and has to put back if it must start over.
    let (current, current_spec): (Vec<TagEvent>, Option<TagReference>) = match before {
        Some(s) if matches!(step.action, Action::OnTop { .. }) => (
            s.status_tag(&t.tag)
                .map(|l| l.revisions().iter().rev().cloned().collect())
                .unwrap_or_default(),
            s.spec_tag(&t.tag).cloned(),
        ),
        _ => (Vec::new(), None),
    };
    for e in &journal_revs {
        if let Err(reason) = map(cluster, t, e).await? {
            return Ok(Outcome::Failed { reason });
        }
    }
    // verify
    let layers = match layers(cluster, t).await {
        Ok(l) => l,
        Err(e) => {
            return Ok(Outcome::Failed {
                reason: format!(
                    "re-created, but could not check that its images still exist: {}",
                    e.message
                ),
            });
        }
    };
    let digests: Vec<&str> = journal_revs.iter().map(|e| e.image.as_str()).collect();
    let gone = decide::reclaimed(&digests, &layers);
    let kept: Vec<&TagEvent> = journal_revs
        .iter()
        .copied()
        .filter(|e| !gone.contains(e.image.as_str()))
        .collect();
    if !gone.is_empty() {
        // Remove what was re-created, and build the tag again from what survived.
        if let Err(e) = delete_tag(cluster, t).await {
            return Ok(Outcome::Failed {
                reason: format!(
                    "{} came back empty (already reclaimed by the image pruner), and removing them failed: {}",
                    crate::render::plan::plural(gone.len(), "revision"),
                    e.message
                ),
            });
        }
        for e in current.iter().chain(kept.iter().copied()) {
            if let Err(reason) = map(cluster, t, e).await? {
                return Ok(Outcome::Failed { reason });
            }
        }
    }
    let spec = if kept.is_empty() {
        current_spec.as_ref()
    } else {
        t.spec.as_ref()
    };
    if let Some(spec) = spec
        && (!gone.is_empty() || !kept.is_empty())
        && let Err(e) = write_spec(cluster, t, spec).await
    {
        return Ok(Outcome::Failed {
            reason: format!("revisions restored, but not the spec tag: {}", e.message),
        });
    }
    let gone: Vec<String> = digests
        .iter()
        .filter(|d| gone.contains(*d))
        .map(|d| (*d).to_owned())
        .collect();
    Ok(match (kept.len(), gone.is_empty()) {
        (n, true) => Outcome::Restored { revisions: n },
        (0, false) => Outcome::AlreadyReclaimed { reclaimed: gone },
        (n, false) => Outcome::PartlyReclaimed {
            revisions: n,
            reclaimed: gone,
        },
    })
}

fn image_path(ns: &str, rest: &str) -> String {
    format!("/apis/{}/namespaces/{ns}/{rest}", crate::model::API_VERSION)
}

/// One request, retried on 429/5xx; the body is JSON.
async fn call(
    cluster: &Cluster,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::result::Result<Value, kube::Error> {
    let (res, _) = with_retries(RetryPolicy::default(), || async {
        let req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .body(body.map(|b| b.to_string().into_bytes()).unwrap_or_default())
            .map_err(kube::Error::HttpError)?;
        cluster.client.request::<Value>(req).await
    })
    .await;
    res
}

fn ctx<'a>(
    cluster: &'a Cluster,
    t: &'a JournalTag,
    verb: &'a str,
    resource: &'a str,
) -> ApiContext<'a> {
    ApiContext {
        verb,
        resource,
        group: crate::model::GROUP,
        namespace: Some(&t.namespace),
        url: &cluster.url,
    }
}

/// `POST imagestreammappings` of one revision: only the digest and the reference, so that the
/// server uses the Image it still has. A 403 stops the run; other errors fail the tag.
async fn map(
    cluster: &Cluster,
    t: &JournalTag,
    e: &TagEvent,
) -> Result<std::result::Result<(), String>> {
    let body = json!({
        "apiVersion": crate::model::API_VERSION,
        "kind": "ImageStreamMapping",
        "metadata": {"name": t.stream, "namespace": t.namespace},
        "image": {"metadata": {"name": e.image}, "dockerImageReference": e.docker_image_reference},
        "tag": t.tag,
    });
    let path = image_path(&t.namespace, "imagestreammappings");
    match call(cluster, "POST", &path, Some(&body)).await {
        Ok(_) => Ok(Ok(())),
        Err(kube::Error::Api(s)) if s.code == 403 => Err(api_error(
            kube::Error::Api(s),
            &ctx(cluster, t, "create", "imagestreammappings"),
        )),
        Err(err) => Ok(Err(format!(
            "re-creating revision {}: {}",
            short_digest(&e.image),
            api_error(err, &ctx(cluster, t, "create", "imagestreammappings")).message
        ))),
    }
}

async fn layers(cluster: &Cluster, t: &JournalTag) -> Result<ImageStreamLayers> {
    let path = image_path(&t.namespace, &format!("imagestreams/{}/layers", t.stream));
    let v = call(cluster, "GET", &path, None)
        .await
        .map_err(|e| api_error(e, &ctx(cluster, t, "get", "imagestreams/layers")))?;
    serde_json::from_value(v)
        .map_err(|e| Error::runtime(format!("the server sent layers that do not decode: {e}")))
}

async fn delete_tag(cluster: &Cluster, t: &JournalTag) -> Result<()> {
    let path = image_path(
        &t.namespace,
        &format!("imagestreamtags/{}:{}", t.stream, t.tag),
    );
    call(cluster, "DELETE", &path, None)
        .await
        .map(|_| ())
        .map_err(|e| api_error(e, &ctx(cluster, t, "delete", "imagestreamtags")))
}

/// The spec tag, written as `oc tag` writes one: GET the istag, PUT it back with `tag` set.
async fn write_spec(cluster: &Cluster, t: &JournalTag, spec: &TagReference) -> Result<()> {
    let path = image_path(
        &t.namespace,
        &format!("imagestreamtags/{}:{}", t.stream, t.tag),
    );
    let mut ist = call(cluster, "GET", &path, None)
        .await
        .map_err(|e| api_error(e, &ctx(cluster, t, "get", "imagestreamtags")))?;
    let mut spec = spec.clone();
    spec.name = t.tag.clone();
    // The server sets the generation of a spec tag it is given.
    spec.generation = None;
    ist["tag"] = serde_json::to_value(&spec).unwrap_or_default();
    ist["kind"] = json!("ImageStreamTag");
    ist["apiVersion"] = json!(crate::model::API_VERSION);
    if let Some(img) = ist.get_mut("image").and_then(Value::as_object_mut) {
        img.remove("dockerImageManifest");
        img.remove("dockerImageConfig");
    }
    call(cluster, "PUT", &path, Some(&ist))
        .await
        .map(|_| ())
        .map_err(|e| api_error(e, &ctx(cluster, t, "update", "imagestreamtags")))
}

fn document(
    cfg: &Config,
    entry: &store::Entry,
    steps: &[Step],
    outcomes: &[Outcome],
    dry_run: bool,
) -> Result<()> {
    let doc = RestoreDocument {
        api_version: crate::inventory::API_VERSION,
        kind: "RestoreRun",
        journal: entry.path.display().to_string(),
        dry_run,
        tags: steps
            .iter()
            .zip(outcomes)
            .map(|(step, outcome)| StepResult { step, outcome })
            .collect(),
    };
    print(&match cfg.output {
        OutputArg::Yaml => output::yaml(&doc)?,
        _ => output::json(&doc)?,
    })
}

/// One line per tag, then the counts.
fn report(steps: &[Step], outcomes: &[Outcome], with_ns: bool) -> String {
    let mut out = String::new();
    let mut counts = [0usize; 4];
    for (s, o) in steps.iter().zip(outcomes) {
        let name = s.tag.name(with_ns);
        let digests = |d: &[String]| {
            d.iter()
                .map(|x| short_digest(x))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let line = match o {
            Outcome::Restored { revisions } => {
                counts[0] += 1;
                format!(
                    "restored  {name}: {}{}",
                    crate::render::plan::plural(*revisions, "revision"),
                    if s.tag.spec.is_some() {
                        " and its spec tag"
                    } else {
                        ""
                    }
                )
            }
            Outcome::PartlyReclaimed {
                revisions,
                reclaimed,
            } => {
                counts[0] += 1;
                format!(
                    "restored  {name}: {} of {}; {} already reclaimed by the image pruner",
                    revisions,
                    crate::render::plan::plural(revisions + reclaimed.len(), "revision"),
                    digests(reclaimed)
                )
            }
            Outcome::AlreadyReclaimed { reclaimed } => {
                counts[1] += 1;
                format!(
                    "reclaimed {name}: already reclaimed by the image pruner ({}); nothing was left behind",
                    digests(reclaimed)
                )
            }
            Outcome::Exists => {
                counts[2] += 1;
                format!(
                    "exists    {name}: a tag of that name exists now; left alone (--force restores on top of it)"
                )
            }
            Outcome::Failed { reason } => {
                counts[3] += 1;
                format!("failed    {name}: {reason}")
            }
            Outcome::NotSent => continue,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "Restored {}, {} already reclaimed by the image pruner, {} exist{}, {} failed.\n",
        crate::render::plan::plural(counts[0], "tag"),
        counts[1],
        counts[2],
        if counts[2] == 1 { "s" } else { "" },
        counts[3]
    ));
    out
}

fn finish(outcomes: &[Outcome]) -> Result<()> {
    let failed = outcomes.iter().filter(|o| o.is_failure()).count();
    if failed > 0 {
        return Err(Error::runtime(format!(
            "{} could not be restored (see above)",
            crate::render::plan::plural(failed, "tag")
        )));
    }
    Ok(())
}

/// `journal list` and `journal show`: no cluster needed.
pub fn journal_command(cfg: &Config, cmd: &crate::cli::JournalCommand) -> Result<()> {
    let dir = store::default_dir()?;
    match cmd {
        crate::cli::JournalCommand::List => {
            let all = store::list(&dir)?;
            if matches!(cfg.output, OutputArg::Json | OutputArg::Yaml) {
                let items: Vec<Value> = all
                    .iter()
                    .map(|e| {
                        json!({"run": e.id, "path": e.path, "time": e.journal.time,
                            "context": e.journal.context, "namespace": e.journal.namespace,
                            "tags": e.journal.tags.len(), "deleted": e.deleted, "trimmed": e.trims})
                    })
                    .collect();
                let doc = json!({"apiVersion": crate::inventory::API_VERSION, "kind": "JournalList", "items": items});
                return print(&match cfg.output {
                    OutputArg::Yaml => output::yaml(&doc)?,
                    _ => output::json(&doc)?,
                });
            }
            if all.is_empty() {
                eprintln!("No journals in {}.", dir.display());
                return Ok(());
            }
            let rows: Vec<[String; 6]> = all
                .iter()
                .rev()
                .map(|e| {
                    [
                        e.id.clone(),
                        e.journal.time.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                        e.journal.context.clone(),
                        e.journal
                            .namespace
                            .clone()
                            .unwrap_or_else(|| "(all)".into()),
                        match e.deleted {
                            Some(d) => format!("{d} of {}", e.journal.tags.len()),
                            None => format!("? of {} (no result recorded)", e.journal.tags.len()),
                        },
                        e.trims.to_string(),
                    ]
                })
                .collect();
            print(&columns(
                &[
                    "RUN",
                    "TIME (UTC)",
                    "CONTEXT",
                    "NAMESPACE",
                    "DELETED",
                    "TRIMMED",
                ],
                &rows,
            ))
        }
        crate::cli::JournalCommand::Show { run } => {
            let e = store::find(&dir, run)?;
            if matches!(cfg.output, OutputArg::Json | OutputArg::Yaml) {
                return print(&match cfg.output {
                    OutputArg::Yaml => output::yaml(&e.journal)?,
                    _ => output::json(&e.journal)?,
                });
            }
            let j = &e.journal;
            let mut out = format!(
                "Run:        {}\nFile:       {}\nTime:       {}\nContext:    {}\nServer:     {}\nNamespace:  {}\nDeleted:    {}\n",
                e.id,
                e.path.display(),
                j.time.strftime("%Y-%m-%d %H:%M:%S UTC"),
                j.context,
                j.server,
                j.namespace.as_deref().unwrap_or("(all namespaces)"),
                e.deleted
                    .map_or("no result recorded".to_owned(), |d| format!(
                        "{d} of {} tags",
                        j.tags.len()
                    ))
            );
            let with_ns = j.namespace.is_none();
            for t in &j.tags {
                out.push_str(&format!(
                    "\n{}  ({})\n",
                    t.name(with_ns),
                    spec_text(t.spec.as_ref())
                ));
                for (i, r) in t.revisions.iter().enumerate() {
                    out.push_str(&format!(
                        "  {} {}  {}  generation {}\n",
                        if i == 0 { "*" } else { " " },
                        r.created.0.strftime("%Y-%m-%d %H:%M:%S"),
                        r.docker_image_reference,
                        r.generation
                    ));
                }
            }
            print(&out)
        }
    }
}

fn columns<const N: usize>(head: &[&str; N], rows: &[[String; N]]) -> String {
    let head: [String; N] = head.map(String::from);
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            rows.iter()
                .chain(std::iter::once(&head))
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in std::iter::once(&head).chain(rows) {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
