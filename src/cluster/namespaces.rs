//! Reading namespaces' annotations (the report's contacts).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use kube::Api;

use super::client::Cluster;
use super::errors::{ApiContext, api_error};
use super::retry::{RetryPolicy, with_retries};
use crate::error::Result;

/// The annotations of namespace `name`; `Ok(None)` when it is gone. Needs `get namespaces`
/// (cluster-scoped): a 403 is an error naming it.
pub async fn namespace_annotations(
    cluster: &Cluster,
    name: &str,
) -> Result<Option<BTreeMap<String, String>>> {
    let api: Api<Namespace> = Api::all(cluster.client.clone());
    let (got, _) = with_retries(RetryPolicy::default(), || api.get(name)).await;
    match got {
        Ok(ns) => Ok(Some(ns.metadata.annotations.unwrap_or_default())),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
        Err(e) => Err(api_error(
            e,
            &ApiContext {
                verb: "get",
                resource: "namespaces",
                group: "",
                namespace: None,
                url: &cluster.url,
            },
        )),
    }
}
