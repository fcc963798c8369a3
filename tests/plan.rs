//! Example-based tests of the prune planner.

mod support;

use std::collections::BTreeMap;

use jiff::SignedDuration;
use prunetags::model::ImageStream;
use prunetags::plan::{
    self, Action, Context, InUse, Plan, PlanOptions, Reason, StreamPlan, TrimmedRevision, build,
    spec_references,
};
use prunetags::version::{Order, TagSelector};
use support::*;

fn opts(keep: usize) -> PlanOptions {
    PlanOptions::new(keep, now())
}

fn names<'a>(tags: impl Iterator<Item = &'a plan::TagDecision>) -> Vec<&'a str> {
    tags.map(|t| t.tag.as_str()).collect()
}

fn deleted(s: &StreamPlan) -> Vec<&str> {
    names(s.tags.iter().filter(|t| t.action == Action::Delete))
}

fn kept_newest(s: &StreamPlan) -> Vec<&str> {
    names(
        s.tags
            .iter()
            .filter(|t| matches!(t.reason(), Some(Reason::Newest { .. }))),
    )
}

fn not_matched(s: &StreamPlan) -> Vec<&str> {
    names(
        s.tags
            .iter()
            .filter(|t| t.reason() == Some(&Reason::NotMatched)),
    )
}

/// A stream whose tags all have one revision; creation times deliberately do not follow the
/// version order (the plan orders by version, not by time).
fn flat(tags: &[&str]) -> ImageStream {
    let mut b = stream("ns", "app");
    for (i, t) in tags.iter().enumerate() {
        b = b.tag1(t, 1000 + ((i as i64 * 37) % 11));
    }
    b.build()
}

