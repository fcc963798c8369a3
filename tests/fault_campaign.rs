//! The fault campaign: `prune --keep 5 --yes` on a large namespace while the simulator injects
//! 500s, 503s and connection resets (5–20 % of requests), throttles with 429 beyond a small
//! in-flight limit, and adds latency spikes. After every run, the tags that are gone must be
//! a subset of the planned ones (wrong deletions = 0), and a run that exits 0 must have deleted
//! exactly the plan; then the same command is rerun until nothing is left to prune. The
//! expected survivors are computed here, independently of the planner, with the `semver` crate.
//! The figures are printed (`--nocapture`) and recorded in TESTING.md.

mod harness;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use harness::Harness;
use prunetags::sim::{Scenario, SimOptions};

const KEEP: usize = 5;

/// (stream, tag) of every tag in the namespace.
fn all_tags(h: &Harness) -> BTreeSet<(String, String)> {
    h.sim
        .image_streams(&h.namespace)
        .iter()
        .flat_map(|s| {
            let name = s.metadata.name.clone().unwrap();
            h.tags(&name).into_iter().map(move |t| (name.clone(), t))
        })
        .collect()
}

/// Per stream: what `prune --keep KEEP` leaves (see `harness::semver_survivors`).
fn survivors(tags: &BTreeSet<(String, String)>) -> BTreeSet<(String, String)> {
    let mut by_stream: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (s, t) in tags {
        by_stream.entry(s).or_default().push(t);
    }
    let mut out = BTreeSet::new();
    for (stream, tags) in by_stream {
        for t in harness::semver_survivors(&tags, KEEP) {
            out.insert((stream.to_owned(), t.to_owned()));
        }
    }
    out
}

#[derive(Default, Debug)]
struct Figures {
    runs: usize,
    requests: usize,
    faults: usize,
    throttled: usize,
    spikes: usize,
    planned: usize,
    deleted: usize,
    wrong: usize,
    failed_runs: usize,
}

fn campaign(fail_rate: f64, seed: u64) -> Figures {
    let h = Harness::new(SimOptions {
        scenario: Scenario::Large {
            streams: 30,
            tags: 12,
            revisions: 2,
        },
        latency: Duration::from_millis(2),
        max_inflight: Some(6),
        fail_rate,
        seed,
        ..SimOptions::default()
    });
    h.sim.set_latency_spikes(0.03, Duration::from_millis(250));
    let before = all_tags(&h);
    let want = survivors(&before);
    let planned: BTreeSet<_> = before.difference(&want).cloned().collect();
    assert!(planned.len() > 100, "{}", planned.len());
    let mut f = Figures {
        planned: planned.len(),
        ..Figures::default()
    };
    loop {
        assert!(
            f.runs < 6,
            "rate {fail_rate}: not converged after {} runs",
            f.runs
        );
        let run = h.run(&[
            "prune",
            "--keep",
            "5",
            "--yes",
            "--concurrency",
            "8",
            "-o",
            "json",
        ]);
        f.runs += 1;
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("internal error"),
            "{}",
            run.stderr
        );
        let now = all_tags(&h);
        let gone: BTreeSet<_> = before.difference(&now).cloned().collect();
        let wrong: Vec<_> = gone.difference(&planned).collect();
        f.wrong = wrong.len();
        assert!(
            wrong.is_empty(),
            "rate {fail_rate}: wrong deletions {wrong:?}"
        );
        // Only DELETEs of planned tags were ever sent, and nothing else was written.
        for r in h.sim.requests() {
            match r.method.as_str() {
                "GET" => {}
                "DELETE" => {
                    let (stream, tag) = r
                        .path
                        .rsplit('/')
                        .next()
                        .and_then(|n| n.split_once(':'))
                        .unwrap();
                    assert!(
                        planned.contains(&(stream.to_owned(), tag.to_owned())),
                        "DELETE of an unplanned tag: {}",
                        r.path
                    );
                }
                m => panic!("unexpected write {m} {}", r.path),
            }
        }
        match run.code {
            0 => {
                assert_eq!(
                    now, want,
                    "rate {fail_rate}: exit 0 but not exactly the plan"
                );
                let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
                if doc["plan"]["streams"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|s| s["tags"].as_array().unwrap())
                    .all(|t| t["action"] != "delete")
                {
                    break; // converged: nothing left to prune
                }
            }
            1 => f.failed_runs += 1,
            code => panic!("rate {fail_rate}: exit {code}\n{}", run.stderr),
        }
    }
    let requests = h.sim.requests();
    f.requests = requests.len();
    f.faults = h.sim.faults_injected();
    f.throttled = requests.iter().filter(|r| r.status == 429).count();
    f.spikes = h.sim.spikes_injected();
    f.deleted = before.difference(&all_tags(&h)).count();
    assert_eq!(f.deleted, f.planned);
    assert_eq!(all_tags(&h), want);
    f
}

#[test]
fn prune_under_faults_deletes_exactly_the_plan_and_converges() {
    let start = Instant::now();
    let mut total = Figures::default();
    println!(
        "fault campaign: large:30:12:2, --keep 5 --concurrency 8, max_inflight 6, 2 ms latency, 3% spikes of 250 ms"
    );
    println!(
        "| fail rate | seed | runs | requests | 5xx+resets | 429s | spikes | planned | deleted | wrong |"
    );
    for (rate, seed) in [(0.05, 11), (0.10, 12), (0.15, 13), (0.20, 14)] {
        let f = campaign(rate, seed);
        println!(
            "| {rate:.2} | {seed} | {} | {} | {} | {} | {} | {} | {} | {} |",
            f.runs, f.requests, f.faults, f.throttled, f.spikes, f.planned, f.deleted, f.wrong
        );
        total.runs += f.runs;
        total.requests += f.requests;
        total.faults += f.faults;
        total.throttled += f.throttled;
        total.spikes += f.spikes;
        total.planned += f.planned;
        total.deleted += f.deleted;
        total.wrong += f.wrong;
        total.failed_runs += f.failed_runs;
    }
    println!(
        "| total | | {} | {} | {} | {} | {} | {} | {} | {} |",
        total.runs,
        total.requests,
        total.faults,
        total.throttled,
        total.spikes,
        total.planned,
        total.deleted,
        total.wrong
    );
    println!(
        "runs that exited 1 (partial, finished by a rerun): {}; took {:.1?}",
        total.failed_runs,
        start.elapsed()
    );
    assert_eq!(total.wrong, 0);
    assert!(total.faults > 0 && total.throttled > 0 && total.spikes > 0);
}
