//! Gathering image sizes for `usage` and for the space a prune frees: one
//! `imagestreams/<name>/layers` request per stream (namespace viewers may read it), and
//! `imagestreamimages/<stream>@<digest>` once per distinct image only where that is not enough.

use std::collections::BTreeSet;
use std::sync::Arc;

use kube::Resource;
use kube::api::Api;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Cluster;
use super::errors::{ApiContext, api_error};
use super::retry::{RetryPolicy, with_retries};
use crate::model::{ImageStream, ImageStreamImage, ImageStreamLayers};
use crate::usage::{SizeIndex, suspicious_layer_sizes};

/// The sizes found, and what the user should be told about how they were found.
#[derive(Debug, Default)]
pub struct Sizes {
    pub index: SizeIndex,
    /// One sentence each: streams whose /layers could not be read, images read one by one.
    pub notes: Vec<String>,
}

pub async fn gather(cluster: &Cluster, streams: &[ImageStream], concurrency: usize) -> Sizes {
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
    let mut answers: Vec<(usize, Result<ImageStreamLayers, kube::Error>)> = Vec::new();
    while let Some(Ok(a)) = set.join_next().await {
        answers.push(a);
    }
    answers.sort_by_key(|(i, _)| *i);

    let mut sizes = Sizes::default();
    // (namespace, stream, digest) to read one by one.
    let mut wanted: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut suspicious = 0;
    for (i, answer) in answers {
        let s = &streams[i];
        match answer {
            Ok(l) => {
                let odd = suspicious_layer_sizes(&l);
                suspicious += odd.len();
                sizes.index.add_layers(&l);
                for digest in odd {
                    wanted.insert((s.namespace().to_owned(), s.name().to_owned(), digest));
                }
            }
            Err(e) => {
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
            }
        }
    }
    for s in streams {
        for (stream, digest) in sizes.index.unresolved(std::slice::from_ref(s)) {
            wanted.insert((s.namespace().to_owned(), stream, digest));
        }
    }
    if suspicious > 0 {
        sizes.notes.push(format!(
            "the server's /layers reported identical sizes for every layer of {suspicious} image(s) (a known OpenShift 4.13 bug); read them one by one"
        ));
    }
    // One read per distinct digest: the same image in two streams is the same object.
    let mut seen = BTreeSet::new();
    let wanted: Vec<_> = wanted
        .into_iter()
        .filter(|(_, _, d)| seen.insert(d.clone()))
        .collect();
    let mut set = JoinSet::new();
    for (ns, stream, digest) in wanted {
        let (cluster, permits) = (cluster.clone(), permits.clone());
        set.spawn(async move {
            let _permit = permits.acquire().await;
            let api: Api<ImageStreamImage> = Api::namespaced(cluster.client.clone(), &ns);
            let name = format!("{stream}@{digest}");
            let (res, _) = with_retries(RetryPolicy::default(), || api.get(&name)).await;
            res
        });
    }
    while let Some(Ok(res)) = set.join_next().await {
        // An image that cannot be read stays unsized: the report names it.
        if let Ok(isi) = res {
            sizes.index.add_image(&isi.image);
        }
    }
    sizes
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
