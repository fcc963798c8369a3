//! `prune` run as a user (or a CronJob) would: the built binary against the simulator, stdin
//! closed. The confirmation prompt itself is exercised in `prune_pty.rs`.

mod harness;

use std::collections::BTreeMap;
use std::time::Duration;

use harness::{Harness, Run};
use prunetags::sim::{Rule, Scenario, SimOptions};
use serde_json::{Value, json};

const NS: &str = "mynamespace";

/// The 16 tags `--keep 5` deletes from the seed's myapp (the seed blog's `oc delete` output).
fn stale_myapp_tags() -> Vec<String> {
    let mut v: Vec<String> = (1..=12).map(|p| format!("v2.0.{p}")).collect();
    v.extend((0..=3).map(|p| format!("v2.1.{p}")));
    v.sort();
    v
}

/// What the seed blog's `oc get istag` shows afterwards: v2.1.4 … v2.1.8 and latest.
fn seed_survivors() -> Vec<String> {
    let mut v: Vec<String> = (4..=8).map(|p| format!("v2.1.{p}")).collect();
    v.push("latest".into());
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// DELETEs of exactly `stream:tag` (a path *ending* in the name: v2.0.1 is not v2.0.10).
fn deletes_of(h: &Harness, stream: &str, tag: &str) -> usize {
    let suffix = format!("/imagestreamtags/{stream}:{tag}");
    h.sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path.ends_with(&suffix))
        .count()
}

/// Runs the binary with a kubeconfig holding `token` instead of the admin's.
fn run_as(h: &Harness, token: &str, args: &[&str]) -> Run {
    let path = h.dir.path().join(format!("kubeconfig-{token}"));
    let yaml =
        prunetags::sim::kubeconfig::render(&h.sim.url(), h.sim.ca_pem(), token, &h.namespace);
    std::fs::write(&path, yaml).unwrap();
    let mut cmd = h.command();
    cmd.env("KUBECONFIG", &path).args(args);
    harness::run(cmd, Duration::from_secs(60))
}

/// Every workload kind the in-use check lists.
const WORKLOADS: &[&str] = &[
    "pods",
    "replicationcontrollers",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "deploymentconfigs",
    "builds",
    "buildconfigs",
];

/// A namespace user: reads streams, tags and every workload kind in `NS`, plus `extra`.
fn user(h: &Harness, token: &str, name: &str, workloads: &[&str], extra: Vec<Rule>) {
    let mut rules = vec![
        Rule::new(
            &["get", "list", "watch"],
            &["imagestreams", "imagestreamtags", "imagestreams/layers"],
            Some(&[NS]),
        ),
        Rule::new(&["get", "list", "watch"], workloads, Some(&[NS])),
        // To find the namespaces that pull from this one.
        Rule::new(&["list"], &["rolebindings"], Some(&[NS])),
    ];
    rules.extend(extra);
    h.sim.add_user(token, name, rules);
}

/// The plan's table row of `tag` in `stream`.
fn row<'a>(stdout: &'a str, stream: &str, tag: &str) -> &'a str {
    // Plain columns (stdout is a pipe): STREAM and TAG come first.
    stdout
        .lines()
        .find(|l| {
            let cells: Vec<&str> = l
                .split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            cells.len() > 3 && cells[0] == stream && cells[1] == tag
        })
        .unwrap_or_else(|| panic!("no row for {stream}:{tag} in\n{stdout}"))
}

// ---- 2. no terminal, dry run -------------------------------------------------------------------

#[test]
fn no_terminal_without_yes_refuses_and_writes_nothing() {
    let h = Harness::seed();
    let run = h.run(&["prune", "--keep", "5", "-l", "application=myapp"]);
    run.assert_error(3, "refusing to delete 16 tags in 1 image stream");
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(h.sim.count("DELETE", ""), 0);
    assert_eq!(h.sim.count("PUT", ""), 0);
    assert_eq!(h.writes(), Vec::<String>::new());
    assert_eq!(h.tags("myapp").len(), 22);
}

