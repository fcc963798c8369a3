//! Gathering image sizes for `usage` and for the space a prune frees.
//!
//! The method, and why: sizes come only from Image objects, read through
//! `imagestreamimages/<stream>@<digest>` (a namespace user's only per-image read; `images` is
//! cluster-scoped), once per distinct image, at most `--concurrency` in flight and fewer while
//! the server answers 429 (`window`: a namespace user's 10,000 reads for 500 streams take
//! 10,000 ÷ in-flight round trips, so the default is high, 128, over one HTTP/2 connection,
//! and it is the server that says when that is too many). When there are many to
//! read and the reader may list `images`, the cluster-wide LIST pages them in first, as long as
//! that takes fewer round trips (`all_images`); the GETs read whatever it did not bring.
//! - `imagestreams/<name>/layers` sizes cannot be trusted on OpenShift 4.13–4.16: every blob an
//!   image is the first to bring into the answer carries the size of that image's last layer,
//!   in an order that changes per request (recordings/openshift-4.13-layers). A version rule
//!   (`/version`'s `gitVersion`) or a consistency check could tell when `/layers` is right, but
//!   neither would save a request: `/layers` never reports the config blob's size (the apiserver's
//!   layer cache keeps no size for it), and the config is part of what the registry stores and
//!   `dockerImageMetadata.Size` counts. Exact totals need every image's Image on every version.
//! - `/layers` is still read by `prune`, one request per stream in scope, for *membership*: a
//!   blob of a deleted image is freed only if no remaining image references it, and the images
//!   that remain need not be read for that. Only the images a plan may free are read.
//!
//! A refused read (403) is not retried through another route: the images stay unsized, one
//! note per namespace names the permission, and the report says it is incomplete.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use kube::Resource;
use kube::api::Api;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Cluster;
use super::all_images;
use super::errors::{ApiContext, api_error};
use super::retry::{RetryPolicy, with_retries};
use super::window::{Throttling, Window};
use crate::model::{ImageStream, ImageStreamLayers, SizedStreamImage};
use crate::usage::{DigestId, Digests, SizeIndex, UnsizedReason, UsageStreams};

/// The sizes found, and what the user should be told about how they were found.
#[derive(Debug, Default)]
pub struct Sizes {
    pub index: SizeIndex,
    /// One sentence each: reads that were refused or failed, layers that could not be read.
    pub notes: Vec<String>,
    /// Set when the reader may not list images: how many images were read with a GET each
    /// instead (the figures are the same).
    pub read_one_by_one: Option<usize>,
    /// Set when the server answered reads with 429: the figures are the same, only slower.
    pub throttled: Option<Throttling>,
}

impl Sizes {
    /// What would have spared the GETs, for a reader of the whole cluster (`-A`): a namespace
    /// user cannot be granted `list images`, which is cluster-scoped, so is not told.
    /// And how much the server throttled the reads.
    pub fn hints(&self, cluster_wide: bool) -> Vec<String> {
        let one_by_one = self.read_one_by_one.filter(|_| cluster_wide).map(|n| {
            format!(
                "note: cannot list images (403 Forbidden), so {} are read one by one; `list images` (image.openshift.io, cluster-wide) would read them {} per request",
                crate::render::plan::plural(n, "image"),
                all_images::PAGE
            )
        });
        let throttled = self.throttled.map(|t| {
            format!(
                "note: the server throttled {} (429 Too Many Requests): they were retried, with as few as {} in flight (--concurrency sets the most)",
                crate::render::plan::plural(t.refused as usize, "image read"),
                t.lowest
            )
        });
        one_by_one.into_iter().chain(throttled).collect()
    }
}

/// What `usage` needs: every image the streams' revisions reference, read.
pub async fn of_streams(cluster: &Cluster, streams: &UsageStreams, concurrency: usize) -> Sizes {
    let streams: Vec<StreamImages> = streams
        .streams()
        .iter()
        .map(|s| StreamImages {
            namespace: s.namespace(),
            name: s.name(),
            images: ImagesOf::Compact(streams, s),
        })
        .collect();
    let mut sizes = Sizes::default();
    read_images(cluster, &streams, None, concurrency, &mut sizes).await;
    sizes
}

/// One stream's revisions' images, read from whichever form the caller holds.
struct StreamImages<'a> {
    namespace: &'a str,
    name: &'a str,
    images: ImagesOf<'a>,
}

enum ImagesOf<'a> {
    /// `prune`'s decoded streams.
    Decoded(&'a ImageStream),
    /// `usage`'s compact form, whose digests are ids (text only while a round looks at them).
    Compact(&'a UsageStreams, &'a crate::usage::UsageStream),
}

