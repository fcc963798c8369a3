//! Retention policies (#18): `prune --policy`, `pin`/`unpin`, `policy show|set`, the built binary
//! against the simulator over HTTPS. The seed: `myapp` (21 versions), `frontend` (v1.0.0 …
//! v1.4.0 and a pre-release; `prod` is tagged from v1.1.0), `python` (no versions), in
//! `mynamespace`.

mod harness;

use std::time::Duration;

use harness::{Harness, Run};
use prunetags::sim::Rule;
use serde_json::Value;

const NS: &str = "mynamespace";
const P: &str = "prunetags.openshift.io/";

fn annotate_stream(h: &Harness, ns: &str, stream: &str, pairs: &[(&str, &str)]) {
    h.sim.with_store(|s| {
        let mut is = s.get_stream(ns, stream).unwrap();
        let a = is.metadata.annotations.get_or_insert_with(Default::default);
        for (k, v) in pairs {
            a.insert(format!("{P}{k}"), (*v).to_owned());
        }
        is.metadata.resource_version = None;
        s.update_stream(ns, stream, is).unwrap();
    });
}

fn annotate_namespace(h: &Harness, ns: &str, pairs: &[(&str, &str)]) {
    h.sim.with_store(|s| {
        for (k, v) in pairs {
            s.annotate_namespace(ns, &format!("{P}{k}"), Some(v));
        }
    });
}

/// GETs of namespace objects themselves (`/api/v1/namespaces[/<ns>]`), not of what is in them.
fn namespace_reads(h: &Harness) -> Vec<String> {
    h.sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path.split('?').next().unwrap_or_default().to_owned())
        .filter(|p| {
            p.strip_prefix("/api/v1/namespaces")
                .is_some_and(|rest| rest.is_empty() || !rest[1..].contains('/'))
        })
        .collect()
}

/// Exit `code`, the last stderr line the error; warnings and the shown changes may precede it.
fn fails(run: &Run, code: i32, contains: &str) {
    assert_eq!(run.code, code, "stderr: {}", run.stderr);
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: "), "{}", run.stderr);
    assert!(last.contains(contains), "{contains:?} not in {last}");
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// The planned stream `name` of a PruneRun document.
fn stream<'a>(doc: &'a Value, ns: &str, name: &str) -> &'a Value {
    doc["plan"]["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["namespace"] == ns && s["name"] == name)
        .unwrap_or_else(|| panic!("no stream {ns}/{name} in {doc}"))
}

