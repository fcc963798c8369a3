//! A live view of the image streams being pruned, kept current by a watch, so that each DELETE
//! is decided on the state of at most one event delivery ago rather than on a read made before
//! the whole run started.
//!
//! The watch starts at the resourceVersion of the LIST the apply re-read the streams with, so no
//! change falls between the two. A server that does not serve the watch (403 without the
//! `watch` verb, a proxy that cuts long requests, a 410 because the LIST is already too old)
//! makes the view *not live*; the apply then reads the stream with a GET right before each
//! DELETE instead (one more request per tag, the same window).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kube::api::{Api, WatchEvent, WatchParams};

use super::{Cluster, Scope};
use crate::model::ImageStream;

/// How long one watch request lasts before it is renewed (the server may end it sooner).
const WATCH_SECONDS: u32 = 290;
/// A watch that ends this soon without an event is a server that does not really watch.
const QUICK_END: Duration = Duration::from_secs(1);
/// After this many quick ends in a row the view gives up being live.
const QUICK_ENDS: usize = 3;

#[derive(Default)]
struct State {
    streams: BTreeMap<(String, String), ImageStream>,
    live: bool,
    /// Bumped on every change that can alter spec references (a stream's spec, a stream added
    /// or removed), so that users can cache the references they derive from the view. A tag
    /// deleted from status, the common event during a prune, leaves it alone.
    version: u64,
}

impl State {
    fn put(&mut self, s: ImageStream) {
        let k = key(&s);
        match self.streams.get(&k) {
            Some(old) if !newer(&s, old) => {}
            Some(old) => {
                if old.spec != s.spec || old.metadata.uid != s.metadata.uid {
                    self.version += 1;
                }
                self.streams.insert(k, s);
            }
            None => {
                self.version += 1;
                self.streams.insert(k, s);
            }
        }
    }

    fn remove(&mut self, k: &(String, String)) {
        if self.streams.remove(k).is_some() {
            self.version += 1;
        }
    }
}

/// The streams of one scope, as of the latest event seen.
pub struct StreamView {
    state: Arc<Mutex<State>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `a` is newer than `b` (resourceVersions are etcd revisions in practice; an unparsable one
/// is taken as newer, so a fresh read always wins).
fn newer(a: &ImageStream, b: &ImageStream) -> bool {
    let rv = |s: &ImageStream| {
        s.metadata
            .resource_version
            .as_deref()
            .and_then(|v| v.parse::<u64>().ok())
    };
    match (rv(a), rv(b)) {
        (Some(x), Some(y)) => x >= y,
        _ => true,
    }
}

fn key(s: &ImageStream) -> (String, String) {
    (s.namespace().to_owned(), s.name().to_owned())
}

impl StreamView {
    /// A view that is never live (reads go to the server).
    pub fn offline(streams: Vec<ImageStream>) -> StreamView {
        let state = State {
            streams: streams.into_iter().map(|s| (key(&s), s)).collect(),
            live: false,
            version: 0,
        };
        StreamView {
            state: Arc::new(Mutex::new(state)),
            task: None,
        }
    }

    /// Starts watching `scope` from `resource_version` (that of the LIST `streams` came from).
    /// Returns once the server has answered the watch request, or failed to.
    pub async fn start(
        cluster: &Cluster,
        scope: &Scope,
        streams: Vec<ImageStream>,
        resource_version: &str,
    ) -> StreamView {
        let mut view = StreamView::offline(streams);
        let api: Api<ImageStream> = match scope {
            Scope::Namespace(ns) => Api::namespaced(cluster.client.clone(), ns),
            Scope::All => Api::all(cluster.client.clone()),
        };
        let params = WatchParams::default().timeout(WATCH_SECONDS);
        let Ok(first) = api.watch(&params, resource_version).await else {
            return view;
        };
        lock(&view.state).live = true;
        let state = view.state.clone();
        let mut rv = resource_version.to_owned();
        view.task = Some(tokio::spawn(async move {
            let mut stream = first.boxed();
            let mut quick = 0;
            loop {
                let started = Instant::now();
                let mut events = 0;
                while let Some(ev) = stream.next().await {
                    events += 1;
                    match ev {
                        Ok(WatchEvent::Added(s)) | Ok(WatchEvent::Modified(s)) => {
                            rv = s.metadata.resource_version.clone().unwrap_or(rv);
                            lock(&state).put(s);
                        }
                        Ok(WatchEvent::Deleted(s)) => {
                            rv = s.metadata.resource_version.clone().unwrap_or(rv);
                            lock(&state).remove(&key(&s));
                        }
                        Ok(WatchEvent::Bookmark(b)) => rv = b.metadata.resource_version,
                        // 410 Gone and other errors: the view can no longer be trusted.
                        Ok(WatchEvent::Error(_)) | Err(_) => {
                            lock(&state).live = false;
                            return;
                        }
                    }
                }
                if events == 0 && started.elapsed() < QUICK_END {
                    quick += 1;
                    if quick >= QUICK_ENDS {
                        lock(&state).live = false;
                        return;
                    }
                } else {
                    quick = 0;
                }
                match api.watch(&params, &rv).await {
                    Ok(s) => stream = s.boxed(),
                    Err(_) => {
                        lock(&state).live = false;
                        return;
                    }
                }
            }
        }));
        view
    }

    /// Whether every change since the LIST is being seen.
    pub fn is_live(&self) -> bool {
        lock(&self.state).live
    }

    pub fn get(&self, namespace: &str, name: &str) -> Option<ImageStream> {
        lock(&self.state)
            .streams
            .get(&(namespace.to_owned(), name.to_owned()))
            .cloned()
    }

    /// The version of what spec references can be derived from (see `State::version`).
    pub fn version(&self) -> u64 {
        lock(&self.state).version
    }

    /// The streams of `namespace` (all of them with `None`), and the view's version.
    pub fn streams(&self, namespace: Option<&str>) -> (u64, Vec<ImageStream>) {
        let st = lock(&self.state);
        let list = st
            .streams
            .iter()
            .filter(|((ns, _), _)| namespace.is_none_or(|n| n == ns))
            .map(|(_, s)| s.clone())
            .collect();
        (st.version, list)
    }

    /// Records a fresh read: `Some` the stream as read, `None` a 404.
    pub fn record(&self, namespace: &str, name: &str, read: Option<ImageStream>) {
        let mut st = lock(&self.state);
        match read {
            Some(s) => st.put(s),
            None => st.remove(&(namespace.to_owned(), name.to_owned())),
        }
    }
}

impl Drop for StreamView {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}
