//! The accounting: who references which blob, with interned integer ids throughout.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use super::digests::Digests;
use super::index::{BlobId, SizeIndex, Unsized};
use super::report::{RevisionUsage, StreamUsage, TagRef, TagUsage, UnsizedImage, UsageReport};
use super::streams::UsageStreams;
use crate::model::{ImageStream, Time};

/// What a prune would remove: whole streams, whole tags, and single revisions. Names that do not
/// match anything in the accounting are ignored.
///
/// Streams are named by namespace and name (a stream without a namespace has namespace `""`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Removal {
    streams: BTreeSet<(String, String)>,
    tags: BTreeSet<(String, String, String)>,
    revisions: BTreeSet<(String, String, String, String)>,
}

impl Removal {
    pub fn new() -> Self {
        Self::default()
    }

    /// Removes a whole stream.
    pub fn stream(&mut self, namespace: &str, stream: &str) -> &mut Self {
        self.streams.insert((namespace.into(), stream.into()));
        self
    }

    /// Removes a whole tag with its history (`oc delete istag`).
    pub fn tag(&mut self, namespace: &str, stream: &str, tag: &str) -> &mut Self {
        self.tags
            .insert((namespace.into(), stream.into(), tag.into()));
        self
    }

    /// Removes the history items of `tag` whose image is `digest` (revision pruning).
    pub fn revision(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        digest: &str,
    ) -> &mut Self {
        self.revisions
            .insert((namespace.into(), stream.into(), tag.into(), digest.into()));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.streams.is_empty() && self.tags.is_empty() && self.revisions.is_empty()
    }
}

/// The accounting of a set of streams against a [`SizeIndex`], resolved once: it produces the
/// [`UsageReport`] and answers [`Accounting::freed_by`] for any number of candidate removals.
#[derive(Clone, Debug)]
pub struct Accounting {
    // Fields are visible to `namespaces`, which accounts the same records per namespace.
    pub(super) streams: Vec<StreamRec>,
    pub(super) tags: Vec<TagRec>,
    pub(super) revs: Vec<RevRec>,
    pub(super) images: Vec<ImageRec>,
    /// Per local blob id: its size.
    pub(super) sizes: Vec<u64>,
    /// Per local blob id: how many revisions reference it.
    pub(super) refs: Vec<u32>,
    pub(super) stream_ids: HashMap<(String, String), u32>,
    pub(super) unsized_parts: Vec<UnsizedImage>,
    /// The images' digests: an image's id is its digest's.
    pub(super) digests: Digests,
}

#[derive(Clone, Debug)]
pub(super) struct StreamRec {
    pub(super) namespace: String,
    pub(super) name: String,
    pub(super) tags: Range<u32>,
    /// All revisions of all its tags (they are contiguous).
    pub(super) revs: Range<u32>,
}

#[derive(Clone, Debug)]
pub(super) struct TagRec {
    pub(super) name: Box<str>,
    pub(super) revs: Range<u32>,
}

#[derive(Clone, Debug)]
pub(super) struct RevRec {
    pub(super) index: u32,
    pub(super) image: u32,
    pub(super) created: Time,
}

#[derive(Clone, Debug)]
pub(super) struct ImageRec {
    /// Distinct local blob ids.
    pub(super) blobs: Box<[u32]>,
    pub(super) sized: bool,
}

pub(super) const NONE: u32 = u32::MAX;
pub(super) const MULTI: u32 = u32::MAX - 1;

/// Records that `id` references a blob whose sole owner so far is `owner`.
pub(super) fn claim(owner: &mut u32, id: u32) {
    if *owner == NONE {
        *owner = id;
    } else if *owner != id {
        *owner = MULTI;
    }
}

fn id32(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 - 2 entities")
}

impl Accounting {
    /// Resolves every revision (status tag history item) of the streams against the index.
    /// History items without an image digest are skipped.
    pub fn new(streams: &[ImageStream], index: &SizeIndex) -> Self {
        Self::of(UsageStreams::from_streams(streams), index)
    }

