//! Which tags are versions, and their order (semver precedence, optional leading `v`).
//!
//! # Versions
//!
//! A tag is a version when, after removing at most one leading lowercase `v`, it is a complete
//! [semver 2.0](https://semver.org) version: `v2.1.8`, `2.1.8`, `v2.0.0-rc.1`, `v1.2.3+build.5`.
//! `1.2`, `release-1.2.3`, `latest`, `v1.2.3.4`, `V1.2.3` and `v01.2.3` (leading zero) are not.
//!
//! # Order
//!
//! Versions are ordered by semver *precedence*: numerically per component (`v1.10.0 > v1.9.0`),
//! a pre-release before its release (`v2.0.0-rc.1 < v2.0.0`, which `sort -V` gets wrong),
//! numeric pre-release identifiers numerically (`rc.2 < rc.10`). Build metadata has no
//! precedence, so ties are broken deterministically, in this order:
//!
//! 1. build metadata, as the `semver` crate orders it (none sorts before any; dot-separated
//!    identifiers, numeric ones numerically);
//! 2. the raw tag string, bytewise (so `1.0.0` sorts before `v1.0.0`: of two tags naming the
//!    same version, `v1.0.0` counts as the newer one).
//!
//! The order is therefore total over distinct tag names, and "newest" is well defined.
//!
//! # Selectors
//!
//! [`TagSelector::semver`] (the default) matches exactly the versions above.
//! [`TagSelector::regex`] (`--match`) is anchored (the whole tag name must match) and narrows
//! the versions; with [`Order::Created`] (`--order created`) every tag it matches is a
//! candidate, ordered by time by the planner. Names are ordered by [`TagKey`]: versions by
//! precedence as above, other tags in natural order (runs of digits compared as numbers,
//! `build-9 < build-10`), every version after every non-version.

use std::cmp::Ordering;
use std::fmt;

/// Parses a tag as a version: semver with an optional leading `v`.
pub fn parse(tag: &str) -> Option<semver::Version> {
    let s = tag.strip_prefix('v').unwrap_or(tag);
    // semver::Version::parse is strict (three numeric components, no leading zeros), but it
    // accepts nothing before the first digit, so a second `v` or `=` are already rejected.
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    semver::Version::parse(s).ok()
}

/// Whether a tag is a version (see [`parse`]).
pub fn is_version(tag: &str) -> bool {
    parse(tag).is_some()
}

/// The sort key of a matched tag. `Ord` is the "age" order: greater means newer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagKey {
    /// A tag that is not a version, ordered naturally (see [`natural_cmp`]).
    Natural(String),
    /// A version, ordered by precedence, then build metadata, then the raw tag.
    Version {
        version: semver::Version,
        raw: String,
    },
}

impl TagKey {
    /// The key of any tag: a version when it parses as one, natural otherwise.
    pub fn of(tag: &str) -> TagKey {
        match parse(tag) {
            Some(version) => TagKey::Version {
                version,
                raw: tag.to_owned(),
            },
            None => TagKey::Natural(tag.to_owned()),
        }
    }

    /// The tag this key was made from.
    pub fn raw(&self) -> &str {
        match self {
            TagKey::Natural(raw) | TagKey::Version { raw, .. } => raw,
        }
    }

    /// The version, when the tag is one.
    pub fn version(&self) -> Option<&semver::Version> {
        match self {
            TagKey::Version { version, .. } => Some(version),
            TagKey::Natural(_) => None,
        }
    }
}

impl Ord for TagKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (TagKey::Natural(a), TagKey::Natural(b)) => natural_cmp(a, b),
            (TagKey::Natural(_), TagKey::Version { .. }) => Ordering::Less,
            (TagKey::Version { .. }, TagKey::Natural(_)) => Ordering::Greater,
            (
                TagKey::Version {
                    version: va,
                    raw: ra,
                },
                TagKey::Version {
                    version: vb,
                    raw: rb,
                },
            ) => va
                .cmp_precedence(vb)
                .then_with(|| va.build.cmp(&vb.build))
                .then_with(|| ra.cmp(rb)),
        }
    }
}

impl PartialOrd for TagKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two versions (already parsed) the way [`TagKey`] does, without the raw tag.
pub fn cmp_versions(a: &semver::Version, b: &semver::Version) -> Ordering {
    a.cmp_precedence(b).then_with(|| a.build.cmp(&b.build))
}

