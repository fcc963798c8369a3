use serde::{Deserialize, Serialize};

use super::{ObjectMeta, Time};

/// An ImageStream: spec tags (what the user asked for) and status tags (what was recorded, with
/// the revision history of each tag, newest first).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStream {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ImageStreamSpec,
    #[serde(default)]
    pub status: ImageStreamStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamSpec {
    #[serde(default)]
    pub lookup_policy: ImageLookupPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagReference>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageLookupPolicy {
    #[serde(default)]
    pub local: bool,
}

/// A spec tag: where the tag's image comes from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagReference {
    pub name: String,
    /// No `omitempty` in Go: `null` when there are none.
    #[serde(default)]
    pub annotations: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<ObjectReference>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reference: bool,
    /// No `omitempty` in Go: `null` until the server sets it.
    #[serde(default)]
    pub generation: Option<i64>,
    #[serde(default)]
    pub import_policy: TagImportPolicy,
    #[serde(default)]
    pub reference_policy: TagReferencePolicy,
}

/// A `corev1.ObjectReference`, as used by `TagReference.from`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    #[serde(default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default)]
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagImportPolicy {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scheduled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_mode: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagReferencePolicy {
    #[serde(default, rename = "type")]
    pub type_: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamStatus {
    #[serde(default)]
    pub docker_image_repository: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_docker_image_repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<NamedTagEventList>>,
}

/// A status tag and its revision history, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedTagEventList {
    pub tag: String,
    /// No `omitempty` in Go: `null` when a tag has no revisions left.
    #[serde(default)]
    pub items: Option<Vec<TagEvent>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<TagEventCondition>>,
}

/// One revision of a tag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEvent {
    pub created: Time,
    #[serde(default)]
    pub docker_image_reference: String,
    #[serde(default)]
    pub image: String,
    #[serde(default)]
    pub generation: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEventCondition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default)]
    pub generation: i64,
}

impl ImageStream {
    pub fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or_default()
    }

    pub fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or_default()
    }

    pub fn spec_tags(&self) -> &[TagReference] {
        self.spec.tags.as_deref().unwrap_or_default()
    }

    pub fn status_tags(&self) -> &[NamedTagEventList] {
        self.status.tags.as_deref().unwrap_or_default()
    }

    pub fn spec_tag(&self, tag: &str) -> Option<&TagReference> {
        self.spec_tags().iter().find(|t| t.name == tag)
    }

    pub fn status_tag(&self, tag: &str) -> Option<&NamedTagEventList> {
        self.status_tags().iter().find(|t| t.tag == tag)
    }

    /// The current (newest) revision of a tag, if anything was ever recorded under it.
    pub fn current(&self, tag: &str) -> Option<&TagEvent> {
        self.status_tag(tag).and_then(|t| t.revisions().first())
    }
}

impl NamedTagEventList {
    /// The revision history, newest first; empty when the server sent `null`.
    pub fn revisions(&self) -> &[TagEvent] {
        self.items.as_deref().unwrap_or_default()
    }
}
