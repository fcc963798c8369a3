//! `usage` against the simulator: figures checked against an independent computation, and the
//! number of requests it takes.

mod harness;
mod layers413;

use std::collections::{BTreeMap, BTreeSet};

use harness::Harness;
use prunetags::sim::{Rule, Scenario, SimOptions};
use serde_json::Value;

fn large() -> Harness {
    large_of(12, 6, 3)
}

fn large_of(streams: usize, tags: usize, revisions: usize) -> Harness {
    Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams,
            tags,
            revisions,
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
fn totals_match_an_independent_count_through_the_images_list() {
    let h = large();
    let (total, totals, unique) = expected(&h);
    h.sim.reset_requests();
    // The LIST is tried when the GETs would take more than two rounds of --concurrency: 180
    // reads are fewer than two rounds of the default 128, and more than two of 64.
    let r = report(&h, &["usage", "-o", "json", "--concurrency", "64"]);
    assert_eq!(r["complete"], true);
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
    // The admin may list images: the 180 are read through one page of the cluster-wide LIST
    // instead of 180 GETs.
    assert_eq!(distinct_images(&h).len(), 180);
    assert_eq!(h.sim.count("GET", "/apis/image.openshift.io/v1/images"), 1);
    assert_eq!(h.sim.count("GET", "/imagestreamimages/"), 0);
    assert_eq!(
        h.sim.count("GET", "/layers"),
        0,
        "usage takes no size from /layers"
    );
}

fn distinct_images(h: &Harness) -> BTreeSet<String> {
    h.sim
        .image_streams(&h.namespace)
        .iter()
        .flat_map(|s| {
            s.status_tags()
                .iter()
                .flat_map(|t| t.revisions().iter().map(|r| r.image.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A namespace user who may read streams and their images there (not `list images`).
fn as_viewer(h: &Harness) {
    as_user(h, "viewer", &["imagestreams", "imagestreamimages"], "large");
}

/// Points the harness's kubeconfig at a new user allowed `rules` in namespace `ns`.
fn as_user(h: &Harness, token: &str, resources: &[&str], ns: &str) {
    h.sim.add_user(
        token,
        token,
        vec![Rule::new(&["get", "list"], resources, Some(&[ns]))],
    );
    let kubeconfig = std::fs::read_to_string(&h.kubeconfig)
        .unwrap()
        .replace(h.sim.admin_token(), token);
    std::fs::write(&h.kubeconfig, kubeconfig).unwrap();
}

#[test]
fn a_namespace_user_reads_each_distinct_image_once_after_a_refused_images_list() {
    let h = large();
    let (total, _, _) = expected(&h);
    as_viewer(&h);
    h.sim.reset_requests();
    // As above: at 64 in flight, the 180 reads are worth trying the LIST first.
    let r = report(&h, &["usage", "-o", "json", "--concurrency", "64"]);
    assert_eq!(r["complete"], true);
    assert_eq!(r["total"].as_u64(), Some(total));
    assert_eq!(h.sim.count("GET", "/apis/image.openshift.io/v1/images"), 1);
    assert_eq!(
        h.sim.count("GET", "/imagestreamimages/"),
        distinct_images(&h).len(),
        "one read per distinct image"
    );
}

#[test]
fn without_layers_access_usage_is_complete() {
    let h = large();
    let (total, _, _) = expected(&h);
    as_viewer(&h);
    let out = h.run(&["usage", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "", "nothing to warn about");
    let r: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(r["total"].as_u64(), Some(total));
    assert_eq!(r["complete"], true);
}

#[test]
fn refused_image_reads_are_named_once_and_the_report_is_incomplete() {
    // recordings/openshift-4.13-layers/real-403-sa-imagestreamimages.txt: the CronJob's Role
    // without `get imagestreamimages` got 403 for every read and reported 135 MB of 592.1 MB.
    let h = large();
    as_user(
        &h,
        "no-images",
        &["imagestreams", "imagestreams/layers"],
        "large",
    );
    h.sim.reset_requests();
    let out = h.run(&["usage", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let warnings: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(
        warnings[0].contains("get imagestreamimages") && warnings[0].contains("incomplete"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("one by one"), "{}", out.stderr);
    let r: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(r["complete"], false);
    assert_eq!(r["total"].as_u64(), Some(0), "no size from anywhere else");
    let unsized_images = r["unsizedImages"].as_array().unwrap();
    assert_eq!(unsized_images.len(), distinct_images(&h).len());
    assert!(unsized_images.iter().all(|u| u["reason"] == "forbidden"));
    // The first refusal stops the namespace's reads: the reads in flight start at 8 (and grow
    // as answers come), so at most those first 8 of 180 are sent.
    let sent = h.sim.count("GET", "/imagestreamimages/");
    assert!((1..=8).contains(&sent), "{sent} reads sent");

    // The table says the same.
    let out = h.run(&["usage", "app-0000"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("get imagestreamimages"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("app-0000"), "{}", out.stdout);
    assert!(out.stdout.contains("unsized"), "{}", out.stdout);
}

/// A simulator holding the recorded 4.13 namespace, answering `/layers` with 4.13's bug.
fn recorded_4_13() -> Harness {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Empty,
        ..SimOptions::default()
    });
    layers413::load_into(&h.sim);
    h.sim.set_layer_size_bug(true);
    h
}

#[test]
fn usage_is_exact_on_every_run_against_the_layers_bug() {
    let h = recorded_4_13();
    let truth = layers413::truth(true);
    // Even runs read the 37 images one by one (too few for the images LIST at 64 in flight);
    // odd runs, one at a time, take them from the cluster-wide LIST instead.
    for run in 0..20 {
        h.sim.reset_requests();
        let mut args = vec!["usage", "-n", layers413::NAMESPACE, "-o", "json"];
        if run % 2 == 1 {
            args.extend(["--concurrency", "1"]);
        }
        let out = h.run(&args);
        assert_eq!(out.code, 0, "run {run}: {}", out.stderr);
        assert_eq!(out.stderr, "", "run {run}");
        let r: prunetags::usage::UsageReport = serde_json::from_str(&out.stdout).unwrap();
        layers413::check_against_truth(&r, &truth);
        let (reads, lists) = if run % 2 == 0 { (37, 0) } else { (0, 1) };
        assert_eq!(
            h.sim.count("GET", "/imagestreamimages/"),
            reads,
            "run {run}"
        );
        assert_eq!(
            h.sim.count("GET", "/apis/image.openshift.io/v1/images"),
            lists,
            "run {run}"
        );
    }
}

/// Blob digest → size of every blob of the recorded images (config blobs sized as `Size`
/// beyond the layers), and each image's blobs: computed here from the Image objects alone.
fn recorded_blobs() -> (BTreeMap<String, u64>, BTreeMap<String, BTreeSet<String>>) {
    let (mut sizes, mut blobs) = (BTreeMap::new(), BTreeMap::new());
    for image in layers413::images() {
        let mut mine = BTreeSet::new();
        let mut layer_bytes = 0;
        for l in image.docker_image_layers.iter().flatten() {
            if mine.insert(l.name.clone()) {
                layer_bytes += l.size as u64;
            }
            sizes.insert(l.name.clone(), l.size as u64);
        }
        let md = image.docker_image_metadata.as_ref().unwrap();
        let config = md.id.clone().unwrap();
        sizes.insert(config.clone(), md.size.unwrap() as u64 - layer_bytes);
        mine.insert(config);
        blobs.insert(image.digest().to_owned(), mine);
    }
    (sizes, blobs)
}

#[test]
fn prune_frees_exactly_what_the_images_say_on_every_run_against_the_layers_bug() {
    let h = recorded_4_13();
    let (sizes, blobs) = recorded_blobs();
    let ns = layers413::NAMESPACE;
    for keep in ["3", "5"] {
        // The plan, by name, and what it frees computed from the Images alone.
        let names = h.run(&["prune", "-n", ns, "--keep", keep, "--dry-run", "-o", "name"]);
        assert_eq!(names.code, 0, "{}", names.stderr);
        let deleted: BTreeSet<(String, String)> = names
            .stdout
            .lines()
            .map(|l| {
                let (s, t) = l
                    .trim_start_matches("imagestreamtag/")
                    .split_once(':')
                    .unwrap();
                (s.to_owned(), t.to_owned())
            })
            .collect();
        assert!(!deleted.is_empty());
        let (mut gone, mut kept) = (BTreeSet::new(), BTreeSet::new());
        for s in layers413::streams() {
            for t in s.status_tags() {
                let is_gone = deleted.contains(&(s.name().to_owned(), t.tag.clone()));
                for r in t.revisions() {
                    let target = if is_gone { &mut gone } else { &mut kept };
                    target.extend(blobs[&r.image].iter().cloned());
                }
            }
        }
        let freed: u64 = gone.difference(&kept).map(|b| sizes[b]).sum();
        for run in 0..20 {
            let out = h.run(&["prune", "-n", ns, "--keep", keep, "--dry-run", "-o", "json"]);
            assert_eq!(out.code, 0, "{}", out.stderr);
            let doc: Value = serde_json::from_str(&out.stdout).unwrap();
            assert_eq!(
                doc["freedBytes"].as_u64(),
                Some(freed),
                "--keep {keep}, run {run}"
            );
        }
    }
}

#[test]
fn the_layers_bug_knob_answers_as_the_recorded_server() {
    // Beside `recorded_layers_answers_have_the_right_blobs_and_wrong_sizes` (tests/usage.rs),
    // which reads the real answers: the simulator's answers have the same blobs, media types
    // and image entries, wrong sizes of the same shape, and change from request to request.
    let h = recorded_4_13();
    let real: prunetags::model::ImageStreamLayers =
        layers413::layers_recording("real-layers-myapp.json");
    let images: BTreeMap<String, prunetags::model::Image> = layers413::images()
        .into_iter()
        .map(|i| (i.digest().to_owned(), i))
        .collect();
    let mut seen = BTreeSet::new();
    for _ in 0..20 {
        let ours = h
            .sim
            .with_store(|st| st.layers(layers413::NAMESPACE, "myapp").ok())
            .unwrap();
        assert_eq!(ours.images, real.images);
        let (ob, rb) = (ours.blobs.clone().unwrap(), real.blobs.clone().unwrap());
        assert_eq!(ob.keys().collect::<Vec<_>>(), rb.keys().collect::<Vec<_>>());
        for (blob, data) in &ob {
            assert_eq!(data.media_type, rb[blob].media_type, "{blob}");
            assert_eq!(data.size.is_some(), rb[blob].size.is_some(), "{blob}");
            let Some(said) = data.size else { continue };
            let explained = ours.images.iter().flatten().any(|(d, refs)| {
                refs.layers.iter().flatten().any(|l| l == blob)
                    && images[d]
                        .docker_image_layers
                        .as_ref()
                        .unwrap()
                        .last()
                        .unwrap()
                        .size
                        == said
            });
            assert!(explained, "{blob}: {said}");
        }
        seen.insert(serde_json::to_string(&ob).unwrap());
    }
    assert!(seen.len() > 1, "a new order per request");
    // Off, the sizes are the Images'.
    h.sim.set_layer_size_bug(false);
    let right = h
        .sim
        .with_store(|st| st.layers(layers413::NAMESPACE, "myapp").ok())
        .unwrap();
    for (blob, data) in right.blobs.iter().flatten() {
        if let Some(size) = data.size {
            let truth = images
                .values()
                .flat_map(|i| i.docker_image_layers.iter().flatten())
                .find(|l| &l.name == blob)
                .unwrap()
                .size;
            assert_eq!(size, truth, "{blob}");
        }
    }
}

#[test]
fn table_shows_streams_tags_and_human_sizes() {
    let h = Harness::seed();
    let out = h.run(&["usage", "myapp", "--revisions"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("STREAM / TAG / REVISION"));
    // Plain columns (stdout is a pipe): a stream's row starts with its name, a tag's is indented.
    assert!(out.stdout.lines().any(|l| l.starts_with("myapp ")));
    assert!(
        out.stdout.lines().any(|l| l.starts_with("  v2.1.8 ")),
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
        out.stdout.contains(&format!("\n{first} ")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("showing 1 of 12 image streams"));
    h.run(&["usage", "--top", "0"]).assert_error(2, "--top");
}

#[test]
fn prune_says_when_its_freed_figure_is_a_lower_bound() {
    let h = large();
    let full = report(&h, &["prune", "--keep", "2", "--dry-run", "-o", "json"]);
    assert_eq!(full["freedComplete"], true);
    assert!(full["freedBytes"].as_u64().unwrap() > 0);
    as_user(
        &h,
        "no-images",
        &["imagestreams", "imagestreams/layers"],
        "large",
    );
    let out = h.run(&[
        "prune",
        "--keep",
        "2",
        "--dry-run",
        "--ignore-in-use",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("get imagestreamimages"),
        "{}",
        out.stderr
    );
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["freedComplete"], false);
    assert_eq!(doc["freedBytes"].as_u64(), Some(0));
    let out = h.run(&["prune", "--keep", "2", "--dry-run", "--ignore-in-use"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("freeing at least 0B"), "{}", out.stderr);
}

/// kube-apiserver answers a client beyond its share with 429 (max-in-flight, API Priority and
/// Fairness). The reads in flight come down instead of the same burst being retried each
/// second: none is lost, the figures stay exact, and the user is told why it was slow.
#[test]
fn a_throttling_server_gets_fewer_reads_at_once_and_the_figures_stay_exact() {
    let h = large_of(40, 10, 2);
    let (total, _, _) = expected(&h);
    as_viewer(&h);
    h.sim.set_latency(std::time::Duration::from_millis(20));
    h.sim.set_max_inflight(Some(8));
    h.sim.reset_requests();
    let out = h.run(&["usage", "-o", "json", "--concurrency", "128"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let r: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(r["complete"], true, "{}", out.stderr);
    assert_eq!(r["total"].as_u64(), Some(total));
    let reads: Vec<u16> = h
        .sim
        .requests()
        .iter()
        .filter(|q| q.path.contains("/imagestreamimages/"))
        .map(|q| q.status)
        .collect();
    let ok = reads.iter().filter(|&&s| s == 200).count();
    let throttled = reads.iter().filter(|&&s| s == 429).count();
    assert_eq!(ok, distinct_images(&h).len(), "each image read once");
    eprintln!("{throttled} of {} reads throttled", reads.len());
    assert!(
        throttled > 0,
        "the server never throttled: the test proves nothing"
    );
    // Retrying each 429 after its second without fewer in flight took some 260 refusals here;
    // starting at 8 and halving takes a few dozen.
    assert!(
        throttled < ok / 4,
        "{throttled} of {} reads throttled",
        reads.len()
    );
    let said = format!(
        "note: the server throttled {throttled} image reads (429 Too Many Requests): they were retried, with as few as "
    );
    let lowest: usize = out
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix(&said))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no throttling note: {}", out.stderr));
    // From 128 to the server's 8 (or below): the window came down.
    assert!(lowest <= 8, "{}", out.stderr);
}
