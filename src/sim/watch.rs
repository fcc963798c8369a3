//! Watches of imagestreams: the store's bounded event log, and the streaming HTTP answer.
//!
//! Every change to a stream is noticed where the store hands out a stream to change
//! ([`EventLog::touch`], from `Store::stream_mut` and `Store::create_stream_at`) or removes one
//! ([`EventLog::removed`]). The noticed changes become events when the store's lock is released
//! (`http::StoreGuard` calls [`EventLog::flush`]), so one request, hook or `with_store` call is
//! one batch: a stream changed three times in one batch gives one event with its last state.
//!
//! As the apiserver's watch cache does, a watch from `resourceVersion=N` gets every event after
//! N, then live events; a watch from N older than the log gets one `ERROR` event carrying a 410
//! `Expired` Status ("too old resource version: N (M)"), then the stream ends. Without
//! `resourceVersion` (or with 0) it starts with `ADDED` of every matching stream. A stream whose
//! labels start (stop) matching the selector arrives as `ADDED` (`DELETED`).

use std::collections::{BTreeMap, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::Frame;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::errors;
use super::http::Shared;
use super::selector::{FieldSelector, Selector};
use super::store::ListQuery;
use crate::model::{API_VERSION, ImageStream, Status};

/// Events kept by default (the apiserver's default watch cache size is 100 per resource; a test
/// cluster's log is kept longer so that slow readers rarely see 410).
pub const DEFAULT_CAPACITY: usize = 1000;
/// How long a watch lasts without `timeoutSeconds`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK (the apiserver's
/// `bookmarkFrequency`); one more is sent when the watch times out.
pub const BOOKMARK_EVERY: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

type Labels = Option<BTreeMap<String, String>>;

/// One change of one stream, with the stream's state after it (for `DELETED`: its last state,
/// carrying the resourceVersion of the deletion, as the apiserver sends it).
#[derive(Clone, Debug)]
pub struct Event {
    pub type_: EventType,
    pub rv: u64,
    pub object: ImageStream,
    /// The labels before a `MODIFIED` change (selector transitions).
    pub prev_labels: Labels,
}

#[derive(Clone, Debug)]
struct Prev {
    uid: Option<String>,
    rv: Option<String>,
    labels: Labels,
}

/// The bounded log of stream events, and the changes noticed but not yet logged.
#[derive(Debug)]
pub struct EventLog {
    events: VecDeque<Event>,
    capacity: usize,
    /// Watches from a resourceVersion below this are too old.
    floor: u64,
    /// Streams handed out for change in this batch → their state before it (`None`: did not
    /// exist).
    dirty: BTreeMap<(String, String), Option<Prev>>,
    removed: Vec<Event>,
    notify: tokio::sync::watch::Sender<u64>,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog {
            events: VecDeque::new(),
            capacity: DEFAULT_CAPACITY,
            floor: 0,
            dirty: BTreeMap::new(),
            removed: Vec::new(),
            notify: tokio::sync::watch::channel(0).0,
        }
    }
}

impl EventLog {
    /// An empty log of a store whose resourceVersion is `rv`: watches from before it are too old.
    pub fn starting_at(rv: u64) -> EventLog {
        EventLog {
            floor: rv,
            ..EventLog::default()
        }
    }
}

