//! The blob index: which blobs each image references and how big each blob is, from either
//! source a namespace user can read.

use std::collections::{BTreeSet, HashMap};

use super::digests::{DigestKey, Digests};
use super::report::UnsizedReason;
use crate::model::{Image, ImageStream, ImageStreamLayers};

/// A blob interned in a [`SizeIndex`].
pub(crate) type BlobId = u32;

/// Where an image's entry came from. An `Image` (read through
/// `imagestreamimages/<stream>@<digest>`) outranks an `imagestreams/<name>/layers` answer, which
/// only says which blobs an image has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Layers,
    Image,
}

/// A blob's size, known only from an Image: `/layers` sizes are never recorded (see
/// [`SizeIndex::add_layers`]). `UNKNOWN` rather than an `Option`, which is twice the bytes, for
/// the million blobs of a cluster (#16); no blob is 2^64 - 1 bytes.
#[derive(Clone, Copy, Debug)]
struct Blob {
    size: u64,
}

impl Blob {
    const UNKNOWN: u64 = u64::MAX;

    fn known(self) -> Option<u64> {
        (self.size != Self::UNKNOWN).then_some(self.size)
    }
}

#[derive(Clone, Debug)]
enum Entry {
    /// The image's own blobs (layers, config; sized or not) and, for a manifest list, the
    /// digests of its child manifests.
    Known {
        blobs: Box<[BlobId]>,
        manifests: Box<[Box<str>]>,
    },
    /// `/layers` said `imageMissing`: the Image object behind the revision is gone.
    Missing,
}

/// Why an image could not be sized (the report's own reasons).
pub(crate) type Unsized = UnsizedReason;

/// What an image resolves to: its distinct sized blobs, and the images (itself or, for a
/// manifest list, child manifests) that could not be sized, with the manifest list they
/// belong to.
#[derive(Clone, Debug, Default)]
pub(crate) struct Resolved {
    pub blobs: Vec<BlobId>,
    pub unsized_parts: Vec<(String, Unsized, Option<String>)>,
}

/// Blob sizes and per-image blob lists. Sizes come only from Images
/// ([`SizeIndex::add_image`], read through `imagestreamimages`); `GET imagestreams/<name>/layers`
/// answers ([`SizeIndex::add_layers`]) add which blobs the images have, so that a blob shared
/// with an image that was not read still counts as referenced.
///
/// An image's blobs are its layers plus its config blob; a manifest list's blobs are those of
/// its child manifests (its own manifest blob has no size). An image is sized when it was read
/// (and, for a manifest list, its children were); an image known only from `/layers` is not.
/// Blobs whose size is unknown count as nothing. Facts from an Image win over facts from
/// `/layers`; otherwise the first one wins.
#[derive(Clone, Debug, Default)]
pub struct SizeIndex {
    // Keyed by the digests' compact form: a cluster has two or more blobs per image.
    blob_ids: Digests,
    blobs: Vec<Blob>,
    images: HashMap<DigestKey, (Entry, Source)>,
    /// Images whose read was refused or failed, and why (their `/layers` entry, if any, keeps
    /// saying which blobs they reference).
    unreadable: HashMap<String, UnsizedReason>,
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

