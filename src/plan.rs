//! The prune plan: a pure function from image streams and options to what to keep and delete.
//!
//! [`build`] reads nothing but its arguments (the caller passes `now`, the workloads' images and
//! the spec-tag references), so the same input always gives the same [`Plan`], whatever the
//! order of the streams and tags in it. The plan is data: it is rendered, confirmed, applied
//! and printed as JSON/YAML, the same struct every time.
//!
//! # Rules
//!
//! Everything is decided **per image stream**, never across streams.
//!
//! * **Candidates** are the stream's *status* tags with at least one revision that the
//!   [`TagSelector`] selects: by default the versions (semver, optional leading `v`);
//!   `--match REGEX` (anchored: the whole name) narrows them; with `--order created` every
//!   tag the regex matches is one (`pr-123`, `build-456`). Tags that are not selected
//!   (`latest`, `prod`, `1.2`, …) are never candidates and are kept with
//!   [`Reason::NotMatched`] (or [`Reason::NotAVersion`] when `--match` matches a non-version
//!   under version order). A selected tag with no revision (a spec tag with nothing imported
//!   yet, or `items: null`) has nothing to prune: [`Reason::NoRevisions`], no slot.
//! * **Slots**: one version under several names (`1.2.3`, `v1.2.3`, `v1.2.3+b.5`: equal
//!   without build metadata, which has no precedence) is **one** candidate group: it takes one
//!   slot of `--keep N`, and its names are kept or deleted together (a protected name keeps
//!   the others, [`Reason::SameVersion`]). Under `--order created` a non-version tag is its
//!   own group.
//! * **Newest N**: groups are ordered newest first — by semver precedence, or under
//!   `--order created` by their newest current revision's time (names break ties) — and the
//!   first `keep` **releases** are kept with [`Reason::Newest`]. This is what users of the seed
//!   pipeline (`sort -V | head --lines=-5`) expect: `--keep 5` keeps the 5 newest versions,
//!   *whether or not they are also protected*; protected tags older than those are kept **in
//!   addition**, they do not push a newer version out and they do not shorten the newest N.
//! * **Pre-releases** (semver order) take **no** slot: those newer than the oldest kept
//!   release are kept ([`Reason::PreRelease`]), older ones are stale
//!   ([`Reason::StalePreRelease`]). With fewer releases than `keep` every pre-release stays.
//! * **Protections** keep a candidate that is not among the newest N:
//!   - [`Reason::Pinned`]: its spec tag has the annotation `prunetags.openshift.io/keep=true`
//!     (value compared case-insensitively), or the stream's [`PINNED_ANNOTATION`] lists it;
//!   - [`Reason::ReferencedBy`]: another spec tag is tagged from it (`from.kind:
//!     ImageStreamTag`, `name: stream:tag`), in this stream, another stream or (with
//!     `from.namespace`) another namespace, or tagged from an `ImageStreamImage`
//!     (`stream@sha256:…`) whose digest is in the tag's history; see [`spec_references`].
//!     References count even when the referring tag is itself about to be deleted
//!     (conservative: the next run deletes it);
//!   - [`Reason::InUse`]: the digest of **any** revision in the tag's history is used by a
//!     workload, or a workload names the tag itself (`…/<ns>/<stream>:<tag>`, an image-change
//!     trigger; see [`crate::inuse`]) (unless `ignore_in_use`). Deleting a tag drops its whole history, so an image a
//!     pod runs by digest from an older revision loses its tag reference too; like
//!     `oc adm prune images` we protect it;
//!   - [`Reason::YoungerThan`]: its current revision is younger than `keep_younger_than`
//!     (a current revision dated in the future counts as young).
//! * Every candidate that is not kept is deleted with [`Reason::Stale`] or
//!   [`Reason::StalePreRelease`].
//!
//! # Reasons
//!
//! A kept tag reports **all** the reasons that apply, always in this fixed order: the
//! set-membership reason first (`NotMatched`, `NotAVersion`, `NoRevisions`, `Newest` or
//! `PreRelease`), then `Pinned`, `ReferencedBy`, `InUse`, `YoungerThan`; a stale name kept only
//! because another name of its version is protected has just `SameVersion`. The protections are evaluated for every tag, also
//! for unmatched and newest ones, so a table can show that `latest` is in use. A deleted tag
//! has exactly one reason, `Stale` or `StalePreRelease`.
//!
//! # Revision trimming
//!
//! With `keep_revisions: Some(n)`, every **kept** tag (matched or not; the platform rule "all
//! but the most recent 3 revisions of a tag, unless those revisions are less than 96 hours
//! old" is about every tag) has the history items beyond its newest `n` planned for removal,
//! except items younger than `keep_younger_than`, items whose digest is in use (unless
//! `ignore_in_use`), and items whose digest an `ImageStreamImage` spec tag refers to. The
//! current revision (item 0) is never trimmed, also with `n == 0`.
//!
//! # Order
//!
//! Streams by (namespace, name, uid); within a stream the matched tags newest first, then all
//! other tags by name. The server guarantees unique tag names per stream; if a list repeats
//! one, its first occurrence is used.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub use crate::duration::parse_duration;
use crate::duration::{format_age, format_duration};
pub use crate::inuse::InUse;
use crate::model::{ImageStream, NamedTagEventList, TagEvent, TagReference};
pub use crate::references::{References, StreamImage, StreamTag, spec_references};
use crate::version::{self, Order, TagKey, TagSelector};

