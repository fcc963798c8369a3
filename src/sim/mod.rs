//! The simulated OpenShift image API: real HTTPS on loopback, the real server's semantics.
//!
//! - [`store`]: state and semantics (imagestreams, imagestreamtags, images, mappings, layers),
//!   unit-tested without HTTP; [`scenario`]: seeded data; [`selector`]: label/field selectors;
//!   [`errors`]: `Status` bodies worded like the apiserver.
//! - [`http`]: routing, authentication, knobs (latency, 429, faults), RBAC ([`rbac`]);
//!   [`discovery`]: `/version`, `/api`, `/apis`; [`table`]: server-side Table output.
//! - [`bootstrap`]: the built-in ClusterRoles served under `rbac.authorization.k8s.io/v1`.
//! - [`tls`]: a CA + server certificate generated at start; [`kubeconfig`]: a kubeconfig for it.

// Errors are whole `Status` bodies, as the apiserver answers; they are the cold path of a test
// server, so boxing them buys nothing but noise.
#![allow(clippy::result_large_err)]

pub mod bootstrap;
pub mod discovery;
pub mod errors;
pub mod faults;
pub mod http;
pub mod kubeconfig;
pub mod rbac;
pub mod scenario;
pub mod selector;
pub mod store;
pub mod table;
pub mod tls;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::Digest as _;
use tokio::sync::watch;

use crate::model::{Image, ImageStream};
pub use faults::Override;
pub use rbac::Rule;
pub use scenario::Scenario;
pub use store::Store;

/// How to start a simulator.
#[derive(Clone, Debug)]
pub struct SimOptions {
    pub scenario: Scenario,
    /// Added before answering each (non-discovery) request.
    pub latency: Duration,
    /// Requests in flight beyond this are answered 429 with `Retry-After: 1`.
    pub max_inflight: Option<usize>,
    /// Rate of injected faults (500, 503, connection resets).
    pub fail_rate: f64,
    /// Seeds the scenario generator and the fault generator.
    pub seed: u64,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            scenario: Scenario::Seed,
            latency: Duration::ZERO,
            max_inflight: None,
            fail_rate: 0.0,
            seed: 1,
        }
    }
}

/// One request as the simulator saw it (status 0 = connection reset without an answer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    pub user: String,
}

/// A running simulator. Stops on [`Sim::shutdown`] or drop.
pub struct Sim {
    shared: Arc<http::Shared>,
    addr: SocketAddr,
    ca_pem: String,
    admin_token: String,
    stop: Option<watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn make_token(seed: u64) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let h = sha2::Sha256::digest(format!("{seed}-{nanos}-{}", std::process::id()).as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256~{}", &hex[..43])
}

struct Prepared {
    shared: Arc<http::Shared>,
    tls: tls::Tls,
    admin_token: String,
}

fn prepare(opts: &SimOptions) -> std::io::Result<Prepared> {
    let tls = tls::generate()?;
    let mut store = Store::new();
    let now = store.now();
    opts.scenario.build(&mut store, now, opts.seed);
    let admin_token = make_token(opts.seed);
    let mut users = std::collections::HashMap::new();
    users.insert(
        admin_token.clone(),
        rbac::User {
            name: "admin".into(),
            rules: None,
        },
    );
    let shared = Arc::new(http::Shared {
        store: Mutex::new(store),
        users: Mutex::new(users),
        records: Mutex::new(Vec::new()),
        knobs: Mutex::new(http::Knobs::new(
            opts.latency,
            opts.max_inflight,
            opts.fail_rate,
        )),
        rng: Mutex::new(faults::FaultRng::new(opts.seed)),
        inflight: AtomicUsize::new(0),
        peak_inflight: AtomicUsize::new(0),
        connections: AtomicUsize::new(0),
        faults: AtomicUsize::new(0),
        spikes: AtomicUsize::new(0),
        url: Mutex::new(String::new()),
    });
    Ok(Prepared {
        shared,
        tls,
        admin_token,
    })
}

impl Sim {
    /// Starts on 127.0.0.1 with an ephemeral port, in the current tokio runtime.
    pub async fn start(opts: SimOptions) -> std::io::Result<Sim> {
        Sim::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await
    }

