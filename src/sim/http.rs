//! HTTPS serving and routing: authentication, knobs (latency, 429, faults), RBAC, and dispatch
//! to the store.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::errors;
use super::faults::{Fault, FaultRng, Override};
use super::hooks::{Action, Hooks};
use super::rbac::{self, Attributes, User};
use super::store::{ListQuery, RBAC_GROUP, RBAC_RESOURCES, Store, WORKLOADS};
use super::{RequestRecord, discovery, limitranges, openapi, patch, table, watch as watches};
use crate::model::{GROUP, ImageStream, ImageStreamTag, Status};

/// The knobs that can change while serving.
#[derive(Clone, Debug)]
pub struct Knobs {
    pub latency: Duration,
    pub max_inflight: Option<usize>,
    pub fail_rate: f64,
    /// `false`: answer like a plain Kubernetes cluster without OpenShift's image API (404 for
    /// `/apis/image.openshift.io/v1` and every path under it; absent from `/apis`).
    pub image_api: bool,
    /// Bad answers for GETs whose path contains the string (see [`Override`]).
    pub overrides: Vec<(String, Override)>,
    /// Rate of latency spikes: `spike` added on top of `latency` to that share of requests.
    pub spike_rate: f64,
    pub spike: Duration,
    /// Injected faults are 500/503 only, never connection resets (for a test that needs the
    /// error of a server that answers, whatever order concurrent requests draw faults in).
    pub faults_5xx_only: bool,
    /// Answer everything under `/apis/image.openshift.io/` as kube-apiserver's aggregator does
    /// while openshift-apiserver is down: 503 with the plain-text body `service unavailable`.
    pub image_api_unavailable: bool,
}

impl Knobs {
    pub fn new(latency: Duration, max_inflight: Option<usize>, fail_rate: f64) -> Knobs {
        Knobs {
            latency,
            max_inflight,
            fail_rate,
            image_api: true,
            overrides: Vec::new(),
            spike_rate: 0.0,
            spike: Duration::ZERO,
            faults_5xx_only: false,
            image_api_unavailable: false,
        }
    }

    fn override_for(&self, method: &str, path: &str) -> Option<&Override> {
        if method != "GET" {
            return None;
        }
        self.overrides
            .iter()
            .find(|(p, _)| path.contains(p.as_str()))
            .map(|(_, o)| o)
    }
}

/// State shared by all connections.
pub struct Shared {
    pub store: Mutex<Store>,
    pub users: Mutex<HashMap<String, User>>,
    pub records: Mutex<Vec<RequestRecord>>,
    pub knobs: Mutex<Knobs>,
    pub rng: Mutex<FaultRng>,
    pub inflight: AtomicUsize,
    /// The most requests ever in flight at once (since the last reset).
    pub peak_inflight: AtomicUsize,
    /// TLS connections accepted (since the last reset).
    pub connections: AtomicUsize,
    pub faults: AtomicUsize,
    /// Latency spikes injected so far.
    pub spikes: AtomicUsize,
    pub url: Mutex<String>,
    /// One-shot interventions on the n-th matching request (`Sim::on_request`, …).
    pub hooks: Mutex<Hooks>,
    /// `prunetags-sim --request-log FILE`: one line per request (see [`Shared::log_request`]).
    pub request_log: Mutex<Option<std::fs::File>>,
    /// The client CA, when client certificates are accepted.
    pub client_auth: Option<Arc<super::tls::ClientAuth>>,
    /// Rules bound to groups, for identities made by impersonation (`Sim::add_group`).
    pub group_rules: Mutex<HashMap<String, Vec<rbac::Rule>>>,
    /// Tokens that carry their expiry, `<prefix><unix seconds>.<anything>`, and whom they
    /// authenticate until then (`Sim::accept_expiring_tokens`), like a JWT's `exp`.
    pub expiring: Mutex<Vec<(String, User)>>,
    /// Tokens revoked before their time (`Sim::expire_token`).
    pub revoked: Mutex<std::collections::HashSet<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The store, locked; its changes become watch events when the lock is released.
pub struct StoreGuard<'a>(std::sync::MutexGuard<'a, Store>);

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.0
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.0
    }
}

impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        self.0.flush_events();
    }
}

impl Shared {
    pub fn store(&self) -> StoreGuard<'_> {
        StoreGuard(lock(&self.store))
    }
    pub fn knobs(&self) -> std::sync::MutexGuard<'_, Knobs> {
        lock(&self.knobs)
    }
    pub fn users(&self) -> std::sync::MutexGuard<'_, HashMap<String, User>> {
        lock(&self.users)
    }
    pub fn records(&self) -> std::sync::MutexGuard<'_, Vec<RequestRecord>> {
        lock(&self.records)
    }

    /// Appends `METHOD PATH[?QUERY] USER STATUS` to the request log, if one is set. A failed
    /// write is not the client's problem: the request is answered all the same.
    pub fn log_request(&self, r: &RequestRecord) {
        use std::io::Write as _;
        if let Some(f) = lock(&self.request_log).as_mut() {
            let q = if r.query.is_empty() { "" } else { "?" };
            let _ = writeln!(
                f,
                "{} {}{q}{} {} {}",
                r.method, r.path, r.query, r.user, r.status
            );
        }
    }
    /// The user a bearer token authenticates, if any (an expired token: none, as a 401).
    fn authenticate(&self, token: &str) -> Option<User> {
        if lock(&self.revoked).contains(token) {
            return None;
        }
        if let Some(u) = self.users().get(token) {
            return Some(u.clone());
        }
        let now = jiff::Timestamp::now().as_second();
        lock(&self.expiring).iter().find_map(|(prefix, user)| {
            let exp: i64 = token
                .strip_prefix(prefix.as_str())?
                .split('.')
                .next()?
                .parse()
                .ok()?;
            (now < exp).then(|| user.clone())
        })
    }

    /// What an impersonated `name` in `groups` may do: the rules of a token user of that name
    /// and of each group (admin when any of them is).
    fn rights(&self, name: &str, groups: &[String]) -> Option<Vec<rbac::Rule>> {
        let mut rules = Vec::new();
        if let Some(u) = self.users().values().find(|u| u.name == name) {
            rules.extend(u.rules.clone()?);
        }
        let bound = lock(&self.group_rules);
        for g in groups {
            rules.extend(bound.get(g).cloned().unwrap_or_default());
        }
        Some(rules)
    }
}

/// The `Impersonate-*` headers of a request.
fn impersonation(headers: &hyper::HeaderMap) -> rbac::Impersonation {
    let text = |v: &hyper::header::HeaderValue| v.to_str().ok().map(str::to_owned);
    let mut want = rbac::Impersonation {
        user: headers
            .get("impersonate-user")
            .and_then(text)
            .filter(|u| !u.is_empty()),
        groups: headers
            .get_all("impersonate-group")
            .iter()
            .filter_map(text)
            .collect(),
        uid: headers
            .get("impersonate-uid")
            .and_then(text)
            .filter(|u| !u.is_empty()),
        extras: Vec::new(),
    };
    for (name, value) in headers {
        if let (Some(key), Some(v)) = (
            name.as_str().strip_prefix("impersonate-extra-"),
            text(value),
        ) {
            want.extras.push((key.to_owned(), v));
        }
    }
    want
}

fn text_response(code: u16, body: &'static str) -> Resp {
    Response::builder()
        .status(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "text/plain; charset=utf-8")
        .header("x-content-type-options", "nosniff")
        .body(full(body))
        .expect("a valid response")
}

