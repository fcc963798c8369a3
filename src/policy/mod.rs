//! Retention policies declared as annotations, on an image stream and on its namespace.
//!
//! A **layer** is a partial set of settings (`keep`, `match`, `order`, `keep-younger-than`,
//! `keep-revisions`, `disabled`) with where it came from: the built-in defaults, the command
//! line, the namespace's annotations, the stream's annotations. [`merge`] stacks the layers, the
//! later one winning per setting, and remembers for each setting which layer gave it, so a plan
//! can say `keep 3 from imagestream annotation`.
//!
//! The order of the layers is the caller's choice ([`layers`]):
//! - `prune --policy`: default < command line < namespace < image stream (the teams' own
//!   annotations win, the command line only gives the defaults);
//! - `prune` without it: the command line is the whole policy, and the annotations only
//!   protect: the stream's `disabled` and `pinned` are honoured, nothing else is read, so an
//!   annotation never makes an existing `prune` job delete more.
//!
//! A malformed annotation ([`parse`] fails) skips the stream: the caller never falls back to a
//! default, which may be more aggressive than what the team wrote.
//!
//! Everything here is pure; reading namespaces and writing annotations is in [`fetch`] and
//! [`commands`].

pub mod commands;
pub mod fetch;
pub mod stage;

use std::collections::BTreeMap;
use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::duration::{format_duration, parse_duration};
use crate::plan::PlanOptions;
use crate::version::{Order, TagSelector};

/// The prefix every policy annotation shares.
pub const PREFIX: &str = "prunetags.openshift.io/";

/// The policy annotations, in the order tables show them.
pub const KEYS: [Key; 6] = [
    Key::Keep,
    Key::Match,
    Key::Order,
    Key::KeepYoungerThan,
    Key::KeepRevisions,
    Key::Disabled,
];

/// One setting of a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Keep,
    Match,
    Order,
    KeepYoungerThan,
    KeepRevisions,
    Disabled,
}

impl Key {
    /// The setting's name, as in the annotation (after [`PREFIX`]) and the flag (after `--`).
    pub fn name(self) -> &'static str {
        match self {
            Key::Keep => "keep",
            Key::Match => "match",
            Key::Order => "order",
            Key::KeepYoungerThan => "keep-younger-than",
            Key::KeepRevisions => "keep-revisions",
            Key::Disabled => "disabled",
        }
    }

    /// The full annotation key: `prunetags.openshift.io/keep`.
    pub fn annotation(self) -> String {
        format!("{PREFIX}{}", self.name())
    }

    pub fn from_name(name: &str) -> Option<Key> {
        KEYS.into_iter().find(|k| k.name() == name)
    }
}

/// Where a setting came from, lowest precedence first (as `prune --policy` stacks them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// The built-in default (`--keep-younger-than 1h`, `--order semver`, no `--keep`).
    Default,
    /// A flag on the command line.
    Flag,
    /// An annotation on the stream's namespace.
    Namespace,
    /// An annotation on the image stream.
    ImageStream,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Default => "default",
            Source::Flag => "flag",
            Source::Namespace => "namespace annotation",
            Source::ImageStream => "imagestream annotation",
        })
    }
}

/// A partial policy: the settings one source gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layer {
    /// `None`: this layer does not say. `Some(None)` (keep only): "no keep", which only the
    /// defaults say.
    pub keep: Option<Option<usize>>,
    /// The `--match` pattern, as written (validated by [`parse`]).
    pub match_regex: Option<String>,
    pub order: Option<Order>,
    /// Zero turns the age protection off, as `--keep-younger-than 0` does.
    pub keep_younger_than: Option<SignedDuration>,
    pub keep_revisions: Option<Option<usize>>,
    pub disabled: Option<bool>,
}

impl Layer {
    /// The built-in defaults: every setting, as `prune` has them without flags.
    pub fn defaults() -> Layer {
        Layer {
            keep: Some(None),
            match_regex: None,
            order: Some(Order::Semver),
            keep_younger_than: Some(SignedDuration::from_hours(1)),
            keep_revisions: Some(None),
            disabled: Some(false),
        }
    }

    /// Only the settings that only protect (`disabled`), for `prune` without `--policy`.
    pub fn protective_only(&self) -> Layer {
        Layer {
            disabled: self.disabled,
            ..Layer::default()
        }
    }
}

/// A setting's value and the layer that gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub from: Source,
}

