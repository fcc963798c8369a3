//! The usage report: plain data, printed as a table or with `-o json|yaml`.

use serde::{Deserialize, Serialize};

use crate::model::Time;

/// Registry space of a set of image streams, per stream, tag and revision.
///
/// Every figure is in bytes and counts each blob once however many images share it:
/// - `total`: the distinct blobs the entity references;
/// - `unique`: the blobs referenced by this entity and by nothing else in the report — what
///   removing it alone would free, in the API's view;
/// - `shared`: `total - unique`.
///
/// Streams are sorted by `unique` bytes, largest first (ties by namespace and name); tags and
/// revisions within a stream likewise (tag ties by name, revision ties newest first).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageReport {
    /// False when some image could not be sized (`unsizedImages` says which and why): every
    /// figure is then a lower bound, short of those images' blobs.
    pub complete: bool,
    /// Bytes of all distinct blobs referenced by any revision in the report.
    pub total: u64,
    /// Distinct images (digests) referenced.
    pub images: usize,
    pub streams: Vec<StreamUsage>,
    /// Images that could not be sized: listed, not counted, not a failure.
    pub unsized_images: Vec<UnsizedImage>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamUsage {
    pub namespace: String,
    pub name: String,
    pub total: u64,
    pub unique: u64,
    pub shared: u64,
    /// Distinct images referenced by the stream's revisions.
    pub images: usize,
    /// How many of those could not be (fully) sized.
    pub unsized_images: usize,
    pub tags: Vec<TagUsage>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagUsage {
    pub tag: String,
    pub total: u64,
    pub unique: u64,
    pub shared: u64,
    pub images: usize,
    pub unsized_images: usize,
    pub revisions: Vec<RevisionUsage>,
}

/// One history item of a tag: one image digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevisionUsage {
    /// Position in the tag's history: 0 is the current revision, then older ones.
    pub index: usize,
    /// The image digest.
    pub image: String,
    pub created: Time,
    pub total: u64,
    pub unique: u64,
    pub shared: u64,
    /// False when the image, or a child manifest of it, could not be sized.
    pub sized: bool,
}

/// An image that could not be sized, and where it is referenced.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnsizedImage {
    pub image: String,
    pub reason: UnsizedReason,
    /// The manifest list it is a child manifest of, when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_list: Option<String>,
    /// The tags whose history references it, sorted.
    pub references: Vec<TagRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UnsizedReason {
    /// The Image object is gone (`/layers` said `imageMissing`, or its read answered 404).
    ImageMissing,
    /// The server does not know it under this stream (a read answered 404 for the stream's
    /// image).
    NotFound,
    /// Its read was refused (403): the user may not `get imagestreamimages`.
    Forbidden,
    /// Its read failed for another reason (after retries).
    Failed,
    /// Not read: only its blob list is known.
    NotRead,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagRef {
    pub namespace: String,
    pub stream: String,
    pub tag: String,
}

impl UsageReport {
    /// The `n` streams with the most unique bytes.
    pub fn top(&self, n: usize) -> &[StreamUsage] {
        &self.streams[..n.min(self.streams.len())]
    }

    /// The stream named `name` in `namespace`.
    pub fn stream(&self, namespace: &str, name: &str) -> Option<&StreamUsage> {
        self.streams
            .iter()
            .find(|s| s.namespace == namespace && s.name == name)
    }

    /// Sum of the streams' `unique` bytes (≤ `total`).
    pub fn unique_sum(&self) -> u64 {
        self.streams.iter().map(|s| s.unique).sum()
    }
}

impl StreamUsage {
    pub fn tag(&self, tag: &str) -> Option<&TagUsage> {
        self.tags.iter().find(|t| t.tag == tag)
    }
}

impl TagUsage {
    /// The revision at this position in the tag's history (0 = current).
    pub fn revision(&self, index: usize) -> Option<&RevisionUsage> {
        self.revisions.iter().find(|r| r.index == index)
    }
}