#[test]
fn tricky_tag_sets() {
    struct Case {
        name: &'static str,
        tags: &'static [&'static str],
        keep: usize,
        newest: &'static [&'static str],
        delete: &'static [&'static str],
        not_matched: &'static [&'static str],
    }
    let cases = [
        Case {
            name: "pre-releases by precedence",
            tags: &[
                "v2.0.0-rc.1",
                "v2.0.0",
                "v2.0.0-rc.10",
                "v1.9.9",
                "v2.0.0-rc.2",
            ],
            keep: 2,
            // Pre-releases take no slot; these are newer than v1.9.9, the oldest kept.
            newest: &["v2.0.0", "v1.9.9"],
            delete: &[],
            not_matched: &[],
        },
        Case {
            name: "pre-releases older than the oldest kept release are stale",
            tags: &["v2.0.0", "v1.9.9", "v1.9.9-rc.1", "v1.8.0-rc.3", "v1.8.0"],
            keep: 2,
            newest: &["v2.0.0", "v1.9.9"],
            delete: &["v1.9.9-rc.1", "v1.8.0", "v1.8.0-rc.3"],
            not_matched: &[],
        },
        Case {
            name: "sort -V's mistake: rc.1 before its release",
            tags: &["v2.0.0", "v2.0.0-rc.1"],
            keep: 1,
            newest: &["v2.0.0"],
            delete: &["v2.0.0-rc.1"],
            not_matched: &[],
        },
        Case {
            name: "only pre-releases: fewer releases than --keep, all kept",
            tags: &["v3.0.0-rc.10", "v3.0.0-rc.2", "v3.0.0-rc.9"],
            keep: 1,
            newest: &[],
            delete: &[],
            not_matched: &[],
        },
        Case {
            name: "one version under several names (build metadata) takes one slot",
            tags: &["v1.0.0+b.10", "v1.0.0+b.2", "v1.0.1", "v0.9.0", "v1.0.0"],
            keep: 2,
            newest: &["v1.0.1", "v1.0.0+b.10", "v1.0.0+b.2", "v1.0.0"],
            delete: &["v0.9.0"],
            not_matched: &[],
        },
        Case {
            name: "v and no v mixed",
            tags: &["v1.0.0", "1.1.0", "v1.2.0", "1.3.0"],
            keep: 2,
            newest: &["1.3.0", "v1.2.0"],
            delete: &["1.1.0", "v1.0.0"],
            not_matched: &[],
        },
        Case {
            name: "non-versions are never candidates",
            tags: &[
                "1.2",
                "release-1.2.3",
                "latest",
                "v1.2.3.4",
                "v1.0.0",
                "v1.1.0",
                "prod",
            ],
            keep: 1,
            newest: &["v1.1.0"],
            delete: &["v1.0.0"],
            not_matched: &["1.2", "latest", "prod", "release-1.2.3", "v1.2.3.4"],
        },
        Case {
            name: "1.10 after 1.9",
            tags: &["v1.9.0", "v1.10.0", "v1.2.0", "v1.11.0-rc.1"],
            keep: 2,
            newest: &["v1.10.0", "v1.9.0"],
            delete: &["v1.2.0"],
            not_matched: &[],
        },
        Case {
            name: "v1.0.0 and 1.0.0 are one version: one slot",
            tags: &["1.0.0", "v1.0.0", "v0.1.0"],
            keep: 1,
            newest: &["v1.0.0", "1.0.0"],
            delete: &["v0.1.0"],
            not_matched: &[],
        },
        Case {
            name: "keep 0 deletes every version",
            tags: &["v1.0.0", "v1.0.1", "latest"],
            keep: 0,
            newest: &[],
            delete: &["v1.0.1", "v1.0.0"],
            not_matched: &["latest"],
        },
        Case {
            name: "keep more than the set",
            tags: &["v1.0.0", "v1.0.1", "latest"],
            keep: 10,
            newest: &["v1.0.1", "v1.0.0"],
            delete: &[],
            not_matched: &["latest"],
        },
        Case {
            name: "no versions at all",
            tags: &["latest", "prod", "test"],
            keep: 1,
            newest: &[],
            delete: &[],
            not_matched: &["latest", "prod", "test"],
        },
        Case {
            name: "empty stream",
            tags: &[],
            keep: 3,
            newest: &[],
            delete: &[],
            not_matched: &[],
        },
    ];
    for c in cases {
        let p = build(&[flat(c.tags)], &Context::default(), &opts(c.keep));
        let s = &p.streams[0];
        assert_eq!(kept_newest(s), c.newest, "{}: newest", c.name);
        assert_eq!(deleted(s), c.delete, "{}: deleted", c.name);
        assert_eq!(not_matched(s), c.not_matched, "{}: not matched", c.name);
        assert_eq!(s.tags.len(), c.tags.len(), "{}: every tag reported", c.name);
        assert_eq!(p.delete_count(), c.delete.len(), "{}", c.name);
    }
}

/// The seed's stream: v2.0.1…v2.0.12, v2.1.0…v2.1.8 and `latest`, pushed in version order.
fn seed_stream() -> ImageStream {
    let mut versions: Vec<String> = (1..=12).map(|p| format!("v2.0.{p}")).collect();
    versions.extend((0..=8).map(|p| format!("v2.1.{p}")));
    let mut b = stream("mynamespace", "myapp");
    // Oldest first: v2.0.1 was pushed 400 hours ago, one release every 12 hours.
    let n = versions.len() as i64;
    for (i, v) in versions.iter().enumerate() {
        b = b.tag1(v, 6 + (n - 1 - i as i64) * 12);
    }
    b = b.tag("latest", &[("myapp:v2.1.8", 5), ("myapp:v2.1.7", 17)]);
    b.build()
}

