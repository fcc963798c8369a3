//! Every spec-tag reference form and every way a workload names an image protects the tag.
//!
//! Each test runs a real `prune myapp --keep 1 --yes -o json` (or `--dry-run`) against the
//! seed scenario and asserts the server's state afterwards: the referenced tag v2.0.3 (52 days
//! old) still exists, the unreferenced stale v2.0.4 is gone, and the plan gives v2.0.3's reason
//! with its referrer. Every image of the seed's myapp is older than 2 h, so nothing here
//! depends on the default `--keep-younger-than`.

use prunetags::model::{ImageStream, ObjectReference, TagReference};
use serde_json::{Value, json};

use crate::common::{NS, digest_of};
use crate::harness::{Harness, Run};

const TARGET: &str = "v2.0.3";
const STALE: &str = "v2.0.4";
const SVC: &str = "image-registry.openshift-image-registry.svc:5000";
const SVC_LOCAL: &str = "image-registry.openshift-image-registry.svc.cluster.local:5000";
const CLUSTER_IP: &str = "172.30.1.1:5000";
const ROUTE: &str = "default-route-openshift-image-registry.apps.example.com";

fn seed() -> Harness {
    let h = Harness::seed();
    let s = h.sim.image_stream(NS, "myapp").unwrap();
    for tag in [TARGET, STALE] {
        let created = s.current(tag).unwrap().created.0;
        let age = jiff::Timestamp::now().duration_since(created);
        assert!(
            age > jiff::SignedDuration::from_hours(2),
            "{tag} is {age:?} old"
        );
    }
    h
}

fn from(kind: &str, name: &str, namespace: Option<&str>) -> ObjectReference {
    ObjectReference {
        kind: kind.into(),
        namespace: namespace.map(Into::into),
        name: name.into(),
    }
}

/// Adds spec tag `tag` (tagged from `from`) to `ns/stream` through the store's update path,
/// creating the stream when it does not exist.
fn add_spec_tag(h: &Harness, ns: &str, stream: &str, tag: &str, from: ObjectReference) {
    let t = TagReference {
        name: tag.into(),
        from: Some(from),
        ..Default::default()
    };
    h.sim.with_store(|s| {
        s.ensure_namespace(ns);
        match s.get_stream(ns, stream) {
            Ok(mut is) => {
                is.spec.tags.get_or_insert_with(Vec::new).push(t);
                s.update_stream(ns, stream, is).unwrap();
            }
            Err(_) => {
                let mut is = ImageStream::default();
                is.metadata.name = Some(stream.into());
                is.spec.tags = Some(vec![t]);
                s.create_stream(ns, is).unwrap();
            }
        }
    });
}

fn set_lookup_local(h: &Harness, local: bool) {
    h.sim.with_store(|s| {
        let mut is = s.get_stream(NS, "myapp").unwrap();
        is.spec.lookup_policy.local = local;
        s.update_stream(NS, "myapp", is).unwrap();
    });
}

fn prune(h: &Harness, extra: &[&str]) -> Value {
    let mut args = vec!["prune", "myapp", "--keep", "1", "-o", "json"];
    if !extra.contains(&"--dry-run") {
        args.push("--yes");
    }
    args.extend_from_slice(extra);
    let run: Run = h.run(&args);
    assert_eq!(
        run.code, 0,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("one JSON document ({e}):\n{}", run.stdout))
}

/// The plan's decision about `myapp:<tag>` (in namespace `ns`).
fn decision<'a>(doc: &'a Value, ns: &str, tag: &str) -> &'a Value {
    doc["plan"]["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "myapp" && s["namespace"] == ns)
        .and_then(|s| {
            s["tags"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["tag"] == tag)
        })
        .unwrap_or_else(|| panic!("no decision for {ns}/myapp:{tag} in {doc}"))
}