/// The policy a stream is planned with: every setting, each with its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Effective {
    /// Whether the annotations were consulted (`prune --policy`, `policy show`).
    pub annotations: bool,
    /// `None`: no keep, nothing is deleted (only history is trimmed with keep-revisions).
    pub keep: Sourced<Option<usize>>,
    #[serde(rename = "match")]
    pub match_regex: Sourced<Option<String>>,
    /// `semver` or `created`.
    pub order: Sourced<String>,
    /// `None`: no age protection.
    pub keep_younger_than: Sourced<Option<SignedDuration>>,
    pub keep_revisions: Sourced<Option<usize>>,
    pub disabled: Sourced<bool>,
}

impl Effective {
    /// `keep 3 from imagestream annotation`, one per setting, in [`KEYS`] order.
    pub fn lines(&self) -> Vec<String> {
        KEYS.into_iter()
            .map(|k| {
                format!(
                    "{} {} from {}",
                    k.name(),
                    self.value_text(k),
                    self.source(k)
                )
            })
            .collect()
    }

    /// [`Effective::lines`] without the settings that are unset by default (`match none from
    /// default`) and without `disabled` (a planned stream is not disabled).
    pub fn lines_that_say(&self) -> String {
        KEYS.into_iter()
            .filter(|&k| k != Key::Disabled)
            .filter(|&k| !(self.source(k) == Source::Default && self.value_text(k) == "none"))
            .map(|k| {
                format!(
                    "{} {} from {}",
                    k.name(),
                    self.value_text(k),
                    self.source(k)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A setting's value as a person writes it (`3`, `1h`, `none`).
    pub fn value_text(&self, k: Key) -> String {
        let none = || "none".to_owned();
        match k {
            Key::Keep => self.keep.value.map_or_else(none, |n| n.to_string()),
            Key::Match => self.match_regex.value.clone().unwrap_or_else(none),
            Key::Order => self.order.value.clone(),
            Key::KeepYoungerThan => self
                .keep_younger_than
                .value
                .map_or_else(|| "0".to_owned(), format_duration),
            Key::KeepRevisions => self
                .keep_revisions
                .value
                .map_or_else(none, |n| n.to_string()),
            Key::Disabled => self.disabled.value.to_string(),
        }
    }

    pub fn source(&self, k: Key) -> Source {
        match k {
            Key::Keep => self.keep.from,
            Key::Match => self.match_regex.from,
            Key::Order => self.order.from,
            Key::KeepYoungerThan => self.keep_younger_than.from,
            Key::KeepRevisions => self.keep_revisions.from,
            Key::Disabled => self.disabled.from,
        }
    }

    /// The planner's options for this policy.
    pub fn plan_options(&self, now: Timestamp, ignore_in_use: bool) -> Result<PlanOptions, String> {
        let selector = match &self.match_regex.value {
            Some(re) => TagSelector::regex(re)?,
            None => TagSelector::semver(),
        }
        .with_order(if self.order.value == "created" {
            Order::Created
        } else {
            Order::Semver
        });
        Ok(PlanOptions {
            keep: self.keep.value.unwrap_or(usize::MAX),
            selector,
            keep_younger_than: self.keep_younger_than.value,
            now,
            ignore_in_use,
            keep_revisions: self.keep_revisions.value,
        })
    }
}

/// Stacks `layers`, lowest precedence first: each setting is the last layer's that gives it.
/// A setting no layer gives is the built-in default (only `match`, whose default is "no
/// pattern", which a layer cannot say).
pub fn merge(layers: &[(Source, &Layer)], annotations: bool) -> Effective {
    fn pick<T: Clone>(
        layers: &[(Source, &Layer)],
        get: impl Fn(&Layer) -> Option<T>,
        fallback: T,
    ) -> Sourced<T> {
        layers
            .iter()
            .rev()
            .find_map(|(src, l)| get(l).map(|value| Sourced { value, from: *src }))
            .unwrap_or(Sourced {
                value: fallback,
                from: Source::Default,
            })
    }
    let d = Layer::defaults();
    Effective {
        annotations,
        keep: pick(layers, |l| l.keep, d.keep.flatten()),
        match_regex: pick(layers, |l| l.match_regex.clone().map(Some), None),
        order: pick(
            layers,
            |l| l.order.map(|o| o.to_string()),
            Order::Semver.to_string(),
        ),
        keep_younger_than: pick(
            layers,
            |l| {
                l.keep_younger_than
                    .map(|d| Some(d).filter(|d| !d.is_zero()))
            },
            d.keep_younger_than,
        ),
        keep_revisions: pick(layers, |l| l.keep_revisions, None),
        disabled: pick(layers, |l| l.disabled, false),
    }
}

/// The layers a stream's policy is stacked from, lowest first.
pub fn layers<'a>(
    with_policy: bool,
    defaults: &'a Layer,
    flags: &'a Layer,
    namespace: &'a Layer,
    stream: &'a Layer,
) -> Vec<(Source, &'a Layer)> {
    if with_policy {
        vec![
            (Source::Default, defaults),
            (Source::Flag, flags),
            (Source::Namespace, namespace),
            (Source::ImageStream, stream),
        ]
    } else {
        vec![
            (Source::Default, defaults),
            (Source::Flag, flags),
            (Source::ImageStream, stream),
        ]
    }
}

/// A policy annotation that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// The full annotation key.
    pub annotation: String,
    pub value: String,
    /// What is wrong, as a sentence fragment: `is not a positive number (1 or more)`.
    pub problem: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?} {}", self.annotation, self.value, self.problem)
    }
}

