//! Tag/version parsing and ordering on arbitrary strings: `version::parse`, `TagKey`'s order
//! (a total order: antisymmetric, transitive, equal only for equal tags), `natural_cmp`, the
//! `list` display order, and `TagSelector` (a regex built from the input: `key` is `Some`
//! exactly when `matches`).
#![no_main]

use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use prunetags::version::{self, TagKey, TagSelector};

fn check_order(name: &str, a: &str, b: &str, c: &str, cmp: impl Fn(&str, &str) -> Ordering) {
    assert_eq!(cmp(a, a), Ordering::Equal, "{name}: reflexive {a:?}");
    let ab = cmp(a, b);
    assert_eq!(ab, cmp(b, a).reverse(), "{name}: antisymmetric {a:?} {b:?}");
    assert_eq!(ab == Ordering::Equal, a == b, "{name}: total {a:?} {b:?}");
    let bc = cmp(b, c);
    if ab != Ordering::Greater && bc != Ordering::Greater {
        assert_ne!(
            cmp(a, c),
            Ordering::Greater,
            "{name}: transitive {a:?} <= {b:?} <= {c:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(4, '\n');
    let a = parts.next().unwrap_or_default();
    let b = parts.next().unwrap_or_default();
    let c = parts.next().unwrap_or_default();
    let pattern = parts.next();

    for t in [a, b, c] {
        let parsed = version::parse(t);
        assert_eq!(parsed.is_some(), version::is_version(t));
        let key = TagKey::of(t);
        assert_eq!(key.raw(), t);
        assert_eq!(key.version(), parsed.as_ref());
        if let Some(v) = &parsed {
            // A version's text round-trips through the semver crate, minus at most one `v`.
            assert_eq!(v.to_string(), t.strip_prefix('v').unwrap_or(t));
        }
        assert_eq!(TagSelector::semver().matches(t), parsed.is_some());
        assert_eq!(TagSelector::semver().key(t).is_some(), parsed.is_some());
    }
    check_order("TagKey", a, b, c, |x, y| TagKey::of(x).cmp(&TagKey::of(y)));
    check_order("natural_cmp", a, b, c, version::natural_cmp);
    check_order("newest_first", a, b, c, version::cmp_tags_newest_first);

    if let Some(p) = pattern
        && p.len() <= 256
        && let Ok(sel) = TagSelector::regex(p)
    {
        for t in [a, b, c] {
            let key = sel.key(t);
            assert_eq!(key.is_some(), sel.matches(t), "{p:?} on {t:?}");
            if let Some(k) = key {
                assert_eq!(k, TagKey::of(t));
            }
        }
    }
});
