//! Which other namespaces pull images from the pruned one (DESIGN §2a, "Cross-namespace pulls").
//!
//! Teams build in one namespace and run in others; the running namespaces' service accounts are
//! bound in the building namespace to a role that grants `get` on `imagestreams/layers` (the
//! registry's pull check), usually `system:image-puller` through `oc policy add-role-to-group
//! system:image-puller system:serviceaccounts:<ns> -n <building-ns>`. Those RoleBindings name the
//! consumer namespaces: their workloads and spec tags may use this namespace's images.
//!
//! [`discover`] lists the RoleBindings of the namespace (and reads a role when it is not a known
//! built-in and some subject would make another namespace a consumer); [`consumers_from_bindings`]
//! is the pure core.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule, Role, RoleBinding, Subject};
use kube::api::{Api, ListParams};

use super::Cluster;
use super::errors::{ApiContext, api_error};
use super::retry::{RetryPolicy, with_retries};

/// Namespaces whose workloads and spec tags may use images of `namespace`, and what could not be
/// checked (one sentence each, for the caller to warn with).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consumers {
    pub namespaces: BTreeSet<String>,
    pub unchecked: Vec<String>,
}

/// The built-in ClusterRoles that grant `get` on `imagestreams/layers` (pull), so their bindings
/// need no read of the role. From openshift/openshift-apiserver `pkg/bootstrappolicy/policy.go`:
/// `system:image-puller` (get), `system:image-pusher`, `system:image-builder`, `registry-admin`,
/// `registry-editor` (get, update), `registry-viewer` (get), `system:image-signer` (get),
/// `cluster-reader` (get, through `system:openshift:aggregate-to-cluster-reader`), `admin` and
/// `edit` (get, update, through `system:openshift:aggregate-to-admin`/`-to-edit`), `view` (get,
/// through `registry-viewer`, labelled `aggregate-to-view`), and Kubernetes' `cluster-admin` (`*`).
pub const PULLING_CLUSTER_ROLES: &[&str] = &[
    "admin",
    "cluster-admin",
    "cluster-reader",
    "edit",
    "registry-admin",
    "registry-editor",
    "registry-viewer",
    "system:image-builder",
    "system:image-puller",
    "system:image-pusher",
    "system:image-signer",
    "view",
];

/// Groups that hold every service account (or everyone): who is in them cannot be enumerated.
const EVERYONE: &[&str] = &[
    "system:serviceaccounts",
    "system:authenticated",
    "system:unauthenticated",
];

/// A role a binding refers to: (`Role` | `ClusterRole`, name).
pub type RoleKey = (String, String);

/// What reading a role gave.
#[derive(Clone, Debug, PartialEq)]
pub enum RoleRules {
    Rules(Vec<PolicyRule>),
    /// 404: a binding to a role that does not exist grants nothing.
    Missing,
    /// Could not be read; why, worded for a person ("you may not get roles in namespace …").
    Unreadable(String),
}

/// Whether `rules` grant `get` on `imagestreams/layers` (verbs `get`/`*`; resources
/// `imagestreams/layers`, `*/layers` or `*`; API groups `""`, `image.openshift.io` or `*`). A
/// rule limited by `resourceNames` still lets some streams be pulled: it counts.
pub fn grants_pull(rules: &[PolicyRule]) -> bool {
    let has = |list: &Option<Vec<String>>, any: &[&str]| {
        list.iter().flatten().any(|x| any.contains(&x.as_str()))
    };
    rules.iter().any(|r| {
        r.verbs.iter().any(|v| v == "get" || v == "*")
            && has(&r.resources, &["imagestreams/layers", "*/layers", "*"])
            && has(&r.api_groups, &["", "image.openshift.io", "*"])
    })
}

/// Who a subject is, as far as pulling goes.
enum Who {
    /// Its service accounts (or one of them) live in this namespace.
    Namespace(String),
    /// Every namespace.
    Everyone,
    /// A person or a group of people: not a workload.
    Nobody,
}

