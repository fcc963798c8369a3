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
//! [`TagSelector::Semver`] (the default) matches exactly the versions above.
//! [`TagSelector::Regex`] matches the tags the regex finds a match in, with the regex used as
//! the user wrote it (`regex::Regex::is_match`: anchor it with `^…$` to match whole tags).
//! Matched tags are ordered by [`TagKey`]: tags that parse as versions by precedence as above,
//! other tags in natural order (runs of digits compared as numbers, `build-9 < build-10`), and
//! every version counts as newer than every non-version.

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

/// Which tags of a stream are prune candidates, and how they are ordered.
#[derive(Clone, Debug, Default)]
pub enum TagSelector {
    /// Tags that are versions (see [`parse`]).
    #[default]
    Semver,
    /// Tags the regex matches (unanchored unless the pattern anchors itself).
    Regex(regex::Regex),
}

impl TagSelector {
    /// Builds a regex selector; the error text is `regex`'s own.
    pub fn regex(pattern: &str) -> Result<TagSelector, String> {
        regex::Regex::new(pattern)
            .map(TagSelector::Regex)
            .map_err(|e| e.to_string())
    }

    /// Whether the tag is in the selected set.
    pub fn matches(&self, tag: &str) -> bool {
        match self {
            TagSelector::Semver => is_version(tag),
            TagSelector::Regex(re) => re.is_match(tag),
        }
    }

    /// The sort key of a selected tag; `None` when the tag is not selected.
    pub fn key(&self, tag: &str) -> Option<TagKey> {
        match self {
            TagSelector::Semver => parse(tag).map(|version| TagKey::Version {
                version,
                raw: tag.to_owned(),
            }),
            TagSelector::Regex(re) => re.is_match(tag).then(|| TagKey::of(tag)),
        }
    }
}

impl fmt::Display for TagSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagSelector::Semver => f.write_str("semver"),
            TagSelector::Regex(re) => write!(f, "regex {}", re.as_str()),
        }
    }
}

impl PartialEq for TagSelector {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (TagSelector::Semver, TagSelector::Semver) => true,
            (TagSelector::Regex(a), TagSelector::Regex(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
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
            &TagSelector::Semver,
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
        let sel = TagSelector::regex(r"^(v\d+\.\d+\.\d+|build-\d+|1\.\d+)$").unwrap();
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
        // Unanchored: as the user wrote it.
        let sel = TagSelector::regex(r"v\d").unwrap();
        assert!(sel.matches("release-v1"));
        assert!(!sel.matches("latest"));
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
