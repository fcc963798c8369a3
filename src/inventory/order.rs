//! The order `oc describe is` prints tags in: library-go `imageutil.PrioritizeTags`
//! (`pkg/image/imageutil/helpers.go`), which `oc get is` also uses for its TAGS column.
//!
//! 1. `latest`;
//! 2. minor versions (`5.1`, `v5.1`, `5.1-rc1`), newest first;
//! 3. full semantic versions (`5.1.3`, `v5.1.3-other`), newest first;
//! 4. every other tag, bytewise by name.

use std::cmp::Ordering;

/// `tagPriority` in library-go; the derive orders the variants as Go's iota does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Priority {
    Latest,
    Minor,
    Full,
    Other,
}

/// `prioritizedTag`: a tag, its class, and the version it stands for.
struct Prioritized<'a> {
    tag: &'a str,
    priority: Priority,
    version: Option<semver::Version>,
    prefix: &'a str,
}

/// `prioritizeTag`.
fn prioritize(tag: &str) -> Prioritized<'_> {
    if tag == "latest" {
        return Prioritized {
            tag,
            priority: Priority::Latest,
            version: None,
            prefix: "",
        };
    }
    // Only a lowercase `v` is a prefix, and only one (`strings.HasPrefix(tag, "v")`).
    let (prefix, short) = match tag.strip_prefix('v') {
        Some(rest) => ("v", rest),
        None => ("", tag),
    };
    let with = |priority, version| Prioritized {
        tag,
        priority,
        version: Some(version),
        prefix,
    };
    // 5.1.3: blang/semver's Parse is strict SemVer 2.0, as the semver crate is.
    if let Some(v) = parse_semver(short) {
        return with(Priority::Full, v);
    }
    // 5.1 (`reMinorSemantic`: `^[\d]+\.[\d]+$`), read as 5.1.0.
    if is_minor(short)
        && let Some(v) = parse_semver(&format!("{short}.0"))
    {
        return with(Priority::Minor, v);
    }
    // 5.1-rc1 (`reMinorWithPatch`: `^([\d]+\.[\d]+)-\w+$`), read as 5.1.0-rc1.
    if let Some((minor, suffix)) = short.split_once('-') {
        let word = !suffix.is_empty()
            && suffix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_minor(minor)
            && word
            && let Some(v) = parse_semver(&format!("{minor}.0-{suffix}"))
        {
            return with(Priority::Minor, v);
        }
    }
    Prioritized {
        tag,
        priority: Priority::Other,
        version: None,
        prefix,
    }
}

/// Go's `\d` in these regexps is ASCII only (RE2).
fn is_minor(s: &str) -> bool {
    s.split_once('.').is_some_and(|(a, b)| {
        [a, b]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
    })
}

fn parse_semver(s: &str) -> Option<semver::Version> {
    // The semver crate accepts nothing before the first digit; blang/semver neither.
    s.starts_with(|c: char| c.is_ascii_digit())
        .then(|| semver::Version::parse(s).ok())
        .flatten()
}

/// `prioritizedTags.Less` as an ordering.
fn cmp(a: &Prioritized, b: &Prioritized) -> Ordering {
    if a.priority != b.priority {
        return a.priority.cmp(&b.priority);
    }
    if a.priority == Priority::Other {
        return a.tag.as_bytes().cmp(b.tag.as_bytes());
    }
    match (&a.version, &b.version) {
        // blang/semver's Compare ignores build metadata, as cmp_precedence does. Newer first;
        // of the same version, no prefix before `v`.
        (Some(va), Some(vb)) => vb.cmp_precedence(va).then_with(|| a.prefix.cmp(b.prefix)),
        _ => Ordering::Equal,
    }
}

/// Sorts tag names the way `imageutil.PrioritizeTags` does. Go's `sort.Sort` is not stable;
/// ties (`1.0.0+a` and `1.0.0+b`) keep their input order here, which is what Go's insertion
/// sort does for the short lists streams have.
pub fn prioritize_tags<T>(items: &mut [T], tag: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| cmp(&prioritize(tag(a)), &prioritize(tag(b))));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(tags: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = tags.iter().map(|s| s.to_string()).collect();
        prioritize_tags(&mut v, |s| s.as_str());
        v
    }

    #[test]
    fn latest_then_minor_then_full_then_the_rest() {
        assert_eq!(
            sorted(&[
                "stable",
                "v1.0.0",
                "3.8-ubi8",
                "latest",
                "v1.10.0",
                "3.8",
                "prod",
                "4.0",
                "v1.2.0-rc.1",
                "v1.2.0",
                "1.2",
            ]),
            [
                "latest",
                "4.0",
                "3.8",
                "3.8-ubi8",
                "1.2",
                "v1.10.0",
                "v1.2.0",
                "v1.2.0-rc.1",
                "v1.0.0",
                "prod",
                "stable",
            ]
        );
    }

    #[test]
    fn what_is_not_a_version_sorts_by_name() {
        // A leading zero, a fourth component, an uppercase V, two v's: none is a version.
        assert_eq!(
            sorted(&["v01.2.3", "V1.2.3", "1.2.3.4", "vv1.2.3", "1.2-", "1.2-a.b"]),
            ["1.2-", "1.2-a.b", "1.2.3.4", "V1.2.3", "v01.2.3", "vv1.2.3"]
        );
    }

    #[test]
    fn the_same_version_puts_the_bare_one_first() {
        assert_eq!(sorted(&["v2.0.0", "2.0.0"]), ["2.0.0", "v2.0.0"]);
        assert_eq!(sorted(&["v2.1", "2.1"]), ["2.1", "v2.1"]);
    }
}
