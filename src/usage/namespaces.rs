//! `usage --by namespace`: the same accounting, one level up. A namespace is a team: its
//! `unique` bytes are the blobs no other namespace references (what the team alone holds), its
//! `shared` bytes those it shares with other teams (base images, mostly).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::account::{Accounting, MULTI, NONE, claim};
use super::report::{StreamUsage, UnsizedReason, UsageReport};

/// Registry space per namespace, sorted by unique bytes (largest first, ties by name).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceReport {
    /// False when some image could not be sized: every figure is then a lower bound.
    pub complete: bool,
    /// Bytes of all distinct blobs referenced in the report.
    pub total: u64,
    /// Distinct images referenced.
    pub images: usize,
    /// The threshold namespaces were kept above (`--over`), in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over: Option<u64>,
    /// Namespaces left out by `--over`.
    pub under_threshold: usize,
    pub namespaces: Vec<NamespaceUsage>,
    /// Namespaces asked for by name (`--namespaces`) that have no figures, and why: listed,
    /// never silently missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_measured: Vec<UnreadNamespace>,
}

/// A namespace of `--namespaces` that could not be measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnreadNamespace {
    pub namespace: String,
    pub reason: String,
}

impl UnreadNamespace {
    /// `team-x: not measured (forbidden: may not list imagestreams)`.
    pub fn sentence(&self) -> String {
        format!("{}: not measured ({})", self.namespace, self.reason)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceUsage {
    pub namespace: String,
    pub total: u64,
    /// Blobs referenced by this namespace and by no other in the report.
    pub unique: u64,
    pub shared: u64,
    /// Distinct images referenced by the namespace's revisions.
    pub images: usize,
    pub tags: usize,
    /// What could not be measured in this namespace, and why: listed, never silently missing.
    pub not_measured: Vec<NotMeasured>,
    /// Its streams, tags and revisions, as `usage --revisions` shows them.
    pub streams: Vec<StreamUsage>,
}

/// A stream whose images could not all be read: its figures leave those images out.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotMeasured {
    pub stream: String,
    pub images: usize,
    pub reason: String,
}

impl NotMeasured {
    /// `myapp: 3 images not measured (forbidden: may not get imagestreamimages)`.
    pub fn sentence(&self) -> String {
        format!(
            "{}: {} image{} not measured ({})",
            self.stream,
            self.images,
            if self.images == 1 { "" } else { "s" },
            self.reason
        )
    }
}

fn reason_words(r: UnsizedReason) -> &'static str {
    match r {
        UnsizedReason::ImageMissing => "the Image object is gone",
        UnsizedReason::NotFound => "not found under this stream",
        UnsizedReason::Forbidden => "forbidden: may not get imagestreamimages",
        UnsizedReason::Failed => "its read failed",
        UnsizedReason::NotRead => "not read",
    }
}

impl Accounting {
    /// Per namespace totals, unique and shared bytes over the same records as
    /// [`Accounting::report`]; `report` is that report, whose streams are handed to their
    /// namespace. Namespaces whose unique bytes are not above `over` are left out (counted).
    pub fn by_namespace(&self, report: &UsageReport, over: Option<u64>) -> NamespaceReport {
        // Namespace ids, and each namespace's streams (streams of one namespace need not be
        // contiguous in a LIST, so visit them namespace by namespace for the "seen" stamps).
        let mut ns_ids: BTreeMap<&str, u32> = BTreeMap::new();
        let mut ns_streams: Vec<Vec<usize>> = Vec::new();
        for (s, stream) in self.streams.iter().enumerate() {
            let next = ns_ids.len() as u32;
            let id = *ns_ids.entry(stream.namespace.as_str()).or_insert(next);
            if id as usize == ns_streams.len() {
                ns_streams.push(Vec::new());
            }
            ns_streams[id as usize].push(s);
        }
        let nblobs = self.sizes.len();
        let mut owner = vec![NONE; nblobs];
        let mut seen = vec![NONE; nblobs];
        let mut image_seen = vec![NONE; self.images.len()];
        let n = ns_streams.len();
        let (mut total, mut images, mut tags) = (vec![0u64; n], vec![0usize; n], vec![0usize; n]);
        for (ns, streams) in ns_streams.iter().enumerate() {
            let id = ns as u32;
            for &s in streams {
                let stream = &self.streams[s];
                tags[ns] += stream.tags.len();
                for r in stream.revs.clone() {
                    let image = self.revs[r as usize].image;
                    if image_seen[image as usize] != id {
                        image_seen[image as usize] = id;
                        images[ns] += 1;
                    }
                    for &b in &self.images[image as usize].blobs {
                        let b = b as usize;
                        if seen[b] != id {
                            seen[b] = id;
                            total[ns] += self.sizes[b];
                        }
                        claim(&mut owner[b], id);
                    }
                }
            }
        }
        let mut unique = vec![0u64; n];
        for (b, &o) in owner.iter().enumerate() {
            if o < MULTI {
                unique[o as usize] += self.sizes[b];
            }
        }

        let mut by_ns: BTreeMap<&str, Vec<StreamUsage>> = BTreeMap::new();
        for s in &report.streams {
            by_ns
                .entry(s.namespace.as_str())
                .or_default()
                .push(s.clone());
        }
        let mut not_measured: BTreeMap<(&str, &str, &'static str), usize> = BTreeMap::new();
        for u in &report.unsized_images {
            // One count per stream and reason (an image referenced by two tags counts once).
            let mut streams: Vec<(&str, &str)> = u
                .references
                .iter()
                .map(|t| (t.namespace.as_str(), t.stream.as_str()))
                .collect();
            streams.dedup();
            for (ns, stream) in streams {
                *not_measured
                    .entry((ns, stream, reason_words(u.reason)))
                    .or_default() += 1;
            }
        }

        let mut namespaces: Vec<NamespaceUsage> = ns_ids
            .iter()
            .map(|(&name, &id)| {
                let i = id as usize;
                NamespaceUsage {
                    namespace: name.to_owned(),
                    total: total[i],
                    unique: unique[i],
                    shared: total[i] - unique[i],
                    images: images[i],
                    tags: tags[i],
                    not_measured: not_measured
                        .iter()
                        .filter(|((ns, _, _), _)| *ns == name)
                        .map(|((_, stream, reason), &images)| NotMeasured {
                            stream: (*stream).to_owned(),
                            images,
                            reason: (*reason).to_owned(),
                        })
                        .collect(),
                    streams: by_ns.remove(name).unwrap_or_default(),
                }
            })
            .collect();
        namespaces.sort_by(|a, b| {
            b.unique
                .cmp(&a.unique)
                .then_with(|| a.namespace.cmp(&b.namespace))
        });
        let all = namespaces.len();
        if let Some(over) = over {
            namespaces.retain(|n| n.unique > over);
        }
        NamespaceReport {
            complete: report.complete,
            total: report.total,
            images: report.images,
            over,
            under_threshold: all - namespaces.len(),
            namespaces,
            not_measured: Vec::new(),
        }
    }
}