#[test]
fn dry_run_shows_the_plan_and_sends_no_write() {
    let h = Harness::seed();
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "-l",
        "application=myapp",
        "--dry-run",
    ]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("Dry run: would delete 16 tags in 1 image stream"),
        "{}",
        run.stderr
    );
    assert!(row(&run.stdout, "myapp", "v2.0.1").contains("delete"));
    assert!(row(&run.stdout, "myapp", "v2.1.4").contains("keep"));
    assert!(h.sim.requests().len() > 2, "it did read the cluster");
    assert_eq!(h.writes(), Vec::<String>::new());
    assert_eq!(h.tags("myapp").len(), 22);
}

#[test]
fn dry_run_with_trims_sends_no_write_either() {
    let h = Harness::seed();
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "--keep-revisions",
        "1",
        "-l",
        "application=myapp",
        "--dry-run",
        "-o",
        "json",
    ]);
    run.assert_ok();
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["kind"], "PruneRun");
    assert_eq!(doc["dryRun"], true);
    assert!(doc.get("result").is_none(), "{doc}");
    assert_eq!(h.writes(), Vec::<String>::new());
}

// ---- 3. the seed's result ------------------------------------------------------------------------

#[test]
fn yes_leaves_the_seed_blogs_result_with_16_deletes() {
    let h = Harness::seed();
    let run = h.run(&["prune", "--keep", "5", "--yes", "-l", "application=myapp"]);
    run.assert_ok();
    assert_eq!(h.tags("myapp"), seed_survivors());
    assert_eq!(h.sim.count("DELETE", ""), 16, "{:?}", h.writes());
    for tag in stale_myapp_tags() {
        assert_eq!(deletes_of(&h, "myapp", &tag), 1, "{tag}");
    }
    assert!(
        run.stderr
            .contains("deleted 16, already gone 0, skipped 0, failed 0"),
        "{}",
        run.stderr
    );
    // Other streams of the namespace are untouched.
    assert_eq!(h.tags("frontend").len(), 8);
}

#[test]
fn json_prune_run_lists_the_same_16_tags_in_plan_and_result() {
    let h = Harness::seed();
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "--yes",
        "-l",
        "application=myapp",
        "-o",
        "json",
    ]);
    run.assert_ok();
    let doc: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is one JSON document ({e}):\n{}", run.stdout));
    assert_eq!(doc["kind"], "PruneRun");
    assert_eq!(doc["apiVersion"], "prunetags.openshift.io/v1alpha1");
    assert_eq!(doc["dryRun"], false);
    let streams = doc["plan"]["streams"].as_array().unwrap();
    assert_eq!(streams.len(), 1);
    assert_eq!(streams[0]["name"], "myapp");
    let planned: Vec<String> = streams[0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["action"] == "delete")
        .map(|t| t["tag"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sorted(planned), stale_myapp_tags());
    let deletions = doc["result"]["deletions"].as_array().unwrap();
    let deleted: Vec<String> = deletions
        .iter()
        .filter(|d| d["outcome"] == "deleted")
        .map(|d| d["tag"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(deletions.len(), 16);
    assert_eq!(sorted(deleted), stale_myapp_tags());
    assert_eq!(doc["result"]["interrupted"], false);
    assert_eq!(h.tags("myapp"), seed_survivors());
}

// ---- 4. races: see tests/safety/races.rs (hooks at exact moments, not timing) ----------------

// ---- 5. faults -----------------------------------------------------------------------------------

/// Per stream: the `keep` highest semantic versions and every tag that is not one.
fn expected_survivors(
    before: &BTreeMap<String, Vec<String>>,
    keep: usize,
) -> BTreeMap<String, Vec<String>> {
    before
        .iter()
        .map(|(stream, tags)| {
            let names: Vec<&str> = tags.iter().map(String::as_str).collect();
            let keep_tags: Vec<String> = harness::semver_survivors(&names, keep)
                .into_iter()
                .map(str::to_owned)
                .collect();
            (stream.clone(), sorted(keep_tags))
        })
        .collect()
}

fn all_tags(h: &Harness) -> BTreeMap<String, Vec<String>> {
    h.sim
        .image_streams(&h.namespace)
        .iter()
        .map(|s| {
            let name = s.metadata.name.clone().unwrap();
            let tags = h.tags(&name);
            (name, tags)
        })
        .collect()
}

#[test]
fn throttled_with_429_retries_and_deletes_exactly_the_plan() {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Seed,
        latency: Duration::from_millis(20),
        max_inflight: Some(4),
        ..SimOptions::default()
    });
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "--yes",
        "-l",
        "application=myapp",
        "--concurrency",
        "16",
    ]);
    run.assert_ok();
    let throttled = h.sim.requests().iter().filter(|r| r.status == 429).count();
    let throttled_deletes = h
        .sim
        .requests()
        .iter()
        .filter(|r| r.status == 429 && r.method == "DELETE")
        .count();
    assert!(
        throttled_deletes > 0,
        "the simulator answered no DELETE with 429"
    );
    assert!(run.stderr.contains("retried"), "{}", run.stderr);
    assert_eq!(h.tags("myapp"), seed_survivors());
    // Every planned tag was deleted once: 429s are answered before anything is applied.
    for tag in stale_myapp_tags() {
        let ok_deletes = h
            .sim
            .requests()
            .iter()
            .filter(|r| {
                r.method == "DELETE"
                    && r.status == 200
                    && r.path.ends_with(&format!("/imagestreamtags/myapp:{tag}"))
            })
            .count();
        assert_eq!(ok_deletes, 1, "{tag}");
    }
    eprintln!("{throttled} requests throttled, {throttled_deletes} of them DELETEs");
}

