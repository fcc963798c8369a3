//! The registry-space accounting: hand-built cases with exact figures, the recorded `/layers`
//! answer of a real OpenShift 4.13, freed_by, a property test against a naive set-based oracle,
//! and a 10,000-image namespace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod layers413;

use layers413::{check_against_truth, layers_recording, recorded_items, truth};
use proptest::prelude::*;
use prunetags::model::{
    DockerImageMetadata, Image, ImageBlobReferences, ImageLayer, ImageLayerData, ImageManifest,
    ImageStream, ImageStreamLayers, ImageStreamStatus, NamedTagEventList, ObjectMeta, SizedImage,
    TagEvent, Time,
};
use prunetags::usage::{
    Accounting, Removal, SizeIndex, UnsizedReason, UsageReport, account, freed_by,
};

// ---------------------------------------------------------------------------------------------
// Builders

const NS: &str = "myproject";

fn time(i: i64) -> Time {
    Time(jiff::Timestamp::from_second(1_700_000_000 + i).unwrap())
}

/// A stream with status tags; each tag's digests are its history, newest first.
fn stream_in(ns: &str, name: &str, tags: &[(&str, &[&str])]) -> ImageStream {
    let tags = tags
        .iter()
        .map(|(tag, digests)| NamedTagEventList {
            tag: tag.to_string(),
            items: Some(
                digests
                    .iter()
                    .enumerate()
                    .map(|(i, d)| TagEvent {
                        created: time(-(i as i64) * 3600),
                        docker_image_reference: format!("registry/{ns}/{name}@{d}"),
                        image: d.to_string(),
                        generation: 1,
                    })
                    .collect(),
            ),
            conditions: None,
        })
        .collect();
    ImageStream {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(ns.into()),
            ..Default::default()
        },
        status: ImageStreamStatus {
            tags: Some(tags),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn stream(name: &str, tags: &[(&str, &[&str])]) -> ImageStream {
    stream_in(NS, name, tags)
}

/// An image of a `/layers` answer.
struct Img<'a> {
    digest: &'a str,
    layers: &'a [&'a str],
    config: Option<&'a str>,
    manifests: &'a [&'a str],
    missing: bool,
}

fn img<'a>(digest: &'a str, layers: &'a [&'a str], config: Option<&'a str>) -> Img<'a> {
    Img {
        digest,
        layers,
        config,
        manifests: &[],
        missing: false,
    }
}

/// A `/layers` answer. Each image's own manifest blob is listed with `size: null`, as the
/// server does.
fn layers(blobs: &[(&str, Option<i64>)], images: &[Img]) -> ImageStreamLayers {
    let mut b: BTreeMap<String, ImageLayerData> = blobs
        .iter()
        .map(|(d, size)| {
            (
                d.to_string(),
                ImageLayerData {
                    size: *size,
                    media_type: "application/vnd.docker.image.rootfs.diff.tar.gzip".into(),
                },
            )
        })
        .collect();
    let mut i = BTreeMap::new();
    for image in images {
        if !image.missing {
            b.insert(
                image.digest.into(),
                ImageLayerData {
                    size: None,
                    media_type: "application/vnd.docker.distribution.manifest.v2+json".into(),
                },
            );
        }
        i.insert(
            image.digest.to_string(),
            ImageBlobReferences {
                image_missing: image.missing,
                layers: (!image.missing)
                    .then(|| image.layers.iter().map(|s| s.to_string()).collect()),
                config: image.config.map(Into::into),
                manifests: (!image.manifests.is_empty())
                    .then(|| image.manifests.iter().map(|s| s.to_string()).collect()),
            },
        );
    }
    ImageStreamLayers {
        blobs: Some(b),
        images: Some(i),
        ..Default::default()
    }
}

/// An index as the tool builds one: the `/layers` answer for which blobs each image has, and
/// every image read as an Image. This file's fixtures state the true sizes in `/layers` form
/// for brevity; the Images carry them (a config blob's size as `Size` beyond the layers, as the
/// registry records it), since the index takes no size from `/layers`.
fn sized(l: &ImageStreamLayers) -> SizeIndex {
    let mut index = SizeIndex::from_layers(l);
    for image in images_of(l) {
        index.add_image(&image);
    }
    index
}

/// The Images behind a `/layers` answer, sized as it says (unknown sizes as 0).
fn images_of(l: &ImageStreamLayers) -> Vec<Image> {
    let blobs = l.blobs.clone().unwrap_or_default();
    let size = |b: &str| blobs.get(b).and_then(|d| d.size);
    let mut out = Vec::new();
    for (digest, refs) in l.images.iter().flatten() {
        if refs.image_missing {
            continue;
        }
        let manifests: Vec<ImageManifest> = refs
            .manifests
            .iter()
            .flatten()
            .map(|d| ImageManifest {
                digest: d.clone(),
                ..Default::default()
            })
            .collect();
        let mut seen = BTreeSet::new();
        let layers: Vec<ImageLayer> = refs
            .layers
            .iter()
            .flatten()
            .map(|b| ImageLayer {
                name: b.clone(),
                size: size(b).unwrap_or(0),
                media_type: "application/vnd.docker.image.rootfs.diff.tar.gzip".into(),
            })
            .collect();
        let layer_bytes: i64 = layers
            .iter()
            .filter(|l| seen.insert(l.name.clone()))
            .map(|l| l.size)
            .sum();
        let config_bytes = refs.config.as_deref().and_then(size).unwrap_or(0);
        out.push(Image {
            metadata: ObjectMeta {
                name: Some(digest.clone()),
                ..Default::default()
            },
            docker_image_layers: Some(layers),
            docker_image_metadata: Some(DockerImageMetadata {
                id: refs.config.clone(),
                size: Some(layer_bytes + config_bytes),
                ..Default::default()
            }),
            docker_image_manifests: (!manifests.is_empty()).then_some(manifests),
            ..Default::default()
        });
    }
    out
}

