//! `plan::build` on arbitrary small namespaces: a few streams whose tags come from a vocabulary
//! of versions, pre-releases, look-alikes and arbitrary strings, with shared digests, spec-only
//! and status-only tags, references between tags, pins and workloads. Checks the invariants a
//! prune rests on: every tag is decided exactly once; only matched tags with a revision are
//! deleted; the `keep` newest matched tags, pinned, referenced, in-use and young tags are never
//! deleted; trims never touch a deleted tag or a current revision and leave `keep_revisions`;
//! the plan is deterministic and serializes.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use prunetags::model::ImageStream;
use prunetags::plan::{self, Context, KEEP_ANNOTATION, PlanOptions, Reason};
use prunetags::version::{TagKey, TagSelector};
use serde_json::{Value, json};

const NS: &str = "ns";
const VOCABULARY: &[&str] = &[
    "v1.0.0",
    "v1.0.1",
    "v1.2.3",
    "1.2.3",
    "v1.10.0",
    "v1.9.0",
    "v2.0.0-rc.1",
    "v2.0.0-rc.10",
    "v2.0.0",
    "v2.0.0+build.1",
    "v2.0.0+build.2",
    "latest",
    "prod",
    "v1.2",
    "V1.2.3",
    "v01.2.3",
    "release-1.2.3",
    "1.2.3.4",
    "build-9",
    "build-10",
    "vv1.0.0",
    "v1.0.0-",
    "0.0.0",
];
const SELECTORS: &[&str] = &["^v\\d+\\.\\d+\\.\\d+$", "build", ".", "^release-", "^$"];

fn tag_name(u: &mut Unstructured) -> Result<String> {
    if u.ratio(1, 5)? {
        let s: String = u.arbitrary()?;
        Ok(s.chars().take(24).collect())
    } else {
        Ok((*u.choose(VOCABULARY)?).to_owned())
    }
}

fn digest(i: u8) -> String {
    format!("sha256:{:064x}", i % 12)
}

fn streams(u: &mut Unstructured, now: Timestamp) -> Result<Vec<ImageStream>> {
    let n = u.int_in_range(1..=3)?;
    let mut out = Vec::new();
    for s in 0..n {
        let name = format!("s{s}");
        let mut spec = Vec::new();
        let mut status = Vec::new();
        for _ in 0..u.int_in_range(0..=10)? {
            let tag = tag_name(u)?;
            // 0: status only, 1: spec only, 2: both.
            let shape: u8 = u.int_in_range(0..=2)?;
            if shape >= 1 {
                let from = if u.ratio(1, 4)? {
                    json!({"kind": "ImageStreamTag", "name": format!("s{}:{}", u.int_in_range(0..=2)?, tag_name(u)?)})
                } else {
                    json!({"kind": "DockerImage", "name": "quay.io/x/y:1"})
                };
                let annotations = if u.ratio(1, 8)? {
                    json!({ KEEP_ANNOTATION: "true" })
                } else {
                    Value::Null
                };
                spec.push(
                    json!({"name": tag, "from": from, "annotations": annotations, "generation": 1,
                    "importPolicy": {}, "referencePolicy": {"type": "Source"}}),
                );
            }
            if shape != 1 {
                let revs = u.int_in_range(0..=4)?;
                let items: Vec<Value> = (0..revs)
                    .map(|r| -> Result<Value> {
                        let hours: i64 = u.int_in_range(0..=2000)?;
                        let created = now - SignedDuration::from_hours(hours + r as i64);
                        Ok(
                            json!({"created": created.to_string(), "dockerImageReference": "r",
                            "image": digest(u.arbitrary()?), "generation": 1}),
                        )
                    })
                    .collect::<Result<_>>()?;
                let items = if items.is_empty() && u.arbitrary()? {
                    Value::Null
                } else {
                    json!(items)
                };
                status.push(json!({"tag": tag, "items": items}));
            }
        }
        let v = json!({
            "apiVersion": "image.openshift.io/v1", "kind": "ImageStream",
            "metadata": {"name": name, "namespace": NS, "uid": format!("uid-{s}"), "resourceVersion": "1"},
            "spec": {"lookupPolicy": {"local": false}, "tags": spec},
            "status": {"dockerImageRepository": "r", "tags": status}
        });
        out.push(serde_json::from_value(v).expect("a generated stream decodes"));
    }
    Ok(out)
}

