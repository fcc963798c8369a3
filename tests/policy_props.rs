//! Properties of the policy precedence ([`prunetags::policy::merge`] and [`Resolver::decide`])
//! over random layers and annotations.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use prunetags::policy::{
    Decision, Effective, Key, Layer, PREFIX, Resolver, Source, layers, merge, parse,
};
use prunetags::version::Order;

fn layer() -> impl Strategy<Value = Layer> {
    (
        prop::option::of(1usize..30),
        prop::option::of(prop::sample::select(vec!["v.*", "pr-[0-9]+", "[0-9.]+"])),
        prop::option::of(prop::bool::ANY),
        prop::option::of(0i64..200),
        prop::option::of(0usize..5),
        prop::option::of(prop::bool::ANY),
    )
        .prop_map(|(keep, m, created, hours, revs, disabled)| Layer {
            keep: keep.map(Some),
            match_regex: m.map(str::to_owned),
            order: created.map(|c| if c { Order::Created } else { Order::Semver }),
            keep_younger_than: hours.map(SignedDuration::from_hours),
            keep_revisions: revs.map(Some),
            disabled,
        })
}

/// The layer's annotations, as a team would write them.
fn annotations(l: &Layer) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    let mut put = |k: Key, v: String| {
        a.insert(k.annotation(), v);
    };
    if let Some(Some(n)) = l.keep {
        put(Key::Keep, n.to_string());
    }
    if let Some(m) = &l.match_regex {
        put(Key::Match, m.clone());
    }
    if let Some(o) = l.order {
        put(Key::Order, o.to_string());
    }
    if let Some(d) = l.keep_younger_than {
        put(Key::KeepYoungerThan, format!("{}h", d.as_hours()));
    }
    if let Some(Some(n)) = l.keep_revisions {
        put(Key::KeepRevisions, n.to_string());
    }
    if let Some(d) = l.disabled {
        put(Key::Disabled, d.to_string());
    }
    a
}

/// Whether the layer gives setting `k`.
fn gives(l: &Layer, k: Key) -> bool {
    match k {
        Key::Keep => l.keep.is_some(),
        Key::Match => l.match_regex.is_some(),
        Key::Order => l.order.is_some(),
        Key::KeepYoungerThan => l.keep_younger_than.is_some(),
        Key::KeepRevisions => l.keep_revisions.is_some(),
        Key::Disabled => l.disabled.is_some(),
    }
}

/// Setting `k` of a one-layer merge: the layer's own value, rendered.
fn alone(l: &Layer, k: Key) -> String {
    merge(&[(Source::Flag, l)], true).value_text(k)
}

fn keys() -> [Key; 6] {
    prunetags::policy::KEYS
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Each setting is the highest layer's that gives it, and says so; none: the default.
    #[test]
    fn the_highest_layer_that_says_wins(flags in layer(), ns in layer(), stream in layer(), with_policy in any::<bool>()) {
        let defaults = Layer::defaults();
        let stack = layers(with_policy, &defaults, &flags, &ns, &stream);
        let eff: Effective = merge(&stack, with_policy);
        for k in keys() {
            // `match` has no default value to give (no pattern): then the default is "none".
            let winner = stack
                .iter()
                .rev()
                .find(|(_, l)| gives(l, k))
                .copied()
                .unwrap_or((Source::Default, &defaults));
            prop_assert_eq!(eff.source(k), winner.0, "{:?}", k);
            prop_assert_eq!(eff.value_text(k), alone(winner.1, k), "{:?}", k);
        }
    }

    /// With --policy the order is default < flag < namespace < image stream; without it the
    /// namespace never counts.
    #[test]
    fn precedence_order(flags in layer(), ns in layer(), stream in layer()) {
        let d = Layer::defaults();
        let with = merge(&layers(true, &d, &flags, &ns, &stream), true);
        let without = merge(&layers(false, &d, &flags, &ns, &stream), false);
        for k in keys() {
            let expect = if gives(&stream, k) { Source::ImageStream }
                else if gives(&ns, k) { Source::Namespace }
                else if gives(&flags, k) { Source::Flag }
                else { Source::Default };
            prop_assert_eq!(with.source(k), expect);
            prop_assert!(without.source(k) != Source::Namespace);
        }
    }

    /// Annotations read back as the layer they were written from.
    #[test]
    fn annotations_round_trip(l in layer()) {
        prop_assert_eq!(parse(&annotations(&l)).unwrap(), l);
    }

    /// The decision over real annotations: a disabled stream is never planned, without
    /// --policy only the flags (and `disabled`) decide, and a malformed annotation anywhere the
    /// run reads is a skip, never a plan.
    #[test]
    fn decisions(flags in layer(), ns in layer(), stream in layer(), with_policy in any::<bool>(), broken in prop::option::of(0usize..3)) {
        let mut stream_a = annotations(&stream);
        let mut ns_a = annotations(&ns);
        match broken {
            Some(0) => { stream_a.insert(format!("{PREFIX}keep"), "abc".into()); }
            Some(1) => { ns_a.insert(format!("{PREFIX}keep-younger-than"), "-1h".into()); }
            Some(_) => { stream_a.insert(format!("{PREFIX}disabled"), "maybe".into()); }
            None => {}
        }
        let resolver = Resolver {
            with_policy,
            flags: Layer { disabled: None, ..flags.clone() },
            namespaces: BTreeMap::from([("ns".to_owned(), parse(&ns_a))]),
            ignore_in_use: false,
        };
        let d = resolver.decide("ns", Some(&stream_a), Timestamp::UNIX_EPOCH);
        let malformed_read = match broken {
            Some(0) | Some(1) => with_policy,
            Some(_) => true,
            None => false,
        };
        match d {
            Decision::Malformed { .. } => prop_assert!(malformed_read),
            Decision::Disabled(e) => {
                prop_assert!(!malformed_read);
                prop_assert!(e.disabled.value);
            }
            Decision::Plan(opts, e) => {
                prop_assert!(!malformed_read);
                prop_assert!(!e.disabled.value);
                if !with_policy {
                    // The flags alone, as prune has always planned.
                    let expect_keep = flags.keep.flatten().unwrap_or(usize::MAX);
                    prop_assert_eq!(opts.keep, expect_keep);
                    prop_assert_eq!(opts.keep_revisions, flags.keep_revisions.flatten());
                    for k in keys() {
                        prop_assert!(matches!(e.source(k), Source::Default | Source::Flag | Source::ImageStream));
                        if k != Key::Disabled {
                            prop_assert!(e.source(k) != Source::ImageStream);
                        }
                    }
                } else {
                    prop_assert_eq!(opts.keep, e.keep.value.unwrap_or(usize::MAX));
                }
            }
        }
    }
}