/// Natural, numeric-aware string order: the strings are split into runs of ASCII digits and
/// runs of other characters; digit runs compare as (arbitrarily large) numbers, other runs
/// bytewise, and a digit run sorts before a non-digit run. When all runs compare equal (e.g.
/// `a01` vs `a1`), the raw strings decide, so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut ra = Runs(a.as_bytes());
    let mut rb = Runs(b.as_bytes());
    loop {
        match (ra.next(), rb.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let xd = x[0].is_ascii_digit();
                let yd = y[0].is_ascii_digit();
                let ord = match (xd, yd) {
                    (true, true) => {
                        let xt = trim_zeros(x);
                        let yt = trim_zeros(y);
                        xt.len().cmp(&yt.len()).then_with(|| xt.cmp(yt))
                    }
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let n = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[n..]
}

/// Iterator over maximal runs of digits / non-digits.
struct Runs<'a>(&'a [u8]);

impl<'a> Iterator for Runs<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let first = *self.0.first()?;
        let digit = first.is_ascii_digit();
        let n = self
            .0
            .iter()
            .take_while(|c| c.is_ascii_digit() == digit)
            .count();
        let (run, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(run)
    }
}

/// How the candidates of a stream are ordered, newest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// By semver precedence: only versions are candidates.
    #[default]
    Semver,
    /// By the time of each tag's current revision: every matched tag is a candidate.
    Created,
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Order::Semver => "semver",
            Order::Created => "created",
        })
    }
}

/// Which tags of a stream are prune candidates, and how they are ordered.
///
/// The pattern (`--match`) is anchored: it must match the whole tag name. With
/// [`Order::Semver`] it **narrows** the versions (a matched tag that is not a version is never
/// a candidate); with [`Order::Created`] every matched tag is one. Without a pattern the
/// candidates are the versions, whatever the order.
#[derive(Clone, Debug, Default)]
pub struct TagSelector {
    /// The user's pattern, as written (for display).
    source: Option<String>,
    /// `^(?:pattern)$`.
    pattern: Option<regex::Regex>,
    pub order: Order,
}

impl TagSelector {
    /// Versions, by semver precedence (the default).
    pub fn semver() -> TagSelector {
        TagSelector::default()
    }

    /// Tags the pattern matches as a whole; the error is `regex`'s own, cut to one line.
    pub fn regex(pattern: &str) -> Result<TagSelector, String> {
        // The pattern alone first, so that an error points into what the user wrote.
        regex::Regex::new(pattern)
            .and_then(|_| regex::Regex::new(&format!("^(?:{pattern})$")))
            .map(|re| TagSelector {
                source: Some(pattern.to_owned()),
                pattern: Some(re),
                order: Order::Semver,
            })
            .map_err(|e| regex_error_summary(&e.to_string()))
    }

    pub fn with_order(mut self, order: Order) -> TagSelector {
        self.order = order;
        self
    }

    /// The pattern as the user wrote it.
    pub fn pattern(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// Whether the pattern (if any) matches the whole tag name.
    pub fn pattern_matches(&self, tag: &str) -> bool {
        self.pattern.as_ref().is_none_or(|re| re.is_match(tag))
    }

    /// Whether the tag is a candidate (see the type's documentation).
    pub fn matches(&self, tag: &str) -> bool {
        self.pattern_matches(tag)
            && match (self.order, &self.pattern) {
                (Order::Created, Some(_)) => true,
                _ => is_version(tag),
            }
    }

    /// The name-derived sort key of a candidate; `None` when the tag is not a candidate. With
    /// [`Order::Created`] the planner orders by time first and uses this only to break ties.
    pub fn key(&self, tag: &str) -> Option<TagKey> {
        self.matches(tag).then(|| TagKey::of(tag))
    }
}

impl fmt::Display for TagSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            None => write!(f, "versions by {}", self.order),
            Some(p) => write!(f, "--match {p} by {}", self.order),
        }
    }
}

impl PartialEq for TagSelector {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.order == other.order
    }
}

