//! Discovery documents (`/version`, `/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`), in
//! the legacy JSON forms, which the real kubectl accepts even when it asks for aggregated ones.

use serde_json::{Value, json};

/// The Kubernetes version the simulator claims (recording 173 is OpenShift 4.13 = v1.26.4;
/// a version the `/usr/bin/kubectl` dispatcher maps onto a bundled client).
pub const GIT_VERSION: &str = "v1.27.16";

pub fn version() -> Value {
    let minor = GIT_VERSION.split('.').nth(1).unwrap_or("27");
    json!({
        "major": "1", "minor": minor, "gitVersion": GIT_VERSION,
        "gitCommit": "$Format:%H$", "gitTreeState": "", "buildDate": "1970-01-01T00:00:00Z",
        "goVersion": "go1.20.10", "compiler": "gc", "platform": "linux/amd64"
    })
}

pub fn api(server: &str) -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server}]})
}

const GROUPS: &[(&str, &str)] = &[
    ("apps", "v1"),
    ("batch", "v1"),
    ("image.openshift.io", "v1"),
    ("apps.openshift.io", "v1"),
    ("build.openshift.io", "v1"),
    ("rbac.authorization.k8s.io", "v1"),
];

pub fn apis() -> Value {
    let groups: Vec<Value> = GROUPS
        .iter()
        .map(|(g, v)| {
            let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
            json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn resource(
    name: &str,
    namespaced: bool,
    kind: &str,
    verbs: &[&str],
    short: &[&str],
    categories: &[&str],
) -> Value {
    let mut r = json!({"name": name, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": verbs});
    if !short.is_empty() {
        r["shortNames"] = json!(short);
    }
    if !categories.is_empty() {
        r["categories"] = json!(categories);
    }
    r
}

const RO: &[&str] = &["get", "list", "watch"];

fn list(group_version: &str, resources: Vec<Value>) -> Value {
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources})
}

/// `/api/v1` or `/apis/<group>/<version>`; `None` for an unknown group version.
pub fn resources(group: &str, version: &str) -> Option<Value> {
    if version != "v1" {
        return None;
    }
    Some(match group {
        "" => list(
            "v1",
            vec![
                resource(
                    "namespaces",
                    false,
                    "Namespace",
                    &["create", "get", "list", "watch"],
                    &["ns"],
                    &[],
                ),
                resource("limitranges", true, "LimitRange", RO, &["limits"], &[]),
                resource("pods", true, "Pod", RO, &["po"], &["all"]),
                resource(
                    "replicationcontrollers",
                    true,
                    "ReplicationController",
                    RO,
                    &["rc"],
                    &["all"],
                ),
            ],
        ),
        "image.openshift.io" => serde_json::from_str(include_str!(
            "../../tests/fixtures/openshift-4.13/101-discovery-image-openshift-io-v1.json"
        ))
        .expect("recording 101 is JSON"),
        "apps" => list(
            "apps/v1",
            vec![
                resource("daemonsets", true, "DaemonSet", RO, &["ds"], &["all"]),
                resource("deployments", true, "Deployment", RO, &["deploy"], &["all"]),
                resource("replicasets", true, "ReplicaSet", RO, &["rs"], &["all"]),
                resource("statefulsets", true, "StatefulSet", RO, &["sts"], &["all"]),
            ],
        ),
        "batch" => list(
            "batch/v1",
            vec![
                resource("cronjobs", true, "CronJob", RO, &["cj"], &["all"]),
                resource("jobs", true, "Job", RO, &[], &["all"]),
            ],
        ),
        "apps.openshift.io" => list(
            "apps.openshift.io/v1",
            vec![resource(
                "deploymentconfigs",
                true,
                "DeploymentConfig",
                RO,
                &["dc"],
                &["all"],
            )],
        ),
        "build.openshift.io" => list(
            "build.openshift.io/v1",
            vec![
                resource("buildconfigs", true, "BuildConfig", RO, &["bc"], &["all"]),
                resource("builds", true, "Build", RO, &[], &["all"]),
            ],
        ),
        // What the simulator serves of RBAC (the real server has every verb on all four).
        "rbac.authorization.k8s.io" => list(
            "rbac.authorization.k8s.io/v1",
            vec![
                resource("clusterroles", false, "ClusterRole", RO, &[], &[]),
                resource(
                    "rolebindings",
                    true,
                    "RoleBinding",
                    &["create", "get", "list", "watch"],
                    &[],
                    &[],
                ),
                resource("roles", true, "Role", RO, &[], &[]),
            ],
        ),
        _ => return None,
    })
}
