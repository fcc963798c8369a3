//! Deleting planned tags: bounded concurrency, a fresh read of each stream right before the
//! deletes (one paged LIST per namespace when many streams are touched, else a GET each), the stream's UID as precondition, retries, a progress bar, and Ctrl-C that stops
//! new deletes but lets the ones in flight finish.
//!
//! `dryRun` is never sent: a real OpenShift 4.13 server ignores it on istag DELETE and deletes
//! (recording 148). Our `--dry-run` stops before this module is called.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kube::api::{Api, DeleteParams, ListParams, Preconditions};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Cluster;
use super::errors::{ApiContext, api_error};
use super::fetch::PAGE_SIZE;
use super::retry::{RetryPolicy, with_retries};
use crate::model::{ImageStream, ImageStreamTag};
use crate::render::short_digest;

/// One planned deletion: a tag and the image it pointed to when the user saw the plan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Deletion {
    pub namespace: String,
    pub stream: String,
    pub tag: String,
    pub digest: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    Deleted,
    /// Gone before we got to it (404): the goal is reached, so it is not a failure.
    AlreadyGone,
    Skipped {
        reason: String,
    },
    Failed {
        reason: String,
    },
}

#[derive(Clone, Debug)]
pub struct ApplyOptions {
    pub concurrency: usize,
    pub retry: RetryPolicy,
    /// Draw a progress bar on stderr (only on a TTY).
    pub progress: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ApplyReport {
    pub results: Vec<(Deletion, Outcome)>,
    /// Ctrl-C stopped the run before every deletion was sent.
    pub interrupted: bool,
    /// Retries of any request (429, 5xx, dropped connections).
    pub retries: u32,
}

impl ApplyReport {
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|(_, o)| f(o)).count()
    }

    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }
}

/// Shared by every task of one run.
struct Run {
    cluster: Cluster,
    permits: Semaphore,
    retry: RetryPolicy,
    stop: AtomicBool,
    forbidden: AtomicBool,
    /// Held by the first DELETE of the run until it is answered; see [`delete_one`].
    first: tokio::sync::Mutex<()>,
    /// A DELETE was answered with something other than 403: the others may go concurrently.
    opened: AtomicBool,
    retries: AtomicU32,
    bar: ProgressBar,
}

pub async fn apply(
    cluster: &Cluster,
    deletions: Vec<Deletion>,
    opts: &ApplyOptions,
) -> ApplyReport {
    let bar = if opts.progress {
        let bar = ProgressBar::with_draw_target(
            Some(deletions.len() as u64),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template("{spinner} deleting [{bar:30}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let run = Arc::new(Run {
        cluster: cluster.clone(),
        permits: Semaphore::new(opts.concurrency.max(1)),
        retry: opts.retry,
        stop: AtomicBool::new(false),
        forbidden: AtomicBool::new(false),
        first: tokio::sync::Mutex::new(()),
        opened: AtomicBool::new(false),
        retries: AtomicU32::new(0),
        bar,
    });
    let watcher = {
        let run = run.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                run.stop.store(true, Ordering::SeqCst);
                run.bar
                    .set_message("interrupted: waiting for deletes in flight");
            }
        })
    };

    let mut groups: BTreeMap<(String, String), Vec<Deletion>> = BTreeMap::new();
    for d in deletions {
        groups
            .entry((d.namespace.clone(), d.stream.clone()))
            .or_default()
            .push(d);
    }
    // Re-read the streams right before deleting: one paged LIST per namespace when many
    // streams are touched, rather than one GET per stream.
    let mut fresh: BTreeMap<String, BTreeMap<String, ImageStream>> = BTreeMap::new();
    let mut per_namespace: BTreeMap<&str, usize> = BTreeMap::new();
    for (namespace, _) in groups.keys() {
        *per_namespace.entry(namespace).or_default() += 1;
    }
    for (namespace, n) in per_namespace {
        if n >= RELIST_MIN
            && run.not_sending().is_none()
            && let Some(listed) = relist(&run, namespace).await
        {
            fresh.insert(namespace.to_owned(), listed);
        }
    }
    let mut streams = JoinSet::new();
    for ((namespace, stream), dels) in groups {
        // Some(None): the LIST did not have it, as a GET would have answered 404.
        let read = fresh
            .get(&namespace)
            .map(|listed| listed.get(&stream).cloned());
        streams.spawn(delete_stream_tags(
            run.clone(),
            namespace,
            stream,
            dels,
            read,
        ));
    }
    let mut results = Vec::new();
    while let Some(joined) = streams.join_next().await {
        results.extend(joined.unwrap_or_default());
    }
    watcher.abort();
    run.bar.finish_and_clear();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    ApplyReport {
        results,
        interrupted: run.stop.load(Ordering::SeqCst),
        retries: run.retries.load(Ordering::SeqCst),
    }
}

/// From how many streams of one namespace a LIST re-reads them instead of one GET each. A LIST
/// page holds [`PAGE_SIZE`] streams, so it costs a request per 250 streams of the namespace;
/// below this, GETs (which run concurrently) are cheaper for any namespace.
const RELIST_MIN: usize = 8;

/// Every stream of `namespace`, by name, read in one paged LIST; `None` if that failed (the
/// caller then reads each stream with a GET, which words its own errors).
async fn relist(run: &Run, namespace: &str) -> Option<BTreeMap<String, ImageStream>> {
    let api: Api<ImageStream> = Api::namespaced(run.cluster.client.clone(), namespace);
    let mut params = ListParams::default().limit(PAGE_SIZE);
    let mut out = BTreeMap::new();
    loop {
        let page = {
            let _permit = run.permits.acquire().await;
            let (res, retries) = with_retries(run.retry, || api.list(&params)).await;
            run.retries.fetch_add(retries, Ordering::SeqCst);
            res.ok()?
        };
        for is in page.items {
            out.insert(is.name().to_owned(), is);
        }
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => return Some(out),
        }
    }
}

