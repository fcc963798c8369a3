//! `/openapi/v3` and `/openapi/v2`, which the real kubectl reads before `create -f`/`apply -f`
//! (is `fieldValidation` a PATCH parameter of the kind? then validation is the server's) and to
//! compute `apply`'s strategic merge patches (`x-kubernetes-patch-merge-key`).
//!
//! The v3 document is a subset of recording 236 (see `openapi-subset.py` next to it): the paths
//! of image.openshift.io and the schemas they reference, as recorded. The same schemas drive the
//! simulator's own strategic merge patches ([`super::patch`]), so the merge keys kubectl reads
//! and the ones the server applies cannot drift apart.
//!
//! kubectl 1.27 asks only v2, as protobuf (client-go `OpenAPISchema`: gnostic `openapi_v2.Document`),
//! and its field-validation check reads nothing but the PATCH operations' query parameters and
//! `x-kubernetes-group-version-kind` (kubectl `resource.supportsQueryParam`). The recordings
//! have no v2 document, so v2 is derived from the v3 one and holds just that: the PATCH
//! operations with those parameters and extensions, no definitions. Without definitions kubectl
//! 1.27's `apply` finds no schema for the kind and sends JSON merge patches, which the simulator
//! serves too (the real server's full v2 would make it a strategic merge patch).

use std::sync::OnceLock;

use serde_json::{Value, json};
use sha2::Digest as _;

/// The group version whose document is served, as the index names it.
pub const IMAGE_GV: &str = "apis/image.openshift.io/v1";

const IMAGE_DOC: &str =
    include_str!("../../tests/fixtures/openshift-4.13-round2/236-openapi-v3-image.subset.json");

struct Doc {
    value: Value,
    hash: String,
}

fn image_doc() -> &'static Doc {
    static DOC: OnceLock<Doc> = OnceLock::new();
    DOC.get_or_init(|| {
        // kube-openapi's `/openapi/v3` hashes each document with SHA-512, upper-case hex.
        let hash = sha2::Sha512::digest(IMAGE_DOC.as_bytes())
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        Doc {
            value: serde_json::from_str(IMAGE_DOC).expect("the openapi subset is JSON"),
            hash,
        }
    })
}

/// The image.openshift.io/v1 OpenAPI v3 document.
pub fn image_document() -> &'static Value {
    &image_doc().value
}

/// An answer under `/openapi`.
pub struct Answer {
    pub code: u16,
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub cache_control: &'static str,
}

const JSON: &str = "application/json";
/// What client-go asks `/openapi/v2` for.
pub const V2_PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/// What kube-openapi answers it with: the `@` of the accepted form is not a valid media type
/// (Go's `mime.ParseMediaType` rejects it, and client-go with it).
pub const V2_PROTOBUF_ANSWER: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

fn json_answer(code: u16, v: &Value, cache_control: &'static str) -> Answer {
    Answer {
        code,
        body: v.to_string().into_bytes(),
        content_type: JSON,
        cache_control,
    }
}

/// What `GET <path>?<query>` answers under `/openapi`, for a client that accepts `accept`.
pub fn answer(path: &str, query: &str, accept: &str, image_api: bool) -> Answer {
    let p = path.trim_end_matches('/');
    let doc = image_doc();
    match p {
        "/openapi/v3" => {
            let mut paths = serde_json::Map::new();
            if image_api {
                paths.insert(
                    IMAGE_GV.to_owned(),
                    json!({"serverRelativeURL": format!("/openapi/v3/{IMAGE_GV}?hash={}", doc.hash)}),
                );
            }
            json_answer(200, &json!({ "paths": paths }), "no-cache, private")
        }
        _ if image_api && p.strip_prefix("/openapi/v3/") == Some(IMAGE_GV) => {
            // kube-openapi: a URL with the current hash may be cached for ever.
            let current = query
                .split('&')
                .any(|kv| kv.strip_prefix("hash=") == Some(doc.hash.as_str()));
            let cache = if current {
                "public, immutable"
            } else {
                "no-cache, private"
            };
            Answer {
                code: 200,
                body: IMAGE_DOC.as_bytes().to_vec(),
                content_type: JSON,
                cache_control: cache,
            }
        }
        "/openapi/v2" => {
            let v2 = v2_document(image_api);
            if accept.contains(V2_PROTOBUF) || accept.contains(V2_PROTOBUF_ANSWER) {
                Answer {
                    code: 200,
                    body: v2_protobuf(&v2),
                    content_type: V2_PROTOBUF_ANSWER,
                    cache_control: "no-cache, private",
                }
            } else {
                json_answer(200, &v2, "no-cache, private")
            }
        }
        _ => json_answer(
            404,
            &serde_json::to_value(super::errors::not_found_path()).unwrap_or_default(),
            "no-cache, private",
        ),
    }
}

