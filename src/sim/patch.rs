//! `PATCH`: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic merge patch, applied
//! to the object as the server holds it, then stored through the same update path as `PUT`
//! (kubernetes/apiserver `pkg/endpoints/handlers/patch.go`: patch the versioned JSON, decode it,
//! then `rest.Update`).
//!
//! Server-side apply (`application/apply-patch+yaml`) is not simulated: it is answered 415 with
//! the media types that are, as a server without it does, and kubectl reports that error.
//!
//! The strategic merge patch reads its merge keys and strategies
//! (`x-kubernetes-patch-merge-key`, `x-kubernetes-patch-strategy`) from the OpenAPI schemas the
//! simulator serves ([`super::openapi`]), which are the real server's Go struct tags (openshift/api
//! `image/v1/types.go`: `spec.tags` by `name`, `status.tags` by `tag`).

use serde_json::{Map, Value};

use super::errors;
use super::http::{Shared, Target};
use super::openapi;
use crate::model::{GROUP, ImageStream, ImageStreamTag, Status};

/// Whether `PATCH` is served for the target (else the router's 405 or 404 answers).
pub fn patchable(t: &Target) -> bool {
    t.group == GROUP
        && t.namespace.is_some()
        && t.name.is_some()
        && matches!(
            (t.resource.as_str(), t.sub.as_deref()),
            ("imagestreams", None | Some("status")) | ("imagestreamtags", None)
        )
}

fn decode<T: serde::de::DeserializeOwned>(kind: &str, v: Value) -> Result<T, Status> {
    serde_json::from_value(v).map_err(|e| {
        errors::bad_request(format!(
            "{kind} in version \"v1\" cannot be handled as a {kind}: {e}"
        ))
    })
}

/// The name is the URL's: a patch may not rename (`rest.BeforeUpdate`'s check).
fn same_name(patched: &Value, name: &str) -> Result<(), Status> {
    match patched["metadata"]["name"].as_str() {
        Some(n) if n != name => Err(errors::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({name})"
        ))),
        _ => Ok(()),
    }
}

/// `PATCH` of a [`patchable`] target: read, patch, and store through the `PUT` path, so that
/// resourceVersion, generation, spec tag resolution and watch events are the update's.
pub fn serve(
    shared: &Shared,
    t: &Target,
    query: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, Value) {
    // patch.go `applyPatchToCurrentObject`: with `fieldValidation=Strict`, fields of the patched
    // object that its type does not declare are a 400 (`strict decoding error: …`).
    let strict = |kind: &str, patched: &Value| match openapi::strict(query) {
        true => {
            openapi::strict_error(kind, patched).map_or(Ok(()), |e| Err(errors::bad_request(e)))
        }
        false => Ok(()),
    };
    let r = (|| {
        let pt = PatchType::from_content_type(content_type)?;
        let (Some(ns), Some(name)) = (t.namespace.as_deref(), t.name.as_deref()) else {
            return Err(errors::not_found_path());
        };
        let mut store = shared.store();
        match (t.resource.as_str(), t.sub.as_deref()) {
            ("imagestreams", sub) => {
                let current = serde_json::to_value(store.get_stream(ns, name)?).unwrap_or_default();
                let patched = apply("ImageStream", &current, pt, body)?;
                strict("ImageStream", &patched)?;
                same_name(&patched, name)?;
                let is: ImageStream = decode("ImageStream", patched)?;
                let out = match sub {
                    Some(_) => store.update_stream_status(ns, name, is)?,
                    None => store.update_stream(ns, name, is)?,
                };
                Ok(serde_json::to_value(out).unwrap_or_default())
            }
            _ => {
                let current = serde_json::to_value(store.get_istag(ns, name)?).unwrap_or_default();
                let patched = apply("ImageStreamTag", &current, pt, body)?;
                strict("ImageStreamTag", &patched)?;
                same_name(&patched, name)?;
                let ist: ImageStreamTag = decode("ImageStreamTag", patched)?;
                Ok(serde_json::to_value(store.replace_istag(ns, name, ist)?).unwrap_or_default())
            }
        }
    })();
    match r {
        Ok(v) => (200, v),
        Err(s) => (
            errors::code(&s),
            serde_json::to_value(s).unwrap_or_default(),
        ),
    }
}

/// A patch's media type, as `Content-Type` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
}

/// What `PATCH` accepts here, in the apiserver's order (its 415 lists them).
const ACCEPTED: &str = "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json";

