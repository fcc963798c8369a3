//! Version rules end to end: one slot per version, pre-releases take none, anchored --match,
//! --order created, the 1h default of --keep-younger-than, and `-o name`. Each test prunes a
//! stream of its own in the seed scenario's namespace and asserts the tags left on the server.

use serde_json::Value;

use crate::harness::{Harness, Run};

const NS: &str = "mynamespace";

fn sorted(tags: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    v.sort();
    v
}

/// The reasons the plan gives a tag, as JSON.
fn reasons(run: &Run, tag: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&run.stdout).expect("a JSON document");
    doc["plan"]["streams"][0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == tag)
        .unwrap_or_else(|| panic!("{tag} not in the plan"))["reasons"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn one_version_under_several_names_takes_one_slot() {
    let h = Harness::seed();
    h.push_aged(
        NS,
        "multi",
        &[
            ("v1.3.0", 10),
            ("v1.2.0+b.5", 20),
            ("v1.2.0+b.6", 21),
            ("v1.1.0", 30),
            ("1.0.0", 40),
            ("v1.0.0", 41),
        ],
    );
    let run = h.run(&["prune", "multi", "--keep", "2", "--yes", "-o", "json"]);
    run.assert_ok();
    // v1.3.0 and v1.2.0 (both names) are the 2 newest versions.
    assert_eq!(
        h.tags("multi"),
        sorted(&["v1.3.0", "v1.2.0+b.5", "v1.2.0+b.6"])
    );
    assert_eq!(reasons(&run, "v1.2.0+b.5")[0]["kind"], "newest");
    assert_eq!(reasons(&run, "v1.2.0+b.5")[0]["rank"], 2);
}

#[test]
fn a_protected_name_keeps_every_name_of_its_version() {
    let h = Harness::seed();
    h.push_aged(
        NS,
        "multi",
        &[
            ("v2.0.0", 10),
            ("v1.0.0", 40),
            ("1.0.0", 41),
            ("v0.9.0", 50),
        ],
    );
    h.sim.with_store(|s| {
        let mut is = s.get_stream(NS, "multi").unwrap();
        is.metadata.annotations = Some(
            [(
                "prunetags.openshift.io/pinned".to_owned(),
                "1.0.0".to_owned(),
            )]
            .into(),
        );
        s.update_stream(NS, "multi", is).unwrap();
    });
    let run = h.run(&["prune", "multi", "--keep", "1", "--yes", "-o", "json"]);
    run.assert_ok();
    assert_eq!(h.tags("multi"), sorted(&["v2.0.0", "v1.0.0", "1.0.0"]));
    assert_eq!(reasons(&run, "1.0.0")[0]["kind"], "pinned");
    assert_eq!(reasons(&run, "v1.0.0")[0]["kind"], "sameVersion");
    assert_eq!(reasons(&run, "v1.0.0")[0]["asTag"], "1.0.0");
}

#[test]
fn pre_releases_take_no_slot() {
    let h = Harness::seed();
    h.push_aged(
        NS,
        "pre",
        &[
            ("v3.0.0-rc.1", 5),
            ("v2.0.0", 10),
            ("v2.0.0-rc.2", 11),
            ("v1.1.0-rc.1", 15),
            ("v1.0.0", 20),
            ("v1.0.0-rc.1", 21),
            ("v0.9.0", 30),
        ],
    );
    let run = h.run(&["prune", "pre", "--keep", "2", "--yes", "-o", "json"]);
    run.assert_ok();
    // The 2 newest releases, and every pre-release newer than v1.0.0 (the oldest kept).
    assert_eq!(
        h.tags("pre"),
        sorted(&[
            "v3.0.0-rc.1",
            "v2.0.0",
            "v2.0.0-rc.2",
            "v1.1.0-rc.1",
            "v1.0.0"
        ])
    );
    assert_eq!(reasons(&run, "v1.1.0-rc.1")[0]["kind"], "preRelease");
    assert_eq!(reasons(&run, "v1.1.0-rc.1")[0]["newerThan"], "v1.0.0");
    assert_eq!(reasons(&run, "v1.0.0-rc.1")[0]["kind"], "stalePreRelease");
}

#[test]
fn match_is_anchored_and_narrows_the_versions() {
    let h = Harness::seed();
    h.push_aged(
        NS,
        "m",
        &[
            ("v2.2.0", 10),
            ("v2.1.0", 20),
            ("v2.0.0", 30),
            ("v1.1.0", 40),
            ("v1.0.0", 50),
            ("v2-latest", 5),
        ],
    );
    // Anchored: `v2` alone matches no tag name as a whole.
    let run = h.run(&["prune", "m", "--keep", "1", "--match", "v2", "--yes"]);
    run.assert_ok();
    assert_eq!(h.tags("m").len(), 6, "{}", run.stderr);
    // Narrows: only v2 versions are candidates; v1 is untouched, v2-latest is not a version.
    let run = h.run(&[
        "prune", "m", "--keep", "1", "--match", r"v2\..*", "--yes", "-o", "json",
    ]);
    run.assert_ok();
    assert_eq!(
        h.tags("m"),
        sorted(&["v2.2.0", "v1.1.0", "v1.0.0", "v2-latest"])
    );
    assert_eq!(reasons(&run, "v1.0.0")[0]["kind"], "notMatched");
}

#[test]
fn order_created_prunes_build_tags_by_time() {
    let h = Harness::seed();
    h.push_aged(
        NS,
        "ci",
        &[
            ("pr-1", 50),
            ("pr-2", 40),
            ("pr-10", 30),
            ("pr-3", 20),
            ("latest", 20),
        ],
    );
    // By version order, pr-N tags are never candidates, and the plan says why.
    let run = h.run(&[
        "prune", "ci", "--keep", "2", "--match", r"pr-\d+", "--yes", "-o", "json",
    ]);
    run.assert_ok();
    assert_eq!(h.tags("ci").len(), 5);
    assert_eq!(reasons(&run, "pr-1")[0]["kind"], "notAVersion");
    // By time: the two newest current images (pr-3, pr-10) stay.
    let run = h.run(&[
        "prune", "ci", "--keep", "2", "--match", r"pr-\d+", "--order", "created", "--yes",
    ]);
    run.assert_ok();
    assert_eq!(h.tags("ci"), sorted(&["pr-3", "pr-10", "latest"]));
}

#[test]
fn keep_younger_than_defaults_to_one_hour() {
    let h = Harness::seed();
    h.push_aged(
        NS,
        "young",
        &[("v3.0.0", 10), ("v2.0.0", 20), ("v1.0.0", 0)],
    );
    // v1.0.0 was pushed just now: stale by version, but younger than oc's 60m.
    let run = h.run(&["prune", "young", "--keep", "1", "--yes", "-o", "json"]);
    run.assert_ok();
    assert_eq!(h.tags("young"), sorted(&["v3.0.0", "v1.0.0"]));
    let r = reasons(&run, "v1.0.0");
    assert_eq!(r[0]["kind"], "youngerThan", "{r:?}");
    let help = h.run(&["prune", "--help"]);
    assert!(
        help.stdout.contains("--keep-younger-than") && help.stdout.contains("default 1h"),
        "{}",
        help.stdout
    );
    // 0 turns it off, as with oc adm prune.
    let run = h.run(&[
        "prune",
        "young",
        "--keep",
        "1",
        "--keep-younger-than",
        "0",
        "--yes",
    ]);
    run.assert_ok();
    assert_eq!(h.tags("young"), sorted(&["v3.0.0"]));
}

#[test]
fn output_name_lists_what_would_be_and_what_was_deleted() {
    let h = Harness::seed();
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "-l",
        "application=myapp",
        "--dry-run",
        "-o",
        "name",
    ]);
    run.assert_ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 16, "{}", run.stdout);
    assert!(
        lines.contains(&"imagestreamtag/myapp:v2.0.1"),
        "{}",
        run.stdout
    );
    assert_eq!(h.tags("myapp").len(), 22, "a dry run writes nothing");
    // Without a terminal and without --yes it is refused, not silently ignored.
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "-l",
        "application=myapp",
        "-o",
        "name",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let run = h.run(&[
        "prune",
        "--keep",
        "5",
        "-l",
        "application=myapp",
        "--yes",
        "-o",
        "name",
    ]);
    run.assert_ok();
    let mut printed: Vec<&str> = run.stdout.lines().collect();
    printed.sort();
    let mut want: Vec<String> = (1..=12)
        .map(|p| format!("imagestreamtag/myapp:v2.0.{p}"))
        .chain((0..=3).map(|p| format!("imagestreamtag/myapp:v2.1.{p}")))
        .collect();
    want.sort();
    assert_eq!(printed, want);
    assert_eq!(h.tags("myapp").len(), 6);
}
