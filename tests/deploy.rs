//! The unattended recipe in deploy/: the CronJob runs what README says, and its Role is exactly
//! enough. The binary runs against the simulator as a user whose RBAC is the Role's rules
//! translated one to one: `list`, `usage` and the CronJob's `prune --keep N --yes -o json` all
//! work; without any single permission of the Role, some command fails and says which verb on
//! which resource it lacks (so every permission is needed); `--keep-revisions` needs the
//! optional Role in deploy/keep-revisions-rbac.yaml. Consumer discovery (`cluster::consumers`)
//! is also proved through the library: the Role's `list rolebindings` and `get roles` are each
//! needed; deploy/consumer-namespace.yaml is exactly what the ServiceAccount
//! needs to see a consumer namespace's workloads and image streams.

mod harness;
mod recipes;

use std::collections::BTreeSet;

use harness::{Harness, Run};
use prunetags::sim::Rule;
use recipes::{docs, find, permissions, strings};
use serde_yaml::Value;

const NS: &str = "mynamespace";
const RBAC: &str = "rbac.authorization.k8s.io";
/// A consumer namespace (its service accounts pull from NS).
const CONSUMER: &str = "dev";

/// The simulator's RBAC is per resource and verb (it does not look at API groups; the test of
/// the groups is `role_names_the_right_api_groups`).
fn sim_rules(perms: &BTreeSet<(String, String, String)>) -> Vec<Rule> {
    perms
        .iter()
        .map(|(_, r, v)| Rule::new(&[v], &[r], Some(&[NS])))
        .collect()
}

/// A simulator and a kubeconfig whose user has exactly `perms` in the namespace.
fn as_service_account(perms: &BTreeSet<(String, String, String)>) -> Harness {
    let h = Harness::seed();
    h.sim.add_user(
        "sa-token",
        "system:serviceaccount:mynamespace:oc-prunetags",
        sim_rules(perms),
    );
    let kubeconfig = std::fs::read_to_string(&h.kubeconfig)
        .unwrap()
        .replace(h.sim.admin_token(), "sa-token");
    std::fs::write(&h.kubeconfig, kubeconfig).unwrap();
    h
}

fn role_permissions() -> BTreeSet<(String, String, String)> {
    permissions(find(&docs("cronjob.yaml"), "Role"))
}

fn cronjob_args() -> Vec<String> {
    let docs = docs("cronjob.yaml");
    let pod = &find(&docs, "CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    strings(&pod["containers"][0]["args"])
}

fn run(h: &Harness, args: &[String]) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    h.run(&args)
}

#[test]
fn manifests_fit_together() {
    let docs = docs("cronjob.yaml");
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["ServiceAccount", "Role", "RoleBinding", "CronJob"]);
    let sa = find(&docs, "ServiceAccount")["metadata"]["name"]
        .as_str()
        .unwrap();
    let role = find(&docs, "Role")["metadata"]["name"].as_str().unwrap();
    let binding = find(&docs, "RoleBinding");
    assert_eq!(binding["roleRef"]["kind"].as_str(), Some("Role"));
    assert_eq!(binding["roleRef"]["name"].as_str(), Some(role));
    assert_eq!(
        binding["subjects"][0]["kind"].as_str(),
        Some("ServiceAccount")
    );
    assert_eq!(binding["subjects"][0]["name"].as_str(), Some(sa));
    let cron = find(&docs, "CronJob");
    assert_eq!(cron["apiVersion"].as_str(), Some("batch/v1"));
    assert_eq!(cron["spec"]["concurrencyPolicy"].as_str(), Some("Forbid"));
    let pod = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    assert_eq!(pod["serviceAccountName"].as_str(), Some(sa));
    assert_eq!(pod["restartPolicy"].as_str(), Some("Never"));
    assert_eq!(strings(&pod["containers"][0]["command"]), ["oc-prunetags"]);
    assert_eq!(
        cronjob_args(),
        // No journal file: the pod's files vanish with it; its JSON log is the journal
        // (tests/restore_cli.rs restores from a prune's -o json output).
        [
            "prune",
            "--keep",
            "10",
            "--yes",
            "-o",
            "json",
            "--no-journal"
        ]
    );
    // The binary accepts exactly these arguments.
    let mut argv = vec!["oc-prunetags".to_owned()];
    argv.extend(cronjob_args());
    let cli = <prunetags::cli::Cli as clap::Parser>::try_parse_from(argv).unwrap();
    cli.into_config().unwrap();

    let extra = docs_of_revisions();
    let binding = find(&extra, "RoleBinding");
    assert_eq!(binding["subjects"][0]["name"].as_str(), Some(sa));
    assert_eq!(
        binding["roleRef"]["name"].as_str(),
        find(&extra, "Role")["metadata"]["name"].as_str()
    );
}

