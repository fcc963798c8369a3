//! Reading image streams: one paged LIST, never one request per stream.

use kube::api::{Api, ListParams};

use super::Cluster;
use super::errors::{ApiContext, api_error, no_image_api};
use super::retry::{RetryPolicy, with_retries};
use crate::error::{Error, Result};
use crate::model::ImageStream;

/// Streams per page. Big enough that a namespace is a handful of requests, small enough that a
/// page of large streams (40 tags × 5 revisions each) stays a few MB.
pub const PAGE_SIZE: u32 = 250;

/// Where to look: one namespace or all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Namespace(String),
    All,
}

impl Scope {
    pub fn of(cluster: &Cluster) -> Scope {
        if cluster.all_namespaces {
            Scope::All
        } else {
            Scope::Namespace(cluster.namespace.clone())
        }
    }

    pub fn namespace(&self) -> Option<&str> {
        match self {
            Scope::Namespace(ns) => Some(ns),
            Scope::All => None,
        }
    }
}

/// Lists the image streams matching `selector`, following `continue` tokens. With `names`, only
/// those streams are kept, and a name that matches nothing is an error.
pub async fn list_image_streams(
    cluster: &Cluster,
    scope: &Scope,
    selector: Option<&str>,
    names: &[String],
) -> Result<Vec<ImageStream>> {
    list_image_streams_as(
        cluster,
        scope,
        selector,
        names,
        |s| s,
        |s| (s.namespace(), s.name()),
    )
    .await
}

/// [`list_image_streams`], turning each stream into a `T` as its page arrives, so that only one
/// page of decoded streams is alive at a time. `key` gives a `T`'s (namespace, name).
pub async fn list_image_streams_as<T>(
    cluster: &Cluster,
    scope: &Scope,
    selector: Option<&str>,
    names: &[String],
    convert: impl Fn(ImageStream) -> T,
    key: impl Fn(&T) -> (&str, &str),
) -> Result<Vec<T>> {
    Ok(
        list_at(cluster, scope, selector, names, convert, key, false)
            .await?
            .unwrap_or_default()
            .0,
    )
}

/// Why a namespace of `--namespaces` has no figures.
pub const FORBIDDEN: &str = "forbidden: may not list imagestreams";
/// A namespace that does not exist lists no streams either: the real server answers a LIST in
/// a namespace it does not know with 200 and no items (no 404), and so does the simulator.
pub const EMPTY: &str = "no image streams";

/// The streams of each of `namespaces`, one paged LIST each (as `oc get is -n NS` for each):
/// a namespace the user may not list (403) or that lists no stream is returned with the reason
/// (`(namespace, reason)`) rather than failing the others or silently missing from a report.
/// Any other failure fails the whole read. With `names`, only those streams are kept, and a
/// name found in none of the namespaces is an error.
pub async fn list_image_streams_in(
    cluster: &Cluster,
    namespaces: &[String],
    selector: Option<&str>,
    names: &[String],
) -> Result<(Vec<ImageStream>, Vec<(String, String)>)> {
    let (mut streams, mut unread) = (Vec::new(), Vec::new());
    for ns in namespaces {
        let scope = Scope::Namespace(ns.clone());
        match list_at(
            cluster,
            &scope,
            selector,
            &[],
            |s| s,
            |s| (s.namespace(), s.name()),
            true,
        )
        .await?
        {
            None => unread.push((ns.clone(), FORBIDDEN.to_owned())),
            Some((found, _)) if found.is_empty() => unread.push((ns.clone(), EMPTY.to_owned())),
            Some((found, _)) => streams.extend(
                found
                    .into_iter()
                    .filter(|s| names.is_empty() || names.iter().any(|n| n == s.name())),
            ),
        }
    }
    let missing: Vec<String> = names
        .iter()
        .filter(|n| !streams.iter().any(|s| s.name() == n.as_str()))
        .map(|n| format!("{n:?}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::runtime(format!(
            "image stream{} {} not found in namespaces {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            namespaces.join(", ")
        )));
    }
    streams.sort_by(|a: &ImageStream, b| (a.namespace(), a.name()).cmp(&(b.namespace(), b.name())));
    Ok((streams, unread))
}

/// Every stream of `scope` and the resourceVersion of the LIST, to watch from.
pub async fn list_image_streams_at(
    cluster: &Cluster,
    scope: &Scope,
) -> Result<(Vec<ImageStream>, String)> {
    Ok(list_at(
        cluster,
        scope,
        None,
        &[],
        |s| s,
        |s| (s.namespace(), s.name()),
        false,
    )
    .await?
    .unwrap_or_default())
}

/// `None` for a 403 when `forbidden_ok` (else that is an error as any other).
async fn list_at<T>(
    cluster: &Cluster,
    scope: &Scope,
    selector: Option<&str>,
    names: &[String],
    convert: impl Fn(ImageStream) -> T,
    key: impl Fn(&T) -> (&str, &str),
    forbidden_ok: bool,
) -> Result<Option<(Vec<T>, String)>> {
    let api: Api<ImageStream> = match scope {
        Scope::Namespace(ns) => Api::namespaced(cluster.client.clone(), ns),
        Scope::All => Api::all(cluster.client.clone()),
    };
    let ctx = ApiContext {
        verb: "list",
        resource: "imagestreams",
        group: crate::model::GROUP,
        namespace: scope.namespace(),
        url: &cluster.url,
    };
    let mut params = ListParams::default().limit(PAGE_SIZE);
    if let Some(sel) = selector {
        params = params.labels(sel);
    }
    let mut streams = Vec::new();
    // A paged LIST is one consistent snapshot, at the first page's resourceVersion.
    let mut version = None;
    loop {
        let (page, _) = with_retries(RetryPolicy::default(), || api.list(&params)).await;
        let page = match page {
            Ok(page) => page,
            Err(kube::Error::Api(s)) if s.code == 403 && forbidden_ok => return Ok(None),
            Err(kube::Error::Api(s)) if s.code == 404 => {
                return Err(not_found_on_list(cluster, kube::Error::Api(s), &ctx).await);
            }
            Err(e) => return Err(api_error(e, &ctx)),
        };
        if version.is_none() {
            version = page.metadata.resource_version.clone();
        }
        streams.extend(
            page.items
                .into_iter()
                .filter(|s| names.is_empty() || names.iter().any(|n| n == s.name()))
                .map(&convert),
        );
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !streams.iter().any(|s| key(s).1 == n.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let where_ = match scope {
            Scope::Namespace(ns) => format!("in namespace {ns:?}"),
            Scope::All => "in any namespace".into(),
        };
        let sel = selector
            .map(|s| format!(" matching {s:?}"))
            .unwrap_or_default();
        return Err(Error::runtime(format!(
            "image stream{} {} not found {where_}{sel}",
            if missing.len() == 1 { "" } else { "s" },
            missing
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    streams.sort_by(|a, b| key(a).cmp(&key(b)));
    Ok(Some((streams, version.unwrap_or_default())))
}

/// A 404 on a LIST means the resource type is unknown: tell a non-OpenShift cluster apart.
async fn not_found_on_list(cluster: &Cluster, e: kube::Error, ctx: &ApiContext<'_>) -> Error {
    match cluster
        .client
        .list_api_group_resources(crate::model::API_VERSION)
        .await
    {
        Err(kube::Error::Api(s)) if s.code == 404 => no_image_api(&cluster.url),
        _ => api_error(e, ctx),
    }
}