/// The `by` of the reason `kind` (`inUse`, `referencedBy`) of a kept tag.
fn reason_by(doc: &Value, ns: &str, tag: &str, kind: &str) -> Vec<String> {
    let d = decision(doc, ns, tag);
    assert_eq!(d["action"], "keep", "{d}");
    let r = d["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} reason in {d}"));
    r["by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// After a real prune: the target is still there, the stale control tag is gone.
fn assert_kept_and_pruned(h: &Harness, kept: &[&str]) {
    let tags = h.tags("myapp");
    for k in kept {
        assert!(tags.iter().any(|t| t == k), "{k} was deleted: {tags:?}");
    }
    assert!(
        !tags.iter().any(|t| t == STALE),
        "{STALE} survived: {tags:?}"
    );
}

/// A workload protects TARGET: a real prune keeps it with `inUse` by `who`.
fn workload_protects(h: &Harness, resource: &str, object: Value, who: &str) {
    h.sim.add_workload(NS, resource, object);
    let doc = prune(h, &[]);
    assert_eq!(reason_by(&doc, NS, TARGET, "inUse"), vec![who.to_owned()]);
    assert_kept_and_pruned(h, &[TARGET]);
}

fn deployment(image: &str) -> Value {
    json!({
        "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}
    })
}

// ---- spec tags -----------------------------------------------------------------------------

#[test]
fn spec_bare_tag_name_is_the_same_stream() {
    let h = seed();
    add_spec_tag(
        &h,
        NS,
        "myapp",
        "prod",
        from("ImageStreamTag", TARGET, None),
    );
    // The simulator resolves it as the server does: prod holds v2.0.3's image.
    let is = h.sim.image_stream(NS, "myapp").unwrap();
    assert_eq!(is.current("prod").unwrap().image, digest_of(&h, TARGET));
    let doc = prune(&h, &[]);
    assert_eq!(reason_by(&doc, NS, TARGET, "referencedBy"), vec!["prod"]);
    assert_kept_and_pruned(&h, &[TARGET, "prod"]);
}

#[test]
fn spec_stream_colon_tag() {
    let h = seed();
    let name = format!("myapp:{TARGET}");
    add_spec_tag(
        &h,
        NS,
        "deploy",
        "prod",
        from("ImageStreamTag", &name, None),
    );
    let doc = prune(&h, &[]);
    assert_eq!(
        reason_by(&doc, NS, TARGET, "referencedBy"),
        vec!["deploy:prod"]
    );
    assert_kept_and_pruned(&h, &[TARGET]);
}

#[test]
fn spec_cross_namespace_with_from_namespace() {
    let h = seed();
    let name = format!("myapp:{TARGET}");
    add_spec_tag(
        &h,
        "prod",
        "web",
        "live",
        from("ImageStreamTag", &name, Some(NS)),
    );
    let doc = prune(&h, &["-A"]);
    assert_eq!(
        reason_by(&doc, NS, TARGET, "referencedBy"),
        vec!["prod/web:live"]
    );
    assert_kept_and_pruned(&h, &[TARGET]);
}

#[test]
fn spec_image_stream_image() {
    let h = seed();
    let name = format!("myapp@{}", digest_of(&h, TARGET));
    add_spec_tag(
        &h,
        NS,
        "deploy",
        "pinned",
        from("ImageStreamImage", &name, None),
    );
    let doc = prune(&h, &[]);
    assert_eq!(
        reason_by(&doc, NS, TARGET, "referencedBy"),
        vec!["deploy:pinned"]
    );
    assert_kept_and_pruned(&h, &[TARGET]);
}

#[test]
fn spec_docker_image_into_the_registry() {
    let h = seed();
    let by_tag = format!("{SVC}/{NS}/myapp:{TARGET}");
    let by_digest = format!("{CLUSTER_IP}/{NS}/myapp@{}", digest_of(&h, "v2.0.6"));
    add_spec_tag(&h, NS, "mirror", "a", from("DockerImage", &by_tag, None));
    add_spec_tag(&h, NS, "mirror", "b", from("DockerImage", &by_digest, None));
    let doc = prune(&h, &[]);
    assert_eq!(
        reason_by(&doc, NS, TARGET, "referencedBy"),
        vec!["mirror:a"]
    );
    assert_eq!(
        reason_by(&doc, NS, "v2.0.6", "referencedBy"),
        vec!["mirror:b"]
    );
    assert_kept_and_pruned(&h, &[TARGET, "v2.0.6"]);
}

// ---- workloads -----------------------------------------------------------------------------

#[test]
fn workload_by_digest() {
    let h = seed();
    let image = format!("{SVC}/{NS}/myapp@{}", digest_of(&h, TARGET));
    let pod = json!({
        "metadata": {"name": "web-1"},
        "spec": {"containers": [{"name": "web", "image": image}]}
    });
    workload_protects(&h, "pods", pod, "pod/web-1");
}

#[test]
fn workload_by_internal_service_host() {
    let h = seed();
    let image = format!("{SVC}/{NS}/myapp:{TARGET}");
    workload_protects(&h, "deployments", deployment(&image), "deployment/web");
}

#[test]
fn workload_by_svc_cluster_local_host() {
    let h = seed();
    let image = format!("{SVC_LOCAL}/{NS}/myapp:{TARGET}");
    workload_protects(&h, "deployments", deployment(&image), "deployment/web");
}

#[test]
fn workload_by_cluster_ip_host() {
    let h = seed();
    let image = format!("{CLUSTER_IP}/{NS}/myapp:{TARGET}");
    workload_protects(&h, "statefulsets", deployment(&image), "statefulset/web");
}

#[test]
fn workload_by_public_route_host() {
    let h = seed();
    let image = format!("{ROUTE}/{NS}/myapp:{TARGET}");
    workload_protects(&h, "daemonsets", deployment(&image), "daemonset/web");
}

#[test]
fn workload_short_name_with_lookup_policy_local_protects() {
    let h = seed();
    set_lookup_local(&h, true);
    let image = format!("myapp:{TARGET}");
    workload_protects(&h, "deployments", deployment(&image), "deployment/web");
}

#[test]
fn workload_short_name_without_lookup_policy_local_does_not() {
    let h = seed();
    set_lookup_local(&h, false);
    h.sim
        .add_workload(NS, "deployments", deployment(&format!("myapp:{TARGET}")));
    let doc = prune(&h, &[]);
    let d = decision(&doc, NS, TARGET);
    assert_eq!(d["action"], "delete", "{d}");
    assert_eq!(d["reasons"][0]["kind"], "stale", "{d}");
    let tags = h.tags("myapp");
    assert!(!tags.iter().any(|t| t == TARGET), "{tags:?}");
    assert!(!tags.iter().any(|t| t == STALE), "{tags:?}");
}

fn triggers(tag: &str) -> String {
    json!([{
        "from": {"kind": "ImageStreamTag", "name": format!("myapp:{tag}"), "namespace": NS},
        "fieldPath": "spec.template.spec.containers[?(@.name==\"web\")].image"
    }])
    .to_string()
}

#[test]
fn trigger_annotation_on_a_deployment() {
    let h = seed();
    let dep = json!({
        "metadata": {"name": "web", "annotations": {"image.openshift.io/triggers": triggers(TARGET)}},
        // The trigger controller has not filled in the image yet.
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": " "}]}}}
    });
    workload_protects(&h, "deployments", dep, "deployment/web");
}

#[test]
fn trigger_annotation_on_a_cron_job() {
    let h = seed();
    let cj = json!({
        "metadata": {"name": "nightly", "annotations": {"image.openshift.io/triggers": triggers(TARGET)}},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "containers": [{"name": "web", "image": "quay.io/other/thing:1"}]
        }}}}}
    });
    workload_protects(&h, "cronjobs", cj, "cronjob/nightly");
}

