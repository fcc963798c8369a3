//! The blob index: which blobs each image references and how big each blob is, from either
//! source a namespace user can read.

use std::collections::{BTreeSet, HashMap};

use crate::model::{Image, ImageStream, ImageStreamLayers};

/// A blob interned in a [`SizeIndex`].
pub(crate) type BlobId = u32;

/// Where a fact came from. An `Image` (read through `imagestreamimages/<stream>@<digest>`)
/// outranks an `imagestreams/<name>/layers` answer: OpenShift 4.13's `/layers` reports wrong
/// layer sizes (see [`suspicious_layer_sizes`]), an Image's `dockerImageLayers` do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Layers,
    Image,
}

#[derive(Clone, Debug)]
struct Blob {
    size: Option<u64>,
    source: Source,
}

#[derive(Clone, Debug)]
enum Entry {
    /// The image's own blobs (layers, config; sized or not) and, for a manifest list, the
    /// digests of its child manifests.
    Known {
        blobs: Vec<BlobId>,
        manifests: Vec<String>,
    },
    /// `/layers` said `imageMissing`: the Image object behind the revision is gone.
    Missing,
}

/// Why an image could not be sized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Unsized {
    /// Marked `imageMissing` by `/layers`.
    ImageMissing,
    /// Absent from every source given to the index.
    NotFound,
}

/// What an image resolves to: its distinct sized blobs, and the images (itself or, for a
/// manifest list, child manifests) that could not be sized, with the manifest list they
/// belong to.
#[derive(Clone, Debug, Default)]
pub(crate) struct Resolved {
    pub blobs: Vec<BlobId>,
    pub unsized_parts: Vec<(String, Unsized, Option<String>)>,
}

/// Blob sizes and per-image blob lists, built from `GET imagestreams/<name>/layers` answers
/// ([`SizeIndex::add_layers`]) and/or individual Images ([`SizeIndex::add_image`], the
/// fallback through `imagestreamimages`), so the same accounting works for both.
///
/// An image's blobs are its layers plus its config blob when that size is known; a manifest
/// list's blobs are those of its child manifests (its own manifest blob has no size). Blobs
/// whose size is unknown (`size: null`, as `/layers` reports manifests and configs) count as
/// nothing. Facts from an Image win over facts from `/layers`; otherwise the first one wins.
#[derive(Clone, Debug, Default)]
pub struct SizeIndex {
    blob_ids: HashMap<String, BlobId>,
    blobs: Vec<Blob>,
    images: HashMap<String, (Entry, Source)>,
}

