//! What `restore` does to each tag, decided without I/O: from the journal and the streams as
//! they are now; and, after the re-created revisions were read back, which images survived.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::journal::JournalTag;
use crate::model::{ImageStream, ImageStreamLayers, TagEvent};

/// What happens to one journal tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Action {
    /// Re-create it: its revisions oldest first, then its spec tag.
    Restore,
    /// `--force` over a tag that exists now: the journal's revisions go on top of its
    /// `current` revisions, which stay below them.
    OnTop { current: usize },
    /// A tag of that name exists now: left alone (`--force` restores on top of it).
    Exists,
    /// Its image stream no longer exists: a mapping cannot create one.
    StreamGone,
}

/// One tag and what happens to it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    #[serde(flatten)]
    pub tag: JournalTag,
    pub action: Action,
}

impl Step {
    pub fn writes(&self) -> bool {
        matches!(self.action, Action::Restore | Action::OnTop { .. })
    }
}

/// The journal's tags that `--tags` names (`stream:tag` or `namespace/stream:tag`); all of
/// them without it. A name the journal does not hold is a usage error.
pub fn select(tags: &[JournalTag], wanted: Option<&[String]>) -> Result<Vec<JournalTag>> {
    let Some(wanted) = wanted else {
        return Ok(tags.to_vec());
    };
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for w in wanted {
        let hits: Vec<&JournalTag> = tags
            .iter()
            .filter(|t| t.name(false) == *w || t.name(true) == *w)
            .collect();
        if hits.is_empty() {
            unknown.push(w.as_str());
        }
        out.extend(hits.into_iter().cloned());
    }
    if !unknown.is_empty() {
        let held: Vec<String> = tags.iter().map(|t| t.name(false)).collect();
        return Err(Error::usage(format!(
            "the journal holds no tag {}; it holds {}",
            unknown.join(", "),
            if held.is_empty() {
                "none".to_owned()
            } else {
                held.join(", ")
            }
        )));
    }
    out.sort_by(|a, b| (&a.namespace, &a.stream, &a.tag).cmp(&(&b.namespace, &b.stream, &b.tag)));
    out.dedup_by(|a, b| (&a.namespace, &a.stream, &a.tag) == (&b.namespace, &b.stream, &b.tag));
    Ok(out)
}

/// Decides every tag against the streams as they are now (`streams`: every stream of the
/// journal's namespaces that exists).
pub fn decide(tags: &[JournalTag], streams: &[ImageStream], force: bool) -> Vec<Step> {
    tags.iter()
        .map(|t| {
            let stream = streams
                .iter()
                .find(|s| s.namespace() == t.namespace && s.name() == t.stream);
            let action = match stream {
                None => Action::StreamGone,
                Some(s) if s.spec_tag(&t.tag).is_some() || s.status_tag(&t.tag).is_some() => {
                    if force {
                        Action::OnTop {
                            current: s.status_tag(&t.tag).map_or(0, |l| l.revisions().len()),
                        }
                    } else {
                        Action::Exists
                    }
                }
                Some(_) => Action::Restore,
            };
            Step {
                tag: t.clone(),
                action,
            }
        })
        .collect()
}

/// The revisions to POST, oldest first (the server puts each new one on top, so the history
/// comes back in its order); items without a digest have nothing to map.
pub fn oldest_first(revisions: &[TagEvent]) -> Vec<&TagEvent> {
    revisions
        .iter()
        .rev()
        .filter(|e| !e.image.is_empty())
        .collect()
}