impl PatchType {
    /// The patch type of a `Content-Type` (parameters such as `; charset=utf-8` ignored, as the
    /// apiserver cuts at `;`); 415 for any other.
    pub fn from_content_type(content_type: &str) -> Result<PatchType, Status> {
        match content_type.split(';').next().unwrap_or_default().trim() {
            "application/json-patch+json" => Ok(PatchType::Json),
            "application/merge-patch+json" => Ok(PatchType::Merge),
            "application/strategic-merge-patch+json" => Ok(PatchType::Strategic),
            _ => Err(Status::failure(
                415,
                "UnsupportedMediaType",
                format!(
                    "the body of the request was in an unknown format - accepted media types include: {ACCEPTED}"
                ),
            )),
        }
    }
}

/// Applies `body` to `current`, an object of `kind` (its schema guides a strategic merge).
pub fn apply(kind: &str, current: &Value, pt: PatchType, body: &[u8]) -> Result<Value, Status> {
    match pt {
        PatchType::Json => {
            let ops: Vec<Value> =
                serde_json::from_slice(body).map_err(|e| errors::bad_request(e.to_string()))?;
            json_patch(current, &ops).map_err(|_| {
                // patch.go: a failing operation is `NewGenericServerResponse(422, …)`, whose
                // message is the generic one (the operation's error is not shown).
                let mut s = Status::failure(
                    422,
                    "Invalid",
                    "the server rejected our request due to an error in our request",
                );
                s.details = Some(Default::default());
                s
            })
        }
        PatchType::Merge => {
            let patch: Value =
                serde_json::from_slice(body).map_err(|e| errors::bad_request(e.to_string()))?;
            Ok(merge_patch(current, &patch))
        }
        PatchType::Strategic => {
            let patch: Map<String, Value> = serde_json::from_slice(body).map_err(|e| {
                errors::bad_request(format!(
                    "json: cannot unmarshal into Go value of type map[string]interface {{}}: {e}"
                ))
            })?;
            let mut out = current.as_object().cloned().unwrap_or_default();
            strategic_merge(&mut out, &patch, openapi::kind_schema(kind))
                .map_err(errors::bad_request)?;
            Ok(Value::Object(out))
        }
    }
}

// ---- RFC 7386 ---------------------------------------------------------------------------------

/// JSON merge patch: objects merge, `null` removes, anything else replaces.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.remove(k);
        } else {
            let merged = merge_patch(out.get(k).unwrap_or(&Value::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}

// ---- RFC 6902 ---------------------------------------------------------------------------------

fn pointer(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| format!("invalid JSON pointer {path:?}"))?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn get<'a>(doc: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(doc, |v, t| match v {
        Value::Object(m) => m.get(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

fn parent<'a>(doc: &'a mut Value, path: &[String]) -> Result<&'a mut Value, String> {
    let mut v = doc;
    for t in &path[..path.len() - 1] {
        v = match v {
            Value::Object(m) => m.get_mut(t),
            Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| "doc is missing path".to_owned())?;
    }
    Ok(v)
}

fn add(doc: &mut Value, path: &[String], value: Value) -> Result<(), String> {
    let Some(last) = path.last() else {
        *doc = value;
        return Ok(());
    };
    match parent(doc, path)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) if last == "-" => {
            a.push(value);
            Ok(())
        }
        Value::Array(a) => match last.parse::<usize>() {
            Ok(i) if i <= a.len() => {
                a.insert(i, value);
                Ok(())
            }
            _ => Err(format!("invalid array index {last:?}")),
        },
        _ => Err("doc is missing path".into()),
    }
}

fn remove(doc: &mut Value, path: &[String]) -> Result<Value, String> {
    let last = path.last().ok_or("cannot remove the whole document")?;
    match parent(doc, path)? {
        Value::Object(m) => m.remove(last).ok_or_else(|| "missing key".into()),
        Value::Array(a) => match last.parse::<usize>() {
            Ok(i) if i < a.len() => Ok(a.remove(i)),
            _ => Err(format!("invalid array index {last:?}")),
        },
        _ => Err("doc is missing path".into()),
    }
}

