//! `usage` against the simulator: figures checked against an independent computation, and the
//! number of requests it takes.

mod harness;

use std::collections::{BTreeMap, BTreeSet};

use harness::Harness;
use prunetags::sim::{Rule, Scenario, SimOptions};
use serde_json::Value;

fn large() -> Harness {
    Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 12,
            tags: 6,
            revisions: 3,
        },
        seed: 7,
        ..SimOptions::default()
    })
}

/// Layer digest → size of every blob each stream references, read straight from the store.
fn expected(h: &Harness) -> (u64, BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let streams = h.sim.image_streams(&h.namespace);
    let mut per_stream: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    h.sim.with_store(|st| {
        for s in &streams {
            let blobs = per_stream.entry(s.name().to_owned()).or_default();
            for t in s.status_tags() {
                for rev in t.revisions() {
                    let image = st.get_image(&rev.image).expect("image in the store");
                    for l in image.docker_image_layers.iter().flatten() {
                        blobs.insert(l.name.clone(), l.size as u64);
                    }
                }
            }
        }
    });
    let mut all: BTreeMap<&str, u64> = BTreeMap::new();
    let mut owners: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (stream, blobs) in &per_stream {
        for (d, size) in blobs {
            all.insert(d, *size);
            owners.entry(d).or_default().insert(stream);
        }
    }
    let total = all.values().sum();
    let totals = per_stream
        .iter()
        .map(|(s, b)| (s.clone(), b.values().sum()))
        .collect();
    let unique = per_stream
        .iter()
        .map(|(s, b)| {
            (
                s.clone(),
                b.iter()
                    .filter(|(d, _)| owners[d.as_str()].len() == 1)
                    .map(|(_, n)| n)
                    .sum(),
            )
        })
        .collect();
    (total, totals, unique)
}

fn report(h: &Harness, args: &[&str]) -> Value {
    let out = h.run(args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn totals_match_an_independent_count_with_one_layers_request_per_stream() {
    let h = large();
    let (total, totals, unique) = expected(&h);
    h.sim.reset_requests();
    let r = report(&h, &["usage", "-o", "json"]);
    assert_eq!(r["total"].as_u64(), Some(total));
    let streams = r["streams"].as_array().unwrap();
    assert_eq!(streams.len(), 12);
    for s in streams {
        let name = s["name"].as_str().unwrap();
        assert_eq!(s["total"].as_u64(), Some(totals[name]), "{name} total");
        assert_eq!(s["unique"].as_u64(), Some(unique[name]), "{name} unique");
        assert_eq!(
            s["shared"].as_u64().unwrap() + s["unique"].as_u64().unwrap(),
            totals[name]
        );
    }
    // Largest unique first.
    let uniques: Vec<u64> = streams
        .iter()
        .map(|s| s["unique"].as_u64().unwrap())
        .collect();
    assert!(uniques.windows(2).all(|w| w[0] >= w[1]), "{uniques:?}");
    assert_eq!(
        h.sim.count("GET", "/layers"),
        12,
        "one /layers request per stream"
    );
    assert_eq!(
        h.sim.count("GET", "/imagestreamimages/"),
        0,
        "no per-image reads when /layers works"
    );
}

#[test]
fn without_layers_each_distinct_image_is_read_once() {
    let h = large();
    let (total, _, _) = expected(&h);
    h.sim.add_user(
        "viewer-token",
        "viewer",
        vec![Rule::new(
            &["get", "list"],
            &["imagestreams", "imagestreamimages"],
            Some(&["large"]),
        )],
    );
    let kubeconfig = std::fs::read_to_string(&h.kubeconfig)
        .unwrap()
        .replace(h.sim.admin_token(), "viewer-token");
    std::fs::write(&h.kubeconfig, kubeconfig).unwrap();
    let distinct: BTreeSet<String> = h
        .sim
        .image_streams(&h.namespace)
        .iter()
        .flat_map(|s| {
            s.status_tags()
                .iter()
                .flat_map(|t| t.revisions().iter().map(|r| r.image.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    h.sim.reset_requests();
    let out = h.run(&["usage", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("could not read the layers of large/"),
        "{}",
        out.stderr
    );
    let r: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        r["total"].as_u64(),
        Some(total),
        "same figures from the images"
    );
    assert_eq!(
        h.sim.count("GET", "/imagestreamimages/"),
        distinct.len(),
        "one read per distinct image"
    );
}

#[test]
fn unreadable_images_are_named_and_the_rest_reported() {
    let h = large();
    h.sim.add_user(
        "no-images",
        "viewer",
        vec![Rule::new(
            &["get", "list"],
            &["imagestreams"],
            Some(&["large"]),
        )],
    );
    let kubeconfig = std::fs::read_to_string(&h.kubeconfig)
        .unwrap()
        .replace(h.sim.admin_token(), "no-images");
    std::fs::write(&h.kubeconfig, kubeconfig).unwrap();
    let out = h.run(&["usage", "app-0000"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("could not size image"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("app-0000"), "{}", out.stdout);
    assert!(out.stdout.contains("unsized"), "{}", out.stdout);
}

#[test]
fn table_shows_streams_tags_and_human_sizes() {
    let h = Harness::seed();
    let out = h.run(&["usage", "myapp", "--revisions"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("STREAM / TAG / REVISION"));
    assert!(out.stdout.lines().any(|l| l.contains("│ myapp ")));
    assert!(
        out.stdout.lines().any(|l| l.contains("│   v2.1.8 ")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.contains("    * ") && l.contains(" ago")),
        "revisions listed"
    );
    assert!(out.stdout.contains("MB"));
    assert!(out.stdout.contains("Total: "));
}

#[test]
fn top_limits_the_streams() {
    let h = large();
    let r = report(&h, &["usage", "-o", "json"]);
    let first = r["streams"][0]["name"].as_str().unwrap().to_owned();
    let out = h.run(&["usage", "--top", "1"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains(&format!("│ {first} ")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("showing 1 of 12 image streams"));
    h.run(&["usage", "--top", "0"]).assert_error(2, "--top");
}
