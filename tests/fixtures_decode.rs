//! Every recorded response of a real OpenShift 4.13 image API decodes into our models.

use std::path::{Path, PathBuf};

use kube::core::ObjectList;
use prunetags::model::{
    Image, ImageStream, ImageStreamImage, ImageStreamLayers, ImageStreamTag, Status,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn recordings() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openshift-4.13")
}

fn decode<T: DeserializeOwned>(name: &str, v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Re-encodes a decoded value and checks the known keys survived, so a field is not silently
/// dropped by a wrong rename.
fn round_trips<T: DeserializeOwned + serde::Serialize>(name: &str, v: &Value) {
    let t: T = decode(name, v);
    let back = serde_json::to_value(&t).unwrap();
    for key in [
        "metadata", "spec", "status", "image", "tag", "blobs", "images",
    ] {
        if v.get(key).is_some_and(|x| !x.is_null()) {
            assert!(
                back.get(key).is_some(),
                "{name}: {key} lost in a round trip"
            );
        }
    }
}

#[test]
fn every_recorded_image_api_response_decodes() {
    let mut decoded = 0;
    let mut entries: Vec<_> = std::fs::read_dir(recordings())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        if name.starts_with("140-") {
            // A watch: one JSON event per line.
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let ev: Value = serde_json::from_str(line).unwrap();
                let _: ImageStream = decode(&name, &ev["object"]);
                decoded += 1;
            }
            continue;
        }
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        match v["kind"].as_str() {
            Some("ImageStream") => round_trips::<ImageStream>(&name, &v),
            Some("ImageStreamList") => drop(decode::<ObjectList<ImageStream>>(&name, &v)),
            Some("ImageStreamTag") => round_trips::<ImageStreamTag>(&name, &v),
            Some("ImageStreamTagList") => drop(decode::<ObjectList<ImageStreamTag>>(&name, &v)),
            Some("Image") => round_trips::<Image>(&name, &v),
            Some("ImageList") => drop(decode::<ObjectList<Image>>(&name, &v)),
            Some("ImageStreamImage") => round_trips::<ImageStreamImage>(&name, &v),
            Some("ImageStreamLayers") => round_trips::<ImageStreamLayers>(&name, &v),
            Some("Status") => drop(decode::<Status>(&name, &v)),
            // Not image kinds we model (discovery, Table, RBAC, namespaces, imagetags).
            _ => continue,
        }
        decoded += 1;
    }
    // 6 streams, 8 stream lists, 6 istags, 7 istag lists, 2 images, 1 image list, 1 isimage,
    // 1 layers, 67 statuses, plus the watch events.
    assert!(decoded >= 99, "only {decoded} responses decoded");
}

fn load(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(recordings().join(name)).unwrap()).unwrap()
}

#[test]
fn imagestream_fields_are_read() {
    let is: ImageStream = decode("110", &load("110-get-imagestream-myapp.json"));
    assert_eq!(is.name(), "myapp");
    assert_eq!(is.namespace(), "myproject");
    let stable = is.spec_tag("stable").expect("spec tag stable");
    assert_eq!(stable.annotations, None, "annotations: null");
    let from = stable.from.as_ref().unwrap();
    assert_eq!(
        (from.kind.as_str(), from.name.as_str()),
        ("ImageStreamTag", "myapp:v2.1.8")
    );
    // status.tags are sorted by name and their items are newest first.
    let names: Vec<_> = is.status_tags().iter().map(|t| t.tag.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let latest = is.status_tag("latest").unwrap();
    assert!(latest.revisions().len() > 1);
    assert!(
        latest
            .revisions()
            .windows(2)
            .all(|w| w[0].created.0 >= w[1].created.0)
    );
    assert!(is.current("latest").unwrap().image.starts_with("sha256:"));
}

#[test]
fn istag_list_items_carry_only_digest_and_reference() {
    let list: ObjectList<ImageStreamTag> =
        decode("113", &load("113-list-imagestreamtags-myproject-all.json"));
    assert_eq!(list.items.len(), 22);
    let t = &list.items[0];
    assert_eq!(t.tag, None, "a pushed tag has tag: null");
    assert!(t.image.digest().starts_with("sha256:"));
    assert!(t.image.docker_image_layers.is_none());
}

#[test]
fn istag_get_carries_layers_and_size() {
    let t: ImageStreamTag = decode("117", &load("117-get-imagestreamtag-myapp-v2.0.1.json"));
    let layers = t.image.docker_image_layers.as_ref().unwrap();
    let total: i64 = layers.iter().map(|l| l.size).sum();
    assert_eq!(
        t.image.docker_image_metadata.as_ref().unwrap().size,
        Some(total)
    );
}

#[test]
fn layers_blobs_have_null_sizes_for_manifests() {
    let l: ImageStreamLayers = decode("132", &load("132-get-imagestream-layers-myapp.json"));
    let blobs = l.blobs.unwrap();
    let images = l.images.unwrap();
    assert_eq!(images.len(), 20);
    for (digest, refs) in &images {
        assert_eq!(
            blobs[digest].size, None,
            "manifest blob of {digest} has no size"
        );
        for layer in refs.layers.as_deref().unwrap() {
            assert!(blobs[layer].size.unwrap() > 0);
        }
    }
}

#[test]
fn error_status_bodies_decode() {
    let s: Status = decode(
        "162",
        &load("162-alice-delete-imagestreamtag-forbidden.json"),
    );
    assert_eq!(s.code, Some(403));
    assert_eq!(s.reason.as_deref(), Some("Forbidden"));
    assert_eq!(s.details.unwrap().kind.as_deref(), Some("imagestreamtags"));
    let ok: Status = decode("141", &load("141-delete-imagestreamtag-myapp-v2.0.1.json"));
    assert_eq!(ok, Status::success());
}
