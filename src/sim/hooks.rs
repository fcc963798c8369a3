//! Deterministic, one-shot interventions keyed on the n-th request that matches a method and a
//! path substring: change the store first (`Sim::on_request`), or apply the request and then
//! reset the connection without an answer (`Sim::drop_response_after_apply`).

use super::store::Store;

/// What a hook does when its request arrives.
pub enum Action {
    /// Runs on the store before the request's latency and handling.
    Run(Box<dyn FnOnce(&mut Store) + Send>),
    /// The request is applied, then the connection is reset without an answer.
    ResetAfterApply,
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Run(_) => f.write_str("Run(..)"),
            Action::ResetAfterApply => f.write_str("ResetAfterApply"),
        }
    }
}

#[derive(Debug)]
struct Hook {
    method: String,
    path_contains: String,
    /// Fires on the n-th matching request (1-based).
    n: usize,
    seen: usize,
    action: Option<Action>,
}

/// The armed hooks of a simulator.
#[derive(Debug, Default)]
pub struct Hooks(Vec<Hook>);

impl Hooks {
    pub fn add(&mut self, method: &str, path_contains: &str, n: usize, action: Action) {
        self.0.push(Hook {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            n: n.max(1),
            seen: 0,
            action: Some(action),
        });
    }

    /// Counts one arriving request against every armed hook and returns the actions due now,
    /// in the order they were added. Fired hooks are dropped.
    pub fn arrive(&mut self, method: &str, path: &str) -> Vec<Action> {
        let mut due = Vec::new();
        for h in &mut self.0 {
            if h.method.eq_ignore_ascii_case(method) && path.contains(h.path_contains.as_str()) {
                h.seen += 1;
                if h.seen == h.n
                    && let Some(a) = h.action.take()
                {
                    due.push(a);
                }
            }
        }
        self.0.retain(|h| h.action.is_some());
        due
    }

    /// Hooks not fired yet.
    pub fn pending(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_once_on_the_nth_match() {
        let mut h = Hooks::default();
        h.add("DELETE", "/imagestreamtags/", 2, Action::ResetAfterApply);
        h.add(
            "delete",
            "/imagestreamtags/",
            1,
            Action::Run(Box::new(|_| {})),
        );
        assert!(h.arrive("GET", "/x/imagestreamtags/a:b").is_empty());
        let first = h.arrive("DELETE", "/x/imagestreamtags/a:b");
        assert!(matches!(first.as_slice(), [Action::Run(_)]));
        assert_eq!(h.pending(), 1);
        assert!(h.arrive("DELETE", "/x/imagestreams/a").is_empty());
        let second = h.arrive("DELETE", "/x/imagestreamtags/a:c");
        assert!(matches!(second.as_slice(), [Action::ResetAfterApply]));
        assert_eq!(h.pending(), 0);
        assert!(h.arrive("DELETE", "/x/imagestreamtags/a:d").is_empty());
    }
}
