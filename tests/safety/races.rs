//! Between the plan and the DELETE: state that changes meanwhile protects; a lost answer is
//! resolved by reading; a signal stops every new request and the report still prints.
//!
//! Changes happen at exact moments through the simulator's request hooks: "when the re-read
//! after the confirmation lists deployments" (the 2nd deployments LIST of the run; the
//! streams are read concurrently, so a push then is seen by that read or by the watch after it) or "when the DELETE of
//! myapp:v2.1.3 arrives" (with --concurrency 1 the DELETEs go out in plan order, v2.1.3
//! first and v2.0.1 last, so a change made at the first DELETE must be seen by the later ones
//! through the watch). Every test asserts what the server holds afterwards.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use prunetags::model::{ObjectReference, TagReference};
use prunetags::sim::Rule;
use prunetags::sim::scenario::{make_image, sha_digest};
use serde_json::{Value, json};

use crate::common::{NS, digest_of, kubeconfig_for, run_with};
use crate::harness::{Harness, Run};

const REGISTRY: &str = "image-registry.openshift-image-registry.svc:5000";
/// The first DELETE of `prune --keep 5 -l application=myapp --concurrency 1`.
const FIRST: &str = "imagestreamtags/myapp:v2.1.3";

fn prune(h: &Harness, extra: &[&str]) -> Run {
    let mut args = vec![
        "prune",
        "--keep",
        "5",
        "-l",
        "application=myapp",
        "--yes",
        "-o",
        "json",
        "--concurrency",
        "1",
    ];
    args.extend_from_slice(extra);
    h.run(&args)
}

fn doc(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}\nstdout: {}\nstderr: {}", run.stdout, run.stderr))
}