/// The annotation on a spec tag that pins it: `prunetags.openshift.io/keep: "true"`.
pub const KEEP_ANNOTATION: &str = "prunetags.openshift.io/keep";

/// The annotation on an image stream listing pinned tags: `prunetags.openshift.io/pinned:
/// "v2.0.3,v1.4.6"`. Pushed tags have no spec tag to annotate (a real 4.13 server answers
/// `oc annotate istag/…` with 400 "is not a spec tag"), so their pin lives on the stream.
pub const PINNED_ANNOTATION: &str = "prunetags.openshift.io/pinned";

/// What to plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanOptions {
    /// How many of the newest matched tags to keep per stream.
    pub keep: usize,
    /// Which tags are candidates and how they are ordered.
    pub selector: TagSelector,
    /// Keep tags (and history items) younger than this.
    pub keep_younger_than: Option<SignedDuration>,
    /// The time ages are measured from; the caller reads the clock, not the planner.
    pub now: Timestamp,
    /// Do not protect tags whose images workloads use.
    pub ignore_in_use: bool,
    /// Trim the history of kept tags to this many revisions.
    pub keep_revisions: Option<usize>,
}

impl PlanOptions {
    /// `keep` newest semver tags per stream, no other option set.
    pub fn new(keep: usize, now: Timestamp) -> PlanOptions {
        PlanOptions {
            keep,
            selector: TagSelector::semver(),
            keep_younger_than: None,
            now,
            ignore_in_use: false,
            keep_revisions: None,
        }
    }
}

/// What the planner knows besides the streams being planned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// What workloads use: image digests and tags → the workloads (`pod/web-1`,
    /// `deployment/web`); see [`crate::inuse`].
    pub in_use: InUse,
    /// Spec tags referring to other tags or images; build it with [`spec_references`] from
    /// *all* streams of the namespace(s), also when only some are planned.
    pub references: References,
}

impl Context {
    /// A context from the workloads' images and all streams of the namespace(s).
    pub fn new(in_use: InUse, all_streams: &[ImageStream]) -> Context {
        Context {
            in_use,
            references: spec_references(all_streams),
        }
    }
}

/// What happens to a tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Keep,
    Delete,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Keep => "keep",
            Action::Delete => "delete",
        })
    }
}

