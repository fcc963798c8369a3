//! `POST imagestreammappings` and `DELETE images/<digest>` against the real server's answers:
//! the recordings `openshift-4.13-round2/210–224` replayed in order against the simulator (a
//! restore brings the full image back while the Image exists, an empty one after the image
//! pruner reclaimed it), and the image-pruner knob.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use prunetags::sim::{Rule, Sim, SimOptions};
use serde_json::{Value, json};

const NS: &str = "ceo-rec";
const MAPPINGS: &str = "/apis/image.openshift.io/v1/namespaces/ceo-rec/imagestreammappings";
const STREAM: &str = "/apis/image.openshift.io/v1/namespaces/ceo-rec/imagestreams/app";
const ISTAG: &str = "/apis/image.openshift.io/v1/namespaces/ceo-rec/imagestreamtags/app:v1.0.0";
const OLDER: &str = "sha256:a3bf8f5cd54b23f3a729992261e64df9f6d524e6823556e176b9fbbddd33d7da";
const NEWER: &str = "sha256:25a4eca078c4c247bdf78634ff448955ab6a366f7f9d5f2583d45c2ff56b55e5";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openshift-4.13-round2")
}

fn recorded(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap())
        .unwrap()
}

/// The request body of a recording: what follows the `user:` line.
fn body(name: &str) -> String {
    let text = std::fs::read_to_string(dir().join(format!("{name}.request"))).unwrap();
    text.lines().skip(2).collect::<Vec<_>>().join("\n")
}

