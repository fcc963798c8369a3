//! `pin` / `unpin` and `policy show|set`: read the streams, decide (pure, in [`super`]), show
//! what changes, confirm, write one merge PATCH per stream.
//!
//! A merge PATCH that carries `metadata.resourceVersion` is refused with 409 when the stream
//! changed since it was read (the apiserver's optimistic concurrency applies to patches too), so
//! a pin list is always edited from what the server holds: on 409 it is read and edited again.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use kube::api::{Api, Patch, PatchParams};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Decision, Effective, KEYS, PREFIX, Problem, Resolver, Source, fetch, skip_warning};
use crate::app::{note, print};
use crate::cli::{Config, OutputArg};
use crate::cluster::{self, ApiContext, Cluster, RetryPolicy, Scope, api_error, with_retries};
use crate::error::{Error, Result};
use crate::model::ImageStream;
use crate::plan::PINNED_ANNOTATION;
use crate::render::{Palette, output};

/// How many times a write is re-read and retried after a 409.
const CONFLICT_RETRIES: usize = 5;

/// One annotation's change on one stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub annotation: String,
    pub from: Option<String>,
    /// `None`: the annotation is removed.
    pub to: Option<String>,
}

/// The changes `wanted` (annotation → new value, `None` to remove) makes to `current`; only
/// those that change something.
pub fn changes(
    current: Option<&BTreeMap<String, String>>,
    wanted: &BTreeMap<String, Option<String>>,
) -> Vec<Change> {
    wanted
        .iter()
        .filter_map(|(k, to)| {
            let from = current.and_then(|c| c.get(k)).cloned();
            (from != *to).then(|| Change {
                annotation: k.clone(),
                from,
                to: to.clone(),
            })
        })
        .collect()
}

/// `pin`/`unpin STREAM:TAG…`: edits each stream's pinned annotation.
pub async fn pin(
    cfg: &Config,
    cluster: &Cluster,
    targets: &[String],
    unpin: bool,
    confirm: Confirm,
) -> Result<()> {
    let ns = one_namespace(cluster, if unpin { "unpin" } else { "pin" })?;
    let mut by_stream: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in targets {
        let (stream, tag) = t
            .split_once(':')
            .filter(|(s, t)| !s.is_empty() && !t.is_empty() && !t.contains(':'))
            .ok_or_else(|| {
                Error::usage(format!(
                    "{t:?} is not STREAM:TAG: name the image stream and the tag, e.g. myapp:v2.0.3"
                ))
            })?;
        by_stream
            .entry(stream.to_owned())
            .or_default()
            .push(tag.to_owned());
    }
    let edit = |is: &ImageStream, tags: &[String]| -> Result<BTreeMap<String, Option<String>>> {
        if !unpin {
            let known: BTreeSet<String> = is
                .status_tags()
                .iter()
                .map(|t| t.tag.clone())
                .chain(is.spec_tags().iter().map(|t| t.name.clone()))
                .collect();
            if let Some(missing) = tags.iter().find(|t| !known.contains(*t)) {
                return Err(Error::runtime(format!(
                    "image stream {ns}/{} has no tag {missing:?}: nothing was pinned",
                    is.name()
                )));
            }
        }
        let current = is
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(PINNED_ANNOTATION));
        let new = super::edit_pins(current.map(String::as_str), tags, !unpin);
        Ok(BTreeMap::from([(PINNED_ANNOTATION.to_owned(), new)]))
    };
    write_annotations(cfg, cluster, &ns, &by_stream, edit, confirm).await
}

/// `policy set STREAM …`: writes the given settings as annotations.
pub async fn set(
    cfg: &Config,
    cluster: &Cluster,
    stream: &str,
    wanted: &BTreeMap<String, Option<String>>,
    confirm: Confirm,
) -> Result<()> {
    let ns = one_namespace(cluster, "policy set")?;
    let targets = BTreeMap::from([(stream.to_owned(), Vec::new())]);
    write_annotations(
        cfg,
        cluster,
        &ns,
        &targets,
        |_, _| Ok(wanted.clone()),
        confirm,
    )
    .await
}

/// How a write is confirmed.
#[derive(Clone, Copy, Debug)]
pub struct Confirm {
    pub yes: bool,
    pub dry_run: bool,
}

fn one_namespace(cluster: &Cluster, what: &str) -> Result<String> {
    if cluster.all_namespaces {
        return Err(Error::usage(format!(
            "{what} edits image streams of one namespace: use -n NAMESPACE instead of -A"
        )));
    }
    Ok(cluster.namespace.clone())
}