fn faulty_large_run(seed: u64) -> Harness {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 20,
            tags: 12,
            revisions: 1,
        },
        fail_rate: 0.2,
        seed,
        ..SimOptions::default()
    });
    let before = all_tags(&h);
    assert_eq!(before.len(), 20);
    let want = expected_survivors(&before, 5);
    let statuses_before: BTreeMap<String, Value> = h
        .sim
        .image_streams(&h.namespace)
        .into_iter()
        .map(|s| {
            (
                s.metadata.name.clone().unwrap(),
                serde_json::to_value(&s.status).unwrap(),
            )
        })
        .collect();
    let run = h.run(&["prune", "--keep", "5", "--yes", "--concurrency", "8"]);
    assert!(
        h.sim.faults_injected() > 0,
        "seed {seed}: no fault was injected"
    );
    run.assert_ok();
    assert_eq!(all_tags(&h), want, "seed {seed}\n{}", run.stderr);
    // Survivors keep their history: nothing else was written.
    for s in h.sim.image_streams(&h.namespace) {
        let name = s.metadata.name.clone().unwrap();
        let before: Vec<Value> = statuses_before[&name]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| want[&name].contains(&t["tag"].as_str().unwrap().to_owned()))
            .cloned()
            .collect();
        assert_eq!(
            serde_json::to_value(&s.status).unwrap()["tags"],
            Value::Array(before),
            "seed {seed}: {name}"
        );
    }
    assert_eq!(h.sim.count("PUT", ""), 0);
    assert_eq!(h.sim.count("POST", ""), 0);
    h
}

#[test]
fn server_errors_and_resets_are_retried_seed_1() {
    faulty_large_run(1);
}

#[test]
fn server_errors_and_resets_are_retried_seed_7() {
    faulty_large_run(7);
}

#[test]
fn server_errors_and_resets_are_retried_seed_42() {
    faulty_large_run(42);
}

// ---- 9. a rerun converges ------------------------------------------------------------------------