fn who(s: &Subject, binding_namespace: &str) -> Who {
    match s.kind.as_str() {
        // The authorizer defaults an empty namespace to the binding's (kubernetes
        // pkg/registry/rbac/validation/rule.go, appliesToUser).
        "ServiceAccount" => Who::Namespace(
            s.namespace
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| binding_namespace.to_owned()),
        ),
        "Group" if EVERYONE.contains(&s.name.as_str()) => Who::Everyone,
        "Group" => match s.name.strip_prefix("system:serviceaccounts:") {
            Some(ns) if !ns.is_empty() => Who::Namespace(ns.to_owned()),
            _ => Who::Nobody,
        },
        "User" if s.name == "system:anonymous" => Who::Everyone,
        "User" => match s
            .name
            .strip_prefix("system:serviceaccount:")
            .and_then(|rest| rest.split_once(':'))
        {
            Some((ns, _)) if !ns.is_empty() => Who::Namespace(ns.to_owned()),
            _ => Who::Nobody,
        },
        _ => Who::Nobody,
    }
}

fn key(b: &RoleBinding) -> RoleKey {
    (b.role_ref.kind.clone(), b.role_ref.name.clone())
}

fn is_known_puller(k: &RoleKey) -> bool {
    k.0 == "ClusterRole" && PULLING_CLUSTER_ROLES.contains(&k.1.as_str())
}

/// The subjects of `b` that would reach beyond `namespace`: other namespaces, and whether
/// everyone.
fn reach(namespace: &str, b: &RoleBinding) -> (BTreeSet<String>, Vec<String>) {
    let binding_ns = b.metadata.namespace.as_deref().unwrap_or(namespace);
    let mut namespaces = BTreeSet::new();
    let mut everyone = Vec::new();
    for s in b.subjects.iter().flatten() {
        match who(s, binding_ns) {
            Who::Namespace(ns) if ns != namespace => {
                namespaces.insert(ns);
            }
            Who::Everyone => everyone.push(format!("{} {}", s.kind.to_lowercase(), s.name)),
            _ => {}
        }
    }
    (namespaces, everyone)
}