/// Of `digests`, those whose Image came back empty: after the image pruner reclaimed an
/// Image, a mapping creates a new one without layers, config or manifests (recording
/// openshift-4.13-round2/223: `layers: null, config: null`). A digest `/layers` does not list,
/// or lists as missing, is not there either.
pub fn reclaimed<'a>(digests: &[&'a str], layers: &ImageStreamLayers) -> BTreeSet<&'a str> {
    let images = layers.images.as_ref();
    digests
        .iter()
        .copied()
        .filter(|d| match images.and_then(|m| m.get(*d)) {
            None => true,
            Some(r) => {
                r.image_missing
                    || (r.layers.as_ref().is_none_or(Vec::is_empty)
                        && r.config.is_none()
                        && r.manifests.as_ref().is_none_or(Vec::is_empty))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn jtag(stream: &str, tag: &str, digests: &[&str]) -> JournalTag {
        JournalTag {
            namespace: "ns".into(),
            stream: stream.into(),
            tag: tag.into(),
            stream_uid: None,
            revisions: digests
                .iter()
                .map(|d| TagEvent {
                    created: crate::model::Time("2026-01-01T00:00:00Z".parse().unwrap()),
                    docker_image_reference: format!("r/ns/{stream}@{d}"),
                    image: (*d).into(),
                    generation: 1,
                })
                .collect(),
            spec: None,
        }
    }

    fn stream(name: &str, tags: &[&str]) -> ImageStream {
        let tags: Vec<serde_json::Value> = tags
            .iter()
            .map(|t| serde_json::json!({"tag": t, "items": [{"created": "2026-01-01T00:00:00Z", "image": "sha256:x", "dockerImageReference": "r"}]}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "ns"},
            "status": {"dockerImageRepository": "r", "tags": tags}
        }))
        .unwrap()
    }

    #[test]
    fn select_by_name_and_refuse_unknown_names() {
        let tags = [jtag("app", "v1", &["a"]), jtag("app", "v2", &["b"])];
        let got = select(&tags, Some(&["ns/app:v2".to_owned()])).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].tag, "v2");
        let e = select(&tags, Some(&["app:v9".to_owned()])).unwrap_err();
        assert_eq!(e.code, crate::error::exit::USAGE);
        assert_eq!(
            e.message,
            "the journal holds no tag app:v9; it holds app:v1, app:v2"
        );
    }

    #[test]
    fn empty_images_are_reclaimed_full_ones_are_not() {
        // The shapes of recordings round2/218 (full) and 223 (empty).
        let layers: ImageStreamLayers = serde_json::from_value(serde_json::json!({
            "images": {
                "sha256:full": {"imageMissing": false, "layers": ["sha256:l"], "config": "sha256:c"},
                "sha256:empty": {"imageMissing": false, "layers": null, "config": null},
                "sha256:list": {"imageMissing": false, "layers": null, "config": null, "manifests": ["sha256:m"]},
                "sha256:gone": {"imageMissing": true, "layers": null, "config": null}
            }
        }))
        .unwrap();
        let got = reclaimed(
            &[
                "sha256:full",
                "sha256:empty",
                "sha256:list",
                "sha256:gone",
                "sha256:unlisted",
            ],
            &layers,
        );
        let want: BTreeSet<&str> = ["sha256:empty", "sha256:gone", "sha256:unlisted"].into();
        assert_eq!(got, want);
    }

    proptest! {
        /// Each selected tag gets exactly one step; an existing tag is written only with
        /// --force; a missing stream is never written; the POST order is the history reversed.
        #[test]
        fn decisions(
            journal in proptest::collection::btree_set(("[ab]", "v[0-4]"), 0..8),
            existing in proptest::collection::btree_set(("[ab]", "v[0-4]"), 0..8),
            streams_exist in proptest::collection::btree_set("[ab]", 0..3),
            force: bool,
            n in 1usize..4,
        ) {
            let digests: Vec<String> = (0..n).map(|i| format!("sha256:{i}")).collect();
            let refs: Vec<&str> = digests.iter().map(String::as_str).collect();
            let tags: Vec<JournalTag> =
                journal.iter().map(|(s, t)| jtag(s, t, &refs)).collect();
            let streams: Vec<ImageStream> = streams_exist
                .iter()
                .map(|s| {
                    let held: Vec<&str> = existing
                        .iter()
                        .filter(|(es, _)| es == s)
                        .map(|(_, t)| t.as_str())
                        .collect();
                    stream(s, &held)
                })
                .collect();
            let steps = decide(&tags, &streams, force);
            prop_assert_eq!(steps.len(), tags.len());
            for (step, t) in steps.iter().zip(&tags) {
                prop_assert_eq!(&step.tag, t);
                let has_stream = streams_exist.contains(&t.stream);
                let exists = has_stream && existing.contains(&(t.stream.clone(), t.tag.clone()));
                match &step.action {
                    Action::StreamGone => prop_assert!(!has_stream),
                    Action::Exists => prop_assert!(exists && !force),
                    Action::OnTop { current } => prop_assert!(exists && force && *current == 1),
                    Action::Restore => prop_assert!(has_stream && !exists),
                }
            }
            let first = tags.first().map(|t| t.revisions.clone()).unwrap_or_default();
            let order: Vec<&str> = oldest_first(&first).iter().map(|e| e.image.as_str()).collect();
            let mut want: Vec<&str> = if tags.is_empty() { vec![] } else { refs.clone() };
            want.reverse();
            prop_assert_eq!(order, want);
        }
    }
}