    /// [`Accounting::new`] of streams already in compact form, which it takes over: its records
    /// are the compact ones, flattened, and its image ids the interned digests' ids.
    pub fn of(streams: UsageStreams, index: &SizeIndex) -> Self {
        let UsageStreams { digests, streams } = streams;
        let mut acc = Accounting {
            streams: Vec::with_capacity(streams.len()),
            tags: Vec::new(),
            revs: Vec::new(),
            images: Vec::with_capacity(digests.len()),
            sizes: Vec::new(),
            refs: Vec::new(),
            stream_ids: HashMap::with_capacity(streams.len()),
            unsized_parts: Vec::new(),
            digests,
        };
        // Index blob id → local blob id (only blobs actually referenced get one).
        let mut local: Vec<u32> = vec![NONE; index.blob_count()];
        let mut unsized_parts: BTreeMap<(String, Unsized, Option<String>), BTreeSet<TagRef>> =
            BTreeMap::new();
        let mut unsized_of_image: Vec<Vec<(String, Unsized, Option<String>)>> =
            Vec::with_capacity(acc.digests.len());
        // Every interned digest is some revision's image: resolve each once.
        for id in 0..id32(acc.digests.len()) {
            let resolved = index.resolve(&acc.digests.get(id).to_string());
            let blobs = resolved
                .blobs
                .iter()
                .map(|&b: &BlobId| {
                    let slot = &mut local[b as usize];
                    if *slot == NONE {
                        *slot = id32(acc.sizes.len());
                        acc.sizes.push(index.size(b));
                        acc.refs.push(0);
                    }
                    *slot
                })
                .collect();
            acc.images.push(ImageRec {
                blobs,
                sized: resolved.unsized_parts.is_empty(),
            });
            unsized_of_image.push(resolved.unsized_parts);
        }

        for stream in streams {
            let stream_id = id32(acc.streams.len());
            let tags_start = id32(acc.tags.len());
            let stream_revs_start = id32(acc.revs.len());
            for tag in stream.tags {
                let revs_start = id32(acc.revs.len());
                for rev in tag.revisions {
                    for part in &unsized_of_image[rev.image as usize] {
                        unsized_parts
                            .entry(part.clone())
                            .or_default()
                            .insert(TagRef {
                                namespace: stream.namespace.to_string(),
                                stream: stream.name.to_string(),
                                tag: tag.name.to_string(),
                            });
                    }
                    for &b in acc.images[rev.image as usize].blobs.iter() {
                        acc.refs[b as usize] += 1;
                    }
                    acc.revs.push(RevRec {
                        index: rev.index,
                        image: rev.image,
                        created: rev.created,
                    });
                }
                acc.tags.push(TagRec {
                    name: tag.name,
                    revs: revs_start..id32(acc.revs.len()),
                });
            }
            acc.streams.push(StreamRec {
                namespace: stream.namespace.to_string(),
                name: stream.name.to_string(),
                tags: tags_start..id32(acc.tags.len()),
                revs: stream_revs_start..id32(acc.revs.len()),
            });
            acc.stream_ids
                .entry((stream.namespace.into(), stream.name.into()))
                .or_insert(stream_id);
        }

        acc.unsized_parts = unsized_parts
            .into_iter()
            .map(|((image, reason, manifest_list), refs)| UnsizedImage {
                image,
                reason,
                manifest_list,
                references: refs.into_iter().collect(),
            })
            .collect();
        acc
    }

    /// Bytes of all distinct blobs referenced by any revision.
    pub fn total(&self) -> u64 {
        self.sizes
            .iter()
            .zip(&self.refs)
            .filter(|(_, r)| **r > 0)
            .map(|(s, _)| s)
            .sum()
    }

