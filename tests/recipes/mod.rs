//! Reading the deploy/ recipes in tests: their YAML documents, one by kind (and name), and the
//! (apiGroup, resource, verb) permissions a Role or ClusterRole grants.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use serde_yaml::Value;

/// (apiGroup, resource, verb).
pub type Perm = (String, String, String);

/// The YAML documents of `deploy/<file>` (`file` may name a subdirectory: `platform/rbac.yaml`).
pub fn docs(file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect()
}

/// The first document of `kind`.
pub fn find<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    find_named(docs, kind, None)
}

/// The first document of `kind` (named `name`, when given).
pub fn find_named<'a>(docs: &'a [Value], kind: &str, name: Option<&str>) -> &'a Value {
    docs.iter()
        .find(|d| {
            d["kind"].as_str() == Some(kind)
                && name.is_none_or(|n| d["metadata"]["name"].as_str() == Some(n))
        })
        .unwrap_or_else(|| panic!("no {kind} {name:?}"))
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Every permission `role` grants; a wildcard fails the test (least privilege).
pub fn permissions(role: &Value) -> BTreeSet<Perm> {
    let mut out = BTreeSet::new();
    for rule in role["rules"].as_sequence().unwrap() {
        for g in strings(&rule["apiGroups"]) {
            for r in strings(&rule["resources"]) {
                for v in strings(&rule["verbs"]) {
                    assert!(
                        g != "*" && r != "*" && v != "*",
                        "no wildcards in a least-privilege role"
                    );
                    out.insert((g.clone(), r.clone(), v));
                }
            }
        }
    }
    out
}