/// JSON patch: the operations in order, all or nothing.
pub fn json_patch(doc: &Value, ops: &[Value]) -> Result<Value, String> {
    let mut doc = doc.clone();
    for op in ops {
        let path = pointer(op["path"].as_str().ok_or("missing path")?)?;
        let from = || pointer(op["from"].as_str().unwrap_or_default());
        let value = || op.get("value").cloned().ok_or("missing value");
        match op["op"].as_str().unwrap_or_default() {
            "add" => add(&mut doc, &path, value()?)?,
            "remove" => {
                remove(&mut doc, &path)?;
            }
            "replace" => {
                remove(&mut doc, &path)?;
                add(&mut doc, &path, value()?)?;
            }
            "move" => {
                let v = remove(&mut doc, &from()?)?;
                add(&mut doc, &path, v)?;
            }
            "copy" => {
                let v = get(&doc, &from()?).cloned().ok_or("missing from")?;
                add(&mut doc, &path, v)?;
            }
            "test" => {
                if get(&doc, &path) != Some(&value()?) {
                    return Err("testing value failed".into());
                }
            }
            other => return Err(format!("unexpected operation {other:?}")),
        }
    }
    Ok(doc)
}

// ---- strategic merge patch --------------------------------------------------------------------

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ORDER: &str = "$setElementOrder/";
const DELETE_PRIMITIVE: &str = "$deleteFromPrimitiveList/";

