//! References between image streams: which spec tags are tagged from which tags and images.
//!
//! Pure: streams in, a map from target to referrers out. The planner keeps every tag another
//! spec tag refers to (see `plan`). Every `from` form the server resolves is a reference; see
//! [`spec_references`] for the list.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::ImageStream;
use crate::pullspec;

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

/// Finds the spec tags of `all_streams` that are tagged from a tag or an image of a stream.
///
/// The forms, as openshift-apiserver resolves them (`parseFromReference` and `tagsChanged` in
/// `pkg/image/apiserver/registry/imagestream/strategy.go`: the name is split at `:` (`@`);
/// one part is "`<tag>` or `<id>`" **of the referring stream**, two parts are
/// `<stream>:<tag>` / `<stream>@<id>`):
///
/// * `ImageStreamTag` `"v2.0.1"` (no `:`): the referring stream's own tag `v2.0.1`
///   (OpenShift's sample streams write `latest` → `"3.9-ubi8"`);
/// * `ImageStreamTag` `"stream:tag"`: that stream's tag (an empty stream part means the
///   referring stream, an empty tag part `latest`; more `:` are split at the first);
/// * `ImageStreamImage` `"stream@sha256:…"`, or a bare `"sha256:…"` (the referring stream);
/// * `DockerImage` pointing into the integrated registry, `<host>/<ns>/<stream>:<tag>` (no
///   tag: `latest`) or `<host>/<ns>/<stream>@sha256:…` (see [`crate::pullspec`]). The host is
///   **ignored**, as `oc adm prune images` ignores it for workloads: the registry answers to
///   its service name, `….svc.cluster.local:5000`, its cluster IP and its route, and a
///   stream's status lists at most two of them (`dockerImageRepository`,
///   `publicDockerImageRepository`). An external image that happens to share a
///   `<ns>/<stream>:<tag>` path with a stream here keeps that tag needlessly; that is the safe
///   error. A spec with both a tag and a digest names the image (the digest).
///
/// The target's namespace is `from.namespace`, or the referring stream's when it is absent or
/// empty (a `DockerImage` names its namespace in the path). A tag referring to itself is not a
/// reference.
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
                    if from.name.is_empty() {
                        continue;
                    }
                    let (stream, tag) = match from.name.split_once(':') {
                        Some((stream, tag)) => {
                            (stream, if tag.is_empty() { "latest" } else { tag })
                        }
                        // A bare tag name: this stream's tag.
                        None => ("", from.name.as_str()),
                    };
                    let target = StreamTag {
                        namespace,
                        stream: or_this(stream),
                        tag: tag.to_owned(),
                    };
                    refs.add_tag(target, referrer);
                }
                "ImageStreamImage" => {
                    let (stream, digest) = from.name.split_once('@').unwrap_or(("", &from.name));
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
                "DockerImage" => {
                    let Some(spec) = pullspec::parse(&from.name) else {
                        continue;
                    };
                    let Some((namespace, stream)) = spec.registry_stream() else {
                        continue;
                    };
                    match spec.digest {
                        Some(digest) => refs.add_image(
                            StreamImage {
                                namespace: namespace.to_owned(),
                                stream: stream.to_owned(),
                                digest: digest.to_owned(),
                            },
                            referrer,
                        ),
                        None => refs.add_tag(
                            StreamTag {
                                namespace: namespace.to_owned(),
                                stream: stream.to_owned(),
                                tag: spec.tag_or_latest().to_owned(),
                            },
                            referrer,
                        ),
                    }
                }
                _ => {}
            }
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn st(ns: &str, stream: &str, tag: &str) -> StreamTag {
        StreamTag {
            namespace: ns.into(),
            stream: stream.into(),
            tag: tag.into(),
        }
    }

    /// A stream `ns/name` with one spec tag `t` tagged from `from`.
    fn referring(ns: &str, name: &str, from: Value) -> ImageStream {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": ns},
            "spec": {"tags": [{"name": "t", "from": from}]}
        }))
        .unwrap()
    }

    fn tags(from: Value) -> Vec<StreamTag> {
        let refs = spec_references(&[referring("ns", "s", from)]);
        assert!(refs.images.is_empty());
        refs.tags.into_keys().collect()
    }

    fn images(from: Value) -> Vec<StreamImage> {
        let refs = spec_references(&[referring("ns", "s", from)]);
        assert!(refs.tags.is_empty());
        refs.images.into_keys().collect()
    }

    #[test]
    fn a_bare_tag_name_is_the_same_stream() {
        assert_eq!(
            tags(json!({"kind": "ImageStreamTag", "name": "v2.0.1"})),
            vec![st("ns", "s", "v2.0.1")]
        );
        // OpenShift's sample streams: latest → "3.9-ubi8".
        assert_eq!(
            tags(json!({"kind": "ImageStreamTag", "name": "3.9-ubi8"})),
            vec![st("ns", "s", "3.9-ubi8")]
        );
    }

    #[test]
    fn stream_colon_tag_with_and_without_namespace() {
        assert_eq!(
            tags(json!({"kind": "ImageStreamTag", "name": "myapp:v1"})),
            vec![st("ns", "myapp", "v1")]
        );
        assert_eq!(
            tags(json!({"kind": "ImageStreamTag", "name": "myapp:v1", "namespace": "build"})),
            vec![st("build", "myapp", "v1")]
        );
        assert_eq!(
            tags(json!({"kind": "ImageStreamTag", "name": "myapp:v1", "namespace": ""})),
            vec![st("ns", "myapp", "v1")]
        );
        assert_eq!(
            tags(json!({"kind": "ImageStreamTag", "name": ":v1"})),
            vec![st("ns", "s", "v1")]
        );
        assert_eq!(
            tags(json!({"kind": "ImageStreamTag", "name": "myapp:"})),
            vec![st("ns", "myapp", "latest")]
        );
        assert!(tags(json!({"kind": "ImageStreamTag", "name": ""})).is_empty());
        assert!(
            tags(json!({"kind": "ImageStreamTag", "name": "t"})).is_empty(),
            "itself"
        );
    }

    #[test]
    fn image_stream_images() {
        let img = |ns: &str, stream: &str| StreamImage {
            namespace: ns.into(),
            stream: stream.into(),
            digest: D.into(),
        };
        assert_eq!(
            images(json!({"kind": "ImageStreamImage", "name": format!("myapp@{D}")})),
            vec![img("ns", "myapp")]
        );
        assert_eq!(
            images(
                json!({"kind": "ImageStreamImage", "name": format!("myapp@{D}"), "namespace": "b"})
            ),
            vec![img("b", "myapp")]
        );
        assert_eq!(
            images(json!({"kind": "ImageStreamImage", "name": D})),
            vec![img("ns", "s")],
            "a bare id is the same stream"
        );
        assert!(images(json!({"kind": "ImageStreamImage", "name": "myapp@"})).is_empty());
    }

    #[test]
    fn docker_images_into_the_registry() {
        for host in [
            "image-registry.openshift-image-registry.svc:5000",
            "image-registry.openshift-image-registry.svc.cluster.local:5000",
            "172.30.1.1:5000",
            "default-route-openshift-image-registry.apps.example.com",
        ] {
            assert_eq!(
                tags(json!({"kind": "DockerImage", "name": format!("{host}/build/myapp:v2.0.3")})),
                vec![st("build", "myapp", "v2.0.3")],
                "{host}"
            );
            assert_eq!(
                images(json!({"kind": "DockerImage", "name": format!("{host}/build/myapp@{D}")})),
                vec![StreamImage {
                    namespace: "build".into(),
                    stream: "myapp".into(),
                    digest: D.into()
                }],
                "{host}"
            );
        }
        assert_eq!(
            tags(json!({"kind": "DockerImage", "name": "registry:5000/build/myapp"})),
            vec![st("build", "myapp", "latest")]
        );
        // Not the shape of a stream: Docker Hub names, short names, deeper paths, junk.
        for name in [
            "nginx:1.25",
            "library/nginx:1.25",
            "quay.io/a/b/c:1",
            "",
            "a//b",
        ] {
            let refs = spec_references(&[referring(
                "ns",
                "s",
                json!({"kind": "DockerImage", "name": name}),
            )]);
            assert!(refs.is_empty(), "{name:?}");
        }
    }

    #[test]
    fn other_kinds_and_no_from_are_nothing() {
        let refs = spec_references(&[referring(
            "ns",
            "s",
            json!({"kind": "Secret", "name": "x:y"}),
        )]);
        assert!(refs.is_empty());
    }
}