/// The policy annotations of an object (a stream or a namespace) as a layer; the first
/// malformed one (in [`KEYS`] order) is the error. Other annotations are ignored.
pub fn parse(annotations: &BTreeMap<String, String>) -> Result<Layer, Problem> {
    let mut layer = Layer::default();
    for key in KEYS {
        let Some(raw) = annotations.get(&key.annotation()) else {
            continue;
        };
        let v = raw.trim();
        let bad = |problem: &str| Problem {
            annotation: key.annotation(),
            value: raw.clone(),
            problem: problem.to_owned(),
        };
        match key {
            Key::Keep => {
                let n = count(v).filter(|&n| n >= 1).ok_or_else(|| {
                    bad("is not a positive number (1 or more): say how many versions to keep")
                })?;
                layer.keep = Some(Some(n));
            }
            Key::KeepRevisions => {
                let n = count(v).ok_or_else(|| bad("is not a number of revisions (0 or more)"))?;
                layer.keep_revisions = Some(Some(n));
            }
            Key::Match => {
                TagSelector::regex(v).map_err(|e| bad(&format!("is not a valid regex: {}", e)))?;
                layer.match_regex = Some(v.to_owned());
            }
            Key::Order => {
                layer.order = Some(match v {
                    "semver" => Order::Semver,
                    "created" => Order::Created,
                    _ => return Err(bad("is not an order: expected semver or created")),
                });
            }
            Key::KeepYoungerThan => {
                layer.keep_younger_than = Some(if v == "0" {
                    SignedDuration::ZERO
                } else {
                    parse_duration(v).map_err(|e| bad(&format!("is not a duration ({e})")))?
                });
            }
            Key::Disabled => {
                layer.disabled = Some(match v.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(bad("is not true or false")),
                });
            }
        }
    }
    Ok(layer)
}

/// A decimal count: digits only, so `-1`, `+3` and `3.0` are refused.
fn count(v: &str) -> Option<usize> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// What to do with one stream.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Plan it with these options.
    Plan(Box<PlanOptions>, Box<Effective>),
    /// `disabled: "true"`: never pruned.
    Disabled(Box<Effective>),
    /// Malformed policy: skipped, and the run exits 1.
    Malformed {
        /// `namespace` or `image stream`: whose annotation.
        on: Source,
        problem: Problem,
    },
}

/// Everything besides the stream that decides its policy: the command line and the namespaces'
/// annotations (read once per run).
#[derive(Clone, Debug, Default)]
pub struct Resolver {
    /// `prune --policy` (annotations win) or not (flags are the policy).
    pub with_policy: bool,
    /// The settings given on the command line.
    pub flags: Layer,
    /// Namespace → its annotations' layer, or what was wrong with them (also "could not be
    /// read": a policy we cannot see is not a default we may assume).
    pub namespaces: BTreeMap<String, Result<Layer, Problem>>,
    pub ignore_in_use: bool,
}