/// The v2 (Swagger 2.0) form of the v3 document's PATCH operations: query parameters and
/// vendor extensions only (see the module's comment).
pub fn v2_document(image_api: bool) -> Value {
    let mut paths = serde_json::Map::new();
    let v3 = image_document();
    for (path, item) in v3["paths"].as_object().into_iter().flatten() {
        let op = &item["patch"];
        if !image_api || op.is_null() {
            continue;
        }
        let params: Vec<Value> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .map(|p| {
                json!({"name": p["name"], "in": "query", "description": p["description"],
                    "type": p["schema"]["type"], "uniqueItems": true})
            })
            .collect();
        let consumes: Vec<&String> = op["requestBody"]["content"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
            .collect();
        let mut patch = json!({
            "description": op["description"],
            "consumes": consumes,
            "produces": ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
            "operationId": op["operationId"],
            "parameters": params,
        });
        for (k, v) in op.as_object().into_iter().flatten() {
            if k.starts_with("x-") {
                patch[k] = v.clone();
            }
        }
        paths.insert(path.clone(), json!({ "patch": patch }));
    }
    json!({"swagger": "2.0", "info": {"title": v3["info"]["title"], "version": v3["info"]["version"]},
        "paths": paths})
}

// ---- the gnostic `openapi_v2` protobuf messages, field numbers of OpenAPIv2.proto ------------

fn varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, (field << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn str_field(out: &mut Vec<u8>, field: u64, v: &Value) {
    if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
        bytes_field(out, field, s.as_bytes());
    }
}

/// `NamedAny{name = 1, value = 2: Any{yaml = 2}}`: a vendor extension, its value as YAML
/// (JSON is YAML; kubectl reads it with a YAML decoder).
fn named_any(name: &str, v: &Value) -> Vec<u8> {
    let mut any = Vec::new();
    bytes_field(&mut any, 2, v.to_string().as_bytes());
    let mut out = Vec::new();
    bytes_field(&mut out, 1, name.as_bytes());
    bytes_field(&mut out, 2, &any);
    out
}

fn operation(op: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    str_field(&mut out, 3, &op["description"]);
    str_field(&mut out, 5, &op["operationId"]);
    for p in op["produces"].as_array().into_iter().flatten() {
        str_field(&mut out, 6, p);
    }
    for c in op["consumes"].as_array().into_iter().flatten() {
        str_field(&mut out, 7, c);
    }
    for p in op["parameters"].as_array().into_iter().flatten() {
        // QueryParameterSubSchema{in = 2, description = 3, name = 4, type = 6,
        // unique_items = 20} in NonBodyParameter(3) in Parameter(2) in ParametersItem(1).
        let mut q = Vec::new();
        str_field(&mut q, 2, &p["in"]);
        str_field(&mut q, 3, &p["description"]);
        str_field(&mut q, 4, &p["name"]);
        str_field(&mut q, 6, &p["type"]);
        varint(&mut q, 20 << 3);
        varint(&mut q, 1);
        let mut nb = Vec::new();
        bytes_field(&mut nb, 3, &q);
        let mut param = Vec::new();
        bytes_field(&mut param, 2, &nb);
        let mut item = Vec::new();
        bytes_field(&mut item, 1, &param);
        bytes_field(&mut out, 8, &item);
    }
    for (k, v) in op.as_object().into_iter().flatten() {
        if k.starts_with("x-") {
            bytes_field(&mut out, 13, &named_any(k, v));
        }
    }
    out
}

/// `Document{swagger = 1, info = 2: Info{title = 1, version = 2}, paths = 8: Paths{path = 2:
/// NamedPathItem{name = 1, value = 2: PathItem{patch = 8}}}}`.
pub fn v2_protobuf(doc: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    str_field(&mut out, 1, &doc["swagger"]);
    let mut info = Vec::new();
    str_field(&mut info, 1, &doc["info"]["title"]);
    str_field(&mut info, 2, &doc["info"]["version"]);
    bytes_field(&mut out, 2, &info);
    let mut paths = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let mut pi = Vec::new();
        bytes_field(&mut pi, 8, &operation(&item["patch"]));
        let mut named = Vec::new();
        bytes_field(&mut named, 1, path.as_bytes());
        bytes_field(&mut named, 2, &pi);
        bytes_field(&mut paths, 2, &named);
    }
    bytes_field(&mut out, 8, &paths);
    out
}

