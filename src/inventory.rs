//! What `list` shows, as data: image streams → tags → revisions, in display order.
//!
//! This is the stable, documented schema printed by `-o json|yaml` (see README), built from the
//! API objects by a pure function so that rendering never touches the API types.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{ImageStream, TagReference};
use crate::version;

pub const API_VERSION: &str = "prunetags.openshift.io/v1alpha1";

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
    /// Where the registry serves the stream (`status.dockerImageRepository`).
    pub image_repository: String,
    /// Distinct image digests over every revision of every tag.
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
    /// The spec tag's source; `None` for a pushed tag ("no spec tag").
    pub source: Option<Source>,
    /// Other spec tags of this stream tagged from this one (`oc describe` prints `tag (alias)`).
    pub aliases: Vec<String>,
    /// `Local` means "prefer registry pullthrough when referencing this tag".
    pub reference_policy: Option<String>,
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `DockerImage`, `ImageStreamTag` or `ImageStreamImage`.
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
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

impl TagView {
    pub fn current(&self) -> Option<&Revision> {
        self.revisions.first()
    }

    /// Another spec tag of the same stream names this tag's source: printed under its target.
    pub fn is_alias_in(&self, stream: &StreamView) -> bool {
        self.source.as_ref().is_some_and(|s| {
            s.kind == "ImageStreamTag"
                && s.namespace
                    .as_deref()
                    .is_none_or(|ns| ns == stream.namespace)
                && alias_target(&s.name, &stream.name).is_some()
        })
    }
}

impl Source {
    /// How `oc describe` words it: the name, with the namespace when it is another one.
    pub fn describe(&self, stream_namespace: &str) -> String {
        match &self.namespace {
            Some(ns) if ns != stream_namespace && self.kind != "DockerImage" => {
                format!("{ns}/{}", self.name)
            }
            _ => self.name.clone(),
        }
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
        api_version: API_VERSION.into(),
        kind: "ImageStreamInventory".into(),
        items,
    }
}

pub fn stream_view(is: &ImageStream, detail: Detail) -> StreamView {
    let mut names: BTreeSet<&str> = is.status_tags().iter().map(|t| t.tag.as_str()).collect();
    names.extend(is.spec_tags().iter().map(|t| t.name.as_str()));
    let mut tags: Vec<TagView> = names
        .into_iter()
        .map(|name| tag_view(is, name, detail))
        .collect();
    // Aliases: spec tags of this stream tagged from another tag of this stream.
    let aliases: Vec<(String, String)> = is
        .spec_tags()
        .iter()
        .filter_map(|t| {
            let from = t.from.as_ref()?;
            let same_ns = from
                .namespace
                .as_deref()
                .is_none_or(|ns| ns == is.namespace());
            (from.kind == "ImageStreamTag" && same_ns)
                .then(|| alias_target(&from.name, is.name()))
                .flatten()
                .map(|target| (target.to_owned(), t.name.clone()))
        })
        .collect();
    for (target, alias) in aliases {
        if let Some(t) = tags.iter_mut().find(|t| t.tag == target) {
            t.aliases.push(alias);
        }
    }
    sort_tags(&mut tags);
    let unique_images = is
        .status_tags()
        .iter()
        .flat_map(|t| t.revisions())
        .map(|r| r.image.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    StreamView {
        namespace: is.namespace().to_owned(),
        name: is.name().to_owned(),
        created: is.metadata.creation_timestamp.as_ref().map(|t| t.0),
        labels: is.metadata.labels.clone().unwrap_or_default(),
        image_repository: is.status.docker_image_repository.clone(),
        unique_images,
        tags,
    }
}

/// `myapp:v2.1.8` within stream `myapp` → `v2.1.8`; a bare `v2.1.8` is the same stream too.
fn alias_target<'a>(from_name: &'a str, stream: &str) -> Option<&'a str> {
    match from_name.split_once(':') {
        Some((s, tag)) if s == stream => Some(tag),
        Some(_) => None,
        None => Some(from_name),
    }
}

fn tag_view(is: &ImageStream, name: &str, detail: Detail) -> TagView {
    let spec: Option<&TagReference> = is.spec_tag(name);
    let version = version::parse(name);
    TagView {
        tag: name.to_owned(),
        kind: if version.is_some() {
            TagKind::Semver
        } else {
            TagKind::Other
        },
        version: version.map(|v| v.to_string()),
        source: spec.and_then(|s| s.from.as_ref()).map(|f| Source {
            kind: f.kind.clone(),
            name: f.name.clone(),
            namespace: f.namespace.clone(),
        }),
        aliases: Vec::new(),
        reference_policy: spec
            .map(|s| s.reference_policy.type_.clone())
            .filter(|p| !p.is_empty()),
        revision_count: is.status_tag(name).map_or(0, |t| t.revisions().len()),
        revisions: is
            .status_tag(name)
            .map(|t| {
                let keep = match detail {
                    Detail::History => usize::MAX,
                    Detail::Current => 1,
                };
                t.revisions()
                    .iter()
                    .take(keep)
                    .map(|r| Revision {
                        image: r.image.clone(),
                        docker_image_reference: r.docker_image_reference.clone(),
                        created: r.created.0,
                        generation: r.generation,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Semver tags in descending precedence, then the other tags by name.
fn sort_tags(tags: &mut [TagView]) {
    tags.sort_by(|a, b| version::cmp_tags_newest_first(&a.tag, &b.tag));
}
