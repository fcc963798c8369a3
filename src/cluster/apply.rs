//! Deleting confirmed tags: bounded concurrency, a decision on fresh state right before each
//! DELETE, the plan's stream UID as precondition, answers that were lost resolved by reading,
//! and SIGINT/SIGTERM that stop every new request (retries included) while the ones in flight
//! finish.
//!
//! # The window
//!
//! The caller re-reads the namespace (streams, workloads, consumers) after the confirmation and
//! passes only what is still planned; this module then decides each tag again, right before its
//! DELETE, with the caller's [`Guard`] on the [`StreamView`]: the streams as of the latest watch
//! event (or, when the server does not serve the watch, a GET of the stream made just before the
//! DELETE). So a push, a re-created stream, a new pin or spec reference that reached the server
//! before the DELETE is seen, except for what happened within one event delivery (one GET round
//! trip without a watch) before it. The DELETE carries the UID of the stream the user saw
//! (`preconditions.uid`): a stream re-created in that last window answers 409 and is skipped.
//!
//! `dryRun` is never sent: a real OpenShift 4.13 server ignores it on istag DELETE and deletes
//! (recording 148). Our `--dry-run` stops before this module is called.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use indicatif::ProgressBar;
use kube::api::{Api, DeleteParams, Preconditions};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::errors::{ApiContext, api_error, error_chain};
use super::retry::{RetryPolicy, backoff_for, retryable, with_retries_until};
use super::{Cluster, StreamView};
use crate::model::{ImageStream, ImageStreamTag};

/// One confirmed deletion: a tag, the image it pointed to and the UID of its stream when the
/// user saw the plan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Deletion {
    pub namespace: String,
    pub stream: String,
    pub tag: String,
    pub digest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
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
    /// Never sent: the run was interrupted or an earlier DELETE was forbidden.
    NotSent {
        reason: String,
    },
}

/// What the caller's guard says of a tag, on the freshest state there is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Delete,
    /// The tag (or its stream) no longer exists.
    Gone,
    /// Keep it, and why.
    Keep(String),
}

/// Decides a tag again right before its DELETE: the deletion and the stream as now known
/// (`None`: the stream is gone), with the view for everything else (spec references).
pub type Guard = Arc<dyn Fn(&Deletion, Option<&ImageStream>, &StreamView) -> Verdict + Send + Sync>;

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
    /// A signal stopped the run before every deletion was sent.
    pub interrupted: bool,
    /// Retries of any request (429, 5xx, lost answers).
    pub retries: u32,
}

impl ApplyReport {
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|(_, o)| f(o)).count()
    }

    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    pub fn deleted(&self) -> impl Iterator<Item = &Deletion> {
        self.results
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Deleted))
            .map(|(d, _)| d)
    }
}

/// How long requests in flight may take to finish after a signal before they are abandoned.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// SIGINT / SIGTERM, as seen by every task of a run.
#[derive(Default)]
pub struct Stop {
    stopped: AtomicBool,
    notify: Notify,
    abandoned: AtomicBool,
    abandon: Notify,
}

impl Stop {
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Resolves once stopped.
    pub async fn stopped(&self) {
        let wait = self.notify.notified();
        if self.is_stopped() {
            return;
        }
        wait.await;
    }

    fn abandon(&self) {
        self.abandoned.store(true, Ordering::SeqCst);
        self.abandon.notify_waiters();
    }

    /// Resolves once requests in flight are to be given up.
    async fn abandoned(&self) {
        let wait = self.abandon.notified();
        if self.abandoned.load(Ordering::SeqCst) {
            return;
        }
        wait.await;
    }
}