fn rv_of(s: &ImageStream) -> u64 {
    s.metadata
        .resource_version
        .as_deref()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

impl EventLog {
    /// Notes that `key` (now `current`) is about to change.
    pub fn touch(&mut self, key: &(String, String), current: Option<&ImageStream>) {
        if !self.dirty.contains_key(key) {
            let prev = current.map(|s| Prev {
                uid: s.metadata.uid.clone(),
                rv: s.metadata.resource_version.clone(),
                labels: s.metadata.labels.clone(),
            });
            self.dirty.insert(key.clone(), prev);
        }
    }

    /// Notes that `object` was removed by the change that got resourceVersion `rv`.
    pub fn removed(&mut self, mut object: ImageStream, rv: u64) {
        object.metadata.resource_version = Some(rv.to_string());
        self.removed.push(Event {
            type_: EventType::Deleted,
            rv,
            object,
            prev_labels: None,
        });
    }

    /// Turns the noticed changes into logged events (ordered by resourceVersion) and wakes the
    /// watchers. Cheap when nothing changed.
    pub fn flush(&mut self, streams: &BTreeMap<(String, String), ImageStream>) {
        if self.dirty.is_empty() && self.removed.is_empty() {
            return;
        }
        let mut new: Vec<Event> = std::mem::take(&mut self.removed);
        for (key, prev) in std::mem::take(&mut self.dirty) {
            let Some(s) = streams.get(&key) else {
                continue;
            };
            let type_ = match &prev {
                Some(p) if p.uid == s.metadata.uid => {
                    if p.rv == s.metadata.resource_version {
                        continue;
                    }
                    EventType::Modified
                }
                _ => EventType::Added,
            };
            let mut object = s.clone();
            object.kind = Some("ImageStream".into());
            object.api_version = Some(API_VERSION.into());
            new.push(Event {
                type_,
                rv: rv_of(s),
                object,
                prev_labels: prev.and_then(|p| p.labels),
            });
        }
        for e in &mut new {
            e.object.kind = Some("ImageStream".into());
            e.object.api_version = Some(API_VERSION.into());
        }
        new.sort_by_key(|e| e.rv);
        let Some(last) = new.last().map(|e| e.rv) else {
            return;
        };
        self.events.extend(new);
        while self.events.len() > self.capacity {
            if let Some(e) = self.events.pop_front() {
                self.floor = self.floor.max(e.rv);
            }
        }
        self.notify.send_replace(last);
    }

    /// Drops every event and noticed change: watches from before `rv` are too old from now on.
    pub fn forget(&mut self, rv: u64) {
        self.events.clear();
        self.dirty.clear();
        self.removed.clear();
        self.floor = rv;
    }

    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        while self.events.len() > self.capacity {
            if let Some(e) = self.events.pop_front() {
                self.floor = self.floor.max(e.rv);
            }
        }
    }

    /// Events after `rv`, oldest first; `Err(floor)` when `rv` is older than the log.
    pub fn since(&self, rv: u64) -> Result<impl Iterator<Item = &Event>, u64> {
        if rv < self.floor {
            return Err(self.floor);
        }
        Ok(self.events.iter().filter(move |e| e.rv > rv))
    }

    /// Every logged event, oldest first.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.events.iter()
    }

    /// The oldest resourceVersion a watch may start from.
    pub fn floor(&self) -> u64 {
        self.floor
    }

    /// Wakes when events are logged (the value is the newest event's resourceVersion).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.notify.subscribe()
    }
}

/// Which streams a watch follows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub namespace: Option<String>,
    pub label: Selector,
    pub field: FieldSelector,
}

impl Filter {
    pub fn matches(&self, s: &ImageStream) -> bool {
        self.namespace.as_deref().is_none_or(|n| n == s.namespace())
            && self.label.matches(s.metadata.labels.as_ref())
            && self.field.matches(s.namespace(), s.name())
    }

    /// How `e` looks to this watch (`None`: not at all).
    pub fn classify(&self, e: &Event) -> Option<EventType> {
        let now = self.matches(&e.object);
        match e.type_ {
            EventType::Modified => {
                let before = self.label.matches(e.prev_labels.as_ref())
                    && self
                        .namespace
                        .as_deref()
                        .is_none_or(|n| n == e.object.namespace())
                    && self.field.matches(e.object.namespace(), e.object.name());
                match (before, now) {
                    (true, true) => Some(EventType::Modified),
                    (false, true) => Some(EventType::Added),
                    (true, false) => Some(EventType::Deleted),
                    (false, false) => None,
                }
            }
            t => now.then_some(t),
        }
    }
}

/// The parameters of a watch request.
#[derive(Clone, Debug)]
pub struct WatchParams {
    pub filter: Filter,
    /// `None` or `Some(0)`: start with ADDED of every match.
    pub resource_version: Option<u64>,
    pub timeout: Duration,
    pub bookmarks: bool,
}

impl WatchParams {
    pub fn parse(namespace: Option<&str>, query: &str) -> Result<WatchParams, Status> {
        let q = ListQuery::parse(query)?;
        let mut p = WatchParams {
            filter: Filter {
                namespace: namespace.map(str::to_owned),
                label: q.label,
                field: q.field,
            },
            resource_version: None,
            timeout: DEFAULT_TIMEOUT,
            bookmarks: false,
        };
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "resourceVersion" if !v.is_empty() => {
                    p.resource_version = Some(v.parse().map_err(|_| {
                        errors::bad_request(format!("invalid resource version: {v}"))
                    })?)
                }
                "timeoutSeconds" => {
                    if let Ok(s) = v.parse::<u64>() {
                        p.timeout = Duration::from_secs(s);
                    }
                }
                "allowWatchBookmarks" => p.bookmarks = v == "true" || v == "1",
                _ => {}
            }
        }
        Ok(p)
    }
}

/// One watch event as a line of the stream.
pub fn line(type_: &str, object: &Value) -> Bytes {
    let mut s = json!({"type": type_, "object": object}).to_string();
    s.push('\n');
    Bytes::from(s)
}