    /// Starts on `addr`, in the current tokio runtime.
    pub async fn start_on(addr: SocketAddr, opts: SimOptions) -> std::io::Result<Sim> {
        let p = prepare(&opts)?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        *p.shared.url.lock().unwrap_or_else(|e| e.into_inner()) = format!("https://{addr}");
        let (tx, rx) = watch::channel(false);
        tokio::spawn(http::serve(
            listener,
            p.tls.server_config.clone(),
            p.shared.clone(),
            rx,
        ));
        Ok(Sim {
            shared: p.shared,
            addr,
            ca_pem: p.tls.ca_pem,
            admin_token: p.admin_token,
            stop: Some(tx),
            thread: None,
        })
    }

    /// Starts on its own thread with its own tokio runtime (for synchronous tests).
    pub fn start_background(opts: SimOptions) -> std::io::Result<Sim> {
        let p = prepare(&opts)?;
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        *p.shared.url.lock().unwrap_or_else(|e| e.into_inner()) = format!("https://{addr}");
        let (tx, rx) = watch::channel(false);
        let shared = p.shared.clone();
        let config = p.tls.server_config.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::io::Result<()>>();
        let thread = std::thread::Builder::new()
            .name("prunetags-sim".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(std_listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    http::serve(listener, config, shared, rx).await;
                });
                rt.shutdown_timeout(Duration::from_millis(200));
            })?;
        ready_rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|e| std::io::Error::other(e.to_string()))??;
        Ok(Sim {
            shared: p.shared,
            addr,
            ca_pem: p.tls.ca_pem,
            admin_token: p.admin_token,
            stop: Some(tx),
            thread: Some(thread),
        })
    }

    /// `https://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The PEM of the CA that signed the server's certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A bearer token allowed everything.
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// A kubeconfig (YAML) for this simulator, admin token, default namespace `namespace`.
    pub fn kubeconfig(&self, namespace: &str) -> String {
        kubeconfig::render(&self.url(), &self.ca_pem, &self.admin_token, namespace)
    }

    pub fn write_kubeconfig(&self, path: &std::path::Path, namespace: &str) -> std::io::Result<()> {
        std::fs::write(path, self.kubeconfig(namespace))
    }

    /// Adds a user known by `token`, allowed only what `rules` grant.
    pub fn add_user(&self, token: &str, name: &str, rules: Vec<Rule>) {
        self.shared.users().insert(
            token.to_owned(),
            rbac::User {
                name: name.to_owned(),
                rules: Some(rules),
            },
        );
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.records().clone()
    }

    /// How many requests had `method` and a path containing `path_contains`.
    pub fn count(&self, method: &str, path_contains: &str) -> usize {
        self.shared
            .records()
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.contains(path_contains))
            .count()
    }

    /// Forgets the requests so far, the peak in flight and the connection count.
    pub fn reset_requests(&self) {
        self.shared.records().clear();
        self.shared.peak_inflight.store(0, Ordering::SeqCst);
        self.shared.connections.store(0, Ordering::SeqCst);
    }

    /// The most API requests (discovery aside) in flight at once: how concurrent a client was.
    pub fn peak_inflight(&self) -> usize {
        self.shared.peak_inflight.load(Ordering::SeqCst)
    }

    /// TLS connections accepted: how well a client reused its connections.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// How many faults (500, 503, resets) were injected.
    pub fn faults_injected(&self) -> usize {
        self.shared.faults.load(Ordering::SeqCst)
    }

    pub fn set_fail_rate(&self, p: f64) {
        self.shared.knobs().fail_rate = p;
    }

    pub fn set_latency(&self, d: Duration) {
        self.shared.knobs().latency = d;
    }

    pub fn set_max_inflight(&self, n: Option<usize>) {
        self.shared.knobs().max_inflight = n;
    }

    /// From now on, GETs whose path contains `path_contains` get `o`'s bad answer instead of the
    /// real one (when the real one is a 200). Writes are never overridden.
    pub fn set_response_override(&self, path_contains: &str, o: Override) {
        self.shared
            .knobs()
            .overrides
            .push((path_contains.to_owned(), o));
    }

    pub fn clear_response_overrides(&self) {
        self.shared.knobs().overrides.clear();
    }

    /// Adds `spike` of latency to a share `rate` of the (non-discovery) requests.
    pub fn set_latency_spikes(&self, rate: f64, spike: Duration) {
        let mut k = self.shared.knobs();
        k.spike_rate = rate;
        k.spike = spike;
    }

    /// How many latency spikes were injected.
    pub fn spikes_injected(&self) -> usize {
        self.shared.spikes.load(Ordering::SeqCst)
    }

    /// `false` makes the simulator answer like a plain Kubernetes cluster: no
    /// `image.openshift.io/v1` in discovery, 404 for every path under it.
    pub fn set_image_api(&self, served: bool) {
        self.shared.knobs().image_api = served;
    }

    /// A snapshot of a namespace's streams, sorted by name.
    pub fn image_streams(&self, ns: &str) -> Vec<ImageStream> {
        self.shared.store().image_streams(ns)
    }

    pub fn image_stream(&self, ns: &str, name: &str) -> Option<ImageStream> {
        self.shared.store().get_stream(ns, name).ok()
    }

    /// Status ∪ spec tags of a stream, sorted.
    pub fn tag_names(&self, ns: &str, stream: &str) -> Vec<String> {
        self.shared.store().tag_names(ns, stream)
    }

    /// Records a new revision of `stream:tag`, as `imagestreammappings` does (for race tests).
    pub fn push(&self, ns: &str, stream: &str, tag: &str, image: Image) {
        let _ = self.shared.store().push(ns, stream, tag, image);
    }

    /// Adds a workload object (`pods`, `deployments`, …) that references images.
    pub fn add_workload(&self, ns: &str, resource: &str, object: serde_json::Value) {
        self.shared.store().add_workload(ns, resource, object);
    }

    /// Adds a RoleBinding in `ns` (as `oc policy add-role-to-group … -n ns` does). Subjects are
    /// written `group:NAME`, `user:NAME` or `serviceaccount:NAMESPACE:NAME`.
    pub fn add_role_binding(
        &self,
        ns: &str,
        name: &str,
        role_ref_kind: &str,
        role_ref_name: &str,
        subjects: &[&str],
    ) {
        let subjects: Vec<serde_json::Value> = subjects
            .iter()
            .map(|s| match s.split_once(':') {
                Some(("group", n)) => serde_json::json!({"kind": "Group", "name": n}),
                Some(("user", n)) => serde_json::json!({"kind": "User", "name": n}),
                Some(("serviceaccount", rest)) => {
                    let (sa_ns, n) = rest.split_once(':').unwrap_or((ns, rest));
                    serde_json::json!({"kind": "ServiceAccount", "namespace": sa_ns, "name": n})
                }
                _ => panic!("subject {s:?}: write group:NAME, user:NAME or serviceaccount:NS:NAME"),
            })
            .collect();
        let body = serde_json::json!({
            "metadata": {"name": name},
            "roleRef": {"apiGroup": store::RBAC_GROUP, "kind": role_ref_kind, "name": role_ref_name},
            "subjects": subjects,
        });
        if let Err(e) = self
            .shared
            .store()
            .rbac_create("rolebindings", Some(ns), body)
        {
            panic!("add_role_binding {ns}/{name}: {:?}", e.message);
        }
    }

    /// Adds a Role in `ns` with `rules` (a JSON array of PolicyRules).
    pub fn add_role(&self, ns: &str, name: &str, rules: serde_json::Value) {
        let body = serde_json::json!({"metadata": {"name": name}, "rules": rules});
        if let Err(e) = self.shared.store().rbac_create("roles", Some(ns), body) {
            panic!("add_role {ns}/{name}: {:?}", e.message);
        }
    }

    /// Adds a ClusterRole with `rules` (a JSON array of PolicyRules).
    pub fn add_cluster_role(&self, name: &str, rules: serde_json::Value) {
        let body = serde_json::json!({"metadata": {"name": name}, "rules": rules});
        if let Err(e) = self.shared.store().rbac_create("clusterroles", None, body) {
            panic!("add_cluster_role {name}: {:?}", e.message);
        }
    }

    /// Direct access to the store (tests).
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.shared.store())
    }

    /// Stops serving (also done on drop).
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.stop_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::api::{Api, ListParams};
    use kube::config::{KubeConfigOptions, Kubeconfig};

    async fn client(sim: &Sim) -> kube::Client {
        let kc = Kubeconfig::from_yaml(&sim.kubeconfig("mynamespace")).unwrap();
        let mut cfg = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .unwrap();
        cfg.proxy_url = None;
        kube::Client::try_from(cfg).unwrap()
    }

    fn is_404(r: Result<impl std::fmt::Debug, kube::Error>) -> bool {
        matches!(r, Err(kube::Error::Api(s)) if s.code == 404)
    }

    async fn raw_get(sim: &Sim, path: &str) -> Result<(u16, Vec<u8>), kube::Error> {
        use http_body_util::BodyExt;
        let client = client(sim).await;
        let req = hyper::Request::get(path)
            .body(kube::client::Body::from(Vec::new()))
            .unwrap();
        let resp = client.send(req).await?;
        let code = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| kube::Error::Service(Box::new(e)))?
            .to_bytes();
        Ok((code, body.to_vec()))
    }

    #[tokio::test]
    async fn response_overrides_replace_matching_gets_only() {
        let sim = Sim::start(SimOptions::default()).await.unwrap();
        let path = "/apis/image.openshift.io/v1/namespaces/mynamespace/imagestreams";
        let (code, real) = raw_get(&sim, path).await.unwrap();
        assert_eq!(code, 200);

        sim.set_response_override("/imagestreams", Override::MalformedJson);
        let (code, body) = raw_get(&sim, path).await.unwrap();
        assert_eq!(code, 200);
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
        // Other paths are untouched.
        let (_, pods) = raw_get(&sim, "/api/v1/namespaces/mynamespace/pods")
            .await
            .unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&pods).is_ok());

        sim.clear_response_overrides();
        sim.set_response_override("/imagestreams", Override::Huge(1 << 20));
        let (_, body) = raw_get(&sim, path).await.unwrap();
        assert_eq!(body.len(), 1 << 20);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let real: serde_json::Value = serde_json::from_slice(&real).unwrap();
        assert_eq!(v["items"], real["items"]);

        sim.clear_response_overrides();
        sim.set_response_override("/imagestreams", Override::Truncated);
        assert!(
            raw_get(&sim, path).await.is_err(),
            "a body cut short of its Content-Length is a transport error"
        );
        sim.clear_response_overrides();
        assert!(raw_get(&sim, path).await.is_ok());
    }

    #[tokio::test]
    async fn latency_spikes_are_counted() {
        let sim = Sim::start(SimOptions::default()).await.unwrap();
        sim.set_latency_spikes(1.0, Duration::from_millis(30));
        let path = "/apis/image.openshift.io/v1/namespaces/mynamespace/imagestreams";
        let start = std::time::Instant::now();
        raw_get(&sim, path).await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert_eq!(sim.spikes_injected(), 1);
        sim.set_latency_spikes(0.0, Duration::ZERO);
        raw_get(&sim, path).await.unwrap();
        assert_eq!(sim.spikes_injected(), 1);
    }

    #[tokio::test]
    async fn without_the_image_api_it_answers_like_plain_kubernetes() {
        let sim = Sim::start(SimOptions::default()).await.unwrap();
        let client = client(&sim).await;
        let streams: Api<ImageStream> = Api::namespaced(client.clone(), "mynamespace");
        let has_group = |groups: &k8s_openapi::apimachinery::pkg::apis::meta::v1::APIGroupList| {
            groups.groups.iter().any(|g| g.name == crate::model::GROUP)
        };

        assert_eq!(
            streams
                .list(&ListParams::default())
                .await
                .unwrap()
                .items
                .len(),
            3
        );
        assert!(has_group(&client.list_api_groups().await.unwrap()));

        sim.set_image_api(false);
        assert!(is_404(streams.list(&ListParams::default()).await));
        assert!(is_404(streams.get("myapp").await));
        assert!(is_404(
            client
                .list_api_group_resources(crate::model::API_VERSION)
                .await
        ));
        let groups = client.list_api_groups().await.unwrap();
        assert!(!has_group(&groups));
        assert!(groups.groups.iter().any(|g| g.name == "apps"));
        // Core resources are still served.
        assert!(client.list_core_api_versions().await.is_ok());

        sim.set_image_api(true);
        assert!(streams.get("myapp").await.is_ok());
    }
}