/// Why a tag is kept or deleted. Serialized with a `kind` field: `{"kind":"newest","rank":1,
/// "of":21}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Reason {
    /// The selector does not match the tag: it is never a candidate.
    NotMatched,
    /// `--match` matches the tag but it is not a version, and the order is by version
    /// (`--order created` makes it a candidate).
    NotAVersion,
    /// The tag has no revision (a spec tag with nothing imported, or `items: null`).
    NoRevisions,
    /// One of the `keep` newest matched tags: `rank` (1 = newest) of `of` candidates.
    Newest { rank: usize, of: usize },
    /// No `--keep` was given (`--keep-revisions` alone): no tag is deleted, only the history of
    /// kept tags is trimmed.
    NoKeep,
    /// A pre-release (takes no slot) newer than `newer_than`, the oldest release kept; `None`
    /// when the stream has fewer releases than `--keep`.
    PreRelease { newer_than: Option<String> },
    /// Pinned by [`KEEP_ANNOTATION`]`=true` on its spec tag, or listed in the stream's
    /// [`PINNED_ANNOTATION`].
    Pinned,
    /// Spec tags tagged from it, named relative to its stream (`prod`, `other:prod`,
    /// `ns/other:prod`).
    ReferencedBy { by: Vec<String> },
    /// Workloads using an image in its history (`pod/web-1`, `deployment/web`).
    InUse { by: Vec<String> },
    /// Its current revision is `age` old, younger than `limit`.
    YoungerThan {
        age: SignedDuration,
        limit: SignedDuration,
    },
    /// Another name of the same version (`v1.2.3` for `1.2.3`) is protected, and one version's
    /// names are kept or deleted together.
    SameVersion { as_tag: String },
    /// A release beyond the newest `keep`, unprotected: `rank` of `of` releases.
    Stale { rank: usize, of: usize },
    /// A pre-release older than `older_than`, the oldest release kept (`None`: none is kept),
    /// unprotected.
    StalePreRelease { older_than: Option<String> },
    /// Planned for deletion, but the user deselected it (`prune --interactive`).
    Deselected,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotMatched => f.write_str("not matched"),
            Reason::NotAVersion => f.write_str("not a version (--order created prunes it)"),
            Reason::PreRelease {
                newer_than: Some(v),
            } => write!(f, "pre-release newer than {v}"),
            Reason::PreRelease { newer_than: None } => {
                f.write_str("pre-release (fewer releases than --keep)")
            }
            Reason::SameVersion { as_tag } => write!(f, "same version as {as_tag}"),
            Reason::StalePreRelease {
                older_than: Some(v),
            } => write!(f, "stale pre-release (older than {v})"),
            Reason::StalePreRelease { older_than: None } => f.write_str("stale pre-release"),
            Reason::NoRevisions => f.write_str("no revisions"),
            Reason::Newest { rank, of } => write!(f, "newest {rank} of {of}"),
            Reason::NoKeep => f.write_str("kept (no --keep: only history is trimmed)"),
            Reason::Pinned => write!(f, "pinned ({KEEP_ANNOTATION}=true)"),
            Reason::ReferencedBy { by } => write!(f, "referenced by {}", short_list(by)),
            Reason::InUse { by } => write!(f, "in use by {}", short_list(by)),
            Reason::YoungerThan { age, limit } => write!(
                f,
                "younger than {} ({} old)",
                format_duration(*limit),
                format_age(*age)
            ),
            Reason::Stale { rank, of } => write!(f, "stale ({rank} of {of})"),
            Reason::Deselected => f.write_str("deselected"),
        }
    }
}

/// `a, b, c`, or `a, b, c and 2 more`.
fn short_list(items: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut s = items
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}

/// A history item planned for removal from a kept tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrimmedRevision {
    /// The item's image digest (`sha256:…`).
    pub digest: String,
    /// When the item was recorded.
    pub created: Timestamp,
    /// The item's generation.
    pub generation: i64,
}

/// The decision about one tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagDecision {
    pub tag: String,
    pub action: Action,
    /// All reasons, in the fixed order documented on the module; never empty.
    pub reasons: Vec<Reason>,
    /// The tag as a semver version (without `v`), when it is one.
    pub version: Option<String>,
    /// The current revision's image digest.
    pub digest: Option<String>,
    /// When the current revision was recorded.
    pub created: Option<Timestamp>,
    /// How many revisions the tag's history holds.
    pub revisions: usize,
    /// History items to remove (kept tags with `keep_revisions` only), newest first.
    pub trim: Vec<TrimmedRevision>,
}

impl TagDecision {
    pub fn is_delete(&self) -> bool {
        self.action == Action::Delete
    }

    /// The first reason, the one a table shows when it shows one.
    pub fn reason(&self) -> Option<&Reason> {
        self.reasons.first()
    }