impl Resolver {
    /// The decision for `s`'s annotations in namespace `ns`.
    pub fn decide(
        &self,
        ns: &str,
        stream_annotations: Option<&BTreeMap<String, String>>,
        now: Timestamp,
    ) -> Decision {
        let empty = BTreeMap::new();
        // Without --policy only `disabled` is read: a malformed `keep` there changes nothing.
        let annotations = stream_annotations.unwrap_or(&empty);
        let stream = if self.with_policy {
            parse(annotations)
        } else {
            parse_only_disabled(annotations)
        };
        let stream = match stream {
            Ok(l) => l,
            Err(problem) => {
                return Decision::Malformed {
                    on: Source::ImageStream,
                    problem,
                };
            }
        };
        let namespace = if self.with_policy {
            match self.namespaces.get(ns) {
                Some(Ok(l)) => l.clone(),
                Some(Err(p)) => {
                    return Decision::Malformed {
                        on: Source::Namespace,
                        problem: p.clone(),
                    };
                }
                None => Layer::default(),
            }
        } else {
            Layer::default()
        };
        let defaults = Layer::defaults();
        let eff = merge(
            &layers(
                self.with_policy,
                &defaults,
                &self.flags,
                &namespace,
                &stream,
            ),
            self.with_policy,
        );
        if eff.disabled.value {
            return Decision::Disabled(Box::new(eff));
        }
        match eff.plan_options(now, self.ignore_in_use) {
            Ok(o) => Decision::Plan(Box::new(o), Box::new(eff)),
            // Unreachable in practice (parse validated the regex), but never a default.
            Err(e) => Decision::Malformed {
                on: eff.match_regex.from,
                problem: Problem {
                    annotation: Key::Match.annotation(),
                    value: eff.match_regex.value.clone().unwrap_or_default(),
                    problem: e,
                },
            },
        }
    }
}

/// The one warning line for a skipped stream: which stream, which annotation, what is wrong.
pub fn skip_warning(ns: &str, stream: &str, on: Source, problem: &Problem) -> String {
    let whose = match on {
        Source::Namespace => format!("namespace {ns:?}'s"),
        _ => "its".to_owned(),
    };
    let what = if problem.annotation.is_empty() {
        format!("{whose} policy annotations {}", problem.problem)
    } else {
        format!("{whose} annotation {problem}")
    };
    format!("skipping image stream {ns}/{stream}: {what}; nothing in it is pruned")
}

fn parse_only_disabled(a: &BTreeMap<String, String>) -> Result<Layer, Problem> {
    let only: BTreeMap<String, String> = a
        .iter()
        .filter(|(k, _)| **k == Key::Disabled.annotation())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    parse(&only).map(|l| l.protective_only())
}

/// The tags a stream's pinned annotation lists, in order, without blanks or repeats.
pub fn pinned_list(value: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in value.unwrap_or_default().split(',').map(str::trim) {
        if !t.is_empty() && !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    out
}

/// The pinned list after pinning (`add`) or unpinning `tags`; `None` when it is empty (the
/// annotation is then removed).
pub fn edit_pins(current: Option<&str>, tags: &[String], add: bool) -> Option<String> {
    let mut list = pinned_list(current);
    if add {
        for t in tags {
            if !list.contains(t) {
                list.push(t.clone());
            }
        }
    } else {
        list.retain(|t| !tags.contains(t));
    }
    (!list.is_empty()).then(|| list.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (format!("{PREFIX}{k}"), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn every_malformed_value_is_a_problem() {
        for (k, v) in [
            ("keep", "abc"),
            ("keep", "0"),
            ("keep", "-1"),
            ("keep", "3.0"),
            ("keep", ""),
            ("keep-revisions", "-2"),
            ("keep-revisions", "x"),
            ("match", "v(1"),
            ("order", "newest"),
            ("keep-younger-than", "-1h"),
            ("keep-younger-than", "soon"),
            ("disabled", "yes"),
        ] {
            let p = parse(&ann(&[(k, v)])).expect_err(&format!("{k}={v}"));
            assert_eq!(p.annotation, format!("{PREFIX}{k}"));
        }
    }

    #[test]
    fn well_formed_values() {
        let l = parse(&ann(&[
            ("keep", " 3 "),
            ("match", "v2\\..*"),
            ("order", "created"),
            ("keep-younger-than", "7d"),
            ("keep-revisions", "0"),
            ("disabled", "False"),
            ("unrelated", "x"),
        ]))
        .unwrap();
        assert_eq!(l.keep, Some(Some(3)));
        assert_eq!(l.order, Some(Order::Created));
        assert_eq!(l.keep_younger_than, Some(SignedDuration::from_hours(168)));
        assert_eq!(l.keep_revisions, Some(Some(0)));
        assert_eq!(l.disabled, Some(false));
    }

    #[test]
    fn pins_edit_in_order_without_repeats() {
        let v = |s: &[&str]| s.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            edit_pins(Some("a, b"), &v(&["c", "a"]), true).as_deref(),
            Some("a,b,c")
        );
        assert_eq!(edit_pins(Some("a,b"), &v(&["a", "b"]), false), None);
        assert_eq!(edit_pins(None, &v(&["x"]), false), None);
    }
}
