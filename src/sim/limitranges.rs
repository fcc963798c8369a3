//! `limitranges` (core v1): the simulated cluster has none. `oc adm prune images` lists them
//! first (`GET /api/v1/limitranges`), and `kubectl get limitranges` asks in a namespace; both get
//! an empty `LimitRangeList` as the real server answers (recording 234): no kind on items, since
//! there are none, and the list's resourceVersion is the store's current one.

use serde_json::{Value, json};

use super::errors;
use crate::model::Status;

/// The list, in a namespace or across all (the same: empty).
pub fn list(resource_version: u64) -> Value {
    json!({
        "kind": "LimitRangeList",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": resource_version.to_string()},
        "items": []
    })
}

/// `GET limitranges/<name>`: there is none of any name.
pub fn get(name: &str) -> Status {
    errors::not_found("limitranges", "", name)
}
