//! The cluster-wide recipe in deploy/platform/: both CronJobs' commands run with exactly the
//! ClusterRole's permissions against the simulator's RBAC, and without any single one of them
//! some run fails or says which verb and resource it lacks (so every permission is needed).

mod harness;
mod recipes;

use std::collections::BTreeSet;

use harness::{Harness, Run};
use prunetags::sim::{Rule, Scenario, SimOptions};
use recipes::{Perm, find_named as find, strings};
use serde_yaml::Value;

/// (apiGroup, resource, verb) of every permission the ClusterRole grants.
fn permissions() -> BTreeSet<Perm> {
    let docs = docs("rbac.yaml");
    recipes::permissions(find(&docs, "ClusterRole", None))
}

/// deploy/platform/FILE.
fn docs(file: &str) -> Vec<Value> {
    recipes::docs(&format!("platform/{file}"))
}

fn args_of(cronjob: &str) -> Vec<String> {
    let docs = docs("cronjobs.yaml");
    let pod =
        &find(&docs, "CronJob", Some(cronjob))["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    assert_eq!(
        pod["serviceAccountName"].as_str(),
        Some("oc-prunetags-platform")
    );
    strings(&pod["containers"][0]["args"])
}

/// The nightly job as its CronJob runs it.
fn nightly() -> Vec<String> {
    args_of("prunetags-nightly")
}

/// The weekly job as its CronJob runs it, but printing its mails (the API requests are the
/// same; tests/report.rs sends them to a real SMTP server), and with a threshold the simulated
/// namespace is over (10GiB is more than it holds: it would read no namespace).
fn weekly() -> Vec<String> {
    let mut args = args_of("prunetags-weekly-report");
    let at = args.iter().position(|a| a == "--smtp").unwrap();
    args.drain(at..at + 2);
    for flag in ["--smtp-password-file", "--smtp-ca"] {
        let at = args.iter().position(|a| a == flag).unwrap();
        args.drain(at..at + 2);
    }
    let at = args.iter().position(|a| a == "--over").unwrap();
    args[at + 1] = "1MB".into();
    args.push("--dry-run".into());
    args
}

/// A simulator whose kubeconfig user has exactly `perms`, cluster-wide. Revisions are older
/// than 96h behind each tag's current one, so the nightly run has history to trim.
fn as_service_account(perms: &BTreeSet<(String, String, String)>) -> Harness {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 3,
            tags: 2,
            revisions: 5,
        },
        ..SimOptions::default()
    });
    // The simulator's RBAC is per resource and verb, not API group.
    let rules = perms
        .iter()
        .map(|(_, r, v)| Rule::new(&[v], &[r], None))
        .collect();
    h.sim.add_user(
        "sa-token",
        "system:serviceaccount:prunetags-platform:oc-prunetags-platform",
        rules,
    );
    let kubeconfig = std::fs::read_to_string(&h.kubeconfig)
        .unwrap()
        .replace(h.sim.admin_token(), "sa-token");
    std::fs::write(&h.kubeconfig, kubeconfig).unwrap();
    h
}

fn run(h: &Harness, args: &[String]) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    h.run(&args)
}

#[test]
fn both_cronjobs_parse_and_the_binding_names_the_service_account() {
    for args in [nightly(), weekly(), args_of("prunetags-weekly-report")] {
        let mut argv = vec!["oc-prunetags".to_owned()];
        argv.extend(args.clone());
        let cli = <prunetags::cli::Cli as clap::Parser>::try_parse_from(argv)
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        cli.into_config().unwrap();
    }
    assert_eq!(
        nightly(),
        [
            "prune",
            "-A",
            "--keep-revisions",
            "3",
            "--keep-younger-than",
            "96h",
            "--yes",
            "-o",
            "json"
        ]
    );
    let rbac = docs("rbac.yaml");
    let binding = find(&rbac, "ClusterRoleBinding", None);
    assert_eq!(binding["roleRef"]["kind"].as_str(), Some("ClusterRole"));
    assert_eq!(
        binding["subjects"][0]["name"].as_str(),
        Some("oc-prunetags-platform")
    );
    let secrets = docs_secret();
    let secret = find(&secrets, "Secret", Some("prunetags-smtp"));
    assert!(secret["stringData"]["password"].is_string());
    let cron = docs("cronjobs.yaml");
    let pod = &find(&cron, "CronJob", Some("prunetags-weekly-report"))["spec"]["jobTemplate"]["spec"]
        ["template"]["spec"];
    assert_eq!(
        pod["volumes"][0]["secret"]["secretName"].as_str(),
        Some("prunetags-smtp")
    );
    // --smtp-ca reads the bundle OpenShift injects into the labelled ConfigMap.
    assert_eq!(
        pod["volumes"][1]["configMap"]["name"].as_str(),
        Some("prunetags-trusted-ca")
    );
    let ca = find(&cron, "ConfigMap", Some("prunetags-trusted-ca"));
    assert_eq!(
        ca["metadata"]["labels"]["config.openshift.io/inject-trusted-cabundle"].as_str(),
        Some("true")
    );
    let args = strings(&pod["containers"][0]["args"]);
    let at = args.iter().position(|a| a == "--smtp-ca").unwrap();
    let mount = pod["containers"][0]["volumeMounts"][1]["mountPath"]
        .as_str()
        .unwrap();
    assert_eq!(args[at + 1], format!("{mount}/ca-bundle.crt"));
}

