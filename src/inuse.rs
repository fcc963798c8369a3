//! Which images and tags workloads use, as `oc adm prune images` decides it: every image
//! reference in pods, replication controllers, deployments, replica sets, daemon sets, stateful
//! sets, jobs, cron jobs, deployment configs, builds and build configs. Pure: objects in,
//! digests and tags out.
//!
//! # Reference forms
//!
//! Mirrored from openshift/oc `pkg/cli/admin/prune/imageprune/prune.go`
//! (`analyzeImageReference`, `analyzeReferencesFromBuildStrategy`), widened where a wider
//! reading can only protect more:
//!
//! * **A digest** anywhere in an image string (`image`, `imageID`, `lastTriggeredImage`,
//!   `lastTriggeredImageID`, `dockerImageReference`, `outputDockerImageReference`, a
//!   `DockerImage` `from`/`to`): `…@sha256:…`, or a bare `sha256:…`. The image is in use
//!   ([`InUse::digests`]) in whatever stream it is tagged; oc keys it by stream, we do not.
//! * **`<any host>/<ns>/<stream>:<tag>`** (or no tag: `latest`). Like oc ("since we cannot be
//!   sure whether the reference refers to the integrated registry or not, we ignore the host
//!   part completely") the host is ignored: the registry's service name, `…svc.cluster.local:5000`,
//!   its cluster IP and its public route all name the same stream. The tag must keep existing
//!   ([`InUse::tags`]) and its current image is in use. A path deeper than `ns/stream`, or one
//!   without a host (`ns/stream:tag` is Docker Hub), is not a stream, as in oc. A spec with a
//!   tag *and* a digest is pulled by digest: the digest counts, as in oc.
//! * **A short name** `<stream>[:tag]` (no host, no namespace) in the workload's own namespace
//!   counts when that namespace has the stream with `spec.lookupPolicy.local: true`, or when
//!   the object carries the annotation `alpha.image.policy.openshift.io/resolve-names: "*"`:
//!   openshift/apiserver-library-go `pkg/admission/imagepolicy/imagepolicy.go`
//!   (`resolveImageReference`: a partial reference is one with no registry and no namespace;
//!   its tag defaults to `latest`; `resolveImageStreamTag` accepts it only when the tag's
//!   `LookupPolicy.Local` or `forceResolveLocalNames`). `ns/stream:tag` is never resolved
//!   locally.
//! * **`from`/`to` objects** (`{kind, name, namespace}`: build strategies, build outputs,
//!   `spec.triggers[].imageChangeParams.from` of deployment configs,
//!   `spec.triggers[].imageChange.from` of build configs): `ImageStreamTag` `stream:tag` (a
//!   name without `:` means `latest`, as library-go's `SplitImageStreamTag` defaults it) in
//!   `namespace` or the object's own → tag + its current image; `ImageStreamImage`
//!   `stream@sha256:…` → the digest; `DockerImage` → read as a pull spec, above.
//! * **The trigger annotation** `image.openshift.io/triggers` on any object (Deployments,
//!   StatefulSets, DaemonSets, CronJobs, Jobs, …): a JSON list of `{from: {kind, name,
//!   namespace}, fieldPath}`; each `from` is read as above.
//!
//! Kept from before: all containers, init and ephemeral containers (any `image` field at any
//! depth), pod `status.containerStatuses[].imageID`, builds; a digest protects every tag whose
//! history holds it (the planner's rule).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::ImageStream;
use crate::pullspec;
pub use crate::references::StreamTag;

/// The annotation holding a workload's image-change triggers (a JSON string).
pub const TRIGGERS_ANNOTATION: &str = "image.openshift.io/triggers";
/// The annotation asking the image policy plugin to resolve short names whatever the lookup policy.
pub const RESOLVE_NAMES_ANNOTATION: &str = "alpha.image.policy.openshift.io/resolve-names";

/// One image reference found in a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageRef {
    /// An image by digest: `sha256:…`.
    Digest(String),
    /// A tag by name: `<host>/<ns>/<stream>:<tag>`, or a `from` of kind `ImageStreamTag`.
    Tag(StreamTag),
    /// A short name `<stream>[:<tag>]` in the object's namespace; resolves when the stream has
    /// `lookupPolicy.local: true`, or always when `forced` (the resolve-names annotation).
    ShortName { tag: StreamTag, forced: bool },
}

