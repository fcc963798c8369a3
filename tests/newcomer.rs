//! What a new user meets following README.md top to bottom (issue #15): what `cargo install`
//! installs, what `--help` says about `--demo`, and the README's notes on completion and man
//! pages.

mod harness;

use std::process::Command;
use std::time::Duration;

use harness::{clean_env, run};

const OC: &str = env!("CARGO_BIN_EXE_oc-prunetags");

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

fn oc(home: &std::path::Path, args: &[&str]) -> harness::Run {
    let mut cmd = Command::new(OC);
    clean_env(&mut cmd, home);
    cmd.args(args);
    run(cmd, Duration::from_secs(60))
}

#[test]
fn help_says_what_demo_is_and_that_its_changes_vanish() {
    let home = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["prune", "--help"], &["list", "--help"]] {
        let r = oc(home.path(), args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let help = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        let demo = help
            .split("--demo")
            .nth(1)
            .unwrap_or_else(|| panic!("{args:?}: no --demo in {help}"));
        let demo = &demo[..demo.find(" -").unwrap_or(demo.len())];
        for words in [
            "fresh simulated cluster",
            "three streams",
            "vanish when the command ends",
        ] {
            assert!(demo.contains(words), "{args:?}: --demo{demo}");
        }
    }
}

#[test]
fn demo_is_fresh_each_time_and_holds_the_three_streams_help_names() {
    let home = tempfile::tempdir().unwrap();
    let r = oc(
        home.path(),
        &["--demo", "prune", "--keep", "5", "--yes", "-o", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let deleted = run["result"]["deletions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"] == "deleted")
        .count();
    assert!(deleted > 0, "{}", r.stdout);
    // The next command starts from the same fresh cluster: nothing it deleted is gone.
    let again = oc(
        home.path(),
        &["--demo", "prune", "--keep", "5", "--dry-run", "-o", "json"],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let plan: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    let would = plan["plan"]["streams"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tags"].as_array().unwrap())
        .filter(|t| t["action"] == "delete")
        .count();
    assert_eq!(would, deleted);
    let r = oc(home.path(), &["--demo", "list", "-o", "json"]);
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["frontend", "myapp", "python"]);
}

#[test]
fn readme_says_which_oc_completes_plugins() {
    let readme = readme();
    let para = readme
        .split("\n\n")
        .find(|p| p.contains("kubectl ≥ 1.26"))
        .expect("README's kubectl ≥ 1.26 note");
    assert!(para.contains("oc ≥ 4.15"), "{para}");
}

/// #15 item 10: prune's own flags come first, under headings, before the ~15 connection flags.
#[test]
fn prune_help_groups_its_flags_under_headings() {
    let home = tempfile::tempdir().unwrap();
    let out = oc(home.path(), &["prune", "--help"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let at = |heading: &str| {
        out.stdout
            .lines()
            .position(|l| l == format!("{heading}:"))
            .unwrap_or_else(|| panic!("no {heading:?} heading:\n{}", out.stdout))
    };
    let order: Vec<usize> = [
        "Selection",
        "Protection",
        "Confirmation",
        "Speed",
        "Connection",
        "Output",
    ]
    .iter()
    .map(|h| at(h))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "{order:?}\n{}",
        out.stdout
    );
    // Each flag sits under its heading.
    let under = |flag: &str, heading: &str| {
        let line = out
            .stdout
            .lines()
            .position(|l| l.trim_start().starts_with(flag) || l.contains(&format!(", {flag}")))
            .unwrap_or_else(|| panic!("{flag} not in:\n{}", out.stdout));
        let above: Vec<&str> = out.stdout.lines().take(line).collect();
        let heading_line = above.iter().rev().find(|l| l.ends_with(':'));
        assert_eq!(
            heading_line.map(|h| h.to_string()),
            Some(format!("{heading}:")),
            "{flag}"
        );
    };
    under("--keep <N>", "Selection");
    under("--keep-younger-than", "Protection");
    under("--dry-run", "Confirmation");
    under("--concurrency", "Speed");
    under("--token", "Connection");
    under("--output", "Output");
}

/// Item 10: the usage line shows `--keep N`, and each host's help speaks its own command:
/// `kubectl prunetags …` under kubectl (krew installs kubectl-prunetags), `oc prunetags …`
/// under oc, in the usage lines and in every example.
#[test]
fn help_shows_keep_in_usage_and_the_host_command_in_examples() {
    let kubectl_plugin = env!("CARGO_BIN_EXE_kubectl-prunetags");
    for (bin, host, other) in [
        (OC, "oc prunetags", "kubectl prunetags"),
        (kubectl_plugin, "kubectl prunetags", "oc prunetags"),
    ] {
        let home = tempfile::tempdir().unwrap();
        for args in [
            &["prune", "--help"][..],
            &["--help"][..],
            &["list", "--help"][..],
        ] {
            let mut cmd = Command::new(bin);
            clean_env(&mut cmd, home.path());
            cmd.args(args);
            let out = run(cmd, Duration::from_secs(60));
            assert_eq!(out.code, 0, "{}", out.stderr);
            let usage = out
                .stdout
                .lines()
                .find(|l| l.starts_with("Usage: "))
                .unwrap_or_else(|| panic!("no usage line:\n{}", out.stdout));
            assert!(usage.starts_with(&format!("Usage: {host} ")), "{usage}");
            assert!(
                !out.stdout.contains(other),
                "{host} {args:?} help mentions {other}:\n{}",
                out.stdout
            );
            if args[0] == "prune" {
                assert_eq!(
                    usage,
                    format!("Usage: {host} prune --keep N [OPTIONS] [STREAMS]..."),
                    "{}",
                    out.stdout
                );
                assert!(
                    out.stdout
                        .contains(&format!("  {host} prune --keep 5 -l application=myapp")),
                    "{}",
                    out.stdout
                );
            }
        }
    }
}