fn docs_secret() -> Vec<Value> {
    docs("smtp-secret.yaml")
}

#[test]
fn the_cluster_role_is_enough_for_both_jobs() {
    let h = as_service_account(&permissions());
    let night = run(&h, &nightly());
    assert_eq!(night.code, 0, "{}", night.stderr);
    assert!(!night.stderr.contains("warning"), "{}", night.stderr);
    let doc: serde_json::Value = serde_json::from_str(&night.stdout).unwrap();
    assert_eq!(doc["kind"], "PruneRun");
    // It trimmed history (3 streams × 1 version tag × 2 revisions beyond the newest 3).
    assert_eq!(h.sim.count("PUT", "/status"), 3, "{}", night.stdout);
    let week = run(&h, &weekly());
    assert_eq!(week.code, 0, "{}", week.stderr);
    assert!(!week.stderr.contains("warning"), "{}", week.stderr);
    assert!(
        week.stdout.contains("Subject: Registry space report"),
        "{}",
        week.stdout
    );
}

#[test]
fn every_permission_is_needed_and_its_absence_is_named() {
    let all = permissions();
    for p in &all {
        let mut fewer = all.clone();
        fewer.remove(p);
        let h = as_service_account(&fewer);
        let (group, resource, verb) = p;
        if resource == "images" {
            list_images_spares_the_gets(&h, &all);
            continue;
        }
        let runs = [run(&h, &nightly()), run(&h, &weekly())];
        // Said on stderr, or in the JSON report of a run that failed (-o json puts each item's
        // error there).
        let told = runs.iter().any(|r| {
            let said = format!("{}{}", r.stderr, r.stdout);
            (r.code != 0 || r.stderr.contains("warning"))
                && said.contains(&format!("{verb} {resource}"))
        });
        assert!(
            told,
            "without {verb} {resource}.{group} no run failed naming it:\nnightly: {} {} {}\nweekly: {} {}",
            runs[0].code, runs[0].stderr, runs[0].stdout, runs[1].code, runs[1].stderr
        );
    }
}

/// `list images` changes no figure: without it the weekly report reads each image with a GET and
/// says what would spare them. One at a time, the 15 distinct images are worth a page of the LIST.
fn list_images_spares_the_gets(without: &Harness, all: &BTreeSet<Perm>) {
    let mut args = weekly();
    args.extend(["--concurrency".to_owned(), "1".to_owned()]);
    let slow = run(without, &args);
    assert_eq!(slow.code, 0, "{}", slow.stderr);
    assert!(!slow.stderr.contains("warning"), "{}", slow.stderr);
    assert!(
        slow.stderr.contains("note: cannot list images (403 Forbidden), so 15 images are read one by one; `list images`"),
        "{}",
        slow.stderr
    );
    assert_eq!(without.sim.count("GET", "/imagestreamimages/"), 15);
    let with = as_service_account(all);
    let fast = run(&with, &args);
    assert_eq!(fast.code, 0, "{}", fast.stderr);
    assert_eq!(with.sim.count("GET", "/imagestreamimages/"), 0);
    assert_eq!(
        without_boundary_and_date(&fast.stdout),
        without_boundary_and_date(&slow.stdout),
        "the same report either way"
    );
}

/// A printed mail without what differs from run to run: the MIME boundary and the Date header.
fn without_boundary_and_date(mail: &str) -> String {
    let boundary = mail
        .split("boundary=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a multipart mail");
    mail.replace(boundary, "BOUNDARY")
        .lines()
        .filter(|l| !l.starts_with("Date: "))
        .collect::<Vec<_>>()
        .join("\n")
}