/// The stages of a write: read each stream, compute its changes, show them, confirm, PATCH.
async fn write_annotations(
    cfg: &Config,
    cluster: &Cluster,
    ns: &str,
    targets: &BTreeMap<String, Vec<String>>,
    edit: impl Fn(&ImageStream, &[String]) -> Result<BTreeMap<String, Option<String>>>,
    confirm: Confirm,
) -> Result<()> {
    let api: Api<ImageStream> = Api::namespaced(cluster.client.clone(), ns);
    let ctx = |verb| ApiContext {
        verb,
        resource: "imagestreams",
        group: crate::model::GROUP,
        namespace: Some(ns),
        url: &cluster.url,
    };
    // read + decide
    let mut planned: Vec<(String, Vec<Change>)> = Vec::new();
    for (stream, tags) in targets {
        let is = get(&api, stream, &ctx("get")).await?;
        let wanted = edit(&is, tags)?;
        planned.push((
            stream.clone(),
            changes(is.metadata.annotations.as_ref(), &wanted),
        ));
    }
    // show
    let text = show_changes(ns, &planned);
    let count: usize = planned.iter().map(|(_, c)| c.len()).sum();
    if count == 0 {
        eprintln!("Nothing to change: the annotations already say so.");
        return Ok(());
    }
    let machine = matches!(cfg.output, OutputArg::Json | OutputArg::Yaml);
    if machine {
        let doc = json!({"apiVersion": crate::inventory::API_VERSION, "kind": "AnnotationChanges",
            "dryRun": confirm.dry_run, "namespace": ns,
            "items": planned.iter().map(|(s, c)| json!({"name": s, "changes": c})).collect::<Vec<_>>()});
        print(&match cfg.output {
            OutputArg::Yaml => output::yaml(&doc)?,
            _ => output::json(&doc)?,
        })?;
    } else {
        // The changes are the plan: on stdout, as prune's table is.
        print(&text)?;
    }
    if confirm.dry_run {
        eprintln!("Dry run: nothing was changed.");
        return Ok(());
    }
    // confirm
    let what = crate::render::plan::plural(count, "annotation change");
    if !confirm.yes {
        if !crate::confirm::interactive() {
            return Err(Error::refused(format!(
                "refusing to write {what} without confirmation: no terminal to ask on; pass --yes, or --dry-run to only show them"
            )));
        }
        if machine {
            eprint!("{text}");
        }
        if !crate::confirm::ask(&format!("Write {what}?"))? {
            return Err(Error::refused("declined: nothing was changed"));
        }
    }
    // write
    for (stream, tags) in targets {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let is = get(&api, stream, &ctx("get")).await?;
            let wanted = edit(&is, tags)?;
            let annotations: serde_json::Map<String, Value> = wanted
                .into_iter()
                .map(|(k, v)| (k, v.map_or(Value::Null, Value::String)))
                .collect();
            let body = json!({"metadata": {
                "resourceVersion": is.metadata.resource_version,
                "annotations": annotations,
            }});
            let pp = PatchParams::default();
            let patch = Patch::Merge(&body);
            let (res, _) =
                with_retries(RetryPolicy::default(), || api.patch(stream, &pp, &patch)).await;
            match res {
                Ok(_) => break,
                Err(kube::Error::Api(s)) if s.code == 409 && attempt < CONFLICT_RETRIES => continue,
                Err(e) => return Err(api_error(e, &ctx("patch"))),
            }
        }
    }
    eprintln!("Wrote {what} in namespace {ns}.");
    Ok(())
}

async fn get(api: &Api<ImageStream>, name: &str, ctx: &ApiContext<'_>) -> Result<ImageStream> {
    let (got, _) = with_retries(RetryPolicy::default(), || api.get(name)).await;
    got.map_err(|e| match e {
        kube::Error::Api(s) if s.code == 404 => Error::runtime(format!(
            "image stream {name:?} not found in namespace {:?}",
            ctx.namespace.unwrap_or_default()
        )),
        e => api_error(e, ctx),
    })
}

/// `imagestream/myapp: prunetags.openshift.io/keep: (none) → 5`, one line per change.
fn show_changes(ns: &str, planned: &[(String, Vec<Change>)]) -> String {
    let mut out = String::new();
    for (stream, changes) in planned {
        for c in changes {
            out.push_str(&format!(
                "{ns}/imagestream/{stream}: {}: {} → {}\n",
                c.annotation,
                c.from
                    .as_deref()
                    .map_or("(none)".to_owned(), |v| format!("{v:?}")),
                c.to.as_deref()
                    .map_or("(removed)".to_owned(), |v| format!("{v:?}")),
            ));
        }
    }
    out
}