#[test]
fn seed_case_keep_5() {
    let p = build(&[seed_stream()], &Context::default(), &opts(5));
    let s = &p.streams[0];
    let expected_deleted: Vec<String> = (1..=12)
        .map(|p| format!("v2.0.{p}"))
        .chain((0..=3).map(|p| format!("v2.1.{p}")))
        .collect();
    let mut got: Vec<&str> = p.deletions().map(|(_, t, _)| t).collect();
    got.reverse(); // plan order is newest first; the seed printed oldest first
    assert_eq!(got, expected_deleted);
    assert_eq!(p.delete_count(), 16);
    assert_eq!(
        kept_newest(s),
        ["v2.1.8", "v2.1.7", "v2.1.6", "v2.1.5", "v2.1.4"]
    );
    assert_eq!(
        names(s.tags.iter().filter(|t| t.action == Action::Keep)),
        ["v2.1.8", "v2.1.7", "v2.1.6", "v2.1.5", "v2.1.4", "latest"]
    );
    assert_eq!(
        s.tag("v2.1.6").unwrap().reasons,
        [Reason::Newest { rank: 3, of: 21 }]
    );
    assert_eq!(
        s.tag("v2.1.3").unwrap().reasons,
        [Reason::Stale { rank: 6, of: 21 }]
    );
    assert_eq!(s.tag("latest").unwrap().reasons, [Reason::NotMatched]);
    // Deletions carry the current digest, for the re-check before DELETE.
    for (st, tag, digest) in p.deletions() {
        assert_eq!(st.name, "myapp");
        assert_eq!(digest, support::digest(&format!("myapp:{tag}")));
    }
    assert_eq!(p.stream_count(), 1);
    assert!(!p.is_empty());
}

#[test]
fn seed_case_json_snapshot_and_round_trip() {
    let p = build(&[seed_stream()], &Context::default(), &opts(5));
    insta::assert_json_snapshot!("seed_keep_5", p);
    let json = serde_json::to_string_pretty(&p).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let yaml = serde_yaml::to_string(&p).unwrap();
    let back: Plan = serde_yaml::from_str(&yaml).unwrap();
    assert_eq!(back, p);
}

#[test]
fn keep_is_per_stream_not_across_streams() {
    let mk = |name: &str| {
        let mut b = stream("ns", name);
        for i in 0..10 {
            b = b.tag1(&format!("v1.0.{i}"), 500 - i);
        }
        b.build()
    };
    let p = build(&[mk("b"), mk("a")], &Context::default(), &opts(3));
    assert_eq!(p.stream_count(), 2);
    assert_eq!(p.streams[0].name, "a");
    assert_eq!(p.streams[1].name, "b");
    for s in &p.streams {
        assert_eq!(kept_newest(s), ["v1.0.9", "v1.0.8", "v1.0.7"], "{}", s.name);
        assert_eq!(s.delete_count(), 7);
    }
    assert_eq!(p.delete_count(), 14);
    assert_eq!(p.keep_count(), 6);
}

#[test]
fn younger_than_protects_beyond_newest() {
    let s = stream("ns", "app")
        .tag1("v1.0.0", 2) // re-pushed two hours ago
        .tag1("v1.1.0", 200)
        .tag1("v1.2.0", 100)
        .tag1("v1.3.0", 95)
        .build();
    let mut o = opts(1);
    o.keep_younger_than = Some(SignedDuration::from_hours(96));
    let p = build(&[s], &Context::default(), &o);
    let s = &p.streams[0];
    assert_eq!(deleted(s), ["v1.2.0", "v1.1.0"]);
    let limit = SignedDuration::from_hours(96);
    assert_eq!(
        s.tag("v1.0.0").unwrap().reasons,
        [Reason::YoungerThan {
            age: SignedDuration::from_hours(2),
            limit
        }]
    );
    // The newest also reports its age protection, after Newest.
    assert_eq!(
        s.tag("v1.3.0").unwrap().reasons,
        [
            Reason::Newest { rank: 1, of: 4 },
            Reason::YoungerThan {
                age: SignedDuration::from_hours(95),
                limit
            }
        ]
    );
    assert_eq!(
        s.tag("v1.0.0").unwrap().reasons[0].to_string(),
        "younger than 96h (2h old)"
    );
}

#[test]
fn younger_than_boundaries() {
    // Exactly as old as the limit is not younger; a revision from the future is.
    let s = stream("ns", "app")
        .tag1("v1.0.0", 96)
        .tag1("v1.1.0", -3)
        .tag1("v1.2.0", 500)
        .build();
    let mut o = opts(0);
    o.keep_younger_than = Some(SignedDuration::from_hours(96));
    let p = build(std::slice::from_ref(&s), &Context::default(), &o);
    assert_eq!(deleted(&p.streams[0]), ["v1.2.0", "v1.0.0"]);
    assert_eq!(
        p.streams[0].tag("v1.1.0").unwrap().reasons,
        [Reason::YoungerThan {
            age: SignedDuration::from_hours(-3),
            limit: SignedDuration::from_hours(96)
        }]
    );
    // Zero disables the protection except for the future.
    o.keep_younger_than = Some(SignedDuration::ZERO);
    let p = build(&[s], &Context::default(), &o);
    assert_eq!(deleted(&p.streams[0]), ["v1.2.0", "v1.0.0"]);
}

