//! Seeded scenarios: deterministic data relative to the start time.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::store::{REGISTRY, Store, add_event, time};
use crate::model::{
    DockerImageMetadata, Image, ImageLayer, ImageManifest, ObjectMeta, ObjectReference, TagEvent,
    TagImportPolicy, TagReference, TagReferencePolicy,
};

/// Which data the simulator starts with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scenario {
    /// The seed's `myapp` (v2.0.1 … v2.1.8 + latest), `frontend` and `python` in `mynamespace`,
    /// and `myapp` in `otherproject`.
    #[default]
    Seed,
    /// `streams` generated streams `app-0000…` in `large`, each with `tags` tags (semver + latest)
    /// of `revisions` revisions.
    Large {
        streams: usize,
        tags: usize,
        revisions: usize,
    },
    /// A platform's cluster: `namespaces` namespaces `team-000…`, each with `streams` streams
    /// `app-00…` of `tags` tags (semver + latest) of `revisions` revisions. Layers are shared
    /// the way a cluster's images share them: every image sits on one of a few base images
    /// (OS + runtime layer sets, the same digests cluster-wide), then a dependency layer shared
    /// by one stream's revisions, then its own application layer.
    Platform {
        namespaces: usize,
        streams: usize,
        tags: usize,
        revisions: usize,
    },
    /// Namespace `default`, nothing in it.
    Empty,
}

impl Scenario {
    /// `seed`, `empty`, `large` (= `large:500:40:5`), `large:S:T:R`, `platform`
    /// (= `platform:100:50:10:5`) or `platform:N:S:T:R`.
    pub fn parse(s: &str) -> Result<Scenario, String> {
        let parts: Vec<&str> = s.split(':').collect();
        match parts.as_slice() {
            ["seed"] => Ok(Scenario::Seed),
            ["empty"] => Ok(Scenario::Empty),
            ["large"] => Ok(Scenario::Large {
                streams: 500,
                tags: 40,
                revisions: 5,
            }),
            ["platform"] => Ok(Scenario::Platform {
                namespaces: 100,
                streams: 50,
                tags: 10,
                revisions: 5,
            }),
            ["platform", a, b, c, d] => Ok(Scenario::Platform {
                namespaces: positive(s, a, "namespaces")?,
                streams: positive(s, b, "streams")?,
                tags: positive(s, c, "tags")?,
                revisions: positive(s, d, "revisions")?,
            }),
            ["large", a, b, c] => {
                let n = |x: &str, what: &str| positive(s, x, what);
                Ok(Scenario::Large {
                    streams: n(a, "streams")?,
                    tags: n(b, "tags")?,
                    revisions: n(c, "revisions")?,
                })
            }
            _ => Err(format!(
                "unknown scenario {s:?} (expected seed, empty, large, large:STREAMS:TAGS:REVISIONS, platform or platform:NAMESPACES:STREAMS:TAGS:REVISIONS)"
            )),
        }
    }

    /// The namespace the scenario's data lives in (the kubeconfig's default).
    pub fn namespace(&self) -> &'static str {
        match self {
            Scenario::Seed => "mynamespace",
            Scenario::Large { .. } => "large",
            Scenario::Platform { .. } => "team-000",
            Scenario::Empty => "default",
        }
    }

    /// Fills a store with the scenario's data, with timestamps relative to `now`.
    pub fn build(&self, store: &mut Store, now: Timestamp, seed: u64) {
        match self {
            Scenario::Seed => build_seed(store, now),
            Scenario::Large {
                streams,
                tags,
                revisions,
            } => build_large(store, now, *streams, *tags, *revisions, seed),
            Scenario::Platform {
                namespaces,
                streams,
                tags,
                revisions,
            } => build_platform(store, now, (*namespaces, *streams, *tags, *revisions), seed),
            Scenario::Empty => store.ensure_namespace("default"),
        }
    }
}

fn positive(scenario: &str, x: &str, what: &str) -> Result<usize, String> {
    x.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("scenario {scenario:?}: {what} must be a positive integer"))
}

