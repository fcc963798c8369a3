//! Reading image streams: one paged LIST, never one request per stream.

use kube::api::{Api, ListParams};

use super::Cluster;
use super::errors::{ApiContext, api_error, no_image_api};
use super::retry::{RetryPolicy, with_retries};
use crate::error::{Error, Result};
use crate::model::ImageStream;

/// The first page's streams: few, because a stream may hold thousands of revisions and the
/// page is decoded whole (kube reads a LIST's body, then its items).
pub const FIRST_PAGE: u32 = 50;

/// The most streams a page asks for: kubectl's `--chunk-size` default.
pub const MAX_PAGE: u32 = 500;

/// What a page may carry, in revisions and spec tags: about 10 MB of JSON. Each page after
/// the first asks for as many streams as fit, at the average size seen so far, so that `list`'s
/// memory stays flat whatever the streams hold (#16: 48 MB at 2,000 streams of 40 tags × 5
/// revisions, where 250 streams a page took 106 MB), and a namespace of small streams still
/// takes a request per 500.
pub const ENTRIES_PER_PAGE: u64 = 10_000;

/// The next page's limit, given the streams and entries seen so far.
pub fn next_limit(streams: u64, entries: u64) -> u32 {
    if streams == 0 {
        return MAX_PAGE;
    }
    let per_stream = (entries / streams).max(1);
    (ENTRIES_PER_PAGE / per_stream).clamp(FIRST_PAGE.into(), MAX_PAGE.into()) as u32
}

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
    let (streams, _) = list_at(cluster, scope, selector, names, convert, &key, false)
        .await?
        .unwrap_or_default();
    match missing_names(&streams, names, |s| key(s).1, scope, selector) {
        Some(e) => Err(e),
        None => Ok(streams),
    }
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
pub async fn list_image_streams_in<T>(
    cluster: &Cluster,
    namespaces: &[String],
    selector: Option<&str>,
    names: &[String],
    convert: impl Fn(ImageStream) -> T,
    key: impl Fn(&T) -> (&str, &str),
) -> Result<(Vec<T>, Vec<(String, String)>)> {
    let (mut streams, mut unread) = (Vec::new(), Vec::new());
    for ns in namespaces {
        let scope = Scope::Namespace(ns.clone());
        // `names` is checked across all the namespaces below, not per namespace.
        match list_at(cluster, &scope, selector, &[], &convert, &key, true).await? {
            None => unread.push((ns.clone(), FORBIDDEN.to_owned())),
            Some((found, _)) if found.is_empty() => unread.push((ns.clone(), EMPTY.to_owned())),
            Some((found, _)) => streams.extend(
                found
                    .into_iter()
                    .filter(|s| names.is_empty() || names.iter().any(|n| n == key(s).1)),
            ),
        }
    }
    let where_ = format!("in namespaces {}", namespaces.join(", "));
    if let Some(e) = not_found(&streams, names, |s| key(s).1, &where_, None) {
        return Err(e);
    }
    streams.sort_by(|a, b| key(a).cmp(&key(b)));
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

/// A paged LIST of image streams, one page at a time: what `list` streams through, printing
/// each page before asking for the next, so memory holds one page, not the cluster.
pub struct StreamPages<'a> {
    cluster: &'a Cluster,
    api: Api<ImageStream>,
    params: ListParams,
    namespace: Option<String>,
    /// The LIST's resourceVersion, from its first page: a paged LIST is one consistent
    /// snapshot at that version.
    version: Option<String>,
    done: bool,
    /// A 403 ends the pages (`next` gives `None`) and sets `forbidden`, instead of failing.
    forbidden_ok: bool,
    forbidden: bool,
    /// Streams, and their revisions and spec tags, read so far: what sizes the next page.
    seen: (u64, u64),
}

impl<'a> StreamPages<'a> {
    pub fn new(cluster: &'a Cluster, scope: &Scope, selector: Option<&str>) -> Self {
        let api: Api<ImageStream> = match scope {
            Scope::Namespace(ns) => Api::namespaced(cluster.client.clone(), ns),
            Scope::All => Api::all(cluster.client.clone()),
        };
        let mut params = ListParams::default().limit(FIRST_PAGE);
        if let Some(sel) = selector {
            params = params.labels(sel);
        }
        StreamPages {
            cluster,
            api,
            params,
            namespace: scope.namespace().map(str::to_owned),
            version: None,
            done: false,
            forbidden_ok: false,
            forbidden: false,
            seen: (0, 0),
        }
    }

