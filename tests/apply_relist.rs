//! `cluster::apply` re-reads many streams with one LIST (no GET per stream) and a few with GETs;
//! either way a tag that moved since the plan is skipped and a vanished stream is "already gone".

use prunetags::cli::Connection;
use prunetags::cluster::{self, ApplyOptions, Deletion, Outcome, RetryPolicy};
use prunetags::sim::{Scenario, Sim, SimOptions};

async fn setup(streams: usize) -> (Sim, cluster::Cluster) {
    let sim = Sim::start(SimOptions {
        scenario: Scenario::Large {
            streams,
            tags: 4,
            revisions: 1,
        },
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let conn = Connection {
        inline_kubeconfig: Some(sim.kubeconfig("large")),
        ..Connection::default()
    };
    let c = cluster::connect(&conn).await.unwrap();
    (sim, c)
}

fn deletions(sim: &Sim, streams: usize) -> Vec<Deletion> {
    let mut out: Vec<Deletion> = (0..streams)
        .map(|i| {
            let stream = format!("app-{i:04}");
            let is = sim.image_stream("large", &stream).unwrap();
            Deletion {
                namespace: "large".into(),
                stream,
                tag: "v1.0.0".into(),
                digest: is.current("v1.0.0").unwrap().image.clone(),
            }
        })
        .collect();
    // Moved since the plan, and a stream deleted since the plan.
    out[1].digest = "sha256:planned-before-a-push".into();
    out.push(Deletion {
        namespace: "large".into(),
        stream: "vanished".into(),
        tag: "v1.0.0".into(),
        digest: "sha256:whatever".into(),
    });
    out
}

async fn check(streams: usize) -> Sim {
    let (sim, c) = setup(streams).await;
    let dels = deletions(&sim, streams);
    sim.reset_requests();
    let opts = ApplyOptions {
        concurrency: 4,
        retry: RetryPolicy::default(),
        progress: false,
    };
    let report = cluster::apply(&c, dels, &opts).await;
    let outcome = |stream: &str| {
        report
            .results
            .iter()
            .find(|(d, _)| d.stream == stream)
            .map(|(_, o)| o.clone())
            .unwrap()
    };
    assert_eq!(outcome("app-0000"), Outcome::Deleted);
    assert!(
        matches!(outcome("app-0001"), Outcome::Skipped { reason } if reason.contains("changed since the plan"))
    );
    assert_eq!(outcome("vanished"), Outcome::AlreadyGone);
    assert_eq!(sim.count("DELETE", "/imagestreamtags/"), streams - 1);
    assert!(
        sim.tag_names("large", "app-0001")
            .contains(&"v1.0.0".to_string())
    );
    assert!(
        !sim.tag_names("large", "app-0000")
            .contains(&"v1.0.0".to_string())
    );
    sim
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_streams_are_reread_with_one_list() {
    let sim = check(12).await;
    assert_eq!(sim.count("GET", "/imagestreams/"), 0);
    assert_eq!(sim.count("GET", "/imagestreams"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn few_streams_are_reread_one_by_one() {
    let sim = check(3).await;
    // app-0000, app-0001, app-0002 and the vanished one (404).
    assert_eq!(sim.count("GET", "/imagestreams/"), 4);
}
