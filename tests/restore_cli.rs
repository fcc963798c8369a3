//! The journal and `restore`, end to end: the built binary against the simulator, whose
//! `imagestreammappings` answer as a real 4.13 server does (tests/sim_mappings.rs).

mod harness;

use std::path::PathBuf;
use std::time::Duration;

use harness::{Harness, Run};
use prunetags::sim::Rule;
use serde_json::Value;

/// The journal directory inside the harness's private HOME.
fn journal_dir(h: &Harness) -> PathBuf {
    h.dir.path().join(".local/state/oc-prunetags")
}

fn journals(h: &Harness) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(journal_dir(h))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// A JSON document as `path = value` lines, so that a difference reads as a few lines.
fn lines(v: &Value) -> Vec<String> {
    fn walk(v: &Value, path: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| walk(x, format!("{path}.{k}"), out)),
            Value::Array(a) => {
                // Items by name where they have one: a stream or a tag.
                a.iter().enumerate().for_each(|(i, x)| {
                    let key = x["tag"]
                        .as_str()
                        .or(x["name"].as_str())
                        .map_or(i.to_string(), str::to_owned);
                    walk(x, format!("{path}[{key}]"), out)
                })
            }
            _ => out.push(format!("{path} = {v}")),
        }
    }
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

/// The lines of `a` not in `b` and of `b` not in `a`.
fn diff(a: &Value, b: &Value) -> (Vec<String>, Vec<String>) {
    let (la, lb) = (lines(a), lines(b));
    (
        la.iter().filter(|l| !lb.contains(l)).cloned().collect(),
        lb.iter().filter(|l| !la.contains(l)).cloned().collect(),
    )
}