    /// Adds which blobs each image of one stream's `GET imagestreams/<name>/layers` answer has.
    ///
    /// Its sizes are left out on purpose: OpenShift 4.13–4.16 report, for every blob an image
    /// is the first to bring into the answer, the size of that image's *last* layer
    /// (`addImageStreamLayersFromCache` keeps `&layer.LayerSize` of the range variable; Go
    /// before 1.22), in an order that changes per request; and no version reports the config
    /// blob's size. Membership is right on every version.
    pub fn add_layers(&mut self, layers: &ImageStreamLayers) {
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
                let manifests = refs
                    .manifests
                    .iter()
                    .flatten()
                    .map(|m| m.as_str().into())
                    .collect();
                Entry::Known { blobs, manifests }
            };
            self.set_image(digest, entry, Source::Layers);
        }
    }

    /// Adds one Image (from `imagestreamimages/<stream>@<digest>` or a GET istag).
    ///
    /// Its blobs are `dockerImageLayers` and the config blob (`dockerImageMetadata.Id`). The
    /// config's size is what `dockerImageMetadata.Size` holds beyond the distinct layers: the
    /// registry sets `Size` to the config blob plus the layers (recorded on 4.13:
    /// `real-images.json`, 1,161–1,175 bytes per image), and the API strips `dockerImageConfig`
    /// from every read, so its length is only a fallback. A manifest list refers to its
    /// `dockerImageManifests`, which must be added themselves to be sized. An image with no
    /// layers, config or manifests but a `dockerImageMetadata.Size` counts as one opaque blob of
    /// that size, shared with nothing.
    pub fn add_image(&mut self, image: &Image) {
        let digest = image.digest();
        if digest.is_empty() {
            return;
        }
        let mut blobs = Vec::new();
        let mut layer_bytes = 0u64;
        for layer in image.docker_image_layers.iter().flatten() {
            let id = self.set_blob(&layer.name, Some(layer.size));
            if !blobs.contains(&id) {
                layer_bytes += u64::try_from(layer.size).unwrap_or(0);
                blobs.push(id);
            }
        }
        let metadata = image.docker_image_metadata.as_ref();
        if let Some(config) = metadata.and_then(|m| m.id.as_deref())
            && config.contains(':')
        {
            let beyond_layers = metadata
                .and_then(|m| m.size)
                .and_then(|s| u64::try_from(s).ok())
                .and_then(|s| s.checked_sub(layer_bytes))
                .filter(|&s| s > 0);
            let size = beyond_layers
                .or_else(|| {
                    (!image.docker_image_config.is_empty())
                        .then_some(image.docker_image_config.len() as u64)
                })
                .and_then(|s| i64::try_from(s).ok());
            let id = self.set_blob(config, size);
            blobs.push(id);
        }
        let manifests: Box<[Box<str>]> = image
            .docker_image_manifests
            .iter()
            .flatten()
            .map(|m| m.digest.as_str().into())
            .collect();
        if blobs.is_empty()
            && manifests.is_empty()
            && let Some(size) = metadata.and_then(|m| m.size)
        {
            let id = self.set_blob(&format!("{digest}#whole-image"), Some(size));
            blobs.push(id);
        }
        let blobs = blobs.into_boxed_slice();
        self.set_image(digest, Entry::Known { blobs, manifests }, Source::Image);
    }

    /// Records that an image could not be read, and why: it stays unsized (an Image read later
    /// still wins).
    pub fn add_unsized(&mut self, digest: &str, why: UnsizedReason) {
        self.unreadable.insert(digest.to_owned(), why);
    }

    /// Whether this image was read (a manifest list's children are not checked).
    pub fn knows(&self, digest: &str) -> bool {
        self.knows_key(&DigestKey::of(digest))
    }

    pub(crate) fn knows_key(&self, digest: &DigestKey) -> bool {
        matches!(
            self.images.get(digest),
            Some((Entry::Known { .. }, Source::Image))
        )
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
    /// manifest lists among them) that this index cannot size yet and that nothing has said
    /// cannot be sized: what to read through `imagestreamimages/<stream>@<digest>`. Pairs of
    /// (stream name, digest, the revision's image it is or belongs to).
    pub fn unresolved(&self, streams: &[ImageStream]) -> BTreeSet<(String, String, String)> {
        let mut out = BTreeSet::new();
        for stream in streams {
            let images = stream
                .status_tags()
                .iter()
                .flat_map(|t| t.revisions())
                .map(|rev| rev.image.as_str());
            out.append(&mut self.unresolved_in(stream.name(), images));
        }
        out
    }

    /// [`SizeIndex::unresolved`] of one stream named `stream`, given its revisions' images.
    pub fn unresolved_in<'a>(
        &self,
        stream: &str,
        images: impl IntoIterator<Item = &'a str>,
    ) -> BTreeSet<(String, String, String)> {
        let mut out = BTreeSet::new();
        for image in images {
            if image.is_empty() {
                continue;
            }
            for (digest, why, _) in self.resolve(image).unsized_parts {
                if why == UnsizedReason::NotRead {
                    out.insert((stream.to_owned(), digest, image.to_owned()));
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
        self.blobs[blob as usize].known().unwrap_or(0)
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
        let not_read = || {
            self.unreadable
                .get(digest)
                .copied()
                .unwrap_or(UnsizedReason::NotRead)
        };
        match self.images.get(&DigestKey::of(digest)) {
            None => out
                .unsized_parts
                .push((digest.to_owned(), not_read(), parent_owned())),
            Some((Entry::Missing, _)) => out.unsized_parts.push((
                digest.to_owned(),
                UnsizedReason::ImageMissing,
                parent_owned(),
            )),
            Some((Entry::Known { blobs, manifests }, source)) => {
                // Blobs sized through another image still count as referenced by this one.
                out.blobs.extend(
                    blobs
                        .iter()
                        .copied()
                        .filter(|&b| self.blobs[b as usize].known().is_some()),
                );
                // A manifest list's own entry holds no sizes: it is sized by its children.
                if *source == Source::Layers && manifests.is_empty() {
                    out.unsized_parts
                        .push((digest.to_owned(), not_read(), parent_owned()));
                }
                for child in manifests {
                    self.resolve_into(child, Some(digest), depth + 1, out);
                }
            }
        }
    }

    fn intern(&mut self, digest: &str) -> BlobId {
        let (id, new) = self.blob_ids.intern(digest);
        if new {
            self.blobs.push(Blob {
                size: Blob::UNKNOWN,
            });
        }
        id
    }

    fn set_blob(&mut self, digest: &str, size: Option<i64>) -> BlobId {
        let id = self.intern(digest);
        // A negative size is nonsense: treat it as unknown. The first Image to size a blob wins
        // (every Image of a blob agrees: the digest is of its content).
        if let Some(size) = size.and_then(|s| u64::try_from(s).ok()) {
            let blob = &mut self.blobs[id as usize];
            if blob.known().is_none() {
                blob.size = size;
            }
        }
        id
    }

    fn set_image(&mut self, digest: &str, entry: Entry, source: Source) {
        let key = DigestKey::of(digest);
        match self.images.get(&key) {
            Some((_, old)) if *old > source => {}
            Some((Entry::Known { .. }, old)) if *old == source => {}
            // Otherwise the newer fact wins: an image one `/layers` answer says is missing may
            // be in another's, and an Image read outranks both.
            _ => {
                self.images.insert(key, (entry, source));
            }
        }
    }
}