    /// Whether a protection (pin, reference, use, age) applies, besides set membership.
    pub fn is_protected(&self) -> bool {
        self.reasons.iter().any(|r| {
            matches!(
                r,
                Reason::Pinned
                    | Reason::ReferencedBy { .. }
                    | Reason::InUse { .. }
                    | Reason::YoungerThan { .. }
                    | Reason::SameVersion { .. }
            )
        })
    }
}

/// The decisions about one image stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamPlan {
    pub namespace: String,
    pub name: String,
    /// The stream's UID, for the DELETE precondition.
    pub uid: Option<String>,
    /// The resourceVersion read, for the status update that trims history.
    pub resource_version: Option<String>,
    pub tags: Vec<TagDecision>,
    /// The policy it was planned with and where each value came from (`prune --policy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::policy::Effective>,
}

impl StreamPlan {
    pub fn tag(&self, tag: &str) -> Option<&TagDecision> {
        self.tags.iter().find(|t| t.tag == tag)
    }

    pub fn deletions(&self) -> impl Iterator<Item = &TagDecision> {
        self.tags.iter().filter(|t| t.is_delete())
    }

    pub fn delete_count(&self) -> usize {
        self.deletions().count()
    }

    pub fn trim_count(&self) -> usize {
        self.tags.iter().map(|t| t.trim.len()).sum()
    }
}

/// The whole plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub streams: Vec<StreamPlan>,
}

impl Plan {
    /// The tags to delete: (stream, tag, current digest — empty if the tag had none).
    pub fn deletions(&self) -> impl Iterator<Item = (&StreamPlan, &str, &str)> {
        self.streams.iter().flat_map(|s| {
            s.deletions()
                .map(move |t| (s, t.tag.as_str(), t.digest.as_deref().unwrap_or_default()))
        })
    }

    /// The history items to remove: (stream, tag, item).
    pub fn trims(&self) -> impl Iterator<Item = (&StreamPlan, &TagDecision, &TrimmedRevision)> {
        self.streams.iter().flat_map(|s| {
            s.tags
                .iter()
                .flat_map(move |t| t.trim.iter().map(move |r| (s, t, r)))
        })
    }

    pub fn stream(&self, namespace: &str, name: &str) -> Option<&StreamPlan> {
        self.streams
            .iter()
            .find(|s| s.namespace == namespace && s.name == name)
    }

    pub fn delete_count(&self) -> usize {
        self.streams.iter().map(StreamPlan::delete_count).sum()
    }

    pub fn keep_count(&self) -> usize {
        self.streams.iter().map(|s| s.tags.len()).sum::<usize>() - self.delete_count()
    }

    pub fn trim_count(&self) -> usize {
        self.streams.iter().map(StreamPlan::trim_count).sum()
    }

    /// How many streams were planned.
    pub fn stream_count(&self) -> usize {
        self.streams.len()
    }

    /// Whether the plan changes nothing: no deletion, no trim.
    pub fn is_empty(&self) -> bool {
        self.delete_count() == 0 && self.trim_count() == 0
    }
}

/// Plans every stream of `streams` (see the module documentation for the rules).
pub fn build(streams: &[ImageStream], ctx: &Context, opts: &PlanOptions) -> Plan {
    build_each(streams.iter().map(|s| (s, opts)), ctx)
}

/// [`build`] with each stream's own options (its retention policy, see [`crate::policy`]).
pub fn build_each<'a>(
    streams: impl IntoIterator<Item = (&'a ImageStream, &'a PlanOptions)>,
    ctx: &Context,
) -> Plan {
    let mut out: Vec<StreamPlan> = streams
        .into_iter()
        .map(|(s, opts)| plan_stream(s, ctx, opts))
        .collect();
    out.sort_by(|a, b| {
        (&a.namespace, &a.name, &a.uid, &a.resource_version).cmp(&(
            &b.namespace,
            &b.name,
            &b.uid,
            &b.resource_version,
        ))
    });
    Plan { streams: out }
}

struct TagInfo<'a> {
    name: &'a str,
    spec: Option<&'a TagReference>,
    revs: &'a [TagEvent],
    /// `Some` for a candidate's name (see [`TagSelector::key`]).
    key: Option<TagKey>,
}