#[test]
fn in_use_in_an_older_revision_protects() {
    let s = stream("ns", "app")
        .tag("v1.0.0", &[("new", 300), ("old", 400)])
        .tag1("v1.1.0", 200)
        .tag1("v1.2.0", 100)
        .build();
    let ctx = Context {
        in_use: InUse {
            digests: BTreeMap::from([(
                digest("old"),
                vec!["pod/web-1".to_string(), "deployment/web".to_string()],
            )]),
            ..Default::default()
        },
        ..Default::default()
    };
    let p = build(std::slice::from_ref(&s), &ctx, &opts(1));
    let st = &p.streams[0];
    assert_eq!(deleted(st), ["v1.1.0"]);
    let v100 = st.tag("v1.0.0").unwrap();
    assert_eq!(v100.action, Action::Keep);
    assert_eq!(
        v100.reasons,
        [Reason::InUse {
            by: vec!["deployment/web".into(), "pod/web-1".into()]
        }]
    );
    assert_eq!(
        v100.reasons[0].to_string(),
        "in use by deployment/web, pod/web-1"
    );
    assert_eq!(v100.digest.as_deref(), Some(digest("new").as_str()));
    assert_eq!(v100.revisions, 2);

    let mut o = opts(1);
    o.ignore_in_use = true;
    let p = build(&[s], &ctx, &o);
    assert_eq!(deleted(&p.streams[0]), ["v1.1.0", "v1.0.0"]);
}

