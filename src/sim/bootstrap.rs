//! The built-in ClusterRoles the simulator ships: the ones that decide who may pull images.
//!
//! Source: openshift/openshift-apiserver `pkg/bootstrappolicy/policy.go`
//! (`GetOpenshiftBootstrapClusterRoles`; names in `pkg/bootstrappolicy/constants.go`). The rules on
//! `imagestreams/layers` (`get` = pull, `update` = push) are copied from there:
//!
//! - `system:image-puller`: `get` — served exactly as recorded (recording 204).
//! - `system:image-pusher`: `get`, `update`.
//! - `system:image-builder`: `get`, `update` (+ create imagestreams, builds); labelled
//!   `aggregate-to-edit` and `aggregate-to-admin`.
//! - `registry-viewer`: `get` (labelled `aggregate-to-view`, so `view` may pull too).
//! - `edit` and `admin`: `get`, `update` through `system:openshift:aggregate-to-edit` /
//!   `-to-admin` ("push and pull images").
//! - `view`: its own `system:openshift:aggregate-to-view` has the layers rule commented out
//!   ("TODO let them pull images?"), but `registry-viewer` aggregates into it, so it pulls.
//!
//! `edit`, `admin` and `view` are aggregated roles on a real cluster with hundreds of rules; the
//! simulator gives them their aggregation rule and the image rules only (and `admin` the rbac
//! ones: it may list rolebindings, `edit` may not — measured, DESIGN §2a).

use serde_json::{Value, json};

const IMAGE: &[&str] = &["", "image.openshift.io"];
const AUTOUPDATE: &str = "rbac.authorization.kubernetes.io/autoupdate";

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"verbs": verbs, "apiGroups": groups, "resources": resources})
}

fn role(name: &str, description: Option<&str>, labels: &[&str], rules: Vec<Value>) -> Value {
    let mut annotations = json!({AUTOUPDATE: "true"});
    if let Some(d) = description {
        annotations["openshift.io/description"] = json!(d);
    }
    let mut meta = json!({"name": name, "annotations": annotations});
    if !labels.is_empty() {
        let l: serde_json::Map<String, Value> = labels
            .iter()
            .map(|k| (format!("rbac.authorization.k8s.io/{k}"), json!("true")))
            .collect();
        meta["labels"] = Value::Object(l);
    }
    json!({"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": meta, "rules": rules})
}

fn aggregated(name: &str, to: &str, rules: Vec<Value>) -> Value {
    let mut r = role(name, None, &[], rules);
    r["aggregationRule"] = json!({"clusterRoleSelectors": [
        {"matchLabels": {format!("rbac.authorization.k8s.io/{to}"): "true"}}
    ]});
    r
}

/// Recording 204, as the simulator's `system:image-puller` (metadata re-made by the store).
fn image_puller() -> Value {
    let mut v: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/openshift-4.13-round2/204-clusterrole-image-puller.json"
    ))
    .expect("recording 204 is JSON");
    let meta = &mut v["metadata"];
    let annotations = meta["annotations"].clone();
    *meta = json!({"name": "system:image-puller", "annotations": {
        "openshift.io/description": annotations["openshift.io/description"],
        AUTOUPDATE: annotations[AUTOUPDATE],
    }});
    v
}

/// The built-in ClusterRoles (objects without uid/resourceVersion/creationTimestamp).
pub fn cluster_roles() -> Vec<Value> {
    let read = ["get", "list", "watch"];
    let write = [
        "get",
        "list",
        "watch",
        "create",
        "update",
        "patch",
        "delete",
        "deletecollection",
    ];
    let streams = [
        "imagestreams",
        "imagestreammappings",
        "imagestreamtags",
        "imagetags",
        "imagestreamimages",
    ];
    vec![
        image_puller(),
        role(
            "system:image-pusher",
            Some("Grants the right to push and pull images from within a project."),
            &[],
            vec![rule(IMAGE, &["imagestreams/layers"], &["get", "update"])],
        ),
        role(
            "system:image-builder",
            Some(
                "Grants the right to build, push and pull images from within a project.  Used primarily with service accounts for builds.",
            ),
            &["aggregate-to-admin", "aggregate-to-edit"],
            vec![
                rule(IMAGE, &["imagestreams/layers"], &["get", "update"]),
                rule(IMAGE, &["imagestreams"], &["create"]),
                rule(
                    &["", "build.openshift.io"],
                    &["builds/details"],
                    &["update"],
                ),
                rule(&["", "build.openshift.io"], &["builds"], &["get"]),
            ],
        ),
        role(
            "registry-viewer",
            None,
            &["aggregate-to-view"],
            vec![
                rule(IMAGE, &streams, &read),
                rule(IMAGE, &["imagestreams/layers"], &["get"]),
                rule(&[""], &["namespaces"], &["get"]),
                rule(&["", "project.openshift.io"], &["projects"], &["get"]),
            ],
        ),
        aggregated(
            "admin",
            "aggregate-to-admin",
            vec![
                rule(IMAGE, &streams, &write),
                rule(IMAGE, &["imagestreams/layers"], &["get", "update"]),
                rule(
                    &["rbac.authorization.k8s.io"],
                    &["roles", "rolebindings"],
                    &write,
                ),
            ],
        ),
        aggregated(
            "edit",
            "aggregate-to-edit",
            vec![
                rule(IMAGE, &streams, &write),
                rule(IMAGE, &["imagestreams/layers"], &["get", "update"]),
            ],
        ),
        aggregated(
            "view",
            "aggregate-to-view",
            vec![
                rule(IMAGE, &streams, &read),
                rule(IMAGE, &["imagestreams/layers"], &["get"]),
            ],
        ),
    ]
}