/// The too-old answer: the watch cache's `ResourceExpired` error, sent as an ERROR event on a 200
/// stream, not as an HTTP 410: k8s.io/apiserver `pkg/storage/cacher/cacher.go`, `Watch`, after
/// `getAllEventsSinceLocked` fails ("To match the uncached watch implementation, once we have
/// passed authn/authz/admission, and successfully parsed a resource version, other errors must
/// fail with a watch event of type ERROR, rather than a directly returned error." →
/// `newErrWatcher(err)`); the message is `watch_cache.go`'s "too old resource version: %d (%d)".
pub fn expired(rv: u64, floor: u64) -> Status {
    Status::failure(
        410,
        "Expired",
        format!("too old resource version: {rv} ({floor})"),
    )
}

fn bookmark(rv: u64) -> Bytes {
    // An empty ImageStream carrying only the resourceVersion, serialized as Go does.
    line(
        "BOOKMARK",
        &json!({"kind": "ImageStream", "apiVersion": API_VERSION,
            "metadata": {"resourceVersion": rv.to_string(), "creationTimestamp": null},
            "spec": {"lookupPolicy": {"local": false}},
            "status": {"dockerImageRepository": ""}}),
    )
}

/// A response body fed by a channel: each message is one chunk; the body ends when the sender
/// is dropped.
pub struct ChannelBody(pub mpsc::Receiver<Bytes>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        self.0.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b))))
    }
}

fn render(e: &Event, t: EventType, table: bool, now: jiff::Timestamp) -> Bytes {
    let v = serde_json::to_value(&e.object).unwrap_or_default();
    let v = if table {
        super::table::imagestreams(&v, now)
    } else {
        v
    };
    line(t.as_str(), &v)
}

