//! Which tags are versions, and their order (semver precedence, optional leading `v`).
//!
//! Placeholder until the full module lands: the parsing and ordering rules used by `list`.

use std::cmp::Ordering;

/// Parses `v2.1.8`, `2.1.8`, `v2.0.0-rc.1`, `v1.2.3+build.5`; `1.2`, `latest` are not versions.
pub fn parse(tag: &str) -> Option<semver::Version> {
    let s = tag.strip_prefix('v').unwrap_or(tag);
    semver::Version::parse(s).ok()
}

/// Versions first, newest (highest precedence) first; then other tags by name.
pub fn cmp_tags_newest_first(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => y.cmp_precedence(&x).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}