/// What kube-apiserver's aggregator answers for an APIService whose backend is down
/// (`http.Error(w, "service unavailable", 503)`; recorded on OpenShift 4.13 in
/// `recordings/openshift-4.13-layers/real-503-imagestreams-list.txt`).
fn aggregator_unavailable() -> Resp {
    text_response(503, "service unavailable\n")
}

/// Accepts TLS connections until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let (tcp, _) = tokio::select! {
            r = listener.accept() => match r { Ok(x) => x, Err(_) => continue },
            _ = shutdown.changed() => return,
        };
        let acceptor = acceptor.clone();
        let shared = shared.clone();
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else {
                return;
            };
            // Client certificates are judged once per connection, as the apiserver's x509
            // authenticator sees the same chain on every request of it.
            let cert_user = match (&shared.client_auth, stream.get_ref().1.peer_certificates()) {
                (Some(auth), Some(chain)) => auth.identify(chain),
                _ => None,
            };
            let svc = hyper::service::service_fn(move |req| {
                handle(shared.clone(), cert_user.clone(), req)
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = stop.changed() => {}
            }
        });
    }
}

/// A response body: whole (`full`) or streamed (watches).
pub type Body = BoxBody<Bytes, std::io::Error>;
type Resp = Response<Body>;

fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).map_err(|never| match never {}).boxed()
}

