//! References between image streams: which spec tags are tagged from which tags and images.
//!
//! Pure: streams in, a map from target to referrers out. The planner keeps every tag another
//! spec tag refers to (see `plan`).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::ImageStream;

/// A tag of a stream: the target of an `ImageStreamTag` reference, or the spec tag referring.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamTag {
    pub namespace: String,
    pub stream: String,
    pub tag: String,
}

impl StreamTag {
    /// The tag's name as seen from the stream `namespace/stream`: `tag` in the same stream,
    /// `stream:tag` in the same namespace, `namespace/stream:tag` otherwise.
    pub fn relative_to(&self, namespace: &str, stream: &str) -> String {
        if self.namespace != namespace {
            format!("{}/{}:{}", self.namespace, self.stream, self.tag)
        } else if self.stream != stream {
            format!("{}:{}", self.stream, self.tag)
        } else {
            self.tag.clone()
        }
    }
}

/// An image of a stream, as an `ImageStreamImage` reference names it (`stream@sha256:…`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamImage {
    pub namespace: String,
    pub stream: String,
    pub digest: String,
}

/// Spec tags that refer to other tags or images, by target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    /// `ImageStreamTag` targets → the spec tags tagged from them.
    pub tags: BTreeMap<StreamTag, BTreeSet<StreamTag>>,
    /// `ImageStreamImage` targets → the spec tags tagged from them.
    pub images: BTreeMap<StreamImage, BTreeSet<StreamTag>>,
}

impl References {
    /// Records that `referrer` is tagged from the tag `target`.
    pub fn add_tag(&mut self, target: StreamTag, referrer: StreamTag) {
        if target != referrer {
            self.tags.entry(target).or_default().insert(referrer);
        }
    }

    /// Records that `referrer` is tagged from the image `target`.
    pub fn add_image(&mut self, target: StreamImage, referrer: StreamTag) {
        self.images.entry(target).or_default().insert(referrer);
    }

    /// The spec tags tagged from `namespace/stream:tag`.
    pub fn tag_referrers(&self, namespace: &str, stream: &str, tag: &str) -> Vec<&StreamTag> {
        let key = StreamTag {
            namespace: namespace.to_owned(),
            stream: stream.to_owned(),
            tag: tag.to_owned(),
        };
        self.tags.get(&key).into_iter().flatten().collect()
    }

    /// The spec tags tagged from `namespace/stream@digest`.
    pub fn image_referrers(&self, namespace: &str, stream: &str, digest: &str) -> Vec<&StreamTag> {
        let key = StreamImage {
            namespace: namespace.to_owned(),
            stream: stream.to_owned(),
            digest: digest.to_owned(),
        };
        self.images.get(&key).into_iter().flatten().collect()
    }

    /// Whether nothing refers to anything.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.images.is_empty()
    }
}

/// Finds the spec tags of `all_streams` that are tagged from an `ImageStreamTag` or an
/// `ImageStreamImage`.
///
/// The target's namespace is `from.namespace`, or the referring stream's when it is absent or
/// empty. An `ImageStreamTag` name is `stream:tag`, split at the first `:`; an empty stream
/// part means the referring stream and a missing or empty tag part means `latest` (as the
/// server resolves it). An `ImageStreamImage` name is `stream@digest`; names without `@` are
/// ignored. A tag referring to itself is not a reference. `DockerImage` sources are not
/// references (they name a registry, not a stream).
pub fn spec_references(all_streams: &[ImageStream]) -> References {
    let mut refs = References::default();
    for s in all_streams {
        for t in s.spec_tags() {
            let Some(from) = &t.from else { continue };
            let namespace = from
                .namespace
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or(s.namespace())
                .to_owned();
            let referrer = StreamTag {
                namespace: s.namespace().to_owned(),
                stream: s.name().to_owned(),
                tag: t.name.clone(),
            };
            let or_this = |stream: &str| {
                if stream.is_empty() {
                    s.name().to_owned()
                } else {
                    stream.to_owned()
                }
            };
            match from.kind.as_str() {
                "ImageStreamTag" => {
                    let (stream, tag) = from.name.split_once(':').unwrap_or((&from.name, ""));
                    let tag = if tag.is_empty() { "latest" } else { tag };
                    let target = StreamTag {
                        namespace,
                        stream: or_this(stream),
                        tag: tag.to_owned(),
                    };
                    refs.add_tag(target, referrer);
                }
                "ImageStreamImage" => {
                    let Some((stream, digest)) = from.name.split_once('@') else {
                        continue;
                    };
                    if digest.is_empty() {
                        continue;
                    }
                    let target = StreamImage {
                        namespace,
                        stream: or_this(stream),
                        digest: digest.to_owned(),
                    };
                    refs.add_image(target, referrer);
                }
                _ => {}
            }
        }
    }
    refs
}