impl ImagesOf<'_> {
    /// Each revision's image digest (repeats and empty ones included).
    fn digests(&self) -> Vec<Cow<'_, str>> {
        match self {
            ImagesOf::Decoded(s) => s
                .status_tags()
                .iter()
                .flat_map(|t| t.revisions())
                .map(|r| Cow::Borrowed(r.image.as_str()))
                .collect(),
            ImagesOf::Compact(all, s) => all
                .images_of(s)
                .map(|d| Cow::Owned(d.to_string()))
                .collect(),
        }
    }
}

/// What a prune needs: which blobs every image in scope references (`/layers`, one request per
/// stream), and the Images of `candidates` (digests the plan may free).
pub async fn for_removal(
    cluster: &Cluster,
    streams: &[ImageStream],
    candidates: &BTreeSet<String>,
    concurrency: usize,
) -> Sizes {
    let mut sizes = Sizes::default();
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut set = JoinSet::new();
    for (i, s) in streams.iter().enumerate() {
        let (cluster, permits) = (cluster.clone(), permits.clone());
        let (ns, name) = (s.namespace().to_owned(), s.name().to_owned());
        set.spawn(async move {
            let _permit = permits.acquire().await;
            (i, layers(&cluster, &ns, &name).await)
        });
    }
    // Each answer is indexed as it arrives (its blobs interned) and dropped: at `-A` on a
    // platform the decoded answers of every stream were most of prune's memory. Membership
    // does not depend on the order; the notes are put back in the streams' order.
    let bar = crate::render::progress::bar(streams.len() as u64, "reading layers", true);
    let mut failed: Vec<(usize, kube::Error)> = Vec::new();
    while let Some(Ok((i, answer))) = set.join_next().await {
        bar.inc(1);
        match answer {
            Ok(l) => sizes.index.add_layers(&l),
            Err(e) => failed.push((i, e)),
        }
    }
    bar.finish_and_clear();
    failed.sort_by_key(|(i, _)| *i);
    // Streams whose membership is unknown: all their images are read instead.
    let mut blind: BTreeSet<(String, String)> = BTreeSet::new();
    for (i, e) in failed {
        let s = &streams[i];
        let ctx = ApiContext {
            verb: "get",
            resource: "imagestreams/layers",
            group: crate::model::GROUP,
            namespace: Some(s.namespace()),
            url: &cluster.url,
        };
        sizes.notes.push(format!(
            "could not read the layers of {}/{}, reading its images one by one: {}",
            s.namespace(),
            s.name(),
            api_error(e, &ctx)
        ));
        blind.insert((s.namespace().to_owned(), s.name().to_owned()));
    }
    let wanted = |ns: &str, stream: &str, digest: &str| {
        candidates.contains(digest) || blind.contains(&(ns.to_owned(), stream.to_owned()))
    };
    let streams: Vec<StreamImages> = streams
        .iter()
        .map(|s| StreamImages {
            namespace: s.namespace(),
            name: s.name(),
            images: ImagesOf::Decoded(s),
        })
        .collect();
    read_images(cluster, &streams, Some(&wanted), concurrency, &mut sizes).await;
    sizes
}

type Wanted<'a> = &'a dyn Fn(&str, &str, &str) -> bool;