fn json_response(code: u16, body: &Value) -> Resp {
    Response::builder()
        .status(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/json")
        .header("cache-control", "no-cache, private")
        .body(full(body.to_string()))
        .expect("a valid response")
}

/// What kube-apiserver answers a request beyond its in-flight limit, from its max-in-flight
/// filter and API Priority and Fairness alike (k8s.io/apiserver `server/filters/maxinflight.go`,
/// `tooManyRequests`): not a Status but Go's `http.Error` text, and the wait in `Retry-After`.
fn too_many_requests() -> Resp {
    Response::builder()
        .status(StatusCode::TOO_MANY_REQUESTS)
        .header("content-type", "text/plain; charset=utf-8")
        .header("x-content-type-options", "nosniff")
        .header("retry-after", "1")
        .body(full(
            "Too many requests, please try again later.\n".to_owned(),
        ))
        .expect("a valid response")
}

fn status_value(s: &Status) -> Value {
    serde_json::to_value(s).unwrap_or_default()
}

/// The parsed target of an API request.
#[derive(Debug, Default, Clone)]
pub struct Target {
    pub group: String,
    pub namespace: Option<String>,
    pub resource: String,
    pub name: Option<String>,
    pub sub: Option<String>,
}

fn decode(seg: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", seg.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| seg.to_owned())
}

/// `/api/v1/...` or `/apis/<g>/<v>/...` → target; `None` for discovery or unknown paths.
pub fn parse_target(path: &str) -> Option<Target> {
    let segs: Vec<String> = path.trim_matches('/').split('/').map(decode).collect();
    let (group, rest) = match segs.first().map(String::as_str) {
        Some("api") if segs.get(1).map(String::as_str) == Some("v1") && segs.len() > 2 => {
            (String::new(), &segs[2..])
        }
        Some("apis") if segs.len() > 3 => (segs[1].clone(), &segs[3..]),
        _ => return None,
    };
    let mut t = Target {
        group,
        ..Default::default()
    };
    let rest: &[String] = if rest.len() >= 3 && rest[0] == "namespaces" {
        t.namespace = Some(rest[1].clone());
        &rest[2..]
    } else {
        rest
    };
    t.resource = rest.first()?.clone();
    t.name = rest.get(1).cloned();
    t.sub = rest.get(2).cloned();
    if rest.len() > 3 {
        return None;
    }
    Some(t)
}

fn is_discovery(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    matches!(
        p,
        "/version" | "/api" | "/api/v1" | "/apis" | "/healthz" | "/readyz" | "/livez"
    ) || (p.starts_with("/apis/") && p.split('/').count() <= 4)
        || p.starts_with("/openapi")
}

async fn handle(
    shared: Arc<Shared>,
    cert_user: Option<super::tls::CertUser>,
    req: Request<Incoming>,
) -> Result<Resp, std::io::Error> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let accept = req
        .headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|s| s.trim().to_owned());
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let want = impersonation(req.headers());
    let version = format!("{:?}", req.version());
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Hooks see the request as it arrives: before latency, knobs and handling.
    let mut reset_after_apply = false;
    let due = lock(&shared.hooks).arrive(&method, &path);
    for action in due {
        match action {
            Action::Run(f) => f(&mut shared.store()),
            Action::ResetAfterApply => reset_after_apply = true,
        }
    }
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    // kube-apiserver's authenticators in order: the client certificate, then the token.
    let authenticated = cert_user
        .map(|c| cert_rights(&shared, c))
        .or_else(|| token.as_deref().and_then(|t| shared.authenticate(t)));
    // Impersonation, as the apiserver's filter does it (see `rbac::impersonate`); discovery
    // stays open to everyone, as before.
    let mut impersonation_denied = None;
    let identity = match authenticated {
        Some(requester) if !want.is_empty() => {
            match rbac::impersonate(&requester, &want, |n, g| shared.rights(n, g)) {
                Ok(id) => Some(id),
                Err(denied) => {
                    impersonation_denied = Some(denied);
                    Some(rbac::Identity {
                        user: requester,
                        groups: vec![rbac::AUTHENTICATED.to_owned()],
                        uid: None,
                    })
                }
            }
        }
        Some(user) => Some(rbac::Identity {
            user,
            groups: vec![rbac::AUTHENTICATED.to_owned()],
            uid: None,
        }),
        None => None,
    };
    let user_name = identity
        .as_ref()
        .map(|u| u.user.name.clone())
        .unwrap_or_else(|| "system:anonymous".to_owned());
    let (groups, uid) = identity
        .as_ref()
        .map(|i| (i.groups.clone(), i.uid.clone()))
        .unwrap_or_default();
    let user = identity.map(|i| i.user);
    let record = |status: u16| {
        let r = RequestRecord {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            status,
            user: user_name.clone(),
            groups: groups.clone(),
            uid: uid.clone(),
            user_agent: user_agent.clone(),
            version: version.clone(),
        };
        shared.log_request(&r);
        shared.records().push(r);
    };

    // OpenAPI, like discovery: never faulted, anonymous allowed; documents carry their own
    // cache headers.
    if path.starts_with("/openapi/") && method == "GET" {
        let image_api = shared.knobs().image_api;
        let a = openapi::answer(&path, &query, &accept, image_api);
        record(a.code);
        return Ok(Response::builder()
            .status(a.code)
            .header("content-type", a.content_type)
            .header("cache-control", a.cache_control)
            .body(full(a.body))
            .expect("a valid response"));
    }

    // Discovery and /version: never faulted, no latency, anonymous allowed.
    let image_api_down =
        shared.knobs().image_api_unavailable && path.starts_with(&format!("/apis/{GROUP}/"));
    if is_discovery(&path) {
        if image_api_down {
            record(503);
            return Ok(aggregator_unavailable());
        }
        let (code, v) = discovery_answer(&shared, &path);
        record(code);
        return Ok(json_response(code, &v));
    }
    let Some(user) = user else {
        record(401);
        return Ok(json_response(401, &status_value(&errors::unauthorized())));
    };
    if let Some(denied) = impersonation_denied {
        let code = errors::code(&denied);
        record(code);
        return Ok(json_response(code, &status_value(&denied)));
    }

    let knobs = shared.knobs().clone();
    let inflight = shared.inflight.fetch_add(1, Ordering::SeqCst) + 1;
    let _guard = InflightGuard(&shared.inflight);
    shared.peak_inflight.fetch_max(inflight, Ordering::SeqCst);
    if knobs.max_inflight.is_some_and(|max| inflight > max) {
        record(429);
        return Ok(too_many_requests());
    }
    if !knobs.latency.is_zero() {
        tokio::time::sleep(knobs.latency).await;
    }
    if lock(&shared.rng).chance(knobs.spike_rate) {
        shared.spikes.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(knobs.spike).await;
    }
    let is_write = method != "GET" && method != "HEAD";
    let mut fault = lock(&shared.rng).decide(knobs.fail_rate, is_write);
    if knobs.faults_5xx_only && matches!(fault, Fault::ResetBefore | Fault::ResetAfter) {
        fault = Fault::Internal;
    }
    if reset_after_apply {
        fault = Fault::ResetAfter;
    }
    match fault {
        Fault::None | Fault::ResetAfter => {}
        Fault::Internal => {
            shared.faults.fetch_add(1, Ordering::SeqCst);
            record(500);
            return Ok(json_response(500, &status_value(&errors::internal_error())));
        }
        Fault::Unavailable => {
            shared.faults.fetch_add(1, Ordering::SeqCst);
            record(503);
            return Ok(json_response(
                503,
                &status_value(&errors::service_unavailable()),
            ));
        }
        Fault::ResetBefore => {
            shared.faults.fetch_add(1, Ordering::SeqCst);
            record(0);
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected reset",
            ));
        }
    }

    let watch = query
        .split('&')
        .any(|kv| kv == "watch=true" || kv == "watch=1");
    let (code, v) = match parse_target(&path) {
        None => (404, status_value(&errors::not_found_path())),
        Some(t) if t.group == GROUP && !knobs.image_api => {
            (404, status_value(&errors::not_found_path()))
        }
        Some(t) => {
            let attrs = Attributes {
                verb: rbac::verb(&method, t.name.is_some(), watch),
                group: &t.group,
                resource: &t.resource,
                subresource: t.sub.as_deref(),
                namespace: if t.resource == "namespaces" && t.group.is_empty() {
                    t.name.as_deref()
                } else {
                    t.namespace.as_deref()
                },
                name: t.name.as_deref(),
            };
            match user.authorize(&attrs) {
                Err(s) => (errors::code(&s), status_value(&s)),
                // Authorized by kube-apiserver, then proxied to a backend that is not there.
                Ok(()) if image_api_down => {
                    record(503);
                    return Ok(aggregator_unavailable());
                }
                Ok(())
                    if watch
                        && t.group == GROUP
                        && t.resource == "imagestreams"
                        && t.name.is_none() =>
                {
                    // A real watch: the first events are computed now, while the request counts
                    // as in flight; the stream then runs outside the limiter, as the apiserver
                    // exempts long-running requests from max-in-flight.
                    match watches::WatchParams::parse(t.namespace.as_deref(), &query) {
                        Ok(p) => {
                            record(200);
                            let body = watches::start(&shared, p, wants_table(&accept));
                            let content_type = if wants_table(&accept) {
                                "application/json;as=Table;v=v1;g=meta.k8s.io"
                            } else {
                                "application/json"
                            };
                            return Ok(Response::builder()
                                .status(200)
                                .header("content-type", content_type)
                                .header("cache-control", "no-cache, private")
                                .body(BodyExt::boxed(body))
                                .expect("a valid response"));
                        }
                        Err(s) => (errors::code(&s), status_value(&s)),
                    }
                }
                Ok(()) if watch => {
                    // Other watches: an empty stream that ends at once (nothing is pushed).
                    (200, Value::Null)
                }
                Ok(()) if method == "PATCH" && patch::patchable(&t) => {
                    patch::serve(&shared, &t, &query, &content_type, &body)
                }
                Ok(()) => {
                    match openapi::strict_body_error(&method, &t.group, &t.resource, &query, &body)
                    {
                        Some(s) if t.sub.is_none() => (errors::code(&s), status_value(&s)),
                        _ => route(&shared, &method, &t, &query, &body, &accept),
                    }
                }
            }
        }
    };
    if fault == Fault::ResetAfter {
        shared.faults.fetch_add(1, Ordering::SeqCst);
        record(0);
        return Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected reset",
        ));
    }
    record(code);
    if code == 200
        && !v.is_null()
        && let Some(o) = knobs.override_for(&method, &path)
    {
        let (body, announced) = o.body(v.to_string().as_bytes());
        let mut b = Response::builder()
            .status(200)
            .header("content-type", "application/json");
        if let Some(len) = announced {
            b = b.header("content-length", len);
        }
        return Ok(b.body(full(body)).expect("a valid response"));
    }
    if v.is_null() {
        return Ok(Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(full(Bytes::new()))
            .expect("a valid response"));
    }
    Ok(json_response(code, &v))
}

