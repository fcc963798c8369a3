//! Protected because another namespace pulls from this one: on OpenShift a team builds in one
//! namespace and runs in others, whose service accounts are bound to `system:image-puller` in
//! the building one (recording 201: `oc policy add-role-to-group system:image-puller
//! system:serviceaccounts:<consumer> -n <building>`). `prune -n mynamespace` must look there:
//! workloads and spec tags of the consumer protect as the namespace's own do.

use prunetags::model::{ObjectReference, TagReference};
use prunetags::sim::Rule;
use serde_json::{Value, json};

use crate::common::{NS, digest_of, kubeconfig_for, run_with};
use crate::harness::{Harness, Run};

const REGISTRY: &str = "image-registry.openshift-image-registry.svc:5000";

/// `dev` runs v2.0.3 by tag and v2.0.4 by digest, through the registry.
fn dev_runs_old_versions(h: &Harness) {
    h.sim.add_workload(
        "dev",
        "deployments",
        json!({"metadata": {"name": "web"}, "spec": {"template": {"spec": {"containers": [
            {"name": "web", "image": format!("{REGISTRY}/{NS}/myapp:v2.0.3")}
        ]}}}}),
    );
    let d = digest_of(h, "v2.0.4");
    h.sim.add_workload(
        "dev",
        "pods",
        json!({"metadata": {"name": "job-1"}, "spec": {"containers": [
            {"name": "job", "image": format!("{REGISTRY}/{NS}/myapp@{d}")}
        ]}}),
    );
}

fn grant_pull(h: &Harness, consumer: &str) {
    h.sim.add_role_binding(
        NS,
        "system:image-puller",
        "ClusterRole",
        "system:image-puller",
        &[&format!("group:system:serviceaccounts:{consumer}")],
    );
}

fn prune(h: &Harness, extra: &[&str]) -> Run {
    let mut args = vec!["prune", "myapp", "--keep", "5", "--yes", "-o", "json"];
    args.extend_from_slice(extra);
    h.run(&args)
}

fn reasons(run: &Run, tag: &str) -> String {
    let doc: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    doc["plan"]["streams"][0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == tag)
        .map(|t| t["reasons"].to_string())
        .unwrap_or_default()
}

fn has(h: &Harness, tag: &str) -> bool {
    h.tags("myapp").contains(&tag.to_owned())
}

#[test]
fn an_image_puller_binding_makes_a_namespace_a_consumer() {
    let h = Harness::seed();
    dev_runs_old_versions(&h);
    grant_pull(&h, "dev");
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        has(&h, "v2.0.3") && has(&h, "v2.0.4"),
        "{:?}",
        h.tags("myapp")
    );
    assert!(!has(&h, "v2.0.5"));
    assert!(
        reasons(&run, "v2.0.3").contains("dev/deployment/web"),
        "{}",
        reasons(&run, "v2.0.3")
    );
    assert!(reasons(&run, "v2.0.4").contains("dev/pod/job-1"));
    assert_eq!(h.tags("myapp").len(), 22 - 14);
}

#[test]
fn without_a_binding_another_namespace_does_not_count() {
    let h = Harness::seed();
    dev_runs_old_versions(&h);
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!has(&h, "v2.0.3") && !has(&h, "v2.0.4"));
}

#[test]
fn a_spec_tag_in_a_consumer_namespace_protects() {
    let h = Harness::seed();
    grant_pull(&h, "prod");
    // prod tags from the building namespace, as a cross-namespace promotion does.
    let t = TagReference {
        name: "stable".into(),
        from: Some(ObjectReference {
            kind: "ImageStreamTag".into(),
            namespace: Some(NS.into()),
            name: "myapp:v2.0.2".into(),
        }),
        ..Default::default()
    };
    h.sim.with_store(|s| {
        s.ensure_namespace("prod");
        let mut is = prunetags::model::ImageStream::default();
        is.metadata.name = Some("app".into());
        is.spec.tags = Some(vec![t]);
        s.create_stream("prod", is).unwrap();
    });
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(has(&h, "v2.0.2"));
    assert!(
        reasons(&run, "v2.0.2").contains("prod/app:stable"),
        "{}",
        reasons(&run, "v2.0.2")
    );
}