/// What the workloads use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InUse {
    /// image digest (`sha256:…`) → workloads that use it (`deployment/web`, `prod/pod/web-1`)
    pub digests: BTreeMap<String, Vec<String>>,
    /// tags workloads name (pull by tag, image-change triggers) → workloads; the tag must keep
    /// existing
    pub tags: BTreeMap<StreamTag, Vec<String>>,
}

impl InUse {
    /// Whether no workload uses anything.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty() && self.tags.is_empty()
    }
}

/// Every image reference in one workload object (any kind).
pub fn image_refs(obj: &Value, object_namespace: &str) -> Vec<ImageRef> {
    let mut w = Walker {
        ns: object_namespace,
        forced: asks_resolve_names(obj),
        out: Vec::new(),
    };
    w.walk(obj);
    w.out
}

struct Walker<'a> {
    ns: &'a str,
    forced: bool,
    out: Vec<ImageRef>,
}

impl Walker<'_> {
    fn walk(&mut self, v: &Value) {
        match v {
            Value::Object(map) => {
                // `from`/`to` objects of builds and triggers.
                if let (Some(Value::String(kind)), Some(Value::String(name))) =
                    (map.get("kind"), map.get("name"))
                {
                    let ns = map
                        .get("namespace")
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .unwrap_or(self.ns)
                        .to_owned();
                    self.object_reference(kind, name, ns);
                }
                for (key, value) in map {
                    match (key.as_str(), value) {
                        // containers[].image, initContainers[].image, ephemeralContainers[].image,
                        // pod status imageID, DC lastTriggeredImage, BC lastTriggeredImageID,
                        // Build outputDockerImageReference.
                        (
                            "image"
                            | "imageID"
                            | "lastTriggeredImage"
                            | "lastTriggeredImageID"
                            | "outputDockerImageReference"
                            | "dockerImageReference",
                            Value::String(s),
                        ) => self.pull_spec(s),
                        (TRIGGERS_ANNOTATION, Value::String(s)) => {
                            if let Ok(triggers) = serde_json::from_str::<Value>(s) {
                                self.walk(&triggers);
                            }
                        }
                        _ => self.walk(value),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.walk(i)),
            _ => {}
        }
    }

    fn object_reference(&mut self, kind: &str, name: &str, namespace: String) {
        match kind {
            "DockerImage" => self.pull_spec(name),
            "ImageStreamTag" => {
                if name.contains('@') || name.is_empty() {
                    return;
                }
                // library-go `SplitImageStreamTag`: no `:` (or nothing after it) means `latest`.
                let (stream, tag) = name.split_once(':').unwrap_or((name, ""));
                if stream.is_empty() {
                    return;
                }
                let tag = if tag.is_empty() { "latest" } else { tag };
                self.out.push(ImageRef::Tag(StreamTag {
                    namespace,
                    stream: stream.into(),
                    tag: tag.into(),
                }));
            }
            "ImageStreamImage" => {
                if let Some((_, digest)) = name.split_once('@')
                    && !digest.is_empty()
                {
                    self.out.push(ImageRef::Digest(digest.into()));
                }
            }
            _ => {}
        }
    }

    fn pull_spec(&mut self, s: &str) {
        let s = s.trim();
        if s.is_empty() {
            return;
        }
        // A digest anywhere: after the last `@`, or the whole string.
        if let Some((_, digest)) = s.rsplit_once('@')
            && digest.starts_with("sha256:")
        {
            self.out.push(ImageRef::Digest(digest.to_owned()));
            return;
        }
        if s.starts_with("sha256:") {
            self.out.push(ImageRef::Digest(s.to_owned()));
            return;
        }
        let Some(spec) = pullspec::parse(s) else {
            return;
        };
        if let Some((namespace, stream)) = spec.registry_stream() {
            self.out.push(ImageRef::Tag(StreamTag {
                namespace: namespace.into(),
                stream: stream.into(),
                tag: spec.tag_or_latest().into(),
            }));
        } else if let Some(stream) = spec.short_name() {
            self.out.push(ImageRef::ShortName {
                tag: StreamTag {
                    namespace: self.ns.into(),
                    stream: stream.into(),
                    tag: spec.tag_or_latest().into(),
                },
                forced: self.forced,
            });
        }
    }
}

/// Whether any `annotations` map of the object (its own, a pod template's) holds
/// `alpha.image.policy.openshift.io/resolve-names: "*"`.
fn asks_resolve_names(v: &Value) -> bool {
    match v {
        Value::Object(map) => map.iter().any(|(k, v)| {
            (k == "annotations"
                && v.get(RESOLVE_NAMES_ANNOTATION).and_then(Value::as_str) == Some("*"))
                || asks_resolve_names(v)
        }),
        Value::Array(items) => items.iter().any(asks_resolve_names),
        _ => false,
    }
}

/// Resolves references against the streams: which digests and tags each workload uses.
pub fn resolve(uses: &[(String, Vec<ImageRef>)], streams: &[ImageStream]) -> InUse {
    let find = |t: &StreamTag| {
        streams
            .iter()
            .find(|s| s.namespace() == t.namespace && s.name() == t.stream)
    };
    let mut in_use = InUse::default();
    for (workload, refs) in uses {
        for r in refs {
            let tag = match r {
                ImageRef::Digest(d) => {
                    add(&mut in_use.digests, d.clone(), workload);
                    continue;
                }
                ImageRef::Tag(t) => t,
                ImageRef::ShortName { tag, forced } => match find(tag) {
                    Some(s) if *forced || s.spec.lookup_policy.local => tag,
                    _ => continue,
                },
            };
            if let Some(cur) = find(tag).and_then(|s| s.current(&tag.tag))
                && !cur.image.is_empty()
            {
                add(&mut in_use.digests, cur.image.clone(), workload);
            }
            add(&mut in_use.tags, tag.clone(), workload);
        }
    }
    in_use
}

fn add<K: Ord>(map: &mut BTreeMap<K, Vec<String>>, key: K, workload: &str) {
    let users = map.entry(key).or_default();
    if !users.iter().any(|u| u == workload) {
        users.push(workload.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const NS: &str = "mynamespace";
    const REPO: &str = "image-registry.openshift-image-registry.svc:5000/mynamespace/myapp";

    /// A well-formed digest from one letter: `sha256:aaaa…`.
    fn d(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    fn stream(local: bool) -> ImageStream {
        serde_json::from_value(json!({
            "metadata": {"name": "myapp", "namespace": NS},
            "spec": {"lookupPolicy": {"local": local}},
            "status": {"dockerImageRepository": REPO, "tags": [
                {"tag": "v2.0.3", "items": [{"created": "2026-11-01T00:00:00Z", "dockerImageReference": "x", "image": d('a'), "generation": 1}]},
                {"tag": "v2.0.4", "items": [{"created": "2026-11-02T00:00:00Z", "dockerImageReference": "x", "image": d('b'), "generation": 1}]},
                {"tag": "latest", "items": [{"created": "2026-11-02T00:00:00Z", "dockerImageReference": "x", "image": d('b'), "generation": 1}]}
            ]}
        }))
        .unwrap()
    }

    fn st(ns: &str, stream: &str, tag: &str) -> StreamTag {
        StreamTag {
            namespace: ns.into(),
            stream: stream.into(),
            tag: tag.into(),
        }
    }

    fn one(who: &str, obj: Value, streams: &[ImageStream]) -> InUse {
        resolve(&[(who.into(), image_refs(&obj, NS))], streams)
    }

    fn users(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn pod(image: &str) -> Value {
        json!({"metadata": {"name": "web-1"}, "spec": {"containers": [{"name": "app", "image": image}]}})
    }

    #[test]
    fn pod_containers_by_digest_and_by_tag() {
        let pod = json!({"metadata": {"name": "web-1"}, "spec": {
            "initContainers": [{"name": "init", "image": format!("{REPO}@{}", d('c'))}],
            "ephemeralContainers": [{"name": "dbg", "image": format!("{REPO}@{}", d('e'))}],
            "containers": [{"name": "app", "image": format!("{REPO}:v2.0.4")}, {"name": "side", "image": "quay.io/x/y:1.0"}]
        }});
        let refs = image_refs(&pod, NS);
        assert!(refs.contains(&ImageRef::Digest(d('c'))));
        let u = resolve(&[("pod/web-1".into(), refs)], &[stream(false)]);
        assert_eq!(u.digests.get(&d('c')), Some(&users(&["pod/web-1"])));
        assert_eq!(u.digests.get(&d('e')), Some(&users(&["pod/web-1"])));
        assert_eq!(
            u.digests.get(&d('b')),
            Some(&users(&["pod/web-1"])),
            "tag ref resolved to its current image"
        );
        assert_eq!(
            u.tags.get(&st(NS, "myapp", "v2.0.4")),
            Some(&users(&["pod/web-1"]))
        );
        assert!(u.tags.contains_key(&st("x", "y", "1.0")), "host ignored");
        assert!(!u.digests.contains_key(&d('a')));
    }

    #[test]
    fn pod_status_image_id() {
        let pod = json!({"status": {"containerStatuses": [
            {"image": "myapp:v9", "imageID": format!("docker-pullable://{REPO}@{}", d('f'))},
            {"imageID": d('9')}
        ]}});
        let u = one("pod/p", pod, &[]);
        assert!(u.digests.contains_key(&d('f')));
        assert!(u.digests.contains_key(&d('9')), "a bare sha256 imageID");
    }

    #[test]
    fn every_registry_host_names_the_stream() {
        for host in [
            "image-registry.openshift-image-registry.svc:5000",
            "image-registry.openshift-image-registry.svc.cluster.local:5000",
            "172.30.1.1:5000",
            "default-route-openshift-image-registry.apps.example.com",
        ] {
            let u = one(
                "deployment/web",
                pod(&format!("{host}/{NS}/myapp:v2.0.3")),
                &[stream(false)],
            );
            assert_eq!(
                u.tags.get(&st(NS, "myapp", "v2.0.3")),
                Some(&users(&["deployment/web"])),
                "{host}"
            );
            assert!(u.digests.contains_key(&d('a')), "{host}");
        }
        // No tag: latest.
        let u = one("pod/p", pod(REPO), &[stream(false)]);
        assert!(u.tags.contains_key(&st(NS, "myapp", "latest")));
        assert!(u.digests.contains_key(&d('b')));
    }

    #[test]
    fn host_with_tag_and_digest_counts_the_digest() {
        let u = one(
            "pod/p",
            pod(&format!("{REPO}:v2.0.3@{}", d('7'))),
            &[stream(false)],
        );
        assert!(u.digests.contains_key(&d('7')));
        assert!(u.tags.is_empty());
    }

    #[test]
    fn not_streams() {
        let u = one("pod/p", pod("mynamespace/myapp:v2.0.3"), &[stream(true)]);
        assert!(u.is_empty(), "no host: Docker Hub, not the registry");
        let u = one("pod/p", pod("quay.io/a/b/myapp:v2.0.3"), &[stream(true)]);
        assert!(u.is_empty(), "deeper path");
    }

    #[test]
    fn short_names_need_lookup_policy_local() {
        for (image, tag) in [("myapp:v2.0.3", "v2.0.3"), ("myapp", "latest")] {
            let u = one("deployment/web", pod(image), &[stream(true)]);
            assert_eq!(
                u.tags.get(&st(NS, "myapp", tag)),
                Some(&users(&["deployment/web"])),
                "{image}"
            );
            let u = one("deployment/web", pod(image), &[stream(false)]);
            assert!(u.is_empty(), "{image} without lookupPolicy.local");
        }
        let u = one("pod/p", pod("myapp:v2.0.3"), &[stream(true)]);
        assert!(u.digests.contains_key(&d('a')));
        // Another namespace's stream does not resolve a short name here.
        let u = resolve(
            &[(
                "pod/p".into(),
                image_refs(&pod("myapp:v2.0.3"), "elsewhere"),
            )],
            &[stream(true)],
        );
        assert!(u.is_empty());
        // No such stream.
        assert!(one("pod/p", pod("other:v1"), &[stream(true)]).is_empty());
    }

    #[test]
    fn resolve_names_annotation_forces_short_names() {
        let dep = json!({"spec": {"template": {
            "metadata": {"annotations": {RESOLVE_NAMES_ANNOTATION: "*"}},
            "spec": {"containers": [{"name": "app", "image": "myapp:v2.0.4"}]}
        }}});
        let u = one("deployment/web", dep, &[stream(false)]);
        assert!(u.tags.contains_key(&st(NS, "myapp", "v2.0.4")));
    }

    #[test]
    fn build_config_from_image_stream_tag_and_dc_trigger() {
        let bc = json!({"spec": {"strategy": {"sourceStrategy": {"from": {"kind": "ImageStreamTag", "name": "myapp:v2.0.3"}}}}});
        let dc = json!({"spec": {"triggers": [{"type": "ImageChange", "imageChangeParams": {
            "from": {"kind": "ImageStreamTag", "name": "myapp:v2.0.4"},
            "lastTriggeredImage": format!("{REPO}@{}", d('d'))}}]}});
        let uses = vec![
            ("buildconfig/b".to_owned(), image_refs(&bc, NS)),
            ("deploymentconfig/d".to_owned(), image_refs(&dc, NS)),
        ];
        let u = resolve(&uses, &[stream(false)]);
        assert_eq!(u.digests[&d('a')], users(&["buildconfig/b"]));
        assert_eq!(u.digests[&d('d')], users(&["deploymentconfig/d"]));
        assert_eq!(
            u.tags[&st(NS, "myapp", "v2.0.3")],
            users(&["buildconfig/b"])
        );
        assert_eq!(
            u.tags[&st(NS, "myapp", "v2.0.4")],
            users(&["deploymentconfig/d"])
        );
    }

    #[test]
    fn build_config_image_change_trigger() {
        let bc = json!({"spec": {"triggers": [{"type": "ImageChange", "imageChange": {
            "from": {"kind": "ImageStreamTag", "name": "myapp:v2.0.3", "namespace": "builds"},
            "lastTriggeredImageID": format!("{REPO}@{}", d('5'))}}]}});
        let u = one("buildconfig/b", bc, &[]);
        assert!(u.tags.contains_key(&st("builds", "myapp", "v2.0.3")));
        assert!(u.digests.contains_key(&d('5')));
    }

    #[test]
    fn from_objects_of_every_kind() {
        let build = json!({"spec": {
            "strategy": {"dockerStrategy": {"from": {"kind": "ImageStreamImage", "name": format!("myapp@{}", d('6'))}}},
            "source": {"images": [{"from": {"kind": "DockerImage", "name": format!("{REPO}:v2.0.3")}}]},
            "output": {"to": {"kind": "ImageStreamTag", "name": "myapp"}}
        }});
        let u = one("build/b-1", build, &[stream(false)]);
        assert!(u.digests.contains_key(&d('6')));
        assert!(u.tags.contains_key(&st(NS, "myapp", "v2.0.3")));
        assert!(
            u.tags.contains_key(&st(NS, "myapp", "latest")),
            "a name without a tag is latest"
        );
    }

    #[test]
    fn other_namespace_tag_refs_name_that_namespace() {
        let bc = json!({"spec": {"strategy": {"dockerStrategy": {"from": {"kind": "ImageStreamTag", "namespace": "other", "name": "myapp:v2.0.3"}}}}});
        let u = one("buildconfig/b", bc, &[stream(false)]);
        assert!(u.digests.is_empty(), "not this namespace's myapp");
        assert!(u.tags.contains_key(&st("other", "myapp", "v2.0.3")));
        assert!(!u.tags.contains_key(&st(NS, "myapp", "v2.0.3")));
    }

    #[test]
    fn trigger_annotation_on_any_object() {
        let triggers = json!([{"from": {"kind": "ImageStreamTag", "name": "myapp:v2.0.3"},
            "fieldPath": "spec.template.spec.containers[?(@.name==\"web\")].image"},
            {"from": {"kind": "ImageStreamTag", "name": "myapp:v1", "namespace": "x"}, "fieldPath": "…"}])
        .to_string();
        for kind in ["deployment", "statefulset", "daemonset", "cronjob", "job"] {
            let obj = json!({"metadata": {"name": "w", "annotations": {TRIGGERS_ANNOTATION: triggers}},
                "spec": {"template": {"spec": {"containers": [{"name": "web", "image": " "}]}}}});
            let who = format!("{kind}/w");
            let u = one(&who, obj, &[stream(false)]);
            assert_eq!(u.tags[&st(NS, "myapp", "v2.0.3")], users(&[&who]), "{kind}");
            assert!(u.tags.contains_key(&st("x", "myapp", "v1")), "{kind}");
            assert_eq!(u.digests[&d('a')], users(&[&who]), "{kind}");
        }
        // Not JSON: nothing, no panic.
        let obj = json!({"metadata": {"annotations": {TRIGGERS_ANNOTATION: "[{"}}});
        assert!(one("deployment/w", obj, &[]).is_empty());
    }

    #[test]
    fn users_are_listed_once_per_key() {
        let obj = pod(&format!("{REPO}:v2.0.3"));
        let uses = vec![
            ("pod/a".to_owned(), image_refs(&obj, NS)),
            ("pod/a".to_owned(), image_refs(&obj, NS)),
            ("pod/b".to_owned(), image_refs(&obj, NS)),
        ];
        let u = resolve(&uses, &[stream(false)]);
        assert_eq!(
            u.tags[&st(NS, "myapp", "v2.0.3")],
            users(&["pod/a", "pod/b"])
        );
        assert_eq!(u.digests[&d('a')], users(&["pod/a", "pod/b"]));
    }
}