/// The names of one version (`1.2.3`, `v1.2.3`, `v1.2.3+b.5`), or one tag under
/// `--order created` when it is not a version: they take one slot and share one fate.
struct Group {
    /// Indices into the stream's tags, newest name first.
    members: Vec<usize>,
    /// A semver pre-release under `--order semver`: takes no slot.
    prerelease: bool,
}

/// What a group's membership says, before protections.
enum Membership {
    Newest { rank: usize, of: usize },
    PreRelease { newer_than: Option<String> },
    Stale { rank: usize, of: usize },
    StalePreRelease { older_than: Option<String> },
}

/// The identity of a version's slot: the version without build metadata (which has no
/// precedence), so `1.2.3`, `v1.2.3` and `1.2.3+b.6` are one version.
fn slot_version(key: &TagKey) -> Option<semver::Version> {
    key.version().map(|v| semver::Version {
        build: semver::BuildMetadata::EMPTY,
        ..v.clone()
    })
}

/// Groups the candidates and orders the groups newest first.
fn groups(tags: &[TagInfo], order: Order) -> Vec<Group> {
    let current = |i: usize| tags[i].revs.first().map(|ev| ev.created.0);
    let mut by_slot: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, t) in tags.iter().enumerate() {
        let Some(key) = &t.key else { continue };
        if t.revs.is_empty() {
            continue;
        }
        let slot = match slot_version(key) {
            Some(v) => format!("v\u{0}{v}"),
            None => format!("n\u{0}{}", t.name),
        };
        by_slot.entry(slot).or_default().push(i);
    }
    let mut out: Vec<Group> = by_slot
        .into_values()
        .map(|mut members| {
            members.sort_by(|&a, &b| tags[b].key.cmp(&tags[a].key));
            let prerelease = order == Order::Semver
                && tags[members[0]]
                    .key
                    .as_ref()
                    .and_then(TagKey::version)
                    .is_some_and(|v| !v.pre.is_empty());
            Group {
                members,
                prerelease,
            }
        })
        .collect();
    let newest_time = |g: &Group| g.members.iter().filter_map(|&i| current(i)).max();
    out.sort_by(|a, b| {
        let by_name = tags[b.members[0]].key.cmp(&tags[a.members[0]].key);
        match order {
            Order::Semver => by_name,
            Order::Created => newest_time(b).cmp(&newest_time(a)).then(by_name),
        }
    });
    out
}

/// Which groups the newest `keep` slots hold, and what becomes of the pre-releases.
fn memberships(tags: &[TagInfo], groups: &[Group], keep: usize) -> Vec<Membership> {
    let of = groups.iter().filter(|g| !g.prerelease).count();
    // The oldest release still kept: pre-releases newer than it are kept, older ones are stale.
    // With fewer releases than `keep` no slot is contested and every pre-release stays; with
    // `keep == 0` (which the command line refuses) none does.
    let oldest_kept = match keep {
        0 => Boundary::KeepNone,
        _ if of < keep => Boundary::KeepAll,
        _ => groups
            .iter()
            .filter(|g| !g.prerelease)
            .nth(keep - 1)
            .map(|g| Boundary::Release(tags[g.members[0]].name.to_owned()))
            .unwrap_or(Boundary::KeepAll),
    };
    let mut rank = 0;
    let mut past_oldest = false;
    groups
        .iter()
        .map(|g| {
            if g.prerelease {
                match &oldest_kept {
                    Boundary::KeepAll => Membership::PreRelease { newer_than: None },
                    Boundary::KeepNone => Membership::StalePreRelease { older_than: None },
                    Boundary::Release(v) if !past_oldest => Membership::PreRelease {
                        newer_than: Some(v.clone()),
                    },
                    Boundary::Release(v) => Membership::StalePreRelease {
                        older_than: Some(v.clone()),
                    },
                }
            } else {
                rank += 1;
                if matches!(&oldest_kept, Boundary::Release(v) if v == tags[g.members[0]].name) {
                    past_oldest = true;
                }
                if rank <= keep {
                    Membership::Newest { rank, of }
                } else {
                    Membership::Stale { rank, of }
                }
            }
        })
        .collect()
}

/// Where the kept pre-releases end.
enum Boundary {
    KeepAll,
    KeepNone,
    Release(String),
}

