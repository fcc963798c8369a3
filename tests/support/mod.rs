//! Builders for image streams in plan tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use prunetags::model::{
    ImageStream, NamedTagEventList, ObjectMeta, ObjectReference, TagEvent, TagReference, Time,
};
use sha2::{Digest, Sha256};

/// The fixed "now" of every test.
pub fn now() -> Timestamp {
    "2024-06-01T12:00:00Z".parse().unwrap()
}

/// `hours` before [`now`].
pub fn ago(hours: i64) -> Timestamp {
    now() - SignedDuration::from_hours(hours)
}

/// A realistic digest derived from a seed string.
pub fn digest(seed: &str) -> String {
    format!("sha256:{:x}", Sha256::digest(seed.as_bytes()))
}

pub fn event(seed: &str, created: Timestamp, generation: i64) -> TagEvent {
    let d = digest(seed);
    TagEvent {
        created: Time(created),
        docker_image_reference: format!(
            "image-registry.openshift-image-registry.svc:5000/ns/x@{d}"
        ),
        image: d,
        generation,
    }
}

pub struct Builder(pub ImageStream);

pub fn stream(namespace: &str, name: &str) -> Builder {
    Builder(ImageStream {
        api_version: Some("image.openshift.io/v1".into()),
        kind: Some("ImageStream".into()),
        metadata: ObjectMeta {
            namespace: Some(namespace.into()),
            name: Some(name.into()),
            uid: Some(format!("uid-{namespace}-{name}")),
            resource_version: Some("1000".into()),
            ..Default::default()
        },
        ..Default::default()
    })
}

impl Builder {
    /// A status tag with revisions given as (digest seed, hours ago), newest first.
    pub fn tag(self, tag: &str, revs: &[(&str, i64)]) -> Self {
        let items = revs
            .iter()
            .enumerate()
            .map(|(i, (seed, h))| event(seed, ago(*h), (revs.len() - i) as i64))
            .collect();
        self.status_tag(tag, Some(items))
    }

    /// A status tag with one revision `hours` ago, digest seeded by the stream and tag names.
    pub fn tag1(self, tag: &str, hours: i64) -> Self {
        let seed = format!("{}:{tag}", self.0.metadata.name.as_deref().unwrap());
        self.tag(tag, &[(&seed, hours)])
    }

    pub fn status_tag(mut self, tag: &str, items: Option<Vec<TagEvent>>) -> Self {
        self.0
            .status
            .tags
            .get_or_insert_with(Vec::new)
            .push(NamedTagEventList {
                tag: tag.into(),
                items,
                conditions: None,
            });
        self
    }

    pub fn spec(mut self, t: TagReference) -> Self {
        self.0.spec.tags.get_or_insert_with(Vec::new).push(t);
        self
    }

    /// A spec tag tagged from an ImageStreamTag `from` (in `from_ns` when given).
    pub fn alias(self, name: &str, from_ns: Option<&str>, from: &str) -> Self {
        self.spec(spec_from(name, "ImageStreamTag", from_ns, from))
    }

    pub fn pin(self, name: &str, value: &str) -> Self {
        let mut t = spec_from(name, "DockerImage", None, &format!("quay.io/x/y:{name}"));
        t.annotations = Some(BTreeMap::from([(
            "prunetags.openshift.io/keep".to_string(),
            value.to_string(),
        )]));
        self.spec(t)
    }

    pub fn build(self) -> ImageStream {
        self.0
    }
}

pub fn spec_from(name: &str, kind: &str, ns: Option<&str>, from: &str) -> TagReference {
    TagReference {
        name: name.into(),
        from: Some(ObjectReference {
            kind: kind.into(),
            namespace: ns.map(Into::into),
            name: from.into(),
        }),
        ..Default::default()
    }
}
