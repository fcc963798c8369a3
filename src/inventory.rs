//! What `list` shows, as data: image streams → tags → revisions, in display order.
//!
//! This is the stable, documented schema printed by `-o json|yaml` (see README), built from the
//! API objects by a pure function so that rendering never touches the API types. It carries
//! everything `oc describe is` prints (openshift/oc `pkg/helpers/describe`), so that the
//! history view is a rendering of it.

mod order;
mod source;

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{ImageStream, NamedTagEventList, TagReference};
use crate::version;

pub use order::prioritize_tags;
pub use source::{From, Source, SourceType, local_references};

/// The version of the `usage` and `prune` documents.
pub const API_VERSION: &str = "prunetags.openshift.io/v1alpha1";

/// The version of the `list` document. v1alpha2: every status and spec tag is an item with its
/// own `source` (`{type, from, text}`, no more `aliases`), in `oc describe is`'s order, and
/// streams and tags carry what `oc describe is` prints (annotations, lookup policy, import
/// conditions, …).
pub const LIST_API_VERSION: &str = "prunetags.openshift.io/v1alpha2";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub api_version: String,
    pub kind: String,
    pub items: Vec<StreamView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamView {
    pub namespace: String,
    pub name: String,
    pub created: Option<Timestamp>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// Where the registry serves the stream (`status.dockerImageRepository`).
    pub image_repository: String,
    /// Where it is pulled from outside the cluster (`status.publicDockerImageRepository`).
    pub public_image_repository: Option<String>,
    /// `spec.lookupPolicy.local`: pods may name the stream's tags by their short name.
    pub image_lookup_local: bool,
    /// Distinct images over every revision of every tag, counted as `oc describe` does.
    pub unique_images: usize,
    pub tags: Vec<TagView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    pub tag: String,
    pub kind: TagKind,
    /// The parsed semantic version, normalised (no leading `v`).
    pub version: Option<String>,
    /// Where the image comes from: the spec tag, or none for a pushed tag.
    pub source: Source,
    /// `importPolicy.insecure`: imports may use plain HTTP or unverified HTTPS.
    pub insecure: bool,
    /// `Local` means "prefer registry pullthrough when referencing this tag".
    pub reference_policy: Option<String>,
    /// The spec tag's generation is newer than what the import controller has recorded.
    pub importing: bool,
    /// The spec tag's annotations (`description`, `tags`, `supports`, `sampleRepo`, …).
    pub annotations: BTreeMap<String, String>,
    /// The status tag's conditions, e.g. `ImportSuccess` `False` after a failed import.
    pub conditions: Vec<Condition>,
    /// How many revisions the tag's history holds.
    pub revision_count: usize,
    /// The revision history, newest (current) first; empty for a spec tag nothing was imported
    /// into. With [`Detail::Current`] only the current revision is kept.
    pub revisions: Vec<Revision>,
}

/// How much of each tag's history to keep. The table shows only the current image and a
/// count, and a namespace can hold 100,000 revisions: keeping them all doubles `list`'s memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every revision (`--history`, `-o json|yaml`).
    History,
    /// The current revision only.
    Current,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    Semver,
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    /// The image digest, `sha256:…`.
    pub image: String,
    pub docker_image_reference: String,
    pub created: Timestamp,
    pub generation: i64,
}

/// A status tag's condition (`TagEventCondition`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub last_transition_time: Option<Timestamp>,
    pub generation: i64,
}

impl TagView {
    pub fn current(&self) -> Option<&Revision> {
        self.revisions.first()
    }

    pub fn has_spec_tag(&self) -> bool {
        self.source.type_ != SourceType::Pushed
    }

    /// The `ImportSuccess` conditions that say the last import failed.
    pub fn import_failures(&self) -> impl Iterator<Item = &Condition> {
        self.conditions
            .iter()
            .filter(|c| c.type_ == "ImportSuccess" && c.status == "False")
    }
}

impl StreamView {
    /// What `oc describe is` prints as "Image Repository": the public name when there is one.
    pub fn repository(&self) -> &str {
        self.public_image_repository
            .as_deref()
            .filter(|r| !r.is_empty())
            .unwrap_or(&self.image_repository)
    }
}

pub fn inventory(streams: &[ImageStream]) -> Inventory {
    from_views(
        streams
            .iter()
            .map(|s| stream_view(s, Detail::History))
            .collect(),
    )
}