fn run(u: &mut Unstructured) -> Result<()> {
    let now: Timestamp = "2024-06-01T12:00:00Z".parse().unwrap();
    let streams = streams(u, now)?;
    let mut opts = PlanOptions::new(u.int_in_range(0..=6)?, now);
    if u.ratio(1, 3)? {
        opts.selector = TagSelector::regex(u.choose(SELECTORS)?).unwrap();
    }
    if u.ratio(1, 3)? {
        opts.keep_younger_than = Some(SignedDuration::from_hours(u.int_in_range(0..=1000)?));
    }
    if u.ratio(1, 3)? {
        opts.keep_revisions = Some(u.int_in_range(0..=3)?);
    }
    opts.ignore_in_use = u.ratio(1, 4)?;
    let mut in_use = BTreeMap::new();
    for _ in 0..u.int_in_range(0..=3)? {
        in_use.insert(digest(u.arbitrary()?), vec!["pod/p".to_owned()]);
    }
    let ctx = Context::new(
        plan::InUse {
            digests: in_use.clone(),
            ..Default::default()
        },
        &streams,
    );
    let plan = plan::build(&streams, &ctx, &opts);
    assert_eq!(plan, plan::build(&streams, &ctx, &opts), "deterministic");
    serde_json::to_string(&plan).expect("the plan serializes");

    for s in &streams {
        let sp = plan.stream(NS, s.name()).expect("every stream is planned");
        let names: BTreeSet<&str> = s
            .status_tags()
            .iter()
            .map(|t| t.tag.as_str())
            .chain(s.spec_tags().iter().map(|t| t.name.as_str()))
            .collect();
        let decided: Vec<&str> = sp.tags.iter().map(|t| t.tag.as_str()).collect();
        assert_eq!(decided.len(), names.len(), "each tag once: {decided:?}");
        assert_eq!(decided.iter().copied().collect::<BTreeSet<_>>(), names);

        // The keep newest matched tags that have a revision.
        let mut candidates: Vec<TagKey> = names
            .iter()
            .filter(|t| s.current(t).is_some())
            .filter_map(|t| opts.selector.key(t))
            .collect();
        candidates.sort_by(|a, b| b.cmp(a));
        let newest: BTreeSet<&str> = candidates.iter().take(opts.keep).map(|k| k.raw()).collect();

        for t in &sp.tags {
            let current = s.current(&t.tag);
            if t.is_delete() {
                assert!(
                    opts.selector.matches(&t.tag),
                    "{} deleted but not matched",
                    t.tag
                );
                assert!(current.is_some(), "{} deleted without a revision", t.tag);
                assert!(
                    !newest.contains(t.tag.as_str()),
                    "{} is among the newest",
                    t.tag
                );
                assert!(t.trim.is_empty(), "{} deleted and trimmed", t.tag);
                assert!(matches!(t.reason(), Some(Reason::Stale { .. })), "{t:?}");
                let spec = s.spec_tags().iter().find(|r| r.name == t.tag);
                let pinned = spec
                    .and_then(|r| r.annotations.as_ref())
                    .is_some_and(|a| a.get(KEEP_ANNOTATION).is_some_and(|v| v == "true"));
                assert!(!pinned, "{} pinned but deleted", t.tag);
                let cur = current.unwrap();
                if !opts.ignore_in_use {
                    assert!(
                        !in_use.contains_key(&cur.image),
                        "{} in use but deleted",
                        t.tag
                    );
                }
                if let Some(limit) = opts.keep_younger_than {
                    let age = now.duration_since(cur.created.0);
                    assert!(age >= limit, "{} young but deleted", t.tag);
                }
                // No spec tag of any stream is tagged from it.
                for other in &streams {
                    for r in other.spec_tags() {
                        if let Some(from) = &r.from
                            && from.kind == "ImageStreamTag"
                            && from.namespace.as_deref().unwrap_or(NS) == NS
                        {
                            let target = format!("{}:{}", s.name(), t.tag);
                            let bare = from.name.starts_with(':') || !from.name.contains(':');
                            if !bare && !(other.name() == s.name() && r.name == t.tag) {
                                assert_ne!(from.name, target, "{target} referenced but deleted");
                            }
                        }
                    }
                }
            }
            if !t.trim.is_empty() {
                let keep_revs = opts
                    .keep_revisions
                    .expect("trims only with --keep-revisions");
                let items = s
                    .status_tags()
                    .iter()
                    .find(|x| x.tag == t.tag)
                    .and_then(|x| x.items.clone())
                    .unwrap_or_default();
                assert!(
                    items.len() - t.trim.len() >= keep_revs.max(1),
                    "{} over-trimmed",
                    t.tag
                );
                assert!(
                    t.trim.iter().all(|r| r.digest != items[0].image
                        || items.iter().skip(1).any(|i| i.image == r.digest)),
                    "{} current revision trimmed",
                    t.tag
                );
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