/// The outcome of `tag` in the document's result: (outcome, reason).
fn outcome(run: &Run, tag: &str) -> (String, String) {
    let d = doc(run);
    let r = d["result"]["deletions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["tag"] == tag)
        .unwrap_or_else(|| panic!("{tag} not in the result: {}", run.stdout))
        .clone();
    (
        r["outcome"].as_str().unwrap().to_owned(),
        r["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

fn new_image(tag: &str) -> prunetags::model::Image {
    let digest = sha_digest(&format!("rebuilt {tag}"));
    make_image(
        &digest,
        &format!("{REGISTRY}/{NS}/myapp@{digest}"),
        &sha_digest(&format!("config rebuilt {tag}")),
        vec![(sha_digest(&format!("layer rebuilt {tag}")), 4242)],
        jiff::Timestamp::now(),
    )
}

/// DELETEs of `myapp:<tag>` exactly.
fn deletes_of(h: &Harness, tag: &str) -> usize {
    let path = format!("/imagestreamtags/myapp:{tag}");
    h.sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path.ends_with(&path))
        .count()
}

/// GETs of the stream myapp itself (not of its /layers).
fn stream_gets(h: &Harness) -> usize {
    h.sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/imagestreams/myapp"))
        .count()
}

#[test]
fn a_push_seen_by_the_reread_after_confirmation_protects() {
    let h = Harness::seed();
    h.sim.on_nth_request("GET", "/deployments", 2, |s| {
        s.push(NS, "myapp", "v2.0.3", new_image("v2.0.3")).unwrap();
    });
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (o, why) = outcome(&run, "v2.0.3");
    assert_eq!(o, "skipped");
    assert!(why.contains("changed since the plan"), "{why}");
    assert!(h.tags("myapp").contains(&"v2.0.3".to_owned()));
    assert_eq!(deletes_of(&h, "v2.0.3"), 0);
    assert_eq!(h.sim.count("DELETE", "/imagestreamtags/"), 15);
}

#[test]
fn a_push_during_the_deletes_is_seen_through_the_watch() {
    let h = Harness::seed();
    let pushed = sha_digest("rebuilt v2.0.1");
    h.sim.on_request("DELETE", FIRST, |s| {
        s.push(NS, "myapp", "v2.0.1", new_image("v2.0.1")).unwrap();
    });
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (o, why) = outcome(&run, "v2.0.1");
    assert_eq!(o, "skipped", "{why}");
    assert!(why.contains("changed since the plan"), "{why}");
    assert_eq!(digest_of(&h, "v2.0.1"), pushed);
    assert_eq!(deletes_of(&h, "v2.0.1"), 0);
    // The watch made a read per tag unnecessary.
    assert!(
        h.sim
            .requests()
            .iter()
            .any(|r| r.query.contains("watch=true"))
    );
    assert_eq!(stream_gets(&h), 0);
}

#[test]
fn without_the_watch_each_delete_reads_its_stream_first() {
    let h = Harness::seed();
    // A user who may get/list but not watch image streams.
    let mut rules = vec![
        Rule::new(
            &["get", "list"],
            &["imagestreams", "imagestreamtags", "imagestreams/layers"],
            Some(&[NS]),
        ),
        Rule::new(&["delete"], &["imagestreamtags"], Some(&[NS])),
    ];
    rules.push(Rule::new(&["get", "list"], &["*"], Some(&[NS])));
    h.sim.add_user("nowatch", "nowatch", rules);
    let path = kubeconfig_for(&h, "nowatch");
    h.sim.on_request("DELETE", FIRST, |s| {
        s.push(NS, "myapp", "v2.0.1", new_image("v2.0.1")).unwrap();
    });
    let run = run_with(
        &h,
        &path,
        &[
            "prune",
            "--keep",
            "5",
            "-l",
            "application=myapp",
            "--yes",
            "-o",
            "json",
            "--concurrency",
            "1",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (o, why) = outcome(&run, "v2.0.1");
    assert_eq!(o, "skipped", "{why}");
    assert_eq!(h.sim.count("DELETE", "/imagestreamtags/"), 15);
    // One GET of the stream right before each of the 16 decisions.
    assert_eq!(stream_gets(&h), 16);
}

#[test]
fn a_stream_recreated_since_the_plan_is_never_emptied() {
    let h = Harness::seed();
    h.sim.on_request("DELETE", FIRST, |s| {
        s.recreate_stream(NS, "myapp").unwrap();
    });
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d = doc(&run);
    for r in d["result"]["deletions"].as_array().unwrap() {
        assert_eq!(r["outcome"], "skipped", "{r}");
        assert!(r["reason"].as_str().unwrap().contains("replaced"), "{r}");
    }
    assert_eq!(h.tags("myapp").len(), 22);
    // The first DELETE carried the planned UID and was refused (409); the stream was read
    // again then, and no other DELETE was sent.
    assert_eq!(h.sim.count("DELETE", "/imagestreamtags/"), 1);
}

#[test]
fn a_pin_added_during_the_deletes_protects() {
    let h = Harness::seed();
    h.sim.on_request("DELETE", FIRST, |s| {
        s.annotate_stream(NS, "myapp", "prunetags.openshift.io/pinned", "v2.0.1")
            .unwrap();
    });
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (o, why) = outcome(&run, "v2.0.1");
    assert_eq!(o, "skipped");
    assert!(
        why.contains("no longer planned") && why.contains("pinned"),
        "{why}"
    );
    assert!(h.tags("myapp").contains(&"v2.0.1".to_owned()));
}

#[test]
fn a_reference_added_in_another_stream_during_the_deletes_protects() {
    let h = Harness::seed();
    h.sim.on_request("DELETE", FIRST, |s| {
        let t = TagReference {
            name: "pinned-app".into(),
            from: Some(ObjectReference {
                kind: "ImageStreamTag".into(),
                namespace: None,
                name: "myapp:v2.0.1".into(),
            }),
            ..Default::default()
        };
        s.add_spec_tag(NS, "frontend", t).unwrap();
    });
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (o, why) = outcome(&run, "v2.0.1");
    assert_eq!(o, "skipped");
    assert!(why.contains("referenced by frontend:pinned-app"), "{why}");
    assert!(h.tags("myapp").contains(&"v2.0.1".to_owned()));
}

#[test]
fn a_workload_seen_by_the_reread_protects() {
    let h = Harness::seed();
    let digest = digest_of(&h, "v2.0.2");
    h.sim.on_nth_request("GET", "/deployments", 2, move |s| {
        s.add_workload(
            NS,
            "deployments",
            json!({"metadata": {"name": "late"}, "spec": {"template": {"spec": {"containers": [
                {"name": "app", "image": format!("{REGISTRY}/{NS}/myapp@{digest}")}
            ]}}}}),
        );
    });
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (o, why) = outcome(&run, "v2.0.2");
    assert_eq!(o, "skipped");
    assert!(why.contains("in use by deployment/late"), "{why}");
    assert!(h.tags("myapp").contains(&"v2.0.2".to_owned()));
}

#[test]
fn a_lost_answer_is_resolved_by_reading_not_by_guessing() {
    let h = Harness::seed();
    // Applied by the server, then the connection is reset before the answer.
    h.sim.drop_response_after_apply("DELETE", "myapp:v2.0.5", 1);
    let run = prune(&h, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(outcome(&run, "v2.0.5").0, "deleted");
    assert!(!h.tags("myapp").contains(&"v2.0.5".to_owned()));
    // Read back, not re-sent.
    assert_eq!(deletes_of(&h, "v2.0.5"), 1);
    assert_eq!(h.tags("myapp").len(), 6);
}

/// Starts `prune` in the background with stdin closed; its output is collected by threads.
struct Background {
    child: std::process::Child,
    out: std::thread::JoinHandle<String>,
    err: std::thread::JoinHandle<String>,
}

fn spawn(h: &Harness, args: &[&str]) -> Background {
    let mut cmd = h.command();
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = pipe.read_to_string(&mut s);
            s
        })
    };
    let out = read(Box::new(child.stdout.take().unwrap()));
    let err = read(Box::new(child.stderr.take().unwrap()));
    Background { child, out, err }
}

impl Background {
    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    fn finish(mut self, within: Duration) -> (i32, String, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > within {
                let _ = self.child.kill();
                panic!("did not end within {within:?} of the signal");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        (
            status.code().unwrap_or(-1),
            self.out.join().unwrap(),
            self.err.join().unwrap(),
        )
    }
}

fn wait_for(what: &str, f: impl Fn() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn sigterm_stops_sending_and_the_report_still_prints() {
    let h = Harness::new(prunetags::sim::SimOptions {
        latency: Duration::from_millis(150),
        ..prunetags::sim::SimOptions::default()
    });
    let bg = spawn(
        &h,
        &[
            "prune",
            "--keep",
            "5",
            "-l",
            "application=myapp",
            "--yes",
            "-o",
            "json",
            "--concurrency",
            "2",
        ],
    );
    wait_for("two DELETEs", || {
        h.sim.count("DELETE", "/imagestreamtags/") >= 2
    });
    bg.signal("TERM");
    let at_signal = h.sim.requests().len();
    let (code, stdout, stderr) = bg.finish(Duration::from_secs(5));
    assert_eq!(code, 1, "{stderr}");
    // At most the two in flight were answered after the signal; nothing new was sent.
    assert!(
        h.sim.requests().len() <= at_signal + 2,
        "{} requests after the signal",
        h.sim.requests().len() - at_signal
    );
    let d: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(d["result"]["interrupted"], true);
    let results = d["result"]["deletions"].as_array().unwrap();
    let deleted = results.iter().filter(|r| r["outcome"] == "deleted").count();
    let not_sent = results.iter().filter(|r| r["outcome"] == "notSent").count();
    assert_eq!(results.len(), 16);
    assert!(not_sent >= 10, "{not_sent} not sent");
    assert_eq!(h.tags("myapp").len(), 22 - deleted);
    assert!(
        stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("error: interrupted"),
        "{stderr}"
    );
}

#[test]
fn a_signal_while_waiting_out_retry_after_sends_nothing_more() {
    let h = Harness::seed();
    let bg = spawn(
        &h,
        &[
            "prune",
            "--keep",
            "5",
            "-l",
            "application=myapp",
            "--yes",
            "--concurrency",
            "1",
        ],
    );
    // From the first DELETE on, everything is answered 429 with Retry-After: 1.
    wait_for("a DELETE", || {
        h.sim.count("DELETE", "/imagestreamtags/") >= 1
    });
    h.sim.set_max_inflight(Some(0));
    wait_for("a 429", || h.sim.requests().iter().any(|r| r.status == 429));
    std::thread::sleep(Duration::from_millis(100));
    bg.signal("INT");
    let at_signal = h.sim.requests().len();
    let started = Instant::now();
    let (code, _, stderr) = bg.finish(Duration::from_secs(5));
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "waited out the Retry-After: {:?}",
        started.elapsed()
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        h.sim.requests().len(),
        at_signal,
        "a request after the signal"
    );
    // Not-sent tags are one counted line, not one line each.
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("not sent") && !l.starts_with("deleted "))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("interrupted: "), "{stderr}");
}
