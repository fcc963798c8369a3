//! The compact form of image streams that `usage` measures: per stream its namespace, name and
//! tags, per revision its position, interned image digest and creation time — nothing else of
//! the decoded ImageStream (spec tags, annotations, pull specs, conditions). `usage` turns each
//! stream into this form as its LIST page arrives, so the cluster's streams are never all alive
//! as JSON-shaped objects.

use std::sync::Mutex;

use super::digests::{DigestId, DigestRef, Digests};
use crate::model::{ImageStream, Time};

/// Streams in compact form, with the digests their revisions reference.
#[derive(Clone, Debug, Default)]
pub struct UsageStreams {
    pub(super) digests: Digests,
    pub(super) streams: Vec<UsageStream>,
}

/// One stream: its status tags and their revisions.
#[derive(Clone, Debug)]
pub struct UsageStream {
    pub(super) namespace: Box<str>,
    pub(super) name: Box<str>,
    pub(super) tags: Vec<UsageTag>,
}

#[derive(Clone, Debug)]
pub(super) struct UsageTag {
    pub(super) name: Box<str>,
    pub(super) revisions: Vec<UsageRevision>,
}

/// A status tag history item with an image (items without one are left out).
#[derive(Clone, Debug)]
pub(super) struct UsageRevision {
    /// Position in the tag's history, counting the items left out.
    pub(super) index: u32,
    pub(super) image: DigestId,
    pub(super) created: Time,
}

impl UsageStream {
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Turns streams into [`UsageStream`]s one at a time, interning their digests in one shared
/// set (behind a lock, since the LIST's conversion closure is `Fn`).
#[derive(Debug, Default)]
pub struct Compactor {
    digests: Mutex<Digests>,
}

impl Compactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// The compact form of one stream.
    pub fn stream(&self, stream: &ImageStream) -> UsageStream {
        let mut digests = self.digests.lock().unwrap_or_else(|e| e.into_inner());
        let tags = stream
            .status_tags()
            .iter()
            .map(|tag| UsageTag {
                name: tag.tag.as_str().into(),
                revisions: tag
                    .revisions()
                    .iter()
                    .enumerate()
                    .filter(|(_, rev)| !rev.image.is_empty())
                    .map(|(position, rev)| UsageRevision {
                        index: u32::try_from(position).unwrap_or(u32::MAX),
                        image: digests.intern(&rev.image).0,
                        created: rev.created.clone(),
                    })
                    .collect(),
            })
            .collect();
        UsageStream {
            namespace: stream.namespace().into(),
            name: stream.name().into(),
            tags,
        }
    }

    /// The set of `streams`, which this compactor made (in any order).
    pub fn finish(self, streams: Vec<UsageStream>) -> UsageStreams {
        UsageStreams {
            digests: self.digests.into_inner().unwrap_or_else(|e| e.into_inner()),
            streams,
        }
    }
}

impl UsageStreams {
    /// The compact form of decoded streams, in their order.
    pub fn from_streams<'a>(streams: impl IntoIterator<Item = &'a ImageStream>) -> Self {
        let c = Compactor::new();
        let streams = streams.into_iter().map(|s| c.stream(s)).collect();
        c.finish(streams)
    }

    pub fn streams(&self) -> &[UsageStream] {
        &self.streams
    }

    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    /// Distinct image digests referenced by the revisions.
    pub fn image_count(&self) -> usize {
        self.digests.len()
    }

    /// Each revision's image digest, in tag and history order (repeats included).
    pub fn images_of<'a>(&'a self, stream: &'a UsageStream) -> impl Iterator<Item = DigestRef<'a>> {
        stream
            .tags
            .iter()
            .flat_map(|t| t.revisions.iter())
            .map(|r| self.digests.get(r.image))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NamedTagEventList, TagEvent};

    fn stream(ns: &str, name: &str, tags: &[(&str, &[&str])]) -> ImageStream {
        let mut s = ImageStream::default();
        s.metadata.namespace = Some(ns.into());
        s.metadata.name = Some(name.into());
        s.status.tags = Some(
            tags.iter()
                .map(|(tag, images)| NamedTagEventList {
                    tag: (*tag).into(),
                    items: Some(
                        images
                            .iter()
                            .map(|i| TagEvent {
                                created: Time(jiff::Timestamp::UNIX_EPOCH),
                                docker_image_reference: format!("registry/{ns}/{name}@{i}"),
                                image: (*i).into(),
                                generation: 1,
                            })
                            .collect(),
                    ),
                    conditions: None,
                })
                .collect(),
        );
        s
    }

    #[test]
    fn holds_each_digest_once_however_many_revisions_reference_it() {
        // 9 revisions over 3 distinct images: in a tag's history, across tags and streams.
        let streams = [
            stream(
                "a",
                "app",
                &[
                    ("v1", &["sha256:1", "sha256:2", "sha256:1"]),
                    ("v2", &["sha256:2"]),
                ],
            ),
            stream(
                "b",
                "app",
                &[("latest", &["sha256:3", "sha256:1", "", "sha256:3"])],
            ),
            stream("b", "empty", &[("none", &[])]),
        ];
        let compact = UsageStreams::from_streams(&streams);
        assert_eq!(compact.image_count(), 3);
        let images: Vec<Vec<String>> = compact
            .streams()
            .iter()
            .map(|s| compact.images_of(s).map(|d| d.to_string()).collect())
            .collect();
        assert_eq!(
            images,
            [
                vec!["sha256:1", "sha256:2", "sha256:1", "sha256:2"],
                vec!["sha256:3", "sha256:1", "sha256:3"],
                vec![],
            ]
        );
        // The item without an image is left out; positions still count it.
        let latest = &compact.streams()[1].tags[0];
        let positions: Vec<u32> = latest.revisions.iter().map(|r| r.index).collect();
        assert_eq!(positions, [0, 1, 3]);
        assert_eq!(compact.streams()[2].tags[0].revisions.len(), 0);
    }
}