#[test]
fn deployment_config_image_change_trigger() {
    let h = seed();
    let dc = json!({
        "metadata": {"name": "web"},
        "spec": {
            "triggers": [{"type": "ImageChange", "imageChangeParams": {
                "automatic": true,
                "containerNames": ["web"],
                "from": {"kind": "ImageStreamTag", "name": format!("myapp:{TARGET}")}
            }}],
            "template": {"spec": {"containers": [{"name": "web", "image": " "}]}}
        }
    });
    workload_protects(&h, "deploymentconfigs", dc, "deploymentconfig/web");
}

#[test]
fn build_config_image_change_trigger() {
    let h = seed();
    let bc = json!({
        "metadata": {"name": "app"},
        "spec": {
            "strategy": {"type": "Docker", "dockerStrategy": {}},
            "triggers": [{"type": "ImageChange", "imageChange": {
                "from": {"kind": "ImageStreamTag", "name": format!("myapp:{TARGET}")}
            }}]
        }
    });
    workload_protects(&h, "buildconfigs", bc, "buildconfig/app");
}

#[test]
fn dry_run_reports_without_writing() {
    let h = seed();
    h.sim.add_workload(
        NS,
        "deployments",
        deployment(&format!("{SVC_LOCAL}/{NS}/myapp:{TARGET}")),
    );
    let doc = prune(&h, &["--dry-run"]);
    assert_eq!(reason_by(&doc, NS, TARGET, "inUse"), vec!["deployment/web"]);
    assert_eq!(decision(&doc, NS, STALE)["action"], "delete");
    let tags = h.tags("myapp");
    assert!(tags.iter().any(|t| t == STALE), "dry run deleted: {tags:?}");
}