/// An Image as `imagestreamimages` returns it.
fn image(digest: &str, layers: &[(&str, i64)], config: Option<(&str, &str)>) -> Image {
    Image {
        metadata: ObjectMeta {
            name: Some(digest.into()),
            ..Default::default()
        },
        docker_image_layers: Some(
            layers
                .iter()
                .map(|(name, size)| ImageLayer {
                    name: name.to_string(),
                    size: *size,
                    media_type: "application/vnd.docker.image.rootfs.diff.tar.gzip".into(),
                })
                .collect(),
        ),
        docker_image_metadata: Some(DockerImageMetadata {
            id: config.map(|(d, _)| d.to_string()),
            size: Some(layers.iter().map(|(_, s)| s).sum()),
            ..Default::default()
        }),
        docker_image_config: config.map(|(_, c)| c.to_string()).unwrap_or_default(),
        ..Default::default()
    }
}

/// (total, unique, shared) of a stream, a tag, a revision.
fn s3(r: &UsageReport, stream: &str) -> (u64, u64, u64) {
    let s = r.stream(NS, stream).unwrap();
    (s.total, s.unique, s.shared)
}
fn t3(r: &UsageReport, stream: &str, tag: &str) -> (u64, u64, u64) {
    let t = r.stream(NS, stream).unwrap().tag(tag).unwrap();
    (t.total, t.unique, t.shared)
}
fn r3(r: &UsageReport, stream: &str, tag: &str, index: usize) -> (u64, u64, u64) {
    let v = r
        .stream(NS, stream)
        .unwrap()
        .tag(tag)
        .unwrap()
        .revision(index)
        .unwrap();
    (v.total, v.unique, v.shared)
}