/// The display order of `list`: versions newest first, then the other tags by name.
pub fn cmp_tags_newest_first(a: &str, b: &str) -> Ordering {
    match (TagKey::of(a), TagKey::of(b)) {
        (TagKey::Natural(x), TagKey::Natural(y)) => natural_cmp(&x, &y),
        (TagKey::Version { .. }, TagKey::Natural(_)) => Ordering::Less,
        (TagKey::Natural(_), TagKey::Version { .. }) => Ordering::Greater,
        (x, y) => y.cmp(&x),
    }
}

/// `regex` errors span several lines with a caret diagram under the pattern; the last line says
/// what is wrong, and is what a one-line error can hold.
fn regex_error_summary(s: &str) -> String {
    let last = s
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim();
    last.strip_prefix("error: ").unwrap_or(last).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_not() {
        for t in [
            "v2.1.8",
            "2.1.8",
            "v2.0.0-rc.1",
            "v1.2.3+build.5",
            "0.0.0",
            "v10.20.30-alpha.beta.1",
        ] {
            assert!(is_version(t), "{t} should be a version");
        }
        for t in [
            "1.2",
            "v1.2",
            "release-1.2.3",
            "latest",
            "v1.2.3.4",
            "V1.2.3",
            "vv1.2.3",
            "v01.2.3",
            "=1.2.3",
            " 1.2.3",
            "",
            "v",
            "1.2.3-",
            "prod",
        ] {
            assert!(!is_version(t), "{t} should not be a version");
        }
    }

    fn sorted(sel: &TagSelector, tags: &[&str]) -> Vec<String> {
        let mut keys: Vec<TagKey> = tags.iter().filter_map(|t| sel.key(t)).collect();
        keys.sort();
        keys.iter().map(|k| k.raw().to_owned()).collect()
    }

    #[test]
    fn precedence_order() {
        let got = sorted(
            &TagSelector::semver(),
            &[
                "v1.10.0",
                "v1.9.0",
                "v2.0.0",
                "v2.0.0-rc.10",
                "v2.0.0-rc.2",
                "v2.0.0-rc.1",
                "v2.0.0-alpha",
                "1.0.0",
                "v1.0.0",
                "v1.0.0+b.2",
                "v1.0.0+b.10",
                "latest",
                "1.2",
            ],
        );
        assert_eq!(
            got,
            [
                "1.0.0",
                "v1.0.0",
                "v1.0.0+b.2",
                "v1.0.0+b.10",
                "v1.9.0",
                "v1.10.0",
                "v2.0.0-alpha",
                "v2.0.0-rc.1",
                "v2.0.0-rc.2",
                "v2.0.0-rc.10",
                "v2.0.0",
            ]
        );
    }

    #[test]
    fn regex_selector_order() {
        let sel = TagSelector::regex(r"^(v\d+\.\d+\.\d+|build-\d+|1\.\d+)$")
            .unwrap()
            .with_order(Order::Created);
        let got = sorted(
            &sel,
            &[
                "build-10",
                "build-9",
                "v1.2.3",
                "latest",
                "1.10",
                "1.9",
                "v1.2.10",
                "build-010",
            ],
        );
        assert_eq!(
            got,
            [
                "1.9",
                "1.10",
                "build-9",
                "build-010",
                "build-10",
                "v1.2.3",
                "v1.2.10"
            ]
        );
        // Anchored: the whole tag must match.
        let sel = TagSelector::regex(r"v\d")
            .unwrap()
            .with_order(Order::Created);
        assert!(!sel.matches("release-v1"));
        assert!(sel.matches("v1"));
        // Semver order: the pattern narrows the versions.
        let sel = TagSelector::regex(r"v2\..*").unwrap();
        assert!(sel.matches("v2.0.1"));
        assert!(!sel.matches("v1.0.1"));
        assert!(!sel.matches("v2.x"), "matched but not a version");
        assert!(!sel.matches("1v2.0.1"));
    }

    #[test]
    fn natural() {
        assert_eq!(natural_cmp("a9", "a10"), Ordering::Less);
        assert_eq!(natural_cmp("a01", "a1"), Ordering::Less);
        assert_eq!(natural_cmp("a1", "a01"), Ordering::Greater);
        assert_eq!(natural_cmp("a", "a1"), Ordering::Less);
        assert_eq!(natural_cmp("1a", "a1"), Ordering::Less);
        assert_eq!(natural_cmp("x", "x"), Ordering::Equal);
        assert_eq!(
            natural_cmp("99999999999999999999999", "100000000000000000000000"),
            Ordering::Less
        );
    }
}