/// Sets `stop` on the first SIGINT or SIGTERM, then abandons requests in flight after
/// [`STOP_GRACE`]. Abort the handle to stop listening.
pub fn on_signals(
    stop: Arc<Stop>,
    then: impl Fn() + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    use tokio::signal::unix::{SignalKind, signal};
    // Registered here, before returning, not in the task: a Ctrl-C that arrives before the
    // task first runs (the prompt is already on screen) must not kill the process.
    let mut int = signal(SignalKind::interrupt()).ok();
    let mut term = signal(SignalKind::terminate()).ok();
    async fn wait(s: Option<&mut tokio::signal::unix::Signal>) {
        match s {
            Some(s) => {
                s.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    }
    tokio::spawn(async move {
        tokio::select! {
            _ = wait(int.as_mut()) => {}
            _ = wait(term.as_mut()) => {}
        }
        stop.stop();
        then();
        tokio::time::sleep(STOP_GRACE).await;
        stop.abandon();
    })
}

/// Shared by every task of one run.
struct Run {
    cluster: Cluster,
    view: Arc<StreamView>,
    guard: Guard,
    retry: RetryPolicy,
    stop: Arc<Stop>,
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
    view: Arc<StreamView>,
    guard: Guard,
    stop: Arc<Stop>,
    opts: &ApplyOptions,
) -> ApplyReport {
    let bar = crate::render::progress::bar(deletions.len() as u64, "deleting", opts.progress);
    let run = Arc::new(Run {
        cluster: cluster.clone(),
        view,
        guard,
        retry: opts.retry,
        stop,
        forbidden: AtomicBool::new(false),
        first: tokio::sync::Mutex::new(()),
        opened: AtomicBool::new(false),
        retries: AtomicU32::new(0),
        bar,
    });
    let notice = {
        let run = run.clone();
        tokio::spawn(async move {
            run.stop.stopped().await;
            run.bar
                .set_message("interrupted: waiting for deletes in flight");
        })
    };
    // Workers take the deletions in plan order from one queue: with --concurrency 1 the
    // DELETEs go out in the order the plan shows them.
    let workers = opts.concurrency.max(1).min(deletions.len().max(1));
    let queue = Arc::new(std::sync::Mutex::new(
        deletions
            .into_iter()
            .collect::<std::collections::VecDeque<_>>(),
    ));
    let mut tasks = JoinSet::new();
    for _ in 0..workers {
        let (run, queue) = (run.clone(), queue.clone());
        tasks.spawn(async move {
            let mut done = Vec::new();
            loop {
                let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                let Some(d) = next else { break };
                done.push(delete_one(run.clone(), d).await);
            }
            done
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(r) = joined {
            results.extend(r);
        }
    }
    notice.abort();
    run.bar.finish_and_clear();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    ApplyReport {
        results,
        interrupted: run.stop.is_stopped(),
        retries: run.retries.load(Ordering::SeqCst),
    }
}

/// What one request came to.
enum Sent<T> {
    Answered(Result<T, kube::Error>),
    /// Stopped before it was sent, or while waiting to retry.
    Stopped(String),
    /// Abandoned in flight after a signal: its effect is unknown.
    Abandoned,
}

async fn delete_one(run: Arc<Run>, d: Deletion) -> (Deletion, Outcome) {
    let outcome = delete_tag(&run, &d).await;
    run.bar.inc(1);
    (d, outcome)
}

async fn delete_tag(run: &Run, d: &Deletion) -> Outcome {
    // The first DELETE goes alone: without delete rights, a user gets one 403 and the rest
    // are not sent, instead of one 403 per request in flight.
    let gate = if run.opened.load(Ordering::SeqCst) {
        None
    } else {
        let held = run.first.lock().await;
        (!run.opened.load(Ordering::SeqCst)).then_some(held)
    };
    let outcome = decide_and_delete(run, d).await;
    if !run.forbidden.load(Ordering::SeqCst) {
        run.opened.store(true, Ordering::SeqCst);
    }
    drop(gate);
    outcome
}

async fn decide_and_delete(run: &Run, d: &Deletion) -> Outcome {
    let api: Api<ImageStreamTag> = Api::namespaced(run.cluster.client.clone(), &d.namespace);
    let name = format!("{}:{}", d.stream, d.tag);
    let params = DeleteParams {
        preconditions: Some(Preconditions {
            uid: d.uid.clone(),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    // Set once a DELETE was sent and its answer lost: from then on, absence means deleted.
    let mut lost = false;
    let mut attempt = 0u32;
    loop {
        if let Some(reason) = run.not_sending() {
            return Outcome::NotSent { reason };
        }
        // Without a live watch, or after a lost answer, read the stream first.
        if lost || !run.view.is_live() {
            match read_stream(run, d).await {
                Sent::Answered(Ok(read)) => run.view.record(&d.namespace, &d.stream, read),
                Sent::Answered(Err(e)) => {
                    let ctx = ApiContext {
                        verb: "get",
                        resource: "imagestreams",
                        group: crate::model::GROUP,
                        namespace: Some(&d.namespace),
                        url: &run.cluster.url,
                    };
                    let why = api_error(e, &ctx).message;
                    return Outcome::Failed {
                        reason: if lost {
                            format!(
                                "the delete's answer was lost and the tag could not be read back, so whether it was deleted is unknown: {why}"
                            )
                        } else {
                            format!("could not re-read the stream before deleting: {why}")
                        },
                    };
                }
                Sent::Stopped(reason) => return Outcome::NotSent { reason },
                Sent::Abandoned => return unknown(lost),
            }
        }
        let current = run.view.get(&d.namespace, &d.stream);
        match (run.guard)(d, current.as_ref(), &run.view) {
            Verdict::Gone if lost => return Outcome::Deleted,
            Verdict::Gone => return Outcome::AlreadyGone,
            Verdict::Keep(reason) if lost => {
                return Outcome::Failed {
                    reason: format!(
                        "the delete's answer was lost and the tag is still present ({reason})"
                    ),
                };
            }
            Verdict::Keep(reason) => return Outcome::Skipped { reason },
            Verdict::Delete => {}
        }
        let sent = tokio::select! {
            r = api.delete(&name, &params) => Sent::Answered(r.map(|_| ())),
            _ = run.stop.abandoned() => Sent::Abandoned,
        };
        let err = match sent {
            Sent::Answered(Ok(())) => return Outcome::Deleted,
            Sent::Abandoned => return unknown(true),
            Sent::Stopped(reason) => return Outcome::NotSent { reason },
            Sent::Answered(Err(e)) => e,
        };
        match &err {
            kube::Error::Api(s) if s.code == 404 => {
                return if lost {
                    Outcome::Deleted
                } else {
                    Outcome::AlreadyGone
                };
            }
            kube::Error::Api(s) if s.code == 409 => {
                // Read the replacement now, so that the stream's other tags are decided on
                // it rather than sent to meet the same 409.
                if let Sent::Answered(Ok(read)) = read_stream(run, d).await {
                    run.view.record(&d.namespace, &d.stream, read);
                }
                return Outcome::Skipped {
                    reason: "the image stream was replaced since the plan (its UID changed)".into(),
                };
            }
            _ => {}
        }
        let answer_lost = is_answer_lost(&err);
        let retry_after = retryable(&err);
        if (answer_lost || retry_after.is_some()) && attempt < run.retry.retries {
            attempt += 1;
            run.retries.fetch_add(1, Ordering::SeqCst);
            if answer_lost {
                // The server may have applied it: read before deciding to send it again.
                lost = true;
                continue;
            }
            let wait = backoff_for(run.retry, attempt - 1, retry_after.flatten());
            tokio::select! {
                _ = tokio::time::sleep(wait) => continue,
                _ = run.stop.stopped() => return if lost { unknown(true) } else {
                    Outcome::NotSent { reason: "interrupted".into() }
                },
            }
        }
        if answer_lost {
            // Out of retries with the last answer lost: say what reading the tag shows.

            if let Sent::Answered(Ok(read)) = read_stream(run, d).await {
                let present = read.as_ref().and_then(|s| s.current(&d.tag)).is_some();
                return if present {
                    Outcome::Failed {
                        reason: format!("still present: {}", error_chain(&err)),
                    }
                } else {
                    Outcome::Deleted
                };
            }
            return unknown(true);
        }
        let forbidden = matches!(&err, kube::Error::Api(s) if s.code == 403);
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
        return Outcome::Failed {
            reason: api_error(err, &ctx).message,
        };
    }
}

fn unknown(sent: bool) -> Outcome {
    if sent {
        Outcome::Failed {
            reason: "interrupted while its delete was in flight: whether it was deleted is unknown; run again to finish".into(),
        }
    } else {
        Outcome::NotSent {
            reason: "interrupted".into(),
        }
    }
}

/// A transport failure after the request may have reached the server: a reset, a timeout.
/// (Connection refused and TLS failures happen before anything is sent.)
fn is_answer_lost(e: &kube::Error) -> bool {
    match e {
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            let text = error_chain(e).to_lowercase();
            !(text.contains("certificate")
                || text.contains("connection refused")
                || text.contains("dns error"))
        }
        _ => false,
    }
}

/// GET of the deletion's stream, with retries that stop on a signal: `Ok(None)` is a 404.
async fn read_stream(run: &Run, d: &Deletion) -> Sent<Option<ImageStream>> {
    let api: Api<ImageStream> = Api::namespaced(run.cluster.client.clone(), &d.namespace);
    let read = tokio::select! {
        r = with_retries_until(run.retry, || run.stop.stopped(), || api.get(&d.stream)) => r,
        _ = run.stop.abandoned() => return Sent::Abandoned,
    };
    let Some((res, retries)) = read else {
        return Sent::Stopped("interrupted".into());
    };
    run.retries.fetch_add(retries, Ordering::SeqCst);
    match res {
        Ok(s) => Sent::Answered(Ok(Some(s))),
        Err(kube::Error::Api(s)) if s.code == 404 => Sent::Answered(Ok(None)),
        Err(e) => Sent::Answered(Err(e)),
    }
}

impl Run {
    fn not_sending(&self) -> Option<String> {
        if self.stop.is_stopped() {
            Some("interrupted".into())
        } else if self.forbidden.load(Ordering::SeqCst) {
            Some("an earlier delete was forbidden".into())
        } else {
            None
        }
    }
}