fn docs_of_revisions() -> Vec<Value> {
    docs("keep-revisions-rbac.yaml")
}

#[test]
fn role_names_the_right_api_groups() {
    let image = "image.openshift.io";
    let mut want: BTreeSet<(String, String, String)> = [
        (image, "imagestreams", "get"),
        (image, "imagestreams", "list"),
        (image, "imagestreams", "watch"),
        (image, "imagestreams/layers", "get"),
        (image, "imagestreamimages", "get"),
        (image, "imagestreamtags", "delete"),
    ]
    .iter()
    .map(|(g, r, v)| (g.to_string(), r.to_string(), v.to_string()))
    .collect();
    // The workloads the in-use protection lists, from the code that lists them.
    for (group, _, _, plural) in prunetags::cluster::WORKLOADS {
        want.insert((group.to_string(), plural.to_string(), "list".into()));
    }
    // Consumer discovery.
    want.insert((RBAC.into(), "rolebindings".into(), "list".into()));
    want.insert((RBAC.into(), "roles".into(), "get".into()));
    assert_eq!(role_permissions(), want);
    let extra = permissions(find(&docs_of_revisions(), "Role"));
    assert_eq!(
        extra,
        BTreeSet::from([(
            image.to_string(),
            "imagestreams/status".to_string(),
            "update".to_string()
        )])
    );
}

