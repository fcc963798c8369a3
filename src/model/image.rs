use serde::{Deserialize, Serialize};

use super::{ObjectMeta, Time};

/// A cluster-scoped Image (`images/sha256:…`), also embedded in ImageStreamTag and
/// ImageStreamImage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docker_image_reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_metadata: Option<DockerImageMetadata>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docker_image_metadata_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docker_image_manifest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_layers: Option<Vec<ImageLayer>>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docker_image_manifest_media_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docker_image_config: String,
    /// Set for a manifest list: the per-platform child manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_manifests: Option<Vec<ImageManifest>>,
}

/// The `dockerImageMetadata` raw extension. Only what we read is typed; the rest is kept as is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DockerImageMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(
        default,
        rename = "apiVersion",
        skip_serializing_if = "Option::is_none"
    )]
    pub api_version: Option<String>,
    #[serde(default, rename = "Id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, rename = "Created")]
    pub created: Option<Time>,
    #[serde(
        default,
        rename = "Architecture",
        skip_serializing_if = "Option::is_none"
    )]
    pub architecture: Option<String>,
    /// Total of the layer sizes, in bytes.
    #[serde(default, rename = "Size", skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// One layer of an image.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageLayer {
    /// The layer's digest.
    pub name: String,
    #[serde(default)]
    pub size: i64,
    #[serde(default)]
    pub media_type: String,
}

/// A child manifest of a manifest list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    pub digest: String,
    #[serde(default)]
    pub media_type: String,
    #[serde(default)]
    pub manifest_size: i64,
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

/// `imagestreamimages/<stream>@<digest>`: how a namespace user reads an Image.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamImage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub image: Image,
}

impl Image {
    /// The image's digest (`sha256:…`), which is also its object name.
    pub fn digest(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or_default()
    }
}