struct InflightGuard<'a>(&'a AtomicUsize);

impl Drop for InflightGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A certificate user's rights: everything for the group `system:masters` (bound to
/// cluster-admin at bootstrap), else those of the user of that name added with
/// `Sim::add_user`, else none.
fn cert_rights(shared: &Shared, c: super::tls::CertUser) -> User {
    if c.groups.iter().any(|g| g == "system:masters") {
        return User {
            name: c.name,
            rules: None,
        };
    }
    let rules = shared
        .users()
        .values()
        .find(|u| u.name == c.name)
        .map_or(Some(Vec::new()), |u| u.rules.clone());
    User {
        name: c.name,
        rules,
    }
}

fn discovery_answer(shared: &Shared, path: &str) -> (u16, Value) {
    let p = path.trim_end_matches('/');
    let segs: Vec<&str> = p.trim_matches('/').split('/').collect();
    let image_api = shared.knobs().image_api;
    match segs.as_slice() {
        ["version"] => (200, discovery::version()),
        ["healthz"] | ["readyz"] | ["livez"] => (200, json!("ok")),
        ["api"] => {
            let url = lock(&shared.url).clone();
            let host = url.trim_start_matches("https://").to_owned();
            (200, discovery::api(&host))
        }
        ["api", "v1"] => (200, discovery::resources("", "v1").unwrap_or_default()),
        ["apis"] if !image_api => {
            let mut v = discovery::apis();
            if let Some(groups) = v["groups"].as_array_mut() {
                groups.retain(|g| g["name"] != GROUP);
            }
            (200, v)
        }
        ["apis"] => (200, discovery::apis()),
        ["apis", g, _] if *g == GROUP && !image_api => {
            (404, status_value(&errors::not_found_path()))
        }
        ["apis", g, v] => match discovery::resources(g, v) {
            Some(r) => (200, r),
            None => (404, status_value(&errors::not_found_path())),
        },
        _ => (404, status_value(&errors::not_found_path())),
    }
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Status> {
    serde_json::from_slice(body)
        .map_err(|e| errors::bad_request(format!("the object provided is unrecognized: {e}")))
}

fn wants_table(accept: &str) -> bool {
    accept.contains("as=Table")
}

fn ok<T: serde::Serialize>(code: u16, r: Result<T, Status>) -> (u16, Value) {
    match r {
        Ok(v) => (code, serde_json::to_value(v).unwrap_or_default()),
        Err(s) => (errors::code(&s), status_value(&s)),
    }
}

fn route(
    shared: &Shared,
    method: &str,
    t: &Target,
    query: &str,
    body: &[u8],
    accept: &str,
) -> (u16, Value) {
    let q = match ListQuery::parse(query) {
        Ok(q) => q,
        Err(s) => return (errors::code(&s), status_value(&s)),
    };
    let mut store = shared.store();
    let now = store.now();
    let ns = t.namespace.as_deref();
    let name = t.name.as_deref();
    let table = wants_table(accept);
    let (code, v) = match (
        t.group.as_str(),
        t.resource.as_str(),
        t.sub.as_deref(),
        method,
        ns,
        name,
    ) {
        // ---- core namespaces
        ("", "namespaces", None, "GET", None, Some(n)) => ok(200, store.namespace_json(n)),
        ("", "namespaces", None, "GET", None, None) => (200, store.list_namespaces()),
        ("", "namespaces", None, "POST", None, None) => {
            let v: Value = serde_json::from_slice(body).unwrap_or_default();
            let n = v["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            store.ensure_namespace(&n);
            // Kept as the apiserver keeps them: recordings/openshift-4.13/
            // seed-001-create-namespace-myproject answers with the annotations it was sent.
            if let Some(a) = v["metadata"]["annotations"].as_object() {
                for (key, value) in a {
                    store.annotate_namespace(&n, key, value.as_str());
                }
            }
            ok(201, store.namespace_json(&n))
        }
        // ---- imagestreams
        (GROUP, "imagestreams", None, "GET", _, None) => {
            let r = store.list_streams(ns, &q);
            match r {
                Ok(v) if table => (200, table::imagestreams(&v, now)),
                r => ok(200, r),
            }
        }
        (GROUP, "imagestreams", None, "GET", Some(ns), Some(n)) => match store.get_stream(ns, n) {
            Ok(s) if table => (
                200,
                table::imagestreams(&serde_json::to_value(s).unwrap_or_default(), now),
            ),
            r => ok(200, r),
        },
        (GROUP, "imagestreams", None, "POST", Some(ns), None) => {
            let r = parse_body::<ImageStream>(body).and_then(|b| store.create_stream(ns, b));
            ok(201, r)
        }
        (GROUP, "imagestreams", None, "PUT", Some(ns), Some(n)) => {
            let r = parse_body::<ImageStream>(body).and_then(|b| store.update_stream(ns, n, b));
            ok(200, r)
        }
        (GROUP, "imagestreams", None, "DELETE", Some(ns), Some(n)) => {
            ok(200, store.delete_stream(ns, n))
        }
        (GROUP, "imagestreams", Some("status"), "GET", Some(ns), Some(n)) => {
            ok(200, store.get_stream(ns, n))
        }
        (GROUP, "imagestreams", Some("status"), "PUT", Some(ns), Some(n)) => {
            let r =
                parse_body::<ImageStream>(body).and_then(|b| store.update_stream_status(ns, n, b));
            ok(200, r)
        }
        (GROUP, "imagestreams", Some("layers"), "GET", Some(ns), Some(n)) => {
            ok(200, store.layers(ns, n))
        }
        // ---- imagestreamtags
        (GROUP, "imagestreamtags", None, "GET", _, None) => {
            let v = store.list_istags(ns, &q);
            if table {
                (200, table::imagestreamtags(&v, now))
            } else {
                (200, v)
            }
        }
        (GROUP, "imagestreamtags", None, "GET", Some(ns), Some(n)) => {
            match store.get_istag(ns, n) {
                Ok(t) if table => (
                    200,
                    table::imagestreamtags(&serde_json::to_value(t).unwrap_or_default(), now),
                ),
                r => ok(200, r),
            }
        }
        (GROUP, "imagestreamtags", None, "POST", Some(ns), None) => {
            let r = parse_body::<ImageStreamTag>(body).and_then(|b| store.create_istag(ns, b));
            ok(201, r)
        }
        (GROUP, "imagestreamtags", None, "PUT", Some(ns), Some(n)) => {
            let r = parse_body::<ImageStreamTag>(body).and_then(|b| store.replace_istag(ns, n, b));
            ok(200, r)
        }
        (GROUP, "imagestreamtags", None, "DELETE", Some(ns), Some(n)) => {
            let opts: Value = serde_json::from_slice(body).unwrap_or_default();
            let uid = opts["preconditions"]["uid"].as_str();
            ok(200, store.delete_istag(ns, n, uid))
        }
        // ---- imagestreamimages, images, mappings
        (GROUP, "imagestreamimages", None, "GET", Some(ns), Some(n)) => {
            ok(200, store.get_isimage(ns, n))
        }
        (GROUP, "images", None, "GET", None, Some(n)) => ok(200, store.get_image(n)),
        (GROUP, "images", None, "GET", None, None) => ok(200, store.list_images(&q)),
        (GROUP, "images", None, "DELETE", None, Some(n)) => ok(200, store.delete_image(n)),
        (GROUP, "imagestreammappings", None, "POST", Some(ns), None) => {
            let v: Value = serde_json::from_slice(body).unwrap_or_default();
            ok(201, store.create_mapping(ns, &v))
        }
        // ---- limitranges (none; read-only)
        ("", "limitranges", None, "GET", _, None) => {
            let v = limitranges::list(store.resource_version());
            if table {
                (200, table::default(&v, now))
            } else {
                (200, v)
            }
        }
        ("", "limitranges", None, "GET", Some(_), Some(n)) => {
            let s = limitranges::get(n);
            (errors::code(&s), status_value(&s))
        }
        // ---- workloads (read-only)
        (g, r, None, "GET", _, None)
            if WORKLOADS.iter().any(|(wg, wr, _)| *wg == g && *wr == r) =>
        {
            let v = store.list_workloads(g, r, ns, &q);
            if table {
                (200, table::default(&v, now))
            } else {
                (200, v)
            }
        }
        (g, r, None, "GET", Some(ns), Some(n))
            if WORKLOADS.iter().any(|(wg, wr, _)| *wg == g && *wr == r) =>
        {
            ok(200, store.get_workload(g, r, ns, n))
        }
        // ---- rbac.authorization.k8s.io (rolebindings: list/get/create; roles, clusterroles: list/get)
        (RBAC_GROUP, r, None, "GET", _, None) if rbac_served(r, ns) => {
            let v = store.rbac_list(r, ns, &q);
            match r {
                _ if !table => (200, v),
                "rolebindings" => (200, table::rolebindings(&v, now)),
                _ => (200, table::default(&v, now)),
            }
        }
        (RBAC_GROUP, r, None, "GET", _, Some(n)) if rbac_served(r, ns) => {
            match store.rbac_get(r, ns, n) {
                Ok(v) if table && r == "rolebindings" => (200, table::rolebindings(&v, now)),
                Ok(v) if table => (200, table::default(&v, now)),
                r => ok(200, r),
            }
        }
        (RBAC_GROUP, "rolebindings", None, "POST", Some(ns), None) => {
            let r = parse_body::<Value>(body)
                .and_then(|b| store.rbac_create("rolebindings", Some(ns), b));
            ok(201, r)
        }
        (RBAC_GROUP, r, _, _, _, _) if RBAC_RESOURCES.iter().any(|(rr, _, _)| *rr == r) => {
            (405, status_value(&errors::method_not_allowed(method)))
        }
        (g, r, _, _, _, _)
            if (g == GROUP
                && [
                    "imagestreams",
                    "imagestreamtags",
                    "imagestreamimages",
                    "images",
                    "imagestreammappings",
                ]
                .contains(&r))
                || WORKLOADS.iter().any(|(wg, wr, _)| *wg == g && *wr == r)
                || (g.is_empty() && (r == "namespaces" || r == "limitranges")) =>
        {
            (405, status_value(&errors::method_not_allowed(method)))
        }
        _ => (404, status_value(&errors::not_found_path())),
    };
    (code, v)
}

/// A namespaced RBAC resource asked in a namespace or across all; a ClusterRole without one.
fn rbac_served(resource: &str, ns: Option<&str>) -> bool {
    RBAC_RESOURCES
        .iter()
        .any(|(r, _, namespaced)| *r == resource && (*namespaced || ns.is_none()))
}