/// Re-reads the stream (unless `read` already holds it, fresh from a LIST), skips tags that
/// moved since the plan, deletes the rest concurrently.
async fn delete_stream_tags(
    run: Arc<Run>,
    namespace: String,
    stream: String,
    dels: Vec<Deletion>,
    read: Option<Option<ImageStream>>,
) -> Vec<(Deletion, Outcome)> {
    let all = |outcome: Outcome| {
        dels.iter()
            .cloned()
            .map(|d| (d, outcome.clone()))
            .collect::<Vec<_>>()
    };
    if let Some(why) = run.not_sending() {
        run.bar.inc(dels.len() as u64);
        return all(Outcome::Skipped { reason: why });
    }
    let streams: Api<ImageStream> = Api::namespaced(run.cluster.client.clone(), &namespace);
    let fresh = match read {
        Some(Some(is)) => Ok(is),
        Some(None) => {
            run.bar.inc(dels.len() as u64);
            return all(Outcome::AlreadyGone);
        }
        None => {
            let _permit = run.permits.acquire().await;
            let (res, retries) = with_retries(run.retry, || streams.get(&stream)).await;
            run.retries.fetch_add(retries, Ordering::SeqCst);
            res
        }
    };
    let is = match fresh {
        Ok(is) => is,
        Err(kube::Error::Api(s)) if s.code == 404 => {
            run.bar.inc(dels.len() as u64);
            return all(Outcome::AlreadyGone);
        }
        Err(e) => {
            let ctx = ApiContext {
                verb: "get",
                resource: "imagestreams",
                group: crate::model::GROUP,
                namespace: Some(&namespace),
                url: &run.cluster.url,
            };
            run.bar.inc(dels.len() as u64);
            return all(Outcome::Failed {
                reason: format!(
                    "could not re-read the stream before deleting: {}",
                    api_error(e, &ctx)
                ),
            });
        }
    };
    let uid = is.metadata.uid.clone();
    let mut out = Vec::new();
    let mut deletes = JoinSet::new();
    for d in dels {
        match is.current(&d.tag) {
            None => {
                run.bar.inc(1);
                out.push((d, Outcome::AlreadyGone));
            }
            Some(now) if now.image != d.digest => {
                let reason = format!(
                    "changed since the plan: now {} (planned {})",
                    short_digest(&now.image),
                    short_digest(&d.digest)
                );
                run.bar.inc(1);
                out.push((d, Outcome::Skipped { reason }));
            }
            Some(_) => {
                deletes.spawn(delete_one(run.clone(), d, uid.clone()));
            }
        }
    }
    while let Some(joined) = deletes.join_next().await {
        if let Ok(r) = joined {
            out.push(r);
        }
    }
    out
}

async fn delete_one(run: Arc<Run>, d: Deletion, uid: Option<String>) -> (Deletion, Outcome) {
    let permit = run.permits.acquire().await;
    // The first DELETE goes alone: without delete rights, a user gets one 403 and the rest
    // are not sent, instead of one 403 per request in flight.
    let gate = if run.opened.load(Ordering::SeqCst) {
        None
    } else {
        let held = run.first.lock().await;
        (!run.opened.load(Ordering::SeqCst)).then_some(held)
    };
    // Checked after waiting for a permit: Ctrl-C or a 403 may have come meanwhile.
    if let Some(why) = run.not_sending() {
        drop(permit);
        run.bar.inc(1);
        return (d, Outcome::Skipped { reason: why });
    }
    let api: Api<ImageStreamTag> = Api::namespaced(run.cluster.client.clone(), &d.namespace);
    let name = format!("{}:{}", d.stream, d.tag);
    let params = DeleteParams {
        preconditions: Some(Preconditions {
            uid,
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    let (res, retries) = with_retries(run.retry, || api.delete(&name, &params)).await;
    drop(permit);
    run.retries.fetch_add(retries, Ordering::SeqCst);
    run.bar.inc(1);
    let outcome = match res {
        Ok(_) => Outcome::Deleted,
        Err(kube::Error::Api(s)) if s.code == 404 => Outcome::AlreadyGone,
        Err(kube::Error::Api(s)) if s.code == 409 => Outcome::Skipped {
            reason: "the image stream was replaced since the plan (its UID changed)".into(),
        },
        Err(e) => {
            let forbidden = matches!(&e, kube::Error::Api(s) if s.code == 403);
            if forbidden {
                run.forbidden.store(true, Ordering::SeqCst);
            }
            let ctx = ApiContext {
                verb: "delete",
                resource: "imagestreamtags",
                group: crate::model::GROUP,
                namespace: Some(&d.namespace),
                url: &run.cluster.url,
            };
            Outcome::Failed {
                reason: api_error(e, &ctx).message,
            }
        }
    };
    if !run.forbidden.load(Ordering::SeqCst) {
        run.opened.store(true, Ordering::SeqCst);
    }
    drop(gate);
    (d, outcome)
}

impl Run {
    fn not_sending(&self) -> Option<String> {
        if self.stop.load(Ordering::SeqCst) {
            Some("not sent: interrupted".into())
        } else if self.forbidden.load(Ordering::SeqCst) {
            Some("not sent: an earlier delete was forbidden".into())
        } else {
            None
        }
    }
}
