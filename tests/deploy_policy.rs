//! The policy recipes in deploy/ (#18): `policy-namespace.yaml` (one CronJob per namespace, on
//! top of `cronjob.yaml`'s Role) and `policy-platform.yaml` (one CronJob, `-A --policy`, a
//! ClusterRole). The binary runs what each CronJob runs, against the simulator, as a user whose
//! RBAC is the manifests' rules translated one to one: it works and honours each stream's
//! policy; without any single required permission the run fails or says which verb on which
//! resource it lacks.

mod harness;
mod recipes;

use std::collections::BTreeSet;

use harness::{Harness, Run};
use prunetags::sim::Rule;
use recipes::{Perm, docs, find, permissions, strings};
use serde_yaml::Value;

const NS: &str = "mynamespace";
const TEAM: &str = "team-b";
const P: &str = "prunetags.openshift.io/";

fn cronjob_args(docs: &[Value]) -> Vec<String> {
    let pod = &find(docs, "CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    strings(&pod["containers"][0]["args"])
}

/// The seed plus a second team's namespace, with policies on streams and namespaces.
fn cluster_with_policies(rules: Vec<Rule>) -> Harness {
    let h = Harness::seed();
    h.push_aged(
        TEAM,
        "api",
        &[
            ("1.0.0", 900),
            ("1.1.0", 800),
            ("1.2.0", 700),
            ("1.3.0", 600),
        ],
    );
    h.sim.with_store(|s| {
        let mut is = s.get_stream(NS, "myapp").unwrap();
        is.metadata.annotations = Some([(format!("{P}keep"), "5".to_owned())].into());
        is.metadata.resource_version = None;
        s.update_stream(NS, "myapp", is).unwrap();
        s.annotate_namespace(TEAM, &format!("{P}keep"), Some("2"));
    });
    h.sim
        .add_user("sa-token", "system:serviceaccount:x:oc-prunetags", rules);
    let kubeconfig = std::fs::read_to_string(&h.kubeconfig)
        .unwrap()
        .replace(h.sim.admin_token(), "sa-token");
    std::fs::write(&h.kubeconfig, kubeconfig).unwrap();
    h
}

fn run(h: &Harness, args: &[String], ns: Option<&str>) -> Run {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    if let Some(ns) = ns {
        all.extend(["-n", ns]);
    }
    h.run(&all)
}

/// Whether the run's output names `verb resource` as missing.
fn names_it(r: &Run, (_, resource, verb): &Perm) -> bool {
    let said = format!("{}{}", r.stdout, r.stderr);
    let quoted = format!("cannot {verb} resource \"{resource}\"");
    said.contains(&format!("{verb} {resource}"))
        || said.contains(&quoted)
        || said.contains(&quoted.replace('"', "\\\""))
}

// ---- one CronJob per namespace ----------------------------------------------------------------

fn namespace_perms() -> BTreeSet<Perm> {
    let mut all = permissions(find(&docs("cronjob.yaml"), "Role"));
    all.extend(permissions(find(&docs("policy-namespace.yaml"), "Role")));
    all
}

fn namespaced(perms: &BTreeSet<Perm>) -> Vec<Rule> {
    perms
        .iter()
        .map(|(_, r, v)| Rule::new(&[v], &[r], Some(&[NS])))
        .collect()
}

#[test]
fn namespace_recipe_fits_cronjob_yaml_and_adds_only_get_namespaces() {
    let base = docs("cronjob.yaml");
    let add = docs("policy-namespace.yaml");
    let kinds: Vec<&str> = add.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Role", "RoleBinding", "CronJob"]);
    assert_eq!(
        permissions(find(&add, "Role")),
        BTreeSet::from([(String::new(), "namespaces".into(), "get".into())])
    );
    let sa = find(&base, "ServiceAccount")["metadata"]["name"].as_str();
    assert_eq!(
        find(&add, "RoleBinding")["subjects"][0]["name"].as_str(),
        sa
    );
    // Same name: applied after cronjob.yaml, it replaces that CronJob.
    assert_eq!(
        find(&add, "CronJob")["metadata"]["name"].as_str(),
        find(&base, "CronJob")["metadata"]["name"].as_str()
    );
    let args = cronjob_args(&add);
    assert!(args.contains(&"--policy".to_owned()) && !args.contains(&"-A".to_owned()));
    let mut argv = vec!["oc-prunetags".to_owned()];
    argv.extend(args);
    let cli = <prunetags::cli::Cli as clap::Parser>::try_parse_from(argv).unwrap();
    cli.into_config().unwrap();
}

#[test]
fn namespace_recipe_is_enough_and_each_permission_is_needed() {
    let args = cronjob_args(&docs("policy-namespace.yaml"));
    let all = namespace_perms();
    let h = cluster_with_policies(namespaced(&all));
    let r = run(&h, &args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_eq!(h.tags("myapp").len(), 22 - 16, "myapp's own keep 5");
    assert_eq!(h.tags("frontend").len(), 8, "the flags' keep 10");

    // Without `get namespaces` every stream is skipped, and the warning says what is missing.
    let missing: Perm = (String::new(), "namespaces".into(), "get".into());
    let mut less = all.clone();
    less.remove(&missing);
    let h = cluster_with_policies(namespaced(&less));
    let r = run(&h, &args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(names_it(&r, &missing), "{}", r.stderr);
    assert_eq!(
        h.tags("myapp").len(),
        22,
        "nothing pruned on an unknown default"
    );
}

// ---- one CronJob for the platform -------------------------------------------------------------

fn platform_perms() -> BTreeSet<Perm> {
    permissions(find(&docs("policy-platform.yaml"), "ClusterRole"))
}

fn cluster_wide(perms: &BTreeSet<Perm>) -> Vec<Rule> {
    perms
        .iter()
        .map(|(_, r, v)| Rule::new(&[v], &[r], None))
        .collect()
}

#[test]
fn platform_recipe_names_the_right_api_groups_and_fits_together() {
    let docs = docs("policy-platform.yaml");
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "CronJob"
        ]
    );
    // cronjob.yaml's Role without consumer discovery (with -A every namespace is in scope),
    // plus the namespaces' annotations.
    let mut want: BTreeSet<Perm> = permissions(find(&self::docs("cronjob.yaml"), "Role"))
        .into_iter()
        .filter(|(g, _, _)| g != "rbac.authorization.k8s.io")
        .collect();
    want.insert((String::new(), "namespaces".into(), "list".into()));
    assert_eq!(platform_perms(), want);
    let binding = find(&docs, "ClusterRoleBinding");
    assert_eq!(
        binding["roleRef"]["name"].as_str(),
        find(&docs, "ClusterRole")["metadata"]["name"].as_str()
    );
    let sa = find(&docs, "ServiceAccount");
    assert_eq!(binding["subjects"][0]["name"], sa["metadata"]["name"]);
    assert_eq!(
        binding["subjects"][0]["namespace"],
        sa["metadata"]["namespace"]
    );
    let args = cronjob_args(&docs);
    assert!(args.contains(&"-A".to_owned()) && args.contains(&"--policy".to_owned()));
}

#[test]
fn platform_recipe_is_enough_and_each_permission_is_needed() {
    let args = cronjob_args(&docs("policy-platform.yaml"));
    let all = platform_perms();
    let h = cluster_with_policies(cluster_wide(&all));
    let r = run(&h, &args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_eq!(h.tags("myapp").len(), 22 - 16, "myapp's own keep 5");
    assert_eq!(h.tags("frontend").len(), 8, "the flags' keep 10");
    let team: Vec<String> = h.sim.tag_names(TEAM, "api");
    assert_eq!(team, ["1.2.0", "1.3.0"], "team-b's namespace keep 2");

    // As in tests/deploy.rs, `watch` and `get` of imagestreams only change how each DELETE is
    // decided again (tests/safety/races.rs); every other permission is needed.
    let optional = |(_, r, v): &Perm| r == "imagestreams" && (v == "watch" || v == "get");
    for missing in all.iter().filter(|p| !optional(p)) {
        let mut less = all.clone();
        less.remove(missing);
        let h = cluster_with_policies(cluster_wide(&less));
        let r = run(&h, &args, None);
        assert!(
            r.code != 0 || names_it(&r, missing),
            "without {missing:?} the run neither failed nor said so:\n{}\n{}",
            r.stdout,
            r.stderr
        );
        assert!(
            names_it(&r, missing),
            "{missing:?} not named:\n{}",
            r.stderr
        );
    }
}