/// One row of `policy show`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown {
    namespace: String,
    name: String,
    /// `prune --policy`'s policy for it; absent when malformed.
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<Effective>,
    pinned: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<ShownProblem>,
}

#[derive(Serialize)]
struct ShownProblem {
    on: Source,
    #[serde(flatten)]
    problem: Problem,
}

/// `policy show [STREAM…]`: what `prune --policy` (without flags) applies to each stream.
pub async fn show(
    cfg: &Config,
    cluster: &Cluster,
    streams: &[String],
    palette: Palette,
) -> Result<()> {
    let scope = Scope::of(cluster);
    let found =
        cluster::list_image_streams(cluster, &scope, cfg.selector.as_deref(), streams).await?;
    let namespaces: BTreeSet<String> = found.iter().map(|s| s.namespace().to_owned()).collect();
    let resolver = Resolver {
        with_policy: true,
        namespaces: fetch::namespace_layers(cluster, &scope, &namespaces).await,
        ..Resolver::default()
    };
    let rows = rows(&resolver, &found, Timestamp::now());
    let mut malformed = 0;
    for r in &rows {
        if let Some(p) = &r.problem {
            malformed += 1;
            note(&format!(
                "{} {}",
                palette.warn("warning:"),
                skip_warning(&r.namespace, &r.name, p.on, &p.problem)
            ));
        }
    }
    match cfg.output {
        OutputArg::Json | OutputArg::Yaml => {
            let doc = json!({"apiVersion": crate::inventory::API_VERSION, "kind": "PolicyList",
                "items": rows});
            print(&match cfg.output {
                OutputArg::Yaml => output::yaml(&doc)?,
                _ => output::json(&doc)?,
            })?;
        }
        _ => {
            let layout = crate::render::Layout::of(std::io::stdout(), cfg.no_headers, palette);
            print(&(table(&rows, palette, layout, cluster.all_namespaces) + "\n"))?
        }
    }
    if malformed > 0 {
        return Err(Error::runtime(format!(
            "{} a malformed policy (see the warnings)",
            crate::render::plan::plural(malformed, "image stream has")
                .replace("image streams has", "image streams have")
        )));
    }
    Ok(())
}

fn rows(resolver: &Resolver, streams: &[ImageStream], now: Timestamp) -> Vec<Shown> {
    streams
        .iter()
        .map(|s| {
            let a = s.metadata.annotations.as_ref();
            let pinned =
                super::pinned_list(a.and_then(|a| a.get(PINNED_ANNOTATION)).map(|v| v.as_str()));
            let (policy, problem) = match resolver.decide(s.namespace(), a, now) {
                Decision::Plan(_, e) | Decision::Disabled(e) => (Some(*e), None),
                Decision::Malformed { on, problem } => (None, Some(ShownProblem { on, problem })),
            };
            Shown {
                namespace: s.namespace().to_owned(),
                name: s.name().to_owned(),
                policy,
                pinned,
                problem,
            }
        })
        .collect()
}

fn table(
    rows: &[Shown],
    palette: Palette,
    layout: crate::render::Layout,
    namespaces: bool,
) -> String {
    let mut columns = vec!["STREAM"];
    columns.extend(KEYS.iter().map(|k| k.name()));
    columns.push("pinned");
    let upper: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
    let upper: Vec<&str> = upper.iter().map(String::as_str).collect();
    let mut t = crate::render::table::headed_table(palette, layout, namespaces, &upper);
    for r in rows {
        let mut row = Vec::new();
        if namespaces {
            row.push(r.namespace.clone());
        }
        row.push(r.name.clone());
        match &r.policy {
            Some(e) => row.extend(KEYS.iter().map(|&k| {
                let from = match e.source(k) {
                    Source::Default => "default",
                    Source::Flag => "flag",
                    Source::Namespace => "namespace",
                    Source::ImageStream => "imagestream",
                };
                format!("{} ({from})", e.value_text(k))
            })),
            None => row.extend(KEYS.iter().map(|_| "<malformed>".to_owned())),
        }
        row.push(if r.pinned.is_empty() {
            "<none>".to_owned()
        } else {
            r.pinned.join(",")
        });
        t.add_row(row);
    }
    layout.finish(t)
}

/// The annotations `policy set` writes for the given settings: `Some` sets, `None` removes.
pub fn wanted_annotations(
    set: &[(super::Key, String)],
    unset: &[super::Key],
) -> BTreeMap<String, Option<String>> {
    let mut out: BTreeMap<String, Option<String>> =
        unset.iter().map(|k| (k.annotation(), None)).collect();
    for (k, v) in set {
        out.insert(format!("{PREFIX}{}", k.name()), Some(v.clone()));
    }
    out
}
