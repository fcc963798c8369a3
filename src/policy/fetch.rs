//! Reading the namespaces' policy annotations (`prune --policy`, `policy show`): one GET of the
//! namespace, or one LIST with `-A`.
//!
//! RBAC: a `get` of `namespaces/<ns>` is authorized as a request *in* namespace `<ns>`
//! (apiserver's RequestInfo takes the namespace of a namespace from its name), so a Role in the
//! namespace grants it; `-A` needs `list namespaces` cluster-wide (see deploy/).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams};

use super::{Layer, Problem, parse};
use crate::cluster::{ApiContext, Cluster, RetryPolicy, Scope, api_error, with_retries};

/// Each of `namespaces` → its policy layer, or why it cannot be used (malformed, or not
/// readable: the caller skips its streams rather than assume a default).
pub async fn namespace_layers(
    cluster: &Cluster,
    scope: &Scope,
    namespaces: &BTreeSet<String>,
) -> BTreeMap<String, Result<Layer, Problem>> {
    let unreadable = |message: String| Problem {
        annotation: String::new(),
        value: String::new(),
        problem: format!("cannot be read: {message}"),
    };
    let api: Api<Namespace> = Api::all(cluster.client.clone());
    let of = |n: &Namespace| parse(n.metadata.annotations.as_ref().unwrap_or(&BTreeMap::new()));
    match scope {
        Scope::All if !namespaces.is_empty() => {
            let ctx = ApiContext {
                verb: "list",
                resource: "namespaces",
                group: "",
                namespace: None,
                url: &cluster.url,
            };
            let params = ListParams::default();
            let (list, _) = with_retries(RetryPolicy::default(), || api.list(&params)).await;
            match list {
                Ok(list) => {
                    let found: BTreeMap<String, Result<Layer, Problem>> = list
                        .items
                        .iter()
                        .map(|n| (n.metadata.name.clone().unwrap_or_default(), of(n)))
                        .collect();
                    namespaces
                        .iter()
                        .map(|ns| {
                            let layer = found.get(ns).cloned().unwrap_or(Ok(Layer::default()));
                            (ns.clone(), layer)
                        })
                        .collect()
                }
                Err(e) => {
                    let why = api_error(e, &ctx).message;
                    namespaces
                        .iter()
                        .map(|ns| (ns.clone(), Err(unreadable(why.clone()))))
                        .collect()
                }
            }
        }
        _ => {
            let mut out = BTreeMap::new();
            for ns in namespaces {
                let layer = match crate::cluster::namespace_annotations(cluster, ns).await {
                    Ok(Some(a)) => parse(&a),
                    Ok(None) => Err(unreadable(format!("namespace {ns} not found"))),
                    Err(e) => Err(unreadable(e.message)),
                };
                out.insert(ns.clone(), layer);
            }
            out
        }
    }
}