#[test]
fn rerun_after_a_faulty_run_has_nothing_to_prune() {
    let h = faulty_large_run(3);
    h.sim.set_fail_rate(0.0);
    h.sim.reset_requests();
    let before = all_tags(&h);
    let run = h.run(&["prune", "--keep", "5", "--yes"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("Nothing to prune in namespace \"large\""),
        "{}",
        run.stderr
    );
    assert_eq!(h.writes(), Vec::<String>::new());
    assert_eq!(all_tags(&h), before);
}

#[test]
fn rerun_after_a_forbidden_run_deletes_what_is_left() {
    let h = Harness::seed();
    user(&h, "no-delete", "bob", WORKLOADS, vec![]);
    let run = run_as(
        &h,
        "no-delete",
        &["prune", "--keep", "5", "--yes", "-l", "application=myapp"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(h.tags("myapp").len(), 22);
    h.sim.reset_requests();
    let run = h.run(&["prune", "--keep", "5", "--yes", "-l", "application=myapp"]);
    run.assert_ok();
    assert_eq!(h.sim.count("DELETE", ""), 16);
    assert_eq!(h.tags("myapp"), seed_survivors());
    h.sim.reset_requests();
    let run = h.run(&["prune", "--keep", "5", "--yes", "-l", "application=myapp"]);
    run.assert_ok();
    assert!(run.stderr.contains("Nothing to prune"), "{}", run.stderr);
    assert_eq!(h.writes(), Vec::<String>::new());
}

// ---- 6. protections ------------------------------------------------------------------------------

#[test]
fn image_used_by_a_pod_is_kept() {
    let h = Harness::seed();
    let is = h.sim.image_stream(NS, "myapp").unwrap();
    let used = is.current("v2.0.3").unwrap().clone();
    h.sim.add_workload(
        NS,
        "pods",
        json!({
            "metadata": {"name": "web-1"},
            "spec": {"containers": [{"name": "web", "image": used.docker_image_reference}]}
        }),
    );
    let dry = h.run(&[
        "prune",
        "--keep",
        "5",
        "-l",
        "application=myapp",
        "--dry-run",
    ]);
    dry.assert_ok();
    let r = row(&dry.stdout, "myapp", "v2.0.3");
    assert!(r.contains("keep"), "{r}");
    assert!(r.contains("in use by pod/web-1"), "{r}");
    assert!(
        dry.stderr.contains("would delete 15 tags"),
        "{}",
        dry.stderr
    );

    let run = h.run(&["prune", "--keep", "5", "--yes", "-l", "application=myapp"]);
    run.assert_ok();
    let mut want = seed_survivors();
    want.push("v2.0.3".into());
    assert_eq!(h.tags("myapp"), sorted(want));
    assert_eq!(h.sim.count("DELETE", ""), 15);
    assert_eq!(deletes_of(&h, "myapp", "v2.0.3"), 0);
}

#[test]
fn tag_referenced_by_a_spec_tag_is_kept() {
    let h = Harness::seed();
    // frontend: v1.0.0 … v1.4.0, v1.5.0-rc.1; prod ← v1.1.0, test ← v1.4.0.
    let dry = h.run(&["prune", "frontend", "--keep", "1", "--dry-run"]);
    dry.assert_ok();
    let r = row(&dry.stdout, "frontend", "v1.1.0");
    assert!(
        r.contains("keep") && r.contains("referenced by prod"),
        "{r}"
    );
    let r = row(&dry.stdout, "frontend", "v1.4.0");
    assert!(
        r.contains("keep") && r.contains("referenced by test"),
        "{r}"
    );

    let run = h.run(&["prune", "frontend", "--keep", "1", "--yes"]);
    run.assert_ok();
    assert_eq!(
        h.tags("frontend"),
        ["prod", "test", "v1.1.0", "v1.4.0", "v1.5.0-rc.1"]
    );
    assert_eq!(h.sim.count("DELETE", ""), 3);
}

#[test]
fn keep_younger_than_keeps_young_tags() {
    let h = Harness::seed();
    // v2.0.p was built 60 - 4(p-1) days ago: v2.0.8 is 32 days old, v2.0.9 28.
    let dry = h.run(&[
        "prune",
        "--keep",
        "5",
        "--keep-younger-than",
        "30d",
        "-l",
        "application=myapp",
        "--dry-run",
    ]);
    dry.assert_ok();
    let r = row(&dry.stdout, "myapp", "v2.0.9");
    assert!(r.contains("keep") && r.contains("younger than 30d"), "{r}");
    assert!(row(&dry.stdout, "myapp", "v2.0.8").contains("delete"));

    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "--keep-younger-than",
        "30d",
        "--yes",
        "-l",
        "application=myapp",
    ]);
    run.assert_ok();
    let mut want = seed_survivors();
    want.extend((9..=12).map(|p| format!("v2.0.{p}")));
    want.extend((0..=3).map(|p| format!("v2.1.{p}")));
    assert_eq!(h.tags("myapp"), sorted(want));
    assert_eq!(h.sim.count("DELETE", ""), 8);
}

#[test]
fn pods_that_cannot_be_listed_make_yes_refuse() {
    let h = Harness::seed();
    let no_pods: Vec<&str> = WORKLOADS.iter().copied().filter(|w| *w != "pods").collect();
    user(
        &h,
        "no-pods",
        "carol",
        &no_pods,
        vec![Rule::new(&["delete"], &["imagestreamtags"], Some(&[NS]))],
    );
    let args = ["prune", "--keep", "5", "--yes", "-l", "application=myapp"];
    let run = run_as(&h, "no-pods", &args);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().filter(|l| !l.is_empty()).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warning:") && l.contains("pods") && l.contains("forbidden")),
        "{}",
        run.stderr
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("error: refusing") && l.contains("--ignore-in-use")),
        "{}",
        run.stderr
    );
    assert_eq!(h.sim.count("DELETE", ""), 0);

    let mut with_ignore = args.to_vec();
    with_ignore.push("--ignore-in-use");
    let run = run_as(&h, "no-pods", &with_ignore);
    run.assert_ok();
    assert_eq!(h.tags("myapp"), seed_survivors());
}