/// `list -o json` without what a restore cannot keep: what the server stamps on each
/// re-created revision, the time of the POST and the stream's current generation
/// (openshift-apiserver's mapping Create: `Created: metav1.Now()`, `Generation =
/// stream.Generation`).
fn state(h: &Harness) -> Value {
    let run = h.run(&["list", "-o", "json"]);
    run.assert_ok();
    let mut v: Value = serde_json::from_str(&run.stdout).unwrap();
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("created");
                if m.contains_key("dockerImageReference") {
                    m.remove("generation");
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

fn run_env(h: &Harness, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = h.command();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args);
    harness::run(cmd, Duration::from_secs(60))
}

/// A spec tag on a tag the prune deletes: restore must write it back.
fn add_spec_tag(h: &Harness, tag: &str) {
    let spec: prunetags::model::TagReference = serde_json::from_value(serde_json::json!({
        "name": tag,
        "annotations": {"team": "payments"},
        "from": {"kind": "DockerImage", "name": format!("quay.io/acme/myapp:{tag}")},
        "importPolicy": {"insecure": true},
        "referencePolicy": {"type": "Local"}
    }))
    .unwrap();
    h.sim
        .with_store(|s| s.add_spec_tag(&h.namespace, "myapp", spec).unwrap());
}

#[test]
fn prune_then_restore_gives_back_the_state_before() {
    let h = Harness::seed();
    add_spec_tag(&h, "v2.0.3");
    let before = state(&h);
    let run = h.run(&["prune", "myapp", "--keep", "5", "--yes"]);
    run.assert_ok();
    assert!(run.stderr.contains("Journal: "), "{}", run.stderr);
    assert_eq!(journals(&h).len(), 1);
    assert!(!h.tags("myapp").contains(&"v2.0.1".to_owned()));
    assert_ne!(diff(&state(&h), &before), (vec![], vec![]));

    h.sim.reset_requests();
    let run = h.run(&["restore", "--yes"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("Restored 16 tags, 0 already reclaimed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("the server stamps each with the time of the restore")
    );
    assert_eq!(diff(&state(&h), &before), (vec![], vec![]));
    // The spec tag came back as written: annotations, from, policies.
    let is = h.sim.image_stream(&h.namespace, "myapp").unwrap();
    let spec = is.spec_tag("v2.0.3").unwrap();
    assert_eq!(
        spec.from.as_ref().unwrap().name,
        "quay.io/acme/myapp:v2.0.3"
    );
    assert_eq!(spec.annotations.as_ref().unwrap()["team"], "payments");
    assert!(spec.import_policy.insecure);
    assert_eq!(spec.reference_policy.type_, "Local");
    // One mapping per revision of the journal, and nothing deleted.
    let journal: Value =
        serde_json::from_str(&std::fs::read_to_string(&journals(&h)[0]).unwrap()).unwrap();
    let revisions: usize = journal["journal"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["revisions"].as_array().unwrap().len())
        .sum();
    assert_eq!(h.sim.count("POST", "/imagestreammappings"), revisions);
    assert_eq!(h.sim.count("DELETE", "/imagestreamtags/"), 0);
}

#[test]
fn restore_after_the_image_pruner_leaves_no_empty_tag_and_says_so() {
    let h = Harness::seed();
    let run = h.run(&["prune", "myapp", "--keep", "5", "--yes"]);
    run.assert_ok();
    let reclaimed = h.sim.run_image_pruner(Duration::ZERO);
    assert!(!reclaimed.is_empty());
    let run = h.run(&["restore", "--yes", "--tags", "myapp:v2.0.1"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("myapp:v2.0.1: already reclaimed by the image pruner"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Restored 0 tags, 1 already reclaimed"));
    assert!(!h.tags("myapp").contains(&"v2.0.1".to_owned()));
    // The mapping was sent (and answered 201, as the real server does), then removed again.
    let deletes = h
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path.ends_with("/imagestreamtags/myapp:v2.0.1"))
        .count();
    assert_eq!(deletes, 2);
    // No tag of the stream points to an empty image.
    let is = h.sim.image_stream(&h.namespace, "myapp").unwrap();
    for t in is.status_tags() {
        for r in t.revisions() {
            let img = h.sim.with_store(|s| s.get_image(&r.image).ok()).unwrap();
            assert!(
                img.docker_image_layers.is_some(),
                "{}:{} empty",
                t.tag,
                r.image
            );
        }
    }
}

#[test]
fn an_unwritable_journal_stops_the_prune_before_any_delete() {
    let h = Harness::seed();
    // A directory below a file can never be created, whoever runs the test (root included).
    let run = run_env(
        &h,
        &[("XDG_STATE_HOME", "/dev/null/state")],
        &["prune", "myapp", "--keep", "5", "--yes"],
    );
    run.assert_error(1, "nothing was deleted");
    assert!(run.stderr.contains("--no-journal"), "{}", run.stderr);
    assert_eq!(h.writes(), Vec::<String>::new());
    assert_eq!(h.tags("myapp").len(), 22);
    // --no-journal prunes anyway.
    let run = run_env(
        &h,
        &[("XDG_STATE_HOME", "/dev/null/state")],
        &["prune", "myapp", "--keep", "5", "--yes", "--no-journal"],
    );
    run.assert_ok();
    assert_eq!(h.tags("myapp").len(), 6);
}

#[test]
fn restore_refuses_to_overwrite_an_existing_tag() {
    let h = Harness::seed();
    h.run(&["prune", "myapp", "--keep", "5", "--yes"])
        .assert_ok();
    // Someone pushes v2.0.1 again.
    h.push_aged(&h.namespace.clone(), "myapp", &[("v2.0.1", 0)]);
    let pushed = h
        .sim
        .image_stream(&h.namespace, "myapp")
        .unwrap()
        .current("v2.0.1")
        .unwrap()
        .image
        .clone();
    h.sim.reset_requests();
    let run = h.run(&["restore", "--yes", "--tags", "myapp:v2.0.1,myapp:v2.0.2"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("exists    myapp:v2.0.1: a tag of that name exists now"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("restored  myapp:v2.0.2"));
    let is = h.sim.image_stream(&h.namespace, "myapp").unwrap();
    assert_eq!(is.current("v2.0.1").unwrap().image, pushed);
    assert_eq!(is.status_tag("v2.0.1").unwrap().revisions().len(), 1);
    assert_eq!(h.sim.count("POST", "/imagestreammappings"), 1);
}

#[test]
fn dry_run_writes_nothing_and_no_terminal_without_yes_refuses() {
    let h = Harness::seed();
    h.run(&["prune", "myapp", "--keep", "5", "--yes"])
        .assert_ok();
    h.sim.reset_requests();
    let run = h.run(&["restore", "--dry-run"]);
    run.assert_ok();
    assert!(run.stdout.contains("myapp:v2.0.1"), "{}", run.stdout);
    assert!(run.stderr.contains("Dry run: would restore 16 tags"));
    assert_eq!(h.writes(), Vec::<String>::new());
    let run = h.run(&["restore", "--dry-run", "-o", "json"]);
    run.assert_ok();
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (doc["kind"].as_str(), doc["dryRun"].as_bool()),
        (Some("RestoreRun"), Some(true))
    );
    let tags = doc["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 16);
    assert!(
        tags.iter()
            .all(|t| t["action"]["kind"] == "restore" && t["outcome"] == "notSent")
    );
    let run = h.run(&["restore"]);
    run.assert_error(3, "refusing to restore 16 tags");
    assert_eq!(h.writes(), Vec::<String>::new());
}

#[test]
fn a_prune_json_output_is_a_journal_and_journal_list_and_show_read_them() {
    let h = Harness::seed();
    let run = h.run(&[
        "prune",
        "myapp",
        "--keep",
        "5",
        "--yes",
        "--no-journal",
        "-o",
        "json",
    ]);
    run.assert_ok();
    assert!(journals(&h).is_empty(), "--no-journal writes no file");
    let log = h.dir.path().join("cronjob-log.json");
    std::fs::write(&log, &run.stdout).unwrap();
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["journal"]["tags"].as_array().unwrap().len(), 16);
    assert!(doc["result"].is_object());

    let run = h.run(&[
        "restore",
        log.to_str().unwrap(),
        "--yes",
        "--tags",
        "myapp:v2.0.5",
    ]);
    run.assert_ok();
    assert!(h.tags("myapp").contains(&"v2.0.5".to_owned()));

    // A run with a journal: listed with its counts, and shown. (The restored tag is young:
    // the server stamped it now.)
    h.run(&[
        "prune",
        "myapp",
        "--keep",
        "5",
        "--yes",
        "--keep-younger-than",
        "0",
    ])
    .assert_ok();
    let run = h.run(&["journal", "list"]);
    run.assert_ok();
    let id = journals(&h)[0]
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(run.stdout.contains(&id), "{}", run.stdout);
    assert!(run.stdout.contains("1 of 1"), "{}", run.stdout);
    let run = h.run(&["journal", "show", &id]);
    run.assert_ok();
    assert!(run.stdout.contains("myapp:v2.0.5"), "{}", run.stdout);
    assert!(run.stdout.contains("@sha256:"));
}

#[test]
fn bad_journals_and_forbidden_mappings_are_one_line_each() {
    let h = Harness::seed();
    let run = h.run(&["restore", "nope", "--yes"]);
    run.assert_error(2, "no journal \"nope\"");
    let run = h.run(&["restore", "--yes"]);
    run.assert_error(2, "no journal of a prune in context");
    h.run(&["prune", "myapp", "--keep", "5", "--yes"])
        .assert_ok();
    let run = h.run(&["restore", "--yes", "--tags", "myapp:v9.9.9"]);
    run.assert_error(2, "the journal holds no tag myapp:v9.9.9");

    // A user who may read but not create imagestreammappings.
    h.sim.add_user(
        "viewer",
        "bob",
        vec![Rule::new(
            &["get", "list", "watch"],
            &["imagestreams", "imagestreamtags", "imagestreams/layers"],
            None,
        )],
    );
    let journal = journals(&h)[0].clone();
    let path = h.dir.path().join("kubeconfig-viewer");
    std::fs::write(
        &path,
        prunetags::sim::kubeconfig::render(&h.sim.url(), h.sim.ca_pem(), "viewer", &h.namespace),
    )
    .unwrap();
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", &path)
        .args(["restore", journal.to_str().unwrap(), "--yes"]);
    let run = harness::run(cmd, Duration::from_secs(60));
    run.assert_error(1, "forbidden (403)");
    assert!(
        run.stderr
            .contains("needs RBAC verb \"create\" on resource \"imagestreammappings\""),
        "{}",
        run.stderr
    );
}

#[test]
fn force_restores_on_top_of_an_existing_tag_and_keeps_it_when_the_images_are_gone() {
    let h = Harness::seed();
    h.run(&["prune", "myapp", "--keep", "5", "--yes"])
        .assert_ok();
    let journal: Value =
        serde_json::from_str(&std::fs::read_to_string(&journals(&h)[0]).unwrap()).unwrap();
    let old: Vec<String> = journal["journal"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "v2.0.5")
        .unwrap()["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["image"].as_str().unwrap().to_owned())
        .collect();
    h.push_aged(&h.namespace.clone(), "myapp", &[("v2.0.5", 0)]);
    let pushed = h
        .sim
        .image_stream(&h.namespace, "myapp")
        .unwrap()
        .current("v2.0.5")
        .unwrap()
        .image
        .clone();

    let run = h.run(&["restore", "--yes", "--force", "--tags", "myapp:v2.0.5"]);
    run.assert_ok();
    assert!(
        run.stdout
            .contains("restore on top of the existing tag (1 revision)"),
        "{}",
        run.stdout
    );
    let is = h.sim.image_stream(&h.namespace, "myapp").unwrap();
    let now: Vec<&str> = is
        .status_tag("v2.0.5")
        .unwrap()
        .revisions()
        .iter()
        .map(|r| r.image.as_str())
        .collect();
    let mut want: Vec<&str> = old.iter().map(String::as_str).collect();
    want.push(&pushed);
    assert_eq!(
        now, want,
        "the journal's history on top of the pushed revision"
    );

    // Once the journal's images are reclaimed, --force leaves the existing tag as it was.
    let h = Harness::seed();
    h.run(&["prune", "myapp", "--keep", "5", "--yes"])
        .assert_ok();
    h.sim.run_image_pruner(Duration::ZERO);
    h.push_aged(&h.namespace.clone(), "myapp", &[("v2.0.1", 0)]);
    let pushed = h
        .sim
        .image_stream(&h.namespace, "myapp")
        .unwrap()
        .current("v2.0.1")
        .unwrap()
        .image
        .clone();
    let run = h.run(&["restore", "--yes", "--force", "--tags", "myapp:v2.0.1"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("already reclaimed by the image pruner"),
        "{}",
        run.stderr
    );
    let is = h.sim.image_stream(&h.namespace, "myapp").unwrap();
    let now: Vec<&str> = is
        .status_tag("v2.0.1")
        .unwrap()
        .revisions()
        .iter()
        .map(|r| r.image.as_str())
        .collect();
    assert_eq!(now, vec![pushed.as_str()]);
}

/// deploy/restore-rbac.yaml grants exactly what a restore needs: with its rules alone the
/// restore succeeds, and without the mappings rule the 403 names it.
#[test]
fn the_restore_role_in_deploy_is_enough() {
    let yaml = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/restore-rbac.yaml"),
    )
    .unwrap();
    let role: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    let strings = |v: &serde_yaml::Value| -> Vec<String> {
        v.as_sequence()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    let rules = |skip: Option<&str>| -> Vec<Rule> {
        role["rules"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter(|r| {
                !strings(&r["resources"])
                    .iter()
                    .any(|x| Some(x.as_str()) == skip)
            })
            .map(|r| {
                let verbs = strings(&r["verbs"]);
                let resources = strings(&r["resources"]);
                let v: Vec<&str> = verbs.iter().map(String::as_str).collect();
                let res: Vec<&str> = resources.iter().map(String::as_str).collect();
                Rule::new(&v, &res, Some(&["mynamespace"]))
            })
            .collect()
    };
    for (token, skip) in [
        ("restorer", None),
        ("no-mappings", Some("imagestreammappings")),
    ] {
        let h = Harness::seed();
        add_spec_tag(&h, "v2.0.3");
        h.run(&["prune", "myapp", "--keep", "5", "--yes"])
            .assert_ok();
        h.sim.add_user(token, token, rules(skip));
        let path = h.dir.path().join(format!("kubeconfig-{token}"));
        std::fs::write(
            &path,
            prunetags::sim::kubeconfig::render(&h.sim.url(), h.sim.ca_pem(), token, &h.namespace),
        )
        .unwrap();
        let journal = journals(&h)[0].clone();
        let mut cmd = h.command();
        cmd.env("KUBECONFIG", &path)
            .args(["restore", journal.to_str().unwrap(), "--yes"]);
        let run = harness::run(cmd, Duration::from_secs(60));
        match skip {
            None => {
                run.assert_ok();
                assert!(run.stderr.contains("Restored 16 tags"), "{}", run.stderr);
            }
            Some(_) => run.assert_error(1, "you may not create imagestreammappings"),
        }
    }
}

/// One revision's image reclaimed, the other not: the tag comes back with the survivor only,
/// and the report names the reclaimed one.
#[test]
fn a_partly_reclaimed_tag_comes_back_with_the_surviving_revisions() {
    let h = Harness::seed();
    let before = h.sim.image_stream(&h.namespace, "myapp").unwrap();
    let revs: Vec<String> = before
        .status_tag("v2.0.5")
        .unwrap()
        .revisions()
        .iter()
        .map(|r| r.image.clone())
        .collect();
    assert_eq!(revs.len(), 2, "the seed's v2.0.5 was rebuilt once");
    h.run(&["prune", "myapp", "--keep", "5", "--yes"])
        .assert_ok();
    // The image pruner reclaimed the older image only (as admin: DELETE images/<digest>).
    h.sim
        .with_store(|s| s.delete_image(&revs[1]).map(|_| ()).ok())
        .unwrap();
    let run = h.run(&["restore", "--yes", "--tags", "myapp:v2.0.5"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("restored  myapp:v2.0.5: 1 of 2 revisions;"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("already reclaimed by the image pruner"),
        "{}",
        run.stderr
    );
    let is = h.sim.image_stream(&h.namespace, "myapp").unwrap();
    let now: Vec<&str> = is
        .status_tag("v2.0.5")
        .unwrap()
        .revisions()
        .iter()
        .map(|r| r.image.as_str())
        .collect();
    assert_eq!(now, vec![revs[0].as_str()]);
}