/// Wraps views made page by page (see [`stream_view`]) into the document, sorted.
pub fn from_views(mut items: Vec<StreamView>) -> Inventory {
    items.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Inventory {
        api_version: LIST_API_VERSION.into(),
        kind: "ImageStreamInventory".into(),
        items,
    }
}

pub fn stream_view(is: &ImageStream, detail: Detail) -> StreamView {
    // `formatImageStreamTags`: the status tags, then the spec tags not in status; one item each.
    let mut names: Vec<&str> = Vec::new();
    let mut seen = BTreeSet::new();
    let status = is.status_tags().iter().map(|t| t.tag.as_str());
    let spec = is.spec_tags().iter().map(|t| t.name.as_str());
    for name in status.chain(spec) {
        if seen.insert(name) {
            names.push(name);
        }
    }
    let mut tags: Vec<TagView> = names
        .into_iter()
        .map(|name| tag_view(is, name, detail))
        .collect();
    prioritize_tags(&mut tags, |t| t.tag.as_str());
    StreamView {
        namespace: is.namespace().to_owned(),
        name: is.name().to_owned(),
        created: is.metadata.creation_timestamp.as_ref().map(|t| t.0),
        labels: is.metadata.labels.clone().unwrap_or_default(),
        annotations: is.metadata.annotations.clone().unwrap_or_default(),
        image_repository: is.status.docker_image_repository.clone(),
        public_image_repository: is.status.public_docker_image_repository.clone(),
        image_lookup_local: is.spec.lookup_policy.local,
        unique_images: unique_images(is),
        tags,
    }
}

/// `formatImageStreamTags`'s "Unique Images": revisions keyed by image digest. A revision
/// without a digest is keyed by the empty string there (the code means its reference, and
/// writes `images[item.Image]`), so all of those count as one.
fn unique_images(is: &ImageStream) -> usize {
    let mut keys = BTreeSet::new();
    for r in is.status_tags().iter().flat_map(|t| t.revisions()) {
        if !r.image.is_empty() {
            keys.insert(r.image.as_str());
        } else if !r.docker_image_reference.is_empty() {
            keys.insert("");
        }
    }
    keys.len()
}

fn tag_view(is: &ImageStream, name: &str, detail: Detail) -> TagView {
    let spec: Option<&TagReference> = is.spec_tag(name);
    let status: Option<&NamedTagEventList> = is.status_tag(name);
    let version = version::parse(name);
    let source = Source::of(spec, is.namespace());
    let keep = match detail {
        Detail::History => usize::MAX,
        Detail::Current => 1,
    };
    let revisions = status.map_or(&[][..], |t| t.revisions());
    TagView {
        tag: name.to_owned(),
        kind: if version.is_some() {
            TagKind::Semver
        } else {
            TagKind::Other
        },
        version: version.map(|v| v.to_string()),
        // As oc, the import policy only counts for a spec tag with a source.
        insecure: source.from.is_some() && spec.is_some_and(|s| s.import_policy.insecure),
        importing: source.from.is_some() && spec.is_some_and(|s| importing(s, status)),
        source,
        reference_policy: spec
            .map(|s| s.reference_policy.type_.clone())
            .filter(|p| !p.is_empty()),
        annotations: spec.and_then(|s| s.annotations.clone()).unwrap_or_default(),
        conditions: status
            .and_then(|t| t.conditions.as_deref())
            .unwrap_or_default()
            .iter()
            .map(|c| Condition {
                type_: c.type_.clone(),
                status: c.status.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
                last_transition_time: c.last_transition_time.as_ref().map(|t| t.0),
                generation: c.generation,
            })
            .collect(),
        revision_count: revisions.len(),
        revisions: revisions
            .iter()
            .take(keep)
            .map(|r| Revision {
                image: r.image.clone(),
                docker_image_reference: r.docker_image_reference.clone(),
                created: r.created.0,
                generation: r.generation,
            })
            .collect(),
    }
}

/// `formatImageStreamTags`: a spec tag (not a reference) whose generation is newer than
/// `latestObservedTagGeneration` — the current revision's generation, or the first
/// `ImportSuccess` condition's when newer.
fn importing(spec: &TagReference, status: Option<&NamedTagEventList>) -> bool {
    let observed = status.map_or(0, |t| {
        let current = t.revisions().first().map_or(0, |r| r.generation.max(0));
        let condition = t
            .conditions
            .as_deref()
            .unwrap_or_default()
            .iter()
            .find(|c| c.type_ == "ImportSuccess")
            .map_or(0, |c| c.generation);
        current.max(condition)
    });
    !spec.reference && spec.generation.is_some_and(|g| g > observed)
}