#[test]
fn pods_that_cannot_be_listed_still_allow_a_dry_run() {
    let h = Harness::seed();
    let no_pods: Vec<&str> = WORKLOADS.iter().copied().filter(|w| *w != "pods").collect();
    user(&h, "no-pods", "carol", &no_pods, vec![]);
    let run = run_as(
        &h,
        "no-pods",
        &[
            "prune",
            "--keep",
            "5",
            "-l",
            "application=myapp",
            "--dry-run",
        ],
    );
    run.assert_ok();
    assert!(run.stderr.contains("warning:"), "{}", run.stderr);
    assert_eq!(h.writes(), Vec::<String>::new());
}

// ---- 7. revision trimming ------------------------------------------------------------------------

#[test]
fn keep_revisions_trims_history_through_the_status_subresource() {
    let h = Harness::seed();
    let before = h.sim.image_stream(NS, "myapp").unwrap();
    let multi: Vec<(String, usize)> = before
        .status
        .tags
        .iter()
        .flatten()
        .filter(|t| t.items.as_ref().is_some_and(|i| i.len() > 1))
        .map(|t| (t.tag.clone(), t.items.as_ref().unwrap().len()))
        .collect();
    // v2.0.5 and v2.1.2 were rebuilt, latest moved from v2.1.7's image to v2.1.8's.
    assert_eq!(
        multi,
        [
            ("latest".into(), 2),
            ("v2.0.5".into(), 2),
            ("v2.1.2".into(), 2)
        ]
    );
    // Without --keep no version tag is "newest N of 21": the plan says what applies.
    let dry = h.run(&["prune", "myapp", "--keep-revisions", "1", "--dry-run"]);
    dry.assert_ok();
    assert!(!dry.stdout.contains("newest"), "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains("kept (no --keep: only history is trimmed)"),
        "{}",
        dry.stdout
    );
    let run = h.run(&["prune", "myapp", "--keep-revisions", "1", "--yes"]);
    run.assert_ok();
    assert!(run.stderr.contains("trimmed 3 revisions"), "{}", run.stderr);
    assert_eq!(h.sim.count("PUT", "/imagestreams/myapp/status"), 1);
    assert_eq!(h.sim.count("DELETE", ""), 0);
    let after = h.sim.image_stream(NS, "myapp").unwrap();
    assert_eq!(h.tags("myapp").len(), 22, "no tag is deleted");
    for t in after.status.tags.iter().flatten() {
        let items = t.items.as_ref().unwrap();
        assert_eq!(items.len(), 1, "{}", t.tag);
        // The current revision is the one that stays.
        assert_eq!(
            items[0].image,
            before.current(&t.tag).unwrap().image,
            "{}",
            t.tag
        );
    }
}

