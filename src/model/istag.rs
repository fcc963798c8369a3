use serde::{Deserialize, Serialize};

use super::{Image, ImageLookupPolicy, ObjectMeta, TagEventCondition, TagReference};

/// The virtual `<stream>:<tag>` resource, computed by the server from its stream.
///
/// On a LIST, `image` holds only `metadata.name` (the digest) and `dockerImageReference`; on a GET
/// it is the full Image (without the manifest and config blobs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamTag {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The spec tag, or `null` when the tag exists only in status (a pushed image).
    #[serde(default)]
    pub tag: Option<TagReference>,
    #[serde(default)]
    pub generation: i64,
    #[serde(default)]
    pub lookup_policy: ImageLookupPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<TagEventCondition>>,
    #[serde(default)]
    pub image: Image,
}

impl ImageStreamTag {
    /// Splits `stream:tag`; `None` for a name that is not exactly one `:`-separated pair.
    pub fn split_name(name: &str) -> Option<(&str, &str)> {
        let (stream, tag) = name.split_once(':')?;
        if stream.is_empty() || tag.is_empty() || tag.contains(':') {
            return None;
        }
        Some((stream, tag))
    }
}