/// `status.tags` reduced to what a restore must bring back: tag → [(digest, reference)].
fn history(stream: &Value) -> Vec<(String, Vec<(String, String)>)> {
    stream["status"]["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let items = t["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| {
                    (
                        i["image"].as_str().unwrap().to_owned(),
                        i["dockerImageReference"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (t["tag"].as_str().unwrap().to_owned(), items)
        })
        .collect()
}

fn sorted_keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

/// alice is `edit` in ceo-rec: the image resources of the namespace, nothing cluster-scoped.
fn add_alice(sim: &Sim) {
    sim.add_user(
        "alice-token",
        "alice",
        vec![Rule::new(
            &[
                "get", "list", "watch", "create", "update", "patch", "delete",
            ],
            &[
                "imagestreams",
                "imagestreamtags",
                "imagestreammappings",
                "imagestreamimages",
                "imagestreams/layers",
            ],
            Some(&[NS]),
        )],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_through_mappings_replays_recordings_210_to_224() {
    let sim = Sim::start(SimOptions::default()).await.unwrap();
    add_alice(&sim);
    let admin = common::client(&sim, sim.admin_token()).await;
    let alice = common::client(&sim, "alice-token").await;
    let stream = json!({"metadata": {"name": "app", "labels": {"application": "app"}}});
    let (code, _) = common::send(
        &admin,
        "POST",
        "/apis/image.openshift.io/v1/namespaces/ceo-rec/imagestreams",
        None,
        Some(&stream.to_string()),
    )
    .await;
    assert_eq!(code, 201);

    // 210, 211: the registry's two pushes; the answer is a Status with code 201.
    for name in ["210-ism-push-v1.0.0", "211-ism-push-v1.0.0-again-new-image"] {
        let (code, v) = common::send(&admin, "POST", MAPPINGS, None, Some(&body(name))).await;
        assert_eq!((code, &v), (201, &recorded(name)), "{name}");
    }
    // 212: two revisions, newest first.
    let (_, before) = common::send(&admin, "GET", STREAM, None, None).await;
    assert_eq!(
        history(&before),
        history(&recorded("212-get-stream-two-revisions"))
    );

    // 213: the edit user deletes the tag; 214, 215: restores it, older revision first.
    let (code, _) = common::send(&alice, "DELETE", ISTAG, None, None).await;
    assert_eq!(code, 200);
    for name in [
        "214-ism-restore-older-name-ref-only",
        "215-ism-restore-newer-name-ref-only",
    ] {
        let (code, v) = common::send(&alice, "POST", MAPPINGS, None, Some(&body(name))).await;
        assert_eq!((code, &v), (201, &recorded(name)), "{name}");
    }
    // 216: the same history in the same order; 217: the full image; 218: its layers.
    let (_, after) = common::send(&admin, "GET", STREAM, None, None).await;
    assert_eq!(
        history(&after),
        history(&recorded("216-get-stream-after-restore"))
    );
    let (code, ist) = common::send(&alice, "GET", ISTAG, None, None).await;
    let want = recorded("217-get-istag-after-restore");
    assert_eq!(code, 200);
    assert_eq!(
        ist["image"]["dockerImageLayers"],
        want["image"]["dockerImageLayers"]
    );
    assert_eq!(
        ist["image"]["dockerImageManifestMediaType"],
        want["image"]["dockerImageManifestMediaType"]
    );
    // The recorded `Size` (2000194) also counts the config blob, read from the pushed
    // manifest; the simulator sums the layers only (2000000): not what a restore depends on.
    assert!(ist["image"]["dockerImageMetadata"]["Size"].as_i64() > Some(0));
    let (_, layers) = common::send(&alice, "GET", &format!("{STREAM}/layers"), None, None).await;
    let want = recorded("218-layers-after-restore");
    assert_eq!(
        layers["images"][NEWER]["layers"],
        want["images"][NEWER]["layers"]
    );
    assert_eq!(
        layers["images"][OLDER]["layers"],
        want["images"][OLDER]["layers"]
    );

    // 219: deleted again; 220: the Image is deleted as the image pruner would (admin only).
    let (code, _) = common::send(&alice, "DELETE", ISTAG, None, None).await;
    assert_eq!(code, 200);
    let image_path = format!("/apis/image.openshift.io/v1/images/{NEWER}");
    let (code, v) = common::send(&alice, "DELETE", &image_path, None, None).await;
    assert_eq!(code, 403, "an edit user may not delete images: {v}");
    let (code, v) = common::send(&admin, "DELETE", &image_path, None, None).await;
    let want = recorded("220-admin-delete-image-as-pruner");
    assert_eq!(code, 200);
    assert_eq!(sorted_keys(&v), sorted_keys(&want));
    assert_eq!(sorted_keys(&v["details"]), sorted_keys(&want["details"]));
    assert_eq!(
        (&v["details"]["name"], &v["details"]["kind"]),
        (&want["details"]["name"], &want["details"]["kind"])
    );

    // 221: the same restore still answers 201 …
    let name = "221-ism-restore-after-image-pruned";
    let (code, v) = common::send(&alice, "POST", MAPPINGS, None, Some(&body(name))).await;
    assert_eq!((code, &v), (201, &recorded(name)));
    // … but 222–224: the image is empty.
    let (_, ist) = common::send(&alice, "GET", ISTAG, None, None).await;
    let want = recorded("222-get-istag-restored-empty-image");
    assert_eq!(sorted_keys(&ist["image"]), sorted_keys(&want["image"]));
    assert_eq!(
        ist["image"]["dockerImageMetadata"],
        want["image"]["dockerImageMetadata"]
    );
    let (_, layers) = common::send(&alice, "GET", &format!("{STREAM}/layers"), None, None).await;
    let want = recorded("223-layers-restored-empty-image");
    assert_eq!(layers["images"][NEWER], want["images"][NEWER]);
    assert_eq!(layers["blobs"], want["blobs"]);
    let (_, img) = common::send(&admin, "GET", &image_path, None, None).await;
    let want = recorded("224-admin-get-recreated-empty-image");
    assert_eq!(sorted_keys(&img), sorted_keys(&want));
    assert_eq!(img["dockerImageMetadata"], want["dockerImageMetadata"]);
}

/// openshift-apiserver's mapping Create reads the stream (`findStreamForMapping`) and does not
/// create it; an empty tag is `latest` (`imagev1.DefaultImageTag`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapping_needs_its_stream_and_defaults_the_tag_to_latest() {
    let sim = Sim::start(SimOptions::default()).await.unwrap();
    let admin = common::client(&sim, sim.admin_token()).await;
    let (code, v) = common::send(
        &admin,
        "POST",
        MAPPINGS,
        None,
        Some(&body("214-ism-restore-older-name-ref-only")),
    )
    .await;
    assert_eq!(code, 404, "{v}");
    assert_eq!(
        v["message"],
        "imagestreams.image.openshift.io \"app\" not found"
    );

    sim.with_store(|st| {
        let now = st.now();
        st.create_stream_at(NS, "app", &[], now);
    });
    let mut m: Value = serde_json::from_str(&body("214-ism-restore-older-name-ref-only")).unwrap();
    m["tag"] = json!("");
    let (code, _) = common::send(&admin, "POST", MAPPINGS, None, Some(&m.to_string())).await;
    assert_eq!(code, 201);
    assert_eq!(sim.tag_names(NS, "app"), vec!["latest".to_owned()]);
}

/// The image-pruner knob reclaims what no stream references, and only once it is old enough.
#[test]
fn the_image_pruner_reclaims_unreferenced_images_older_than_its_limit() {
    use prunetags::sim::scenario::{make_image, sha_digest};
    let sim = Sim::start_background(SimOptions::default()).unwrap();
    let ns = prunetags::sim::Scenario::Seed.namespace();
    let digest = sha_digest("fresh");
    let image = make_image(
        &digest,
        &format!("image-registry.openshift-image-registry.svc:5000/{ns}/myapp@{digest}"),
        &sha_digest("fresh config"),
        vec![(sha_digest("fresh layer"), 1000)],
        jiff::Timestamp::now(),
    );
    sim.push(ns, "myapp", "fresh", image);
    assert!(
        sim.run_image_pruner(Duration::ZERO).is_empty(),
        "all referenced"
    );
    sim.with_store(|st| st.delete_istag(ns, "myapp:fresh", None).unwrap());
    // Younger than the ImagePruner's default hour: kept.
    assert!(sim.run_image_pruner(Duration::from_secs(3600)).is_empty());
    assert!(sim.with_store(|st| st.get_image(&digest).is_ok()));
    assert_eq!(sim.run_image_pruner(Duration::ZERO), vec![digest.clone()]);
    assert!(sim.with_store(|st| st.get_image(&digest).is_err()));
    // Every image a tag still holds is there.
    for t in sim.image_stream(ns, "myapp").unwrap().status_tags() {
        for r in t.revisions() {
            assert!(
                sim.with_store(|st| st.get_image(&r.image).is_ok()),
                "{}",
                r.image
            );
        }
    }
}