fn plan_stream(s: &ImageStream, ctx: &Context, opts: &PlanOptions) -> StreamPlan {
    let (ns, stream) = (s.namespace(), s.name());

    // Union of status and spec tags, first occurrence of each name.
    let mut status: BTreeMap<&str, &NamedTagEventList> = BTreeMap::new();
    for t in s.status_tags() {
        status.entry(t.tag.as_str()).or_insert(t);
    }
    let mut spec: BTreeMap<&str, &TagReference> = BTreeMap::new();
    for t in s.spec_tags() {
        spec.entry(t.name.as_str()).or_insert(t);
    }
    let names: BTreeSet<&str> = status.keys().chain(spec.keys()).copied().collect();
    let tags: Vec<TagInfo> = names
        .into_iter()
        .map(|name| TagInfo {
            name,
            spec: spec.get(name).copied(),
            revs: status.get(name).map(|t| t.revisions()).unwrap_or_default(),
            key: opts.selector.key(name),
        })
        .collect();
    let pinned_on_stream = stream_pins(s);

    let groups = groups(&tags, opts.selector.order);
    let membership = memberships(&tags, &groups, opts.keep);

    // Some((age, limit)) when the item is younger than keep_younger_than.
    let young = |ev: &TagEvent| -> Option<(SignedDuration, SignedDuration)> {
        let limit = opts.keep_younger_than?;
        let age = opts.now.duration_since(ev.created.0);
        (age < limit).then_some((age, limit))
    };
    let in_use = |digest: &str| -> Option<&Vec<String>> {
        if opts.ignore_in_use || digest.is_empty() {
            None
        } else {
            ctx.in_use
                .digests
                .get(digest)
                .filter(|users| !users.is_empty())
        }
    };
    // Workloads naming the tag itself (pull by tag, image-change triggers).
    let tag_users = |tag: &str| -> Option<&Vec<String>> {
        if opts.ignore_in_use || ctx.in_use.tags.is_empty() {
            return None;
        }
        let key = StreamTag {
            namespace: ns.to_owned(),
            stream: stream.to_owned(),
            tag: tag.to_owned(),
        };
        ctx.in_use.tags.get(&key).filter(|users| !users.is_empty())
    };
    let protections = |t: &TagInfo| -> Vec<Reason> {
        let mut reasons = Vec::new();
        if t.spec.is_some_and(is_pinned) || pinned_on_stream.contains(t.name) {
            reasons.push(Reason::Pinned);
        }
        let mut referrers: Vec<String> = ctx
            .references
            .tag_referrers(ns, stream, t.name)
            .into_iter()
            .chain(
                t.revs
                    .iter()
                    .flat_map(|ev| ctx.references.image_referrers(ns, stream, &ev.image)),
            )
            .map(|r| r.relative_to(ns, stream))
            .collect();
        referrers.sort();
        referrers.dedup();
        if !referrers.is_empty() {
            reasons.push(Reason::ReferencedBy { by: referrers });
        }
        let mut users: Vec<String> = t
            .revs
            .iter()
            .filter_map(|ev| in_use(&ev.image))
            .chain(tag_users(t.name))
            .flatten()
            .cloned()
            .collect();
        users.sort();
        users.dedup();
        if !users.is_empty() {
            reasons.push(Reason::InUse { by: users });
        }
        if let Some((age, limit)) = t.revs.first().and_then(young) {
            reasons.push(Reason::YoungerThan { age, limit });
        }
        reasons
    };
    let protected: Vec<Vec<Reason>> = tags.iter().map(protections).collect();

    // Per tag: its membership reason and whether it is a deletion candidate.
    let mut first: Vec<Option<(Reason, bool)>> = vec![None; tags.len()];
    for (g, m) in groups.iter().zip(&membership) {
        // One version's names share one fate: a protected name keeps them all.
        let keeper = g
            .members
            .iter()
            .find(|&&i| !protected[i].is_empty())
            .map(|&i| tags[i].name.to_owned());
        for &i in &g.members {
            let (reason, stale) = match m {
                // `keep: usize::MAX` is how the caller says there was no --keep.
                Membership::Newest { .. } if opts.keep == usize::MAX => (Reason::NoKeep, false),
                Membership::Newest { rank, of } => (
                    Reason::Newest {
                        rank: *rank,
                        of: *of,
                    },
                    false,
                ),
                Membership::PreRelease { newer_than } => (
                    Reason::PreRelease {
                        newer_than: newer_than.clone(),
                    },
                    false,
                ),
                Membership::Stale { rank, of } => (
                    Reason::Stale {
                        rank: *rank,
                        of: *of,
                    },
                    true,
                ),
                Membership::StalePreRelease { older_than } => (
                    Reason::StalePreRelease {
                        older_than: older_than.clone(),
                    },
                    true,
                ),
            };
            let delete = stale && keeper.is_none();
            first[i] = Some(if stale && !delete {
                (
                    Reason::SameVersion {
                        as_tag: keeper.clone().unwrap_or_default(),
                    },
                    false,
                )
            } else {
                (reason, delete)
            });
        }
    }

    // Candidates newest first (a version's names together), matched tags without revisions
    // among them by name order, then every other tag by name.
    let mut order: Vec<usize> = groups.iter().flat_map(|g| g.members.clone()).collect();
    let mut unrevised: Vec<usize> = (0..tags.len())
        .filter(|&i| tags[i].key.is_some() && tags[i].revs.is_empty())
        .collect();
    unrevised.sort_by(|&a, &b| tags[b].key.cmp(&tags[a].key));
    order.extend(unrevised);
    if opts.selector.order == Order::Semver {
        order.sort_by(|&a, &b| tags[b].key.cmp(&tags[a].key));
    }
    let mut rest: Vec<usize> = (0..tags.len()).filter(|&i| tags[i].key.is_none()).collect();
    rest.sort_by(|&a, &b| tags[a].name.cmp(tags[b].name));
    order.extend(rest);

    let decisions = order
        .into_iter()
        .map(|i| {
            let t = &tags[i];
            let (action, reasons) = match first[i].take() {
                Some((stale, true)) => (Action::Delete, vec![stale]),
                Some((Reason::SameVersion { as_tag }, false)) => {
                    let mut r = protected[i].clone();
                    if r.is_empty() {
                        r.push(Reason::SameVersion { as_tag });
                    }
                    (Action::Keep, r)
                }
                Some((membership, false)) => {
                    let mut r = vec![membership];
                    r.extend(protected[i].iter().cloned());
                    (Action::Keep, r)
                }
                None => {
                    let membership = if t.key.is_some() {
                        Reason::NoRevisions
                    } else if opts.selector.pattern().is_some()
                        && opts.selector.pattern_matches(t.name)
                    {
                        Reason::NotAVersion
                    } else {
                        Reason::NotMatched
                    };
                    let mut r = vec![membership];
                    r.extend(protected[i].iter().cloned());
                    (Action::Keep, r)
                }
            };

            let trim = match (action, opts.keep_revisions) {
                (Action::Keep, Some(n)) => t
                    .revs
                    .iter()
                    .skip(n.max(1))
                    .filter(|ev| {
                        young(ev).is_none()
                            && in_use(&ev.image).is_none()
                            && ctx
                                .references
                                .image_referrers(ns, stream, &ev.image)
                                .is_empty()
                    })
                    .map(|ev| TrimmedRevision {
                        digest: ev.image.clone(),
                        created: ev.created.0,
                        generation: ev.generation,
                    })
                    .collect(),
                _ => Vec::new(),
            };

            let current = t.revs.first();
            TagDecision {
                tag: t.name.to_owned(),
                action,
                reasons,
                version: version::parse(t.name).map(|v| v.to_string()),
                digest: current.map(|ev| ev.image.clone()),
                created: current.map(|ev| ev.created.0),
                revisions: t.revs.len(),
                trim,
            }
        })
        .collect();

    StreamPlan {
        namespace: ns.to_owned(),
        name: stream.to_owned(),
        uid: s.metadata.uid.clone(),
        resource_version: s.metadata.resource_version.clone(),
        tags: decisions,
        policy: None,
    }
}

fn is_pinned(spec: &TagReference) -> bool {
    spec.annotations
        .as_ref()
        .and_then(|a| a.get(KEEP_ANNOTATION))
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The tags the stream's [`PINNED_ANNOTATION`] lists (comma-separated, spaces ignored).
fn stream_pins(s: &ImageStream) -> BTreeSet<&str> {
    s.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(PINNED_ANNOTATION))
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default()
}