/// `sha256:` + hex sha256 of a string.
pub fn sha_digest(s: &str) -> String {
    format!("sha256:{}", sha_hex(s))
}

pub fn sha_hex(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 64 hex characters derived cheaply from a number (for large generated data).
pub fn fast_hex(n: u64) -> String {
    let mut out = String::with_capacity(64);
    let mut x = n;
    for _ in 0..4 {
        x = splitmix(x);
        out.push_str(&format!("{x:016x}"));
    }
    out
}

const LAYER_MT: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
const MANIFEST_MT: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// Builds an Image from (digest, config id, layers).
pub fn make_image(
    digest: &str,
    reference: &str,
    config: &str,
    layers: Vec<(String, i64)>,
    created: Timestamp,
) -> Image {
    let size: i64 = layers.iter().map(|(_, s)| s).sum();
    Image {
        metadata: ObjectMeta {
            name: Some(digest.to_owned()),
            annotations: Some(
                [("openshift.io/image.managed".to_owned(), "true".to_owned())]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        },
        docker_image_reference: reference.to_owned(),
        docker_image_metadata: Some(DockerImageMetadata {
            kind: Some("DockerImage".into()),
            api_version: Some("image.openshift.io/1.0".into()),
            id: Some(config.to_owned()),
            created: Some(time(created)),
            architecture: Some("amd64".into()),
            size: Some(size),
            other: Default::default(),
        }),
        docker_image_metadata_version: "1.0".into(),
        docker_image_layers: Some(
            layers
                .into_iter()
                .map(|(name, size)| ImageLayer {
                    name,
                    size,
                    media_type: LAYER_MT.into(),
                })
                .collect(),
        ),
        docker_image_manifest_media_type: MANIFEST_MT.into(),
        ..Default::default()
    }
}

fn spec_tag(name: &str, kind: &str, from: &str, reference: bool, generation: i64) -> TagReference {
    TagReference {
        name: name.into(),
        annotations: None,
        from: Some(ObjectReference {
            kind: kind.into(),
            namespace: None,
            name: from.into(),
        }),
        reference,
        generation: Some(generation),
        import_policy: TagImportPolicy {
            import_mode: Some("Legacy".into()),
            ..Default::default()
        },
        reference_policy: TagReferencePolicy {
            type_: "Source".into(),
        },
    }
}

fn ago(now: Timestamp, hours: f64) -> Timestamp {
    now - SignedDuration::from_secs_f64(hours * 3600.0)
}

/// Records a revision in the store: the image (inserted once) and the tag event.
fn record(
    store: &mut Store,
    ns: &str,
    stream: &str,
    tag: &str,
    image: &Image,
    at: Timestamp,
    generation: i64,
) {
    store.insert_image(image.clone(), at);
    if let Some(s) = store.streams.get_mut(&(ns.to_owned(), stream.to_owned())) {
        add_event(
            s,
            tag,
            TagEvent {
                created: time(at),
                docker_image_reference: image.docker_image_reference.clone(),
                image: image.digest().to_owned(),
                generation,
            },
        );
    }
}

fn app_image(
    ns: &str,
    stream: &str,
    tag: &str,
    rev: usize,
    minor_layer: &str,
    extra: bool,
    at: Timestamp,
) -> Image {
    let key = format!("{ns}/{stream}:{tag}#{rev}");
    let digest = sha_digest(&format!("manifest {key}"));
    let mut layers = vec![
        (sha_digest("layer ubi9-base"), 39_358_021),
        (sha_digest("layer runtime-openjdk17"), 61_204_577),
        (
            sha_digest(&format!("layer deps {stream} {minor_layer}")),
            18_442_133,
        ),
    ];
    if extra {
        layers.push((
            sha_digest(&format!("layer assets {stream} {minor_layer}")),
            4_118_907,
        ));
    }
    let top =
        1_000_000 + (u64::from_str_radix(&sha_hex(&key)[..6], 16).unwrap_or(0) % 4_000_000) as i64;
    layers.push((sha_digest(&format!("layer app {key}")), top));
    let reference = format!("{REGISTRY}/{ns}/{stream}@{digest}");
    let mut img = make_image(
        &digest,
        &reference,
        &sha_digest(&format!("config {key}")),
        layers,
        at,
    );
    if let Some(md) = img.docker_image_metadata.as_mut() {
        md.other.insert(
            "Config".into(),
            json!({"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", format!("APP_VERSION={tag}")],
                   "Labels": {"io.openshift.build.name": format!("{stream}-{tag}"), "version": tag}}),
        );
    }
    img
}

fn build_seed(store: &mut Store, now: Timestamp) {
    let ns = "mynamespace";
    store.ensure_namespace(ns);
    // myapp: v2.0.1 … v2.0.12, v2.1.0 … v2.1.8, latest.
    let mut tags: Vec<(String, f64)> = Vec::new();
    for p in 1..=12 {
        // Spread over the previous weeks: v2.0.1 ~ 60 days ago, v2.0.12 ~ 16 days ago.
        tags.push((format!("v2.0.{p}"), 24.0 * (60.0 - 4.0 * (p as f64 - 1.0))));
    }
    for (p, hours) in [
        (0, 24.0 * 12.0),
        (1, 24.0 * 10.0),
        (2, 24.0 * 8.0),
        (3, 24.0 * 6.0),
        (4, 24.0 * 4.0 + 3.0),
        (5, 24.0 * 4.0),
        (6, 25.0),
        (7, 22.0),
        (8, 6.0),
    ] {
        tags.push((format!("v2.1.{p}"), hours));
    }
    let created = ago(now, 24.0 * 61.0);
    store.create_stream_at(ns, "myapp", &[("application", "myapp")], created);
    let mut latest: Vec<(Image, Timestamp)> = Vec::new();
    for (tag, hours) in &tags {
        let minor = if tag.starts_with("v2.0.") {
            "2.0"
        } else {
            "2.1"
        };
        let extra = minor == "2.1";
        let at = ago(now, *hours);
        // v2.0.5 and v2.1.2 were rebuilt a day after their first build.
        let rebuilt = tag == "v2.0.5" || tag == "v2.1.2";
        let first = app_image(ns, "myapp", tag, 0, minor, extra, at);
        record(store, ns, "myapp", tag, &first, at, 1);
        latest.push((first, at));
        if rebuilt {
            let at2 = ago(now, hours - 20.0);
            let second = app_image(ns, "myapp", tag, 1, minor, extra, at2);
            record(store, ns, "myapp", tag, &second, at2, 1);
        }
    }
    // latest: previous = v2.1.7's image (22 h), current = v2.1.8's image (5 h).
    let n = latest.len();
    record(
        store,
        ns,
        "myapp",
        "latest",
        &latest[n - 2].0,
        ago(now, 22.0),
        1,
    );
    record(
        store,
        ns,
        "myapp",
        "latest",
        &latest[n - 1].0,
        ago(now, 5.0),
        1,
    );

    // frontend: v1.0.0 … v1.4.0, v1.5.0-rc.1; prod ← v1.1.0, test ← v1.4.0.
    store.create_stream_at(
        ns,
        "frontend",
        &[("application", "frontend")],
        ago(now, 24.0 * 40.0),
    );
    let fe = [
        ("v1.0.0", 24.0 * 35.0),
        ("v1.1.0", 24.0 * 28.0),
        ("v1.2.0", 24.0 * 20.0),
        ("v1.3.0", 24.0 * 9.0),
        ("v1.4.0", 24.0 * 2.0),
        ("v1.5.0-rc.1", 3.0),
    ];
    let mut fe_images = Vec::new();
    for (tag, hours) in fe {
        let at = ago(now, hours);
        let img = app_image(ns, "frontend", tag, 0, "1", false, at);
        record(store, ns, "frontend", tag, &img, at, 1);
        fe_images.push((tag, img, at));
    }
    if let Some(s) = store
        .streams
        .get_mut(&(ns.to_owned(), "frontend".to_owned()))
    {
        s.metadata.generation = Some(3);
        s.spec.tags = Some(vec![
            spec_tag("prod", "ImageStreamTag", "frontend:v1.1.0", false, 2),
            spec_tag("test", "ImageStreamTag", "frontend:v1.4.0", false, 3),
        ]);
    }
    let (_, prod_img, prod_at) = &fe_images[1];
    record(
        store,
        ns,
        "frontend",
        "prod",
        prod_img,
        *prod_at + SignedDuration::from_hours(1),
        2,
    );
    let (_, test_img, test_at) = &fe_images[4];
    record(
        store,
        ns,
        "frontend",
        "test",
        test_img,
        *test_at + SignedDuration::from_hours(1),
        3,
    );

    // python: 3.8 and 3.8-ubi8 imported from registry.redhat.io (3 revisions each), latest ← 3.8-ubi8.
    store.create_stream_at(ns, "python", &[], ago(now, 24.0 * 90.0));
    if let Some(s) = store.streams.get_mut(&(ns.to_owned(), "python".to_owned())) {
        s.metadata.generation = Some(2);
        let mut t38 = spec_tag(
            "3.8",
            "DockerImage",
            "registry.redhat.io/ubi8/python-38:latest",
            false,
            2,
        );
        t38.import_policy.scheduled = true;
        let mut t38u = spec_tag(
            "3.8-ubi8",
            "DockerImage",
            "registry.redhat.io/ubi8/python-38:latest",
            false,
            2,
        );
        t38u.import_policy.scheduled = true;
        s.spec.tags = Some(vec![
            t38,
            t38u,
            spec_tag("latest", "ImageStreamTag", "python:3.8-ubi8", false, 2),
        ]);
    }
    for (rev, days) in [(0usize, 80.0), (1, 45.0), (2, 7.0)] {
        let at = ago(now, 24.0 * days);
        let key = format!("python-38 build {rev}");
        let digest = sha_digest(&format!("manifest {key}"));
        let reference = format!("registry.redhat.io/ubi8/python-38@{digest}");
        let layers = vec![
            (sha_digest("layer ubi8-base"), 39_500_211),
            (sha_digest(&format!("layer python38 {rev}")), 101_338_442),
            (sha_digest(&format!("layer python38-s2i {rev}")), 20_117_003),
        ];
        let mut img = make_image(
            &digest,
            &reference,
            &sha_digest(&format!("config {key}")),
            layers,
            at,
        );
        if rev == 2 {
            // The newest import is a manifest list with two platform images.
            let mut children = Vec::new();
            for arch in ["amd64", "arm64"] {
                let cd = sha_digest(&format!("manifest {key} {arch}"));
                let child = make_image(
                    &cd,
                    &format!("registry.redhat.io/ubi8/python-38@{cd}"),
                    &sha_digest(&format!("config {key} {arch}")),
                    vec![
                        (sha_digest(&format!("layer ubi8-base {arch}")), 39_500_211),
                        (
                            sha_digest(&format!("layer python38 {rev} {arch}")),
                            101_338_442,
                        ),
                    ],
                    at,
                );
                store.insert_image(child, at);
                children.push(ImageManifest {
                    digest: cd,
                    media_type: MANIFEST_MT.into(),
                    manifest_size: 1_234,
                    architecture: arch.into(),
                    os: "linux".into(),
                    variant: (arch == "arm64").then(|| "v8".into()),
                });
            }
            img.docker_image_manifests = Some(children);
            img.docker_image_manifest_media_type =
                "application/vnd.docker.distribution.manifest.list.v2+json".into();
        }
        record(store, ns, "python", "3.8", &img, at, 2);
        record(store, ns, "python", "3.8-ubi8", &img, at, 2);
        record(store, ns, "python", "latest", &img, at, 2);
    }

    // otherproject/myapp: one tag, for -A.
    let ons = "otherproject";
    store.create_stream_at(
        ons,
        "myapp",
        &[("application", "myapp")],
        ago(now, 24.0 * 3.0),
    );
    let at = ago(now, 24.0 * 2.0);
    let img = app_image(ons, "myapp", "v2.1.8", 0, "2.1", true, at);
    record(store, ons, "myapp", "v2.1.8", &img, at, 1);
    bump_versions(store);
}

/// Gives every stream a fresh resourceVersion after building (as if written last).
fn bump_versions(store: &mut Store) {
    let keys: Vec<(String, String)> = store.streams.keys().cloned().collect();
    for k in keys {
        let rv = store.next_rv();
        if let Some(s) = store.streams.get_mut(&k) {
            s.metadata.resource_version = Some(rv);
        }
    }
}

fn large_tag_names(tags: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(tags);
    let semver = tags.saturating_sub(1);
    for i in 0..semver {
        let (minor, patch) = (i / 10, i % 10);
        if i % 7 == 6 {
            out.push(format!("v1.{minor}.{patch}-rc.1"));
        } else {
            out.push(format!("v1.{minor}.{patch}"));
        }
    }
    out.push("latest".into());
    out
}

fn build_large(
    store: &mut Store,
    now: Timestamp,
    streams: usize,
    tags: usize,
    revisions: usize,
    seed: u64,
) {
    let ns = "large";
    store.ensure_namespace(ns);
    let names = large_tag_names(tags);
    let global: Vec<String> = (0..4u64)
        .map(|i| format!("sha256:{}", fast_hex(seed ^ (0xba5e_0000 + i))))
        .collect();
    for si in 0..streams {
        let stream = format!("app-{si:04}");
        let sseed = splitmix(seed ^ (si as u64).wrapping_mul(0x1000_0001));
        store.create_stream_at(
            ns,
            &stream,
            &[("application", &stream)],
            ago(now, 24.0 * 400.0),
        );
        let shared: Vec<String> = (0..2u64)
            .map(|i| format!("sha256:{}", fast_hex(sseed ^ (0x5ba0 + i))))
            .collect();
        let semver = names.len() - 1;
        let mut newest: Vec<(Image, Timestamp)> = Vec::new();
        for (ti, tag) in names.iter().enumerate().take(semver) {
            // Tag ti was first built (semver - ti) * 5 days ago; revisions a day apart.
            let base_hours = ((semver - ti) as f64) * 24.0 * 5.0;
            for r in 0..revisions {
                let n = splitmix(sseed ^ ((ti as u64) << 20) ^ (r as u64));
                let digest = format!("sha256:{}", fast_hex(n));
                let at = ago(now, base_hours - r as f64 * 24.0 + 1.0);
                let layers = vec![
                    (
                        global[(n % 4) as usize].clone(),
                        30_000_000 + (n % 4) as i64 * 7_000_000,
                    ),
                    (shared[0].clone(), 20_000_000 + (sseed % 1_000_000) as i64),
                    (shared[1].clone(), 5_000_000 + (sseed % 500_000) as i64),
                    (
                        format!("sha256:{}", fast_hex(n ^ 0x70b)),
                        1_000_000 + (n % 3_000_000) as i64,
                    ),
                ];
                let reference = format!("{REGISTRY}/{ns}/{stream}@{digest}");
                let img = make_image(
                    &digest,
                    &reference,
                    &format!("sha256:{}", fast_hex(n ^ 0xc0f)),
                    layers,
                    at,
                );
                record(store, ns, &stream, tag, &img, at, 1);
                if r + 1 == revisions {
                    newest.push((img, at));
                }
            }
        }
        // latest: the newest images of the last `revisions` tags.
        let k = newest.len().saturating_sub(revisions);
        for (img, at) in newest[k..].iter() {
            record(
                store,
                ns,
                &stream,
                "latest",
                img,
                *at + SignedDuration::from_mins(10),
                1,
            );
        }
    }
    bump_versions(store);
}

/// The base images of [`Scenario::Platform`]: (OS layer, runtime layer) sizes; a cluster's
/// images sit on a handful of them (ubi8/ubi9 minimal, with Java, Node.js, Python runtimes).
const PLATFORM_BASES: [(i64, i64); 5] = [
    (39_000_000, 0),
    (39_000_000, 120_000_000),
    (39_000_000, 60_000_000),
    (37_000_000, 45_000_000),
    (37_000_000, 130_000_000),
];

fn build_platform(
    store: &mut Store,
    now: Timestamp,
    (namespaces, streams, tags, revisions): (usize, usize, usize, usize),
    seed: u64,
) {
    let names = large_tag_names(tags);
    // Cluster-wide: the same OS and runtime layer digests under every namespace that uses them.
    let bases: Vec<Vec<(String, i64)>> = PLATFORM_BASES
        .iter()
        .enumerate()
        .map(|(b, &(os, runtime))| {
            let digest = |part: u64| {
                format!(
                    "sha256:{}",
                    fast_hex(seed ^ (0xba5e_0000 + b as u64 * 2 + part))
                )
            };
            let mut layers = vec![(digest(0), os)];
            if runtime > 0 {
                layers.push((digest(1), runtime));
            }
            layers
        })
        .collect();
    for ni in 0..namespaces {
        let ns = format!("team-{ni:03}");
        store.ensure_namespace(&ns);
        for si in 0..streams {
            let stream = format!("app-{si:02}");
            let sseed =
                splitmix(seed ^ ((ni as u64) << 32) ^ (si as u64).wrapping_mul(0x1000_0001));
            store.create_stream_at(
                &ns,
                &stream,
                &[("application", &stream)],
                ago(now, 24.0 * 400.0),
            );
            let base = &bases[(sseed % bases.len() as u64) as usize];
            // One stream's builds share their dependencies layer.
            let deps = (
                format!("sha256:{}", fast_hex(sseed ^ 0xde95)),
                10_000_000 + (sseed % 20_000_000) as i64,
            );
            let semver = names.len() - 1;
            let mut newest: Vec<(Image, Timestamp)> = Vec::new();
            for (ti, tag) in names.iter().enumerate().take(semver) {
                // As `large`: tag ti first built (semver - ti) * 5 days ago, revisions a day apart.
                let base_hours = ((semver - ti) as f64) * 24.0 * 5.0;
                for r in 0..revisions {
                    let n = splitmix(sseed ^ ((ti as u64) << 20) ^ (r as u64));
                    let digest = format!("sha256:{}", fast_hex(n));
                    let at = ago(now, base_hours - r as f64 * 24.0 + 1.0);
                    let mut layers = base.clone();
                    layers.push(deps.clone());
                    layers.push((
                        format!("sha256:{}", fast_hex(n ^ 0x70b)),
                        1_000_000 + (n % 3_000_000) as i64,
                    ));
                    let reference = format!("{REGISTRY}/{ns}/{stream}@{digest}");
                    let config = format!("sha256:{}", fast_hex(n ^ 0xc0f));
                    let img = make_image(&digest, &reference, &config, layers, at);
                    record(store, &ns, &stream, tag, &img, at, 1);
                    if r + 1 == revisions {
                        newest.push((img, at));
                    }
                }
            }
            // latest: the newest image of the newest semver tag.
            if let Some((img, at)) = newest.last() {
                record(
                    store,
                    &ns,
                    &stream,
                    "latest",
                    img,
                    *at + SignedDuration::from_mins(10),
                    1,
                );
            }
        }
    }
    bump_versions(store);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_scenarios() {
        assert_eq!(Scenario::parse("seed").unwrap(), Scenario::Seed);
        assert_eq!(Scenario::parse("empty").unwrap(), Scenario::Empty);
        assert_eq!(
            Scenario::parse("large:2:3:4").unwrap(),
            Scenario::Large {
                streams: 2,
                tags: 3,
                revisions: 4
            }
        );
        assert!(Scenario::parse("large:0:1:1").is_err());
        assert!(Scenario::parse("nope").is_err());
        assert_eq!(Scenario::Seed.namespace(), "mynamespace");
    }

    #[test]
    fn seed_has_the_blog_tags() {
        let mut st = Store::new();
        Scenario::Seed.build(&mut st, Timestamp::now(), 1);
        let tags = st.tag_names("mynamespace", "myapp");
        assert_eq!(tags.len(), 22);
        assert!(tags.contains(&"latest".to_string()));
        let is = st
            .streams
            .get(&("mynamespace".into(), "myapp".into()))
            .unwrap();
        assert_eq!(is.status_tag("latest").unwrap().revisions().len(), 2);
        assert_eq!(
            is.current("latest").unwrap().image,
            is.current("v2.1.8").unwrap().image
        );
        assert_eq!(is.status_tag("v2.0.5").unwrap().revisions().len(), 2);
        let fe = st.tag_names("mynamespace", "frontend");
        assert_eq!(fe.len(), 8);
        assert_eq!(st.image_streams("mynamespace").len(), 3);
        assert_eq!(st.image_streams("otherproject").len(), 1);
    }

    /// The platform's shape: namespaces × streams × tags × revisions, and layers shared as base
    /// images are: a few base layer sets cluster-wide, a dependency layer per stream, an
    /// application layer per image.
    #[test]
    fn platform_shares_base_layers_across_namespaces_and_app_layers_within_a_stream() {
        use std::collections::{BTreeMap, BTreeSet};
        assert_eq!(
            Scenario::parse("platform:3:4:5:2").unwrap(),
            Scenario::Platform {
                namespaces: 3,
                streams: 4,
                tags: 5,
                revisions: 2
            }
        );
        assert!(Scenario::parse("platform:3:0:5:2").is_err());
        assert!(Scenario::parse("platform:3:4:5").is_err());
        let mut st = Store::new();
        Scenario::parse("platform:6:8:5:3")
            .unwrap()
            .build(&mut st, Timestamp::now(), 11);
        assert_eq!(Scenario::parse("platform").unwrap().namespace(), "team-000");
        // For each layer: the namespaces, the streams and the number of images it is under.
        type Spread = (BTreeSet<String>, BTreeSet<String>, usize);
        let mut under: BTreeMap<String, Spread> = BTreeMap::new();
        let mut images = 0;
        for ni in 0..6 {
            let ns = format!("team-{ni:03}");
            let streams = st.image_streams(&ns);
            assert_eq!(streams.len(), 8, "{ns}");
            for is in &streams {
                let tags = st.tag_names(&ns, is.name());
                assert_eq!(tags.len(), 5, "{ns}/{}: 4 versions and latest", is.name());
                assert_eq!(is.status_tag("v1.0.0").unwrap().revisions().len(), 3);
                for t in is.status_tags().iter().filter(|t| t.tag != "latest") {
                    for rev in t.revisions() {
                        images += 1;
                        let image = st.get_image(&rev.image).expect("each revision's image");
                        assert!(rev.docker_image_reference.contains(&format!("/{ns}/")));
                        for l in image.docker_image_layers.as_deref().unwrap_or_default() {
                            let e = under.entry(l.name.clone()).or_default();
                            e.0.insert(ns.clone());
                            e.1.insert(format!("{ns}/{}", is.name()));
                            e.2 += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(images, 6 * 8 * 4 * 3);
        let count = |f: &dyn Fn(&Spread) -> bool| under.values().filter(|s| f(s)).count();
        // Base images: at most 9 layers (5 OS + runtime sets), each across several namespaces.
        let base = count(&|s| s.0.len() > 1);
        assert!(
            (2..=9).contains(&base),
            "{base} layers shared across namespaces"
        );
        // A dependency layer per stream, under its 12 images only.
        let deps = count(&|s| s.1.len() == 1 && s.2 == 12);
        assert_eq!(deps, 6 * 8);
        // An application layer per image.
        let app = count(&|s| s.2 == 1);
        assert_eq!(app, images);
        assert_eq!(under.len(), base + deps + app, "no other kind of layer");
    }

    #[test]
    fn large_builds_quickly() {
        let t0 = std::time::Instant::now();
        let mut st = Store::new();
        Scenario::Large {
            streams: 500,
            tags: 40,
            revisions: 5,
        }
        .build(&mut st, Timestamp::now(), 7);
        let took = t0.elapsed();
        assert_eq!(st.image_streams("large").len(), 500);
        assert_eq!(st.tag_names("large", "app-0000").len(), 40);
        let s = &st.image_streams("large")[0];
        assert_eq!(s.status_tag("v1.0.0").unwrap().revisions().len(), 5);
        assert!(took.as_secs_f64() < 10.0, "took {took:?}");
    }
}