/// A schema by name, `#/components/schemas/<name>`.
pub fn schema(name: &str) -> Option<&'static Value> {
    image_document()["components"]["schemas"].get(name)
}

/// The schema a property's value follows: the `$ref` directly or through `allOf` (how
/// kube-openapi v3 wraps a reference that has its own description).
pub fn resolve(s: &'static Value) -> &'static Value {
    let target = s["$ref"]
        .as_str()
        .or_else(|| s["allOf"][0]["$ref"].as_str())
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(schema);
    target.unwrap_or(s)
}

/// The schema of a kind of image.openshift.io/v1 (`ImageStream`, `ImageStreamTag`).
pub fn kind_schema(kind: &str) -> Option<&'static Value> {
    schema(&format!("com.github.openshift.api.image.v1.{kind}"))
}

/// The fields of `v` that the schema of `kind` does not declare, as sigs.k8s.io/json names them
/// in a strict decoding error (`spec.tags[0].frm`). Objects without `properties` (RawExtension,
/// FieldsV1) hold anything; `additionalProperties` maps are walked by value.
pub fn unknown_fields(kind: &str, v: &Value) -> Vec<String> {
    fn walk(v: &Value, s: &'static Value, path: &str, out: &mut Vec<String>) {
        let s = resolve(s);
        match v {
            Value::Object(m) => {
                let props = s["properties"].as_object();
                let extra = s.get("additionalProperties");
                for (k, x) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    match (props.and_then(|ps| ps.get(k)), extra) {
                        (Some(sub), _) | (None, Some(sub)) => walk(x, sub, &p, out),
                        (None, None) if props.is_some() => out.push(p),
                        (None, None) => {}
                    }
                }
            }
            Value::Array(a) => {
                if let Some(items) = s.get("items") {
                    for (i, x) in a.iter().enumerate() {
                        walk(x, items, &format!("{path}[{i}]"), out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(s) = kind_schema(kind) {
        walk(v, s, "", &mut out);
    }
    out
}

/// `strict decoding error: unknown field "a", unknown field "b"` (apimachinery
/// `runtime.NewStrictDecodingError`), or `None` when every field is declared.
pub fn strict_error(kind: &str, v: &Value) -> Option<String> {
    let unknown = unknown_fields(kind, v);
    (!unknown.is_empty()).then(|| {
        let list: Vec<String> = unknown
            .iter()
            .map(|f| format!("unknown field \"{f}\""))
            .collect();
        format!("strict decoding error: {}", list.join(", "))
    })
}

/// Whether the query asks `fieldValidation=Strict` (kubectl's default for create/apply/replace).
pub fn strict(query: &str) -> bool {
    query.split('&').any(|kv| kv == "fieldValidation=Strict")
}

/// The kind a write to `resource` carries, when the simulator checks its fields.
pub fn written_kind(group: &str, resource: &str) -> Option<&'static str> {
    match (group, resource) {
        (crate::model::GROUP, "imagestreams") => Some("ImageStream"),
        (crate::model::GROUP, "imagestreamtags") => Some("ImageStreamTag"),
        _ => None,
    }
}

/// A strict `POST`/`PUT` body with undeclared fields: the apiserver's 400 (handlers
/// `transformDecodeError`: `<Kind> in version "v1" cannot be handled as a <Kind>: …`).
pub fn strict_body_error(
    method: &str,
    group: &str,
    resource: &str,
    query: &str,
    body: &[u8],
) -> Option<crate::model::Status> {
    if !matches!(method, "POST" | "PUT") || !strict(query) {
        return None;
    }
    let kind = written_kind(group, resource)?;
    let v: Value = serde_json::from_slice(body).ok()?;
    let e = strict_error(kind, &v)?;
    Some(super::errors::bad_request(format!(
        "{kind} in version \"v1\" cannot be handled as a {kind}: {e}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_of_the_subset_resolves() {
        let text = IMAGE_DOC;
        let mut missing = Vec::new();
        for part in text.split("\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            if schema(name).is_none() {
                missing.push(name.to_owned());
            }
        }
        assert!(missing.is_empty(), "unresolved: {missing:?}");
    }

    fn body(a: &Answer) -> Value {
        serde_json::from_slice(&a.body).unwrap()
    }

    #[test]
    fn the_index_points_at_the_document_by_its_hash() {
        let a = answer("/openapi/v3", "", JSON, true);
        assert_eq!(a.code, 200);
        let index = body(&a);
        let url = index["paths"][IMAGE_GV]["serverRelativeURL"]
            .as_str()
            .unwrap();
        let (path, query) = url.split_once('?').unwrap();
        let a = answer(path, query, JSON, true);
        assert_eq!((a.code, a.cache_control), (200, "public, immutable"));
        assert_eq!(body(&a)["openapi"], "3.0.0");
        let a = answer(path, "hash=stale", JSON, true);
        assert_eq!((a.code, a.cache_control), (200, "no-cache, private"));
        // Without the image API the group is gone from the index and its document 404s.
        assert_eq!(
            body(&answer("/openapi/v3", "", JSON, false)),
            json!({"paths": {}})
        );
        assert_eq!(answer(path, query, JSON, false).code, 404);
        assert_eq!(answer("/openapi/v3/api/v1", "", JSON, true).code, 404);
    }

    #[test]
    fn v2_has_the_patch_operations_of_v3_with_field_validation() {
        let v2 = v2_document(true);
        let op = &v2["paths"]["/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}"]
            ["patch"];
        assert_eq!(
            op["x-kubernetes-group-version-kind"],
            json!({"group": "image.openshift.io", "kind": "ImageStream", "version": "v1"})
        );
        let names: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["dryRun", "fieldManager", "fieldValidation", "force"]
        );
        assert!(v2_document(false)["paths"].as_object().unwrap().is_empty());
        let a = answer("/openapi/v2", "", V2_PROTOBUF, true);
        assert_eq!((a.code, a.content_type), (200, V2_PROTOBUF_ANSWER));
        // Field 1 (swagger), length 3, "2.0".
        assert_eq!(&a.body[..5], b"\x0a\x032.0");
        let text = String::from_utf8_lossy(&a.body);
        assert!(
            text.contains("fieldValidation") && text.contains("x-kubernetes-group-version-kind")
        );
    }

    #[test]
    fn varints_are_little_endian_base_128() {
        let mut out = Vec::new();
        varint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
    }

    #[test]
    fn unknown_fields_are_named_by_their_path() {
        let v = json!({"apiVersion": "image.openshift.io/v1", "kind": "ImageStream",
            "metadata": {"name": "a", "labels": {"any": "x"}, "bogus": 1},
            "spec": {"tags": [{"name": "t", "frm": {}}, {"name": "u", "from": {"kind": "DockerImage", "nam": "x"}}]},
            "status": {"tags": [{"tag": "t", "items": [{"image": "x", "what": 1}]}]}});
        assert_eq!(
            unknown_fields("ImageStream", &v),
            [
                "metadata.bogus",
                "spec.tags[0].frm",
                "spec.tags[1].from.nam",
                "status.tags[0].items[0].what"
            ]
        );
        assert_eq!(
            strict_error("ImageStream", &json!({"spec": {"x": 1}})).as_deref(),
            Some("strict decoding error: unknown field \"spec.x\"")
        );
        // RawExtension (dockerImageMetadata) and FieldsV1 hold anything.
        let ist = json!({"image": {"dockerImageMetadata": {"Anything": 1}},
            "metadata": {"managedFields": [{"fieldsV1": {"f:x": {}}}]}});
        assert!(unknown_fields("ImageStreamTag", &ist).is_empty());
    }

    #[test]
    fn spec_tags_merge_by_name() {
        let spec = resolve(&kind_schema("ImageStream").unwrap()["properties"]["spec"]);
        let tags = &spec["properties"]["tags"];
        assert_eq!(tags["x-kubernetes-patch-merge-key"], "name");
        assert_eq!(tags["x-kubernetes-patch-strategy"], "merge");
    }
}