/// Starts a watch: the first events are computed now (while the request counts as in flight),
/// the rest are sent by a task until the timeout, the client going away, or the simulator
/// stopping (which drops the connection, and so the channel).
pub fn start(shared: &Arc<Shared>, p: WatchParams, table: bool) -> ChannelBody {
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let mut first: Vec<Bytes> = Vec::new();
    let (mut notified, mut cursor, done) = {
        let store = shared.store();
        let now = store.now();
        let notified = store.events.subscribe();
        let current = store.resource_version();
        match p.resource_version.filter(|rv| *rv != 0) {
            None => {
                for s in store.streams.values().filter(|s| p.filter.matches(s)) {
                    let mut s = s.clone();
                    s.kind = Some("ImageStream".into());
                    s.api_version = Some(API_VERSION.into());
                    let e = Event {
                        type_: EventType::Added,
                        rv: rv_of(&s),
                        object: s,
                        prev_labels: None,
                    };
                    first.push(render(&e, EventType::Added, table, now));
                }
                (notified, current, false)
            }
            Some(rv) => match store.events.since(rv) {
                Ok(events) => {
                    for e in events {
                        if let Some(t) = p.filter.classify(e) {
                            first.push(render(e, t, table, now));
                        }
                    }
                    (notified, current, false)
                }
                Err(floor) => {
                    let s = serde_json::to_value(expired(rv, floor)).unwrap_or_default();
                    first.push(line("ERROR", &s));
                    (notified, rv, true)
                }
            },
        }
    };
    let shared = shared.clone();
    tokio::spawn(async move {
        for b in first {
            if tx.send(b).await.is_err() {
                return;
            }
        }
        if done {
            return;
        }
        let deadline = tokio::time::Instant::now() + p.timeout;
        let mut ticks =
            tokio::time::interval_at(tokio::time::Instant::now() + BOOKMARK_EVERY, BOOKMARK_EVERY);
        loop {
            tokio::select! {
                r = notified.changed() => {
                    if r.is_err() {
                        return;
                    }
                    let (lines, expired_at) = {
                        let store = shared.store();
                        let now = store.now();
                        let out = match store.events.since(cursor) {
                            Ok(events) => (
                                events
                                    .filter_map(|e| p.filter.classify(e).map(|t| render(e, t, table, now)))
                                    .collect::<Vec<_>>(),
                                None,
                            ),
                            Err(floor) => (Vec::new(), Some(floor)),
                        };
                        if out.1.is_none() {
                            cursor = store.resource_version();
                        }
                        out
                    };
                    for b in lines {
                        if tx.send(b).await.is_err() {
                            return;
                        }
                    }
                    if let Some(floor) = expired_at {
                        // A reader that fell behind the log: the apiserver ends its watch too.
                        let s = serde_json::to_value(expired(cursor, floor)).unwrap_or_default();
                        let _ = tx.send(line("ERROR", &s)).await;
                        return;
                    }
                }
                _ = ticks.tick(), if p.bookmarks => {
                    if tx.send(bookmark(cursor)).await.is_err() {
                        return;
                    }
                }
                _ = tokio::time::sleep_until(deadline) => {
                    if p.bookmarks {
                        let _ = tx.send(bookmark(cursor)).await;
                    }
                    return;
                }
                _ = tx.closed() => return,
            }
        }
    });
    ChannelBody(rx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::store::Store;

    fn stream(store: &mut Store, ns: &str, name: &str, app: &str) {
        let now = store.now();
        store.create_stream_at(ns, name, &[("application", app)], now);
    }

    fn summary(store: &mut Store, since: u64) -> Vec<(EventType, String, u64)> {
        store.flush_events();
        store
            .events
            .since(since)
            .unwrap()
            .map(|e| (e.type_, e.object.name().to_owned(), e.rv))
            .collect()
    }

    #[test]
    fn every_change_is_one_event_with_the_new_resource_version() {
        let mut store = Store::new();
        let start = store.resource_version();
        stream(&mut store, "ns", "a", "x");
        store.flush_events();
        let digest = crate::sim::scenario::sha_digest("one");
        let img = crate::sim::scenario::make_image(
            &digest,
            "",
            &crate::sim::scenario::sha_digest("config"),
            vec![(crate::sim::scenario::sha_digest("layer"), 100)],
            store.now(),
        );
        store.push("ns", "a", "v1.0.0", img).unwrap();
        store.flush_events();
        store.delete_istag("ns", "a:v1.0.0", None).unwrap();
        store.flush_events();
        // A failed precondition changes nothing: no event.
        assert!(store.delete_istag("ns", "a:missing", None).is_err());
        store.flush_events();
        store.delete_stream("ns", "a").unwrap();
        let evs = summary(&mut store, start);
        let types: Vec<EventType> = evs.iter().map(|e| e.0).collect();
        assert_eq!(
            types,
            [
                EventType::Added,
                EventType::Modified,
                EventType::Modified,
                EventType::Deleted
            ]
        );
        let rvs: Vec<u64> = evs.iter().map(|e| e.2).collect();
        assert!(rvs.windows(2).all(|w| w[0] < w[1]), "{rvs:?}");
        assert_eq!(*rvs.last().unwrap(), store.resource_version());
        // The deleted object carries the deletion's resourceVersion.
        let last = store.events.events().last().unwrap();
        assert_eq!(
            last.object.metadata.resource_version.as_deref(),
            Some(store.resource_version().to_string().as_str())
        );
        assert_eq!(last.object.kind.as_deref(), Some("ImageStream"));
    }

    #[test]
    fn the_log_is_bounded_and_old_versions_are_too_old() {
        let mut store = Store::new();
        store.events.set_capacity(3);
        let start = store.resource_version();
        for i in 0..5 {
            stream(&mut store, "ns", &format!("s{i}"), "x");
            store.flush_events();
        }
        assert_eq!(store.events.events().count(), 3);
        let floor = store.events.floor();
        assert!(floor > start);
        assert_eq!(store.events.since(start).err(), Some(floor));
        assert_eq!(store.events.since(floor).unwrap().count(), 3);
        let s = expired(start, floor);
        assert_eq!(
            s.message.as_deref(),
            Some(format!("too old resource version: {start} ({floor})").as_str())
        );
        assert_eq!(s.code, Some(410));
        assert_eq!(s.reason.as_deref(), Some("Expired"));
    }

    #[test]
    fn selector_transitions_and_recreation() {
        let mut store = Store::new();
        stream(&mut store, "ns", "a", "x");
        store.flush_events();
        let start = store.resource_version();
        let f = Filter {
            namespace: Some("ns".into()),
            label: Selector::parse("application=x").unwrap(),
            field: FieldSelector::default(),
        };
        // Relabel away from the selector: DELETED to this watch.
        let mut s = store.get_stream("ns", "a").unwrap();
        s.metadata.labels = Some([("application".into(), "y".into())].into());
        store.update_stream("ns", "a", s).unwrap();
        store.flush_events();
        let e = store.events.events().last().unwrap().clone();
        assert_eq!(e.type_, EventType::Modified);
        assert_eq!(f.classify(&e), Some(EventType::Deleted));
        // Several changes in one batch are one event.
        let mut s = store.get_stream("ns", "a").unwrap();
        s.metadata.labels = Some([("application".into(), "x".into())].into());
        store.update_stream("ns", "a", s.clone()).unwrap();
        s.metadata.resource_version = None;
        store.update_stream("ns", "a", s).unwrap();
        store.flush_events();
        let e = store.events.events().last().unwrap().clone();
        assert_eq!(f.classify(&e), Some(EventType::Added));
        assert_eq!(store.events.since(start).unwrap().count(), 2);
        // Another namespace is not seen.
        stream(&mut store, "other", "a", "x");
        store.flush_events();
        let e = store.events.events().last().unwrap().clone();
        assert_eq!(f.classify(&e), None);
    }
}