#[test]
fn referenced_by_spec_tags() {
    let myapp = stream("dev", "myapp")
        .tag1("v1.0.0", 900)
        .tag1("v1.0.1", 800)
        .tag1("v1.0.2", 700)
        .tag1("v1.0.3", 600)
        .tag1("v1.0.4", 500)
        .tag("v1.0.5", &[("v105-new", 400), ("v105-old", 450)])
        .tag1("v1.0.6", 300)
        .tag1("v1.0.7", 200)
        .tag1("v1.1.0", 100)
        // `prod` tagged from myapp:v1.0.1 in the same stream.
        .alias("prod", None, "myapp:v1.0.1")
        .tag("prod", &[("myapp:v1.0.1", 800)])
        // An empty stream part means this stream.
        .alias("qa", None, ":v1.0.6")
        .build();
    // Same namespace, another stream.
    let other = stream("dev", "other")
        .alias("stable", None, "myapp:v1.0.2")
        .build();
    // Another namespace, explicit namespace.
    let deploy = stream("prod-ns", "deploy")
        .alias("live", Some("dev"), "myapp:v1.0.3")
        .build();
    // Another namespace without an explicit namespace: refers to elsewhere/myapp, not dev/myapp.
    let elsewhere = stream("elsewhere", "x")
        .alias("y", None, "myapp:v1.0.4")
        .build();
    // An ImageStreamImage reference to an older revision of v1.0.5.
    let pinned_image = stream("dev", "release")
        .spec(spec_from(
            "golden",
            "ImageStreamImage",
            None,
            &format!("myapp@{}", digest("v105-old")),
        ))
        .build();
    let all = [myapp.clone(), other, deploy, elsewhere, pinned_image];
    let ctx = Context {
        references: spec_references(&all),
        ..Default::default()
    };
    // Plan only myapp: the references still come from every stream.
    let p = build(&[myapp], &ctx, &opts(1));
    let s = &p.streams[0];
    let by = |tag: &str| s.tag(tag).unwrap().reasons.clone();
    let referenced = |v: &[&str]| Reason::ReferencedBy {
        by: v.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(by("v1.0.1"), [referenced(&["prod"])]);
    assert_eq!(by("v1.0.2"), [referenced(&["other:stable"])]);
    assert_eq!(by("v1.0.3"), [referenced(&["prod-ns/deploy:live"])]);
    assert_eq!(by("v1.0.5"), [referenced(&["release:golden"])]);
    assert_eq!(by("v1.0.6"), [referenced(&["qa"])]);
    assert_eq!(deleted(s), ["v1.0.7", "v1.0.4", "v1.0.0"]);
    assert_eq!(by("v1.0.1")[0].to_string(), "referenced by prod");
    // Spec-only `qa` (nothing imported) and `prod` are not candidates.
    assert_eq!(by("qa"), [Reason::NotMatched]);
    assert_eq!(by("prod"), [Reason::NotMatched]);
}

#[test]
fn spec_references_parsing() {
    let s = stream("ns", "a")
        .alias("l", None, "b") // bare name: this stream's tag b (parseFromReference)
        .alias("self", None, "a:self") // self-reference: ignored
        .spec(spec_from(
            "img-bare",
            "ImageStreamImage",
            None,
            "no-at-sign",
        )) // this stream's id
        .spec(spec_from(
            "docker",
            "DockerImage",
            None,
            "quay.io/x/a:v1.0.0", // host ignored, as oc adm prune images does
        ))
        .alias("x", Some(""), "c:v1") // empty namespace: this one
        .build();
    let r = spec_references(&[s]);
    let keys: Vec<String> = r
        .tags
        .keys()
        .map(|k| format!("{}/{}:{}", k.namespace, k.stream, k.tag))
        .collect();
    assert_eq!(keys, ["ns/a:b", "ns/c:v1", "x/a:v1.0.0"]);
    let images: Vec<String> = r
        .images
        .keys()
        .map(|k| format!("{}/{}@{}", k.namespace, k.stream, k.digest))
        .collect();
    assert_eq!(images, ["ns/a@no-at-sign"]);
}

#[test]
fn pinned_annotation() {
    let s = stream("ns", "app")
        .tag1("v1.0.0", 900)
        .tag1("v1.1.0", 800)
        .tag1("v1.2.0", 700)
        .tag1("v1.3.0", 600)
        .pin("v1.0.0", "true")
        .pin("v1.1.0", "True")
        .pin("v1.2.0", "false")
        .build();
    let p = build(&[s], &Context::default(), &opts(1));
    let s = &p.streams[0];
    assert_eq!(deleted(s), ["v1.2.0"]);
    assert_eq!(s.tag("v1.0.0").unwrap().reasons, [Reason::Pinned]);
    assert_eq!(s.tag("v1.1.0").unwrap().reasons, [Reason::Pinned]);
    assert!(s.tag("v1.0.0").unwrap().is_protected());
    assert_eq!(
        Reason::Pinned.to_string(),
        "pinned (prunetags.openshift.io/keep=true)"
    );
}

#[test]
fn protected_older_tags_are_kept_in_addition_to_newest() {
    // v1.0.9 (the newest) in use does not make room for a sixth version, and an old pinned
    // tag does not push a newer one out.
    let mut b = stream("ns", "app");
    for i in 0..10 {
        b = b.tag1(&format!("v1.0.{i}"), 1000 - i * 10);
    }
    let s = b.pin("v1.0.0", "true").build();
    let ctx = Context {
        in_use: InUse {
            digests: BTreeMap::from([(digest("app:v1.0.9"), vec!["pod/p".to_string()])]),
            ..Default::default()
        },
        ..Default::default()
    };
    let p = build(&[s], &ctx, &opts(5));
    let s = &p.streams[0];
    assert_eq!(
        kept_newest(s),
        ["v1.0.9", "v1.0.8", "v1.0.7", "v1.0.6", "v1.0.5"]
    );
    assert_eq!(deleted(s), ["v1.0.4", "v1.0.3", "v1.0.2", "v1.0.1"]);
    assert_eq!(
        s.tag("v1.0.9").unwrap().reasons,
        [
            Reason::Newest { rank: 1, of: 10 },
            Reason::InUse {
                by: vec!["pod/p".into()]
            }
        ]
    );
    assert_eq!(s.tag("v1.0.0").unwrap().reasons, [Reason::Pinned]);
}

#[test]
fn null_items_and_spec_only_tags() {
    let s = stream("ns", "app")
        .status_tag("v9.0.0", None) // items: null
        .status_tag("v8.0.0", Some(vec![]))
        .tag1("v1.0.0", 10)
        .tag1("v0.9.0", 20)
        .alias("v10.0.0", None, "other:v10.0.0") // spec only, nothing imported yet
        .build();
    let p = build(&[s], &Context::default(), &opts(1));
    let s = &p.streams[0];
    assert_eq!(
        names(s.tags.iter()),
        ["v10.0.0", "v9.0.0", "v8.0.0", "v1.0.0", "v0.9.0"]
    );
    for t in ["v10.0.0", "v9.0.0", "v8.0.0"] {
        let d = s.tag(t).unwrap();
        assert_eq!(d.reasons, [Reason::NoRevisions], "{t}");
        assert_eq!(d.revisions, 0);
        assert_eq!(d.digest, None);
        assert_eq!(d.created, None);
    }
    // Tags without revisions do not take a place among the newest.
    assert_eq!(
        s.tag("v1.0.0").unwrap().reasons,
        [Reason::Newest { rank: 1, of: 2 }]
    );
    assert_eq!(deleted(s), ["v0.9.0"]);

    // A stream with null spec and status tags.
    let empty: ImageStream = serde_json::from_str(
        r#"{"metadata":{"name":"e","namespace":"ns"},"spec":{"tags":null},"status":{"dockerImageRepository":"","tags":null}}"#,
    )
    .unwrap();
    let p = build(&[empty], &Context::default(), &opts(1));
    assert_eq!(p.stream_count(), 1);
    assert!(p.streams[0].tags.is_empty());
    assert!(p.is_empty());
    assert!(build(&[], &Context::default(), &opts(1)).streams.is_empty());
}

#[test]
fn regex_selector() {
    let s = stream("ns", "app")
        .tag1("build-9", 30)
        .tag1("build-10", 20)
        .tag1("build-11", 10)
        .tag1("latest", 1)
        .tag1("v1.0.0", 5)
        .build();
    let mut o = opts(1);
    // By version order the pattern only narrows versions: no build-N is a candidate.
    o.selector = TagSelector::regex(r"build-\d+").unwrap();
    let p = build(std::slice::from_ref(&s), &Context::default(), &o);
    assert_eq!(p.delete_count(), 0);
    assert_eq!(
        p.streams[0].tag("build-9").unwrap().reasons,
        [Reason::NotAVersion]
    );
    // By time, every matched tag is one (newest first).
    o.selector = o.selector.with_order(Order::Created);
    let p = build(&[s], &Context::default(), &o);
    let s = &p.streams[0];
    assert_eq!(
        names(s.tags.iter()),
        ["build-11", "build-10", "build-9", "latest", "v1.0.0"]
    );
    assert_eq!(deleted(s), ["build-10", "build-9"]);
    assert_eq!(s.tag("v1.0.0").unwrap().reasons, [Reason::NotMatched]);
    assert_eq!(s.tag("v1.0.0").unwrap().version.as_deref(), Some("1.0.0"));
}

#[test]
fn revision_trimming_96h_3_revisions() {
    let s = stream("ns", "app")
        // Kept (not matched): ages 1, 50, 100, 120, 200, 300 hours.
        .tag(
            "latest",
            &[
                ("l0", 1),
                ("l1", 50),
                ("l2", 100),
                ("l3", 120),
                ("l4", 200),
                ("l5", 300),
            ],
        )
        // Kept (newest): item 3 is 40 h old, younger than 96 h, so only item 4 goes.
        .tag(
            "v2.0.0",
            &[("a0", 10), ("a1", 20), ("a2", 30), ("a3", 40), ("a4", 200)],
        )
        // Kept (newest): item 3 is in use, item 4 is not.
        .tag(
            "v1.0.0",
            &[
                ("b0", 500),
                ("b1", 510),
                ("b2", 520),
                ("b3", 530),
                ("b4", 540),
            ],
        )
        // Deleted: a deleted tag is not trimmed.
        .tag(
            "v0.1.0",
            &[("c0", 600), ("c1", 610), ("c2", 620), ("c3", 630)],
        )
        // Three revisions or fewer: nothing to trim.
        .tag("prod", &[("p0", 700), ("p1", 710), ("p2", 720)])
        .build();
    let ctx = Context {
        in_use: InUse {
            digests: BTreeMap::from([(digest("b3"), vec!["pod/x".to_string()])]),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut o = opts(2);
    o.keep_younger_than = Some(SignedDuration::from_hours(96));
    o.keep_revisions = Some(3);
    let p = build(std::slice::from_ref(&s), &ctx, &o);
    let st = &p.streams[0];
    let trims = |tag: &str| -> Vec<TrimmedRevision> { st.tag(tag).unwrap().trim.clone() };
    let tr = |seed: &str, h: i64, generation: i64| TrimmedRevision {
        digest: digest(seed),
        created: ago(h),
        generation,
    };
    assert_eq!(
        trims("latest"),
        [tr("l3", 120, 3), tr("l4", 200, 2), tr("l5", 300, 1)]
    );
    assert_eq!(trims("v2.0.0"), [tr("a4", 200, 1)]);
    assert_eq!(trims("v1.0.0"), [tr("b4", 540, 1)]);
    assert_eq!(trims("v0.1.0"), []);
    assert_eq!(st.tag("v0.1.0").unwrap().action, Action::Delete);
    assert_eq!(trims("prod"), []);
    assert_eq!(p.trim_count(), 5);
    assert_eq!(p.trims().count(), 5);

    // keep_revisions 0 still never trims the current revision.
    let mut o = opts(10);
    o.keep_revisions = Some(0);
    let p = build(&[s], &Context::default(), &o);
    let st = &p.streams[0];
    assert_eq!(
        st.tag("prod").unwrap().trim,
        [tr("p1", 710, 2), tr("p2", 720, 1)]
    );
    assert_eq!(st.tag("latest").unwrap().trim.len(), 5);
    assert!(p.deletions().next().is_none());
    assert!(!p.is_empty());
}

#[test]
fn reason_display() {
    let cases = [
        (Reason::NotMatched, "not matched"),
        (Reason::NoRevisions, "no revisions"),
        (Reason::Newest { rank: 3, of: 21 }, "newest 3 of 21"),
        (Reason::Stale { rank: 6, of: 21 }, "stale (6 of 21)"),
        (
            Reason::InUse {
                by: vec!["pod/web-1".into()],
            },
            "in use by pod/web-1",
        ),
        (
            Reason::InUse {
                by: (1..=5).map(|i| format!("pod/p{i}")).collect(),
            },
            "in use by pod/p1, pod/p2, pod/p3 and 2 more",
        ),
        (
            Reason::ReferencedBy {
                by: vec!["prod".into(), "other:stable".into()],
            },
            "referenced by prod, other:stable",
        ),
        (
            Reason::YoungerThan {
                age: SignedDuration::from_secs(3 * 3600 + 12 * 60 + 7),
                limit: SignedDuration::from_hours(168),
            },
            "younger than 7d (3h12m old)",
        ),
    ];
    for (r, s) in cases {
        assert_eq!(r.to_string(), s);
    }
}

#[test]
fn reason_json_shape() {
    let v = serde_json::to_value([
        Reason::Newest { rank: 1, of: 2 },
        Reason::Pinned,
        Reason::YoungerThan {
            age: SignedDuration::from_hours(2),
            limit: SignedDuration::from_hours(96),
        },
    ])
    .unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"kind": "newest", "rank": 1, "of": 2},
            {"kind": "pinned"},
            {"kind": "youngerThan", "age": "PT2H", "limit": "PT96H"},
        ])
    );
}

