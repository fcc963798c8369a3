//! Listing the workloads that can hold an image in use, as `oc adm prune images` does.

use kube::api::{Api, ApiResource, DynamicObject, ListParams};
use tokio::task::JoinSet;

use super::errors::{ApiContext, api_error};
use super::retry::{RetryPolicy, with_retries};
use super::{Cluster, Scope};
use crate::error::Error;
use crate::inuse::{ImageRef, image_refs};

/// (group, version, kind, plural) of every workload kind `oc adm prune images` checks.
pub const WORKLOADS: &[(&str, &str, &str, &str)] = &[
    ("", "v1", "Pod", "pods"),
    ("", "v1", "ReplicationController", "replicationcontrollers"),
    ("apps", "v1", "Deployment", "deployments"),
    ("apps", "v1", "ReplicaSet", "replicasets"),
    ("apps", "v1", "StatefulSet", "statefulsets"),
    ("apps", "v1", "DaemonSet", "daemonsets"),
    ("batch", "v1", "Job", "jobs"),
    ("batch", "v1", "CronJob", "cronjobs"),
    (
        "apps.openshift.io",
        "v1",
        "DeploymentConfig",
        "deploymentconfigs",
    ),
    ("build.openshift.io", "v1", "Build", "builds"),
    ("build.openshift.io", "v1", "BuildConfig", "buildconfigs"),
];

/// What the workloads use, and what could not be checked.
#[derive(Debug, Default)]
pub struct WorkloadImages {
    /// `("deployment/web", refs)` per workload.
    pub uses: Vec<(String, Vec<ImageRef>)>,
    /// One sentence per workload kind that could not be listed (403, errors).
    pub unchecked: Vec<String>,
    /// The kinds of `unchecked` that were forbidden (403), so that a caller can say it in one
    /// line ("you may not list pods, deployments … in namespace dev").
    pub forbidden: Vec<&'static str>,
}

pub async fn workload_images(cluster: &Cluster, scope: &Scope) -> WorkloadImages {
    let mut set = JoinSet::new();
    for &(group, version, kind, plural) in WORKLOADS {
        let cluster = cluster.clone();
        let scope = scope.clone();
        set.spawn(async move {
            (
                plural,
                list_kind(&cluster, &scope, group, version, kind, plural).await,
            )
        });
    }
    let mut out = WorkloadImages::default();
    let mut results = Vec::new();
    while let Some(Ok(r)) = set.join_next().await {
        results.push(r);
    }
    // Deterministic order whatever finished first.
    results.sort_by_key(|(plural, _)| WORKLOADS.iter().position(|w| w.3 == *plural));
    for (plural, r) in results {
        match r {
            Ok(uses) => out.uses.extend(uses),
            Err(Some((why, forbidden))) => {
                out.unchecked.push(why);
                if forbidden {
                    out.forbidden.push(plural);
                }
            }
            Err(None) => {}
        }
    }
    out
}

/// `Err(None)`: the cluster does not serve this kind (404), nothing to check; `Err(Some((why,
/// forbidden)))`: it could not be listed, `forbidden` for a 403.
async fn list_kind(
    cluster: &Cluster,
    scope: &Scope,
    group: &str,
    version: &str,
    kind: &str,
    plural: &str,
) -> Result<Vec<(String, Vec<ImageRef>)>, Option<(String, bool)>> {
    let gvk = kube::api::GroupVersionKind::gvk(group, version, kind);
    let ar = ApiResource::from_gvk_with_plural(&gvk, plural);
    let api: Api<DynamicObject> = match scope {
        Scope::Namespace(ns) => Api::namespaced_with(cluster.client.clone(), ns, &ar),
        Scope::All => Api::all_with(cluster.client.clone(), &ar),
    };
    let mut params = ListParams::default().limit(500);
    let mut uses = Vec::new();
    loop {
        let (page, _) = with_retries(RetryPolicy::default(), || api.list(&params)).await;
        let page = match page {
            Ok(p) => p,
            Err(kube::Error::Api(s)) if s.code == 404 => return Err(None),
            Err(e) => {
                let forbidden = matches!(&e, kube::Error::Api(s) if s.code == 403);
                let ctx = ApiContext {
                    verb: "list",
                    resource: plural,
                    group,
                    namespace: scope.namespace(),
                    url: &cluster.url,
                };
                let Error { message, .. } = api_error(e, &ctx);
                return Err(Some((
                    format!("could not check which images {plural} use: {message}"),
                    forbidden,
                )));
            }
        };
        for obj in page.items {
            let ns = obj.metadata.namespace.clone().unwrap_or_default();
            let name = obj.metadata.name.clone().unwrap_or_default();
            // `data` lacks `metadata`: put the annotations back, they hold image-change
            // triggers and the resolve-names request.
            let mut data = obj.data;
            if let Some(a) = obj.metadata.annotations {
                data["metadata"] = serde_json::json!({ "annotations": a });
            }
            let refs = image_refs(&data, &ns);
            if !refs.is_empty() {
                let who = match scope {
                    Scope::All => format!("{}/{ns}/{name}", kind.to_lowercase()),
                    Scope::Namespace(_) => format!("{}/{name}", kind.to_lowercase()),
                };
                uses.push((who, refs));
            }
        }
        match page.metadata.continue_ {
            Some(t) if !t.is_empty() => params = params.continue_token(&t),
            _ => return Ok(uses),
        }
    }
}