impl SizeIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// An index of one `/layers` answer.
    pub fn from_layers(layers: &ImageStreamLayers) -> Self {
        let mut index = Self::new();
        index.add_layers(layers);
        index
    }

    /// An index of individual Images.
    pub fn from_images<'a>(images: impl IntoIterator<Item = &'a Image>) -> Self {
        let mut index = Self::new();
        for image in images {
            index.add_image(image);
        }
        index
    }

    /// Adds one stream's `GET imagestreams/<name>/layers` answer.
    pub fn add_layers(&mut self, layers: &ImageStreamLayers) {
        for (digest, data) in layers.blobs.iter().flatten() {
            self.set_blob(digest, data.size, Source::Layers);
        }
        for (digest, refs) in layers.images.iter().flatten() {
            let entry = if refs.image_missing {
                Entry::Missing
            } else {
                let blobs = refs
                    .layers
                    .iter()
                    .flatten()
                    .chain(refs.config.iter())
                    .map(|b| self.intern(b))
                    .collect();
                let manifests = refs.manifests.clone().unwrap_or_default();
                Entry::Known { blobs, manifests }
            };
            self.set_image(digest, entry, Source::Layers);
        }
    }

    /// Adds one Image (from `imagestreamimages/<stream>@<digest>` or a GET istag).
    ///
    /// Its blobs are `dockerImageLayers` and the config blob (`dockerImageMetadata.Id`, sized by
    /// the length of `dockerImageConfig` when the server included it); a manifest list refers
    /// to its `dockerImageManifests`, which must be added themselves to be sized. An image with
    /// neither layers nor manifests but a `dockerImageMetadata.Size` counts as one opaque blob of
    /// that size, shared with nothing.
    pub fn add_image(&mut self, image: &Image) {
        let digest = image.digest();
        if digest.is_empty() {
            return;
        }
        let mut blobs = Vec::new();
        for layer in image.docker_image_layers.iter().flatten() {
            let id = self.set_blob(&layer.name, Some(layer.size), Source::Image);
            blobs.push(id);
        }
        let metadata = image.docker_image_metadata.as_ref();
        if let Some(config) = metadata.and_then(|m| m.id.as_deref())
            && config.contains(':')
        {
            let size = (!image.docker_image_config.is_empty())
                .then_some(image.docker_image_config.len() as i64);
            let id = self.set_blob(config, size, Source::Image);
            blobs.push(id);
        }
        let manifests: Vec<String> = image
            .docker_image_manifests
            .iter()
            .flatten()
            .map(|m| m.digest.clone())
            .collect();
        if image.docker_image_layers.as_ref().is_none_or(Vec::is_empty)
            && manifests.is_empty()
            && let Some(size) = metadata.and_then(|m| m.size)
        {
            let id = self.set_blob(&format!("{digest}#whole-image"), Some(size), Source::Image);
            blobs.push(id);
        }
        self.set_image(digest, Entry::Known { blobs, manifests }, Source::Image);
    }

    /// Whether the index can size this image (it is known and not marked missing; a manifest
    /// list's children are not checked).
    pub fn knows(&self, digest: &str) -> bool {
        matches!(self.images.get(digest), Some((Entry::Known { .. }, _)))
    }

    /// Bytes of the image's distinct sized blobs, `None` when the image (or one of its child
    /// manifests) could not be sized.
    pub fn image_size(&self, digest: &str) -> Option<u64> {
        let resolved = self.resolve(digest);
        resolved
            .unsized_parts
            .is_empty()
            .then(|| resolved.blobs.iter().map(|&b| self.size(b)).sum())
    }

    /// The image digests referenced by the streams' revisions (and the child manifests of
    /// manifest lists among them) that this index cannot size: what to read through
    /// `imagestreamimages/<stream>@<digest>` as the fallback. Pairs of (stream name, digest).
    pub fn unresolved(&self, streams: &[ImageStream]) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for stream in streams {
            for tag in stream.status_tags() {
                for rev in tag.revisions() {
                    if rev.image.is_empty() {
                        continue;
                    }
                    for (digest, _, _) in self.resolve(&rev.image).unsized_parts {
                        out.insert((stream.name().to_owned(), digest));
                    }
                }
            }
        }
        out
    }

    pub(crate) fn blob_count(&self) -> usize {
        self.blobs.len()
    }

    /// The size a blob counts for: 0 when unknown.
    pub(crate) fn size(&self, blob: BlobId) -> u64 {
        self.blobs[blob as usize].size.unwrap_or(0)
    }

    /// Resolves an image to its distinct sized blobs (sorted) and its unsized_parts parts.
    pub(crate) fn resolve(&self, digest: &str) -> Resolved {
        let mut out = Resolved::default();
        self.resolve_into(digest, None, 0, &mut out);
        out.blobs.sort_unstable();
        out.blobs.dedup();
        out.unsized_parts.sort();
        out.unsized_parts.dedup();
        out
    }

    fn resolve_into(&self, digest: &str, parent: Option<&str>, depth: u8, out: &mut Resolved) {
        // A manifest list of manifest lists does not exist; the bound guards against cycles.
        if depth > 4 {
            return;
        }
        let parent_owned = || parent.map(str::to_owned);
        match self.images.get(digest) {
            None => out
                .unsized_parts
                .push((digest.to_owned(), Unsized::NotFound, parent_owned())),
            Some((Entry::Missing, _)) => {
                out.unsized_parts
                    .push((digest.to_owned(), Unsized::ImageMissing, parent_owned()))
            }
            Some((Entry::Known { blobs, manifests }, _)) => {
                out.blobs.extend(
                    blobs
                        .iter()
                        .copied()
                        .filter(|&b| self.blobs[b as usize].size.is_some()),
                );
                for child in manifests {
                    self.resolve_into(child, Some(digest), depth + 1, out);
                }
            }
        }
    }

    fn intern(&mut self, digest: &str) -> BlobId {
        if let Some(&id) = self.blob_ids.get(digest) {
            return id;
        }
        let id = BlobId::try_from(self.blobs.len()).expect("fewer than 2^32 blobs");
        self.blobs.push(Blob {
            size: None,
            source: Source::Layers,
        });
        self.blob_ids.insert(digest.to_owned(), id);
        id
    }

    fn set_blob(&mut self, digest: &str, size: Option<i64>, source: Source) -> BlobId {
        let id = self.intern(digest);
        // A negative size is nonsense: treat it as unknown.
        if let Some(size) = size.and_then(|s| u64::try_from(s).ok()) {
            let blob = &mut self.blobs[id as usize];
            if blob.size.is_none() || source > blob.source {
                blob.size = Some(size);
                blob.source = source;
            }
        }
        id
    }

    fn set_image(&mut self, digest: &str, entry: Entry, source: Source) {
        match self.images.get(digest) {
            Some((Entry::Known { .. }, old)) if *old >= source => {}
            Some((Entry::Missing, old)) if *old > source => {}
            _ => {
                self.images.insert(digest.to_owned(), (entry, source));
            }
        }
    }
}

/// Images of a `/layers` answer whose layers (two or more) all report the same size.
///
/// OpenShift 4.13's `/layers` (openshift-apiserver built with Go < 1.22) stores
/// `&layer.LayerSize` of the range variable, so every blob an image introduces reports the size
/// of that image's *last* layer: recording 132 says 3000006 bytes for the three layers of
/// `myapp:v2.0.1`, whose Image says 1000006, 2000006 and 3000006. This is a heuristic to decide
/// when to read the Images instead (layers shared with an image listed earlier keep that image's
/// value and escape it); genuine images with equally sized layers are rare.
pub fn suspicious_layer_sizes(layers: &ImageStreamLayers) -> Vec<String> {
    let blobs = layers.blobs.as_ref();
    let size_of = |d: &String| blobs.and_then(|b| b.get(d)).and_then(|l| l.size);
    layers
        .images
        .iter()
        .flatten()
        .filter(|(_, refs)| {
            let layers: BTreeSet<&String> = refs.layers.iter().flatten().collect();
            let mut sizes = layers.iter().map(|l| size_of(l));
            layers.len() >= 2
                && match sizes.next() {
                    Some(Some(first)) => sizes.all(|s| s == Some(first)),
                    _ => false,
                }
        })
        .map(|(digest, _)| digest.clone())
        .collect()
}
