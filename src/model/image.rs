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

/// An Image decoded for its sizes only: name, layers, `dockerImageMetadata`'s `Id` and `Size`,
/// config and child manifests; everything else is skipped while parsing. The cluster-wide
/// `images` LIST comes 5,000 Images a page, and a full [`Image`] (its manifest text, labels,
/// the rest of its metadata kept as JSON) made one decoded page some 35 MB (#16).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SizedImage {
    #[serde(default, deserialize_with = "name_only")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    docker_image_layers: Option<Vec<SizedLayer>>,
    #[serde(default)]
    docker_image_metadata: Option<SizedMetadata>,
    #[serde(default)]
    docker_image_config: String,
    #[serde(default)]
    docker_image_manifests: Option<Vec<SizedManifest>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct SizedLayer {
    name: String,
    #[serde(default)]
    size: i64,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct SizedMetadata {
    #[serde(default, rename = "Id")]
    id: Option<String>,
    #[serde(default, rename = "Size")]
    size: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct SizedManifest {
    digest: String,
}

/// `metadata` with its name only.
fn name_only<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ObjectMeta, D::Error> {
    #[derive(Deserialize)]
    struct Name {
        #[serde(default)]
        name: Option<String>,
    }
    let name = Option::<Name>::deserialize(d)?.and_then(|n| n.name);
    Ok(ObjectMeta {
        name,
        ..ObjectMeta::default()
    })
}

/// `imagestreamimages/<stream>@<digest>` decoded for its sizes only (as [`SizedImage`]): the
/// namespace user's reads are one per image, 10,000 for 500 streams, and decoding each whole
/// (manifest text, labels, `ContainerConfig` as JSON) was most of the client's CPU in them (#12).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SizedStreamImage {
    #[serde(default, deserialize_with = "name_only")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub image: SizedImage,
}

impl SizedImage {
    /// The [`Image`] with what sizing reads, and nothing else.
    pub fn into_image(self) -> Image {
        Image {
            metadata: self.metadata,
            docker_image_layers: self.docker_image_layers.map(|layers| {
                layers
                    .into_iter()
                    .map(|l| ImageLayer {
                        name: l.name,
                        size: l.size,
                        media_type: String::new(),
                    })
                    .collect()
            }),
            docker_image_metadata: self.docker_image_metadata.map(|m| DockerImageMetadata {
                id: m.id,
                size: m.size,
                ..DockerImageMetadata::default()
            }),
            docker_image_config: self.docker_image_config,
            docker_image_manifests: self.docker_image_manifests.map(|ms| {
                ms.into_iter()
                    .map(|m| ImageManifest {
                        digest: m.digest,
                        ..ImageManifest::default()
                    })
                    .collect()
            }),
            ..Image::default()
        }
    }

    pub fn digest(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or_default()
    }
}
