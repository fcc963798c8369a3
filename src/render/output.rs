//! Machine output: `-o json|yaml|name`.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::inventory::Inventory;

pub fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Error::runtime(format!("cannot encode JSON: {e}")))
}

pub fn yaml<T: Serialize>(value: &T) -> Result<String> {
    serde_yaml::to_string(value).map_err(|e| Error::runtime(format!("cannot encode YAML: {e}")))
}

/// `imagestreamtag/<stream>:<tag>` per tag with an image, as `kubectl get -o name` prints
/// them, so the output can be fed to `oc delete`; with `-A`, prefixed by the namespace.
pub fn names(inv: &Inventory, with_namespace: bool) -> String {
    let mut out = String::new();
    for s in &inv.items {
        for t in s.tags.iter().filter(|t| !t.revisions.is_empty()) {
            if with_namespace {
                out.push_str(&s.namespace);
                out.push('/');
            }
            out.push_str(&format!("imagestreamtag/{}:{}\n", s.name, t.tag));
        }
    }
    out
}