    /// The report: per stream, tag and revision, sorted by unique bytes.
    pub fn report(&self) -> UsageReport {
        let nblobs = self.sizes.len();
        let (mut rev_owner, mut tag_owner, mut stream_owner) =
            (vec![NONE; nblobs], vec![NONE; nblobs], vec![NONE; nblobs]);
        let (mut tag_seen, mut stream_seen) = (vec![NONE; nblobs], vec![NONE; nblobs]);
        let mut image_tag_seen = vec![NONE; self.images.len()];
        let mut image_stream_seen = vec![NONE; self.images.len()];

        let mut rev_total = vec![0u64; self.revs.len()];
        let mut tag_total = vec![0u64; self.tags.len()];
        let mut stream_total = vec![0u64; self.streams.len()];
        let mut tag_images = vec![(0usize, 0usize); self.tags.len()];
        let mut stream_images = vec![(0usize, 0usize); self.streams.len()];

        // Pass 1: totals (distinct blobs per entity, via "last seen by" stamps, since the
        // revisions of a tag and the tags of a stream are contiguous) and sole owners.
        for (s, stream) in self.streams.iter().enumerate() {
            let s = s as u32;
            for t in stream.tags.clone() {
                for r in self.tags[t as usize].revs.clone() {
                    let rev = &self.revs[r as usize];
                    let image = &self.images[rev.image as usize];
                    for &b in &image.blobs {
                        let (bi, size) = (b as usize, self.sizes[b as usize]);
                        rev_total[r as usize] += size;
                        if tag_seen[bi] != t {
                            tag_seen[bi] = t;
                            tag_total[t as usize] += size;
                        }
                        if stream_seen[bi] != s {
                            stream_seen[bi] = s;
                            stream_total[s as usize] += size;
                        }
                        claim(&mut rev_owner[bi], r);
                        claim(&mut tag_owner[bi], t);
                        claim(&mut stream_owner[bi], s);
                    }
                    let unsized_parts = usize::from(!image.sized);
                    let i = rev.image as usize;
                    if image_tag_seen[i] != t {
                        image_tag_seen[i] = t;
                        tag_images[t as usize].0 += 1;
                        tag_images[t as usize].1 += unsized_parts;
                    }
                    if image_stream_seen[i] != s {
                        image_stream_seen[i] = s;
                        stream_images[s as usize].0 += 1;
                        stream_images[s as usize].1 += unsized_parts;
                    }
                }
            }
        }

        // Pass 2: unique bytes go to the sole owner at each level.
        let mut rev_unique = vec![0u64; self.revs.len()];
        let mut tag_unique = vec![0u64; self.tags.len()];
        let mut stream_unique = vec![0u64; self.streams.len()];
        let mut total = 0;
        for (b, &size) in self.sizes.iter().enumerate() {
            if self.refs[b] == 0 {
                continue;
            }
            total += size;
            for (owner, unique) in [
                (rev_owner[b], &mut rev_unique),
                (tag_owner[b], &mut tag_unique),
                (stream_owner[b], &mut stream_unique),
            ] {
                if owner < MULTI {
                    unique[owner as usize] += size;
                }
            }
        }

        let mut streams: Vec<StreamUsage> = self
            .streams
            .iter()
            .enumerate()
            .map(|(s, stream)| {
                let mut tags: Vec<TagUsage> = stream
                    .tags
                    .clone()
                    .map(|t| {
                        let tag = &self.tags[t as usize];
                        let mut revisions: Vec<RevisionUsage> = tag
                            .revs
                            .clone()
                            .map(|r| {
                                let rev = &self.revs[r as usize];
                                let image = &self.images[rev.image as usize];
                                let (total, unique) =
                                    (rev_total[r as usize], rev_unique[r as usize]);
                                RevisionUsage {
                                    index: rev.index as usize,
                                    image: self.digests.get(rev.image).to_string(),
                                    created: rev.created.clone(),
                                    total,
                                    unique,
                                    shared: total - unique,
                                    sized: image.sized,
                                }
                            })
                            .collect();
                        revisions
                            .sort_by(|a, b| b.unique.cmp(&a.unique).then(a.index.cmp(&b.index)));
                        let (total, unique) = (tag_total[t as usize], tag_unique[t as usize]);
                        TagUsage {
                            tag: tag.name.to_string(),
                            total,
                            unique,
                            shared: total - unique,
                            images: tag_images[t as usize].0,
                            unsized_images: tag_images[t as usize].1,
                            revisions,
                        }
                    })
                    .collect();
                tags.sort_by(|a, b| b.unique.cmp(&a.unique).then_with(|| a.tag.cmp(&b.tag)));
                let (total, unique) = (stream_total[s], stream_unique[s]);
                StreamUsage {
                    namespace: stream.namespace.clone(),
                    name: stream.name.clone(),
                    total,
                    unique,
                    shared: total - unique,
                    images: stream_images[s].0,
                    unsized_images: stream_images[s].1,
                    tags,
                }
            })
            .collect();
        streams.sort_by(|a, b| {
            b.unique
                .cmp(&a.unique)
                .then_with(|| a.namespace.cmp(&b.namespace))
                .then_with(|| a.name.cmp(&b.name))
        });

        UsageReport {
            complete: self.unsized_parts.is_empty(),
            total,
            images: self.images.len(),
            streams,
            unsized_images: self.unsized_parts.clone(),
        }
    }