fn deletes(s: &Value) -> Vec<String> {
    s["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["action"] == "delete")
        .map(|t| t["tag"].as_str().unwrap().to_owned())
        .collect()
}

fn kept_versions(s: &Value) -> usize {
    s["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["action"] == "keep" && t["version"].is_string())
        .count()
}

fn dry(h: &Harness, extra: &[&str]) -> Value {
    let mut args = vec!["prune", "--dry-run", "-o", "json"];
    args.extend(extra);
    let run = h.run(&args);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    json(&run)
}

// ---- precedence -------------------------------------------------------------------------------

#[test]
fn with_policy_the_stream_beats_the_namespace_which_beats_the_flags() {
    let h = Harness::seed();
    annotate_namespace(&h, NS, &[("keep", "3"), ("keep-younger-than", "2h")]);
    annotate_stream(&h, NS, "myapp", &[("keep", "10")]);
    let doc = dry(
        &h,
        &["--policy", "--keep", "5", "--keep-younger-than", "30m"],
    );

    let myapp = stream(&doc, NS, "myapp");
    assert_eq!(myapp["policy"]["keep"]["value"], 10);
    assert_eq!(myapp["policy"]["keep"]["from"], "imageStream");
    assert_eq!(myapp["policy"]["keepYoungerThan"]["from"], "namespace");
    assert_eq!(myapp["policy"]["order"]["from"], "default");
    assert_eq!(deletes(myapp).len(), 21 - 10);

    // frontend has no annotation: the namespace's keep 3 (v1.1.0 is also kept, prod refers to it).
    let frontend = stream(&doc, NS, "frontend");
    assert_eq!(frontend["policy"]["keep"]["value"], 3);
    assert_eq!(frontend["policy"]["keep"]["from"], "namespace");
    assert_eq!(deletes(frontend), vec!["v1.0.0"]);

    // Without the namespace's annotation the flag is next.
    h.sim
        .with_store(|s| s.annotate_namespace(NS, &format!("{P}keep"), None));
    let doc = dry(&h, &["--policy", "--keep", "4"]);
    let frontend = stream(&doc, NS, "frontend");
    assert_eq!(frontend["policy"]["keep"]["from"], "flag");
    assert_eq!(kept_versions(frontend), 5, "4 newest, v1.1.0 referenced");
}

#[test]
fn without_policy_the_flags_win_and_the_plan_carries_no_policy() {
    let h = Harness::seed();
    annotate_namespace(&h, NS, &[("keep", "1")]);
    annotate_stream(&h, NS, "myapp", &[("keep", "2"), ("match", "v2\\.0\\..*")]);
    let doc = dry(&h, &["--keep", "5"]);
    let myapp = stream(&doc, NS, "myapp");
    assert_eq!(
        deletes(myapp).len(),
        16,
        "the seed's --keep 5, annotations ignored"
    );
    assert!(myapp.get("policy").is_none(), "{myapp}");
    // Not one namespace read: without --policy its annotations are not consulted.
    assert_eq!(namespace_reads(&h), Vec::<String>::new());
}

#[test]
fn the_table_says_which_policy_applied_and_where_each_value_came_from() {
    let h = Harness::seed();
    annotate_stream(&h, NS, "myapp", &[("keep", "3")]);
    let run = h.run(&["prune", "--policy", "--dry-run", "myapp"]);
    run.assert_ok();
    assert!(
        run.stdout.contains(
            "Policy of mynamespace/myapp: keep 3 from imagestream annotation, order semver from default, keep-younger-than 1h from default."
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("would delete 18 tags"),
        "{}",
        run.stderr
    );
}

#[test]
fn with_policy_a_stream_that_says_nothing_keeps_everything() {
    let h = Harness::seed();
    annotate_stream(&h, NS, "myapp", &[("keep", "20")]);
    let run = h.run(&["prune", "--policy", "--yes"]);
    run.assert_ok();
    assert_eq!(
        h.tags("myapp").len(),
        22 - 1,
        "only v2.0.1, the 21st version"
    );
    assert_eq!(
        h.tags("frontend").len(),
        8,
        "no keep anywhere: nothing deleted"
    );
}

// ---- malformed --------------------------------------------------------------------------------

#[test]
fn every_malformed_value_skips_that_stream_with_one_warning_and_exit_1() {
    let h = Harness::seed();
    for (key, value, says) in [
        ("keep", "abc", "is not a positive number"),
        ("keep", "0", "is not a positive number"),
        ("keep", "-3", "is not a positive number"),
        ("keep-revisions", "-1", "is not a number of revisions"),
        ("match", "v(2", "is not a valid regex"),
        ("order", "newest", "is not an order"),
        ("keep-younger-than", "-1h", "negative duration"),
        ("keep-younger-than", "soon", "is not a duration"),
        ("disabled", "yes", "is not true or false"),
    ] {
        h.sim.with_store(|s| {
            let mut is = s.get_stream(NS, "frontend").unwrap();
            is.metadata.annotations = Some([(format!("{P}{key}"), value.to_owned())].into());
            is.metadata.resource_version = None;
            s.update_stream(NS, "frontend", is).unwrap();
        });
        let run = h.run(&[
            "prune",
            "--policy",
            "--keep",
            "5",
            "--dry-run",
            "-o",
            "json",
        ]);
        fails(
            &run,
            1,
            "1 image stream skipped: a policy annotation is malformed or could not be read",
        );
        let warnings: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .collect();
        assert_eq!(warnings.len(), 1, "{key}={value}: {}", run.stderr);
        let w = warnings[0];
        for part in [
            "skipping image stream mynamespace/frontend",
            &format!("{P}{key}={value:?}"),
            says,
        ] {
            assert!(w.contains(part), "{key}={value}: {part:?} not in {w}");
        }
        let doc = json(&run);
        assert!(
            doc["plan"]["streams"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["name"] != "frontend"),
            "never a fallback plan for the skipped stream"
        );
        assert_eq!(doc["skippedStreams"][0]["reason"], "malformed");
        assert_eq!(
            deletes(stream(&doc, NS, "myapp")).len(),
            16,
            "the others are planned"
        );
    }
    assert_eq!(h.writes(), Vec::<String>::new());
}

#[test]
fn a_malformed_stream_is_left_alone_while_the_others_are_pruned() {
    let h = Harness::seed();
    annotate_stream(&h, NS, "myapp", &[("keep", "abc")]);
    annotate_stream(&h, NS, "frontend", &[("keep", "2")]);
    let run = h.run(&["prune", "--policy", "--yes"]);
    fails(
        &run,
        1,
        "skipped: a policy annotation is malformed or could not be read",
    );
    assert_eq!(h.tags("myapp").len(), 22, "untouched");
    assert_eq!(h.tags("frontend").len(), 8 - 2, "v1.2.0 and v1.0.0 deleted");
}

#[test]
fn a_malformed_namespace_annotation_skips_each_of_its_streams() {
    let h = Harness::seed();
    annotate_namespace(&h, NS, &[("keep-younger-than", "-2d")]);
    annotate_stream(&h, NS, "myapp", &[("keep-younger-than", "1h")]);
    let run = h.run(&["prune", "--policy", "--keep", "1", "--yes"]);
    fails(&run, 1, "3 image streams skipped");
    assert!(
        run.stderr.contains(
            "skipping image stream mynamespace/myapp: namespace \"mynamespace\"'s annotation prunetags.openshift.io/keep-younger-than=\"-2d\""
        ),
        "{}",
        run.stderr
    );
    assert_eq!(h.writes(), Vec::<String>::new());
}

#[test]
fn a_namespace_that_cannot_be_read_is_not_assumed_to_say_nothing() {
    let h = Harness::seed();
    h.sim.add_user(
        "no-ns",
        "no-ns",
        vec![
            Rule::new(
                &["get", "list", "watch", "delete"],
                &["imagestreams", "imagestreamtags"],
                Some(&[NS]),
            ),
            Rule::new(&["list", "get"], &["pods", "rolebindings"], Some(&[NS])),
        ],
    );
    let path = h.dir.path().join("kubeconfig-no-ns");
    std::fs::write(
        &path,
        prunetags::sim::kubeconfig::render(&h.sim.url(), h.sim.ca_pem(), "no-ns", NS),
    )
    .unwrap();
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", &path).args([
        "prune",
        "--policy",
        "--keep",
        "5",
        "--yes",
        "--ignore-in-use",
    ]);
    let run = harness::run(cmd, Duration::from_secs(60));
    fails(
        &run,
        1,
        "skipped: a policy annotation is malformed or could not be read",
    );
    assert!(
        run.stderr.contains(
            "policy annotations cannot be read: forbidden (403): you may not get namespaces"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(h.tags("myapp").len(), 22);
}

// ---- disabled ---------------------------------------------------------------------------------

#[test]
fn disabled_is_never_pruned_with_or_without_policy() {
    let h = Harness::seed();
    annotate_stream(&h, NS, "myapp", &[("disabled", "true"), ("keep", "1")]);
    let doc = dry(&h, &["--keep", "5"]);
    assert_eq!(doc["skippedStreams"][0]["name"], "myapp");
    assert_eq!(doc["skippedStreams"][0]["reason"], "disabled");

    let run = h.run(&["prune", "--policy", "--keep", "1", "--yes"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("Not pruning image stream mynamespace/myapp: prunetags.openshift.io/disabled=true (imagestream annotation)."),
        "{}",
        run.stderr
    );
    assert_eq!(h.tags("myapp").len(), 22);
    assert!(h.tags("frontend").len() < 8, "the others are pruned");
}

#[test]
fn a_namespace_can_disable_and_a_stream_can_opt_back_in() {
    let h = Harness::seed();
    annotate_namespace(&h, NS, &[("disabled", "true")]);
    annotate_stream(&h, NS, "frontend", &[("disabled", "false"), ("keep", "2")]);
    let run = h.run(&["prune", "--policy", "--keep", "1", "--yes"]);
    run.assert_ok();
    assert_eq!(h.tags("myapp").len(), 22);
    assert_eq!(h.tags("frontend").len(), 6);
}

// ---- -A with mixed policies -------------------------------------------------------------------

#[test]
fn all_namespaces_with_mixed_policies() {
    let h = Harness::seed();
    let team = "team-b";
    h.push_aged(
        team,
        "api",
        &[
            ("1.0.0", 900),
            ("1.1.0", 800),
            ("1.2.0", 700),
            ("1.3.0", 600),
        ],
    );
    h.push_aged(
        team,
        "web",
        &[("2.0.0", 900), ("2.1.0", 800), ("2.2.0", 700)],
    );
    annotate_namespace(&h, team, &[("keep", "1")]);
    annotate_stream(&h, team, "web", &[("keep", "2")]);
    annotate_stream(&h, NS, "myapp", &[("keep", "19")]);
    let doc = dry(&h, &["-A", "--policy", "--keep", "3"]);
    let cases = [
        (NS, "myapp", 19, "imageStream", 2),
        (NS, "frontend", 3, "flag", 1),
        (team, "api", 1, "namespace", 3),
        (team, "web", 2, "imageStream", 1),
    ];
    for (ns, name, keep, from, deleted) in cases {
        let s = stream(&doc, ns, name);
        assert_eq!(s["policy"]["keep"]["value"], keep, "{ns}/{name}");
        assert_eq!(s["policy"]["keep"]["from"], from, "{ns}/{name}");
        assert_eq!(deletes(s).len(), deleted, "{ns}/{name}: {:?}", deletes(s));
    }
    // One LIST of the namespaces for -A, not one GET each.
    assert_eq!(namespace_reads(&h), vec!["/api/v1/namespaces".to_owned()]);
}

// ---- policy set / show ------------------------------------------------------------------------

#[test]
fn policy_set_then_show_round_trips() {
    let h = Harness::seed();
    annotate_namespace(&h, NS, &[("keep-younger-than", "3d")]);
    let run = h.run(&[
        "policy",
        "set",
        "myapp",
        "--keep",
        "4",
        "--match",
        "v2\\..*",
        "--keep-revisions",
        "1",
        "--yes",
    ]);
    run.assert_ok();
    assert!(
        run.stderr.contains("Wrote 3 annotation changes"),
        "{}",
        run.stderr
    );
    let patches: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1);
    assert!(
        patches[0].path.ends_with("/imagestreams/myapp"),
        "{}",
        patches[0].path
    );

    let show = h.run(&["policy", "show", "myapp", "-o", "json"]);
    show.assert_ok();
    let doc = json(&show);
    let p = &doc["items"][0]["policy"];
    assert_eq!(p["keep"]["value"], 4);
    assert_eq!(p["keep"]["from"], "imageStream");
    assert_eq!(p["match"]["value"], "v2\\..*");
    assert_eq!(p["keepRevisions"]["value"], 1);
    assert_eq!(p["keepYoungerThan"]["from"], "namespace");
    assert_eq!(p["order"]["from"], "default");

    let table = h.run(&["policy", "show"]);
    table.assert_ok();
    let row = table.stdout.lines().find(|l| l.contains("myapp")).unwrap();
    assert!(
        row.contains("4 (imagestream)") && row.contains("72h (namespace)"),
        "{row}"
    );

    // --unset removes what set wrote; the same values again change nothing.
    h.run(&[
        "policy",
        "set",
        "myapp",
        "--unset",
        "match,keep-revisions",
        "--yes",
    ])
    .assert_ok();
    let again = h.run(&["policy", "set", "myapp", "--keep", "4", "--yes"]);
    again.assert_ok();
    assert!(
        again.stderr.contains("Nothing to change"),
        "{}",
        again.stderr
    );
    let a = h
        .sim
        .image_stream(NS, "myapp")
        .unwrap()
        .metadata
        .annotations
        .unwrap();
    assert_eq!(a.get(&format!("{P}keep")).map(String::as_str), Some("4"));
    assert!(!a.contains_key(&format!("{P}match")));
}

#[test]
fn policy_show_fails_on_a_malformed_stream() {
    let h = Harness::seed();
    annotate_stream(&h, NS, "python", &[("order", "random")]);
    let run = h.run(&["policy", "show"]);
    fails(&run, 1, "1 image stream has a malformed policy");
    assert!(run.stdout.contains("<malformed>"), "{}", run.stdout);
}

#[test]
fn writes_refuse_without_a_terminal_and_dry_run_writes_nothing() {
    let h = Harness::seed();
    let run = h.run(&["policy", "set", "myapp", "--keep", "3"]);
    fails(
        &run,
        3,
        "refusing to write 1 annotation change without confirmation",
    );
    assert!(
        run.stdout
            .contains("prunetags.openshift.io/keep: (none) → \"3\""),
        "{}",
        run.stdout
    );
    let run = h.run(&["pin", "myapp:v2.0.3"]);
    fails(&run, 3, "--yes");
    let run = h.run(&["pin", "myapp:v2.0.3", "--dry-run"]);
    run.assert_ok();
    assert_eq!(h.writes(), Vec::<String>::new());
}

#[test]
fn policy_set_without_patch_says_which_verb_is_missing() {
    let h = Harness::seed();
    h.sim.add_user(
        "reader",
        "reader",
        vec![Rule::new(&["get", "list"], &["imagestreams"], Some(&[NS]))],
    );
    let path = h.dir.path().join("kubeconfig-reader");
    std::fs::write(
        &path,
        prunetags::sim::kubeconfig::render(&h.sim.url(), h.sim.ca_pem(), "reader", NS),
    )
    .unwrap();
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", &path)
        .args(["policy", "set", "myapp", "--keep", "3", "--yes"]);
    let run = harness::run(cmd, Duration::from_secs(60));
    fails(
        &run,
        1,
        "you may not patch imagestreams in namespace \"mynamespace\"",
    );
}

// ---- pin / unpin ------------------------------------------------------------------------------

#[test]
fn a_pushed_tag_is_pinned_on_its_stream_and_unpinned() {
    let h = Harness::seed();
    // What a real 4.13 server answers for the spec-tag pin of a pushed tag (recording 233).
    let kubectl = std::process::Command::new("/usr/bin/kubectl")
        .env("KUBECONFIG", &h.kubeconfig)
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .args([
            "annotate",
            "istag/myapp:v2.0.3",
            "prunetags.openshift.io/keep=true",
        ])
        .output()
        .unwrap();
    assert!(!kubectl.status.success());
    assert!(
        String::from_utf8_lossy(&kubectl.stderr).contains("is not a spec tag"),
        "{}",
        String::from_utf8_lossy(&kubectl.stderr)
    );

    h.run(&["pin", "myapp:v2.0.3", "myapp:v2.0.4", "--yes"])
        .assert_ok();
    let doc = dry(&h, &["--keep", "5", "myapp"]);
    let myapp = stream(&doc, NS, "myapp");
    assert_eq!(deletes(myapp).len(), 14);
    assert!(!deletes(myapp).contains(&"v2.0.3".to_owned()));

    h.run(&["unpin", "myapp:v2.0.4", "--yes"]).assert_ok();
    let a = h
        .sim
        .image_stream(NS, "myapp")
        .unwrap()
        .metadata
        .annotations
        .unwrap();
    assert_eq!(
        a.get(&format!("{P}pinned")).map(String::as_str),
        Some("v2.0.3")
    );
    h.run(&["unpin", "myapp:v2.0.3", "--yes"]).assert_ok();
    let a = h
        .sim
        .image_stream(NS, "myapp")
        .unwrap()
        .metadata
        .annotations
        .unwrap_or_default();
    assert!(
        !a.contains_key(&format!("{P}pinned")),
        "an empty list is removed"
    );
}

#[test]
fn pin_refuses_a_tag_the_stream_does_not_have() {
    let h = Harness::seed();
    let run = h.run(&["pin", "myapp:v9.9.9", "--yes"]);
    fails(
        &run,
        1,
        "image stream mynamespace/myapp has no tag \"v9.9.9\"",
    );
    assert_eq!(h.writes(), Vec::<String>::new());
}

// ---- between the plan and the DELETEs --------------------------------------------------------

#[test]
fn a_stream_disabled_during_the_deletes_keeps_its_remaining_tags() {
    let h = Harness::seed();
    // The newest stale version is deleted first; right then the team disables the stream.
    h.sim
        .on_request("DELETE", "imagestreamtags/myapp:v2.1.3", |s| {
            let mut is = s.get_stream(NS, "myapp").unwrap();
            is.metadata.annotations = Some([(format!("{P}disabled"), "true".to_owned())].into());
            is.metadata.resource_version = None;
            s.update_stream(NS, "myapp", is).unwrap();
        });
    let run = h.run(&[
        "prune",
        "myapp",
        "--policy",
        "--keep",
        "5",
        "--yes",
        "--concurrency",
        "1",
        "-o",
        "json",
    ]);
    run.assert_ok();
    let doc = json(&run);
    let outcomes: Vec<(String, String)> = doc["result"]["deletions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["outcome"].as_str().unwrap_or_default().to_owned(),
                d["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    // DELETEs already decided before the watch event arrives go ahead (the window README's
    // "Between the confirmation and the DELETEs" describes); every later one is kept, and says why.
    let deleted = outcomes.iter().filter(|(o, _)| o == "deleted").count();
    let skipped: Vec<&(String, String)> = outcomes.iter().filter(|(o, _)| o == "skipped").collect();
    assert!(deleted >= 1 && !skipped.is_empty(), "{outcomes:?}");
    assert_eq!(deleted + skipped.len(), 16);
    assert!(
        skipped
            .iter()
            .all(|(_, why)| why.contains("its policy now says disabled")),
        "{outcomes:?}"
    );
    // Deleted newest stale first: the oldest, v2.0.1, is decided last and kept.
    assert!(h.tags("myapp").contains(&"v2.0.1".to_owned()));
    assert_eq!(h.tags("myapp").len(), 22 - deleted);
}