/// Reads the Images of the streams' revisions that `wanted` selects (all when `None`), then the
/// child manifests of manifest lists among them, each distinct digest once.
async fn read_images(
    cluster: &Cluster,
    streams: &[StreamImages<'_>],
    wanted: Option<Wanted<'_>>,
    concurrency: usize,
    sizes: &mut Sizes,
) {
    // Namespaces that refused a read: the rest of their reads are not sent.
    let refused: Arc<Mutex<HashSet<String>>> = Arc::default();
    // Each digest asked for, once; a batch names (stream, digest) by ids, since a cluster's
    // batch is every image it has (#16: no string triple per image).
    let mut attempted = Digests::new();
    let mut failures: Vec<String> = Vec::new();
    let mut forbidden: BTreeMap<String, usize> = BTreeMap::new();
    // Up to `concurrency` tasks, each attempt of theirs inside the window.
    let window = Window::new(concurrency);
    // Round 1 reads the revisions' images; each later round the children of the manifest lists
    // read in the one before (a list of lists does not exist; the bound guards against cycles).
    for round in 0..4 {
        let mut batch: Vec<(usize, DigestId)> = Vec::new();
        for (i, s) in streams.iter().enumerate() {
            let images = s.images.digests();
            let unresolved = sizes
                .index
                .unresolved_in(s.name, images.iter().map(|d| d.as_ref()));
            for (stream, digest, revision) in unresolved {
                // A manifest list's children are wanted with it.
                if attempted.id(&digest).is_none()
                    && wanted.is_none_or(|w| w(s.namespace, &stream, &revision))
                {
                    batch.push((i, attempted.intern(&digest).0));
                }
            }
        }
        // Round 1's batch is every digest attempted so far.
        if round == 0 && all_images::worth_trying(batch.len(), concurrency) {
            let walk =
                all_images::add_wanted(cluster, &attempted, concurrency, &mut sizes.index).await;
            if walk.found > 0 {
                batch.retain(|&(_, d)| !sizes.index.knows_key(&attempted.get(d).to_key()));
            }
            if walk.refused {
                sizes.read_one_by_one = Some(batch.len());
            }
        }
        if batch.is_empty() {
            break;
        }
        let bar = crate::render::progress::bar(batch.len() as u64, "reading image sizes", true);
        // At most `concurrency` reads in flight, and no more spawned: a task per image of the
        // cluster at once would hold them all.
        let mut pending = batch.into_iter();
        let mut set = JoinSet::new();
        loop {
            while set.len() < concurrency.max(1) {
                let Some((i, d)) = pending.next() else {
                    break;
                };
                let (ns, stream) = (streams[i].namespace.to_owned(), streams[i].name.to_owned());
                let digest = attempted.get(d).to_string();
                let (cluster, refused, window) = (cluster.clone(), refused.clone(), window.clone());
                set.spawn(async move {
                    // Whether the namespace refused a read is asked once there is room to send
                    // one, and a refusal is recorded before its room is given back: the reads
                    // waiting for room are not sent.
                    let first = window.slot().await;
                    if lock(&refused).contains(&ns) {
                        return (ns, digest, Read::Refused);
                    }
                    let api: Api<SizedStreamImage> = Api::namespaced(cluster.client.clone(), &ns);
                    let name = format!("{stream}@{digest}");
                    let (api, name, window, refused, ns_ref) =
                        (&api, &name, &window, &refused, &ns);
                    let mut first = Some(first);
                    let (res, _) = with_retries(RetryPolicy::default(), || {
                        let first = first.take();
                        async move {
                            let slot = match first {
                                Some(slot) => slot,
                                None => window.slot().await,
                            };
                            let res = api.get(name).await;
                            let code = match &res {
                                Err(kube::Error::Api(s)) => s.code,
                                _ => 0,
                            };
                            if code == 403 {
                                lock(refused).insert(ns_ref.clone());
                            }
                            slot.answered(code == 429);
                            res
                        }
                    })
                    .await;
                    let read = match res {
                        Ok(isi) => Read::Image(Box::new(isi)),
                        Err(kube::Error::Api(s)) if s.code == 403 => Read::Refused,
                        Err(kube::Error::Api(s)) if s.code == 404 => {
                            // `images.image.openshift.io "sha256:…" not found`: the Image is
                            // gone; otherwise the stream does not list the digest (any more).
                            if s.message.contains("images.image.openshift.io") {
                                Read::Gone(UnsizedReason::ImageMissing)
                            } else {
                                Read::Gone(UnsizedReason::NotFound)
                            }
                        }
                        Err(e) => {
                            let ctx = ApiContext {
                                verb: "get",
                                resource: "imagestreamimages",
                                group: crate::model::GROUP,
                                namespace: Some(&ns),
                                url: &cluster.url,
                            };
                            Read::Failed(api_error(e, &ctx).to_string())
                        }
                    };
                    (ns, digest, read)
                });
            }
            let Some(Ok((ns, digest, read))) = set.join_next().await else {
                break;
            };
            bar.inc(1);
            match read {
                Read::Image(isi) => sizes.index.add_image(&isi.image.into_image()),
                Read::Refused => {
                    *forbidden.entry(ns).or_default() += 1;
                    sizes.index.add_unsized(&digest, UnsizedReason::Forbidden);
                }
                Read::Gone(why) => sizes.index.add_unsized(&digest, why),
                Read::Failed(why) => {
                    failures.push(why);
                    sizes.index.add_unsized(&digest, UnsizedReason::Failed);
                }
            }
        }
        bar.finish_and_clear();
    }
    sizes.throttled = window.throttling();
    for (ns, n) in forbidden {
        sizes.notes.push(format!(
            "cannot get imagestreamimages in namespace {ns} (403 Forbidden): {} not sized, so the figures below are incomplete (lower bounds); sizes need `get imagestreamimages` (image.openshift.io)",
            crate::render::plan::plural(n, "image")
        ));
    }
    if let Some(first) = failures.first() {
        sizes.notes.push(format!(
            "could not read {}, so the figures below are incomplete (lower bounds): {first}",
            crate::render::plan::plural(failures.len(), "image")
        ));
    }
}

enum Read {
    Image(Box<SizedStreamImage>),
    Refused,
    Gone(UnsizedReason),
    Failed(String),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn layers(cluster: &Cluster, ns: &str, name: &str) -> Result<ImageStreamLayers, kube::Error> {
    let path = ImageStream::url_path(&(), Some(ns));
    let (res, _) = with_retries(RetryPolicy::default(), || async {
        let req = kube::core::Request::new(path.clone())
            .get_subresource("layers", name)
            .map_err(kube::Error::BuildRequest)?;
        cluster.client.request::<ImageStreamLayers>(req).await
    })
    .await;
    res
}