/// The schema of a map's values: a property's, or `additionalProperties` (label maps).
fn property(schema: Option<&'static Value>, key: &str) -> Option<&'static Value> {
    let s = schema?;
    s["properties"]
        .get(key)
        .or_else(|| s.get("additionalProperties"))
}

/// apimachinery `strategicpatch.mergeMap`, for the directives kubectl sends: `$patch`
/// (`replace`, `delete`, `merge`), `$retainKeys`, `$setElementOrder/<list>`,
/// `$deleteFromPrimitiveList/<list>`; lists merge by their merge key when the schema says so and
/// are replaced otherwise.
pub fn strategic_merge(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    schema: Option<&'static Value>,
) -> Result<(), String> {
    match patch.get(DIRECTIVE).and_then(Value::as_str) {
        None | Some("merge") => {}
        Some("replace") => {
            *original = patch.clone();
            original.remove(DIRECTIVE);
            return Ok(());
        }
        Some("delete") => {
            // Only reached for the top level or a list item; a key's map is removed by its parent.
            original.clear();
            return Ok(());
        }
        Some(other) => return Err(format!("Unknown patch type: {other:?}")),
    }
    if let Some(keep) = patch.get(RETAIN_KEYS) {
        let keep: Vec<&str> = keep
            .as_array()
            .ok_or("invalid $retainKeys: not a list")?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        original.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (k, v) in patch {
        if k == DIRECTIVE || k == RETAIN_KEYS || k.starts_with(SET_ORDER) {
            continue;
        }
        if let Some(list) = k.strip_prefix(DELETE_PRIMITIVE) {
            let gone = v.as_array().ok_or("invalid $deleteFromPrimitiveList")?;
            if let Some(Value::Array(a)) = original.get_mut(list) {
                a.retain(|x| !gone.contains(x));
            }
            continue;
        }
        // `null`, or a map that says `$patch: delete`: the key goes.
        if v.is_null() || v[DIRECTIVE] == "delete" {
            original.remove(k);
            continue;
        }
        let sub = property(schema, k);
        let merged = merge_value(original.get(k), v, sub)?;
        original.insert(k.clone(), merged);
    }
    for (k, order) in patch {
        if let Some(list) = k.strip_prefix(SET_ORDER)
            && let (Some(Value::Array(a)), Some(order)) = (original.get_mut(list), order.as_array())
        {
            let key =
                property(schema, list).and_then(|s| s["x-kubernetes-patch-merge-key"].as_str());
            reorder(a, order, key);
        }
    }
    Ok(())
}

fn merge_value(
    original: Option<&Value>,
    patch: &Value,
    schema: Option<&'static Value>,
) -> Result<Value, String> {
    let resolved = schema.map(openapi::resolve);
    match (original, patch) {
        (Some(Value::Object(o)), Value::Object(p)) => {
            let mut o = o.clone();
            strategic_merge(&mut o, p, resolved)?;
            Ok(Value::Object(o))
        }
        // A key the object lacks: the patch merged into nothing, so that its own directives
        // (`$patch: delete` items, …) are consumed rather than stored.
        (None, Value::Object(p)) => {
            let mut o = Map::new();
            strategic_merge(&mut o, p, resolved)?;
            Ok(Value::Object(o))
        }
        (o, Value::Array(p)) => {
            let strategy = schema
                .and_then(|s| s["x-kubernetes-patch-strategy"].as_str())
                .unwrap_or_default();
            if !strategy.split(',').any(|s| s == "merge") {
                return Ok(Value::Array(strip_items(
                    p,
                    resolved.and_then(|s| s.get("items")),
                )?));
            }
            let key = schema.and_then(|s| s["x-kubernetes-patch-merge-key"].as_str());
            let items = resolved.and_then(|s| s.get("items"));
            let mut out = match o {
                Some(Value::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            merge_list(&mut out, p, key, items)?;
            Ok(Value::Array(out))
        }
        (_, p) => Ok(p.clone()),
    }
}

/// A list that replaces the original: maps in it lose their directives.
fn strip_items(p: &[Value], items: Option<&'static Value>) -> Result<Vec<Value>, String> {
    p.iter()
        .map(|x| merge_value(None, x, items))
        .collect::<Result<_, _>>()
}

fn merge_list(
    out: &mut Vec<Value>,
    patch: &[Value],
    key: Option<&str>,
    items: Option<&'static Value>,
) -> Result<(), String> {
    // `[{"$patch": "replace"}, …]`: the rest of the patch list is the new list.
    if patch.iter().any(|x| x[DIRECTIVE] == "replace") {
        let rest: Vec<Value> = patch
            .iter()
            .filter(|x| x[DIRECTIVE] != "replace")
            .cloned()
            .collect();
        *out = strip_items(&rest, items)?;
        return Ok(());
    }
    for p in patch {
        match (key, p) {
            (Some(key), Value::Object(pm)) => {
                let id = pm.get(key).ok_or_else(|| {
                    format!("map: {p} does not contain declared merge key: {key}")
                })?;
                let pos = out.iter().position(|o| o.get(key) == Some(id));
                if pm.get(DIRECTIVE).and_then(Value::as_str) == Some("delete") {
                    out.retain(|o| o.get(key) != Some(id));
                    continue;
                }
                let merged = merge_value(pos.map(|i| &out[i]), p, items)?;
                match pos {
                    Some(i) => out[i] = merged,
                    None => out.push(merged),
                }
            }
            // A list of primitives with the merge strategy (finalizers): a union.
            (_, x) => {
                if !out.contains(x) {
                    out.push(x.clone());
                }
            }
        }
    }
    Ok(())
}

/// `$setElementOrder`: the listed elements in the given order, the others after them.
fn reorder(list: &mut [Value], order: &[Value], key: Option<&str>) {
    let rank = |x: &Value| {
        order.iter().position(|o| match key {
            Some(k) => o.get(k).is_some() && o.get(k) == x.get(k),
            None => o == x,
        })
    };
    list.sort_by_key(|x| rank(x).unwrap_or(usize::MAX));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_the_rfc_7386_examples() {
        // RFC 7386 appendix A, every row.
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (target, patch, want) in cases {
            assert_eq!(merge_patch(&target, &patch), want, "{target} + {patch}");
        }
    }

    #[test]
    fn json_patch_follows_rfc_6902() {
        let doc = json!({"foo": ["bar", "baz"], "a/b": 1, "m~n": 2});
        let ops = json!([
            {"op": "add", "path": "/foo/1", "value": "qux"},
            {"op": "add", "path": "/foo/-", "value": "end"},
            {"op": "remove", "path": "/a~1b"},
            {"op": "replace", "path": "/m~0n", "value": 3},
            {"op": "copy", "from": "/foo/0", "path": "/first"},
            {"op": "move", "from": "/first", "path": "/moved"},
            {"op": "test", "path": "/moved", "value": "bar"}
        ]);
        let got = json_patch(&doc, ops.as_array().unwrap()).unwrap();
        assert_eq!(
            got,
            json!({"foo": ["bar", "qux", "baz", "end"], "m~n": 3, "moved": "bar"})
        );
        // All or nothing: a failing test or a missing parent is an error, not a partial patch.
        for bad in [
            json!([{"op": "test", "path": "/foo/0", "value": "nope"}]),
            json!([{"op": "add", "path": "/missing/x", "value": 1}]),
            json!([{"op": "remove", "path": "/nope"}]),
            json!([{"op": "replace", "path": "/foo/9", "value": 1}]),
            json!([{"op": "frobnicate", "path": "/foo"}]),
        ] {
            assert!(json_patch(&doc, bad.as_array().unwrap()).is_err(), "{bad}");
        }
    }

    fn stream() -> Value {
        json!({
            "metadata": {"name": "app", "labels": {"a": "1"}, "finalizers": ["x"]},
            "spec": {"lookupPolicy": {"local": false}, "tags": [
                {"name": "v1", "from": {"kind": "DockerImage", "name": "q/a:1"}, "referencePolicy": {"type": "Source"}},
                {"name": "v2", "from": {"kind": "DockerImage", "name": "q/a:2"}}
            ]}
        })
    }

    fn smp(patch: Value) -> Value {
        apply(
            "ImageStream",
            &stream(),
            PatchType::Strategic,
            patch.to_string().as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn strategic_merge_merges_spec_tags_by_name() {
        // What `kubectl apply` sends when a tag changes and one is added: by merge key, the
        // untouched fields of v1 stay.
        let got = smp(json!({"spec": {
            "$setElementOrder/tags": [{"name": "v3"}, {"name": "v1"}, {"name": "v2"}],
            "tags": [{"name": "v1", "from": {"name": "q/a:1.1"}}, {"name": "v3", "from": {"kind": "DockerImage", "name": "q/a:3"}}]
        }}));
        let tags = &got["spec"]["tags"];
        let names: Vec<&str> = tags
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["v3", "v1", "v2"]);
        assert_eq!(
            tags[1],
            json!({"name": "v1", "from": {"kind": "DockerImage", "name": "q/a:1.1"}, "referencePolicy": {"type": "Source"}})
        );
        // A merge patch replaces the list instead.
        let merged = apply(
            "ImageStream",
            &stream(),
            PatchType::Merge,
            br#"{"spec":{"tags":[{"name":"v9"}]}}"#,
        )
        .unwrap();
        assert_eq!(merged["spec"]["tags"], json!([{"name": "v9"}]));
    }

    #[test]
    fn strategic_merge_directives() {
        let got = smp(json!({"spec": {"tags": [{"name": "v1", "$patch": "delete"}]}}));
        assert_eq!(got["spec"]["tags"].as_array().unwrap().len(), 1);
        assert_eq!(got["spec"]["tags"][0]["name"], "v2");

        let got = smp(json!({"spec": {"tags": [{"$patch": "replace"}, {"name": "only"}]}}));
        assert_eq!(got["spec"]["tags"], json!([{"name": "only"}]));

        let got = smp(json!({"spec": {"$patch": "replace", "lookupPolicy": {"local": true}}}));
        assert_eq!(got["spec"], json!({"lookupPolicy": {"local": true}}));
        let got = smp(json!({"spec": {"lookupPolicy": {"$patch": "delete"}}}));
        assert!(got["spec"].get("lookupPolicy").is_none(), "{got}");

        // Finalizers: a primitive list with the merge strategy (ObjectMeta's struct tags).
        let got = smp(json!({"metadata": {"finalizers": ["y"], "labels": {"a": null, "b": "2"}}}));
        assert_eq!(got["metadata"]["finalizers"], json!(["x", "y"]));
        assert_eq!(got["metadata"]["labels"], json!({"b": "2"}));
        let got = smp(json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["x"]}}));
        assert_eq!(got["metadata"]["finalizers"], json!([]));

        // A list item without its merge key is an error (400), as apimachinery's.
        let err = apply(
            "ImageStream",
            &stream(),
            PatchType::Strategic,
            br#"{"spec":{"tags":[{"from":{"name":"x"}}]}}"#,
        )
        .unwrap_err();
        assert_eq!(err.code, Some(400));
        assert!(
            err.message.unwrap().contains("merge key: name"),
            "the merge key is named"
        );
    }

    #[test]
    fn unsupported_media_types_are_415_and_failed_json_patches_422() {
        let e = PatchType::from_content_type("application/apply-patch+yaml").unwrap_err();
        assert_eq!(e.code, Some(415));
        assert_eq!(
            e.message.as_deref(),
            Some(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
            )
        );
        assert!(matches!(
            PatchType::from_content_type("application/merge-patch+json; charset=utf-8"),
            Ok(PatchType::Merge)
        ));
        let e = apply(
            "ImageStream",
            &stream(),
            PatchType::Json,
            br#"[{"op":"test","path":"/metadata/name","value":"other"}]"#,
        )
        .unwrap_err();
        assert_eq!((e.code, e.reason.as_deref()), (Some(422), Some("Invalid")));
    }
}
