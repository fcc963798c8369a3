//! Where a tag's image comes from, in `oc describe is`'s words, and which spec tags it folds
//! into another tag's heading. Rules from openshift/oc `pkg/helpers/describe/helpers.go`
//! (`formatImageStreamTags`) and `pkg/helpers/image` (`FollowTagReference`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{StreamView, TagView};
use crate::model::TagReference;

/// How a tag gets its image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceType {
    /// Only in status: pushed, or recorded through an image stream mapping ("no spec tag").
    Pushed,
    /// A spec tag without `from` ("tag without source image").
    WithoutSource,
    /// Copied once from its source ("tagged from …").
    Tagged,
    /// `reference: true`: the tag points at its source, nothing is imported ("reference to …").
    Reference,
    /// `importPolicy.scheduled`: re-imported periodically ("updates automatically from …").
    Scheduled,
    /// A `from` of a kind the describer has no words for ("updates from <kind> …").
    Updates,
}

/// A spec tag's `from`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct From {
    /// `DockerImage`, `ImageStreamTag` or `ImageStreamImage`.
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    #[serde(rename = "type")]
    pub type_: SourceType,
    /// The spec tag's `from`; `None` for a pushed tag and a spec tag without source.
    pub from: Option<From>,
    /// The line `oc describe is` prints under the tag, e.g. `tagged from frontend:v1.1.0`.
    pub text: String,
}

impl Source {
    /// `formatImageStreamTags`'s switch over the spec tag, for a stream in `namespace`.
    pub fn of(spec: Option<&TagReference>, namespace: &str) -> Source {
        let Some(spec) = spec else {
            return Source {
                type_: SourceType::Pushed,
                from: None,
                text: "no spec tag".into(),
            };
        };
        let Some(f) = &spec.from else {
            return Source {
                type_: SourceType::WithoutSource,
                from: None,
                text: "tag without source image".into(),
            };
        };
        // The namespace only when it is another one, for every kind.
        let name = match f.namespace.as_deref() {
            Some(ns) if !ns.is_empty() && ns != namespace => format!("{ns}/{}", f.name),
            _ => f.name.clone(),
        };
        let scheduled = spec.import_policy.scheduled;
        let (type_, text) = match (f.kind.as_str(), spec.reference, scheduled) {
            ("ImageStreamTag", true, _) => (SourceType::Reference, format!("reference to {name}")),
            ("ImageStreamTag", false, true) => (
                SourceType::Scheduled,
                format!("updates automatically from {name}"),
            ),
            ("DockerImage", true, _) => (
                SourceType::Reference,
                format!("reference to registry {name}"),
            ),
            ("DockerImage", false, true) => (
                SourceType::Scheduled,
                format!("updates automatically from registry {name}"),
            ),
            ("ImageStreamImage", true, _) => {
                (SourceType::Reference, format!("reference to image {name}"))
            }
            ("ImageStreamTag" | "DockerImage" | "ImageStreamImage", _, _) => {
                (SourceType::Tagged, format!("tagged from {name}"))
            }
            (kind, true, _) => (SourceType::Reference, format!("reference to {kind} {name}")),
            (kind, false, _) => (SourceType::Updates, format!("updates from {kind} {name}")),
        };
        Source {
            type_,
            from: Some(From {
                kind: f.kind.clone(),
                name: f.name.clone(),
                namespace: f.namespace.clone(),
            }),
            text,
        }
    }
}

/// The spec tags `oc describe is` prints only in another tag's heading (`3.8-ubi8 (latest)`):
/// target → its aliases, unordered. From `formatImageStreamTags`: a spec tag is folded when
/// `FollowTagReference` reaches a terminating *spec* tag through at least one reference. An
/// alias of a pushed tag (`prod` ← `frontend:v1.1.0` with no spec tag `v1.1.0`) ends "not
/// found" and keeps its own section, as do chains that lead to one.
pub fn local_references(stream: &StreamView) -> BTreeMap<&str, Vec<&str>> {
    let mut folded: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for tag in stream.tags.iter().filter(|t| t.has_spec_tag()) {
        if let Some(target) = follow_tag_reference(stream, &tag.tag) {
            folded.entry(target).or_default().push(&tag.tag);
        }
    }
    folded
}

/// `FollowTagReference`: the terminating spec tag reached from `tag` through one or more
/// `ImageStreamTag` references within the stream; `None` when there is no reference, or the
/// walk meets a loop, a missing spec tag, another stream or namespace.
fn follow_tag_reference<'a>(stream: &'a StreamView, tag: &str) -> Option<&'a str> {
    let mut seen = BTreeSet::new();
    let mut current = tag;
    let mut multiple = false;
    loop {
        if !seen.insert(current) {
            return None;
        }
        let spec = spec_tag(stream, current)?;
        let from = match &spec.source.from {
            Some(f) if f.kind == "ImageStreamTag" => f,
            _ => return multiple.then_some(spec.tag.as_str()),
        };
        if from
            .namespace
            .as_deref()
            .is_some_and(|ns| !ns.is_empty() && ns != stream.namespace)
        {
            return None;
        }
        current = match from.name.split_once(':') {
            // imageutil.SplitImageStreamTag: an empty tag means latest.
            Some((name, t)) if name == stream.name => {
                if t.is_empty() {
                    "latest"
                } else {
                    t
                }
            }
            Some(_) => return None,
            None => &from.name,
        };
        multiple = true;
    }
}

fn spec_tag<'a>(stream: &'a StreamView, tag: &str) -> Option<&'a TagView> {
    stream
        .tags
        .iter()
        .find(|t| t.tag == tag && t.has_spec_tag())
}
