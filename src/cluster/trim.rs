//! Trimming old revisions of kept tags, the way `oc adm prune images` does it: GET the stream,
//! drop items from `status.tags[].items`, PUT `imagestreams/<name>/status` with the
//! resourceVersion read. A 409 means someone else wrote in between: re-read and recompute.

use std::collections::{BTreeMap, BTreeSet};

use kube::api::{Api, PostParams};
use serde::{Deserialize, Serialize};

use super::Cluster;
use super::errors::{ApiContext, api_error};
use super::retry::{RetryPolicy, with_retries};
use crate::model::ImageStream;

/// Revisions to drop from one stream: tag → digests of history items (never the current one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamTrim {
    pub namespace: String,
    pub stream: String,
    pub tags: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrimOutcome {
    pub namespace: String,
    pub stream: String,
    /// History items removed.
    pub trimmed: usize,
    /// Set when the stream could not be updated.
    pub error: Option<String>,
}

/// Conflicts retried before giving up on one stream.
const CONFLICT_RETRIES: usize = 5;

pub async fn trim(
    cluster: &Cluster,
    trims: Vec<StreamTrim>,
    retry: RetryPolicy,
) -> Vec<TrimOutcome> {
    let mut out = Vec::new();
    for t in trims {
        out.push(trim_stream(cluster, &t, retry).await);
    }
    out
}

async fn trim_stream(cluster: &Cluster, t: &StreamTrim, retry: RetryPolicy) -> TrimOutcome {
    let api: Api<ImageStream> = Api::namespaced(cluster.client.clone(), &t.namespace);
    let outcome = |trimmed, error| TrimOutcome {
        namespace: t.namespace.clone(),
        stream: t.stream.clone(),
        trimmed,
        error,
    };
    let ctx = |verb, resource| ApiContext {
        verb,
        resource,
        group: crate::model::GROUP,
        namespace: Some(&t.namespace),
        url: &cluster.url,
    };
    for _ in 0..CONFLICT_RETRIES {
        let (fresh, _) = with_retries(retry, || api.get(&t.stream)).await;
        let mut is = match fresh {
            Ok(is) => is,
            Err(kube::Error::Api(s)) if s.code == 404 => return outcome(0, None),
            Err(e) => return outcome(0, Some(api_error(e, &ctx("get", "imagestreams")).message)),
        };
        let removed = drop_items(&mut is, &t.tags);
        if removed == 0 {
            return outcome(0, None);
        }
        is.api_version = Some(crate::model::API_VERSION.into());
        is.kind = Some("ImageStream".into());
        let pp = PostParams::default();
        let (res, _) = with_retries(retry, || api.replace_status(&t.stream, &pp, &is)).await;
        match res {
            Ok(_) => return outcome(removed, None),
            Err(kube::Error::Api(s)) if s.code == 409 => continue,
            Err(e) => {
                return outcome(
                    0,
                    Some(api_error(e, &ctx("update", "imagestreams/status")).message),
                );
            }
        }
    }
    outcome(
        0,
        Some(format!(
            "the stream kept changing: gave up after {CONFLICT_RETRIES} conflicts"
        )),
    )
}

/// Removes the planned history items that are still there, never a tag's current revision.
pub fn drop_items(is: &mut ImageStream, tags: &BTreeMap<String, BTreeSet<String>>) -> usize {
    let mut removed = 0;
    for named in is.status.tags.iter_mut().flatten() {
        let (Some(digests), Some(items)) = (tags.get(&named.tag), named.items.as_mut()) else {
            continue;
        };
        let before = items.len();
        let mut index = 0;
        items.retain(|item| {
            let keep = index == 0 || !digests.contains(&item.image);
            index += 1;
            keep
        });
        removed += before - items.len();
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_drops_the_current_revision() {
        let mut is: ImageStream = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "s"},
            "status": {"dockerImageRepository": "r", "tags": [{"tag": "t", "items": [
                {"created": "2026-11-03T00:00:00Z", "dockerImageReference": "r@sha256:c", "image": "sha256:c", "generation": 1},
                {"created": "2026-11-02T00:00:00Z", "dockerImageReference": "r@sha256:b", "image": "sha256:b", "generation": 1},
                {"created": "2026-11-01T00:00:00Z", "dockerImageReference": "r@sha256:a", "image": "sha256:a", "generation": 1}
            ]}]}
        }))
        .unwrap();
        let plan = BTreeMap::from([(
            "t".to_owned(),
            BTreeSet::from(["sha256:c".to_owned(), "sha256:a".to_owned()]),
        )]);
        assert_eq!(drop_items(&mut is, &plan), 1);
        let left: Vec<_> = is
            .status_tag("t")
            .unwrap()
            .revisions()
            .iter()
            .map(|r| r.image.as_str())
            .collect();
        assert_eq!(left, ["sha256:c", "sha256:b"]);
    }
}
