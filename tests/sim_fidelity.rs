//! Replays the recorded requests of a real OpenShift 4.13 server against the simulator and
//! compares the answers: status codes, error bodies, response shapes, item names.
//!
//! Deliberate differences (not compared):
//! - 127/128 `imagetags` are not simulated (the tool does not use them).
//! - 140 is a watch; 170–174 are discovery of the real aggregated server (checked by the kubectl
//!   tests instead); seed-060/061 create RBAC objects (replaced by `Sim::add_user`).
//! - 132 (`layers`) was recorded on a fresh copy of the seed data, after the deletes it runs
//!   after here: only its shape is compared (digest map keys normalised), not its counts.
//! - uids, resourceVersions, timestamps and continue tokens differ by nature.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use prunetags::sim::{Rule, Scenario, Sim, SimOptions};
use serde_json::Value;

fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "managedFields" {
                    continue;
                }
                // Map keys that are data (digests) are normalised.
                let key = if prefix.ends_with(".blobs") || prefix.ends_with(".images") {
                    "*"
                } else {
                    k.as_str()
                };
                let p = format!("{prefix}.{key}");
                out.insert(p.clone());
                paths(x, &p, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                paths(x, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn shape(v: &Value) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    paths(v, "", &mut s);
    s
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = match v.get("items").or_else(|| v.get("rows")) {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                let m = if i.get("object").is_some() {
                    &i["object"]["metadata"]
                } else {
                    &i["metadata"]
                };
                format!(
                    "{}/{}",
                    m["namespace"].as_str().unwrap_or(""),
                    m["name"].as_str().unwrap_or("")
                )
            })
            .collect(),
        _ => vec![v["metadata"]["name"].as_str().unwrap_or("").to_owned()],
    };
    n.sort();
    n
}

async fn replay() {
    let sim = Sim::start(SimOptions {
        scenario: Scenario::Empty,
        ..Default::default()
    })
    .await
    .unwrap();
    sim.add_user("alice-token", "alice", vec![]);
    let admin = client(&sim, sim.admin_token()).await;
    let alice = client(&sim, "alice-token").await;
    let mut failures = Vec::new();

    for (name, status, user, _method, _path) in index() {
        let is_seed = name.starts_with("seed-") && name.as_str() <= "seed-052";
        let is_case = name.as_bytes()[0].is_ascii_digit();
        if !(is_seed || is_case) {
            continue;
        }
        let n: u32 = if is_case {
            name[..3].parse().unwrap()
        } else {
            0
        };
        if matches!(n, 127 | 128 | 140) || (170..=174).contains(&n) {
            continue;
        }
        let mut r = read_request(&name);
        // The recorded stream UID (used as a DELETE precondition) is the simulator's here.
        if let (Some(body), Some(is)) = (r.body.as_mut(), sim.image_stream("myproject", "myapp")) {
            *body = body.replace(
                "eb046c49-c7b5-402f-b8ca-c18c26da075e",
                is.metadata.uid.as_deref().unwrap(),
            );
        }
        let c = if user == "alice" { &alice } else { &admin };
        let (code, got) = send(
            c,
            &r.method,
            &r.path,
            r.accept.as_deref(),
            r.body.as_deref(),
        )
        .await;
        let want_code: u16 = status.parse().unwrap();
        if n == 160 {
            sim.add_user(
                "alice-token",
                "alice",
                vec![Rule::new(
                    &["get", "list", "watch"],
                    &["imagestreams"],
                    Some(&["myproject"]),
                )],
            );
        }
        if code != want_code {
            failures.push(format!(
                "{name}: status {code}, recorded {want_code}: {got}"
            ));
            continue;
        }
        if is_seed {
            continue;
        }
        let want = load(&name);
        if want["kind"] == "Status" && want["status"] == "Failure" {
            for k in ["message", "reason", "details", "code"] {
                if got[k] != want[k] {
                    failures.push(format!("{name}: {k} = {}, recorded {}", got[k], want[k]));
                }
            }
            continue;
        }
        let (gs, ws) = (shape(&got), shape(&want));
        if gs != ws {
            let missing: Vec<_> = ws.difference(&gs).collect();
            let extra: Vec<_> = gs.difference(&ws).collect();
            failures.push(format!(
                "{name}: shape differs; missing {missing:?}; extra {extra:?}"
            ));
        }
        if n != 132 && names(&got) != names(&want) {
            failures.push(format!(
                "{name}: names {:?}, recorded {:?}",
                names(&got),
                names(&want)
            ));
        }
        if n == 155 {
            let tags = |v: &Value| -> Vec<String> {
                v["status"]["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["tag"].as_str().unwrap().to_owned())
                    .collect()
            };
            if tags(&got) != tags(&want) {
                failures.push(format!(
                    "155: status tags {:?}, recorded {:?}",
                    tags(&got),
                    tags(&want)
                ));
            }
        }
        if want["kind"] == "ImageStreamTagList" && got["metadata"] != serde_json::json!({}) {
            failures.push(format!("{name}: istag list metadata must be {{}}"));
        }
        if n == 141 && got != want {
            failures.push(format!("141: {got} != {want}"));
        }
    }
    // Every request was recorded with its user and status.
    let recs = sim.requests();
    let by_user: BTreeMap<&str, usize> = recs.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.user.as_str()).or_default() += 1;
        m
    });
    assert_eq!(by_user.get("alice"), Some(&5), "{by_user:?}");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_requests_replay_with_the_same_answers() {
    tokio::time::timeout(std::time::Duration::from_secs(60), replay())
        .await
        .expect("replay timed out");
}
