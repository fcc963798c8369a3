//! The journal of a prune: what each deleted tag held, written before the first DELETE, so
//! that `restore` can bring the tags back while their images still exist.
//!
//! An ImageStreamTag DELETE drops the tag's whole revision history but leaves the Image objects
//! until the image pruner reclaims them (the ImagePruner runs daily and keeps images younger
//! than 60 minutes). What a tag needs to be re-created through `imagestreammappings` is its
//! history (digest and `dockerImageReference` of each revision, oldest first) and its spec tag
//! (`from`, annotations, reference and import policy): [`record`] takes exactly that from the
//! streams as read right before the DELETEs.
//!
//! The record is the `PruneRun` document (`prune -o json`) with a `journal` field; a run's
//! JSON output is therefore a journal too (a CronJob's log is one). [`store`] names, writes,
//! lists and reads the files.

pub mod store;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{ImageStream, TagEvent, TagReference};

/// The `journal` field of a `PruneRun` document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Journal {
    /// When the record was written, right before the first DELETE.
    pub time: Timestamp,
    /// The kubeconfig context (`in-cluster` in a pod).
    pub context: String,
    /// The API server.
    pub server: String,
    /// The namespace pruned; `None` with `-A`.
    pub namespace: Option<String>,
    /// Every tag the run was about to delete.
    pub tags: Vec<JournalTag>,
}

/// One deleted tag: what re-creating it takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalTag {
    pub namespace: String,
    pub stream: String,
    pub tag: String,
    /// The stream's UID when the tag was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_uid: Option<String>,
    /// The revision history, newest first as the server lists it: digest (`image`),
    /// `dockerImageReference`, `created`, `generation`.
    pub revisions: Vec<TagEvent>,
    /// The spec tag; `None` for a pushed tag (status only).
    #[serde(default)]
    pub spec: Option<TagReference>,
}

impl JournalTag {
    /// `stream:tag`, or `namespace/stream:tag` when asked.
    pub fn name(&self, with_namespace: bool) -> String {
        if with_namespace {
            format!("{}/{}:{}", self.namespace, self.stream, self.tag)
        } else {
            format!("{}:{}", self.stream, self.tag)
        }
    }
}

/// The record of `tags` (namespace, stream, tag) as `streams` hold them. A tag missing from
/// the streams (gone since) has nothing to record and is left out.
pub fn record<'a>(
    streams: &[ImageStream],
    tags: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
) -> Vec<JournalTag> {
    let by_name: BTreeMap<(&str, &str), &ImageStream> = streams
        .iter()
        .map(|s| ((s.namespace(), s.name()), s))
        .collect();
    let mut out: Vec<JournalTag> = tags
        .into_iter()
        .filter_map(|(ns, stream, tag)| {
            let s = by_name.get(&(ns, stream))?;
            let revisions = s.status_tag(tag)?.revisions().to_vec();
            Some(JournalTag {
                namespace: ns.to_owned(),
                stream: stream.to_owned(),
                tag: tag.to_owned(),
                stream_uid: s.metadata.uid.clone(),
                revisions,
                spec: s.spec_tag(tag).cloned(),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.namespace, &a.stream, &a.tag).cmp(&(&b.namespace, &b.stream, &b.tag)));
    out.dedup_by(|a, b| (&a.namespace, &a.stream, &a.tag) == (&b.namespace, &b.stream, &b.tag));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> ImageStream {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "app", "namespace": "ns", "uid": "u1"},
            "spec": {"tags": [{"name": "v1", "annotations": {"a": "b"},
                "from": {"kind": "DockerImage", "name": "quay.io/x/app:v1"},
                "importPolicy": {"scheduled": true}, "referencePolicy": {"type": "Local"}}]},
            "status": {"dockerImageRepository": "r/ns/app", "tags": [
                {"tag": "v1", "items": [
                    {"created": "2026-01-02T00:00:00Z", "dockerImageReference": "r/ns/app@sha256:b", "image": "sha256:b", "generation": 2},
                    {"created": "2026-01-01T00:00:00Z", "dockerImageReference": "r/ns/app@sha256:a", "image": "sha256:a", "generation": 1}]},
                {"tag": "v2", "items": [
                    {"created": "2026-01-03T00:00:00Z", "dockerImageReference": "r/ns/app@sha256:c", "image": "sha256:c", "generation": 1}]}]}
        }))
        .unwrap()
    }

    #[test]
    fn records_the_whole_history_and_the_spec_tag() {
        let r = record(&[stream()], [("ns", "app", "v1"), ("ns", "app", "v2")]);
        assert_eq!(r.len(), 2);
        let v1 = &r[0];
        assert_eq!(v1.tag, "v1");
        assert_eq!(v1.stream_uid.as_deref(), Some("u1"));
        let digests: Vec<&str> = v1.revisions.iter().map(|e| e.image.as_str()).collect();
        assert_eq!(digests, ["sha256:b", "sha256:a"]);
        let spec = v1.spec.as_ref().unwrap();
        assert_eq!(spec.from.as_ref().unwrap().name, "quay.io/x/app:v1");
        assert!(spec.import_policy.scheduled);
        assert_eq!(spec.reference_policy.type_, "Local");
        assert_eq!(r[1].spec, None, "a pushed tag has no spec tag");
    }

    #[test]
    fn a_tag_gone_from_the_streams_is_left_out() {
        let r = record(&[stream()], [("ns", "app", "nope"), ("ns", "other", "v1")]);
        assert!(r.is_empty());
    }

    #[test]
    fn survives_a_json_round_trip() {
        let j = Journal {
            time: "2026-12-02T04:00:00Z".parse().unwrap(),
            context: "ctx".into(),
            server: "https://x".into(),
            namespace: Some("ns".into()),
            tags: record(&[stream()], [("ns", "app", "v1")]),
        };
        let back: Journal = serde_json::from_str(&serde_json::to_string(&j).unwrap()).unwrap();
        assert_eq!(back, j);
    }
}