/// Two images sharing two base layers: A = base1 + base2 + a + config ca, B = base1 + base2 +
/// b + config cb.
fn two_images() -> ImageStreamLayers {
    layers(
        &[
            ("sha256:base1", Some(100)),
            ("sha256:base2", Some(200)),
            ("sha256:a", Some(10)),
            ("sha256:b", Some(20)),
            ("sha256:ca", Some(1)),
            ("sha256:cb", Some(2)),
        ],
        &[
            img(
                "sha256:A",
                &["sha256:base1", "sha256:base2", "sha256:a"],
                Some("sha256:ca"),
            ),
            img(
                "sha256:B",
                &["sha256:base1", "sha256:base2", "sha256:b"],
                Some("sha256:cb"),
            ),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// Hand-built cases

#[test]
fn two_images_sharing_base_layers() {
    let sizes = sized(&two_images());
    let streams = [stream(
        "app",
        &[("v1", &["sha256:A"]), ("v2", &["sha256:B"])],
    )];
    let r = account(&streams, &sizes);
    assert_eq!(t3(&r, "app", "v1"), (311, 11, 300));
    assert_eq!(t3(&r, "app", "v2"), (322, 22, 300));
    assert_eq!(r3(&r, "app", "v1", 0), (311, 11, 300));
    assert_eq!(r3(&r, "app", "v2", 0), (322, 22, 300));
    // The base is counted once.
    assert_eq!(s3(&r, "app"), (333, 333, 0));
    assert_eq!(r.total, 333);
    assert_eq!(r.images, 2);
    assert!(r.unsized_images.is_empty());
    // Tags sorted by unique bytes, largest first.
    let order: Vec<_> = r.streams[0].tags.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(order, ["v2", "v1"]);
}

#[test]
fn identical_image_under_two_tags() {
    let sizes = sized(&two_images());
    let streams = [stream(
        "app",
        &[("v1", &["sha256:A"]), ("latest", &["sha256:A"])],
    )];
    let r = account(&streams, &sizes);
    // Unique to neither tag (nor revision) ...
    assert_eq!(t3(&r, "app", "v1"), (311, 0, 311));
    assert_eq!(t3(&r, "app", "latest"), (311, 0, 311));
    assert_eq!(r3(&r, "app", "latest", 0), (311, 0, 311));
    // ... but unique to the stream.
    assert_eq!(s3(&r, "app"), (311, 311, 0));
    assert_eq!(r.stream(NS, "app").unwrap().images, 1);
    assert_eq!(r.total, 311);
    // Ties sort by tag name.
    let order: Vec<_> = r.streams[0].tags.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(order, ["latest", "v1"]);
}

#[test]
fn same_image_in_two_streams() {
    let sizes = sized(&two_images());
    let streams = [
        stream("app", &[("v1", &["sha256:A"])]),
        stream("copy", &[("v1", &["sha256:A"]), ("v2", &["sha256:B"])]),
    ];
    let r = account(&streams, &sizes);
    assert_eq!(s3(&r, "app"), (311, 0, 311));
    // copy: B's own layer and config (22) are its alone.
    assert_eq!(s3(&r, "copy"), (333, 22, 311));
    assert_eq!(r.total, 333);
    assert_eq!(r.streams[0].name, "copy");
    assert_eq!(r.top(1).len(), 1);
    assert_eq!(r.top(1)[0].name, "copy");
    assert_eq!(r.top(10).len(), 2);
}

#[test]
fn same_stream_name_in_two_namespaces_are_two_streams() {
    let sizes = sized(&two_images());
    let streams = [
        stream_in("a", "app", &[("v1", &["sha256:A"])]),
        stream_in("b", "app", &[("v1", &["sha256:B"])]),
    ];
    let r = account(&streams, &sizes);
    assert_eq!(r.stream("a", "app").unwrap().unique, 11);
    assert_eq!(r.stream("b", "app").unwrap().unique, 22);
    assert_eq!(r.total, 333);
    let mut removal = Removal::new();
    removal.tag("b", "app", "v1");
    assert_eq!(freed_by(&streams, &sizes, &removal), 22);
}

#[test]
fn manifest_list_with_two_children_sharing_a_layer() {
    // /layers: the list L refers to its children, which are listed too.
    let l = layers(
        &[
            ("sha256:x", Some(1000)),
            ("sha256:y", Some(50)),
            ("sha256:z", Some(70)),
            ("sha256:c1cfg", Some(3)),
        ],
        &[
            Img {
                digest: "sha256:L",
                layers: &[],
                config: None,
                manifests: &["sha256:C1", "sha256:C2"],
                missing: false,
            },
            img("sha256:C1", &["sha256:x", "sha256:y"], Some("sha256:c1cfg")),
            img("sha256:C2", &["sha256:x", "sha256:z"], None),
        ],
    );
    let streams = [stream("multi", &[("latest", &["sha256:L"])])];
    let from_layers = account(&streams, &sized(&l));
    assert_eq!(t3(&from_layers, "multi", "latest"), (1123, 1123, 0));
    assert_eq!(from_layers.total, 1123);
    assert!(from_layers.unsized_images.is_empty());

    // The same from Images: the list's dockerImageManifests, each child read on its own.
    let mut list = image("sha256:L", &[], None);
    list.docker_image_layers = None;
    list.docker_image_metadata = None;
    list.docker_image_manifests = Some(
        ["sha256:C1", "sha256:C2"]
            .iter()
            .map(|d| ImageManifest {
                digest: d.to_string(),
                ..Default::default()
            })
            .collect(),
    );
    let c1 = image(
        "sha256:C1",
        &[("sha256:x", 1000), ("sha256:y", 50)],
        Some(("sha256:c1cfg", "abc")),
    );
    let c2 = image("sha256:C2", &[("sha256:x", 1000), ("sha256:z", 70)], None);
    let from_images = account(&streams, &SizeIndex::from_images([&list, &c1, &c2]));
    assert_eq!(from_images, from_layers);

    // A child nobody could read: listed as unsized with its list, the rest still counted.
    let partial = SizeIndex::from_images([&list, &c1]);
    let r = account(&streams, &partial);
    assert_eq!(r.total, 1053);
    assert_eq!(r.unsized_images.len(), 1);
    assert_eq!(r.unsized_images[0].image, "sha256:C2");
    assert_eq!(
        r.unsized_images[0].manifest_list.as_deref(),
        Some("sha256:L")
    );
    assert_eq!(r.unsized_images[0].reason, UnsizedReason::NotRead);
    assert!(!r.streams[0].tags[0].revisions[0].sized);
    assert_eq!(partial.image_size("sha256:L"), None);
    assert_eq!(sized(&l).image_size("sha256:L"), Some(1123));
    assert_eq!(
        partial.unresolved(&streams).into_iter().collect::<Vec<_>>(),
        [(
            "multi".to_string(),
            "sha256:C2".to_string(),
            "sha256:L".to_string()
        )]
    );
}

#[test]
fn images_missing_or_absent_are_listed_not_counted() {
    let mut l = two_images();
    l.images.as_mut().unwrap().insert(
        "sha256:M".into(),
        ImageBlobReferences {
            image_missing: true,
            ..Default::default()
        },
    );
    let sizes = sized(&l);
    let streams = [stream(
        "app",
        &[
            ("v1", &["sha256:A"]),
            ("v2", &["sha256:M"]),
            ("v3", &["sha256:N", "sha256:B"]),
        ],
    )];
    let r = account(&streams, &sizes);
    assert_eq!(r.total, 333);
    assert_eq!(t3(&r, "app", "v2"), (0, 0, 0));
    assert_eq!(t3(&r, "app", "v3"), (322, 22, 300));
    let app = r.stream(NS, "app").unwrap();
    assert_eq!((app.images, app.unsized_images), (4, 2));
    assert!(!app.tag("v2").unwrap().revision(0).unwrap().sized);
    assert!(!app.tag("v3").unwrap().revision(0).unwrap().sized);
    assert!(app.tag("v3").unwrap().revision(1).unwrap().sized);
    let listed: Vec<_> = r
        .unsized_images
        .iter()
        .map(|u| (u.image.as_str(), u.reason, u.references[0].tag.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("sha256:M", UnsizedReason::ImageMissing, "v2"),
            ("sha256:N", UnsizedReason::NotRead, "v3"),
        ]
    );
    // What is left to read: not M (`/layers` says its Image is gone), N (nobody said anything).
    let unresolved: Vec<_> = sizes
        .unresolved(&streams)
        .into_iter()
        .map(|(_, d, _)| d)
        .collect();
    assert_eq!(unresolved, ["sha256:N"]);

    // The fallback fills the gap: an Image outranks `imageMissing`.
    let mut sizes = sizes;
    sizes.add_image(&image(
        "sha256:M",
        &[("sha256:base1", 100), ("sha256:m", 7)],
        None,
    ));
    let r = account(&streams, &sizes);
    assert_eq!(r.total, 340);
    assert_eq!(r.unsized_images.len(), 1);
}

#[test]
fn config_blobs_count_when_sized_and_manifest_blobs_never() {
    let l = layers(
        &[
            ("sha256:l1", Some(100)),
            ("sha256:cfg-sized", Some(5)),
            ("sha256:cfg-null", None),
        ],
        &[
            img("sha256:P", &["sha256:l1"], Some("sha256:cfg-sized")),
            img("sha256:Q", &["sha256:l1"], Some("sha256:cfg-null")),
        ],
    );
    // The manifest blobs sha256:P and sha256:Q are in `blobs` with size null.
    assert_eq!(l.blobs.as_ref().unwrap()["sha256:P"].size, None);
    let sizes = sized(&l);
    let streams = [stream("app", &[("p", &["sha256:P"]), ("q", &["sha256:Q"])])];
    let r = account(&streams, &sizes);
    assert_eq!(t3(&r, "app", "p"), (105, 5, 100));
    assert_eq!(t3(&r, "app", "q"), (100, 0, 100));
    assert_eq!(r.total, 105);

    // From an Image, the config blob is sized by the dockerImageConfig the server included.
    let with_config = image(
        "sha256:P",
        &[("sha256:l1", 100)],
        Some(("sha256:cfg", "{\"a\":1}")),
    );
    assert_eq!(
        SizeIndex::from_images([&with_config]).image_size("sha256:P"),
        Some(107)
    );
    let without = image("sha256:P", &[("sha256:l1", 100)], Some(("sha256:cfg", "")));
    assert_eq!(
        SizeIndex::from_images([&without]).image_size("sha256:P"),
        Some(100)
    );
}

#[test]
fn revisions_of_one_tag_sharing_layers() {
    let sizes = sized(&two_images());
    let streams = [stream("app", &[("v1", &["sha256:B", "sha256:A"])])];
    let r = account(&streams, &sizes);
    assert_eq!(r3(&r, "app", "v1", 0), (322, 22, 300));
    assert_eq!(r3(&r, "app", "v1", 1), (311, 11, 300));
    assert_eq!(t3(&r, "app", "v1"), (333, 333, 0));
    let tag = r.stream(NS, "app").unwrap().tag("v1").unwrap();
    assert_eq!(tag.revisions[0].image, "sha256:B");
    assert_eq!(tag.revisions[0].created, time(0));

    // The same image twice in one history: unique to neither item, unique to the tag.
    let streams = [stream(
        "app",
        &[("v1", &["sha256:A", "sha256:B", "sha256:A"])],
    )];
    let r = account(&streams, &sizes);
    assert_eq!(r3(&r, "app", "v1", 0), (311, 0, 311));
    assert_eq!(r3(&r, "app", "v1", 1), (322, 22, 300));
    assert_eq!(t3(&r, "app", "v1"), (333, 333, 0));
    // Revisions sorted by unique, ties newest first.
    let order: Vec<_> = r.streams[0].tags[0]
        .revisions
        .iter()
        .map(|v| v.index)
        .collect();
    assert_eq!(order, [1, 0, 2]);
}

#[test]
fn repeated_layer_in_one_image_counts_once() {
    let l = layers(
        &[("sha256:empty", Some(32)), ("sha256:l", Some(100))],
        &[img(
            "sha256:E",
            &["sha256:empty", "sha256:l", "sha256:empty"],
            None,
        )],
    );
    let r = account(&[stream("app", &[("v1", &["sha256:E"])])], &sized(&l));
    assert_eq!(t3(&r, "app", "v1"), (132, 132, 0));
}

#[test]
fn layers_sizes_are_never_taken_only_images_size() {
    // 4.13's `/layers` says 300 for both layers of A (the size of its last layer); the Image
    // says 100 and 300. Whatever the order of the facts, only the Image's count.
    let l = layers(
        &[("sha256:l1", Some(300)), ("sha256:l2", Some(300))],
        &[img("sha256:A", &["sha256:l1", "sha256:l2"], None)],
    );
    let i = image("sha256:A", &[("sha256:l1", 100), ("sha256:l2", 300)], None);
    let layers_only = SizeIndex::from_layers(&l);
    assert_eq!(layers_only.image_size("sha256:A"), None);
    assert!(!layers_only.knows("sha256:A"));
    let mut first = SizeIndex::from_layers(&l);
    first.add_image(&i);
    let mut second = SizeIndex::from_images([&i]);
    second.add_layers(&l);
    assert_eq!(first.image_size("sha256:A"), Some(400));
    assert_eq!(second.image_size("sha256:A"), Some(400));
    let streams = [stream("app", &[("v1", &["sha256:A"])])];
    let r = account(&streams, &layers_only);
    assert!(!r.complete);
    assert_eq!(r.total, 0);
    assert_eq!(r.unsized_images[0].reason, UnsizedReason::NotRead);
    assert!(account(&streams, &first).complete);
}

#[test]
fn a_refused_read_is_named_and_keeps_the_blobs_referenced() {
    // A and B share base (1000); only B is read. A's read was refused: A stays unsized with its
    // reason, and its reference to base still keeps base from being freed with B.
    let l = layers(
        &[
            ("sha256:base", Some(1)),
            ("sha256:a", Some(1)),
            ("sha256:b", Some(1)),
        ],
        &[
            img("sha256:A", &["sha256:base", "sha256:a"], None),
            img("sha256:B", &["sha256:base", "sha256:b"], None),
        ],
    );
    let mut index = SizeIndex::from_layers(&l);
    index.add_image(&image(
        "sha256:B",
        &[("sha256:base", 1000), ("sha256:b", 20)],
        None,
    ));
    index.add_unsized("sha256:A", UnsizedReason::Forbidden);
    let streams = [stream("app", &[("a", &["sha256:A"]), ("b", &["sha256:B"])])];
    let r = account(&streams, &index);
    assert!(!r.complete);
    assert_eq!(r.unsized_images.len(), 1);
    assert_eq!(r.unsized_images[0].image, "sha256:A");
    assert_eq!(r.unsized_images[0].reason, UnsizedReason::Forbidden);
    assert!(
        index.unresolved(&streams).is_empty(),
        "a refused image is not read again"
    );
    let mut removal = Removal::new();
    removal.tag(NS, "app", "b");
    assert_eq!(freed_by(&streams, &index, &removal), 20);
}

#[test]
fn streams_sorted_by_unique_then_name() {
    let sizes = sized(&two_images());
    let streams = [
        stream("zz", &[("v1", &["sha256:A"])]),
        stream("bb", &[("v1", &["sha256:B"])]),
        stream("aa", &[]),
        stream("cc", &[("v1", &["sha256:A"])]),
    ];
    let r = account(&streams, &sizes);
    let order: Vec<_> = r
        .streams
        .iter()
        .map(|s| (s.name.as_str(), s.unique))
        .collect();
    assert_eq!(order, [("bb", 22), ("aa", 0), ("cc", 0), ("zz", 0)]);
}

#[test]
fn report_serializes_with_stable_camel_case_names() {
    let sizes = sized(&two_images());
    let streams = [stream("app", &[("v1", &["sha256:A", "sha256:gone"])])];
    let r = account(&streams, &sizes);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["total"], 311);
    assert_eq!(json["images"], 2);
    let s = &json["streams"][0];
    for key in [
        "namespace",
        "name",
        "total",
        "unique",
        "shared",
        "images",
        "unsizedImages",
        "tags",
    ] {
        assert!(s.get(key).is_some(), "stream field {key}");
    }
    let rev = &s["tags"][0]["revisions"][0];
    for key in [
        "index", "image", "created", "total", "unique", "shared", "sized",
    ] {
        assert!(rev.get(key).is_some(), "revision field {key}");
    }
    assert!(rev["total"].is_u64());
    assert_eq!(json["unsizedImages"][0]["reason"], "notRead");
    assert_eq!(json["complete"], false);
    assert_eq!(json["unsizedImages"][0]["references"][0]["stream"], "app");
    assert!(json["unsizedImages"][0].get("manifestList").is_none());
    // Round trips through JSON and YAML.
    let back: UsageReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
    let yaml = serde_yaml::to_string(&r).unwrap();
    let back: UsageReport = serde_yaml::from_str(&yaml).unwrap();
    assert_eq!(back, r);
}

// ---------------------------------------------------------------------------------------------
// freed_by

#[test]
fn freed_by_removing_tags_and_revisions() {
    let sizes = sized(&two_images());
    let streams = [stream(
        "app",
        &[("v1", &["sha256:A"]), ("v2", &["sha256:B"])],
    )];
    let acc = Accounting::new(&streams, &sizes);
    let mut r = Removal::new();
    assert!(r.is_empty());
    assert_eq!(acc.freed_by(&r), 0);
    // v1 shares its base with the kept v2: only its own layer and config go.
    r.tag(NS, "app", "v1");
    assert_eq!(acc.freed_by(&r), 11);
    assert_eq!(freed_by(&streams, &sizes, &r), 11);
    r.tag(NS, "app", "v2");
    assert_eq!(acc.freed_by(&r), 333);
    assert_eq!(acc.freed_by(Removal::new().stream(NS, "app")), 333);
    // Names matching nothing free nothing.
    assert_eq!(
        acc.freed_by(
            Removal::new()
                .tag(NS, "app", "nope")
                .tag("other", "app", "v1")
        ),
        0
    );

    // Revisions: v1's history is B (current) then A; v2 is B.
    let streams = [stream(
        "app",
        &[("v1", &["sha256:B", "sha256:A"]), ("v2", &["sha256:B"])],
    )];
    let acc = Accounting::new(&streams, &sizes);
    assert_eq!(
        acc.freed_by(Removal::new().revision(NS, "app", "v1", "sha256:A")),
        11
    );
    assert_eq!(
        acc.freed_by(Removal::new().revision(NS, "app", "v1", "sha256:B")),
        0
    );
    assert_eq!(
        acc.freed_by(
            Removal::new()
                .revision(NS, "app", "v1", "sha256:B")
                .tag(NS, "app", "v2")
        ),
        22
    );
    assert_eq!(acc.freed_by(Removal::new().tag(NS, "app", "v1")), 11);
    assert_eq!(acc.total(), 333);
}

// ---------------------------------------------------------------------------------------------
// The recordings of a real OpenShift 4.13

fn recording<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openshift-4.13")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn recorded_layers_of_myapp() {
    let layers: ImageStreamLayers = recording("132-get-imagestream-layers-myapp.json");
    let myapp: ImageStream = recording("110-get-imagestream-myapp.json");
    let images = layers.images.as_ref().unwrap();
    let blobs = layers.blobs.as_ref().unwrap();

    // The two recordings come from different requests: check they describe the same images.
    let digests: BTreeSet<&str> = myapp
        .status_tags()
        .iter()
        .flat_map(|t| t.revisions())
        .map(|r| r.image.as_str())
        .collect();
    assert_eq!(digests.len(), 20);
    assert_eq!(digests, images.keys().map(String::as_str).collect());

    let streams = [myapp.clone()];
    let sizes = sized(&layers);
    let r = account(&streams, &sizes);

    // Independently: the set of blob digests of every image, sizes summed where known.
    let blobs_of = |digest: &str| -> BTreeSet<&str> {
        let refs = &images[digest];
        refs.layers
            .iter()
            .flatten()
            .chain(refs.config.iter())
            .map(String::as_str)
            .collect()
    };
    let size_sum = |set: &BTreeSet<&str>| -> u64 {
        set.iter().map(|b| blobs[*b].size.unwrap_or(0) as u64).sum()
    };
    let all: BTreeSet<&str> = digests.iter().flat_map(|d| blobs_of(d)).collect();
    assert_eq!(r.total, size_sum(&all));
    assert_eq!(r.total, 54 * 3_000_006 + 6 * 3_000_014);
    let s = r.stream("myproject", "myapp").unwrap();
    assert_eq!((s.total, s.unique, s.shared), (r.total, r.total, 0));
    assert_eq!(s.images, 20);
    assert_eq!(s.tags.len(), 20);

    for tag in myapp.status_tags() {
        let mine: BTreeSet<&str> = tag
            .revisions()
            .iter()
            .flat_map(|v| blobs_of(&v.image))
            .collect();
        let others: BTreeSet<&str> = myapp
            .status_tags()
            .iter()
            .filter(|t| t.tag != tag.tag)
            .flat_map(|t| t.revisions())
            .flat_map(|v| blobs_of(&v.image))
            .collect();
        let unique: BTreeSet<&str> = mine.difference(&others).copied().collect();
        let got = s.tag(&tag.tag).unwrap();
        assert_eq!(got.total, size_sum(&mine), "{} total", tag.tag);
        assert_eq!(got.unique, size_sum(&unique), "{} unique", tag.tag);
        assert_eq!(got.revisions.len(), tag.revisions().len());
    }
    // `latest` holds every image, each also under its version tag: nothing is unique to a tag.
    let latest = s.tag("latest").unwrap();
    assert_eq!((latest.total, latest.unique), (r.total, 0));
    assert!(s.tags.iter().all(|t| t.unique == 0));

    // Deleting every version tag frees nothing while `latest` keeps the images.
    let mut removal = Removal::new();
    for tag in myapp.status_tags().iter().filter(|t| t.tag != "latest") {
        removal.tag("myproject", "myapp", &tag.tag);
    }
    let acc = Accounting::new(&streams, &sizes);
    assert_eq!(acc.freed_by(&removal), 0);
    removal.tag("myproject", "myapp", "latest");
    assert_eq!(acc.freed_by(&removal), r.total);

    // 4.13's /layers reports every layer of an image at the size of its last layer; the Image
    // of v2.0.1 tells the truth, and only Images size anything.
    let istag: serde_json::Value = recording("117-get-imagestreamtag-myapp-v2.0.1.json");
    let v201: Image = serde_json::from_value(istag["image"].clone()).unwrap();
    let said: Vec<Option<i64>> = images[v201.digest()]
        .layers
        .iter()
        .flatten()
        .map(|b| blobs[b].size)
        .collect();
    assert_eq!(said, [Some(3_000_006); 3]);
    let truth: Vec<i64> = v201
        .docker_image_layers
        .iter()
        .flatten()
        .map(|l| l.size)
        .collect();
    assert_eq!(truth, [1_000_006, 2_000_006, 3_000_006]);
    let mut index = SizeIndex::from_layers(&layers);
    assert_eq!(index.image_size(v201.digest()), None);
    index.add_image(&v201);
    assert_eq!(index.image_size(v201.digest()), Some(6_000_018));
    assert_eq!(
        index.image_size(v201.digest()),
        v201.docker_image_metadata
            .as_ref()
            .unwrap()
            .size
            .map(|s| s as u64)
    );
    let r = account(&streams, &index);
    assert!(!r.complete);
    assert_eq!(r.unsized_images.len(), 19, "the 19 images not read");
}

// ---------------------------------------------------------------------------------------------
// Property test against a naive set-based oracle

/// An image of a [`World`]: layers, config, children (manifest list), missing.
type WorldImage = (Vec<usize>, Option<usize>, Vec<usize>, bool);
/// A revision of a [`World`]: stream, tag, position in history, image.
type WorldRev = (usize, usize, usize, usize);

#[derive(Clone, Debug)]
struct World {
    /// Blob sizes (None = unknown).
    blobs: Vec<Option<i64>>,
    /// Per image: layers, config, children (manifest list), missing.
    images: Vec<WorldImage>,
    /// Streams → tags → revisions (image index; `images.len()` and above = absent images).
    streams: Vec<Vec<Vec<usize>>>,
}

fn world() -> impl Strategy<Value = World> {
    (1usize..25, 1usize..12).prop_flat_map(|(nb, ni)| {
        let blob = prop_oneof![4 => (0i64..1000).prop_map(Some), 1 => Just(None)];
        let image = (
            prop::collection::vec(0..nb, 0..6),
            prop::option::of(0..nb),
            prop::collection::vec(0..ni, 0..3),
            prop::bool::weighted(0.1),
        );
        let rev = 0..ni + 2;
        let tag = prop::collection::vec(rev, 0..4);
        let stream = prop::collection::vec(tag, 0..4);
        (
            prop::collection::vec(blob, nb),
            prop::collection::vec(image, ni),
            prop::collection::vec(stream, 1..5),
        )
            .prop_map(|(blobs, mut images, streams)| {
                // Only images without children of their own may be children (one level).
                let leaves: Vec<bool> = images.iter().map(|i| i.2.is_empty()).collect();
                for (n, image) in images.iter_mut().enumerate() {
                    image.2.retain(|&c| c != n && leaves[c]);
                }
                World {
                    blobs,
                    images,
                    streams,
                }
            })
    })
}

fn digest(i: usize) -> String {
    format!("sha256:img{i}")
}

impl World {
    fn layers(&self) -> ImageStreamLayers {
        let blobs = self
            .blobs
            .iter()
            .enumerate()
            .map(|(b, size)| {
                (
                    format!("sha256:blob{b}"),
                    ImageLayerData {
                        size: *size,
                        media_type: String::new(),
                    },
                )
            })
            .collect();
        let images = self
            .images
            .iter()
            .enumerate()
            .map(|(i, (layers, config, children, missing))| {
                (
                    digest(i),
                    ImageBlobReferences {
                        image_missing: *missing,
                        layers: Some(layers.iter().map(|b| format!("sha256:blob{b}")).collect()),
                        config: config.map(|b| format!("sha256:blob{b}")),
                        manifests: Some(children.iter().map(|&c| digest(c)).collect()),
                    },
                )
            })
            .collect();
        ImageStreamLayers {
            blobs: Some(blobs),
            images: Some(images),
            ..Default::default()
        }
    }

    fn streams(&self) -> Vec<ImageStream> {
        self.streams
            .iter()
            .enumerate()
            .map(|(s, tags)| {
                let digests: Vec<(String, Vec<String>)> = tags
                    .iter()
                    .enumerate()
                    .map(|(t, revs)| (format!("t{t}"), revs.iter().map(|&i| digest(i)).collect()))
                    .collect();
                let refs: Vec<Vec<&str>> = digests
                    .iter()
                    .map(|(_, d)| d.iter().map(String::as_str).collect())
                    .collect();
                let tags: Vec<(&str, &[&str])> = digests
                    .iter()
                    .zip(&refs)
                    .map(|((t, _), d)| (t.as_str(), d.as_slice()))
                    .collect();
                stream(&format!("s{s}"), &tags)
            })
            .collect()
    }

    /// Sized blobs of an image, naively.
    fn image_blobs(&self, i: usize, depth: usize) -> BTreeSet<usize> {
        let Some((layers, config, children, missing)) = self.images.get(i) else {
            return BTreeSet::new();
        };
        if *missing || depth > 1 {
            return BTreeSet::new();
        }
        let mut out: BTreeSet<usize> = layers
            .iter()
            .chain(config.iter())
            .copied()
            .filter(|&b| self.blobs[b].is_some())
            .collect();
        for &c in children {
            out.extend(self.image_blobs(c, depth + 1));
        }
        out
    }

    fn size(&self, set: &BTreeSet<usize>) -> u64 {
        set.iter().map(|&b| self.blobs[b].unwrap() as u64).sum()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn accounting_matches_a_naive_oracle(w in world(), removed_mask in prop::collection::vec(any::<bool>(), 64)) {
        let streams = w.streams();
        let sizes = sized(&w.layers());
        let acc = Accounting::new(&streams, &sizes);
        let r = acc.report();

        // Revision list: (stream, tag, position, image).
        let mut revs: Vec<WorldRev> = Vec::new();
        for (s, tags) in w.streams.iter().enumerate() {
            for (t, items) in tags.iter().enumerate() {
                for (p, &i) in items.iter().enumerate() {
                    revs.push((s, t, p, i));
                }
            }
        }
        let blobs_of = |keep: &dyn Fn(&WorldRev) -> bool| -> BTreeSet<usize> {
            revs.iter().filter(|r| keep(r)).flat_map(|r| w.image_blobs(r.3, 0)).collect()
        };
        let all = blobs_of(&|_| true);
        prop_assert_eq!(r.total, w.size(&all));
        prop_assert_eq!(acc.total(), r.total);

        let mut sum_unique = 0;
        let mut sum_total = 0;
        for (s, tags) in w.streams.iter().enumerate() {
            let su = r.stream(NS, &format!("s{s}")).unwrap();
            let mine = blobs_of(&|r| r.0 == s);
            let others = blobs_of(&|r| r.0 != s);
            prop_assert_eq!(su.total, w.size(&mine));
            prop_assert_eq!(su.unique, w.size(&mine.difference(&others).copied().collect()));
            prop_assert_eq!(su.unique + su.shared, su.total);
            sum_unique += su.unique;
            sum_total += su.total;
            for (t, items) in tags.iter().enumerate() {
                let tu = su.tag(&format!("t{t}")).unwrap();
                let mine = blobs_of(&|r| (r.0, r.1) == (s, t));
                let others = blobs_of(&|r| (r.0, r.1) != (s, t));
                prop_assert_eq!(tu.total, w.size(&mine));
                prop_assert_eq!(tu.unique, w.size(&mine.difference(&others).copied().collect()));
                prop_assert_eq!(tu.unique + tu.shared, tu.total);
                for p in 0..items.len() {
                    let ru = tu.revision(p).unwrap();
                    let mine = blobs_of(&|r| (r.0, r.1, r.2) == (s, t, p));
                    let others = blobs_of(&|r| (r.0, r.1, r.2) != (s, t, p));
                    prop_assert_eq!(ru.total, w.size(&mine));
                    prop_assert_eq!(ru.unique, w.size(&mine.difference(&others).copied().collect()));
                    prop_assert_eq!(ru.unique + ru.shared, ru.total);
                    prop_assert!(ru.unique <= tu.unique && tu.unique <= su.unique);
                }
            }
        }
        prop_assert!(sum_unique <= r.total);
        prop_assert!(r.total <= sum_total);

        // freed_by: nothing, everything, and a random mix of tags and revisions.
        prop_assert_eq!(acc.freed_by(&Removal::new()), 0);
        let mut everything = Removal::new();
        for s in 0..w.streams.len() {
            everything.stream(NS, &format!("s{s}"));
        }
        prop_assert_eq!(acc.freed_by(&everything), r.total);
        let mut every_tag = Removal::new();
        for (s, tags) in w.streams.iter().enumerate() {
            for t in 0..tags.len() {
                every_tag.tag(NS, &format!("s{s}"), &format!("t{t}"));
            }
        }
        prop_assert_eq!(acc.freed_by(&every_tag), r.total);

        let mut removal = Removal::new();
        let mut gone: BTreeSet<(usize, usize, usize)> = BTreeSet::new();
        let mut bit = removed_mask.iter().cycle();
        for (s, tags) in w.streams.iter().enumerate() {
            for (t, items) in tags.iter().enumerate() {
                if *bit.next().unwrap() && *bit.next().unwrap() {
                    removal.tag(NS, &format!("s{s}"), &format!("t{t}"));
                    gone.extend((0..items.len()).map(|p| (s, t, p)));
                } else {
                    for &i in items {
                        if *bit.next().unwrap() {
                            removal.revision(NS, &format!("s{s}"), &format!("t{t}"), &digest(i));
                            // A revision removal takes every item of the tag with that image.
                            gone.extend(items.iter().enumerate().filter(|(_, j)| **j == i).map(|(q, _)| (s, t, q)));
                        }
                    }
                }
            }
        }
        let kept = blobs_of(&|r| !gone.contains(&(r.0, r.1, r.2)));
        let freed: BTreeSet<usize> = all.difference(&kept).copied().collect();
        prop_assert_eq!(acc.freed_by(&removal), w.size(&freed));
        prop_assert_eq!(freed_by(&streams, &sizes, &removal), w.size(&freed));
    }
}

// ---------------------------------------------------------------------------------------------
// Scale: 10,000 images over 500 streams (DESIGN.md §6 wants well under 1 s of CPU; timing is
// measured by the benchmarks, this only runs it).

#[test]
fn ten_thousand_images_over_five_hundred_streams() {
    let mut streams = Vec::new();
    let mut index = SizeIndex::new();
    let bases: Vec<String> = (0..20).map(|b| format!("sha256:base{b}")).collect();
    let mut n_images = 0;
    for s in 0..500 {
        let name = format!("app{s}");
        let mut blobs = BTreeMap::new();
        let mut images = BTreeMap::new();
        let mut tags: Vec<(String, Vec<String>)> = Vec::new();
        // 20 images per stream: 4 tags × 5 revisions; each image = 3 shared base layers, 1
        // stream-level layer and 4 layers of its own.
        for t in 0..4 {
            let mut history = Vec::new();
            for v in 0..5 {
                let d = format!("sha256:{name}-{t}-{v}");
                let mut layers: Vec<String> = (0..3)
                    .map(|k| bases[(s + k) % bases.len()].clone())
                    .collect();
                layers.push(format!("sha256:{name}-deps"));
                layers.extend((0..4).map(|k| format!("sha256:{d}-l{k}")));
                for l in &layers {
                    let size = if l.starts_with("sha256:base") {
                        500_000
                    } else if l.ends_with("-deps") {
                        2_000_000
                    } else {
                        1_000_000 + i64::from(l.as_bytes()[l.len() - 1] - b'0')
                    };
                    blobs.insert(
                        l.clone(),
                        ImageLayerData {
                            size: Some(size),
                            media_type: String::new(),
                        },
                    );
                }
                images.insert(
                    d.clone(),
                    ImageBlobReferences {
                        layers: Some(layers),
                        ..Default::default()
                    },
                );
                history.push(d);
                n_images += 1;
            }
            tags.push((format!("v{t}"), history));
        }
        // `latest` points at the newest image of v3.
        tags.push(("latest".into(), vec![tags[3].1[0].clone()]));
        let answer = ImageStreamLayers {
            blobs: Some(blobs),
            images: Some(images),
            ..Default::default()
        };
        index.add_layers(&answer);
        for image in images_of(&answer) {
            index.add_image(&image);
        }
        let refs: Vec<Vec<&str>> = tags
            .iter()
            .map(|(_, h)| h.iter().map(String::as_str).collect())
            .collect();
        let tags: Vec<(&str, &[&str])> = tags
            .iter()
            .zip(&refs)
            .map(|((t, _), h)| (t.as_str(), h.as_slice()))
            .collect();
        streams.push(stream(&name, &tags));
    }
    assert_eq!(n_images, 10_000);

    let started = std::time::Instant::now();
    let acc = Accounting::new(&streams, &index);
    let report = acc.report();
    let mut removal = Removal::new();
    for s in 0..500 {
        removal.tag(NS, &format!("app{s}"), "v0");
    }
    let freed = acc.freed_by(&removal);
    eprintln!(
        "accounted {n_images} images over {} streams in {:?}",
        streams.len(),
        started.elapsed()
    );

    assert_eq!(report.images, 10_000);
    assert_eq!(report.streams.len(), 500);
    // Every stream: its deps layer and its 80 own layers are unique; the bases are shared.
    let own = 1_000_000 + 1_000_001 + 1_000_002 + 1_000_003;
    let per_stream_unique: u64 = 2_000_000 + 20 * own;
    assert!(report.streams.iter().all(|s| s.unique == per_stream_unique));
    assert!(
        report
            .streams
            .iter()
            .all(|s| s.total == per_stream_unique + 3 * 500_000)
    );
    assert_eq!(report.total, 500 * per_stream_unique + 20 * 500_000);
    // Removing v0 everywhere frees v0's own layers (the deps layer stays with v1..v3).
    assert_eq!(freed, 500 * 5 * own);
}

// ---------------------------------------------------------------------------------------------
// A real OpenShift 4.13 namespace (recordings/openshift-4.13-layers): the Image objects give
// the truth in `truth-sizes.txt`; the server's `/layers` answers have the right blobs and
// wrong sizes.

#[test]
fn recorded_images_give_the_truth_sizes() {
    let images: Vec<Image> = recorded_items("real-images.json");
    let streams: Vec<ImageStream> = recorded_items("real-imagestreams-myproject.json");
    assert_eq!(images.len(), 37);
    // Every image's Size is its distinct layers plus a config blob of about a kilobyte.
    for i in &images {
        let layers: i64 = i.docker_image_layers.iter().flatten().map(|l| l.size).sum();
        let beyond = i.docker_image_metadata.as_ref().unwrap().size.unwrap() - layers;
        assert!((1000..1300).contains(&beyond), "{}: {beyond}", i.digest());
        assert!(
            i.docker_image_config.is_empty(),
            "the API strips the config"
        );
    }
    let with_config = account(&streams, &SizeIndex::from_images(&images));
    check_against_truth(&with_config, &truth(true));

    // Without config blobs (Size = the layers), the other section of the truth.
    let layers_only: Vec<Image> = images
        .iter()
        .cloned()
        .map(|mut i| {
            let layers = i.docker_image_layers.iter().flatten().map(|l| l.size).sum();
            i.docker_image_metadata.as_mut().unwrap().size = Some(layers);
            i
        })
        .collect();
    let without = account(&streams, &SizeIndex::from_images(&layers_only));
    check_against_truth(&without, &truth(false));
    assert_eq!(with_config.total - without.total, 42_997);
}

/// The images LIST is decoded as `SizedImage` (sizes only, #16): the same recording gives the
/// same truth as the full Images.
#[test]
fn recorded_images_decoded_for_sizes_only_give_the_truth_sizes() {
    let lean: Vec<SizedImage> = recorded_items("real-images.json");
    let streams: Vec<ImageStream> = recorded_items("real-imagestreams-myproject.json");
    let images: Vec<Image> = lean.into_iter().map(SizedImage::into_image).collect();
    assert_eq!(images.len(), 37);
    check_against_truth(
        &account(&streams, &SizeIndex::from_images(&images)),
        &truth(true),
    );
}

#[test]
fn recorded_layers_answers_have_the_right_blobs_and_wrong_sizes() {
    let images: Vec<Image> = recorded_items("real-images.json");
    let streams: Vec<ImageStream> = recorded_items("real-imagestreams-myproject.json");
    let by_digest: BTreeMap<&str, &Image> = images.iter().map(|i| (i.digest(), i)).collect();
    let true_size: BTreeMap<&str, i64> = images
        .iter()
        .flat_map(|i| i.docker_image_layers.iter().flatten())
        .map(|l| (l.name.as_str(), l.size))
        .collect();
    let mut answers: Vec<(String, ImageStreamLayers)> = (1..=6)
        .map(|n| format!("real-layers-myapp-repeat-{n}.json"))
        .chain([
            "real-layers-myapp.json".into(),
            "real-layers-frontend.json".into(),
        ])
        .map(|f| (f.clone(), layers_recording(&f)))
        .collect();
    let mut distinct_myapp = BTreeSet::new();
    for (file, answer) in &mut answers {
        let stream = if file.contains("frontend") {
            "frontend"
        } else {
            "myapp"
        };
        let s = streams.iter().find(|s| s.name() == stream).unwrap();
        let blobs = answer.blobs.clone().unwrap();
        let mut wrong = 0;
        for (digest, refs) in answer.images.iter().flatten() {
            // Membership: exactly the Image's layers and config.
            let image = by_digest[digest.as_str()];
            let layers: Vec<&str> = image
                .docker_image_layers
                .iter()
                .flatten()
                .map(|l| l.name.as_str())
                .collect();
            assert_eq!(
                refs.layers
                    .iter()
                    .flatten()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
                layers,
                "{file} {digest}"
            );
            assert_eq!(
                refs.config.as_deref(),
                image.docker_image_metadata.as_ref().unwrap().id.as_deref()
            );
            assert_eq!(
                blobs[refs.config.as_deref().unwrap()].size,
                None,
                "no config size"
            );
        }
        for (blob, data) in &blobs {
            let Some(said) = data.size else { continue };
            if said != true_size[blob.as_str()] {
                wrong += 1;
                // The bug's shape: the true size of the last layer of an image holding it.
                let explained = s
                    .status_tags()
                    .iter()
                    .flat_map(|t| t.revisions())
                    .map(|r| by_digest[r.image.as_str()])
                    .filter(|i| {
                        i.docker_image_layers
                            .iter()
                            .flatten()
                            .any(|l| &l.name == blob)
                    })
                    .any(|i| i.docker_image_layers.as_ref().unwrap().last().unwrap().size == said);
                assert!(explained, "{file}: {blob} said {said}");
            }
        }
        assert!(wrong > 0, "{file}: the bug shows in every recorded answer");
        if stream == "myapp" {
            distinct_myapp.insert(serde_json::to_string(&blobs).unwrap());
        } else {
            assert_eq!(wrong, 9, "README: 9 of 16 frontend blobs are wrong");
        }
        if file.as_str() == "real-layers-myapp.json" {
            assert_eq!(wrong, 11, "README: 11 of 41 myapp blobs are wrong");
        }
    }
    assert!(
        distinct_myapp.len() > 1,
        "the answer changes from request to request"
    );

    // The tool's index takes nothing from them but membership.
    let mut index = SizeIndex::new();
    for (_, answer) in &answers {
        index.add_layers(answer);
    }
    assert_eq!(account(&streams, &index).total, 0);
    for image in &images {
        index.add_image(image);
    }
    check_against_truth(&account(&streams, &index), &truth(true));
}
