//! The cluster-wide `images` LIST: many Image objects in a few requests, for readers allowed to
//! list them (cluster-admin, cluster-reader, `system:image-pruner`).
//!
//! Why: a namespace user can size an image only through one `imagestreamimages` GET each, so
//! 10,000 revisions cost 10,000 requests. `oc adm prune images` reads every Image of the cluster
//! through a paged LIST of 5,000 per page (openshift/oc `pkg/cli/admin/prune/images/images.go`,
//! `pager.New(…Images().List…).EachListItem(…, Limit: 5000, …)`); its items are the same Image
//! objects those GETs return (recordings/openshift-4.13 125 and 126: `dockerImageLayers` and
//! `dockerImageMetadata.Size` on both). The LIST covers the whole cluster, not only the images
//! wanted, so it is walked only while it costs fewer round trips than the GETs it replaces:
//! the first page's `remainingItemCount` (126: `"remainingItemCount": 20` at `limit=3`) says how
//! many pages are left. A refused or failed LIST is not an error: the GETs read what it did not.

use kube::api::{Api, ListParams};

use super::Cluster;
use super::retry::{RetryPolicy, with_retries};
use crate::model::SizedImage;
use crate::usage::{Digests, SizeIndex};

/// Items per page, as `oc adm prune images` asks.
pub(crate) const PAGE: u32 = 5000;

/// Whether paging on is cheaper than reading the `unresolved` images one by one, `concurrency`
/// at a time: each page is one round trip, and so is each batch of `concurrency` GETs. Without
/// `remainingItemCount` the rest of the cluster is of unknown size, so it is not walked.
pub(crate) fn worth_paging(
    remaining_items: Option<u64>,
    unresolved: usize,
    concurrency: usize,
) -> bool {
    let Some(remaining) = remaining_items else {
        return false;
    };
    let pages = remaining.div_ceil(u64::from(PAGE));
    let rounds = (unresolved as u64).div_ceil(concurrency.max(1) as u64);
    pages <= rounds
}

/// Whether to try the LIST at all: only when the GETs would take several round trips, since a
/// namespace user's first page is a refused request.
pub(crate) fn worth_trying(wanted: usize, concurrency: usize) -> bool {
    wanted > 2 * concurrency.max(1)
}

/// What a walk of the LIST brought.
pub(crate) struct Walk {
    /// Wanted images added to the index; the caller reads the rest one by one.
    pub found: usize,
    /// The first page was refused (403): the reader may not list images.
    pub refused: bool,
}

/// Pages through the cluster's Images while [`worth_paging`] says so, adding each `wanted` one to
/// `index`.
pub(crate) async fn add_wanted(
    cluster: &Cluster,
    wanted: &Digests,
    concurrency: usize,
    index: &mut SizeIndex,
) -> Walk {
    // Decoded for sizes only: a page of full Images is tens of megabytes.
    let api: Api<SizedImage> = Api::all(cluster.client.clone());
    let mut params = ListParams::default().limit(PAGE);
    // The same bar as the GETs': a page of 5,000 takes a while, and it is the same work.
    let bar = crate::render::progress::bar(wanted.len() as u64, "reading image sizes", true);
    let mut found = 0;
    loop {
        let (page, _) = with_retries(RetryPolicy::default(), || api.list(&params)).await;
        // 403 for a namespace user, or any failure: the GETs take over.
        let page = match page {
            Ok(page) => page,
            Err(kube::Error::Api(s)) if s.code == 403 => {
                return Walk {
                    found,
                    refused: true,
                };
            }
            Err(_) => break,
        };
        for image in page.items {
            if wanted.id(image.digest()).is_some() {
                index.add_image(&image.into_image());
                found += 1;
                bar.inc(1);
            }
        }
        let token = match page.metadata.continue_ {
            Some(token) if !token.is_empty() => token,
            _ => break,
        };
        let remaining = page
            .metadata
            .remaining_item_count
            .and_then(|n| u64::try_from(n).ok());
        if !worth_paging(remaining, wanted.len() - found, concurrency) {
            break;
        }
        params = params.continue_token(&token);
    }
    bar.finish_and_clear();
    Walk {
        found,
        refused: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_only_while_they_are_fewer_round_trips_than_the_reads() {
        // 10,000 images left to read at 64 in flight: 157 rounds; 15,000 more images: 3 pages.
        assert!(worth_paging(Some(15_000), 10_000, 64));
        // 50 images to read: one round; a cluster of 100,000 more images: 20 pages.
        assert!(!worth_paging(Some(100_000), 50, 64));
        // Equal cost pages on (one page holds every image that is left).
        assert!(worth_paging(Some(PAGE as u64), 64, 64));
        assert!(!worth_paging(Some(PAGE as u64 + 1), 64, 64));
        // Nothing left to read: paging on would only cost.
        assert!(!worth_paging(Some(1), 0, 64));
        // An unknown remainder is never walked.
        assert!(!worth_paging(None, 1_000_000, 1));
    }

    #[test]
    fn tries_the_list_only_when_the_reads_take_several_round_trips() {
        assert!(!worth_trying(128, 64));
        assert!(worth_trying(129, 64));
        assert!(worth_trying(3, 1));
        assert!(!worth_trying(0, 0));
    }
}