    /// Bytes no longer referenced by any remaining revision once `removed` is gone: what the
    /// removal frees in the API's view (the registry pruner reclaims them later).
    pub fn freed_by(&self, removed: &Removal) -> u64 {
        let mut gone = vec![false; self.revs.len()];
        let mut mark = |range: Range<u32>| {
            for r in range {
                gone[r as usize] = true;
            }
        };
        let find_tag = |ns: &str, stream: &str, tag: &str| -> Option<u32> {
            let s = *self.stream_ids.get(&(ns.to_owned(), stream.to_owned()))?;
            self.streams[s as usize]
                .tags
                .clone()
                .find(|&t| &*self.tags[t as usize].name == tag)
        };
        for (ns, stream) in &removed.streams {
            if let Some(&s) = self.stream_ids.get(&(ns.clone(), stream.clone())) {
                mark(self.streams[s as usize].revs.clone());
            }
        }
        for (ns, stream, tag) in &removed.tags {
            if let Some(t) = find_tag(ns, stream, tag) {
                mark(self.tags[t as usize].revs.clone());
            }
        }
        for (ns, stream, tag, digest) in &removed.revisions {
            if let Some(t) = find_tag(ns, stream, tag) {
                let Some(image) = self.digests.id(digest) else {
                    continue;
                };
                for r in self.tags[t as usize].revs.clone() {
                    if self.revs[r as usize].image == image {
                        gone[r as usize] = true;
                    }
                }
            }
        }

        let mut removed_refs = vec![0u32; self.sizes.len()];
        for (r, _) in gone.iter().enumerate().filter(|(_, g)| **g) {
            for &b in &self.images[self.revs[r].image as usize].blobs {
                removed_refs[b as usize] += 1;
            }
        }
        removed_refs
            .iter()
            .zip(&self.refs)
            .zip(&self.sizes)
            .filter(|((gone, all), _)| **gone > 0 && *gone == *all)
            .map(|(_, size)| size)
            .sum()
    }
}

/// The usage report of `streams`, sized by `sizes`.
pub fn account(streams: &[ImageStream], sizes: &SizeIndex) -> UsageReport {
    Accounting::new(streams, sizes).report()
}

/// Bytes freed (no longer referenced by any remaining tag or revision) by `removed`. To weigh
/// several candidate removals, build an [`Accounting`] once and call [`Accounting::freed_by`].
pub fn freed_by(streams: &[ImageStream], sizes: &SizeIndex, removed: &Removal) -> u64 {
    Accounting::new(streams, sizes).freed_by(removed)
}
