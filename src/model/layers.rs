use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ObjectMeta;

/// `GET imagestreams/<name>/layers`: the blobs and per-image layer lists of every revision of
/// every tag of a stream, in one answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamLayers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Blob digest → size and media type (manifests and configs included).
    #[serde(default)]
    pub blobs: Option<BTreeMap<String, ImageLayerData>>,
    /// Image digest → its layers, config and (for a manifest list) child manifests.
    #[serde(default)]
    pub images: Option<BTreeMap<String, ImageBlobReferences>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageLayerData {
    /// `null` for manifests, whose size the server does not record.
    #[serde(default)]
    pub size: Option<i64>,
    #[serde(default)]
    pub media_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageBlobReferences {
    #[serde(default)]
    pub image_missing: bool,
    #[serde(default)]
    pub layers: Option<Vec<String>>,
    #[serde(default)]
    pub config: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifests: Option<Vec<String>>,
}