    /// The next page's streams, in the server's order; `None` after the last page.
    pub async fn next(&mut self) -> Result<Option<Vec<ImageStream>>> {
        if self.done {
            return Ok(None);
        }
        let ctx = ApiContext {
            verb: "list",
            resource: "imagestreams",
            group: crate::model::GROUP,
            namespace: self.namespace.as_deref(),
            url: &self.cluster.url,
        };
        let (page, _) = with_retries(RetryPolicy::default(), || self.api.list(&self.params)).await;
        let page = match page {
            Ok(page) => page,
            Err(kube::Error::Api(s)) if s.code == 403 && self.forbidden_ok => {
                self.done = true;
                self.forbidden = true;
                return Ok(None);
            }
            Err(kube::Error::Api(s)) if s.code == 404 => {
                return Err(not_found_on_list(self.cluster, kube::Error::Api(s), &ctx).await);
            }
            Err(e) => return Err(api_error(e, &ctx)),
        };
        if self.version.is_none() {
            self.version = page.metadata.resource_version.clone();
        }
        self.seen.0 += page.items.len() as u64;
        self.seen.1 += page.items.iter().map(entries).sum::<u64>();
        self.params.limit = Some(next_limit(self.seen.0, self.seen.1));
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => {
                self.params = std::mem::take(&mut self.params).continue_token(&token)
            }
            _ => self.done = true,
        }
        Ok(Some(page.items))
    }

    pub fn resource_version(&self) -> &str {
        self.version.as_deref().unwrap_or_default()
    }
}

/// What a stream weighs in a page: its revisions and spec tags.
fn entries(s: &ImageStream) -> u64 {
    let revisions: usize = s.status_tags().iter().map(|t| t.revisions().len()).sum();
    (revisions + s.spec_tags().len()) as u64
}

/// The streams of `scope` named in `names` (all when empty), each converted as its page
/// arrives; whether every name was found is the caller's to check. `None` for a 403 when
/// `forbidden_ok` (else that is an error as any other).
async fn list_at<T>(
    cluster: &Cluster,
    scope: &Scope,
    selector: Option<&str>,
    names: &[String],
    convert: impl Fn(ImageStream) -> T,
    key: impl Fn(&T) -> (&str, &str),
    forbidden_ok: bool,
) -> Result<Option<(Vec<T>, String)>> {
    let mut pages = StreamPages::new(cluster, scope, selector);
    pages.forbidden_ok = forbidden_ok;
    let mut streams = Vec::new();
    while let Some(page) = pages.next().await? {
        streams.extend(
            page.into_iter()
                .filter(|s| names.is_empty() || names.iter().any(|n| n == s.name()))
                .map(&convert),
        );
    }
    streams.sort_by(|a, b| key(a).cmp(&key(b)));
    if pages.forbidden {
        return Ok(None);
    }
    Ok(Some((streams, pages.resource_version().to_owned())))
}

/// The error for `names` that matched no stream in `found`, if any.
pub fn missing_names<T>(
    found: &[T],
    names: &[String],
    name: impl Fn(&T) -> &str,
    scope: &Scope,
    selector: Option<&str>,
) -> Option<Error> {
    let where_ = match scope {
        Scope::Namespace(ns) => format!("in namespace {ns:?}"),
        Scope::All => "in any namespace".into(),
    };
    not_found(found, names, name, &where_, selector)
}

/// The error for `names` that matched no stream in `found`, found `where_` ("in namespace …").
fn not_found<T>(
    found: &[T],
    names: &[String],
    name: impl Fn(&T) -> &str,
    where_: &str,
    selector: Option<&str>,
) -> Option<Error> {
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !found.iter().any(|s| name(s) == n.as_str()))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return None;
    }
    let sel = selector
        .map(|s| format!(" matching {s:?}"))
        .unwrap_or_default();
    Some(Error::runtime(format!(
        "image stream{} {} not found {where_}{sel}",
        if missing.len() == 1 { "" } else { "s" },
        missing
            .iter()
            .map(|m| format!("{m:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_about_the_same_number_of_entries() {
        // 40 tags × 5 revisions a stream: 50 streams (10,000 entries) a page.
        assert_eq!(next_limit(50, 50 * 200), 50);
        // 4 entries a stream: kubectl's 500.
        assert_eq!(next_limit(50, 200), MAX_PAGE);
        // In between: as many as fit.
        assert_eq!(next_limit(100, 100 * 40), 250);
        // Huge streams never shrink a page below the first page's size, empty ones count as one.
        assert_eq!(next_limit(10, 10 * 100_000), FIRST_PAGE);
        assert_eq!(next_limit(10, 0), MAX_PAGE);
        assert_eq!(next_limit(0, 0), MAX_PAGE);
    }
}
