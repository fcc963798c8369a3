//! `prune`'s policy stage, between gather and plan: each stream's decision (plan it with its
//! options, or skip it), the per-stream plan, and what is said about the skipped ones.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use super::{Decision, Effective, Problem, Resolver, Source, fetch, skip_warning};
use crate::cli::Prune;
use crate::cluster::{Cluster, Scope};
use crate::model::ImageStream;
use crate::plan::{self, Plan, PlanOptions};

/// A stream the run does not prune, and why (in `prune -o json` as `skippedStreams`).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub namespace: String,
    pub name: String,
    /// `disabled` or `malformed`.
    pub reason: &'static str,
    /// For `disabled`: where it was said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Source>,
    /// For `malformed`: whose annotation, and what is wrong with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// Each planned stream's decision.
pub struct Policies {
    pub resolver: Arc<Resolver>,
    decisions: Vec<Decision>,
    pub skipped: Vec<Skipped>,
}

/// Decides the policy of each of `streams`; reads their namespaces' annotations with `--policy`.
pub async fn resolve(
    cluster: &Cluster,
    scope: &Scope,
    p: &Prune,
    streams: &[ImageStream],
    now: Timestamp,
) -> Policies {
    let namespaces = if p.policy {
        let names: BTreeSet<String> = streams.iter().map(|s| s.namespace().to_owned()).collect();
        fetch::namespace_layers(cluster, scope, &names).await
    } else {
        Default::default()
    };
    let resolver = Resolver {
        with_policy: p.policy,
        flags: (*p.flags).clone(),
        namespaces,
        ignore_in_use: p.ignore_in_use,
    };
    decide_all(resolver, streams, now)
}

/// The pure part of [`resolve`].
pub fn decide_all(resolver: Resolver, streams: &[ImageStream], now: Timestamp) -> Policies {
    let decisions: Vec<Decision> = streams
        .iter()
        .map(|s| resolver.decide(s.namespace(), s.metadata.annotations.as_ref(), now))
        .collect();
    let skipped = streams
        .iter()
        .zip(&decisions)
        .filter_map(|(s, d)| {
            let base = |reason| Skipped {
                namespace: s.namespace().to_owned(),
                name: s.name().to_owned(),
                reason,
                from: None,
                on: None,
                problem: None,
            };
            match d {
                Decision::Plan(..) => None,
                Decision::Disabled(e) => Some(Skipped {
                    from: Some(e.disabled.from),
                    ..base("disabled")
                }),
                Decision::Malformed { on, problem } => Some(Skipped {
                    on: Some(*on),
                    problem: Some(problem.clone()),
                    ..base("malformed")
                }),
            }
        })
        .collect();
    Policies {
        resolver: Arc::new(resolver),
        decisions,
        skipped,
    }
}

impl Policies {
    /// The plan of the streams not skipped, each with its own options (and, with `--policy`,
    /// its policy and the sources on the stream's plan).
    pub fn build(&self, streams: &[ImageStream], ctx: &plan::Context) -> Plan {
        let planned: Vec<(&ImageStream, &PlanOptions, &Effective)> = streams
            .iter()
            .zip(&self.decisions)
            .filter_map(|(s, d)| match d {
                Decision::Plan(o, e) => Some((s, &**o, &**e)),
                _ => None,
            })
            .collect();
        let mut plan = plan::build_each(planned.iter().map(|(s, o, _)| (*s, *o)), ctx);
        if self.resolver.with_policy {
            for sp in &mut plan.streams {
                sp.policy = planned
                    .iter()
                    .find(|(s, _, _)| s.namespace() == sp.namespace && s.name() == sp.name)
                    .map(|(_, _, e)| (*e).clone());
            }
        }
        plan
    }

    /// One line per skipped stream: a warning for a malformed policy, a note for `disabled`.
    pub fn messages(&self) -> Vec<(bool, String)> {
        self.skipped
            .iter()
            .map(|s| match (&s.on, &s.problem) {
                (Some(on), Some(p)) => (true, skip_warning(&s.namespace, &s.name, *on, p)),
                _ => (
                    false,
                    format!(
                        "Not pruning image stream {}/{}: {}disabled=true ({}).",
                        s.namespace,
                        s.name,
                        super::PREFIX,
                        s.from.map_or("".into(), |f| f.to_string())
                    ),
                ),
            })
            .collect()
    }

    /// How many streams were skipped for a malformed policy (the run then exits 1).
    pub fn malformed(&self) -> usize {
        self.skipped.iter().filter(|s| s.problem.is_some()).count()
    }

    /// Why a stream is skipped, for a confirmed deletion in it.
    pub fn skip_reason(&self, namespace: &str, name: &str) -> Option<String> {
        self.skipped
            .iter()
            .find(|s| s.namespace == namespace && s.name == name)
            .map(|s| match &s.problem {
                Some(p) => format!("its policy is now malformed: {p}"),
                None => "its policy now says disabled".to_owned(),
            })
    }
}

/// Per stream, the policy it was planned with: `ns/app: keep 3 from imagestream annotation, …`.
pub fn policy_text(plan: &Plan) -> String {
    let mut out = String::new();
    for s in &plan.streams {
        if let Some(e) = &s.policy {
            out.push_str(&format!(
                "Policy of {}/{}: {}.\n",
                s.namespace,
                s.name,
                e.lines_that_say()
            ));
        }
    }
    out
}