#[test]
fn recorded_imagestreams_plan() {
    // The recorded list from a real 4.13 server plans without surprises.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/openshift-4.13/102-list-imagestreams-myproject.json"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let streams: Vec<ImageStream> = serde_json::from_value(v["items"].clone()).unwrap();
    assert!(!streams.is_empty());
    let ctx = Context::new(InUse::default(), &streams);
    let p = build(&streams, &ctx, &opts(0));
    for s in &p.streams {
        for t in &s.tags {
            assert!(!t.reasons.is_empty());
            if t.is_delete() {
                assert!(t.version.is_some(), "{}:{}", s.name, t.tag);
            }
        }
    }
    let back: Plan = serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
    assert_eq!(back, p);
}

#[test]
fn durations() {
    assert_eq!(
        plan::parse_duration("96h"),
        Ok(SignedDuration::from_hours(96))
    );
    assert!(plan::parse_duration("-5m").is_err());
}

#[test]
fn one_version_shares_one_fate_and_protection() {
    // v1.2.3 is pinned; 1.2.3 is the same version, so it stays too, and says why.
    let s = stream("ns", "app")
        .tag1("v1.3.0", 10)
        .tag1("1.2.3", 20)
        .tag1("v1.2.3+b.6", 21)
        .pin("v1.2.3+b.6", "true")
        .tag1("v1.1.0", 30)
        .build();
    let p = build(&[s], &Context::default(), &opts(1));
    let s = &p.streams[0];
    assert_eq!(deleted(s), ["v1.1.0"]);
    assert_eq!(
        s.tag("1.2.3").unwrap().reasons,
        [Reason::SameVersion {
            as_tag: "v1.2.3+b.6".into()
        }]
    );
    assert_eq!(s.tag("v1.2.3+b.6").unwrap().reasons, [Reason::Pinned]);
    assert_eq!(
        s.tag("1.2.3").unwrap().reason().unwrap().to_string(),
        "same version as v1.2.3+b.6"
    );
}