/// The roles whose rules must be read: not known built-ins, and bound to some subject beyond
/// `namespace` (a role only the namespace's own service accounts hold changes nothing).
pub fn roles_to_read(namespace: &str, bindings: &[RoleBinding]) -> BTreeSet<RoleKey> {
    bindings
        .iter()
        .filter(|b| !is_known_puller(&key(b)))
        .filter(|b| {
            let (nss, everyone) = reach(namespace, b);
            !nss.is_empty() || !everyone.is_empty()
        })
        .map(key)
        .collect()
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The pure core of [`discover`]: the consumer namespaces the RoleBindings of `namespace` name,
/// and what could not be checked. `roles` holds what reading each of [`roles_to_read`] gave.
pub fn consumers_from_bindings(
    namespace: &str,
    bindings: &[RoleBinding],
    roles: &BTreeMap<RoleKey, RoleRules>,
) -> (BTreeSet<String>, Vec<String>) {
    let mut namespaces = BTreeSet::new();
    let mut unchecked = Vec::new();
    let mut everyone = Vec::new();
    let mut sorted: Vec<&RoleBinding> = bindings.iter().collect();
    sorted.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    for b in sorted {
        let (nss, all) = reach(namespace, b);
        if nss.is_empty() && all.is_empty() {
            continue;
        }
        let k = key(b);
        let name = b.metadata.name.as_deref().unwrap_or_default();
        let pulls = if is_known_puller(&k) {
            true
        } else {
            match roles.get(&k) {
                Some(RoleRules::Rules(rules)) => grants_pull(rules),
                Some(RoleRules::Missing) => false,
                Some(RoleRules::Unreadable(why)) => {
                    let mut whom: Vec<String> = nss.iter().cloned().collect();
                    if !all.is_empty() {
                        whom.push("every namespace".into());
                    }
                    unchecked.push(format!(
                        "cannot tell whether {} {:?} (bound by rolebinding {name:?}) lets {} pull from {namespace:?}: {why}",
                        k.0, k.1, quoted_list(&whom)
                    ));
                    continue;
                }
                None => {
                    unchecked.push(format!(
                        "cannot tell whether {} {:?} (bound by rolebinding {name:?}) lets other namespaces pull from {namespace:?}: it was not read",
                        k.0, k.1
                    ));
                    continue;
                }
            }
        };
        if !pulls {
            continue;
        }
        namespaces.extend(nss);
        for a in all {
            everyone.push(format!(
                "rolebinding {name:?} grants {}/{} to {a}",
                k.0, k.1
            ));
        }
    }
    if !everyone.is_empty() {
        unchecked.push(format!(
            "images of {namespace:?} are pullable by every namespace ({}): pass the namespaces that use them with --consumers NS,… or check all namespaces with -A",
            everyone.join("; ")
        ));
    }
    (namespaces, unchecked)
}

/// The namespaces that may pull images from `namespace`, found from its RoleBindings.
/// Never fails: what it cannot find out is in `unchecked`. A cluster without the RBAC API (404)
/// has nothing to find.
pub async fn discover(cluster: &Cluster, namespace: &str) -> Consumers {
    let bindings = match list_bindings(cluster, namespace).await {
        Ok(b) => b,
        Err(None) => return Consumers::default(),
        Err(Some(why)) => {
            return Consumers {
                namespaces: BTreeSet::new(),
                unchecked: vec![why],
            };
        }
    };
    let mut roles = BTreeMap::new();
    for k in roles_to_read(namespace, &bindings) {
        let rules = read_role(cluster, namespace, &k).await;
        roles.insert(k, rules);
    }
    let (namespaces, unchecked) = consumers_from_bindings(namespace, &bindings, &roles);
    Consumers {
        namespaces,
        unchecked,
    }
}

const RBAC: &str = "rbac.authorization.k8s.io";

/// `Err(None)`: no RBAC API (404).
async fn list_bindings(
    cluster: &Cluster,
    namespace: &str,
) -> Result<Vec<RoleBinding>, Option<String>> {
    let api: Api<RoleBinding> = Api::namespaced(cluster.client.clone(), namespace);
    let mut params = ListParams::default().limit(500);
    let mut out = Vec::new();
    loop {
        let (page, _) = with_retries(RetryPolicy::default(), || api.list(&params)).await;
        let page = match page {
            Ok(p) => p,
            Err(kube::Error::Api(s)) if s.code == 404 => return Err(None),
            Err(kube::Error::Api(s)) if s.code == 403 => {
                return Err(Some(format!(
                    "cannot find the namespaces that pull from {namespace:?}: you may not list rolebindings in namespace {namespace:?} (grant list on rolebindings.{RBAC}, or name them with --consumers)"
                )));
            }
            Err(e) => {
                let ctx = ApiContext {
                    verb: "list",
                    resource: "rolebindings",
                    group: RBAC,
                    namespace: Some(namespace),
                    url: &cluster.url,
                };
                return Err(Some(format!(
                    "cannot find the namespaces that pull from {namespace:?}: {}",
                    api_error(e, &ctx).message
                )));
            }
        };
        out.extend(page.items);
        match page.metadata.continue_ {
            Some(t) if !t.is_empty() => params = params.continue_token(&t),
            _ => return Ok(out),
        }
    }
}

async fn read_role(cluster: &Cluster, namespace: &str, k: &RoleKey) -> RoleRules {
    let (kind, name) = (k.0.as_str(), k.1.as_str());
    let (got, resource, scope) = match kind {
        "Role" => {
            let api: Api<Role> = Api::namespaced(cluster.client.clone(), namespace);
            let (r, _) = with_retries(RetryPolicy::default(), || api.get(name)).await;
            (
                r.map(|r| r.rules.unwrap_or_default()),
                "roles",
                Some(namespace),
            )
        }
        "ClusterRole" => {
            let api: Api<ClusterRole> = Api::all(cluster.client.clone());
            let (r, _) = with_retries(RetryPolicy::default(), || api.get(name)).await;
            (r.map(|r| r.rules.unwrap_or_default()), "clusterroles", None)
        }
        // The apiserver refuses any other roleRef kind; a binding to one grants nothing.
        _ => return RoleRules::Missing,
    };
    match got {
        Ok(rules) => RoleRules::Rules(rules),
        Err(kube::Error::Api(s)) if s.code == 404 => RoleRules::Missing,
        Err(kube::Error::Api(s)) if s.code == 403 => RoleRules::Unreadable(match scope {
            Some(ns) => format!(
                "you may not get {resource} in namespace {ns:?} (grant get on {resource}.{RBAC}, or name them with --consumers)"
            ),
            None => format!(
                "you may not get {resource} (grant get on {resource}.{RBAC}, or name them with --consumers)"
            ),
        }),
        Err(e) => {
            let ctx = ApiContext {
                verb: "get",
                resource,
                group: RBAC,
                namespace: scope,
                url: &cluster.url,
            };
            RoleRules::Unreadable(api_error(e, &ctx).message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/openshift-4.13-round2/"
    );

    fn fixture(name: &str) -> serde_json::Value {
        let text = std::fs::read_to_string(format!("{FIXTURES}{name}.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Recording 202: `alice` bound to `edit`, group `system:serviceaccounts:ceo-rec-prod` to
    /// `system:image-puller`, in `ceo-rec`.
    fn recorded_bindings() -> Vec<RoleBinding> {
        serde_json::from_value(fixture("202-list-rolebindings-admin")["items"].clone()).unwrap()
    }

    fn binding(name: &str, kind: &str, role: &str, subjects: serde_json::Value) -> RoleBinding {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "tools"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": role},
            "subjects": subjects,
        }))
        .unwrap()
    }

    fn rules(v: serde_json::Value) -> RoleRules {
        RoleRules::Rules(serde_json::from_value(v).unwrap())
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_recorded_image_puller_grant_names_the_consumer() {
        let bindings = recorded_bindings();
        assert!(roles_to_read("ceo-rec", &bindings).is_empty());
        let (nss, unchecked) = consumers_from_bindings("ceo-rec", &bindings, &BTreeMap::new());
        assert_eq!(nss, set(&["ceo-rec-prod"]));
        assert!(unchecked.is_empty(), "{unchecked:?}");
    }

    #[test]
    fn the_recorded_image_puller_role_grants_pull() {
        let role: ClusterRole =
            serde_json::from_value(fixture("204-clusterrole-image-puller")).unwrap();
        assert!(grants_pull(&role.rules.unwrap()));
    }

    #[test]
    fn subjects_map_to_namespaces() {
        let b = binding(
            "pullers",
            "ClusterRole",
            "system:image-puller",
            json!([
                {"kind": "Group", "name": "system:serviceaccounts:dev"},
                {"kind": "ServiceAccount", "name": "default", "namespace": "test"},
                {"kind": "User", "name": "system:serviceaccount:prod:deployer"},
                // Its own service accounts: not a consumer of its own.
                {"kind": "Group", "name": "system:serviceaccounts:tools"},
                {"kind": "ServiceAccount", "name": "builder"},
                // People, and groups of people: not workloads.
                {"kind": "User", "name": "alice"},
                {"kind": "Group", "name": "developers"},
                {"kind": "Group", "name": "system:serviceaccounts:"},
            ]),
        );
        let (nss, unchecked) = consumers_from_bindings("tools", &[b], &BTreeMap::new());
        assert_eq!(nss, set(&["dev", "prod", "test"]));
        assert!(unchecked.is_empty(), "{unchecked:?}");
    }

    #[test]
    fn roles_that_do_not_grant_pull_name_no_consumer() {
        let bindings = vec![
            binding(
                "deployers",
                "ClusterRole",
                "system:deployer",
                json!([{"kind": "Group", "name": "system:serviceaccounts:dev"}]),
            ),
            binding(
                "readers",
                "Role",
                "stream-reader",
                json!([{"kind": "Group", "name": "system:serviceaccounts:test"}]),
            ),
            binding(
                "gone",
                "Role",
                "deleted",
                json!([{"kind": "Group", "name": "system:serviceaccounts:qa"}]),
            ),
            binding(
                "custom",
                "Role",
                "puller",
                json!([{"kind": "Group", "name": "system:serviceaccounts:prod"}]),
            ),
        ];
        let want: BTreeSet<RoleKey> = [
            ("ClusterRole", "system:deployer"),
            ("Role", "deleted"),
            ("Role", "puller"),
            ("Role", "stream-reader"),
        ]
        .iter()
        .map(|(k, n)| (k.to_string(), n.to_string()))
        .collect();
        assert_eq!(roles_to_read("tools", &bindings), want);
        let roles = BTreeMap::from([
            (
                ("ClusterRole".into(), "system:deployer".into()),
                rules(
                    json!([{"verbs": ["get", "list", "update"], "apiGroups": [""], "resources": ["replicationcontrollers"]}]),
                ),
            ),
            (
                ("Role".into(), "stream-reader".into()),
                // Reading streams is not pulling; `update` on layers alone is not either.
                rules(json!([
                    {"verbs": ["get", "list"], "apiGroups": ["image.openshift.io"], "resources": ["imagestreams"]},
                    {"verbs": ["update"], "apiGroups": ["image.openshift.io"], "resources": ["imagestreams/layers"]},
                    {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["*"]}
                ])),
            ),
            (("Role".into(), "deleted".into()), RoleRules::Missing),
            (
                ("Role".into(), "puller".into()),
                rules(
                    json!([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["imagestreams/layers"], "resourceNames": ["myapp"]}]),
                ),
            ),
        ]);
        let (nss, unchecked) = consumers_from_bindings("tools", &bindings, &roles);
        assert_eq!(nss, set(&["prod"]));
        assert!(unchecked.is_empty(), "{unchecked:?}");
    }

    #[test]
    fn rule_matching_follows_rbac_wildcards() {
        let r = |verbs: &[&str], groups: &[&str], resources: &[&str]| -> Vec<PolicyRule> {
            serde_json::from_value(
                json!([{"verbs": verbs, "apiGroups": groups, "resources": resources}]),
            )
            .unwrap()
        };
        assert!(grants_pull(&r(&["get"], &[""], &["imagestreams/layers"])));
        assert!(grants_pull(&r(&["*"], &["*"], &["*"])));
        assert!(grants_pull(&r(
            &["get"],
            &["image.openshift.io"],
            &["*/layers"]
        )));
        assert!(!grants_pull(&r(&["list"], &["*"], &["*"])));
        assert!(!grants_pull(&r(&["get"], &["apps"], &["*"])));
        assert!(!grants_pull(&r(&["get"], &["*"], &["imagestreams"])));
        assert!(!grants_pull(&[]));
    }

    #[test]
    fn everyone_cannot_be_enumerated() {
        let bindings = vec![
            binding(
                "public",
                "ClusterRole",
                "system:image-puller",
                json!([{"kind": "Group", "name": "system:authenticated"},
                       {"kind": "Group", "name": "system:serviceaccounts:dev"}]),
            ),
            binding(
                "anon",
                "ClusterRole",
                "system:image-puller",
                json!([{"kind": "Group", "name": "system:unauthenticated"}]),
            ),
            // Not a puller role: no sentence for it.
            binding(
                "not-pull",
                "ClusterRole",
                "system:deployer",
                json!([{"kind": "Group", "name": "system:serviceaccounts"}]),
            ),
        ];
        let roles = BTreeMap::from([(
            ("ClusterRole".into(), "system:deployer".into()),
            RoleRules::Rules(Vec::new()),
        )]);
        let (nss, unchecked) = consumers_from_bindings("tools", &bindings, &roles);
        assert_eq!(nss, set(&["dev"]));
        assert_eq!(
            unchecked,
            [
                "images of \"tools\" are pullable by every namespace (rolebinding \"anon\" grants ClusterRole/system:image-puller to group system:unauthenticated; rolebinding \"public\" grants ClusterRole/system:image-puller to group system:authenticated): pass the namespaces that use them with --consumers NS,… or check all namespaces with -A"
            ]
        );
    }

    #[test]
    fn an_unreadable_role_is_named() {
        let bindings = vec![binding(
            "ci",
            "Role",
            "ci-puller",
            json!([{"kind": "ServiceAccount", "name": "jenkins", "namespace": "ci"}]),
        )];
        let roles = BTreeMap::from([(
            ("Role".into(), "ci-puller".into()),
            RoleRules::Unreadable("you may not get roles in namespace \"tools\" (grant get on roles.rbac.authorization.k8s.io, or name them with --consumers)".into()),
        )]);
        let (nss, unchecked) = consumers_from_bindings("tools", &bindings, &roles);
        assert!(nss.is_empty());
        assert_eq!(
            unchecked,
            [
                "cannot tell whether Role \"ci-puller\" (bound by rolebinding \"ci\") lets \"ci\" pull from \"tools\": you may not get roles in namespace \"tools\" (grant get on roles.rbac.authorization.k8s.io, or name them with --consumers)"
            ]
        );
        // Not read at all (a caller that skipped roles_to_read): said too.
        let (_, unchecked) = consumers_from_bindings("tools", &bindings, &BTreeMap::new());
        assert!(unchecked[0].contains("it was not read"), "{unchecked:?}");
    }

    // ---- discover, against the simulator -----------------------------------------------------

    use crate::sim::{Rule, Sim, SimOptions};

    async fn cluster(sim: &Sim, token: &str) -> Cluster {
        let yaml = crate::sim::kubeconfig::render(&sim.url(), sim.ca_pem(), token, "tools");
        let conn = crate::cli::Connection {
            inline_kubeconfig: Some(yaml),
            ..Default::default()
        };
        super::super::connect(&conn).await.unwrap()
    }

    /// `tools` builds; `dev` pulls through system:image-puller, `ci` through a custom Role, `prod`
    /// through a custom ClusterRole; `test` is bound to a Role that does not grant pull.
    async fn tools_and_its_consumers() -> Sim {
        let sim = Sim::start(SimOptions::default()).await.unwrap();
        sim.add_role_binding(
            "tools",
            "system:image-puller",
            "ClusterRole",
            "system:image-puller",
            &["group:system:serviceaccounts:dev"],
        );
        // What every OpenShift project has: its own service accounts, people.
        sim.add_role_binding(
            "tools",
            "system:image-pullers",
            "ClusterRole",
            "system:image-puller",
            &["group:system:serviceaccounts:tools"],
        );
        sim.add_role_binding("tools", "admin", "ClusterRole", "admin", &["user:alice"]);
        sim.add_role(
            "tools",
            "ci-puller",
            json!([{"verbs": ["get"], "apiGroups": ["image.openshift.io"], "resources": ["imagestreams/layers"]}]),
        );
        sim.add_role_binding(
            "tools",
            "ci",
            "Role",
            "ci-puller",
            &["serviceaccount:ci:jenkins"],
        );
        sim.add_cluster_role(
            "team-puller",
            json!([{"verbs": ["*"], "apiGroups": [""], "resources": ["imagestreams/layers"]}]),
        );
        sim.add_role_binding(
            "tools",
            "prod",
            "ClusterRole",
            "team-puller",
            &["user:system:serviceaccount:prod:deployer"],
        );
        sim.add_role(
            "tools",
            "reader",
            json!([{"verbs": ["get", "list"], "apiGroups": ["image.openshift.io"], "resources": ["imagestreams"]}]),
        );
        sim.add_role_binding(
            "tools",
            "test",
            "Role",
            "reader",
            &["group:system:serviceaccounts:test"],
        );
        sim
    }

    #[tokio::test]
    async fn discover_finds_the_consumers() {
        let sim = tools_and_its_consumers().await;
        let c = discover(&cluster(&sim, sim.admin_token()).await, "tools").await;
        assert_eq!(c.namespaces, set(&["ci", "dev", "prod"]));
        assert!(c.unchecked.is_empty(), "{:?}", c.unchecked);
        // One LIST; a GET only for the custom roles bound beyond the namespace.
        assert_eq!(sim.count("GET", "/rolebindings"), 1);
        assert_eq!(sim.count("GET", "/roles/"), 2);
        assert_eq!(sim.count("GET", "/clusterroles/"), 1);
        // A namespace nobody pulls from.
        let c = discover(&cluster(&sim, sim.admin_token()).await, "dev").await;
        assert_eq!(c, Consumers::default());
    }

    #[tokio::test]
    async fn discover_says_what_it_may_not_read() {
        let sim = tools_and_its_consumers().await;
        sim.add_user(
            "no-rbac",
            "alice",
            vec![Rule::new(
                &["get", "list"],
                &["imagestreams"],
                Some(&["tools"]),
            )],
        );
        let c = discover(&cluster(&sim, "no-rbac").await, "tools").await;
        assert!(c.namespaces.is_empty());
        assert_eq!(
            c.unchecked,
            [
                "cannot find the namespaces that pull from \"tools\": you may not list rolebindings in namespace \"tools\" (grant list on rolebindings.rbac.authorization.k8s.io, or name them with --consumers)"
            ]
        );

        // May list the bindings but read no role: the built-in is enough for `dev`, each custom
        // role bound beyond the namespace is named (sorted by binding).
        sim.add_user(
            "list-only",
            "bob",
            vec![Rule::new(&["list"], &["rolebindings"], Some(&["tools"]))],
        );
        let c = discover(&cluster(&sim, "list-only").await, "tools").await;
        assert_eq!(c.namespaces, set(&["dev"]));
        assert_eq!(c.unchecked.len(), 3, "{:?}", c.unchecked);
        assert!(
            c.unchecked[0].starts_with("cannot tell whether Role \"ci-puller\" (bound by rolebinding \"ci\") lets \"ci\" pull from \"tools\": you may not get roles in namespace \"tools\""),
            "{:?}",
            c.unchecked
        );
        assert!(
            c.unchecked[1].contains("ClusterRole \"team-puller\"")
                && c.unchecked[1].contains("you may not get clusterroles"),
            "{:?}",
            c.unchecked
        );
        assert!(
            c.unchecked[2].contains("Role \"reader\"") && c.unchecked[2].contains("\"test\""),
            "{:?}",
            c.unchecked
        );
    }

    #[tokio::test]
    async fn discover_retries_faults_and_reports_bad_answers() {
        let sim = tools_and_its_consumers().await;
        sim.set_fail_rate(0.3);
        let c = discover(&cluster(&sim, sim.admin_token()).await, "tools").await;
        assert_eq!(c.namespaces, set(&["ci", "dev", "prod"]));
        sim.set_fail_rate(0.0);
        sim.set_response_override("/rolebindings", crate::sim::Override::MalformedJson);
        let c = discover(&cluster(&sim, sim.admin_token()).await, "tools").await;
        assert!(c.namespaces.is_empty());
        assert_eq!(c.unchecked.len(), 1);
        assert!(
            c.unchecked[0].starts_with("cannot find the namespaces that pull from \"tools\": "),
            "{:?}",
            c.unchecked
        );
    }
}