#[test]
fn the_role_is_enough_for_everything() {
    let h = as_service_account(&role_permissions());
    let before = h.tags("myapp");
    for cmd in [
        &["list"][..],
        &["list", "--history"],
        &["usage"],
        &["prune", "--keep", "5", "--dry-run"],
    ] {
        let r = h.run(cmd);
        assert_eq!(r.code, 0, "{cmd:?}: {}", r.stderr);
        assert!(!r.stderr.contains("warning"), "{cmd:?}: {}", r.stderr);
        assert!(!r.stderr.contains("note:"), "{cmd:?}: {}", r.stderr);
    }
    assert_eq!(h.tags("myapp"), before);

    // What the CronJob runs (with a smaller --keep, so the seed has something to prune).
    let mut args = cronjob_args();
    args[2] = "5".into();
    let r = run(&h, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let deletions = doc["result"]["deletions"].as_array().unwrap();
    assert!(!deletions.is_empty(), "{}", r.stdout);
    let of_myapp = deletions
        .iter()
        .filter(|d| d["stream"].as_str() == Some("myapp"))
        .count();
    assert!(of_myapp > 0, "{}", r.stdout);
    let after = h.tags("myapp");
    assert_eq!(after.len(), before.len() - of_myapp);
    let semver = after.iter().filter(|t| t.starts_with('v')).count();
    assert!(semver >= 5, "{after:?}");
}

#[test]
fn one_permission_less_says_which() {
    let all = role_permissions();
    let mut prune = cronjob_args();
    prune[2] = "5".into();
    // Three permissions are not needed by every run, and are proved elsewhere: `get roles` is
    // read only for a custom role bound to another namespace's subjects
    // (`consumer_discovery_needs_each_rbac_permission`); with `watch imagestreams` a prune
    // decides each DELETE on the watched stream, and without it reads the stream with `get`
    // before each DELETE (tests/safety/races.rs,
    // `without_the_watch_each_delete_reads_its_stream_first`); `get` also reads a stream back
    // after a lost DELETE answer or a 409 (`a_lost_answer_is_resolved_by_reading_not_by_guessing`).
    let optional = |(g, r, v): &(String, String, String)| {
        (g == RBAC && r == "roles" && v == "get")
            || (r == "imagestreams" && (v == "watch" || v == "get"))
    };
    for missing in all.iter().filter(|p| !optional(p)) {
        let (_, resource, verb) = missing;
        let mut perms = all.clone();
        perms.remove(missing);
        let h = as_service_account(&perms);
        let runs: Vec<(String, Run)> = [
            vec!["list".to_owned()],
            vec!["usage".to_owned()],
            prune.clone(),
        ]
        .into_iter()
        .map(|args| (args.join(" "), run(&h, &args)))
        .collect();
        let names_it = |r: &Run| {
            // With -o json the per-tag errors are in the document on stdout (the CronJob's log
            // holds both streams).
            let said = format!("{}{}", r.stdout, r.stderr);
            let quoted = format!("cannot {verb} resource \"{resource}\"");
            said.contains(&format!("{verb} {resource}"))
                || said.contains(&quoted)
                || said.contains(&quoted.replace('"', "\\\""))
        };
        // Every permission is needed: without it some command fails, or warns (sizes unknown).
        let complaints: Vec<&(String, Run)> = runs
            .iter()
            .filter(|(_, r)| {
                r.code != 0 || r.stderr.contains("warning:") || r.stderr.contains("note:")
            })
            .collect();
        assert!(
            complaints.iter().any(|(_, r)| names_it(r)),
            "without {verb} {resource} nothing failed or said so: the Role grants more than needed, or the message is unclear: {runs:?}"
        );
        for (cmd, r) in runs.iter().filter(|(_, r)| r.code != 0) {
            assert!(
                names_it(r),
                "without {verb} {resource}, `{cmd}` (exit {}) should say so:\n{}{}",
                r.code,
                r.stdout,
                r.stderr
            );
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        }
    }
}

#[test]
fn without_delete_on_tags_the_prune_fails_clearly() {
    let mut perms = role_permissions();
    perms.retain(|(_, r, _)| r != "imagestreamtags");
    let h = as_service_account(&perms);
    let before = h.tags("myapp");
    let r = h.run(&["prune", "--keep", "5", "--yes"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("403"), "{}", r.stderr);
    assert!(r.stderr.contains("delete"), "{}", r.stderr);
    assert!(r.stderr.contains("imagestreamtags"), "{}", r.stderr);
    assert_eq!(h.tags("myapp"), before);
}

#[test]
fn without_list_pods_unattended_prune_refuses() {
    let mut perms = role_permissions();
    perms.retain(|(_, r, _)| r != "pods");
    let h = as_service_account(&perms);
    let before = h.tags("myapp");
    let r = h.run(&["prune", "--keep", "5", "--yes"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning:") && r.stderr.contains("pods"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--ignore-in-use"), "{}", r.stderr);
    assert_eq!(h.tags("myapp"), before);
    let r = h.run(&["prune", "--keep", "5", "--yes", "--ignore-in-use"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(h.tags("myapp").len() < before.len());
}

#[test]
fn keep_revisions_needs_the_optional_role() {
    let base = role_permissions();
    let h = as_service_account(&base);
    let r = h.run(&["prune", "--keep-revisions", "1", "--yes"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("imagestreams/status"), "{}", r.stderr);
    assert!(r.stderr.contains("update"), "{}", r.stderr);

    let mut perms = base;
    perms.extend(permissions(find(&docs_of_revisions(), "Role")));
    let h = as_service_account(&perms);
    let revisions = || -> usize {
        let is = h.sim.image_stream(NS, "myapp").unwrap();
        is.status
            .tags
            .unwrap_or_default()
            .iter()
            .map(|t| t.items.as_ref().map_or(0, Vec::len))
            .sum()
    };
    let before = revisions();
    let r = h.run(&["prune", "--keep-revisions", "1", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        revisions() < before,
        "no revision was trimmed: {}",
        r.stderr
    );
}

// ---- consumer namespaces -------------------------------------------------------------------

fn consumer_docs() -> Vec<Value> {
    docs("consumer-namespace.yaml")
}

fn consumer_permissions() -> BTreeSet<(String, String, String)> {
    permissions(find(&consumer_docs(), "Role"))
}

/// OpenShift binds `basic-user` to every authenticated user; it may get/list/watch ClusterRoles
/// (openshift/openshift-apiserver pkg/bootstrappolicy/policy.go, `system:openshift:aggregate-to-basic-user`).
fn basic_user() -> Rule {
    Rule::new(&["get", "list", "watch"], &["clusterroles"], None)
}

/// The ServiceAccount with `perms` in NS, `consumer` in CONSUMER, and basic-user; a `Cluster`
/// for it, and a runtime to call the library with.
fn library_as(
    h: &Harness,
    perms: &BTreeSet<(String, String, String)>,
    consumer: &BTreeSet<(String, String, String)>,
) -> (tokio::runtime::Runtime, prunetags::cluster::Cluster) {
    let mut rules = sim_rules(perms);
    rules.extend(
        consumer
            .iter()
            .map(|(_, r, v)| Rule::new(&[v], &[r], Some(&[CONSUMER]))),
    );
    rules.push(basic_user());
    h.sim.add_user(
        "lib-token",
        "system:serviceaccount:mynamespace:oc-prunetags",
        rules,
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let yaml = prunetags::sim::kubeconfig::render(&h.sim.url(), h.sim.ca_pem(), "lib-token", NS);
    let conn = prunetags::cli::Connection {
        inline_kubeconfig: Some(yaml),
        ..Default::default()
    };
    let cluster = rt.block_on(prunetags::cluster::connect(&conn)).unwrap();
    (rt, cluster)
}

/// NS is pulled from by CONSUMER (system:image-puller) and by `ci` (a custom Role).
fn with_consumers() -> Harness {
    let h = Harness::seed();
    h.sim.add_role_binding(
        NS,
        "system:image-puller",
        "ClusterRole",
        "system:image-puller",
        &["group:system:serviceaccounts:dev"],
    );
    h.sim.add_role(
        NS,
        "ci-puller",
        serde_json::json!([{"verbs": ["get"], "apiGroups": ["image.openshift.io"], "resources": ["imagestreams/layers"]}]),
    );
    h.sim.add_role_binding(
        NS,
        "ci",
        "Role",
        "ci-puller",
        &["serviceaccount:ci:jenkins"],
    );
    h.sim.add_workload(
        CONSUMER,
        "pods",
        serde_json::json!({"metadata": {"name": "web"}, "spec": {"containers": [
            {"name": "web", "image": "image-registry.openshift-image-registry.svc:5000/mynamespace/myapp:v2.1.8"}]}}),
    );
    h
}

#[test]
fn consumer_discovery_needs_each_rbac_permission() {
    let h = with_consumers();
    let all = role_permissions();
    let (rt, cluster) = library_as(&h, &all, &BTreeSet::new());
    let c = rt.block_on(prunetags::cluster::consumers::discover(&cluster, NS));
    assert_eq!(
        c.namespaces,
        BTreeSet::from(["ci".to_string(), CONSUMER.to_string()])
    );
    assert!(c.unchecked.is_empty(), "{:?}", c.unchecked);

    for missing in all.iter().filter(|(g, _, _)| g == RBAC) {
        let (_, resource, verb) = missing;
        let mut perms = all.clone();
        perms.remove(missing);
        let (rt, cluster) = library_as(&h, &perms, &BTreeSet::new());
        let c = rt.block_on(prunetags::cluster::consumers::discover(&cluster, NS));
        let says = format!("grant {verb} on {resource}.{RBAC}");
        assert!(
            c.unchecked.iter().any(|u| u.contains(&says)),
            "without {verb} {resource} discovery should say so: {:?}",
            c.unchecked
        );
    }
}

#[test]
fn consumer_recipe_fits_the_cronjob() {
    let docs = consumer_docs();
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Role", "RoleBinding"]);
    let binding = find(&docs, "RoleBinding");
    assert_eq!(binding["roleRef"]["kind"].as_str(), Some("Role"));
    assert_eq!(
        binding["roleRef"]["name"].as_str(),
        find(&docs, "Role")["metadata"]["name"].as_str()
    );
    let cron = self::docs("cronjob.yaml");
    let sa = find(&cron, "ServiceAccount")["metadata"]["name"].as_str();
    let subject = &binding["subjects"][0];
    assert_eq!(subject["kind"].as_str(), Some("ServiceAccount"));
    assert_eq!(subject["name"].as_str(), sa);
    // Another namespace's ServiceAccount: the namespace must be spelled out.
    assert_eq!(subject["namespace"].as_str(), Some("myproject"));

    // Exactly: every workload kind the in-use check lists, and the image streams (spec tags).
    let mut want: BTreeSet<(String, String, String)> = prunetags::cluster::WORKLOADS
        .iter()
        .map(|(g, _, _, plural)| (g.to_string(), plural.to_string(), "list".into()))
        .collect();
    want.insert((
        "image.openshift.io".into(),
        "imagestreams".into(),
        "list".into(),
    ));
    assert_eq!(consumer_permissions(), want);
}

#[test]
fn consumer_recipe_is_exactly_enough() {
    use prunetags::cluster::{Scope, list_image_streams, workload_images};
    let h = with_consumers();
    let base = role_permissions();
    let scope = Scope::Namespace(CONSUMER.into());

    // Without the recipe the consumer namespace is unreadable.
    let (rt, cluster) = library_as(&h, &base, &BTreeSet::new());
    let w = rt.block_on(workload_images(&cluster, &scope));
    assert_eq!(w.unchecked.len(), prunetags::cluster::WORKLOADS.len());

    let all = consumer_permissions();
    let (rt, cluster) = library_as(&h, &base, &all);
    let w = rt.block_on(workload_images(&cluster, &scope));
    assert!(w.unchecked.is_empty(), "{:?}", w.unchecked);
    assert_eq!(w.uses.len(), 1, "{:?}", w.uses);
    rt.block_on(list_image_streams(&cluster, &scope, None, &[]))
        .unwrap();

    for missing in &all {
        let (_, resource, verb) = missing;
        let mut perms = all.clone();
        perms.remove(missing);
        let (rt, cluster) = library_as(&h, &base, &perms);
        let w = rt.block_on(workload_images(&cluster, &scope));
        let streams = rt.block_on(list_image_streams(&cluster, &scope, None, &[]));
        let said = format!(
            "{:?} {}",
            w.unchecked,
            streams.err().map(|e| e.message).unwrap_or_default()
        );
        assert!(
            said.contains(&format!("{verb} {resource}")),
            "without {verb} {resource} in {CONSUMER} nothing said so: {said}"
        );
    }
}
