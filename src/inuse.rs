//! Which images workloads use, as `oc adm prune images` decides it: every image reference in
//! pods, replication controllers, deployments, replica sets, daemon sets, stateful sets, jobs,
//! cron jobs, deployment configs, builds and build configs. Pure: objects in, digests out.
//!
//! A reference by digest (`…@sha256:…`) names the image directly. A reference by tag to the
//! stream's own repository (`…/<ns>/<stream>:<tag>`), or a build's `from` of kind
//! `ImageStreamTag`, is resolved to the tag's current image.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::ImageStream;

/// One image reference found in a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageRef {
    /// `sha256:…`
    Digest(String),
    /// A pull spec by tag: `registry/ns/stream:tag`.
    PullSpec(String),
    /// `from: {kind: ImageStreamTag, name: stream:tag, namespace}`.
    StreamTag {
        namespace: String,
        stream: String,
        tag: String,
    },
}

/// Every image reference in one workload object (any kind).
pub fn image_refs(obj: &Value, object_namespace: &str) -> Vec<ImageRef> {
    let mut out = Vec::new();
    walk(obj, object_namespace, &mut out);
    out
}

fn walk(v: &Value, ns: &str, out: &mut Vec<ImageRef>) {
    match v {
        Value::Object(map) => {
            // `from`/`to` objects of builds and triggers.
            if let (Some(Value::String(kind)), Some(Value::String(name))) =
                (map.get("kind"), map.get("name"))
            {
                let namespace = map
                    .get("namespace")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .unwrap_or(ns);
                match kind.as_str() {
                    "DockerImage" => push_pull_spec(name, out),
                    "ImageStreamTag" => {
                        if let Some((stream, tag)) = name.split_once(':') {
                            out.push(ImageRef::StreamTag {
                                namespace: namespace.into(),
                                stream: stream.into(),
                                tag: tag.into(),
                            });
                        }
                    }
                    "ImageStreamImage" => {
                        if let Some((_, digest)) = name.split_once('@') {
                            out.push(ImageRef::Digest(digest.into()));
                        }
                    }
                    _ => {}
                }
            }
            for (key, value) in map {
                match (key.as_str(), value) {
                    // containers[].image, initContainers[].image, ephemeralContainers[].image,
                    // DeploymentConfig lastTriggeredImage, Build outputDockerImageReference.
                    (
                        "image"
                        | "lastTriggeredImage"
                        | "outputDockerImageReference"
                        | "dockerImageReference",
                        Value::String(s),
                    ) => push_pull_spec(s, out),
                    // Pod status: `imageID: docker-pullable://…@sha256:…`.
                    ("imageID", Value::String(s)) => push_pull_spec(s, out),
                    _ => walk(value, ns, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(i, ns, out)),
        _ => {}
    }
}

fn push_pull_spec(s: &str, out: &mut Vec<ImageRef>) {
    if s.is_empty() {
        return;
    }
    match s.rsplit_once('@') {
        Some((_, digest)) if digest.starts_with("sha256:") => {
            out.push(ImageRef::Digest(digest.to_owned()))
        }
        _ => out.push(ImageRef::PullSpec(s.to_owned())),
    }
}

/// Resolves references against the streams: digest → the workloads that use it.
pub fn resolve(
    uses: &[(String, Vec<ImageRef>)],
    streams: &[ImageStream],
) -> BTreeMap<String, Vec<String>> {
    let mut in_use: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (workload, refs) in uses {
        for r in refs {
            let digest = match r {
                ImageRef::Digest(d) => Some(d.clone()),
                ImageRef::StreamTag {
                    namespace,
                    stream,
                    tag,
                } => current_of(
                    streams,
                    |s| s.namespace() == namespace && s.name() == stream,
                    tag,
                ),
                ImageRef::PullSpec(spec) => split_tag(spec).and_then(|(repo, tag)| {
                    current_of(
                        streams,
                        |s| {
                            !s.status.docker_image_repository.is_empty()
                                && s.status.docker_image_repository == repo
                        },
                        tag,
                    )
                }),
            };
            if let Some(d) = digest {
                let users = in_use.entry(d).or_default();
                if !users.contains(workload) {
                    users.push(workload.clone());
                }
            }
        }
    }
    in_use
}

fn current_of(
    streams: &[ImageStream],
    pick: impl Fn(&ImageStream) -> bool,
    tag: &str,
) -> Option<String> {
    streams
        .iter()
        .find(|s| pick(s))
        .and_then(|s| s.current(tag))
        .map(|e| e.image.clone())
}

/// `registry:5000/ns/stream:tag` → (`registry:5000/ns/stream`, `tag`); a port is not a tag.
fn split_tag(spec: &str) -> Option<(&str, &str)> {
    let (repo, tag) = spec.rsplit_once(':')?;
    (!tag.contains('/')).then_some((repo, tag))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const REPO: &str = "image-registry.openshift-image-registry.svc:5000/mynamespace/myapp";

    fn stream() -> ImageStream {
        serde_json::from_value(json!({
            "metadata": {"name": "myapp", "namespace": "mynamespace"},
            "status": {"dockerImageRepository": REPO, "tags": [
                {"tag": "v2.0.3", "items": [{"created": "2026-11-01T00:00:00Z", "dockerImageReference": "x", "image": "sha256:aaa", "generation": 1}]},
                {"tag": "v2.0.4", "items": [{"created": "2026-11-02T00:00:00Z", "dockerImageReference": "x", "image": "sha256:bbb", "generation": 1}]}
            ]}
        }))
        .unwrap()
    }

    #[test]
    fn pod_containers_by_digest_and_by_tag() {
        let pod = json!({"metadata": {"name": "web-1"}, "spec": {
            "initContainers": [{"name": "init", "image": format!("{REPO}@sha256:ccc")}],
            "containers": [{"name": "app", "image": format!("{REPO}:v2.0.4")}, {"name": "side", "image": "quay.io/x/y:1.0"}]
        }});
        let refs = image_refs(&pod, "mynamespace");
        assert!(refs.contains(&ImageRef::Digest("sha256:ccc".into())));
        let in_use = resolve(&[("pod/web-1".into(), refs)], &[stream()]);
        assert_eq!(
            in_use.get("sha256:ccc"),
            Some(&vec!["pod/web-1".to_owned()])
        );
        assert_eq!(
            in_use.get("sha256:bbb"),
            Some(&vec!["pod/web-1".to_owned()]),
            "tag ref resolved to its current image"
        );
        assert!(!in_use.contains_key("sha256:aaa"));
    }

    #[test]
    fn build_config_from_image_stream_tag_and_dc_trigger() {
        let bc = json!({"spec": {"strategy": {"sourceStrategy": {"from": {"kind": "ImageStreamTag", "name": "myapp:v2.0.3"}}}}});
        let dc = json!({"spec": {"triggers": [{"type": "ImageChange", "imageChangeParams": {"lastTriggeredImage": format!("{REPO}@sha256:ddd")}}]}});
        let uses = vec![
            ("buildconfig/b".to_owned(), image_refs(&bc, "mynamespace")),
            (
                "deploymentconfig/d".to_owned(),
                image_refs(&dc, "mynamespace"),
            ),
        ];
        let in_use = resolve(&uses, &[stream()]);
        assert_eq!(in_use["sha256:aaa"], vec!["buildconfig/b"]);
        assert_eq!(in_use["sha256:ddd"], vec!["deploymentconfig/d"]);
    }

    #[test]
    fn other_namespace_tag_refs_do_not_match() {
        let bc = json!({"spec": {"strategy": {"dockerStrategy": {"from": {"kind": "ImageStreamTag", "namespace": "other", "name": "myapp:v2.0.3"}}}}});
        let in_use = resolve(
            &[("buildconfig/b".into(), image_refs(&bc, "mynamespace"))],
            &[stream()],
        );
        assert!(in_use.is_empty());
    }

    #[test]
    fn registry_port_is_not_a_tag() {
        assert_eq!(split_tag("registry:5000/ns/s"), None);
        assert_eq!(
            split_tag("registry:5000/ns/s:v1"),
            Some(("registry:5000/ns/s", "v1"))
        );
    }
}