#[test]
fn keep_and_keep_revisions_together() {
    let h = Harness::seed();
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "--keep-revisions",
        "1",
        "--yes",
        "-l",
        "application=myapp",
    ]);
    run.assert_ok();
    assert_eq!(h.tags("myapp"), seed_survivors());
    let after = h.sim.image_stream(NS, "myapp").unwrap();
    assert_eq!(after.status_tag("latest").unwrap().revisions().len(), 1);
    assert_eq!(h.sim.count("DELETE", ""), 16);
    assert_eq!(h.sim.count("PUT", "/imagestreams/myapp/status"), 1);
}

#[test]
fn trimming_without_update_on_status_fails_and_says_what_is_missing() {
    let h = Harness::seed();
    user(
        &h,
        "editor",
        "dave",
        WORKLOADS,
        vec![Rule::new(
            &["delete", "update"],
            &["imagestreamtags", "imagestreams"],
            Some(&[NS]),
        )],
    );
    let before = h.sim.image_stream(NS, "myapp").unwrap();
    let run = run_as(
        &h,
        "editor",
        &["prune", "myapp", "--keep-revisions", "1", "--yes"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("could not trim myapp"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        line.contains("\"update\"") && line.contains("\"imagestreams/status\""),
        "{line}"
    );
    assert!(
        run.stderr.lines().last().unwrap().starts_with("error: "),
        "{}",
        run.stderr
    );
    let after = h.sim.image_stream(NS, "myapp").unwrap();
    assert_eq!(
        serde_json::to_value(&before.status).unwrap(),
        serde_json::to_value(&after.status).unwrap()
    );
}

// ---- 8. 403 on delete ----------------------------------------------------------------------------

fn forbidden_delete(concurrency: &str) -> (Harness, Run) {
    let h = Harness::seed();
    user(&h, "viewer", "erin", WORKLOADS, vec![]);
    let run = run_as(
        &h,
        "viewer",
        &[
            "prune",
            "--keep",
            "5",
            "--yes",
            "-l",
            "application=myapp",
            "--concurrency",
            concurrency,
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let failed = run
        .stderr
        .lines()
        .find(|l| l.starts_with("failed myapp:"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        failed.contains("forbidden (403)")
            && failed.contains("\"delete\"")
            && failed.contains("\"imagestreamtags\""),
        "{failed}"
    );
    assert!(
        run.stderr
            .contains("15 deletes not sent after an earlier delete was forbidden"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.lines().last().unwrap().starts_with("error: "),
        "{}",
        run.stderr
    );
    assert_eq!(h.tags("myapp").len(), 22);
    (h, run)
}

#[test]
fn forbidden_delete_stops_after_the_first_403() {
    let (h, _) = forbidden_delete("1");
    assert_eq!(h.sim.count("DELETE", ""), 1);
}

/// At the default concurrency (16, as many as the seed's stale tags) the first DELETE still
/// goes alone: a user without delete rights gets one 403, not one per request in flight.
#[test]
fn forbidden_delete_at_full_concurrency_sends_one_delete() {
    let (h, run) = forbidden_delete("16");
    assert_eq!(h.sim.count("DELETE", ""), 1, "{}", run.stderr);
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("failed "))
            .count(),
        1,
        "{}",
        run.stderr
    );
}