#[test]
fn consumers_flag_names_them_without_a_binding() {
    let h = Harness::seed();
    dev_runs_old_versions(&h);
    let run = prune(&h, &["--consumers", "dev,qa"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(has(&h, "v2.0.3") && has(&h, "v2.0.4"));
}

/// A namespace user: everything in `mynamespace` (image API, workloads), plus `extra`.
fn user(h: &Harness, token: &str, extra: Vec<Rule>) -> std::path::PathBuf {
    let mut rules = vec![
        Rule::new(&["get", "list", "watch"], &["*"], Some(&[NS])),
        Rule::new(&["delete"], &["imagestreamtags"], Some(&[NS])),
    ];
    rules.extend(extra);
    h.sim.add_user(token, token, rules);
    kubeconfig_for(h, token)
}

#[test]
fn unreadable_role_bindings_warn_and_an_unattended_run_refuses() {
    let h = Harness::seed();
    // An `edit` user: no list on rolebindings (recording 203). Our simulator's rule "*" in
    // mynamespace would include rolebindings, so this user gets the image API and workloads only.
    h.sim.add_user(
        "alice",
        "alice",
        vec![
            Rule::new(
                &["get", "list", "watch"],
                &["imagestreams", "imagestreamtags", "imagestreams/layers"],
                Some(&[NS]),
            ),
            Rule::new(&["delete"], &["imagestreamtags"], Some(&[NS])),
            Rule::new(
                &["list"],
                &prunetags::cluster::WORKLOADS
                    .iter()
                    .map(|w| w.3)
                    .collect::<Vec<_>>(),
                Some(&[NS]),
            ),
        ],
    );
    let path = kubeconfig_for(&h, "alice");
    let run = run_with(&h, &path, &["prune", "myapp", "--keep", "5", "--yes"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let warning = run
        .stderr
        .lines()
        .find(|l| l.starts_with("warning:"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        warning.contains("rolebindings") && warning.contains(NS),
        "{warning}"
    );
    assert_eq!(h.tags("myapp").len(), 22, "nothing deleted");
    // Naming the consumers stands in for the discovery.
    let run = run_with(
        &h,
        &path,
        &[
            "prune",
            "myapp",
            "--keep",
            "5",
            "--yes",
            "--consumers",
            "none",
        ],
    );
    assert_eq!(
        run.code, 3,
        "no rights in the named namespace either: {}",
        run.stderr
    );
    assert!(run.stderr.contains("\"none\""), "{}", run.stderr);
    let run = run_with(
        &h,
        &path,
        &["prune", "myapp", "--keep", "5", "--yes", "--ignore-in-use"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(h.tags("myapp").len(), 6);
}

#[test]
fn a_consumer_namespace_without_rights_warns_and_an_unattended_run_refuses() {
    let h = Harness::seed();
    dev_runs_old_versions(&h);
    grant_pull(&h, "dev");
    let path = user(&h, "bob", vec![]);
    let run = run_with(&h, &path, &["prune", "myapp", "--keep", "5", "--yes"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    // One line for the namespace, naming what may not be listed there.
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("\"dev\""))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains("you may not list imagestreams, pods"),
        "{}",
        lines[0]
    );
    assert_eq!(h.tags("myapp").len(), 22);
    // With the consumer recipe's rights in dev, the same run protects what dev runs.
    let path = user(
        &h,
        "carol",
        vec![Rule::new(&["list"], &["*"], Some(&["dev"]))],
    );
    let run = run_with(&h, &path, &["prune", "myapp", "--keep", "5", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(has(&h, "v2.0.3") && has(&h, "v2.0.4"));
}