#[test]
fn pre_releases_take_no_slot() {
    let s = flat(&["v2.1.0-rc.1", "v2.0.0", "v1.0.0", "v1.0.0-rc.2", "v0.9.0"]);
    let p = build(&[s], &Context::default(), &opts(2));
    let s = &p.streams[0];
    assert_eq!(deleted(s), ["v1.0.0-rc.2", "v0.9.0"]);
    assert_eq!(
        s.tag("v2.1.0-rc.1").unwrap().reasons,
        [Reason::PreRelease {
            newer_than: Some("v1.0.0".into())
        }]
    );
    assert_eq!(
        s.tag("v1.0.0-rc.2").unwrap().reason().unwrap().to_string(),
        "stale pre-release (older than v1.0.0)"
    );
    assert_eq!(
        s.tag("v1.0.0").unwrap().reasons,
        [Reason::Newest { rank: 2, of: 3 }]
    );
}

#[test]
fn stream_annotation_pins_pushed_tags() {
    let mut s = flat(&["v3.0.0", "v2.0.0", "v1.0.0"]);
    s.metadata.annotations = Some(BTreeMap::from([(
        plan::PINNED_ANNOTATION.to_owned(),
        " v1.0.0 ,nope".to_owned(),
    )]));
    let p = build(&[s], &Context::default(), &opts(1));
    assert_eq!(deleted(&p.streams[0]), ["v2.0.0"]);
    assert_eq!(
        p.streams[0].tag("v1.0.0").unwrap().reasons,
        [Reason::Pinned]
    );
}

#[test]
fn order_created_prunes_build_tags_by_time() {
    let s = stream("ns", "app")
        .tag1("pr-99", 50)
        .tag1("pr-100", 5)
        .tag1("pr-7", 1)
        .tag1("pr-12", 30)
        .tag1("latest", 1)
        .build();
    let mut o = opts(2);
    o.selector = TagSelector::regex(r"pr-\d+")
        .unwrap()
        .with_order(Order::Created);
    let p = build(&[s], &Context::default(), &o);
    let s = &p.streams[0];
    // Newest by time: pr-7 (1h), pr-100 (5h); then pr-12, pr-99.
    assert_eq!(kept_newest(s), ["pr-7", "pr-100"]);
    assert_eq!(deleted(s), ["pr-12", "pr-99"]);
    assert_eq!(s.tag("latest").unwrap().reasons, [Reason::NotMatched]);
}
