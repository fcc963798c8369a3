//! Our own typed models of the OpenShift `image.openshift.io/v1` API.
//!
//! k8s-openapi has no OpenShift types and the old `openshift-openapi` crate is dead, so these
//! mirror the Go structs of openshift/api `image/v1/types.go`. Serde attributes follow the Go
//! JSON tags: a field without `omitempty` arrives as `null` when empty (`items`, `annotations`,
//! `generation`, `tag`), so it is an `Option` here and is written back as `null`, which lets the
//! simulator answer with the same shapes the real server does.

mod image;
mod imagestream;
mod istag;
mod layers;
mod resource;
mod status;

pub use image::{
    DockerImageMetadata, Image, ImageLayer, ImageManifest, ImageStreamImage, SizedImage,
    SizedStreamImage,
};
pub use imagestream::{
    ImageLookupPolicy, ImageStream, ImageStreamSpec, ImageStreamStatus, NamedTagEventList,
    ObjectReference, TagEvent, TagEventCondition, TagImportPolicy, TagReference,
    TagReferencePolicy,
};
pub use istag::ImageStreamTag;
pub use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ListMeta, ObjectMeta, Time};
pub use layers::{ImageBlobReferences, ImageLayerData, ImageStreamLayers};
pub use status::{Status, StatusDetails};

/// `image.openshift.io`
pub const GROUP: &str = "image.openshift.io";
/// `v1`
pub const VERSION: &str = "v1";
/// `image.openshift.io/v1`
pub const API_VERSION: &str = "image.openshift.io/v1";
