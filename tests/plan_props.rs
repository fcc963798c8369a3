//! Properties of the prune planner over random streams, tags, histories and options.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use jiff::SignedDuration;
use proptest::prelude::*;
use prunetags::model::{ImageStream, TagEvent};
use prunetags::plan::{Action, Context, InUse, Plan, PlanOptions, Reason, build, spec_references};
use prunetags::version::{self, Order, TagKey, TagSelector};
use support::*;

const NAMESPACES: [&str; 2] = ["dev", "prod"];
const STREAMS: [&str; 3] = ["web", "api", "db"];

#[derive(Clone, Debug)]
enum SpecKind {
    /// A DockerImage spec tag, optionally with the keep annotation set to this value.
    Plain(Option<&'static str>),
    /// Tagged from `stream:tag`, optionally in an explicit namespace.
    Alias {
        ns: Option<&'static str>,
        stream: &'static str,
        tag: String,
    },
    /// Tagged from `stream@digest`.
    Image { stream: &'static str, digest: u8 },
}

#[derive(Clone, Debug)]
struct TagSpec {
    /// `None`: no status tag; `Some(None)`: `items: null`; otherwise (digest, hours ago).
    status: Option<Option<Vec<(u8, i64)>>>,
    spec: Option<SpecKind>,
}

type StreamsSpec = BTreeMap<(&'static str, &'static str), BTreeMap<String, TagSpec>>;

fn tag_name() -> impl Strategy<Value = String> {
    let version = (
        any::<bool>(),
        0u64..3,
        0u64..12,
        0u64..12,
        prop::option::of(prop::sample::select(vec![
            "rc.1", "rc.2", "rc.10", "alpha", "beta.3",
        ])),
        prop::option::weighted(0.2, prop::sample::select(vec!["b.1", "b.2", "b.10"])),
    )
        .prop_map(|(v, ma, mi, pa, pre, build)| {
            let mut s = format!("{}{ma}.{mi}.{pa}", if v { "v" } else { "" });
            if let Some(p) = pre {
                s.push('-');
                s.push_str(p);
            }
            if let Some(b) = build {
                s.push('+');
                s.push_str(b);
            }
            s
        });
    let other = prop::sample::select(vec![
        "latest",
        "prod",
        "test",
        "1.2",
        "release-1.2.3",
        "v1.2.3.4",
        "build-7",
        "build-10",
        "V1.0.0",
    ])
    .prop_map(String::from);
    prop_oneof![4 => version, 1 => other]
}

fn spec_kind() -> impl Strategy<Value = SpecKind> {
    prop_oneof![
        prop::option::of(prop::sample::select(vec!["true", "TRUE", "false", "yes"]))
            .prop_map(SpecKind::Plain),
        (
            prop::option::of(prop::sample::select(NAMESPACES.to_vec())),
            prop::sample::select(STREAMS.to_vec()),
            tag_name(),
        )
            .prop_map(|(ns, stream, tag)| SpecKind::Alias { ns, stream, tag }),
        (prop::sample::select(STREAMS.to_vec()), 0u8..16)
            .prop_map(|(stream, digest)| SpecKind::Image { stream, digest }),
    ]
}

fn tag_spec() -> impl Strategy<Value = TagSpec> {
    let revs = prop::collection::vec((0u8..16, -5i64..500), 1..6);
    (
        prop::option::weighted(0.9, prop::option::weighted(0.9, revs)),
        prop::option::weighted(0.3, spec_kind()),
    )
        .prop_map(|(status, spec)| TagSpec { status, spec })
}

fn streams_spec() -> impl Strategy<Value = StreamsSpec> {
    prop::collection::btree_map(
        (
            prop::sample::select(NAMESPACES.to_vec()),
            prop::sample::select(STREAMS.to_vec()),
        ),
        prop::collection::btree_map(tag_name(), tag_spec(), 0..14),
        0..5,
    )
}

fn opts() -> impl Strategy<Value = PlanOptions> {
    (
        0usize..6,
        prop::option::of(0i64..300),
        any::<bool>(),
        prop::option::of(0usize..4),
        prop_oneof![
            3 => Just(TagSelector::semver()),
            1 => Just(TagSelector::regex(r"v\d+\.\d+.*").unwrap()),
            1 => Just(TagSelector::regex(r".*(build|rc).*").unwrap()),
            1 => Just(TagSelector::semver().with_order(Order::Created)),
            1 => Just(TagSelector::regex(r".*(build|rc|1).*").unwrap().with_order(Order::Created)),
        ],
    )
        .prop_map(|(keep, young, ignore_in_use, keep_revisions, selector)| {
            let mut o = PlanOptions::new(keep, now());
            o.keep_younger_than = young.map(SignedDuration::from_hours);
            o.ignore_in_use = ignore_in_use;
            o.keep_revisions = keep_revisions;
            o.selector = selector;
            o
        })
}

fn d(i: u8) -> String {
    digest(&format!("d{i}"))
}

fn materialize(spec: &StreamsSpec) -> Vec<ImageStream> {
    spec.iter()
        .map(|((ns, name), tags)| {
            let mut b = stream(ns, name);
            for (tag, t) in tags {
                match &t.status {
                    None => {}
                    Some(None) => b = b.status_tag(tag, None),
                    Some(Some(revs)) => {
                        let items = revs
                            .iter()
                            .enumerate()
                            .map(|(i, (dg, h))| {
                                event(&format!("d{dg}"), ago(*h), (revs.len() - i) as i64)
                            })
                            .collect();
                        b = b.status_tag(tag, Some(items));
                    }
                }
                match &t.spec {
                    None => {}
                    Some(SpecKind::Plain(None)) => {
                        b = b.spec(spec_from(tag, "DockerImage", None, "quay.io/a/b:c"))
                    }
                    Some(SpecKind::Plain(Some(v))) => b = b.pin(tag, v),
                    Some(SpecKind::Alias {
                        ns,
                        stream,
                        tag: to,
                    }) => b = b.alias(tag, *ns, &format!("{stream}:{to}")),
                    Some(SpecKind::Image { stream, digest }) => {
                        b = b.spec(spec_from(
                            tag,
                            "ImageStreamImage",
                            None,
                            &format!("{stream}@{}", d(*digest)),
                        ))
                    }
                }
            }
            b.build()
        })
        .collect()
}

/// An independent oracle for "this tag may not be deleted", from the raw input.
fn protected(
    spec: &StreamsSpec,
    in_use: &BTreeMap<String, Vec<String>>,
    o: &PlanOptions,
    (ns, stream): (&str, &str),
    tag: &str,
    revs: &[TagEvent],
) -> bool {
    let t = &spec[&(ns, stream)][tag];
    if matches!(t.spec, Some(SpecKind::Plain(Some(v))) if v.eq_ignore_ascii_case("true")) {
        return true;
    }
    for ((rns, rstream), tags) in spec {
        for (rtag, rt) in tags {
            match &rt.spec {
                Some(SpecKind::Alias {
                    ns: to_ns,
                    stream: to_stream,
                    tag: to_tag,
                }) => {
                    let to_ns = to_ns.unwrap_or(rns);
                    let is_self = (rns, rstream, rtag.as_str()) == (&ns, &stream, tag);
                    if !is_self && to_ns == ns && *to_stream == stream && to_tag == tag {
                        return true;
                    }
                }
                Some(SpecKind::Image {
                    stream: to_stream,
                    digest,
                }) if *rns == ns
                    && *to_stream == stream
                    && revs.iter().any(|ev| ev.image == d(*digest)) =>
                {
                    return true;
                }
                _ => {}
            }
        }
    }
    if !o.ignore_in_use && revs.iter().any(|ev| in_use.contains_key(&ev.image)) {
        return true;
    }
    if let (Some(limit), Some(cur)) = (o.keep_younger_than, revs.first())
        && o.now.duration_since(cur.created.0) < limit
    {
        return true;
    }
    false
}

/// Whether a spec tag anywhere is tagged from `stream@digest` (in the same namespace).
fn image_referenced(spec: &StreamsSpec, (ns, stream): (&str, &str), digest: &str) -> bool {
    spec.iter().any(|((rns, _), tags)| {
        tags.values().any(|t| {
            matches!(&t.spec, Some(SpecKind::Image { stream: to, digest: dg })
                if *rns == ns && *to == stream && d(*dg) == digest)
        })
    })
}

fn in_use_strategy() -> impl Strategy<Value = BTreeMap<String, Vec<String>>> {
    prop::collection::btree_set(0u8..16, 0..4).prop_map(|set| {
        set.into_iter()
            .map(|i| (d(i), vec![format!("pod/p{i}"), format!("deployment/w{i}")]))
            .collect()
    })
}

fn is_newest(r: Option<&Reason>) -> bool {
    matches!(r, Some(Reason::Newest { .. }))
}

/// Shuffles streams and the order of their tags, deterministically from `seed`.
fn shuffled(streams: &[ImageStream], mut seed: u64) -> Vec<ImageStream> {
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut out: Vec<ImageStream> = streams.to_vec();
    for i in (1..out.len()).rev() {
        let j = next(i + 1);
        out.swap(i, j);
    }
    for s in &mut out {
        if let Some(t) = s.status.tags.as_mut() {
            for i in (1..t.len()).rev() {
                let j = next(i + 1);
                t.swap(i, j);
            }
        }
        if let Some(t) = s.spec.tags.as_mut() {
            t.reverse();
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn plan_properties(
        spec in streams_spec(),
        in_use in in_use_strategy(),
        o in opts(),
        seed in 1u64..,
    ) {
        let streams = materialize(&spec);
        let ctx = Context { in_use: InUse { digests: in_use.clone(), ..Default::default() }, references: spec_references(&streams) };
        let plan = build(&streams, &ctx, &o);

        // Deterministic, also for shuffled input.
        prop_assert_eq!(&build(&streams, &ctx, &o), &plan);
        let shuffled = shuffled(&streams, seed);
        let ctx2 = Context { in_use: InUse { digests: in_use.clone(), ..Default::default() }, references: spec_references(&shuffled) };
        prop_assert_eq!(&build(&shuffled, &ctx2, &o), &plan);

        // JSON round trip.
        let back: Plan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
        prop_assert_eq!(&back, &plan);

        prop_assert_eq!(plan.stream_count(), streams.len());
        // Order: streams by (namespace, name); matched tags newest first, then others by name.
        let order: Vec<(&str, &str)> = plan.streams.iter()
            .map(|s| (s.namespace.as_str(), s.name.as_str())).collect();
        let mut sorted_order = order.clone();
        sorted_order.sort();
        prop_assert_eq!(order, sorted_order);
        for sp in plan.streams.iter().filter(|_| o.selector.order == Order::Semver) {
            let keys: Vec<(bool, Option<TagKey>, &str)> = sp.tags.iter()
                .map(|t| { let k = o.selector.key(&t.tag); (k.is_none(), k, t.tag.as_str()) })
                .collect();
            for w in keys.windows(2) {
                let ok = match (&w[0], &w[1]) {
                    ((false, Some(a), _), (false, Some(b), _)) => a > b,
                    ((false, _, _), (true, _, _)) => true,
                    ((true, _, a), (true, _, b)) => a < b,
                    _ => false,
                };
                prop_assert!(ok, "tag order: {} before {}", w[0].2, w[1].2);
            }
        }
        for s in &streams {
            let (ns, name) = (s.namespace(), s.name());
            let sp = plan.stream(ns, name).expect("every stream is planned");
            let tag_names: BTreeSet<&str> = s.status_tags().iter().map(|t| t.tag.as_str())
                .chain(s.spec_tags().iter().map(|t| t.name.as_str())).collect();
            let planned: Vec<&str> = sp.tags.iter().map(|t| t.tag.as_str()).collect();
            prop_assert_eq!(planned.len(), tag_names.len(), "every tag exactly once");
            prop_assert_eq!(planned.iter().copied().collect::<BTreeSet<_>>(), tag_names);

            // The candidates: matched status tags with at least one revision.
            let cands: Vec<&str> = s.status_tags().iter()
                .filter(|t| !t.revisions().is_empty() && o.selector.matches(&t.tag))
                .map(|t| t.tag.as_str())
                .collect();
            let cand: BTreeSet<&str> = cands.iter().copied().collect();
            let revs_of = |tag: &str| s.status_tag(tag).map(|t| t.revisions()).unwrap_or_default();
            let deleted: BTreeSet<&str> = sp.deletions().map(|t| t.tag.as_str()).collect();
            let expected = expected_deletions(&cands, &o, |t| revs_of(t),
                |t| protected(&spec, &in_use, &o, (ns, name), t, revs_of(t)));

            // Never outside the matched set; never protected.
            for t in &deleted {
                prop_assert!(cand.contains(t), "{t} deleted but not a candidate");
                prop_assert!(!protected(&spec, &in_use, &o, (ns, name), t, revs_of(t)),
                    "{t} deleted but protected");
            }
            prop_assert_eq!(&deleted, &expected);
            // One version's names share one fate.
            if o.selector.order == Order::Semver {
                for a in &cands {
                    for b in &cands {
                        if slot(a) == slot(b) {
                            prop_assert_eq!(deleted.contains(a), deleted.contains(b),
                                "{} and {} are one version", a, b);
                        }
                    }
                }
            }
            // Keeps at least min(N, releases) releases.
            let releases: BTreeSet<String> = cands.iter()
                .filter(|t| !is_prerelease(t, &o)).map(|t| slot(t)).collect();
            let kept_releases: BTreeSet<String> = cands.iter()
                .filter(|t| !is_prerelease(t, &o) && !deleted.contains(*t)).map(|t| slot(t)).collect();
            prop_assert!(kept_releases.len() >= o.keep.min(releases.len()));
            let newest: BTreeSet<String> = sp.tags.iter()
                .filter(|t| is_newest(t.reasons.first())).map(|t| slot(&t.tag)).collect();
            prop_assert_eq!(newest.len(), o.keep.min(releases.len()));
            // Under semver order, every deleted version is older than every newest-kept one.
            if o.selector.order == Order::Semver {
                for t in &deleted {
                    let k = version::parse(t).unwrap();
                    for n in sp.tags.iter().filter(|t| is_newest(t.reasons.first())) {
                        let nk = version::parse(&n.tag).unwrap();
                        prop_assert!(k.cmp_precedence(&nk).is_lt(), "{t} deleted but not older than kept {}", n.tag);
                    }
                }
            }

            for t in &sp.tags {
                prop_assert!(!t.reasons.is_empty());
                if t.is_delete() {
                    let only_stale = matches!(t.reasons.as_slice(),
                        [Reason::Stale { .. } | Reason::StalePreRelease { .. }]);
                    prop_assert!(only_stale, "deleted {} with {:?}", t.tag, t.reasons);
                    prop_assert!(t.trim.is_empty());
                }
                let revs = revs_of(&t.tag);
                prop_assert_eq!(t.revisions, revs.len());
                prop_assert_eq!(t.digest.as_deref(), revs.first().map(|e| e.image.as_str()));
                // Trims: only with keep_revisions, never the current revision, never below
                // keep_revisions, and in history order from the items beyond it.
                match o.keep_revisions {
                    None => prop_assert!(t.trim.is_empty()),
                    Some(n) => {
                        let from = n.max(1);
                        prop_assert!(revs.len() - t.trim.len() >= from.min(revs.len()));
                        let tail = revs.get(from..).unwrap_or_default();
                        let mut it = tail.iter();
                        for tr in &t.trim {
                            prop_assert!(
                                it.any(|e| e.image == tr.digest && e.created.0 == tr.created
                                    && e.generation == tr.generation),
                                "trim {:?} not in the history beyond {from}", tr);
                            if !o.ignore_in_use {
                                prop_assert!(!in_use.contains_key(&tr.digest));
                            }
                            if let Some(limit) = o.keep_younger_than {
                                prop_assert!(o.now.duration_since(tr.created) >= limit);
                            }
                            prop_assert!(!image_referenced(&spec, (ns, name), &tr.digest),
                                "trimmed {} is referenced by an ImageStreamImage", tr.digest);
                        }
                        if let Some(cur) = revs.first() {
                            prop_assert!(!t.trim.iter().any(|tr| tr.created == cur.created.0
                                && tr.digest == cur.image && tr.generation == cur.generation));
                        }
                    }
                }
                if t.action == Action::Keep && !t.trim.is_empty() {
                    prop_assert!(o.keep_revisions.is_some());
                }
            }
        }
        prop_assert_eq!(plan.delete_count(), plan.deletions().count());
        prop_assert_eq!(plan.is_empty(), plan.delete_count() == 0 && plan.trim_count() == 0);
    }
}

/// The slot a candidate takes: its version without build metadata, or its name.
fn slot(tag: &str) -> String {
    match version::parse(tag) {
        Some(mut v) => {
            v.build = semver::BuildMetadata::EMPTY;
            format!("v {v}")
        }
        None => format!("n {tag}"),
    }
}

fn is_prerelease(tag: &str, o: &PlanOptions) -> bool {
    o.selector.order == Order::Semver && version::parse(tag).is_some_and(|v| !v.pre.is_empty())
}

/// An independent model of the slot rules (issue #11): one slot per version, pre-releases
/// take none and are kept when newer than the oldest kept release; a version's names share
/// one fate; a protected name keeps its whole version.
fn expected_deletions<'a>(
    cands: &[&'a str],
    o: &PlanOptions,
    revs_of: impl Fn(&str) -> &'a [TagEvent],
    protected: impl Fn(&str) -> bool,
) -> BTreeSet<&'a str> {
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for t in cands {
        groups.entry(slot(t)).or_default().push(t);
    }
    let mut groups: Vec<Vec<&str>> = groups.into_values().collect();
    let newest_time = |g: &Vec<&str>| {
        g.iter()
            .filter_map(|t| revs_of(t).first().map(|e| e.created.0))
            .max()
    };
    let best = |g: &Vec<&str>| g.iter().map(|t| TagKey::of(t)).max().unwrap();
    match o.selector.order {
        Order::Semver => groups.sort_by_key(|g| std::cmp::Reverse(best(g))),
        Order::Created => groups.sort_by(|a, b| {
            newest_time(b)
                .cmp(&newest_time(a))
                .then(best(b).cmp(&best(a)))
        }),
    }
    let releases: Vec<&Vec<&str>> = groups.iter().filter(|g| !is_prerelease(g[0], o)).collect();
    // Only pre-releases (semver order) look at it, and then every candidate is a version.
    let oldest_kept: Option<semver::Version> = (o.keep > 0 && releases.len() >= o.keep)
        .then(|| version::parse(releases[o.keep - 1][0]))
        .flatten();
    let mut out = BTreeSet::new();
    let mut rank = 0;
    for g in &groups {
        let stale = if is_prerelease(g[0], o) {
            let v = version::parse(g[0]).unwrap();
            if o.keep == 0 {
                true
            } else if releases.len() < o.keep {
                false
            } else {
                v.cmp_precedence(oldest_kept.as_ref().unwrap()).is_lt()
            }
        } else {
            rank += 1;
            rank > o.keep
        };
        if stale && !g.iter().any(|t| protected(t)) {
            out.extend(g.iter().copied());
        }
    }
    out
}
